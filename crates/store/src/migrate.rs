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
    /// ([`link_event_chains`]), and makes each event's position its
    /// `rowid`, once ([`position_as_rowid`]).
    pub fn migrate(&self) -> Result<Vec<String>, StoreError> {
        self.with_migration_lock(|conn| {
            let applied = conn
                .run_pending_migrations(MIGRATIONS)
                .map(|versions| versions.iter().map(ToString::to_string).collect())
                .map_err(|e| StoreError::Migration(e.to_string()))?;
            if let DbConnection::Sqlite(c) = &mut *conn {
                link_event_chains(c)?;
                position_as_rowid(c)?;
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

/// On SQLite an event's position is its `rowid` (`crate::events::sqlite_key`):
/// the table is its own index of positions, and the `(tx, seq)` index
/// `events_position` of the portable migration, one more b-tree for every
/// event to be written into, is not kept. While that index is there (a
/// fresh database, or one written by a release before), this renumbers the
/// events by their positions and drops it, in one transaction; without it
/// there is nothing to do. (A `rowid` set before was 1, 2, 3…, under the
/// smallest position, `1 << 32`: no row takes another's.)
fn position_as_rowid(conn: &mut diesel::SqliteConnection) -> Result<(), StoreError> {
    let indexed = count(
        conn,
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'events_position'",
    )? > 0;
    if !indexed {
        return Ok(());
    }
    conn.immediate_transaction(|c| {
        diesel::sql_query("UPDATE events SET rowid = (tx << 32) | seq").execute(c)?;
        diesel::sql_query("DROP INDEX events_position").execute(c)?;
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

    /// A migrated SQLite database with the seekers "a" and "b", and the
    /// instant they were made; `None` on another backend.
    fn sqlite_with_two_seekers() -> Option<(TestDatabase, Store, chrono::NaiveDateTime)> {
        let db = TestDatabase::create().unwrap();
        if TestDatabase::backend() != Backend::Sqlite {
            return None;
        }
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = Utc::now().naive_utc();
        for id in ["a", "b"] {
            let user = crate::testing::seeker_row(id, now);
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        Some((db, store, now))
    }

    /// A SQLite database whose events were written before the chain: the
    /// first migration after it links every seeker's events, in position
    /// order, drops the index, and the next event joins the chain.
    #[test]
    fn events_written_before_the_chain_are_linked_by_the_migration() {
        let Some((_db, store, now)) = sqlite_with_two_seekers() else {
            return;
        };
        {
            let mut conn = store.connection().unwrap();
            // Back to the release before the chain, through any later ones.
            while conn.revert_last_migration(MIGRATIONS).unwrap().to_string() != "20261127000035" {}
            // The release before the chain also kept the positions' index.
            diesel::sql_query("CREATE UNIQUE INDEX events_position ON events (tx, seq)")
                .execute(&mut *conn)
                .unwrap();
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
    /// The rows whose `rowid` is not their position (`crate::events::sqlite_key`).
    fn misplaced(c: &mut diesel::SqliteConnection) -> i64 {
        count(
            c,
            "SELECT count(*) AS n FROM events WHERE rowid != (tx << 32) | seq",
        )
        .unwrap()
    }

    fn positions_index(c: &mut diesel::SqliteConnection) -> i64 {
        count(
            c,
            "SELECT count(*) AS n FROM sqlite_master WHERE name = 'events_position'",
        )
        .unwrap()
    }

    /// On SQLite an event's position is its `rowid`: a fresh database has no
    /// `(tx, seq)` index and its events are written at their positions; the
    /// events of a database written before (numbered 1, 2, 3… beside the
    /// index) are renumbered by the first migration after, which drops the
    /// index; every reader finds them in order, and the next event comes
    /// after them.
    #[test]
    fn events_written_before_their_position_was_their_rowid_are_renumbered_by_the_migration() {
        let Some((_db, store, now)) = sqlite_with_two_seekers() else {
            return;
        };
        let event = |id: &str, seeker: &str| NewEvent {
            id: id.to_owned(),
            seeker_id: seeker.to_owned(),
            kind: followup_core::EventType::InteractionLogged,
            actor: followup_core::Actor {
                kind: followup_core::ActorKind::Seeker,
                id: seeker.to_owned(),
            },
            occurred_at: now,
            created_at: now,
            data: serde_json::json!({}).into(),
        };
        let sqlite = |f: &mut dyn FnMut(&mut diesel::SqliteConnection)| {
            let mut conn = store.connection().unwrap();
            let DbConnection::Sqlite(c) = &mut *conn else {
                unreachable!()
            };
            f(c);
        };
        // Fresh: no index, and what is written is at its position.
        store
            .write(|conn| {
                let mut appender = Appender::default();
                appender.append(conn, event("f1", "a"))?;
                appender.append(conn, event("f2", "b"))
            })
            .unwrap();
        sqlite(&mut |c| {
            assert_eq!(positions_index(c), 0);
            assert_eq!(misplaced(c), 0);
            diesel::sql_query("DELETE FROM events").execute(c).unwrap();
            diesel::sql_query("UPDATE users SET last_event_tx = NULL, last_event_seq = NULL")
                .execute(c)
                .unwrap();
        });
        // As a release before wrote them: the index, and rowids of their
        // own; three transactions, the seekers interleaved, the chains linked.
        sqlite(&mut |c| {
            diesel::sql_query("CREATE UNIQUE INDEX events_position ON events (tx, seq)")
                .execute(c)
                .unwrap();
            for (id, tx, seq, seeker, prev) in [
                ("e1", 1, 0, "a", "NULL, NULL"),
                ("e2", 1, 1, "b", "NULL, NULL"),
                ("e3", 2, 0, "a", "1, 0"),
                ("e0", 3, 0, "b", "1, 1"),
                ("e4", 3, 1, "a", "2, 0"),
            ] {
                diesel::sql_query(format!(
                    "INSERT INTO events (id, tx, seq, seeker_id, kind, actor, occurred_at, \
                     created_at, data, prev_tx, prev_seq) VALUES ('{id}', {tx}, {seq}, \
                     '{seeker}', 'interaction.logged', 'seeker:{seeker}', \
                     '2026-11-27 10:00:00', '2026-11-27 10:00:00', '{{}}', {prev})"
                ))
                .execute(c)
                .unwrap();
            }
            diesel::sql_query(
                "UPDATE users SET last_event_tx = 3, \
                 last_event_seq = CASE id WHEN 'a' THEN 1 ELSE 0 END",
            )
            .execute(c)
            .unwrap();
            diesel::sql_query("UPDATE event_counter SET last_tx = 3")
                .execute(c)
                .unwrap();
            assert_eq!(misplaced(c), 5);
        });
        assert!(store.migrate().unwrap().is_empty());
        sqlite(&mut |c| {
            assert_eq!(positions_index(c), 0);
            assert_eq!(misplaced(c), 0);
        });
        let read = |seeker: Option<&str>, after: Position| {
            let seekers = seeker.map(|s| vec![s.to_owned()]);
            let filter = Filter {
                seekers: seekers.as_deref(),
                kinds: &[],
            };
            store
                .read(|conn| page(conn, after, &filter, 100))
                .unwrap()
                .0
                .into_iter()
                .map(|r| r.id)
                .collect::<Vec<_>>()
        };
        let start = Position::default();
        assert_eq!(read(Some("a"), start), ["e1", "e3", "e4"]);
        assert_eq!(read(Some("b"), start), ["e2", "e0"]);
        assert_eq!(read(None, start), ["e1", "e2", "e3", "e0", "e4"]);
        let after_e3 = Position { tx: 2, seq: 0 };
        assert_eq!(read(None, after_e3), ["e0", "e4"]);
        assert_eq!(read(Some("a"), after_e3), ["e4"]);
        let last = store
            .read(|conn| crate::events::last_position(conn, start, 10))
            .unwrap();
        assert_eq!(last, (5, Some(Position { tx: 3, seq: 1 })));
        // Migrating again finds nothing to do; the next event comes last.
        assert!(store.migrate().unwrap().is_empty());
        store
            .write(|conn| Appender::default().append(conn, event("e5", "a")))
            .unwrap();
        assert_eq!(read(Some("a"), start), ["e1", "e3", "e4", "e5"]);
        assert_eq!(read(None, start), ["e1", "e2", "e3", "e0", "e4", "e5"]);
        sqlite(&mut |c| assert_eq!(misplaced(c), 0));
    }
}
