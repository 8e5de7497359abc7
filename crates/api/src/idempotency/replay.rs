//! Answering a replay with the stored response.

use actix_web::HttpResponse;
use actix_web::http::{StatusCode, header};
use followup_store::idempotency::IdempotencyRow;

use super::REPLAYED;

/// The stored response, byte for byte, marked as replayed and never cached.
pub(super) fn replay(stored: &IdempotencyRow) -> HttpResponse {
    let status = u16::try_from(stored.status.unwrap_or(200))
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = HttpResponse::build(status);
    response.insert_header((REPLAYED, "true"));
    // The stored body may carry a secret (a key, a code): never cache it.
    response.insert_header(crate::auth::no_store());
    if let Some(content_type) = &stored.content_type {
        response.insert_header((header::CONTENT_TYPE, content_type.as_str()));
    }
    if let Some(location) = &stored.location {
        response.insert_header((header::LOCATION, location.as_str()));
    }
    if let Some(etag) = &stored.etag {
        response.insert_header((header::ETAG, etag.as_str()));
    }
    response.body(stored.response_body.clone().unwrap_or_default())
}
