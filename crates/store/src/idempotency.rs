//! Stored responses of POST requests sent with an `Idempotency-Key`.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::idempotency_keys;
use crate::{DbConnection, StoreError};

/// A key's record: the request it was first used with and, once answered,
/// the response.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = idempotency_keys)]
pub struct IdempotencyRow {
    /// Who sent it (keys are scoped to the caller).
    pub caller_id: String,
    /// The client's key.
    pub key: String,
    /// SHA-256 of method, path, query and body.
    pub request_hash: String,
    /// The response status; `None` while the first request is in flight.
    pub status: Option<i32>,
    /// The response's `Content-Type`.
    pub content_type: Option<String>,
    /// The response's `Location`.
    pub location: Option<String>,
    /// The response's `ETag`.
    pub etag: Option<String>,
    /// The response body.
    pub response_body: Option<String>,
    /// When the key was first used.
    pub created_at: NaiveDateTime,
}

/// The record of `(caller_id, key)`.
pub fn find(
    conn: &mut DbConnection,
    caller_id: &str,
    key: &str,
) -> Result<Option<IdempotencyRow>, StoreError> {
    Ok(idempotency_keys::table
        .find((caller_id, key))
        .select(IdempotencyRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Claims a key for a request in flight; a key taken meanwhile is a
/// [`StoreError::Conflict`].
pub fn claim(conn: &mut DbConnection, row: &IdempotencyRow) -> Result<(), StoreError> {
    diesel::insert_into(idempotency_keys::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// Stores the response of a claimed key.
pub fn complete(conn: &mut DbConnection, row: &IdempotencyRow) -> Result<(), StoreError> {
    diesel::update(idempotency_keys::table.find((&row.caller_id, &row.key)))
        .set((
            idempotency_keys::status.eq(row.status),
            idempotency_keys::content_type.eq(&row.content_type),
            idempotency_keys::location.eq(&row.location),
            idempotency_keys::etag.eq(&row.etag),
            idempotency_keys::response_body.eq(&row.response_body),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets a key (its request failed on our side, or it expired).
pub fn release(conn: &mut DbConnection, caller_id: &str, key: &str) -> Result<(), StoreError> {
    diesel::delete(idempotency_keys::table.find((caller_id, key))).execute(conn)?;
    Ok(())
}

/// Forgets every key used before `before`.
pub fn prune(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
            .execute(conn)?,
    )
}
