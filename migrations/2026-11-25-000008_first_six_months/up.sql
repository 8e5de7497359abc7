-- The seeker's plan for the role's first six months, which the influence
-- letter after an interview is built on.
ALTER TABLE profiles ADD COLUMN first_six_months TEXT;
