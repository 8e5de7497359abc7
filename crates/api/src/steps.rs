//! Recording a step of the search inside a write: logging an interaction
//! and moving an opportunity to another stage. Their routes
//! (`POST /v1/opportunities/{id}/interactions`, `…/transitions`) and
//! accepting an inbox proposal share this code, so the three validate,
//! record events and keep promises the same way.

use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{Direction, EventType, InteractionKind, RejectionReason, Stage, policy};
use followup_store::pipeline::{self, OpportunityRow, TransitionRow};
use followup_store::records::InteractionRow;
use followup_store::{DbConnection, FactsTx, interactions};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, Need, check_contact, load_locked};
use crate::auth::{Access, Caller};
use crate::conditional::Precondition;
use crate::conventions::Actor;
use crate::db::read;
use crate::error::ApiError;
use crate::events::PromiseWatch;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::Warning;
use crate::views::interactions::Interaction;
use crate::views::pipeline::{Opportunity, Transition};
use crate::views::utc;

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
    pub(crate) fn check(body: TransitionRequest, now: DateTime<Utc>) -> Result<Self, ApiError> {
        let mut errors = Errors::default();
        let occurred_at = body.occurred_at.unwrap_or(now);
        if policy::is_in_the_future(occurred_at, now) {
            errors.push("occurred_at", "must not be in the future");
        }
        if body.rejection_reason.is_some() && body.to != Stage::Rejected {
            errors.push(
                "rejection_reason",
                "only a move to `rejected` takes a rejection reason",
            );
        }
        let reason = errors
            .check(validate::optional_text("reason", body.reason, 2000))
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
