//! The inbox (docs/inbox.md): a seeker forwards an employer's e-mail, the
//! API reads it and proposes one logged step, which the seeker accepts (and
//! may correct) or dismisses. Nothing is logged without the seeker's
//! acceptance, and nothing is ever sent to anyone.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{InteractionKind, RejectionReason, Stage};
use followup_inbox::{Class, Step};
use followup_store::inbox::{self, ProposalRow};
use followup_store::pipeline;
use followup_store::{DbConnection, FactsTx, interactions};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::conditional::Precondition;
use crate::conventions::{Page, Paging};
use crate::db::{read, write_facts};
use crate::error::{ApiError, Problem};
use crate::extract::{BodySize, Query};
use crate::intake::{self, Candidate, is_rfc822};
use crate::state::AppState;
use crate::steps::{CreateInteraction, StageMove, log_interaction, move_stage};
use crate::views::interactions::Interaction;
use crate::views::pipeline::Transition;
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

/// The most characters of the subject the proposed notes hold.
const MAX_SUBJECT_IN_NOTES: usize = 1000;

/// What the seeker decided about a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for the seeker.
    Pending,
    /// Accepted: the step was logged.
    Accepted,
    /// Dismissed: nothing was logged.
    Dismissed,
}

impl ProposalStatus {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Accepted => "accepted",
            Self::Dismissed => "dismissed",
        }
    }

    fn parse(stored: &str) -> Result<Self, ApiError> {
        match stored {
            "pending" => Ok(Self::Pending),
            "accepted" => Ok(Self::Accepted),
            "dismissed" => Ok(Self::Dismissed),
            other => Err(ApiError::Internal(
                format!("stored proposal status `{other}`").into(),
            )),
        }
    }
}

/// The class of message the reader saw (docs/inbox.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalClass {
    /// An automatic out-of-office answer.
    OutOfOffice,
    /// The employer said no.
    Rejection,
    /// The employer made an offer.
    Offer,
    /// An interview was scheduled or proposed.
    InterviewInvitation,
    /// A scheduled interview changed.
    InterviewUpdate,
    /// A scheduled interview was cancelled.
    InterviewCancel,
    /// Anything else.
    Reply,
}

impl From<Class> for ProposalClass {
    fn from(class: Class) -> Self {
        match class {
            Class::OutOfOffice => Self::OutOfOffice,
            Class::Rejection => Self::Rejection,
            Class::Offer => Self::Offer,
            Class::InterviewInvitation => Self::InterviewInvitation,
            Class::InterviewUpdate => Self::InterviewUpdate,
            Class::InterviewCancel => Self::InterviewCancel,
            Class::Reply => Self::Reply,
        }
    }
}

/// What decided the class: where it was found and the exact text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposalEvidence {
    /// `header`, `body` or `calendar`.
    pub source: String,
    /// For a header: its name.
    pub header: Option<String>,
    /// The text, at most 300 characters.
    pub text: String,
}

/// The interaction accepting the proposal logs (each field can be
/// overridden on accept).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedInteraction {
    /// What happened: `reply_received` for an out-of-office reply, a reply
    /// or (for now) any interview message; `rejection_received`,
    /// `offer_received`.
    pub kind: InteractionKind,
    /// The message's date (never later than its receipt).
    pub occurred_at: DateTime<Utc>,
    /// The matched contact.
    pub contact_id: Option<String>,
    /// For an out-of-office reply: the local date the person is back.
    pub out_of_office_until: Option<NaiveDate>,
    /// For a rejection: why, as the message says.
    pub rejection_reason: Option<RejectionReason>,
    /// The subject, and for an interview message what it is about.
    pub notes: Option<String>,
}

/// The stage move accepting the proposal makes, unless declined.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedTransition {
    /// `rejected` for a rejection, `offer` for an offer.
    pub to: Stage,
    /// For `rejected`: why.
    pub rejection_reason: Option<RejectionReason>,
}

