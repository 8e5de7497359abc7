//! Canada's federal general holidays: the ten days of the Canada Labour Code,
//! s. 166, which federally regulated workplaces and the federal government
//! keep. Provincial holidays (Family Day, Saint-Jean-Baptiste, the Civic
//! Holiday) and Easter Monday, which the federal public service takes by
//! collective agreement, are not general holidays under the Code and are not
//! listed.
//!
//! The weekend rule is s. 193(2): when New Year's Day, Canada Day, the
//! National Day for Truth and Reconciliation, Remembrance Day, Christmas Day
//! or Boxing Day falls on a Saturday or Sunday that is a non-working day, the
//! employee gets the working day immediately before or after it. The Code
//! leaves the choice to the employer; this calendar takes the working day
//! after (as the federal public service does, and as the Holidays Act moves
//! Canada Day to 2 July when 1 July is a Sunday), skipping a day already off:
//! Christmas on a Saturday and Boxing Day on a Sunday give Monday and
//! Tuesday. The other four days always fall on a Friday or a Monday.

use chrono::Weekday::Mon;

use super::When::{Before, Easter, Fixed, Nth};
use super::{Rule, rule};

pub(super) const SOURCE: &str =
    "Canada Labour Code, s. 166 (general holidays) and s. 193(2) for the weekend rule";

pub(super) const WEEKEND_RULE: &str = "Saturday or Sunday: the day stays a holiday and the next working day that is not already one is a holiday too (s. 193(2) allows the working day before or after; this calendar keeps the one after)";

/// Canada Labour Code, s. 166, "general holiday".
pub(super) const RULES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1965),
    rule("Good Friday", Easter(-2), 1965),
    // The Monday before 25 May (Holidays Act / proclamation since 1952).
    rule("Victoria Day", Before(5, 25, Mon), 1965),
    rule("Canada Day", Fixed(7, 1), 1965),
    rule("Labour Day", Nth(9, Mon, 1), 1965),
    // S.C. 2021, c. 11, in force 3 August 2021.
    rule(
        "National Day for Truth and Reconciliation",
        Fixed(9, 30),
        2021,
    ),
    // The second Monday of October, by proclamation since 1957.
    rule("Thanksgiving Day", Nth(10, Mon, 2), 1965),
    rule("Remembrance Day", Fixed(11, 11), 1965),
    rule("Christmas Day", Fixed(12, 25), 1965),
    rule("Boxing Day", Fixed(12, 26), 1965),
];

#[cfg(test)]
mod tests {
    use super::super::HolidayCalendar::Ca;
    use super::super::tests::{date, dates};

    /// The general holidays as the Government of Canada lists them for
    /// federally regulated employers ("General holidays", Labour Program,
    /// canada.ca), 2025–2027, with the s. 193(2) days after a weekend.
    #[test]
    fn canada_federal_general_holidays() {
        assert_eq!(
            dates(Ca, 2025),
            [
                date(2025, 1, 1),
                date(2025, 4, 18),
                date(2025, 5, 19),
                date(2025, 7, 1),
                date(2025, 9, 1),
                date(2025, 9, 30),
                date(2025, 10, 13),
                date(2025, 11, 11),
                date(2025, 12, 25),
                date(2025, 12, 26),
            ]
        );
        assert_eq!(
            dates(Ca, 2026),
            [
                date(2026, 1, 1),
                date(2026, 4, 3),
                // 25 May 2026 is a Monday: the Monday before it.
                date(2026, 5, 18),
                date(2026, 7, 1),
                date(2026, 9, 7),
                date(2026, 9, 30),
                date(2026, 10, 12),
                date(2026, 11, 11),
                date(2026, 12, 25),
                // Boxing Day on a Saturday, and the Monday after.
                date(2026, 12, 26),
                date(2026, 12, 28),
            ]
        );
        assert_eq!(
            dates(Ca, 2027),
            [
                date(2027, 1, 1),
                date(2027, 3, 26),
                date(2027, 5, 24),
                date(2027, 7, 1),
                date(2027, 9, 6),
                date(2027, 9, 30),
                date(2027, 10, 11),
                date(2027, 11, 11),
                // Christmas on a Saturday, Boxing Day on a Sunday.
                date(2027, 12, 25),
                date(2027, 12, 26),
                date(2027, 12, 27),
                date(2027, 12, 28),
            ]
        );
        let y2027 = Ca.holidays(2027);
        let tuesday = y2027.iter().find(|h| h.date == date(2027, 12, 28)).unwrap();
        assert_eq!((tuesday.name, tuesday.substitute), ("Boxing Day", true));
        // Canada Day on a Sunday (2029): Monday 2 July.
        assert!(Ca.is_holiday(date(2029, 7, 2)));
        assert!(
            !Ca.is_holiday(date(2020, 9, 30)),
            "Truth and Reconciliation from 2021"
        );
        assert!(!Ca.is_holiday(date(2026, 4, 6)), "Easter Monday is not one");
    }
}
