//! Contacts: the people at an employer — the hiring manager, the assistant
//! who knows when to call, the recruiter — one list per opportunity.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use followup_core::{Channel, ContactRole, EventType, HolidayCalendar};
use followup_store::contacts;
use followup_store::pipeline::OpportunityRow;
use followup_store::records::ContactRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Need, load, load_locked};
use crate::auth::Caller;
use crate::conditional::{Precondition, with_etag};
use crate::conventions::{Actor, Page, PageParams, Paging};
use crate::db::{read, write_facts};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::shape::FieldsParam;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::contacts::{BestTime, Contact};

/// A new contact.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateContact {
    /// The record's id, when the app made it (a UUIDv7: a record created
    /// offline keeps its id when it is synced); default: the server makes
    /// one. Used twice, it is a 409 naming the existing record.
    #[serde(default)]
    #[schema(value_type = String, format = Uuid, required = false, example = "01890a5d-ac96-774b-bcce-b302099a8057")]
    pub id: Option<String>,
    /// Their name.
    #[schema(example = "Sam Boss", min_length = 1, max_length = 200)]
    pub name: String,
    /// Their part in the hiring.
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
    pub preferred_channel: Option<Channel>,
    /// When to call them, in their time zone.
    pub best_time: Option<BestTime>,
    /// The public holidays they observe (a built-in calendar such as `jp`);
    /// absent: the opportunity's, else their time zone's.
    #[schema(value_type = Option<followup_core::HolidayCalendar>)]
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
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Their part in the hiring.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = followup_core::ContactRole, required = false)]
    pub role: Option<ContactRole>,
    /// Email address.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 254)]
    pub email: Option<Option<String>>,
    /// Phone number.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 40)]
    pub phone: Option<Option<String>>,
    /// IANA time zone; `null` = the seeker's.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub timezone: Option<Option<String>>,
    /// How they like to be reached.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = followup_core::Channel, required = false)]
    pub preferred_channel: Option<Channel>,
    /// When to call them; `null` = unknown.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<BestTime>)]
    pub best_time: Option<Option<BestTime>>,
    /// The public holidays they observe; `null`: their time zone's.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<followup_core::HolidayCalendar>)]
    pub holiday_calendar: Option<Option<HolidayCalendar>>,
    /// Rapport notes.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
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

/// A new contact's checked fields (and the rest of its body).
struct NewContact {
    body: CreateContact,
    name: String,
    email: Option<String>,
    phone: Option<String>,
    timezone: Option<chrono_tz::Tz>,
    best_time: Option<followup_core::BestTime>,
    notes: Option<String>,
    contact_id: String,
}

/// Checks a new contact's fields, recording every invalid one.
fn new_contact(errors: &mut Errors, mut body: CreateContact) -> NewContact {
    let name = errors
        .check(validate::name("name", &body.name, 200))
        .unwrap_or_default();
    let email = optional_email(errors, body.email.take());
    let phone = optional_phone(errors, body.phone.take());
    let timezone = optional_timezone(errors, body.timezone.take());
    let best_time = best_time(errors, body.best_time.take());
    let notes = notes(errors, body.notes.take());
    let contact_id = crate::validate::new_id(errors, body.id.clone());
    NewContact {
        body,
        name,
        email,
        phone,
        timezone,
        best_time,
        notes,
        contact_id,
    }
}

