-- The account's language (docs/localisation.md): a tag of one of the
-- translations in crates/core/locales. Reasons, warnings, drafts and dates
-- are written in it. Portable SQL for SQLite and PostgreSQL.
ALTER TABLE users ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';
