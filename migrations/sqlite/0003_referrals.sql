-- Two-way referral (双向转诊), its event log, and green-channel targets.
CREATE TABLE referrals (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL REFERENCES residents(id),
    direction TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    urgency TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'routine')),
    urgency_rank INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'rejected', 'arrived', 'completed', 'cancelled')),
    open INTEGER NOT NULL,
    pathway TEXT CHECK (pathway IN ('chest_pain', 'stroke', 'trauma', 'critical_maternal', 'critical_neonatal')),
    from_institution_id BLOB NOT NULL REFERENCES institutions(id),
    to_institution_id BLOB NOT NULL REFERENCES institutions(id),
    to_department_id BLOB REFERENCES departments(id),
    parent_id BLOB REFERENCES referrals(id),
    reason TEXT NOT NULL,
    icd10_code TEXT NOT NULL,
    icd10_text TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    instructions TEXT NOT NULL DEFAULT '',
    preferred_date TEXT,
    appointment_at TEXT,
    outcome TEXT CHECK (outcome IN ('referred_down', 'outpatient_done', 'closed', 'follow_up_taken')),
    status_reason TEXT NOT NULL DEFAULT '',
    created_by BLOB REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    accepted_at TEXT,
    arrived_at TEXT,
    completed_at TEXT,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX referrals_incoming ON referrals (community_id, to_institution_id, open, urgency_rank, created_at);
CREATE INDEX referrals_incoming_dept ON referrals (community_id, to_department_id, open, urgency_rank, created_at);
CREATE INDEX referrals_outgoing ON referrals (community_id, from_institution_id, created_at);
CREATE INDEX referrals_resident ON referrals (community_id, resident_id, created_at);
CREATE INDEX referrals_created ON referrals (community_id, created_at);

CREATE TABLE referral_events (
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
);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);
CREATE INDEX referral_events_kind ON referral_events (community_id, kind, at);

CREATE TABLE pathway_targets (
    community_id BLOB NOT NULL REFERENCES communities(id),
    pathway TEXT NOT NULL,
    target_minutes INTEGER NOT NULL CHECK (target_minutes > 0),
    PRIMARY KEY (community_id, pathway)
);