impl crate::extract::Checks for CreateContact {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        let mut errors = Errors::default();
        let _ = new_contact(&mut errors, self.clone());
        errors.into_inner()
    }
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
    let mut errors = Errors::default();
    let NewContact {
        body,
        name,
        email,
        phone,
        timezone,
        best_time,
        notes,
        contact_id,
    } = new_contact(&mut errors, body.0);
    let client_made = body.id.is_some();
    let id = id.into_inner();
    let row = write_facts(&state, move |_, tx| {
        let (opportunity, _) = load_locked::<OpportunityRow>(tx, &caller, &id, Need::Write)?;
        errors.finish()?;
        crate::access::check_id_free(
            tx.conn(),
            &opportunity.seeker_id,
            followup_store::records::Creatable::Contact,
            &contact_id,
            client_made,
        )?;
        let now = crate::views::now().naive_utc();
        let row = ContactRow {
            id: contact_id,
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
        contacts::insert_contact(tx, &row)?;
        let view = Contact::try_from(row.clone())?;
        let kind = EventType::ContactCreated;
        crate::events::record(
            tx,
            kind,
            &row.seeker_id,
            &row.updated_by,
            now.and_utc(),
            &view,
        )?;
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
    pub warnings: Vec<crate::views::Warning>,
}

/// An opportunity's contacts, oldest first.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), PageParams, FieldsParam),
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
    query: Query<PageParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let (paging, fields) = crate::shape::both(
        Paging::new(query.limit, query.cursor.as_deref()),
        fields.of::<Contact>(),
    )?;
    let id = id.into_inner();
    let after = paging.after.clone();
    let fetch = paging.fetch();
    let rows = read(&state, move |_, conn| {
        let (opportunity, _) = load::<OpportunityRow>(conn, &caller, &id, Need::Read)?;
        Ok(contacts::list_contacts(
            conn,
            &opportunity.id,
            after.as_deref(),
            fetch,
        )?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Contact::try_from)?;
    crate::shape::list(&page, fields.as_ref())
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
    access::get::<ContactRow, Contact>(&state, caller, id.into_inner(), &req).await
}

/// Change a contact; absent fields stay, `null` clears.
///
/// Send `If-Match` with the ETag you read (412 if it changed since).
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The contact's id."),
        Precondition,
    ),
    request_body = UpdateContact,
    responses(
        (status = 200, description = "The updated contact.", body = Contact),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/contacts/{id}")]
pub async fn update_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<UpdateContact>,
) -> Result<HttpResponse, ApiError> {
    let change = body.0;
    access::patch::<ContactRow, Contact>(
        &state,
        caller,
        id.into_inner(),
        Need::Write,
        precondition,
        |_, row, _| apply(row, change),
    )
    .await
}

/// The values of a change that are checked, in their normal form.
struct ContactChange {
    name: Option<String>,
    email: Option<Option<String>>,
    phone: Option<Option<String>>,
    timezone: Option<Option<chrono_tz::Tz>>,
    best_time: Option<Option<followup_core::BestTime>>,
    notes: Option<Option<String>>,
}

/// Checks the values a change gives, or every invalid field.
fn checked(change: &UpdateContact) -> Result<ContactChange, ApiError> {
    let mut errors = Errors::default();
    let checked = ContactChange {
        name: change.name.as_ref().map(|name| {
            errors
                .check(validate::name("name", name, 200))
                .unwrap_or_default()
        }),
        email: change.email.clone().map(|v| optional_email(&mut errors, v)),
        phone: change.phone.clone().map(|v| optional_phone(&mut errors, v)),
        timezone: change
            .timezone
            .clone()
            .map(|v| optional_timezone(&mut errors, v)),
        best_time: change.best_time.clone().map(|v| best_time(&mut errors, v)),
        notes: change.notes.clone().map(|v| notes(&mut errors, v)),
    };
    errors.finish()?;
    Ok(checked)
}

impl crate::extract::Checks for UpdateContact {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        match checked(self) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

fn apply(row: &mut ContactRow, change: UpdateContact) -> Result<(), ApiError> {
    let checked = checked(&change)?;
    if let Some(name) = checked.name {
        row.name = name;
    }
    if let Some(role) = change.role {
        row.role = role;
    }
    if let Some(v) = checked.email {
        row.email = v;
    }
    if let Some(v) = checked.phone {
        row.phone = v;
    }
    if let Some(v) = checked.timezone {
        row.timezone = v;
    }
    if let Some(channel) = change.preferred_channel {
        row.preferred_channel = channel;
    }
    if let Some(v) = checked.best_time {
        row.best_time = v;
    }
    if let Some(v) = change.holiday_calendar {
        row.holiday_calendar = v;
    }
    if let Some(v) = checked.notes {
        row.notes = v;
    }
    Ok(())
}

/// Delete a contact. Interactions and promises that named them stay, with no
/// contact.
#[utoipa::path(
    tag = "contacts",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The contact's id."),
        Precondition,
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/contacts/{id}")]
pub async fn delete_contact(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    access::remove::<ContactRow, Contact>(&state, caller, id.into_inner(), precondition).await
}
