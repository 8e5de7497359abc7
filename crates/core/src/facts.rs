//! The facts the cadence engine decides from: the seeker and their calendar,
//! and per opportunity its contacts, interactions, promises, stage history and
//! interview-profile answers. Plain data: the store loads them, the engine
//! reads them, nothing here knows about HTTP or databases.
//!
//! Instants are UTC; dates (`offer_deadline`, a promise due "by Friday", an
//! out-of-office return date) are local to the person they concern and are
//! read in the contact's time zone, else the seeker's.

use std::fmt;

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::calendar::BusinessCalendar;
use crate::contact::{Channel, ContactRole};
use crate::holidays::HolidayCalendar;
use crate::id::Id;
use crate::interaction::InteractionKind;
use crate::playbook::Playbook;
use crate::promise::PromiseWhat;
use crate::stage::{RejectionReason, Stage};
use crate::wire::wire_enum;

mod pack;

pub use pack::{PackedOpportunities, UnpackError};

/// Everything the engine knows about one seeker's search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Facts {
    /// Whose search it is.
    pub seeker: Seeker,
    /// Every opportunity, open or closed (closed ones produce no actions but
    /// still count in pipeline health).
    #[serde(default)]
    pub opportunities: Vec<Opportunity>,
}

impl Facts {
    /// The opportunity with this id.
    pub fn opportunity(&self, id: &str) -> Option<&Opportunity> {
        self.opportunities.iter().find(|o| o.id == id)
    }
}

/// The job seeker: drafts are signed with their name, and their calendar
/// (zone, business hours, holidays) schedules anything not tied to a contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seeker {
    /// The user id (UUIDv7 text); keys the ids of pipeline-wide actions.
    pub id: String,
    /// Full name, used to sign drafts.
    pub name: String,
    /// Time zone, business hours and holidays. Contacts in another zone are
    /// scheduled with these hours and holidays read in their own zone.
    #[serde(flatten, with = "calendar_serde")]
    pub calendar: BusinessCalendar,
    /// The language the API writes the seeker's reasons, warnings and
    /// drafts in (the engine itself writes English; [`crate::l10n`]
    /// translates).
    #[serde(default)]
    pub locale: crate::l10n::Locale,
}

/// One job at one employer, with everything logged about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Opportunity {
    /// Opportunity id (UUIDv7 text).
    pub id: String,
    /// The company, as the seeker names it.
    pub company: String,
    /// The employer, when it differs from the company's display name (a
    /// recruiter's listing, a subsidiary); `None` is the company. Compared
    /// ignoring case and whitespace ([`crate::employer`]).
    #[serde(default)]
    pub employer: Option<String>,
    /// The job title.
    pub title: String,
    /// Free-text industry; matched case-insensitively against the playbook's
    /// `email_first_industries`.
    #[serde(default)]
    pub industry: Option<String>,
    /// The current stage.
    pub stage: Stage,
    /// Offer deadline, a local date (meaningful at `offer`).
    #[serde(default)]
    pub offer_deadline: Option<NaiveDate>,
    /// The written offer's terms, as far as known (meaningful at `offer`).
    #[serde(default)]
    pub offer_terms: OfferTerms,
    /// The public holidays its contacts observe, unless one names their
    /// own; `None`: the one each contact's zone determines.
    #[serde(default)]
    pub holiday_calendar: Option<HolidayCalendar>,
    /// A playbook chosen for this opportunity, overriding the seeker's; the
    /// store resolves the assignment to the playbook itself.
    #[serde(default)]
    pub playbook: Option<Playbook>,
    /// Stage transitions, any order.
    #[serde(default)]
    pub history: Vec<StageChange>,
    /// People at the employer.
    #[serde(default)]
    pub contacts: Vec<Contact>,
    /// Everything that happened, any order.
    #[serde(default)]
    pub interactions: Vec<Interaction>,
    /// What the employer said they would do.
    #[serde(default)]
    pub promises: Vec<Promise>,
    /// Answers to the process questions, strengths and the first-six-months
    /// plan.
    #[serde(default)]
    pub profile: Profile,
}

