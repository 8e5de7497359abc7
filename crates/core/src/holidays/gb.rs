//! Bank holidays of England and Wales.

use chrono::Weekday::Mon;

use super::When::{Easter, Fixed, Last, Nth};
use super::{Rule, rule};

/// Banking and Financial Dealings Act 1971, Schedule 1, and the royal
/// proclamations that fixed the May days (early May since 1978).
pub(super) const RULES: &[Rule] = &[
    rule("New Year's Day", Fixed(1, 1), 1974),
    rule("Good Friday", Easter(-2), 1971),
    rule("Easter Monday", Easter(1), 1971),
    rule("Early May bank holiday", Nth(5, Mon, 1), 1978),
    rule("Spring bank holiday", Last(5, Mon), 1971),
    rule("Summer bank holiday", Last(8, Mon), 1971),
    rule("Christmas Day", Fixed(12, 25), 1971),
    rule("Boxing Day", Fixed(12, 26), 1971),
];
