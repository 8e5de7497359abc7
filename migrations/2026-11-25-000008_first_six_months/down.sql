ALTER TABLE profiles DROP COLUMN first_six_months;
