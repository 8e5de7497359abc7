//! An opportunity and its stage history, as the API shows them.

use crate::conventions::Actor;
use crate::error::ApiError;
use crate::views::utc;
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{RejectionReason, Stage};
use followup_store::pipeline::{OpportunityRow, TransitionRow};
use serde::Serialize;
use utoipa::ToSchema;

/// An opportunity: one job at one employer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Opportunity {
    /// UUIDv7.
    pub id: String,
    /// The employer.
    #[schema(example = "Hearst Digital")]
    pub company: String,
    /// Who the job is with, when it differs from the company's name (a
    /// recruiter's listing, a subsidiary); the company when not set.
    /// Opportunities whose employers match, ignoring case and whitespace, are
    /// at one employer: an offer there is never shared with it, and the
    /// weekly e-mail cap counts them together.
    #[schema(example = "Hearst")]
    pub employer: String,
    /// The job.
    #[schema(example = "Senior Editor")]
    pub title: String,
    /// The employer's industry; some (online media, digital media, tech startups) default to email first.
    #[schema(example = "online media")]
    pub industry: Option<String>,
    /// Where the job is.
    pub location: Option<String>,
    /// Where the seeker found it (referral, job board, …).
    pub source: Option<String>,
    /// The posting's URL.
    pub posting_url: Option<String>,
    /// How much the seeker wants it, 1–5.
    pub excitement: Option<i32>,
    /// Free text.
    pub notes: Option<String>,
    /// Offered yearly base salary, in `currency`.
    pub base_salary: Option<f64>,
    /// Offered yearly bonus, in `currency`.
    pub bonus: Option<f64>,
    /// Equity, in words.
    pub equity: Option<String>,
    /// ISO 4217 code of the amounts.
    #[schema(example = "USD")]
    pub currency: Option<String>,
    /// When the offer must be answered.
    pub offer_deadline: Option<NaiveDate>,
    /// When the offered job would start. With the base, bonus, equity and
    /// deadline, it makes the written offer complete; while any is missing,
    /// the agenda has a `review_offer` asking for them.
    pub offer_start_date: Option<NaiveDate>,
    /// The public holidays its contacts observe (a built-in calendar),
    /// unless a contact names their own; `null`: each contact's time zone's.
    pub holiday_calendar: Option<followup_core::HolidayCalendar>,
    /// Playbook for this opportunity; `null` uses the account's default.
    pub playbook: Option<String>,
    /// Where it stands. Change it with `POST /v1/opportunities/{id}/transitions`.
    pub stage: Stage,
    /// Why it was rejected, when it was and the reason is known.
    pub rejection_reason: Option<RejectionReason>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last: the seeker, a coach or an API key.
    pub updated_by: Actor,
}

impl TryFrom<OpportunityRow> for Opportunity {
    type Error = ApiError;

    fn try_from(row: OpportunityRow) -> Result<Self, ApiError> {
        Ok(Self {
            stage: row.stage,
            rejection_reason: row.rejection_reason,
            updated_by: Actor::from(row.updated_by),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            id: row.id,
            employer: row.employer.unwrap_or_else(|| row.company.clone()),
            company: row.company,
            title: row.title,
            industry: row.industry,
            location: row.location,
            source: row.source,
            posting_url: row.posting_url,
            excitement: row.excitement,
            notes: row.notes,
            base_salary: row.base_salary,
            bonus: row.bonus,
            equity: row.equity,
            currency: row.currency,
            offer_deadline: row.offer_deadline,
            offer_start_date: row.offer_start_date,
            holiday_calendar: row.holiday_calendar,
            playbook: row.playbook,
        })
    }
}

/// One recorded stage change.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transition {
    /// UUIDv7.
    pub id: String,
    /// The stage before; `null` for the stage the opportunity was created in.
    pub from: Option<Stage>,
    /// The stage after.
    pub to: Stage,
    /// When it happened.
    pub at: DateTime<Utc>,
    /// Why, in words.
    pub reason: Option<String>,
    /// For `rejected`: the reason code.
    pub rejection_reason: Option<RejectionReason>,
    /// Who recorded it.
    pub actor: Actor,
}

impl TryFrom<TransitionRow> for Transition {
    type Error = ApiError;

    fn try_from(row: TransitionRow) -> Result<Self, ApiError> {
        Ok(Self {
            from: row.from_stage,
            to: row.to_stage,
            at: utc(row.occurred_at),
            reason: row.reason,
            rejection_reason: row.rejection_reason,
            actor: Actor::from(row.actor),
            id: row.id,
        })
    }
}