/// A step proposed from a forwarded message.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Proposal {
    /// UUIDv7.
    pub id: String,
    /// `pending` until the seeker accepts or dismisses it.
    pub status: ProposalStatus,
    /// What the message is.
    pub class: ProposalClass,
    /// How sure the reader is, 0 to 1; below 0.5 it is a guess.
    pub confidence: f64,
    /// What decided the class.
    pub evidence: ProposalEvidence,
    /// The original sender's address (inside a forward, never the seeker).
    pub sender: Option<String>,
    /// The original subject.
    pub subject: Option<String>,
    /// The original message's date.
    pub sent_at: Option<DateTime<Utc>>,
    /// The matched opportunity; `null` when unmatched (choose among
    /// `candidates` and pass `opportunity_id` on accept).
    pub opportunity_id: Option<String>,
    /// The matched contact (the sender's address is theirs).
    pub contact_id: Option<String>,
    /// When unmatched: the open opportunities to choose from.
    pub candidates: Vec<Candidate>,
    /// The interaction accepting logs.
    pub interaction: ProposedInteraction,
    /// The stage move accepting makes; `null` when none.
    pub transition: Option<ProposedTransition>,
    /// The reading's details for its class: the offer's terms (`base`,
    /// `currency`, `bonus_percent`, `bonus_amount`, `deadline`), the
    /// interview's slot (`uid`, `sequence`, `start`, `tz`, `method`,
    /// `confirmed`), the out-of-office wording, a reply's `promise_text`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
    /// When it was proposed.
    pub created_at: DateTime<Utc>,
    /// When it was accepted or dismissed.
    pub decided_at: Option<DateTime<Utc>>,
    /// The interaction accepting it logged.
    pub interaction_id: Option<String>,
    /// The stage transition accepting it recorded.
    pub transition_id: Option<String>,
}

/// An accepted proposal and what it logged.
#[derive(Debug, Serialize, ToSchema)]
pub struct Accepted {
    /// The proposal, now `accepted`.
    pub proposal: Proposal,
    /// The logged interaction (`null` only if it was deleted since).
    pub interaction: Option<Interaction>,
    /// The recorded stage transition, when one was made.
    pub transition: Option<Transition>,
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

fn stored_json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(format!("stored {what}: {e}").into()))
}

/// The rejection reason of a step, in core's terms.
fn rejection_reason(step: &Step) -> Option<RejectionReason> {
    match step {
        Step::Rejection { reason } => reason.as_str().parse().ok(),
        _ => None,
    }
}

/// The interaction kind logged for a class: the reader's, except that
/// interview messages are logged as a `reply_received` noting the
/// invitation until scheduled interviews are stored.
fn proposed_kind(class: Class) -> InteractionKind {
    match class {
        Class::Rejection => InteractionKind::RejectionReceived,
        Class::Offer => InteractionKind::OfferReceived,
        Class::OutOfOffice
        | Class::Reply
        | Class::InterviewInvitation
        | Class::InterviewUpdate
        | Class::InterviewCancel => InteractionKind::ReplyReceived,
    }
}

/// The notes of the proposed interaction: the subject, and for an
/// interview message what it says about the slot.
fn proposed_notes(step: &Step, subject: Option<&str>) -> Option<String> {
    // A subject can be any length; the notes take 10,000 characters.
    let subject: Option<String> = subject
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(MAX_SUBJECT_IN_NOTES).collect());
    let subject = subject.as_deref();
    let interview = match step {
        Step::InterviewInvitation(i) => Some(("Interview invitation", i)),
        Step::InterviewUpdate(i) => Some(("Interview update", i)),
        Step::InterviewCancel(i) => Some(("Interview cancelled", i)),
        _ => None,
    };
    let Some((what, slot)) = interview else {
        return subject.map(str::to_owned);
    };
    let mut note = what.to_owned();
    if let Some(start) = slot.start {
        note.push_str(&format!(" for {}", start.to_rfc3339()));
        if let Some(tz) = &slot.tz {
            note.push_str(&format!(" ({tz})"));
        }
    }
    if let Some(subject) = subject {
        note.push_str(": ");
        note.push_str(subject);
    }
    Some(note)
}

fn proposed_transition(step: &Step) -> Option<ProposedTransition> {
    match step {
        Step::Rejection { .. } => Some(ProposedTransition {
            to: Stage::Rejected,
            rejection_reason: rejection_reason(step),
        }),
        Step::Offer(_) => Some(ProposedTransition {
            to: Stage::Offer,
            rejection_reason: None,
        }),
        _ => None,
    }
}

/// The class's own details of a step, without its `class` tag.
fn details(step: &Step) -> Result<serde_json::Value, ApiError> {
    let mut value = serde_json::to_value(step).map_err(|e| ApiError::Internal(Box::new(e)))?;
    if let Some(object) = value.as_object_mut() {
        object.remove("class");
    }
    Ok(value)
}

impl TryFrom<ProposalRow> for Proposal {
    type Error = ApiError;

