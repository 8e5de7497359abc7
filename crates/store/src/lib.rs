//! Persistence for followup: one diesel code path over SQLite (the embedded
//! default) and PostgreSQL (production), chosen by the database URL.
//!
//! The store remembers; it never decides. Callers hand it closures that run on
//! a pooled connection, off the async workers.

pub mod auth;
mod connection;
mod error;
pub mod idempotency;
mod migrate;
pub mod pipeline;
pub mod records;
pub mod schema;
pub mod testing;
pub mod users;

pub use connection::{Backend, DatabaseUrl, DbConnection, PoolOptions, Store};
pub use error::StoreError;
pub use migrate::MIGRATIONS;
