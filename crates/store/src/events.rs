//! The event log (docs/events.md): one row per change a client or platform
//! cares about, written in the same transaction as the change.
//!
//! An event's position is `(tx, seq)`. On PostgreSQL `tx` is the writing
//! transaction's id, and [`page`] returns only events of transactions older
//! than the oldest one still running (`pg_snapshot_xmin`): a transaction
//! that took its id early and commits late is never skipped by a reader
//! that already moved on. On SQLite writers take turns, so `tx` is a counter
//! bumped by each write transaction that writes events (by each group of the
//! writer thread, whose writes commit together: see `in_group`), and commit
//! order is position order. `seq` orders the events of one transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use followup_core::{Actor, EventType};

use crate::schema::{event_counter, events};
use crate::types::{Stored, StoredJsonText};
use crate::{DbConnection, StoreError};

/// A stored event.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = events)]
pub struct EventRow {
    /// UUIDv7 for events of a write; a hash of what fell due and when for
    /// events of the clock.
    pub id: String,
    /// The writing transaction (see the module's documentation).
    pub tx: i64,
    /// The event's place within its transaction.
    pub seq: i32,
    /// Whose record it is about.
    pub seeker_id: String,
    /// What happened.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub kind: EventType,
    /// Who did it (`system:clock` for the clock's events).
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub actor: Actor,
    /// When it happened.
    pub occurred_at: NaiveDateTime,
    /// When it was written.
    pub created_at: NaiveDateTime,
    /// The resource as the API returns it.
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub data: serde_json::Value,
}

/// An event to append: everything but its position.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// See [`EventRow::id`].
    pub id: String,
    /// Whose record it is about.
    pub seeker_id: String,
    /// What happened.
    pub kind: EventType,
    /// Who did it.
    pub actor: Actor,
    /// When it happened.
    pub occurred_at: NaiveDateTime,
    /// When it is written.
    pub created_at: NaiveDateTime,
    /// The resource as the API returns it.
    pub data: serde_json::Value,
}

/// Where a transaction's next event goes: its transaction number, taken at
/// the first event, and the next `seq`. One per write transaction.
#[derive(Debug, Default)]
pub struct Appender {
    tx: Option<i64>,
    next_seq: i32,
}

impl Appender {
    /// Appends `event` to the log in the transaction `conn` is in. Returns
    /// `false` when a clock event with its id exists already (emitted
    /// before), and writes nothing then. (The events of writes have fresh
    /// UUIDv7 ids: they are not looked up.)
    pub fn append(&mut self, conn: &mut DbConnection, event: NewEvent) -> Result<bool, StoreError> {
        if event.kind.from_clock() {
            let exists = events::table
                .find(&event.id)
                .select(events::id)
                .get_result::<String>(conn)
                .optional()?
                .is_some();
            if exists {
                return Ok(false);
            }
        }
        if let DbConnection::Postgres(pg) = conn {
            // The transaction id goes into the INSERT itself: no round trip
            // to ask for it first.
            let seq = self.next_seq;
            self.next_seq += 1;
            let insert = diesel::insert_into(events::table).values((
                events::id.eq(event.id),
                events::tx.eq(CurrentTransaction),
                events::seq.eq(seq),
                events::seeker_id.eq(event.seeker_id),
                events::kind.eq(Stored::from(event.kind)),
                events::actor.eq(Stored::from(event.actor)),
                events::occurred_at.eq(event.occurred_at),
                events::created_at.eq(event.created_at),
                events::data.eq(StoredJsonText::from(event.data)),
            ));
            insert.execute(pg)?;
            return Ok(true);
        }
        let (tx, seq) = match group_position(conn)? {
            Some(position) => position,
            None => {
                let tx = match self.tx {
                    Some(tx) => tx,
                    None => {
                        let tx = transaction_number(conn)?;
                        self.tx = Some(tx);
                        tx
                    }
                };
                let seq = self.next_seq;
                self.next_seq += 1;
                (tx, seq)
            }
        };
        let row = EventRow {
            id: event.id,
            tx,
            seq,
            seeker_id: event.seeker_id,
            kind: event.kind,
            actor: event.actor,
            occurred_at: event.occurred_at,
            created_at: event.created_at,
            data: event.data,
        };
        let insert = diesel::insert_into(events::table).values(row);
        natively!(conn, c => insert.execute(c))?;
        Ok(true)
    }
}

