-- The morning digest (docs/digest.md): each seeker's opt-in and the
-- address it was verified for, and one row per seeker and local date,
-- written before the e-mail is handed to the mail server, so that a
-- digest goes out at most once a day across restarts and replicas.
-- Portable SQL for SQLite and PostgreSQL.
CREATE TABLE digest_settings (
    seeker_id            TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    enabled              BOOLEAN NOT NULL,
    -- The local send time, before noon.
    send_at              TIME NOT NULL,
    -- The account's address when its link was followed; NULL until then.
    -- The digest goes only while it equals the account's address.
    verified_email       TEXT,
    verified_at          TIMESTAMP,
    -- SHA-256 (hex) of the pending verification link's token, and when
    -- that link was made; NULL once followed.
    verification_hash    TEXT UNIQUE,
    verification_sent_at TIMESTAMP,
    -- The one-click unsubscribe link's token (RFC 8058), the same in every
    -- digest; stored as is, because every e-mail carries it again.
    unsubscribe_token    TEXT NOT NULL UNIQUE,
    updated_at           TIMESTAMP NOT NULL
);

CREATE TABLE digest_sends (
    seeker_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- The seeker's local date the digest is for.
    local_date  DATE NOT NULL,
    -- sending (claimed, handed to the mail server), sent, empty (nothing
    -- was due), failed (the mail server refused it for good), retry (the
    -- mail server said try later: it took nothing).
    state       TEXT NOT NULL,
    -- The actions it lists.
    actions     INTEGER NOT NULL,
    claimed_at  TIMESTAMP NOT NULL,
    sent_at     TIMESTAMP,
    message_id  TEXT,
    error       TEXT,
    PRIMARY KEY (seeker_id, local_date)
);
