-- Party work as one engine (decision 0012): activities, star criteria, joint-meeting
-- issues and site tasks are rows of party_work with their evidence; a meeting's
-- attendance is kept per member; points are a ledger in which one platform event counts
-- once per member (the unique source).
CREATE TABLE party_work (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    kind TEXT NOT NULL CHECK (kind IN ('activity', 'star_criterion', 'joint_issue', 'site_task')),
    org_id UUID,
    site_id UUID,
    -- An activity's kind (members_meeting, committee_meeting, party_lecture, theme_day, ...).
    subject TEXT NOT NULL,
    title TEXT NOT NULL,
    due_on DATE,
    held_on DATE,
    status TEXT NOT NULL CHECK (status IN ('open', 'working', 'submitted', 'evaluated', 'closed')),
    score INTEGER,
    created_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, site_id) REFERENCES fs_sites (community_id, id),
    FOREIGN KEY (community_id, created_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_work_org ON party_work (community_id, org_id, kind, status);

CREATE TABLE party_evidence (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    work_id UUID NOT NULL,
    kind TEXT NOT NULL,
    text TEXT NOT NULL,
    recorded_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, work_id) REFERENCES party_work (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_evidence_work ON party_evidence (community_id, work_id);

CREATE TABLE party_attendance (
    community_id UUID NOT NULL REFERENCES communities(id),
    work_id UUID NOT NULL,
    member_id UUID NOT NULL,
    presence TEXT NOT NULL CHECK (presence IN ('present', 'leave', 'absent')),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (community_id, work_id, member_id),
    FOREIGN KEY (community_id, work_id) REFERENCES party_work (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES party_members (community_id, id)
);

CREATE TABLE party_points (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    member_id UUID NOT NULL,
    rule TEXT NOT NULL,
    points INTEGER NOT NULL,
    year INTEGER NOT NULL,
    source TEXT,
    recorded_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, member_id) REFERENCES party_members (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE UNIQUE INDEX party_points_once ON party_points (community_id, member_id, source);
CREATE INDEX party_points_year ON party_points (community_id, year, member_id);
