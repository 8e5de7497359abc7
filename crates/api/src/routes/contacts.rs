//! Contacts: the people at an employer — the hiring manager, the assistant
//! who knows when to call, the recruiter — one list per opportunity.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveTime, Utc, Weekday};
use followup_core::{Channel, ContactRole, HolidayCalendar};
use followup_store::DbConnection;
use followup_store::contacts;
use followup_store::records::ContactRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::auth::{Access, Caller};
use crate::conventions::{
    Actor, Page, PageParams, Paging, check_if_match, if_match, not_modified, with_etag,
};
use crate::db::{read, write};
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::Json;
use crate::routes::me::not_null;
use crate::routes::opportunities::{Need, load_opportunity, locked, present};
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::utc;

/// A day of the week.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Day {
    /// Monday.
    Mon,
    /// Tuesday.
    Tue,
    /// Wednesday.
    Wed,
    /// Thursday.
    Thu,
    /// Friday.
    Fri,
    /// Saturday.
    Sat,
    /// Sunday.
    Sun,
}

impl From<Day> for Weekday {
    fn from(day: Day) -> Self {
        match day {
            Day::Mon => Self::Mon,
            Day::Tue => Self::Tue,
            Day::Wed => Self::Wed,
            Day::Thu => Self::Thu,
            Day::Fri => Self::Fri,
            Day::Sat => Self::Sat,
            Day::Sun => Self::Sun,
        }
    }
}

impl From<Weekday> for Day {
    fn from(day: Weekday) -> Self {
        match day {
            Weekday::Mon => Self::Mon,
            Weekday::Tue => Self::Tue,
            Weekday::Wed => Self::Wed,
            Weekday::Thu => Self::Thu,
            Weekday::Fri => Self::Fri,
            Weekday::Sat => Self::Sat,
            Weekday::Sun => Self::Sun,
        }
    }
}

/// When a contact can be reached by phone, in the contact's own time zone —
/// what the assistant says ("Tuesdays and Thursdays, two to three"). Calls
/// the agenda suggests to this contact are placed inside this window only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(remote = "Self")]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"days": ["tue", "thu"], "from": "14:00", "to": "15:00"}))]
pub struct BestTime {
    /// The weekdays; empty (or absent) means every day.
    #[serde(default)]
    pub days: Vec<Day>,
    /// Start of the window, local wall-clock time.
    #[schema(example = "14:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub from: String,
    /// End of the window (exclusive), after `from`.
    #[schema(example = "15:00", pattern = r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]
    pub to: String,
}

crate::object_only!(BestTime);

impl BestTime {
    /// The engine's form, or the field at fault (`best_time.from`).
    pub fn to_core(&self, field: &str) -> Result<followup_core::BestTime, FieldError> {
        let time = |which: &str, value: &str| {
            let bytes = value.as_bytes();
            let shaped = bytes.len() == 5 && bytes[2] == b':';
            shaped
                .then(|| NaiveTime::parse_from_str(value, "%H:%M").ok())
                .flatten()
                .ok_or_else(|| {
                    FieldError::new(
                        format!("{field}.{which}"),
                        format!("`{value}` is not a time of day (HH:MM)"),
                    )
                })
        };
        let from = time("from", &self.from)?;
        let to = time("to", &self.to)?;
        let days: Vec<Weekday> = self.days.iter().map(|&d| d.into()).collect();
        followup_core::BestTime::new(&days, from, to)
            .map_err(|e| FieldError::new(format!("{field}.to"), e.to_string()))
    }

    /// The normal form of the engine's value: days in week order, once each.
    pub fn from_core(best: followup_core::BestTime) -> Self {
        Self {
            days: best.days().into_iter().map(Day::from).collect(),
            from: best.from().format("%H:%M").to_string(),
            to: best.to().format("%H:%M").to_string(),
        }
    }
}

