-- Performance appraisal of the member institutions (绩效考核): the office's score sheet
-- (weighted items: an indicator against a target, or a manual item), the manual points
-- given per quarter with their evidence, and each published quarter frozen with the
-- sheet and the scores as they stood (later changes to the sheet or to the figures do
-- not move it).
CREATE TABLE appraisal_items (
    id BLOB NOT NULL,
    community_id BLOB NOT NULL REFERENCES communities(id),
    position BIGINT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('indicator', 'manual')),
    code TEXT NOT NULL,
    name TEXT NOT NULL,
    weight BIGINT NOT NULL CHECK (weight BETWEEN 1 AND 100),
    target REAL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (community_id, id)
);

CREATE TABLE appraisal_manual_scores (
    community_id BLOB NOT NULL REFERENCES communities(id),
    quarter TEXT NOT NULL,
    institution_id BLOB NOT NULL,
    item_id BLOB NOT NULL,
    points REAL NOT NULL CHECK (points >= 0),
    evidence TEXT NOT NULL,
    entered_by BLOB,
    entered_at TEXT NOT NULL,
    PRIMARY KEY (community_id, quarter, institution_id, item_id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, item_id) REFERENCES appraisal_items (community_id, id),
    FOREIGN KEY (community_id, entered_by) REFERENCES accounts (community_id, id)
);

CREATE TABLE appraisal_rounds (
    community_id BLOB NOT NULL REFERENCES communities(id),
    quarter TEXT NOT NULL,
    published_at TEXT NOT NULL,
    published_by BLOB,
    frozen TEXT NOT NULL,
    PRIMARY KEY (community_id, quarter),
    FOREIGN KEY (community_id, published_by) REFERENCES accounts (community_id, id)
);
