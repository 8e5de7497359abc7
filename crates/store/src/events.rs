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
//! There the position is also the row's `rowid` ([`sqlite_key`]), so the
//! table is stored in position order and needs no index on `(tx, seq)`;
//! PostgreSQL keeps that index.
//!
//! One seeker's events (their feed, `GET /v1/sync`) are found on
//! PostgreSQL through the `(seeker_id, tx, seq)` index. On SQLite they form
//! a chain instead: each event names the position of the same seeker's
//! event before it (`prev_tx`, `prev_seq`), and the seeker's account row
//! names their newest (`last_event_tx`, `last_event_seq`). Every write
//! already rewrites that row (it bumps the facts revision), so keeping the
//! chain costs no page of its own, where the index put every event's entry
//! on a random page that the commit then wrote out: about half of what an
//! event cost a write (docs/benchmarks.md). A reader walks the chain back
//! from the newest event to its position ([`page`]).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use diesel::query_builder::{AstPass, QueryFragment};
use diesel::sql_types::{BigInt, Integer, Nullable, Text, Timestamp};
use diesel::sqlite::Sqlite;
use followup_core::{Actor, EventType};

use crate::schema::{event_counter, events};
use crate::types::{Stored, StoredJsonText};
use crate::{DbConnection, StoreError};

/// A stored event.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
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
    pub data: EventData,
}

/// An event's resource as JSON text, written straight from the API's view
/// where the event is made: the write, which waits its turn for the one
/// writer, builds no JSON tree of it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventData(String);

impl EventData {
    /// `view` as JSON.
    pub fn of<T: serde::Serialize>(view: &T) -> Result<Self, serde_json::Error> {
        serde_json::to_string(view).map(Self)
    }
}

impl From<serde_json::Value> for EventData {
    fn from(value: serde_json::Value) -> Self {
        Self(value.to_string())
    }
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
        Ok(self.write(conn, event, None)?.0)
    }

    /// [`Appender::append`] for a writer that knows its seeker's newest
    /// event (`head`: `Some(None)` when they have none yet): on SQLite the
    /// event is linked to it without reading their account row. `None`
    /// reads it there. Returns the event's position on SQLite, to be the
    /// next event's `head`; `None` on PostgreSQL or when nothing was
    /// written.
    pub(crate) fn append_after(
        &mut self,
        conn: &mut DbConnection,
        event: NewEvent,
        head: Option<Option<Position>>,
    ) -> Result<Option<Position>, StoreError> {
        Ok(self.write(conn, event, head)?.1)
    }

    /// Appends `event` (see [`Appender::append`] and
    /// [`Appender::append_after`]): whether it was written, and its position
    /// on SQLite.
    fn write(
        &mut self,
        conn: &mut DbConnection,
        event: NewEvent,
        head: Option<Option<Position>>,
    ) -> Result<(bool, Option<Position>), StoreError> {
        if event.kind.from_clock() {
            let exists = events::table
                .find(&event.id)
                .select(events::id)
                .get_result::<String>(conn)
                .optional()?
                .is_some();
            if exists {
                return Ok((false, None));
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
                events::data.eq(StoredJsonText::text(event.data.0)),
            ));
            insert.execute(pg)?;
            return Ok((true, None));
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
        let DbConnection::Sqlite(c) = conn else {
            unreachable!("PostgreSQL appended above")
        };
        let position = Position { tx, seq };
        let advance = AdvanceChain {
            seeker_id: event.seeker_id.clone(),
            tx,
            seq,
        };
        let insert = ChainedInsert {
            id: event.id,
            key: sqlite_key(position),
            tx,
            seq,
            seeker_id: event.seeker_id,
            kind: Stored::from(event.kind),
            actor: Stored::from(event.actor),
            occurred_at: event.occurred_at,
            created_at: event.created_at,
            data: StoredJsonText::text(event.data.0),
        };
        let inserted = match head {
            Some(prev) => LinkedInsert {
                row: insert,
                prev_tx: prev.map(|p| p.tx),
                prev_seq: prev.map(|p| p.seq),
            }
            .execute(c)?,
            None => insert.execute(c)?,
        };
        if inserted == 0 {
            // No account row to link from: as the foreign key would refuse.
            return Err(StoreError::Conflict {
                constraint: "events.seeker_id".to_owned(),
            });
        }
        advance.execute(c)?;
        Ok((true, Some(position)))
    }
}

