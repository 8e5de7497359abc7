//! The one error type of the API and its RFC 9457 `application/problem+json` body.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use followup_store::StoreError;
use serde::Serialize;
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An RFC 9457 problem: what went wrong, in a form clients can branch on
/// (`type`, `status`) and people can read (`title`, `detail`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://followup.dev/problems/validation",
    "title": "Validation failed",
    "status": 422,
    "detail": "2 fields are invalid",
    "errors": [{"field": "timezone", "message": "unknown IANA time zone 'Mars/Olympus'"}]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    pub kind: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What happened in this request, in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The request path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance: Option<String>,
    /// Per-field errors, for validation problems.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For a refused stage transition: the stages it may move to (empty
    /// from a terminal stage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allowed: Option<Vec<String>>,
    /// For a 412: the resource as it is now (its ETag is in the `ETag`
    /// header), so the client can merge and retry without another read.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Object>)]
    pub current: Option<serde_json::Value>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as a JSON path into the request (`timezone`, `criteria[2].weight`).
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

impl FieldError {
    /// An error on `field`.
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// Everything a handler can fail with. Each case maps to one status and one
/// problem `type`; internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query string).
    #[error("{0}")]
    BadRequest(String),
    /// 401: no credentials were sent.
    #[error("authentication required")]
    Unauthenticated,
    /// 401: the credentials were refused; says why.
    #[error("{0}")]
    Unauthorized(String),
    /// 403: authenticated, but the role or the key's scope does not allow it.
    #[error("{0}")]
    Forbidden(String),
    /// 404: no such resource, or not one the caller may know exists.
    #[error("{0}")]
    NotFound(String),
    /// 405: the path exists, the method does not.
    #[error("method not allowed")]
    MethodNotAllowed {
        /// The methods the path does take.
        allow: Vec<String>,
    },
    /// 410: what the request points at is gone for good (an event cursor
    /// older than the log keeps).
    #[error("{0}")]
    Gone(String),
    /// 409: the request conflicts with the current state.
    #[error("{0}")]
    Conflict(String),
    /// 409: a stage transition the state machine does not allow.
    #[error("{message}")]
    IllegalTransition {
        /// What was refused, in words.
        message: String,
        /// The stages it may move to instead.
        allowed: Vec<String>,
    },
    /// 413: the body is larger than the server accepts.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// 415: the body is not in a media type the endpoint takes.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// 412: the `If-Match` precondition failed; the resource is now at
    /// `current` (an ETag), which the response's `ETag` header repeats.
    #[error(
        "the resource changed: its ETag is now {current}; fetch it again and reapply the change"
    )]
    PreconditionFailed {
        /// The resource's ETag now.
        current: String,
        /// The resource as it is now, where the route can give it: the
        /// client merges without another read.
        representation: Option<Box<serde_json::Value>>,
    },
    /// 428: the server requires `If-Match` on this write
    /// (`--require-if-match`), and none was sent.
    #[error(
        "this server requires If-Match on changes (it runs with --require-if-match): read the resource and send its ETag"
    )]
    PreconditionRequired,
    /// 422: the request was readable but its values are invalid.
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    /// 429: too many requests; wait `retry_after` seconds.
    #[error("too many requests; retry in {} seconds", .0.retry_after)]
    TooManyRequests(crate::auth::LimitExceeded),
    /// 502: a server this one relies on (the mail server) refused or
    /// failed; says what it answered.
    #[error("{0}")]
    BadGateway(String),
    /// 503: the database cannot be reached right now.
    #[error("{0}")]
    Unavailable(String),
    /// 503: too many writes are queued; retry after a second.
    #[error("too many writes are waiting; retry in a second")]
    Busy,
    /// 500: a fault on our side; the cause is logged, not sent.
    #[error(transparent)]
    Internal(Box<dyn std::error::Error + Send + Sync>),
}

