//! Business hours in an IANA time zone, minus holidays: when an action may be
//! due. Dates are local to the calendar's zone; instants are UTC.
//!
//! Local wall-clock times are resolved the way RFC 5545 (iCalendar) and TC39
//! Temporal's `compatible` disambiguation do, so a 09:00 opening stays 09:00
//! local across DST changes: a time that occurs twice (clocks go back) is its
//! first occurrence; a time that does not exist (clocks go forward) is read
//! with the offset in force before the gap, landing as late as the gap is long
//! (02:30 in a 02:00→03:00 gap opens at 03:30).

use std::collections::BTreeSet;
use std::fmt;
use std::ops::Range;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Offset,
    TimeZone as _, Utc, Weekday,
};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::holidays::NationalHolidays;

/// Invalid calendar settings.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CalendarError {
    /// A day's hours close at or before they open (overnight hours are not supported).
    #[error("business hours on {weekday} must close after they open ({open}–{close})")]
    EmptyDay {
        /// The offending day.
        weekday: Weekday,
        /// The opening time given.
        open: NaiveTime,
        /// The closing time given.
        close: NaiveTime,
    },
    /// Every weekday is closed, so no action could ever be scheduled.
    #[error("business hours must be open on at least one weekday")]
    NoOpenDay,
    /// The name is not in the IANA time zone database.
    #[error("unknown time zone `{0}`; expected an IANA name such as `America/New_York`")]
    UnknownTimeZone(String),
}

/// An IANA time zone name that is known to exist, e.g. `America/New_York`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct TimeZone(Tz);

impl TimeZone {
    /// Parses an IANA zone name (case-sensitive, as the database spells it).
    pub fn parse(name: &str) -> Result<Self, CalendarError> {
        name.parse()
            .map(Self)
            .map_err(|_| CalendarError::UnknownTimeZone(name.to_owned()))
    }

    /// The zone, for date arithmetic.
    pub const fn tz(self) -> Tz {
        self.0
    }

    /// The IANA name.
    pub fn name(self) -> &'static str {
        self.0.name()
    }
}

impl From<TimeZone> for Tz {
    fn from(zone: TimeZone) -> Self {
        zone.0
    }
}

impl fmt::Display for TimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeZone {
    type Err = CalendarError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

const fn hm(hour: u32, min: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(hour, min, 0) {
        Some(time) => time,
        None => panic!("invalid constant time"),
    }
}

/// Default opening time, 09:00.
const NINE: NaiveTime = hm(9, 0);
/// Default closing time, 17:00.
const FIVE_PM: NaiveTime = hm(17, 0);

/// One day's opening hours, `open` inclusive to `close` exclusive; `open < close`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpeningHours {
    open: NaiveTime,
    close: NaiveTime,
}

impl OpeningHours {
    /// Local opening time.
    pub const fn open(self) -> NaiveTime {
        self.open
    }

    /// Local closing time (the first moment after hours).
    pub const fn close(self) -> NaiveTime {
        self.close
    }

    /// Where the first half of the day ends and the second begins (13:00 for 09–17).
    pub fn midpoint(self) -> NaiveTime {
        self.open + (self.close - self.open) / 2
    }
}

/// Opening hours for each weekday; the default is Mon–Fri 09:00–17:00.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessHours {
    /// Indexed by days from Monday.
    days: [Option<OpeningHours>; 7],
}

impl BusinessHours {
    /// Hours per weekday, Monday first; `None` closes that day. Each day must
    /// close after it opens and at least one day must be open.
    pub fn new(days: [Option<(NaiveTime, NaiveTime)>; 7]) -> Result<Self, CalendarError> {
        let mut hours = [None; 7];
        let mut weekday = Weekday::Mon;
        for (slot, day) in hours.iter_mut().zip(days) {
            if let Some((open, close)) = day {
                if open >= close {
                    return Err(CalendarError::EmptyDay {
                        weekday,
                        open,
                        close,
                    });
                }
                *slot = Some(OpeningHours { open, close });
            }
            weekday = weekday.succ();
        }
        if hours.iter().all(Option::is_none) {
            return Err(CalendarError::NoOpenDay);
        }
        Ok(Self { days: hours })
    }

    /// The hours on `weekday`, or `None` when closed.
    pub fn on(&self, weekday: Weekday) -> Option<OpeningHours> {
        self.days[weekday.num_days_from_monday() as usize]
    }
}

impl Default for BusinessHours {
    fn default() -> Self {
        let day = Some(OpeningHours {
            open: NINE,
            close: FIVE_PM,
        });
        Self {
            days: [day, day, day, day, day, None, None],
        }
    }
}

