//! Custom playbooks.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use followup_core::{Actor, PlaybookSpec};

use crate::door::FactsTx;
use crate::schema::{opportunities, playbooks, users};
use crate::types::{Stored, StoredJsonText};
use crate::{DbConnection, StoreError};

/// A custom playbook.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = playbooks)]
pub struct PlaybookRow {
    /// UUIDv7.
    pub id: String,
    /// Who made it (a coach or a seeker).
    pub owner_id: String,
    /// Its name.
    pub name: String,
    /// Rules and parameters (stored as JSON).
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub spec: PlaybookSpec,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it last.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub updated_by: Actor,
    /// The ETag.
    pub version: i32,
}

/// Stores a new playbook, its owner locked (its event is theirs).
pub fn insert(tx: &mut FactsTx<'_>, row: &PlaybookRow) -> Result<(), StoreError> {
    tx.lock(&row.owner_id)?;
    diesel::insert_into(playbooks::table)
        .values(row.clone())
        .execute(tx.conn())?;
    Ok(())
}

/// The playbook with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<PlaybookRow>, StoreError> {
    Ok(playbooks::table
        .find(id)
        .select(PlaybookRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The playbooks with these ids.
pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<PlaybookRow>, StoreError> {
    // One query per id (a seeker refers to one or two): the same SQL every
    // time, so it is prepared once per connection.
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let row = playbooks::table
            .find(id)
            .select(PlaybookRow::as_select())
            .get_result(conn)
            .optional()?;
        found.extend(row);
    }
    Ok(found)
}

/// The playbooks these owners made, oldest first.
pub fn of_owners(
    conn: &mut DbConnection,
    owners: &[String],
) -> Result<Vec<PlaybookRow>, StoreError> {
    Ok(playbooks::table
        .filter(playbooks::owner_id.eq_any(owners))
        .order(playbooks::id.asc())
        .select(PlaybookRow::as_select())
        .load(conn)?)
}

/// Writes `row` back if the stored version is still `expected_version`.
pub fn update(
    tx: &mut FactsTx<'_>,
    row: &PlaybookRow,
    expected_version: i32,
) -> Result<bool, StoreError> {
    lock_users_of(tx, &row.id, &row.owner_id)?;
    Ok(diesel::update(
        playbooks::table
            .filter(playbooks::id.eq(&row.id))
            .filter(playbooks::version.eq(expected_version)),
    )
    .set(row.clone())
    .execute(tx.conn())?
        == 1)
}

/// How many accounts and opportunities use the playbook.
pub fn uses(conn: &mut DbConnection, id: &str) -> Result<i64, StoreError> {
    let accounts: i64 = users::table
        .filter(users::default_playbook.eq(id))
        .count()
        .get_result(conn)?;
    let opportunities: i64 = opportunities::table
        .filter(opportunities::playbook.eq(id))
        .count()
        .get_result(conn)?;
    Ok(accounts + opportunities)
}

/// Deletes a playbook of `owner`.
pub fn delete(tx: &mut FactsTx<'_>, id: &str, owner: &str) -> Result<bool, StoreError> {
    lock_users_of(tx, id, owner)?;
    Ok(diesel::delete(playbooks::table.find(id)).execute(tx.conn())? == 1)
}

/// The seekers who use the playbook, as their default or on an opportunity.
pub fn users_of(conn: &mut DbConnection, id: &str) -> Result<Vec<String>, StoreError> {
    Ok(users::table
        .filter(
            users::default_playbook.eq(id).or(users::id.eq_any(
                opportunities::table
                    .filter(opportunities::playbook.eq(id))
                    .select(opportunities::seeker_id),
            )),
        )
        .select(users::id)
        .order(users::id.asc())
        .load(conn)?)
}

/// Locks every seeker who uses the playbook, and its owner (whose event the
/// change writes), in the door's fixed order: a change to it changes their
/// advice.
fn lock_users_of(tx: &mut FactsTx<'_>, id: &str, owner: &str) -> Result<(), StoreError> {
    let mut seekers = users_of(tx.conn(), id)?;
    seekers.push(owner.to_owned());
    tx.lock_all(seekers)
}
