-- The event log: one row per change a client or platform cares about,
-- written in the same transaction as the change (docs/events.md).
--
-- An event's position in the feed is (tx, seq). On PostgreSQL `tx` is the
-- writing transaction's id (`pg_current_xact_id()`), and the feed returns
-- only events of transactions older than the oldest one still running, so a
-- transaction that commits late is never skipped. On SQLite, whose writers
-- take turns, `tx` counts write transactions (event_counter). `seq` orders
-- the events of one transaction. Portable SQL for SQLite and PostgreSQL.
CREATE TABLE events (
    id          TEXT PRIMARY KEY NOT NULL,
    tx          BIGINT NOT NULL,
    seq         INTEGER NOT NULL,
    seeker_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    actor       TEXT NOT NULL,
    occurred_at TIMESTAMP NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    data        TEXT NOT NULL
);
CREATE UNIQUE INDEX events_position ON events (tx, seq);
CREATE INDEX events_seeker ON events (seeker_id, tx, seq);
-- No index on created_at: the hourly purge may scan; every write would pay
-- for the index.

-- SQLite only: the last write transaction that wrote events.
CREATE TABLE event_counter (
    id      INTEGER PRIMARY KEY NOT NULL,
    last_tx BIGINT NOT NULL
);
INSERT INTO event_counter (id, last_tx) VALUES (1, 0);
