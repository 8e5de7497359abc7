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
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone as _, Utc,
    Weekday,
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
        }
    }

    /// The local date of an instant in this calendar's zone.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
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
                .is_some_and(|h| at.with_timezone(&self.tz).time() == h.open())
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
        let start = resolve(self.tz, date.and_time(hours.open))?;
        let end = resolve(self.tz, date.and_time(hours.close))?;
        let window = (start < end).then_some(start..end)?;
        match &self.days_off {
            Some(off) => off.trim(window),
            None => Some(window),
        }
    }

    /// The midpoint instant of `date`, kept inside its window.
    fn midpoint(&self, date: NaiveDate, window: &Range<DateTime<Utc>>) -> Option<DateTime<Utc>> {
        let hours = self.hours.on(date.weekday())?;
        let midpoint = resolve(self.tz, date.and_time(hours.midpoint()))?;
        Some(midpoint.clamp(window.start, window.end))
    }
}

/// The instant of a local wall-clock time, disambiguated as the module docs
/// say; `None` only outside chrono's range.
fn resolve(tz: Tz, local: NaiveDateTime) -> Option<DateTime<Utc>> {
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
mod tests {

    use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, Utc, Weekday};
    use chrono_tz::Tz;
    use proptest::prelude::*;

    use super::{BusinessCalendar, BusinessHours, CalendarError, DayHalf, TimeZone};

    fn utc(rfc3339: &str) -> DateTime<Utc> {
        rfc3339.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn time(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).unwrap()
    }

    /// Default hours plus the given Sunday hours.
    fn with_sunday(tz: Tz, open: NaiveTime, close: NaiveTime) -> BusinessCalendar {
        let day = Some((time(9, 0), time(17, 0)));
        BusinessCalendar {
            hours: BusinessHours::new([day, day, day, day, day, None, Some((open, close))])
                .unwrap(),
            ..BusinessCalendar::new(tz)
        }
    }

    #[test]
    fn denver_opens_at_nine_local_on_both_sides_of_dst() {
        let cal = BusinessCalendar::new(Tz::America__Denver);
        // DST starts Sun 14 Mar 2027.
        assert_eq!(
            cal.start_of_business(date(2027, 3, 15)),
            Some(utc("2027-03-15T15:00:00Z"))
        );
        assert_eq!(
            cal.start_of_business(date(2027, 3, 8)),
            Some(utc("2027-03-08T16:00:00Z"))
        );
    }

    #[test]
    fn promise_broken_on_friday_is_followed_up_monday_morning() {
        let cal = BusinessCalendar::new(Tz::America__Denver);
        assert_eq!(
            cal.next_business_day(date(2027, 3, 12)),
            Some(date(2027, 3, 15))
        );
        // Due Fri 12 Mar 17:00 Denver (MST) = Sat 00:00Z; checked on Saturday.
        assert_eq!(
            cal.end_of_business(date(2027, 3, 12)),
            Some(utc("2027-03-13T00:00:00Z"))
        );
        assert_eq!(
            cal.next_business_instant(utc("2027-03-13T18:00:00Z")),
            Some(utc("2027-03-15T15:00:00Z"))
        );
    }

    #[test]
    fn jane_new_york_january_2010() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        // The promise is pending until Fri 8 Jan 17:00 New York.
        assert_eq!(
            cal.end_of_business(date(2010, 1, 8)),
            Some(utc("2010-01-08T22:00:00Z"))
        );
        assert_eq!(
            cal.start_of_business(date(2010, 1, 11)),
            Some(utc("2010-01-11T14:00:00Z"))
        );
        // Checked Mon 11 Jan 08:00 New York: due at the 09:00 opening.
        assert_eq!(
            cal.next_business_instant(utc("2010-01-11T13:00:00Z")),
            Some(utc("2010-01-11T14:00:00Z"))
        );
        // A week after the 10:00 e-mail is inside hours: due then.
        assert_eq!(
            cal.next_business_instant(utc("2010-01-18T15:00:00Z")),
            Some(utc("2010-01-18T15:00:00Z"))
        );
    }

    #[test]
    fn unanswered_morning_call_is_retried_next_afternoon() {
        let cal = BusinessCalendar::new(Tz::Europe__Berlin);
        // Tue 13 Apr 2027 09:30 Berlin (CEST).
        let call = utc("2027-04-13T07:30:00Z");
        let half = cal.half_of(call).unwrap();
        assert_eq!(half, DayHalf::First);
        let retry_day = cal.next_business_day(cal.local_date(call)).unwrap();
        assert_eq!(retry_day, date(2027, 4, 14));
        assert_eq!(
            cal.half_window(retry_day, half.other()),
            Some(utc("2027-04-14T11:00:00Z")..utc("2027-04-14T15:00:00Z"))
        );
        assert_eq!(
            cal.half_window(retry_day, DayHalf::First),
            Some(utc("2027-04-14T07:00:00Z")..utc("2027-04-14T11:00:00Z"))
        );
        assert_eq!(
            cal.half_of(utc("2027-04-13T11:00:00Z")),
            Some(DayHalf::Second)
        );
        assert_eq!(cal.half_of(utc("2027-04-13T15:00:00Z")), None);
    }

    #[test]
    fn competing_deadline_minus_two_business_days() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let share_by = cal.add_business_days(date(2027, 5, 21), -2).unwrap();
        assert_eq!(share_by, date(2027, 5, 19));
        assert_eq!(
            cal.end_of_business(share_by),
            Some(utc("2027-05-19T21:00:00Z"))
        );
    }

    #[test]
    fn out_of_office_return_opens_at_nine_local() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        assert_eq!(
            cal.start_of_business(date(2027, 7, 19)),
            Some(utc("2027-07-19T13:00:00Z"))
        );
    }

    #[test]
    fn holidays_are_skipped() {
        let mut cal = BusinessCalendar::new(Tz::America__New_York);
        cal.holidays
            .extend([date(2027, 5, 31), date(2027, 12, 24), date(2027, 12, 27)]);
        assert!(!cal.is_business_day(date(2027, 5, 31)));
        assert_eq!(cal.start_of_business(date(2027, 5, 31)), None);
        assert_eq!(
            cal.next_business_day(date(2027, 5, 28)),
            Some(date(2027, 6, 1))
        );
        // Fri 28 May 18:00 New York.
        assert_eq!(
            cal.next_business_instant(utc("2027-05-28T22:00:00Z")),
            Some(utc("2027-06-01T13:00:00Z"))
        );
        // Thu 23 Dec → Tue 28 Dec, across a holiday, a weekend and a holiday.
        assert_eq!(
            cal.next_business_day(date(2027, 12, 23)),
            Some(date(2027, 12, 28))
        );
        assert_eq!(
            cal.add_business_days(date(2027, 12, 28), -1),
            Some(date(2027, 12, 23))
        );
    }

    #[test]
    fn weekends_are_skipped() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let friday = date(2027, 4, 16);
        assert!(!cal.is_business_day(date(2027, 4, 17)));
        assert!(!cal.is_business_day(date(2027, 4, 18)));
        assert_eq!(cal.next_business_day(friday), Some(date(2027, 4, 19)));
        assert_eq!(cal.add_business_days(friday, 5), Some(date(2027, 4, 23)));
        assert_eq!(cal.add_business_days(friday, 0), Some(friday));
        // Saturday noon New York.
        assert!(!cal.is_business_time(utc("2027-04-17T16:00:00Z")));
        assert_eq!(
            cal.next_business_instant(utc("2027-04-17T16:00:00Z")),
            Some(utc("2027-04-19T13:00:00Z"))
        );
    }

    #[test]
    fn hours_are_half_open() {
        let cal = BusinessCalendar::new(Tz::UTC);
        assert!(!cal.is_business_time(utc("2027-04-19T08:59:59Z")));
        assert!(cal.is_business_time(utc("2027-04-19T09:00:00Z")));
        assert!(cal.is_business_time(utc("2027-04-19T16:59:59Z")));
        assert!(!cal.is_business_time(utc("2027-04-19T17:00:00Z")));
        assert_eq!(
            cal.next_business_instant(utc("2027-04-19T17:00:00Z")),
            Some(utc("2027-04-20T09:00:00Z"))
        );
    }

    #[test]
    fn opening_in_a_dst_gap_is_pushed_by_the_gap() {
        // New York springs forward 02:00 → 03:00 on Sun 14 Mar 2027.
        let cal = with_sunday(Tz::America__New_York, time(2, 30), time(4, 0));
        assert_eq!(
            cal.start_of_business(date(2027, 3, 14)),
            Some(utc("2027-03-14T07:30:00Z"))
        );
        assert_eq!(
            cal.end_of_business(date(2027, 3, 14)),
            Some(utc("2027-03-14T08:00:00Z"))
        );
    }

    #[test]
    fn repeated_local_time_is_its_first_occurrence() {
        // New York falls back 02:00 EDT → 01:00 EST on Sun 7 Nov 2027.
        let cal = with_sunday(Tz::America__New_York, time(1, 30), time(3, 0));
        assert_eq!(
            cal.start_of_business(date(2027, 11, 7)),
            Some(utc("2027-11-07T05:30:00Z"))
        );
        assert_eq!(
            cal.end_of_business(date(2027, 11, 7)),
            Some(utc("2027-11-07T08:00:00Z"))
        );
    }

    #[test]
    fn midpoint_splits_custom_hours() {
        let hours = BusinessHours::new([Some((time(8, 0), time(12, 30))); 7]).unwrap();
        assert_eq!(hours.on(Weekday::Sun).unwrap().midpoint(), time(10, 15));
        assert_eq!(
            BusinessHours::default()
                .on(Weekday::Mon)
                .unwrap()
                .midpoint(),
            time(13, 0)
        );
    }

    #[test]
    fn hours_must_close_after_they_open() {
        let day = Some((time(9, 0), time(17, 0)));
        let err = BusinessHours::new([
            day,
            Some((time(17, 0), time(9, 0))),
            day,
            day,
            day,
            None,
            None,
        ])
        .unwrap_err();
        assert_eq!(
            err,
            CalendarError::EmptyDay {
                weekday: Weekday::Tue,
                open: time(17, 0),
                close: time(9, 0)
            }
        );
        assert_eq!(
            err.to_string(),
            "business hours on Tue must close after they open (17:00:00–09:00:00)"
        );
        let same = BusinessHours::new([
            None,
            None,
            None,
            None,
            None,
            None,
            Some((time(9, 0), time(9, 0))),
        ]);
        assert!(matches!(
            same,
            Err(CalendarError::EmptyDay {
                weekday: Weekday::Sun,
                ..
            })
        ));
        assert_eq!(BusinessHours::new([None; 7]), Err(CalendarError::NoOpenDay));
    }

    #[test]
    fn time_zone_names_are_validated() {
        let zone = TimeZone::parse("America/Denver").unwrap();
        assert_eq!(zone.tz(), Tz::America__Denver);
        assert_eq!(zone.to_string(), "America/Denver");
        assert_eq!(
            TimeZone::parse("Mars/Olympus_Mons"),
            Err(CalendarError::UnknownTimeZone(
                "Mars/Olympus_Mons".to_owned()
            ))
        );
        assert!("america/denver".parse::<TimeZone>().is_err());
    }

    const ZONES: [Tz; 5] = [
        Tz::America__New_York,
        Tz::Europe__Berlin,
        Tz::America__Denver,
        Tz::Australia__Sydney,
        Tz::Asia__Kolkata,
    ];

    /// 2000-01-01T00:00:00Z and 2041-01-01T00:00:00Z as Unix seconds.
    const FROM: i64 = 946_684_800;
    const UNTIL: i64 = 2_240_524_800;

    fn instant() -> impl Strategy<Value = DateTime<Utc>> {
        (FROM..UNTIL).prop_map(|secs| DateTime::from_timestamp(secs, 0).unwrap())
    }

    fn day() -> impl Strategy<Value = NaiveDate> {
        instant().prop_map(|at| at.date_naive())
    }

    /// A default calendar in `tz` with holidays at the given day offsets from `around`.
    fn calendar(tz: Tz, around: NaiveDate, holiday_offsets: &[i64]) -> BusinessCalendar {
        let mut cal = BusinessCalendar::new(tz);
        cal.holidays = holiday_offsets
            .iter()
            .map(|&days| around + chrono::Duration::days(days))
            .collect();
        cal
    }

    proptest! {
        #[test]
        fn next_business_instant_is_the_first_business_moment_from_input(
            at in instant(),
            tz in prop::sample::select(ZONES.to_vec()),
            holidays in prop::collection::vec(-3i64..20, 0..10),
        ) {
            let cal = calendar(tz, at.date_naive(), &holidays);
            let next = cal.next_business_instant(at).unwrap();
            let day = cal.local_date(next);
            let local = next.with_timezone(&tz).time();

            prop_assert!(next >= at);
            prop_assert!(cal.is_business_time(next));
            prop_assert!(cal.is_business_day(day));
            prop_assert!(!cal.holidays.contains(&day));
            prop_assert!(!matches!(day.weekday(), Weekday::Sat | Weekday::Sun));
            prop_assert!(local >= time(9, 0) && local < time(17, 0));
            if cal.is_business_time(at) {
                prop_assert_eq!(next, at);
            } else {
                // An opening, and no business day skipped on the way.
                prop_assert_eq!(Some(next), cal.start_of_business(day));
                let from = cal.local_date(at);
                prop_assert!(day == from || Some(day) == cal.next_business_day(from));
            }
        }

        #[test]
        fn dst_never_moves_the_local_opening_or_closing(
            date in day(),
            tz in prop::sample::select(ZONES.to_vec()),
        ) {
            let cal = BusinessCalendar::new(tz);
            match (cal.start_of_business(date), cal.end_of_business(date)) {
                (Some(start), Some(end)) => {
                    prop_assert!(cal.is_business_day(date));
                    prop_assert_eq!(start.with_timezone(&tz).naive_local(), date.and_time(time(9, 0)));
                    prop_assert_eq!(end.with_timezone(&tz).naive_local(), date.and_time(time(17, 0)));
                    let midpoint = cal.half_window(date, DayHalf::Second).unwrap().start;
                    prop_assert_eq!(midpoint.with_timezone(&tz).naive_local(), date.and_time(time(13, 0)));
                }
                (None, None) => prop_assert!(!cal.is_business_day(date)),
                other => prop_assert!(false, "start and end disagree: {:?}", other),
            }
        }

        #[test]
        fn adding_business_days_round_trips_from_a_business_day(
            date in day(),
            n in -30i32..30,
            tz in prop::sample::select(ZONES.to_vec()),
            holidays in prop::collection::vec(-40i64..40, 0..10),
        ) {
            let cal = calendar(tz, date, &holidays);
            prop_assert_eq!(cal.add_business_days(date, 0), Some(date));
            if let Some(business) = cal.next_business_day(date) {
                let moved = cal.add_business_days(business, n).unwrap();
                prop_assert!(n == 0 || cal.is_business_day(moved));
                prop_assert_eq!(cal.add_business_days(moved, -n), Some(business));
            }
        }
    }
}