/// The first or second half of a day's opening hours, split at the midpoint;
/// an unanswered call is retried in the other half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DayHalf {
    /// From opening to the midpoint.
    First,
    /// From the midpoint to closing.
    Second,
}

impl DayHalf {
    /// The half that is not this one.
    pub const fn other(self) -> Self {
        match self {
            Self::First => Self::Second,
            Self::Second => Self::First,
        }
    }
}

/// Business hours in a time zone, skipping holidays: the only times at which
/// the cadence rules schedule anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    /// The zone the hours and holidays are read in.
    pub tz: Tz,
    /// Opening hours per weekday.
    pub hours: BusinessHours,
    /// Local dates on which nothing is scheduled.
    pub holidays: BTreeSet<NaiveDate>,
    /// Built-in public-holiday calendars observed as well.
    pub national: NationalHolidays,
    /// On a contact's calendar: the seeker's days off, in the seeker's zone.
    /// A day whose business hours touch one of them is no business day.
    pub days_off: Option<Box<DaysOff>>,
    /// The zone's offsets on the days asked about lately (see [`ZoneDays`]).
    zone_days: ZoneDays,
}

/// Seconds in a day of UTC.
const SECONDS_PER_DAY: i64 = 86_400;

/// How many days a calendar remembers the zone's offset for.
const ZONE_DAY_SLOTS: usize = 512;

/// One remembered day: the zone, the day (see [`ZoneDays`]), and its one
/// offset in seconds east of UTC, or `None` when the offset changes on it.
type ZoneDay = (Tz, i64, Option<i32>);

/// The zone's UTC offset on the days an evaluation asks about. Reading an
/// offset from the time-zone database is a binary search over the zone's
/// whole history, and an evaluation converts the same few days (the days
/// around now, in a handful of zones) thousands of times; yet an offset
/// changes on a handful of days a year. So a small direct-mapped table
/// remembers, per day, whether the offset holds all day and which it is:
/// - a UTC day (even keys) holds one offset when its first and last second
///   have the same one (no zone changes its offset twice in a day);
/// - a local day (odd keys) maps every wall-clock time to one instant when
///   the three UTC days it can overlap hold the same offset.
///
/// Days on which the offset changes are left to chrono-tz. Keyed by the zone
/// as well as the day, so the table is never stale, whatever is done to the
/// calendar's public fields.
///
/// The table is the thread's, shared by every calendar evaluated on it, not
/// the calendar's: a calendar kept with a seeker's facts between requests
/// (thousands of them on a server) then costs no memory for it, and the
/// days asked about are mostly the same few around now anyway.
#[derive(Default)]
struct ZoneDays;

