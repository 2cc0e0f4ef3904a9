-- The day (China time) an ECG was reported and how many whole seconds it took from
-- upload, so that the ECG indicators list a month's reported studies and the urgent
-- ones read on time with the same comparisons on both engines. Studies reported before
-- this migration get both from their stored instants.
ALTER TABLE ecg_studies ADD COLUMN reported_on DATE;
ALTER TABLE ecg_studies ADD COLUMN turnaround_s BIGINT;
UPDATE ecg_studies SET reported_on = CAST((reported_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE),
    turnaround_s = CAST(FLOOR(EXTRACT(EPOCH FROM reported_at - created_at)) AS BIGINT)
    WHERE reported_at IS NOT NULL;
CREATE INDEX ecg_studies_reported_on ON ecg_studies (community_id, reported_on)
    WHERE reported_on IS NOT NULL;
