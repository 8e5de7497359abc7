-- A seeker's snapshot reads each table by the seeker in one statement that
-- is the same SQL for every seeker (so it is prepared once per
-- connection): contacts, promises and profiles need the seeker's index for
-- that, as interactions and opportunities already have.
CREATE INDEX contacts_seeker ON contacts (seeker_id, id);
CREATE INDEX promises_seeker ON promises (seeker_id, id);
CREATE INDEX profiles_seeker ON profiles (seeker_id);
