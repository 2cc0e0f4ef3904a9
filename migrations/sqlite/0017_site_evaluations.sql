-- A first secretary's site: its tasks are party_work rows of kind 'site_task' (decision
-- 0012), found by site; each quarter the committee evaluates the site once with a score
-- sheet, its scores kept as `code=n` pairs beside the total.
CREATE INDEX party_work_site ON party_work (community_id, site_id, kind, status);

CREATE TABLE fs_evaluations (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    site_id BLOB NOT NULL,
    quarter TEXT NOT NULL,
    scores TEXT NOT NULL,
    total INTEGER NOT NULL CHECK (total >= 0 AND total <= 100),
    grade TEXT NOT NULL CHECK (grade IN ('excellent', 'good', 'pass', 'fail')),
    comment TEXT NOT NULL DEFAULT '',
    evaluated_by BLOB,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id),
    FOREIGN KEY (community_id, site_id) REFERENCES fs_sites (community_id, id),
    FOREIGN KEY (community_id, evaluated_by) REFERENCES accounts (community_id, id)
);
CREATE UNIQUE INDEX fs_evaluations_once ON fs_evaluations (community_id, site_id, quarter);
