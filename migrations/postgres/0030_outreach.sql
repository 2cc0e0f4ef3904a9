-- Expert outreach (专家下沉, seed 000: 2,200 sessions at townships serving 36,978 people):
-- the office's weekly templates of an expert (a staff member of the lead hospital) at a
-- township, the dated sessions planned from them, the patients seen at a session with the
-- township doctor who sat with the expert, the places residents book, and what keeps an
-- expert from a session (duty or leave at the lead hospital, the office's holidays, a
-- weekly cap). Times of day are minutes after midnight, China time.
CREATE TABLE outreach_templates (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    expert_id UUID NOT NULL,
    institution_id UUID NOT NULL,
    weekday BIGINT NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    start_min BIGINT NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    capacity BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    active BOOLEAN NOT NULL DEFAULT TRUE,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX outreach_templates_expert ON outreach_templates (community_id, expert_id);

CREATE TABLE outreach_sessions (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    expert_id UUID NOT NULL,
    institution_id UUID NOT NULL,
    template_id UUID,
    day DATE NOT NULL,
    start_min BIGINT NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    capacity BIGINT NOT NULL CHECK (capacity BETWEEN 1 AND 500),
    booked BIGINT NOT NULL DEFAULT 0 CHECK (booked >= 0),
    status TEXT NOT NULL CHECK (status IN ('planned', 'held', 'cancelled')),
    note TEXT NOT NULL DEFAULT '',
    people_served BIGINT NOT NULL DEFAULT 0 CHECK (people_served >= 0),
    procedures BIGINT NOT NULL DEFAULT 0 CHECK (procedures >= 0),
    teaching_rounds BIGINT NOT NULL DEFAULT 0 CHECK (teaching_rounds >= 0),
    lectures BIGINT NOT NULL DEFAULT 0 CHECK (lectures >= 0),
    summary TEXT NOT NULL DEFAULT '',
    recorded_by UUID,
    recorded_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    version BIGINT NOT NULL DEFAULT 0,
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
    community_id UUID NOT NULL REFERENCES communities(id),
    session_id UUID NOT NULL,
    resident_id UUID NOT NULL,
    doctor_id UUID,
    note TEXT NOT NULL DEFAULT '',
    referral_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, session_id, resident_id),
    FOREIGN KEY (community_id, session_id) REFERENCES outreach_sessions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id),
    FOREIGN KEY (community_id, doctor_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, referral_id) REFERENCES referrals (community_id, id)
);
CREATE INDEX outreach_visits_resident ON outreach_visits (community_id, resident_id);

CREATE TABLE outreach_bookings (
    community_id UUID NOT NULL REFERENCES communities(id),
    session_id UUID NOT NULL,
    resident_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, session_id, resident_id),
    FOREIGN KEY (community_id, session_id) REFERENCES outreach_sessions (community_id, id),
    FOREIGN KEY (community_id, resident_id) REFERENCES residents (community_id, id)
);
CREATE INDEX outreach_bookings_resident ON outreach_bookings (community_id, resident_id);

-- Duty shifts and leave at the lead hospital that keep an expert from a session.
CREATE TABLE outreach_unavailable (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    expert_id UUID NOT NULL,
    day DATE NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('duty', 'leave')),
    start_min BIGINT NOT NULL CHECK (start_min BETWEEN 0 AND 1439),
    end_min BIGINT NOT NULL CHECK (end_min BETWEEN 1 AND 1440),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id)
);
CREATE INDEX outreach_unavailable_expert ON outreach_unavailable (community_id, expert_id, day);

CREATE TABLE outreach_holidays (
    community_id UUID NOT NULL REFERENCES communities(id),
    day DATE NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (community_id, day)
);

CREATE TABLE outreach_caps (
    community_id UUID NOT NULL REFERENCES communities(id),
    expert_id UUID NOT NULL,
    weekly_cap BIGINT NOT NULL CHECK (weekly_cap BETWEEN 1 AND 14),
    PRIMARY KEY (community_id, expert_id),
    FOREIGN KEY (community_id, expert_id) REFERENCES staff (community_id, id)
);

-- Postings (派驻) of staff to a grassroots site, or up to the lead hospital for training;
-- the two halves of an exchange (派一送一) share `exchange_id`.
CREATE TABLE outreach_postings (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    staff_id UUID NOT NULL,
    institution_id UUID NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('long_term', 'support', 'rounds')),
    direction TEXT NOT NULL CHECK (direction IN ('down', 'up')),
    start_on DATE NOT NULL,
    end_on DATE,
    exchange_id UUID,
    note TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
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
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    master_id UUID NOT NULL,
    apprentice_id UUID NOT NULL,
    goals TEXT NOT NULL,
    started_on DATE NOT NULL,
    ended_on DATE,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, master_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, apprentice_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX mentorships_apprentice ON mentorships (community_id, apprentice_id);

CREATE TABLE mentoring_notes (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    mentorship_id UUID NOT NULL,
    noted_on DATE NOT NULL,
    note TEXT NOT NULL,
    technique TEXT NOT NULL DEFAULT '',
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, mentorship_id) REFERENCES mentorships (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX mentoring_notes_pair ON mentoring_notes (community_id, mentorship_id, noted_on);

CREATE TABLE trainings (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL,
    title TEXT NOT NULL,
    held_on DATE NOT NULL,
    trainer_id UUID,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, trainer_id) REFERENCES staff (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX trainings_held ON trainings (community_id, held_on);

CREATE TABLE training_attendance (
    community_id UUID NOT NULL REFERENCES communities(id),
    training_id UUID NOT NULL,
    staff_id UUID NOT NULL,
    score BIGINT CHECK (score BETWEEN 0 AND 100),
    PRIMARY KEY (community_id, training_id, staff_id),
    FOREIGN KEY (community_id, training_id) REFERENCES trainings (community_id, id),
    FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id)
);
