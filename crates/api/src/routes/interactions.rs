//! Interactions: what happened — interviews, letters, emails, calls, replies,
//! notes — back-datable, in the order it happened.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use followup_core::{InteractionKind, RejectionReason};
use followup_store::interactions;
use followup_store::pipeline::OpportunityRow;
use followup_store::records::InteractionRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Need, check_contact, load};
use crate::auth::Caller;
use crate::conditional::{Precondition, with_etag};
use crate::conventions::{Page, PageParams, Paging};
use crate::db::{read, write_facts};
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::shape::FieldsParam;
use crate::state::AppState;
use crate::steps::{
    CreateInteraction, check_row, clamp_occurred_at, log_interaction, logged_warnings,
};
use crate::validate::{self, Errors};
use crate::views::Warning;
use crate::views::interactions::Interaction;

/// A recorded interaction and what to know about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionCreated {
    /// The new interaction.
    pub interaction: Interaction,
    /// Cadence rules this interaction breaks (e.g. a second follow-up email
    /// within a week). It is saved all the same: it already happened.
    pub warnings: Vec<Warning>,
}

/// Changes to an interaction; absent fields stay, `null` clears.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateInteraction {
    /// What happened.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = followup_core::InteractionKind, required = false)]
    pub kind: Option<InteractionKind>,
    /// Who it was with: a contact of the same opportunity.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub contact_id: Option<Option<String>>,
    /// When it happened.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = DateTime<Utc>, required = false)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// Free text.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
    /// The return date of an out-of-office reply.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub out_of_office_until: Option<Option<NaiveDate>>,
    /// Why the employer said no, on a `rejection_received`.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<followup_core::RejectionReason>)]
    pub rejection_reason: Option<Option<RejectionReason>>,
}

/// Record an interaction.
///
/// Back-date it with `occurred_at`. An interaction that breaks the active
/// playbook is never refused (it already happened): it is saved and
/// `warnings` says which rule it breaks. A coach with access may record
/// `note`s (shown as the coach's in `updated_by`), nothing else.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id.")),
    request_body = CreateInteraction,
    responses(
        (status = 201, description = "Recorded; `Location` and `ETag` are set.", body = InteractionCreated),
        (status = 403, description = "A read-only key, or a coach recording anything but a note.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/opportunities/{id}/interactions")]
pub async fn create_interaction(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<CreateInteraction>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let now = crate::views::now();
    let id = id.into_inner();
    let mut body = body.0;
    let ahead = clamp_occurred_at(&mut body, now).map(|by| {
        crate::views::Warning::clock_ahead("occurred_at", by, now).in_locale(&caller.user.locale)
    });
    let (row, revision) = write_facts(&state, move |_, tx| {
        log_interaction(tx, &caller, &id, body, now)
    })
    .await?;
    let mut warnings = logged_warnings(&state, revision, &row).await?;
    warnings.extend(ahead);
    let location = format!("/v1/interactions/{}", row.id);
    Ok(with_etag(HttpResponse::Created(), row.version)
        .insert_header((header::LOCATION, location))
        .json(InteractionCreated {
            interaction: Interaction::try_from(row)?,
            warnings,
        }))
}

/// Cursors of this list carry the position (`occurred_at` and id), so pages
/// stay stable when interactions are back-dated between two reads.
fn position(row: &InteractionRow) -> String {
    format!(
        "{}|{}",
        row.occurred_at.format("%Y-%m-%dT%H:%M:%S%.6f"),
        row.id
    )
}

fn parse_position(after: &str) -> Result<(NaiveDateTime, String), ApiError> {
    let invalid = || ApiError::Validation(vec![crate::error::FieldError::invalid_cursor("cursor")]);
    let (at, id) = after.split_once('|').ok_or_else(invalid)?;
    let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.6f").map_err(|_| invalid())?;
    Ok((at, id.to_owned()))
}

