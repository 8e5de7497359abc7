//! The followup domain: opportunity stages and their state machine, the kinds
//! of interactions, contacts and promises, and the business calendar the
//! cadence rules schedule in.
//!
//! This crate is pure. It does no I/O, reads no clock and no environment, and
//! knows nothing of HTTP or databases: callers pass the facts and `now`, and
//! get decisions back, so every rule is testable with plain values.

mod schedule;
mod wire;

pub mod action;
pub mod analytics;
pub mod calendar;
pub mod compare;
pub mod contact;
pub mod digest;
pub mod drafts;
pub mod employer;
pub mod engine;
pub mod event;
pub mod facts;
pub mod health;
pub mod holidays;
pub mod id;
pub mod interaction;
pub mod l10n;
pub mod org;
pub mod playbook;
pub mod policy;
pub mod promise;
pub mod promise_status;
pub mod reason;
pub mod rules;
pub mod stage;
pub mod tone;
pub mod user;

pub use action::{
    ActionKind, Constraint, Draft, DraftTemplate, NextAction, Priority, ProposedTransition, Warning,
};
pub use calendar::{
    BusinessCalendar, BusinessHours, CalendarError, DayHalf, DaysOff, OpeningHours, TimeZone,
};
pub use contact::{Channel, ContactRole};
pub use employer::{CapScope, same_employer};
pub use engine::{Engine, EngineError, agenda, next_actions};
pub use event::{EventType, clock_event_id};
pub use facts::{
    BestTime, BestTimeError, Contact, Facts, Interaction, OfferTerms, Opportunity,
    PackedOpportunities, ProcessQuestion, Profile, Promise, PromiseDue, Seeker, StageChange,
    UnpackError,
};
pub use health::{PipelineHealth, StageCount, pipeline_health};
pub use holidays::{Holiday, HolidayCalendar, NationalHolidays};
pub use id::{Id, IdText};
pub use interaction::{Direction, InteractionKind, Medium};
pub use org::{GrantPolicy, JoinedVia, OrgRole, OrgScope};
pub use playbook::{
    BuiltinPlaybook, ParamKind, ParamValue, Params, Playbook, PlaybookError, PlaybookSpec, RuleSpec,
};
pub use promise::PromiseWhat;
pub use promise_status::{
    PromiseStatus, likely_due, promise_due_at, promise_status, promise_status_for,
};
pub use reason::{Arg, Args, Reason, ReasonCode};
pub use rules::warnings::warnings_for;
pub use rules::{ParamInfo, RuleId, RuleInfo, RuleSource, catalogue};
pub use stage::{RejectionReason, Stage, StageError};
pub use tone::{ToneCategory, ToneFinding, tone_check, tone_check_with_names};
pub use user::{Actor, ActorKind, ParseActorError, Role, Scope};
pub use wire::ParseEnumError;
