//! The caller's own account.

use actix_web::{HttpResponse, delete, get, patch, web};
use chrono::{NaiveDate, NaiveTime};
use followup_store::digest;
use followup_store::users::{self, UserRow};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Caller, verify_password};
use crate::db::{read, write_facts};
use crate::error::FieldCode;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::digest::Me;
use crate::views::{User, WeekHours};

/// Changes to the account; absent fields stay as they are.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    /// New display name.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, example = "Jane Doe", min_length = 1, max_length = 100, pattern = r"\S")]
    pub display_name: Option<String>,
    /// New IANA time zone.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, example = "Europe/Berlin")]
    pub timezone: Option<String>,
    /// New language for reasons, warnings, drafts and dates: a BCP 47 tag
    /// of one of the translations (`en`, `de`; `de-AT` is read as `de`).
    /// docs/localisation.md.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, example = "de")]
    pub locale: Option<String>,
    /// New business hours; `null` restores Mon–Fri 09:00–17:00.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<WeekHours>)]
    pub business_hours: Option<Option<WeekHours>>,
    /// The full list of holidays (replaces the old one).
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = Vec<NaiveDate>, required = false)]
    pub holidays: Option<Vec<NaiveDate>>,
    /// The built-in public-holiday calendars to observe (replaces the old
    /// list; `[]` for none).
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = Vec<followup_core::HolidayCalendar>, required = false, example = json!(["us"]))]
    pub holiday_calendars: Option<Vec<followup_core::HolidayCalendar>>,
    /// A built-in playbook name; `null` restores `balanced`.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, example = "email_only")]
    pub default_playbook: Option<Option<String>>,
    /// The morning digest: turn it on or off, or change its local time.
    /// Turning it on sends a verification link to the account's address
    /// first (docs/digest.md).
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = DigestChange, required = false)]
    pub digest: Option<DigestChange>,
}

/// Changes to the morning digest; absent fields stay as they are.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DigestChange {
    /// On or off. On needs a server that sends e-mail (`digest.available`
    /// in `GET /v1/me`).
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = bool, required = false)]
    pub enabled: Option<bool>,
    /// The local send time, `HH:MM` before noon, in the account's time
    /// zone (default 08:00).
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, example = "07:30", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub at: Option<String>,
}

/// The password that confirms deleting the account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMe {
    /// The account's current password.
    pub password: String,
}

/// The caller's account, with its morning digest settings.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account.", body = Me),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me")]
pub async fn get_me(caller: Caller, state: web::Data<AppState>) -> Result<web::Json<Me>, ApiError> {
    let user = caller.user.clone();
    let available = state.mailer.is_some();
    let now = state.clock.now();
    let digest = read(&state, move |_, conn| {
        Ok(crate::views::digest::settings(conn, &user, available, now)?)
    })
    .await?;
    Ok(web::Json(Me {
        account: User::from(&caller.user),
        digest,
    }))
}

/// Change the display name, time zone, language, business hours, holidays,
/// holiday calendars, default playbook or morning digest.
///
/// Turning the digest on for an address not verified yet sends a
/// verification link to it; nothing else is sent until it is followed.
///
/// Business hours and holidays decide when follow-ups fall due for contacts
/// with no time zone of their own.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated account.", body = Me),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "An API key without the write scope.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/me")]
pub async fn update_me(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<UpdateMe>,
) -> Result<web::Json<Me>, ApiError> {
    caller.require_write()?;
    let change = body.0;
    let available = state.mailer.is_some();
    // A bad body is a 422 before the database is touched.
    let checked = checked(&change, available)?;
    let send_at = checked.send_at;
    let id = caller.user.id.clone();
    let now = state.clock.now();
    let (user, digest, verification) = write_facts(&state, move |_, tx| {
        // Read under the account's lock: a change made meanwhile (by another
        // request, or a coach assigning a playbook) is kept, not overwritten.
        let mut user = users::find_locked(tx, &id)?.ok_or_else(|| {
            ApiError::Unauthorized(
                crate::error::ProblemCode::SessionEnded,
                "the account no longer exists".to_owned(),
            )
        })?;
        apply(&mut user, checked);
        user.updated_at = crate::views::now().naive_utc();
        if let (Some(Some(_)), Some(reference)) = (&change.default_playbook, &user.default_playbook)
        {
            crate::access::check_playbook(tx.conn(), &id, "default_playbook", reference)?;
        }
        users::update(tx, &user)?;
        if change.default_playbook.is_some() {
            let source = users::PlaybookSource {
                set_by: id.clone(),
                via: "seeker".to_owned(),
                at: user.updated_at,
            };
            users::set_playbook_source(tx.conn(), &id, &source)?;
        }
        let mut verification = None;
        let conn = tx.conn();
        if let Some(wanted) = &change.digest {
            let mut settings = match digest::find(conn, &id)? {
                Some(settings) => settings,
                None => crate::digest::default_settings(&id, now)?,
            };
            let turned_on = wanted.enabled == Some(true) && !settings.enabled;
            if let Some(enabled) = wanted.enabled {
                settings.enabled = enabled;
            }
            if let Some(at) = send_at {
                settings.send_at = at;
            }
            settings.updated_at = now.naive_utc();
            if turned_on && crate::digest::wants_verification(&settings, &user, now) {
                verification = Some(crate::digest::issue_verification(&mut settings, now)?);
            }
            digest::save(conn, &settings)?;
        }
        let digest = crate::views::digest::settings(conn, &user, available, now)?;
        Ok((user, digest, verification))
    })
    .await?;
    if let (Some(token), Some(mailer)) = (verification, &state.mailer)
        && let Err(error) = crate::digest::send_verification(mailer, &user, &token, now).await
    {
        // The setting is saved; POST /v1/me/digest/verification sends the
        // link again and says what the mail server answered.
        tracing::warn!(%error, user = %user.id, "the verification e-mail was not sent");
    }
    Ok(web::Json(Me {
        account: User::from(&user),
        digest,
    }))
}

