-- Member development (发展党员): each step from one stage to the next, with the day it
-- was decided and who decided it; the member's status moves in the same transaction.
CREATE TABLE party_member_steps (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    member_id BLOB NOT NULL,
    from_status TEXT NOT NULL,
    to_status TEXT NOT NULL CHECK (to_status IN ('applicant', 'activist', 'candidate', 'probationary', 'full')),
    decided_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    decided_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES party_members (community_id, id),
    FOREIGN KEY (community_id, decided_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_member_steps_member ON party_member_steps (community_id, member_id, decided_on);
