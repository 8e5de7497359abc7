-- Each seeker's events as a chain (docs/events.md, "Finding one seeker's
-- events"): an event names the position of the same seeker's event before
-- it, and the account names its newest event. On SQLite the chain replaces
-- the (seeker_id, tx, seq) index: the account row is written by every write
-- anyway, while the index put each event's entry on a random page of its
-- own. The store fills the chain in and drops that index when it first opens
-- a SQLite database after this migration (crates/store/src/migrate.rs);
-- PostgreSQL keeps the index and leaves these columns empty. Portable SQL
-- for SQLite and PostgreSQL.
ALTER TABLE events ADD COLUMN prev_tx BIGINT;
ALTER TABLE events ADD COLUMN prev_seq INTEGER;
ALTER TABLE users ADD COLUMN last_event_tx BIGINT;
ALTER TABLE users ADD COLUMN last_event_seq INTEGER;