impl ApiError {
    /// A 422 naming one field.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(_) => ("bad-request", "The request could not be read"),
            Self::Unauthenticated | Self::Unauthorized(_) => {
                ("unauthorized", "Authentication required")
            }
            Self::Forbidden(_) => ("forbidden", "Forbidden"),
            Self::PreconditionFailed { .. } => ("precondition-failed", "Precondition failed"),
            Self::PreconditionRequired => ("precondition-required", "Precondition required"),
            Self::TooManyRequests(_) => ("too-many-requests", "Too many requests"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::Conflict(_) => ("conflict", "Conflict"),
            Self::Gone(_) => ("gone", "Gone"),
            Self::IllegalTransition { .. } => {
                ("illegal-transition", "Stage transition not allowed")
            }
            Self::PayloadTooLarge(_) => ("payload-too-large", "Request body too large"),
            Self::UnsupportedMediaType(_) => ("unsupported-media-type", "Unsupported media type"),
            Self::Validation(_) => ("validation", "Validation failed"),
            Self::BadGateway(_) => ("bad-gateway", "The mail server did not take it"),
            Self::Unavailable(_) => ("unavailable", "Service unavailable"),
            Self::Busy => ("busy", "Too many writes waiting"),
            Self::Internal(_) => ("internal", "Internal server error"),
        }
    }

    /// The problem body for this error.
    pub fn problem(&self) -> Problem {
        let (slug, title) = self.slug_and_title();
        let detail = match self {
            Self::Validation(errors) if errors.len() == 1 => {
                Some(format!("{}: {}", errors[0].field, errors[0].message))
            }
            Self::Validation(errors) => Some(format!("{} fields are invalid", errors.len())),
            Self::MethodNotAllowed { allow } => {
                Some(format!("this path accepts {}", allow.join(", ")))
            }
            Self::Internal(_) => {
                Some("the error was logged; quote the X-Request-Id when reporting it".to_owned())
            }
            other => Some(other.to_string()),
        };
        Problem {
            kind: format!("https://followup.dev/problems/{slug}"),
            title: title.to_owned(),
            status: self.status_code().as_u16(),
            detail,
            instance: None,
            errors: match self {
                Self::Validation(errors) => errors.clone(),
                _ => Vec::new(),
            },
            allowed: match self {
                Self::IllegalTransition { allowed, .. } => Some(allowed.clone()),
                _ => None,
            },
            current: match self {
                Self::PreconditionFailed {
                    representation: Some(now),
                    ..
                } => Some((**now).clone()),
                _ => None,
            },
        }
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(_) | Self::IllegalTransition { .. } => StatusCode::CONFLICT,
            Self::Gone(_) => StatusCode::GONE,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::BadGateway(_) => StatusCode::BAD_GATEWAY,
            Self::Unavailable(_) | Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let Self::Internal(cause) = self {
            tracing::error!(error = %cause, "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        response.content_type(PROBLEM_JSON);
        match self {
            Self::MethodNotAllowed { allow } => {
                response.insert_header((header::ALLOW, allow.join(", ")));
            }
            Self::Unavailable(_) => {
                response.insert_header((header::RETRY_AFTER, "5"));
            }
            Self::Busy => {
                response.insert_header((header::RETRY_AFTER, "1"));
            }
            Self::PreconditionFailed { current, .. } => {
                response.insert_header((header::ETAG, current.as_str()));
            }
            Self::Unauthenticated => {
                response.insert_header((header::WWW_AUTHENTICATE, r#"Bearer realm="followup""#));
            }
            Self::Unauthorized(reason) => {
                let reason = reason.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(
                        r#"Bearer realm="followup", error="invalid_token", error_description="{reason}""#
                    ),
                ));
            }
            Self::Forbidden(reason) => {
                let reason = reason.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(
                        r#"Bearer realm="followup", error="insufficient_scope", error_description="{reason}""#
                    ),
                ));
            }
            Self::TooManyRequests(limit) => {
                response.insert_header((header::RETRY_AFTER, limit.retry_after.to_string()));
                response.insert_header((
                    "RateLimit-Policy",
                    format!("{};w={}", limit.limit, limit.window),
                ));
                response.insert_header((
                    "RateLimit",
                    format!(
                        "limit={}, remaining=0, reset={}",
                        limit.limit, limit.retry_after
                    ),
                ));
            }
            _ => {}
        }
        response.json(self.problem())
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Unavailable(cause) => {
                tracing::warn!(%cause, "database unavailable");
                Self::Unavailable("the database is unavailable; retry shortly".to_owned())
            }
            StoreError::Busy => Self::Busy,
            StoreError::NotFound => Self::NotFound("no such resource".to_owned()),
            StoreError::Conflict { constraint } => {
                Self::Conflict(format!("conflicts with an existing record ({constraint})"))
            }
            other => Self::Internal(Box::new(other)),
        }
    }
}

impl From<actix_web::error::BlockingError> for ApiError {
    fn from(err: actix_web::error::BlockingError) -> Self {
        Self::Internal(Box::new(err))
    }
}

/// Turns query-string failures into 400 problems naming the parameter.
pub fn query_error(
    err: actix_web::error::QueryPayloadError,
    _req: &HttpRequest,
) -> actix_web::Error {
    ApiError::BadRequest(format!("invalid query string: {err}")).into()
}

/// Turns path-parameter failures into 404 problems: a malformed id names no resource.
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    ApiError::NotFound(format!("no such resource ({err})")).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_writer_queue_is_a_503_to_retry_in_a_second() {
        let response = ApiError::from(StoreError::Busy).error_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers().get(header::RETRY_AFTER).unwrap(), "1");
        assert_eq!(
            ApiError::Busy.problem().kind,
            "https://followup.dev/problems/busy"
        );
    }

    #[test]
    fn internal_errors_never_leak_their_cause() {
        let err = ApiError::Internal("secret connection string".into());
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.unwrap_or_default().contains("secret"));
    }
}
