DROP TABLE login_failures;
DROP TABLE api_keys;
DROP TABLE grants;
DROP TABLE coach_invites;
DROP TABLE refresh_tokens;
ALTER TABLE users DROP COLUMN default_playbook;
ALTER TABLE users DROP COLUMN holidays;
ALTER TABLE users DROP COLUMN business_hours;
