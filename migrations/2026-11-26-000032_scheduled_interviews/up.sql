-- Scheduled interviews from calendar invitations (docs/inbox.md): an
-- `interview` logged for a time still ahead is a scheduled one; one that an
-- accepted invitation scheduled is known by the invitation's calendar UID,
-- so a later update moves it and a cancellation removes it.
-- Portable SQL for SQLite and PostgreSQL.
CREATE TABLE calendar_interviews (
    seeker_id       TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The VEVENT's UID.
    uid             TEXT NOT NULL,
    interaction_id  TEXT NOT NULL REFERENCES interactions (id) ON DELETE CASCADE,
    -- The VEVENT's SEQUENCE last applied: an older update changes nothing.
    sequence        INTEGER NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    PRIMARY KEY (seeker_id, uid)
);
CREATE INDEX calendar_interviews_interaction ON calendar_interviews (interaction_id);

-- The interview an accepted invitation scheduled, moved or cancelled, and
-- the promise an accepted reply recorded.
ALTER TABLE inbox_proposals ADD COLUMN interview_id TEXT;
ALTER TABLE inbox_proposals ADD COLUMN promise_id TEXT;
