-- Where a member is (流动党员 · 组织关系转接): settled in their branch, mobile (away for a
-- time, still of the branch), or transferred out of the community, with what was noted
-- and since when; and every move recorded, a transfer between branches with both ends.
ALTER TABLE party_members ADD COLUMN mobility TEXT NOT NULL DEFAULT 'settled'
    CHECK (mobility IN ('settled', 'mobile', 'transferred'));
ALTER TABLE party_members ADD COLUMN mobility_note TEXT NOT NULL DEFAULT '';

CREATE TABLE party_member_moves (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    member_id BLOB NOT NULL,
    move TEXT NOT NULL CHECK (move IN ('leave', 'return', 'transfer', 'transfer_out')),
    from_org_id BLOB NOT NULL,
    to_org_id BLOB,
    moved_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    decided_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES party_members (community_id, id),
    FOREIGN KEY (community_id, from_org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, to_org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, decided_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_member_moves_member ON party_member_moves (community_id, member_id, moved_on);
