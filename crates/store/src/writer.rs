//! SQLite's writer: one thread, one connection, writes committed in groups.
//!
//! SQLite lets one transaction write at a time, and a commit costs far more
//! than the statements before it: it appends every page the transaction
//! touched to the WAL, and every other connection then drops its page
//! cache. So the writes of a busy process are handed to one thread
//! ([`Writer`]) over a bounded queue. The thread opens a transaction, runs
//! every write waiting in the queue (up to [`GROUP`]), each inside its own
//! savepoint, and commits them together: a write that fails rolls back to
//! its savepoint alone, and the others commit. Each caller gets its answer
//! only after the commit, so a write is acknowledged once it is durable,
//! and a commit that fails fails every write of its group.
//!
//! A full queue refuses a write at once ([`StoreError::Busy`]), which the
//! API answers with 503 and `Retry-After` rather than letting the client
//! time out.
//!
//! Writes whose closures borrow their caller's stack ([`crate::Store::write`])
//! cannot cross to the thread; they queue behind it at the process's gate
//! ([`crate::gate`]), which the thread also takes for each group, so the two
//! kinds of writers take turns first come, first served.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};

use diesel::RunQueryDsl as _;
use diesel::connection::SimpleConnection as _;
use r2d2::ManageConnection as _;

use crate::connection::{DbConnection, Manager};
use crate::error::StoreError;
use crate::gate::WriteGate;

/// The most writes committed together. A group stays short (a few
/// milliseconds), so the first write of a group never waits long for the
/// last.
pub(crate) const GROUP: usize = 64;

/// A write waiting for the thread.
trait Job: Send {
    /// Runs the write on the writer's connection, inside a savepoint.
    fn run(self: Box<Self>, conn: &mut DbConnection) -> Ran;
    /// Answers the caller without running: `cause` kept it from running.
    fn refuse(self: Box<Self>, cause: &str);
}

/// What a job left once it ran: whether to keep its changes, and how to
/// answer its caller once the group's commit is known (`None`: committed;
/// `Some(cause)`: the commit failed).
struct Ran {
    ok: bool,
    answer: Answer,
}

/// Hands a write's result to its caller once its group's fate is known.
type Answer = Box<dyn FnOnce(Option<&str>) + Send>;

/// A queued write: the closure and where its result goes.
struct Write<F, R> {
    f: F,
    reply: R,
}

impl<T, E, F, R> Job for Write<F, R>
where
    T: Send + 'static,
    E: From<StoreError> + Send + 'static,
    F: FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    R: FnOnce(Result<T, E>) + Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut DbConnection) -> Ran {
        let Self { f, reply } = *self;
        let result = match catch_unwind(AssertUnwindSafe(|| f(conn))) {
            Ok(result) => result,
            Err(panic) => Err(E::from(StoreError::Panicked(panic_message(&*panic)))),
        };
        Ran {
            ok: result.is_ok(),
            answer: Box::new(move |failed: Option<&str>| {
                reply(match (result, failed) {
                    (Ok(_), Some(cause)) => Err(E::from(unavailable(cause))),
                    (result, _) => result,
                });
            }),
        }
    }

    fn refuse(self: Box<Self>, cause: &str) {
        (self.reply)(Err(E::from(unavailable(cause))));
    }
}

fn unavailable(cause: &str) -> StoreError {
    StoreError::Unavailable(format!("the write did not commit: {cause}"))
}

/// The handle of the writer thread; the thread ends when the last handle
/// is dropped.
#[derive(Debug)]
pub(crate) struct Writer {
    jobs: SyncSender<Box<dyn Job>>,
}

impl std::fmt::Debug for dyn Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Job")
    }
}

