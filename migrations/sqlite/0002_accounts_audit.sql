-- Accounts, sessions, the audit trail and import reports.
CREATE TABLE accounts (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'specialist', 'township_doctor',
        'village_doctor', 'party_secretary', 'bureau_viewer')),
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    department_id BLOB REFERENCES departments(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id BLOB NOT NULL REFERENCES accounts(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE audit_events (
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
);
CREATE INDEX audit_at ON audit_events (community_id, at);
CREATE INDEX audit_entity ON audit_events (community_id, entity_id);

CREATE TABLE import_reports (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    account_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('residents', 'staff')),
    file_name TEXT NOT NULL,
    at TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    rejects_csv TEXT NOT NULL
);
