use diesel::prelude::*;
use followup_store::schema::users;
use followup_store::testing::TestDatabase;
use followup_store::{PoolOptions, Store, StoreError};

fn store(db: &TestDatabase) -> Store {
    Store::open(db.url().clone(), &PoolOptions::default()).unwrap()
}

fn count_users(store: &Store) -> Result<i64, StoreError> {
    store.read(|conn| -> Result<i64, StoreError> { Ok(users::table.count().get_result(conn)?) })
}

#[test]
fn every_migration_goes_up_down_and_up_again() {
    let db = TestDatabase::create().unwrap();
    let store = store(&db);
    let applied = store.migrate().unwrap();
    assert!(!applied.is_empty());
    assert!(store.pending_migrations().unwrap().is_empty());
    assert_eq!(count_users(&store).unwrap(), 0);

    let reverted = store.revert_all().unwrap();
    assert_eq!(reverted.len(), applied.len());
    assert!(count_users(&store).is_err(), "the users table is gone");
    assert_eq!(store.pending_migrations().unwrap().len(), applied.len());

    assert_eq!(store.migrate().unwrap(), applied);
    assert_eq!(count_users(&store).unwrap(), 0);
    assert!(store.migrate().unwrap().is_empty(), "nothing left to apply");
}

#[test]
fn concurrent_start_ups_do_not_race_on_migrations() {
    let db = TestDatabase::create().unwrap();
    let expected = store(&db).pending_migrations().unwrap().len();
    let stores: Vec<Store> = (0..4).map(|_| store(&db)).collect();
    let results: Vec<Result<Vec<String>, StoreError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = stores
            .iter()
            .map(|store| scope.spawn(move || store.migrate()))
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut applied = 0;
    for result in results {
        applied += result.unwrap().len();
    }
    assert_eq!(applied, expected, "each migration applied exactly once");
}

#[test]
fn sqlite_connections_enforce_foreign_keys_and_use_wal() {
    if TestDatabase::backend() != followup_store::Backend::Sqlite {
        return;
    }
    let db = TestDatabase::create().unwrap();
    let store = store(&db);
    store.migrate().unwrap();
    let (journal, foreign_keys) = store
        .read(|conn| -> Result<_, StoreError> {
            #[derive(QueryableByName)]
            struct Pragma {
                #[diesel(sql_type = diesel::sql_types::Text)]
                value: String,
            }
            let journal: Pragma =
                diesel::sql_query("SELECT journal_mode AS value FROM pragma_journal_mode")
                    .get_result(conn)?;
            let fk: Pragma = diesel::sql_query(
                "SELECT CAST(foreign_keys AS TEXT) AS value FROM pragma_foreign_keys",
            )
            .get_result(conn)?;
            Ok((journal.value, fk.value))
        })
        .unwrap();
    assert_eq!(journal, "wal");
    assert_eq!(foreign_keys, "1");
}
