//! The inbox reader: raw e-mail bytes in, one proposed step out.
//!
//! A seeker forwards a message (or has it forwarded automatically) and the
//! inbox proposes one logged step: an out-of-office reply and the day the
//! person is back, a rejection and its reason, an offer and its terms, an
//! interview invitation, update or cancellation, or a plain reply (with the
//! sender's promise, when it names a time). This crate is the pure part:
//! no I/O, no clock, no database. Nothing is ever fetched (HTML images and
//! links are dropped as text).
//!
//! ```
//! let raw = b"From: Ann <ann@example.com>\r\nDate: Mon, 04 Jan 2010 09:00:00 +0000\r\n\
//!             Subject: Out of Office: Re: hello\r\n\r\nI am back on Monday 11 January.\r\n";
//! let reading = followup_inbox::read(raw, &followup_inbox::ReadOptions::default()).unwrap();
//! assert_eq!(reading.class(), followup_inbox::Class::OutOfOffice);
//! ```
//!
//! How it decides, per class and language, and the confidence scale:
//! `docs/inbox.md` in the repository.

#![deny(missing_docs)]

mod calendar;
mod classify;
mod dates;
mod due;
mod forward;
mod html;
mod mime;
mod promise;
mod text;

use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

pub use calendar::windows_zone;

/// Hosts of applicant-tracking systems: they send for many employers (so a
/// sender's domain among them says nothing about which one), and their
/// wording of a rejection is a rejection even in bulk mail.
pub const APPLICANT_TRACKING_DOMAINS: &[&str] = &[
    "greenhouse.io",
    "greenhouse-mail.io",
    "lever.co",
    "myworkday.com",
    "workday.com",
    "smartrecruiters.com",
    "icims.com",
    "taleo.net",
    "successfactors.com",
    "successfactors.eu",
    "jobvite.com",
    "ashbyhq.com",
    "bamboohr.com",
    "workable.com",
    "workablemail.com",
    "recruitee.com",
    "teamtailor.com",
    "personio.de",
    "personio.com",
    "breezy.hr",
    "jazzhr.com",
    "applytojob.com",
    "recruiterbox.com",
    "rippling.com",
];

/// Whether `domain` (lower case) is one of `list` or a subdomain of one.
pub fn domain_listed(domain: &str, list: &[&str]) -> bool {
    list.iter().any(|d| {
        domain == *d
            || domain
                .strip_suffix(d)
                .is_some_and(|head| head.ends_with('.'))
    })
}

/// Whether `domain` (lower case) belongs to an applicant-tracking system
/// ([`APPLICANT_TRACKING_DOMAINS`], subdomains included).
pub fn is_applicant_tracking(domain: &str) -> bool {
    domain_listed(domain, APPLICANT_TRACKING_DOMAINS)
}

/// The largest message the reader accepts, in bytes (10 MiB). Larger input
/// gets [`ReadError::TooLarge`], which the API answers with 413.
pub const MAX_MESSAGE_BYTES: usize = 10 * 1024 * 1024;

/// Readings below this confidence are guesses: show them, never act on them
/// without the seeker (a `reply` is always below it, and so is any reading of
/// a message with a structural defect).
pub const LOW_CONFIDENCE: f32 = 0.5;

/// What the caller knows that the message does not say.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The contact's time zone, when known: the out-of-office day arithmetic
    /// and floating calendar times use it. Without it, the `Date` header's own
    /// offset decides the sender's local day.
    pub contact_tz: Option<Tz>,
}

/// Why a message could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Over [`MAX_MESSAGE_BYTES`]; maps to 413.
    #[error("message is {size} bytes, the limit is {limit}")]
    TooLarge {
        /// Size of the input, in bytes.
        size: usize,
        /// The limit, [`MAX_MESSAGE_BYTES`].
        limit: usize,
    },
    /// Zero bytes, or only whitespace.
    #[error("message is empty")]
    Empty,
    /// No header could be read: not an RFC 5322 message.
    #[error("not an e-mail message: no header could be read")]
    NotAMessage,
}

