//! Standing: the rough chance of an offer, with its factors and the inputs
//! it did not know (see the parent module for the formula and its sources).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::round2;
use crate::stage::Stage;
use crate::wire::wire_enum;

/// Standing of a `ghosted` opportunity: it reopens only if the employer comes
/// back (a judgment call, not a published rate).
pub const GHOSTED_STANDING: f64 = 0.05;
/// Before an offer the standing never exceeds this.
pub const OPEN_CAP: f64 = 0.90;
/// Multiplier when an internal candidate competes.
pub const INTERNAL_CANDIDATE_MULTIPLIER: f64 = 0.70;
/// The fit at which the fit factor is neutral (3 of 5 on every criterion).
pub const NEUTRAL_FIT: f64 = 0.60;
/// Multiplier per broken promise.
pub const BROKEN_PROMISE_MULTIPLIER: f64 = 0.80;
/// Multiplier per unanswered follow-up after the first.
pub const UNANSWERED_FOLLOW_UP_MULTIPLIER: f64 = 0.90;

/// The prior chance of an offer at an open stage before `offer`, used when
/// the competitor count is unknown; `None` for other stages. See the module
/// documentation for the sources.
pub const fn stage_prior(stage: Stage) -> Option<f64> {
    match stage {
        Stage::Prospect => Some(0.01),
        Stage::Applied => Some(0.03),
        Stage::Screening => Some(0.10),
        Stage::Interviewing => Some(0.25),
        Stage::Final => Some(0.40),
        Stage::Offer
        | Stage::Accepted
        | Stage::Declined
        | Stage::Rejected
        | Stage::Withdrawn
        | Stage::Ghosted => None,
    }
}

/// The silence multiplier for `days` since the employer was last heard from.
pub const fn silence_multiplier(days: u32) -> f64 {
    match days {
        0..=7 => 1.0,
        8..=30 => 0.85,
        31..=60 => 0.60,
        _ => 0.40,
    }
}

/// What the seeker learned from "how many other candidates are you
/// considering?".
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Competition {
    /// Other candidates still in the race, not counting the seeker; `None`
    /// when unknown. Written `competing_candidates`, as the profile says it.
    #[serde(default, rename = "competing_candidates", alias = "count")]
    pub count: Option<u32>,
    /// Whether an internal candidate competes; `None` when unknown.
    #[serde(default)]
    pub internal_candidate: Option<bool>,
}

/// The fit as the standing uses it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FitSignal {
    /// Fit, 0–1 (clamped; a non-finite value counts as unknown).
    pub value: f64,
    /// Share of the criterion weight rated by the interviewer, 0–1 (clamped;
    /// non-finite counts as 0).
    pub interviewer_share: f64,
}

impl FitSignal {
    pub(super) fn sanitized(self) -> Option<Self> {
        if !self.value.is_finite() {
            return None;
        }
        let share = if self.interviewer_share.is_finite() {
            self.interviewer_share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Some(Self {
            value: self.value.clamp(0.0, 1.0),
            interviewer_share: share,
        })
    }

    /// The fit factor's multiplier (see the module documentation).
    fn multiplier(self) -> f64 {
        1.0 + (self.value - NEUTRAL_FIT) * (0.5 + 0.5 * self.interviewer_share)
    }
}

/// Everything the standing of one opportunity depends on.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StandingInput {
    /// The opportunity's stage.
    pub stage: Stage,
    /// What is known about the other candidates.
    #[serde(default)]
    pub competition: Competition,
    /// The fit from the profile ([`FitReport::signal`](super::FitReport::signal)); `None` without one.
    #[serde(default)]
    pub fit: Option<FitSignal>,
    /// Promises the employer broke.
    #[serde(default)]
    pub promises_broken: u32,
    /// A promise is pending (not yet due, not kept): silence is expected.
    #[serde(default)]
    pub promise_pending: bool,
    /// Follow-ups sent since the employer was last heard from: follow-up
    /// e-mails and call attempts that reached nobody.
    #[serde(default)]
    pub unanswered_follow_ups: u32,
    /// Whole days since the employer was last heard from (an inbound message
    /// or a conversation); `None` when never.
    #[serde(default)]
    pub days_since_inbound: Option<u32>,
}

