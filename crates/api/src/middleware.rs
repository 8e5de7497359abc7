//! The middleware every request passes: a request id, a tracing span, a log
//! line and the metrics.

use std::panic::AssertUnwindSafe;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage as _, HttpResponse, ResponseError, web};
use futures_util::FutureExt as _;
use tracing::Instrument as _;

use crate::error::{ApiError, FieldCode, FieldError, PROBLEM_JSON};
use crate::metrics::Metrics;

/// The header that carries the request id both ways.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the current request: the client's `X-Request-Id` when it sent a
/// sane one, else a fresh UUIDv7. Echoed on the response and in every log line.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(&REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
        })
        .map_or_else(|| uuid::Uuid::now_v7().to_string(), str::to_owned)
}

/// Tags, traces, logs and measures one request.
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let started = Instant::now();
    let id = request_id(&req);
    req.extensions_mut().insert(RequestId(id.clone()));
    let metrics = req.app_data::<web::Data<Metrics>>().cloned();
    let method = req.method().to_string();
    // The raw path is not logged for matched routes: it can carry secrets
    // (an invite code, a feed token). The route pattern is logged instead.
    let raw_path = req.path().to_owned();
    let span = tracing::info_span!("request", request_id = %id, method = %method);
    // The last resort: a handler that panics still gets its request an
    // answer, a log line and a count. The request itself is gone with the
    // unwound handler, so the answer goes out as an error actix renders.
    let Ok(result) = AssertUnwindSafe(next.call(req).instrument(span.clone()))
        .catch_unwind()
        .await
    else {
        let elapsed = started.elapsed();
        if let Some(metrics) = metrics {
            metrics.observe_panic(&method, elapsed);
        }
        span.in_scope(|| {
            tracing::error!(
                status = 500,
                path = %raw_path,
                latency_ms = elapsed.as_secs_f64() * 1000.0,
                "request handler panicked"
            );
        });
        return Err(Panicked { request_id: id }.into());
    };
    let mut response = result?;

    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    let route = response
        .request()
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_owned());
    if let Some(metrics) = metrics {
        metrics.observe(&method, &route, status, elapsed);
    }
    span.in_scope(|| {
        let latency_ms = elapsed.as_secs_f64() * 1000.0;
        if route == "unmatched" {
            tracing::info!(status, route = %route, path = %raw_path, latency_ms, "request finished");
        } else {
            tracing::info!(status, route = %route, latency_ms, "request finished");
        }
    });
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    Ok(response)
}

