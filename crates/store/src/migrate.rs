use diesel::prelude::*;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use std::time::Duration;

use crate::lockfile::InstanceLock;
use crate::{DbConnection, Store, StoreError};

/// Every migration under the workspace's `migrations/`, embedded in the binary.
/// The SQL is portable: the same files run on SQLite and PostgreSQL.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("../../migrations");

/// Key of the PostgreSQL advisory lock that serialises migrations, so replicas
/// starting together do not race ("followup" in ASCII).
const MIGRATION_LOCK_KEY: i64 = 0x666f_6c6c_6f77_7570;

/// How long a SQLite migration waits for another one to finish.
const MIGRATION_LOCK_WAIT: Duration = Duration::from_secs(60);

impl Store {
    /// Applies every pending migration and returns the versions applied.
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.with_migration_lock(|conn| {
            conn.run_pending_migrations(MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| StoreError::Migration(e.to_string()))
        })
    }

    /// Reverts every applied migration, newest first. For tests and for
    /// operators who need to tear a schema down.
    pub fn revert_all(&self) -> Result<Vec<String>, StoreError> {
        self.with_migration_lock(|conn| {
            conn.revert_all_migrations(MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| StoreError::Migration(e.to_string()))
        })
    }

    /// Versions of the migrations that have not been applied yet.
    pub fn pending_migrations(&self) -> Result<Vec<String>, StoreError> {
        let mut conn = self.connection()?;
        conn.pending_migrations(MIGRATIONS)
            .map(|pending| {
                pending
                    .iter()
                    .map(|m| m.name().version().to_string())
                    .collect()
            })
            .map_err(|e| StoreError::Migration(e.to_string()))
    }

    /// Runs `f` while holding the migration lock: a PostgreSQL advisory lock,
    /// or on SQLite the instance lock on `<db>.lock` (see [`crate::lockfile`]),
    /// unless this store already holds it for a running server.
    fn with_migration_lock<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let _file_lock = match self.url().sqlite_path() {
            Some(path) if !self.holds_instance_lock() => {
                Some(InstanceLock::for_migration(path, MIGRATION_LOCK_WAIT)?)
            }
            _ => None,
        };
        let mut conn = self.connection()?;
        let postgres = matches!(*conn, DbConnection::Postgres(_));
        if postgres {
            diesel::sql_query(format!("SELECT pg_advisory_lock({MIGRATION_LOCK_KEY})"))
                .execute(&mut *conn)?;
        }
        let result = f(&mut conn);
        if postgres {
            diesel::sql_query(format!("SELECT pg_advisory_unlock({MIGRATION_LOCK_KEY})"))
                .execute(&mut *conn)?;
        }
        result
    }
}
