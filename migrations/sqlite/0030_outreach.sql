-- Expert outreach (专家下沉, seed 000: 2,200 sessions at townships serving 36,978 people):
-- the office's weekly templates of an expert (a staff member of the lead hospital) at a
-- township, the dated sessions planned from them, the patients seen at a session with the
-- township doctor who sat with the expert, the places residents book, and what keeps an
-- expert from a session (duty or leave at the lead hospital, the office's holidays, a
-- weekly cap). Times of day are minutes after midnight, China time.
CREATE TABLE outreach_templates (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    expert_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    active INTEGER NOT NULL DEFAULT 1,
    created_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX outreach_templates_expert ON outreach_templates (community_id, expert_id);

CREATE TABLE outreach_sessions (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    expert_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
    template_id BLOB,
    day TEXT NOT NULL,
    start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    capacity INTEGER NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    booked INTEGER NOT NULL DEFAULT 0 CHECK (booked >= 0),
    status TEXT NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',
    people_served INTEGER NOT NULL DEFAULT 0 CHECK (people_served >= 0),
    procedures INTEGER NOT NULL DEFAULT 0 CHECK (procedures >= 0),
    teaching_rounds INTEGER NOT NULL DEFAULT 0 CHECK (teaching_rounds >= 0),
    lectures INTEGER NOT NULL DEFAULT 0 CHECK (lectures >= 0),
    summary TEXT NOT NULL DEFAULT '',
    recorded_by BLOB,
    recorded_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, template_id) REFERENCES outreach_templates (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX outreach_sessions_day ON outreach_sessions (community_id, day, start_min);
CREATE INDEX outreach_sessions_place ON outreach_sessions (community_id, institution_id, day);
CREATE INDEX outreach_sessions_expert ON outreach_sessions (community_id, expert_id, day);

-- A registered patient seen at a session, with the township doctor who sat with the
-- expert and the referral started there.
CREATE TABLE outreach_visits (
    community_id BLOB NOT NULL REFERENCES communities(id),
    session_id BLOB NOT NULL,
    resident_id BLOB NOT NULL,
    doctor_id BLOB,
    note TEXT NOT NULL DEFAULT '',
    referral_id BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, session_id, resident_id),
    FOREIGN KEY (community_id, session_id) REFERENCES outreach_sessions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, doctor_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, referral_id) REFERENCES referrals (community_id, id)
);
CREATE INDEX outreach_visits_resident ON outreach_visits (community_id, resident_id);

CREATE TABLE outreach_bookings (
    community_id BLOB NOT NULL REFERENCES communities(id),
    session_id BLOB NOT NULL,
    resident_id BLOB NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, session_id, resident_id),
    FOREIGN KEY (community_id, session_id) REFERENCES outreach_sessions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX outreach_bookings_resident ON outreach_bookings (community_id, resident_id);

-- Duty shifts and leave at the lead hospital that keep an expert from a session.
CREATE TABLE outreach_unavailable (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    expert_id BLOB NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('duty', 'leave')),
    start_min INTEGER NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min INTEGER NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id)
);
CREATE INDEX outreach_unavailable_expert ON outreach_unavailable (community_id, expert_id, day);

CREATE TABLE outreach_holidays (
    community_id BLOB NOT NULL REFERENCES communities(id),
    day TEXT NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (community_id, day)
);

CREATE TABLE outreach_caps (
    community_id BLOB NOT NULL REFERENCES communities(id),
    expert_id BLOB NOT NULL,
    weekly_cap INTEGER NOT NULL CHECK (weekly_cap BETWEEN 1 AND 14),
    PRIMARY KEY (community_id, expert_id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id)
);

-- Postings (派驻) of staff to a grassroots site, or up to the lead hospital for training;
-- the two halves of an exchange (派一送一) share `exchange_id`.
CREATE TABLE outreach_postings (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    staff_id BLOB NOT NULL,
    institution_id BLOB NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('long_term', 'support', 'rounds')),
    direction TEXT NOT NULL CHECK (direction IN ('down', 'up')),
    start_on TEXT NOT NULL,
    end_on TEXT,
    exchange_id BLOB,
    note TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX outreach_postings_start ON outreach_postings (community_id, start_on);
CREATE INDEX outreach_postings_staff ON outreach_postings (community_id, staff_id);

-- Master and apprentice (师带徒) with their goals, progress notes and the techniques
-- passed on; training events with attendance and assessment.
CREATE TABLE mentorships (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    master_id BLOB NOT NULL,
    apprentice_id BLOB NOT NULL,
    goals TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    created_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, master_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, apprentice_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX mentorships_apprentice ON mentorships (community_id, apprentice_id);

CREATE TABLE mentoring_notes (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    mentorship_id BLOB NOT NULL,
    noted_on TEXT NOT NULL,
    note TEXT NOT NULL,
    technique TEXT NOT NULL DEFAULT '',
    created_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, mentorship_id) REFERENCES mentorships (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX mentoring_notes_pair ON mentoring_notes (community_id, mentorship_id, noted_on);

CREATE TABLE trainings (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    title TEXT NOT NULL,
    held_on TEXT NOT NULL,
    trainer_id BLOB,
    created_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, trainer_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX trainings_held ON trainings (community_id, held_on);

CREATE TABLE training_attendance (
    community_id BLOB NOT NULL REFERENCES communities(id),
    training_id BLOB NOT NULL,
    staff_id BLOB NOT NULL,
    score INTEGER CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (community_id, training_id, staff_id),
    FOREIGN KEY (community_id, training_id) REFERENCES trainings (community_id, id),
    FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id)
);
