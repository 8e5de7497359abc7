//! Registration, login, token refresh and logout.

use std::time::Instant;

use actix_web::{HttpRequest, HttpResponse, post, web};
use chrono::NaiveDateTime;
use followup_store::auth::{self, RefreshTokenRow};
use followup_store::users::{self, UserRow};
use followup_store::{DbConnection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{
    LimitExceeded, generate_token, hash_password, no_store, sha256_hex, verify_password,
    verify_password_against_nothing,
};
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::{TokenPair, User};

/// Roles one may register with; admins are made by operators.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SignupRole {
    /// Runs their own job search.
    Seeker,
    /// Coaches seekers who grant access.
    Coach,
}

/// A new account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// Unique; compared case-insensitively.
    #[schema(example = "jane@example.com", format = Email, max_length = 254)]
    pub email: String,
    /// At least 10 characters, not the email.
    #[schema(example = "a long passphrase", min_length = 10, max_length = 1024)]
    pub password: String,
    /// Shown to coaches and in drafts.
    #[schema(
        example = "Jane Doe",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub display_name: String,
    /// `seeker` or `coach`.
    pub role: SignupRole,
    /// IANA time zone, e.g. `America/New_York`.
    #[schema(example = "America/New_York")]
    pub timezone: String,
    /// The account's language for reasons, warnings, drafts and dates
    /// (`en` by default); a BCP 47 tag of one of the translations, read
    /// loosely (`de-AT` is `de`). docs/localisation.md.
    #[serde(default)]
    #[schema(example = "de")]
    pub locale: Option<String>,
}

/// The new account and its first token pair.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterResponse {
    /// The account.
    pub user: User,
    /// The first token pair.
    #[serde(flatten)]
    pub tokens: TokenPair,
}

/// Credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The account's email.
    #[schema(example = "jane@example.com")]
    pub email: String,
    /// The account's password.
    #[schema(example = "a long passphrase")]
    pub password: String,
}

/// A refresh token, to exchange or to revoke.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    /// The refresh token of a pair.
    pub refresh_token: String,
}

fn limit_ip(state: &AppState, req: &HttpRequest) -> Result<(), ApiError> {
    let forwarded_for = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok());
    let client = state
        .auth
        .trusted_proxies
        .client_ip(req.peer_addr().map(|a| a.ip()), forwarded_for);
    state
        .auth_limiter
        .check(&client, Instant::now())
        .map_err(ApiError::TooManyRequests)
}

/// Stores a new refresh token of `family_id` and signs an access token of
/// that session under the account's current token generation.
fn issue_pair(
    state: &AppState,
    conn: &mut DbConnection,
    user: &UserRow,
    family_id: &str,
    now: NaiveDateTime,
) -> Result<TokenPair, ApiError> {
    issue_pair_with(state, conn, user, family_id, now, generate_token("rt_")?)
}

/// [`issue_pair`] with the refresh token given: the successor of a spent
/// one ([`successor`]). The access token's id is the refresh token row's,
/// so the pair can be signed again the same (the refresh overlap).
fn issue_pair_with(
    state: &AppState,
    conn: &mut DbConnection,
    user: &UserRow,
    family_id: &str,
    now: NaiveDateTime,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let user_id = user.id.as_str();
    let ttl = chrono::Duration::from_std(state.auth.refresh_ttl)
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let row = RefreshTokenRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: user_id.to_owned(),
        family_id: family_id.to_owned(),
        token_hash: sha256_hex(&refresh_token),
        created_at: now,
        expires_at: now + ttl,
        spent_at: None,
        revoked_at: None,
    };
    auth::insert_refresh_token(conn, &row)?;
    pair_of(state, user, &row, refresh_token)
}

/// The pair of a stored refresh token row and its plaintext: the access
/// token signed at the row's creation, with the row's id.
fn pair_of(
    state: &AppState,
    user: &UserRow,
    row: &RefreshTokenRow,
    refresh_token: String,
) -> Result<TokenPair, ApiError> {
    let access_token = state
        .tokens
        .issue_as(
            &user.id,
            &row.family_id,
            user.token_generation,
            row.created_at.and_utc(),
            &row.id,
        )
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(TokenPair {
        access_token,
        token_type: "Bearer".to_owned(),
        expires_in: state.tokens.ttl().as_secs(),
        refresh_token,
    })
}

/// The refresh token that follows `presented` when it is exchanged: derived
/// from it with the signing secret, so an exchange repeated within the
/// overlap finds the same successor without its plaintext being stored.
fn successor(state: &AppState, presented: &str) -> Result<String, ApiError> {
    use hmac::{Hmac, Mac as _};
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(state.auth.secret.expose())
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    mac.update(b"followup refresh successor\0");
    mac.update(presented.as_bytes());
    Ok(format!(
        "rt_{}",
        crate::auth::hex(&mac.finalize().into_bytes())
    ))
}

