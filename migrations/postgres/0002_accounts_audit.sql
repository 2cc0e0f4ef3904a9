-- Accounts, sessions, the audit trail and import reports.
CREATE TABLE accounts (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'specialist', 'township_doctor',
        'village_doctor', 'party_secretary', 'bureau_viewer')),
    institution_id UUID NOT NULL REFERENCES institutions(id),
    department_id UUID REFERENCES departments(id),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id UUID NOT NULL REFERENCES accounts(id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX sessions_account ON sessions (account_id);

CREATE TABLE audit_events (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    at TIMESTAMPTZ NOT NULL,
    account_id UUID,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id UUID,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit_events (community_id, at);
CREATE INDEX audit_entity ON audit_events (community_id, entity_id);

CREATE TABLE import_reports (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    account_id UUID,
    kind TEXT NOT NULL CHECK (kind IN ('residents', 'staff')),
    file_name TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    total_rows BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    rejects_csv TEXT NOT NULL
);
