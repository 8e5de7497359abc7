//! A seeker's opportunities packed into one run of bytes, for keeping them
//! between requests.
//!
//! The API keeps every active seeker's facts in memory, so that an agenda
//! at any instant and the warnings of a write need no database read
//! (`docs/architecture.md`, "Memory"). As structs, the facts of a seeker
//! with 10 opportunities and 170 interactions take about 22 KB in some 60
//! allocations, and every logged interaction re-allocates one of them: the
//! allocator's holes then cost as much again. Packed, the same facts take
//! about 6 KB in one allocation; unpacking them again costs about 10 µs
//! (two and a half clones of the structs, half an evaluation of them:
//! `cargo bench -p followup-core --bench pack`).
//!
//! The encoding is private to the process (nothing packed is stored or
//! sent), so it has no version: unsigned numbers are LEB128, signed ones
//! zig-zagged first; a text is its UUID's 16 bytes when it is a canonical
//! UUID (as every id the API makes is), else its length and its bytes; an
//! enum is its place in the enum's list of values; an instant is its Unix
//! seconds and nanoseconds; a date its day number. A contact an
//! interaction names is its place among the opportunity's contacts. An
//! opportunity's own playbook (rare, and large) is kept aside as it is.
//!
//! Every struct is taken apart field by field, without `..`, so that a new
//! field does not compile until it is packed.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Timelike, Utc};
use chrono_tz::Tz;
use thiserror::Error;

use super::{
    BestTime, Contact, Interaction, OfferTerms, Opportunity, ProcessQuestion, Profile, Promise,
    PromiseDue, StageChange,
};
use crate::contact::{Channel, ContactRole};
use crate::holidays::HolidayCalendar;
use crate::id::{Id, format_uuid, parse_uuid};
use crate::interaction::InteractionKind;
use crate::playbook::Playbook;
use crate::promise::PromiseWhat;
use crate::stage::{RejectionReason, Stage};

/// Opportunities packed into bytes ([`PackedOpportunities::pack`]), which
/// give them back equal ([`PackedOpportunities::unpack`]).
#[derive(Debug, Clone, PartialEq)]
pub struct PackedOpportunities {
    bytes: Box<[u8]>,
    /// The playbooks of the opportunities that have their own, in order.
    playbooks: Box<[Playbook]>,
}

