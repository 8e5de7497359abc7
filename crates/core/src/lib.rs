//! The followup domain: opportunity stages and their state machine, the kinds
//! of interactions, contacts and promises, and the business calendar the
//! cadence rules schedule in.
//!
//! This crate is pure. It does no I/O, reads no clock and no environment, and
//! knows nothing of HTTP or databases: callers pass the facts and `now`, and
//! get decisions back, so every rule is testable with plain values.

mod wire;

pub mod calendar;
pub mod contact;
pub mod interaction;
pub mod promise;
pub mod stage;
pub mod user;

pub use calendar::{
    BusinessCalendar, BusinessHours, CalendarError, DayHalf, OpeningHours, TimeZone,
};
pub use contact::{Channel, ContactRole};
pub use interaction::{Direction, InteractionKind, Medium};
pub use promise::PromiseWhat;
pub use stage::{RejectionReason, Stage, StageError};
pub use user::Role;
pub use wire::ParseEnumError;