/// A mailbox: lower-cased address and, when given, the display name. Both are
/// sanitised (no control characters, CR/LF included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mailbox {
    /// The address, lower case.
    pub address: String,
    /// The display name, when the message gives one.
    pub name: Option<String>,
}

/// How the seeker forwarded the original.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ForwardKind {
    /// The original is an attached `message/rfc822` part.
    Attached,
    /// An inline `---------- Forwarded message ---------` block (Gmail and others).
    Gmail,
    /// An inline block after a line of underscores, with `From:`/`Sent:` (Outlook).
    Outlook,
}

/// The class of a reading, as one word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Class {
    /// An automatic out-of-office answer.
    OutOfOffice,
    /// The employer said no.
    Rejection,
    /// The employer made an offer.
    Offer,
    /// An interview was scheduled (or proposed).
    InterviewInvitation,
    /// A scheduled interview changed (same calendar UID, higher SEQUENCE).
    InterviewUpdate,
    /// A scheduled interview was cancelled (calendar METHOD:CANCEL).
    InterviewCancel,
    /// Anything else: an answer from a person, a job alert, a notification.
    Reply,
}

impl Class {
    /// Every class, in a fixed order (for tables).
    pub const ALL: [Class; 7] = [
        Class::OutOfOffice,
        Class::Rejection,
        Class::Offer,
        Class::InterviewInvitation,
        Class::InterviewUpdate,
        Class::InterviewCancel,
        Class::Reply,
    ];

    /// The wire name: `out_of_office`, `rejection`, ...
    pub const fn as_str(self) -> &'static str {
        match self {
            Class::OutOfOffice => "out_of_office",
            Class::Rejection => "rejection",
            Class::Offer => "offer",
            Class::InterviewInvitation => "interview_invitation",
            Class::InterviewUpdate => "interview_update",
            Class::InterviewCancel => "interview_cancel",
            Class::Reply => "reply",
        }
    }

    /// The interaction kind the API logs for this class (the wire name of
    /// `followup_core::interaction::InteractionKind`): out-of-office replies
    /// and replies are `reply_received`, the interview classes `interview`.
    pub const fn interaction_kind(self) -> &'static str {
        match self {
            Class::OutOfOffice | Class::Reply => "reply_received",
            Class::Rejection => "rejection_received",
            Class::Offer => "offer_received",
            Class::InterviewInvitation | Class::InterviewUpdate | Class::InterviewCancel => {
                "interview"
            }
        }
    }
}

/// Why the employer said no. The wire names are those of
/// `followup_core::stage::RejectionReason`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionReason {
    /// Someone else got the job ("another candidate whose experience...").
    CompetingCandidate,
    /// The job went to an internal candidate.
    InternalPromotion,
    /// The opening no longer exists (cancelled, budget).
    PositionCancelled,
    /// No reason given ("other candidates" in general counts as none).
    Unknown,
}

impl RejectionReason {
    /// The wire name.
    pub const fn as_str(self) -> &'static str {
        match self {
            RejectionReason::CompetingCandidate => "competing_candidate",
            RejectionReason::InternalPromotion => "internal_promotion",
            RejectionReason::PositionCancelled => "position_cancelled",
            RejectionReason::Unknown => "unknown",
        }
    }
}

/// An out-of-office reply.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutOfOffice {
    /// The first local working day the person is back (the value for
    /// `out_of_office_until`), or `None` when the message names no day.
    pub back_on: Option<NaiveDate>,
    /// The return wording as written ("until Friday 8 January inclusive").
    pub stated: Option<String>,
}

/// An offer's terms as stated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Offer {
    /// Base salary, in `currency` units per year as written.
    pub base: Option<f64>,
    /// ISO 4217 code of the base (and of a bonus amount).
    pub currency: Option<String>,
    /// Bonus as a percentage of base ("10% of base salary").
    pub bonus_percent: Option<f64>,
    /// Bonus as an amount ("a signing bonus of $10,000", "bis zu 8.000 €").
    pub bonus_amount: Option<f64>,
    /// The answer deadline, resolved to a date.
    pub deadline: Option<NaiveDate>,
    /// The deadline wording as written ("by Friday, January 29").
    pub deadline_stated: Option<String>,
}

