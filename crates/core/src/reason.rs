//! Why: every action, warning and stall reason carries a stable
//! [`ReasonCode`] and the facts its sentence names ([`Args`]), beside the
//! English sentence itself, so that an app can write the reason in its own
//! words and language. `docs/localisation.md` lists each code's arguments.
//!
//! The English sentence and the arguments are built together by [`Because`]:
//! every variable part of the sentence is recorded as an argument under a
//! name, so nothing the sentence says is missing from the arguments.
//!
//! Argument values:
//! - names, companies, ids and quoted words are strings;
//! - counts are integers, conditions are booleans (recorded only when true);
//! - a calendar date is `YYYY-MM-DD`;
//! - an instant is RFC 9557: RFC 3339 in the zone's offset, with the IANA
//!   zone in brackets (`2026-11-16T09:00:00+00:00[Europe/London]`). The zone
//!   is the one the sentence shows the time in: the contact's for their day
//!   (when to call, their promised time), the seeker's for what the seeker
//!   did or saw.
//! - lists (the rules cited, the questions to ask) are arrays of strings.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::calendar::BusinessCalendar;
use crate::facts::Contact;
use crate::rules::RuleId;
use crate::schedule::{push_date, push_time};
use crate::wire::wire_enum;

wire_enum! {
    /// What a reason says, as a stable code; its facts are in `args`.
    pub enum ReasonCode as "reason code" {
        /// An interview took place: send the influence letter.
        InfluenceLetter => "influence_letter",
        /// An interview is booked: prepare the day before.
        InterviewBooked => "interview_booked",
        /// No best time on file: ask the assistant.
        NoBestTime => "no_best_time",
        /// A process question is still unanswered: ask it.
        QuestionOpen => "question_open",
        /// A promise is pending: wait for it.
        PromisePending => "promise_pending",
        /// A promise was broken: follow up.
        PromiseMissed => "promise_missed",
        /// A call went unanswered: try again.
        CallUnanswered => "call_unanswered",
        /// No word for a while: follow up.
        Silence => "silence",
        /// An offer elsewhere: tell them where things stand.
        OfferElsewhere => "offer_elsewhere",
        /// An offer elsewhere cannot be shared before its deadline.
        OfferElsewhereTooLate => "offer_elsewhere_too_late",
        /// Follow-ups unanswered or a long silence: consider them ghosted.
        Ghosted => "ghosted",
        /// The employer said no: record it.
        RejectionReceived => "rejection_received",
        /// After a rejection: a gracious close, if the seeker likes.
        GraciousClose => "gracious_close",
        /// The employer made an offer: record it.
        OfferReceived => "offer_received",
        /// The offer's terms are not all on file.
        OfferTermsMissing => "offer_terms_missing",
        /// The offer's deadline is near.
        OfferDeadlineNear => "offer_deadline_near",
        /// Another employer has not promised a decision by the deadline.
        ExtensionNeeded => "extension_needed",
        /// An offer may be near but little else is open: apply to more.
        FewOpen => "few_open",
        /// Warning: more follow-up e-mails than the cap allows.
        EmailCapExceeded => "email_cap_exceeded",
        /// Warning: a voicemail was left.
        VoicemailLeft => "voicemail_left",
        /// Warning: a message was left with the assistant.
        MessageWithAssistant => "message_with_assistant",
        /// Warning: a call to an e-mail-only contact.
        EmailOnlyContact => "email_only_contact",
        /// Warning: a status follow-up while a promise is pending.
        FollowUpBeforePromise => "follow_up_before_promise",
        /// Warning: an open opportunity for the same job exists already.
        PossibleDuplicate => "possible_duplicate",
        /// Warning: a time came ahead of the server's clock and was clamped.
        ClockAhead => "clock_ahead",
        /// Stalled: no activity for a while.
        Inactive => "inactive",
        /// Stalled: employers broke promises.
        PromisesBroken => "promises_broken",
        /// Stalled: nothing open beside the finals.
        OnlyFinals => "only_finals",
        /// Stalled: cadence caps were broken.
        CapsBroken => "caps_broken",
    }
}