impl Writer {
    /// Starts the thread. `capacity` writes may wait in its queue.
    pub(crate) fn start(
        manager: Manager,
        gate: Arc<WriteGate>,
        capacity: usize,
    ) -> Result<Self, StoreError> {
        let (jobs, queue) = sync_channel::<Box<dyn Job>>(capacity.max(1));
        std::thread::Builder::new()
            .name("sqlite-writer".to_owned())
            .spawn(move || run(&manager, &gate, &queue))
            .map_err(|e| StoreError::Unavailable(format!("cannot start the writer: {e}")))?;
        Ok(Self { jobs })
    }

    /// Queues `f`; `reply` gets its result once its group has committed
    /// (or failed to). [`StoreError::Busy`] at once when the queue is full.
    pub(crate) fn submit<T, E>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
        reply: impl FnOnce(Result<T, E>) + Send + 'static,
    ) -> Result<(), StoreError>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        self.jobs
            .try_send(Box::new(Write { f, reply }))
            .map_err(|e| match e {
                TrySendError::Full(_) => StoreError::Busy,
                TrySendError::Disconnected(_) => {
                    StoreError::Unavailable("the writer has stopped".to_owned())
                }
            })
    }
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> String {
    panic
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| panic.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a write panicked".to_owned())
}

/// The writer connection's page cache, in KiB: the pages a write touches
/// (the indexes it inserts into, the accounts it locks) stay in memory
/// between writes, since no other connection writes under it.
const WRITER_CACHE_KIB: u32 = 8 * 1024;

/// The writer connection's settings: its page cache, and its temporary
/// files in memory. Every write of a group runs in a savepoint, and SQLite
/// copies each page a savepoint changes for the first time to the
/// savepoint's journal first (the right-most leaf of every append-only
/// b-tree, again at every write): in a file, that was a `pwrite` of 4 KiB
/// each, a sixth of the writer's time (docs/benchmarks.md, session 11).
/// In memory it is a copy; the journal holds one write's pages at most.
fn writer_pragmas() -> String {
    format!("PRAGMA cache_size = -{WRITER_CACHE_KIB}; PRAGMA temp_store = MEMORY")
}

/// The thread: a group per turn until every handle is gone.
fn run(manager: &Manager, gate: &WriteGate, queue: &Receiver<Box<dyn Job>>) {
    let mut conn: Option<DbConnection> = None;
    while let Ok(first) = queue.recv() {
        let _turn = gate.enter_always();
        let connection = match conn.take() {
            Some(open) => Ok(open),
            None => manager.connect().and_then(|mut open| {
                open.batch_execute(&writer_pragmas())?;
                Ok(open)
            }),
        };
        match connection {
            Ok(mut open) => {
                if crate::events::in_group(|| group(&mut open, first, queue)) {
                    conn = Some(open);
                }
            }
            Err(error) => {
                tracing::warn!(%error, "the writer cannot open its connection");
                first.refuse(&error.to_string());
            }
        }
    }
}

/// Runs `first` and every job waiting behind it (up to [`GROUP`]) in one
/// transaction, and answers them all. `true` when the connection may be
/// used again (its group committed).
fn group(conn: &mut DbConnection, first: Box<dyn Job>, queue: &Receiver<Box<dyn Job>>) -> bool {
    if let Err(error) = control(conn, Control::Begin) {
        first.refuse(&error.to_string());
        return false;
    }
    let mut answers = Vec::with_capacity(8);
    let mut next = Some(first);
    let mut aborted = None;
    while let Some(job) = next.take() {
        if let Err(error) = control(conn, Control::Savepoint) {
            aborted = Some(error.to_string());
            job.refuse(&error.to_string());
            break;
        }
        let ran = job.run(conn);
        let end = if ran.ok {
            control(conn, Control::Release)
        } else {
            crate::events::group_write_rolled_back();
            control(conn, Control::RollbackTo).and_then(|()| control(conn, Control::Release))
        };
        answers.push(ran.answer);
        if let Err(error) = end {
            aborted = Some(error.to_string());
            break;
        }
        if answers.len() < GROUP {
            next = queue.try_recv().ok();
        }
    }
    let outcome = match aborted {
        None => control(conn, Control::Commit).map_err(|error| error.to_string()),
        Some(cause) => Err(cause),
    };
    if let Err(cause) = &outcome {
        tracing::error!(%cause, writes = answers.len(), "a group of writes failed");
        let _ = control(conn, Control::Rollback);
    }
    let failed = outcome.as_ref().err().map(String::as_str);
    for answer in answers {
        answer(failed);
    }
    failed.is_none()
}

