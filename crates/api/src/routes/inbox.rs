//! The inbox (docs/inbox.md): a seeker forwards an employer's e-mail, the
//! API reads it and proposes one logged step, which the seeker accepts (and
//! may correct) or dismisses. Nothing is logged without the seeker's
//! acceptance, and nothing is ever sent to anyone.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{EventType, InteractionKind, PromiseWhat, RejectionReason};
use followup_inbox::Step;
use followup_store::inbox::{self, CalendarInterviewRow, ProposalRow};
use followup_store::pipeline::{self, OpportunityRow};
use followup_store::records::InteractionRow;
use followup_store::{DbConnection, FactsTx, interactions, promises};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, Need};
use crate::auth::Caller;
use crate::conditional::Precondition;
use crate::conventions::Actor;
use crate::conventions::{Page, Paging};
use crate::db::{read, write_facts};
use crate::error::FieldCode;
use crate::error::{ApiError, Problem};
use crate::extract::{BodySize, Query};
use crate::intake::{self, is_rfc822};
use crate::shape::FieldsParam;
use crate::state::AppState;
use crate::steps::{
    CreateInteraction, CreatePromise, StageMove, check_row, log_interaction, logged_warnings,
    move_stage, record_promise,
};
use crate::validate::Errors;
use crate::views::Warning;
use crate::views::inbox::{
    InterviewChange, Proposal, ProposalStatus, ProposedInteraction, ProposedInterview, stored_json,
};
use crate::views::interactions::Interaction;
use crate::views::pipeline::{Opportunity, Transition};
use crate::views::promises::{Due, Promise, promise_view, status_context};
use crate::views::utc;

/// The path messages are posted to; its body limit is
/// [`followup_inbox::MAX_MESSAGE_BYTES`], not the server's JSON limit.
pub const INBOX_PATH: &str = "/v1/inbox";

/// A raw e-mail message (RFC 5322 / MIME) as bytes: what `POST /v1/inbox`
/// takes as its body. (It documents the body; the handler reads the bytes
/// themselves.)
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct RawMessage(pub Vec<u8>);

/// An accepted proposal and what it logged.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// The proposal, now `accepted`.
    pub proposal: Proposal,
    /// The logged interaction (`null` only if it was deleted since).
    pub interaction: Option<Interaction>,
    /// The recorded stage transition, when one was made.
    pub transition: Option<Transition>,
    /// The interview it scheduled or moved (as it is now), or cancelled (as
    /// it was); `null` when none.
    pub interview: Option<Interaction>,
    /// The promise it recorded, when the reply made one; `null` otherwise.
    pub promise: Option<Promise>,
    /// For an offer whose terms were written to the opportunity: the
    /// opportunity as it is now; `null` otherwise.
    pub opportunity: Option<Opportunity>,
    /// The cadence rules the logged interaction breaks, as `POST
    /// /v1/opportunities/{id}/interactions` reports them (empty when the
    /// proposal had been accepted before).
    pub warnings: Vec<Warning>,
}

/// Corrections to a proposal's step; every field is optional, absent fields
/// keep the proposal's value and `null` clears an optional one.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptProposal {
    /// The opportunity to log it on: required when the proposal is unmatched.
    pub opportunity_id: Option<String>,
    /// Who it was with: a contact of that opportunity.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub contact_id: Option<Option<String>>,
    /// What happened.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = followup_core::InteractionKind, required = false)]
    pub kind: Option<InteractionKind>,
    /// When it happened.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = DateTime<Utc>, required = false)]
    pub occurred_at: Option<DateTime<Utc>>,
    /// The return date of an out-of-office reply.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub out_of_office_until: Option<Option<NaiveDate>>,
    /// Why the employer said no, on a `rejection_received`.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<followup_core::RejectionReason>)]
    pub rejection_reason: Option<Option<RejectionReason>>,
    /// Free text.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
    /// `false` to log the interaction without the proposed stage move
    /// (default `true`).
    pub apply_transition: Option<bool>,
    /// For an interview message: `true` to schedule (or cancel) the
    /// interview as proposed, `false` to log only the reply (default: the
    /// proposal's `interview.on_accept`).
    pub schedule_interview: Option<bool>,
    /// For an interview message: when the interview starts, correcting the
    /// proposal's `interview.starts_at` (or giving one it lacks).
    pub interview_at: Option<DateTime<Utc>>,
    /// For a reply that makes a promise: `true` to record it, `false` not to
    /// (default: the proposal's `promise.on_accept`).
    pub record_promise: Option<bool>,
    /// For a reply that makes a promise: the promised day, correcting the
    /// proposal's `promise.due` (or giving one it lacks, and then recording
    /// it).
    pub promise_due: Option<NaiveDate>,
    /// For a reply that makes a promise: what was promised, correcting the
    /// proposal's `promise.what`.
    #[schema(value_type = Option<followup_core::PromiseWhat>)]
    pub promise_what: Option<PromiseWhat>,
    /// For an offer: `false` to leave the opportunity's offer fields as they
    /// are; by default the terms the message states (`details`: base,
    /// bonus, currency, deadline) are written to it.
    pub apply_terms: Option<bool>,
}