/// An iCalendar method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CalendarMethod {
    /// `METHOD:REQUEST` (an invitation or an update).
    Request,
    /// `METHOD:CANCEL`.
    Cancel,
}

/// An interview slot, from a calendar part or from the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interview {
    /// The VEVENT `UID`; `None` when the time is only in the text.
    pub uid: Option<String>,
    /// The VEVENT `SEQUENCE`; `None` when the time is only in the text.
    pub sequence: Option<u32>,
    /// The start, with the UTC offset in force in `tz` on that day.
    pub start: Option<DateTime<FixedOffset>>,
    /// IANA zone of the start (`UTC` for a `Z` time), when known.
    pub tz: Option<String>,
    /// The calendar method; `None` when the time is only in the text.
    pub method: Option<CalendarMethod>,
    /// `true` when the sender fixed the slot, `false` when only proposed,
    /// `None` for a cancellation.
    pub confirmed: Option<bool>,
}

/// The step a message proposes, with what belongs to its class.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "class", rename_all = "snake_case")]
pub enum Step {
    /// See [`Class::OutOfOffice`].
    OutOfOffice(OutOfOffice),
    /// See [`Class::Rejection`].
    Rejection {
        /// Why, when the message says.
        reason: RejectionReason,
    },
    /// See [`Class::Offer`].
    Offer(Offer),
    /// See [`Class::InterviewInvitation`].
    InterviewInvitation(Interview),
    /// See [`Class::InterviewUpdate`].
    InterviewUpdate(Interview),
    /// See [`Class::InterviewCancel`].
    InterviewCancel(Interview),
    /// See [`Class::Reply`].
    Reply {
        /// The sender's promise when it carries a time ("expect news by
        /// Friday"), exactly as written.
        promise_text: Option<String>,
        /// What was promised: a call, an e-mail, a decision; `None` when
        /// there is no promise. Absent in steps stored before it existed.
        #[serde(default)]
        promise_what: Option<PromiseWhat>,
        /// The promised day, resolved from the message's local date (the
        /// contact's zone, else the `Date` offset); `None` when there is no
        /// promise or its time names no day ("in the next few days"). Never
        /// before the message's date. Absent in steps stored before it
        /// existed.
        #[serde(default)]
        promise_due: Option<NaiveDate>,
    },
}

/// What a reply's sender promised to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseWhat {
    /// To phone ("I'll give you a call", "wir rufen Sie an", "je vous
    /// appellerai", "le llamaremos", "お電話いたします").
    Call,
    /// To write or get back in any other way ("we'll be in touch", "Sie
    /// hören von uns", "nous reviendrons vers vous", feedback, news).
    Email,
    /// To decide ("we'll make a decision", "Entscheidung", "décision",
    /// "decisión", "結論").
    Decision,
}

impl PromiseWhat {
    /// The wire name: `call`, `email` or `decision`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PromiseWhat::Call => "call",
            PromiseWhat::Email => "email",
            PromiseWhat::Decision => "decision",
        }
    }
}

impl Step {
    /// The class of this step.
    pub const fn class(&self) -> Class {
        match self {
            Step::OutOfOffice(_) => Class::OutOfOffice,
            Step::Rejection { .. } => Class::Rejection,
            Step::Offer(_) => Class::Offer,
            Step::InterviewInvitation(_) => Class::InterviewInvitation,
            Step::InterviewUpdate(_) => Class::InterviewUpdate,
            Step::InterviewCancel(_) => Class::InterviewCancel,
            Step::Reply { .. } => Class::Reply,
        }
    }
}

