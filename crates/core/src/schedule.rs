//! Scheduling helpers on top of [`BusinessCalendar`]: local-day arithmetic
//! that keeps wall-clock times across DST, promise due instants, call slots
//! (inside a contact's best time), the seeker's week, and the short date
//! formats used in reasons and drafts.

use std::fmt::Write as _;

use chrono::{
    DateTime, Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc,
};
use chrono_tz::Tz;

use crate::calendar::BusinessCalendar;
use crate::facts::{BestTime, PromiseDue};

/// How far ahead to look for a slot inside a best time before giving up on it.
const BEST_TIME_HORIZON_DAYS: u32 = 62;

/// The instant of a local wall-clock time, disambiguated like
/// [`BusinessCalendar`] does (RFC 5545 / Temporal `compatible`): the first of
/// a repeated time, a time in a gap shifted by the gap. `None` only outside
/// chrono's range. (The calendar keeps its own copy private.)
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

/// The same local wall-clock time `days` calendar days later in `tz` ("a week
/// later" is 10:00 again after a DST change, not 09:00 or 11:00).
pub(crate) fn add_local_days(tz: Tz, at: DateTime<Utc>, days: u32) -> Option<DateTime<Utc>> {
    let local = at.with_timezone(&tz).naive_local();
    resolve(tz, local.checked_add_days(Days::new(u64::from(days)))?)
}

/// The opening of the first business day on or after `date`.
pub(crate) fn opening_on_or_after(
    cal: &BusinessCalendar,
    date: NaiveDate,
) -> Option<DateTime<Utc>> {
    let mut day = date;
    for _ in 0..400 {
        if let Some(open) = cal.start_of_business(day) {
            return Some(open);
        }
        day = cal.next_business_day(day)?;
    }
    None
}

/// The first business-day opening strictly after `at` ("first thing the next
/// business morning").
pub(crate) fn opening_after(cal: &BusinessCalendar, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let date = cal.local_date(at);
    match cal.start_of_business(date) {
        Some(open) if open > at => Some(open),
        _ => opening_on_or_after(cal, date.succ_opt()?),
    }
}

/// When a promise falls due: a date means the close of business that day in
/// `cal`'s zone, or the next business day's opening when the date is not a
/// business day; an instant is itself.
pub(crate) fn promise_due_at(cal: &BusinessCalendar, due: PromiseDue) -> Option<DateTime<Utc>> {
    match due {
        PromiseDue::Instant(at) => Some(at),
        PromiseDue::Date(date) => cal
            .end_of_business(date)
            .or_else(|| opening_on_or_after(cal, date)),
    }
}

/// When a call can be placed: its start and the end of its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub(crate) start: DateTime<Utc>,
    pub(crate) end: DateTime<Utc>,
    /// The slot lies inside the contact's best time.
    pub(crate) best_time: bool,
}

/// The first call slot at or after `from`: inside business hours, and inside
/// `best` when given (business hours ∩ best time, on business days only). A
/// best time that never meets business hours within two months is ignored.
pub(crate) fn call_slot(
    cal: &BusinessCalendar,
    best: Option<&BestTime>,
    from: DateTime<Utc>,
) -> Option<Slot> {
    if let Some(best) = best {
        let mut day = cal.local_date(from);
        for _ in 0..BEST_TIME_HORIZON_DAYS {
            // The day's business hours (less any of the seeker's days off)
            // meet the best time.
            if best.allows(day.weekday())
                && let Some(open) = cal.start_of_business(day)
                && let Some(close) = cal.end_of_business(day)
            {
                let start = open.max(resolve(cal.tz, day.and_time(best.from()))?);
                let end = close.min(resolve(cal.tz, day.and_time(best.to()))?);
                if end > from && start < end {
                    return Some(Slot {
                        start: start.max(from),
                        end,
                        best_time: true,
                    });
                }
            }
            day = day.succ_opt()?;
        }
    }
    let start = cal.next_business_instant(from)?;
    let end = cal.end_of_business(cal.local_date(start))?;
    Some(Slot {
        start,
        end,
        best_time: false,
    })
}

/// The seeker's current week: local Monday 00:00 (or the first instant of
/// Monday when midnight falls in a DST gap).
pub(crate) fn week_start(tz: Tz, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let date = at.with_timezone(&tz).date_naive();
    let monday =
        date.checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))?;
    resolve(tz, monday.and_time(NaiveTime::MIN))
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Appends "Fri 8 Jan".
pub(crate) fn push_date(out: &mut String, date: NaiveDate) {
    let month = MONTHS[date.month0() as usize];
    let _ = write!(out, "{} {} {month}", date.weekday(), date.day());
}

