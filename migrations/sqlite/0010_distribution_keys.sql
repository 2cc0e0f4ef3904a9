-- Every primary key, unique index and foreign key leads with community_id, and every
-- table but communities carries it, so that PostgreSQL can spread the data over nodes
-- by community (Citus distributes by one column, and keys must contain it). Usernames
-- become unique per community, and a session belongs to its account's community.
--
-- SQLite cannot change a primary key in place: each table is rebuilt (created anew,
-- copied, dropped, renamed), with foreign keys checked once at the end. The column
-- comments live in the migrations that created the tables.

CREATE TABLE accounts_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    username TEXT NOT NULL,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'specialist', 'township_doctor', 'village_doctor', 'party_secretary', 'bureau_viewer')),
    institution_id BLOB NOT NULL,
    department_id BLOB,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, username),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, department_id) REFERENCES departments (community_id, id)
);
INSERT INTO accounts_new (id, community_id, username, display_name, password_hash, role, institution_id, department_id, active, created_at)
    SELECT id, community_id, username, display_name, password_hash, role, institution_id, department_id, active, created_at FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_new RENAME TO accounts;

CREATE TABLE audit_events_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    at TEXT NOT NULL,
    account_id BLOB,
    username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id BLOB,
    outcome TEXT NOT NULL CHECK (outcome IN ('allowed', 'denied')),
    ip TEXT NOT NULL DEFAULT '',
    detail TEXT NOT NULL DEFAULT '',
    method TEXT NOT NULL DEFAULT '',
    path TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id)
) WITHOUT ROWID;
INSERT INTO audit_events_new (id, community_id, at, account_id, username, action, entity, entity_id, outcome, ip, detail, method, path)
    SELECT id, community_id, at, account_id, username, action, entity, entity_id, outcome, ip, detail, method, path FROM audit_events;
DROP TABLE audit_events;
ALTER TABLE audit_events_new RENAME TO audit_events;

CREATE TABLE chronic_follow_ups_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    register_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
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
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    lifestyle TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, register_id) REFERENCES chronic_registers (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
INSERT INTO chronic_follow_ups_new (id, community_id, register_id, institution_id, disease, visit_on, systolic, diastolic, glucose, weight_kg, height_cm, symptoms, danger_symptoms, adverse_reaction, new_complication, medications, adherence, advice, controlled, plan, next_due, recorded_by, created_at, lifestyle)
    SELECT id, community_id, register_id, institution_id, disease, visit_on, systolic, diastolic, glucose, weight_kg, height_cm, symptoms, danger_symptoms, adverse_reaction, new_complication, medications, adherence, advice, controlled, plan, next_due, recorded_by, created_at, lifestyle FROM chronic_follow_ups;
DROP TABLE chronic_follow_ups;
ALTER TABLE chronic_follow_ups_new RENAME TO chronic_follow_ups;

CREATE TABLE chronic_registers_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    disease TEXT NOT NULL CHECK (disease IN ('hypertension', 'diabetes')),
    status TEXT NOT NULL CHECK (status IN ('managed', 'ended')),
    institution_id BLOB NOT NULL,
    responsible_staff_id BLOB,
    diagnosed_on TEXT NOT NULL,
    enrolled_on TEXT NOT NULL,
    last_visit_on TEXT,
    last_controlled INTEGER,
    next_due TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    last_plan TEXT,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, responsible_staff_id) REFERENCES staff (community_id, id)
);
INSERT INTO chronic_registers_new (id, community_id, resident_id, disease, status, institution_id, responsible_staff_id, diagnosed_on, enrolled_on, last_visit_on, last_controlled, next_due, created_at, updated_at, version, last_plan)
    SELECT id, community_id, resident_id, disease, status, institution_id, responsible_staff_id, diagnosed_on, enrolled_on, last_visit_on, last_controlled, next_due, created_at, updated_at, version, last_plan FROM chronic_registers;
DROP TABLE chronic_registers;
ALTER TABLE chronic_registers_new RENAME TO chronic_registers;

CREATE TABLE chronic_screenings_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
    screened_on TEXT NOT NULL,
    systolic INTEGER,
    diastolic INTEGER,
    glucose DOUBLE PRECISION,
    copd_score INTEGER,
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    weight_kg DOUBLE PRECISION,
    height_cm DOUBLE PRECISION,
    copd_answers TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
