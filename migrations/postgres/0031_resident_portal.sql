-- The residents' window (居民端): a resident signs in with their ID number, their phone
-- and a one-time code sent to the phone (kept only as a hash, a few minutes, a few tries);
-- their sessions (token hashed, with the token their forms carry); and the notices pushed
-- to them (a report released, a session changed) with the channel that carried each.
CREATE TABLE portal_codes (
    community_id UUID NOT NULL REFERENCES communities(id),
    resident_id UUID NOT NULL,
    code_hash TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, resident_id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);

CREATE TABLE portal_sessions (
    community_id UUID NOT NULL REFERENCES communities(id),
    token_hash TEXT NOT NULL,
    resident_id UUID NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, token_hash),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX portal_sessions_resident ON portal_sessions (community_id, resident_id);

CREATE TABLE portal_notices (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    resident_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('ecg_report', 'result', 'session_changed')),
    ref_id UUID NOT NULL,
    channel TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX portal_notices_resident ON portal_notices (community_id, resident_id, created_at);
