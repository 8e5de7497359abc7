//! Scheduling helpers on top of [`BusinessCalendar`]: local-day arithmetic
//! that keeps wall-clock times across DST, promise due instants, call slots
//! (inside a contact's best time), the seeker's week, and the short date
//! formats used in reasons and drafts.

use chrono::{DateTime, Datelike, Days, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use crate::calendar::{BusinessCalendar, resolve};
use crate::facts::{BestTime, PromiseDue};

/// How far ahead to look for a slot inside a best time before giving up on it.
const BEST_TIME_HORIZON_DAYS: u32 = 62;

/// The same local wall-clock time `days` calendar days later in `tz` ("a week
/// later" is 10:00 again after a DST change, not 09:00 or 11:00).
pub(crate) fn add_local_days(
    cal: &BusinessCalendar,
    at: DateTime<Utc>,
    days: u32,
) -> Option<DateTime<Utc>> {
    cal.resolve(cal.local(at).checked_add_days(Days::new(u64::from(days)))?)
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
                let start = open.max(cal.resolve(day.and_time(best.from()))?);
                let end = close.min(cal.resolve(day.and_time(best.to()))?);
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

/// Weekday abbreviations, Monday first.
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Appends "Fri 8 Jan".
pub(crate) fn push_date(out: &mut String, date: NaiveDate) {
    out.push_str(WEEKDAYS[date.weekday().num_days_from_monday() as usize]);
    out.push(' ');
    push_number(out, date.day(), 1);
    out.push(' ');
    out.push_str(MONTHS[date.month0() as usize]);
}

/// Appends "Fri 8 Jan 17:00" for `at` in `cal`'s zone.
#[cfg(test)]
pub(crate) fn push_day_time(out: &mut String, cal: &BusinessCalendar, at: DateTime<Utc>) {
    let local = cal.local(at);
    push_date(out, local.date());
    push_time(out, local.time());
}

/// Appends " 09:00".
pub(crate) fn push_time(out: &mut String, time: NaiveTime) {
    use chrono::Timelike as _;
    out.push(' ');
    push_number(out, time.hour(), 2);
    out.push(':');
    push_number(out, time.minute(), 2);
}

/// Appends `n` in decimal, zero-padded to `width` digits.
fn push_number(out: &mut String, n: u32, width: usize) {
    let mut digits = [b'0'; 10];
    let mut len = 0;
    let mut rest = n;
    while rest > 0 || len < width.max(1) {
        if let Some(d) = digits.get_mut(len) {
            *d = b'0' + u8::try_from(rest % 10).unwrap_or(0);
        }
        rest /= 10;
        len += 1;
    }
    for &d in digits[..len.min(digits.len())].iter().rev() {
        out.push(char::from(d));
    }
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
            add_local_days(
                &BusinessCalendar::new(Tz::America__New_York),
                utc("2027-03-08T15:00:00Z"),
                7
            ),
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
        push_day_time(
            &mut s,
            &BusinessCalendar::new(Tz::America__New_York),
            utc("2010-01-08T22:00:00Z"),
        );
        assert_eq!(s, "Fri 8 Jan 17:00");
    }
}
