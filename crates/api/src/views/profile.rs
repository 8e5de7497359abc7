//! An opportunity's ideal-candidate profile as the API shows and takes it.

use crate::conventions::Actor;
use crate::error::ApiError;
use crate::views::utc;
use chrono::{DateTime, Utc};
use followup_core::compare;
use followup_core::facts::QuestionAnswers;
use followup_store::records::ProfileRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The most criteria a profile holds.
pub const MAX_CRITERIA: usize = 100;

/// The most competing candidates a count may say.
pub const MAX_COMPETITORS: u32 = 10_000;

/// One thing the employer looks for, and how the seeker measures up
/// ("how do I compare to your ideal candidate?").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    /// What the employer looks for.
    #[schema(example = "Team leadership", min_length = 1, max_length = 200)]
    pub name: String,
    /// How much the employer cares, 1–5.
    #[schema(minimum = 1, maximum = 5)]
    pub weight: u8,
    /// The seeker's own rating, 0–5.
    #[schema(minimum = 0, maximum = 5)]
    pub self_rating: u8,
    /// The interviewer's rating, 0–5, when they gave one; it counts before the seeker's.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 5)]
    pub interviewer_rating: Option<u8>,
    /// What backs the rating: a project, a number, a quote.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub evidence: Option<String>,
}

crate::object_only!(Criterion);

/// Who else is in the race ("how many other candidates are you considering?").
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Competition {
    /// How many other candidates compete; `null` = unknown.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 10000)]
    pub competing_candidates: Option<u32>,
    /// Whether an internal candidate competes; `null` = unknown.
    #[serde(default)]
    pub internal_candidate: Option<bool>,
}

crate::object_only!(Competition);

/// The employer's answers to the three process questions, in the seeker's
/// words; `null` = not asked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
pub struct Answers {
    /// "Where are you in the search process?"
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub process_position: Option<String>,
    /// "How do I compare to your ideal candidate?"
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub comparison: Option<String>,
    /// "How many other candidates are you considering?"
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub competitors: Option<String>,
}

crate::object_only!(Answers);

/// The ideal-candidate profile of an opportunity.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Profile {
    /// What the employer looks for, and how the seeker measures up.
    pub criteria: Vec<Criterion>,
    /// Who else is in the race.
    pub competition: Competition,
    /// The answers to the process questions.
    pub answers: Answers,
    /// What you would accomplish in the role's first six months: the heart
    /// of the influence letter after each interview.
    #[schema(example = "Relaunch the newsletter and double its open rate.")]
    pub first_six_months: Option<String>,
    /// Last changed; `null` while nothing was stored.
    pub updated_at: Option<DateTime<Utc>>,
    /// Who changed it last; `null` while nothing was stored.
    pub updated_by: Option<Actor>,
}

/// A profile with the opportunity it belongs to: the `data` of the
/// `profile.*` events.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OpportunityProfile {
    /// The opportunity.
    pub opportunity_id: String,
    /// Its profile, as `GET /v1/opportunities/{id}/profile` returns it.
    pub profile: Profile,
}

impl Profile {
    /// The profile as stored, or the empty one (version 0) when none is.
    pub fn from_row(row: Option<ProfileRow>) -> Result<(Self, i32), ApiError> {
        let Some(row) = row else {
            return Ok((
                Self {
                    criteria: Vec::new(),
                    competition: Competition::default(),
                    answers: Answers::default(),
                    first_six_months: None,
                    updated_at: None,
                    updated_by: None,
                },
                0,
            ));
        };
        Ok((
            Self {
                criteria: row.criteria.into_iter().map(Criterion::from).collect(),
                competition: Competition::from(row.competition),
                answers: Answers::from(row.answers),
                first_six_months: row.first_six_months,
                updated_at: Some(utc(row.updated_at)),
                updated_by: Some(Actor::from(row.updated_by)),
            },
            row.version,
        ))
    }
}

impl From<compare::Criterion> for Criterion {
    fn from(c: compare::Criterion) -> Self {
        Self {
            name: c.name,
            weight: c.weight,
            self_rating: c.self_rating,
            interviewer_rating: c.interviewer_rating,
            evidence: c.evidence,
        }
    }
}

impl From<Criterion> for compare::Criterion {
    fn from(c: Criterion) -> Self {
        Self {
            name: c.name,
            weight: c.weight,
            self_rating: c.self_rating,
            interviewer_rating: c.interviewer_rating,
            evidence: c.evidence,
        }
    }
}

impl From<compare::Competition> for Competition {
    fn from(c: compare::Competition) -> Self {
        Self {
            competing_candidates: c.count,
            internal_candidate: c.internal_candidate,
        }
    }
}

impl From<Competition> for compare::Competition {
    fn from(c: Competition) -> Self {
        Self {
            count: c.competing_candidates,
            internal_candidate: c.internal_candidate,
        }
    }
}

impl From<QuestionAnswers> for Answers {
    fn from(a: QuestionAnswers) -> Self {
        Self {
            process_position: a.process_position,
            comparison: a.comparison,
            competitors: a.competitors,
        }
    }
}

impl From<Answers> for QuestionAnswers {
    fn from(a: Answers) -> Self {
        Self {
            process_position: a.process_position,
            comparison: a.comparison,
            competitors: a.competitors,
        }
    }
}