/// The `INSERT` of an event on SQLite, at its position as its `rowid`
/// ([`sqlite_key`]), linked to its seeker's newest event before it, which
/// the same statement reads from their account row (see the module's
/// documentation). Fixed SQL, so diesel prepares it once per connection.
#[derive(Debug, diesel::query_builder::QueryId)]
struct ChainedInsert {
    id: String,
    key: i64,
    tx: i64,
    seq: i32,
    seeker_id: String,
    kind: Stored,
    actor: Stored,
    occurred_at: NaiveDateTime,
    created_at: NaiveDateTime,
    data: StoredJsonText,
}

impl QueryFragment<Sqlite> for ChainedInsert {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(
            "INSERT INTO events (rowid, id, tx, seq, seeker_id, kind, actor, occurred_at, \
             created_at, data, prev_tx, prev_seq) SELECT ",
        );
        out.push_bind_param::<BigInt, _>(&self.key)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.id)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&self.tx)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, _>(&self.seq)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.seeker_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.kind)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.actor)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.occurred_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&self.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&self.data)?;
        out.push_sql(", last_event_tx, last_event_seq FROM users WHERE id = ");
        out.push_bind_param::<Text, _>(&self.seeker_id)?;
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for ChainedInsert {}

/// [`ChainedInsert`] for a writer that knows the seeker's newest event
/// already (`prev`: the lock read it, see `crate::door`): the account row
/// is not read again.
#[derive(Debug, diesel::query_builder::QueryId)]
struct LinkedInsert {
    row: ChainedInsert,
    prev_tx: Option<i64>,
    prev_seq: Option<i32>,
}

impl QueryFragment<Sqlite> for LinkedInsert {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        let row = &self.row;
        out.push_sql(
            "INSERT INTO events (rowid, id, tx, seq, seeker_id, kind, actor, occurred_at, \
             created_at, data, prev_tx, prev_seq) VALUES (",
        );
        out.push_bind_param::<BigInt, _>(&row.key)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&row.id)?;
        out.push_sql(", ");
        out.push_bind_param::<BigInt, _>(&row.tx)?;
        out.push_sql(", ");
        out.push_bind_param::<Integer, _>(&row.seq)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&row.seeker_id)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&row.kind)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&row.actor)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&row.occurred_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Timestamp, _>(&row.created_at)?;
        out.push_sql(", ");
        out.push_bind_param::<Text, _>(&row.data)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<BigInt>, _>(&self.prev_tx)?;
        out.push_sql(", ");
        out.push_bind_param::<Nullable<Integer>, _>(&self.prev_seq)?;
        out.push_sql(")");
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for LinkedInsert {}

/// Makes an event its seeker's newest on SQLite (see [`ChainedInsert`]).
#[derive(Debug, diesel::query_builder::QueryId)]
struct AdvanceChain {
    seeker_id: String,
    tx: i64,
    seq: i32,
}

impl QueryFragment<Sqlite> for AdvanceChain {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql("UPDATE users SET last_event_tx = ");
        out.push_bind_param::<BigInt, _>(&self.tx)?;
        out.push_sql(", last_event_seq = ");
        out.push_bind_param::<Integer, _>(&self.seq)?;
        out.push_sql(" WHERE id = ");
        out.push_bind_param::<Text, _>(&self.seeker_id)?;
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for AdvanceChain {}

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
        DbConnection::Sqlite(c) => Ok(NextTransaction.get_result(c)?),
    }
}

/// Takes the next transaction number on SQLite: one statement of fixed SQL,
/// prepared once per connection.
#[derive(Debug, Clone, Copy, diesel::query_builder::QueryId)]
struct NextTransaction;

impl diesel::query_builder::Query for NextTransaction {
    type SqlType = BigInt;
}

impl QueryFragment<Sqlite> for NextTransaction {
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
        out.push_sql(
            "UPDATE event_counter SET last_tx = last_tx + 1 WHERE id = 1 RETURNING last_tx",
        );
        Ok(())
    }
}