impl Opportunity {
    /// The employer: its own name when given, else the company.
    pub fn employer(&self) -> &str {
        self.employer.as_deref().unwrap_or(&self.company)
    }

    /// Whether both opportunities are at the same employer.
    pub fn same_employer(&self, other: &Self) -> bool {
        crate::employer::same_employer(self.employer(), other.employer())
    }

    /// The contact with this id (text, or an interaction's [`Id`]).
    pub fn contact<I: ?Sized>(&self, id: &I) -> Option<&Contact>
    where
        String: PartialEq<I>,
    {
        self.contacts.iter().find(|c| c.id == *id)
    }

    /// The person follow-ups go to: the first hiring manager, else the first
    /// recruiter, higher-up, interviewer, referrer, and an assistant only when
    /// nobody else is on file.
    pub fn primary_contact(&self) -> Option<&Contact> {
        const ORDER: [ContactRole; 6] = [
            ContactRole::HiringManager,
            ContactRole::Recruiter,
            ContactRole::HigherUp,
            ContactRole::Interviewer,
            ContactRole::Referrer,
            ContactRole::Assistant,
        ];
        ORDER
            .iter()
            .find_map(|&role| self.contacts.iter().find(|c| c.role == role))
    }

    /// The first contact with this role.
    pub fn contact_with_role(&self, role: ContactRole) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.role == role)
    }
}

/// An offer's written terms, as far as the seeker knows them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OfferTerms {
    /// Yearly base salary.
    #[serde(default)]
    pub base_salary: Option<f64>,
    /// Yearly bonus (0 when there is none).
    #[serde(default)]
    pub bonus: Option<f64>,
    /// Equity, in words ("none" when there is none).
    #[serde(default)]
    pub equity: Option<String>,
    /// When the job would start.
    #[serde(default)]
    pub start_date: Option<NaiveDate>,
}

impl Opportunity {
    /// The terms of a written offer not known yet, in the order a seeker
    /// asks for them: base, bonus, equity, start date, deadline.
    pub fn missing_terms(&self) -> impl Iterator<Item = &'static str> + '_ {
        let terms = &self.offer_terms;
        [
            ("base salary", terms.base_salary.is_none()),
            ("bonus", terms.bonus.is_none()),
            ("equity", terms.equity.is_none()),
            ("start date", terms.start_date.is_none()),
            ("deadline to answer", self.offer_deadline.is_none()),
        ]
        .into_iter()
        .filter_map(|(name, missing)| missing.then_some(name))
    }
}

/// One stage transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageChange {
    /// The stage left; `None` for the stage an opportunity was created in.
    #[serde(default)]
    pub from: Option<Stage>,
    /// The stage entered.
    pub to: Stage,
    /// When.
    pub at: DateTime<Utc>,
}

/// A person at the employer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Contact id (UUIDv7 text).
    pub id: String,
    /// Full name; drafts greet the first word.
    pub name: String,
    /// Part in the hiring process.
    pub role: ContactRole,
    /// E-mail address, the `mailto:` recipient.
    #[serde(default)]
    pub email: Option<String>,
    /// Phone number.
    #[serde(default)]
    pub phone: Option<String>,
    /// The contact's zone; the seeker's when unknown.
    #[serde(default)]
    pub time_zone: Option<Tz>,
    /// `email` means e-mail only: never a call.
    #[serde(default = "any_channel")]
    pub preferred_channel: Channel,
    /// When they can be reached by phone, as learned from the assistant.
    #[serde(default)]
    pub best_time: Option<BestTime>,
    /// The public holidays they observe; `None` takes the opportunity's,
    /// else the one their zone determines ([`HolidayCalendar::for_zone`]).
    #[serde(default)]
    pub holiday_calendar: Option<HolidayCalendar>,
}

const fn any_channel() -> Channel {
    Channel::Any
}

impl Contact {
    /// The first word of the name, for greetings.
    pub fn first_name(&self) -> &str {
        first_word(&self.name)
    }
}

