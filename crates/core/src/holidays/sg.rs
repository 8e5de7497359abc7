//! Singapore's public holidays: the schedule of the Holidays Act 1998, with
//! the dates the Ministry of Manpower (MOM) announces each year for the days
//! that follow lunar calendars or moon sightings (Chinese New Year, Hari Raya
//! Puasa, Vesak Day, Hari Raya Haji, Deepavali).
//!
//! New Year's Day, Good Friday, Labour Day, National Day and Christmas Day
//! are computed by rule; the others come from a dated table of MOM's lists
//! for 2025 and 2026. MOM's list for 2027 could not be confirmed when this
//! table was written, so 2027 is not in it: the rule days are listed and
//! [`complete`] says the year is not complete. When a public holiday falls on
//! a Sunday, the next day that is not itself a public holiday is one (the
//! Act, s. 4(2)): the second day of Chinese New Year on a Sunday gives the
//! Monday, the first day on a Sunday the Tuesday. A holiday on a Saturday
//! gives no public holiday (employers give a day off in lieu or pay). Polling
//! days (Parliamentary and Presidential Elections Acts) are one-off days and
//! are not listed.

use std::ops::RangeInclusive;

use super::When::{Easter, Fixed, Table};
use super::{Rule, rule};

pub(super) const SOURCE: &str =
    "Holidays Act 1998, Schedule and s. 4(2); the Ministry of Manpower's yearly list of dates";

pub(super) const WEEKEND_RULE: &str =
    "Sunday: the next day that is not already a public holiday is one too; Saturday: none";

pub(super) const COVERAGE: &str = "complete for 2025–2026, the years of the Ministry of Manpower's lists held; other years list only New Year's Day, Good Friday, Labour Day, National Day and Christmas Day (Chinese New Year, Hari Raya Puasa, Vesak Day, Hari Raya Haji and Deepavali are announced each year)";

/// The years of MOM's lists in the table.
const COMPLETE: RangeInclusive<i32> = 2025..=2026;

pub(super) fn complete(year: i32) -> bool {
    COMPLETE.contains(&year)
}

/// The Schedule of the Holidays Act 1998, dated by MOM for 2025 and 2026.
pub(super) const RULES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1966),
    rule(
        "Chinese New Year",
        Table(&[(2025, 1, 29), (2026, 2, 17)]),
        2025,
    ),
    rule(
        "Chinese New Year (second day)",
        Table(&[(2025, 1, 30), (2026, 2, 18)]),
        2025,
    ),
    rule("Good Friday", Easter(-2), 1966),
    rule(
        "Hari Raya Puasa",
        Table(&[(2025, 3, 31), (2026, 3, 21)]),
        2025,
    ),
    rule("Labour Day", Fixed(5, 1), 1966),
    rule("Vesak Day", Table(&[(2025, 5, 12), (2026, 5, 31)]), 2025),
    rule(
        "Hari Raya Haji",
        Table(&[(2025, 6, 7), (2026, 5, 27)]),
        2025,
    ),
    rule("National Day", Fixed(8, 9), 1966),
    rule("Deepavali", Table(&[(2025, 10, 20), (2026, 11, 8)]), 2025),
    rule("Christmas Day", Fixed(12, 25), 1966),
];

#[cfg(test)]
mod tests {
    use super::super::HolidayCalendar::Sg;
    use super::super::tests::{date, dates};

    /// MOM's lists of public holidays: for 2025 (released August 2024) and
    /// for 2026 (released 16 June 2025).
    #[test]
    fn singapore_as_the_ministry_of_manpower_lists_it() {
        assert_eq!(
            dates(Sg, 2025),
            [
                date(2025, 1, 1),
                date(2025, 1, 29),
                date(2025, 1, 30),
                date(2025, 3, 31),
                date(2025, 4, 18),
                date(2025, 5, 1),
                date(2025, 5, 12),
                // Hari Raya Haji and National Day on Saturdays: no other day.
                date(2025, 6, 7),
                date(2025, 8, 9),
                date(2025, 10, 20),
                date(2025, 12, 25),
            ]
        );
        assert_eq!(
            dates(Sg, 2026),
            [
                date(2026, 1, 1),
                date(2026, 2, 17),
                date(2026, 2, 18),
                date(2026, 3, 21),
                date(2026, 4, 3),
                date(2026, 5, 1),
                date(2026, 5, 27),
                // Vesak Day, National Day and Deepavali on Sundays: the
                // Mondays after.
                date(2026, 5, 31),
                date(2026, 6, 1),
                date(2026, 8, 9),
                date(2026, 8, 10),
                date(2026, 11, 8),
                date(2026, 11, 9),
                date(2026, 12, 25),
            ]
        );
        let monday = Sg
            .holidays(2026)
            .into_iter()
            .find(|h| h.date == date(2026, 8, 10))
            .unwrap();
        assert_eq!((monday.name, monday.substitute), ("National Day", true));
        assert!(Sg.complete_for(2025) && Sg.complete_for(2026));
    }

    /// MOM's list for 2027 could not be confirmed: the rule days only, and
    /// the calendar says the year is not complete.
    #[test]
    fn singapore_outside_the_table_has_only_the_rule_days_and_says_so() {
        assert_eq!(
            dates(Sg, 2027),
            [
                date(2027, 1, 1),
                date(2027, 3, 26),
                date(2027, 5, 1),
                date(2027, 8, 9),
                // National Day 2027 is a Monday; Christmas a Saturday.
                date(2027, 12, 25),
            ]
        );
        assert!(!Sg.complete_for(2027));
        assert!(Sg.coverage().contains("announced each year"));
    }
}
