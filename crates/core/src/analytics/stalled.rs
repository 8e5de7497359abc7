//! The coach's "stalled" flag: whether a client's pipeline is stuck, with
//! the reasons.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::reason::{Arg, Args, Because, Reason, ReasonCode};
use crate::stage::Stage;

/// Days without activity after which a pipeline counts as stalled.
pub const DEFAULT_INACTIVE_DAYS: u32 = 14;

/// What the stalled check reads about one client.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StallInput {
    /// The instant evaluated.
    pub now: DateTime<Utc>,
    /// The client's last logged interaction or stage change, on any
    /// opportunity; `None` when nothing was ever logged.
    #[serde(default)]
    pub last_activity: Option<DateTime<Utc>>,
    /// The stages of the client's opportunities (closed ones are ignored).
    #[serde(default)]
    pub stages: Vec<Stage>,
    /// Broken promises on open opportunities.
    #[serde(default)]
    pub promises_broken: u32,
    /// Interactions logged over a cadence cap (warnings such as
    /// `email_weekly_cap`) in the period the caller looks at.
    #[serde(default)]
    pub cap_breaches: u32,
}

/// Whether a client's pipeline stalled, with the reasons: no activity in 14
/// days, a broken promise, nothing open beside a `final`, a cadence cap
/// broken in the last 14 days.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Stalled {
    /// Stalled for at least one reason.
    pub value: bool,
    /// One per reason, in a fixed order: inactivity, broken promises,
    /// nothing open beside a `final`, cadence caps broken.
    pub reasons: Vec<StallReason>,
}

/// One reason a pipeline stalled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StallReason {
    /// One sentence, in the reader's language.
    pub reason: String,
    /// What it says, as a stable code: `inactive`, `promises_broken`,
    /// `only_finals`, `caps_broken`.
    pub reason_code: ReasonCode,
    /// The facts it names: `days` and `threshold_days`, `promises`,
    /// `finals`, `breaches`.
    pub args: Args,
    /// The records behind it, for an app to link to: the broken promises'
    /// ids (`promises_broken`), the opportunities at `final`
    /// (`only_finals`), the opportunities whose follow-ups broke a cap
    /// (`caps_broken`); empty for `inactive`. Filled in by the caller, who
    /// knows the records.
    #[serde(default)]
    pub ids: Vec<String>,
}

impl From<Reason> for StallReason {
    fn from(reason: Reason) -> Self {
        Self {
            reason: reason.text,
            reason_code: reason.code,
            args: reason.args,
            ids: Vec::new(),
        }
    }
}

/// The coach's stalled flag.
///
/// Reasons: no activity in `inactive_days` whole days or more (0 turns this
/// check off; a client who never logged anything has nothing to measure from
/// and is not flagged for it); a broken promise; every open opportunity at
/// `final`, with at least one (Wolkstein: keep looking, accelerate your search);
/// a cadence cap broken.
pub fn stalled(input: &StallInput, inactive_days: u32) -> Stalled {
    let mut reasons: Vec<StallReason> = Vec::new();
    if inactive_days > 0
        && let Some(last) = input.last_activity
    {
        let idle = (input.now - last).num_days();
        if idle >= i64::from(inactive_days) {
            let mut r = Because::new(ReasonCode::Inactive);
            r.lit("No activity in ")
                .count("days", u32::try_from(idle).unwrap_or(u32::MAX))
                .lit(" days (the threshold is ")
                .count("threshold_days", inactive_days)
                .lit(").");
            reasons.push(r.finish().into());
        }
    }
    if input.promises_broken > 0 {
        let mut r = Because::new(ReasonCode::PromisesBroken);
        if input.promises_broken == 1 {
            r.lit("An employer broke a promise")
                .note("promises", Arg::Number(1));
        } else {
            r.lit("Employers broke ")
                .count("promises", input.promises_broken)
                .lit(" promises");
        }
        r.lit(": follow up first thing the next business day.");
        reasons.push(r.finish().into());
    }
    let open: Vec<Stage> = input
        .stages
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    let finals = open.iter().filter(|&&s| s == Stage::Final).count();
    if finals > 0 && finals == open.len() {
        let mut r = Because::new(ReasonCode::OnlyFinals);
        r.lit("Nothing is open beside ");
        if finals == 1 {
            r.lit("the opportunity at `final`")
                .note("finals", Arg::Number(1));
        } else {
            r.lit("the ")
                .count("finals", u32::try_from(finals).unwrap_or(u32::MAX))
                .lit(" opportunities at `final`");
        }
        r.lit(": keep applying while the decision is pending.");
        reasons.push(r.finish().into());
    }
    if input.cap_breaches > 0 {
        let mut r = Because::new(ReasonCode::CapsBroken);
        if input.cap_breaches == 1 {
            r.lit("A cadence cap was broken once")
                .note("breaches", Arg::Number(1));
        } else {
            r.lit("Cadence caps were broken ")
                .count("breaches", input.cap_breaches)
                .lit(" times");
        }
        r.lit(": more than that gets pesky.");
        reasons.push(r.finish().into());
    }
    Stalled {
        value: !reasons.is_empty(),
        reasons,
    }
}
