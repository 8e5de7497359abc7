//! Running a request under a fresh key and storing what it answered.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse, ResponseError as _, web};
use followup_store::idempotency::{self, IdempotencyRow};

use super::claim::forget;
use super::parse::Fingerprint;
use crate::error::ApiError;
use crate::state::AppState;

/// Runs the request and stores its response under the key. A failure (an
/// error, a 5xx, a body that cannot be read) releases the key instead, so
/// the client can retry with it.
pub(super) async fn run_and_record(
    state: &web::Data<AppState>,
    request: Fingerprint,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let response = match next.call(req).await {
        Ok(response) => response,
        Err(err) => {
            forget(state, request).await;
            return Err(err);
        }
    };
    let status = response.status();
    if status.is_server_error() {
        forget(state, request).await;
        return Ok(response.map_into_boxed_body());
    }
    let (http_request, response) = response.into_parts();
    let headers = response.headers().clone();
    let Ok(bytes) = to_bytes(response.into_body()).await else {
        forget(state, request).await;
        let err = ApiError::Internal("the response body could not be read".into());
        return Ok(ServiceResponse::new(http_request, err.error_response()));
    };
    let text = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let stored = IdempotencyRow {
        caller_id: request.caller_id,
        key: request.key,
        request_hash: request.request_hash,
        status: Some(i32::from(status.as_u16())),
        content_type: text(header::CONTENT_TYPE),
        location: text(header::LOCATION),
        etag: text(header::ETAG),
        response_body: Some(String::from_utf8_lossy(&bytes).into_owned()),
        created_at: crate::views::now().naive_utc(),
    };
    let saved = crate::db::write(state, move |_, conn| {
        Ok(idempotency::complete(conn, &stored)?)
    })
    .await;
    if let Err(err) = saved {
        tracing::error!(error = %err, "could not store an idempotent response");
    }
    let mut rebuilt = HttpResponse::build(status);
    for (name, value) in &headers {
        rebuilt.insert_header((name.clone(), value.clone()));
    }
    Ok(ServiceResponse::new(http_request, rebuilt.body(bytes)))
}
