//! Promises: what the employer said they would do ("I'll call you after New
//! Year's"), and whether they kept their word — derived from the interactions
//! and the clock, so `?at=` can evaluate any instant.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{BusinessCalendar, PromiseDue, PromiseStatus, PromiseWhat};
use followup_store::pipeline::OpportunityRow;
use followup_store::records::PromiseRow;
use followup_store::{DbConnection, promises};
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::conventions::{Actor, Page, Paging, check_if_match, if_match, with_etag};
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::contacts::access;
use crate::routes::interactions::check_contact;
use crate::routes::me::not_null;
use crate::routes::opportunities::{Need, load_opportunity, locked, present};
use crate::state::AppState;
use crate::validate::Errors;
use crate::views::utc;

/// How far in the future `made_at` may be: clocks differ.
const CLOCK_SKEW_MINUTES: i64 = 5;

/// By when a promise is due: a date (`2010-01-08`: by the end of that
/// business day in the promising contact's time zone, else the seeker's) or
/// an exact RFC 3339 instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(untagged)]
pub enum Due {
    /// A local date: due at the close of business that day.
    #[schema(example = "2010-01-08")]
    Date(NaiveDate),
    /// An exact instant.
    #[schema(example = "2010-01-08T17:00:00Z")]
    Instant(DateTime<Utc>),
}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Self::Date(date));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|at| Self::Instant(at.with_timezone(&Utc)))
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "`{text}` is neither a date (YYYY-MM-DD) nor an RFC 3339 instant"
                ))
            })
    }
}

impl From<Due> for PromiseDue {
    fn from(due: Due) -> Self {
        match due {
            Due::Date(date) => Self::Date(date),
            Due::Instant(at) => Self::Instant(at),
        }
    }
}

/// What the employer said they would do, and where that stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Promise {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// Who promised; `null` = the opportunity's main contact.
    pub contact_id: Option<String>,
    /// What they promised.
    #[schema(value_type = crate::schemas::PromiseWhat)]
    pub what: PromiseWhat,
    /// By when, as entered: a date or an instant.
    pub due: Due,
    /// The instant it falls due: a date resolved to the close of that
    /// business day in the contact's time zone.
    pub due_at: Option<DateTime<Utc>>,
    /// When the promise was made; only answers after it keep it.
    pub made_at: DateTime<Utc>,
    /// Where it stands at the evaluated instant (`?at=`, default now):
    /// `cancelled` once the seeker cancelled it; `superseded` once the same
    /// person made a newer promise while this one was pending; `kept` once
    /// the seeker marked it kept, or — for a `call` or an `email` — the
    /// employer was heard from after it was made, or — for a `decision` —
    /// an offer or a rejection came (received, or a move to `offer` or
    /// `rejected`; a courtesy reply keeps no decision); `broken` from the due
    /// instant with none of that; else `pending`.
    #[schema(value_type = crate::schemas::PromiseStatus)]
    pub status: PromiseStatus,
    /// When the seeker cancelled it.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When the seeker marked it kept.
    pub kept_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by: Actor,
}

/// A new promise.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePromise {
    /// Who promised: a contact of the same opportunity (`null` = the main contact).
    pub contact_id: Option<String>,
    /// What they promised.
    #[schema(value_type = crate::schemas::PromiseWhat)]
    pub what: PromiseWhat,
    /// By when: "after New Year's" = the date you take it to mean.
    pub due: Due,
    /// When the promise was made (default now); not in the future.
    pub made_at: Option<DateTime<Utc>>,
}

/// Changes to a promise; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePromise {
    /// Who promised; `null` = the main contact.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub contact_id: Option<Option<String>>,
    /// What they promised.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = crate::schemas::PromiseWhat, required = false)]
    pub what: Option<PromiseWhat>,
    /// By when.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = Due, required = false)]
    pub due: Option<Due>,
    /// When it was made.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = DateTime<Utc>, required = false)]
    pub made_at: Option<DateTime<Utc>>,
    /// `true` cancels the promise (the seeker no longer waits for it);
    /// `false` restores it.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = bool, required = false)]
    pub cancelled: Option<bool>,
    /// `true` marks the promise kept (a decision heard of some other way);
    /// `false` takes the mark back.
    #[serde(default, deserialize_with = "not_null")]
    #[schema(value_type = bool, required = false)]
    pub kept: Option<bool>,
}

