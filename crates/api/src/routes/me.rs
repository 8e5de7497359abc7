//! The caller's own account.

use actix_web::{HttpResponse, delete, get, patch, web};
use chrono::NaiveDate;
use followup_store::users::{self, UserRow};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Caller, verify_password};
use crate::db::write_facts;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::state::AppState;
use crate::validate::{self, Errors};
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
}

/// The password that confirms deleting the account.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteMe {
    /// The account's current password.
    pub password: String,
}

/// The caller's account.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account.", body = User),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me")]
pub async fn get_me(caller: Caller) -> web::Json<User> {
    web::Json(User::from(&caller.user))
}

/// Change the display name, time zone, business hours, holidays, holiday
/// calendars or default playbook.
///
/// Business hours and holidays decide when follow-ups fall due for contacts
/// with no time zone of their own.
#[utoipa::path(
    tag = "account",
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated account.", body = User),
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
) -> Result<web::Json<User>, ApiError> {
    caller.require_write()?;
    let change = body.0;
    // A bad body is a 422 before the database is touched.
    apply(&mut caller.user.clone(), &change)?;
    let id = caller.user.id.clone();
    let user = write_facts(&state, move |_, tx| {
        // Read under the account's lock: a change made meanwhile (by another
        // request, or a coach assigning a playbook) is kept, not overwritten.
        let mut user = users::find_locked(tx, &id)?
            .ok_or_else(|| ApiError::Unauthorized("the account no longer exists".to_owned()))?;
        apply(&mut user, &change)?;
        user.updated_at = crate::views::now().naive_utc();
        if let (Some(Some(_)), Some(reference)) = (&change.default_playbook, &user.default_playbook)
        {
            crate::access::check_playbook(tx.conn(), &id, "default_playbook", reference)?;
        }
        users::update(tx, &user)?;
        Ok(user)
    })
    .await?;
    Ok(web::Json(User::from(&user)))
}

/// Applies the change to `user`, or 422 naming every bad field.
fn apply(user: &mut UserRow, change: &UpdateMe) -> Result<(), ApiError> {
    let mut errors = Errors::default();
    if let Some(name) = &change.display_name
        && let Some(name) = errors.check(validate::name("display_name", name, 100))
    {
        user.display_name = name;
    }
    if let Some(tz) = &change.timezone
        && let Some(tz) = errors.check(validate::timezone("timezone", tz))
    {
        user.timezone = tz;
    }
    match &change.business_hours {
        Some(Some(hours)) => {
            if let Some(hours) = errors.check(validate::week_hours("business_hours", hours)) {
                user.business_hours = Some(hours);
            }
        }
        Some(None) => user.business_hours = None,
        None => {}
    }
    if let Some(days) = &change.holidays
        && let Some(days) = errors.check(validate::holidays("holidays", days))
    {
        user.holidays = days.into_iter().collect();
    }
    if let Some(calendars) = &change.holiday_calendars {
        let mut calendars = calendars.clone();
        calendars.sort_by_key(|c| c.as_str());
        calendars.dedup();
        user.holiday_calendars = calendars;
    }
    match &change.default_playbook {
        Some(Some(name)) => {
            if let Some(name) = errors.check(validate::playbook("default_playbook", name)) {
                user.default_playbook = Some(name);
            }
        }
        Some(None) => user.default_playbook = None,
        None => {}
    }
    errors.finish()?;
    Ok(())
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
            "an API key cannot delete its owner's account".to_owned(),
        ));
    }
    let password = body.0.password;
    let hash = caller.user.password_hash.clone();
    if !web::block(move || verify_password(&password, &hash)).await? {
        return Err(ApiError::Forbidden("the password is wrong".to_owned()));
    }
    let id = caller.user.id.clone();
    write_facts(&state, move |_, tx| Ok(users::delete(tx, &id)?)).await?;
    Ok(HttpResponse::NoContent().finish())
}