/// The statements that bracket a group and its writes.
#[derive(Debug, Clone, Copy)]
enum Control {
    Begin,
    Savepoint,
    Release,
    RollbackTo,
    Commit,
    Rollback,
}

/// Runs a [`Control`] statement. They run for every write, so each is a
/// statement of its own type with fixed SQL, which diesel prepares once
/// per connection and keeps (`batch_execute` would parse it every time).
fn control(conn: &mut DbConnection, statement: Control) -> Result<(), diesel::result::Error> {
    use diesel::RunQueryDsl as _;
    let DbConnection::Sqlite(sqlite) = conn else {
        return conn.batch_execute(statement.sql());
    };
    match statement {
        Control::Begin => prepared::Begin.execute(sqlite),
        Control::Savepoint => prepared::Savepoint.execute(sqlite),
        Control::Release => prepared::Release.execute(sqlite),
        Control::RollbackTo => prepared::RollbackTo.execute(sqlite),
        Control::Commit => prepared::Commit.execute(sqlite),
        Control::Rollback => prepared::Rollback.execute(sqlite),
    }
    .map(drop)
}

impl Control {
    fn sql(self) -> &'static str {
        match self {
            Self::Begin => "BEGIN IMMEDIATE",
            Self::Savepoint => "SAVEPOINT write",
            Self::Release => "RELEASE write",
            Self::RollbackTo => "ROLLBACK TO write",
            Self::Commit => "COMMIT",
            Self::Rollback => "ROLLBACK",
        }
    }
}

/// One type per [`Control`] statement, so diesel's statement cache keys
/// each by its type.
mod prepared {
    use diesel::query_builder::{AstPass, QueryFragment, QueryId};
    use diesel::sqlite::Sqlite;
    use diesel::{QueryResult, RunQueryDsl, SqliteConnection};

    use super::Control;

    macro_rules! statement {
        ($($name:ident),*) => {$(
            #[derive(Debug, Clone, Copy, QueryId)]
            pub(super) struct $name;

            impl QueryFragment<Sqlite> for $name {
                fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, Sqlite>) -> QueryResult<()> {
                    out.push_sql(Control::$name.sql());
                    Ok(())
                }
            }

            impl RunQueryDsl<SqliteConnection> for $name {}
        )*};
    }

    statement!(Begin, Savepoint, Release, RollbackTo, Commit, Rollback);
}

