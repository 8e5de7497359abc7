//! Candidate comparisons: how the seeker fits the employer's ideal candidate,
//! how they stand in the race, what would most raise that standing, and the
//! rows of the side-by-side table ("which offer?", "where do I put my
//! effort?").
//!
//! Everything here is a pure function of plain values; the caller loads the
//! facts and maps them into [`Criterion`], [`StandingInput`] and [`RowInput`].
//!
//! # Fit
//!
//! The ideal-candidate profile comes from asking "how do I compare to your
//! ideal candidate?" (Sheffield, Attridge). Each [`Criterion`] has the
//! employer's weight `w` (1–5), the seeker's self rating (0–5) and, when given,
//! the interviewer's rating (0–5). The rating used, `r`, is the interviewer's
//! when given, else the seeker's own.
//!
//! - `fit = Σ w·r / Σ w·5`, in 0–1, rounded to 2 decimals on the wire; `None`
//!   when there are no criteria. The report also carries the integer points
//!   (`Σ w·r`, `Σ w·5`) it was computed from.
//! - Gaps: every criterion with `r < 5`, ranked by `score = w·(5 − r)` (the
//!   points missing to the ideal) descending, ties by name.
//! - Strengths: the criteria with `r ≥ 4` ([`STRENGTH_MIN_RATING`]), ranked by
//!   `score = w·r` descending, ties by name, at most 3 ([`STRENGTHS_MAX`]).
//!   They feed the influence letter. A criterion rated 4 can be both a
//!   strength and a (small) gap.
//! - The interviewer share is the part of the total weight whose rating came
//!   from the interviewer; the standing trusts a fit more when it is high.
//!
//! # Standing
//!
//! A deterministic heuristic for "how likely is this opportunity to end in an
//! offer?", always returned with its factors and the inputs it did not know,
//! never as a bare number. It is a coaching aid, not a statistical model: the
//! priors come from published hiring funnels, the adjustments are judgment
//! calls documented here, and the value is rounded to 2 decimals because it
//! has no more precision than that.
//!
//! ## Closed stages and offers
//!
//! | stage | value | why |
//! |---|---|---|
//! | `offer`, `accepted` | 1.00 | the offer is made; what is left is the seeker's call |
//! | `declined`, `rejected`, `withdrawn` | 0.00 | closed, nothing left to win |
//! | `ghosted` | 0.05 | reopens only if the employer comes back ([`GHOSTED_STANDING`], a judgment call) |
//!
//! These carry a single `stage` factor and no missing inputs.
//!
//! ## Open stages before an offer (`prospect` … `final`)
//!
//! ```text
//! base  = 1 / (n + 1)            when the competitor count n is known
//!                                (n others plus the seeker, each equally likely)
//!       = prior(stage)           otherwise (table below)
//! v     = base
//!       × internal               0.70 when an internal candidate competes, else 1
//!       × fit                    1 + (fit − 0.60) × (0.5 + 0.5 × s)
//!       × 0.80 ^ b               b = broken promises
//!       × 0.90 ^ max(u − 1, 0)   u = follow-ups since the employer was last heard from
//!       × silence(d)             d = whole days since the employer was last heard from
//! value = round(min(v, 0.90), 2 decimals)
//! ```
//!
//! Stage priors, used when the competitor count is unknown:
//!
//! | stage | prior | source |
//! |---|---|---|
//! | `prospect` | 0.01 | not applied yet: below `applied` (judgment) |
//! | `applied` | 0.03 | applicant → interview ≈ 12 % (Jobvite's 2014 funnel: 7 of 59 applicants per opening interviewed) × interview → offer ≈ 28 % (Jobvite 2018 Recruiting Benchmark Report, 2017 data) ≈ 3.4 %; CareerPlug's small-business data (≈ 3 % × 27 %) is lower, so 0.03 |
//! | `screening` | 0.10 | no published benchmark isolates it; between `applied` and `interviewing` (their geometric mean is 0.09) |
//! | `interviewing` | 0.25 | interview → offer: 28 % in 2017, 20 % in 2016 (Jobvite 2018 benchmark); 27 % interview → hire (CareerPlug) |
//! | `final` | 0.40 | ERE: 1–3 finalists per opening → 1/2–1/3; 0.40 sits between (a sole finalist usually knows it and enters a count of 0) |
//!
//! The factors, applied in this order:
//!
//! 1. `competitors` (count known) or `stage` (count unknown): the base above.
//!    A known count replaces the stage prior.
//! 2. `internal_candidate`: ×0.70 when the employer has an internal candidate
//!    in the race — the article's "promote someone internally" — because
//!    internal candidates are hired far more often than their share of the
//!    applicants (Jobvite's source-of-hire figures put them well ahead of
//!    every external source); ×1 when there is none. The 0.70 itself is a
//!    judgment call (an internal candidate about twice as likely as each of
//!    two external ones gives 1/4 instead of 1/3). Unknown: no factor,
//!    `internal_candidate` listed as missing.
//! 3. `fit`: `1 + (fit − 0.60) × (0.5 + 0.5 × s)`, where `s` is the
//!    interviewer share. A fit of 0.60 (3 of 5 on every criterion) is neutral;
//!    the multiplier runs from 0.40 to 1.40 when the interviewer rated
//!    everything and from 0.70 to 1.20 on self ratings alone (they count half).
//!    Unknown (no criteria): no factor, `fit` missing; `interviewer_ratings`
//!    missing whenever `s < 1`.
//! 4. `broken_promises`: ×0.80 per promise the employer broke. Mild, because
//!    a missed call is as often "work life intervenes" (Sheffield) as a no.
//! 5. `unanswered_follow_ups`: ×0.90 per follow-up without a reply, the first
//!    one free (a follow-up just sent has not had time to be answered); at the
//!    `move_on` rule's 4 this is ×0.73.
//! 6. `silence`: days since the employer was last heard from (an inbound
//!    message or a conversation): up to 7 days ×1 (the `follow_up_after_silence`
//!    rule waits a week), 8–30 days ×0.85, 31–60 days ×0.60 (past the `move_on`
//!    rule's 30 days), more than 60 days ×0.40. While a promise is pending the
//!    silence is expected and counts ×1. Never heard from: no factor,
//!    `last_inbound` missing.
//! 7. `cap`: before an offer the value never exceeds 0.90 ([`OPEN_CAP`]): a
//!    finalist can still lose to an internal promotion or a cancelled
//!    position, the article's reasons. Listed only when it binds.
//!
//! Each factor reports its `multiplier` (none for the base and the cap) and
//! its `effect`: the signed change it made to the running value, in the order
//! above, rounded to 2 decimals. The base's effect is the base itself, so the
//! effects add up to the value, give or take rounding. Factors with no effect
//! (×1) are still listed, so the seeker sees what was considered.
//!
//! Every multiplier is positive and monotonic in its input, so the value
//! never rises with more competitors, a broken promise, more unanswered
//! follow-ups or more silence, and never falls with a higher fit (the tests
//! check these as properties).
//!
//! Worked example, Jane on Mon 18 Jan 2010: `final`, count unknown (0.40), no
//! internal candidate known, no profile, the promised call broken (×0.80),
//! one follow-up unanswered (free), 32 days since the last meeting (×0.60):
//! 0.40 × 0.80 × 0.60 = 0.192 → **0.19**. A week earlier, at 25 days (×0.85),
//! it was 0.272 → 0.27.
//!
//! ## What would raise it
//!
//! [`improve`] lists, for `screening`, `interviewing` and `final`: the open
//! process questions (where are you in the process; how do I compare to your
//! ideal candidate; how many other candidates), entering the profile when the
//! comparison question was answered but no criteria are recorded, closing the
//! largest gap in the influence letter (with the fit and standing it would
//! give), and getting a reply when silence costs standing.
//!
//! # Comparison rows
//!
//! [`comparison_row`] builds one row per opportunity; [`sort_rows`] sorts rows
//! by any [`SortColumn`]. The yearly total is base + bonus, only when both are
//! in the same currency; totals in different currencies are never ranked
//! against each other: sorting by `yearly_total` groups rows by currency
//! (alphabetically) and sorts within each group, and says so in a note.