/// Filters of the proposal list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProposalParams {
    /// Only proposals with this status (default `pending`).
    pub status: Option<ProposalStatus>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Forward an e-mail: the API reads it and proposes one step.
///
/// Send the raw message (RFC 5322 / MIME, up to 10 MiB) with
/// `Content-Type: message/rfc822`, as received or as forwarded (attached or
/// inline). The sender is matched to a contact by address, else to an
/// opportunity by the domain of its contacts (never a free-mail or
/// applicant-tracking domain); an unmatched proposal lists `candidates`.
/// The same `Message-ID` again answers 200 with the proposal already made.
/// Nothing is logged until the proposal is accepted. The raw bytes are kept
/// for the server's retention (30 days by default), the proposal for good.
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    request_body(content = RawMessage, content_type = "message/rfc822", description = "The raw message, up to 10 MiB."),
    responses(
        (status = 201, description = "Read; the proposal (`Location` is set).", body = Proposal),
        (status = 200, description = "This message was posted before: its proposal.", body = Proposal),
        (status = 413, description = "The message is over 10 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as `message/rfc822`.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Empty, or not an e-mail message (`body`).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/inbox")]
pub async fn post_message(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    if !is_rfc822(&req) {
        return Err(ApiError::UnsupportedMediaType(
            "send the message as message/rfc822".to_owned(),
        ));
    }
    let raw = BodySize::of(&req).read(payload.into_inner()).await?;
    let now = crate::views::now();
    let actor = Actor::of(&caller);
    let (created, row) = intake::ingest_by(&state, caller.user.id.clone(), raw, now, actor).await?;
    let proposal = Proposal::try_from(row)?;
    if created {
        Ok(HttpResponse::Created()
            .insert_header((
                header::LOCATION,
                format!("/v1/inbox/proposals/{}", proposal.id),
            ))
            .json(proposal))
    } else {
        Ok(HttpResponse::Ok().json(proposal))
    }
}

