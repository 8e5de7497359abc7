-- The inbox (docs/inbox.md): messages a seeker forwarded and the one step
-- each proposes, which the seeker accepts or dismisses.
-- Portable SQL for SQLite and PostgreSQL.
CREATE TABLE inbox_messages (
    id           TEXT PRIMARY KEY NOT NULL,
    seeker_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The Message-ID header, or `sha256:<hex>` of the bytes when it has none.
    message_id   TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    -- The message as received, in standard base64 (TEXT, not BYTEA:
    -- diesel print-schema reads no binary type name that PostgreSQL also
    -- has); NULL once the retention has passed.
    raw_base64   TEXT,
    size         BIGINT NOT NULL
);
CREATE UNIQUE INDEX inbox_messages_once ON inbox_messages (seeker_id, message_id);
CREATE INDEX inbox_messages_received ON inbox_messages (received_at);

CREATE TABLE inbox_proposals (
    id              TEXT PRIMARY KEY NOT NULL,
    seeker_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    message_id      TEXT NOT NULL REFERENCES inbox_messages (id) ON DELETE CASCADE,
    class           TEXT NOT NULL,
    confidence      DOUBLE PRECISION NOT NULL,
    -- JSON: {in, name?, text}.
    evidence        TEXT NOT NULL,
    -- JSON: the reading's step, with its class's details.
    step            TEXT NOT NULL,
    sender          TEXT,
    subject         TEXT,
    sent_at         TIMESTAMP,
    opportunity_id  TEXT REFERENCES opportunities (id) ON DELETE SET NULL,
    contact_id      TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    -- JSON: [{opportunity_id, company}] when unmatched.
    candidates      TEXT NOT NULL,
    -- pending, accepted, dismissed
    status          TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL,
    decided_at      TIMESTAMP,
    interaction_id  TEXT,
    transition_id   TEXT
);
CREATE INDEX inbox_proposals_seeker ON inbox_proposals (seeker_id, status, id);
CREATE INDEX inbox_proposals_message ON inbox_proposals (message_id);