/// How often the WAL is copied back into the database file.
const CHECKPOINT_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// The handle of the checkpointer thread, which ends when the handle is
/// dropped.
///
/// SQLite copies the WAL back into the database file (a checkpoint) in the
/// connection whose commit makes the WAL pass 1,000 pages, with an fsync:
/// that would be the writer thread, in the middle of everyone's writes.
/// Every connection of the store turns that off (`wal_autocheckpoint = 0`)
/// and this thread, on a connection of its own, checkpoints in the
/// background instead (`PASSIVE`: it waits for no reader and no writer).
/// Pages written many times between two checkpoints are copied once.
///
/// A passive checkpoint copies pages back but never makes the WAL start
/// again: SQLite writes from the WAL's start only when a write begins after
/// a checkpoint has copied every frame and no reader still reads the WAL.
/// Under a steady stream of writes that moment never comes, and the WAL
/// grew without end: 3.3 GB beside a database of 180 MB after seeding
/// 1,000 seekers (docs/benchmarks.md, session 15). So once the WAL passes
/// `restart_frames`, the checkpointer takes the writers' turn
/// ([`WriteGate`]) and runs a `RESTART` checkpoint: it copies the last
/// frames, syncs the database file, waits briefly for the readers still in
/// the WAL, and the next write starts the WAL again from its beginning.
///
/// The writes wait for what that checkpoint does in their turn. In a lull
/// (the WAL unchanged since a passive checkpoint that got to its end), that
/// is nothing but waiting for the readers: the database file was synced by
/// that checkpoint. Under writes that never pause, it is also syncing every
/// page copied back since SQLite last could, a third of a second on this
/// project's test machine. So a WAL past `restart_frames` is restarted in
/// the first lull, and forced without one only past [`FORCE_AFTER`] times
/// that length: the WAL's file stays bounded however steady the writes, and
/// they are held back only when it must.
///
/// The file keeps the length it reached until the store has had no write
/// for `shrink_after` (10 s by default): a `TRUNCATE` checkpoint then cuts
/// it to nothing, in the writers' turn. Cutting a file of a gigabyte takes
/// a tenth of a second or more; SQLite's own `journal_size_limit` did it in
/// the first commit after each restart, in the middle of the writes, and
/// the writes and reads of the next seconds had a p99 ten times their
/// usual (docs/benchmarks.md, session 16).
#[derive(Debug)]
pub(crate) struct Checkpointer {
    _stop: std::sync::mpsc::Sender<()>,
}

/// A `wal_checkpoint` pragma's answer.
#[derive(Debug, diesel::QueryableByName)]
struct Checkpointed {
    /// 1 when the checkpoint could not finish (a reader or writer in the way).
    #[diesel(sql_type = diesel::sql_types::Integer)]
    busy: i32,
    /// The frames in the WAL when the checkpoint began.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    log: i32,
    /// The frames of the WAL copied into the database file.
    #[diesel(sql_type = diesel::sql_types::Integer)]
    checkpointed: i32,
}

/// How many times `restart_frames` the WAL may grow to while no passive
/// checkpoint gets to its end, before a restart is forced: 4 GiB of 4 KiB
/// pages by default. A steady stream of writes fills 1 GiB of WAL in about
/// 20 seconds on this project's test machine; a forced restart holds the
/// writes for half a second there (docs/benchmarks.md, session 15).
const FORCE_AFTER: u64 = 64;

/// How long a `RESTART` checkpoint waits for the readers still in the WAL,
/// holding the writers' turn meanwhile; it is tried again at the next
/// round when they take longer.
const RESTART_WAIT_MS: u32 = 50;

fn checkpoint(conn: &mut DbConnection, mode: &str) -> Result<Checkpointed, StoreError> {
    Ok(diesel::sql_query(format!("PRAGMA wal_checkpoint({mode})")).get_result(conn)?)
}

/// A checkpoint in the writers' turn at the gate, so that no write waits on
/// SQLite's lock meanwhile; with how long the writes were held, in ms.
fn checkpoint_in_writers_turn(
    conn: &mut DbConnection,
    gate: &WriteGate,
    mode: &str,
) -> Result<(Checkpointed, u128), StoreError> {
    let turn = gate.enter_always();
    let held = std::time::Instant::now();
    let done = checkpoint(conn, mode)?;
    drop(turn);
    Ok((done, held.elapsed().as_millis()))
}

/// Whether a round restarts the WAL it found `frames` long, in a lull or
/// not.
fn restart_now(frames: i32, lull: bool, restart_frames: u32) -> bool {
    let frames = u64::try_from(frames).unwrap_or(0);
    let restart = u64::from(restart_frames);
    frames > restart && (lull || frames > restart.saturating_mul(FORCE_AFTER))
}

/// What the checkpointer remembers from one round to the next.
#[derive(Debug, Default)]
struct Rounds {
    /// The WAL's length at the last restart: the WAL starts again at the
    /// next write, so until then there is nothing to restart.
    restarted: Option<i32>,
    /// The WAL's length at the last round, and how many rounds in a row
    /// found it the same and all copied back: nothing written meanwhile.
    last_log: Option<i32>,
    quiet: u32,
    /// A restart left the WAL's file at its longest; it is cut once the
    /// store has been quiet for `shrink_after` rounds.
    shrink: bool,
}

