-- Family-doctor teams and contracts (家庭医生签约), and the hypertension and diabetes
-- registers with their screenings and follow-ups ("两病"管理).
CREATE TABLE family_teams (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    name TEXT NOT NULL,
    -- The township health centre the team works from.
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    leader_staff_id BLOB NOT NULL REFERENCES staff(id),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX family_teams_institution ON family_teams (community_id, institution_id);

CREATE TABLE family_team_members (
    team_id BLOB NOT NULL REFERENCES family_teams(id),
    staff_id BLOB NOT NULL REFERENCES staff(id),
    role TEXT NOT NULL CHECK (role IN ('specialist', 'township_clinician', 'public_health', 'village_doctor', 'nurse', 'pharmacist', 'lab')),
    PRIMARY KEY (team_id, staff_id)
);
CREATE INDEX family_team_members_staff ON family_team_members (staff_id);

-- The village clinics a team covers.
CREATE TABLE family_team_villages (
    team_id BLOB NOT NULL REFERENCES family_teams(id),
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    PRIMARY KEY (team_id, institution_id)
);
CREATE INDEX family_team_villages_institution ON family_team_villages (institution_id);

CREATE TABLE family_contracts (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL REFERENCES residents(id),
    team_id BLOB NOT NULL REFERENCES family_teams(id),
    package TEXT NOT NULL,
    -- Key-population groups, comma-separated.
    key_groups TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'renewed', 'ended')),
    end_reason TEXT CHECK (end_reason IN ('moved', 'deceased', 'declined', 'transferred', 'expired')),
    ended_on TEXT,
    previous_id BLOB REFERENCES family_contracts(id),
    created_by BLOB REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
-- One active contract per resident.
CREATE UNIQUE INDEX family_contracts_active ON family_contracts (resident_id) WHERE status = 'active';
CREATE INDEX family_contracts_team ON family_contracts (community_id, team_id, status);
CREATE INDEX family_contracts_end ON family_contracts (community_id, status, end_date);

CREATE TABLE chronic_registers (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL REFERENCES residents(id),
    disease TEXT NOT NULL CHECK (disease IN ('hypertension', 'diabetes')),
    status TEXT NOT NULL CHECK (status IN ('managed', 'ended')),
    -- The resident's clinic (where the follow-ups happen) and the responsible doctor.
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    responsible_staff_id BLOB REFERENCES staff(id),
    diagnosed_on TEXT NOT NULL,
    enrolled_on TEXT NOT NULL,
    last_visit_on TEXT,
    last_controlled INTEGER,
    next_due TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX chronic_registers_resident ON chronic_registers (resident_id, disease);
CREATE INDEX chronic_registers_due ON chronic_registers (community_id, institution_id, status, next_due);

-- Screening results from any clinic: blood pressure, fasting glucose, COPD questionnaire.
CREATE TABLE chronic_screenings (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL REFERENCES residents(id),
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    screened_on TEXT NOT NULL,
    systolic INTEGER,
    diastolic INTEGER,
    glucose DOUBLE PRECISION,
    copd_score INTEGER,
    recorded_by BLOB REFERENCES accounts(id),
    created_at TEXT NOT NULL
);
CREATE INDEX chronic_screenings_resident ON chronic_screenings (community_id, resident_id, screened_on);

CREATE TABLE chronic_follow_ups (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    register_id BLOB NOT NULL REFERENCES chronic_registers(id),
    -- The register's clinic and disease, kept with each visit for the quality figures.
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    disease TEXT NOT NULL,
    visit_on TEXT NOT NULL,
    systolic INTEGER,
    diastolic INTEGER,
    glucose DOUBLE PRECISION,
    weight_kg DOUBLE PRECISION,
    height_cm DOUBLE PRECISION,
    symptoms TEXT NOT NULL DEFAULT '',
    danger_symptoms INTEGER NOT NULL DEFAULT 0,
    adverse_reaction INTEGER NOT NULL DEFAULT 0,
    new_complication INTEGER NOT NULL DEFAULT 0,
    medications TEXT NOT NULL DEFAULT '',
    adherence TEXT NOT NULL DEFAULT '',
    advice TEXT NOT NULL DEFAULT '',
    controlled INTEGER,
    plan TEXT NOT NULL CHECK (plan IN ('routine', 'recheck', 'refer', 'emergency_referral')),
    next_due TEXT NOT NULL,
    recorded_by BLOB REFERENCES accounts(id),
    created_at TEXT NOT NULL
);
CREATE INDEX chronic_follow_ups_register ON chronic_follow_ups (register_id, visit_on);
CREATE INDEX chronic_follow_ups_clinic ON chronic_follow_ups (community_id, institution_id, visit_on);
