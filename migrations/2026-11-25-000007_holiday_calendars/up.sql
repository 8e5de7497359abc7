-- The built-in public-holiday calendars an account observes, as a JSON array
-- of ids (`["us"]`), beside its own holiday dates.
ALTER TABLE users ADD COLUMN holiday_calendars TEXT NOT NULL DEFAULT '[]';
