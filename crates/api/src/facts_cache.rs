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
//!
//! The facts are kept packed ([`PackedOpportunities`]): a few kilobytes a
//! seeker in one allocation, where the structs took four times as much in
//! dozens, so that a server keeps every active seeker's facts in little
//! memory. Each use unpacks them: about 10 µs for a seeker of 170
//! interactions, half of evaluating their agenda.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use followup_core::{Facts, PackedOpportunities, Playbook, Seeker};

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

/// [`KeptFacts`] as the cache holds them: the opportunities packed.
#[derive(Debug)]
struct Packed {
    revision: i64,
    year: i32,
    seeker: Seeker,
    playbook: Playbook,
    opportunities: PackedOpportunities,
}

impl Packed {
    fn of(kept: &KeptFacts) -> Self {
        Self {
            revision: kept.revision,
            year: kept.year,
            seeker: kept.facts.seeker.clone(),
            playbook: kept.playbook.clone(),
            opportunities: PackedOpportunities::pack(&kept.facts.opportunities),
        }
    }

    fn serves(&self, revision: i64, year: i32) -> bool {
        self.revision >= revision && self.year == year
    }

    /// The facts again; `None` (logged) in the case that cannot happen,
    /// that they do not read back: the caller reads the pipeline instead.
    fn unpack(&self, seeker: &str) -> Option<KeptFacts> {
        match self.opportunities.unpack() {
            Ok(opportunities) => Some(KeptFacts {
                revision: self.revision,
                year: self.year,
                facts: Facts {
                    seeker: self.seeker.clone(),
                    opportunities,
                },
                playbook: self.playbook.clone(),
            }),
            Err(error) => {
                tracing::error!(%seeker, %error, "kept facts dropped");
                None
            }
        }
    }
}

/// Facts per seeker, at most `capacity` seekers.
#[derive(Debug)]
pub struct FactsCache {
    entries: Mutex<HashMap<String, Arc<Packed>>>,
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

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Arc<Packed>>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The seeker's facts when kept at `revision` or later, around `year`.
    pub fn get(&self, seeker: &str, revision: i64, year: i32) -> Option<KeptFacts> {
        let packed = self
            .lock()
            .get(seeker)
            .filter(|kept| kept.serves(revision, year))
            .cloned()?;
        let kept = packed.unpack(seeker);
        if kept.is_none() {
            self.forget(seeker, &packed);
        }
        kept
    }

    /// Takes the seeker's facts out of the cache when they were kept at
    /// exactly `revision`, around `year`: for a write that turns them into
    /// the next revision's facts and keeps them again.
    pub fn take(&self, seeker: &str, revision: i64, year: i32) -> Option<KeptFacts> {
        let packed = {
            let mut entries = self.lock();
            let kept = entries.get(seeker)?;
            if kept.revision != revision || kept.year != year {
                return None;
            }
            entries.remove(seeker)?
        };
        packed.unpack(seeker)
    }

    /// Keeps `kept` for the seeker, unless newer facts are kept already.
    pub fn put(&self, seeker: &str, kept: &KeptFacts) {
        if self
            .lock()
            .get(seeker)
            .is_some_and(|current| current.revision > kept.revision)
        {
            return;
        }
        // Packed outside the lock: other seekers' requests need it.
        let packed = Arc::new(Packed::of(kept));
        let mut entries = self.lock();
        if let Some(current) = entries.get(seeker)
            && current.revision > packed.revision
        {
            return;
        }
        if entries.len() >= self.capacity
            && !entries.contains_key(seeker)
            && let Some(victim) = entries.keys().next().cloned()
        {
            entries.remove(&victim);
        }
        entries.insert(seeker.to_owned(), packed);
    }

    /// Drops `packed` for the seeker, unless newer facts replaced it.
    fn forget(&self, seeker: &str, packed: &Arc<Packed>) {
        let mut entries = self.lock();
        if entries
            .get(seeker)
            .is_some_and(|current| Arc::ptr_eq(current, packed))
        {
            entries.remove(seeker);
        }
    }
}

#[cfg(test)]
mod tests {
    use followup_core::{BusinessCalendar, Seeker};

    use super::*;

    fn kept(revision: i64) -> KeptFacts {
        KeptFacts {
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
        }
    }

    #[test]
    fn facts_serve_their_revision_and_older_requests_only() {
        let cache = FactsCache::new(4);
        cache.put("s", &kept(3));
        assert!(cache.get("s", 3, 2026).is_some());
        assert!(cache.get("s", 2, 2026).is_some());
        assert!(cache.get("s", 4, 2026).is_none());
        assert!(cache.get("s", 3, 2027).is_none());
        assert!(cache.get("t", 0, 2026).is_none());
        // Older facts never replace newer ones.
        cache.put("s", &kept(2));
        assert_eq!(cache.get("s", 0, 2026).unwrap().revision, 3);
        cache.put("s", &kept(5));
        assert_eq!(cache.get("s", 0, 2026).unwrap().revision, 5);
    }

    #[test]
    fn facts_are_taken_at_their_exact_revision_only() {
        let cache = FactsCache::new(4);
        cache.put("s", &kept(3));
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
    fn facts_come_back_from_the_cache_as_they_were_kept() {
        use followup_core::{Interaction, InteractionKind, Opportunity, Stage};

        let at = chrono::DateTime::from_timestamp(1_795_000_000, 0).unwrap();
        let mut kept = kept(7);
        kept.facts.opportunities = (0..3)
            .map(|n| Opportunity {
                id: uuid::Uuid::now_v7().to_string(),
                company: format!("Company {n}"),
                employer: None,
                title: "Editor".to_owned(),
                industry: None,
                stage: Stage::Interviewing,
                offer_deadline: None,
                offer_terms: followup_core::OfferTerms::default(),
                holiday_calendar: None,
                playbook: (n == 1).then(Playbook::balanced),
                history: Vec::new(),
                contacts: Vec::new(),
                interactions: (0..5)
                    .map(|k| Interaction {
                        id: uuid::Uuid::now_v7().to_string().into(),
                        kind: InteractionKind::FollowUpEmail,
                        contact_id: None,
                        occurred_at: at + chrono::Duration::hours(k),
                        out_of_office_until: None,
                        rejection_reason: None,
                    })
                    .collect(),
                promises: Vec::new(),
                profile: followup_core::Profile::default(),
            })
            .collect();
        let cache = FactsCache::new(4);
        cache.put("s", &kept);
        let got = cache.get("s", 7, 2026).unwrap();
        assert_eq!(got.facts, kept.facts);
        assert_eq!(got.playbook, kept.playbook);
        assert_eq!((got.revision, got.year), (7, 2026));
        let taken = cache.take("s", 7, 2026).unwrap();
        assert_eq!(taken.facts, kept.facts);
    }

    #[test]
    fn the_cache_keeps_at_most_its_capacity() {
        let cache = FactsCache::new(2);
        for seeker in ["a", "b", "c"] {
            cache.put(seeker, &kept(1));
        }
        let kept = ["a", "b", "c"]
            .iter()
            .filter(|s| cache.get(s, 0, 2026).is_some())
            .count();
        assert_eq!(kept, 2);
    }
}