impl<C> RunQueryDsl<C> for NextTransaction {}

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

/// A position as one number on SQLite, where it is the event's `rowid`:
/// the transaction in the high 32 bits, `seq` in the low 32. The table is
/// then kept in position order by its own key, with no index on
/// `(tx, seq)` to write beside it (the index `events_position` of the
/// portable migration is dropped on SQLite: `crate::migrate`).
/// `Position { tx, seq: i32::MAX }` is after every event of `tx`.
pub(crate) fn sqlite_key(position: Position) -> i64 {
    (position.tx << 32) | i64::from(position.seq.max(0))
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
/// select from ([`in_position_order`] to read them in order). On SQLite the
/// position is the `rowid` ([`sqlite_key`]); on PostgreSQL the `(tx, seq)`
/// index.
fn after_filtered<'a>(
    conn: &DbConnection,
    after: Position,
    filter: &Filter<'a>,
) -> events::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend> {
    use diesel::dsl::sql;
    use diesel::sql_types::Bool;
    let mut query = if let DbConnection::Sqlite(_) = conn {
        events::table
            .filter(sql::<Bool>("events.rowid > ").bind::<BigInt, _>(sqlite_key(after)))
            .into_boxed()
    } else {
        // `tx >= after.tx` alone is what the index's range scan starts
        // from: without it PostgreSQL walks the index from the log's
        // first event and filters, a cost that grows with the log.
        events::table
            .filter(events::tx.ge(after.tx))
            .filter(
                events::tx
                    .gt(after.tx)
                    .or(events::tx.eq(after.tx).and(events::seq.gt(after.seq))),
            )
            .into_boxed()
    };
    if let Some(seekers) = filter.seekers {
        query = query.filter(events::seeker_id.eq_any(seekers));
    }
    if !filter.kinds.is_empty() {
        let kinds: Vec<&str> = filter.kinds.iter().map(|k| k.as_str()).collect();
        query = query.filter(events::kind.eq_any(kinds));
    }
    query
}

/// `query` in position order: by `rowid` on SQLite, by `(tx, seq)` on
/// PostgreSQL.
fn in_position_order<'a>(
    conn: &DbConnection,
    query: events::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend>,
) -> events::BoxedQuery<'a, <DbConnection as diesel::Connection>::Backend> {
    if let DbConnection::Sqlite(_) = conn {
        query.order(diesel::dsl::sql::<BigInt>("events.rowid"))
    } else {
        query.order((events::tx.asc(), events::seq.asc()))
    }
}

