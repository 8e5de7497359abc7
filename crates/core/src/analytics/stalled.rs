//! The coach's "stalled" flag: whether a client's pipeline is stuck, with
//! the reasons.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

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
    /// One sentence per reason, in a fixed order: inactivity, broken
    /// promises, nothing open beside a `final`, cadence caps broken.
    pub reasons: Vec<String>,
}

/// The coach's stalled flag.
///
/// Reasons: no activity in `inactive_days` whole days or more (0 turns this
/// check off; a client who never logged anything has nothing to measure from
/// and is not flagged for it); a broken promise; every open opportunity at
/// `final`, with at least one (Wolkstein: keep looking, accelerate your search);
/// a cadence cap broken.
pub fn stalled(input: &StallInput, inactive_days: u32) -> Stalled {
    let mut reasons = Vec::new();
    if inactive_days > 0
        && let Some(last) = input.last_activity
    {
        let idle = (input.now - last).num_days();
        if idle >= i64::from(inactive_days) {
            reasons.push(format!(
                "No activity in {idle} days (the threshold is {inactive_days})."
            ));
        }
    }
    match input.promises_broken {
        0 => {}
        1 => reasons.push(
            "An employer broke a promise: follow up first thing the next business day.".to_owned(),
        ),
        n => reasons.push(format!(
            "Employers broke {n} promises: follow up first thing the next business day."
        )),
    }
    let open: Vec<Stage> = input
        .stages
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect();
    let finals = open.iter().filter(|&&s| s == Stage::Final).count();
    if finals > 0 && finals == open.len() {
        let what = if finals == 1 {
            "the opportunity at `final`".to_owned()
        } else {
            format!("the {finals} opportunities at `final`")
        };
        reasons.push(format!(
            "Nothing is open beside {what}: keep applying while the decision is pending."
        ));
    }
    match input.cap_breaches {
        0 => {}
        1 => reasons.push("A cadence cap was broken once: more than that gets pesky.".to_owned()),
        n => reasons.push(format!(
            "Cadence caps were broken {n} times: more than that gets pesky."
        )),
    }
    Stalled {
        value: !reasons.is_empty(),
        reasons,
    }
}
