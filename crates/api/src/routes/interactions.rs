//! Interactions: what happened — interviews, letters, emails, calls, replies,
//! notes — back-datable, in the order it happened.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use followup_core::{Direction, EventType, InteractionKind, RejectionReason};
use followup_store::interactions;
use followup_store::pipeline::OpportunityRow;
use followup_store::records::InteractionRow;
use followup_store::{DbConnection, FactsTx};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Need, check_contact, load, load_locked};
use crate::auth::{Access, Caller};
use crate::conditional::{Precondition, with_etag};
use crate::conventions::{Actor, Page, PageParams, Paging};
use crate::db::{read, write_facts};
use crate::error::{ApiError, Problem};
use crate::events::PromiseWatch;
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::Warning;
use crate::views::interactions::Interaction;
use crate::views::utc;

/// A recorded interaction and what to know about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct InteractionCreated {
    /// The new interaction.
    pub interaction: Interaction,
    /// Cadence rules this interaction breaks (e.g. a second follow-up email
    /// within a week). It is saved all the same: it already happened.
    pub warnings: Vec<Warning>,
}

/// A new interaction.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInteraction {
    /// What happened. A coach may record `note`s only.
    pub kind: InteractionKind,
    /// Who it was with: a contact of the same opportunity.
    pub contact_id: Option<String>,
    /// When it happened (default now); back-dating is fine, the future (beyond a few minutes) is not.
    pub occurred_at: Option<DateTime<Utc>>,
    /// Free text.
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// Only on a `reply_received` that is an out-of-office reply: the local date the person is back.
    pub out_of_office_until: Option<NaiveDate>,
    /// Only on a `rejection_received`: why, when the employer said. Logging
    /// a rejection ends the opportunity's follow-ups; the agenda then
    /// proposes `confirm_rejection` and an optional gracious reply.
    #[schema(value_type = Option<followup_core::RejectionReason>)]
    pub rejection_reason: Option<RejectionReason>,
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

fn check_row(errors: &mut Errors, row: &InteractionRow, now: DateTime<Utc>) {
    if followup_core::policy::is_in_the_future(utc(row.occurred_at), now) {
        errors.push(
            "occurred_at",
            "must not be in the future (a few minutes of clock skew are fine)",
        );
    }
    if row.out_of_office_until.is_some() && row.kind != InteractionKind::ReplyReceived {
        errors.push(
            "out_of_office_until",
            "only a `reply_received` can be an out-of-office reply",
        );
    }
    if row.rejection_reason.is_some() && row.kind != InteractionKind::RejectionReceived {
        errors.push(
            "rejection_reason",
            "only a `rejection_received` takes a rejection reason",
        );
    }
}

/// Warnings for a newly recorded interaction: the cadence rules it breaks
/// (a second follow-up email within the week, a voicemail left against
/// `call_no_voicemail`, a call to an e-mail-only contact). The interaction
/// is saved whatever this says.
fn interaction_warnings(
    state: &AppState,
    conn: &mut DbConnection,
    interaction: &InteractionRow,
) -> Result<Vec<Warning>, ApiError> {
    Ok(crate::cadence::interaction_warnings(
        state,
        conn,
        &interaction.seeker_id,
        &interaction.opportunity_id,
        interaction,
    )?
    .into_iter()
    .map(Warning::from)
    .collect())
}