/// One fact a reason names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// A name, a company, an id, a code (see [`Text`]: naming a channel, a
    /// purpose or a short name costs no allocation).
    Text(Text),
    /// A count.
    Number(u32),
    /// A condition that holds.
    Flag(bool),
    /// A calendar date.
    Date(NaiveDate),
    /// An instant, and the zone the sentence shows it in.
    Time(DateTime<Utc>, Tz),
    /// Several words: questions to ask, terms missing.
    List(Vec<String>),
    /// The rules a reason cites, in order (at most [`Rules::MAX`]).
    Rules(Rules),
}

/// The rules a reason cites, each once, in order: kept inline, so citing
/// costs no allocation on the engine's hot path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    ids: [RuleId; Self::MAX],
    len: u8,
}

impl Rules {
    /// The most rules one reason cites.
    pub const MAX: usize = 8;

    /// The rules, in order.
    pub fn as_slice(&self) -> &[RuleId] {
        &self.ids[..usize::from(self.len)]
    }

    fn of(rules: &[RuleId]) -> Self {
        let mut out = Self {
            ids: [RuleId::InfluenceLetterAfterInterview; Self::MAX],
            len: 0,
        };
        for &rule in rules {
            if out.as_slice().contains(&rule) || usize::from(out.len) == Self::MAX {
                continue;
            }
            out.ids[usize::from(out.len)] = rule;
            out.len += 1;
        }
        out
    }
}

/// The words of a text argument: a fixed word borrowed, a short text (a
/// name, a company) kept inline, a longer one on the heap. Reads as a `str`.
#[derive(Clone)]
pub struct Text(TextRepr);

#[derive(Clone)]
enum TextRepr {
    Fixed(&'static str),
    Inline { len: u8, bytes: [u8; Text::INLINE] },
    Heap(Box<str>),
}

impl Text {
    /// The longest text kept inline, in bytes: as much as fits beside the
    /// length in the space of a `String`, so an `Arg` stays 32 bytes.
    const INLINE: usize = 22;

    /// A copy of `s`: inline when it is short.
    pub fn new(s: &str) -> Self {
        match u8::try_from(s.len()) {
            Ok(len) if s.len() <= Self::INLINE => {
                let mut bytes = [0; Self::INLINE];
                bytes[..s.len()].copy_from_slice(s.as_bytes());
                Self(TextRepr::Inline { len, bytes })
            }
            _ => Self(TextRepr::Heap(s.into())),
        }
    }

    /// The words.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            TextRepr::Fixed(s) => s,
            // Always whole characters: copied from a `str` of this length.
            TextRepr::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or_default()
            }
            TextRepr::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&'static str> for Text {
    /// A fixed word, borrowed.
    fn from(s: &'static str) -> Self {
        Self(TextRepr::Fixed(s))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Self {
        if s.len() <= Self::INLINE {
            Self::new(&s)
        } else {
            Self(TextRepr::Heap(s.into_boxed_str()))
        }
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl std::fmt::Display for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl Arg {
    /// The text of a `Text` argument.
    pub fn as_text(&self) -> Option<&str> {
        match self {
            Self::Text(s) => Some(s),
            _ => None,
        }
    }
}

impl Serialize for Arg {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Text(s) => serializer.serialize_str(s),
            Self::Number(n) => serializer.serialize_u32(*n),
            Self::Flag(b) => serializer.serialize_bool(*b),
            Self::Date(d) => serializer.collect_str(d),
            Self::Time(at, tz) => serializer.serialize_str(&zoned(*at, *tz)),
            Self::List(items) => items.serialize(serializer),
            Self::Rules(rules) => {
                serializer.collect_seq(rules.as_slice().iter().map(|r| r.as_str()))
            }
        }
    }
}

/// `2026-11-16T09:00:00+00:00[Europe/London]` (RFC 9557).
pub fn zoned(at: DateTime<Utc>, tz: Tz) -> String {
    let mut out = at
        .with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::AutoSi, false);
    out.push('[');
    out.push_str(tz.name());
    out.push(']');
    out
}