use std::cmp::Ordering;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::stage::Stage;
use crate::wire::wire_enum;

// ----------------------------------------------------------------------------
// Fit
// ----------------------------------------------------------------------------

/// The top of the weight and rating scales.
pub const SCALE_MAX: u8 = 5;
/// The lowest rating that makes a criterion a strength.
pub const STRENGTH_MIN_RATING: u8 = 4;
/// How many strengths are reported (the influence letter names these).
pub const STRENGTHS_MAX: usize = 3;

/// One criterion of the employer's ideal-candidate profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    /// What the employer looks for, e.g. "SQL" or "team leadership".
    pub name: String,
    /// How much the employer cares, 1–5.
    pub weight: u8,
    /// The seeker's own rating, 0–5.
    pub self_rating: u8,
    /// The interviewer's rating, 0–5, when they gave one; preferred.
    #[serde(default)]
    pub interviewer_rating: Option<u8>,
    /// What backs the rating (a project, a number, a quote).
    #[serde(default)]
    pub evidence: Option<String>,
}

impl Criterion {
    /// The rating that counts: the interviewer's when given, else the seeker's.
    pub fn rating(&self) -> u8 {
        self.interviewer_rating.unwrap_or(self.self_rating)
    }

    /// Whose rating [`Criterion::rating`] is.
    pub fn rated_by(&self) -> RatedBy {
        if self.interviewer_rating.is_some() {
            RatedBy::Interviewer
        } else {
            RatedBy::Seeker
        }
    }
}

