-- Indicators (issue: monitoring indicators and appraisal): the raw rows they are computed
-- from — visits and stays imported from the county's hospital and township systems,
-- residents' care outside the county — and the monthly tallies kept per institution as
-- rows arrive, which the dashboards read and `yigong indicators rebuild` recomputes.
CREATE TABLE encounters (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    visit_no TEXT NOT NULL,
    department TEXT NOT NULL,
    resident_id BLOB,
    id_number TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('outpatient', 'emergency', 'inpatient')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    month TEXT NOT NULL,
    diagnoses TEXT NOT NULL,
    total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
    insurance_fen INTEGER NOT NULL CHECK (insurance_fen >= 0),
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, institution_id, visit_no),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX encounters_month ON encounters (community_id, month, institution_id, kind);
CREATE INDEX encounters_resident ON encounters (community_id, resident_id);

CREATE TABLE outside_visits (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
    settlement_no TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('outpatient', 'emergency', 'inpatient')),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    month TEXT NOT NULL,
    hospital TEXT NOT NULL,
    level TEXT NOT NULL CHECK (level IN ('provincial', 'municipal', 'other_county', 'other')),
    total_fen INTEGER NOT NULL CHECK (total_fen >= 0),
    insurance_fen INTEGER NOT NULL CHECK (insurance_fen >= 0),
    referral_id BLOB,
    source TEXT NOT NULL CHECK (source IN ('manual', 'import')),
    created_by BLOB,
    created_at TEXT NOT NULL,
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
    community_id BLOB NOT NULL REFERENCES communities(id),
    month TEXT NOT NULL,
    institution_id BLOB NOT NULL,
    measure TEXT NOT NULL CHECK (measure IN ('visits', 'stays', 'fund', 'cost', 'out_visits',
        'out_stays', 'out_fund', 'out_cost', 'out_referred')),
    value INTEGER NOT NULL,
    PRIMARY KEY (community_id, month, institution_id, measure),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);

-- How far an interrupted import of a file got, so that running it again goes on from
-- there (the rows before are already stored; re-reading them would only find them).
CREATE TABLE import_checkpoints (
    community_id BLOB NOT NULL REFERENCES communities(id),
    kind TEXT NOT NULL,
    file_hash TEXT NOT NULL,
    rows_done INTEGER NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, kind, file_hash)
);

-- Import reports also record encounter imports (SQLite changes a CHECK by rebuilding).
CREATE TABLE import_reports_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    account_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('residents', 'staff', 'encounters')),
    file_name TEXT NOT NULL,
    at TEXT NOT NULL,
    total_rows BIGINT NOT NULL,
    inserted BIGINT NOT NULL,
    updated BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    rejects_csv TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);
INSERT INTO import_reports_new (id, community_id, account_id, kind, file_name, at, total_rows, inserted, updated, rejected, rejects_csv)
    SELECT id, community_id, account_id, kind, file_name, at, total_rows, inserted, updated, rejected, rejects_csv FROM import_reports;
DROP TABLE import_reports;
ALTER TABLE import_reports_new RENAME TO import_reports;
