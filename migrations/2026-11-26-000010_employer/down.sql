ALTER TABLE opportunities DROP COLUMN employer;
