use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::{PgConnection, SqliteConnection};

use crate::StoreError;
use crate::gate::WriteGate;
use crate::lockfile::InstanceLock;
use crate::writer::{Checkpointer, Writer};

/// One connection type for both backends, so every query is written once.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    /// PostgreSQL, the production engine.
    Postgres(PgConnection),
    /// SQLite, the embedded default.
    Sqlite(SqliteConnection),
}

impl fmt::Debug for DbConnection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Postgres(_) => "DbConnection::Postgres",
            Self::Sqlite(_) => "DbConnection::Sqlite",
        })
    }
}

/// Which engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// `postgres://` or `postgresql://`.
    Postgres,
    /// `sqlite://path` (or `sqlite:path`).
    Sqlite,
}

/// A parsed database URL: the backend and what to hand its driver.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    backend: Backend,
    target: String,
}

impl DatabaseUrl {
    /// Parses `sqlite://followup.db`, `sqlite:///abs/path.db` or `postgres://…`.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self {
                backend: Backend::Postgres,
                target: url.to_owned(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .ok_or_else(|| {
                StoreError::InvalidUrl(
                    "expected sqlite://PATH or postgres://USER@HOST/DB".to_owned(),
                )
            })?;
        if path.is_empty() {
            return Err(StoreError::InvalidUrl(
                "sqlite URL has no file path (try sqlite://followup.db)".to_owned(),
            ));
        }
        if path.contains(":memory:") {
            return Err(StoreError::InvalidUrl(
                "in-memory SQLite is not supported: each pooled connection would see its own database"
                    .to_owned(),
            ));
        }
        Ok(Self {
            backend: Backend::Sqlite,
            target: path.to_owned(),
        })
    }

    /// The engine this URL selects.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The SQLite file, when the URL names one.
    pub fn sqlite_path(&self) -> Option<&Path> {
        (self.backend == Backend::Sqlite).then(|| Path::new(&self.target))
    }

    fn establish(&self) -> ConnectionResult<DbConnection> {
        match self.backend {
            Backend::Postgres => PgConnection::establish(&self.target).map(DbConnection::Postgres),
            Backend::Sqlite => SqliteConnection::establish(&self.target).map(DbConnection::Sqlite),
        }
    }
}

/// Shows the URL without its password, so it can be logged.
impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl DatabaseUrl {
    /// The URL with any password replaced by `***`.
    pub fn redacted(&self) -> String {
        match self.backend {
            Backend::Sqlite => format!("sqlite://{}", self.target),
            Backend::Postgres => redact_password(&self.target),
        }
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_once('/').map_or((rest, ""), |(a, t)| (a, t));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}:***@{host}/{tail}")
        }
        _ => url.to_owned(),
    }
}

/// Pool sizing and timeouts; all of them are server configuration.
#[derive(Debug, Clone)]
pub struct PoolOptions {
    /// Most connections kept open.
    pub max_size: u32,
    /// How long a request waits for a free connection before it is answered 503.
    pub connection_timeout: Duration,
    /// How long a SQLite write waits for the file lock.
    pub busy_timeout: Duration,
    /// SQLite's `synchronous` setting in WAL mode.
    pub sqlite_synchronous: SqliteSynchronous,
    /// SQLite: how many writers may queue in the process behind the one
    /// writing before a write is refused with [`StoreError::Busy`] (see
    /// [`crate::gate`]). PostgreSQL writes in parallel and has no queue.
    pub write_queue: usize,
    /// SQLite: the WAL's length, in frames (pages), past which the
    /// checkpointer resets it to its start ([`crate::writer`]'s
    /// `Checkpointer`).
    pub wal_restart_frames: u32,
    /// SQLite: how long the store goes without a write before the
    /// checkpointer cuts the WAL's file to nothing, once a restart left it
    /// long.
    pub wal_shrink_after: Duration,
}

