DROP TABLE idempotency_keys;
DROP TABLE profiles;
DROP TABLE promises;
DROP TABLE interactions;
DROP TABLE contacts;
DROP TABLE stage_transitions;
DROP TABLE opportunities;
