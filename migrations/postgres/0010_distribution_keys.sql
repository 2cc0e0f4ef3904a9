-- Every primary key, unique index and foreign key leads with community_id, and every
-- table but communities carries it, so that PostgreSQL can spread the data over nodes
-- by community (Citus distributes by one column, and keys must contain it). Usernames
-- become unique per community, and a session belongs to its account's community.

-- Drop every foreign key but those to communities, and every primary key and unique
-- constraint; they come back below with community_id in front.
DO $$
DECLARE r record;
BEGIN
    FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
             WHERE connamespace = current_schema()::regnamespace AND contype = 'f'
               AND confrelid <> 'communities'::regclass
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;
    FOR r IN SELECT conrelid::regclass AS tbl, conname FROM pg_constraint
             WHERE connamespace = current_schema()::regnamespace AND contype IN ('p', 'u')
               AND conrelid NOT IN ('communities'::regclass, 'schema_migrations'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', r.tbl, r.conname);
    END LOOP;
END $$;
DROP INDEX chronic_registers_resident;
DROP INDEX chronic_suspicions_open;
DROP INDEX family_contracts_active;

-- The four tables that had no community_id take their parent's.
ALTER TABLE ecg_files ADD COLUMN community_id UUID REFERENCES communities(id);
UPDATE ecg_files t SET community_id = p.community_id FROM ecg_studies p WHERE p.id = t.study_id;
ALTER TABLE ecg_files ALTER COLUMN community_id SET NOT NULL;
ALTER TABLE family_team_members ADD COLUMN community_id UUID REFERENCES communities(id);
UPDATE family_team_members t SET community_id = p.community_id FROM family_teams p WHERE p.id = t.team_id;
ALTER TABLE family_team_members ALTER COLUMN community_id SET NOT NULL;
ALTER TABLE family_team_villages ADD COLUMN community_id UUID REFERENCES communities(id);
UPDATE family_team_villages t SET community_id = p.community_id FROM family_teams p WHERE p.id = t.team_id;
ALTER TABLE family_team_villages ALTER COLUMN community_id SET NOT NULL;
ALTER TABLE sessions ADD COLUMN community_id UUID REFERENCES communities(id);
UPDATE sessions t SET community_id = p.community_id FROM accounts p WHERE p.id = t.account_id;
ALTER TABLE sessions ALTER COLUMN community_id SET NOT NULL;

ALTER TABLE accounts ADD PRIMARY KEY (community_id, id), ADD UNIQUE (community_id, username);
ALTER TABLE audit_events ADD PRIMARY KEY (community_id, id);
ALTER TABLE chronic_follow_ups ADD PRIMARY KEY (community_id, id);
ALTER TABLE chronic_registers ADD PRIMARY KEY (community_id, id);
ALTER TABLE chronic_screenings ADD PRIMARY KEY (community_id, id);
ALTER TABLE chronic_suspicions ADD PRIMARY KEY (community_id, id);
ALTER TABLE departments ADD PRIMARY KEY (community_id, id), ADD UNIQUE (community_id, institution_id, code);
ALTER TABLE ecg_events ADD PRIMARY KEY (community_id, id);
ALTER TABLE ecg_files ADD PRIMARY KEY (community_id, study_id, position);
ALTER TABLE ecg_reports ADD PRIMARY KEY (community_id, study_id);
ALTER TABLE ecg_studies ADD PRIMARY KEY (community_id, id);
ALTER TABLE family_contracts ADD PRIMARY KEY (community_id, id);
ALTER TABLE family_team_members ADD PRIMARY KEY (community_id, team_id, staff_id);
ALTER TABLE family_team_villages ADD PRIMARY KEY (community_id, team_id, institution_id);
ALTER TABLE family_teams ADD PRIMARY KEY (community_id, id);
ALTER TABLE import_reports ADD PRIMARY KEY (community_id, id);
ALTER TABLE institutions ADD PRIMARY KEY (community_id, id), ADD UNIQUE (community_id, code);
ALTER TABLE pathway_targets ADD PRIMARY KEY (community_id, pathway);
ALTER TABLE referral_events ADD PRIMARY KEY (community_id, id);
ALTER TABLE referrals ADD PRIMARY KEY (community_id, id);
ALTER TABLE residents ADD PRIMARY KEY (community_id, id), ADD UNIQUE (community_id, id_number);
ALTER TABLE sessions ADD PRIMARY KEY (community_id, token_hash);
ALTER TABLE staff ADD PRIMARY KEY (community_id, id), ADD UNIQUE (community_id, id_number);

CREATE UNIQUE INDEX chronic_registers_resident ON chronic_registers (community_id, resident_id, disease);
CREATE UNIQUE INDEX chronic_suspicions_open ON chronic_suspicions (community_id, resident_id, condition) WHERE status = 'open';
CREATE UNIQUE INDEX family_contracts_active ON family_contracts (community_id, resident_id) WHERE status = 'active';

ALTER TABLE accounts ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE accounts ADD FOREIGN KEY (community_id, department_id) REFERENCES departments (community_id, id);
ALTER TABLE chronic_follow_ups ADD FOREIGN KEY (community_id, register_id) REFERENCES chronic_registers (community_id, id);
ALTER TABLE chronic_follow_ups ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE chronic_follow_ups ADD FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id);
ALTER TABLE chronic_registers ADD FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id);
ALTER TABLE chronic_registers ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE chronic_registers ADD FOREIGN KEY (community_id, responsible_staff_id) REFERENCES staff (community_id, id);
ALTER TABLE chronic_screenings ADD FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id);
ALTER TABLE chronic_screenings ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE chronic_screenings ADD FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id);
ALTER TABLE chronic_suspicions ADD FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id);
ALTER TABLE chronic_suspicions ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE chronic_suspicions ADD FOREIGN KEY (community_id, screening_id) REFERENCES chronic_screenings (community_id, id);
ALTER TABLE chronic_suspicions ADD FOREIGN KEY (community_id, register_id) REFERENCES chronic_registers (community_id, id);
ALTER TABLE chronic_suspicions ADD FOREIGN KEY (community_id, decided_by) REFERENCES accounts (community_id, id);
ALTER TABLE departments ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE ecg_events ADD FOREIGN KEY (community_id, study_id) REFERENCES ecg_studies (community_id, id);
ALTER TABLE ecg_files ADD FOREIGN KEY (community_id, study_id) REFERENCES ecg_studies (community_id, id);
ALTER TABLE ecg_reports ADD FOREIGN KEY (community_id, study_id) REFERENCES ecg_studies (community_id, id);
ALTER TABLE ecg_reports ADD FOREIGN KEY (community_id, reader_id) REFERENCES accounts (community_id, id);
ALTER TABLE ecg_studies ADD FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id);
ALTER TABLE ecg_studies ADD FOREIGN KEY (community_id, from_institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE ecg_studies ADD FOREIGN KEY (community_id, uploaded_by) REFERENCES accounts (community_id, id);
ALTER TABLE ecg_studies ADD FOREIGN KEY (community_id, claimed_by) REFERENCES accounts (community_id, id);
ALTER TABLE ecg_studies ADD FOREIGN KEY (community_id, acknowledged_by) REFERENCES accounts (community_id, id);
ALTER TABLE family_contracts ADD FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id);
ALTER TABLE family_contracts ADD FOREIGN KEY (community_id, team_id) REFERENCES family_teams (community_id, id);
ALTER TABLE family_contracts ADD FOREIGN KEY (community_id, previous_id) REFERENCES family_contracts (community_id, id);
ALTER TABLE family_contracts ADD FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id);
ALTER TABLE family_team_members ADD FOREIGN KEY (community_id, team_id) REFERENCES family_teams (community_id, id);
ALTER TABLE family_team_members ADD FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id);
ALTER TABLE family_team_villages ADD FOREIGN KEY (community_id, team_id) REFERENCES family_teams (community_id, id);
ALTER TABLE family_team_villages ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE family_teams ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE family_teams ADD FOREIGN KEY (community_id, leader_staff_id) REFERENCES staff (community_id, id);
ALTER TABLE institutions ADD FOREIGN KEY (community_id, parent_id) REFERENCES institutions (community_id, id);
ALTER TABLE referral_events ADD FOREIGN KEY (community_id, referral_id) REFERENCES referrals (community_id, id);
ALTER TABLE referrals ADD FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id);
ALTER TABLE referrals ADD FOREIGN KEY (community_id, from_institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE referrals ADD FOREIGN KEY (community_id, to_institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE referrals ADD FOREIGN KEY (community_id, to_department_id) REFERENCES departments (community_id, id);
ALTER TABLE referrals ADD FOREIGN KEY (community_id, parent_id) REFERENCES referrals (community_id, id);
ALTER TABLE referrals ADD FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id);
ALTER TABLE residents ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE sessions ADD FOREIGN KEY (community_id, account_id) REFERENCES accounts (community_id, id);
ALTER TABLE staff ADD FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id);
ALTER TABLE staff ADD FOREIGN KEY (community_id, department_id) REFERENCES departments (community_id, id);
