ALTER TABLE inbox_proposals DROP COLUMN promise_id;
ALTER TABLE inbox_proposals DROP COLUMN interview_id;
DROP TABLE calendar_interviews;