/// Loads the caller's own proposal, or 404 (another seeker's proposal is
/// not one the caller may know exists).
fn load_own(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<ProposalRow, ApiError> {
    inbox::find_proposal(conn, id)?
        .filter(|row| row.seeker_id == caller.user.id)
        .ok_or_else(|| ApiError::NotFound("no such proposal".to_owned()))
}

/// The caller's proposals, oldest first: `pending` ones unless `status`
/// says otherwise.
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    params(ProposalParams, FieldsParam),
    responses(
        (status = 200, description = "A page of proposals.", body = Page<Proposal>),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/inbox/proposals")]
pub async fn list_proposals(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<ProposalParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let ProposalParams {
        status,
        limit,
        cursor,
    } = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(limit, cursor.as_deref()),
        fields.of::<Proposal>(),
    )?;
    let status = status.unwrap_or(ProposalStatus::Pending);
    let (after, fetch) = (paging.after.clone(), paging.fetch());
    let seeker = caller.user.id;
    let rows = read(&state, move |_, conn| {
        Ok(inbox::list_proposals(
            conn,
            &seeker,
            status.as_str(),
            after,
            fetch,
        )?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Proposal::try_from)?;
    crate::shape::list(&page, fields.as_ref())
}

/// One of the caller's proposals.
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id.")),
    responses(
        (status = 200, description = "The proposal.", body = Proposal),
        (status = 404, description = "No such proposal of the caller's.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/inbox/proposals/{id}")]
pub async fn get_proposal(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Proposal>, ApiError> {
    let id = id.into_inner();
    let row = read(&state, move |_, conn| load_own(conn, &caller, &id)).await?;
    Ok(web::Json(Proposal::try_from(row)?))
}

/// Reads the optional JSON body of an accept: none (or an empty one) keeps
/// the proposal as it is.
async fn optional_body(
    req: &HttpRequest,
    payload: web::Payload,
) -> Result<AcceptProposal, ApiError> {
    let body = BodySize::of(req).read(payload.into_inner()).await?;
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(AcceptProposal::default());
    }
    if !crate::extract::is_json(req) {
        return Err(ApiError::UnsupportedMediaType(
            "send the body as application/json".to_owned(),
        ));
    }
    crate::extract::parse(&body)
}

/// The interaction a proposal logs, with the seeker's corrections.
fn interaction_request(
    proposed: ProposedInteraction,
    change: &mut AcceptProposal,
    matched_opportunity: Option<&str>,
    opportunity_id: &str,
) -> CreateInteraction {
    // The proposed contact belongs to the matched opportunity only.
    let proposed_contact = proposed
        .contact_id
        .filter(|_| matched_opportunity == Some(opportunity_id));
    CreateInteraction {
        id: None,
        kind: change.kind.unwrap_or(proposed.kind),
        contact_id: change.contact_id.take().unwrap_or(proposed_contact),
        occurred_at: Some(change.occurred_at.unwrap_or(proposed.occurred_at)),
        notes: change.notes.take().unwrap_or(proposed.notes),
        out_of_office_until: change
            .out_of_office_until
            .unwrap_or(proposed.out_of_office_until),
        rejection_reason: change.rejection_reason.unwrap_or(proposed.rejection_reason),
    }
}

/// What an accepted proposal logged, read back.
fn accepted(conn: &mut DbConnection, row: ProposalRow) -> Result<Accepted, ApiError> {
    let interaction = match &row.interaction_id {
        Some(id) => interactions::find_interaction(conn, id)?
            .map(Interaction::try_from)
            .transpose()?,
        None => None,
    };
    let transition = match (&row.transition_id, &row.opportunity_id) {
        (Some(id), Some(opportunity)) => pipeline::transitions_of(conn, opportunity)?
            .into_iter()
            .find(|t| &t.id == id)
            .map(Transition::try_from)
            .transpose()?,
        _ => None,
    };
    let interview = match &row.interview_id {
        Some(id) => interactions::find_interaction(conn, id)?
            .map(Interaction::try_from)
            .transpose()?,
        None => None,
    };
    let promise = match (&row.promise_id, &row.opportunity_id) {
        (Some(id), Some(opportunity)) => {
            let stored = promises::find_promise(conn, id)?;
            match (stored, pipeline::find_opportunity(conn, opportunity)?) {
                (Some(stored), Some(opportunity)) => {
                    let (facts, calendar) = status_context(conn, &opportunity)?;
                    Some(promise_view(
                        stored,
                        &facts,
                        &calendar,
                        crate::views::now(),
                    )?)
                }
                _ => None,
            }
        }
        _ => None,
    };
    Ok(Accepted {
        proposal: Proposal::try_from(row)?,
        interaction,
        transition,
        interview,
        promise,
        opportunity: None,
        warnings: Vec::new(),
    })
}

/// What accepting an interview message does to the interviews: schedules
/// the interview (or moves the one its calendar `UID` scheduled before, when
/// this update is not older), or removes the one its cancellation names
/// (unless it had already taken place when the message was sent). Returns
/// the interview as it is now (as it was, when removed), if any.
#[expect(
    clippy::too_many_arguments,
    reason = "the accepted step's parts, each needed"
)]
fn apply_interview(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    step: &Step,
    proposed: &ProposedInterview,
    opportunity_id: &str,
    contact_id: Option<String>,
    subject: Option<&str>,
    sent_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<Interaction>, ApiError> {
    let seeker = caller.user.id.clone();
    let slot = match step {
        Step::InterviewInvitation(slot)
        | Step::InterviewUpdate(slot)
        | Step::InterviewCancel(slot) => slot,
        _ => return Ok(None),
    };
    let sequence = i32::try_from(slot.sequence.unwrap_or(0)).unwrap_or(i32::MAX);
    let linked = match &proposed.calendar_uid {
        Some(uid) => inbox::find_calendar_interview(tx.conn(), &seeker, uid)?,
        None => None,
    };
    let linked_row = match &linked {
        Some(link) => interactions::find_interaction(tx.conn(), &link.interaction_id)?,
        None => None,
    };
    match proposed.change {
        InterviewChange::Cancel => {
            let Some(row) = linked_row else {
                return Ok(None);
            };
            if utc(row.occurred_at) <= sent_at {
                // It had taken place: a late cancellation changes nothing.
                return Ok(Some(Interaction::try_from(row)?));
            }
            let removed = access::deleted::<InteractionRow, Interaction>(
                tx,
                caller,
                &row.id,
                &Precondition::default(),
            )?;
            Ok(Some(removed))
        }
        InterviewChange::Schedule => {
            let Some(starts_at) = proposed.starts_at else {
                return Err(ApiError::invalid(
                    "interview_at",
                    FieldCode::Required,
                    "the message gives no time for the interview: pass `interview_at` to \
                     schedule it",
                ));
            };
            if let (Some(link), Some(row)) = (&linked, linked_row) {
                if link.sequence > sequence {
                    // An older update than the one applied: nothing moves.
                    return Ok(Some(Interaction::try_from(row)?));
                }
                let (_, moved) = access::updated::<InteractionRow, Interaction>(
                    tx,
                    caller,
                    &row.id,
                    Need::Write,
                    &Precondition::default(),
                    |_, row, _| {
                        let mut errors = Errors::default();
                        row.occurred_at = starts_at.naive_utc();
                        check_row(&mut errors, row, now);
                        errors.finish()
                    },
                )?;
                let mut link = link.clone();
                link.sequence = sequence;
                link.updated_at = now.naive_utc();
                inbox::link_calendar_interview(tx, &link)?;
                return Ok(Some(moved));
            }
            let notes = match subject.map(str::trim).filter(|s| !s.is_empty()) {
                Some(subject) => format!(
                    "Scheduled from the invitation: {}",
                    subject.chars().take(1000).collect::<String>()
                ),
                None => "Scheduled from the invitation".to_owned(),
            };
            let request = CreateInteraction {
                id: None,
                kind: InteractionKind::Interview,
                contact_id,
                occurred_at: Some(starts_at),
                notes: Some(notes),
                out_of_office_until: None,
                rejection_reason: None,
            };
            let (row, _) = log_interaction(tx, caller, opportunity_id, request, now)?;
            if let Some(uid) = &proposed.calendar_uid {
                inbox::link_calendar_interview(
                    tx,
                    &CalendarInterviewRow {
                        seeker_id: seeker,
                        uid: uid.clone(),
                        interaction_id: row.id.clone(),
                        sequence,
                        updated_at: now.naive_utc(),
                    },
                )?;
            }
            Ok(Some(Interaction::try_from(row)?))
        }
    }
}

/// Writes the terms an offer states to its opportunity (the base, the
/// bonus — an amount, or a percentage of the base —, the currency, the
/// deadline), as `PATCH /v1/opportunities/{id}` would; the fields the
/// message does not state stay. `None` when it states none.
fn apply_terms(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    step: &Step,
    opportunity_id: &str,
) -> Result<Option<Opportunity>, ApiError> {
    let Step::Offer(offer) = step else {
        return Ok(None);
    };
    let amount = |v: Option<f64>| v.filter(|v| v.is_finite() && *v >= 0.0);
    let base = amount(offer.base);
    let bonus = amount(offer.bonus_amount).or_else(|| {
        let percent = amount(offer.bonus_percent)?;
        Some((base? * percent / 100.0 * 100.0).round() / 100.0)
    });
    let currency = offer
        .currency
        .as_deref()
        .and_then(|c| followup_core::compare::Currency::parse(c.trim()).ok())
        .map(|c| c.as_str().to_owned());
    if base.is_none() && bonus.is_none() && currency.is_none() && offer.deadline.is_none() {
        return Ok(None);
    }
    let deadline = offer.deadline;
    let (_, view) = access::updated::<OpportunityRow, Opportunity>(
        tx,
        caller,
        opportunity_id,
        Need::Write,
        &Precondition::default(),
        |_, row, _| {
            if base.is_some() {
                row.base_salary = base;
            }
            if bonus.is_some() {
                row.bonus = bonus;
            }
            if currency.is_some() {
                row.currency = currency;
            }
            if deadline.is_some() {
                row.offer_deadline = deadline;
            }
            Ok(())
        },
    )?;
    Ok(Some(view))
}

/// The logged interaction and the seeker's facts revision after the write,
/// for its warnings.
type Logged = Option<(InteractionRow, Option<i64>)>;

/// Accepts a proposal inside the write: logs its interaction and makes its
/// stage move, as the interaction and transition routes do, and schedules,
/// moves or cancels its interview.
fn accept_in(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    mut change: AcceptProposal,
    now: DateTime<Utc>,
) -> Result<(Accepted, Logged), ApiError> {
    let row = load_own(tx.conn(), caller, id)?;
    tx.lock(&row.seeker_id)?;
    let mut row = load_own(tx.conn(), caller, id)?;
    match ProposalStatus::parse(&row.status)? {
        ProposalStatus::Accepted => return Ok((accepted(tx.conn(), row)?, None)),
        ProposalStatus::Dismissed => {
            return Err(ApiError::Conflict(
                crate::error::ProblemCode::WrongState,
                "this proposal was dismissed; it cannot be accepted".to_owned(),
            ));
        }
        ProposalStatus::Pending => {}
    }
    let view = Proposal::try_from(row.clone())?;
    let Some(opportunity_id) = change
        .opportunity_id
        .take()
        .or_else(|| row.opportunity_id.clone())
    else {
        return Err(ApiError::invalid(
            "opportunity_id",
            FieldCode::Required,
            "the proposal matched no opportunity: choose one (see `candidates`)",
        ));
    };
    let apply_transition = change.apply_transition.unwrap_or(true);
    let interview_at = change.interview_at.take();
    let promise_due = change.promise_due.take();
    let promise_what = change.promise_what.take();
    let record = change.record_promise.take();
    let terms = change.apply_terms.unwrap_or(true);
    let schedule = change.schedule_interview.take();
    let sent_at = view.interaction.occurred_at;
    let request = interaction_request(
        view.interaction,
        &mut change,
        row.opportunity_id.as_deref(),
        &opportunity_id,
    );
    let contact_id = request.contact_id.clone();
    let (interaction, revision) = log_interaction(tx, caller, &opportunity_id, request, now)?;
    let mut transition = None;
    if let Some(proposed) = view.transition.filter(|_| apply_transition) {
        let current = pipeline::find_opportunity(tx.conn(), &opportunity_id)?.map(|o| o.stage);
        // Already there (the seeker moved it by hand): nothing to move.
        if current != Some(proposed.to) {
            let stage_move = StageMove {
                to: proposed.to,
                reason: None,
                occurred_at: utc(interaction.occurred_at),
                rejection_reason: proposed.rejection_reason,
            };
            let precondition = Precondition::default();
            let (_, moved) =
                move_stage(tx, caller, &opportunity_id, &precondition, stage_move, now)?;
            transition = Some(moved.transition);
        }
    }
    let step: Step = stored_json(&row.step, "step")?;
    let opportunity = if terms {
        apply_terms(tx, caller, &step, &opportunity_id)?
    } else {
        None
    };
    let mut interview = None;
    if let Some(mut proposed) = view.interview {
        if interview_at.is_some() {
            proposed.starts_at = interview_at;
        }
        if schedule.unwrap_or(proposed.on_accept || interview_at.is_some()) {
            interview = apply_interview(
                tx,
                caller,
                &step,
                &proposed,
                &opportunity_id,
                contact_id.clone(),
                row.subject.as_deref(),
                sent_at,
                now,
            )?;
        }
    }
    let mut promise = None;
    if let Some(proposed) = view.promise {
        let due = promise_due.or(proposed.due);
        if record.unwrap_or(proposed.on_accept || promise_due.is_some()) {
            let Some(due) = due else {
                return Err(ApiError::invalid(
                    "promise_due",
                    FieldCode::Required,
                    "the message names no day for its promise: pass `promise_due` to record it",
                ));
            };
            let request = CreatePromise {
                id: None,
                contact_id: contact_id.clone(),
                what: promise_what.unwrap_or(proposed.what),
                due: Due::Date(due),
                made_at: Some(sent_at),
            };
            promise = Some(record_promise(tx, caller, &opportunity_id, request, now)?);
        }
    }
    // The terms were applied before the promise and the interview were
    // written under the opportunity, which moved its version on since.
    let opportunity = match opportunity {
        Some(_) => pipeline::find_opportunity(tx.conn(), &opportunity_id)?
            .map(Opportunity::try_from)
            .transpose()?,
        None => None,
    };
    row.status = ProposalStatus::Accepted.as_str().to_owned();
    row.decided_at = Some(now.naive_utc());
    row.promise_id = promise.as_ref().map(|p| p.id.clone());
    row.opportunity_id = Some(opportunity_id);
    row.contact_id = contact_id;
    row.interaction_id = Some(interaction.id.clone());
    row.transition_id = transition.as_ref().map(|t| t.id.clone());
    row.interview_id = interview.as_ref().map(|i| i.id.clone());
    // The warnings may start from the facts kept before this write only when
    // the interaction is all it changed that the engine reads.
    let revision = revision.filter(|_| {
        transition.is_none() && interview.is_none() && opportunity.is_none() && promise.is_none()
    });
    if !inbox::update_proposal(tx, &row)? {
        return Err(ApiError::NotFound("no such proposal".to_owned()));
    }
    let proposal = Proposal::try_from(row)?;
    let seeker = caller.user.id.clone();
    let kind = EventType::ProposalAccepted;
    crate::events::record(tx, kind, &seeker, &Actor::of(caller), now, &proposal)?;
    Ok((
        Accepted {
            proposal,
            interaction: Some(Interaction::try_from(interaction.clone())?),
            transition,
            interview,
            promise,
            opportunity,
            warnings: Vec::new(),
        },
        Some((interaction, revision)),
    ))
}

/// Accept a proposal: log its step.
///
/// Logs the proposed interaction exactly as `POST
/// /v1/opportunities/{id}/interactions` would (same validation, events,
/// promise bookkeeping and `warnings`) and, for a rejection or an offer,
/// moves the opportunity to `rejected` (with the reason) or `offer` exactly
/// as the transition route would, unless `apply_transition` is `false` or it
/// is already there. An interview message logs the reply and, unless
/// `schedule_interview` is `false`, schedules the interview at its start
/// (an `interview` in the future, which the agenda prepares for), moves the
/// one an earlier invitation with the same calendar `UID` scheduled, or
/// removes it on a cancellation. The optional body corrects any field of the
/// step; `opportunity_id` is required when the proposal is unmatched.
/// Accepting again answers the same result and logs nothing; a dismissed
/// proposal cannot be accepted (409).
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id.")),
    request_body(content = AcceptProposal, description = "Optional corrections."),
    responses(
        (status = 200, description = "Accepted; what it logged.", body = Accepted),
        (status = 404, description = "No such proposal of the caller's.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal was dismissed, or the stage machine refuses the move.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A correction is invalid, or an unmatched proposal has no `opportunity_id`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/inbox/proposals/{id}/accept")]
pub async fn accept_proposal(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<web::Json<Accepted>, ApiError> {
    caller.require_write()?;
    let change = optional_body(&req, payload).await?;
    let now = crate::views::now();
    let id = id.into_inner();
    let (mut accepted, logged) = write_facts(&state, move |_, tx| {
        accept_in(tx, &caller, &id, change, now)
    })
    .await?;
    if let Some((row, revision)) = logged {
        accepted.warnings = logged_warnings(&state, revision, &row).await?;
    }
    Ok(web::Json(accepted))
}

/// Dismiss a proposal: nothing is logged.
///
/// Dismissing again answers the same; an accepted proposal cannot be
/// dismissed (409).
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The proposal's id.")),
    responses(
        (status = 200, description = "Dismissed.", body = Proposal),
        (status = 404, description = "No such proposal of the caller's.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The proposal was accepted.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/inbox/proposals/{id}/dismiss")]
pub async fn dismiss_proposal(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Proposal>, ApiError> {
    caller.require_write()?;
    let now = crate::views::now();
    let id = id.into_inner();
    let row = write_facts(&state, move |_, tx| {
        let row = load_own(tx.conn(), &caller, &id)?;
        tx.lock(&row.seeker_id)?;
        let mut row = load_own(tx.conn(), &caller, &id)?;
        match ProposalStatus::parse(&row.status)? {
            ProposalStatus::Dismissed => return Ok(row),
            ProposalStatus::Accepted => {
                return Err(ApiError::Conflict(
                    crate::error::ProblemCode::WrongState,
                    "this proposal was accepted; it cannot be dismissed".to_owned(),
                ));
            }
            ProposalStatus::Pending => {}
        }
        row.status = ProposalStatus::Dismissed.as_str().to_owned();
        row.decided_at = Some(now.naive_utc());
        if !inbox::update_proposal(tx, &row)? {
            return Err(ApiError::NotFound("no such proposal".to_owned()));
        }
        let view = Proposal::try_from(row.clone())?;
        let kind = EventType::ProposalDismissed;
        crate::events::record(tx, kind, &row.seeker_id, &Actor::of(&caller), now, &view)?;
        Ok(row)
    })
    .await?;
    Ok(web::Json(Proposal::try_from(row)?))
}