/// The first whitespace-separated word of `s` (`s` itself when it has
/// none), as `split_whitespace` finds it: an ASCII first word byte by byte,
/// anything else (leading whitespace, a non-ASCII byte) by
/// `split_whitespace` itself.
fn first_word(s: &str) -> &str {
    // ASCII's `char::is_whitespace` is tab through carriage return, and space.
    let stop = s
        .bytes()
        .position(|b| matches!(b, b'\t'..=b'\r' | b' ' | 0x80..));
    match stop {
        None => s,
        Some(i) if i > 0 && s.as_bytes().get(i).is_some_and(u8::is_ascii) => &s[..i],
        Some(_) => s.split_whitespace().next().unwrap_or(s),
    }
}

/// A logged interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interaction {
    /// Interaction id (UUIDv7 text, kept as its 16 bytes).
    pub id: Id,
    /// What happened; fixes direction and medium.
    pub kind: InteractionKind,
    /// Who with; `None` counts as the opportunity's primary contact.
    #[serde(default)]
    pub contact_id: Option<Id>,
    /// When it happened (back-datable).
    pub occurred_at: DateTime<Utc>,
    /// On a `reply_received`: an automatic out-of-office reply, and the local
    /// date the person is back.
    #[serde(default)]
    pub out_of_office_until: Option<NaiveDate>,
    /// On a `rejection_received`: why, when the employer said.
    #[serde(default)]
    pub rejection_reason: Option<RejectionReason>,
}

impl Interaction {
    /// An out-of-office auto-reply: not an answer, keeps no promise, resets no
    /// clock; it holds actions until the return date.
    pub fn is_out_of_office(&self) -> bool {
        self.kind == InteractionKind::ReplyReceived && self.out_of_office_until.is_some()
    }

    /// The employer was heard from (an inbound message or a conversation),
    /// not counting out-of-office replies.
    pub fn is_answer(&self) -> bool {
        self.kind.direction().heard_from_employer() && !self.is_out_of_office()
    }

    /// A touch either way, which restarts the silence clock: anything but a
    /// note or an out-of-office reply.
    pub fn is_touch(&self) -> bool {
        self.kind.direction().is_touch() && !self.is_out_of_office()
    }

    /// An outbound call attempt that reached nobody (no answer, a voicemail,
    /// a message left with the assistant).
    pub fn is_unanswered_call(&self) -> bool {
        matches!(
            self.kind,
            InteractionKind::CallNoAnswer
                | InteractionKind::VoicemailLeft
                | InteractionKind::MessageWithAssistant
        )
    }

    /// A status follow-up: a follow-up e-mail or an unanswered call attempt.
    /// `move_on` counts these.
    pub fn is_follow_up(&self) -> bool {
        self.kind == InteractionKind::FollowUpEmail || self.is_unanswered_call()
    }
}

/// When a promise falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PromiseDue {
    /// "By Friday": the close of business that day in the contact's zone
    /// (else the seeker's); on a weekend or holiday, the next business day's
    /// opening.
    Date(NaiveDate),
    /// An exact instant.
    Instant(DateTime<Utc>),
}

/// What the employer said they would do, and by when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promise {
    /// Promise id (UUIDv7 text).
    pub id: String,
    /// Who promised; `None` counts as the primary contact.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Call, e-mail or decision.
    pub what: PromiseWhat,
    /// By when.
    pub due: PromiseDue,
    /// When it was made; only answers after it keep it.
    pub made_at: DateTime<Utc>,
    /// Withdrawn by the seeker.
    #[serde(default)]
    pub cancelled: bool,
    /// When the seeker marked it kept (a decision they heard of elsewhere).
    #[serde(default)]
    pub kept_at: Option<DateTime<Utc>>,
}

wire_enum! {
    /// The three questions coaches tell the seeker to ask (Sheffield, Attridge).
    pub enum ProcessQuestion as "process question" {
        /// "Where are you in the search process?"
        WhereInProcess => "where_in_process",
        /// "How do I compare to your ideal candidate?"
        CompareToIdeal => "compare_to_ideal",
        /// "How many other candidates are you considering?"
        OtherCandidates => "other_candidates",
    }
}

