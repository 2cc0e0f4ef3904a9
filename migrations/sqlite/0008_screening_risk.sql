-- Screening before enrolment, and the worklist's order by risk.
--
-- A screening that finds a raised value or a high COPD-SQ score opens a suspicion for
-- the resident's clinic; a doctor closes it by confirming the diagnosis (enrolment into
-- the register) or excluding it.
ALTER TABLE chronic_screenings ADD COLUMN weight_kg DOUBLE PRECISION;
ALTER TABLE chronic_screenings ADD COLUMN height_cm DOUBLE PRECISION;
-- The COPD-SQ answers, `key=value` pairs separated by `;` (empty: not asked).
ALTER TABLE chronic_screenings ADD COLUMN copd_answers TEXT NOT NULL DEFAULT '';
-- Finding codes, comma-separated.
ALTER TABLE chronic_screenings ADD COLUMN findings TEXT NOT NULL DEFAULT '';

CREATE TABLE chronic_suspicions (
    id BLOB PRIMARY KEY,
    community_id BLOB NOT NULL REFERENCES communities(id),
    resident_id BLOB NOT NULL REFERENCES residents(id),
    condition TEXT NOT NULL CHECK (condition IN ('hypertension', 'diabetes', 'copd')),
    -- The resident's clinic, whose doctors decide.
    institution_id BLOB NOT NULL REFERENCES institutions(id),
    screening_id BLOB NOT NULL REFERENCES chronic_screenings(id),
    opened_on TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'confirmed', 'excluded')),
    closed_on TEXT,
    -- How a confirmation was reached: `screening`, `hospital`, `clinical`.
    basis TEXT,
    note TEXT NOT NULL DEFAULT '',
    register_id BLOB REFERENCES chronic_registers(id),
    decided_by BLOB REFERENCES accounts(id),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE UNIQUE INDEX chronic_suspicions_open ON chronic_suspicions (resident_id, condition) WHERE status = 'open';
CREATE INDEX chronic_suspicions_clinic ON chronic_suspicions (community_id, institution_id, status, opened_on);

-- What the last visit decided, for the worklist's order (riskiest first).
ALTER TABLE chronic_registers ADD COLUMN last_plan TEXT;
UPDATE chronic_registers SET last_plan = (
    SELECT f.plan FROM chronic_follow_ups f WHERE f.register_id = chronic_registers.id
    ORDER BY f.visit_on DESC, f.created_at DESC LIMIT 1);

-- Lifestyle advice given at a visit, codes comma-separated.
ALTER TABLE chronic_follow_ups ADD COLUMN lifestyle TEXT NOT NULL DEFAULT '';