thread_local! {
    static ZONE_DAYS: std::cell::RefCell<Vec<Option<ZoneDay>>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl ZoneDays {
    /// The offset all of `date`'s day (`local`: on the wall clock, else in
    /// UTC), computed by `compute` when not remembered (and remembered
    /// then); `None` when the offset changes on that day, or the table is
    /// busy.
    fn offset(
        &self,
        tz: Tz,
        date: NaiveDate,
        kind: DayKind,
        compute: impl FnOnce() -> Option<i32>,
    ) -> Option<i32> {
        let key = (i64::from(date.year()) << 11) | (i64::from(date.ordinal0()) << 2) | kind as i64;
        // Fibonacci hashing of the zone and the key onto the slots.
        let zoned = key.unsigned_abs() ^ (u64::from(tz as u16) << 40);
        let hash = zoned.wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let slot = usize::try_from(hash >> 55).unwrap_or(0) % ZONE_DAY_SLOTS;
        let remembered = ZONE_DAYS.with(|table| match table.try_borrow() {
            Ok(slots) => match slots.get(slot) {
                Some(Some((zone, day, offset))) if *zone == tz && *day == key => Some(*offset),
                _ => None,
            },
            Err(_) => None,
        });
        if let Some(offset) = remembered {
            return offset;
        }
        let offset = compute();
        ZONE_DAYS.with(|table| {
            if let Ok(mut slots) = table.try_borrow_mut() {
                if slots.is_empty() {
                    slots.resize(ZONE_DAY_SLOTS, None);
                }
                if let Some(entry) = slots.get_mut(slot) {
                    *entry = Some((tz, key, offset));
                }
            }
        });
        offset
    }

    /// The offset all of UTC day `date`, if one.
    fn utc_day(&self, tz: Tz, date: NaiveDate) -> Option<i32> {
        self.offset(tz, date, DayKind::Utc, || {
            let first = date.and_time(NaiveTime::MIN);
            let last = first.checked_add_signed(chrono::TimeDelta::seconds(86_399))?;
            let first = tz.offset_from_utc_datetime(&first).fix().local_minus_utc();
            let last = tz.offset_from_utc_datetime(&last).fix().local_minus_utc();
            (first == last).then_some(first)
        })
    }

    /// The offset of every wall-clock time on `date`, if one. Offsets stay
    /// within a day of UTC, so the local day lies within the UTC days
    /// before, on and after it.
    fn local_day(&self, tz: Tz, date: NaiveDate) -> Option<i32> {
        self.offset(tz, date, DayKind::Local, || {
            let offset = self.utc_day(tz, date)?;
            (self.utc_day(tz, date.pred_opt()?)? == offset
                && self.utc_day(tz, date.succ_opt()?)? == offset)
                .then_some(offset)
        })
    }

    /// `at` on the wall clock of `tz`.
    fn local(&self, tz: Tz, at: DateTime<Utc>) -> NaiveDateTime {
        let utc = at.naive_utc();
        self.utc_day(tz, utc.date())
            .and_then(FixedOffset::east_opt)
            .and_then(|offset| utc.checked_add_offset(offset))
            .unwrap_or_else(|| at.with_timezone(&tz).naive_local())
    }

    /// On local day `date`, whose offset changes: the offsets before and
    /// after the change and its instant. `None` unless the days two either
    /// side hold one offset each and they differ (one change between them).
    fn change(&self, tz: Tz, date: NaiveDate) -> Option<(i32, i32, NaiveDateTime)> {
        let before = self.utc_day(tz, date.checked_sub_days(Days::new(2))?)?;
        let after = self.utc_day(tz, date.checked_add_days(Days::new(2))?)?;
        let midnight = date.and_time(NaiveTime::MIN);
        // Seconds after `date`'s UTC midnight, found by bisection between
        // the start of the day before and the end of the day after.
        let seconds = self.offset(tz, date, DayKind::Change, || {
            let offset_at = |s: i64| {
                let at = midnight.checked_add_signed(chrono::TimeDelta::seconds(s))?;
                Some(tz.offset_from_utc_datetime(&at).fix().local_minus_utc())
            };
            let (mut low, mut high) = (-SECONDS_PER_DAY, 2 * SECONDS_PER_DAY);
            if before == after || offset_at(low)? != before || offset_at(high)? != after {
                return None;
            }
            while high - low > 1 {
                let middle = low + (high - low) / 2;
                if offset_at(middle)? == before {
                    low = middle;
                } else {
                    high = middle;
                }
            }
            i32::try_from(high).ok()
        })?;
        let change = midnight.checked_add_signed(chrono::TimeDelta::seconds(seconds.into()))?;
        Some((before, after, change))
    }

    /// The instants of wall-clock times on one day in `tz`, disambiguated
    /// as the module docs say; `None` only outside chrono's range.
    fn resolve<const N: usize>(
        &self,
        tz: Tz,
        date: NaiveDate,
        times: [NaiveTime; N],
    ) -> Option<[DateTime<Utc>; N]> {
        let offset = self.local_day(tz, date);
        let change = offset.is_none().then(|| self.change(tz, date)).flatten();
        let mut out = [DateTime::<Utc>::MIN_UTC; N];
        for (at, time) in out.iter_mut().zip(times) {
            let local = date.and_time(time);
            let shift = |offset: i32| local.checked_sub_offset(FixedOffset::east_opt(offset)?);
            *at = match (offset, change) {
                (Some(offset), _) => shift(offset)?.and_utc(),
                // Before the change, on the old offset; a time that exists
                // twice is its first occurrence, which is the old offset's;
                // a time in a gap is read with the old offset too.
                (None, Some((before, after, change))) => {
                    let early = shift(before)?;
                    let late = shift(after)?;
                    if early < change || late < change {
                        early.and_utc()
                    } else {
                        late.and_utc()
                    }
                }
                (None, None) => resolve(tz, local)?,
            };
        }
        Some(out)
    }
}

/// What a [`ZoneDays`] entry remembers of a day.
#[derive(Debug, Clone, Copy)]
enum DayKind {
    /// The offset all of a UTC day.
    Utc = 0,
    /// The offset of every wall-clock time of a local day.
    Local = 1,
    /// When the offset changes on a local day, in seconds after its UTC
    /// midnight.
    Change = 2,
}

impl Clone for ZoneDays {
    fn clone(&self) -> Self {
        Self
    }
}

impl PartialEq for ZoneDays {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for ZoneDays {}

impl fmt::Debug for ZoneDays {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ZoneDays")
    }
}

/// The seeker's days off as another zone's calendar sees them: their own
/// holidays and vacations and the public holidays they observe, on the
/// dates of their zone. Their weekends and office hours are not days off:
/// a 09:00 call to Tokyo on a Sunday evening in New York is fine. The part
/// of a business day that falls on one of them is cut off; a day left with
/// nothing is no business day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DaysOff {
    /// The seeker's zone.
    pub tz: Tz,
    /// The seeker's own holiday and vacation dates.
    pub holidays: BTreeSet<NaiveDate>,
    /// The public holidays the seeker observes.
    pub national: NationalHolidays,
}