/// A person at the employer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Contact {
    /// UUIDv7.
    pub id: String,
    /// The opportunity this contact belongs to.
    pub opportunity_id: String,
    /// Their name; drafts greet them by its first word.
    #[schema(example = "Sam Boss")]
    pub name: String,
    /// Their part in the hiring.
    #[schema(value_type = crate::schemas::ContactRole)]
    pub role: ContactRole,
    /// Email address (lower-case).
    #[schema(example = "sam@example.com")]
    pub email: Option<String>,
    /// Phone number, normalised to `+` and digits.
    #[schema(example = "+12125550100")]
    pub phone: Option<String>,
    /// IANA time zone; `null` = the seeker's.
    #[schema(example = "America/New_York")]
    pub timezone: Option<String>,
    /// How they like to be reached; `email` means never a call.
    #[schema(value_type = crate::schemas::Channel)]
    pub preferred_channel: Channel,
    /// When to call them, in their time zone.
    pub best_time: Option<BestTime>,
    /// The public holidays they observe (a built-in calendar); `null` takes
    /// the opportunity's, else the one their time zone determines.
    #[schema(value_type = Option<crate::schemas::HolidayCalendar>)]
    pub holiday_calendar: Option<HolidayCalendar>,
    /// Rapport notes.
    pub notes: Option<String>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by: Actor,
}

impl TryFrom<ContactRow> for Contact {
    type Error = ApiError;

    fn try_from(row: ContactRow) -> Result<Self, ApiError> {
        Ok(Self {
            role: row.role,
            preferred_channel: row.preferred_channel,
            best_time: row.best_time.map(BestTime::from_core),
            updated_by: Actor::from(row.updated_by),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            id: row.id,
            opportunity_id: row.opportunity_id,
            name: row.name,
            email: row.email,
            phone: row.phone,
            timezone: row.timezone.map(|tz| tz.name().to_owned()),
            holiday_calendar: row.holiday_calendar,
            notes: row.notes,
        })
    }
}

/// A new contact.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// Their name.
    #[schema(example = "Sam Boss", min_length = 1, max_length = 200)]
    pub name: String,
    /// Their part in the hiring.
    #[schema(value_type = crate::schemas::ContactRole)]
    pub role: ContactRole,
    /// Email address.
    #[schema(example = "sam@example.com", max_length = 254)]
    pub email: Option<String>,
    /// Phone number: digits, spaces, `+`, `-`, `(`, `)`, `.`; at least 7 digits.
    #[schema(example = "+1 (212) 555-0100", max_length = 40)]
    pub phone: Option<String>,
    /// IANA time zone; absent = the seeker's.
    #[schema(example = "America/New_York")]
    pub timezone: Option<String>,
    /// How they like to be reached (default `any`).
    #[schema(value_type = Option<crate::schemas::Channel>)]
    pub preferred_channel: Option<Channel>,
    /// When to call them, in their time zone.
    pub best_time: Option<BestTime>,
    /// The public holidays they observe (a built-in calendar such as `jp`);
    /// absent: the opportunity's, else their time zone's.
    #[schema(value_type = Option<crate::schemas::HolidayCalendar>)]
    pub holiday_calendar: Option<HolidayCalendar>,
    /// Rapport notes.
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
}

/// Changes to a contact; absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContact {
    /// Their name.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Their part in the hiring.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = crate::schemas::ContactRole, required = false)]
    pub role: Option<ContactRole>,
    /// Email address.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    /// Phone number.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub phone: Option<Option<String>>,
    /// IANA time zone; `null` = the seeker's.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub timezone: Option<Option<String>>,
    /// How they like to be reached.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = crate::schemas::Channel, required = false)]
    pub preferred_channel: Option<Channel>,
    /// When to call them; `null` = unknown.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<BestTime>)]
    pub best_time: Option<Option<BestTime>>,
    /// The public holidays they observe; `null`: their time zone's.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<crate::schemas::HolidayCalendar>)]
    pub holiday_calendar: Option<Option<HolidayCalendar>>,
    /// Rapport notes.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
}

