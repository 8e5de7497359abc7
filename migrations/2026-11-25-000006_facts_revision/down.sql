ALTER TABLE users DROP COLUMN facts_revision;