/// The values of a change to the account, checked and in their normal
/// form.
#[derive(Debug, Clone)]
struct MeChange {
    display_name: Option<String>,
    timezone: Option<chrono_tz::Tz>,
    locale: Option<String>,
    business_hours: Option<Option<followup_core::BusinessHours>>,
    holidays: Option<Vec<chrono::NaiveDate>>,
    holiday_calendars: Option<Vec<followup_core::HolidayCalendar>>,
    default_playbook: Option<Option<String>>,
    /// The digest's new send time.
    send_at: Option<NaiveTime>,
}

/// Checks the whole change (422 naming every bad field). Whether the
/// digest can be turned on depends on the server (`mail_available`); the
/// rest on the body alone.
fn checked(change: &UpdateMe, mail_available: bool) -> Result<MeChange, ApiError> {
    let mut errors = Errors::default();
    let display_name = change
        .display_name
        .as_ref()
        .and_then(|name| errors.check(validate::name("display_name", name, 100)));
    let timezone = change
        .timezone
        .as_ref()
        .and_then(|tz| errors.check(validate::timezone("timezone", tz)));
    let locale = change.locale.as_ref().and_then(|tag| {
        errors
            .check(validate::locale("locale", tag))
            .map(|locale| locale.tag().to_owned())
    });
    let business_hours = match &change.business_hours {
        Some(Some(hours)) => errors
            .check(validate::week_hours("business_hours", hours))
            .map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let holidays = change
        .holidays
        .as_ref()
        .and_then(|days| errors.check(validate::holidays("holidays", days)));
    let holiday_calendars = change.holiday_calendars.as_ref().map(|calendars| {
        let mut calendars = calendars.clone();
        calendars.sort_by_key(|c| c.as_str());
        calendars.dedup();
        calendars
    });
    let default_playbook = match &change.default_playbook {
        Some(Some(name)) => errors
            .check(validate::playbook("default_playbook", name))
            .map(Some),
        Some(None) => Some(None),
        None => None,
    };
    let mut send_at = None;
    if let Some(digest) = &change.digest {
        if digest.enabled == Some(true) && !mail_available {
            errors.push(
                "digest.enabled",
                FieldCode::NotAllowed,
                "this server sends no e-mail (it was started without --smtp-url): the digest cannot be turned on",
            );
        }
        send_at = digest.at.as_deref().and_then(|at| {
            crate::digest::parse_send_time(at)
                .map_err(|message| {
                    errors.add(
                        crate::error::FieldError::new("digest.at", FieldCode::InvalidTime, message)
                            .with("format", "HH:MM"),
                    );
                })
                .ok()
        });
    }
    errors.finish()?;
    Ok(MeChange {
        display_name,
        timezone,
        locale,
        business_hours,
        holidays,
        holiday_calendars,
        default_playbook,
        send_at,
    })
}

/// Applies a change [`checked`] made to `user`.
fn apply(user: &mut UserRow, change: MeChange) {
    if let Some(name) = change.display_name {
        user.display_name = name;
    }
    if let Some(tz) = change.timezone {
        user.timezone = tz;
    }
    if let Some(locale) = change.locale {
        user.locale = locale;
    }
    if let Some(hours) = change.business_hours {
        user.business_hours = hours;
    }
    if let Some(days) = change.holidays {
        user.holidays = days.into_iter().collect();
    }
    if let Some(calendars) = change.holiday_calendars {
        user.holiday_calendars = calendars;
    }
    if let Some(playbook) = change.default_playbook {
        user.default_playbook = playbook;
    }
}

/// The change's own checks: all but whether this server can send the
/// digest (which the route checks).
impl crate::extract::Checks for UpdateMe {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        match checked(self, true) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

/// Delete the account and everything it owns.
///
/// Needs the current password. Opportunities, contacts, interactions,
/// promises, grants, API keys and sessions go with it; nothing can be
/// recovered. Tokens of the account stop working at once.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = DeleteMe,
    responses(
        (status = 204, description = "The account and its data are gone."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Wrong password, or an API key (keys cannot delete accounts).", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The password field is missing.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/me")]
pub async fn delete_me(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<DeleteMe>,
) -> Result<HttpResponse, ApiError> {
    if caller.via != crate::auth::Via::Token {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            "an API key cannot delete its owner's account".to_owned(),
        ));
    }
    let password = body.0.password;
    let hash = caller.user.password_hash.clone();
    if !web::block(move || verify_password(&password, &hash)).await? {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::WrongPassword,
            "the password is wrong".to_owned(),
        ));
    }
    let id = caller.user.id.clone();
    write_facts(&state, move |_, tx| Ok(users::delete(tx, &id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}

// Whether the password is right needs the account: the route checks it.
impl crate::extract::Checks for DeleteMe {}
