-- A green-channel case's admission as the indicators keep it: the day (China time) of
-- the first admission, the whole seconds from the first contact (or the referral being
-- sent) to it, and the pathway's target in force when it was recorded, so that a later
-- change of target re-judges nothing and a rebuild agrees with the kept tallies. Cases
-- admitted before this version get theirs at the next `yigong indicators rebuild`.
ALTER TABLE referrals ADD COLUMN green_admitted_on DATE;
ALTER TABLE referrals ADD COLUMN green_seconds BIGINT;
ALTER TABLE referrals ADD COLUMN green_target_minutes INTEGER;
CREATE INDEX referrals_green ON referrals (community_id, green_admitted_on)
    WHERE green_admitted_on IS NOT NULL;
