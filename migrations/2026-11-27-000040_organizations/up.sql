-- Organizations: career centres with admins, coaches and members, groups
-- (cohorts), invitations, cohort codes and organization tokens
-- (docs/organizations.md). Access still goes through grants: a grant made
-- by an organization names it, so leaving revokes exactly what it gave.
-- Portable SQL for SQLite and PostgreSQL.
CREATE TABLE organizations (
    id           TEXT PRIMARY KEY NOT NULL,
    name         TEXT NOT NULL,
    -- Who a member's data is shared with: `group_coaches` (every coach of
    -- the member's group) or `assigned_coach` (the member's own coach).
    -- The organization's admins always are.
    grant_policy TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    version      INTEGER NOT NULL
);

CREATE TABLE org_groups (
    id         TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    -- A built-in name or a custom playbook's id; NULL for none.
    playbook   TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX org_groups_name ON org_groups (org_id, name);

CREATE TABLE org_group_coaches (
    group_id TEXT NOT NULL REFERENCES org_groups (id) ON DELETE CASCADE,
    coach_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, coach_id)
);

-- One row per joining; `left_at` ends it. At most one live row per account
-- and organization.
CREATE TABLE org_members (
    id        TEXT PRIMARY KEY NOT NULL,
    org_id    TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id   TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- admin, coach, member
    role      TEXT NOT NULL,
    group_id  TEXT REFERENCES org_groups (id) ON DELETE SET NULL,
    -- A member's assigned coach.
    coach_id  TEXT REFERENCES users (id) ON DELETE SET NULL,
    -- founder, code, invitation
    joined_via TEXT NOT NULL,
    joined_at TIMESTAMP NOT NULL,
    left_at   TIMESTAMP
);
CREATE UNIQUE INDEX org_members_live ON org_members (org_id, user_id) WHERE left_at IS NULL;
CREATE INDEX org_members_user ON org_members (user_id);

-- E-mail-bound invitations, one pending per address and organization.
CREATE TABLE org_invitations (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    email        TEXT NOT NULL,
    display_name TEXT,
    role         TEXT NOT NULL,
    group_id     TEXT REFERENCES org_groups (id) ON DELETE SET NULL,
    coach_id     TEXT REFERENCES users (id) ON DELETE SET NULL,
    code_hash    TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    accepted_at  TIMESTAMP,
    accepted_by  TEXT,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX org_invitations_code ON org_invitations (code_hash);
CREATE UNIQUE INDEX org_invitations_pending ON org_invitations (org_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

-- Multi-use cohort codes.
CREATE TABLE org_codes (
    id         TEXT PRIMARY KEY NOT NULL,
    org_id     TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    group_id   TEXT REFERENCES org_groups (id) ON DELETE CASCADE,
    code_hash  TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    max_uses   INTEGER NOT NULL,
    uses       INTEGER NOT NULL,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    revoked_at TIMESTAMP
);
CREATE UNIQUE INDEX org_codes_code ON org_codes (code_hash);

-- Organization API tokens, with scopes (comma-separated), stored hashed.
CREATE TABLE org_tokens (
    id           TEXT PRIMARY KEY NOT NULL,
    org_id       TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    token_hash   TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_by   TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE UNIQUE INDEX org_tokens_hash ON org_tokens (token_hash);

-- The organization whose policy made a grant; NULL for a coach's own invite.
ALTER TABLE grants ADD COLUMN org_id TEXT;
-- Who revoked it: `seeker`, `coach`, or `org` (the organization's policy no
-- longer gives it). One the seeker or the coach ended is not made again by
-- the policy while the membership lasts.
ALTER TABLE grants ADD COLUMN revoked_by TEXT;
CREATE INDEX grants_org ON grants (org_id, seeker_id);

-- An organization's webhook (made with a `webhooks:write` token): it
-- receives the events of the organization's members only.
ALTER TABLE webhooks ADD COLUMN org_id TEXT;

-- Who last set a seeker's default playbook, and when: the seeker, a coach,
-- or an organization's group assignment (`group:<id>` in `_via`).
ALTER TABLE users ADD COLUMN playbook_set_by TEXT;
ALTER TABLE users ADD COLUMN playbook_set_via TEXT;
ALTER TABLE users ADD COLUMN playbook_set_at TIMESTAMP;
