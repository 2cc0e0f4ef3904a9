-- The day (China time) a referral was accepted, so that the referral indicators can
-- count and list referrals by month with the same comparison on both engines, and the
-- index that lists a month's accepted referrals. Referrals accepted before this
-- migration get their day from the stored instant.
ALTER TABLE referrals ADD COLUMN accepted_on TEXT;
UPDATE referrals SET accepted_on = date(accepted_at, '+8 hours') WHERE accepted_at IS NOT NULL;
CREATE INDEX referrals_accepted_on ON referrals (community_id, accepted_on)
    WHERE accepted_on IS NOT NULL;

-- The counters' names are the code's to keep (`Measure`, read back only when known): a
-- CHECK listing them would cost a table rebuild with every new counter, so it goes
-- (SQLite drops a CHECK by rebuilding the table).
CREATE TABLE indicator_tallies_new (
    community_id BLOB NOT NULL REFERENCES communities(id),
    month TEXT NOT NULL,
    institution_id BLOB NOT NULL,
    measure TEXT NOT NULL,
    value INTEGER NOT NULL,
    PRIMARY KEY (community_id, month, institution_id, measure),
    FOREIGN KEY (community_id, institution_id) REFERENCES institutions (community_id, id)
);
INSERT INTO indicator_tallies_new (community_id, month, institution_id, measure, value)
    SELECT community_id, month, institution_id, measure, value FROM indicator_tallies;
DROP TABLE indicator_tallies;
ALTER TABLE indicator_tallies_new RENAME TO indicator_tallies;
