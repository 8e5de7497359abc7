//! Fit: how the seeker measures up to the employer's ideal candidate (see
//! the parent module for the formula).

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::{FitSignal, round2};
use crate::wire::wire_enum;

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
