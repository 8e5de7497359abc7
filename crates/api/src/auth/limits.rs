//! A fixed-window rate limiter kept in memory, per key (a client IP).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// A refused request: how long to wait and the policy that refused it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LimitExceeded {
    /// Seconds until the window resets.
    pub retry_after: u64,
    /// Requests allowed per window.
    pub limit: u32,
    /// The window, in seconds.
    pub window: u64,
}

/// Allows `limit` requests per key per `window`. Counts live in this process:
/// with several replicas each enforces its own share.
#[derive(Debug)]
pub struct RateLimiter<K> {
    limit: u32,
    window: Duration,
    counts: Mutex<HashMap<K, (Instant, u32)>>,
}

impl<K: Eq + Hash + Clone> RateLimiter<K> {
    /// A limiter of `limit` requests per `window`.
    pub fn new(limit: u32, window: Duration) -> Self {
        Self {
            limit,
            window,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request for `key` at `now`; refuses it past the limit.
    pub fn check(&self, key: &K, now: Instant) -> Result<(), LimitExceeded> {
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if counts.len() > 100_000 {
            let window = self.window;
            counts.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let entry = counts.entry(key.clone()).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let reset = self.window.saturating_sub(now.duration_since(entry.0));
            return Err(LimitExceeded {
                retry_after: reset.as_secs().max(1),
                limit: self.limit,
                window: self.window.as_secs(),
            });
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_until_the_window_resets() {
        let limiter = RateLimiter::new(2, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(limiter.check(&"ip", t0).is_ok());
        assert!(limiter.check(&"ip", t0).is_ok());
        let refused = limiter
            .check(&"ip", t0 + Duration::from_secs(20))
            .unwrap_err();
        assert_eq!(refused.retry_after, 40);
        assert!(
            limiter.check(&"other", t0).is_ok(),
            "keys are counted apart"
        );
        assert!(limiter.check(&"ip", t0 + Duration::from_secs(60)).is_ok());
    }
}
