-- The day (China time) a teleconsultation was answered, so that the remote-diagnosis
-- indicator can list a month's answered consultations with the same comparison on both
-- engines. Consultations answered before get their day from the stored instant (their
-- counters at the next `yigong indicators rebuild`).
ALTER TABLE teleconsultations ADD COLUMN answered_on DATE;
UPDATE teleconsultations SET answered_on = CAST((answered_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)
    WHERE answered_at IS NOT NULL;
CREATE INDEX teleconsultations_answered_on ON teleconsultations (community_id, answered_on)
    WHERE answered_on IS NOT NULL;