wire_enum! {
    /// A factor of the standing: `stage` or `competitors` (the base), `internal_candidate`, `fit`, `broken_promises`, `unanswered_follow_ups`, `silence`, `cap`.
    #[cfg_attr(feature = "openapi", schema(as = StandingFactorName))]
    pub enum FactorName as "standing factor" {
        /// The stage prior (the competitor count is unknown), or the fixed
        /// value of a closed stage or an offer.
        Stage => "stage",
        /// The known competitor count: 1 / (others + 1).
        Competitors => "competitors",
        /// An internal candidate competes, or not.
        InternalCandidate => "internal_candidate",
        /// Fit against the ideal-candidate profile.
        Fit => "fit",
        /// Promises the employer broke.
        BrokenPromises => "broken_promises",
        /// Follow-ups without a reply.
        UnansweredFollowUps => "unanswered_follow_ups",
        /// Days since the employer was last heard from.
        Silence => "silence",
        /// The ceiling before an offer.
        Cap => "cap",
    }
}

/// One factor of the standing and what it did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = StandingFactor))]
pub struct Factor {
    /// Which factor.
    pub name: FactorName,
    /// The signed change this factor made to the running value, rounded to 2
    /// decimals; the first factor's effect is the base itself, so the effects
    /// add up to `value`, give or take rounding.
    pub effect: f64,
    /// The multiplier applied, rounded to 2 decimals; `null` for the base and the cap.
    pub multiplier: Option<f64>,
    /// One sentence on why.
    pub detail: String,
}

wire_enum! {
    /// An input the standing did not know, so it rests on a prior instead.
    pub enum MissingInput as "missing input" {
        /// How many other candidates compete.
        CompetitorCount => "competitor_count",
        /// Whether an internal candidate competes.
        InternalCandidate => "internal_candidate",
        /// The ideal-candidate profile (no criteria).
        Fit => "fit",
        /// The interviewer's ratings, for some or all criteria.
        InterviewerRatings => "interviewer_ratings",
        /// When the employer was last heard from (never so far).
        LastInbound => "last_inbound",
    }
}

/// How the seeker stands: a rough chance of an offer with the factors behind
/// it and the inputs it did not know. A coaching aid, not a statistic; see
/// docs/standing.md for the formula and its sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Standing {
    /// Rough chance the opportunity ends in an offer, 0–1, rounded to 2 decimals.
    pub value: f64,
    /// The factors, in the order they were applied.
    pub factors: Vec<Factor>,
    /// Inputs that were unknown, so the value rests on priors instead.
    pub missing: Vec<MissingInput>,
}

/// Running value of the standing while the factors are applied.
struct Tally {
    value: f64,
    factors: Vec<Factor>,
}

impl Tally {
    fn base(name: FactorName, value: f64, detail: String) -> Self {
        Self {
            value,
            factors: vec![Factor {
                name,
                effect: round2(value),
                multiplier: None,
                detail,
            }],
        }
    }

    fn apply(&mut self, name: FactorName, multiplier: f64, detail: String) {
        let before = self.value;
        self.value *= multiplier;
        self.factors.push(Factor {
            name,
            effect: round2(self.value - before),
            multiplier: Some(round2(multiplier)),
            detail,
        });
    }

    fn cap(&mut self, cap: f64, detail: String) {
        if self.value > cap {
            let before = self.value;
            self.value = cap;
            self.factors.push(Factor {
                name: FactorName::Cap,
                effect: round2(cap - before),
                multiplier: None,
                detail,
            });
        }
    }

    fn finish(self, missing: Vec<MissingInput>) -> Standing {
        Standing {
            value: round2(self.value.clamp(0.0, 1.0)),
            factors: self.factors,
            missing,
        }
    }
}

