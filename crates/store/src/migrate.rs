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
    /// On SQLite it then links each seeker's events into a chain, once
    /// ([`link_event_chains`]).
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.with_migration_lock(|conn| {
            let applied = conn
                .run_pending_migrations(MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            if let DbConnection::Sqlite(c) = &mut *conn {
                link_event_chains(c)?;
            }
            Ok(applied)
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

/// The count a SQLite query of the form `SELECT count(*) AS n …` answers.
fn count(conn: &mut diesel::SqliteConnection, sql: &str) -> Result<i64, StoreError> {
    #[derive(QueryableByName)]
    struct Count {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    Ok(diesel::sql_query(sql).get_result::<Count>(conn)?.n)
}

/// SQLite finds one seeker's events through a chain, not through the
/// `(seeker_id, tx, seq)` index that PostgreSQL keeps (see
/// `crate::events`). The migration that added the chain's columns is
/// portable, so it leaves the index in place; the first migration run on a
/// SQLite database after it links every seeker's events and their account
/// rows to their newest event, with the help of the index, then drops the
/// index: in one transaction. Without the index there is nothing to do.
fn link_event_chains(conn: &mut diesel::SqliteConnection) -> Result<(), StoreError> {
    let indexed = count(
        conn,
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'events_seeker'",
    )? > 0;
    let has_chain = count(
        conn,
        "SELECT count(*) AS n FROM pragma_table_info('events') WHERE name = 'prev_tx'",
    )? > 0;
    if !indexed || !has_chain {
        return Ok(());
    }
    conn.immediate_transaction(|c| {
        diesel::sql_query(
            "UPDATE events SET (prev_tx, prev_seq) = (SELECT p.tx, p.seq FROM events p \
             WHERE p.seeker_id = events.seeker_id AND (p.tx, p.seq) < (events.tx, events.seq) \
             ORDER BY p.tx DESC, p.seq DESC LIMIT 1)",
        )
        .execute(c)?;
        diesel::sql_query(
            "UPDATE users SET (last_event_tx, last_event_seq) = (SELECT e.tx, e.seq FROM events e \
             WHERE e.seeker_id = users.id ORDER BY e.tx DESC, e.seq DESC LIMIT 1)",
        )
        .execute(c)?;
        diesel::sql_query("DROP INDEX events_seeker").execute(c)?;
        Ok::<_, StoreError>(())
    })
}

#[cfg(test)]
mod tests {
    use chrono::Utc;
    use diesel_migrations::MigrationHarness;

    use super::*;
    use crate::events::{Appender, Filter, NewEvent, Position, page};
    use crate::testing::TestDatabase;
    use crate::{Backend, PoolOptions, users};

    /// A SQLite database whose events were written before the chain: the
    /// first migration after it links every seeker's events, in position
    /// order, drops the index, and the next event joins the chain.
    #[test]
    fn events_written_before_the_chain_are_linked_by_the_migration() {
        let db = TestDatabase::create().unwrap();
        if TestDatabase::backend() != Backend::Sqlite {
            return;
        }
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = Utc::now().naive_utc();
        for id in ["a", "b"] {
            let user = crate::testing::seeker_row(id, now);
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        {
            let mut conn = store.connection().unwrap();
            // Back to the release before the chain, through any later ones.
            while conn.revert_last_migration(MIGRATIONS).unwrap().to_string() != "20261127000035" {}
            // As the events of an older release were written: three
            // transactions, the seekers interleaved, out of id order.
            for (id, tx, seq, seeker) in [
                ("e1", 1, 0, "a"),
                ("e2", 1, 1, "b"),
                ("e3", 2, 0, "a"),
                ("e0", 3, 0, "b"),
                ("e4", 3, 1, "a"),
            ] {
                diesel::sql_query(format!(
                    "INSERT INTO events (id, tx, seq, seeker_id, kind, actor, occurred_at, \
                     created_at, data) VALUES ('{id}', {tx}, {seq}, '{seeker}', \
                     'interaction.logged', 'seeker:{seeker}', '2026-11-27 10:00:00', \
                     '2026-11-27 10:00:00', '{{}}')"
                ))
                .execute(&mut *conn)
                .unwrap();
            }
            diesel::sql_query("UPDATE event_counter SET last_tx = 3")
                .execute(&mut *conn)
                .unwrap();
        }
        assert_eq!(store.migrate().unwrap()[0], "20261127000035");
        let read = |seeker: &str| {
            let seekers = [seeker.to_owned()];
            let filter = Filter {
                seekers: Some(&seekers),
                kinds: &[],
            };
            store
                .read(|conn| page(conn, Position::default(), &filter, 100))
                .unwrap()
                .0
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(read("a"), ["e1", "e3", "e4"]);
        assert_eq!(read("b"), ["e2", "e0"]);
        let mut conn = store.connection().unwrap();
        let DbConnection::Sqlite(c) = &mut *conn else {
            unreachable!()
        };
        let indexes = count(
            c,
            "SELECT count(*) AS n FROM sqlite_master WHERE name = 'events_seeker'",
        )
        .unwrap();
        assert_eq!(indexes, 0);
        drop(conn);
        // Migrating again finds nothing to do.
        assert!(store.migrate().unwrap().is_empty());
        store
            .write(|conn| {
                Appender::default().append(
                    conn,
                    NewEvent {
                        id: "e5".to_owned(),
                        seeker_id: "a".to_owned(),
                        kind: followup_core::EventType::InteractionLogged,
                        actor: followup_core::Actor {
                            kind: followup_core::ActorKind::Seeker,
                            id: "a".to_owned(),
                        },
                        occurred_at: now,
                        created_at: now,
                        data: serde_json::json!({}).into(),
                    },
                )
            })
            .unwrap();
        assert_eq!(read("a"), ["e1", "e3", "e4", "e5"]);
        assert_eq!(read("b"), ["e2", "e0"]);
    }
}
