//! The reads of `GET /v1/sync` (docs/sync.md): a seeker's records of one
//! type in id order, after an id, a page at a time; the full sync pages
//! through them type by type.

use diesel::prelude::*;

use crate::pipeline::OpportunityRow;
use crate::playbooks::PlaybookRow;
use crate::records::{ContactRow, InteractionRow, ProfileRow, PromiseRow};
use crate::schema::{contacts, interactions, opportunities, playbooks, profiles, promises};
use crate::{DbConnection, StoreError};

macro_rules! page_of {
    ($(#[$doc:meta])* $name:ident, $table:ident, $row:ty, $owner:ident, $key:ident) => {
        $(#[$doc])*
        pub fn $name(
            conn: &mut DbConnection,
            owner: &str,
            after: Option<&str>,
            limit: i64,
        ) -> Result<Vec<$row>, StoreError> {
            let mut query = $table::table
                .filter($table::$owner.eq(owner))
                .into_boxed();
            if let Some(after) = after {
                query = query.filter($table::$key.gt(after));
            }
            Ok(query
                .order($table::$key.asc())
                .select(<$row>::as_select())
                .limit(limit)
                .load(conn)?)
        }
    };
}

page_of!(
    /// Up to `limit` of the seeker's opportunities after the id `after`, by id.
    opportunities_after, opportunities, OpportunityRow, seeker_id, id
);
page_of!(
    /// Up to `limit` of the seeker's contacts after the id `after`, by id.
    contacts_after, contacts, ContactRow, seeker_id, id
);
page_of!(
    /// Up to `limit` of the seeker's interactions after the id `after`, by id.
    interactions_after, interactions, InteractionRow, seeker_id, id
);
page_of!(
    /// Up to `limit` of the seeker's promises after the id `after`, by id.
    promises_after, promises, PromiseRow, seeker_id, id
);
page_of!(
    /// Up to `limit` of the seeker's stored profiles after the opportunity
    /// id `after`, by opportunity id.
    profiles_after, profiles, ProfileRow, seeker_id, opportunity_id
);
page_of!(
    /// Up to `limit` of the playbooks `owner` made after the id `after`, by id.
    playbooks_after, playbooks, PlaybookRow, owner_id, id
);
