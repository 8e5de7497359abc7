//! `GET /v1/sync`: what changed in the caller's records since a token, for
//! apps that keep a copy (docs/sync.md).

use actix_web::{HttpResponse, get, web};

use crate::auth::Caller;
use crate::db::read;
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::sync::{SyncPage, SyncParams, sync_page};

/// What changed in the caller's records since a token; everything without one.
///
/// Covers every record of the caller created, changed or deleted:
/// opportunities, their profiles, contacts, interactions, promises, and the
/// custom playbooks the caller made. Without `token`, a full sync: every current record, type by type
/// (opportunities, profiles, contacts, interactions, promises, playbooks)
/// in id order. With the `next_token` of a previous response, the changes
/// since, in the order they were committed: each record once per page with
/// its last state, the record exactly as its own `GET` returns it now, or
/// a tombstone (`{type, id, deleted: true}`) when it is gone; a deleted
/// opportunity's profile, contacts, interactions and promises come as
/// tombstones too. Applying a change twice does no harm: changes made
/// during a full sync come again after it.
///
/// Page with `next_token` while `has_more` is `true`; when it is `false`
/// the copy is up to date: store `next_token` and ask again later. Changes
/// commit in order and a late commit is never skipped (as in
/// `GET /v1/events`). A token older than 30 days gets 410 Gone: sync again
/// without a token.
#[utoipa::path(
    tag = "sync",
    security(("bearer" = [])),
    params(SyncParams),
    responses(
        (status = 200, description = "The next changes and where to continue.", body = SyncPage),
        (status = 410, description = "The token is older than the 30 days changes are kept: sync again without a token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A token this API did not give out, or a limit out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/sync")]
pub async fn sync(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<SyncParams>,
) -> Result<HttpResponse, ApiError> {
    let page = read(&state, move |state, conn| {
        sync_page(conn, &caller, &params, state.clock.now())
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}
