//! The one write door for what the cadence engine reads.
//!
//! Every write of a seeker's facts — their opportunities, contacts,
//! interactions, promises, profiles, settings, and the playbooks they follow —
//! runs inside a [`FactsTx`], which only [`Store::write_facts`] and
//! [`Store::write_for`] hand out. The store's write functions for those
//! tables take a `&mut FactsTx`, not a bare connection, so a write that
//! skips the door does not compile.
//!
//! Entering the door for a seeker ([`FactsTx::lock`]) does two things in
//! one statement: it takes the seeker's write lock (their account row, so
//! concurrent writers of one seeker queue instead of deadlocking on the rows
//! below it) and it bumps their `facts_revision`, which invalidates every
//! kept agenda of theirs on every replica. It does so once per seeker and
//! transaction, however many rows the transaction writes. A write that
//! touches many seekers (a playbook edit) locks them with
//! [`FactsTx::lock_all`], in ascending id order, so two such writes cannot
//! deadlock.
//!
//! The events of a change ([`FactsTx::emit`]) are written through the same
//! door, in the same transaction (docs/events.md).
//!
//! Accounts and tokens are written through [`Store::write`]: the engine
//! does not read them, and they bump nothing.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::connection::{DbConnection, Store};
use crate::error::StoreError;
use crate::events::{Appender, NewEvent, Position};

/// A write transaction of seekers' facts: the connection, and the seekers
/// it has locked (and whose facts revision it has bumped) so far.
pub struct FactsTx<'c> {
    conn: &'c mut DbConnection,
    /// The seekers locked so far, in the order they were locked.
    locked: Vec<Locked>,
    events: Appender,
}

/// A seeker a [`FactsTx`] has locked.
#[derive(Debug)]
struct Locked {
    seeker: String,
    /// The facts revision the lock bumped them to; `None`: no such seeker.
    revision: Option<i64>,
    /// Their newest event (on SQLite: the head of their chain, see
    /// `crate::events`), as the lock read it and this transaction's events
    /// moved it; `None` before their first. Empty on PostgreSQL.
    head: Option<Position>,
}

/// What a lock statement returns: the seeker, their facts revision, and
/// their newest event's position (SQLite; empty on PostgreSQL).
type LockedRow = (String, i64, Option<i64>, Option<i32>);

impl Locked {
    fn new(seeker: String, row: Option<LockedRow>) -> Self {
        let (revision, head) = match row {
            Some((_, revision, Some(tx), Some(seq))) => {
                (Some(revision), Some(Position { tx, seq }))
            }
            Some((_, revision, _, _)) => (Some(revision), None),
            None => (None, None),
        };
        Self {
            seeker,
            revision,
            head,
        }
    }
}

impl std::fmt::Debug for FactsTx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FactsTx")
            .field("locked", &self.locked)
            .finish_non_exhaustive()
    }
}

impl<'c> FactsTx<'c> {
    fn new(conn: &'c mut DbConnection) -> Self {
        Self {
            conn,
            locked: Vec::new(),
            events: Appender::default(),
        }
    }

    /// Appends an event about a change this transaction makes to the event
    /// log (docs/events.md): it commits, or rolls back, with the change.
    /// The event's seeker is locked first, like every row written here; the
    /// lock read their newest event, which the event is linked to on SQLite
    /// (no look-up of the account row of its own). Their events are all
    /// written through here in this transaction, so that position stays
    /// theirs.
    pub fn emit(&mut self, event: NewEvent) -> Result<(), StoreError> {
        self.lock(&event.seeker_id)?;
        let locked = self
            .locked
            .iter_mut()
            .find(|locked| locked.seeker == event.seeker_id);
        let head = locked
            .as_ref()
            .filter(|locked| locked.revision.is_some())
            .map(|locked| locked.head);
        let written = self.events.append_after(self.conn, event, head)?;
        if let (Some(locked), Some(position)) = (locked, written) {
            locked.head = Some(position);
        }
        Ok(())
    }

    /// The transaction's connection, for reads (and for writes of accounts
    /// and tokens, which the engine does not read).
    pub fn conn(&mut self) -> &mut DbConnection {
        self.conn
    }