    fn try_from(row: ProposalRow) -> Result<Self, ApiError> {
        let step: Step = stored_json(&row.step, "step")?;
        let evidence: followup_inbox::Evidence = stored_json(&row.evidence, "evidence")?;
        let candidates: Vec<Candidate> = stored_json(&row.candidates, "candidates")?;
        let (source, header) = match evidence.source {
            followup_inbox::EvidenceSource::Header { name } => ("header", Some(name)),
            followup_inbox::EvidenceSource::Body => ("body", None),
            followup_inbox::EvidenceSource::Calendar => ("calendar", None),
        };
        let created_at = utc(row.created_at);
        let occurred_at = row.sent_at.map_or(created_at, utc).min(created_at);
        let class = step.class();
        Ok(Self {
            status: ProposalStatus::parse(&row.status)?,
            class: class.into(),
            confidence: row.confidence,
            evidence: ProposalEvidence {
                source: source.to_owned(),
                header,
                text: evidence.text,
            },
            sent_at: row.sent_at.map(utc),
            interaction: ProposedInteraction {
                kind: proposed_kind(class),
                occurred_at,
                contact_id: row.contact_id.clone(),
                out_of_office_until: match &step {
                    Step::OutOfOffice(ooo) => ooo.back_on,
                    _ => None,
                },
                rejection_reason: rejection_reason(&step),
                notes: proposed_notes(&step, row.subject.as_deref()),
            },
            transition: proposed_transition(&step),
            details: details(&step)?,
            id: row.id,
            sender: row.sender,
            subject: row.subject,
            opportunity_id: row.opportunity_id,
            contact_id: row.contact_id,
            candidates,
            created_at,
            decided_at: row.decided_at.map(utc),
            interaction_id: row.interaction_id,
            transition_id: row.transition_id,
        })
    }
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
    let (created, row) = intake::ingest(&state, caller.user.id.clone(), raw, now).await?;
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
    params(ProposalParams),
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
) -> Result<web::Json<Page<Proposal>>, ApiError> {
    let ProposalParams {
        status,
        limit,
        cursor,
    } = params.into_inner();
    let paging = Paging::new(limit, cursor.as_deref())?;
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
    Ok(web::Json(paging.page(
        rows,
        |r| r.id.as_str(),
        Proposal::try_from,
    )?))
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
    Ok(Accepted {
        proposal: Proposal::try_from(row)?,
        interaction,
        transition,
    })
}

/// Accepts a proposal inside the write: logs its interaction and makes its
/// stage move, as the interaction and transition routes do.
fn accept_in(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    mut change: AcceptProposal,
    now: DateTime<Utc>,
) -> Result<Accepted, ApiError> {
    let row = load_own(tx.conn(), caller, id)?;
    tx.lock(&row.seeker_id)?;
    let mut row = load_own(tx.conn(), caller, id)?;
    match ProposalStatus::parse(&row.status)? {
        ProposalStatus::Accepted => return accepted(tx.conn(), row),
        ProposalStatus::Dismissed => {
            return Err(ApiError::Conflict(
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
            "the proposal matched no opportunity: choose one (see `candidates`)",
        ));
    };
    let apply_transition = change.apply_transition.unwrap_or(true);
    let request = interaction_request(
        view.interaction,
        &mut change,
        row.opportunity_id.as_deref(),
        &opportunity_id,
    );
    let contact_id = request.contact_id.clone();
    let (interaction, _) = log_interaction(tx, caller, &opportunity_id, request, now)?;
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
    row.status = ProposalStatus::Accepted.as_str().to_owned();
    row.decided_at = Some(now.naive_utc());
    row.opportunity_id = Some(opportunity_id);
    row.contact_id = contact_id;
    row.interaction_id = Some(interaction.id.clone());
    row.transition_id = transition.as_ref().map(|t| t.id.clone());
    if !inbox::update_proposal(tx, &row)? {
        return Err(ApiError::NotFound("no such proposal".to_owned()));
    }
    Ok(Accepted {
        proposal: Proposal::try_from(row)?,
        interaction: Some(Interaction::try_from(interaction)?),
        transition,
    })
}

/// Accept a proposal: log its step.
///
/// Logs the proposed interaction exactly as `POST
/// /v1/opportunities/{id}/interactions` would (same validation, events and
/// promise bookkeeping) and, for a rejection or an offer, moves the
/// opportunity to `rejected` (with the reason) or `offer` exactly as the
/// transition route would, unless `apply_transition` is `false` or it is
/// already there. The optional body corrects any field of the step;
/// `opportunity_id` is required when the proposal is unmatched. Interview
/// messages are logged as a `reply_received` noting the invitation (scheduled
/// interviews are not stored yet). Accepting again answers the same result
/// and logs nothing; a dismissed proposal cannot be accepted (409).
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
    let accepted = write_facts(&state, move |_, tx| {
        accept_in(tx, &caller, &id, change, now)
    })
    .await?;
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
        Ok(row)
    })
    .await?;
    Ok(web::Json(Proposal::try_from(row)?))
}
