-- The account's access-token generation: every access token carries the
-- value at issue, and a token whose value is behind the account's is
-- refused. Bumped when the password or the role changes and when a refresh
-- token is reused, so every session of the account ends on its next request.
ALTER TABLE users ADD COLUMN token_generation BIGINT NOT NULL DEFAULT 0;
