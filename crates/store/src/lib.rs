//! Persistence for followup: one diesel code path over SQLite (the embedded
//! default) and PostgreSQL (production), chosen by the database URL.
//!
//! The store remembers; it never decides. Callers hand it closures that run on
//! a pooled connection, off the async workers.

/// Runs `$body` on the backend's own connection, bound to `$c`: the body
/// is compiled once per backend. For the statements every request or write
/// runs: through [`DbConnection`] diesel writes a statement's SQL again on
/// every call to find it among the prepared ones, while on the backend's
/// own connection it finds it by type.
macro_rules! natively {
    ($conn:expr, $c:ident => $body:expr) => {
        match $conn {
            $crate::DbConnection::Sqlite($c) => $body,
            $crate::DbConnection::Postgres($c) => $body,
        }
    };
}

pub mod auth;
mod connection;
pub mod contacts;
pub mod digest;
mod door;
mod error;
pub mod events;
pub mod facts;
pub mod feeds;
mod gate;
pub mod idempotency;
pub mod inbound;
pub mod inbox;
pub mod interactions;
pub mod lockfile;
mod migrate;
pub mod orgs;
pub mod pipeline;
pub mod playbooks;
pub mod profiles;
pub mod promises;
pub mod records;
/// The database schema as diesel sees it: generated from the migrated
/// database by `diesel print-schema` (see `diesel.toml`), never edited by
/// hand; `scripts/schema.sh --check` regenerates it and fails on a
/// difference. Only column types both backends share are used (see
/// docs/architecture.md).
pub mod schema;
pub mod snapshot;
pub mod sync;
pub mod testing;
pub mod types;
pub mod users;
pub mod webhooks;
mod writer;

pub use connection::{Backend, DatabaseUrl, DbConnection, PoolOptions, SqliteSynchronous, Store};
pub use door::{FactsTx, Owned};
pub use error::StoreError;
pub use migrate::MIGRATIONS;