/// Where the evidence was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "in", rename_all = "snake_case")]
pub enum EvidenceSource {
    /// A header of the original message, by name (`Subject`, `Auto-Submitted`, ...).
    Header {
        /// The header's name.
        name: String,
    },
    /// The decoded body text of the original message.
    Body,
    /// A line of the `text/calendar` part.
    Calendar,
}

/// The exact text that decided the class: a decoded header value, a short
/// excerpt of the body (whitespace collapsed) or a calendar line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// Where it was found.
    #[serde(flatten)]
    pub source: EvidenceSource,
    /// The text, sanitised, at most 300 characters.
    pub text: String,
}

/// Something wrong with the message's structure. Any defect caps the
/// confidence below [`LOW_CONFIDENCE`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "defect", content = "detail", rename_all = "snake_case")]
pub enum Defect {
    /// A key header (From, Date, Subject, Content-Type) appears twice.
    DuplicateHeader(String),
    /// A decoded header held CR, LF or another control character (header
    /// injection); it was removed from the output.
    HeaderInjection(String),
    /// An encoded-word could not be decoded.
    MalformedEncodedWord(String),
    /// The `Date` header could not be read.
    BadDate,
    /// A part declared a charset nobody knows; it was read as UTF-8.
    UnknownCharset(String),
    /// A part's transfer encoding was broken.
    EncodingProblem,
    /// The text held NUL bytes or invalid UTF-8.
    InvalidText,
    /// A multipart boundary was never closed.
    UnclosedBoundary,
    /// Multiparts nested deeper than the reader follows (the rest was skipped).
    NestingTooDeep,
    /// More parts than the reader looks at.
    TooManyParts,
    /// A carriage return without its line feed.
    BareCarriageReturn,
    /// A calendar part whose `DTSTART` or `TZID` could not be read.
    BadCalendar,
}

/// What the reader made of one message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    /// The proposed step and its details.
    pub step: Step,
    /// How sure the reader is, 0 to 1 (see [`LOW_CONFIDENCE`]).
    pub confidence: f32,
    /// What decided the class.
    pub evidence: Evidence,
    /// The original message's sender (inside the forward, never the seeker
    /// when the message was forwarded).
    pub sender: Option<Mailbox>,
    /// The original message's date; for an inline forward, read from the
    /// block in the forwarder's offset.
    pub sent_at: Option<DateTime<FixedOffset>>,
    /// The original message's subject.
    pub subject: Option<String>,
    /// `Message-ID` of the outer message (for de-duplication).
    pub message_id: Option<String>,
    /// Who forwarded it, when it was forwarded.
    pub forwarder: Option<Mailbox>,
    /// How it was forwarded, when it was.
    pub forwarded: Option<ForwardKind>,
    /// Structural problems met on the way (empty for a sound message).
    pub defects: Vec<Defect>,
}

impl Reading {
    /// The class of the proposed step.
    pub const fn class(&self) -> Class {
        self.step.class()
    }

    /// Is this reading below [`LOW_CONFIDENCE`]?
    pub fn is_low_confidence(&self) -> bool {
        self.confidence < LOW_CONFIDENCE
    }
}

/// Reads one raw message (RFC 5322 / MIME bytes) and proposes one step.
///
/// Never panics. Fails only for what cannot be read at all (too large, empty,
/// no header); anything else gives a reading, with a low confidence and its
/// [`Reading::defects`] when the message is broken.
pub fn read(raw: &[u8], options: &ReadOptions) -> Result<Reading, ReadError> {
    if raw.len() > MAX_MESSAGE_BYTES {
        return Err(ReadError::TooLarge {
            size: raw.len(),
            limit: MAX_MESSAGE_BYTES,
        });
    }
    if raw.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    // mail-parser promises not to panic; a panic in it would still be a bug
    // worth containing rather than taking the caller's worker down.
    let parsed =
        std::panic::catch_unwind(|| mime::parse(raw)).map_err(|_| ReadError::NotAMessage)?;
    let mail = parsed.ok_or(ReadError::NotAMessage)?;
    Ok(classify::classify(&mail, options))
}
