//! Analytics over the seeker's search: the funnel, employer response times,
//! follow-ups and applications per week, promises kept. The numbers come
//! from `followup_core::analytics`.

use actix_web::{get, web};
use chrono::{Days, NaiveDate};
use followup_core::analytics::{self, AnalyticsError, AnalyticsParams, DateRange};
use followup_store::snapshot::{self, Scope};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::cadence::analytics_input;
use crate::db::read;
use crate::error::{ApiError, Problem};
use crate::state::AppState;

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

/// The range of local dates analysed.
#[derive(Debug, Serialize, ToSchema)]
pub struct Range {
    /// First day, included.
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
}

/// One stage of the funnel.
#[derive(Debug, Serialize, ToSchema)]
pub struct FunnelStage {
    /// The stage.
    #[schema(value_type = crate::schemas::Stage)]
    pub stage: followup_core::Stage,
    /// Opportunities that reached this stage or a later one in the range
    /// (skipped stages count as passed; `declined` counts as `offer`).
    pub reached: u32,
    /// Of those, how many reached the next stage or a later one; `null` for
    /// the last stage.
    pub moved_on: Option<u32>,
    /// `moved_on / reached`, rounded to 2 decimals; `null` when nothing
    /// reached the stage, and for the last stage.
    pub conversion: Option<f64>,
}

/// How fast the employer answered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseSummary {
    /// Median days from an outbound touch to the answer, rounded to 1
    /// decimal; `null` when nothing was answered.
    pub median_days: Option<f64>,
    /// Waits that ended with an answer.
    pub answered: u32,
    /// Waits with no answer yet.
    pub unanswered: u32,
}

/// Response times of one opportunity.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityResponse {
    /// The opportunity.
    pub opportunity_id: String,
    /// Median days from an outbound touch to the answer, rounded to 1
    /// decimal; `null` when nothing was answered.
    pub median_days: Option<f64>,
    /// Waits that ended with an answer.
    pub answered: u32,
    /// Waits with no answer yet.
    pub unanswered: u32,
}

/// Employer response times: a wait starts at the first outbound touch after
/// the employer was last heard from and ends at the next inbound message or
/// conversation (never an out-of-office reply); waits starting in the range
/// count.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResponseTimes {
    /// Over every wait of every opportunity.
    pub overall: ResponseSummary,
    /// Opportunities with a wait starting in the range, by id.
    pub per_opportunity: Vec<OpportunityResponse>,
}

/// Follow-ups sent in one week.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyFollowUps {
    /// First day of the week (a Monday).
    pub starts_on: NaiveDate,
    /// Last day of the week.
    pub ends_on: NaiveDate,
    /// The range covers only part of the week.
    pub partial: bool,
    /// Follow-ups sent: follow-up e-mails and call attempts that reached nobody.
    pub sent: u32,
    /// Of those, follow-up e-mails.
    pub emails: u32,
    /// Follow-up e-mails the playbook allows per contact per week.
    pub cap: u32,
    /// Opportunities where one contact got more follow-up e-mails than the
    /// cap that week, by id.
    pub over_cap: Vec<String>,
}

/// Promise outcomes, for promises due in the range.
#[derive(Debug, Serialize, ToSchema)]
pub struct PromiseStats {
    /// Kept: the employer was heard from after the promise was made.
    pub kept: u32,
    /// Broken: due, and nothing heard.
    pub broken: u32,
    /// Not yet due.
    pub pending: u32,
    /// Cancelled by the seeker.
    pub cancelled: u32,
    /// `kept / (kept + broken)`, rounded to 2 decimals; `null` when neither.
    pub kept_share: Option<f64>,
}

/// Applications sent in one week.
#[derive(Debug, Serialize, ToSchema)]
pub struct WeeklyApplications {
    /// First day of the week (a Monday).
    pub starts_on: NaiveDate,
    /// Last day of the week.
    pub ends_on: NaiveDate,
    /// The range covers only part of the week.
    pub partial: bool,
    /// Applications sent (moves into `applied`, or out of `prospect` straight
    /// to a later stage).
    pub count: u32,
    /// The playbook's `accelerate_search.weekly_applications` target.
    pub target: u32,
    /// `count ≥ target`.
    pub met: bool,
}

/// The search in numbers over a range of dates.
#[derive(Debug, Serialize, ToSchema)]
pub struct Analytics {
    /// The range analysed.
    pub range: Range,
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
        AnalyticsError::Reversed { .. } => ApiError::invalid("from", "must not be after `to`"),
        AnalyticsError::TooLong { .. } => ApiError::invalid("to", err.to_string()),
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
    settings.applications_target_per_week = params.weekly_applications;
    let result = analytics::analytics(&analytics_input(facts, now), &settings)
        .map_err(|e| range_error(&e))?;
    Ok(Analytics {
        range: Range {
            from: result.range.from,
            to: result.range.to,
        },
        timezone: snapshot.user.timezone.name().to_owned(),
        funnel: result
            .funnel
            .into_iter()
            .map(|s| FunnelStage {
                stage: s.stage,
                reached: s.reached,
                moved_on: s.moved_on,
                conversion: s.conversion,
            })
            .collect(),
        response_times: ResponseTimes {
            overall: ResponseSummary {
                median_days: result.response_times.overall.median_days,
                answered: result.response_times.overall.answered,
                unanswered: result.response_times.overall.unanswered,
            },
            per_opportunity: result
                .response_times
                .per_opportunity
                .into_iter()
                .map(|o| OpportunityResponse {
                    opportunity_id: o.opportunity_id,
                    median_days: o.median_days,
                    answered: o.answered,
                    unanswered: o.unanswered,
                })
                .collect(),
        },
        follow_ups: result
            .follow_ups
            .into_iter()
            .map(|w| WeeklyFollowUps {
                starts_on: w.week.starts_on,
                ends_on: w.week.ends_on,
                partial: w.week.partial,
                sent: w.sent,
                emails: w.emails,
                cap: w.cap,
                over_cap: w.over_cap,
            })
            .collect(),
        promises: PromiseStats {
            kept: result.promises.kept,
            broken: result.promises.broken,
            pending: result.promises.pending,
            cancelled: result.promises.cancelled,
            kept_share: result.promises.kept_share,
        },
        applications: result
            .applications
            .into_iter()
            .map(|w| WeeklyApplications {
                starts_on: w.week.starts_on,
                ends_on: w.week.ends_on,
                partial: w.week.partial,
                count: w.count,
                target: w.target,
                met: w.met,
            })
            .collect(),
    })
}

/// The search in numbers: funnel counts and conversion by stage, employer
/// response times (median days from an outbound touch to the next inbound,
/// per opportunity and overall), follow-ups sent per week against the
/// playbook's cap, the share of promises kept, and applications per week
/// against the `accelerate_search` target.
///
/// Dates and weeks (Monday to Sunday) are read in the seeker's time zone;
/// the default range is the last 90 days.
#[utoipa::path(
    tag = "analytics",
    security(("bearer" = [])),
    params(AnalyticsQuery),
    responses(
        (status = 200, description = "The analytics.", body = Analytics),
        (status = 400, description = "A date could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` is after `to`, or the range is longer than 1096 days.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/analytics")]
pub async fn get_analytics(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<AnalyticsQuery>,
) -> Result<web::Json<Analytics>, ApiError> {
    analytics_of(&state, caller.user.id, query.into_inner())
        .await
        .map(web::Json)
}
