//! A seeker's analytics, for the seeker and for their coach.

use crate::cadence::analytics_input;
use crate::db::read;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web;
use chrono::{Days, NaiveDate};
use followup_core::analytics::{
    self, AnalyticsError, AnalyticsParams, DateRange, FunnelStage, PromiseStats, ResponseTimes,
    WeeklyApplications, WeeklyFollowUps,
};
use followup_store::snapshot::{self, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Days in the default range.
const DEFAULT_DAYS: u64 = 90;

/// The range analysed: local dates in the seeker's time zone, both included.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// First day, `YYYY-MM-DD`; default 89 days before `to`.
    pub from: Option<NaiveDate>,
    /// Last day, `YYYY-MM-DD`; default today in the seeker's zone. At most
    /// 1096 days after `from`.
    pub to: Option<NaiveDate>,
}

/// The search in numbers over a range of dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct Analytics {
    /// The range analysed.
    pub range: DateRange,
    /// The seeker's IANA time zone, in which dates and weeks are read.
    pub timezone: String,
    /// Stage counts and conversions, from `applied` to `accepted`.
    pub funnel: Vec<FunnelStage>,
    /// Employer response times.
    pub response_times: ResponseTimes,
    /// Follow-ups sent per week, against the playbook's e-mail cap.
    pub follow_ups: Vec<WeeklyFollowUps>,
    /// Promises kept and broken; promise statuses are as of now.
    pub promises: PromiseStats,
    /// Applications per week, against the `accelerate_search` target.
    pub applications: Vec<WeeklyApplications>,
}

fn range_error(err: &AnalyticsError) -> ApiError {
    match err {
        AnalyticsError::Reversed { .. } => {
            ApiError::Validation(vec![crate::error::FieldError::after("from", "to")])
        }
        AnalyticsError::TooLong { max, .. } => ApiError::Validation(vec![
            crate::error::FieldError::new(
                "to",
                crate::error::FieldCode::OutOfRange,
                err.to_string(),
            )
            .with("max_days", *max),
        ]),
    }
}

/// One seeker's analytics: the seeker's own, or a client's for a coach
/// (`GET /v1/coach/clients/{id}/analytics`).
pub async fn analytics_of(
    state: &web::Data<AppState>,
    seeker_id: String,
    query: AnalyticsQuery,
) -> Result<Analytics, ApiError> {
    let now = crate::views::now();
    let snapshot = read(state, move |_, conn| {
        snapshot::load(conn, &seeker_id, Scope::All, crate::cadence::this_year())?
            .ok_or_else(|| ApiError::NotFound("no such seeker".to_owned()))
    })
    .await?;
    let facts = &snapshot.facts;
    let tz = facts.seeker.calendar.tz;
    let to = query
        .to
        .unwrap_or_else(|| now.with_timezone(&tz).date_naive());
    let from = query.from.unwrap_or_else(|| {
        to.checked_sub_days(Days::new(DEFAULT_DAYS - 1))
            .unwrap_or(NaiveDate::MIN)
    });
    let playbook = &snapshot.playbook;
    let params = playbook.params();
    let mut settings = AnalyticsParams::new(DateRange { from, to }, tz);
    settings.email_cap_per_week = params.max_emails;
    settings.email_cap_scope = params.cap_scope;
    settings.applications_target_per_week = params.weekly_applications;
    let result = analytics::analytics(&analytics_input(facts, now), &settings)
        .map_err(|e| range_error(&e))?;
    Ok(Analytics {
        range: result.range,
        timezone: snapshot.user.timezone.name().to_owned(),
        funnel: result.funnel,
        response_times: result.response_times,
        follow_ups: result.follow_ups,
        promises: result.promises,
        applications: result.applications,
    })
}