/// A registration's own checks: the email, the name and the time zone in
/// their normal form, or every invalid field.
fn checked(body: &RegisterRequest) -> Result<(String, String, chrono_tz::Tz, String), ApiError> {
    let mut errors = Errors::default();
    let email = errors.check(validate::email("email", &body.email));
    errors.check(validate::password(
        "password",
        &body.password,
        email.as_deref(),
    ));
    let display_name = errors.check(validate::name("display_name", &body.display_name, 100));
    let timezone = errors.check(validate::timezone("timezone", &body.timezone));
    let locale = match &body.locale {
        Some(tag) => errors.check(validate::locale("locale", tag)),
        None => Some(followup_core::l10n::Locale::english()),
    };
    errors.finish()?;
    match (email, display_name, timezone, locale) {
        (Some(email), Some(display_name), Some(timezone), Some(locale)) => {
            Ok((email, display_name, timezone, locale.tag().to_owned()))
        }
        _ => Err(ApiError::Internal("validated fields missing".into())),
    }
}

impl crate::extract::Checks for RegisterRequest {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        match checked(self) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

/// Create an account (`seeker` or `coach`) and sign in.
///
/// Answers the account and a first token pair. The email must be unused
/// (409 otherwise); the password needs at least 10 characters and must not be
/// the email.
#[utoipa::path(
    tag = "auth",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "The account and its first token pair.", body = RegisterResponse),
        (status = 409, description = "The email is taken.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many auth requests from this address.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/register")]
pub async fn register(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    limit_ip(&state, &req)?;
    let body = body.0;
    let (email, display_name, timezone, locale) = checked(&body)?;
    let password = body.password;
    let password_hash = web::block(move || hash_password(&password)).await??;
    let role = match body.role {
        SignupRole::Seeker => followup_core::Role::Seeker,
        SignupRole::Coach => followup_core::Role::Coach,
    };
    let response = write(&state, move |state, conn| {
        let now = crate::views::now().naive_utc();
        let user = UserRow {
            facts_revision: 0,
            holiday_calendars: Vec::new(),
            id: uuid::Uuid::now_v7().to_string(),
            email,
            password_hash,
            display_name,
            role,
            timezone,
            created_at: now,
            updated_at: now,
            business_hours: None,
            holidays: std::collections::BTreeSet::new(),
            default_playbook: None,
            token_generation: 0,
            locale,
        };
        users::insert(conn, &user).map_err(|err| match err {
            StoreError::Conflict { .. } => ApiError::Conflict(
                crate::error::ProblemCode::AlreadyExists,
                "an account with this email already exists".to_owned(),
            ),
            other => other.into(),
        })?;
        let family = uuid::Uuid::now_v7().to_string();
        let tokens = issue_pair(state, conn, &user, &family, now)?;
        Ok(RegisterResponse {
            user: User::from(&user),
            tokens,
        })
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(no_store())
        .json(response))
}

/// Sign in with email and password.
///
/// A wrong email and a wrong password get the same 401, in about the same
/// time. After 10 failed attempts on one account within 15 minutes, further
/// attempts get 429 until the window passes.
#[utoipa::path(
    tag = "auth",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "A token pair.", body = TokenPair),
        (status = 401, description = "Wrong email or password.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is missing or not a string.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many attempts.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/login")]
pub async fn login(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    limit_ip(&state, &req)?;
    let LoginRequest { email, password } = body.0;
    let email = email.trim().to_lowercase();
    let window = chrono::Duration::from_std(state.auth.login_failure_window)
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let limit = state.auth.login_failures;

    // Refuse early while the account is locked out; the count lives in the
    // database so every replica sees it.
    let lookup_email = email.clone();
    let (failures, user) = read(&state, move |_, conn| {
        let now = crate::views::now().naive_utc();
        let failures = auth::login_failures_since(conn, &lookup_email, now - window)?;
        Ok((failures, users::find_by_email(conn, &lookup_email)?))
    })
    .await?;
    if failures.len() >= limit as usize {
        let oldest = failures[failures.len() - limit as usize];
        let retry_after = (oldest + window - crate::views::now().naive_utc())
            .num_seconds()
            .max(1);
        return Err(ApiError::TooManyRequests(LimitExceeded {
            retry_after: retry_after.unsigned_abs(),
            limit,
            window: state.auth.login_failure_window.as_secs(),
        }));
    }

    let hash = user.as_ref().map(|u| u.password_hash.clone());
    let verified = web::block(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            verify_password_against_nothing(&password);
            false
        }
    })
    .await?;

    let pair = write(&state, move |state, conn| {
        let now = crate::views::now().naive_utc();
        match user {
            Some(user) if verified => {
                auth::clear_login_failures(conn, &user.email)?;
                let family = uuid::Uuid::now_v7().to_string();
                issue_pair(state, conn, &user, &family, now).map(Some)
            }
            _ => {
                auth::record_login_failure(conn, &uuid::Uuid::now_v7().to_string(), &email, now)?;
                auth::prune_login_failures(conn, now - window)?;
                Ok(None)
            }
        }
    })
    .await?;
    pair.map(|pair| HttpResponse::Ok().insert_header(no_store()).json(pair))
        .ok_or_else(|| {
            ApiError::Unauthorized(
                crate::error::ProblemCode::InvalidCredentials,
                "wrong email or password".to_owned(),
            )
        })
}