wire_enum! {
    /// Whose rating a score was computed from: the interviewer's (preferred) or the seeker's own.
    pub enum RatedBy as "rater" {
        /// The interviewer's rating.
        Interviewer => "interviewer",
        /// The seeker's self rating.
        Seeker => "seeker",
    }
}

wire_enum! {
    /// A field of a [`Criterion`], as named in validation errors.
    pub enum CriterionField as "criterion field" {
        /// `name`.
        Name => "name",
        /// `weight`.
        Weight => "weight",
        /// `self_rating`.
        SelfRating => "self_rating",
        /// `interviewer_rating`.
        InterviewerRating => "interviewer_rating",
    }
}

/// An invalid criterion, naming its index in the list and the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CriterionError {
    /// A weight or rating outside its scale.
    #[error("criteria[{index}].{field}: must be between {min} and {max}, got {value}")]
    OutOfRange {
        /// Position of the criterion in the list, from 0.
        index: usize,
        /// The field at fault.
        field: CriterionField,
        /// The value given.
        value: u8,
        /// Smallest accepted value.
        min: u8,
        /// Largest accepted value.
        max: u8,
    },
    /// An empty or all-blank name.
    #[error("criteria[{index}].name: must not be blank")]
    BlankName {
        /// Position of the criterion in the list, from 0.
        index: usize,
    },
    /// The same name (ignoring case and surrounding blanks) twice.
    #[error("criteria[{index}].name: `{name}` repeats criteria[{first}]")]
    DuplicateName {
        /// Position of the repeat, from 0.
        index: usize,
        /// Position of the first criterion with that name.
        first: usize,
        /// The repeated name.
        name: String,
    },
}

impl CriterionError {
    /// Position of the offending criterion in the list, from 0.
    pub const fn index(&self) -> usize {
        match self {
            Self::OutOfRange { index, .. }
            | Self::BlankName { index }
            | Self::DuplicateName { index, .. } => *index,
        }
    }

    /// The field at fault.
    pub const fn field(&self) -> CriterionField {
        match self {
            Self::OutOfRange { field, .. } => *field,
            Self::BlankName { .. } | Self::DuplicateName { .. } => CriterionField::Name,
        }
    }
}

/// Every problem with the criteria, in list order (fields in declaration
/// order within a criterion); empty when they are all valid.
pub fn validate_criteria(criteria: &[Criterion]) -> Vec<CriterionError> {
    let mut errors = Vec::new();
    let mut seen: Vec<(String, usize)> = Vec::new();
    for (index, criterion) in criteria.iter().enumerate() {
        let key = criterion.name.trim().to_lowercase();
        if key.is_empty() {
            errors.push(CriterionError::BlankName { index });
        } else if let Some(&(_, first)) = seen.iter().find(|(name, _)| *name == key) {
            errors.push(CriterionError::DuplicateName {
                index,
                first,
                name: criterion.name.clone(),
            });
        } else {
            seen.push((key, index));
        }
        let ranges = [
            (CriterionField::Weight, Some(criterion.weight), 1),
            (CriterionField::SelfRating, Some(criterion.self_rating), 0),
            (
                CriterionField::InterviewerRating,
                criterion.interviewer_rating,
                0,
            ),
        ];
        for (field, value, min) in ranges {
            if let Some(value) = value
                && !(min..=SCALE_MAX).contains(&value)
            {
                errors.push(CriterionError::OutOfRange {
                    index,
                    field,
                    value,
                    min,
                    max: SCALE_MAX,
                });
            }
        }
    }
    errors
}

