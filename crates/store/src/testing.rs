//! Throwaway databases for tests: a fresh SQLite file, or a fresh PostgreSQL
//! database when `FOLLOWUP_TEST_DATABASE_URL` names a PostgreSQL server.
//! Dropped (file removed, database dropped) when the value goes out of scope.

use std::path::PathBuf;

use diesel::connection::SimpleConnection;
use diesel::{Connection, PgConnection};

use crate::users::UserRow;
use crate::{Backend, DatabaseUrl};

/// A seeker's account row for tests: `id`, `id@example.com`, UTC, default
/// hours, no holidays, created `now`. Change fields with struct update.
pub fn seeker_row(id: &str, now: chrono::NaiveDateTime) -> UserRow {
    UserRow {
        id: id.to_owned(),
        email: format!("{id}@example.com"),
        password_hash: "x".to_owned(),
        display_name: id.to_owned(),
        locale: "en".to_owned(),
        role: followup_core::Role::Seeker,
        timezone: chrono_tz::UTC,
        created_at: now,
        updated_at: now,
        business_hours: None,
        holidays: std::collections::BTreeSet::new(),
        default_playbook: None,
        facts_revision: 0,
        holiday_calendars: Vec::new(),
        token_generation: 0,
    }
}

/// The environment variable that points the tests at PostgreSQL, e.g.
/// `postgres://postgres@127.0.0.1:5432/test`. The database in the URL is only
/// used to create and drop one fresh database per test.
pub const TEST_DATABASE_ENV: &str = "FOLLOWUP_TEST_DATABASE_URL";

/// `url` with `sslmode=disable` when it reaches a server on this machine and
/// names no `sslmode`: a test process exits while its pool's threads may
/// still close connections, and libpq's TLS (OpenSSL, whose state is torn
/// down at exit) then crashes it. Loopback needs no TLS.
fn without_tls_on_loopback(url: &str) -> String {
    let loopback = [
        "@127.0.0.1",
        "@localhost",
        "@[::1]",
        "//127.0.0.1",
        "//localhost",
    ]
    .iter()
    .any(|host| url.contains(host));
    if !loopback || url.contains("sslmode=") {
        return url.to_owned();
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let (base, database) = path.rsplit_once('/').unwrap_or((path, ""));
    let mut out = format!("{base}/{database}?sslmode=disable");
    if !query.is_empty() {
        out.push('&');
        out.push_str(query);
    }
    out
}

/// `url` (with no query) with `from`'s query string, if any.
fn with_query(url: &str, from: &str) -> String {
    match from.split_once('?') {
        Some((_, query)) => format!("{url}?{query}"),
        None => url.to_owned(),
    }
}

/// A database that exists for one test.
#[derive(Debug)]
pub struct TestDatabase {
    url: DatabaseUrl,
    cleanup: Cleanup,
}

#[derive(Debug)]
enum Cleanup {
    File(PathBuf),
    Database { admin_url: String, name: String },
}

impl TestDatabase {
    /// Creates a fresh, empty database on the backend the environment selects.
    pub fn create() -> Result<Self, String> {
        match std::env::var(TEST_DATABASE_ENV) {
            Ok(admin) if !admin.trim().is_empty() => Self::postgres(admin.trim()),
            _ => Ok(Self::sqlite()),
        }
    }

    /// The backend under test.
    pub fn backend() -> Backend {
        match std::env::var(TEST_DATABASE_ENV) {
            Ok(admin) if !admin.trim().is_empty() => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }

    fn sqlite() -> Self {
        let path = std::env::temp_dir().join(format!("followup-test-{}.db", uuid::Uuid::now_v7()));
        let url = DatabaseUrl::parse(&format!("sqlite://{}", path.display()))
            .unwrap_or_else(|_| unreachable!("a sqlite:// URL always parses"));
        Self {
            url,
            cleanup: Cleanup::File(path),
        }
    }

    fn postgres(admin_url: &str) -> Result<Self, String> {
        let admin_url = &without_tls_on_loopback(admin_url);
        let name = format!("followup_test_{}", uuid::Uuid::now_v7().simple());
        let mut admin = PgConnection::establish(admin_url)
            .map_err(|e| format!("{TEST_DATABASE_ENV}: cannot connect: {e}"))?;
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .map_err(|e| format!("cannot create test database {name}: {e}"))?;
        let (base, _) = admin_url
            .rsplit_once('/')
            .ok_or_else(|| format!("{TEST_DATABASE_ENV} has no database path"))?;
        let url = DatabaseUrl::parse(&with_query(&format!("{base}/{name}"), admin_url))
            .map_err(|e| e.to_string())?;
        Ok(Self {
            url,
            cleanup: Cleanup::Database {
                admin_url: admin_url.to_owned(),
                name,
            },
        })
    }

    /// The URL to open the database with.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// The URL as the server's `--database-url` takes it.
    pub fn url_string(&self) -> String {
        match &self.cleanup {
            Cleanup::File(path) => format!("sqlite://{}", path.display()),
            Cleanup::Database { admin_url, name } => match admin_url.rsplit_once('/') {
                Some((base, _)) => with_query(&format!("{base}/{name}"), admin_url),
                None => admin_url.clone(),
            },
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm", ".lock"] {
                    let mut file = path.clone().into_os_string();
                    file.push(suffix);
                    let _ = std::fs::remove_file(file);
                }
            }
            Cleanup::Database { admin_url, name } => {
                if let Ok(mut admin) = PgConnection::establish(admin_url) {
                    let _ = admin
                        .batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
                }
            }
        }
    }
}

#[cfg(test)]
mod url_tests {
    use super::{with_query, without_tls_on_loopback};

    #[test]
    fn loopback_test_servers_are_reached_without_tls() {
        assert_eq!(
            without_tls_on_loopback("postgres://postgres@127.0.0.1:5432/test"),
            "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
        );
        assert_eq!(
            without_tls_on_loopback("postgres://postgres@localhost/test?connect_timeout=5"),
            "postgres://postgres@localhost/test?sslmode=disable&connect_timeout=5"
        );
        assert_eq!(
            without_tls_on_loopback("postgres://u@db.example.com/test"),
            "postgres://u@db.example.com/test"
        );
        assert_eq!(
            without_tls_on_loopback("postgres://u@127.0.0.1/test?sslmode=require"),
            "postgres://u@127.0.0.1/test?sslmode=require"
        );
        assert_eq!(
            with_query("postgres://h/x", "postgres://h/test?sslmode=disable"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
