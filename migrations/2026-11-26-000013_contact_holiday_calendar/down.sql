ALTER TABLE opportunities DROP COLUMN holiday_calendar;
ALTER TABLE contacts DROP COLUMN holiday_calendar;