/// A criterion of the profile, scored for a gap or a strength.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ScoredCriterion {
    /// What the employer looks for.
    pub name: String,
    /// How much the employer cares, 1–5.
    pub weight: u8,
    /// The rating that counted, 0–5: the interviewer's when given, else the seeker's.
    pub rating: u8,
    /// Whose rating `rating` is.
    pub rated_by: RatedBy,
    /// The ranking key: `weight × (5 − rating)` for a gap (the points missing
    /// to the ideal), `weight × rating` for a strength.
    pub score: u32,
}

/// Fit against the ideal-candidate profile, with gaps and strengths.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FitReport {
    /// `points / max_points` rounded to 2 decimals, 0–1; `None` without criteria.
    pub fit: Option<f64>,
    /// `Σ weight × rating`.
    pub points: u32,
    /// `Σ weight × 5`.
    pub max_points: u32,
    /// Share of the total weight rated by the interviewer, 0–1 rounded to 2
    /// decimals; `None` without criteria.
    pub interviewer_share: Option<f64>,
    /// Criteria short of the ideal, largest `weight × (5 − rating)` first,
    /// ties by name.
    pub gaps: Vec<ScoredCriterion>,
    /// Up to 3 criteria rated 4 or 5, largest `weight × rating` first, ties
    /// by name.
    pub strengths: Vec<ScoredCriterion>,
}

impl FitReport {
    /// What the standing needs from the fit: the unrounded value and the
    /// interviewer share. `None` without criteria.
    pub fn signal(&self) -> Option<FitSignal> {
        if self.max_points == 0 {
            return None;
        }
        Some(FitSignal {
            value: f64::from(self.points) / f64::from(self.max_points),
            interviewer_share: self.interviewer_share.unwrap_or(0.0),
        })
    }
}

/// Fit, gaps and strengths of a profile, or the first invalid criterion (see
/// [`validate_criteria`] for all of them).
pub fn assess_fit(criteria: &[Criterion]) -> Result<FitReport, CriterionError> {
    if let Some(error) = validate_criteria(criteria).into_iter().next() {
        return Err(error);
    }
    let max = u32::from(SCALE_MAX);
    let mut points = 0;
    let mut max_points = 0;
    let mut interviewer_weight = 0;
    let mut total_weight = 0;
    let mut gaps = Vec::new();
    let mut strengths = Vec::new();
    for criterion in criteria {
        let weight = u32::from(criterion.weight);
        let rating = u32::from(criterion.rating());
        points += weight * rating;
        max_points += weight * max;
        total_weight += weight;
        if criterion.rated_by() == RatedBy::Interviewer {
            interviewer_weight += weight;
        }
        let scored = |score| ScoredCriterion {
            name: criterion.name.clone(),
            weight: criterion.weight,
            rating: criterion.rating(),
            rated_by: criterion.rated_by(),
            score,
        };
        if rating < max {
            gaps.push(scored(weight * (max - rating)));
        }
        if criterion.rating() >= STRENGTH_MIN_RATING {
            strengths.push(scored(weight * rating));
        }
    }
    let by_score = |a: &ScoredCriterion, b: &ScoredCriterion| {
        b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name))
    };
    gaps.sort_by(by_score);
    strengths.sort_by(by_score);
    strengths.truncate(STRENGTHS_MAX);
    let ratio =
        |part: u32, whole: u32| (whole > 0).then(|| round2(f64::from(part) / f64::from(whole)));
    Ok(FitReport {
        fit: ratio(points, max_points),
        points,
        max_points,
        interviewer_share: ratio(interviewer_weight, total_weight),
        gaps,
        strengths,
    })
}

// ----------------------------------------------------------------------------
// Standing
// ----------------------------------------------------------------------------

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
    /// when unknown.
    #[serde(default)]
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
    fn sanitized(self) -> Option<Self> {
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
    /// The fit from the profile ([`FitReport::signal`]); `None` without one.
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

// ----------------------------------------------------------------------------
// What would raise the standing
// ----------------------------------------------------------------------------

/// Which of the three process questions (Sheffield, Attridge) have been
/// answered. A known competitor count or interviewer ratings count as answers
/// to their questions too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessAnswers {
    /// "Where are you in the search process?"
    #[serde(default)]
    pub where_in_process: bool,
    /// "How do I compare to your ideal candidate?"
    #[serde(default)]
    pub compare_to_ideal: bool,
    /// "How many other candidates are you considering?"
    #[serde(default)]
    pub other_candidates: bool,
}

