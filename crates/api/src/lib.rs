//! The followup HTTP API: routes, authentication, errors and the OpenAPI
//! document. Handlers validate input, load facts from the store, ask the core
//! to decide, and render the answer.

pub mod access;
pub mod agenda_cache;
pub mod auth;
pub mod cadence;
pub mod clock;
pub mod clock_events;
pub mod conditional;
pub mod conventions;
pub mod csv;
pub mod db;
pub mod digest;
pub mod docs;
pub mod drain;
pub mod error;
pub mod events;
pub mod extract;
pub mod facts_cache;
pub mod http_conventions;
pub mod idempotency;
pub mod inbound;
pub mod intake;
pub mod metrics;
pub mod middleware;
pub mod orgs;
pub mod routes;
pub mod serde_errors;
pub mod server;
pub mod shape;
pub mod state;
pub mod steps;
pub mod validate;
pub mod views;
pub mod webhooks;

pub use docs::openapi;
pub use server::{HttpConfig, serve};
pub use state::{AppState, InboundConfig, Secret};
