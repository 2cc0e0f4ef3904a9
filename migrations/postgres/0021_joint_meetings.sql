-- The joint meeting system and pairing (联席会议 · 结对共建), on the one work engine
-- (decision 0012): an issue raised at a joint meeting is a `joint_issue` row whose parent
-- is the meeting (an activity of the convening committee); a pairing binds a department of
-- a hospital to a township branch, and its joint activities are the branch's activities
-- that name the pairing.
CREATE TABLE party_pairings (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    department_id UUID NOT NULL,
    org_id UUID NOT NULL,
    since DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, department_id) REFERENCES departments (community_id, id),
    FOREIGN KEY (community_id, org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE UNIQUE INDEX party_pairings_once ON party_pairings (community_id, department_id, org_id);

ALTER TABLE party_work ADD COLUMN parent_id UUID;
ALTER TABLE party_work ADD COLUMN pairing_id UUID;
ALTER TABLE party_work ADD CONSTRAINT party_work_parent_fk
    FOREIGN KEY (community_id, parent_id) REFERENCES party_work (community_id, id);
ALTER TABLE party_work ADD CONSTRAINT party_work_pairing_fk
    FOREIGN KEY (community_id, pairing_id) REFERENCES party_pairings (community_id, id);
CREATE INDEX party_work_parent ON party_work (community_id, parent_id);
CREATE INDEX party_work_pairing ON party_work (community_id, pairing_id);