wire_enum! {
    /// A kind of step that would raise the standing or firm it up.
    pub enum ImproveAction as "improvement" {
        /// Ask an open process question at the next conversation.
        AskQuestion => "ask_question",
        /// Enter the ideal-candidate criteria the employer described.
        RecordProfile => "record_profile",
        /// Address the largest gap in the influence letter.
        CloseGap => "close_gap",
        /// Get the employer to answer (silence is costing standing).
        GetAReply => "get_a_reply",
    }
}

/// One step that would raise the standing, or firm it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Improvement {
    /// What to do.
    pub action: ImproveAction,
    /// The question to ask or the gap to close, and what it would change.
    pub detail: String,
}

/// What would most raise the standing, for an opportunity at `screening`,
/// `interviewing` or `final` (empty at other stages): the open process
/// questions first (in the order the coaches give them), then recording the
/// profile, closing the largest gap, and getting a reply.
pub fn improve(
    input: &StandingInput,
    fit: Option<&FitReport>,
    answered: ProcessAnswers,
) -> Vec<Improvement> {
    if !matches!(
        input.stage,
        Stage::Screening | Stage::Interviewing | Stage::Final
    ) {
        return Vec::new();
    }
    let current = standing(input).value;
    let mut steps = Vec::new();
    let has_profile = fit.is_some_and(|report| report.max_points > 0);
    let rated_by_interviewer =
        fit.is_some_and(|report| report.interviewer_share.is_some_and(|share| share > 0.0));

    let ask = |question: &str, why: &str| Improvement {
        action: ImproveAction::AskQuestion,
        detail: format!("Ask \"{question}\" {why}"),
    };
    if !answered.where_in_process {
        steps.push(ask(
            "Where are you in the search process?",
            "so you know when to expect a decision and when silence means something (Sheffield).",
        ));
    }
    if !answered.compare_to_ideal && !rated_by_interviewer {
        steps.push(ask(
            "How do I compare to your ideal candidate?",
            "so the fit rests on the interviewer's view rather than yours (Sheffield).",
        ));
    }
    if !answered.other_candidates && input.competition.count.is_none() {
        steps.push(ask(
            "How many other candidates are you considering?",
            "so the standing rests on the real field instead of a published average (Attridge).",
        ));
    }
    if !has_profile && (answered.compare_to_ideal || rated_by_interviewer) {
        steps.push(Improvement {
            action: ImproveAction::RecordProfile,
            detail: "Enter the criteria the employer described, with their weights and your ratings, so fit and gaps can count.".to_owned(),
        });
    }

    if let Some(report) = fit
        && let Some(gap) = report.gaps.first()
        && report.max_points > 0
    {
        let new_fit = f64::from(report.points + gap.score) / f64::from(report.max_points);
        let with_gap_closed = StandingInput {
            fit: Some(FitSignal {
                value: new_fit,
                interviewer_share: report.interviewer_share.unwrap_or(0.0),
            }),
            ..*input
        };
        let raised = standing(&with_gap_closed).value;
        let from = report.fit.unwrap_or(0.0);
        steps.push(Improvement {
            action: ImproveAction::CloseGap,
            detail: format!(
                "Show in your influence letter how you would cover \"{name}\" in your first six months: it weighs {weight} and is rated {rating} of 5, the largest gap ({score} points). Closing it would lift fit from {from:.2} to {new_fit:.2} and standing from {current:.2} to {raised:.2}.",
                name = gap.name,
                weight = gap.weight,
                rating = gap.rating,
                score = gap.score,
            ),
        });
    }

    if !input.promise_pending
        && input
            .days_since_inbound
            .is_some_and(|days| silence_multiplier(days) < 1.0)
    {
        let answered_now = StandingInput {
            days_since_inbound: Some(0),
            unanswered_follow_ups: 0,
            ..*input
        };
        let raised = standing(&answered_now).value;
        if raised > current {
            steps.push(Improvement {
                action: ImproveAction::GetAReply,
                detail: format!(
                    "The silence is costing standing: a reply would raise it from {current:.2} to {raised:.2}. Follow up within the weekly cap with information, not pressure (Cohen)."
                ),
            });
        }
    }
    steps
}

// ----------------------------------------------------------------------------
// Offer terms and comparison rows
// ----------------------------------------------------------------------------

