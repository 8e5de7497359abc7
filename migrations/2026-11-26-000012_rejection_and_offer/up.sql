-- Why the employer said no, on a logged rejection (the reasons of a move
-- to rejected), and when an offered job would start: a written offer is
-- complete with its base, bonus, equity, start date and deadline.
ALTER TABLE interactions ADD COLUMN rejection_reason TEXT;
ALTER TABLE opportunities ADD COLUMN offer_start_date DATE;
