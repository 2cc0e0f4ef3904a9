-- Member points (党员积分制): the community's own setting of a rule of the points tree
-- (the defaults live in the code; a row here replaces one), and the evidence an entry
-- awarded by hand carries.
CREATE TABLE party_point_rules (
    community_id BLOB NOT NULL REFERENCES communities(id),
    code TEXT NOT NULL,
    points INTEGER NOT NULL,
    yearly_cap INTEGER,
    updated_by BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, code),
    FOREIGN KEY (community_id, updated_by) REFERENCES accounts (community_id, id)
);
ALTER TABLE party_points ADD COLUMN evidence TEXT NOT NULL DEFAULT '';
