//! France's public holidays.

use super::When::{Easter, Fixed};
use super::{Rule, rule};

/// Code du travail, article L3133-1.
pub(super) const RULES: &[Rule] = &[
    rule("Jour de l'an", Fixed(1, 1), 1946),
    rule("Lundi de Pâques", Easter(1), 1946),
    rule("Fête du Travail", Fixed(5, 1), 1946),
    rule("Victoire 1945", Fixed(5, 8), 1982),
    rule("Ascension", Easter(39), 1946),
    rule("Lundi de Pentecôte", Easter(50), 1946),
    rule("Fête nationale", Fixed(7, 14), 1946),
    rule("Assomption", Fixed(8, 15), 1946),
    rule("Toussaint", Fixed(11, 1), 1946),
    rule("Armistice 1918", Fixed(11, 11), 1946),
    rule("Noël", Fixed(12, 25), 1946),
];