    /// Takes `seeker`'s write lock and bumps their facts revision — once per
    /// transaction: locking a seeker again is free. A seeker that does not
    /// exist is locked vacuously (the write that follows finds nothing).
    pub fn lock(&mut self, seeker: &str) -> Result<(), StoreError> {
        if self.locked.iter().any(|locked| locked.seeker == seeker) {
            return Ok(());
        }
        let bump = Bump(seeker.to_owned());
        let row = natively!(&mut *self.conn, c => bump.get_result::<LockedRow>(c)).optional()?;
        self.locked.push(Locked::new(seeker.to_owned(), row));
        Ok(())
    }

    /// Locks the seeker who owns row `id` of `table` (bumping their facts
    /// revision, as [`FactsTx::lock`] does) in one statement, before the
    /// row is read: the read that follows sees the row as no other writer
    /// can change it any more. Returns the seeker; `None` when there is no
    /// such row (nothing is locked then). Only for a transaction's first
    /// lock: it takes the lock whatever was locked before.
    pub fn lock_owner(&mut self, table: Owned, id: &str) -> Result<Option<String>, StoreError> {
        let id = id.to_owned();
        let locked = natively!(&mut *self.conn, c => match table {
            Owned::Opportunities => BumpOwnerOfOpportunity(id).get_result::<LockedRow>(c),
            Owned::Contacts => BumpOwnerOfContact(id).get_result::<LockedRow>(c),
            Owned::Interactions => BumpOwnerOfInteraction(id).get_result::<LockedRow>(c),
            Owned::Promises => BumpOwnerOfPromise(id).get_result::<LockedRow>(c),
        })
        .optional()?;
        Ok(locked.map(|row| {
            let seeker = row.0.clone();
            if !self.locked.iter().any(|locked| locked.seeker == seeker) {
                self.locked.push(Locked::new(seeker.clone(), Some(row)));
            }
            seeker
        }))
    }

    /// Marks opportunity `id` changed because a record under it (a contact,
    /// an interaction, a promise, its profile) was written at `at`: its
    /// version moves on, so its ETag changes and an `If-Match` read before
    /// is refused, and its `updated_at` becomes `at` when that is later, so
    /// `updated_since` finds it (docs/pipeline.md: the opportunity is the
    /// aggregate). Every store function that writes such a record calls it.
    pub fn touch_opportunity(&mut self, id: &str, at: NaiveDateTime) -> Result<(), StoreError> {
        let touch = Touch {
            id: id.to_owned(),
            at,
        };
        natively!(&mut *self.conn, c => touch.execute(c))?;
        Ok(())
    }

    /// Runs `write`, a write of a record of the opportunity `id`'s
    /// aggregate, and touches the opportunity
    /// ([`FactsTx::touch_opportunity`]): in one statement on PostgreSQL.
    /// The rows `write` changed.
    pub fn execute_touching<Q>(
        &mut self,
        write: Q,
        id: &str,
        at: NaiveDateTime,
    ) -> Result<usize, StoreError>
    where
        Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>
            + diesel::query_builder::QueryId
            + diesel::query_dsl::methods::ExecuteDsl<diesel::SqliteConnection>,
    {
        let touch = Touch {
            id: id.to_owned(),
            at,
        };
        match &mut *self.conn {
            DbConnection::Postgres(c) => Ok(Touching { touch, write }.execute(c)?),
            DbConnection::Sqlite(c) => {
                let changed = diesel::query_dsl::methods::ExecuteDsl::execute(write, c)?;
                touch.execute(c)?;
                Ok(changed)
            }
        }
    }

    /// The facts revision this transaction gives `seeker` (locking them
    /// first if need be); `None` when there is no such seeker. It is what
    /// a read after the commit finds, until the next write.
    pub fn revision(&mut self, seeker: &str) -> Result<Option<i64>, StoreError> {
        self.lock(seeker)?;
        Ok(self
            .locked
            .iter()
            .find(|locked| locked.seeker == seeker)
            .and_then(|locked| locked.revision))
    }

    /// Locks several seekers, in ascending id order, so two transactions that
    /// lock overlapping sets always take the locks in the same order.
    ///
    /// Call it before locking anything else in the transaction: a lock taken
    /// earlier is out of that order.
    pub fn lock_all(&mut self, mut seekers: Vec<String>) -> Result<(), StoreError> {
        seekers.sort_unstable();
        seekers.dedup();
        debug_assert!(
            self.locked
                .iter()
                .all(|held| seekers.first().is_none_or(|first| held.seeker <= *first)),
            "lock_all after a lock on a later seeker breaks the lock order"
        );
        for seeker in seekers {
            self.lock(&seeker)?;
        }
        Ok(())
    }