/// The instant to evaluate a promise's status at.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtParams {
    /// Evaluate the status at this instant (RFC 3339; default now).
    pub at: Option<DateTime<Utc>>,
}

/// Paging and the instant to evaluate the statuses at.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Evaluate the statuses at this instant (RFC 3339; default now).
    pub at: Option<DateTime<Utc>>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The promise as the API shows it, its status evaluated at `at`.
pub fn promise_view(
    row: PromiseRow,
    opportunity: &followup_core::Opportunity,
    calendar: &BusinessCalendar,
    at: DateTime<Utc>,
) -> Result<Promise, ApiError> {
    let fact = followup_store::facts::promise_at(&row, at)?;
    let status = followup_core::promise_status_for(&fact, opportunity, calendar, at);
    let promiser = fact
        .contact_id
        .as_deref()
        .and_then(|id| opportunity.contact(id))
        .or_else(|| opportunity.primary_contact());
    let zoned = followup_core::engine::contact_calendar(calendar, opportunity, promiser);
    let due_at = followup_core::promise_due_at(&fact, zoned.as_ref().unwrap_or(calendar));
    Ok(Promise {
        due: match row.due()? {
            followup_core::PromiseDue::Date(date) => Due::Date(date),
            followup_core::PromiseDue::Instant(at) => Due::Instant(at),
        },
        what: fact.what,
        due_at,
        status,
        made_at: utc(row.made_at),
        cancelled_at: row.cancelled_at.map(utc),
        kept_at: row.kept_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        updated_by: Actor::from(row.updated_by),
        id: row.id,
        opportunity_id: row.opportunity_id,
        contact_id: row.contact_id,
    })
}

/// Everything a status is derived from: the opportunity's facts and the
/// seeker's calendar, as the store builds them.
pub fn status_context(
    conn: &mut DbConnection,
    opportunity: &OpportunityRow,
) -> Result<(followup_core::Opportunity, BusinessCalendar), ApiError> {
    let missing = || ApiError::NotFound("no such opportunity".to_owned());
    let snapshot = followup_store::snapshot::load(
        conn,
        &opportunity.seeker_id,
        followup_store::snapshot::Scope::One(&opportunity.id),
        crate::cadence::this_year(),
    )?
    .ok_or_else(missing)?;
    let facts = snapshot.facts;
    let found = facts
        .opportunities
        .into_iter()
        .find(|o| o.id == opportunity.id)
        .ok_or_else(missing)?;
    Ok((found, facts.seeker.calendar))
}