/// An ISO 4217 currency code: three ASCII letters, kept upper-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency(String);

/// A currency code that is not three letters.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("`{0}` is not a currency code; expected three letters such as USD or EUR")]
pub struct CurrencyError(pub String);

impl Currency {
    /// Parses a three-letter code, in any case (`usd` becomes `USD`).
    pub fn parse(code: &str) -> Result<Self, CurrencyError> {
        if code.len() == 3 && code.bytes().all(|b| b.is_ascii_alphabetic()) {
            Ok(Self(code.to_ascii_uppercase()))
        } else {
            Err(CurrencyError(code.to_owned()))
        }
    }

    /// The upper-case code.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Currency {
    type Error = CurrencyError;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Self::parse(&code)
    }
}

impl From<Currency> for String {
    fn from(currency: Currency) -> Self {
        currency.0
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An amount in whole units of a currency.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Money {
    /// Whole units.
    pub amount: u64,
    /// ISO 4217 code.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub currency: Currency,
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount, self.currency)
    }
}

/// Compensation and offer terms of an opportunity (posted or offered).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferTerms {
    /// Yearly base salary, whole units of `currency`.
    #[serde(default)]
    pub base: Option<u64>,
    /// Yearly (target) bonus, whole units of `bonus_currency`, else of `currency`.
    #[serde(default)]
    pub bonus: Option<u64>,
    /// Currency of the base (and of the bonus unless `bonus_currency` says otherwise).
    #[serde(default)]
    pub currency: Option<Currency>,
    /// Currency of the bonus when it differs from the base's.
    #[serde(default)]
    pub bonus_currency: Option<Currency>,
    /// Equity, as the employer described it; never converted to money.
    #[serde(default)]
    pub equity: Option<String>,
    /// Date by which the offer must be answered.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

/// Why the terms give no yearly total.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum NoYearlyTotal {
    /// No base salary.
    #[error("no yearly total: no base salary given")]
    NoBase,
    /// A base without a currency.
    #[error("no yearly total: the currency is not given")]
    NoCurrency,
    /// Base and bonus in different currencies, which are never summed.
    #[error("no yearly total: the base in {base} and the bonus in {bonus} are not added up")]
    MixedCurrencies {
        /// The base's currency.
        base: Currency,
        /// The bonus's currency.
        bonus: Currency,
    },
    /// The sum does not fit in 64 bits.
    #[error("no yearly total: the amounts are too large")]
    TooLarge,
}

/// Base + bonus (a missing bonus counts as none), only when both are in the
/// same currency; equity is never included.
pub fn yearly_total(terms: &OfferTerms) -> Result<Money, NoYearlyTotal> {
    let base = terms.base.ok_or(NoYearlyTotal::NoBase)?;
    let currency = terms.currency.clone().ok_or(NoYearlyTotal::NoCurrency)?;
    let bonus = terms.bonus.unwrap_or(0);
    if let Some(bonus_currency) = &terms.bonus_currency
        && terms.bonus.is_some()
        && *bonus_currency != currency
    {
        return Err(NoYearlyTotal::MixedCurrencies {
            base: currency,
            bonus: bonus_currency.clone(),
        });
    }
    let amount = base.checked_add(bonus).ok_or(NoYearlyTotal::TooLarge)?;
    Ok(Money { amount, currency })
}

/// What one comparison row is built from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowInput {
    /// The opportunity's id.
    pub opportunity_id: String,
    /// The standing inputs (stage, competition, fit, promises, silence).
    pub standing: StandingInput,
    /// The seeker's excitement about the job, 1–5.
    #[serde(default)]
    pub excitement: Option<u8>,
    /// Compensation and offer terms.
    #[serde(default)]
    pub offer: OfferTerms,
}

/// One row of the side-by-side comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComparisonRow {
    /// The opportunity's id.
    pub opportunity_id: String,
    /// Its stage.
    pub stage: Stage,
    /// Fit, 0–1 rounded to 2 decimals; `None` without a profile.
    pub fit: Option<f64>,
    /// Other candidates, when known.
    pub competitors: Option<u32>,
    /// Whether an internal candidate competes, when known.
    pub internal_candidate: Option<bool>,
    /// The standing with its factors.
    pub standing: Standing,
    /// Whole days since the employer was last heard from; `None` when never.
    pub days_since_inbound: Option<u32>,
    /// Promises the employer broke.
    pub promises_broken: u32,
    /// The seeker's excitement, 1–5.
    pub excitement: Option<u8>,
    /// Compensation and offer terms, with the deadline.
    pub offer: OfferTerms,
    /// Base + bonus when the terms allow it (same currency).
    pub yearly_total: Option<Money>,
    /// Why a value is missing (e.g. why there is no yearly total).
    pub notes: Vec<String>,
}