impl ProcessQuestion {
    /// The question as the seeker would ask it.
    pub const fn question(self) -> &'static str {
        match self {
            Self::WhereInProcess => "Where are you in the search process?",
            Self::CompareToIdeal => "How do I compare to your ideal candidate?",
            Self::OtherCandidates => "How many other candidates are you considering?",
        }
    }
}

/// What the seeker learned in interviews and wants to say in letters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    /// Process questions already answered.
    #[serde(default)]
    pub answered: Vec<ProcessQuestion>,
    /// The seeker's strengths for this role (from the comparison), strongest
    /// first; the influence letter names the first few.
    #[serde(default)]
    pub strengths: Vec<String>,
    /// What the seeker would accomplish in the first six months.
    #[serde(default)]
    pub first_six_months: Option<String>,
}

/// The employer's answers to the three process questions, in the seeker's
/// words; `None` while a question is not asked yet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAnswers {
    /// "Where are you in the search process?"
    #[serde(default)]
    pub process_position: Option<String>,
    /// "How do I compare to your ideal candidate?"
    #[serde(default)]
    pub comparison: Option<String>,
    /// "How many other candidates are you considering?"
    #[serde(default)]
    pub competitors: Option<String>,
}

impl QuestionAnswers {
    /// The questions answered, in the order they are asked.
    pub fn answered(&self) -> Vec<ProcessQuestion> {
        [
            (&self.process_position, ProcessQuestion::WhereInProcess),
            (&self.comparison, ProcessQuestion::CompareToIdeal),
            (&self.competitors, ProcessQuestion::OtherCandidates),
        ]
        .into_iter()
        .filter_map(|(answer, question)| answer.is_some().then_some(question))
        .collect()
    }
}

impl Profile {
    /// Whether the question has been answered.
    pub fn is_answered(&self, question: ProcessQuestion) -> bool {
        self.answered.contains(&question)
    }
}

/// An invalid best time to call.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BestTimeError {
    /// The window closes at or before it opens.
    #[error("the best time must end after it starts ({from}–{to})")]
    Empty {
        /// Start given.
        from: NaiveTime,
        /// End given.
        to: NaiveTime,
    },
    /// The text could not be read.
    #[error("cannot read best time `{0}`; expected e.g. `Tue, Thu 14:00–15:00`")]
    Unreadable(String),
}

/// When a contact can be reached by phone, in their local time: some weekdays
/// (all when none are given) and a window, e.g. "Tue, Thu 14:00–15:00". Calls
/// to the contact are placed only inside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "BestTimeWire", into = "BestTimeWire")]
pub struct BestTime {
    /// Bit `n` set = reachable on the weekday `n` days from Monday; 0 = any day.
    days: u8,
    from: NaiveTime,
    to: NaiveTime,
}

/// The serde shape of [`BestTime`].
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BestTimeWire {
    /// Weekdays ("Tue"); empty = every business day.
    #[serde(default)]
    days: Vec<Weekday>,
    from: NaiveTime,
    to: NaiveTime,
}

impl TryFrom<BestTimeWire> for BestTime {
    type Error = BestTimeError;

    fn try_from(wire: BestTimeWire) -> Result<Self, Self::Error> {
        Self::new(&wire.days, wire.from, wire.to)
    }
}

impl From<BestTime> for BestTimeWire {
    fn from(best: BestTime) -> Self {
        Self {
            days: best.days(),
            from: best.from,
            to: best.to,
        }
    }
}

const WEEK: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

impl BestTime {
    /// A window on the given weekdays (every day when empty); `from < to`.
    pub fn new(days: &[Weekday], from: NaiveTime, to: NaiveTime) -> Result<Self, BestTimeError> {
        if from >= to {
            return Err(BestTimeError::Empty { from, to });
        }
        let days = days
            .iter()
            .fold(0u8, |bits, day| bits | 1 << day.num_days_from_monday());
        Ok(Self { days, from, to })
    }

