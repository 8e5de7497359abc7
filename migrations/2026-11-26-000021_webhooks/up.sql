-- Webhook subscriptions and their durable outbox (docs/webhooks.md).
-- Portable SQL for SQLite and PostgreSQL.
CREATE TABLE webhooks (
    id                     TEXT PRIMARY KEY NOT NULL,
    owner_id               TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    url                    TEXT NOT NULL,
    -- Comma-separated event types; empty for every type.
    event_types            TEXT NOT NULL,
    description            TEXT,
    active                 BOOLEAN NOT NULL,
    -- `whsec_…`; the previous one stays valid for a day after a rotation.
    secret                 TEXT NOT NULL,
    previous_secret        TEXT,
    previous_expires_at    TIMESTAMP,
    -- Why the server disabled it (`gone`, `failing`); NULL otherwise.
    disabled_reason        TEXT,
    -- The first failure since the last success.
    failing_since          TIMESTAMP,
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL,
    version                INTEGER NOT NULL
);
CREATE INDEX webhooks_owner ON webhooks (owner_id);

-- One row per event and webhook: the outbox. Claimed by the delivery
-- workers of every replica (FOR UPDATE SKIP LOCKED on PostgreSQL).
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY NOT NULL,
    webhook_id      TEXT NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        TEXT NOT NULL,
    -- Whose event; NULL for a ping.
    seeker_id       TEXT REFERENCES users (id) ON DELETE CASCADE,
    event_type      TEXT NOT NULL,
    -- The body, fixed once, so every attempt signs the same bytes.
    payload         TEXT NOT NULL,
    -- pending, succeeded, failed, cancelled
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at TIMESTAMP,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX webhook_deliveries_once ON webhook_deliveries (webhook_id, event_id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);

CREATE TABLE webhook_attempts (
    id              TEXT PRIMARY KEY NOT NULL,
    delivery_id     TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempted_at    TIMESTAMP NOT NULL,
    response_status INTEGER,
    error           TEXT,
    duration_ms     BIGINT NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);

-- How far the dispatcher has turned the event log into deliveries.
CREATE TABLE webhook_dispatch (
    id  INTEGER PRIMARY KEY NOT NULL,
    tx  BIGINT NOT NULL,
    seq INTEGER NOT NULL
);
INSERT INTO webhook_dispatch (id, tx, seq) VALUES (1, 0, 0);
