-- The day a register's management ended (the resident moved away or died), so that the
-- chronic-care indicators know the years a register was under management. Registers
-- ended before get the day (China time) of their last change, when the ending call was
-- recorded; the indicators' counters for them follow at the next
-- `yigong indicators rebuild`.
ALTER TABLE chronic_registers ADD COLUMN ended_on DATE;
UPDATE chronic_registers SET ended_on = CAST((updated_at AT TIME ZONE 'UTC') + INTERVAL '8 hours' AS DATE)
    WHERE status = 'ended';
