-- How a follow-up was made (in the clinic, at home, by phone), and the calls to overdue
-- patients with what each changed in the register: a week's grace for one who will
-- come, a home visit instead of a call after a wrong number, the register ended for one
-- who moved away or died.
ALTER TABLE chronic_follow_ups ADD COLUMN visit_type TEXT NOT NULL DEFAULT 'clinic'
    CHECK (visit_type IN ('clinic', 'home', 'phone'));
ALTER TABLE chronic_registers ADD COLUMN end_reason TEXT CHECK (end_reason IN ('moved', 'died'));
ALTER TABLE chronic_registers ADD COLUMN quiet_until TEXT;
ALTER TABLE chronic_registers ADD COLUMN visit_at_home INTEGER NOT NULL DEFAULT 0;

CREATE TABLE chronic_calls (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    register_id BLOB NOT NULL,
    called_on TEXT NOT NULL,
    outcome TEXT NOT NULL CHECK (outcome IN ('will_come', 'wrong_number', 'moved', 'died')),
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, register_id) REFERENCES chronic_registers (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX chronic_calls_register ON chronic_calls (community_id, register_id, called_on);
