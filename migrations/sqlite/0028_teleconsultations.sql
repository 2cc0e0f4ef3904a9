-- Teleconsultation (远程会诊, seed 000): a clinic asks about a patient, the office
-- schedules a lead-hospital expert, the expert answers, the clinic rates; the results and
-- ECGs it brings along are linked; so is a referral that follows.
CREATE TABLE teleconsultations (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    from_institution_id BLOB NOT NULL,
    requested_by BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('general', 'surgical')),
    question TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'scheduled', 'answered', 'cancelled')),
    expert_id BLOB,
    scheduled_at TEXT,
    minutes INTEGER,
    opinion TEXT NOT NULL DEFAULT '',
    answered_at TEXT,
    rating INTEGER CHECK (rating BETWEEN 1 AND 5),
    rating_comment TEXT NOT NULL DEFAULT '',
    referral_id BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, from_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, requested_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, expert_id) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, referral_id) REFERENCES referrals (community_id, id)
);
CREATE INDEX teleconsultations_at ON teleconsultations (community_id, created_at);
CREATE INDEX teleconsultations_expert ON teleconsultations (community_id, expert_id, scheduled_at);
CREATE INDEX teleconsultations_from ON teleconsultations (community_id, from_institution_id, created_at);

CREATE TABLE teleconsultation_links (
    community_id BLOB NOT NULL REFERENCES communities(id),
    consult_id BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('order', 'ecg')),
    ref_id BLOB NOT NULL,
    PRIMARY KEY (community_id, consult_id, kind, ref_id),
    FOREIGN KEY (community_id, consult_id) REFERENCES teleconsultations (community_id, id)
);
