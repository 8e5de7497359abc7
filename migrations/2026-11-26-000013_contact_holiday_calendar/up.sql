-- The public holidays a contact observes, or every contact of an
-- opportunity: a built-in calendar id (`jp`, `us`, …). NULL takes the one
-- the contact's time zone determines. Actions to a contact fall on their
-- business days; the seeker's own days off are kept apart.
ALTER TABLE contacts ADD COLUMN holiday_calendar TEXT;
ALTER TABLE opportunities ADD COLUMN holiday_calendar TEXT;
