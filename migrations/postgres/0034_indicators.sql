-- Indicators (issue: monitoring indicators and appraisal): the raw rows they are computed
-- from — visits and stays imported from the county's hospital and township systems,
-- residents' care outside the county — and the monthly tallies kept per institution as
-- rows arrive, which the dashboards read and `yigong indicators rebuild` recomputes.
CREATE TABLE encounters (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL,
    visit_no TEXT NOT NULL,
    department TEXT NOT NULL,
    resident_id UUID,
    id_number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('outpatient', 'emergency', 'inpatient')),
    started_on DATE NOT NULL,
    ended_on DATE,
    month TEXT NOT NULL,
    diagnoses TEXT NOT NULL,
    total_fen BIGINT NOT NULL CHECK (total_fen >= 0),
    insurance_fen BIGINT NOT NULL CHECK (insurance_fen >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, institution_id, visit_no),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX encounters_month ON encounters (community_id, month, institution_id, kind);
CREATE INDEX encounters_resident ON encounters (community_id, resident_id);

CREATE TABLE outside_visits (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    resident_id UUID NOT NULL,
    institution_id UUID NOT NULL,
    settlement_no TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('outpatient', 'emergency', 'inpatient')),
    started_on DATE NOT NULL,
    ended_on DATE,
    month TEXT NOT NULL,
    hospital TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('provincial', 'municipal', 'other_county', 'other')),
    total_fen BIGINT NOT NULL CHECK (total_fen >= 0),
    insurance_fen BIGINT NOT NULL CHECK (insurance_fen >= 0),
    referral_id UUID,
    source TEXT NOT NULL CHECK (source IN ('manual', 'import')),
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, referral_id) REFERENCES referrals (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX outside_visits_month ON outside_visits (community_id, month, institution_id);
CREATE INDEX outside_visits_resident ON outside_visits (community_id, resident_id);
CREATE UNIQUE INDEX outside_visits_settlement ON outside_visits (community_id, settlement_no)
    WHERE settlement_no <> '';

CREATE TABLE indicator_tallies (
    community_id UUID NOT NULL REFERENCES communities(id),
    month TEXT NOT NULL,
    institution_id UUID NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('visits', 'stays', 'fund', 'cost', 'out_visits',
        'out_stays', 'out_fund', 'out_cost', 'out_referred')),
    value BIGINT NOT NULL,
    PRIMARY KEY (community_id, month, institution_id, measure),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);

-- How far an interrupted import of a file got, so that running it again goes on from
-- there (the rows before are already stored; re-reading them would only find them).
CREATE TABLE import_checkpoints (
    community_id UUID NOT NULL REFERENCES communities(id),
    kind TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    rows_done BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, kind, file_hash)
);

-- Import reports also record encounter imports.
ALTER TABLE import_reports DROP CONSTRAINT import_reports_kind_check;
ALTER TABLE import_reports ADD CONSTRAINT import_reports_kind_check
    CHECK (kind IN ('residents', 'staff', 'encounters'));