/// The caller's access to a record of `seeker_id`: 404 when they may not
/// know it exists, 403 when they may read but `need` a write.
pub(crate) fn access(
    conn: &mut DbConnection,
    caller: &Caller,
    seeker_id: &str,
    need: Need,
    noun: &str,
) -> Result<Access, ApiError> {
    let access = caller
        .access_to(conn, seeker_id)?
        .ok_or_else(|| ApiError::NotFound(format!("no such {noun}")))?;
    if need == Need::Write && access == Access::Coach {
        return Err(ApiError::Forbidden(format!(
            "a coach may read this {noun} but not change it"
        )));
    }
    Ok(access)
}

/// Loads a contact the caller may see, or 404 (403 for a coach who `need`s a write).
pub fn load_contact(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<ContactRow, ApiError> {
    let missing = || ApiError::NotFound("no such contact".to_owned());
    let row = contacts::find_contact(conn, id)?.ok_or_else(missing)?;
    access(conn, caller, &row.seeker_id, need, "contact")?;
    if need == Need::Write {
        return locked(
            conn,
            &row.seeker_id,
            |c| contacts::find_contact(c, id),
            missing,
        );
    }
    Ok(row)
}

fn optional_email(errors: &mut Errors, value: Option<String>) -> Option<String> {
    let value = errors
        .check(validate::optional_text("email", value, 254))
        .flatten()?;
    errors.check(validate::email("email", &value))
}

fn optional_phone(errors: &mut Errors, value: Option<String>) -> Option<String> {
    let value = errors
        .check(validate::optional_text("phone", value, 40))
        .flatten()?;
    errors.check(validate::phone("phone", &value))
}

fn optional_timezone(errors: &mut Errors, value: Option<String>) -> Option<chrono_tz::Tz> {
    let value = errors
        .check(validate::optional_text("timezone", value, 64))
        .flatten()?;
    errors.check(validate::timezone("timezone", &value))
}

fn best_time(errors: &mut Errors, value: Option<BestTime>) -> Option<followup_core::BestTime> {
    errors.check(value?.to_core("best_time"))
}

fn notes(errors: &mut Errors, value: Option<String>) -> Option<String> {
    errors
        .check(validate::optional_text("notes", value, 10_000))
        .flatten()
}

/// Add a contact to an opportunity.
///
/// Invalid emails, phone numbers and time zones are 422 problems naming the
/// field. Only the seeker adds contacts.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id.")),
    request_body = CreateContact,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` are set.", body = ContactCreated),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/opportunities/{id}/contacts")]
pub async fn create_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<CreateContact>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let body = body.0;
    let mut errors = Errors::default();
    let name = errors
        .check(validate::name("name", &body.name, 200))
        .unwrap_or_default();
    let email = optional_email(&mut errors, body.email);
    let phone = optional_phone(&mut errors, body.phone);
    let timezone = optional_timezone(&mut errors, body.timezone);
    let best_time = best_time(&mut errors, body.best_time);
    let notes = notes(&mut errors, body.notes);
    let id = id.into_inner();
    let row = write(&state, move |_, conn| {
        let (opportunity, _) = load_opportunity(conn, &caller, &id, Need::Write)?;
        errors.finish()?;
        let now = crate::views::now().naive_utc();
        let row = ContactRow {
            id: uuid::Uuid::now_v7().to_string(),
            opportunity_id: opportunity.id,
            seeker_id: opportunity.seeker_id,
            name,
            role: body.role,
            email,
            phone,
            timezone,
            preferred_channel: body.preferred_channel.unwrap_or(Channel::Any),
            best_time,
            holiday_calendar: body.holiday_calendar,
            notes,
            created_at: now,
            updated_at: now,
            updated_by: Actor::of(&caller),
            version: 1,
        };
        contacts::insert_contact(conn, &row)?;
        Ok(row)
    })
    .await?;
    let location = format!("/v1/contacts/{}", row.id);
    Ok(with_etag(HttpResponse::Created(), row.version)
        .insert_header((header::LOCATION, location))
        .json(ContactCreated {
            contact: Contact::try_from(row)?,
            warnings: Vec::new(),
        }))
}

/// A created contact and what to know about it (every create answers
/// `{<resource>, warnings}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactCreated {
    /// The new contact.
    pub contact: Contact,
    /// Nothing to warn about yet; the list is there so every create answers alike.
    pub warnings: Vec<crate::routes::opportunities::Warning>,
}

/// An opportunity's contacts, oldest first.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), PageParams),
    responses(
        (status = 200, description = "A page of contacts.", body = Page<Contact>),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities/{id}/contacts")]
pub async fn list_contacts(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<PageParams>,
) -> Result<web::Json<Page<Contact>>, ApiError> {
    let paging = Paging::new(query.limit, query.cursor.as_deref())?;
    let id = id.into_inner();
    let after = paging.after.clone();
    let fetch = paging.fetch();
    let rows = read(&state, move |_, conn| {
        let (opportunity, _) = load_opportunity(conn, &caller, &id, Need::Read)?;
        Ok(contacts::list_contacts(
            conn,
            &opportunity.id,
            after.as_deref(),
            fetch,
        )?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Contact::try_from);
    Ok(web::Json(Page {
        items: page.items.into_iter().collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}

/// One contact, with its `ETag`.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The contact's id.")),
    responses(
        (status = 200, description = "The contact.", body = Contact),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
    )
)]
#[get("/v1/contacts/{id}")]
pub async fn get_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = read(&state, move |_, conn| {
        load_contact(conn, &caller, &id, Need::Read)
    })
    .await?;
    if not_modified(&req, row.version) {
        return Ok(with_etag(HttpResponse::NotModified(), row.version).finish());
    }
    Ok(with_etag(HttpResponse::Ok(), row.version).json(Contact::try_from(row)?))
}

/// Change a contact; absent fields stay, `null` clears.
///
/// Send `If-Match` with the ETag you read (412 if it changed since).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The contact's id."),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since."),
    ),
    request_body = UpdateContact,
    responses(
        (status = 200, description = "The updated contact.", body = Contact),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ETag in `If-Match` is stale; nothing changed.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/contacts/{id}")]
pub async fn update_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: Json<UpdateContact>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let change = body.0;
    let id = id.into_inner();
    let precondition = if_match(&req)?;
    let row = write(&state, move |_, conn| {
        let mut row = load_contact(conn, &caller, &id, Need::Write)?;
        let expected = row.version;
        apply(&mut row, change)?;
        check_if_match(precondition.as_deref(), expected)?;
        row.updated_at = crate::views::now().naive_utc();
        row.updated_by = Actor::of(&caller);
        row.version += 1;
        if !contacts::update_contact(conn, &row, expected)? {
            return Err(ApiError::PreconditionFailed(
                "the contact changed meanwhile; fetch it again".to_owned(),
            ));
        }
        Ok(row)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), row.version).json(Contact::try_from(row)?))
}

fn apply(row: &mut ContactRow, change: UpdateContact) -> Result<(), ApiError> {
    let mut errors = Errors::default();
    if let Some(name) = change.name {
        row.name = errors
            .check(validate::name("name", &name, 200))
            .unwrap_or_default();
    }
    if let Some(role) = change.role {
        row.role = role;
    }
    if let Some(v) = change.email {
        row.email = optional_email(&mut errors, v);
    }
    if let Some(v) = change.phone {
        row.phone = optional_phone(&mut errors, v);
    }
    if let Some(v) = change.timezone {
        row.timezone = optional_timezone(&mut errors, v);
    }
    if let Some(channel) = change.preferred_channel {
        row.preferred_channel = channel;
    }
    if let Some(v) = change.best_time {
        row.best_time = best_time(&mut errors, v);
    }
    if let Some(v) = change.holiday_calendar {
        row.holiday_calendar = v;
    }
    if let Some(v) = change.notes {
        row.notes = notes(&mut errors, v);
    }
    errors.finish()
}

/// Delete a contact. Interactions and promises that named them stay, with no
/// contact.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The contact's id."),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ETag in `If-Match` is stale; nothing was deleted.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/contacts/{id}")]
pub async fn delete_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    let precondition = if_match(&req)?;
    write(&state, move |_, conn| {
        let row = load_contact(conn, &caller, &id, Need::Write)?;
        check_if_match(precondition.as_deref(), row.version)?;
        contacts::delete_contact(conn, &row.id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
