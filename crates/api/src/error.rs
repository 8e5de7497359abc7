//! The one error type of the API and its RFC 9457 `application/problem+json` body.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, ResponseError};
use followup_store::StoreError;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// The media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// Declares a closed set of stable snake_case codes: the enum, its text
/// (`as_str`), `ALL` (what docs/errors.md must list) and serialization as
/// the text.
macro_rules! codes {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// Every code, in the order docs/errors.md lists them.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The code as sent.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

codes! {
    /// What kind of problem a response is: stable, so an app branches on it
    /// (docs/errors.md lists each with its status).
    ProblemCode {
        /// 400: the body is not JSON.
        MalformedJson = "malformed_json",
        /// 400: the body ends before the JSON does.
        IncompleteBody = "incomplete_body",
        /// 400: another part of the request could not be read (a header,
        /// a form, a multipart body, a query string).
        BadRequest = "bad_request",
        /// 401: no credentials were sent.
        Unauthenticated = "unauthenticated",
        /// 401: the access token expired: refresh it.
        TokenExpired = "token_expired",
        /// 401: the token, key or secret is not one this server accepts.
        InvalidCredentials = "invalid_credentials",
        /// 401: the session ended (signed out, revoked, the account gone):
        /// sign in again.
        SessionEnded = "session_ended",
        /// 403: the caller's role may not do this.
        Forbidden = "forbidden",
        /// 403: the API key has only the read scope.
        InsufficientScope = "insufficient_scope",
        /// 403: the password given to confirm a change is wrong.
        WrongPassword = "wrong_password",
        /// 404: no such resource, or one the caller may not know exists.
        NotFound = "not_found",
        /// 405: the path does not take this method.
        MethodNotAllowed = "method_not_allowed",
        /// 409: a generic conflict with the current state.
        Conflict = "conflict",
        /// 409: a client-made id is taken by another record.
        DuplicateId = "duplicate_id",
        /// 409: a record with this unique value (an email) exists already.
        AlreadyExists = "already_exists",
        /// 409: the record changed meanwhile; read it and retry.
        EditConflict = "edit_conflict",
        /// 409: the record is in a state that refuses this (a dismissed
        /// proposal, an inactive webhook, a digest that is off).
        WrongState = "wrong_state",
        /// 409: the record is in use elsewhere; release it first.
        InUse = "in_use",
        /// 409: this server is not set up for it (no e-mail).
        NotConfigured = "not_configured",
        /// 409: a request with this `Idempotency-Key` is still running.
        IdempotencyInProgress = "idempotency_in_progress",
        /// 409: a stage move the state machine refuses.
        IllegalTransition = "illegal_transition",
        /// 410: what the request points at is gone for good.
        Gone = "gone",
        /// 412: `If-Match` names an ETag the resource no longer has.
        PreconditionFailed = "precondition_failed",
        /// 413: the body is over the limit.
        PayloadTooLarge = "payload_too_large",
        /// 415: the body's media type is not one the endpoint takes.
        UnsupportedMediaType = "unsupported_media_type",
        /// 422: one or more fields are invalid; see `errors`.
        ValidationFailed = "validation_failed",
        /// 428: the server requires `If-Match` on changes.
        PreconditionRequired = "precondition_required",
        /// 429: too many requests; wait `Retry-After` seconds.
        RateLimited = "rate_limited",
        /// 500: a fault on the server's side.
        Internal = "internal",
        /// 502: the mail server refused or failed.
        BadGateway = "bad_gateway",
        /// 503: the database is unavailable.
        Unavailable = "unavailable",
        /// 503: too many writes are waiting.
        Busy = "busy",
    }
}

codes! {
    /// What is wrong with one field: stable, so an app shows its own words
    /// (docs/errors.md lists each with its `params`).
    FieldCode {
        /// A field that must be given is missing (or `null`).
        Required = "required",
        /// Given, but empty or only spaces.
        Empty = "empty",
        /// Text longer than `params.max` characters.
        TooLong = "too_long",
        /// Text shorter than `params.min` characters.
        TooShort = "too_short",
        /// A list with more than `params.max` items.
        TooMany = "too_many",
        /// A list with fewer than `params.min` items.
        TooFew = "too_few",
        /// A number outside `params.min`..=`params.max` (either may be absent).
        OutOfRange = "out_of_range",
        /// A JSON value of another type than `params.expected` (`string`,
        /// `integer`, `number`, `boolean`, `array`, `object`, `date`,
        /// `date-time`).
        WrongType = "wrong_type",
        /// A query value that should be a number and is not.
        NotANumber = "not_a_number",
        /// A key the body does not take; `params.allowed` lists those it does.
        UnknownField = "unknown_field",
        /// A query parameter the operation does not take;
        /// `params.allowed` lists those it does (maybe none).
        UnknownParameter = "unknown_parameter",
        /// A value outside a fixed set; `params.allowed` lists the set.
        UnknownValue = "unknown_value",
        /// Not an IANA time zone name.
        NotATimeZone = "not_a_time_zone",
        /// Not an e-mail address.
        NotAnEmail = "not_an_email",
        /// Not an acceptable URL (`params.reason` may say why).
        NotAUrl = "not_a_url",
        /// Not a phone number.
        NotAPhoneNumber = "not_a_phone_number",
        /// Not a date (`YYYY-MM-DD`).
        InvalidDate = "invalid_date",
        /// Not a date and time (RFC 3339) or a time of day (`HH:MM`);
        /// `params.format` says which.
        InvalidTime = "invalid_time",
        /// Text in the wrong shape; `params.format` names the expected one
        /// (`iso_4217`, `base64`, `uuid_v7`, …).
        InvalidFormat = "invalid_format",
        /// An instant that must not be in the future.
        InTheFuture = "in_the_future",
        /// Two values in the wrong order (`from` after `to`, opening after
        /// closing); `params.other` names the other field.
        WrongOrder = "wrong_order",
        /// The same value twice where each must be unique; `params.first`
        /// names the first.
        Duplicate = "duplicate",
        /// A reference to a record that does not exist (or is not the
        /// caller's).
        NotFound = "not_found",
        /// Text holding a control character.
        ControlCharacters = "control_characters",
        /// A cursor this API did not give out.
        InvalidCursor = "invalid_cursor",
        /// A value the field may not take here; the message says why.
        NotAllowed = "not_allowed",
        /// Nothing more precise fits; the message says what is wrong.
        Invalid = "invalid",
    }
}
/// An RFC 9457 problem: what went wrong, in a form clients can branch on
/// (`code`, `type`, `status`) and people can read (`title`, `detail`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "https://followup.dev/problems/validation",
    "code": "validation_failed",
    "title": "Validation failed",
    "status": 422,
    "detail": "2 fields are invalid",
    "errors": [
        {"field": "timezone", "code": "not_a_time_zone", "message": "`Mars/Olympus` is not an IANA time zone", "params": {}},
        {"field": "display_name", "code": "too_long", "message": "must be at most 100 characters", "params": {"max": 100}}
    ]
}))]
pub struct Problem {
    /// A URI naming the kind of problem; stable, so clients can branch on it.
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind of problem as a stable snake_case code, finer than `type`
    /// (a 409 is `duplicate_id`, `edit_conflict`, `illegal_transition`…):
    /// what an app branches on to show its own words. Every code is listed
    /// in docs/errors.md.
    #[schema(value_type = String, example = "validation_failed")]
    pub code: ProblemCode,
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
    /// Per-field errors, for validation problems: every invalid field, in
    /// the order of the body.
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
#[schema(example = json!({"field": "name", "code": "too_long", "message": "must be at most 200 characters", "params": {"max": 200}}))]
pub struct FieldError {
    /// The field, as a JSON path into the request (`timezone`, `criteria[2].weight`).
    pub field: String,
    /// What is wrong, as a stable snake_case code (`required`, `too_long`,
    /// `not_a_time_zone`, `unknown_field`…; every code is listed in
    /// docs/errors.md): what an app branches on to show its own words.
    #[schema(value_type = String, example = "too_long")]
    pub code: FieldCode,
    /// What is wrong with it, in plain words.
    pub message: String,
    /// The values the message is made of, for an app's own words
    /// (`{"max": 200}` for `too_long`, `{"allowed": [...]}` for
    /// `unknown_value`); `{}` when the code has none.
    #[schema(value_type = Object)]
    pub params: Map<String, Value>,
}

impl FieldError {
    /// An error on `field`: what is wrong as a code and in words.
    pub fn new(field: impl Into<String>, code: FieldCode, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
            params: Map::new(),
        }
    }