/// Up to `limit` events after `after` that `filter` selects, in position
/// order, and whether the log may hold more a reader may see now.
pub fn page(
    conn: &mut DbConnection,
    after: Position,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<(Vec<EventRow>, bool), StoreError> {
    if let (DbConnection::Sqlite(c), Some(seekers)) = (&mut *conn, filter.seekers) {
        return chain_page(c, after, seekers, filter.kinds, limit);
    }
    let horizon = horizon(conn)?;
    let query = in_position_order(conn, after_filtered(conn, after, filter))
        .filter(events::tx.lt(horizon))
        .select(EventRow::as_select())
        .limit(limit + 1);
    let mut rows = query.load(conn)?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// [`page`] of some seekers' events on SQLite: each seeker's chain walked
/// back from their newest event to `after` (one index look-up an event,
/// by position), then sorted. Every commit is visible in position order
/// there, and a chain is in position order, so the walk stops at the first
/// event at or before `after`.
fn chain_page(
    conn: &mut diesel::SqliteConnection,
    after: Position,
    seekers: &[String],
    kinds: &[EventType],
    limit: i64,
) -> Result<(Vec<EventRow>, bool), StoreError> {
    if seekers.is_empty() {
        return Ok((Vec::new(), false));
    }
    let list = |n: usize| vec!["?"; n].join(", ");
    // A position is the event's rowid on SQLite (`sqlite_key`).
    let mut sql = format!(
        "WITH RECURSIVE chain (key, prev) AS (\
         SELECT e.rowid, (e.prev_tx << 32) | e.prev_seq FROM users u \
         JOIN events e ON e.rowid = (u.last_event_tx << 32) | u.last_event_seq \
         WHERE u.id IN ({}) AND e.rowid > ? \
         UNION ALL \
         SELECT e.rowid, (e.prev_tx << 32) | e.prev_seq FROM chain c \
         JOIN events e ON e.rowid = c.prev \
         WHERE e.rowid > ?) \
         SELECT e.id, e.tx, e.seq, e.seeker_id, e.kind, e.actor, e.occurred_at, \
         e.created_at, e.data FROM chain JOIN events e ON e.rowid = chain.key",
        list(seekers.len())
    );
    if !kinds.is_empty() {
        sql.push_str(&format!(" WHERE e.kind IN ({})", list(kinds.len())));
    }
    sql.push_str(" ORDER BY e.rowid LIMIT ?");
    let mut query = diesel::sql_query(sql).into_boxed::<Sqlite>();
    for seeker in seekers {
        query = query.bind::<Text, _>(seeker.clone());
    }
    for _ in 0..2 {
        query = query.bind::<BigInt, _>(sqlite_key(after));
    }
    for kind in kinds {
        query = query.bind::<Text, _>(kind.as_str());
    }
    let query = query.bind::<BigInt, _>(limit.saturating_add(1));
    let mut rows = query
        .load::<ChainedRow>(conn)?
        .into_iter()
        .map(EventRow::try_from)
        .collect::<Result<Vec<_>, _>>()?;
    let more = rows.len() as i64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok((rows, more))
}

/// An event as [`chain_page`] reads it, before its text columns are parsed.
#[derive(QueryableByName)]
struct ChainedRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = BigInt)]
    tx: i64,
    #[diesel(sql_type = Integer)]
    seq: i32,
    #[diesel(sql_type = Text)]
    seeker_id: String,
    #[diesel(sql_type = Text)]
    kind: Stored,
    #[diesel(sql_type = Text)]
    actor: Stored,
    #[diesel(sql_type = Timestamp)]
    occurred_at: NaiveDateTime,
    #[diesel(sql_type = Timestamp)]
    created_at: NaiveDateTime,
    #[diesel(sql_type = Text)]
    data: StoredJsonText,
}

impl TryFrom<ChainedRow> for EventRow {
    type Error = StoreError;

    fn try_from(row: ChainedRow) -> Result<Self, StoreError> {
        let corrupt = |e: crate::types::CorruptValue| StoreError::Corrupt(e.to_string());
        Ok(Self {
            id: row.id,
            tx: row.tx,
            seq: row.seq,
            seeker_id: row.seeker_id,
            kind: row.kind.try_into().map_err(corrupt)?,
            actor: row.actor.try_into().map_err(corrupt)?,
            occurred_at: row.occurred_at,
            created_at: row.created_at,
            data: row.data.try_into().map_err(corrupt)?,
        })
    }
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
        let newest = after_filtered(conn, after, filter)
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
    let positions: Vec<(i64, i32)> =
        in_position_order(conn, after_filtered(conn, after, &everyone))
            .filter(events::tx.lt(horizon))
            .select((events::tx, events::seq))
            .limit(limit)
            .load(conn)?;
    let count = i64::try_from(positions.len()).unwrap_or(i64::MAX);
    Ok((
        count,
        positions.last().map(|&(tx, seq)| Position { tx, seq }),
    ))
}

