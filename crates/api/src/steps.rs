//! Recording a step of the search inside a write: logging an interaction,
//! moving an opportunity to another stage, recording a promise. Their routes
//! (`POST /v1/opportunities/{id}/interactions`, `…/transitions`,
//! `…/promises`) and accepting an inbox proposal share this code, so they
//! validate, record events and keep promises the same way.

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{
    Direction, EventType, InteractionKind, PromiseWhat, RejectionReason, Stage, policy,
};
use followup_store::pipeline::{self, OpportunityRow, TransitionRow};
use followup_store::records::{InteractionRow, PromiseRow};
use followup_store::{DbConnection, FactsTx, interactions, promises};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Need, check_contact, load_locked};
use crate::auth::{Access, Caller};
use crate::conditional::Precondition;
use crate::conventions::Actor;
use crate::db::read;
use crate::error::ApiError;
use crate::error::FieldCode;
use crate::events::PromiseWatch;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::Warning;
use crate::views::interactions::Interaction;
use crate::views::pipeline::{Opportunity, Transition};
use crate::views::promises::{Due, Promise, promise_view, status_context};
use crate::views::utc;

/// A new interaction.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInteraction {
    /// The record's id, when the app made it (a UUIDv7: a record created
    /// offline keeps its id when it is synced); default: the server makes
    /// one. Used twice, it is a 409 naming the existing record.
    #[serde(default)]
    #[schema(value_type = String, format = Uuid, required = false, example = "01890a5d-ac96-774b-bcce-b302099a8057")]
    pub id: Option<String>,
    /// What happened. A coach may record `note`s only.
    pub kind: InteractionKind,
    /// Who it was with: a contact of the same opportunity.
    pub contact_id: Option<String>,
    /// When it happened (default now); back-dating is fine. Up to 15 minutes
    /// ahead of the server's clock (a device whose clock runs fast) is
    /// recorded as now, with a `clock_ahead` warning; further ahead is
    /// refused, but for an `interview`: one logged for a later time (up to
    /// 400 days ahead) is scheduled, and the agenda prepares for it.
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

/// A stage change.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TransitionRequest {
    /// The stage to move to.
    pub to: Stage,
    /// Why, in words.
    #[schema(max_length = 2000)]
    pub reason: Option<String>,
    /// When it happened (default now); not in the future.
    pub occurred_at: Option<DateTime<Utc>>,
    /// For `rejected`: why the employer said no, when known.
    pub rejection_reason: Option<RejectionReason>,
}

/// A moved opportunity and the transition that moved it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Transitioned {
    /// The opportunity in its new stage.
    pub opportunity: Opportunity,
    /// The recorded transition.
    pub transition: Transition,
}

pub(crate) fn check_row(errors: &mut Errors, row: &InteractionRow, now: DateTime<Utc>) {
    check_step(
        errors,
        row.kind,
        utc(row.occurred_at),
        row.out_of_office_until.is_some(),
        row.rejection_reason.is_some(),
        now,
    );
}

/// What an interaction of `kind` may hold: when it happened, an
/// out-of-office return date, a rejection reason.
fn check_step(
    errors: &mut Errors,
    kind: InteractionKind,
    occurred_at: DateTime<Utc>,
    out_of_office: bool,
    rejection_reason: bool,
    now: DateTime<Utc>,
) {
    if !followup_core::policy::may_record_at(kind, occurred_at, now) {
        errors.push(
            "occurred_at",
            FieldCode::InTheFuture,
            if kind == InteractionKind::Interview {
                "an interview can be scheduled at most 400 days ahead"
            } else {
                "must not be in the future (a few minutes of clock skew are fine); only an \
                 `interview` can be scheduled ahead"
            },
        );
    }
    if out_of_office && kind != InteractionKind::ReplyReceived {
        errors.push(
            "out_of_office_until",
            FieldCode::NotAllowed,
            "only a `reply_received` can be an out-of-office reply",
        );
    }
    if rejection_reason && kind != InteractionKind::RejectionReceived {
        errors.push(
            "rejection_reason",
            FieldCode::NotAllowed,
            "only a `rejection_received` takes a rejection reason",
        );
    }
}

/// A new interaction's own checks, which need nothing but the body: its
/// notes, its id, and what its kind allows. Returns the notes and the id in
/// their normal form.
pub(crate) fn checked_interaction(
    errors: &mut Errors,
    body: &CreateInteraction,
    now: DateTime<Utc>,
) -> (Option<String>, String) {
    let notes = errors
        .check(validate::optional_text("notes", body.notes.clone(), 10_000))
        .flatten();
    let id = validate::new_id(errors, body.id.clone());
    check_step(
        errors,
        body.kind,
        body.occurred_at.unwrap_or(now),
        body.out_of_office_until.is_some(),
        body.rejection_reason.is_some(),
        now,
    );
    (notes, id)
}