impl<'de> Deserialize<'de> for Arg {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Flag(bool),
            Number(u32),
            Text(String),
            List(Vec<String>),
        }
        Ok(match Raw::deserialize(deserializer)? {
            Raw::Flag(b) => Self::Flag(b),
            Raw::Number(n) => Self::Number(n),
            Raw::List(items) => match items
                .iter()
                .map(|i| i.parse::<RuleId>())
                .collect::<Result<Vec<_>, _>>()
            {
                Ok(rules) if !rules.is_empty() && rules.len() <= Rules::MAX => {
                    Self::Rules(Rules::of(&rules))
                }
                _ => Self::List(items),
            },
            Raw::Text(s) => parse_text(s),
        })
    }
}

/// A string argument read back: an RFC 9557 instant, a date, or text.
fn parse_text(s: String) -> Arg {
    if let Some((stamp, zone)) = s.strip_suffix(']').and_then(|r| r.split_once('['))
        && let (Ok(at), Ok(tz)) = (DateTime::parse_from_rfc3339(stamp), zone.parse::<Tz>())
    {
        return Arg::Time(at.with_timezone(&Utc), tz);
    }
    if s.len() == 10
        && let Ok(date) = NaiveDate::parse_from_str(&s, "%Y-%m-%d")
    {
        return Arg::Date(date);
    }
    Arg::Text(s.into())
}

/// The facts a reason names, by name, in the order the sentence names them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Args(Vec<(Cow<'static, str>, Arg)>);

impl Args {
    /// No facts.
    pub const fn new() -> Self {
        Self(Vec::new())
    }

    /// The fact named `name`.
    pub fn get(&self, name: &str) -> Option<&Arg> {
        self.0.iter().find(|(n, _)| n == name).map(|(_, a)| a)
    }

    /// Every fact, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Arg)> {
        self.0.iter().map(|(n, a)| (n.as_ref(), a))
    }

    /// Records `arg` under `name`, replacing an earlier value of that name.
    #[inline]
    pub fn set(&mut self, name: &'static str, arg: Arg) {
        match self.0.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => slot.1 = arg,
            None => self.0.push((Cow::Borrowed(name), arg)),
        }
    }

    /// No facts recorded.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Args {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, arg) in &self.0 {
            map.serialize_entry(name.as_ref(), arg)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Args {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ArgsVisitor;
        impl<'de> Visitor<'de> for ArgsVisitor {
            type Value = Args;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of reason arguments")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Args, A::Error> {
                let mut out = Vec::new();
                while let Some((name, arg)) = map.next_entry::<String, Arg>()? {
                    out.push((Cow::Owned(name), arg));
                }
                Ok(Args(out))
            }
        }
        deserializer.deserialize_map(ArgsVisitor)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Args {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{
            AdditionalProperties, ArrayBuilder, ObjectBuilder, OneOfBuilder, SchemaType, Type,
        };
        let value = OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::String)))
            .item(
                ObjectBuilder::new()
                    .schema_type(SchemaType::Type(Type::Integer))
                    .minimum(Some(0)),
            )
            .item(ObjectBuilder::new().schema_type(SchemaType::Type(Type::Boolean)))
            .item(
                ArrayBuilder::new()
                    .items(ObjectBuilder::new().schema_type(SchemaType::Type(Type::String))),
            );
        ObjectBuilder::new()
            .schema_type(SchemaType::Type(Type::Object))
            .description(Some(
                "The facts the reason names, by name (see `reason_code`; docs/localisation.md \
                 lists each code's arguments): strings for names, companies and ids; integers \
                 for counts; `true` for conditions that hold (absent when they do not); \
                 `YYYY-MM-DD` for dates; RFC 9557 for instants, with the zone the sentence \
                 shows them in (`2026-11-16T09:00:00+00:00[Europe/London]`); arrays of strings \
                 for lists (`rules`: the rules cited).",
            ))
            .additional_properties(Some(AdditionalProperties::RefOr(value.into())))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Args {}

/// A reason: the code, the facts, and the English sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// What it says.
    pub code: ReasonCode,
    /// The facts it names.
    pub args: Args,
    /// The English sentence.
    pub text: String,
}

/// Builds the English sentence and its arguments together.
#[derive(Debug)]
pub(crate) struct Because {
    code: ReasonCode,
    args: Args,
    text: String,
}

impl Because {
    pub(crate) fn new(code: ReasonCode) -> Self {
        Self {
            code,
            args: Args(Vec::with_capacity(12)),
            text: String::with_capacity(256),
        }
    }