/// How hard SQLite works to keep a commit (its `synchronous` pragma; the
/// database always runs in WAL mode).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SqliteSynchronous {
    /// `NORMAL`: a commit survives a crash of the process, but the last
    /// commits before a power loss or an operating-system crash may be rolled
    /// back (the database stays consistent). The default.
    #[default]
    Normal,
    /// `FULL`: the WAL is synced at every commit, so a commit also survives a
    /// power loss, at the cost of one fsync per write.
    Full,
}

impl SqliteSynchronous {
    fn pragma(self) -> &'static str {
        match self {
            Self::Normal => "NORMAL",
            Self::Full => "FULL",
        }
    }
}

impl Default for PoolOptions {
    fn default() -> Self {
        Self {
            max_size: 8,
            connection_timeout: Duration::from_secs(5),
            busy_timeout: Duration::from_secs(5),
            sqlite_synchronous: SqliteSynchronous::default(),
            write_queue: 64,
            wal_restart_frames: WAL_RESTART_FRAMES,
            wal_shrink_after: WAL_SHRINK_AFTER,
        }
    }
}

/// Opens connections for the pool (and for SQLite's writer), picking the
/// backend from the URL so a bad URL or a refused connection reports its
/// real cause.
#[derive(Debug, Clone)]
pub(crate) struct Manager {
    url: DatabaseUrl,
    busy_timeout_ms: u128,
    synchronous: SqliteSynchronous,
}

impl r2d2::ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        let mut conn = self
            .url
            .establish()
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        if let DbConnection::Sqlite(sqlite) = &mut conn {
            sqlite.batch_execute(&format!(
                "PRAGMA busy_timeout = {}; PRAGMA foreign_keys = ON; PRAGMA synchronous = {}; \
                 PRAGMA wal_autocheckpoint = 0; PRAGMA cache_size = -{POOLED_CACHE_KIB};",
                self.busy_timeout_ms,
                self.synchronous.pragma()
            ))?;
        }
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    /// A connection a statement found closed (its server restarted, the
    /// network dropped it) is not put back: see [`note_error`].
    fn has_broken(&self, _conn: &mut DbConnection) -> bool {
        DEAD.with(|dead| dead.replace(false))
    }
}

/// The WAL length, in frames, past which it is reset: 64 MiB of 4 KiB pages.
const WAL_RESTART_FRAMES: u32 = 16 * 1024;

/// How long the store goes without a write before the checkpointer cuts a
/// WAL's file that a restart left long (see `crate::writer`).
const WAL_SHRINK_AFTER: Duration = Duration::from_secs(10);

/// The page cache of each pooled SQLite connection, in KiB (SQLite's
/// default is about 2 MiB). The pages a read needs beyond it come from the
/// operating system's file cache, a copy away; the writer connection keeps a
/// larger one (see `crate::writer`).
const POOLED_CACHE_KIB: u32 = 512;

thread_local! {
    /// Set when a statement on this thread failed because its connection is
    /// gone; read (and cleared) when the thread puts its connection back.
    static DEAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Notes an error of a statement: when it says the connection itself is
/// gone, the connection the thread holds is dropped instead of going back to
/// the pool.
///
/// This replaces testing each connection before use (a `SELECT 1`, one more
/// round trip per request on PostgreSQL): a dead connection shows itself at
/// its first statement, and [`Store::read`], [`Store::write`] and
/// [`Store::read_statement`] then retry on another connection when nothing
/// was done on the dead one.
pub(crate) fn note_error(error: &diesel::result::Error) {
    use diesel::result::{DatabaseErrorKind, Error};
    if matches!(
        error,
        Error::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _
        )
    ) {
        DEAD.with(|dead| dead.set(true));
    }
}

/// Whether the last statement's connection was found dead (see
/// [`note_error`]).
fn found_dead() -> bool {
    DEAD.with(std::cell::Cell::get)
}

/// How many times a request tries another connection after finding one
/// dead before the first statement: every pooled connection may have died
/// with a restarted server.
const DEAD_RETRIES: u32 = 16;

type PooledConnection = r2d2::PooledConnection<Manager>;

