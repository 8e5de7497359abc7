//! The cadence engine through the crate's public API: the worked examples of
//! docs/cadence.md (Jane's story and the others), one test group per rule, and
//! property tests over random facts.

#![expect(clippy::unwrap_used, reason = "test helpers fail loudly")]

mod decisive;
mod helpers;
mod properties;
mod rules;
mod worked_examples;
