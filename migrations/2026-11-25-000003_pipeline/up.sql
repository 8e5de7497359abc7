-- The seeker's pipeline: opportunities and their stage history, contacts,
-- interactions, promises and the ideal-candidate profile; and the stored
-- responses of idempotent POSTs. Portable SQL for SQLite and PostgreSQL.
-- Every row carries `seeker_id` (whose it is) so access checks are one lookup,
-- `version` (the ETag) and `updated_by` (`seeker:<id>`, `coach:<id>` or `key:<id>`).

CREATE TABLE opportunities (
    id               TEXT PRIMARY KEY NOT NULL,
    seeker_id        TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    company          TEXT NOT NULL,
    title            TEXT NOT NULL,
    industry         TEXT,
    location         TEXT,
    source           TEXT,
    posting_url      TEXT,
    excitement       INTEGER,
    notes            TEXT,
    base_salary      DOUBLE PRECISION,
    bonus            DOUBLE PRECISION,
    equity           TEXT,
    currency         TEXT,
    offer_deadline   DATE,
    playbook         TEXT,
    stage            TEXT NOT NULL,
    rejection_reason TEXT,
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    updated_by       TEXT NOT NULL,
    version          INTEGER NOT NULL
);
CREATE INDEX opportunities_seeker ON opportunities (seeker_id, id);
CREATE INDEX opportunities_seeker_updated ON opportunities (seeker_id, updated_at);

CREATE TABLE stage_transitions (
    id               TEXT PRIMARY KEY NOT NULL,
    opportunity_id   TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    from_stage       TEXT,
    to_stage         TEXT NOT NULL,
    occurred_at      TIMESTAMP NOT NULL,
    reason           TEXT,
    rejection_reason TEXT,
    actor            TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL
);
CREATE INDEX stage_transitions_opportunity ON stage_transitions (opportunity_id, id);

CREATE TABLE contacts (
    id                TEXT PRIMARY KEY NOT NULL,
    opportunity_id    TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    seeker_id         TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    role              TEXT NOT NULL,
    email             TEXT,
    phone             TEXT,
    timezone          TEXT,
    preferred_channel TEXT NOT NULL,
    best_time         TEXT,
    notes             TEXT,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    updated_by        TEXT NOT NULL,
    version           INTEGER NOT NULL
);
CREATE INDEX contacts_opportunity ON contacts (opportunity_id, id);

CREATE TABLE interactions (
    id                  TEXT PRIMARY KEY NOT NULL,
    opportunity_id      TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    seeker_id           TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id          TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    kind                TEXT NOT NULL,
    occurred_at         TIMESTAMP NOT NULL,
    notes               TEXT,
    out_of_office_until DATE,
    created_at          TIMESTAMP NOT NULL,
    updated_at          TIMESTAMP NOT NULL,
    updated_by          TEXT NOT NULL,
    version             INTEGER NOT NULL
);
CREATE INDEX interactions_opportunity ON interactions (opportunity_id, occurred_at);
CREATE INDEX interactions_seeker ON interactions (seeker_id, occurred_at);

CREATE TABLE promises (
    id             TEXT PRIMARY KEY NOT NULL,
    opportunity_id TEXT NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    seeker_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    contact_id     TEXT REFERENCES contacts (id) ON DELETE SET NULL,
    what           TEXT NOT NULL,
    due_date       DATE,
    due_at         TIMESTAMP,
    made_at        TIMESTAMP NOT NULL,
    cancelled_at   TIMESTAMP,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL,
    version        INTEGER NOT NULL
);
CREATE INDEX promises_opportunity ON promises (opportunity_id, id);

CREATE TABLE profiles (
    opportunity_id TEXT PRIMARY KEY NOT NULL REFERENCES opportunities (id) ON DELETE CASCADE,
    seeker_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    criteria       TEXT NOT NULL,
    competition    TEXT NOT NULL,
    answers        TEXT NOT NULL,
    updated_at     TIMESTAMP NOT NULL,
    updated_by     TEXT NOT NULL,
    version        INTEGER NOT NULL
);

CREATE TABLE idempotency_keys (
    caller_id     TEXT NOT NULL,
    key           TEXT NOT NULL,
    request_hash  TEXT NOT NULL,
    status        INTEGER,
    content_type  TEXT,
    location      TEXT,
    etag          TEXT,
    response_body TEXT,
    created_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (caller_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
