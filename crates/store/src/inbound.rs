//! Personal inbound addresses (docs/inbox.md, "Receiving mail at a personal
//! address"): one secret token per account, which routes the mail a provider
//! posts to `in+<token>@<inbound domain>` into that account's inbox. The
//! engine never reads them, so they are written on a bare connection, like
//! the other tokens of an account.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::schema::inbound_addresses;
use crate::{DbConnection, StoreError};

/// An account's inbound address token.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = inbound_addresses)]
pub struct InboundAddressRow {
    /// Whose address it is (one per account).
    pub seeker_id: String,
    /// The secret part of the address, `in+<token>@…`.
    pub token: String,
    /// When the address was first made.
    pub created_at: NaiveDateTime,
    /// When the token last changed; `None` while it is the first one.
    pub rotated_at: Option<NaiveDateTime>,
}

/// The account's address, if it has one yet.
pub fn find(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Option<InboundAddressRow>, StoreError> {
    Ok(inbound_addresses::table
        .find(seeker_id)
        .select(InboundAddressRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The account's address, made with `token` when it has none. Two first
/// requests at once make one address: the second finds the first's.
pub fn ensure(
    conn: &mut DbConnection,
    seeker_id: &str,
    token: &str,
    now: NaiveDateTime,
) -> Result<InboundAddressRow, StoreError> {
    if let Some(row) = find(conn, seeker_id)? {
        return Ok(row);
    }
    let row = InboundAddressRow {
        seeker_id: seeker_id.to_owned(),
        token: token.to_owned(),
        created_at: now,
        rotated_at: None,
    };
    natively!(conn, c => diesel::insert_into(inbound_addresses::table)
        .values(&row)
        .on_conflict(inbound_addresses::seeker_id)
        .do_nothing()
        .execute(c))?;
    find(conn, seeker_id)?.ok_or(StoreError::NotFound)
}

/// Gives the account's address the new `token` (the old one stops routing
/// at once); an account without an address gets its first.
pub fn rotate(
    conn: &mut DbConnection,
    seeker_id: &str,
    token: &str,
    now: NaiveDateTime,
) -> Result<InboundAddressRow, StoreError> {
    let row = ensure(conn, seeker_id, token, now)?;
    if row.token == token {
        return Ok(row);
    }
    diesel::update(inbound_addresses::table.find(seeker_id))
        .set((
            inbound_addresses::token.eq(token),
            inbound_addresses::rotated_at.eq(Some(now)),
        ))
        .execute(conn)?;
    find(conn, seeker_id)?.ok_or(StoreError::NotFound)
}

/// The accounts these tokens route to, as `(token, seeker_id)`; unknown
/// tokens are left out.
pub fn seekers_of(
    conn: &mut DbConnection,
    tokens: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    if tokens.is_empty() {
        return Ok(Vec::new());
    }
    Ok(inbound_addresses::table
        .filter(inbound_addresses::token.eq_any(tokens))
        .select((inbound_addresses::token, inbound_addresses::seeker_id))
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use chrono::{SubsecRound as _, Utc};

    use super::*;
    use crate::testing::TestDatabase;
    use crate::{PoolOptions, Store, users};

    #[test]
    fn an_address_is_made_once_rotated_and_deleted_with_its_account() {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        // PostgreSQL keeps microseconds.
        let now = Utc::now().trunc_subsecs(6).naive_utc();
        for id in ["a", "b"] {
            let user = crate::testing::seeker_row(id, now);
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        assert_eq!(store.read(|conn| find(conn, "a")).unwrap(), None);
        let first = store.write(|conn| ensure(conn, "a", "tok1", now)).unwrap();
        assert_eq!(first.token, "tok1");
        assert_eq!(first.rotated_at, None);
        let again = store.write(|conn| ensure(conn, "a", "tok2", now)).unwrap();
        assert_eq!(again, first, "made once");
        let other = store.write(|conn| rotate(conn, "b", "tokb", now)).unwrap();
        assert_eq!((other.token.as_str(), other.rotated_at), ("tokb", None));

        let rotated = store.write(|conn| rotate(conn, "a", "tok3", now)).unwrap();
        assert_eq!(rotated.token, "tok3");
        assert_eq!(rotated.created_at, first.created_at);
        assert_eq!(rotated.rotated_at, Some(now));
        let tokens = ["tok1", "tok3", "tokb", "nope"].map(str::to_owned);
        let mut routed = store.read(|conn| seekers_of(conn, &tokens)).unwrap();
        routed.sort();
        assert_eq!(
            routed,
            [
                ("tok3".to_owned(), "a".to_owned()),
                ("tokb".to_owned(), "b".to_owned())
            ]
        );
        assert!(store.read(|conn| seekers_of(conn, &[])).unwrap().is_empty());

        store.write_for("a", |tx| users::delete(tx, "a")).unwrap();
        assert_eq!(store.read(|conn| find(conn, "a")).unwrap(), None);
        assert!(store.read(|conn| find(conn, "b")).unwrap().is_some());
    }
}
