-- The day (China time) a referral was accepted, so that the referral indicators can
-- count and list referrals by month with the same comparison on both engines, and the
-- index that lists a month's accepted referrals. Referrals accepted before this
-- migration get their day from the stored instant.
ALTER TABLE referrals ADD COLUMN accepted_on DATE;
UPDATE referrals SET accepted_on = CAST((accepted_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)
    WHERE accepted_at IS NOT NULL;
CREATE INDEX referrals_accepted_on ON referrals (community_id, accepted_on)
    WHERE accepted_on IS NOT NULL;

-- The counters' names are the code's to keep (`Measure`, read back only when known): a
-- CHECK listing them would need changing with every new counter, so it goes.
ALTER TABLE indicator_tallies DROP CONSTRAINT indicator_tallies_measure_check;
