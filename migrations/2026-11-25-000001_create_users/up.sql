-- Accounts. Portable SQL: the same file runs on SQLite and PostgreSQL.
-- Ids are UUIDv7 text, instants are UTC TIMESTAMPs.
CREATE TABLE users (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('seeker', 'coach', 'admin')),
    timezone      TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);
