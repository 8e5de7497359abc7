//! The server's clock, which tests may hold and move: what the background
//! workers (clock events, webhook retries) and the change feed's cursor
//! ages read as now.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, SubsecRound as _, Utc};

/// The current instant: the system's, or one a test sets and moves.
#[derive(Debug, Clone, Default)]
pub struct Clock(Option<Arc<Mutex<DateTime<Utc>>>>);

impl Clock {
    /// The system clock.
    pub fn system() -> Self {
        Self(None)
    }

    /// A clock that stands at `at` until moved ([`Clock::advance`], [`Clock::set`]).
    pub fn manual(at: DateTime<Utc>) -> Self {
        Self(Some(Arc::new(Mutex::new(at.trunc_subsecs(6)))))
    }

    /// Now, at the precision both databases keep (microseconds).
    pub fn now(&self) -> DateTime<Utc> {
        match &self.0 {
            None => Utc::now().trunc_subsecs(6),
            Some(at) => *at.lock().unwrap_or_else(std::sync::PoisonError::into_inner),
        }
    }

    /// Moves a manual clock forward; the system clock ignores it.
    pub fn advance(&self, by: Duration) {
        if let Some(at) = &self.0 {
            let mut at = at.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            *at += by;
        }
    }

    /// Sets a manual clock; the system clock ignores it.
    pub fn set(&self, to: DateTime<Utc>) {
        if let Some(at) = &self.0 {
            *at.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = to.trunc_subsecs(6);
        }
    }
}
