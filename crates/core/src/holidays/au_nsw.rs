//! New South Wales public holidays: the Public Holidays Act 2010 (NSW), s. 4
//! ("standard public holidays"), in the form substituted by Schedule 2.2 of
//! the Act, which commenced on 31 December 2011.
//!
//! The weekend rules are the Act's own, holiday by holiday: New Year's Day,
//! Christmas Day and Boxing Day stay public holidays on a weekend and add one
//! on the next weekday (Christmas on a Sunday: the Tuesday, Monday being
//! Boxing Day); Australia Day on a weekend moves to the Monday instead; Anzac
//! Day and the Easter weekend never move. The Bank Holiday (first Monday of
//! August) applies to banks and some financial institutions only (Retail
//! Trading Act 2008 (NSW)), so it is not listed; nor are the days a Minister
//! declares for a year or a region (s. 5, s. 6).

use std::ops::RangeFrom;

use chrono::Weekday::Mon;

use super::When::{Easter, Fixed, Nth};
use super::{Rule, Weekend, rule};

pub(super) const SOURCE: &str = "Public Holidays Act 2010 (NSW), s. 4";

pub(super) const WEEKEND_RULE: &str = "New Year's Day, Christmas Day and Boxing Day on a weekend: an additional public holiday on the next weekday that is not already one; Australia Day on a weekend: the Monday instead; Anzac Day: not moved";

pub(super) const COVERAGE: &str = "complete from 2012, when section 4 took its present form; earlier years list the days by today's rules";

const COMPLETE: RangeFrom<i32> = 2012..;

pub(super) fn complete(year: i32) -> bool {
    COMPLETE.contains(&year)
}

/// s. 4(a)–(k).
pub(super) const RULES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 2011),
    rule("Australia Day", Fixed(1, 26), 2011).on_weekend(Weekend::NextFree),
    rule("Good Friday", Easter(-2), 2011),
    rule("Easter Saturday", Easter(-1), 2011).on_weekend(Weekend::Kept),
    rule("Easter Sunday", Easter(0), 2011).on_weekend(Weekend::Kept),
    rule("Easter Monday", Easter(1), 2011),
    rule("Anzac Day", Fixed(4, 25), 2011).on_weekend(Weekend::Kept),
    rule("Queen's Birthday", Nth(6, Mon, 2), 2011).until(2022),
    // Renamed by Act No 59 of 2022, from the 2023 holiday.
    rule("King's Birthday", Nth(6, Mon, 2), 2023),
    rule("Labour Day", Nth(10, Mon, 1), 2011),
    rule("Christmas Day", Fixed(12, 25), 2011),
    rule("Boxing Day", Fixed(12, 26), 2011),
];

#[cfg(test)]
mod tests {
    use super::super::HolidayCalendar::AuNsw;
    use super::super::tests::{date, dates};

    /// The NSW Government's list of public holidays (nsw.gov.au, "Public
    /// holidays in NSW"), 2025–2027, without the banks' Bank Holiday.
    #[test]
    fn new_south_wales_as_the_state_lists_it() {
        assert_eq!(
            dates(AuNsw, 2025),
            [
                date(2025, 1, 1),
                // Australia Day is a Sunday: Monday instead.
                date(2025, 1, 27),
                date(2025, 4, 18),
                date(2025, 4, 19),
                date(2025, 4, 20),
                date(2025, 4, 21),
                date(2025, 4, 25),
                date(2025, 6, 9),
                date(2025, 10, 6),
                date(2025, 12, 25),
                date(2025, 12, 26),
            ]
        );
        assert_eq!(
            dates(AuNsw, 2026),
            [
                date(2026, 1, 1),
                date(2026, 1, 26),
                date(2026, 4, 3),
                date(2026, 4, 4),
                date(2026, 4, 5),
                date(2026, 4, 6),
                // Anzac Day on a Saturday: no other day.
                date(2026, 4, 25),
                date(2026, 6, 8),
                date(2026, 10, 5),
                date(2026, 12, 25),
                date(2026, 12, 26),
                date(2026, 12, 28),
            ]
        );
        assert_eq!(
            dates(AuNsw, 2027),
            [
                date(2027, 1, 1),
                date(2027, 1, 26),
                date(2027, 3, 26),
                date(2027, 3, 27),
                date(2027, 3, 28),
                date(2027, 3, 29),
                date(2027, 4, 25),
                date(2027, 6, 14),
                date(2027, 10, 4),
                date(2027, 12, 25),
                date(2027, 12, 26),
                date(2027, 12, 27),
                date(2027, 12, 28),
            ]
        );
        // Christmas on a Sunday (2022): Boxing Day Monday, the additional
        // day Tuesday; New Year's Day on a Saturday (2022): Monday too.
        let y2022 = dates(AuNsw, 2022);
        for d in [
            date(2022, 1, 1),
            date(2022, 1, 3),
            date(2022, 12, 26),
            date(2022, 12, 27),
        ] {
            assert!(y2022.contains(&d), "{d}");
        }
        assert!(!AuNsw.is_holiday(date(2025, 1, 26)), "moved, not added");
        assert!(!AuNsw.is_holiday(date(2025, 8, 4)), "banks only");
        assert!(AuNsw.complete_for(2026));
        assert!(!AuNsw.complete_for(2005));
    }
}
