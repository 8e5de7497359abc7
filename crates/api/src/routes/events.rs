//! The change feed: what happened to the records the caller may see, in
//! commit order, from a cursor (docs/events.md).

use actix_web::{HttpResponse, get, web};

use crate::auth::Caller;
use crate::db::read;
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::events::{EventPage, FeedParams, feed};

/// The change feed: events about the caller's own records, a coach's
/// clients' (through live grants), or everyone's for an admin.
///
/// Follow it with `next_cursor`, which every response carries: a page with
/// fewer items than `limit` has caught up, so ask again later with the same
/// cursor. Events come in commit order, and a change that commits late is
/// never skipped. Deduplicate on `id`. The feed keeps 30 days: an older
/// cursor gets 410 Gone, which means resynchronise from the resources, then
/// start again without a cursor.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(FeedParams),
    responses(
        (status = 200, description = "The next events and where to continue.", body = EventPage),
        (status = 410, description = "The cursor is older than the 30 days the feed keeps: resynchronise.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown event type, a cursor this API did not give out, or a limit out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/events")]
pub async fn list_events(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<FeedParams>,
) -> Result<HttpResponse, ApiError> {
    let page = read(&state, move |state, conn| {
        feed(conn, &caller, &params, state.clock.now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}
