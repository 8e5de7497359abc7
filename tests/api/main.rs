//! End-to-end tests: the real server on a free port with its own fresh
//! database (SQLite by default; PostgreSQL when FOLLOWUP_TEST_DATABASE_URL is set).

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod auth;
mod cadence;
mod cli;
mod coaching;
mod errors;
mod helpers;
mod idempotency;
mod matrix;
mod migrations;
mod openapi;
mod operations;
mod opportunities;
mod outage;
