//! `Idempotency-Key` on POST: a replay within 24 hours returns the first
//! response byte for byte and creates nothing; the same key with another
//! request is a 422; a replay while the first is in flight is a 409. Keys
//! are scoped to the caller and kept in the database, so they hold across
//! replicas.
//!
//! The middleware reads the key and the request ([`parse`]), claims the key
//! ([`claim`]), then either answers with the stored response ([`replay`]) or
//! runs the request and stores what it answered ([`record`]).

mod claim;
mod parse;
mod record;
mod replay;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{Error, FromRequest as _, HttpMessage as _, ResponseError as _, web};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::BodySize;
use crate::state::AppState;
use claim::Claim;

/// The request header.
pub const IDEMPOTENCY_KEY: &str = "idempotency-key";
/// Set on a replayed response.
pub const REPLAYED: &str = "idempotent-replayed";
/// How long a key is remembered.
const TTL_HOURS: i64 = 24;

/// The middleware. Requests without the header, other methods and
/// unauthenticated callers pass through untouched.
pub async fn idempotency(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let header = req.headers().get(IDEMPOTENCY_KEY).cloned();
    let (Method::POST, Some(header)) = (req.method().clone(), header) else {
        return pass(req, next).await;
    };
    let fail = |req: ServiceRequest, err: ApiError| Ok(req.into_response(err.error_response()));
    // Unauthenticated requests go on to the handler, which answers 401.
    let Ok(caller) = Caller::extract(req.request()).await else {
        return pass(req, next).await;
    };
    let key = match parse::key(&header) {
        Ok(key) => key,
        Err(err) => return fail(req, err),
    };
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return pass(req, next).await;
    };
    let body = match BodySize::of(req.request()).read(req.take_payload()).await {
        Ok(body) => body,
        Err(err) => return fail(req, err),
    };
    let request = parse::Fingerprint {
        caller_id: caller.user.id,
        key,
        request_hash: parse::request_hash(req.method(), req.uri(), &body),
    };
    match claim::claim(&state, &request).await {
        Err(err) => fail(req, err),
        Ok(Claim::Replay(stored)) => Ok(req.into_response(replay::replay(&stored))),
        Ok(Claim::Fresh) => {
            req.set_payload(body.into());
            record::run_and_record(&state, request, req, next).await
        }
    }
}

/// Hands the request on untouched.
async fn pass(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    next.call(req)
        .await
        .map(ServiceResponse::map_into_boxed_body)
}
