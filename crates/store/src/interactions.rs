//! Interactions: what happened between the seeker and the employer.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::door::FactsTx;
use crate::records::InteractionRow;
use crate::schema::interactions;
use crate::{DbConnection, StoreError};

/// Stores a new interaction.
pub fn insert_interaction(tx: &mut FactsTx<'_>, row: &InteractionRow) -> Result<(), StoreError> {
    tx.lock(&row.seeker_id)?;
    let insert = diesel::insert_into(interactions::table).values(row.clone());
    tx.execute_touching(insert, &row.opportunity_id, row.updated_at)?;
    Ok(())
}

/// The interaction with this id, whoever owns it (callers check access).
pub fn find_interaction(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<InteractionRow>, StoreError> {
    Ok(interactions::table
        .find(id)
        .select(InteractionRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A page of an opportunity's interactions in the order they happened
/// (`occurred_at`, then id), after the position `after`.
pub fn list_interactions(
    conn: &mut DbConnection,
    opportunity_id: &str,
    after: Option<(NaiveDateTime, String)>,
    limit: i64,
) -> Result<Vec<InteractionRow>, StoreError> {
    let mut query = interactions::table
        .filter(interactions::opportunity_id.eq(opportunity_id))
        .select(InteractionRow::as_select())
        .order((interactions::occurred_at.asc(), interactions::id.asc()))
        .limit(limit)
        .into_boxed();
    if let Some((at, id)) = after {
        // The first condition bounds the index's range scan; the second
        // is exact.
        query = query.filter(interactions::occurred_at.ge(at)).filter(
            interactions::occurred_at
                .gt(at)
                .or(interactions::occurred_at
                    .eq(at)
                    .and(interactions::id.gt(id))),
        );
    }
    Ok(query.load(conn)?)
}

/// Every interaction of an opportunity, in the order they happened.
pub fn interactions_of(
    conn: &mut DbConnection,
    opportunity_id: &str,
) -> Result<Vec<InteractionRow>, StoreError> {
    Ok(interactions::table
        .filter(interactions::opportunity_id.eq(opportunity_id))
        .select(InteractionRow::as_select())
        .order((interactions::occurred_at.asc(), interactions::id.asc()))
        .load(conn)?)
}

/// Every interaction of a seeker, in the order they happened (for exports).
pub fn interactions_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Vec<InteractionRow>, StoreError> {
    Ok(interactions::table
        .filter(interactions::seeker_id.eq(seeker_id))
        .select(InteractionRow::as_select())
        .order((interactions::occurred_at.asc(), interactions::id.asc()))
        .load(conn)?)
}

/// Writes `row` back if the stored version is still `expected_version`;
/// `false` when another write came first.
pub fn update_interaction(
    tx: &mut FactsTx<'_>,
    row: &InteractionRow,
    expected_version: i32,
) -> Result<bool, StoreError> {
    tx.lock(&row.seeker_id)?;
    let changed = diesel::update(
        interactions::table
            .filter(interactions::id.eq(&row.id))
            .filter(interactions::version.eq(expected_version)),
    )
    .set(row.clone())
    .execute(tx.conn())?;
    if changed == 1 {
        tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
    }
    Ok(changed == 1)
}

/// Deletes an interaction.
pub fn delete_interaction(
    tx: &mut FactsTx<'_>,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let owner: Option<(String, String)> = interactions::table
        .find(id)
        .select((interactions::seeker_id, interactions::opportunity_id))
        .get_result(tx.conn())
        .optional()?;
    let Some((seeker, opportunity)) = owner else {
        return Ok(false);
    };
    tx.lock(&seeker)?;
    let deleted = diesel::delete(interactions::table.find(id)).execute(tx.conn())? == 1;
    if deleted {
        tx.touch_opportunity(&opportunity, at)?;
    }
    Ok(deleted)
}

/// A page of a seeker's interactions across their opportunities (closed ones
/// too), by id, after the id `after`; with `updated_since`, only those
/// changed at or after it.
pub fn page_interactions_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
    updated_since: Option<NaiveDateTime>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<InteractionRow>, StoreError> {
    let mut query = interactions::table
        .filter(interactions::seeker_id.eq(seeker_id))
        .select(InteractionRow::as_select())
        .order(interactions::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(since) = updated_since {
        query = query.filter(interactions::updated_at.ge(since));
    }
    if let Some(after) = after {
        query = query.filter(interactions::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}
