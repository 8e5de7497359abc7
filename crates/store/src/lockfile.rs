//! The instance lock of a SQLite database: a `flock` on `<db>.lock`, beside
//! the database, never on the database file itself.
//!
//! SQLite guards its file with POSIX `fcntl` locks, and POSIX drops every lock
//! a process holds on a file when *any* descriptor of that file is closed. A
//! lock taken by opening the database file with `std::fs::File` and closing it
//! again therefore silently released SQLite's own locks, and the next outside
//! client (a backup, the `sqlite3` shell) deleted the live `-wal` file on its
//! close. The database file is only ever opened through SQLite; coordination
//! between followup processes happens on this separate file.
//!
//! `serve` holds the lock for as long as it runs (the embedded default is one
//! process; scaling out is PostgreSQL's job), and migrations take it while
//! they run. Other SQLite clients, `followup set-role` among them, ignore it:
//! SQLite's own locking keeps them safe.

use std::fmt;
use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read as _, Seek as _, SeekFrom, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::StoreError;

/// What a holder writes into the lock file, so a refused process can name it.
const SERVE_MARK: &str = "followup serve";

/// An exclusive lock on a SQLite database's lock file, released on drop.
pub struct InstanceLock {
    // The open description carries the `flock`; dropping it unlocks.
    _file: File,
    path: PathBuf,
}

impl fmt::Debug for InstanceLock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstanceLock")
            .field("path", &self.path)
            .finish()
    }
}

impl InstanceLock {
    /// The lock file of the database at `db`: `<db>.lock`.
    pub fn path_for(db: &Path) -> PathBuf {
        let mut name = db.as_os_str().to_owned();
        name.push(".lock");
        PathBuf::from(name)
    }

    /// Takes the lock for a `serve` without waiting; when another process
    /// holds it, the error names that process.
    pub fn for_serve(db: &Path) -> Result<Self, StoreError> {
        let file = open(db)?;
        match file.try_lock() {
            Ok(()) => Self::hold(file, db, SERVE_MARK),
            Err(TryLockError::WouldBlock) => Err(in_use(db, &file)),
            Err(TryLockError::Error(e)) => Err(cannot_lock(db, &e)),
        }
    }

    /// Takes the lock for a migration, waiting up to `timeout` for another
    /// migration to finish; a running `serve` is refused at once, since it
    /// keeps the lock until it stops.
    pub fn for_migration(db: &Path, timeout: Duration) -> Result<Self, StoreError> {
        let file = open(db)?;
        let deadline = Instant::now() + timeout;
        loop {
            match file.try_lock() {
                Ok(()) => return Self::hold(file, db, "followup migrate"),
                Err(TryLockError::WouldBlock) => {
                    if holder(&file).starts_with(SERVE_MARK) || Instant::now() >= deadline {
                        return Err(in_use(db, &file));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::Error(e)) => return Err(cannot_lock(db, &e)),
            }
        }
    }

    /// Records who holds the lock (what, process id, since when).
    fn hold(mut file: File, db: &Path, what: &str) -> Result<Self, StoreError> {
        let line = format!(
            "{what} (pid {}, since {})\n",
            std::process::id(),
            chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ")
        );
        let written = file
            .set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(line.as_bytes()));
        written.map_err(|e| cannot_lock(db, &e))?;
        Ok(Self {
            _file: file,
            path: InstanceLock::path_for(db),
        })
    }
}

fn open(db: &Path) -> Result<File, StoreError> {
    let path = InstanceLock::path_for(db);
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(&path)
        .map_err(|e| StoreError::Unavailable(format!("cannot open {}: {e}", path.display())))
}

/// The holder's line, as far as it can be read.
fn holder(file: &File) -> String {
    let mut text = String::new();
    let mut reader = file;
    let _ = reader.seek(SeekFrom::Start(0));
    let _ = reader.take(512).read_to_string(&mut text);
    text.trim().to_owned()
}

fn in_use(db: &Path, file: &File) -> StoreError {
    let who = holder(file);
    let who = if who.is_empty() {
        "another process".to_owned()
    } else {
        who
    };
    StoreError::InUse(format!(
        "{} is in use by {who}; one followup serve per SQLite database (run several replicas on PostgreSQL)",
        db.display()
    ))
}

fn cannot_lock(db: &Path, e: &std::io::Error) -> StoreError {
    StoreError::Unavailable(format!(
        "cannot lock {}: {e}",
        InstanceLock::path_for(db).display()
    ))
}

#[cfg(test)]
mod tests {

    use super::*;

    fn temp_db(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "followup-lock-{name}-{}-{}",
            std::process::id(),
            uuid::Uuid::now_v7().simple()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        dir.join("db.sqlite")
    }

    #[test]
    fn a_second_serve_is_refused_and_told_who_holds_the_database() {
        let db = temp_db("serve");
        let first = InstanceLock::for_serve(&db).unwrap();
        let err = InstanceLock::for_serve(&db).unwrap_err().to_string();
        assert!(err.contains("followup serve"), "{err}");
        assert!(
            err.contains(&format!("pid {}", std::process::id())),
            "{err}"
        );
        drop(first);
        InstanceLock::for_serve(&db).unwrap();
    }

    #[test]
    fn a_migration_waits_for_another_but_not_for_a_serve() {
        let db = temp_db("migrate");
        let migration = InstanceLock::for_migration(&db, Duration::from_secs(5)).unwrap();
        let waiter = {
            let db = db.clone();
            std::thread::spawn(move || InstanceLock::for_migration(&db, Duration::from_secs(5)))
        };
        std::thread::sleep(Duration::from_millis(100));
        drop(migration);
        let second = waiter.join().unwrap().unwrap();
        drop(second);

        let _serve = InstanceLock::for_serve(&db).unwrap();
        let started = Instant::now();
        let err = InstanceLock::for_migration(&db, Duration::from_secs(5)).unwrap_err();
        assert!(
            started.elapsed() < Duration::from_secs(1),
            "refused at once"
        );
        assert!(err.to_string().contains("followup serve"), "{err}");
    }

    #[test]
    fn the_lock_file_is_private_and_beside_the_database() {
        use std::os::unix::fs::PermissionsExt as _;
        let db = temp_db("mode");
        let _lock = InstanceLock::for_serve(&db).unwrap();
        let path = InstanceLock::path_for(&db);
        assert!(path.to_string_lossy().ends_with("db.sqlite.lock"));
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        assert!(!db.exists(), "the database file itself is never opened");
    }
}