    /// The same, with the parameter `key` set to `value`.
    #[must_use]
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.params.insert(key.to_owned(), value.into());
        self
    }

    /// The same error on a field of an item of a list: `email` under
    /// `rows[3]` is `rows[3].email`.
    #[must_use]
    pub fn under(mut self, prefix: &str) -> Self {
        self.field = format!("{prefix}.{}", self.field);
        self
    }

    /// `required`: the field must be given.
    pub fn required(field: impl Into<String>) -> Self {
        Self::new(field, FieldCode::Required, "is required")
    }

    /// `too_long` with `{max}`: text over `max` characters.
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self::new(
            field,
            FieldCode::TooLong,
            format!("must be at most {max} characters"),
        )
        .with("max", max)
    }

    /// `too_short` with `{min}`: text under `min` characters.
    pub fn too_short(field: impl Into<String>, min: usize) -> Self {
        Self::new(
            field,
            FieldCode::TooShort,
            format!("must be at least {min} characters long"),
        )
        .with("min", min)
    }

    /// `too_many` with `{max}`: a list over `max` items, named `items`.
    pub fn too_many(field: impl Into<String>, max: usize, items: &str) -> Self {
        Self::new(field, FieldCode::TooMany, format!("at most {max} {items}")).with("max", max)
    }

    /// `out_of_range` with `{min, max}`.
    pub fn out_of_range(
        field: impl Into<String>,
        min: impl Into<Value> + std::fmt::Display,
        max: impl Into<Value> + std::fmt::Display,
    ) -> Self {
        Self::new(
            field,
            FieldCode::OutOfRange,
            format!("must be between {min} and {max}"),
        )
        .with("min", min)
        .with("max", max)
    }

    /// `unknown_value` with `{allowed}`: a value outside a fixed set.
    pub fn unknown_value<S: AsRef<str>>(
        field: impl Into<String>,
        given: &str,
        allowed: &[S],
    ) -> Self {
        let allowed: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
        Self::new(
            field,
            FieldCode::UnknownValue,
            format!("`{given}` is not one of: {}", allowed.join(", ")),
        )
        .with("allowed", allowed)
    }

    /// `invalid_cursor`: a cursor this API did not give out.
    pub fn invalid_cursor(field: impl Into<String>) -> Self {
        Self::new(
            field,
            FieldCode::InvalidCursor,
            "not a cursor this API gave out",
        )
    }

    /// `wrong_order` with `{other}`: this field must not come after `other`.
    pub fn after(field: impl Into<String>, other: &str) -> Self {
        Self::new(
            field,
            FieldCode::WrongOrder,
            format!("must not be after `{other}`"),
        )
        .with("other", other)
    }
}

