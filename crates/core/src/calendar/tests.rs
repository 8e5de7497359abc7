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
        hours: BusinessHours::new([day, day, day, day, day, None, Some((open, close))]).unwrap(),
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

/// Zones whose offsets change in unusual ways: half-hour and 45-minute
/// offsets, a 30-minute DST (Lord Howe), DST in the southern hemisphere, a
/// day skipped at the date line (Apia, 30 Dec 2011), Ramadan suspensions of
/// DST (Casablanca), and zones without DST.
const ODD_ZONES: [Tz; 12] = [
    Tz::America__New_York,
    Tz::Europe__London,
    Tz::Europe__Berlin,
    Tz::Australia__Lord_Howe,
    Tz::Australia__Sydney,
    Tz::Asia__Kathmandu,
    Tz::Asia__Kolkata,
    Tz::Pacific__Apia,
    Tz::Pacific__Chatham,
    Tz::Africa__Casablanca,
    Tz::America__Santiago,
    Tz::Asia__Tokyo,
];

/// The remembered offsets give what chrono-tz gives, every 20 minutes of
/// two years, in every zone above, asked in order and out of order.
#[test]
fn remembered_offsets_equal_the_time_zone_database() {
    for tz in ODD_ZONES {
        let cal = BusinessCalendar::new(tz);
        for start in ["2011-12-25T00:00:00Z", "2026-01-01T00:00:00Z"] {
            let start = utc(start);
            for step in (0..2 * 53 * 7 * 72).map(|n| (n * 7919) % (2 * 53 * 7 * 72)) {
                let at = start + chrono::Duration::minutes(20 * step);
                let local = at.with_timezone(&tz).naive_local();
                assert_eq!(cal.local(at), local, "{tz} at {at}");
                assert_eq!(
                    cal.resolve(local),
                    super::resolve(tz, local),
                    "{tz} {local}"
                );
            }
        }
    }
}

/// Every half hour of the wall clock for two years, those in the gaps and
/// overlaps of every change included, resolves as chrono-tz resolves it.
#[test]
fn remembered_offsets_resolve_every_half_hour_of_two_years() {
    for tz in ODD_ZONES {
        let cal = BusinessCalendar::new(tz);
        let start = date(2026, 1, 1).and_time(NaiveTime::MIN);
        for step in 0..(2 * 366 * 48) {
            let local = start + chrono::Duration::minutes(30 * step);
            assert_eq!(
                cal.resolve(local),
                super::resolve(tz, local),
                "{tz} {local}"
            );
        }
    }
}

proptest! {
    /// Wall-clock times that do not exist or exist twice resolve as the
    /// module docs say, with the table as without it.
    #[test]
    fn remembered_offsets_resolve_any_wall_clock_time(
        zone in 0..ODD_ZONES.len(),
        days in 0i64..(200 * 366),
        minute in 0i64..(24 * 60),
    ) {
        let tz = ODD_ZONES[zone];
        let cal = BusinessCalendar::new(tz);
        let local = date(1930, 1, 1).and_time(NaiveTime::MIN)
            + chrono::Duration::days(days)
            + chrono::Duration::minutes(minute);
        // Ask about the neighbouring days first, so the table is warm.
        let _ = cal.resolve(local - chrono::Duration::days(1));
        let _ = cal.local(local.and_utc());
        prop_assert_eq!(cal.resolve(local), super::resolve(tz, local));
        let at = local.and_utc();
        prop_assert_eq!(cal.local(at), at.with_timezone(&tz).naive_local());
    }
}
