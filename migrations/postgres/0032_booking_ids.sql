-- A resident's booking is an Appointment to the outside (FHIR): it gets an id of its own,
-- given to the bookings already made.
ALTER TABLE outreach_bookings ADD COLUMN id UUID;
UPDATE outreach_bookings SET id = gen_random_uuid() WHERE id IS NULL;
CREATE UNIQUE INDEX outreach_bookings_id ON outreach_bookings (community_id, id);