/// Appends "Fri 8 Jan" for the local date of `at` in `tz`.
pub(crate) fn push_day(out: &mut String, tz: Tz, at: DateTime<Utc>) {
    push_date(out, at.with_timezone(&tz).date_naive());
}

/// Appends "Fri 8 Jan 17:00" for `at` in `tz`.
pub(crate) fn push_day_time(out: &mut String, tz: Tz, at: DateTime<Utc>) {
    let local = at.with_timezone(&tz);
    push_date(out, local.date_naive());
    push_time(out, local.time());
}

/// Appends " 09:00".
pub(crate) fn push_time(out: &mut String, time: NaiveTime) {
    use chrono::Timelike as _;
    let _ = write!(out, " {:02}:{:02}", time.hour(), time.minute());
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};
    use chrono_tz::Tz;

    use super::{
        add_local_days, call_slot, opening_after, promise_due_at, push_day_time, week_start,
    };
    use crate::calendar::BusinessCalendar;
    use crate::facts::{BestTime, PromiseDue};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_week_later_keeps_the_wall_clock_across_dst() {
        // Mon 8 Mar 2027 10:00 New York (EST) → Mon 15 Mar 10:00 (EDT).
        assert_eq!(
            add_local_days(Tz::America__New_York, utc("2027-03-08T15:00:00Z"), 7),
            Some(utc("2027-03-15T14:00:00Z"))
        );
    }

    #[test]
    fn promise_dates_close_at_end_of_business() {
        let cal = BusinessCalendar::new(Tz::America__Denver);
        assert_eq!(
            promise_due_at(&cal, PromiseDue::Date(date(2027, 3, 12))),
            Some(utc("2027-03-13T00:00:00Z"))
        );
        // A Saturday promise falls due at Monday's opening (after DST began).
        assert_eq!(
            promise_due_at(&cal, PromiseDue::Date(date(2027, 3, 13))),
            Some(utc("2027-03-15T15:00:00Z"))
        );
        assert_eq!(
            opening_after(&cal, utc("2027-03-13T00:00:00Z")),
            Some(utc("2027-03-15T15:00:00Z"))
        );
        // Before the opening on a business day: that morning.
        assert_eq!(
            opening_after(&cal, utc("2027-03-15T08:00:00Z")),
            Some(utc("2027-03-15T15:00:00Z"))
        );
        // At the opening itself: strictly after, so the next day.
        assert_eq!(
            opening_after(&cal, utc("2027-03-15T15:00:00Z")),
            Some(utc("2027-03-16T15:00:00Z"))
        );
    }

    #[test]
    fn calls_go_only_in_the_best_time() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let best = BestTime::parse("Tue, Thu 14:00–15:00").unwrap();
        // From Wed 14 Apr 2027 09:00 → Thu 15 Apr 14:00–15:00 New York.
        let slot = call_slot(&cal, Some(&best), utc("2027-04-14T13:00:00Z")).unwrap();
        assert_eq!(slot.start, utc("2027-04-15T18:00:00Z"));
        assert_eq!(slot.end, utc("2027-04-15T19:00:00Z"));
        assert!(slot.best_time);
        // Inside the window: now.
        let slot = call_slot(&cal, Some(&best), utc("2027-04-15T18:30:00Z")).unwrap();
        assert_eq!(slot.start, utc("2027-04-15T18:30:00Z"));
        // A best time outside business hours is ignored.
        let evening = BestTime::parse("19:00-20:00").unwrap();
        let slot = call_slot(&cal, Some(&evening), utc("2027-04-14T13:00:00Z")).unwrap();
        assert_eq!(slot.start, utc("2027-04-14T13:00:00Z"));
        assert!(!slot.best_time);
    }

    #[test]
    fn weeks_start_monday_local_midnight() {
        assert_eq!(
            week_start(Tz::America__New_York, utc("2010-01-15T17:00:00Z")),
            Some(utc("2010-01-11T05:00:00Z"))
        );
        let mut s = String::new();
        push_day_time(&mut s, Tz::America__New_York, utc("2010-01-08T22:00:00Z"));
        assert_eq!(s, "Fri 8 Jan 17:00");
    }
}