impl DaysOff {
    fn is_off(&self, date: NaiveDate) -> bool {
        self.holidays.contains(&date) || self.national.contains(date)
    }

    /// Whether any of the seeker's dates within two days of `date` is off.
    fn any_near(&self, date: NaiveDate) -> bool {
        (-2..=2).any(|d| {
            date.checked_add_signed(chrono::Duration::days(d))
                .is_some_and(|d| self.is_off(d))
        })
    }

    /// The part of `window` (shorter than a day, so on at most two of the
    /// seeker's dates) that falls on none of their days off.
    fn trim(&self, window: Range<DateTime<Utc>>) -> Option<Range<DateTime<Utc>>> {
        let first = window.start.with_timezone(&self.tz).date_naive();
        let first_off = self.is_off(first);
        let next = first.succ_opt()?;
        if !first_off && !self.is_off(next) {
            return Some(window);
        }
        let midnight = resolve(self.tz, next.and_time(NaiveTime::MIN))?;
        if midnight >= window.end {
            return (!first_off).then_some(window);
        }
        match (first_off, self.is_off(next)) {
            (false, false) => Some(window),
            (false, true) => Some(window.start..midnight),
            (true, false) => Some(midnight..window.end),
            (true, true) => None,
        }
    }
}

impl BusinessCalendar {
    /// Default hours (Mon–Fri 09:00–17:00) in `tz`, no holidays.
    pub fn new(tz: Tz) -> Self {
        Self {
            tz,
            hours: BusinessHours::default(),
            holidays: BTreeSet::new(),
            national: NationalHolidays::default(),
            days_off: None,
            zone_days: ZoneDays,
        }
    }

    /// The calendar of a contact in `tz` who observes `national` public
    /// holidays, for this (the seeker's) calendar: the seeker's business
    /// hours read in the contact's zone, the contact's public holidays, and
    /// none of the seeker's days off (their holidays and vacations in their
    /// own zone). See [`DaysOff`].
    pub fn for_contact(&self, tz: Tz, national: NationalHolidays) -> Self {
        Self {
            tz,
            hours: self.hours.clone(),
            holidays: BTreeSet::new(),
            national,
            days_off: (!self.holidays.is_empty() || !self.national.calendars().is_empty()).then(
                || {
                    Box::new(DaysOff {
                        tz: self.tz,
                        holidays: self.holidays.clone(),
                        national: self.national.clone(),
                    })
                },
            ),
            zone_days: ZoneDays,
        }
    }

    /// This calendar's zone.
    pub const fn tz(&self) -> Tz {
        self.tz
    }

