-- Party building: organisations bound to institutions (committees, general branches,
-- branches) with the flags the community counts, their members, and the first-secretary
-- sites with their funds. Money is kept in fen; a site's spending can never pass its
-- budget (checked by the conditional update that records it, and by the CHECK below).
CREATE TABLE party_orgs (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    parent_id BLOB,
    kind TEXT NOT NULL CHECK (kind IN ('committee', 'general_branch', 'branch')),
    name TEXT NOT NULL,
    institution_id BLOB NOT NULL,
    -- The secretary is also a discipline leader (双带头人) / also the director (一肩挑).
    double_leader INTEGER NOT NULL DEFAULT 0,
    secretary_is_director INTEGER NOT NULL DEFAULT 0,
    -- The account of the secretary, who manages the branch.
    secretary_account_id BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, parent_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, secretary_account_id) REFERENCES accounts (community_id, id)
);
CREATE INDEX party_orgs_parent ON party_orgs (community_id, parent_id);

CREATE TABLE party_members (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    org_id BLOB NOT NULL,
    staff_id BLOB,
    name TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('applicant', 'activist', 'candidate', 'probationary', 'full')),
    status_since TEXT NOT NULL,
    joined_on TEXT,
    full_time INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, staff_id) REFERENCES staff (community_id, id)
);
CREATE INDEX party_members_org ON party_members (community_id, org_id, status);

CREATE TABLE fs_sites (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    -- The receiving site and the hospital that sends the first secretary.
    institution_id BLOB NOT NULL,
    sending_institution_id BLOB NOT NULL,
    secretary_account_id BLOB NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    budget_fen INTEGER NOT NULL CHECK (budget_fen >= 0),
    spent_fen INTEGER NOT NULL DEFAULT 0 CHECK (spent_fen >= 0 AND spent_fen <= budget_fen),
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, sending_institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, secretary_account_id) REFERENCES accounts (community_id, id)
);
CREATE INDEX fs_sites_secretary ON fs_sites (community_id, secretary_account_id);

CREATE TABLE fs_spending (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    site_id BLOB NOT NULL,
    amount_fen INTEGER NOT NULL CHECK (amount_fen > 0),
    category TEXT NOT NULL,
    spent_on TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, site_id) REFERENCES fs_sites (community_id, id),
    FOREIGN KEY (community_id, recorded_by) REFERENCES accounts (community_id, id)
);
CREATE INDEX fs_spending_site ON fs_spending (community_id, site_id, spent_on);