enum Refreshed {
    Pair(TokenPair),
    Refused(&'static str),
}

/// The pair a spent refresh token was exchanged for, signed again: `None`
/// when its successor is gone or revoked (then the exchange is reuse).
fn again(
    state: &AppState,
    conn: &mut DbConnection,
    presented: &str,
) -> Result<Option<Refreshed>, ApiError> {
    let next = successor(state, presented)?;
    let Some(row) = auth::find_refresh_token(conn, &sha256_hex(&next))? else {
        return Ok(None);
    };
    if row.revoked_at.is_some() || auth::family_revoked(conn, &row.family_id)? {
        return Ok(None);
    }
    let Some(user) = users::find(conn, &row.user_id)? else {
        return Ok(None);
    };
    pair_of(state, &user, &row, next).map(|pair| Some(Refreshed::Pair(pair)))
}

/// Exchange a refresh token for a new pair.
///
/// The presented token is spent. Within the refresh overlap (30 s by
/// default) it may be presented again and answers the same new pair, so
/// two requests of one app that refresh at once both succeed. Presented
/// again after that, it is taken as theft: every session of the account is
/// revoked (its refresh tokens and, on their next request, its access
/// tokens), and the holder must sign in again.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "A new token pair.", body = TokenPair),
        (status = 401, description = "Unknown, expired, revoked or reused refresh token.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The field is missing or not a string.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many auth requests from this address.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/refresh")]
pub async fn refresh(
    req: HttpRequest,
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    limit_ip(&state, &req)?;
    let presented = body.0.refresh_token.trim().to_owned();
    let hash = sha256_hex(&presented);
    let outcome = write(&state, move |state, conn| {
        let now = crate::views::now().naive_utc();
        let Some(token) = auth::find_refresh_token(conn, &hash)? else {
            return Ok(Refreshed::Refused("unknown refresh token"));
        };
        if token.revoked_at.is_some() || auth::family_revoked(conn, &token.family_id)? {
            return Ok(Refreshed::Refused(
                "the refresh token was revoked; sign in again",
            ));
        }
        let spent_now =
            token.spent_at.is_none() && auth::spend_refresh_token(conn, &token.id, now)?;
        if !spent_now {
            // Spent already: by another request of the same app a moment
            // ago (answered the same pair), or presented again later (theft).
            let spent_at = match token.spent_at {
                Some(at) => Some(at),
                None => auth::find_refresh_token(conn, &hash)?.and_then(|t| t.spent_at),
            };
            let overlap = chrono::Duration::from_std(state.auth.refresh_overlap)
                .map_err(|e| ApiError::Internal(Box::new(e)))?;
            if let Some(spent_at) = spent_at
                && overlap > chrono::Duration::zero()
                && now - spent_at <= overlap
                && let Some(pair) = again(state, conn, &presented)?
            {
                return Ok(pair);
            }
            users::revoke_sessions(conn, &token.user_id, now)?;
            tracing::warn!(user = %token.user_id, "refresh token reuse; every session revoked");
            return Ok(Refreshed::Refused(
                "refresh token reuse detected; every session of this account was revoked",
            ));
        }
        if token.expires_at <= now {
            return Ok(Refreshed::Refused(
                "the refresh token has expired; sign in again",
            ));
        }
        let Some(user) = users::find(conn, &token.user_id)? else {
            return Ok(Refreshed::Refused("unknown refresh token"));
        };
        let next = successor(state, &presented)?;
        issue_pair_with(state, conn, &user, &token.family_id, now, next).map(Refreshed::Pair)
    })
    .await?;
    match outcome {
        Refreshed::Pair(pair) => Ok(HttpResponse::Ok().insert_header(no_store()).json(pair)),
        Refreshed::Refused(reason) => Err(ApiError::Unauthorized(
            crate::error::ProblemCode::SessionEnded,
            reason.to_owned(),
        )),
    }
}

/// Sign out: end the refresh token's session.
///
/// Revokes the refresh token's whole family, and the access tokens issued in
/// it are refused from the next request on; the account's other sessions go
/// on. Always 204, also for a token that is unknown or already revoked, so
/// the answer tells nothing about tokens.
#[utoipa::path(
    tag = "auth",
    request_body = RefreshRequest,
    responses(
        (status = 204, description = "Signed out."),
        (status = 422, description = "The field is missing or not a string.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/auth/logout")]
pub async fn logout(
    state: web::Data<AppState>,
    body: Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let hash = sha256_hex(body.0.refresh_token.trim());
    write(&state, move |_, conn| {
        if let Some(token) = auth::find_refresh_token(conn, &hash)? {
            auth::revoke_family(conn, &token.family_id, crate::views::now().naive_utc())?;
        }
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// The route checks these bodies as it reads them (see `extract::Checks`).
impl crate::extract::Checks for LoginRequest {}
impl crate::extract::Checks for RefreshRequest {}