/// An opportunity's interactions in the order they happened (`occurred_at`,
/// then the order they were recorded).
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), PageParams, FieldsParam),
    responses(
        (status = 200, description = "A page of interactions.", body = Page<Interaction>),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities/{id}/interactions")]
pub async fn list_interactions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: Query<PageParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let (paging, fields) = crate::shape::both(
        Paging::new(query.limit, query.cursor.as_deref()),
        fields.of::<Interaction>(),
    )?;
    let after = paging.after.as_deref().map(parse_position).transpose()?;
    let fetch = paging.fetch();
    let id = id.into_inner();
    let rows = read(&state, move |_, conn| {
        let (opportunity, _) = load::<OpportunityRow>(conn, &caller, &id, Need::Read)?;
        Ok(interactions::list_interactions(
            conn,
            &opportunity.id,
            after,
            fetch,
        )?)
    })
    .await?;
    let keyed: Vec<(String, InteractionRow)> =
        rows.into_iter().map(|r| (position(&r), r)).collect();
    let page = paging.page(
        keyed,
        |(key, _)| key.as_str(),
        |(_, row)| Interaction::try_from(row),
    )?;
    crate::shape::list(&page, fields.as_ref())
}

/// One interaction, with its `ETag`.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The interaction's id.")),
    responses(
        (status = 200, description = "The interaction.", body = Interaction),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
    )
)]
#[get("/v1/interactions/{id}")]
pub async fn get_interaction(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    access::get::<InteractionRow, Interaction>(&state, caller, id.into_inner(), &req).await
}

/// Correct an interaction; absent fields stay, `null` clears.
///
/// Send `If-Match` with the ETag you read (412 if it changed since).
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The interaction's id."),
        Precondition,
    ),
    request_body = UpdateInteraction,
    responses(
        (status = 200, description = "The updated interaction.", body = Interaction),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/interactions/{id}")]
pub async fn update_interaction(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<UpdateInteraction>,
) -> Result<HttpResponse, ApiError> {
    let change = body.0;
    let now = crate::views::now();
    let checker = caller.clone();
    access::patch::<InteractionRow, Interaction>(
        &state,
        caller,
        id.into_inner(),
        Need::Write,
        precondition,
        move |tx, row, _| {
            let mut errors = Errors::default();
            if let Some(kind) = change.kind {
                row.kind = kind;
            }
            if let Some(contact_id) = &change.contact_id {
                check_contact(
                    tx.conn(),
                    &checker,
                    &row.opportunity_id,
                    contact_id.as_deref(),
                    &mut errors,
                )?;
                row.contact_id.clone_from(contact_id);
            }
            if let Some(at) = change.occurred_at {
                row.occurred_at = at.naive_utc();
            }
            if let Some(notes) = checked_notes(&mut errors, &change) {
                row.notes = notes;
            }
            if let Some(v) = change.out_of_office_until {
                row.out_of_office_until = v;
            }
            if let Some(v) = change.rejection_reason {
                row.rejection_reason = v;
            }
            check_row(&mut errors, row, now);
            errors.finish()
        },
    )
    .await
}

/// Delete an interaction.
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The interaction's id."),
        Precondition,
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/interactions/{id}")]
pub async fn delete_interaction(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    access::remove::<InteractionRow, Interaction>(&state, caller, id.into_inner(), precondition)
        .await
}

/// A change's new notes in their normal form (`Some(None)` clears them),
/// when it has any; an error when they are too long.
fn checked_notes(errors: &mut Errors, change: &UpdateInteraction) -> Option<Option<String>> {
    let notes = change.notes.clone()?;
    Some(
        errors
            .check(validate::optional_text("notes", notes, 10_000))
            .flatten(),
    )
}

/// A change's own check, which needs nothing but the body: its notes.
/// (When it happened and what its kind allows also need the interaction as
/// it is: the route checks them.)
impl crate::extract::Checks for UpdateInteraction {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        let mut errors = Errors::default();
        checked_notes(&mut errors, self);
        errors.into_inner()
    }
}