/// A device whose clock runs a little fast logs "just now" ahead of ours:
/// recorded as now; how far ahead it was, for a `clock_ahead` warning. (An
/// interview ahead is one being scheduled.)
pub(crate) fn clamp_occurred_at(
    body: &mut CreateInteraction,
    now: DateTime<Utc>,
) -> Option<chrono::TimeDelta> {
    if body.kind == InteractionKind::Interview {
        return None;
    }
    let (at, by) = followup_core::policy::clamp_ahead(body.occurred_at?, now);
    body.occurred_at = Some(at);
    by
}

impl crate::extract::Checks for CreateInteraction {
    const READS: &'static [(&'static str, &'static str)] = &[
        ("occurred_at", "kind"),
        ("out_of_office_until", "kind"),
        ("rejection_reason", "kind"),
    ];

    fn checks(&self) -> Vec<crate::error::FieldError> {
        let now = crate::views::now();
        let mut body = self.clone();
        clamp_occurred_at(&mut body, now);
        let mut errors = Errors::default();
        checked_interaction(&mut errors, &body, now);
        errors.into_inner()
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
    let (notes, interaction_id) = checked_interaction(&mut errors, &body, now);
    let (opportunity, access, contact_named) = crate::access::load_opportunity_locked_with_contact(
        tx,
        caller,
        opportunity_id,
        Need::Read,
        body.contact_id.as_deref(),
    )?;
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
            crate::error::ProblemCode::Forbidden,
            "a coach may add notes to an opportunity, nothing else".to_owned(),
        ));
    }
    if body.contact_id.is_some() && !contact_named {
        errors.push(
            "contact_id",
            crate::error::FieldCode::NotFound,
            "is not a contact of this opportunity",
        );
    }
    crate::access::check_id_free(
        conn,
        &opportunity.seeker_id,
        followup_store::records::Creatable::Interaction,
        &interaction_id,
        body.id.is_some(),
    )?;
    let row = InteractionRow {
        id: interaction_id,
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

/// A checked stage change: what [`move_stage`] applies.
#[derive(Debug, Clone)]
pub(crate) struct StageMove {
    /// The stage to move to.
    pub to: Stage,
    /// Why, in words.
    pub reason: Option<String>,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// For `rejected`: why the employer said no.
    pub rejection_reason: Option<RejectionReason>,
}

impl StageMove {
    /// Checks a requested move before the write (422 naming the field).
    pub(crate) fn check(body: &TransitionRequest, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let mut errors = Errors::default();
        let occurred_at = body.occurred_at.unwrap_or(now);
        if policy::is_in_the_future(occurred_at, now) {
            errors.push(
                "occurred_at",
                FieldCode::InTheFuture,
                "must not be in the future",
            );
        }
        if body.rejection_reason.is_some() && body.to != Stage::Rejected {
            errors.push(
                "rejection_reason",
                FieldCode::NotAllowed,
                "only a move to `rejected` takes a rejection reason",
            );
        }
        let reason = errors
            .check(validate::optional_text("reason", body.reason.clone(), 2000))
            .flatten();
        errors.finish()?;
        Ok(Self {
            to: body.to,
            reason,
            occurred_at,
            rejection_reason: body.rejection_reason,
        })
    }
}

/// Moves an opportunity to another stage inside the caller's write: what
/// `POST /v1/opportunities/{id}/transitions` does, and what accepting an
/// inbox proposal does (the same stage machine, history, event and promise
/// bookkeeping). Returns the opportunity's new version and the move.
pub(crate) fn move_stage(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    precondition: &Precondition,
    stage_move: StageMove,
    now: DateTime<Utc>,
) -> Result<(i32, Transitioned), ApiError> {
    let (before, _) = load_locked::<OpportunityRow>(tx, caller, id, Need::Write)?;
    let watch = PromiseWatch::new(tx.conn(), &before, now)?;
    let mut from = Stage::Prospect;
    let row = access::update::<OpportunityRow>(
        tx,
        caller,
        id,
        Need::Write,
        precondition,
        |_, row, _| {
            from = row.stage;
            from.transition(stage_move.to)
                .map_err(|e| ApiError::IllegalTransition {
                    message: e.to_string(),
                    allowed: e.allowed.iter().map(|s| s.as_str().to_owned()).collect(),
                })?;
            row.stage = stage_move.to;
            row.rejection_reason = stage_move.rejection_reason;
            Ok(())
        },
    )?;
    let recorded = TransitionRow {
        id: uuid::Uuid::now_v7().to_string(),
        opportunity_id: row.id.clone(),
        from_stage: Some(from),
        to_stage: row.stage,
        occurred_at: stage_move.occurred_at.naive_utc(),
        reason: stage_move.reason,
        rejection_reason: row.rejection_reason,
        actor: row.updated_by.clone(),
        created_at: now.naive_utc(),
    };
    pipeline::insert_transition(tx, &recorded)?;
    let actor = row.updated_by.clone();
    let (seeker, version) = (row.seeker_id.clone(), row.version);
    let moved = Transitioned {
        opportunity: Opportunity::try_from(row)?,
        transition: Transition::try_from(recorded)?,
    };
    let kind = EventType::OpportunityStageChanged;
    crate::events::record(tx, kind, &seeker, &actor, now, &moved)?;
    watch.record_changes(tx, &actor, now)?;
    Ok((version, moved))
}

/// A new promise.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreatePromise {
    /// The record's id, when the app made it (a UUIDv7: a record created
    /// offline keeps its id when it is synced); default: the server makes
    /// one. Used twice, it is a 409 naming the existing record.
    #[serde(default)]
    #[schema(value_type = String, format = Uuid, required = false, example = "01890a5d-ac96-774b-bcce-b302099a8057")]
    pub id: Option<String>,
    /// Who promised: a contact of the same opportunity (`null` = the main contact).
    pub contact_id: Option<String>,
    /// What they promised.
    pub what: PromiseWhat,
    /// By when: "after New Year's" = the date you take it to mean.
    pub due: Due,
    /// When the promise was made (default now). Up to 15 minutes ahead of
    /// the server's clock is recorded as now, with a `clock_ahead` warning;
    /// further ahead is refused.
    pub made_at: Option<DateTime<Utc>>,
}