INSERT INTO chronic_screenings_new (id, community_id, resident_id, institution_id, screened_on, systolic, diastolic, glucose, copd_score, recorded_by, created_at, weight_kg, height_cm, copd_answers, findings)
    SELECT id, community_id, resident_id, institution_id, screened_on, systolic, diastolic, glucose, copd_score, recorded_by, created_at, weight_kg, height_cm, copd_answers, findings FROM chronic_screenings;
DROP TABLE chronic_screenings;
ALTER TABLE chronic_screenings_new RENAME TO chronic_screenings;

CREATE TABLE chronic_suspicions_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    condition TEXT NOT NULL CHECK (condition IN ('hypertension', 'diabetes', 'copd')),
    institution_id BLOB NOT NULL,
    screening_id BLOB NOT NULL,
    opened_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'excluded')),
    closed_on TEXT,
    basis TEXT,
    note TEXT NOT NULL DEFAULT '',
    register_id BLOB,
    decided_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, screening_id) REFERENCES chronic_screenings (community_id, id),
    FOREIGN KEY (community_id, register_id) REFERENCES chronic_registers (community_id, id),
    FOREIGN KEY (community_id, decided_by) REFERENCES accounts (community_id, id)
);
INSERT INTO chronic_suspicions_new (id, community_id, resident_id, condition, institution_id, screening_id, opened_on, status, closed_on, basis, note, register_id, decided_by, created_at, updated_at)
    SELECT id, community_id, resident_id, condition, institution_id, screening_id, opened_on, status, closed_on, basis, note, register_id, decided_by, created_at, updated_at FROM chronic_suspicions;
DROP TABLE chronic_suspicions;
ALTER TABLE chronic_suspicions_new RENAME TO chronic_suspicions;

CREATE TABLE departments_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, institution_id, code),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);
INSERT INTO departments_new (id, community_id, institution_id, code, name, active)
    SELECT id, community_id, institution_id, code, name, active FROM departments;
DROP TABLE departments;
ALTER TABLE departments_new RENAME TO departments;

CREATE TABLE ecg_events_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    study_id BLOB NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('uploaded', 'claim', 'release', 'report', 'acknowledge')),
    account_id BLOB,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, study_id) REFERENCES ecg_studies (community_id, id)
) WITHOUT ROWID;
INSERT INTO ecg_events_new (id, community_id, study_id, at, kind, account_id, detail)
    SELECT id, community_id, study_id, at, kind, account_id, detail FROM ecg_events;
DROP TABLE ecg_events;
ALTER TABLE ecg_events_new RENAME TO ecg_events;

CREATE TABLE ecg_files_new (
    study_id BLOB NOT NULL,
    position INTEGER NOT NULL,
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    PRIMARY KEY (community_id, study_id, position),
    FOREIGN KEY (community_id, study_id) REFERENCES ecg_studies (community_id, id)
);
INSERT INTO ecg_files_new (study_id, position, name, content, community_id)
    SELECT t.study_id, t.position, t.name, t.content, p.community_id FROM ecg_files t JOIN ecg_studies p ON p.id = t.study_id;
DROP TABLE ecg_files;
ALTER TABLE ecg_files_new RENAME TO ecg_files;

CREATE TABLE ecg_reports_new (
    study_id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    reader_id BLOB NOT NULL,
    findings TEXT NOT NULL,
    conclusion TEXT NOT NULL,
    critical INTEGER NOT NULL,
    signed_at TEXT NOT NULL,
    PRIMARY KEY (community_id, study_id),
    FOREIGN KEY (community_id, study_id) REFERENCES ecg_studies (community_id, id),
    FOREIGN KEY (community_id, reader_id) REFERENCES accounts (community_id, id)
);
INSERT INTO ecg_reports_new (study_id, community_id, reader_id, findings, conclusion, critical, signed_at)
    SELECT study_id, community_id, reader_id, findings, conclusion, critical, signed_at FROM ecg_reports;
DROP TABLE ecg_reports;
ALTER TABLE ecg_reports_new RENAME TO ecg_reports;