/// Packed bytes that do not read back: packed by another build, or
/// damaged. Never the case for bytes [`PackedOpportunities::pack`] made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("packed opportunities do not read back: {0}")]
pub struct UnpackError(&'static str);

impl PackedOpportunities {
    /// Packs `opportunities`.
    pub fn pack(opportunities: &[Opportunity]) -> Self {
        // About what they take, so that the bytes grow once or not at all.
        let interactions: usize = opportunities.iter().map(|o| o.interactions.len()).sum();
        let mut out = Writer {
            bytes: Vec::with_capacity(
                opportunities
                    .len()
                    .saturating_mul(192)
                    .saturating_add(interactions.saturating_mul(28)),
            ),
        };
        let mut playbooks = Vec::new();
        out.len(opportunities.len());
        for opportunity in opportunities {
            out.opportunity(opportunity, &mut playbooks);
        }
        Self {
            bytes: out.bytes.into_boxed_slice(),
            playbooks: playbooks.into_boxed_slice(),
        }
    }

    /// The opportunities packed, equal to those given.
    pub fn unpack(&self) -> Result<Vec<Opportunity>, UnpackError> {
        let mut input = Reader {
            bytes: &self.bytes,
            playbooks: self.playbooks.iter(),
        };
        let count = input.len()?;
        let mut opportunities = Vec::with_capacity(count);
        for _ in 0..count {
            opportunities.push(input.opportunity()?);
        }
        if !input.bytes.is_empty() || input.playbooks.next().is_some() {
            return Err(UnpackError("bytes left over"));
        }
        Ok(opportunities)
    }

    /// How many bytes the packed form holds (the playbooks kept aside not
    /// counted).
    pub fn len_bytes(&self) -> usize {
        self.bytes.len()
    }
}

/// The place of `value` in `all` (an enum's list of values).
fn place<T: PartialEq>(all: &[T], value: &T) -> u64 {
    let at = all.iter().position(|v| v == value).unwrap_or(0);
    u64::try_from(at).unwrap_or(0)
}

struct Writer {
    bytes: Vec<u8>,
}

impl Writer {
    fn uint(&mut self, mut n: u64) {
        loop {
            let low = u8::try_from(n & 0x7f).unwrap_or(0);
            n >>= 7;
            if n == 0 {
                self.bytes.push(low);
                return;
            }
            self.bytes.push(low | 0x80);
        }
    }

    fn int(&mut self, n: i64) {
        // Zig-zag: small magnitudes of either sign take few bytes.
        self.uint(((n << 1) ^ (n >> 63)).cast_unsigned());
    }

    fn len(&mut self, n: usize) {
        self.uint(u64::try_from(n).unwrap_or(u64::MAX));
    }

    fn flag(&mut self, on: bool) {
        self.bytes.push(u8::from(on));
    }

    fn text(&mut self, text: &str) {
        match parse_uuid(text) {
            Some(uuid) => self.uuid(&uuid),
            None => self.raw_text(text),
        }
    }

    /// A UUID: a zero length, then its 16 bytes.
    fn uuid(&mut self, uuid: &[u8; 16]) {
        self.uint(0);
        self.bytes.extend_from_slice(uuid);
    }

    /// Any other text: its length plus one, then its bytes.
    fn raw_text(&mut self, text: &str) {
        self.len(text.len().saturating_add(1));
        self.bytes.extend_from_slice(text.as_bytes());
    }

    fn id(&mut self, id: &Id) {
        match id.uuid_or_text() {
            Ok(uuid) => self.uuid(uuid),
            Err(text) => self.raw_text(text),
        }
    }

    fn opt_text(&mut self, text: Option<&str>) {
        self.flag(text.is_some());
        if let Some(text) = text {
            self.text(text);
        }
    }

    fn opt_date(&mut self, date: Option<NaiveDate>) {
        self.flag(date.is_some());
        if let Some(date) = date {
            self.date(date);
        }
    }

    fn opt_instant(&mut self, at: Option<DateTime<Utc>>) {
        self.flag(at.is_some());
        if let Some(at) = at {
            self.instant(at);
        }
    }

    fn opt_number(&mut self, n: Option<f64>) {
        self.flag(n.is_some());
        if let Some(n) = n {
            self.bytes.extend_from_slice(&n.to_bits().to_le_bytes());
        }
    }

    fn variant<T: PartialEq>(&mut self, all: &[T], value: &T) {
        self.uint(place(all, value));
    }

    fn opt_variant<T: PartialEq>(&mut self, all: &[T], value: Option<&T>) {
        self.flag(value.is_some());
        if let Some(value) = value {
            self.variant(all, value);
        }
    }

    fn date(&mut self, date: NaiveDate) {
        self.int(i64::from(date.num_days_from_ce()));
    }

    fn instant(&mut self, at: DateTime<Utc>) {
        self.int(at.timestamp());
        self.uint(u64::from(at.timestamp_subsec_nanos()));
    }

    fn time(&mut self, time: NaiveTime) {
        self.uint(u64::from(time.num_seconds_from_midnight()));
        self.uint(u64::from(time.nanosecond()));
    }

    fn opportunity(&mut self, opportunity: &Opportunity, playbooks: &mut Vec<Playbook>) {
        let Opportunity {
            id,
            company,
            employer,
            title,
            industry,
            stage,
            offer_deadline,
            offer_terms,
            holiday_calendar,
            playbook,
            history,
            contacts,
            interactions,
            promises,
            profile,
        } = opportunity;
        self.text(id);
        self.text(company);
        self.opt_text(employer.as_deref());
        self.text(title);
        self.opt_text(industry.as_deref());
        self.variant(Stage::ALL, stage);
        self.opt_date(*offer_deadline);
        self.offer_terms(offer_terms);
        self.opt_variant(HolidayCalendar::ALL, holiday_calendar.as_ref());
        self.flag(playbook.is_some());
        if let Some(playbook) = playbook {
            playbooks.push(playbook.clone());
        }
        self.len(history.len());
        for change in history {
            self.stage_change(change);
        }
        self.len(contacts.len());
        for contact in contacts {
            self.contact(contact);
        }
        self.len(interactions.len());
        for interaction in interactions {
            self.interaction(interaction, contacts);
        }
        self.len(promises.len());
        for promise in promises {
            self.promise(promise);
        }
        self.profile(profile);
    }

    fn offer_terms(&mut self, terms: &OfferTerms) {
        let OfferTerms {
            base_salary,
            bonus,
            equity,
            start_date,
        } = terms;
        self.opt_number(*base_salary);
        self.opt_number(*bonus);
        self.opt_text(equity.as_deref());
        self.opt_date(*start_date);
    }

    fn stage_change(&mut self, change: &StageChange) {
        let StageChange { from, to, at } = change;
        self.opt_variant(Stage::ALL, from.as_ref());
        self.variant(Stage::ALL, to);
        self.instant(*at);
    }

    fn contact(&mut self, contact: &Contact) {
        let Contact {
            id,
            name,
            role,
            email,
            phone,
            time_zone,
            preferred_channel,
            best_time,
            holiday_calendar,
        } = contact;
        self.text(id);
        self.text(name);
        self.variant(ContactRole::ALL, role);
        self.opt_text(email.as_deref());
        self.opt_text(phone.as_deref());
        self.opt_text(time_zone.map(Tz::name));
        self.variant(Channel::ALL, preferred_channel);
        self.flag(best_time.is_some());
        if let Some(best) = *best_time {
            let BestTime { days, from, to } = best;
            self.bytes.push(days);
            self.time(from);
            self.time(to);
        }
        self.opt_variant(HolidayCalendar::ALL, holiday_calendar.as_ref());
    }

    fn interaction(&mut self, interaction: &Interaction, contacts: &[Contact]) {
        let Interaction {
            id,
            kind,
            contact_id,
            occurred_at,
            out_of_office_until,
            rejection_reason,
        } = interaction;
        self.id(id);
        self.variant(InteractionKind::ALL, kind);
        // 0: nobody named; 1: an id follows; 2 and up: that contact, less 2.
        match contact_id {
            None => self.uint(0),
            Some(contact) => match contacts.iter().position(|c| c.id == *contact) {
                Some(at) => self.len(at.saturating_add(2)),
                None => {
                    self.uint(1);
                    self.id(contact);
                }
            },
        }
        self.instant(*occurred_at);
        self.opt_date(*out_of_office_until);
        self.opt_variant(RejectionReason::ALL, rejection_reason.as_ref());
    }

    fn promise(&mut self, promise: &Promise) {
        let Promise {
            id,
            contact_id,
            what,
            due,
            made_at,
            cancelled,
            kept_at,
        } = promise;
        self.text(id);
        self.opt_text(contact_id.as_deref());
        self.variant(PromiseWhat::ALL, what);
        match due {
            PromiseDue::Date(date) => {
                self.flag(false);
                self.date(*date);
            }
            PromiseDue::Instant(at) => {
                self.flag(true);
                self.instant(*at);
            }
        }
        self.instant(*made_at);
        self.flag(*cancelled);
        self.opt_instant(*kept_at);
    }

    fn profile(&mut self, profile: &Profile) {
        let Profile {
            answered,
            strengths,
            first_six_months,
        } = profile;
        self.len(answered.len());
        for question in answered {
            self.variant(ProcessQuestion::ALL, question);
        }
        self.len(strengths.len());
        for strength in strengths {
            self.text(strength);
        }
        self.opt_text(first_six_months.as_deref());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    playbooks: std::slice::Iter<'a, Playbook>,
}

const SHORT: UnpackError = UnpackError("the bytes end too soon");

impl Reader<'_> {
    fn byte(&mut self) -> Result<u8, UnpackError> {
        let (&first, rest) = self.bytes.split_first().ok_or(SHORT)?;
        self.bytes = rest;
        Ok(first)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], UnpackError> {
        if n > self.bytes.len() {
            return Err(SHORT);
        }
        let (taken, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(taken)
    }

    fn uint(&mut self) -> Result<u64, UnpackError> {
        let mut n = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            n |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err(UnpackError("a number runs too long"))
    }

    fn int(&mut self) -> Result<i64, UnpackError> {
        let n = self.uint()?;
        Ok((n >> 1).cast_signed() ^ -((n & 1).cast_signed()))
    }

    fn len(&mut self) -> Result<usize, UnpackError> {
        let n = usize::try_from(self.uint()?).map_err(|_| UnpackError("a length is too large"))?;
        // Every element takes a byte at least: a longer count is damage,
        // and must not reserve memory for it.
        if n > self.bytes.len() {
            return Err(SHORT);
        }
        Ok(n)
    }

    fn small(&mut self) -> Result<u32, UnpackError> {
        u32::try_from(self.uint()?).map_err(|_| UnpackError("a number is too large"))
    }

    fn flag(&mut self) -> Result<bool, UnpackError> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(UnpackError("a flag is neither 0 nor 1")),
        }
    }

    /// A UUID's bytes (`Ok`), or any other text (`Err`).
    fn uuid_or_text(&mut self) -> Result<Result<[u8; 16], String>, UnpackError> {
        match self.uint()? {
            0 => {
                let bytes = self.take(16)?;
                let mut uuid = [0; 16];
                uuid.copy_from_slice(bytes);
                Ok(Ok(uuid))
            }
            n => {
                let n = usize::try_from(n - 1).map_err(|_| SHORT)?;
                let bytes = self.take(n)?.to_vec();
                let text =
                    String::from_utf8(bytes).map_err(|_| UnpackError("a text is not UTF-8"))?;
                Ok(Err(text))
            }
        }
    }

    fn text(&mut self) -> Result<String, UnpackError> {
        Ok(match self.uuid_or_text()? {
            Ok(uuid) => String::from_utf8_lossy(&format_uuid(&uuid)).into_owned(),
            Err(text) => text,
        })
    }

    fn id(&mut self) -> Result<Id, UnpackError> {
        Ok(match self.uuid_or_text()? {
            Ok(uuid) => Id::from_uuid(uuid),
            Err(text) => Id::from(text),
        })
    }

    fn opt_text(&mut self) -> Result<Option<String>, UnpackError> {
        self.flag()?.then(|| self.text()).transpose()
    }

    fn opt_date(&mut self) -> Result<Option<NaiveDate>, UnpackError> {
        self.flag()?.then(|| self.date()).transpose()
    }

    fn opt_instant(&mut self) -> Result<Option<DateTime<Utc>>, UnpackError> {
        self.flag()?.then(|| self.instant()).transpose()
    }

    fn opt_number(&mut self) -> Result<Option<f64>, UnpackError> {
        if !self.flag()? {
            return Ok(None);
        }
        let mut bits = [0; 8];
        bits.copy_from_slice(self.take(8)?);
        Ok(Some(f64::from_bits(u64::from_le_bytes(bits))))
    }

    fn variant<T: Copy>(&mut self, all: &[T]) -> Result<T, UnpackError> {
        let at = usize::try_from(self.uint()?).unwrap_or(usize::MAX);
        all.get(at)
            .copied()
            .ok_or(UnpackError("an enum's value is out of range"))
    }

    fn opt_variant<T: Copy>(&mut self, all: &[T]) -> Result<Option<T>, UnpackError> {
        self.flag()?.then(|| self.variant(all)).transpose()
    }

    fn date(&mut self) -> Result<NaiveDate, UnpackError> {
        let days = i32::try_from(self.int()?).map_err(|_| UnpackError("a date is out of range"))?;
        NaiveDate::from_num_days_from_ce_opt(days).ok_or(UnpackError("a date is out of range"))
    }

    fn instant(&mut self) -> Result<DateTime<Utc>, UnpackError> {
        let seconds = self.int()?;
        let nanos = self.small()?;
        DateTime::from_timestamp(seconds, nanos).ok_or(UnpackError("an instant is out of range"))
    }

    fn time(&mut self) -> Result<NaiveTime, UnpackError> {
        let seconds = self.small()?;
        let nanos = self.small()?;
        NaiveTime::from_num_seconds_from_midnight_opt(seconds, nanos)
            .ok_or(UnpackError("a time of day is out of range"))
    }

    fn opportunity(&mut self) -> Result<Opportunity, UnpackError> {
        let id = self.text()?;
        let company = self.text()?;
        let employer = self.opt_text()?;
        let title = self.text()?;
        let industry = self.opt_text()?;
        let stage = self.variant(Stage::ALL)?;
        let offer_deadline = self.opt_date()?;
        let offer_terms = self.offer_terms()?;
        let holiday_calendar = self.opt_variant(HolidayCalendar::ALL)?;
        let playbook = if self.flag()? {
            let kept = self.playbooks.next();
            Some(kept.cloned().ok_or(UnpackError("a playbook is missing"))?)
        } else {
            None
        };
        let history = self.many(Self::stage_change)?;
        let contacts = self.many(Self::contact)?;
        // The contacts' ids as interactions hold them, read once.
        let contact_ids: Vec<Id> = contacts.iter().map(|c| Id::from(&c.id)).collect();
        let count = self.len()?;
        let mut interactions = Vec::with_capacity(count);
        for _ in 0..count {
            interactions.push(self.interaction(&contact_ids)?);
        }
        let promises = self.many(Self::promise)?;
        let profile = self.profile()?;
        Ok(Opportunity {
            id,
            company,
            employer,
            title,
            industry,
            stage,
            offer_deadline,
            offer_terms,
            holiday_calendar,
            playbook,
            history,
            contacts,
            interactions,
            promises,
            profile,
        })
    }

    fn many<T>(
        &mut self,
        mut one: impl FnMut(&mut Self) -> Result<T, UnpackError>,
    ) -> Result<Vec<T>, UnpackError> {
        let count = self.len()?;
        let mut all = Vec::with_capacity(count);
        for _ in 0..count {
            all.push(one(self)?);
        }
        Ok(all)
    }

    fn offer_terms(&mut self) -> Result<OfferTerms, UnpackError> {
        Ok(OfferTerms {
            base_salary: self.opt_number()?,
            bonus: self.opt_number()?,
            equity: self.opt_text()?,
            start_date: self.opt_date()?,
        })
    }

    fn stage_change(&mut self) -> Result<StageChange, UnpackError> {
        Ok(StageChange {
            from: self.opt_variant(Stage::ALL)?,
            to: self.variant(Stage::ALL)?,
            at: self.instant()?,
        })
    }

    fn contact(&mut self) -> Result<Contact, UnpackError> {
        let id = self.text()?;
        let name = self.text()?;
        let role = self.variant(ContactRole::ALL)?;
        let email = self.opt_text()?;
        let phone = self.opt_text()?;
        let time_zone = match self.opt_text()? {
            Some(name) => Some(
                name.parse::<Tz>()
                    .map_err(|_| UnpackError("a time zone is unknown"))?,
            ),
            None => None,
        };
        let preferred_channel = self.variant(Channel::ALL)?;
        let best_time = if self.flag()? {
            Some(BestTime {
                days: self.byte()?,
                from: self.time()?,
                to: self.time()?,
            })
        } else {
            None
        };
        let holiday_calendar = self.opt_variant(HolidayCalendar::ALL)?;
        Ok(Contact {
            id,
            name,
            role,
            email,
            phone,
            time_zone,
            preferred_channel,
            best_time,
            holiday_calendar,
        })
    }

    fn interaction(&mut self, contact_ids: &[Id]) -> Result<Interaction, UnpackError> {
        let id = self.id()?;
        let kind = self.variant(InteractionKind::ALL)?;
        let contact_id = match self.uint()? {
            0 => None,
            1 => Some(self.id()?),
            n => {
                let at = usize::try_from(n - 2).unwrap_or(usize::MAX);
                let contact = contact_ids
                    .get(at)
                    .ok_or(UnpackError("a contact is out of range"))?;
                Some(contact.clone())
            }
        };
        Ok(Interaction {
            id,
            kind,
            contact_id,
            occurred_at: self.instant()?,
            out_of_office_until: self.opt_date()?,
            rejection_reason: self.opt_variant(RejectionReason::ALL)?,
        })
    }

    fn promise(&mut self) -> Result<Promise, UnpackError> {
        let id = self.text()?;
        let contact_id = self.opt_text()?;
        let what = self.variant(PromiseWhat::ALL)?;
        let due = if self.flag()? {
            PromiseDue::Instant(self.instant()?)
        } else {
            PromiseDue::Date(self.date()?)
        };
        Ok(Promise {
            id,
            contact_id,
            what,
            due,
            made_at: self.instant()?,
            cancelled: self.flag()?,
            kept_at: self.opt_instant()?,
        })
    }

    fn profile(&mut self) -> Result<Profile, UnpackError> {
        Ok(Profile {
            answered: self.many(|input| input.variant(ProcessQuestion::ALL))?,
            strengths: self.many(Self::text)?,
            first_six_months: self.opt_text()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Weekday};

    use super::*;

    const UUID: &str = "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b";

    fn at(day: u32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
    }

    fn date(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, day).unwrap()
    }

    fn contact(id: &str, role: ContactRole) -> Contact {
        Contact {
            id: id.to_owned(),
            name: "Dana Q.".to_owned(),
            role,
            email: None,
            phone: None,
            time_zone: None,
            preferred_channel: Channel::Any,
            best_time: None,
            holiday_calendar: None,
        }
    }

    fn interaction(id: &str, kind: InteractionKind, contact: Option<&str>) -> Interaction {
        Interaction {
            id: id.into(),
            kind,
            contact_id: contact.map(Id::from),
            occurred_at: at(2, 15),
            out_of_office_until: None,
            rejection_reason: None,
        }
    }

    /// An opportunity with every optional part present, unusual values
    /// (text and UUID ids, sub-second instants, dates far from now, a
    /// contact named by an id not on file) and each enum's last value.
    fn full() -> Opportunity {
        let mut manager = contact(UUID, ContactRole::HiringManager);
        manager.email = Some("dana@example.com".to_owned());
        manager.phone = Some("+49 30 1234567".to_owned());
        manager.time_zone = Some(chrono_tz::Asia::Kolkata);
        manager.preferred_channel = *Channel::ALL.last().unwrap();
        manager.best_time = Some(
            BestTime::new(
                &[Weekday::Tue, Weekday::Sun],
                NaiveTime::from_hms_opt(14, 0, 0).unwrap(),
                NaiveTime::from_hms_nano_opt(15, 30, 0, 500).unwrap(),
            )
            .unwrap(),
        );
        manager.holiday_calendar = HolidayCalendar::ALL.last().copied();
        let assistant = contact("assistant-1", *ContactRole::ALL.last().unwrap());
        let mut sub_second = interaction("i-1", InteractionKind::ReplyReceived, Some(UUID));
        sub_second.occurred_at = at(3, 9) + chrono::Duration::nanoseconds(123_456_789);
        sub_second.out_of_office_until = Some(date(9));
        let mut rejection = interaction(
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
            *InteractionKind::ALL.last().unwrap(),
            Some("assistant-1"),
        );
        rejection.rejection_reason = RejectionReason::ALL.last().copied();
        rejection.occurred_at = Utc.with_ymd_and_hms(1969, 7, 20, 20, 17, 40).unwrap();
        Opportunity {
            id: UUID.to_owned(),
            company: "Acme GmbH — Köln".to_owned(),
            employer: Some("Acme Holding".to_owned()),
            title: String::new(),
            industry: Some("publishing".to_owned()),
            stage: *Stage::ALL.last().unwrap(),
            offer_deadline: Some(date(30)),
            offer_terms: OfferTerms {
                base_salary: Some(98_765.43),
                bonus: Some(-0.1),
                equity: Some("0.1 % over 4 years".to_owned()),
                start_date: NaiveDate::from_ymd_opt(-44, 3, 15),
            },
            holiday_calendar: Some(HolidayCalendar::ALL[0]),
            playbook: Some(Playbook::balanced()),
            history: vec![
                StageChange {
                    from: None,
                    to: Stage::Applied,
                    at: at(1, 8),
                },
                StageChange {
                    from: Some(Stage::Applied),
                    to: *Stage::ALL.last().unwrap(),
                    at: at(20, 8),
                },
            ],
            contacts: vec![manager, assistant],
            interactions: vec![
                interaction("i-0", InteractionKind::Interview, None),
                sub_second,
                rejection,
                interaction(UUID, InteractionKind::Note, Some("someone-gone")),
                interaction("", InteractionKind::FollowUpEmail, Some(UUID)),
            ],
            promises: vec![
                Promise {
                    id: "p-1".to_owned(),
                    contact_id: Some(UUID.to_owned()),
                    what: *PromiseWhat::ALL.last().unwrap(),
                    due: PromiseDue::Date(date(27)),
                    made_at: at(20, 16),
                    cancelled: true,
                    kept_at: Some(at(26, 11)),
                },
                Promise {
                    id: UUID.to_owned(),
                    contact_id: None,
                    what: PromiseWhat::Call,
                    due: PromiseDue::Instant(at(27, 14)),
                    made_at: at(21, 16),
                    cancelled: false,
                    kept_at: None,
                },
            ],
            profile: Profile {
                answered: ProcessQuestion::ALL.to_vec(),
                strengths: vec!["writes fast".to_owned(), String::new()],
                first_six_months: Some("ship the redesign".to_owned()),
            },
        }
    }

    /// One with nothing optional: what a new opportunity holds.
    fn bare() -> Opportunity {
        Opportunity {
            id: "0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B".to_owned(),
            company: "B".to_owned(),
            employer: None,
            title: "Editor".to_owned(),
            industry: None,
            stage: Stage::ALL[0],
            offer_deadline: None,
            offer_terms: OfferTerms::default(),
            holiday_calendar: None,
            playbook: None,
            history: Vec::new(),
            contacts: Vec::new(),
            interactions: Vec::new(),
            promises: Vec::new(),
            profile: Profile::default(),
        }
    }

    #[test]
    fn opportunities_read_back_equal_to_what_was_packed() {
        for opportunities in [
            Vec::new(),
            vec![bare()],
            vec![full()],
            vec![bare(), full(), bare(), full()],
        ] {
            let packed = PackedOpportunities::pack(&opportunities);
            assert_eq!(packed.unpack().unwrap(), opportunities);
        }
    }

    #[test]
    fn ids_keep_their_form_and_a_named_contact_its_id() {
        let unpacked = PackedOpportunities::pack(&[full(), bare()])
            .unpack()
            .unwrap();
        let full = &unpacked[0];
        // An upper-case UUID is not canonical: it stays text, as it was.
        assert_eq!(unpacked[1].id, "0193A1B2-C3D4-7E5F-8A9B-0C1D2E3F4A5B");
        assert_eq!(full.interactions[1].contact_id, Some(Id::from(UUID)));
        assert_eq!(
            full.interactions[3].contact_id,
            Some(Id::from("someone-gone")),
            "a contact not on file keeps its id"
        );
        assert_eq!(full.interactions[4].id, Id::from(""));
    }

    #[test]
    fn uuid_ids_take_sixteen_bytes_and_a_contact_one() {
        let mut opportunity = bare();
        opportunity
            .contacts
            .push(contact(UUID, ContactRole::Recruiter));
        let empty = PackedOpportunities::pack(std::slice::from_ref(&opportunity)).len_bytes();
        opportunity.interactions.push(interaction(
            "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c",
            InteractionKind::FollowUpEmail,
            Some(UUID),
        ));
        let one = PackedOpportunities::pack(&[opportunity]).len_bytes();
        // Id 17, kind 1, contact 1, instant 5 + 1, two absent options 2.
        assert_eq!(one - empty, 27);
    }

    #[test]
    fn damaged_bytes_are_an_error_never_a_panic() {
        let packed = PackedOpportunities::pack(&[full(), bare()]);
        for cut in 0..packed.bytes.len() {
            let damaged = PackedOpportunities {
                bytes: packed.bytes[..cut].into(),
                playbooks: packed.playbooks.clone(),
            };
            assert!(damaged.unpack().is_err(), "cut at {cut}");
        }
        let mut longer = packed.clone();
        longer.bytes = [&packed.bytes[..], &[0]].concat().into();
        assert_eq!(longer.unpack(), Err(UnpackError("bytes left over")));
        for at in 0..packed.bytes.len() {
            let mut flipped = packed.clone();
            flipped.bytes[at] ^= 0xff;
            // Either an error or some opportunities: never a panic.
            let _ = flipped.unpack();
        }
        let mut without = packed;
        without.playbooks = Box::new([]);
        assert_eq!(without.unpack(), Err(UnpackError("a playbook is missing")));
    }
}