    /// Words that are the same whatever the facts.
    pub(crate) fn lit(&mut self, words: &str) -> &mut Self {
        self.text.push_str(words);
        self
    }

    /// A name, a company or quoted words, written and recorded as `name`.
    pub(crate) fn text(&mut self, name: &'static str, value: &str) -> &mut Self {
        self.text.push_str(value);
        self.args.set(name, Arg::Text(Text::new(value)));
        self
    }

    /// A fixed word (a channel, a purpose, a code) recorded as `name`,
    /// not written.
    pub(crate) fn word(&mut self, name: &'static str, value: &'static str) -> &mut Self {
        self.args.set(name, Arg::Text(value.into()));
        self
    }

    /// A contact's first name, recorded as `contact_name`; `fallback`
    /// ("the employer") written and nothing recorded when there is none.
    pub(crate) fn contact(&mut self, contact: Option<&Contact>, fallback: &str) -> &mut Self {
        match contact {
            // Named again later in the sentence: recorded once.
            Some(c) if self.args.get("contact_name").is_some() => self.lit(c.first_name()),
            Some(c) => self.text("contact_name", c.first_name()),
            None => self.lit(fallback),
        }
    }

    /// A fact recorded without being written here.
    pub(crate) fn note(&mut self, name: &'static str, arg: Arg) -> &mut Self {
        self.args.set(name, arg);
        self
    }

    /// A condition: recorded as `true` when it holds, left out otherwise.
    pub(crate) fn flag(&mut self, name: &'static str, holds: bool) -> &mut Self {
        if holds {
            self.args.set(name, Arg::Flag(true));
        }
        self
    }

    /// A count, written in digits.
    pub(crate) fn count(&mut self, name: &'static str, n: u32) -> &mut Self {
        let _ = write!(self.text, "{n}");
        self.args.set(name, Arg::Number(n));
        self
    }

    /// A calendar date: "Fri 8 Jan".
    pub(crate) fn date(&mut self, name: &'static str, date: NaiveDate) -> &mut Self {
        push_date(&mut self.text, date);
        self.args.set(name, Arg::Date(date));
        self
    }

    /// The local date of an instant in `cal`'s zone: "Fri 8 Jan".
    pub(crate) fn day(
        &mut self,
        name: &'static str,
        cal: &BusinessCalendar,
        at: DateTime<Utc>,
    ) -> &mut Self {
        self.date(name, cal.local_date(at))
    }

    /// An instant in `cal`'s zone, named: "Fri 8 Jan 17:00 London time".
    pub(crate) fn time(
        &mut self,
        name: &'static str,
        cal: &BusinessCalendar,
        at: DateTime<Utc>,
    ) -> &mut Self {
        let local = cal.local(at);
        push_date(&mut self.text, local.date());
        push_time(&mut self.text, local.time());
        self.text.push(' ');
        push_zone(&mut self.text, cal.tz());
        self.args.set(name, Arg::Time(at, cal.tz()));
        self
    }

    /// Appends " (rule_a, rule_b)" with each rule once, and records them as
    /// `rules`.
    pub(crate) fn cite(&mut self, rules: &[RuleId]) -> &mut Self {
        let cited = Rules::of(rules);
        self.text.push_str(" (");
        for (i, rule) in cited.as_slice().iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self.text.push_str(rule.as_str());
        }
        self.text.push(')');
        self.args.set("rules", Arg::Rules(cited));
        self
    }

    pub(crate) fn finish(self) -> Reason {
        Reason {
            code: self.code,
            args: self.args,
            text: self.text,
        }
    }
}

/// "London time", "New York time", "UTC": how a sentence names a zone.
pub fn push_zone(out: &mut String, tz: Tz) {
    match city_of(tz) {
        Some(city) => {
            push_city(out, city);
            out.push_str(" time");
        }
        None => out.push_str(zone_name(tz)),
    }
}

/// The last part of a zone's name when it names a city ("New_York").
fn city_of(tz: Tz) -> Option<&'static str> {
    match tz.name().rsplit_once('/') {
        Some((area, city)) if area != "Etc" => Some(city),
        _ => None,
    }
}