CREATE TABLE ecg_studies_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    from_institution_id BLOB NOT NULL,
    uploaded_by BLOB,
    status TEXT NOT NULL CHECK (status IN ('awaiting', 'reading', 'reported')),
    open INTEGER NOT NULL,
    urgency_rank INTEGER NOT NULL CHECK (urgency_rank BETWEEN 0 AND 2),
    chest_pain INTEGER NOT NULL,
    symptoms TEXT NOT NULL DEFAULT '',
    symptom_onset_at TEXT,
    recorded_at TEXT NOT NULL,
    format TEXT NOT NULL,
    sample_rate DOUBLE PRECISION NOT NULL,
    lead_count INTEGER NOT NULL,
    samples_per_lead INTEGER NOT NULL,
    heart_rate DOUBLE PRECISION,
    alerts TEXT NOT NULL DEFAULT '',
    measurements TEXT NOT NULL,
    claimed_by BLOB,
    claimed_at TEXT,
    reported_at TEXT,
    critical INTEGER NOT NULL DEFAULT 0,
    acknowledged_at TEXT,
    acknowledged_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, from_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, uploaded_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, claimed_by) REFERENCES accounts (community_id, id),
    FOREIGN KEY (community_id, acknowledged_by) REFERENCES accounts (community_id, id)
);
INSERT INTO ecg_studies_new (id, community_id, resident_id, from_institution_id, uploaded_by, status, open, urgency_rank, chest_pain, symptoms, symptom_onset_at, recorded_at, format, sample_rate, lead_count, samples_per_lead, heart_rate, alerts, measurements, claimed_by, claimed_at, reported_at, critical, acknowledged_at, acknowledged_by, created_at, updated_at, version)
    SELECT id, community_id, resident_id, from_institution_id, uploaded_by, status, open, urgency_rank, chest_pain, symptoms, symptom_onset_at, recorded_at, format, sample_rate, lead_count, samples_per_lead, heart_rate, alerts, measurements, claimed_by, claimed_at, reported_at, critical, acknowledged_at, acknowledged_by, created_at, updated_at, version FROM ecg_studies;
DROP TABLE ecg_studies;
ALTER TABLE ecg_studies_new RENAME TO ecg_studies;

CREATE TABLE family_contracts_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    team_id BLOB NOT NULL,
    package TEXT NOT NULL,
    key_groups TEXT NOT NULL DEFAULT '',
    start_date TEXT NOT NULL,
    end_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'renewed', 'ended')),
    end_reason TEXT CHECK (end_reason IN ('moved', 'deceased', 'declined', 'transferred', 'expired')),
    ended_on TEXT,
    previous_id BLOB,
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, team_id) REFERENCES family_teams (community_id, id),
    FOREIGN KEY (community_id, previous_id) REFERENCES family_contracts (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
INSERT INTO family_contracts_new (id, community_id, resident_id, team_id, package, key_groups, start_date, end_date, status, end_reason, ended_on, previous_id, created_by, created_at, updated_at)
    SELECT id, community_id, resident_id, team_id, package, key_groups, start_date, end_date, status, end_reason, ended_on, previous_id, created_by, created_at, updated_at FROM family_contracts;
DROP TABLE family_contracts;
ALTER TABLE family_contracts_new RENAME TO family_contracts;

CREATE TABLE family_team_members_new (
    team_id BLOB NOT NULL,
    staff_id BLOB NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('specialist', 'township_clinician', 'public_health', 'village_doctor', 'nurse', 'pharmacist', 'lab')),
    community_id BLOB NOT NULL REFERENCES communities(id),
    PRIMARY KEY (community_id, team_id, staff_id),
    FOREIGN KEY (community_id, team_id) REFERENCES family_teams (community_id, id),
    FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id)
);
INSERT INTO family_team_members_new (team_id, staff_id, role, community_id)
    SELECT t.team_id, t.staff_id, t.role, p.community_id FROM family_team_members t JOIN family_teams p ON p.id = t.team_id;
DROP TABLE family_team_members;
ALTER TABLE family_team_members_new RENAME TO family_team_members;

CREATE TABLE family_team_villages_new (
    team_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    PRIMARY KEY (community_id, team_id, institution_id),
    FOREIGN KEY (community_id, team_id) REFERENCES family_teams (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);
INSERT INTO family_team_villages_new (team_id, institution_id, community_id)
    SELECT t.team_id, t.institution_id, p.community_id FROM family_team_villages t JOIN family_teams p ON p.id = t.team_id;
DROP TABLE family_team_villages;
ALTER TABLE family_team_villages_new RENAME TO family_team_villages;

CREATE TABLE family_teams_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    name TEXT NOT NULL,
    institution_id BLOB NOT NULL,
    leader_staff_id BLOB NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, leader_staff_id) REFERENCES staff (community_id, id)
);
INSERT INTO family_teams_new (id, community_id, name, institution_id, leader_staff_id, active, created_at, updated_at)
    SELECT id, community_id, name, institution_id, leader_staff_id, active, created_at, updated_at FROM family_teams;
DROP TABLE family_teams;
ALTER TABLE family_teams_new RENAME TO family_teams;