/// A promise's own checks: it was made by now.
pub(crate) fn check_promise(errors: &mut Errors, row: &PromiseRow, now: DateTime<Utc>) {
    check_made_at(errors, utc(row.made_at), now);
}

/// A promise was made by now.
pub(crate) fn check_made_at(errors: &mut Errors, made_at: DateTime<Utc>, now: DateTime<Utc>) {
    if followup_core::policy::is_in_the_future(made_at, now) {
        errors.push(
            "made_at",
            FieldCode::InTheFuture,
            "must not be in the future",
        );
    }
}

/// A new promise's own checks, which need nothing but the body: its id
/// and when it was made. Returns the id in its normal form.
pub(crate) fn checked_promise(
    errors: &mut Errors,
    body: &CreatePromise,
    now: DateTime<Utc>,
) -> String {
    let id = validate::new_id(errors, body.id.clone());
    check_made_at(errors, body.made_at.unwrap_or(now), now);
    id
}

/// A device whose clock runs a little fast: a promise made "just now" ahead
/// of ours is recorded as now; how far ahead it was, for a `clock_ahead`
/// warning.
pub(crate) fn clamp_made_at(
    body: &mut CreatePromise,
    now: DateTime<Utc>,
) -> Option<chrono::TimeDelta> {
    let (at, by) = followup_core::policy::clamp_ahead(body.made_at?, now);
    body.made_at = Some(at);
    by
}

/// A promise must fall due after it was made, read in the promising
/// contact's zone (else the seeker's); otherwise a 422 on `due` that names
/// the date the seeker most likely meant (docs/pipeline.md, "Promises").
pub(crate) fn check_due(
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
    errors.push("due", FieldCode::WrongOrder, message);
    Ok(())
}

pub(crate) fn set_due(row: &mut PromiseRow, due: Due) {
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

/// Records a promise on the opportunity `opportunity_id`, inside the
/// caller's write: what `POST /v1/opportunities/{id}/promises` does, and
/// what accepting an inbox reply that carries a promise does (the same
/// checks, the `promise.created` event, and the pending promise of the same
/// person superseded). Returns the promise as the API shows it.
pub(crate) fn record_promise(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    opportunity_id: &str,
    body: CreatePromise,
    now: DateTime<Utc>,
) -> Result<Promise, ApiError> {
    let (opportunity, _) = load_locked::<OpportunityRow>(tx, caller, opportunity_id, Need::Write)?;
    let watch = PromiseWatch::new(tx.conn(), &opportunity, now)?;
    let conn = tx.conn();
    let mut errors = Errors::default();
    let promise_id = checked_promise(&mut errors, &body, now);
    check_contact(
        conn,
        caller,
        &opportunity.id,
        body.contact_id.as_deref(),
        &mut errors,
    )?;
    crate::access::check_id_free(
        conn,
        &opportunity.seeker_id,
        followup_store::records::Creatable::Promise,
        &promise_id,
        body.id.is_some(),
    )?;
    let mut row = PromiseRow {
        id: promise_id,
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
        updated_by: Actor::of(caller),
        version: 1,
    };
    set_due(&mut row, body.due);
    check_due(conn, &mut errors, &row, &opportunity)?;
    errors.finish()?;
    promises::insert_promise(tx, &row)?;
    let actor = row.updated_by.clone();
    let (facts, calendar) = status_context(tx.conn(), &opportunity)?;
    let view = promise_view(row, &facts, &calendar, now)?;
    let kind = EventType::PromiseCreated;
    crate::events::record(tx, kind, &opportunity.seeker_id, &actor, now, &view)?;
    watch.record_changes(tx, &actor, now)?;
    Ok(view)
}

impl crate::extract::Checks for TransitionRequest {
    const READS: &'static [(&'static str, &'static str)] = &[("rejection_reason", "to")];

    fn checks(&self) -> Vec<crate::error::FieldError> {
        match StageMove::check(self, crate::views::now()) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

impl crate::extract::Checks for CreatePromise {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        let now = crate::views::now();
        let mut body = self.clone();
        clamp_made_at(&mut body, now);
        let mut errors = Errors::default();
        checked_promise(&mut errors, &body, now);
        errors.into_inner()
    }
}
