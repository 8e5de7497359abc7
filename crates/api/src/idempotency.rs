//! `Idempotency-Key` on POST: a replay within 24 hours returns the first
//! response byte for byte and creates nothing; the same key with another
//! request is a 422; a replay while the first is in flight is a 409. Keys
//! are scoped to the caller and kept in the database, so they hold across
//! replicas.

use actix_web::body::{BoxBody, MessageBody, to_bytes};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::web::{self, BytesMut};
use actix_web::{Error, FromRequest as _, HttpMessage as _, HttpResponse, ResponseError as _};
use followup_store::StoreError;
use followup_store::idempotency::{self, IdempotencyRow};
use futures_util::StreamExt as _;
use sha2::{Digest as _, Sha256};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::BodyLimit;
use crate::state::AppState;

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key is remembered.
const TTL_HOURS: i64 = 24;

enum Claim {
    /// The key is ours: run the request and store its response.
    Fresh,
    /// Answer with the stored response.
    Replay(IdempotencyRow),
}

/// The middleware. Requests without the header, other methods and
/// unauthenticated callers pass through untouched.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let key = req
        .headers()
        .get(IDEMPOTENCY_KEY)
        .map(|v| v.to_str().map(str::to_owned));
    let (Method::POST, Some(key)) = (req.method().clone(), key) else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let fail = |req: ServiceRequest, err: ApiError| Ok(req.into_response(err.error_response()));
    // Unauthenticated requests go on to the handler, which answers 401.
    let Ok(caller) = Caller::extract(req.request()).await else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let key = match key {
        // Random UUIDs only (version 4 or 7): a fixed or nil key would make
        // unrelated operations replay each other.
        Ok(key)
            if uuid::Uuid::try_parse(key.trim())
                .is_ok_and(|u| matches!(u.get_version_num(), 4 | 7)) =>
        {
            key.trim().to_ascii_lowercase()
        }
        _ => {
            return fail(
                req,
                ApiError::invalid(
                    "Idempotency-Key",
                    "must be a random UUID (version 4 or 7), new for each operation",
                ),
            );
        }
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };

    let limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
    let mut payload = req.take_payload();
    let mut body = BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let Ok(chunk) = chunk else {
            return fail(
                req,
                ApiError::BadRequest("the body could not be read".to_owned()),
            );
        };
        if body.len() + chunk.len() > limit {
            return fail(
                req,
                ApiError::PayloadTooLarge(format!("the body exceeds the limit of {limit} bytes")),
            );
        }
        body.extend_from_slice(&chunk);
    }
    let body = body.freeze();
    let mut hasher = Sha256::new();
    hasher.update(req.method().as_str());
    hasher.update([0]);
    hasher.update(req.uri().to_string());
    hasher.update([0]);
    hasher.update(&body);
    let request_hash = format!("{:x}", hasher.finalize());

    let caller_id = caller.user.id.clone();
    let claim = {
        let (caller_id, key, request_hash) = (caller_id.clone(), key.clone(), request_hash.clone());
        crate::db::write(&state, move |_, conn| {
            let now = crate::views::now().naive_utc();
            if let Some(existing) = idempotency::find(conn, &caller_id, &key)? {
                if existing.created_at > now - chrono::Duration::hours(TTL_HOURS) {
                    if existing.request_hash != request_hash {
                        return Err(ApiError::invalid(
                            "Idempotency-Key",
                            "was used with a different request; use a new key",
                        ));
                    }
                    if existing.status.is_none() {
                        return Err(ApiError::Conflict(
                            "a request with this Idempotency-Key is still in progress".to_owned(),
                        ));
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
                StoreError::Conflict { .. } => ApiError::Conflict(
                    "a request with this Idempotency-Key is still in progress".to_owned(),
                ),
                other => other.into(),
            })?;
            Ok(Claim::Fresh)
        })
        .await
    };
    match claim {
        Err(err) => fail(req, err),
        Ok(Claim::Replay(stored)) => {
            let response = replay(&stored);
            Ok(req.into_response(response))
        }
        Ok(Claim::Fresh) => {
            req.set_payload(body.into());
            let response = next.call(req).await;
            let response = match response {
                Ok(response) => response,
                Err(err) => {
                    forget(&state, caller_id, key).await;
                    return Err(err);
                }
            };
            let status = response.status();
            if status.is_server_error() {
                forget(&state, caller_id, key).await;
                return Ok(response.map_into_boxed_body());
            }
            let (request, response) = response.into_parts();
            let headers = response.headers().clone();
            let bytes = match to_bytes(response.into_body()).await {
                Ok(bytes) => bytes,
                Err(_) => {
                    forget(&state, caller_id, key).await;
                    let err = ApiError::Internal("the response body could not be read".into());
                    return Ok(ServiceResponse::new(request, err.error_response()));
                }
            };
            let text = |name| {
                headers
                    .get(name)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned)
            };
            let stored = IdempotencyRow {
                caller_id,
                key,
                request_hash,
                status: Some(i32::from(status.as_u16())),
                content_type: text(header::CONTENT_TYPE),
                location: text(header::LOCATION),
                etag: text(header::ETAG),
                response_body: Some(String::from_utf8_lossy(&bytes).into_owned()),
                created_at: crate::views::now().naive_utc(),
            };
            let saved = crate::db::write(&state, move |_, conn| {
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
            Ok(ServiceResponse::new(request, rebuilt.body(bytes)))
        }
    }
}

fn replay(stored: &IdempotencyRow) -> HttpResponse {
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

async fn forget(state: &web::Data<AppState>, caller_id: String, key: String) {
    let released = crate::db::write(state, move |_, conn| {
        Ok(idempotency::release(conn, &caller_id, &key)?)
    })
    .await;
    if let Err(err) = released {
        tracing::error!(error = %err, "could not release an idempotency key");
    }
}