/// One round: a passive checkpoint, then, when the WAL has passed
/// `restart_frames`, a second one to tell a lull (nothing written since the
/// first began, which got to the WAL's end), then a `RESTART` checkpoint in
/// the writers' turn when [`restart_now`] says so. After a restart, once no
/// write came for `shrink_after` rounds, a `TRUNCATE` checkpoint in the
/// writers' turn cuts the WAL's file to nothing.
fn checkpoint_round(
    conn: &mut DbConnection,
    gate: &WriteGate,
    restart_frames: u32,
    shrink_after: u32,
    rounds: &mut Rounds,
) -> Result<(), StoreError> {
    let first = checkpoint(conn, "PASSIVE")?;
    let quiet = first.checkpointed == first.log && rounds.last_log == Some(first.log);
    rounds.last_log = Some(first.log);
    rounds.quiet = if quiet {
        rounds.quiet.saturating_add(1)
    } else {
        0
    };
    if rounds.shrink && rounds.quiet >= shrink_after {
        let (truncated, held_ms) = checkpoint_in_writers_turn(conn, gate, "TRUNCATE")?;
        if truncated.busy == 0 {
            rounds.shrink = false;
        }
        tracing::debug!(
            writes_held_ms = held_ms,
            cut = truncated.busy == 0,
            "the quiet WAL's file was cut"
        );
        return Ok(());
    }
    if rounds.restarted == Some(first.log) || !restart_now(first.log, true, restart_frames) {
        return Ok(());
    }
    let lull = first.checkpointed == first.log && {
        let second = checkpoint(conn, "PASSIVE")?;
        second.log == first.log && second.checkpointed == second.log
    };
    if !restart_now(first.log, lull, restart_frames) {
        return Ok(());
    }
    let (restart, held_ms) = checkpoint_in_writers_turn(conn, gate, "RESTART")?;
    if restart.busy == 0 {
        rounds.restarted = Some(first.log);
        rounds.shrink = true;
    }
    tracing::debug!(
        frames = first.log,
        lull,
        writes_held_ms = held_ms,
        started_again = restart.busy == 0,
        "the WAL was checkpointed to start again"
    );
    Ok(())
}

