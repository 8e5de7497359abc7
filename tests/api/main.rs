//! End-to-end tests: the real server on a free port with its own fresh
//! database (SQLite by default; PostgreSQL when FOLLOWUP_TEST_DATABASE_URL is set).

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod agenda_cache;
mod analytics;
mod auth;
mod cadence;
mod cli;
mod clock_events;
mod coach_views;
mod coaching;
mod comparisons;
mod conditional;
mod contacts;
mod conventions_http;
mod decisive;
mod demo;
mod digest;
mod durability;
mod error_codes;
mod errors;
mod events;
mod export;
mod feeds;
mod hardening;
mod helpers;
mod holidays;
mod idempotency;
mod inbound;
mod inbox;
mod interactions;
mod kept_state;
mod localisation;
mod matrix;
mod migrations;
mod offline_ids;
mod openapi;
mod operations;
mod opportunities;
mod orgs;
mod outage;
mod payloads;
mod playbooks;
mod profile;
mod promises;
mod revocation;
mod scenarios;
mod secrets;
mod smtp;
mod sync;
mod two_devices;
mod webhook_receiver;
mod webhooks;
mod write_door;
