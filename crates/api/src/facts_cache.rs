//! The facts of the seekers whose agendas were read lately, kept by their
//! `facts_revision`.
//!
//! The agenda kept for the minute ([`crate::agenda_cache`]) serves an app
//! that polls; an agenda at another instant (`?at=`), or in a new minute,
//! is evaluated again. Reading the seeker's pipeline from the database is
//! most of that work, and the pipeline has not changed unless the revision
//! did, so the facts read for one evaluation serve the next ones at any
//! instant. A write bumps the revision in its own transaction, so facts
//! kept at an older revision are never used: every replica sees the write
//! at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use followup_core::{Facts, Playbook};

/// One seeker's facts as read at one revision.
#[derive(Debug)]
pub struct KeptFacts {
    /// The `facts_revision` they were read at.
    pub revision: i64,
    /// The year around which public holidays were computed up front.
    pub year: i32,
    /// What the engine decides from.
    pub facts: Facts,
    /// The seeker's default playbook.
    pub playbook: Playbook,
}

impl KeptFacts {
    /// The facts and playbook of a snapshot read with holidays around
    /// `year`, at the revision it was read at.
    pub fn of(snapshot: followup_store::snapshot::Snapshot, year: i32) -> Self {
        Self {
            revision: snapshot.user.facts_revision,
            year,
            facts: snapshot.facts,
            playbook: snapshot.playbook,
        }
    }
}

/// Facts per seeker, at most `capacity` seekers.
#[derive(Debug)]
pub struct FactsCache {
    entries: Mutex<HashMap<String, Arc<KeptFacts>>>,
    capacity: usize,
}

impl FactsCache {
    /// A cache of at most `capacity` seekers' facts.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The seeker's facts when kept at `revision` or later, around `year`.
    pub fn get(&self, seeker: &str, revision: i64, year: i32) -> Option<Arc<KeptFacts>> {
        let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries
            .get(seeker)
            .filter(|kept| kept.revision >= revision && kept.year == year)
            .cloned()
    }

    /// Takes the seeker's facts out of the cache when they were kept at
    /// exactly `revision`, around `year`: for a write that turns them into
    /// the next revision's facts in place and keeps them again.
    pub fn take(&self, seeker: &str, revision: i64, year: i32) -> Option<Arc<KeptFacts>> {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        let kept = entries.get(seeker)?;
        if kept.revision != revision || kept.year != year {
            return None;
        }
        entries.remove(seeker)
    }

    /// Keeps `kept` for the seeker, unless newer facts are kept already.
    pub fn put(&self, seeker: &str, kept: Arc<KeptFacts>) {
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(current) = entries.get(seeker)
            && current.revision > kept.revision
        {
            return;
        }
        if entries.len() >= self.capacity
            && !entries.contains_key(seeker)
            && let Some(victim) = entries.keys().next().cloned()
        {
            entries.remove(&victim);
        }
        entries.insert(seeker.to_owned(), kept);
    }
}

#[cfg(test)]
mod tests {
    use followup_core::{BusinessCalendar, Seeker};

    use super::*;

    fn kept(revision: i64) -> Arc<KeptFacts> {
        Arc::new(KeptFacts {
            revision,
            year: 2026,
            facts: Facts {
                seeker: Seeker {
                    id: "s".to_owned(),
                    name: "S".to_owned(),
                    calendar: BusinessCalendar::new(chrono_tz::America::New_York),
                    locale: followup_core::l10n::Locale::default(),
                },
                opportunities: Vec::new(),
            },
            playbook: Playbook::balanced(),
        })
    }

    #[test]
    fn facts_serve_their_revision_and_older_requests_only() {
        let cache = FactsCache::new(4);
        cache.put("s", kept(3));
        assert!(cache.get("s", 3, 2026).is_some());
        assert!(cache.get("s", 2, 2026).is_some());
        assert!(cache.get("s", 4, 2026).is_none());
        assert!(cache.get("s", 3, 2027).is_none());
        assert!(cache.get("t", 0, 2026).is_none());
        // Older facts never replace newer ones.
        cache.put("s", kept(2));
        assert_eq!(cache.get("s", 0, 2026).unwrap().revision, 3);
        cache.put("s", kept(5));
        assert_eq!(cache.get("s", 0, 2026).unwrap().revision, 5);
    }

    #[test]
    fn facts_are_taken_at_their_exact_revision_only() {
        let cache = FactsCache::new(4);
        cache.put("s", kept(3));
        assert!(cache.take("s", 2, 2026).is_none());
        assert!(cache.take("s", 3, 2027).is_none());
        assert!(
            cache.get("s", 3, 2026).is_some(),
            "a refused take leaves them"
        );
        assert_eq!(cache.take("s", 3, 2026).unwrap().revision, 3);
        assert!(cache.get("s", 0, 2026).is_none(), "taken out");
    }

    #[test]
    fn the_cache_keeps_at_most_its_capacity() {
        let cache = FactsCache::new(2);
        for seeker in ["a", "b", "c"] {
            cache.put(seeker, kept(1));
        }
        let kept = ["a", "b", "c"]
            .iter()
            .filter(|s| cache.get(s, 0, 2026).is_some())
            .count();
        assert_eq!(kept, 2);
    }
}
