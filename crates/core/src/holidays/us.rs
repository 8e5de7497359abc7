//! United States federal holidays.

use chrono::Weekday::{Mon, Thu};

use super::When::{Fixed, Last, Nth};
use super::{Rule, rule};

/// 5 U.S.C. § 6103(a).
pub(super) const RULES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1870),
    rule("Birthday of Martin Luther King, Jr.", Nth(1, Mon, 3), 1986),
    rule("Washington's Birthday", Nth(2, Mon, 3), 1971),
    rule("Memorial Day", Last(5, Mon), 1971),
    rule("Juneteenth National Independence Day", Fixed(6, 19), 2021),
    rule("Independence Day", Fixed(7, 4), 1870),
    rule("Labor Day", Nth(9, Mon, 1), 1894),
    rule("Columbus Day", Nth(10, Mon, 2), 1971),
    rule("Veterans Day", Fixed(11, 11), 1978),
    rule("Thanksgiving Day", Nth(11, Thu, 4), 1942),
    rule("Christmas Day", Fixed(12, 25), 1870),
];
