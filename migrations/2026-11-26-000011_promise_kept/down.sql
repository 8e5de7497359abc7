ALTER TABLE promises DROP COLUMN kept_at;
