//! The morning digest's own endpoints (docs/digest.md): sending the
//! verification link again, a preview of a day's digest, and the two links
//! in the e-mails, which need no login: the verification link and the
//! one-click unsubscribe (RFC 8058).

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{Datelike as _, Duration};
use followup_core::l10n::Locale;
use followup_store::digest;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::{Caller, sha256_hex};
use crate::db::{read, write};
use crate::digest::{Mailer, VERIFICATION_RESEND_SECONDS, VERIFICATION_TTL_HOURS};
use crate::error::{ApiError, Problem};
use crate::shape::IncludeParam;
use crate::state::AppState;
use crate::views::agenda::AtParams;
use crate::views::digest::{DigestPreview, DigestSettings};

/// The token of a link in an e-mail.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LinkParams {
    /// The token the e-mail's link carries.
    pub token: String,
}

fn mailer(state: &AppState) -> Result<&Mailer, ApiError> {
    state.mailer.as_deref().ok_or_else(|| {
        ApiError::Conflict(
            crate::error::ProblemCode::NotConfigured,
            "this server sends no e-mail (it was started without --smtp-url)".to_owned(),
        )
    })
}

/// Whether the client asked for a page (a browser following the link)
/// rather than JSON.
fn wants_html(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|accept| accept.contains("text/html"))
}

/// A small page for a person who followed a link.
fn page(title: &str, body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(format!(
            "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title>\
             <meta name=\"viewport\" content=\"width=device-width\"></head>\
             <body style=\"font-family: sans-serif; max-width: 40em; margin: 2em auto\">\
             <h1>{title}</h1>\n{body}\n</body></html>\n"
        ))
}

/// Send the verification link again.
///
/// For a digest that is on and whose address is not verified yet: a new
/// link replaces the earlier one. At most one a minute.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "The mail server took the e-mail.", body = DigestSettings),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key without the write scope.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The digest is off, the address is verified already, or this server sends no e-mail.", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "A link was sent less than a minute ago.", body = Problem, content_type = "application/problem+json"),
        (status = 502, description = "The mail server did not take the e-mail; the detail says what it answered.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/digest/verification")]
pub async fn resend_verification(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    mailer(&state)?;
    let user = caller.user.clone();
    let now = state.clock.now();
    let (token, settings) = write(&state, move |_, conn| {
        let mut settings = digest::find(conn, &user.id)?
            .filter(|s| s.enabled)
            .ok_or_else(|| {
                ApiError::Conflict(
                    crate::error::ProblemCode::WrongState,
                    "the digest is off: turn it on with PATCH /v1/me and digest.enabled".to_owned(),
                )
            })?;
        if settings.verified_for(&user.email) {
            return Err(ApiError::Conflict(
                crate::error::ProblemCode::WrongState,
                "the account's address is verified already".to_owned(),
            ));
        }
        if !crate::digest::wants_verification(&settings, &user, now) {
            let wait = settings.verification_sent_at.map_or(1, |sent| {
                (Duration::seconds(VERIFICATION_RESEND_SECONDS) - (now.naive_utc() - sent))
                    .num_seconds()
                    .max(1)
            });
            return Err(ApiError::TooManyRequests(crate::auth::LimitExceeded {
                retry_after: u64::try_from(wait).unwrap_or(1),
                limit: 1,
                window: u64::try_from(VERIFICATION_RESEND_SECONDS).unwrap_or(60),
            }));
        }
        let token = crate::digest::issue_verification(&mut settings, now)?;
        digest::save(conn, &settings)?;
        Ok((
            token,
            crate::views::digest::settings(conn, &user, true, now)?,
        ))
    })
    .await?;
    let mailer = mailer(&state)?;
    crate::digest::send_verification(mailer, &caller.user, &token, now)
        .await
        .map_err(|error| {
            ApiError::BadGateway(format!("the mail server did not take it: {error}"))
        })?;
    Ok(HttpResponse::Accepted().json(settings))
}

/// Preview a day's digest without sending it.
///
/// The digest of the local day of `at` (default now) as it would be sent:
/// the actions due by the end of that day, with their drafts. A day with
/// nothing due sends nothing (`would_send: false`). Works whether the
/// digest is on or not.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    params(AtParams, IncludeParam),
    responses(
        (status = 200, description = "The day's digest.", body = DigestPreview),
        (status = 422, description = "An unknown `include`.", body = Problem, content_type = "application/problem+json"),
        (status = 400, description = "`at` is not an RFC 3339 instant.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/digest/preview")]
pub async fn preview(
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<AtParams>,
    include: crate::extract::Query<IncludeParam>,
) -> Result<web::Json<DigestPreview>, ApiError> {
    let mailto = include.mailto()?;
    let at = params.at.unwrap_or_else(|| state.clock.now());
    let user = caller.user.clone();
    let mail = state.mailer.clone();
    let preview = read(&state, move |_, conn| {
        let settings = match digest::find(conn, &user.id)? {
            Some(settings) => settings,
            None => crate::digest::default_settings(&user.id, at)?,
        };
        let link = match &mail {
            Some(mailer) => crate::digest::worker::unsubscribe_url(mailer, &settings),
            None => "/v1/digest/unsubscribe?token=…".to_owned(),
        };
        let calendar = followup_store::facts::calendar(&user, at.year())?;
        let date = calendar.local_date(at);
        let (actions, content) = crate::digest::worker::compose(conn, &user, date, at, &link)?;
        Ok(DigestPreview {
            date,
            would_send: content.is_some(),
            subject: content.as_ref().map(|c| c.subject.clone()),
            text: content.as_ref().map(|c| c.text.clone()),
            html: content.map(|c| c.html),
            actions: actions
                .into_iter()
                // `compose` wrote them in the seeker's language already.
                .map(|a| crate::shape::action(a, mailto, Locale::english()))
                .collect(),
        })
    })
    .await?;
    Ok(web::Json(preview))
}

