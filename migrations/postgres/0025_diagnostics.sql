-- The shared diagnostic centres (seed 000): orders from the clinics to the lead hospital's
-- laboratory, imaging and pathology centres, and results from a member's own laboratory or
-- machine; lab values with their ranges and flags; results recognised instead of a new
-- order (结果互认, seed 002); and the laboratories' external quality assessment.
CREATE TABLE diag_orders (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    resident_id UUID NOT NULL,
    item_code TEXT NOT NULL,
    centre TEXT NOT NULL CHECK (centre IN ('laboratory', 'imaging', 'pathology')),
    from_institution_id UUID NOT NULL,
    performer_id UUID NOT NULL,
    ordered_by UUID,
    urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'urgent')),
    question TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('ordered', 'received', 'reported', 'cancelled')),
    repeat_reason TEXT CHECK (repeat_reason IN ('condition_changed', 'fast_changing', 'before_surgery',
        'emergency', 'forensic', 'patient_request', 'eqa_failed', 'window_expired', 'doctor_judgement')),
    repeat_of UUID,
    price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
    received_at TIMESTAMPTZ,
    claimed_by UUID,
    claimed_at TIMESTAMPTZ,
    reported_at TIMESTAMPTZ,
    reported_by UUID,
    findings TEXT NOT NULL DEFAULT '',
    impression TEXT NOT NULL DEFAULT '',
    critical BOOLEAN NOT NULL DEFAULT FALSE,
    acknowledged_at TIMESTAMPTZ,
    acknowledged_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, from_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, performer_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, ordered_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, claimed_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, reported_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, acknowledged_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, repeat_of) REFERENCES diag_orders (community_id, id)
);
CREATE INDEX diag_orders_results ON diag_orders (community_id, resident_id, item_code, reported_at);
CREATE INDEX diag_orders_worklist ON diag_orders (community_id, centre, status, created_at);
CREATE INDEX diag_orders_orderer ON diag_orders (community_id, from_institution_id, created_at);
CREATE INDEX diag_orders_reported ON diag_orders (community_id, status, reported_at);

CREATE TABLE diag_values (
    community_id UUID NOT NULL REFERENCES communities(id),
    order_id UUID NOT NULL,
    analyte TEXT NOT NULL,
    position BIGINT NOT NULL,
    value DOUBLE PRECISION NOT NULL,
    unit TEXT NOT NULL,
    ref_low DOUBLE PRECISION NOT NULL,
    ref_high DOUBLE PRECISION NOT NULL,
    flag TEXT NOT NULL CHECK (flag IN ('N', 'L', 'H', 'LL', 'HH')),
    PRIMARY KEY (community_id, order_id, analyte),
    FOREIGN KEY (community_id, order_id) REFERENCES diag_orders (community_id, id)
);

CREATE TABLE diag_reuses (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    resident_id UUID NOT NULL,
    item_code TEXT NOT NULL,
    result_id UUID NOT NULL,
    institution_id UUID NOT NULL,
    reused_by UUID,
    price_fen BIGINT NOT NULL CHECK (price_fen >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, result_id) REFERENCES diag_orders (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, reused_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX diag_reuses_at ON diag_reuses (community_id, created_at);

CREATE TABLE diag_quality (
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL,
    centre TEXT NOT NULL CHECK (centre IN ('laboratory', 'imaging', 'pathology')),
    assessed_on DATE NOT NULL,
    passed BOOLEAN NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, institution_id, centre, assessed_on),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);
