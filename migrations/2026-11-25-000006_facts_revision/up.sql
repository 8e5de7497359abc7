-- A counter bumped in the same transaction as every write to what the
-- cadence engine reads for a seeker (the account, opportunities, history,
-- contacts, interactions, promises, profiles, the playbooks in use). The API
-- keys its computed-agenda cache on it, so every replica sees a write at once.
ALTER TABLE users ADD COLUMN facts_revision BIGINT NOT NULL DEFAULT 0;