    /// The seekers this transaction has locked, in the order it locked them.
    pub fn locked(&self) -> impl Iterator<Item = &str> {
        self.locked.iter().map(|locked| locked.seeker.as_str())
    }
}

/// The tables whose rows name the seeker they belong to, for
/// [`FactsTx::lock_owner`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owned {
    /// `opportunities`.
    Opportunities,
    /// `contacts`.
    Contacts,
    /// `interactions`.
    Interactions,
    /// `promises`.
    Promises,
}

/// The lock statements: each a type of its own with fixed SQL, so diesel
/// prepares it once per connection and keeps it (an `UPDATE` built with
/// diesel's DSL is prepared anew at every call). Each returns the seeker,
/// the facts revision it bumped them to, and their newest event's position
/// from the same row ([`LockedRow`]; always empty on PostgreSQL).
macro_rules! bump_statement {
    ($(#[$doc:meta])* $name:ident = $before:expr, $after:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, diesel::query_builder::QueryId)]
        struct $name(String);

        impl diesel::query_builder::Query for $name {
            type SqlType = (
                diesel::sql_types::Text,
                diesel::sql_types::BigInt,
                diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
                diesel::sql_types::Nullable<diesel::sql_types::Integer>,
            );
        }

        impl<DB> diesel::query_builder::QueryFragment<DB> for $name
        where
            DB: diesel::backend::Backend,
            String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
        {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
            ) -> QueryResult<()> {
                out.push_sql($before);
                out.push_bind_param::<diesel::sql_types::Text, String>(&self.0)?;
                out.push_sql($after);
                Ok(())
            }
        }

        impl<C> RunQueryDsl<C> for $name {}
    };
}

bump_statement!(
    /// Locks a seeker by id.
    Bump = "UPDATE users SET facts_revision = facts_revision + 1 WHERE id = ",
        " RETURNING id, facts_revision, last_event_tx, last_event_seq"
);

/// A statement that locks the seeker who owns a row of `$table` by its id.
macro_rules! bump_owner_statement {
    ($(#[$doc:meta])* $name:ident, $table:literal) => {
        bump_statement!(
            $(#[$doc])*
            $name = concat!(
                "UPDATE users SET facts_revision = facts_revision + 1 \
                 WHERE id = (SELECT seeker_id FROM ",
                $table,
                " WHERE id = "
            ), ") RETURNING id, facts_revision, last_event_tx, last_event_seq"
        );
    };
}

bump_owner_statement!(
    /// Locks the seeker of an opportunity.
    BumpOwnerOfOpportunity, "opportunities"
);
bump_owner_statement!(
    /// Locks the seeker of a contact.
    BumpOwnerOfContact, "contacts"
);
bump_owner_statement!(
    /// Locks the seeker of an interaction.
    BumpOwnerOfInteraction, "interactions"
);
bump_owner_statement!(
    /// Locks the seeker of a promise.
    BumpOwnerOfPromise, "promises"
);

/// [`FactsTx::touch_opportunity`]'s one statement: the version moves on,
/// and `updated_at` becomes the write's instant when that is later. Fixed
/// SQL, so diesel prepares it once per connection (one round trip a write
/// on PostgreSQL, where two `UPDATE`s built with the DSL took two, each
/// prepared anew).
#[derive(Debug, Clone, diesel::query_builder::QueryId)]
struct Touch {
    id: String,
    at: NaiveDateTime,
}

impl<DB> diesel::query_builder::QueryFragment<DB> for Touch
where
    DB: diesel::backend::Backend,
    String: diesel::serialize::ToSql<diesel::sql_types::Text, DB>,
    NaiveDateTime: diesel::serialize::ToSql<diesel::sql_types::Timestamp, DB>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, DB>,
    ) -> QueryResult<()> {
        out.push_sql(
            "UPDATE opportunities SET version = version + 1, \
             updated_at = CASE WHEN updated_at < ",
        );
        out.push_bind_param::<diesel::sql_types::Timestamp, _>(&self.at)?;
        out.push_sql(" THEN ");
        out.push_bind_param::<diesel::sql_types::Timestamp, _>(&self.at)?;
        out.push_sql(" ELSE updated_at END WHERE id = ");
        out.push_bind_param::<diesel::sql_types::Text, _>(&self.id)?;
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for Touch {}

/// On PostgreSQL, a write of a record of an opportunity's aggregate and
/// [`FactsTx::touch_opportunity`] in one statement, one round trip: the
/// touch as a data-modifying `WITH`, which PostgreSQL runs exactly once,
/// to completion, whatever the main statement reads of it. SQLite has no
/// round trips to save (nor such `WITH`s): there the two run one after the
/// other ([`FactsTx::execute_touching`]).
#[derive(Debug, Clone, diesel::query_builder::QueryId)]
struct Touching<Q> {
    touch: Touch,
    write: Q,
}

impl<Q> diesel::query_builder::QueryFragment<diesel::pg::Pg> for Touching<Q>
where
    Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        out.push_sql("WITH touched AS (");
        self.touch.walk_ast(out.reborrow())?;
        out.push_sql(") ");
        self.write.walk_ast(out.reborrow())
    }
}

