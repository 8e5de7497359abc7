//! Contacts: the people at an employer, per opportunity.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::door::FactsTx;
use crate::records::ContactRow;
use crate::schema::{contacts, interactions, promises};
use crate::{DbConnection, StoreError};

/// Stores a new contact.
pub fn insert_contact(tx: &mut FactsTx<'_>, row: &ContactRow) -> Result<(), StoreError> {
    tx.lock(&row.seeker_id)?;
    diesel::insert_into(contacts::table)
        .values(row.clone())
        .execute(tx.conn())?;
    tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
    Ok(())
}

/// The contact with this id, whoever owns it (callers check access).
pub fn find_contact(conn: &mut DbConnection, id: &str) -> Result<Option<ContactRow>, StoreError> {
    Ok(contacts::table
        .find(id)
        .select(ContactRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A page of an opportunity's contacts, oldest first, after the id `after`.
pub fn list_contacts(
    conn: &mut DbConnection,
    opportunity_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ContactRow>, StoreError> {
    let mut query = contacts::table
        .filter(contacts::opportunity_id.eq(opportunity_id))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(contacts::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Every contact of an opportunity, oldest first.
pub fn contacts_of(
    conn: &mut DbConnection,
    opportunity_id: &str,
) -> Result<Vec<ContactRow>, StoreError> {
    Ok(contacts::table
        .filter(contacts::opportunity_id.eq(opportunity_id))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .load(conn)?)
}

/// Every contact of a seeker, oldest first (for exports).
pub fn contacts_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Vec<ContactRow>, StoreError> {
    Ok(contacts::table
        .filter(contacts::seeker_id.eq(seeker_id))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .load(conn)?)
}

/// Writes `row` back if the stored version is still `expected_version`;
/// `false` when another write came first.
pub fn update_contact(
    tx: &mut FactsTx<'_>,
    row: &ContactRow,
    expected_version: i32,
) -> Result<bool, StoreError> {
    tx.lock(&row.seeker_id)?;
    let changed = diesel::update(
        contacts::table
            .filter(contacts::id.eq(&row.id))
            .filter(contacts::version.eq(expected_version)),
    )
    .set(row.clone())
    .execute(tx.conn())?;
    if changed == 1 {
        tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
    }
    Ok(changed == 1)
}

/// Deletes a contact; interactions and promises that named it keep their
/// place with no contact (`ON DELETE SET NULL`).
pub fn delete_contact(
    tx: &mut FactsTx<'_>,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let owner: Option<(String, String)> = contacts::table
        .find(id)
        .select((contacts::seeker_id, contacts::opportunity_id))
        .get_result(tx.conn())
        .optional()?;
    let Some((seeker, opportunity)) = owner else {
        return Ok(false);
    };
    tx.lock(&seeker)?;
    // What `ON DELETE SET NULL` would do, as a change of each record: its
    // version moves on, so an app's copy of it is stale by its ETag.
    diesel::update(interactions::table.filter(interactions::contact_id.eq(id)))
        .set((
            interactions::contact_id.eq(None::<String>),
            interactions::version.eq(interactions::version + 1),
            interactions::updated_at.eq(at),
        ))
        .execute(tx.conn())?;
    diesel::update(promises::table.filter(promises::contact_id.eq(id)))
        .set((
            promises::contact_id.eq(None::<String>),
            promises::version.eq(promises::version + 1),
            promises::updated_at.eq(at),
        ))
        .execute(tx.conn())?;
    let deleted = diesel::delete(contacts::table.find(id)).execute(tx.conn())? == 1;
    if deleted {
        tx.touch_opportunity(&opportunity, at)?;
    }
    Ok(deleted)
}

/// A page of a seeker's contacts across their opportunities (closed ones
/// too), by id, after the id `after`; with `updated_since`, only those
/// changed at or after it.
pub fn page_contacts_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
    updated_since: Option<NaiveDateTime>,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<ContactRow>, StoreError> {
    let mut query = contacts::table
        .filter(contacts::seeker_id.eq(seeker_id))
        .select(ContactRow::as_select())
        .order(contacts::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(since) = updated_since {
        query = query.filter(contacts::updated_at.ge(since));
    }
    if let Some(after) = after {
        query = query.filter(contacts::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}
