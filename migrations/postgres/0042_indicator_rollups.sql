-- Every counter summed per year ('YYYY') and per quarter ('YYYY-Qn'), so that a year's
-- or a quarter's figures read one row per institution and counter instead of twelve or
-- three. Kept by statement-level triggers on `indicator_tallies` (every write path adds
-- to the monthly counters, and the rollups follow in the same transaction, one grouped
-- statement each); filled here from the counters already kept.
CREATE TABLE indicator_rollups (
    community_id UUID NOT NULL REFERENCES communities(id),
    period TEXT NOT NULL,
    institution_id UUID NOT NULL,
    measure TEXT NOT NULL,
    value BIGINT NOT NULL,
    PRIMARY KEY (community_id, period, institution_id, measure)
);

-- The year and the quarter a month key ('YYYY-MM') rolls up into.
CREATE FUNCTION indicator_periods(month TEXT) RETURNS TEXT[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY[left(month, 4), left(month, 4) || '-Q' || ((substr(month, 6, 2)::int + 2) / 3)]
$$;

INSERT INTO indicator_rollups (community_id, period, institution_id, measure, value)
SELECT community_id, p, institution_id, measure, SUM(value)
FROM indicator_tallies, unnest(indicator_periods(month)) p
GROUP BY community_id, p, institution_id, measure;

-- Each trigger adds the grouped change of its statement (the transition tables are
-- visible to the trigger's own statements only, hence one statement per trigger).
CREATE FUNCTION indicator_rollups_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_rollups (community_id, period, institution_id, measure, value)
    SELECT community_id, p, institution_id, measure, SUM(value)
    FROM new_rows, unnest(indicator_periods(month)) p
    GROUP BY community_id, p, institution_id, measure
    ON CONFLICT (community_id, period, institution_id, measure)
    DO UPDATE SET value = indicator_rollups.value + excluded.value;
    RETURN NULL;
END $$;

CREATE FUNCTION indicator_rollups_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO indicator_rollups (community_id, period, institution_id, measure, value)
    SELECT community_id, p, institution_id, measure, SUM(value)
    FROM (SELECT community_id, month, institution_id, measure, value FROM new_rows
          UNION ALL
          SELECT community_id, month, institution_id, measure, -value FROM old_rows) d,
        unnest(indicator_periods(month)) p
    GROUP BY community_id, p, institution_id, measure
    ON CONFLICT (community_id, period, institution_id, measure)
    DO UPDATE SET value = indicator_rollups.value + excluded.value;
    RETURN NULL;
END $$;

CREATE FUNCTION indicator_rollups_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE indicator_rollups r SET value = r.value - gone.value
    FROM (SELECT community_id, p AS period, institution_id, measure, SUM(value) AS value
          FROM old_rows, unnest(indicator_periods(month)) p
          GROUP BY community_id, p, institution_id, measure) gone
    WHERE r.community_id = gone.community_id AND r.period = gone.period
        AND r.institution_id = gone.institution_id AND r.measure = gone.measure;
    RETURN NULL;
END $$;

CREATE TRIGGER indicator_rollups_insert AFTER INSERT ON indicator_tallies
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_rollups_inserted();
CREATE TRIGGER indicator_rollups_update AFTER UPDATE ON indicator_tallies
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION indicator_rollups_updated();
CREATE TRIGGER indicator_rollups_delete AFTER DELETE ON indicator_tallies
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION indicator_rollups_deleted();
