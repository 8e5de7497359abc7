//! Japan's national holidays (国民の祝日), by the Act on National Holidays
//! (国民の祝日に関する法律, Act No. 178 of 1948) as amended.
//!
//! Art. 2 lists the days; art. 3(2) makes the nearest following day that is
//! not a national holiday a substitute holiday (振替休日) when one falls on a
//! Sunday (the form in force since 2007); art. 3(3) makes a day between two
//! national holidays a holiday too (国民の休日, the citizens' holiday). The
//! equinox days are not dated by the Act: the Cabinet Office adopts the days
//! the National Astronomical Observatory announces each February for the
//! next year, which the standard approximation formula gives for 1980–2099.
//! The New Year bank closures (2–3 January) are not national holidays and are
//! not listed; nor are the one-off days of the 2019 enthronement.

use std::collections::BTreeSet;
use std::ops::RangeInclusive;

use chrono::{Datelike, NaiveDate, Weekday, Weekday::Mon};

use super::When::{Computed, Fixed, Moved, Nth};
use super::{Holiday, Rule, Weekend, rule};

pub(super) const SOURCE: &str = "Act on National Holidays (国民の祝日に関する法律, Act No. 178 of 1948), arts. 2 and 3, as the Cabinet Office lists the days; equinox days by the approximation formula for 1980–2099";

pub(super) const WEEKEND_RULE: &str = "Sunday: the next day that is not a national holiday is a substitute holiday (振替休日); Saturday: none. A day between two national holidays is a holiday too (国民の休日)";

pub(super) const COVERAGE: &str = "complete from 2007 (the current substitute-holiday rule) to 2099 (the equinox formula's range), except 2019, whose enthronement days are one-off; other years list the days by today's rules";

/// The years [`HolidayCalendar::holidays`](super::HolidayCalendar::holidays)
/// lists in full.
const COMPLETE: RangeInclusive<i32> = 2007..=2099;

pub(super) fn complete(year: i32) -> bool {
    COMPLETE.contains(&year) && year != 2019
}

/// Art. 2, with the years each form of a day was in force, and the moves of
/// the Tokyo Olympics special measures acts (2020 and 2021).
pub(super) const RULES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1949),
    rule("Coming of Age Day", Fixed(1, 15), 1949).until(1999),
    rule("Coming of Age Day", Nth(1, Mon, 2), 2000),
    rule("National Foundation Day", Fixed(2, 11), 1967),
    rule("The Emperor's Birthday", Fixed(4, 29), 1949).until(1988),
    rule("The Emperor's Birthday", Fixed(12, 23), 1989).until(2018),
    rule("The Emperor's Birthday", Fixed(2, 23), 2020),
    rule("Vernal Equinox Day", Computed(vernal_equinox), 1949),
    rule("Greenery Day", Fixed(4, 29), 1989).until(2006),
    rule("Showa Day", Fixed(4, 29), 2007),
    rule("Constitution Memorial Day", Fixed(5, 3), 1949),
    rule("Greenery Day", Fixed(5, 4), 2007),
    rule("Children's Day", Fixed(5, 5), 1949),
    rule("Marine Day", Fixed(7, 20), 1996).until(2002),
    rule(
        "Marine Day",
        Moved(&Nth(7, Mon, 3), &[(2020, 7, 23), (2021, 7, 22)]),
        2003,
    ),
    rule(
        "Mountain Day",
        Moved(&Fixed(8, 11), &[(2020, 8, 10), (2021, 8, 8)]),
        2016,
    ),
    rule("Respect for the Aged Day", Fixed(9, 15), 1966).until(2002),
    rule("Respect for the Aged Day", Nth(9, Mon, 3), 2003),
    rule("Autumnal Equinox Day", Computed(autumnal_equinox), 1948),
    rule("Health and Sports Day", Fixed(10, 10), 1966).until(1999),
    rule("Health and Sports Day", Nth(10, Mon, 2), 2000).until(2019),
    rule(
        "Sports Day",
        Moved(&Nth(10, Mon, 2), &[(2020, 7, 24), (2021, 7, 23)]),
        2020,
    ),
    rule("Culture Day", Fixed(11, 3), 1948),
    rule("Labor Thanksgiving Day", Fixed(11, 23), 1948),
];

/// The day of March or September of an equinox by the approximation formula
/// for 1980–2099 (as the National Astronomical Observatory of Japan's
/// almanac gives it): ⌊base + 0.242194 (y − 1980)⌋ − ⌊(y − 1980) / 4⌋, with
/// base 20.8431 for the vernal and 23.2488 for the autumnal equinox. Worked
/// in millionths, so it is exact.
fn equinox_day(year: i32, base_millionths: i64) -> Option<u32> {
    if !(1980..=2099).contains(&year) {
        return None;
    }
    let n = i64::from(year - 1980);
    let day = (base_millionths + 242_194 * n) / 1_000_000 - n / 4;
    u32::try_from(day).ok()
}

fn vernal_equinox(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 3, equinox_day(year, 20_843_100)?)
}

fn autumnal_equinox(year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 9, equinox_day(year, 23_248_800)?)
}