/// Confirm the address (the link in the verification e-mail).
///
/// Needs no login: the token is the proof. A browser gets a page; other
/// clients get the digest settings as JSON.
#[utoipa::path(
    tag = "account",
    params(LinkParams),
    responses(
        (status = 200, description = "The address is verified: the digest goes out from the next business morning.", content((DigestSettings = "application/json"), (String = "text/html"))),
        (status = 400, description = "The token parameter is missing.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such link: mistyped, used already, or replaced by a newer one.", body = Problem, content_type = "application/problem+json"),
        (status = 410, description = "The link has expired; ask for a new one.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/digest/verify")]
pub async fn verify(
    request: HttpRequest,
    state: web::Data<AppState>,
    params: web::Query<LinkParams>,
) -> Result<HttpResponse, ApiError> {
    let hash = sha256_hex(params.token.trim());
    let now = state.clock.now();
    let available = state.mailer.is_some();
    let (settings, email) = write(&state, move |_, conn| {
        let mut settings = digest::by_verification(conn, &hash)?.ok_or_else(|| {
            ApiError::NotFound(
                "no such verification link: it was mistyped, used already, or replaced by a newer one"
                    .to_owned(),
            )
        })?;
        let expired = settings
            .verification_sent_at
            .is_none_or(|sent| now.naive_utc() - sent > Duration::hours(VERIFICATION_TTL_HOURS));
        if expired {
            return Err(ApiError::Gone(
                "this verification link has expired: ask for a new one (POST /v1/me/digest/verification)"
                    .to_owned(),
            ));
        }
        let user = followup_store::users::find(conn, &settings.seeker_id)?
            .ok_or_else(|| ApiError::NotFound("no such verification link".to_owned()))?;
        settings.verified_email = Some(user.email.clone());
        settings.verified_at = Some(now.naive_utc());
        settings.verification_hash = None;
        settings.verification_sent_at = None;
        settings.updated_at = now.naive_utc();
        digest::save(conn, &settings)?;
        let view = crate::views::digest::settings(conn, &user, available, now)?;
        Ok((view, user.email))
    })
    .await?;
    if wants_html(&request) {
        return Ok(page(
            "Address confirmed",
            &format!(
                "<p>The morning digest will go to {} at {} on your business days, \
                 whenever something is due.</p>",
                crate::digest::mail::escape(&email),
                settings.at
            ),
        ));
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(settings))
}

/// The unsubscribe page (the link in every digest).
///
/// Needs no login, and changes nothing: mail scanners open links. It shows
/// a button that posts the one-click unsubscribe.
#[utoipa::path(
    tag = "account",
    params(LinkParams),
    responses(
        (status = 200, description = "A page with the unsubscribe button.", body = String, content_type = "text/html"),
        (status = 400, description = "The token parameter is missing.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unsubscribe link.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/digest/unsubscribe")]
pub async fn unsubscribe_page(
    state: web::Data<AppState>,
    params: web::Query<LinkParams>,
) -> Result<HttpResponse, ApiError> {
    let token = params.token.trim().to_owned();
    let settings = read(&state, {
        let token = token.clone();
        move |_, conn| Ok(digest::by_unsubscribe(conn, &token)?)
    })
    .await?
    .ok_or_else(|| ApiError::NotFound("no such unsubscribe link".to_owned()))?;
    let action = format!("/v1/digest/unsubscribe?token={token}");
    let body = if settings.enabled {
        format!(
            "<p>Stop the morning digest of your follow-ups?</p>\
             <form method=\"post\" action=\"{}\">\
             <input type=\"hidden\" name=\"List-Unsubscribe\" value=\"One-Click\">\
             <button type=\"submit\">Unsubscribe</button></form>",
            crate::digest::mail::escape(&action)
        )
    } else {
        "<p>The morning digest is off already. Turn it on again in the app.</p>".to_owned()
    };
    Ok(page("Morning digest", &body))
}

/// Unsubscribe with one click (RFC 8058).
///
/// What a mail client posts for the `List-Unsubscribe` header, with the
/// body `List-Unsubscribe=One-Click`. Needs no login; the token is the
/// proof. Turns the digest off at once; turning it on again needs no new
/// verification.
#[utoipa::path(
    tag = "account",
    params(LinkParams),
    responses(
        (status = 200, description = "The digest is off.", body = String, content_type = "text/html"),
        (status = 400, description = "The token parameter is missing.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such unsubscribe link.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/digest/unsubscribe")]
pub async fn unsubscribe(
    state: web::Data<AppState>,
    params: web::Query<LinkParams>,
) -> Result<HttpResponse, ApiError> {
    let token = params.token.trim().to_owned();
    let now = state.clock.now();
    write(&state, move |_, conn| {
        let mut settings = digest::by_unsubscribe(conn, &token)?
            .ok_or_else(|| ApiError::NotFound("no such unsubscribe link".to_owned()))?;
        if settings.enabled {
            settings.enabled = false;
            settings.updated_at = now.naive_utc();
            digest::save(conn, &settings)?;
            tracing::info!(seeker = %settings.seeker_id, "unsubscribed from the digest");
        }
        Ok(())
    })
    .await?;
    Ok(page(
        "Unsubscribed",
        "<p>The morning digest is off. You can turn it on again in the app.</p>",
    ))
}