/// Writes a city as a sentence names it: underscores as spaces.
fn push_city(out: &mut String, city: &str) {
    let mut rest = city;
    while let Some(i) = rest.bytes().position(|b| b == b'_') {
        out.push_str(&rest[..i]);
        out.push(' ');
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// A zone's city as a sentence names it ("London", "New York"); `None` for
/// a zone without one (`UTC`, `Etc/GMT+5`), named by [`zone_name`].
pub fn zone_city(tz: Tz) -> Option<String> {
    city_of(tz).map(|city| {
        let mut out = String::with_capacity(city.len());
        push_city(&mut out, city);
        out
    })
}

/// The name of a zone without a city: "UTC", "GMT+5".
pub fn zone_name(tz: Tz) -> &'static str {
    let name = tz.name();
    name.rsplit_once('/').map_or(name, |(_, last)| last)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;

    use super::*;

    #[test]
    fn an_instant_travels_with_its_zone_and_comes_back() {
        let at = Utc.with_ymd_and_hms(2026, 11, 16, 9, 0, 0).unwrap();
        let tz: Tz = "America/New_York".parse().unwrap();
        assert_eq!(zoned(at, tz), "2026-11-16T04:00:00-05:00[America/New_York]");
        let back = parse_text(zoned(at, tz));
        assert_eq!(back, Arg::Time(at, tz));
        assert_eq!(
            parse_text("2026-11-16".into()),
            Arg::Date(NaiveDate::from_ymd_opt(2026, 11, 16).unwrap())
        );
        assert_eq!(parse_text("Ann".into()), Arg::Text("Ann".into()));
    }

    #[test]
    fn a_text_reads_the_same_however_it_is_kept() {
        // Three two-byte letters: 22 bytes (the most kept inline), then 23.
        let short = "Zoë Müller-Lüdensch";
        let long = "Zoë Müller-Lüdensche";
        assert_eq!((short.len(), long.len()), (Text::INLINE, Text::INLINE + 1));
        for s in ["", "Ann", "a".repeat(Text::INLINE).as_str(), short, long] {
            let new = Text::new(s);
            assert_eq!(new.as_str(), s);
            assert_eq!(Text::from(s.to_owned()), new);
            assert_eq!(format!("{new}"), s);
            assert_eq!(format!("{new:?}"), format!("{s:?}"));
            assert_eq!(
                serde_json::to_value(Arg::Text(new)).unwrap(),
                serde_json::json!(s)
            );
        }
        assert_eq!(Text::from("call"), Text::new("call"));
    }

    #[test]
    fn zones_are_named_by_their_city() {
        let name = |z: &str| {
            let mut s = String::new();
            push_zone(&mut s, z.parse().unwrap());
            s
        };
        assert_eq!(name("Europe/London"), "London time");
        assert_eq!(name("America/Argentina/Buenos_Aires"), "Buenos Aires time");
        assert_eq!(name("UTC"), "UTC");
        assert_eq!(name("Etc/GMT+5"), "GMT+5");
    }

    #[test]
    fn the_sentence_and_the_args_are_built_together() {
        let cal = BusinessCalendar::new("Europe/Berlin".parse().unwrap());
        let at = Utc.with_ymd_and_hms(2026, 11, 16, 8, 0, 0).unwrap();
        let mut b = Because::new(ReasonCode::Silence);
        b.lit("Call ")
            .text("contact_name", "Ann")
            .lit(" on ")
            .time("due_at", &cal, at)
            .flag("held", false)
            .flag("no_voicemail", true)
            .cite(&[RuleId::CallNoVoicemail, RuleId::CallNoVoicemail]);
        let reason = b.finish();
        assert_eq!(
            reason.text,
            "Call Ann on Mon 16 Nov 09:00 Berlin time (call_no_voicemail)"
        );
        let json = serde_json::to_value(&reason.args).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "contact_name": "Ann",
                "due_at": "2026-11-16T09:00:00+01:00[Europe/Berlin]",
                "no_voicemail": true,
                "rules": ["call_no_voicemail"],
            })
        );
        let back: Args = serde_json::from_value(json).unwrap();
        assert_eq!(back, reason.args);
    }
}