/// Everything a handler can fail with. Each case maps to one status and one
/// problem `type`; internal causes are logged, never sent.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// 400: the request could not be read (malformed JSON, bad query
    /// string); the code says which.
    #[error("{1}")]
    BadRequest(ProblemCode, String),
    /// 401: no credentials were sent.
    #[error("authentication required")]
    Unauthenticated,
    /// 401: the credentials were refused; the code and the words say why.
    #[error("{1}")]
    Unauthorized(ProblemCode, String),
    /// 403: authenticated, but the role or the key's scope does not allow
    /// it; the code says which.
    #[error("{1}")]
    Forbidden(ProblemCode, String),
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
    /// 409: the request conflicts with the current state; the code says
    /// how (`duplicate_id`, `edit_conflict`, `wrong_state`…).
    #[error("{1}")]
    Conflict(ProblemCode, String),
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
    pub fn invalid(field: impl Into<String>, code: FieldCode, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, code, message)])
    }

    /// The stable code of this problem.
    pub fn code(&self) -> ProblemCode {
        match self {
            Self::BadRequest(code, _)
            | Self::Unauthorized(code, _)
            | Self::Forbidden(code, _)
            | Self::Conflict(code, _) => *code,
            Self::Unauthenticated => ProblemCode::Unauthenticated,
            Self::NotFound(_) => ProblemCode::NotFound,
            Self::MethodNotAllowed { .. } => ProblemCode::MethodNotAllowed,
            Self::Gone(_) => ProblemCode::Gone,
            Self::IllegalTransition { .. } => ProblemCode::IllegalTransition,
            Self::PayloadTooLarge(_) => ProblemCode::PayloadTooLarge,
            Self::UnsupportedMediaType(_) => ProblemCode::UnsupportedMediaType,
            Self::PreconditionFailed { .. } => ProblemCode::PreconditionFailed,
            Self::PreconditionRequired => ProblemCode::PreconditionRequired,
            Self::Validation(_) => ProblemCode::ValidationFailed,
            Self::TooManyRequests(_) => ProblemCode::RateLimited,
            Self::BadGateway(_) => ProblemCode::BadGateway,
            Self::Unavailable(_) => ProblemCode::Unavailable,
            Self::Busy => ProblemCode::Busy,
            Self::Internal(_) => ProblemCode::Internal,
        }
    }

    fn slug_and_title(&self) -> (&'static str, &'static str) {
        match self {
            Self::BadRequest(..) => ("bad-request", "The request could not be read"),
            Self::Unauthenticated | Self::Unauthorized(..) => {
                ("unauthorized", "Authentication required")
            }
            Self::Forbidden(..) => ("forbidden", "Forbidden"),
            Self::PreconditionFailed { .. } => ("precondition-failed", "Precondition failed"),
            Self::PreconditionRequired => ("precondition-required", "Precondition required"),
            Self::TooManyRequests(_) => ("too-many-requests", "Too many requests"),
            Self::NotFound(_) => ("not-found", "Not found"),
            Self::MethodNotAllowed { .. } => ("method-not-allowed", "Method not allowed"),
            Self::Conflict(..) => ("conflict", "Conflict"),
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
            code: self.code(),
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
            Self::BadRequest(..) => StatusCode::BAD_REQUEST,
            Self::Unauthenticated | Self::Unauthorized(..) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(..) => StatusCode::FORBIDDEN,
            Self::PreconditionFailed { .. } => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict(..) | Self::IllegalTransition { .. } => StatusCode::CONFLICT,
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
            Self::Unauthorized(_, reason) => {
                let reason = reason.replace('"', "'");
                response.insert_header((
                    header::WWW_AUTHENTICATE,
                    format!(
                        r#"Bearer realm="followup", error="invalid_token", error_description="{reason}""#
                    ),
                ));
            }
            Self::Forbidden(_, reason) => {
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
            StoreError::Conflict { constraint } => Self::Conflict(
                ProblemCode::AlreadyExists,
                format!("conflicts with an existing record ({constraint})"),
            ),
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
    let said = match &err {
        actix_web::error::QueryPayloadError::Deserialize(inner) => {
            crate::serde_errors::plain(&inner.to_string())
        }
        _ => "it is not a query string".to_owned(),
    };
    ApiError::BadRequest(
        ProblemCode::BadRequest,
        format!("the query string could not be read: a parameter {said}"),
    )
    .into()
}

/// Turns path-parameter failures into 404 problems: a malformed id names no resource.
pub fn path_error(err: actix_web::error::PathError, _req: &HttpRequest) -> actix_web::Error {
    // The parser's words (`can not parse "x" to a u64`) name Rust types:
    // they are logged, not sent.
    tracing::debug!(error = %err, "unreadable path parameter");
    ApiError::NotFound("no such resource: the path names none".to_owned()).into()
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
    fn docs_list_every_code() {
        let docs = include_str!("../../../docs/errors.md");
        for code in ProblemCode::ALL {
            assert!(docs.contains(&format!("| `{code}` |")), "{code}");
        }
        for code in FieldCode::ALL {
            assert!(docs.contains(&format!("| `{code}` |")), "{code}");
        }
    }

    #[test]
    fn every_problem_has_a_code_and_every_field_error_params() {
        let err = ApiError::invalid("name", FieldCode::Empty, "must not be empty");
        let body = serde_json::to_value(err.problem()).unwrap();
        assert_eq!(body["code"], "validation_failed");
        assert_eq!(body["errors"][0]["code"], "empty");
        assert_eq!(body["errors"][0]["params"], serde_json::json!({}));
        let body = serde_json::to_value(FieldError::too_long("name", 200)).unwrap();
        assert_eq!(body["params"], serde_json::json!({"max": 200}));
        let conflict = ApiError::Conflict(ProblemCode::DuplicateId, "taken".to_owned());
        assert_eq!(conflict.problem().code.as_str(), "duplicate_id");
        assert_eq!(conflict.status_code(), StatusCode::CONFLICT);
        assert_eq!(ApiError::Busy.problem().code, ProblemCode::Busy);
    }

    #[test]
    fn internal_errors_never_leak_their_cause() {
        let err = ApiError::Internal("secret connection string".into());
        let problem = err.problem();
        assert_eq!(problem.status, 500);
        assert!(!problem.detail.unwrap_or_default().contains("secret"));
    }
}
