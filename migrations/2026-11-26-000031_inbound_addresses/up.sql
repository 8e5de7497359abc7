-- Personal inbound addresses (docs/inbox.md, "Receiving mail at a personal
-- address"): each account's `in+<token>@<inbound domain>`, made on first
-- use. Rotating replaces the token, and the old one stops routing at once.
-- The token is stored as is: it is shown again on every GET, and mail is
-- routed by looking it up. Portable SQL for SQLite and PostgreSQL.
CREATE TABLE inbound_addresses (
    seeker_id   TEXT PRIMARY KEY NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token       TEXT NOT NULL UNIQUE,
    created_at  TIMESTAMP NOT NULL,
    -- When the token last changed; NULL while it is the first one.
    rotated_at  TIMESTAMP
);
