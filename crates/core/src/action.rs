//! What the engine tells the seeker: next actions (what, when, on which
//! channel, with which words, and why) and warnings on a logged interaction.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::contact::Channel;
use crate::reason::{Args, ReasonCode};
use crate::rules::RuleId;
use crate::stage::{RejectionReason, Stage};
use crate::wire::wire_enum;

wire_enum! {
    /// What to do.
    pub enum ActionKind as "action" {
        /// Send the influence letter after an interview.
        SendInfluenceLetter => "send_influence_letter",
        /// Send a plain status follow-up e-mail.
        SendFollowUpEmail => "send_follow_up_email",
        /// Phone the contact (see the constraints and the script in the draft).
        Call => "call",
        /// Tell the employer where things stand: a competing offer.
        ShareStatus => "share_status",
        /// Offer to help move a final decision forward.
        OfferCollaboration => "offer_collaboration",
        /// Ask a process question at the next conversation.
        AskQuestion => "ask_question",
        /// Ask the assistant when the manager is best reached.
        AskAssistant => "ask_assistant",
        /// Apply to more jobs.
        ApplyMore => "apply_more",
        /// Consider marking the opportunity ghosted (the seeker decides).
        MarkGhosted => "mark_ghosted",
        /// Nothing to do until the promised time.
        Wait => "wait",
        /// Record the rejection: move the opportunity to `rejected` (see `transition`).
        ConfirmRejection => "confirm_rejection",
        /// Optional: thank them and ask to be kept in mind for future roles.
        SendGraciousClose => "send_gracious_close",
        /// Record the offer: move the opportunity to `offer` (see `transition`).
        ConfirmOffer => "confirm_offer",
        /// Ask for the written offer: base, bonus, equity, start date, deadline.
        ReviewOffer => "review_offer",
        /// The offer's deadline is near: decide (two and one business days before it).
        DecideOffer => "decide_offer",
        /// Ask the offering employer for more time: another is still deciding.
        AskForExtension => "ask_for_extension",
        /// Prepare for a scheduled interview (the business day before it).
        PrepareInterview => "prepare_interview",
    }
}

impl ActionKind {
    /// A status follow-up to a contact: at most one is open per contact,
    /// across channels (no bunching).
    pub const fn is_follow_up(self) -> bool {
        matches!(
            self,
            Self::SendFollowUpEmail | Self::Call | Self::ShareStatus | Self::OfferCollaboration
        )
    }
}

wire_enum! {
    /// How urgent it is.
    pub enum Priority as "priority" {
        /// Do it first.
        High => "high",
        /// The usual.
        Normal => "normal",
        /// When there is time.
        Low => "low",
    }
}

impl Priority {
    /// Sort key: high first.
    pub(crate) const fn rank(self) -> u8 {
        match self {
            Self::High => 0,
            Self::Normal => 1,
            Self::Low => 2,
        }
    }
}

wire_enum! {
    /// What not to do while doing it.
    pub enum Constraint as "constraint" {
        /// Leave no voicemail; hang up and try again later.
        NoVoicemail => "no_voicemail",
        /// Leave no message with the assistant ("I'm going to be in and out, so I'll just keep trying").
        NoMessageWithAssistant => "no_message_with_assistant",
        /// Call only inside the contact's best time.
        BestTimeOnly => "best_time_only",
        /// Sent despite the weekly e-mail cap: waiting would miss an offer's deadline.
        CapOverridden => "cap_overridden",
    }
}

/// A stage change the seeker should record (`POST
/// /v1/opportunities/{id}/transitions` with `to`, and `reason` as its
/// `rejection_reason`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProposedTransition {
    /// The stage to move to.
    pub to: Stage,
    /// For `rejected`: why, when the employer said.
    pub reason: Option<RejectionReason>,
}

/// A message to send, built from the facts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Draft {
    /// The recipient's e-mail address, when the draft is an e-mail and the
    /// contact has one; `null` otherwise. With `subject` and `body` it is
    /// all a client needs to build its own `mailto:` link (RFC 6068).
    #[serde(default)]
    pub to: Option<String>,
    /// The e-mail's subject; `null` for a call script.
    pub subject: Option<String>,
    /// The words: an e-mail body, or what to say on the phone.
    pub body: String,
    /// A `mailto:` link (RFC 6068) that opens the draft in the seeker's
    /// mail app, built from `to`, `subject` and `body`. The API leaves it
    /// out unless the request asks for it with `include=mailto`: it repeats
    /// the body, percent-encoded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mailto: Option<String>,
    /// Which template wrote it, with the facts it used: what a translation
    /// renders the draft from (`crate::l10n`). Not sent.
    #[serde(skip)]
    #[cfg_attr(feature = "openapi", schema(ignore))]
    pub template: Option<DraftTemplate>,
}