/// The standing of one opportunity (see the module documentation for the
/// formula, the numbers and their sources).
pub fn standing(input: &StandingInput) -> Standing {
    let fixed = |value: f64, detail: &str| {
        Tally::base(FactorName::Stage, value, detail.to_owned()).finish(Vec::new())
    };
    let prior = match input.stage {
        Stage::Offer => return fixed(1.0, "An offer is on the table; the rest is your decision."),
        Stage::Accepted => return fixed(1.0, "You accepted the offer."),
        Stage::Declined => return fixed(0.0, "You declined the offer; nothing is left to win."),
        Stage::Rejected => return fixed(0.0, "The employer said no."),
        Stage::Withdrawn => return fixed(0.0, "You withdrew from this opportunity."),
        Stage::Ghosted => {
            return fixed(
                GHOSTED_STANDING,
                "Marked ghosted: it reopens only if the employer comes back.",
            );
        }
        Stage::Prospect
        | Stage::Applied
        | Stage::Screening
        | Stage::Interviewing
        | Stage::Final => stage_prior(input.stage).unwrap_or(0.0),
    };
    let mut missing = Vec::new();

    let mut tally = match input.competition.count {
        Some(others) => {
            let candidates = u64::from(others) + 1;
            let detail = match others {
                0 => "No other candidate is known: 1 of 1, in place of the stage prior.".to_owned(),
                1 => "One other candidate: 1 of 2, in place of the stage prior.".to_owned(),
                n => {
                    format!("{n} other candidates: 1 of {candidates}, in place of the stage prior.")
                }
            };
            Tally::base(
                FactorName::Competitors,
                1.0 / (f64::from(others) + 1.0),
                detail,
            )
        }
        None => {
            missing.push(MissingInput::CompetitorCount);
            Tally::base(
                FactorName::Stage,
                prior,
                format!(
                    "At `{}` with the competitor count unknown, the prior is {prior:.2} (published hiring funnels).",
                    input.stage
                ),
            )
        }
    };

    match input.competition.internal_candidate {
        Some(true) => tally.apply(
            FactorName::InternalCandidate,
            INTERNAL_CANDIDATE_MULTIPLIER,
            format!(
                "An internal candidate competes, and internal candidates are hired far more often: ×{INTERNAL_CANDIDATE_MULTIPLIER:.2}."
            ),
        ),
        Some(false) => tally.apply(
            FactorName::InternalCandidate,
            1.0,
            "No internal candidate competes: no effect.".to_owned(),
        ),
        None => missing.push(MissingInput::InternalCandidate),
    }

    match input.fit.and_then(FitSignal::sanitized) {
        Some(fit) => {
            let multiplier = fit.multiplier();
            let basis = if fit.interviewer_share >= 1.0 {
                "all rated by the interviewer".to_owned()
            } else if fit.interviewer_share <= 0.0 {
                "from your own ratings only, which count half".to_owned()
            } else {
                format!(
                    "{:.0} % of the weight rated by the interviewer",
                    fit.interviewer_share * 100.0
                )
            };
            tally.apply(
                FactorName::Fit,
                multiplier,
                format!(
                    "Fit {:.2}, {basis}: ×{multiplier:.2} ({NEUTRAL_FIT:.2} is neutral).",
                    fit.value
                ),
            );
            if fit.interviewer_share < 1.0 {
                missing.push(MissingInput::InterviewerRatings);
            }
        }
        None => missing.push(MissingInput::Fit),
    }

    let broken = input.promises_broken;
    let multiplier = BROKEN_PROMISE_MULTIPLIER.powi(saturating_i32(broken));
    let detail = match broken {
        0 => "No broken promise: no effect.".to_owned(),
        1 => format!("The employer broke a promise: ×{multiplier:.2}."),
        n => format!("The employer broke {n} promises: ×{multiplier:.2}."),
    };
    tally.apply(FactorName::BrokenPromises, multiplier, detail);

    let unanswered = input.unanswered_follow_ups;
    let multiplier =
        UNANSWERED_FOLLOW_UP_MULTIPLIER.powi(saturating_i32(unanswered.saturating_sub(1)));
    let detail = match unanswered {
        0 => "No follow-up is waiting for a reply: no effect.".to_owned(),
        1 => "One follow-up is waiting for a reply: no effect (the first is free).".to_owned(),
        n => format!("{n} follow-ups without a reply: ×{multiplier:.2} (the first is free)."),
    };
    tally.apply(FactorName::UnansweredFollowUps, multiplier, detail);

    match input.days_since_inbound {
        Some(days) if input.promise_pending => tally.apply(
            FactorName::Silence,
            1.0,
            format!(
                "{} since the employer was last heard from, but a promise is pending: no effect.",
                days_phrase(days)
            ),
        ),
        Some(days) => {
            let multiplier = silence_multiplier(days);
            let detail = if multiplier >= 1.0 {
                format!(
                    "{} since the employer was last heard from: no effect (a week is normal).",
                    days_phrase(days)
                )
            } else {
                format!(
                    "{} since the employer was last heard from: ×{multiplier:.2}.",
                    days_phrase(days)
                )
            };
            tally.apply(FactorName::Silence, multiplier, detail);
        }
        None => missing.push(MissingInput::LastInbound),
    }

    tally.cap(
        OPEN_CAP,
        format!(
            "Capped at {OPEN_CAP:.2} before an offer: a front runner can still lose to an internal promotion or a cancelled position."
        ),
    );
    tally.finish(missing)
}

/// Whole days from `since` to `at`, rounded down; 0 when `since` is later
/// (for [`StandingInput::days_since_inbound`]).
pub fn whole_days_between(since: DateTime<Utc>, at: DateTime<Utc>) -> u32 {
    u32::try_from((at - since).num_days()).unwrap_or(if at > since { u32::MAX } else { 0 })
}

fn days_phrase(days: u32) -> String {
    if days == 1 {
        "1 day".to_owned()
    } else {
        format!("{days} days")
    }
}

fn saturating_i32(n: u32) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}