/// Refuses control characters (C0 and DEL, percent-encoded: raw ones never
/// get past the HTTP parser) in the path and the query string, before any
/// route sees them: a path is a 404 (it names no resource, as a malformed id
/// does), a query parameter a 422 naming it. Bodies are checked where they
/// are read, in [`crate::extract::parse`].
pub async fn refuse_control_characters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, Error> {
    let has_control = |bytes: &[u8]| bytes.iter().any(|&b| b < 0x20 || b == 0x7f);
    let refusal = if has_control(&percent_decode(req.path().as_bytes())) {
        Some(ApiError::Validation(vec![FieldError::new(
            "path",
            FieldCode::ControlCharacters,
            "must not contain control characters",
        )]))
    } else {
        let errors: Vec<FieldError> = req
            .query_string()
            .split('&')
            .filter_map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                let name = percent_decode(name.replace('+', " ").as_bytes());
                let value = percent_decode(value.replace('+', " ").as_bytes());
                (has_control(&name) || has_control(&value)).then(|| {
                    let field = if has_control(&name) {
                        "query".to_owned()
                    } else {
                        String::from_utf8_lossy(&name).into_owned()
                    };
                    FieldError::new(
                        field,
                        FieldCode::ControlCharacters,
                        "must not contain control characters",
                    )
                })
            })
            .collect();
        (!errors.is_empty()).then_some(ApiError::Validation(errors))
    };
    match refusal {
        Some(err) => Ok(req.error_response(err)),
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

/// Refuses (422) a request that sends a query parameter its operation does
/// not take, naming each one and the parameters it does take. Routes the
/// document does not describe (Swagger UI's files, the spec itself) and
/// CORS preflights pass.
pub async fn refuse_unknown_query_parameters(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<actix_web::body::BoxBody>, Error> {
    let unknown = match (
        req.app_data::<web::Data<crate::docs::QueryTable>>(),
        req.match_pattern(),
    ) {
        (Some(table), Some(pattern)) if !req.query_string().is_empty() => table
            .taken(&pattern, req.method().as_str())
            .map(|taken| unknown_parameters(req.query_string(), taken))
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    if unknown.is_empty() {
        return Ok(next.call(req).await?.map_into_boxed_body());
    }
    Ok(req.error_response(ApiError::Validation(unknown)))
}

/// The parameters of `query` that are not in `taken`, each once, in the
/// order sent, as field errors that list what is taken.
fn unknown_parameters(query: &str, taken: &[String]) -> Vec<FieldError> {
    let mut seen: Vec<String> = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let name = pair.split_once('=').map_or(pair, |(name, _)| name);
        let name = String::from_utf8_lossy(&percent_decode(name.replace('+', " ").as_bytes()))
            .into_owned();
        if !taken.contains(&name) && !seen.contains(&name) {
            seen.push(name);
        }
    }
    seen.into_iter()
        .map(|name| {
            let message = if taken.is_empty() {
                "unknown query parameter: this operation takes none".to_owned()
            } else {
                format!(
                    "unknown query parameter: this operation takes {}",
                    taken.join(", ")
                )
            };
            FieldError::new(name, FieldCode::UnknownParameter, message).with("allowed", taken)
        })
        .collect()
}

/// Decodes `%XX` escapes; anything else, a malformed escape included, is kept.
fn percent_decode(input: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(input.len());
    let mut i = 0;
    while let Some(&b) = input.get(i) {
        let escaped = match (b, input.get(i + 1), input.get(i + 2)) {
            (b'%', Some(&high), Some(&low)) => char::from(high)
                .to_digit(16)
                .zip(char::from(low).to_digit(16))
                .and_then(|(h, l)| u8::try_from(h * 16 + l).ok()),
            _ => None,
        };
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

/// The answer to a request whose handler panicked: the 500 problem every
/// internal error gets, with the request id to quote.
#[derive(Debug, thiserror::Error)]
#[error("the request handler panicked")]
pub struct Panicked {
    /// The id of the request, echoed in `X-Request-Id`.
    pub request_id: String,
}

impl ResponseError for Panicked {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::InternalServerError();
        response.content_type(PROBLEM_JSON);
        if let Ok(value) = HeaderValue::from_str(&self.request_id) {
            response.insert_header((REQUEST_ID, value));
        }
        response.json(
            ApiError::Internal(Box::new(Self {
                request_id: self.request_id.clone(),
            }))
            .problem(),
        )
    }
}

#[cfg(test)]
mod tests {
    use actix_web::http::header;
    use actix_web::middleware::from_fn;
    use actix_web::{App, test as actix_test, web};

    use super::*;

    async fn panics() -> HttpResponse {
        panic!("a bug in a handler")
    }

    #[test]
    fn percent_escapes_are_decoded_and_malformed_ones_kept() {
        assert_eq!(percent_decode(b"a%00b%7F%c3%A9"), b"a\0b\x7f\xc3\xa9");
        assert_eq!(percent_decode(b"100%"), b"100%");
        assert_eq!(percent_decode(b"%zz%4"), b"%zz%4");
    }

    #[actix_web::test]
    async fn a_panicking_handler_gets_a_counted_500_problem_with_the_request_id() {
        let metrics = web::Data::new(Metrics::default());
        let app = actix_test::init_service(
            App::new()
                .app_data(metrics.clone())
                .wrap(from_fn(observe))
                .route("/boom", web::get().to(panics))
                .route("/fine", web::get().to(HttpResponse::NoContent)),
        )
        .await;
        let request = actix_test::TestRequest::get()
            .uri("/boom")
            .insert_header((REQUEST_ID, "panic-1"))
            .to_request();
        // As the HTTP dispatcher does with an error from the service.
        let response = match actix_test::try_call_service(&app, request).await {
            Ok(response) => response.into_parts().1.map_into_boxed_body(),
            Err(err) => err.error_response(),
        };
        assert_eq!(response.status(), 500);
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .map(|v| v.as_bytes()),
            Some(PROBLEM_JSON.as_bytes())
        );
        assert_eq!(
            response.headers().get(REQUEST_ID).map(|v| v.as_bytes()),
            Some(&b"panic-1"[..])
        );
        let body = actix_web::body::to_bytes(response.into_body())
            .await
            .unwrap_or_default();
        let problem: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
        assert_eq!(problem["status"], 500);
        assert_eq!(problem["type"], "https://followup.dev/problems/internal");

        // The worker lives on.
        let request = actix_test::TestRequest::get().uri("/fine").to_request();
        assert_eq!(actix_test::call_service(&app, request).await.status(), 204);

        let text = metrics.render();
        assert!(text.contains("http_panics_total 1"), "{text}");
        assert!(
            text.contains(r#"http_requests_total{method="GET",route="panicked",status="500"} 1"#),
            "{text}"
        );
    }
}