CREATE TABLE import_reports_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    account_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('residents', 'staff')),
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

CREATE TABLE institutions_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    parent_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('lead', 'member', 'township', 'village', 'bureau')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, code),
    FOREIGN KEY (community_id, parent_id) REFERENCES institutions (community_id, id)
);
INSERT INTO institutions_new (id, community_id, parent_id, kind, code, name, address, active, created_at, updated_at)
    SELECT id, community_id, parent_id, kind, code, name, address, active, created_at, updated_at FROM institutions;
DROP TABLE institutions;
ALTER TABLE institutions_new RENAME TO institutions;

CREATE TABLE pathway_targets_new (
    community_id BLOB NOT NULL REFERENCES communities(id),
    pathway TEXT NOT NULL,
    target_minutes INTEGER NOT NULL CHECK (target_minutes > 0),
    PRIMARY KEY (community_id, pathway)
);
INSERT INTO pathway_targets_new (community_id, pathway, target_minutes)
    SELECT community_id, pathway, target_minutes FROM pathway_targets;
DROP TABLE pathway_targets;
ALTER TABLE pathway_targets_new RENAME TO pathway_targets;

CREATE TABLE referral_events_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    referral_id BLOB NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('status', 'milestone', 'note')),
    status_from TEXT,
    status_to TEXT,
    milestone TEXT,
    account_id BLOB,
    detail TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, referral_id) REFERENCES referrals (community_id, id)
) WITHOUT ROWID;
INSERT INTO referral_events_new (id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail)
    SELECT id, community_id, referral_id, at, kind, status_from, status_to, milestone, account_id, detail FROM referral_events;
DROP TABLE referral_events;
ALTER TABLE referral_events_new RENAME TO referral_events;

CREATE TABLE referrals_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL,
    direction TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    urgency TEXT NOT NULL CHECK (urgency IN ('emergency', 'urgent', 'routine')),
    urgency_rank INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('requested', 'accepted', 'rejected', 'arrived', 'completed', 'cancelled')),
    open INTEGER NOT NULL,
    pathway TEXT CHECK (pathway IN ('chest_pain', 'stroke', 'trauma', 'critical_maternal', 'critical_neonatal')),
    from_institution_id BLOB NOT NULL,
    to_institution_id BLOB NOT NULL,
    to_department_id BLOB,
    parent_id BLOB,
    reason TEXT NOT NULL,
    icd10_code TEXT NOT NULL,
    icd10_text TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    instructions TEXT NOT NULL DEFAULT '',
    preferred_date TEXT,
    appointment_at TEXT,
    outcome TEXT CHECK (outcome IN ('referred_down', 'outpatient_done', 'closed', 'follow_up_taken')),
    status_reason TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    accepted_at TEXT,
    arrived_at TEXT,
    completed_at TEXT,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, from_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, to_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, to_department_id) REFERENCES departments (community_id, id),
    FOREIGN KEY (community_id, parent_id) REFERENCES referrals (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
INSERT INTO referrals_new (id, community_id, resident_id, direction, urgency, urgency_rank, status, open, pathway, from_institution_id, to_institution_id, to_department_id, parent_id, reason, icd10_code, icd10_text, summary, instructions, preferred_date, appointment_at, outcome, status_reason, created_by, created_at, updated_at, accepted_at, arrived_at, completed_at, version)
    SELECT id, community_id, resident_id, direction, urgency, urgency_rank, status, open, pathway, from_institution_id, to_institution_id, to_department_id, parent_id, reason, icd10_code, icd10_text, summary, instructions, preferred_date, appointment_at, outcome, status_reason, created_by, created_at, updated_at, accepted_at, arrived_at, completed_at, version FROM referrals;
DROP TABLE referrals;
ALTER TABLE referrals_new RENAME TO referrals;

CREATE TABLE residents_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    name TEXT NOT NULL,
    name_given TEXT NOT NULL,
    initials TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    birth_date TEXT NOT NULL,
    id_number TEXT NOT NULL,
    id_rev TEXT NOT NULL,
    phone TEXT NOT NULL,
    address TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, id_number),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);
INSERT INTO residents_new (id, community_id, institution_id, name, name_given, initials, sex, birth_date, id_number, id_rev, phone, address, active, created_at, updated_at)
    SELECT id, community_id, institution_id, name, name_given, initials, sex, birth_date, id_number, id_rev, phone, address, active, created_at, updated_at FROM residents;
DROP TABLE residents;
ALTER TABLE residents_new RENAME TO residents;

