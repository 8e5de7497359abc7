CREATE INDEX IF NOT EXISTS events_seeker ON events (seeker_id, tx, seq);
ALTER TABLE users DROP COLUMN last_event_seq;
ALTER TABLE users DROP COLUMN last_event_tx;
ALTER TABLE events DROP COLUMN prev_seq;
ALTER TABLE events DROP COLUMN prev_tx;