impl Checkpointer {
    pub(crate) fn start(
        manager: Manager,
        gate: Arc<WriteGate>,
        restart_frames: u32,
        shrink_after: std::time::Duration,
    ) -> Result<Self, StoreError> {
        let shrink_after =
            u32::try_from((shrink_after.as_millis() / CHECKPOINT_EVERY.as_millis()).max(1))
                .unwrap_or(u32::MAX);
        let (stop, stopped) = std::sync::mpsc::channel::<()>();
        std::thread::Builder::new()
            .name("sqlite-checkpoint".to_owned())
            .spawn(move || {
                let mut conn: Option<DbConnection> = None;
                let mut rounds = Rounds::default();
                while let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                    stopped.recv_timeout(CHECKPOINT_EVERY)
                {
                    let open = match conn.take() {
                        Some(open) => Ok(open),
                        None => manager.connect().and_then(|mut open| {
                            open.batch_execute(&format!(
                                "PRAGMA busy_timeout = {RESTART_WAIT_MS}"
                            ))?;
                            Ok(open)
                        }),
                    };
                    match open.and_then(|mut open| {
                        checkpoint_round(
                            &mut open,
                            &gate,
                            restart_frames,
                            shrink_after,
                            &mut rounds,
                        )?;
                        Ok(open)
                    }) {
                        Ok(open) => conn = Some(open),
                        Err(error) => tracing::warn!(%error, "checkpointing the WAL failed"),
                    }
                }
            })
            .map_err(|e| StoreError::Unavailable(format!("cannot start the checkpointer: {e}")))?;
        Ok(Self { _stop: stop })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;
    use std::time::Duration;

    use super::CHECKPOINT_EVERY;
    use crate::testing::TestDatabase;
    use crate::{Backend, PoolOptions, Store, StoreError, users};

    fn store(write_queue: usize) -> Option<(TestDatabase, Store)> {
        let db = TestDatabase::create().unwrap();
        if TestDatabase::backend() != Backend::Sqlite {
            return None;
        }
        let options = PoolOptions {
            write_queue,
            ..PoolOptions::default()
        };
        let store = Store::open(db.url().clone(), &options).unwrap();
        store.migrate().unwrap();
        for id in ["a", "b", "c", "d"] {
            let user = crate::testing::seeker_row(id, chrono::Utc::now().naive_utc());
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        Some((db, store))
    }

    fn revision(store: &Store, id: &str) -> i64 {
        store
            .read(|conn| users::facts_revision(conn, id))
            .unwrap()
            .unwrap()
    }

    /// Holds the process's write turn (as a borrowing writer does) until
    /// told to let go, so the writes queued meanwhile form one group.
    fn hold_the_turn(store: &Store) -> (mpsc::Sender<()>, std::thread::JoinHandle<()>) {
        let (release, released) = mpsc::channel::<()>();
        let (holding, held) = mpsc::channel::<()>();
        let holder = store.clone();
        let thread = std::thread::spawn(move || {
            holder
                .write(|_| {
                    holding.send(()).unwrap();
                    released.recv().unwrap();
                    Ok::<_, StoreError>(())
                })
                .unwrap();
        });
        held.recv().unwrap();
        (release, thread)
    }

    fn bump(
        seeker: &'static str,
    ) -> impl FnOnce(&mut crate::FactsTx<'_>) -> Result<(), StoreError> {
        move |tx| tx.lock(seeker)
    }

    #[tokio::test]
    async fn a_failed_or_panicking_write_rolls_back_alone_and_its_group_commits() {
        let Some((_db, store)) = store(16) else {
            return;
        };
        let (release, holder) = hold_the_turn(&store);
        let ok = tokio::spawn({
            let store = store.clone();
            async move { store.write_facts_async(bump("a")).await }
        });
        let failed = tokio::spawn({
            let store = store.clone();
            async move {
                store
                    .write_facts_async(|tx| {
                        tx.lock("b")?;
                        Err::<(), _>(StoreError::NotFound)
                    })
                    .await
            }
        });
        let panicked = tokio::spawn({
            let store = store.clone();
            async move {
                store
                    .write_facts_async(|tx| {
                        tx.lock("c")?;
                        panic!("a bug in a write");
                        #[allow(unreachable_code)]
                        Ok::<(), StoreError>(())
                    })
                    .await
            }
        });
        let after = tokio::spawn({
            let store = store.clone();
            async move { store.write_facts_async(bump("d")).await }
        });
        // Let every write reach the queue before the turn comes.
        tokio::time::sleep(Duration::from_millis(100)).await;
        release.send(()).unwrap();
        holder.join().unwrap();
        assert!(ok.await.unwrap().is_ok());
        assert!(matches!(failed.await.unwrap(), Err(StoreError::NotFound)));
        assert!(
            matches!(panicked.await.unwrap(), Err(StoreError::Panicked(message)) if message.contains("a bug"))
        );
        assert!(after.await.unwrap().is_ok());
        assert_eq!(revision(&store, "a"), 1);
        assert_eq!(revision(&store, "b"), 0, "the failed write rolled back");
        assert_eq!(revision(&store, "c"), 0, "the panicking write rolled back");
        assert_eq!(revision(&store, "d"), 1, "the writer goes on after a panic");
    }

    /// A seeker's event chain (crates/store/src/events.rs) is kept in their
    /// account row: a write of the group that rolls back to its savepoint
    /// takes its link back with it, and the next write links to the event
    /// before it.
    #[tokio::test]
    async fn a_write_that_rolls_back_in_a_group_leaves_the_chain_as_it_was() {
        use crate::events::{Filter, NewEvent, Position, page};
        let Some((_db, store)) = store(16) else {
            return;
        };
        let event = |id: &str| NewEvent {
            id: id.to_owned(),
            seeker_id: "a".to_owned(),
            kind: followup_core::EventType::InteractionLogged,
            actor: followup_core::Actor {
                kind: followup_core::ActorKind::Seeker,
                id: "a".to_owned(),
            },
            occurred_at: chrono::Utc::now().naive_utc(),
            created_at: chrono::Utc::now().naive_utc(),
            data: serde_json::json!({ "id": id }).into(),
        };
        let (release, holder) = hold_the_turn(&store);
        let mut writes = Vec::new();
        for (id, fails) in [("e1", false), ("e2", true), ("e3", false)] {
            let store = store.clone();
            let event = event(id);
            writes.push(tokio::spawn(async move {
                store
                    .write_facts_async(move |tx| {
                        tx.emit(event)?;
                        if fails {
                            return Err(StoreError::NotFound);
                        }
                        Ok(())
                    })
                    .await
            }));
            // In this order.
            tokio::time::sleep(Duration::from_millis(30)).await;
        }
        release.send(()).unwrap();
        holder.join().unwrap();
        let results: Vec<bool> = futures_results(writes).await;
        assert_eq!(results, [true, false, true]);
        let seekers = ["a".to_owned()];
        let filter = Filter {
            seekers: Some(&seekers),
            kinds: &[],
        };
        let (rows, more) = store
            .read(|conn| page(conn, Position::default(), &filter, 10))
            .unwrap();
        assert!(!more);
        assert_eq!(
            rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
            ["e1", "e3"]
        );
    }

    async fn futures_results(
        writes: Vec<tokio::task::JoinHandle<Result<(), StoreError>>>,
    ) -> Vec<bool> {
        let mut results = Vec::new();
        for write in writes {
            results.push(write.await.unwrap().is_ok());
        }
        results
    }

    #[tokio::test]
    async fn a_full_queue_refuses_at_once_and_takes_writes_again_once_drained() {
        let Some((_db, store)) = store(2) else {
            return;
        };
        let (release, holder) = hold_the_turn(&store);
        let mut accepted = Vec::new();
        let mut refused = 0;
        for _ in 0..6 {
            let store = store.clone();
            let (sent, answer) = tokio::sync::oneshot::channel();
            let handle = tokio::spawn(async move {
                let result = store.write_facts_async(bump("a")).await;
                let busy = matches!(result, Err(StoreError::Busy));
                let _ = sent.send(busy);
                result
            });
            // The writer takes the first write off the queue and waits for
            // the turn with it; the queue holds two more.
            tokio::time::sleep(Duration::from_millis(30)).await;
            match tokio::time::timeout(Duration::from_millis(30), answer).await {
                Ok(Ok(true)) => refused += 1,
                _ => accepted.push(handle),
            }
        }
        assert_eq!(accepted.len(), 3, "one waiting for the turn, two queued");
        assert_eq!(refused, 3);
        release.send(()).unwrap();
        holder.join().unwrap();
        for handle in accepted {
            handle.await.unwrap().unwrap();
        }
        assert_eq!(revision(&store, "a"), 3);
        store.write_facts_async(bump("a")).await.unwrap();
        assert_eq!(revision(&store, "a"), 4);
    }

    #[test]
    fn a_wal_past_the_forced_length_starts_again_though_writes_and_reads_never_stop() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, Ordering};

        let db = TestDatabase::create().unwrap();
        if TestDatabase::backend() != Backend::Sqlite {
            return;
        }
        // Forced past 4 × 64 frames.
        let options = PoolOptions {
            wal_restart_frames: 4,
            ..PoolOptions::default()
        };
        let store = Store::open(db.url().clone(), &options).unwrap();
        store.migrate().unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..2)
            .map(|_| {
                let (store, stop) = (store.clone(), stop.clone());
                std::thread::spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        store.read(|conn| users::find(conn, "u0")).unwrap();
                    }
                })
            })
            .collect();
        // Writes with no pause for ten rounds of the checkpointer. A WAL
        // that never starts again holds a frame per commit at least.
        let commits = write_without_pause(&store, 10);
        stop.store(true, Ordering::Relaxed);
        for reader in readers {
            reader.join().unwrap();
        }
        let frames = std::fs::metadata(wal_file(&db)).unwrap().len() / (4096 + 24);
        assert!(
            frames < commits,
            "a WAL file of {frames} frames after {commits} commits"
        );
    }

    /// Writes a new account after another, with no pause, for `rounds`
    /// rounds of the checkpointer; returns how many (`u0`, `u1`, …).
    fn write_without_pause(store: &Store, rounds: u32) -> u64 {
        let until = std::time::Instant::now() + CHECKPOINT_EVERY * rounds;
        let mut commits: u64 = 0;
        while std::time::Instant::now() < until {
            let user =
                crate::testing::seeker_row(&format!("u{commits}"), chrono::Utc::now().naive_utc());
            store.write(|conn| users::insert(conn, &user)).unwrap();
            commits += 1;
        }
        commits
    }

    /// The store's WAL file, looked at from outside SQLite (its size, never
    /// opened).
    fn wal_file(db: &TestDatabase) -> std::ffi::OsString {
        let mut wal = db.url().sqlite_path().unwrap().as_os_str().to_owned();
        wal.push("-wal");
        wal
    }

    #[test]
    fn a_wal_file_a_restart_left_long_is_cut_once_no_write_comes() {
        let db = TestDatabase::create().unwrap();
        if TestDatabase::backend() != Backend::Sqlite {
            return;
        }
        let options = PoolOptions {
            wal_restart_frames: 4,
            wal_shrink_after: CHECKPOINT_EVERY * 2,
            ..PoolOptions::default()
        };
        let store = Store::open(db.url().clone(), &options).unwrap();
        store.migrate().unwrap();
        let wal = wal_file(&db);
        let wal_bytes = || std::fs::metadata(&wal).map_or(0, |meta| meta.len());
        // Writes for three rounds of the checkpointer: the WAL passes its
        // restart length, and its file grows with it.
        let commits = write_without_pause(&store, 3);
        let long = wal_bytes();
        assert!(long > 4 * 4096, "a WAL file of {long} bytes");
        // Then nothing: the WAL restarts in the lull, and its file is cut
        // two quiet rounds later.
        let deadline = std::time::Instant::now() + CHECKPOINT_EVERY * 20;
        while wal_bytes() > 0 && std::time::Instant::now() < deadline {
            std::thread::sleep(CHECKPOINT_EVERY / 5);
        }
        assert_eq!(wal_bytes(), 0, "the quiet WAL's file was {long} bytes");
        // Nothing was lost, and the next write grows the WAL again.
        let last = format!("u{}", commits - 1);
        assert!(
            store
                .read(|conn| users::find(conn, &last))
                .unwrap()
                .is_some()
        );
        let user = crate::testing::seeker_row("after", chrono::Utc::now().naive_utc());
        store.write(|conn| users::insert(conn, &user)).unwrap();
        assert!(wal_bytes() > 0);
    }

    #[test]
    fn the_wal_restarts_in_a_lull_or_past_the_forced_length() {
        use super::{FORCE_AFTER, restart_now};
        let force = i32::try_from(100 * FORCE_AFTER).unwrap();
        assert!(!restart_now(100, true, 100), "not past the length");
        assert!(restart_now(101, true, 100));
        assert!(!restart_now(101, false, 100), "waits for a lull");
        assert!(!restart_now(force, false, 100));
        assert!(restart_now(force + 1, false, 100), "forced");
        assert!(!restart_now(-1, true, 100), "not in WAL mode");
    }
}