/// A draft's template and the facts it was filled with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftTemplate {
    /// The template: `draft-<name>-subject` and `draft-<name>-body` in the
    /// translations.
    pub name: &'static str,
    /// The facts: `contact_name`, `seeker_name`, `company`, `title`, and
    /// the template's own.
    pub args: Args,
}

impl Draft {
    /// The `mailto:` link of an e-mail draft (one with a subject), built
    /// from `to`, `subject` and `body`; `None` for a call script.
    pub fn link(&self) -> Option<String> {
        self.subject
            .as_deref()
            .map(|subject| crate::drafts::mailto(self.to.as_deref(), subject, &self.body))
    }

    /// The same draft with its `mailto` link filled in (`include`) or left
    /// out.
    #[must_use]
    pub fn with_link(mut self, include: bool) -> Self {
        self.set_link(include);
        self
    }

    /// Fills in the `mailto` link (`include`) or leaves it out.
    pub fn set_link(&mut self, include: bool) {
        self.mailto = if include { self.link() } else { None };
    }
}

/// One thing to do: what, when, on which channel, with which words, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NextAction {
    /// Stable for the same facts: the same action keeps its id between reads
    /// (a hash of the rule, opportunity, contact, action, channel and the
    /// fact that caused it, 16 hex digits; not of the evaluation instant).
    pub id: String,
    /// The opportunity; `null` for pipeline-wide actions (`apply_more`).
    pub opportunity_id: Option<String>,
    /// The contact to reach, if any.
    pub contact_id: Option<String>,
    /// What to do.
    pub action: ActionKind,
    /// How: `email`, `phone` or `any`.
    pub channel: Option<Channel>,
    /// When it falls due (inside the contact's business hours; a `wait` is
    /// due at the promised time itself). May lie before the evaluation
    /// instant: an overdue action keeps its due time and later steps wait for it.
    pub due_at: DateTime<Utc>,
    /// When it stops being timely.
    pub window_end: Option<DateTime<Utc>>,
    /// How urgent.
    pub priority: Priority,
    /// The rule that produced it.
    pub rule: RuleId,
    /// One sentence a seeker understands and a coach can check, citing the
    /// rules, in the account's language.
    pub reason: String,
    /// What `reason` says, as a stable code an app can write its own words
    /// for (docs/localisation.md).
    pub reason_code: ReasonCode,
    /// The facts `reason` names: ids, names, dates and instants (with their
    /// zone), counts, the rules cited.
    pub args: Args,
    /// What not to do (`no_voicemail`, `no_message_with_assistant`, …).
    pub constraints: Vec<Constraint>,
    /// The words to use, where a message is sent.
    // Boxed: many actions have none, and every action is moved about while
    // they are collected and sorted.
    pub draft: Option<Box<Draft>>,
    /// The opportunity at another employer this action relies on: the
    /// competing offer a share or a script cites. Never one at the same
    /// employer as `opportunity_id`.
    #[serde(default)]
    pub competing_opportunity_id: Option<String>,
    /// For `confirm_rejection` and `confirm_offer`: the stage change to
    /// record (`POST /v1/opportunities/{id}/transitions` with `to`, and
    /// `reason` as its `rejection_reason`).
    #[serde(default)]
    pub transition: Option<ProposedTransition>,
}

/// A playbook rule that a logged interaction broke; the interaction is saved
/// anyway.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// The rule broken.
    pub rule: RuleId,
    /// One sentence on what went wrong and what to do instead.
    pub message: String,
    /// What `message` says, as a stable code.
    pub reason_code: ReasonCode,
    /// The facts `message` names.
    pub args: Args,
    /// The contact concerned.
    pub contact_id: Option<String>,
    /// Other interactions involved (e.g. the earlier e-mail of the week).
    pub interaction_ids: Vec<String>,
}

/// FNV-1a, 64 bits: a stable, dependency-free hash for action ids (not for
/// security). Fields are separated so ("ab","c") and ("a","bc") differ.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IdHasher(u64);

impl IdHasher {
    pub(crate) const fn new() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }

    pub(crate) fn str(mut self, s: &str) -> Self {
        for &b in s.as_bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }

    pub(crate) fn opt(self, s: Option<&str>) -> Self {
        match s {
            Some(s) => self.str("some").str(s),
            None => self.str("none"),
        }
    }

    /// 16 lowercase hex digits.
    pub(crate) fn finish(self) -> String {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(16);
        for shift in (0..16).rev() {
            out.push(char::from(HEX[((self.0 >> (shift * 4)) & 0xf) as usize]));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::IdHasher;

    #[test]
    fn ids_are_fixed_width_hex_and_field_separated() {
        let a = IdHasher::new().str("ab").str("c").finish();
        let b = IdHasher::new().str("a").str("bc").finish();
        assert_ne!(a, b);
        assert_eq!(a.len(), 16);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(a, IdHasher::new().str("ab").str("c").finish());
        assert_ne!(
            IdHasher::new().opt(None).finish(),
            IdHasher::new().opt(Some("")).finish()
        );
    }
}
