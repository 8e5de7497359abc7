//! Analytics over the seeker's search: the funnel, employer response times,
//! follow-ups and applications per week, promises kept. The numbers come
//! from `followup_core::analytics`.

use actix_web::{get, web};

use crate::auth::Caller;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::views::analytics::{Analytics, AnalyticsQuery, analytics_of};

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