CREATE TABLE sessions_new (
    token_hash TEXT NOT NULL,
    account_id BLOB NOT NULL,
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    PRIMARY KEY (community_id, token_hash),
    FOREIGN KEY (community_id, account_id) REFERENCES accounts (community_id, id)
);
INSERT INTO sessions_new (token_hash, account_id, csrf_token, created_at, expires_at, community_id)
    SELECT t.token_hash, t.account_id, t.csrf_token, t.created_at, t.expires_at, p.community_id FROM sessions t JOIN accounts p ON p.id = t.account_id;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;

CREATE TABLE staff_new (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    department_id BLOB,
    name TEXT NOT NULL,
    initials TEXT NOT NULL,
    sex TEXT NOT NULL CHECK (sex IN ('male', 'female')),
    id_number TEXT NOT NULL,
    title TEXT NOT NULL,
    specialty TEXT NOT NULL DEFAULT '',
    phone TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    UNIQUE (community_id, id_number),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, department_id) REFERENCES departments (community_id, id)
);
INSERT INTO staff_new (id, community_id, institution_id, department_id, name, initials, sex, id_number, title, specialty, phone, active, created_at, updated_at)
    SELECT id, community_id, institution_id, department_id, name, initials, sex, id_number, title, specialty, phone, active, created_at, updated_at FROM staff;
DROP TABLE staff;
ALTER TABLE staff_new RENAME TO staff;

CREATE INDEX audit_at ON audit_events (community_id, at);
CREATE INDEX audit_entity ON audit_events (community_id, entity_id);
CREATE INDEX chronic_follow_ups_clinic ON chronic_follow_ups (community_id, institution_id, visit_on);
CREATE INDEX chronic_follow_ups_register ON chronic_follow_ups (register_id, visit_on);
CREATE INDEX chronic_registers_due ON chronic_registers (community_id, institution_id, status, next_due);
CREATE UNIQUE INDEX chronic_registers_resident ON chronic_registers (community_id, resident_id, disease);
CREATE INDEX chronic_screenings_resident ON chronic_screenings (community_id, resident_id, screened_on);
CREATE INDEX chronic_suspicions_clinic ON chronic_suspicions (community_id, institution_id, status, opened_on);
CREATE UNIQUE INDEX chronic_suspicions_open ON chronic_suspicions (community_id, resident_id, condition) WHERE status = 'open';
CREATE INDEX ecg_events_study ON ecg_events (study_id, at);
CREATE INDEX ecg_studies_resident ON ecg_studies (community_id, resident_id, created_at);
CREATE INDEX ecg_studies_sender ON ecg_studies (community_id, from_institution_id, created_at);
CREATE INDEX ecg_studies_worklist ON ecg_studies (community_id, open, urgency_rank, created_at);
CREATE UNIQUE INDEX family_contracts_active ON family_contracts (community_id, resident_id) WHERE status = 'active';
CREATE INDEX family_contracts_end ON family_contracts (community_id, status, end_date);
CREATE INDEX family_contracts_team ON family_contracts (community_id, team_id, status);
CREATE INDEX family_team_members_staff ON family_team_members (staff_id);
CREATE INDEX family_team_villages_institution ON family_team_villages (institution_id);
CREATE INDEX family_teams_institution ON family_teams (community_id, institution_id);
CREATE INDEX institutions_parent ON institutions (community_id, parent_id);
CREATE INDEX referral_events_referral ON referral_events (referral_id, at);
CREATE INDEX referrals_created ON referrals (community_id, created_at);
CREATE INDEX referrals_incoming ON referrals (community_id, to_institution_id, open, urgency_rank, created_at);
CREATE INDEX referrals_incoming_dept ON referrals
    (community_id, to_department_id, open, urgency_rank, created_at, to_institution_id, from_institution_id);
CREATE INDEX referrals_outgoing ON referrals (community_id, from_institution_id, created_at);
CREATE INDEX referrals_resident ON referrals (community_id, resident_id, created_at);
CREATE INDEX residents_given ON residents (community_id, name_given);
CREATE INDEX residents_id_rev ON residents (community_id, id_rev);
CREATE INDEX residents_initials ON residents (community_id, initials, name);
CREATE INDEX residents_institution ON residents (community_id, institution_id, name);
CREATE INDEX residents_name ON residents (community_id, name);
CREATE INDEX sessions_account ON sessions (account_id);
CREATE INDEX staff_institution ON staff (community_id, institution_id, name);
CREATE INDEX staff_name ON staff (community_id, name);
