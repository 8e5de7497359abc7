//! Profiles: the ideal-candidate criteria, the competition and the answers to
//! the process questions, one per opportunity.

use diesel::prelude::*;

use crate::door::FactsTx;
use crate::records::ProfileRow;
use crate::schema::profiles;
use crate::{DbConnection, StoreError};

/// The profile of an opportunity, if one was stored.
pub fn find_profile(
    conn: &mut DbConnection,
    opportunity_id: &str,
) -> Result<Option<ProfileRow>, StoreError> {
    Ok(profiles::table
        .find(opportunity_id)
        .select(ProfileRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Every profile of a seeker (for exports).
pub fn profiles_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Vec<ProfileRow>, StoreError> {
    Ok(profiles::table
        .filter(profiles::seeker_id.eq(seeker_id))
        .select(ProfileRow::as_select())
        .order(profiles::opportunity_id.asc())
        .load(conn)?)
}

/// Stores `row` as the opportunity's profile when the stored one is still at
/// `expected_version` (0: none stored yet); `false` when another write came
/// first.
pub fn put_profile(
    tx: &mut FactsTx<'_>,
    row: &ProfileRow,
    expected_version: i32,
) -> Result<bool, StoreError> {
    tx.lock(&row.seeker_id)?;
    if expected_version == 0 {
        return match diesel::insert_into(profiles::table)
            .values(row.clone())
            .execute(tx.conn())
        {
            Ok(_) => {
                tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
                Ok(true)
            }
            Err(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _,
            )) => Ok(false),
            Err(other) => Err(other.into()),
        };
    }
    let changed = diesel::update(
        profiles::table
            .filter(profiles::opportunity_id.eq(&row.opportunity_id))
            .filter(profiles::version.eq(expected_version)),
    )
    .set(row.clone())
    .execute(tx.conn())?;
    if changed == 1 {
        tx.touch_opportunity(&row.opportunity_id, row.updated_at)?;
    }
    Ok(changed == 1)
}
