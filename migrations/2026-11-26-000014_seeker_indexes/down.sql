DROP INDEX profiles_seeker;
DROP INDEX promises_seeker;
DROP INDEX contacts_seeker;