/// The position of the writer thread's group (SQLite): its writes share one
/// transaction, so they share one transaction number, taken by the group's
/// first event, and `seq` runs on across them. Outside a group (`None`)
/// each [`Appender`] numbers its own transaction.
#[derive(Debug, Clone, Copy, Default)]
struct GroupPosition {
    tx: Option<i64>,
    next_seq: i32,
}

thread_local! {
    static GROUP: std::cell::Cell<Option<GroupPosition>> = const { std::cell::Cell::new(None) };
}

/// Runs `f`, a group of writes in one transaction on this thread, with the
/// events of all its writes numbered as one transaction's.
pub(crate) fn in_group<T>(f: impl FnOnce() -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            GROUP.with(|group| group.set(None));
        }
    }
    GROUP.with(|group| group.set(Some(GroupPosition::default())));
    let _reset = Reset;
    f()
}

/// A write of the group rolled back to its savepoint: the counter update
/// that took the group's number may have gone with it, so the next event
/// takes a new number (a later one, or the same one again if it was undone;
/// either way above every committed position).
pub(crate) fn group_write_rolled_back() {
    GROUP.with(|group| {
        if let Some(mut position) = group.get() {
            position.tx = None;
            group.set(Some(position));
        }
    });
}

/// The next position in the current group, taking its number first if
/// needed; `None` outside a group.
fn group_position(conn: &mut DbConnection) -> Result<Option<(i64, i32)>, StoreError> {
    let Some(mut position) = GROUP.with(std::cell::Cell::get) else {
        return Ok(None);
    };
    let tx = match position.tx {
        Some(tx) => tx,
        None => transaction_number(conn)?,
    };
    let seq = position.next_seq;
    position.tx = Some(tx);
    position.next_seq += 1;
    GROUP.with(|group| group.set(Some(position)));
    Ok(Some((tx, seq)))
}

/// A PostgreSQL expression of fixed SQL, as a type of its own so that diesel
/// prepares a statement using it once per connection and keeps it (an
/// `sql` literal makes every use a new statement: two round trips, to
/// prepare and to run).
macro_rules! pg_expression {
    ($(#[$doc:meta])* $name:ident = $sql:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
        struct $name;

        impl diesel::expression::Expression for $name {
            type SqlType = BigInt;
        }

        impl diesel::query_builder::QueryFragment<diesel::pg::Pg> for $name {
            fn walk_ast<'b>(
                &'b self,
                mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
            ) -> QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl<QS> diesel::expression::AppearsOnTable<QS> for $name {}

        impl<QS> diesel::expression::SelectableExpression<QS> for $name {}

        impl diesel::expression::ValidGrouping<()> for $name {
            type IsAggregate = diesel::expression::is_aggregate::Never;
        }
    };
}

pg_expression!(
    /// The writing transaction's id.
    CurrentTransaction = "pg_current_xact_id()::text::bigint"
);

pg_expression!(
    /// The oldest transaction still running: every one below it has ended.
    Horizon = "pg_snapshot_xmin(pg_current_snapshot())::text::bigint"
);

/// The current write transaction's number on SQLite: the next value of the
/// counter (its writers take turns). (PostgreSQL's is its transaction id,
/// written by the INSERT itself.)
fn transaction_number(conn: &mut DbConnection) -> Result<i64, StoreError> {
    match conn {
        DbConnection::Postgres(pg) => Ok(diesel::select(CurrentTransaction).get_result(pg)?),
        DbConnection::Sqlite(c) => {
            diesel::update(event_counter::table.find(1))
                .set(event_counter::last_tx.eq(event_counter::last_tx + 1))
                .execute(c)?;
            Ok(event_counter::table
                .find(1)
                .select(event_counter::last_tx)
                .get_result(c)?)
        }
    }
}

/// The first transaction number a reader may not see yet: on PostgreSQL the
/// oldest transaction still running (everything below it has committed or
/// rolled back); on SQLite none (`i64::MAX`): a reader sees every commit in
/// position order.
fn horizon(conn: &mut DbConnection) -> Result<i64, StoreError> {
    match conn {
        DbConnection::Postgres(pg) => Ok(diesel::select(Horizon).get_result(pg)?),
        DbConnection::Sqlite(_) => Ok(i64::MAX),
    }
}

/// A position in the log: read everything after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Position {
    /// The transaction.
    pub tx: i64,
    /// The event within it.
    pub seq: i32,
}

