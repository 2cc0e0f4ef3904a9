-- The ECG network (心电一张网): studies uploaded by the sending clinic with their files
-- and automatic measurements, the reading, and the study's event log.
CREATE TABLE ecg_studies (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    resident_id UUID NOT NULL REFERENCES residents(id),
    from_institution_id UUID NOT NULL REFERENCES institutions(id),
    uploaded_by UUID REFERENCES accounts(id),
    status TEXT NOT NULL CHECK (status IN ('awaiting', 'reading', 'reported')),
    open BOOLEAN NOT NULL,
    urgency_rank INTEGER NOT NULL CHECK (urgency_rank BETWEEN 0 AND 2),
    chest_pain BOOLEAN NOT NULL,
    symptoms TEXT NOT NULL DEFAULT '',
    symptom_onset_at TIMESTAMPTZ,
    recorded_at TIMESTAMPTZ NOT NULL,
    format TEXT NOT NULL,
    sample_rate DOUBLE PRECISION NOT NULL,
    lead_count INTEGER NOT NULL,
    samples_per_lead BIGINT NOT NULL,
    heart_rate DOUBLE PRECISION,
    alerts TEXT NOT NULL DEFAULT '',
    measurements TEXT NOT NULL,
    claimed_by UUID REFERENCES accounts(id),
    claimed_at TIMESTAMPTZ,
    reported_at TIMESTAMPTZ,
    critical BOOLEAN NOT NULL DEFAULT FALSE,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by UUID REFERENCES accounts(id),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ecg_studies_worklist ON ecg_studies (community_id, open, urgency_rank, created_at);
CREATE INDEX ecg_studies_sender ON ecg_studies (community_id, from_institution_id, created_at);
CREATE INDEX ecg_studies_resident ON ecg_studies (community_id, resident_id, created_at);

-- The files as uploaded: kept whole, read again to draw the trace.
CREATE TABLE ecg_files (
    study_id UUID NOT NULL REFERENCES ecg_studies(id),
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    content BYTEA NOT NULL,
    PRIMARY KEY (study_id, position)
);

CREATE TABLE ecg_reports (
    study_id UUID PRIMARY KEY REFERENCES ecg_studies(id),
    community_id UUID NOT NULL REFERENCES communities(id),
    reader_id UUID NOT NULL REFERENCES accounts(id),
    findings TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    critical BOOLEAN NOT NULL,
    signed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE ecg_events (
    id UUID PRIMARY KEY,
    community_id UUID NOT NULL REFERENCES communities(id),
    study_id UUID NOT NULL REFERENCES ecg_studies(id),
    at TIMESTAMPTZ NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('uploaded', 'claim', 'release', 'report', 'acknowledge')),
    account_id UUID,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ecg_events_study ON ecg_events (study_id, at);
