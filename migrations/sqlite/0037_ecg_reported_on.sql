-- The day (China time) an ECG was reported and how many whole seconds it took from
-- upload, so that the ECG indicators list a month's reported studies and the urgent
-- ones read on time with the same comparisons on both engines. Studies reported before
-- this migration get both from their stored instants.
ALTER TABLE ecg_studies ADD COLUMN reported_on TEXT;
ALTER TABLE ecg_studies ADD COLUMN turnaround_s BIGINT;
UPDATE ecg_studies SET reported_on = date(reported_at, '+8 hours'),
    -- julianday is a float: round it to milliseconds before truncating to seconds, or
    -- 601 s comes out as 600.99999 and then 600.
    turnaround_s = CAST(ROUND((julianday(reported_at) - julianday(created_at)) * 86400000) AS INTEGER) / 1000
    WHERE reported_at IS NOT NULL;
CREATE INDEX ecg_studies_reported_on ON ecg_studies (community_id, reported_on)
    WHERE reported_on IS NOT NULL;
