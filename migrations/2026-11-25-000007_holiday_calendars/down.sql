ALTER TABLE users DROP COLUMN holiday_calendars;
