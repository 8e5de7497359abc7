//! Germany's nationwide public holidays.

use super::When::{Easter, Fixed};
use super::{Rule, rule};

/// The holidays every German Land keeps (Tag der Deutschen Einheit by the
/// Unification Treaty, art. 2(2)).
pub(super) const RULES: &[Rule] = &[
    rule("Neujahr", Fixed(1, 1), 1949),
    rule("Karfreitag", Easter(-2), 1949),
    rule("Ostermontag", Easter(1), 1949),
    rule("Tag der Arbeit", Fixed(5, 1), 1949),
    rule("Christi Himmelfahrt", Easter(39), 1949),
    rule("Pfingstmontag", Easter(50), 1949),
    rule("Tag der Deutschen Einheit", Fixed(10, 3), 1990),
    rule("Erster Weihnachtstag", Fixed(12, 25), 1949),
    rule("Zweiter Weihnachtstag", Fixed(12, 26), 1949),
];