    /// The local date of an instant in this calendar's zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        self.local(at).date()
    }

    /// An instant on this calendar's wall clock.
    pub fn local(&self, at: DateTime<Utc>) -> NaiveDateTime {
        self.zone_days.local(self.tz, at)
    }

    /// Open that weekday and not a holiday.
    pub fn is_business_day(&self, date: NaiveDate) -> bool {
        if !self.is_open_day(date) {
            return false;
        }
        match &self.days_off {
            // The day's hours fall on the seeker's dates two either side of
            // it at most; only when one of those is off is it worked out.
            Some(off) if off.any_near(date) => self.window(date).is_some(),
            _ => true,
        }
    }

    /// Open that weekday and not one of this calendar's holidays.
    fn is_open_day(&self, date: NaiveDate) -> bool {
        self.hours.on(date.weekday()).is_some()
            && !self.holidays.contains(&date)
            && !self.national.contains(date)
    }

    /// Whether `at` falls inside business hours (opening inclusive, closing exclusive).
    pub fn is_business_time(&self, at: DateTime<Utc>) -> bool {
        self.window(self.local_date(at))
            .is_some_and(|window| window.contains(&at))
    }

    /// The first business day strictly after `date`; `None` only past the
    /// last date chrono can represent.
    pub fn next_business_day(&self, date: NaiveDate) -> Option<NaiveDate> {
        self.add_business_days(date, 1)
    }

    /// The date `n` business days after `date` (before it when `n` is
    /// negative); `date` itself when `n` is 0. `None` past chrono's range.
    pub fn add_business_days(&self, date: NaiveDate, n: i32) -> Option<NaiveDate> {
        let mut date = date;
        let mut left = n.unsigned_abs();
        while left > 0 {
            date = if n > 0 {
                date.succ_opt()?
            } else {
                date.pred_opt()?
            };
            if self.is_business_day(date) {
                left -= 1;
            }
        }
        Some(date)
    }

    /// The opening instant of `date`, or `None` when it is not a business day.
    pub fn start_of_business(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        self.window(date).map(|window| window.start)
    }

    /// The closing instant of `date`, or `None` when it is not a business day.
    pub fn end_of_business(&self, date: NaiveDate) -> Option<DateTime<Utc>> {
        self.window(date).map(|window| window.end)
    }

    /// Whether `at` is the opening of a business day at the day's opening
    /// hour ("first thing"), not a later start left by one of the seeker's
    /// days off.
    pub fn is_opening(&self, at: DateTime<Utc>) -> bool {
        let date = self.local_date(at);
        self.start_of_business(date) == Some(at)
            && self
                .hours
                .on(date.weekday())
                .is_some_and(|h| self.local(at).time() == h.open())
    }

    /// The opening of `at`'s local day when it is a business day, else the
    /// next opening: when an open-ended "do it today" action falls due. It
    /// stays put all day (even after the close), so the agenda does not
    /// change from one minute to the next and a polling client's `ETag`
    /// holds; `None` only past chrono's range.
    pub fn opening_of_day(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.start_of_business(self.local_date(at))
            .or_else(|| self.next_business_instant(at))
    }

    /// `at` itself when inside business hours, else the next opening; `None`
    /// only past chrono's range.
    pub fn next_business_instant(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let mut date = self.local_date(at);
        loop {
            if let Some(window) = self.window(date) {
                if at < window.start {
                    return Some(window.start);
                }
                if at < window.end {
                    return Some(at);
                }
            }
            date = self.next_business_day(date)?;
        }
    }

    /// Which half of the day's hours `at` falls in; `None` outside business hours.
    pub fn half_of(&self, at: DateTime<Utc>) -> Option<DayHalf> {
        let date = self.local_date(at);
        let window = self.window(date)?;
        if !window.contains(&at) {
            return None;
        }
        let midpoint = self.midpoint(date, &window)?;
        Some(if at < midpoint {
            DayHalf::First
        } else {
            DayHalf::Second
        })
    }

    /// The instants of one half of `date`'s hours; `None` when not a business day.
    pub fn half_window(&self, date: NaiveDate, half: DayHalf) -> Option<Range<DateTime<Utc>>> {
        let window = self.window(date)?;
        let midpoint = self.midpoint(date, &window)?;
        Some(match half {
            DayHalf::First => window.start..midpoint,
            DayHalf::Second => midpoint..window.end,
        })
    }

    /// `date`'s business hours as instants; `None` when closed, or when a DST
    /// gap leaves the resolved hours empty.
    fn window(&self, date: NaiveDate) -> Option<Range<DateTime<Utc>>> {
        if !self.is_open_day(date) {
            return None;
        }
        let hours = self.hours.on(date.weekday())?;
        let [start, end] = self
            .zone_days
            .resolve(self.tz, date, [hours.open, hours.close])?;
        let window = (start < end).then_some(start..end)?;
        match &self.days_off {
            Some(off) => off.trim(window),
            None => Some(window),
        }
    }

    /// The instant of a wall-clock time in this calendar's zone,
    /// disambiguated as the module docs say; `None` only outside chrono's
    /// range.
    pub(crate) fn resolve(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        self.zone_days
            .resolve(self.tz, local.date(), [local.time()])
            .map(|[at]| at)
    }

    /// The midpoint instant of `date`, kept inside its window.
    fn midpoint(&self, date: NaiveDate, window: &Range<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        let hours = self.hours.on(date.weekday())?;
        let midpoint = self.resolve(date.and_time(hours.midpoint()))?;
        Some(midpoint.clamp(window.start, window.end))
    }
}

/// The instant of a local wall-clock time, disambiguated as the module docs
/// say; `None` only outside chrono's range.
pub(crate) fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
    if let Some(at) = tz.from_local_datetime(&local).earliest() {
        return Some(at.to_utc());
    }
    let day_before = local.checked_sub_days(Days::new(1))?;
    let offset_before_gap = tz.offset_from_utc_datetime(&day_before).fix();
    offset_before_gap
        .from_local_datetime(&local)
        .single()
        .map(|at| at.to_utc())
}

#[cfg(test)]
mod tests;
