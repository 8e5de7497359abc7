//! India: the holidays of the central government's administrative offices
//! at Delhi/New Delhi, as the Department of Personnel and Training (DoPT)
//! orders them each year ("Holidays to be observed in Central Government
//! offices during the year …", Annexure I).
//!
//! The three national holidays (Republic Day, Independence Day, Mahatma
//! Gandhi's Birthday) are fixed days, and Good Friday and Christmas Day are
//! in every year's compulsory list, so these five are computed by rule. The
//! others follow lunar calendars or moon sightings and are announced each
//! year, so they come from a dated table of the orders: 2025 (the order of
//! 2024) and 2026 (the order of June 2025). No DoPT order for 2027 could be
//! confirmed when this table was written, so 2027 is not in it: its five
//! rule days are listed, and [`complete`] says the year is not complete.
//! The Islamic holidays' dates may be changed nearer the day after the moon
//! is sighted; the table holds the dates as ordered. Restricted holidays
//! (two of an employee's choosing) are not listed.

use std::ops::RangeInclusive;

use super::When::{Easter, Fixed, Table};
use super::{Rule, rule};

pub(super) const SOURCE: &str = "the DoPT's yearly orders of holidays for central government offices at Delhi/New Delhi (Annexure I); the national holidays by rule";

pub(super) const WEEKEND_RULE: &str = "none: a holiday on a weekend is not moved";

pub(super) const COVERAGE: &str = "complete for 2025–2026, the years of the DoPT orders held; other years list only Republic Day, Independence Day, Mahatma Gandhi's Birthday, Good Friday and Christmas Day";

/// The years of the DoPT orders in the table.
const COMPLETE: RangeInclusive<i32> = 2025..=2026;

pub(super) fn complete(year: i32) -> bool {
    COMPLETE.contains(&year)
}

/// Annexure I of the DoPT orders for 2025 and 2026, in the order's order.
pub(super) const RULES: &[Rule] = &[
    rule("Republic Day", Fixed(1, 26), 1950),
    rule("Maha Shivaratri", Table(&[(2025, 2, 26)]), 2025),
    rule("Holi", Table(&[(2025, 3, 14), (2026, 3, 4)]), 2025),
    rule("Id-ul-Fitr", Table(&[(2025, 3, 31), (2026, 3, 21)]), 2025),
    rule("Ram Navami", Table(&[(2026, 3, 26)]), 2025),
    rule(
        "Mahavir Jayanti",
        Table(&[(2025, 4, 10), (2026, 3, 31)]),
        2025,
    ),
    rule("Good Friday", Easter(-2), 1950),
    rule(
        "Buddha Purnima",
        Table(&[(2025, 5, 12), (2026, 5, 1)]),
        2025,
    ),
    rule(
        "Id-ul-Zuha (Bakrid)",
        Table(&[(2025, 6, 7), (2026, 5, 27)]),
        2025,
    ),
    rule("Muharram", Table(&[(2025, 7, 6), (2026, 6, 26)]), 2025),
    rule("Independence Day", Fixed(8, 15), 1947),
    rule("Janmashtami", Table(&[(2025, 8, 16), (2026, 9, 4)]), 2025),
    rule(
        "Milad-un-Nabi or Id-e-Milad",
        Table(&[(2025, 9, 5), (2026, 8, 26)]),
        2025,
    ),
    rule("Mahatma Gandhi's Birthday", Fixed(10, 2), 1950),
    rule("Dussehra", Table(&[(2025, 10, 2), (2026, 10, 20)]), 2025),
    rule(
        "Diwali (Deepavali)",
        Table(&[(2025, 10, 20), (2026, 11, 8)]),
        2025,
    ),
    rule(
        "Guru Nanak's Birthday",
        Table(&[(2025, 11, 5), (2026, 11, 24)]),
        2025,
    ),
    rule("Christmas Day", Fixed(12, 25), 1950),
];

#[cfg(test)]
mod tests {
    use super::super::HolidayCalendar::In;
    use super::super::tests::{date, dates};

    /// Annexure I of the DoPT's orders of holidays for central government
    /// offices at Delhi/New Delhi: 17 holidays each year (2025: Mahatma
    /// Gandhi's Birthday and Dussehra both on 2 October).
    #[test]
    fn india_as_the_dopt_orders_list_it() {
        assert_eq!(
            dates(In, 2025),
            [
                date(2025, 1, 26),
                date(2025, 2, 26),
                date(2025, 3, 14),
                date(2025, 3, 31),
                date(2025, 4, 10),
                date(2025, 4, 18),
                date(2025, 5, 12),
                date(2025, 6, 7),
                date(2025, 7, 6),
                date(2025, 8, 15),
                date(2025, 8, 16),
                date(2025, 9, 5),
                date(2025, 10, 2),
                date(2025, 10, 2),
                date(2025, 10, 20),
                date(2025, 11, 5),
                date(2025, 12, 25),
            ]
        );
        assert_eq!(
            dates(In, 2026),
            [
                date(2026, 1, 26),
                date(2026, 3, 4),
                date(2026, 3, 21),
                date(2026, 3, 26),
                date(2026, 3, 31),
                date(2026, 4, 3),
                date(2026, 5, 1),
                date(2026, 5, 27),
                date(2026, 6, 26),
                date(2026, 8, 15),
                date(2026, 8, 26),
                date(2026, 9, 4),
                date(2026, 10, 2),
                date(2026, 10, 20),
                date(2026, 11, 8),
                date(2026, 11, 24),
                date(2026, 12, 25),
            ]
        );
        assert!(In.complete_for(2025) && In.complete_for(2026));
    }

    /// No DoPT order for 2027 could be confirmed: only the days by rule, and
    /// the calendar says the year is not complete.
    #[test]
    fn india_outside_the_table_has_only_the_rule_days_and_says_so() {
        assert_eq!(
            dates(In, 2027),
            [
                date(2027, 1, 26),
                date(2027, 3, 26),
                date(2027, 8, 15),
                date(2027, 10, 2),
                date(2027, 12, 25),
            ]
        );
        assert!(!In.complete_for(2027));
        assert!(!In.complete_for(2024));
        assert!(In.coverage().contains("2025–2026"));
    }
}
