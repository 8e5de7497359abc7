ALTER TABLE opportunities DROP COLUMN offer_start_date;
ALTER TABLE interactions DROP COLUMN rejection_reason;
