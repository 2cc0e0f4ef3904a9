-- Every counter summed per year ('YYYY') and per quarter ('YYYY-Qn'), so that a year's
-- or a quarter's figures read one row per institution and counter instead of twelve or
-- three. Kept by triggers on `indicator_tallies` (every write path adds to the monthly
-- counters, and the rollups follow in the same transaction); filled here from the
-- counters already kept. The triggers test for a row rather than use INSERT OR IGNORE:
-- an outer statement's conflict policy (the counters' upsert) would override theirs.
CREATE TABLE indicator_rollups (
    community_id BLOB NOT NULL REFERENCES communities(id),
    period TEXT NOT NULL,
    institution_id BLOB NOT NULL,
    measure TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (community_id, period, institution_id, measure)
);

INSERT INTO indicator_rollups (community_id, period, institution_id, measure, value)
SELECT community_id, substr(month, 1, 4), institution_id, measure, SUM(value)
FROM indicator_tallies GROUP BY community_id, substr(month, 1, 4), institution_id, measure;
INSERT INTO indicator_rollups (community_id, period, institution_id, measure, value)
SELECT community_id, substr(month, 1, 4) || '-Q' || ((CAST(substr(month, 6, 2) AS INTEGER) + 2) / 3),
    institution_id, measure, SUM(value)
FROM indicator_tallies
GROUP BY community_id, substr(month, 1, 4) || '-Q' || ((CAST(substr(month, 6, 2) AS INTEGER) + 2) / 3),
    institution_id, measure;

CREATE TRIGGER indicator_rollups_insert AFTER INSERT ON indicator_tallies
BEGIN
    INSERT INTO indicator_rollups (community_id, period, institution_id, measure, value)
        SELECT NEW.community_id, p.period, NEW.institution_id, NEW.measure, 0
        FROM (SELECT substr(NEW.month, 1, 4) AS period
              UNION ALL
              SELECT substr(NEW.month, 1, 4) || '-Q' || ((CAST(substr(NEW.month, 6, 2) AS INTEGER) + 2) / 3)) p
        WHERE NOT EXISTS (SELECT 1 FROM indicator_rollups r WHERE r.community_id = NEW.community_id
            AND r.period = p.period AND r.institution_id = NEW.institution_id AND r.measure = NEW.measure);
    UPDATE indicator_rollups SET value = value + NEW.value
        WHERE community_id = NEW.community_id AND institution_id = NEW.institution_id AND measure = NEW.measure
            AND period IN (substr(NEW.month, 1, 4),
                substr(NEW.month, 1, 4) || '-Q' || ((CAST(substr(NEW.month, 6, 2) AS INTEGER) + 2) / 3));
END;

CREATE TRIGGER indicator_rollups_update AFTER UPDATE OF value ON indicator_tallies
BEGIN
    UPDATE indicator_rollups SET value = value + NEW.value - OLD.value
        WHERE community_id = NEW.community_id AND institution_id = NEW.institution_id AND measure = NEW.measure
            AND period IN (substr(NEW.month, 1, 4),
                substr(NEW.month, 1, 4) || '-Q' || ((CAST(substr(NEW.month, 6, 2) AS INTEGER) + 2) / 3));
END;

CREATE TRIGGER indicator_rollups_delete AFTER DELETE ON indicator_tallies
BEGIN
    UPDATE indicator_rollups SET value = value - OLD.value
        WHERE community_id = OLD.community_id AND institution_id = OLD.institution_id AND measure = OLD.measure
            AND period IN (substr(OLD.month, 1, 4),
                substr(OLD.month, 1, 4) || '-Q' || ((CAST(substr(OLD.month, 6, 2) AS INTEGER) + 2) / 3));
END;