impl<Q, C> RunQueryDsl<C> for Touching<Q> {}

impl Store {
    /// Runs `f` in a write transaction through the door: `f` locks the
    /// seekers it writes for ([`FactsTx::lock`]); the store's write
    /// functions lock the seeker of each row they write, so nothing is
    /// written unlocked.
    pub fn write_facts<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut FactsTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write(|conn| f(&mut FactsTx::new(conn)))
    }

    /// The asynchronous form of [`Store::write_facts`] ([`Store::write_async`]):
    /// on SQLite the write is committed by the writer thread, in a group.
    pub async fn write_facts_async<T, E>(
        &self,
        f: impl FnOnce(&mut FactsTx<'_>) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.write_async(move |conn| f(&mut FactsTx::new(conn)))
            .await
    }

    /// Runs `f` in a write transaction with `seeker` locked first.
    pub fn write_for<T, E: From<StoreError>>(
        &self,
        seeker: &str,
        f: impl FnOnce(&mut FactsTx<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        self.write_facts(|tx| {
            tx.lock(seeker)?;
            f(tx)
        })
    }
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::testing::TestDatabase;
    use crate::users;
    use crate::{PoolOptions, Store};

    fn store() -> (TestDatabase, Store) {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        for id in ["a", "b", "c"] {
            let now = chrono::Utc::now().naive_utc();
            let user = crate::testing::seeker_row(id, now);
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        (db, store)
    }

    fn revision(store: &Store, id: &str) -> i64 {
        store
            .read(|conn| users::facts_revision(conn, id))
            .unwrap()
            .unwrap()
    }

    #[test]
    fn a_seeker_is_bumped_once_per_transaction_and_not_after_a_rollback() {
        let (_db, store) = store();
        store
            .write_for("a", |tx| {
                tx.lock("a")?;
                tx.lock("b")?;
                tx.lock("b")?;
                Ok::<_, StoreError>(())
            })
            .unwrap();
        assert_eq!(revision(&store, "a"), 1);
        assert_eq!(revision(&store, "b"), 1);
        assert_eq!(revision(&store, "c"), 0);
        let (seen, missing) = store
            .write_for("a", |tx| {
                Ok::<_, StoreError>((tx.revision("a")?, tx.revision("nobody")?))
            })
            .unwrap();
        assert_eq!(seen, Some(2), "the revision the write gives");
        assert_eq!(revision(&store, "a"), 2);
        assert_eq!(missing, None);
        let failed: Result<(), StoreError> = store.write_for("a", |_| Err(StoreError::NotFound));
        assert!(failed.is_err());
        assert_eq!(
            revision(&store, "a"),
            2,
            "a rolled-back write bumps nothing"
        );
    }

    #[test]
    fn many_seekers_are_locked_once_each_in_ascending_order() {
        let (_db, store) = store();
        let order = store
            .write_facts(|tx| {
                tx.lock_all(vec!["c".into(), "a".into(), "b".into(), "a".into()])?;
                Ok::<_, StoreError>(tx.locked().map(str::to_owned).collect::<Vec<_>>())
            })
            .unwrap();
        assert_eq!(order, ["a", "b", "c"]);
        for id in ["a", "b", "c"] {
            assert_eq!(revision(&store, id), 1);
        }
    }
}