/// Art. 3(3): each day whose day before and day after are national holidays
/// and which is not one itself (since 1986; before 2007 not on a Sunday).
/// `nominal` holds the national holidays of the year, `taken` every day off
/// listed so far (a substitute holiday is not listed twice).
pub(super) fn citizens_holidays(
    year: i32,
    nominal: &[(NaiveDate, &'static str, Weekend)],
    taken: &BTreeSet<NaiveDate>,
) -> Vec<Holiday> {
    if year < 1986 {
        return Vec::new();
    }
    let national: BTreeSet<NaiveDate> = nominal.iter().map(|(d, _, _)| *d).collect();
    national
        .iter()
        .filter_map(|d| d.succ_opt())
        .filter(|day| !taken.contains(day))
        .filter(|day| day.succ_opt().is_some_and(|next| national.contains(&next)))
        .filter(|day| year >= 2007 || day.weekday() != Weekday::Sun)
        .filter(|day| day.year() == year)
        .map(|date| Holiday {
            date,
            name: "Citizens' Holiday",
            substitute: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::HolidayCalendar::Jp;
    use super::super::tests::{date, dates};

    /// The Cabinet Office's lists of national holidays (内閣府「国民の祝日」
    /// について), 2025–2027; 2027's was published on 2 February 2026 with the
    /// equinox days of the observatory's almanac.
    #[test]
    fn japan_as_the_cabinet_office_lists_it() {
        let list = |y: i32, days: &[(u32, u32)]| -> Vec<_> {
            days.iter().map(|&(m, d)| date(y, m, d)).collect()
        };
        assert_eq!(
            dates(Jp, 2025),
            list(
                2025,
                &[
                    (1, 1),
                    (1, 13),
                    (2, 11),
                    (2, 23),
                    (2, 24), // substitute: the Emperor's Birthday is a Sunday
                    (3, 20),
                    (4, 29),
                    (5, 3),
                    (5, 4),
                    (5, 5),
                    (5, 6), // substitute for Greenery Day (Sunday), after two holidays
                    (7, 21),
                    (8, 11),
                    (9, 15),
                    (9, 23),
                    (10, 13),
                    (11, 3),
                    (11, 23),
                    (11, 24),
                ]
            )
        );
        assert_eq!(
            dates(Jp, 2026),
            list(
                2026,
                &[
                    (1, 1),
                    (1, 12),
                    (2, 11),
                    (2, 23),
                    (3, 20),
                    (4, 29),
                    (5, 3),
                    (5, 4),
                    (5, 5),
                    (5, 6), // substitute for Constitution Memorial Day (Sunday)
                    (7, 20),
                    (8, 11),
                    (9, 21),
                    (9, 22), // citizens' holiday
                    (9, 23),
                    (10, 12),
                    (11, 3),
                    (11, 23),
                ]
            )
        );
        assert_eq!(
            dates(Jp, 2027),
            list(
                2027,
                &[
                    (1, 1),
                    (1, 11),
                    (2, 11),
                    (2, 23),
                    (3, 21),
                    (3, 22), // substitute: the vernal equinox is a Sunday
                    (4, 29),
                    (5, 3),
                    (5, 4),
                    (5, 5),
                    (7, 19),
                    (8, 11),
                    (9, 20),
                    (9, 23),
                    (10, 11),
                    (11, 3),
                    (11, 23),
                ]
            )
        );
        let y2026 = Jp.holidays(2026);
        let citizens = y2026.iter().find(|h| h.date == date(2026, 9, 22)).unwrap();
        assert_eq!(citizens.name, "Citizens' Holiday");
        assert!(!citizens.substitute);
        let may6 = y2026.iter().find(|h| h.date == date(2026, 5, 6)).unwrap();
        assert_eq!(
            (may6.name, may6.substitute),
            ("Constitution Memorial Day", true)
        );
        for year in 2025..=2027 {
            assert!(Jp.complete_for(year), "{year}");
        }
    }

    #[test]
    fn equinoxes_by_the_formula_match_the_almanac() {
        // Days the observatory's almanac announced.
        for (y, spring, autumn) in [
            (1980, 20, 23),
            (2000, 20, 23),
            (2012, 20, 22),
            (2016, 20, 22),
            (2020, 20, 22),
            (2023, 21, 23),
            (2024, 20, 22),
            (2025, 20, 23),
            (2026, 20, 23),
            (2027, 21, 23),
        ] {
            assert_eq!(super::vernal_equinox(y), Some(date(y, 3, spring)), "{y}");
            assert_eq!(super::autumnal_equinox(y), Some(date(y, 9, autumn)), "{y}");
        }
        assert_eq!(super::vernal_equinox(2100), None);
        assert!(!Jp.complete_for(2100));
        assert!(!Jp.complete_for(2006));
    }

    #[test]
    fn the_olympic_years_moved_three_days_and_2019_is_not_complete() {
        let y2020 = dates(Jp, 2020);
        for d in [date(2020, 7, 23), date(2020, 7, 24), date(2020, 8, 10)] {
            assert!(y2020.contains(&d), "{d}");
        }
        assert!(!y2020.contains(&date(2020, 7, 20)));
        assert!(!y2020.contains(&date(2020, 10, 12)));
        assert!(!y2020.contains(&date(2020, 8, 11)));
        let y2021 = dates(Jp, 2021);
        // Mountain Day on Sunday 8 August, the substitute on the 9th.
        for d in [
            date(2021, 7, 22),
            date(2021, 7, 23),
            date(2021, 8, 8),
            date(2021, 8, 9),
        ] {
            assert!(y2021.contains(&d), "{d}");
        }
        assert!(!Jp.complete_for(2019));
        // 2009: Respect for the Aged Day (21 Sep) and the autumnal equinox
        // (23 Sep) leave the 22nd between them.
        assert!(Jp.is_holiday(date(2009, 9, 22)));
    }
}