/// What a page of the log is filtered by.
#[derive(Debug, Clone)]
pub struct Filter<'a> {
    /// Whose events: `None` for everyone's (an admin's webhook).
    pub seekers: Option<&'a [String]>,
    /// Which types; empty for all.
    pub kinds: &'a [EventType],
}

/// The events after `after` that `filter` selects, as a query to narrow and
/// select from.
fn after_filtered<'a>(
    after: Position,
    filter: &Filter<'a>,
) -> events::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend> {
    let mut query = events::table
        .filter(
            events::tx
                .gt(after.tx)
                .or(events::tx.eq(after.tx).and(events::seq.gt(after.seq))),
        )
        .into_boxed();
    if let Some(seekers) = filter.seekers {
        query = query.filter(events::seeker_id.eq_any(seekers));
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
        query = query.filter(events::kind.eq_any(kinds));
    }
    query
}

/// Up to `limit` events after `after` that `filter` selects, in position
/// order, and whether the log may hold more a reader may see now.
pub fn page(
    conn: &mut DbConnection,
    after: Position,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<(Vec<EventRow>, bool), StoreError> {
    let horizon = horizon(conn)?;
    let query = after_filtered(after, filter)
        .filter(events::tx.lt(horizon))
        .order((events::tx.asc(), events::seq.asc()))
        .select(EventRow::as_select())
        .limit(limit + 1);
    let mut rows = query.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// How long [`settled_page`] waits at most for the transactions older than
/// an event it can see already to end.
pub const SETTLE_WAIT: std::time::Duration = std::time::Duration::from_secs(1);

/// [`page`] for a client reading its feed: read-your-writes. On PostgreSQL
/// an event that has committed is still held back while a transaction older
/// than its own runs anywhere in the cluster (a webhook dispatch, the
/// clock's scan): [`page`] cannot return it yet without risking to skip
/// that older transaction's events. So this waits, at most [`SETTLE_WAIT`],
/// for every transaction older than the newest event this reader can see to
/// end, then reads the page. Transactions are short, so the wait is a few
/// milliseconds when there is one; a client whose write was acknowledged
/// finds its event in the next read. Run it outside a transaction that
/// holds an id of its own (a read), or it would wait for itself.
pub fn settled_page(
    conn: &mut DbConnection,
    after: Position,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<(Vec<EventRow>, bool), StoreError> {
    if let DbConnection::Postgres(_) = conn {
        let now_visible = horizon(conn)?;
        let newest = after_filtered(after, filter)
            .filter(events::tx.ge(now_visible))
            .select(diesel::dsl::max(events::tx));
        if let Some(newest) = newest.get_result::<Option<i64>>(conn)? {
            let deadline = std::time::Instant::now() + SETTLE_WAIT;
            while horizon(conn)? <= newest && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
        }
    }
    page(conn, after, filter, limit)
}

/// A position every event a reader may see now is at or before, and every
/// event it cannot see yet is after: where a full resynchronisation starts
/// following the log (`GET /v1/sync`). On PostgreSQL the transactions below
/// the horizon have all ended, so every record read after this call shows
/// their changes; a change of a later transaction comes after the position
/// (perhaps again, when the read already showed it). On SQLite the last
/// transaction number given out, read in the same transaction as the
/// records that follow.
pub fn snapshot_position(conn: &mut DbConnection) -> Result<Position, StoreError> {
    let tx = match conn {
        DbConnection::Postgres(_) => horizon(conn)? - 1,
        DbConnection::Sqlite(c) => event_counter::table
            .find(1)
            .select(event_counter::last_tx)
            .get_result(c)?,
    };
    Ok(Position { tx, seq: i32::MAX })
}

/// How many of the (at most `limit`) events after `after` a reader may see
/// now (below the horizon, as [`page`] reads them), and the position of the
/// last, reading no event: for a dispatcher with nobody to deliver to.
pub fn last_position(
    conn: &mut DbConnection,
    after: Position,
    limit: i64,
) -> Result<(i64, Option<Position>), StoreError> {
    let horizon = horizon(conn)?;
    let everyone = Filter {
        seekers: None,
        kinds: &[],
    };
    let positions: Vec<(i64, i32)> = after_filtered(after, &everyone)
        .filter(events::tx.lt(horizon))
        .order((events::tx.asc(), events::seq.asc()))
        .select((events::tx, events::seq))
        .limit(limit)
        .load(conn)?;
    let count = i64::try_from(positions.len()).unwrap_or(i64::MAX);
    Ok((
        count,
        positions.last().map(|&(tx, seq)| Position { tx, seq }),
    ))
}

/// The event with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<EventRow>, StoreError> {
    Ok(events::table
        .find(id)
        .select(EventRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Of these ids, those the log holds already.
pub fn existing(conn: &mut DbConnection, ids: &[String]) -> Result<Vec<String>, StoreError> {
    Ok(events::table
        .filter(events::id.eq_any(ids))
        .select(events::id)
        .load(conn)?)
}

/// Deletes the events written before `before`; returns how many.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::delete(events::table.filter(events::created_at.lt(before))).execute(conn)?)
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use chrono::Utc;
    use followup_core::ActorKind;

    use super::*;
    use crate::testing::TestDatabase;
    use crate::users;
    use crate::{Backend, PoolOptions, Store};

    fn store() -> (TestDatabase, Store) {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = Utc::now().naive_utc();
        let user = crate::testing::seeker_row("s", now);
        store.write(|conn| users::insert(conn, &user)).unwrap();
        (db, store)
    }

    fn event(id: &str) -> NewEvent {
        let now = Utc::now().naive_utc();
        NewEvent {
            id: id.to_owned(),
            seeker_id: "s".to_owned(),
            kind: EventType::ActionDue,
            actor: Actor {
                kind: ActorKind::Seeker,
                id: "s".to_owned(),
            },
            occurred_at: now,
            created_at: now,
            data: serde_json::json!({"id": id}),
        }
    }

    fn all(store: &Store, after: Position) -> Vec<EventRow> {
        let filter = Filter {
            seekers: None,
            kinds: &[],
        };
        store
            .read(|conn| page(conn, after, &filter, 100))
            .unwrap()
            .0
    }

    /// The events after `after` once there are `n`: on PostgreSQL a
    /// transaction still running anywhere in the cluster (another test's)
    /// holds newer events back for a moment.
    fn at_least(store: &Store, after: Position, n: usize) -> Vec<EventRow> {
        for _ in 0..200 {
            let rows = all(store, after);
            if rows.len() >= n {
                return rows;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        all(store, after)
    }

    #[test]
    fn events_of_one_transaction_keep_their_order_and_an_id_is_written_once() {
        let (_db, store) = store();
        let written = store
            .write(|conn| {
                let mut appender = Appender::default();
                let a = appender.append(conn, event("a"))?;
                let b = appender.append(conn, event("b"))?;
                let again = appender.append(conn, event("a"))?;
                Ok::<_, StoreError>((a, b, again))
            })
            .unwrap();
        assert_eq!(written, (true, true, false));
        let rows = at_least(&store, Position::default(), 2);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert_eq!(rows[0].tx, rows[1].tx);
        let later = store
            .write(|conn| Appender::default().append(conn, event("c")))
            .unwrap();
        assert!(later);
        let after_b = Position {
            tx: rows[1].tx,
            seq: rows[1].seq,
        };
        let rest = at_least(&store, after_b, 1);
        assert_eq!(rest.len(), 1);
        assert_eq!(rest[0].id, "c");
        assert!(rest[0].tx > rows[1].tx);
    }

    #[test]
    fn the_last_position_is_that_of_the_last_event_a_page_would_read() {
        let (_db, store) = store();
        let last = |after, limit| {
            store
                .read(|conn| last_position(conn, after, limit))
                .unwrap()
        };
        assert_eq!(last(Position::default(), 10), (0, None));
        for id in ["a", "b", "c"] {
            store
                .write(|conn| Appender::default().append(conn, event(id)))
                .unwrap();
        }
        let rows = at_least(&store, Position::default(), 3);
        let at = |n: usize| Position {
            tx: rows[n].tx,
            seq: rows[n].seq,
        };
        assert_eq!(last(Position::default(), 10), (3, Some(at(2))));
        assert_eq!(last(Position::default(), 2), (2, Some(at(1))));
        assert_eq!(last(at(1), 10), (1, Some(at(2))));
        assert_eq!(last(at(2), 10), (0, None));
    }

    /// A transaction that takes its position first and commits last is not
    /// skipped by a reader who read the later one in between: on PostgreSQL
    /// the later one stays invisible until the earlier one ends. (SQLite's
    /// writers take turns, so there the second writer cannot begin while
    /// the first is open.)
    #[test]
    fn a_settled_page_waits_for_an_older_transaction_and_returns_a_committed_event() {
        let (_db, store) = store();
        if TestDatabase::backend() != Backend::Postgres {
            // SQLite's writers take turns: a committed event is readable.
            store
                .write(|conn| Appender::default().append(conn, event("only")))
                .unwrap();
            let filter = Filter {
                seekers: None,
                kinds: &[],
            };
            let (rows, _) = store
                .read(|conn| settled_page(conn, Position::default(), &filter, 100))
                .unwrap();
            assert_eq!(rows.len(), 1);
            return;
        }
        let (appended, wait_appended) = mpsc::channel();
        let (go, wait_go) = mpsc::channel::<()>();
        let slow = {
            let store = store.clone();
            std::thread::spawn(move || {
                store
                    .write(|conn| {
                        Appender::default().append(conn, event("slow"))?;
                        appended.send(()).ok();
                        wait_go.recv().ok();
                        Ok::<_, StoreError>(())
                    })
                    .unwrap();
            })
        };
        wait_appended.recv().unwrap();
        // "fast" commits while the older "slow" still runs.
        store
            .write(|conn| Appender::default().append(conn, event("fast")))
            .unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(150));
            go.send(()).unwrap();
        });
        let filter = Filter {
            seekers: None,
            kinds: &[],
        };
        // Read your writes: "fast" has committed, so the feed returns it
        // (after the older "slow") in this one read.
        let (rows, _) = store
            .read(|conn| settled_page(conn, Position::default(), &filter, 100))
            .unwrap();
        release.join().unwrap();
        slow.join().unwrap();
        let ids: Vec<&str> = rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["slow", "fast"]);
    }

    /// A full sync starts following the log at [`snapshot_position`]: every
    /// event a reader can see is at or before it, and an event of a
    /// transaction still running (it may commit after the records were
    /// read) comes after it.
    #[test]
    fn a_snapshot_position_is_before_every_transaction_still_running() {
        let (_db, store) = store();
        store
            .write(|conn| Appender::default().append(conn, event("seen")))
            .unwrap();
        let _ = at_least(&store, Position::default(), 1);
        if TestDatabase::backend() != Backend::Postgres {
            let position = store.read(snapshot_position).unwrap();
            assert!(all(&store, position).is_empty());
            store
                .write(|conn| Appender::default().append(conn, event("later")))
                .unwrap();
            let rows = all(&store, position);
            assert_eq!(rows.len(), 1);
            assert_eq!(rows[0].id, "later");
            return;
        }
        let (appended, wait_appended) = mpsc::channel();
        let (go, wait_go) = mpsc::channel::<()>();
        let slow = {
            let store = store.clone();
            std::thread::spawn(move || {
                store
                    .write(|conn| {
                        Appender::default().append(conn, event("slow"))?;
                        appended.send(()).ok();
                        wait_go.recv().ok();
                        Ok::<_, StoreError>(())
                    })
                    .unwrap();
            })
        };
        wait_appended.recv().unwrap();
        let position = store.read(snapshot_position).unwrap();
        go.send(()).unwrap();
        slow.join().unwrap();
        let rows = at_least(&store, position, 1);
        assert!(
            rows.iter().any(|r| r.id == "slow"),
            "the running transaction's event comes after the position: {rows:?}"
        );
    }

    #[test]
    fn a_late_commit_is_never_skipped() {
        let (_db, store) = store();
        if TestDatabase::backend() != Backend::Postgres {
            let before = all(&store, Position::default()).len();
            assert_eq!(before, 0);
            return;
        }
        let (appended, wait_appended) = mpsc::channel();
        let (go, wait_go) = mpsc::channel::<()>();
        let slow = {
            let store = store.clone();
            std::thread::spawn(move || {
                store
                    .write(|conn| {
                        Appender::default().append(conn, event("slow"))?;
                        appended.send(()).ok();
                        wait_go.recv().ok();
                        Ok::<_, StoreError>(())
                    })
                    .unwrap();
            })
        };
        wait_appended.recv().unwrap();
        store
            .write(|conn| Appender::default().append(conn, event("fast")))
            .unwrap();
        let early = all(&store, Position::default());
        assert!(
            early.is_empty(),
            "the reader must wait for the slow transaction: {early:?}"
        );
        go.send(()).unwrap();
        slow.join().unwrap();
        let rows = at_least(&store, Position::default(), 2);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["slow", "fast"]
        );
    }
}