/// The newest event after `after` that a reader may see now (below the
/// horizon, as [`page`] reads them), found from the end of the log in one
/// indexed step: for a dispatcher with nobody to deliver to, which moves
/// past everything at once.
pub fn settled_head(
    conn: &mut DbConnection,
    after: Position,
) -> Result<Option<Position>, StoreError> {
    let horizon = horizon(conn)?;
    let everyone = Filter {
        seekers: None,
        kinds: &[],
    };
    let query = after_filtered(conn, after, &everyone).filter(events::tx.lt(horizon));
    let newest_first = if let DbConnection::Sqlite(_) = conn {
        query.order(diesel::dsl::sql::<BigInt>("events.rowid DESC"))
    } else {
        query.order((events::tx.desc(), events::seq.desc()))
    };
    Ok(newest_first
        .select((events::tx, events::seq))
        .first::<(i64, i32)>(conn)
        .optional()?
        .map(|(tx, seq)| Position { tx, seq }))
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
            data: serde_json::json!({"id": id}).into(),
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

    /// Appends the events "a", "b" and "c", each in a transaction of its
    /// own; their positions, by index.
    fn three_events(store: &Store) -> impl Fn(usize) -> Position {
        for id in ["a", "b", "c"] {
            store
                .write(|conn| Appender::default().append(conn, event(id)))
                .unwrap();
        }
        let rows = at_least(store, Position::default(), 3);
        move |n| Position {
            tx: rows[n].tx,
            seq: rows[n].seq,
        }
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
        let at = three_events(&store);
        assert_eq!(last(Position::default(), 10), (3, Some(at(2))));
        assert_eq!(last(Position::default(), 2), (2, Some(at(1))));
        assert_eq!(last(at(1), 10), (1, Some(at(2))));
        assert_eq!(last(at(2), 10), (0, None));
    }

    #[test]
    fn the_settled_head_is_the_last_event_after_a_position() {
        let (_db, store) = store();
        let head = |after| store.read(|conn| settled_head(conn, after)).unwrap();
        assert_eq!(head(Position::default()), None);
        let at = three_events(&store);
        assert_eq!(head(Position::default()), Some(at(2)));
        assert_eq!(head(at(0)), Some(at(2)));
        assert_eq!(head(at(2)), None);
    }

    /// `EXPLAIN` of a query, its plan as text rows: for the tests that
    /// check PostgreSQL reads an index range, not the whole index.
    struct Explain<Q>(Q);

    impl<Q: diesel::query_builder::QueryFragment<DB>, DB: diesel::backend::Backend>
        diesel::query_builder::QueryFragment<DB> for Explain<Q>
    {
        fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
            out.push_sql("EXPLAIN ");
            self.0.walk_ast(out.reborrow())
        }
    }

    impl<Q> diesel::query_builder::QueryId for Explain<Q> {
        type QueryId = ();
        const HAS_STATIC_QUERY_ID: bool = false;
    }

    impl<Q> diesel::query_builder::Query for Explain<Q> {
        type SqlType = Text;
    }

    impl<Q> RunQueryDsl<DbConnection> for Explain<Q> {}

    #[test]
    fn a_read_after_a_position_scans_the_index_from_that_position_on_postgresql() {
        if TestDatabase::backend() != Backend::Postgres {
            return;
        }
        let (_db, store) = store();
        for batch in 0..20 {
            store
                .write(|conn| {
                    let mut appender = Appender::default();
                    for n in 0..100 {
                        appender.append(conn, event(&format!("{batch}-{n}")))?;
                    }
                    Ok::<_, StoreError>(())
                })
                .unwrap();
        }
        let rows = at_least(&store, Position::default(), 100);
        let after = Position {
            tx: rows[99].tx,
            seq: rows[99].seq,
        };
        let everyone = Filter {
            seekers: None,
            kinds: &[],
        };
        let seekers = ["s".to_owned()];
        let one = Filter {
            seekers: Some(&seekers),
            kinds: &[],
        };
        for filter in [everyone, one] {
            let plan: Vec<String> = store
                .write(|conn| {
                    diesel::sql_query("ANALYZE events").execute(conn)?;
                    let query = in_position_order(conn, after_filtered(conn, after, &filter))
                        .select((events::tx, events::seq))
                        .limit(2);
                    Ok::<_, StoreError>(Explain(query).load::<String>(conn)?)
                })
                .unwrap();
            let plan = plan.join("\n");
            assert!(
                plan.contains("Index Cond") && plan.contains("tx >= "),
                "the index range starts at the position: {plan}"
            );
        }
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

    /// One seeker's events, or a few seekers', are theirs exactly, in
    /// position order, page by page and by type, across transactions that
    /// interleave them, one that rolled back, and a purge: on SQLite
    /// through each seeker's chain, on PostgreSQL through the index.
    #[test]
    fn a_seekers_events_are_theirs_in_order_across_transactions_and_pages() {
        let (_db, store) = store();
        let now = Utc::now().naive_utc();
        for id in ["t", "u"] {
            let user = crate::testing::seeker_row(id, now);
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        let of = |seeker: &str, id: String, kind: EventType| NewEvent {
            seeker_id: seeker.to_owned(),
            kind,
            ..event(&id)
        };
        let mut n = 0;
        for round in 0..6 {
            store
                .write(|conn| {
                    let mut appender = Appender::default();
                    for seeker in ["s", "t", "s", "u"] {
                        n += 1;
                        let kind = if n % 3 == 0 {
                            EventType::OpportunityCreated
                        } else {
                            EventType::InteractionLogged
                        };
                        appender.append(conn, of(seeker, format!("{seeker}{n}"), kind))?;
                    }
                    Ok::<_, StoreError>(())
                })
                .unwrap();
            if round == 2 {
                let undone = store.write(|conn| {
                    let mut appender = Appender::default();
                    appender.append(
                        conn,
                        of("s", "undone".to_owned(), EventType::InteractionLogged),
                    )?;
                    Err::<(), _>(StoreError::NotFound)
                });
                assert!(undone.is_err());
            }
        }
        let everything = at_least(&store, Position::default(), 24);
        assert_eq!(everything.len(), 24);
        let read = |seekers: &[String], kinds: &[EventType], limit: i64| {
            let mut after = Position::default();
            let mut ids = Vec::new();
            loop {
                let filter = Filter {
                    seekers: Some(seekers),
                    kinds,
                };
                let (rows, more) = store
                    .read(|conn| page(conn, after, &filter, limit))
                    .unwrap();
                assert!(rows.len() as i64 <= limit);
                if let Some(last) = rows.last() {
                    after = Position {
                        tx: last.tx,
                        seq: last.seq,
                    };
                }
                ids.extend(rows.into_iter().map(|r| r.id));
                if !more {
                    return ids;
                }
            }
        };
        let expected = |seekers: &[&str], kinds: &[EventType]| -> Vec<String> {
            everything
                .iter()
                .filter(|r| seekers.contains(&r.seeker_id.as_str()))
                .filter(|r| kinds.is_empty() || kinds.contains(&r.kind))
                .map(|r| r.id.clone())
                .collect()
        };
        let names = |ids: &[&str]| ids.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        for limit in [1, 4, 100] {
            assert_eq!(read(&names(&["s"]), &[], limit), expected(&["s"], &[]));
            assert_eq!(read(&names(&["u"]), &[], limit), expected(&["u"], &[]));
            assert_eq!(
                read(&names(&["t", "u"]), &[], limit),
                expected(&["t", "u"], &[])
            );
            let kinds = [EventType::OpportunityCreated];
            assert_eq!(
                read(&names(&["s"]), &kinds, limit),
                expected(&["s"], &kinds)
            );
        }
        assert_eq!(expected(&["s"], &[]).len(), 12);
        assert!(!expected(&["s"], &[]).contains(&"undone".to_owned()));
        assert!(read(&names(&["nobody"]), &[], 10).is_empty());
        assert!(read(&[], &[], 10).is_empty());
        // From the middle of the log: only what comes after.
        let middle = &everything[10];
        let after = Position {
            tx: middle.tx,
            seq: middle.seq,
        };
        let filter = Filter {
            seekers: Some(&names(&["s"])),
            kinds: &[],
        };
        let rest = store
            .read(|conn| page(conn, after, &filter, 100))
            .unwrap()
            .0;
        let expected_rest: Vec<&str> = everything[11..]
            .iter()
            .filter(|r| r.seeker_id == "s")
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(
            rest.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            expected_rest
        );
        // A purge that takes the oldest events leaves the chain's newer part.
        store
            .write(|conn| {
                diesel::delete(
                    events::table.filter(
                        events::id.eq_any(
                            everything[..8]
                                .iter()
                                .map(|r| r.id.clone())
                                .collect::<Vec<_>>(),
                        ),
                    ),
                )
                .execute(conn)
                .map_err(StoreError::from)
            })
            .unwrap();
        let kept: Vec<String> = everything[8..]
            .iter()
            .filter(|r| r.seeker_id == "s")
            .map(|r| r.id.clone())
            .collect();
        assert_eq!(read(&names(&["s"]), &[], 3), kept);
    }
}