/// The database: a connection pool and the backend behind it. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
    /// The SQLite instance lock, once [`Store::hold_exclusively`] took it.
    instance: Option<Arc<InstanceLock>>,
    /// SQLite: the process's queue of writers.
    gate: Option<Arc<WriteGate>>,
    /// SQLite: the thread that commits queued writes in groups.
    writer: Option<Arc<Writer>>,
    /// SQLite: the thread that copies the WAL back into the database.
    _checkpointer: Option<Arc<Checkpointer>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("url", &self.url).finish()
    }
}

impl Store {
    /// Builds the pool. Connections open lazily, so a server can start (and
    /// report not-ready) while its database is down, and recover when it is back.
    pub fn open(url: DatabaseUrl, options: &PoolOptions) -> Result<Self, StoreError> {
        if let Some(path) = url.sqlite_path() {
            prepare_sqlite_file(path)?;
        }
        let manager = Manager {
            url: url.clone(),
            busy_timeout_ms: options.busy_timeout.as_millis(),
            synchronous: options.sqlite_synchronous,
        };
        // A PostgreSQL connection can die with its server; it is not tested
        // before use (a round trip per request) but dropped when a statement
        // finds it closed, and the request retried on another (`note_error`).
        let pool_manager = manager.clone();
        let pool = r2d2::Pool::builder()
            .max_size(options.max_size.max(1))
            .min_idle(Some(0))
            .connection_timeout(options.connection_timeout)
            .test_on_check_out(false)
            .error_handler(Box::new(LogErrors))
            .build_unchecked(pool_manager);
        let (gate, writer, checkpointer) = match url.sqlite_path() {
            Some(_) => {
                let gate = Arc::new(WriteGate::new(options.write_queue));
                let checkpointer = Checkpointer::start(
                    manager.clone(),
                    gate.clone(),
                    options.wal_restart_frames,
                    options.wal_shrink_after,
                )?;
                let writer = Writer::start(manager, gate.clone(), options.write_queue)?;
                (
                    Some(gate),
                    Some(Arc::new(writer)),
                    Some(Arc::new(checkpointer)),
                )
            }
            None => (None, None, None),
        };
        Ok(Self {
            pool,
            url,
            instance: None,
            gate,
            writer,
            _checkpointer: checkpointer,
        })
    }

    /// Makes this store the only server of its SQLite database for as long as
    /// it (or a clone) lives: takes `<db>.lock`, or fails naming the process
    /// that holds it. Nothing to do on PostgreSQL, where replicas share one
    /// database.
    pub fn hold_exclusively(&mut self) -> Result<(), StoreError> {
        if let (Some(path), None) = (self.url.sqlite_path(), &self.instance) {
            self.instance = Some(Arc::new(InstanceLock::for_serve(path)?));
        }
        Ok(())
    }

    /// Whether this store holds its SQLite database's instance lock.
    pub(crate) fn holds_instance_lock(&self) -> bool {
        self.instance.is_some()
    }

    /// The engine in use.
    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    /// The URL the store was opened with.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection from the pool, or [`StoreError::Unavailable`] when none
    /// could be had within the pool's timeout.
    pub(crate) fn connection(&self) -> Result<PooledConnection, StoreError> {
        let pooled = self.pool.get().map_err(StoreError::from)?;
        DEAD.with(|dead| dead.set(false));
        Ok(pooled)
    }

    /// Opens a transaction with `begin` on a pooled connection, trying
    /// another when the one handed out turns out dead (nothing was done on
    /// it, so trying again is safe for reads and writes alike).
    fn begin(
        &self,
        begin: impl Fn(&DbConnection) -> &'static str,
    ) -> Result<PooledConnection, StoreError> {
        let mut attempt = 0;
        loop {
            let mut pooled = self.connection()?;
            let sql = begin(&pooled);
            match pooled.batch_execute(sql) {
                Ok(()) => return Ok(pooled),
                Err(error) => {
                    let error = StoreError::from(error);
                    attempt += 1;
                    if !found_dead() || attempt > DEAD_RETRIES {
                        return Err(error);
                    }
                    tracing::info!(%error, "a pooled connection was closed; trying another");
                }
            }
        }
    }