    /// Reads "Tue, Thu 14:00–15:00", "Mon-Fri 9:00-11:30" or "14:00-15:00"
    /// (every day); `-`, `–` or `to` separate the times.
    pub fn parse(text: &str) -> Result<Self, BestTimeError> {
        let unreadable = || BestTimeError::Unreadable(text.to_owned());
        let split = text
            .find(|c: char| c.is_ascii_digit())
            .ok_or_else(unreadable)?;
        let (days_text, times_text) = text.split_at(split);
        let mut days = Vec::new();
        for token in days_text
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|t| !t.is_empty())
        {
            match token.split_once(['-', '–']) {
                Some((first, last)) => {
                    let first: Weekday = first.parse().map_err(|_| unreadable())?;
                    let last: Weekday = last.parse().map_err(|_| unreadable())?;
                    let mut day = first;
                    days.push(day);
                    while day != last {
                        day = day.succ();
                        days.push(day);
                    }
                }
                None => days.push(token.parse().map_err(|_| unreadable())?),
            }
        }
        let times = times_text.replace('–', "-").replace(" to ", "-");
        let (from, to) = times.split_once('-').ok_or_else(unreadable)?;
        let parse_time = |t: &str| NaiveTime::parse_from_str(t.trim(), "%H:%M");
        let from = parse_time(from).map_err(|_| unreadable())?;
        let to = parse_time(to).map_err(|_| unreadable())?;
        Self::new(&days, from, to)
    }

    /// The weekdays given, Monday first; empty when every day will do.
    pub fn days(&self) -> Vec<Weekday> {
        WEEK.into_iter()
            .filter(|d| self.days & (1 << d.num_days_from_monday()) != 0)
            .collect()
    }

    /// Whether calls may be placed on this weekday.
    pub fn allows(&self, day: Weekday) -> bool {
        self.days == 0 || self.days & (1 << day.num_days_from_monday()) != 0
    }

    /// Local start of the window.
    pub const fn from(&self) -> NaiveTime {
        self.from
    }

    /// Local end of the window (exclusive).
    pub const fn to(&self) -> NaiveTime {
        self.to
    }
}

impl fmt::Display for BestTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.days();
        for (i, day) in days.iter().enumerate() {
            f.write_str(if i == 0 { "" } else { ", " })?;
            write!(f, "{day}")?;
        }
        if !days.is_empty() {
            f.write_str(" ")?;
        }
        write!(
            f,
            "{}–{}",
            self.from.format("%H:%M"),
            self.to.format("%H:%M")
        )
    }
}

/// Serde for [`BusinessCalendar`]: `time_zone`, `hours` (seven entries,
/// Monday first, each `{open, close}` or `null` when closed; default Mon–Fri
/// 09:00–17:00), `holidays` (local dates) and `holiday_calendars` (built-in
/// public-holiday calendars by id).
mod calendar_serde {
    use std::collections::BTreeSet;

    use chrono::{NaiveDate, NaiveTime};
    use chrono_tz::Tz;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::WEEK;
    use crate::calendar::{BusinessCalendar, BusinessHours};
    use crate::holidays::{HolidayCalendar, NationalHolidays};

    #[derive(Serialize, Deserialize)]
    struct Day {
        open: NaiveTime,
        close: NaiveTime,
    }

    #[derive(Serialize, Deserialize)]
    struct Wire {
        time_zone: Tz,
        #[serde(default)]
        hours: Option<[Option<Day>; 7]>,
        #[serde(default)]
        holidays: BTreeSet<NaiveDate>,
        /// Built-in calendars observed (`us`, `gb_england_wales`, …).
        #[serde(default)]
        holiday_calendars: Vec<HolidayCalendar>,
    }

