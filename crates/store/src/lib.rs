//! Persistence for followup: one diesel code path over SQLite (the embedded
//! default) and PostgreSQL (production), chosen by the database URL.
//!
//! The store remembers; it never decides. Callers hand it closures that run on
//! a pooled connection, off the async workers.

pub mod auth;
mod connection;
pub mod contacts;
mod door;
mod error;
pub mod events;
pub mod facts;
pub mod feeds;
mod gate;
pub mod idempotency;
pub mod interactions;
pub mod lockfile;
mod migrate;
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
pub mod testing;
pub mod types;
pub mod users;
pub mod webhooks;

pub use connection::{Backend, DatabaseUrl, DbConnection, PoolOptions, SqliteSynchronous, Store};
pub use door::FactsTx;
pub use error::StoreError;
pub use migrate::MIGRATIONS;