    /// Checks that the database answers, waiting at most `timeout`.
    pub fn ping(&self, timeout: Duration) -> Result<(), StoreError> {
        let mut conn = self.pool.get_timeout(timeout)?;
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    /// Runs `f` in a read transaction (`BEGIN READ ONLY` on PostgreSQL).
    /// `f`'s error type is the caller's, so handlers keep their own errors.
    pub fn read<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut pooled = self.begin(|conn| match conn {
            DbConnection::Postgres(_) => "BEGIN READ ONLY",
            DbConnection::Sqlite(_) => "BEGIN",
        })?;
        in_transaction(&mut pooled, f)
    }

    /// Runs `f`, a read of one statement, outside a transaction: a single
    /// statement reads one consistent state by itself, and on PostgreSQL
    /// this saves the round trips of `BEGIN` and `COMMIT`.
    ///
    /// A statement that finds its connection closed is tried again on
    /// another: it only reads.
    pub fn read_statement<T, E: From<StoreError>>(
        &self,
        f: impl Fn(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let mut attempt = 0;
        loop {
            let mut pooled = self.connection()?;
            let result = f(&mut pooled);
            attempt += 1;
            if result.is_ok() || !found_dead() || attempt > DEAD_RETRIES {
                return result;
            }
            tracing::info!("a pooled connection was closed; trying another");
        }
    }

    /// Runs `f`, a read of one statement, on the calling thread when that
    /// cannot make it wait: on SQLite, with a pooled connection that is
    /// idle right now (a read in WAL mode waits for no writer). `None`
    /// otherwise (on PostgreSQL, where every query is a round trip, or when
    /// every connection is busy): the caller runs it off its thread with
    /// [`Store::read_statement`].
    ///
    /// For reads of a row or two, such as a request's authentication: the
    /// hop to a blocking thread and back costs more than the read.
    pub fn read_if_idle<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Option<Result<T, E>> {
        self.writer.as_ref()?;
        let mut pooled = self.pool.try_get()?;
        Some(f(&mut pooled))
    }

    /// Runs `f` in a write transaction. On SQLite it is `BEGIN IMMEDIATE`, so
    /// the write lock is taken up front and waits out `busy_timeout` instead
    /// of failing with SQLITE_BUSY when a read would upgrade to a write.
    ///
    /// On SQLite the writer first queues in the process ([`crate::gate`]):
    /// it takes a connection only at its turn, and a full queue is
    /// [`StoreError::Busy`] at once.
    pub fn write<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
    ) -> Result<T, E> {
        let _turn = self.gate.as_deref().map(WriteGate::enter).transpose()?;
        let mut pooled = self.begin(|conn| match conn {
            DbConnection::Postgres(_) => "BEGIN",
            DbConnection::Sqlite(_) => "BEGIN IMMEDIATE",
        })?;
        in_transaction(&mut pooled, f)
    }
}

impl Store {
    /// Runs `f` in a write transaction, off the caller's thread: the
    /// asynchronous form of [`Store::write`] for request handlers.
    ///
    /// On SQLite `f` goes to the writer thread ([`crate::writer`]), which
    /// commits it together with the other writes waiting then; the answer
    /// comes once the group has committed. A full queue is
    /// [`StoreError::Busy`] at once. On PostgreSQL, whose writers run in
    /// parallel, `f` runs in its own transaction on a blocking thread.
    pub async fn write_async<T, E>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
    {
        match &self.writer {
            Some(writer) => {
                let (send, receive) = tokio::sync::oneshot::channel();
                writer.submit(f, move |result| {
                    // The caller may have gone (a client that hung up): the
                    // write stands all the same.
                    let _ = send.send(result);
                })?;
                receive.await.map_err(|_| {
                    E::from(StoreError::Unavailable("the writer has stopped".to_owned()))
                })?
            }
            None => {
                let store = self.clone();
                tokio::task::spawn_blocking(move || store.write(f))
                    .await
                    .map_err(|e| E::from(StoreError::Panicked(e.to_string())))?
            }
        }
    }
}

