-- Party building: organisations bound to institutions (committees, general branches,
-- branches) with the flags the community counts, their members, and the first-secretary
-- sites with their funds. Money is kept in fen; a site's spending can never pass its
-- budget (checked by the conditional update that records it, and by the CHECK below).
CREATE TABLE party_orgs (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    parent_id UUID,
    kind TEXT NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch')),
    name TEXT NOT NULL,
    institution_id UUID NOT NULL,
    -- The secretary is also a discipline leader (双带头人) / also the director (一肩挑).
    double_leader BOOLEAN NOT NULL DEFAULT FALSE,
    secretary_is_director BOOLEAN NOT NULL DEFAULT FALSE,
    -- The account of the secretary, who manages the branch.
    secretary_account_id UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, parent_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, secretary_account_id) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_orgs_parent ON party_orgs (community_id, parent_id);

CREATE TABLE party_members (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    org_id UUID NOT NULL,
    staff_id UUID,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('applicant', 'activist', 'candidate', 'probationary', 'full')),
    status_since DATE NOT NULL,
    joined_on DATE,
    full_time BOOLEAN NOT NULL DEFAULT FALSE,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id)
);
CREATE INDEX party_members_org ON party_members (community_id, org_id, status);

CREATE TABLE fs_sites (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    -- The receiving site and the hospital that sends the first secretary.
    institution_id UUID NOT NULL,
    sending_institution_id UUID NOT NULL,
    secretary_account_id UUID NOT NULL,
    starts_on DATE NOT NULL,
    ends_on DATE NOT NULL,
    budget_fen BIGINT NOT NULL CHECK (budget_fen >= 0),
    spent_fen BIGINT NOT NULL DEFAULT 0 CHECK (spent_fen >= 0 AND spent_fen <= budget_fen),
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, sending_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, secretary_account_id) REFERENCES accounts (community_id, id)
);
CREATE INDEX fs_sites_secretary ON fs_sites (community_id, secretary_account_id);

CREATE TABLE fs_spending (
    id UUID NOT NULL,
    community_id UUID NOT NULL REFERENCES communities(id),
    site_id UUID NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    category TEXT NOT NULL,
    spent_on DATE NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, site_id) REFERENCES fs_sites (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX fs_spending_site ON fs_spending (community_id, site_id, spent_on);