/// Loads a promise the caller may see with its opportunity, or 404 (403 for
/// a coach who `need`s a write).
fn load_promise(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<(PromiseRow, OpportunityRow), ApiError> {
    let missing = || ApiError::NotFound("no such promise".to_owned());
    let row = promises::find_promise(conn, id)?.ok_or_else(missing)?;
    access(conn, caller, &row.seeker_id, need, "promise")?;
    let row = if need == Need::Write {
        locked(
            conn,
            &row.seeker_id,
            |c| promises::find_promise(c, id),
            missing,
        )?
    } else {
        row
    };
    let opportunity = followup_store::pipeline::find_opportunity(conn, &row.opportunity_id)?
        .ok_or_else(missing)?;
    Ok((row, opportunity))
}

fn check_row(errors: &mut Errors, row: &PromiseRow, now: DateTime<Utc>) {
    if row.made_at > (now + chrono::Duration::minutes(CLOCK_SKEW_MINUTES)).naive_utc() {
        errors.push("made_at", "must not be in the future");
    }
}

/// A promise must fall due after it was made, read in the promising
/// contact's zone (else the seeker's); otherwise a 422 on `due` that names
/// the date the seeker most likely meant (docs/pipeline.md, "Promises").
fn check_due(
    conn: &mut DbConnection,
    errors: &mut Errors,
    row: &PromiseRow,
    opportunity: &OpportunityRow,
) -> Result<(), ApiError> {
    let Ok(due) = row.due() else {
        return Ok(());
    };
    let made_at = utc(row.made_at);
    let (facts, calendar) = status_context(conn, opportunity)?;
    let promiser = row
        .contact_id
        .as_deref()
        .and_then(|id| facts.contact(id))
        .or_else(|| facts.primary_contact());
    let calendar =
        followup_core::engine::contact_calendar(&calendar, &facts, promiser).unwrap_or(calendar);
    let falls_due = followup_core::promise_status::due_instant(due, &calendar);
    if falls_due.is_some_and(|at| at > made_at) {
        return Ok(());
    }
    let message = match followup_core::likely_due(due, made_at, &calendar) {
        Some(followup_core::PromiseDue::Date(date)) => format!(
            "falls due before the promise was made; did you mean {} ({})?",
            date,
            date.format("%A")
        ),
        Some(followup_core::PromiseDue::Instant(at)) => format!(
            "falls due before the promise was made; did you mean {}?",
            at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        ),
        None => "falls due before the promise was made".to_owned(),
    };
    errors.push("due", message);
    Ok(())
}

fn set_due(row: &mut PromiseRow, due: Due) {
    match due {
        Due::Date(date) => {
            row.due_date = Some(date);
            row.due_at = None;
        }
        Due::Instant(at) => {
            row.due_date = None;
            row.due_at = Some(at.naive_utc());
        }
    }
}

/// Record a promise the employer made.
///
/// `due` is a date (by the end of that business day in the contact's time
/// zone) or an exact instant. Its status is derived, never set: see
/// `Promise.status`.
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id.")),
    request_body = CreatePromise,
    responses(
        (status = 201, description = "Recorded; `Location` and `ETag` are set.", body = PromiseCreated),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/opportunities/{id}/promises")]
pub async fn create_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<CreatePromise>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let body = body.0;
    let now = crate::views::now();
    let id = id.into_inner();
    let promise = write(&state, move |_, conn| {
        let (opportunity, _) = load_opportunity(conn, &caller, &id, Need::Write)?;
        let mut errors = Errors::default();
        check_contact(
            conn,
            &caller,
            &opportunity.id,
            body.contact_id.as_deref(),
            &mut errors,
        )?;
        let mut row = PromiseRow {
            id: uuid::Uuid::now_v7().to_string(),
            opportunity_id: opportunity.id.clone(),
            seeker_id: opportunity.seeker_id.clone(),
            contact_id: body.contact_id,
            what: body.what,
            due_date: None,
            due_at: None,
            made_at: body.made_at.unwrap_or(now).naive_utc(),
            cancelled_at: None,
            kept_at: None,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
            updated_by: Actor::of(&caller),
            version: 1,
        };
        set_due(&mut row, body.due);
        check_row(&mut errors, &row, now);
        check_due(conn, &mut errors, &row, &opportunity)?;
        errors.finish()?;
        promises::insert_promise(conn, &row)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        promise_view(row, &facts, &calendar, now)
    })
    .await?;
    Ok(with_etag(HttpResponse::Created(), 1)
        .insert_header((header::LOCATION, format!("/v1/promises/{}", promise.id)))
        .json(PromiseCreated {
            promise,
            warnings: Vec::new(),
        }))
}

/// A recorded promise and what to know about it (every create answers
/// `{<resource>, warnings}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PromiseCreated {
    /// The new promise, its status evaluated now.
    pub promise: Promise,
    /// Nothing to warn about yet; the list is there so every create answers alike.
    pub warnings: Vec<crate::routes::opportunities::Warning>,
}

