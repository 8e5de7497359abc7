//! Promises: what the employer said they would do ("I'll call you after New
//! Year's"), and whether they kept their word — derived from the interactions
//! and the clock, so `?at=` can evaluate any instant.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, Utc};
use followup_core::{EventType, PromiseWhat};
use followup_store::pipeline::OpportunityRow;
use followup_store::records::PromiseRow;
use followup_store::{DbConnection, promises};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, Need, check_contact, load, load_locked};
use crate::auth::Caller;
use crate::conditional::Precondition;
use crate::conventions::{Actor, Page, Paging};
use crate::db::{read, write_facts};
use crate::error::{ApiError, Problem};
use crate::events::PromiseWatch;
use crate::extract::{Json, Query};
use crate::shape::FieldsParam;
use crate::state::AppState;
use crate::steps::{
    CreatePromise, check_due, check_made_at, check_promise, clamp_made_at, record_promise, set_due,
};
use crate::validate::Errors;
use crate::views::promises::{Due, Promise, promise_view, status_context};

/// Changes to a promise; absent fields stay.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdatePromise {
    /// Who promised; `null` = the main contact.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub contact_id: Option<Option<String>>,
    /// What they promised.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = followup_core::PromiseWhat, required = false)]
    pub what: Option<PromiseWhat>,
    /// By when.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = Due, required = false)]
    pub due: Option<Due>,
    /// When it was made.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = DateTime<Utc>, required = false)]
    pub made_at: Option<DateTime<Utc>>,
    /// `true` cancels the promise (the seeker no longer waits for it);
    /// `false` restores it.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = bool, required = false)]
    pub cancelled: Option<bool>,
    /// `true` marks the promise kept (a decision heard of some other way);
    /// `false` takes the mark back.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
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
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The opportunity a promise belongs to.
fn opportunity_of(conn: &mut DbConnection, row: &PromiseRow) -> Result<OpportunityRow, ApiError> {
    followup_store::pipeline::find_opportunity(conn, &row.opportunity_id)?
        .ok_or_else(|| ApiError::NotFound("no such promise".to_owned()))
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
    let mut body = body.0;
    let now = crate::views::now();
    let id = id.into_inner();
    // A device whose clock runs a little fast: recorded as now, with a warning.
    let mut warnings = Vec::new();
    warnings.extend(clamp_made_at(&mut body, now).map(|by| {
        crate::views::Warning::clock_ahead("made_at", by, now).in_locale(&caller.user.locale)
    }));
    let promise = write_facts(&state, move |_, tx| {
        record_promise(tx, &caller, &id, body, now)
    })
    .await?;
    let etag = crate::conditional::evaluated_etag(1, &promise)?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag))
        .insert_header((header::LOCATION, format!("/v1/promises/{}", promise.id)))
        .json(PromiseCreated { promise, warnings }))
}

/// A recorded promise and what to know about it (every create answers
/// `{<resource>, warnings}`).
#[derive(Debug, Serialize, ToSchema)]
pub struct PromiseCreated {
    /// The new promise, its status evaluated now.
    pub promise: Promise,
    /// `clock_ahead` when `made_at` came a little ahead of the server's
    /// clock and was recorded as now; the list is there so every create
    /// answers alike.
    pub warnings: Vec<crate::views::Warning>,
}

/// An opportunity's promises, oldest first, with their status at `at`.
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), ListParams, FieldsParam),
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
    query: Query<ListParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let (paging, fields) = crate::shape::both(
        Paging::new(query.limit, query.cursor.as_deref()),
        fields.of::<Promise>(),
    )?;
    let at = query.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    let after = paging.after.clone();
    let fetch = paging.fetch();
    let (rows, facts, calendar) = read(&state, move |_, conn| {
        let (opportunity, _) = load::<OpportunityRow>(conn, &caller, &id, Need::Read)?;
        let rows = promises::list_promises(conn, &opportunity.id, after.as_deref(), fetch)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        Ok((rows, facts, calendar))
    })
    .await?;
    let page = paging.page(
        rows,
        |r| r.id.as_str(),
        |row| promise_view(row, &facts, &calendar, at),
    )?;
    crate::shape::list(&page, fields.as_ref())
}

/// One promise, with its status at `at` (default now) and its `ETag`.
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The promise's id."), AtParams),
    responses(
        (status = 200, description = "The promise. Its `ETag` is `\"{version}-{hash}\"`: it changes when its status does, and `If-Match` with it names the version.", body = Promise),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag (the same version, read the same)."),
        (status = 400, description = "`at` is not an RFC 3339 instant.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/promises/{id}")]
