-- When the seeker marked a promise kept: a promised decision they heard of
-- some other way. A decision is otherwise kept only by an offer or a
-- rejection, never by a courtesy reply.
ALTER TABLE promises ADD COLUMN kept_at TIMESTAMP;