impl AsRef<Self> for ComparisonRow {
    fn as_ref(&self) -> &Self {
        self
    }
}

/// Builds the row: the standing, the rounded fit and the yearly total (with a
/// note when offer terms exist but give none).
pub fn comparison_row(input: &RowInput) -> ComparisonRow {
    let inputs = &input.standing;
    let mut notes = Vec::new();
    let yearly = match yearly_total(&input.offer) {
        Ok(total) => Some(total),
        Err(NoYearlyTotal::NoBase) if input.offer.bonus.is_none() => None,
        Err(why) => {
            notes.push(why.to_string());
            None
        }
    };
    ComparisonRow {
        opportunity_id: input.opportunity_id.clone(),
        stage: inputs.stage,
        fit: inputs
            .fit
            .and_then(FitSignal::sanitized)
            .map(|fit| round2(fit.value)),
        competitors: inputs.competition.count,
        internal_candidate: inputs.competition.internal_candidate,
        standing: standing(inputs),
        days_since_inbound: inputs.days_since_inbound,
        promises_broken: inputs.promises_broken,
        excitement: input.excitement,
        offer: input.offer.clone(),
        yearly_total: yearly,
        notes,
    }
}

wire_enum! {
    /// A column the comparison table can be sorted by.
    pub enum SortColumn as "sort column" {
        /// Furthest along first when descending; closed stages always rank lowest.
        Stage => "stage",
        /// Fit.
        Fit => "fit",
        /// Known competitor count.
        Competitors => "competitors",
        /// Standing value.
        Standing => "standing",
        /// Days since the employer was last heard from.
        DaysSinceInbound => "days_since_inbound",
        /// Promises broken.
        PromisesBroken => "promises_broken",
        /// Offer deadline.
        Deadline => "deadline",
        /// Excitement.
        Excitement => "excitement",
        /// Yearly total, grouped by currency.
        YearlyTotal => "yearly_total",
    }
}

wire_enum! {
    /// Sort direction.
    pub enum SortOrder as "sort order" {
        /// Smallest first.
        Asc => "asc",
        /// Largest first.
        Desc => "desc",
    }
}

impl SortColumn {
    /// The natural direction: best first (highest standing, fit, excitement,
    /// total and stage; fewest competitors, broken promises and days of
    /// silence; soonest deadline).
    pub const fn default_order(self) -> SortOrder {
        match self {
            Self::Stage | Self::Fit | Self::Standing | Self::Excitement | Self::YearlyTotal => {
                SortOrder::Desc
            }
            Self::Competitors | Self::DaysSinceInbound | Self::PromisesBroken | Self::Deadline => {
                SortOrder::Asc
            }
        }
    }

    /// The column's name in notes.
    const fn label(self) -> &'static str {
        match self {
            Self::Stage => "a stage",
            Self::Fit => "a fit",
            Self::Competitors => "a competitor count",
            Self::Standing => "a standing",
            Self::DaysSinceInbound => "a reply from the employer yet",
            Self::PromisesBroken => "a promise count",
            Self::Deadline => "a deadline",
            Self::Excitement => "an excitement rating",
            Self::YearlyTotal => "a yearly total",
        }
    }
}

/// Rank of a stage for sorting: along the chain, with the closed stages
/// (`declined`, `rejected`, `withdrawn`, `ghosted`) below `prospect`.
const fn stage_rank(stage: Stage) -> u8 {
    match stage {
        Stage::Declined | Stage::Rejected | Stage::Withdrawn | Stage::Ghosted => 0,
        Stage::Prospect => 1,
        Stage::Applied => 2,
        Stage::Screening => 3,
        Stage::Interviewing => 4,
        Stage::Final => 5,
        Stage::Offer => 6,
        Stage::Accepted => 7,
    }
}