/// Logs an interaction on the opportunity `opportunity_id`, inside the
/// caller's write: what `POST /v1/opportunities/{id}/interactions` does, and
/// what accepting an inbox proposal does (the same validation, event and
/// promise bookkeeping). Returns the stored row and the seeker's facts
/// revision after it, for [`logged_warnings`].
pub(crate) fn log_interaction(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    opportunity_id: &str,
    body: CreateInteraction,
    now: DateTime<Utc>,
) -> Result<(InteractionRow, Option<i64>), ApiError> {
    let mut errors = Errors::default();
    let notes = errors
        .check(validate::optional_text("notes", body.notes, 10_000))
        .flatten();
    let (opportunity, access) =
        load_locked::<OpportunityRow>(tx, caller, opportunity_id, Need::Read)?;
    // Only what comes from the employer (or a conversation with them)
    // can keep a promise: the others need no before-and-after.
    let watch = match body.kind.direction() {
        Direction::Outbound | Direction::Internal => None,
        Direction::Inbound | Direction::Conversation => {
            Some(PromiseWatch::new(tx.conn(), &opportunity, now)?)
        }
    };
    let conn = tx.conn();
    if access == Access::Coach && !followup_core::policy::coach_may_record(body.kind) {
        return Err(ApiError::Forbidden(
            "a coach may add notes to an opportunity, nothing else".to_owned(),
        ));
    }
    check_contact(
        conn,
        caller,
        &opportunity.id,
        body.contact_id.as_deref(),
        &mut errors,
    )?;
    let row = InteractionRow {
        id: uuid::Uuid::now_v7().to_string(),
        opportunity_id: opportunity.id.clone(),
        seeker_id: opportunity.seeker_id.clone(),
        contact_id: body.contact_id,
        kind: body.kind,
        occurred_at: body.occurred_at.unwrap_or(now).naive_utc(),
        notes,
        out_of_office_until: body.out_of_office_until,
        rejection_reason: body.rejection_reason,
        created_at: now.naive_utc(),
        updated_at: now.naive_utc(),
        updated_by: Actor::of(caller),
        version: 1,
    };
    check_row(&mut errors, &row, now);
    errors.finish()?;
    interactions::insert_interaction(tx, &row)?;
    let view = Interaction::try_from(row.clone())?;
    let kind = EventType::InteractionLogged;
    crate::events::record(tx, kind, &row.seeker_id, &row.updated_by, now, &view)?;
    if let Some(watch) = watch {
        watch.record_changes(tx, &row.updated_by, now)?;
    }
    let revision = tx.revision(&row.seeker_id)?;
    Ok((row, revision))
}

/// The warnings of an interaction [`log_interaction`] stored, computed after
/// the commit: from the facts kept just before it, or else read again;
/// either way they see the pipeline with the new interaction in it.
pub(crate) async fn logged_warnings(
    state: &web::Data<AppState>,
    revision: Option<i64>,
    row: &InteractionRow,
) -> Result<Vec<Warning>, ApiError> {
    let kept = revision.and_then(|r| crate::cadence::interaction_warnings_from_kept(state, r, row));
    Ok(match kept {
        Some(warnings) => warnings?.into_iter().map(Warning::from).collect(),
        None => {
            let recorded = row.clone();
            read(state, move |state, conn| {
                interaction_warnings(state, conn, &recorded)
            })
            .await?
        }
    })
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
    let (row, revision) = write_facts(&state, move |_, tx| {
        log_interaction(tx, &caller, &id, body.0, now)
    })
    .await?;
    let warnings = logged_warnings(&state, revision, &row).await?;
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
    let invalid = || ApiError::invalid("cursor", "not a cursor this API gave out");
    let (at, id) = after.split_once('|').ok_or_else(invalid)?;
    let at = NaiveDateTime::parse_from_str(at, "%Y-%m-%dT%H:%M:%S%.6f").map_err(|_| invalid())?;
    Ok((at, id.to_owned()))
}

/// An opportunity's interactions in the order they happened (`occurred_at`,
/// then the order they were recorded).
#[utoipa::path(
    tag = "interactions",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), PageParams),
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
) -> Result<web::Json<Page<Interaction>>, ApiError> {
    let paging = Paging::new(query.limit, query.cursor.as_deref())?;
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
    Ok(web::Json(paging.page(
        keyed,
        |(key, _)| key.as_str(),
        |(_, row)| Interaction::try_from(row),
    )?))
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
            if let Some(contact_id) = change.contact_id {
                check_contact(
                    tx.conn(),
                    &checker,
                    &row.opportunity_id,
                    contact_id.as_deref(),
                    &mut errors,
                )?;
                row.contact_id = contact_id;
            }
            if let Some(at) = change.occurred_at {
                row.occurred_at = at.naive_utc();
            }
            if let Some(v) = change.notes {
                row.notes = errors
                    .check(validate::optional_text("notes", v, 10_000))
                    .flatten();
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
