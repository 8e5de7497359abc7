//! Who an opportunity is with. Several opportunities may be at one employer
//! (two roles, a recruiter's listing and the direct one), and display names
//! differ ("ACME  Corp" and "Acme Corp"): employers are the same when their
//! names are, ignoring case and whitespace. The employer is the unit of the
//! rules that speak of one: an offer never competes with its own employer,
//! and the weekly e-mail cap counts per employer by default.
//!
//! Both name functions compare character by character and allocate nothing, so
//! the engine can group opportunities on every read.

use crate::wire::wire_enum;

/// The name's characters as compared: lowercase, without whitespace.
fn folded(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
}

/// The bytes of an ASCII name as compared: lowercase, without whitespace
/// (the same characters [`folded`] gives, for ASCII).
fn folded_ascii(name: &str) -> impl Iterator<Item = u8> + '_ {
    name.bytes()
        .filter(|b| !char::from(*b).is_whitespace())
        .map(|b| b.to_ascii_lowercase())
}

/// Whether two employer names name the same employer.
pub fn same_employer(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    if a.is_ascii() && b.is_ascii() {
        return folded_ascii(a).eq(folded_ascii(b));
    }
    folded(a).eq(folded(b))
}

/// A hash of the employer name as compared (FNV-1a over the folded
/// characters): equal for names [`same_employer`] finds equal. Groups
/// opportunities by employer without allocating; compare with
/// [`same_employer`] on a match, as hashes may collide.
pub fn employer_hash(name: &str) -> u64 {
    let step = |hash: u64, c: u64| (hash ^ c).wrapping_mul(0x0100_0000_01b3);
    if name.is_ascii() {
        return folded_ascii(name).fold(0xcbf2_9ce4_8422_2325, |hash, b| step(hash, b.into()));
    }
    folded(name).fold(0xcbf2_9ce4_8422_2325, |hash, c| {
        step(hash, u32::from(c).into())
    })
}

wire_enum! {
    /// What the weekly e-mail cap counts per (`email_weekly_cap.cap_scope`).
    pub enum CapScope as "cap scope" {
        /// Every contact at the employer, across all of the seeker's
        /// opportunities there: the hiring manager and the recruiter of one
        /// firm share one week's e-mail.
        Employer => "employer",
        /// Each contact on their own.
        Contact => "contact",
    }
}

impl CapScope {
    /// The wire names, for the rule catalogue.
    pub(crate) const NAMES: &'static [&'static str] = &["employer", "contact"];
}

#[cfg(test)]
mod tests {
    use super::{employer_hash, same_employer};

    #[test]
    fn names_match_ignoring_case_and_whitespace() {
        assert!(same_employer("Acme Corp", " ACME  corp "));
        assert!(same_employer("Acme Corp", "AcmeCorp"));
        assert!(same_employer("Ärzte Verlag", "ärzteverlag"));
        assert!(!same_employer("Acme", "Acme Corp"));
        assert!(!same_employer("Acme", ""));
        assert_eq!(employer_hash("Acme Corp"), employer_hash("acme\tcorp"));
        assert_ne!(employer_hash("Acme"), employer_hash("Acme Corp"));
    }

    proptest::proptest! {
        /// The ASCII shortcut agrees with the general comparison.
        #[test]
        fn ascii_names_compare_as_any_names(
            a in "[a-cA-C \\t\\x0b]{0,6}",
            b in "[a-cA-C \\t\\x0b]{0,6}",
        ) {
            let general = super::folded(&a).eq(super::folded(&b));
            proptest::prop_assert_eq!(same_employer(&a, &b), general);
            let hash = |name: &str| {
                super::folded(name).fold(0xcbf2_9ce4_8422_2325_u64, |hash, c| {
                    (hash ^ u64::from(u32::from(c))).wrapping_mul(0x0100_0000_01b3)
                })
            };
            proptest::prop_assert_eq!(employer_hash(&a), hash(&a));
        }
    }
}
