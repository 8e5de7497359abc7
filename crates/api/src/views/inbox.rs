//! The inbox's proposals as the API shows them (docs/inbox.md): what a
//! message was read as, with the evidence, and the step accepting it takes.

use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{InteractionKind, PromiseWhat, RejectionReason, Stage};
use followup_inbox::{Class, Step};
use followup_store::inbox::ProposalRow;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::ApiError;
use crate::views::utc;

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

    /// The status as stored.
    pub fn parse(stored: &str) -> Result<Self, ApiError> {
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
    /// or an interview message (whose interview is `interview`);
    /// `rejection_received`, `offer_received`.
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

/// What accepting an interview message does to the seeker's interviews.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InterviewChange {
    /// Schedule the interview at `starts_at`; an invitation with the same
    /// calendar `UID` accepted before is moved there instead.
    Schedule,
    /// Remove the interview the invitation with this calendar `UID`
    /// scheduled.
    Cancel,
}

/// The scheduled interview an interview message proposes (besides the
/// reply it logs: the employer wrote).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedInterview {
    /// Schedule (or move) it, or cancel it.
    pub change: InterviewChange,
    /// When it starts; `null` when the message gives no time (pass
    /// `interview_at` on accept to schedule it anyway).
    pub starts_at: Option<DateTime<Utc>>,
    /// The IANA zone the invitation gives the time in, when known.
    pub time_zone: Option<String>,
    /// The invitation's calendar `UID`, which later updates and a
    /// cancellation refer to; `null` when the time is only in the text.
    pub calendar_uid: Option<String>,
    /// Whether accepting makes the change unless told otherwise
    /// (`schedule_interview`): not for a slot only proposed, nor without a
    /// time.
    pub on_accept: bool,
}

/// The promise a reply makes ("I'll call you after New Year's"), which
/// accepting records as `POST /v1/opportunities/{id}/promises` would.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedPromise {
    /// What was promised.
    #[schema(value_type = followup_core::PromiseWhat)]
    pub what: PromiseWhat,
    /// The promised day, read from the message's date in the contact's
    /// zone; `null` when the wording names no day (pass `promise_due` on
    /// accept to record it).
    pub due: Option<NaiveDate>,
    /// The promise as written.
    pub text: String,
    /// Whether accepting records it unless told otherwise
    /// (`record_promise`): only with a day.
    pub on_accept: bool,
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
    /// For an interview message: the interview accepting schedules, moves
    /// or cancels; `null` otherwise.
    pub interview: Option<ProposedInterview>,
    /// For a reply that makes a promise with a time: the promise accepting
    /// records; `null` otherwise.
    pub promise: Option<ProposedPromise>,
    /// The reading's details for its class: the offer's terms (`base`,
    /// `currency`, `bonus_percent`, `bonus_amount`, `deadline`), the
    /// interview's slot (`uid`, `sequence`, `start`, `tz`, `method`,
    /// `confirmed`), the out-of-office wording, a reply's `promise_text`,
    /// `promise_what` and `promise_due`.
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
    /// The interview accepting it scheduled, moved or cancelled.
    pub interview_id: Option<String>,
    /// The promise accepting it recorded.
    pub promise_id: Option<String>,
}

/// An open opportunity the seeker may choose for an unmatched proposal.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Candidate {
    /// The opportunity's id.
    pub opportunity_id: String,
    /// Its company.
    pub company: String,
    /// Its title.
    pub title: String,
}

pub(crate) fn stored_json<T: serde::de::DeserializeOwned>(
    text: &str,
    what: &str,
) -> Result<T, ApiError> {
    serde_json::from_str(text).map_err(|e| ApiError::Internal(format!("stored {what}: {e}").into()))
}

/// The rejection reason of a step, in core's terms.
fn rejection_reason(step: &Step) -> Option<RejectionReason> {
    match step {
        Step::Rejection { reason } => reason.as_str().parse().ok(),
        _ => None,
    }
}

/// The interaction kind logged for a class: an interview message is a
/// `reply_received` (the employer wrote), besides the interview it
/// schedules, moves or cancels ([`proposed_interview`]).
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

fn proposed_interview(step: &Step) -> Option<ProposedInterview> {
    let (change, slot) = match step {
        Step::InterviewInvitation(slot) | Step::InterviewUpdate(slot) => {
            (InterviewChange::Schedule, slot)
        }
        Step::InterviewCancel(slot) => (InterviewChange::Cancel, slot),
        _ => return None,
    };
    let starts_at = slot.start.map(|start| start.with_timezone(&Utc));
    let on_accept = match change {
        InterviewChange::Schedule => starts_at.is_some() && slot.confirmed != Some(false),
        InterviewChange::Cancel => slot.uid.is_some(),
    };
    Some(ProposedInterview {
        change,
        starts_at,
        time_zone: slot.tz.clone(),
        calendar_uid: slot.uid.clone(),
        on_accept,
    })
}

fn proposed_promise(step: &Step) -> Option<ProposedPromise> {
    let Step::Reply {
        promise_text: Some(text),
        promise_what,
        promise_due,
    } = step
    else {
        return None;
    };
    let what = match promise_what {
        Some(followup_inbox::PromiseWhat::Call) => PromiseWhat::Call,
        Some(followup_inbox::PromiseWhat::Decision) => PromiseWhat::Decision,
        Some(followup_inbox::PromiseWhat::Email) | None => PromiseWhat::Email,
    };
    Some(ProposedPromise {
        what,
        due: *promise_due,
        text: text.clone(),
        on_accept: promise_due.is_some(),
    })
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
            interview: proposed_interview(&step),
            promise: proposed_promise(&step),
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
            interview_id: row.interview_id,
            promise_id: row.promise_id,
        })
    }
}