/// Runs `f` in the transaction `conn` has begun ([`Store::begin`]), then
/// `COMMIT`, rolling back when it fails. The statements are sent as SQL (not
/// through diesel's transaction manager) so SQLite can take its write lock up
/// front; `f` must not open transactions.
fn in_transaction<T, E: From<StoreError>>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, E>,
) -> Result<T, E> {
    match f(conn) {
        Ok(value) => {
            if let Err(err) = conn.batch_execute("COMMIT") {
                let _ = conn.batch_execute("ROLLBACK");
                return Err(StoreError::from(err).into());
            }
            Ok(value)
        }
        Err(err) => {
            if let Err(rollback) = conn.batch_execute("ROLLBACK") {
                tracing::error!(error = %rollback, "rollback failed");
            }
            Err(err)
        }
    }
}

/// Creates the SQLite file's directory and switches the file to WAL once,
/// before the pool opens connections in parallel. A database created here is
/// made readable by its owner only before anything is written to it; SQLite
/// gives the `-wal` and `-shm` files the database file's permissions. The
/// file is only ever opened through SQLite (see [`crate::lockfile`]).
fn prepare_sqlite_file(path: &Path) -> Result<(), StoreError> {
    use std::os::unix::fs::PermissionsExt as _;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| {
            StoreError::Unavailable(format!("cannot create {}: {e}", dir.display()))
        })?;
    }
    let created = !path.exists();
    let mut conn = SqliteConnection::establish(&path.to_string_lossy())
        .map_err(|e| StoreError::Unavailable(e.to_string()))?;
    if created {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(|e| {
            StoreError::Unavailable(format!("cannot restrict {}: {e}", path.display()))
        })?;
    }
    conn.batch_execute("PRAGMA journal_mode = WAL;")?;
    Ok(())
}

#[derive(Debug)]
struct LogErrors;

impl r2d2::HandleError<StoreError> for LogErrors {
    fn handle_error(&self, error: StoreError) {
        tracing::warn!(%error, "database connection failed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::TestDatabase;
    use diesel::sql_types::Integer;

    #[derive(QueryableByName)]
    struct Pid {
        #[diesel(sql_type = Integer)]
        pid: i32,
    }

    fn backend_pids(store: &Store) -> Vec<i32> {
        let mut conn = store.connection().unwrap();
        let rows: Vec<Pid> = diesel::sql_query(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
             AND pid <> pg_backend_pid()",
        )
        .load(&mut *conn)
        .unwrap();
        rows.into_iter().map(|row| row.pid).collect()
    }

    /// Connections are not tested before use; one that its server closed is
    /// dropped at its first statement, and the read, the one-statement read
    /// and the write each go on with a new connection, answering as if
    /// nothing happened.
    #[test]
    fn connections_closed_by_the_server_are_replaced_without_failing_a_request() {
        let db = TestDatabase::create().unwrap();
        if db.url().backend() != Backend::Postgres {
            return; // a SQLite connection is a file handle; it cannot be closed under us
        }
        let options = PoolOptions {
            max_size: 3,
            ..PoolOptions::default()
        };
        let store = Store::open(db.url().clone(), &options).unwrap();
        store.migrate().unwrap();
        let admin = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        let one = |conn: &mut DbConnection| -> Result<i32, StoreError> {
            Ok(diesel::select(diesel::dsl::sql::<Integer>("1")).get_result(conn)?)
        };
        for round in 0..3 {
            // Fill the pool with open connections, then have the server
            // close every one of them.
            let held: Vec<_> = (0..3).map(|_| store.connection().unwrap()).collect();
            drop(held);
            let pids = backend_pids(&admin);
            assert!(
                !pids.is_empty(),
                "round {round}: the pool holds connections"
            );
            for pid in pids {
                diesel::sql_query(format!("SELECT pg_terminate_backend({pid})"))
                    .execute(&mut *admin.connection().unwrap())
                    .unwrap();
            }
            std::thread::sleep(Duration::from_millis(100));
            let answer = match round {
                0 => store.read(one),
                1 => store.read_statement(one),
                _ => store.write(one),
            };
            assert_eq!(answer.unwrap(), 1, "round {round}");
        }
    }
}
