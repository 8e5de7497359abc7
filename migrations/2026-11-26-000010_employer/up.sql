-- The employer an opportunity is with, when it differs from the company's
-- display name; NULL means the company. The cadence compares employers
-- ignoring case and whitespace: an offer never competes with its own
-- employer, and the weekly e-mail cap counts per employer.
ALTER TABLE opportunities ADD COLUMN employer TEXT;