    pub(super) fn serialize<S: Serializer>(
        calendar: &BusinessCalendar,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        let hours = WEEK.map(|day| {
            calendar.hours.on(day).map(|h| Day {
                open: h.open(),
                close: h.close(),
            })
        });
        Wire {
            time_zone: calendar.tz,
            hours: Some(hours),
            holidays: calendar.holidays.clone(),
            holiday_calendars: calendar.national.calendars().to_vec(),
        }
        .serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<BusinessCalendar, D::Error> {
        let wire = Wire::deserialize(deserializer)?;
        let hours = match wire.hours {
            None => BusinessHours::default(),
            Some(days) => BusinessHours::new(days.map(|d| d.map(|d| (d.open, d.close))))
                .map_err(serde::de::Error::custom)?,
        };
        // Facts read from JSON carry no instant: the days are computed when
        // asked for.
        let national = if wire.holiday_calendars.is_empty() {
            NationalHolidays::default()
        } else {
            NationalHolidays::on_demand(wire.holiday_calendars)
        };
        let mut calendar = BusinessCalendar::new(wire.time_zone);
        calendar.hours = hours;
        calendar.holidays = wire.holidays;
        calendar.national = national;
        Ok(calendar)
    }
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveTime, Weekday};

    use super::{BestTime, first_word};

    #[test]
    fn a_first_name_is_the_first_word_whatever_the_spaces() {
        for name in [
            "",
            " ",
            "Ann",
            "Ann Lee",
            "Ann\tLee",
            " Ann Lee",
            "Ann\u{a0}Lee",
            "Zoë Lee",
            "Ann\u{3000}Lee",
            "Ann\u{b}Lee",
            "Ann\u{1c}Lee",
            "\u{85}Ann Lee",
            "Ann  ",
            "李 明",
        ] {
            let expected = name.split_whitespace().next().unwrap_or(name);
            assert_eq!(first_word(name), expected, "{name:?}");
        }
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    #[test]
    fn best_time_reads_the_assistants_words() {
        let best = BestTime::parse("Tue, Thu 14:00–15:00").unwrap();
        assert_eq!(best.days(), [Weekday::Tue, Weekday::Thu]);
        assert_eq!((best.from(), best.to()), (time(14, 0), time(15, 0)));
        assert_eq!(best.to_string(), "Tue, Thu 14:00–15:00");
        assert!(best.allows(Weekday::Thu) && !best.allows(Weekday::Wed));

        let range = BestTime::parse("Mon-Wed 9:00 to 11:30").unwrap();
        assert_eq!(range.days(), [Weekday::Mon, Weekday::Tue, Weekday::Wed]);
        assert_eq!(range.from(), time(9, 0));

        let daily = BestTime::parse("08:30-09:00").unwrap();
        assert!(daily.days().is_empty() && daily.allows(Weekday::Sat));
        assert_eq!(daily.to_string(), "08:30–09:00");

        assert!(BestTime::parse("whenever").is_err());
        assert!(BestTime::parse("Tue 15:00-14:00").is_err());
        assert!(BestTime::parse("Blursday 10:00-11:00").is_err());
    }

    #[test]
    fn facts_round_trip_through_serde() {
        let json = r#"{
            "seeker": {"id": "u1", "name": "Jane Doe", "time_zone": "America/New_York",
                       "holidays": ["2010-01-01"]},
            "opportunities": [{
                "id": "o1", "company": "Newsite", "title": "Editor", "stage": "final",
                "contacts": [{"id": "c1", "name": "Sam Boss", "role": "hiring_manager",
                              "best_time": {"days": ["Tue", "Thu"], "from": "14:00:00", "to": "15:00:00"}}],
                "promises": [{"id": "p1", "what": "call", "due": {"date": "2010-01-08"},
                              "made_at": "2009-12-17T20:00:00Z"}],
                "interactions": [{"id": "i1", "kind": "interview", "occurred_at": "2009-12-17T20:00:00Z"}],
                "profile": {"answered": ["where_in_process"]}
            }]
        }"#;
        let facts: super::Facts = serde_json::from_str(json).unwrap();
        assert_eq!(facts.seeker.calendar.tz, chrono_tz::Tz::America__New_York);
        assert_eq!(facts.seeker.calendar.holidays.len(), 1);
        let contact = &facts.opportunities[0].contacts[0];
        assert_eq!(contact.preferred_channel, crate::Channel::Any);
        assert_eq!(
            contact.best_time.unwrap().to_string(),
            "Tue, Thu 14:00–15:00"
        );
        let again: super::Facts =
            serde_json::from_str(&serde_json::to_string(&facts).unwrap()).unwrap();
        assert_eq!(again, facts);
    }
}
