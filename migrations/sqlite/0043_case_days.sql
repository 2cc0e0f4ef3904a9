-- The day each encounter and outside visit is counted on (discharge for a stay, the visit
-- day otherwise), stored, and an index by day, so that a figure's list of cases walks
-- back from the newest day to fill a page instead of sorting every row of the period.
ALTER TABLE encounters ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE encounters SET day = CASE WHEN kind = 'inpatient' THEN COALESCE(ended_on, started_on) ELSE started_on END;
CREATE INDEX encounters_day ON encounters (community_id, day, id, kind, institution_id);
ALTER TABLE outside_visits ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE outside_visits SET day = CASE WHEN kind = 'inpatient' THEN COALESCE(ended_on, started_on) ELSE started_on END;
CREATE INDEX outside_visits_day ON outside_visits (community_id, day, id, kind, institution_id);
