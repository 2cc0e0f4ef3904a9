-- Glucose, weight and height are written to one decimal place. Values that went through
-- a single-precision float on their way in (10.899999618530273 for 10.9) are put back
-- to the value that was typed.
UPDATE chronic_follow_ups SET glucose = ROUND(glucose * 10) / 10.0 WHERE glucose IS NOT NULL;
UPDATE chronic_follow_ups SET weight_kg = ROUND(weight_kg * 10) / 10.0 WHERE weight_kg IS NOT NULL;
UPDATE chronic_follow_ups SET height_cm = ROUND(height_cm * 10) / 10.0 WHERE height_cm IS NOT NULL;
UPDATE chronic_screenings SET glucose = ROUND(glucose * 10) / 10.0 WHERE glucose IS NOT NULL;
UPDATE chronic_screenings SET weight_kg = ROUND(weight_kg * 10) / 10.0 WHERE weight_kg IS NOT NULL;
UPDATE chronic_screenings SET height_cm = ROUND(height_cm * 10) / 10.0 WHERE height_cm IS NOT NULL;
