-- An administrator's corrections of the indicators' definitions (official wording,
-- version, source, target), laid over the built-in texts; one row per corrected
-- indicator, its fields as JSON (absent: the built-in value stands).
CREATE TABLE indicator_corrections (
    community_id UUID NOT NULL REFERENCES communities(id),
    code TEXT NOT NULL,
    body TEXT NOT NULL,
    updated_by UUID,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, code),
    FOREIGN KEY (community_id, updated_by) REFERENCES accounts (community_id, id)
);
