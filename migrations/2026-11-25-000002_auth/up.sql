-- Accounts' settings, refresh-token families, coach invites and grants,
-- platform API keys, and failed logins (for per-account rate limits that
-- hold across replicas). Portable SQL for SQLite and PostgreSQL.

ALTER TABLE users ADD COLUMN business_hours TEXT;
ALTER TABLE users ADD COLUMN holidays TEXT NOT NULL DEFAULT '[]';
ALTER TABLE users ADD COLUMN default_playbook TEXT;

CREATE TABLE refresh_tokens (
    id          TEXT PRIMARY KEY NOT NULL,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    spent_at    TIMESTAMP,
    revoked_at  TIMESTAMP
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE coach_invites (
    id          TEXT PRIMARY KEY NOT NULL,
    coach_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    code_hash   TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP,
    accepted_by TEXT REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX coach_invites_coach ON coach_invites (coach_id);

CREATE TABLE grants (
    id          TEXT PRIMARY KEY NOT NULL,
    seeker_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    coach_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    revoked_at  TIMESTAMP
);
CREATE INDEX grants_seeker ON grants (seeker_id);
CREATE INDEX grants_coach ON grants (coach_id);

CREATE TABLE api_keys (
    id           TEXT PRIMARY KEY NOT NULL,
    owner_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    scopes       TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_keys_owner ON api_keys (owner_id);

CREATE TABLE login_failures (
    id         TEXT PRIMARY KEY NOT NULL,
    email      TEXT NOT NULL,
    failed_at  TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, failed_at);
