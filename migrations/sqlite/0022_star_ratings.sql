-- Star-rated branches (星级党支部): the scale a community rates on (three or five
-- thresholds), and each branch's yearly rating, once per branch and year, with the score
-- of each criterion. The criteria themselves are `star_criterion` work items (decision
-- 0012), one per branch, year (the title) and criterion (the subject).
CREATE TABLE party_star_settings (
    community_id BLOB NOT NULL REFERENCES communities(id),
    thresholds TEXT NOT NULL,
    updated_by BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id),
    FOREIGN KEY (community_id, updated_by) REFERENCES accounts (community_id, id)
);

CREATE TABLE party_star_ratings (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    org_id BLOB NOT NULL,
    year INTEGER NOT NULL,
    scores TEXT NOT NULL,
    total INTEGER NOT NULL,
    stars INTEGER NOT NULL,
    thresholds TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT '',
    rated_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, org_id) REFERENCES party_orgs (community_id, id),
    FOREIGN KEY (community_id, rated_by) REFERENCES accounts (community_id, id)
);
CREATE UNIQUE INDEX party_star_ratings_once ON party_star_ratings (community_id, org_id, year);
CREATE UNIQUE INDEX party_work_star_once ON party_work (community_id, org_id, subject, title)
    WHERE kind = 'star_criterion';
