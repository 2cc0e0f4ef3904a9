-- Referral events and audit rows are only ever appended, in id order (UUIDv7: time
-- order). Stored WITHOUT ROWID each lives in one B-tree instead of a table plus a
-- primary-key index, so every row written costs one page fewer in the commit
-- (decision 0004). referral_events_kind served no query.
CREATE TABLE referral_events_lean (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    referral_id BLOB NOT NULL REFERENCES referrals(id),
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('status', 'milestone', 'note')),
    status_from TEXT,
    status_to TEXT,
    milestone TEXT,
    account_id BLOB,
    detail TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO referral_events_lean
    SELECT id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail
    FROM referral_events;
DROP TABLE referral_events;
ALTER TABLE referral_events_lean RENAME TO referral_events;
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);

CREATE TABLE audit_events_lean (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    at TEXT NOT NULL,
    account_id BLOB,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;
INSERT INTO audit_events_lean
    SELECT id, community_id, at, account_id, username, action, entity, entity_id, outcome, ip, detail
    FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_lean RENAME TO audit_events;
CREATE INDEX audit_at ON audit_events (community_id, at);
CREATE INDEX audit_entity ON audit_events (community_id, entity_id);