pub async fn get_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<AtParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let at = query.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    let (row, facts, calendar) = read(&state, move |_, conn| {
        let (row, _) = load::<PromiseRow>(conn, &caller, &id, Need::Read)?;
        let opportunity = opportunity_of(conn, &row)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        Ok((row, facts, calendar))
    })
    .await?;
    // The status moves with the clock and the interactions while the
    // stored version stays: the ETag names both (`"{version}-{hash}"`).
    let version = row.version;
    let view = promise_view(row, &facts, &calendar, at)?;
    crate::conditional::fresh_evaluated(&req, version, &view)
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
        Precondition,
    ),
    request_body = UpdatePromise,
    responses(
        (status = 200, description = "The updated promise, its status evaluated now.", body = Promise),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/promises/{id}")]
pub async fn update_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<UpdatePromise>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let change = body.0;
    let id = id.into_inner();
    let now = crate::views::now();
    let (reader, record) = (caller.clone(), id.clone());
    let promise = write_facts(&state, move |_, tx| {
        let (before, _) = load_locked::<PromiseRow>(tx, &caller, &id, Need::Write)?;
        let before = opportunity_of(tx.conn(), &before)?;
        let watch = PromiseWatch::new(tx.conn(), &before, now)?.except(&id);
        let row = access::update::<PromiseRow>(
            tx,
            &caller,
            &id,
            Need::Write,
            &precondition,
            |tx, row, _| {
                let conn = tx.conn();
                let opportunity = opportunity_of(conn, row)?;
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
                    set_due(row, due);
                }
                if let Some(made_at) = change.made_at {
                    row.made_at = made_at.naive_utc();
                }
                match change.cancelled {
                    Some(true) if row.cancelled_at.is_none() => {
                        row.cancelled_at = Some(now.naive_utc());
                    }
                    Some(false) => row.cancelled_at = None,
                    _ => {}
                }
                match change.kept {
                    Some(true) if row.kept_at.is_none() => row.kept_at = Some(now.naive_utc()),
                    Some(false) => row.kept_at = None,
                    _ => {}
                }
                check_promise(&mut errors, row, now);
                check_due(conn, &mut errors, row, &opportunity)?;
                errors.finish()
            },
        )?;
        let conn = tx.conn();
        let opportunity = opportunity_of(conn, &row)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        let version = row.version;
        let actor = row.updated_by.clone();
        let view = promise_view(row, &facts, &calendar, now)?;
        let kind = EventType::PromiseUpdated;
        crate::events::record(tx, kind, &opportunity.seeker_id, &actor, now, &view)?;
        watch.record_changes(tx, &actor, now)?;
        Ok((view, version))
    })
    .await;
    let promise = match promise {
        Ok(promise) => promise,
        Err(error) => return Err(with_current(&state, reader, record, error, now).await),
    };
    let etag = crate::conditional::evaluated_etag(promise.1, &promise.0)?;
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .json(promise.0))
}

/// A 412 with the promise as it is now (its status evaluated at `now`), to
/// merge without another read; other errors pass through.
async fn with_current(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
    error: ApiError,
    now: chrono::DateTime<chrono::Utc>,
) -> ApiError {
    let ApiError::PreconditionFailed { .. } = error else {
        return error;
    };
    let found = read(state, move |_, conn| {
        let (row, _) = load::<PromiseRow>(conn, &caller, &id, Need::Read)?;
        let opportunity = opportunity_of(conn, &row)?;
        let (facts, calendar) = status_context(conn, &opportunity)?;
        let version = row.version;
        let view = promise_view(row, &facts, &calendar, now)?;
        let value = serde_json::to_value(&view).map_err(|e| ApiError::Internal(Box::new(e)))?;
        Ok((crate::conditional::evaluated_etag(version, &view)?, value))
    })
    .await;
    match found {
        Ok((current, value)) => ApiError::PreconditionFailed {
            current,
            representation: Some(Box::new(value)),
        },
        Err(_) => error,
    }
}

/// Delete a promise (to withdraw one that still counts, cancel it instead).
#[utoipa::path(
    tag = "promises",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The promise's id."),
        Precondition,
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/promises/{id}")]
pub async fn delete_promise(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    let now = crate::views::now();
    let (reader, record) = (caller.clone(), id.clone());
    let deleted = write_facts(&state, move |_, tx| {
        let (before, _) = load_locked::<PromiseRow>(tx, &caller, &id, Need::Write)?;
        let before = opportunity_of(tx.conn(), &before)?;
        // A promise it superseded is pending again.
        let watch = PromiseWatch::new(tx.conn(), &before, now)?;
        let row = access::delete::<PromiseRow>(tx, &caller, &id, &precondition)?;
        let opportunity = opportunity_of(tx.conn(), &row)?;
        let (facts, calendar) = status_context(tx.conn(), &opportunity)?;
        let view = promise_view(row, &facts, &calendar, now)?;
        let kind = EventType::PromiseDeleted;
        let actor = Actor::of(&caller);
        crate::events::record(tx, kind, &opportunity.seeker_id, &actor, now, &view)?;
        watch.record_changes(tx, &actor, now)
    })
    .await;
    if let Err(error) = deleted {
        return Err(with_current(&state, reader, record, error, now).await);
    }
    Ok(HttpResponse::NoContent().finish())
}

/// A change's own check, which needs nothing but the body: a new
/// `made_at` is not in the future. (That the promise falls due after it
/// was made needs the promise and its contact: the route checks it.)
impl crate::extract::Checks for UpdatePromise {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        let mut errors = Errors::default();
        if let Some(made_at) = self.made_at {
            check_made_at(&mut errors, made_at, crate::views::now());
        }
        errors.into_inner()
    }
}
