//! Calendar feed tokens (stored hashed).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::feed_tokens;
use crate::{DbConnection, StoreError};

/// A token that opens one seeker's agenda feed.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = feed_tokens)]
pub struct FeedTokenRow {
    /// UUIDv7.
    pub id: String,
    /// Whose agenda it opens.
    pub user_id: String,
    /// A label ("phone calendar").
    pub name: String,
    /// The token's first characters, to tell tokens apart.
    pub prefix: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When a calendar last fetched the feed with it.
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a new token.
pub fn insert(conn: &mut DbConnection, row: &FeedTokenRow) -> Result<(), StoreError> {
    diesel::insert_into(feed_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The live token with this hash.
pub fn find_live(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<FeedTokenRow>, StoreError> {
    Ok(feed_tokens::table
        .filter(feed_tokens::token_hash.eq(token_hash))
        .filter(feed_tokens::revoked_at.is_null())
        .select(FeedTokenRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A user's live tokens, oldest first.
pub fn of_user(conn: &mut DbConnection, user_id: &str) -> Result<Vec<FeedTokenRow>, StoreError> {
    Ok(feed_tokens::table
        .filter(feed_tokens::user_id.eq(user_id))
        .filter(feed_tokens::revoked_at.is_null())
        .order(feed_tokens::id.asc())
        .select(FeedTokenRow::as_select())
        .load(conn)?)
}

/// Records a fetch.
pub fn touch(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<(), StoreError> {
    diesel::update(feed_tokens::table.find(id))
        .set(feed_tokens::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Revokes a user's live token; `false` when they have no such live token.
pub fn revoke(
    conn: &mut DbConnection,
    user_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    Ok(diesel::update(
        feed_tokens::table
            .filter(feed_tokens::id.eq(id))
            .filter(feed_tokens::user_id.eq(user_id))
            .filter(feed_tokens::revoked_at.is_null()),
    )
    .set(feed_tokens::revoked_at.eq(at))
    .execute(conn)?
        == 1)
}
