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
        .set(user)
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
