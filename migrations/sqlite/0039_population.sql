-- Residents per institution and year, the denominator of the per-10,000 indicators.
-- `populations`: official figures the office enters (a township's stands for the
-- township with its village clinics). `resident_counts`: the registry's count of active
-- residents per institution, kept by triggers on every write to `residents` (single
-- rows, imports and upserts alike), so that a dashboard reads a few rows. The triggers
-- test for a row rather than use INSERT OR IGNORE: an outer statement's conflict policy
-- (an upsert's) would override theirs.
CREATE TABLE populations (
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    residents INTEGER NOT NULL CHECK (residents > 0),
    source TEXT NOT NULL,
    updated_by BLOB,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (community_id, institution_id, year),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, updated_by) REFERENCES accounts (community_id, id)
);

CREATE TABLE resident_counts (
    community_id BLOB NOT NULL REFERENCES communities(id),
    institution_id BLOB NOT NULL,
    residents INTEGER NOT NULL,
    PRIMARY KEY (community_id, institution_id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);

INSERT INTO resident_counts (community_id, institution_id, residents)
SELECT community_id, institution_id, COUNT(*) FROM residents WHERE active
GROUP BY community_id, institution_id;

CREATE TRIGGER resident_counts_insert AFTER INSERT ON residents WHEN NEW.active
BEGIN
    INSERT INTO resident_counts (community_id, institution_id, residents)
        SELECT NEW.community_id, NEW.institution_id, 0 WHERE NOT EXISTS (SELECT 1 FROM resident_counts
            WHERE community_id = NEW.community_id AND institution_id = NEW.institution_id);
    UPDATE resident_counts SET residents = residents + 1
        WHERE community_id = NEW.community_id AND institution_id = NEW.institution_id;
END;

CREATE TRIGGER resident_counts_update AFTER UPDATE OF institution_id, active ON residents
BEGIN
    UPDATE resident_counts SET residents = residents - 1
        WHERE OLD.active AND community_id = OLD.community_id AND institution_id = OLD.institution_id;
    INSERT INTO resident_counts (community_id, institution_id, residents)
        SELECT NEW.community_id, NEW.institution_id, 0 WHERE NEW.active AND NOT EXISTS (SELECT 1 FROM resident_counts
            WHERE community_id = NEW.community_id AND institution_id = NEW.institution_id);
    UPDATE resident_counts SET residents = residents + 1
        WHERE NEW.active AND community_id = NEW.community_id AND institution_id = NEW.institution_id;
END;

CREATE TRIGGER resident_counts_delete AFTER DELETE ON residents WHEN OLD.active
BEGIN
    UPDATE resident_counts SET residents = residents - 1
        WHERE community_id = OLD.community_id AND institution_id = OLD.institution_id;
END;
