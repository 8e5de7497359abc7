//! Claiming a key: ours to run, a replay, or refused.

use actix_web::web;
use followup_store::StoreError;
use followup_store::idempotency::{self, IdempotencyRow};

use super::TTL_HOURS;
use super::parse::Fingerprint;
use crate::error::ApiError;
use crate::state::AppState;

/// What to do with a request whose key was claimed.
pub(super) enum Claim {
    /// The key is ours: run the request and store its response.
    Fresh,
    /// Answer with the stored response.
    Replay(IdempotencyRow),
}

fn in_progress() -> ApiError {
    ApiError::Conflict(
        crate::error::ProblemCode::IdempotencyInProgress,
        "a request with this Idempotency-Key is still in progress".to_owned(),
    )
}

/// Claims the key for this request, or finds what it answered before. The
/// same key with another request is a 422; one still in flight is a 409. A
/// key older than the TTL is forgotten and claimed afresh.
pub(super) async fn claim(
    state: &web::Data<AppState>,
    request: &Fingerprint,
) -> Result<Claim, ApiError> {
    let request = request.clone();
    crate::db::write(state, move |_, conn| {
        let now = crate::views::now().naive_utc();
        let Fingerprint {
            caller_id,
            key,
            request_hash,
        } = request;
        if let Some(existing) = idempotency::find(conn, &caller_id, &key)? {
            if existing.created_at > now - chrono::Duration::hours(TTL_HOURS) {
                if existing.request_hash != request_hash {
                    return Err(ApiError::invalid(
                        "Idempotency-Key",
                        crate::error::FieldCode::NotAllowed,
                        "was used with a different request; use a new key",
                    ));
                }
                if existing.status.is_none() {
                    return Err(in_progress());
                }
                return Ok(Claim::Replay(existing));
            }
            idempotency::release(conn, &caller_id, &key)?;
        }
        idempotency::prune(conn, now - chrono::Duration::hours(TTL_HOURS))?;
        idempotency::claim(
            conn,
            &IdempotencyRow {
                caller_id,
                key,
                request_hash,
                status: None,
                content_type: None,
                location: None,
                etag: None,
                response_body: None,
                created_at: now,
            },
        )
        .map_err(|err| match err {
            StoreError::Conflict { .. } => in_progress(),
            other => other.into(),
        })?;
        Ok(Claim::Fresh)
    })
    .await
}

/// Releases a claimed key, so the request can be retried with it.
pub(super) async fn forget(state: &web::Data<AppState>, request: Fingerprint) {
    let released = crate::db::write(state, move |_, conn| {
        Ok(idempotency::release(
            conn,
            &request.caller_id,
            &request.key,
        )?)
    })
    .await;
    if let Err(err) = released {
        tracing::error!(error = %err, "could not release an idempotency key");
    }
}