/// Sorts rows by `column` in `order`, and returns notes on what the order
/// does not say.
///
/// - Rows without a value in the column come last, whatever the order.
/// - Ties keep a fixed order: by `opportunity_id`.
/// - `yearly_total`: totals in different currencies are never ranked against
///   each other; rows are grouped by currency (alphabetically by code) and
///   sorted by amount within each group, and a note says so.
///
/// Generic over anything that holds a row, so a caller can sort its own row
/// type (one that adds the next action, say) by the core's columns.
pub fn sort_rows<T: AsRef<ComparisonRow>>(
    rows: &mut [T],
    column: SortColumn,
    order: SortOrder,
) -> Vec<String> {
    rows.sort_by(|a, b| {
        let (a, b) = (a.as_ref(), b.as_ref());
        compare_column(a, b, column, order).then_with(|| a.opportunity_id.cmp(&b.opportunity_id))
    });

    let mut notes = Vec::new();
    if column == SortColumn::YearlyTotal {
        let mut currencies: Vec<&str> = rows
            .iter()
            .filter_map(|row| row.as_ref().yearly_total.as_ref())
            .map(|total| total.currency.as_str())
            .collect();
        currencies.sort_unstable();
        currencies.dedup();
        if currencies.len() > 1 {
            notes.push(format!(
                "Yearly totals in {} are not ranked against each other: rows are grouped by currency, in that order, and sorted within each group.",
                list_phrase(&currencies)
            ));
        }
    }
    let without = rows
        .iter()
        .filter(|row| !has_value(row.as_ref(), column))
        .count();
    if without > 0 {
        let rows_phrase = if without == 1 {
            "1 row".to_owned()
        } else {
            format!("{without} rows")
        };
        let verb = if without == 1 { "is" } else { "are" };
        notes.push(format!(
            "{rows_phrase} without {} {verb} listed last.",
            column.label()
        ));
    }
    notes
}

fn list_phrase(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

fn has_value(row: &ComparisonRow, column: SortColumn) -> bool {
    match column {
        SortColumn::Stage | SortColumn::Standing | SortColumn::PromisesBroken => true,
        SortColumn::Fit => row.fit.is_some(),
        SortColumn::Competitors => row.competitors.is_some(),
        SortColumn::DaysSinceInbound => row.days_since_inbound.is_some(),
        SortColumn::Deadline => row.offer.deadline.is_some(),
        SortColumn::Excitement => row.excitement.is_some(),
        SortColumn::YearlyTotal => row.yearly_total.is_some(),
    }
}

fn compare_column(
    a: &ComparisonRow,
    b: &ComparisonRow,
    column: SortColumn,
    order: SortOrder,
) -> Ordering {
    let directed = |ordering: Ordering| match order {
        SortOrder::Asc => ordering,
        SortOrder::Desc => ordering.reverse(),
    };
    match column {
        SortColumn::Stage => directed(stage_rank(a.stage).cmp(&stage_rank(b.stage))),
        SortColumn::Standing => directed(a.standing.value.total_cmp(&b.standing.value)),
        SortColumn::PromisesBroken => directed(a.promises_broken.cmp(&b.promises_broken)),
        SortColumn::Fit => present_first(a.fit, b.fit, |x, y| directed(x.total_cmp(&y))),
        SortColumn::Competitors => {
            present_first(a.competitors, b.competitors, |x, y| directed(x.cmp(&y)))
        }
        SortColumn::DaysSinceInbound => {
            present_first(a.days_since_inbound, b.days_since_inbound, |x, y| {
                directed(x.cmp(&y))
            })
        }
        SortColumn::Deadline => present_first(a.offer.deadline, b.offer.deadline, |x, y| {
            directed(x.cmp(&y))
        }),
        SortColumn::Excitement => {
            present_first(a.excitement, b.excitement, |x, y| directed(x.cmp(&y)))
        }
        SortColumn::YearlyTotal => {
            present_first(a.yearly_total.as_ref(), b.yearly_total.as_ref(), |x, y| {
                x.currency
                    .cmp(&y.currency)
                    .then_with(|| directed(x.amount.cmp(&y.amount)))
            })
        }
    }
}

/// Orders present values by `cmp` and puts absent ones after them.
fn present_first<V>(a: Option<V>, b: Option<V>, cmp: impl Fn(V, V) -> Ordering) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => cmp(x, y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

/// Rounds to 2 decimals, never returning `-0.0`.
pub(crate) fn round2(x: f64) -> f64 {
    let rounded = (x * 100.0).round() / 100.0;
    if rounded == 0.0 { 0.0 } else { rounded }
}

#[cfg(test)]
mod tests;
