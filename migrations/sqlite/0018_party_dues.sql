-- Party dues (党费): each member's basis (working, retired, fixed) and monthly after-tax
-- pay in fen, from which the bracket gives the monthly dues; and a ledger with one row
-- per member and month paid (a month index: year × 12 + month), never two.
ALTER TABLE party_members ADD COLUMN dues_basis TEXT NOT NULL DEFAULT 'working'
    CHECK (dues_basis IN ('working', 'retired', 'fixed'));
ALTER TABLE party_members ADD COLUMN pay_fen INTEGER NOT NULL DEFAULT 0 CHECK (pay_fen >= 0);

CREATE TABLE party_dues (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    member_id BLOB NOT NULL,
    month INTEGER NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    paid_on TEXT NOT NULL,
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES party_members (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE UNIQUE INDEX party_dues_once ON party_dues (community_id, member_id, month);
