//! Promises: what the employer said they would do, and by when.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::door::FactsTx;
use crate::records::PromiseRow;
use crate::schema::promises;
use crate::{DbConnection, StoreError};

/// Stores a new promise.
pub fn insert_promise(tx: &mut FactsTx<'_>, row: &PromiseRow) -> Result<(), StoreError> {
    tx.lock(&row.seeker_id)?;
    diesel::insert_into(promises::table)
        .values(row.clone())
        .execute(tx.conn())?;
    tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
    Ok(())
}

/// The promise with this id, whoever owns it (callers check access).
pub fn find_promise(conn: &mut DbConnection, id: &str) -> Result<Option<PromiseRow>, StoreError> {
    Ok(promises::table
        .find(id)
        .select(PromiseRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A page of an opportunity's promises, oldest first, after the id `after`.
pub fn list_promises(
    conn: &mut DbConnection,
    opportunity_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<PromiseRow>, StoreError> {
    let mut query = promises::table
        .filter(promises::opportunity_id.eq(opportunity_id))
        .select(PromiseRow::as_select())
        .order(promises::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(promises::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Every promise made on an opportunity, oldest first.
pub fn promises_of_opportunity(
    conn: &mut DbConnection,
    opportunity_id: &str,
) -> Result<Vec<PromiseRow>, StoreError> {
    Ok(natively!(conn, c => promises::table
        .filter(promises::opportunity_id.eq(opportunity_id))
        .select(PromiseRow::as_select())
        .order(promises::id.asc())
        .load(c))?)
}

/// Every promise of a seeker, oldest first (for exports).
pub fn promises_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Vec<PromiseRow>, StoreError> {
    Ok(promises::table
        .filter(promises::seeker_id.eq(seeker_id))
        .select(PromiseRow::as_select())
        .order(promises::id.asc())
        .load(conn)?)
}

/// Writes `row` back if the stored version is still `expected_version`;
/// `false` when another write came first.
pub fn update_promise(
    tx: &mut FactsTx<'_>,
    row: &PromiseRow,
    expected_version: i32,
) -> Result<bool, StoreError> {
    tx.lock(&row.seeker_id)?;
    let changed = diesel::update(
        promises::table
            .filter(promises::id.eq(&row.id))
            .filter(promises::version.eq(expected_version)),
    )
    .set(row.clone())
    .execute(tx.conn())?;
    if changed == 1 {
        tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
    }
    Ok(changed == 1)
}

/// Deletes a promise.
pub fn delete_promise(
    tx: &mut FactsTx<'_>,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let owner: Option<(String, String)> = promises::table
        .find(id)
        .select((promises::seeker_id, promises::opportunity_id))
        .get_result(tx.conn())
        .optional()?;
    let Some((seeker, opportunity)) = owner else {
        return Ok(false);
    };
    tx.lock(&seeker)?;
    let deleted = diesel::delete(promises::table.find(id)).execute(tx.conn())? == 1;
    if deleted {
        tx.touch_opportunity(&opportunity, at)?;
    }
    Ok(deleted)
}
