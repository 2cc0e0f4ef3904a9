-- Residents per institution and year, the denominator of the per-10,000 indicators.
-- `populations`: official figures the office enters (a township's stands for the
-- township with its village clinics). `resident_counts`: the registry's count of active
-- residents per institution, kept by statement-level triggers on every write to
-- `residents` (single rows, imports and upserts alike: one grouped statement each), so
-- that a dashboard reads a few rows.
CREATE TABLE populations (
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL,
    year INTEGER NOT NULL CHECK (year BETWEEN 1900 AND 9999),
    residents BIGINT NOT NULL CHECK (residents > 0),
    source TEXT NOT NULL,
    updated_by UUID,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (community_id, institution_id, year),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id),
    FOREIGN KEY (community_id, updated_by) REFERENCES accounts (community_id, id)
);

CREATE TABLE resident_counts (
    community_id UUID NOT NULL REFERENCES communities(id),
    institution_id UUID NOT NULL,
    residents BIGINT NOT NULL,
    PRIMARY KEY (community_id, institution_id),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);

INSERT INTO resident_counts (community_id, institution_id, residents)
SELECT community_id, institution_id, COUNT(*) FROM residents WHERE active
GROUP BY community_id, institution_id;

CREATE FUNCTION resident_counts_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO resident_counts (community_id, institution_id, residents)
    SELECT community_id, institution_id, COUNT(*) FROM new_rows WHERE active
    GROUP BY community_id, institution_id
    ON CONFLICT (community_id, institution_id)
    DO UPDATE SET residents = resident_counts.residents + excluded.residents;
    RETURN NULL;
END $$;

CREATE FUNCTION resident_counts_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO resident_counts (community_id, institution_id, residents)
    SELECT community_id, institution_id, SUM(d) FROM (
        SELECT community_id, institution_id, 1 AS d FROM new_rows WHERE active
        UNION ALL
        SELECT community_id, institution_id, -1 FROM old_rows WHERE active
    ) moved
    GROUP BY community_id, institution_id HAVING SUM(d) <> 0
    ON CONFLICT (community_id, institution_id)
    DO UPDATE SET residents = resident_counts.residents + excluded.residents;
    RETURN NULL;
END $$;

CREATE FUNCTION resident_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE resident_counts c SET residents = c.residents - gone.n
    FROM (SELECT community_id, institution_id, COUNT(*) AS n FROM old_rows WHERE active
          GROUP BY community_id, institution_id) gone
    WHERE c.community_id = gone.community_id AND c.institution_id = gone.institution_id;
    RETURN NULL;
END $$;

CREATE TRIGGER resident_counts_insert AFTER INSERT ON residents
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_inserted();
CREATE TRIGGER resident_counts_update AFTER UPDATE ON residents
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_updated();
CREATE TRIGGER resident_counts_delete AFTER DELETE ON residents
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION resident_counts_deleted();
