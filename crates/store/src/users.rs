//! Accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::users;
use crate::{DbConnection, StoreError};

/// A stored account. Instants are UTC.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct UserRow {
    /// UUIDv7.
    pub id: String,
    /// Normalised (trimmed, lower-case) and unique.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Shown to coaches and in drafts.
    pub display_name: String,
    /// `seeker`, `coach` or `admin`.
    pub role: String,
    /// IANA zone name.
    pub timezone: String,
    /// When the account was created.
    pub created_at: NaiveDateTime,
    /// When the account last changed.
    pub updated_at: NaiveDateTime,
    /// Business hours as JSON; `None` means the default Mon–Fri 09:00–17:00.
    pub business_hours: Option<String>,
    /// Holidays as a JSON array of dates.
    pub holidays: String,
    /// The playbook used where an opportunity names none.
    pub default_playbook: Option<String>,
    /// Bumped by every write to the facts the cadence engine reads for this
    /// seeker (see [`touch`]). Never written back from a row: only [`touch`]
    /// and [`update`] move it, atomically, so a stale row cannot lower it.
    #[diesel(skip_update)]
    pub facts_revision: i64,
    /// Built-in public-holiday calendars observed, as a JSON array of ids.
    pub holiday_calendars: String,
}

/// Creates an account; a taken email is [`StoreError::Conflict`].
pub fn insert(conn: &mut DbConnection, user: &UserRow) -> Result<(), StoreError> {
    diesel::insert_into(users::table)
        .values(user)
        .execute(conn)?;
    Ok(())
}

/// The account with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// The account, read under its row lock (taken by [`touch`]) for a
/// read-modify-write: a concurrent writer of the account waits, so neither
/// change is lost.
pub fn find_locked(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, StoreError> {
    touch(conn, id)?;
    find(conn, id)
}

/// The account with this (normalised) email.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .first(conn)
        .optional()?)
}

/// Writes every field of `user` back.
pub fn update(conn: &mut DbConnection, user: &UserRow) -> Result<(), StoreError> {
    let changed = diesel::update(users::table.find(&user.id))
        .set((user, users::facts_revision.eq(users::facts_revision + 1)))
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Deletes the account; every table that references it cascades.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    let deleted = diesel::delete(users::table.find(id)).execute(conn)?;
    if deleted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Marks the seeker's facts as changed: bumps `facts_revision`, in the
/// caller's transaction. Every store function that writes what the cadence
/// engine reads calls it first, so a transaction takes the account's row lock
/// before the rows below it and concurrent writes of one seeker never
/// deadlock on PostgreSQL.
pub fn touch(conn: &mut DbConnection, seeker_id: &str) -> Result<(), StoreError> {
    diesel::update(users::table.find(seeker_id))
        .set(users::facts_revision.eq(users::facts_revision + 1))
        .execute(conn)?;
    Ok(())
}

/// The seeker's current facts revision; `None` when the account is gone.
pub fn facts_revision(conn: &mut DbConnection, seeker_id: &str) -> Result<Option<i64>, StoreError> {
    Ok(users::table
        .find(seeker_id)
        .select(users::facts_revision)
        .first(conn)
        .optional()?)
}
