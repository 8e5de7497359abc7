-- Calendar feed tokens: calendar apps cannot send bearer headers, so the
-- agenda's iCalendar feed takes a revocable token in its URL. Stored hashed.
CREATE TABLE feed_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX feed_tokens_user ON feed_tokens (user_id);