/// An opportunity's promises, oldest first, with their status at `at`.
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), ListParams),
    responses(
        (status = 200, description = "A page of promises.", body = Page<Promise>),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities/{id}/promises")]
pub async fn list_promises(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<ListParams>,
) -> Result<web::Json<Page<Promise>>, ApiError> {
    let paging = Paging::new(query.limit, query.cursor.as_deref())?;
    let at = query.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    let after = paging.after.clone();
    let fetch = paging.fetch();
    let (rows, facts, calendar) = read(&state, move |_, conn| {
        let (opportunity, _) = load_opportunity(conn, &caller, &id, Need::Read)?;
        let rows = promises::list_promises(conn, &opportunity.id, after.as_deref(), fetch)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        Ok((rows, facts, calendar))
    })
    .await?;
    let page = paging.page(
        rows,
        |r| r.id.as_str(),
        |row| promise_view(row, &facts, &calendar, at),
    );
    Ok(web::Json(Page {
        items: page.items.into_iter().collect::<Result<_, _>>()?,
        next_cursor: page.next_cursor,
    }))
}

/// One promise, with its status at `at` (default now) and its `ETag`.
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The promise's id."), AtParams),
    responses(
        (status = 200, description = "The promise.", body = Promise),
        (status = 400, description = "`at` is not an RFC 3339 instant.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/promises/{id}")]
pub async fn get_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<AtParams>,
) -> Result<HttpResponse, ApiError> {
    let at = query.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    let (row, facts, calendar) = read(&state, move |_, conn| {
        let (row, opportunity) = load_promise(conn, &caller, &id, Need::Read)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        Ok((row, facts, calendar))
    })
    .await?;
    // The ETag is the stored version, for `If-Match` on writes. The status
    // moves with the clock and the interactions while the version stays, so
    // `If-None-Match` is not honoured here: every read is evaluated afresh.
    let version = row.version;
    Ok(with_etag(HttpResponse::Ok(), version).json(promise_view(row, &facts, &calendar, at)?))
}

/// Change or cancel a promise; absent fields stay.
///
/// `{"cancelled": true}` cancels it: the seeker no longer waits for it.
/// `{"kept": true}` marks it kept, e.g. a decision heard of some other way.
/// Send `If-Match` with the ETag you read (412 if it changed since).
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The promise's id."),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since."),
    ),
    request_body = UpdatePromise,
    responses(
        (status = 200, description = "The updated promise, its status evaluated now.", body = Promise),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ETag in `If-Match` is stale; nothing changed.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/promises/{id}")]
pub async fn update_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    body: Json<UpdatePromise>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let change = body.0;
    let id = id.into_inner();
    let precondition = if_match(&req)?;
    let now = crate::views::now();
    let promise = write(&state, move |_, conn| {
        let (mut row, opportunity) = load_promise(conn, &caller, &id, Need::Write)?;
        let expected = row.version;
        let mut errors = Errors::default();
        if let Some(contact_id) = change.contact_id {
            check_contact(
                conn,
                &caller,
                &row.opportunity_id,
                contact_id.as_deref(),
                &mut errors,
            )?;
            row.contact_id = contact_id;
        }
        if let Some(what) = change.what {
            row.what = what;
        }
        if let Some(due) = change.due {
            set_due(&mut row, due);
        }
        if let Some(made_at) = change.made_at {
            row.made_at = made_at.naive_utc();
        }
        match change.cancelled {
            Some(true) if row.cancelled_at.is_none() => row.cancelled_at = Some(now.naive_utc()),
            Some(false) => row.cancelled_at = None,
            _ => {}
        }
        match change.kept {
            Some(true) if row.kept_at.is_none() => row.kept_at = Some(now.naive_utc()),
            Some(false) => row.kept_at = None,
            _ => {}
        }
        check_row(&mut errors, &row, now);
        check_due(conn, &mut errors, &row, &opportunity)?;
        errors.finish()?;
        check_if_match(precondition.as_deref(), expected)?;
        row.updated_at = now.naive_utc();
        row.updated_by = Actor::of(&caller);
        row.version += 1;
        if !promises::update_promise(conn, &row, expected)? {
            return Err(ApiError::PreconditionFailed(
                "the promise changed meanwhile; fetch it again".to_owned(),
            ));
        }
        let (facts, calendar) = status_context(conn, &opportunity)?;
        let version = row.version;
        Ok((promise_view(row, &facts, &calendar, now)?, version))
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), promise.1).json(promise.0))
}

/// Delete a promise (to withdraw one that still counts, cancel it instead).
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The promise's id."),
        ("If-Match" = Option<String>, Header, description = "The ETag last read; 412 if it changed since."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The ETag in `If-Match` is stale; nothing was deleted.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/promises/{id}")]
pub async fn delete_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    let precondition = if_match(&req)?;
    write(&state, move |_, conn| {
        let (row, _) = load_promise(conn, &caller, &id, Need::Write)?;
        check_if_match(precondition.as_deref(), row.version)?;
        promises::delete_promise(conn, &row.id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
