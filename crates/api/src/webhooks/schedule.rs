//! When a failed delivery is tried again: the Standard Webhooks schedule,
//! with jitter, and what a receiver's `Retry-After` asks for.

use chrono::Duration;

/// The wait before each attempt: immediately, 5 s, 5 min, 30 min, 2 h, 5 h,
/// 10 h, 14 h, 20 h, 24 h. After the last one fails, the delivery fails.
pub const SCHEDULE_SECONDS: [i64; 10] = [
    0,
    5,
    5 * 60,
    30 * 60,
    2 * 3600,
    5 * 3600,
    10 * 3600,
    14 * 3600,
    20 * 3600,
    24 * 3600,
];

/// Days of nothing but failures after which an endpoint is disabled.
pub const DISABLE_AFTER_DAYS: i64 = 5;

/// The longest `Retry-After` honoured; a longer one waits this long.
pub const MAX_RETRY_AFTER_SECONDS: i64 = 24 * 3600;

/// The wait after attempt number `made` (1-based) failed, or `None` when it
/// was the last. `jitter` in `[0, 1)` stretches the wait by up to a tenth,
/// so endpoints that failed together are not retried together; a retry is
/// never earlier than the schedule.
pub fn next_wait(made: u32, jitter: f64) -> Option<Duration> {
    let base = *SCHEDULE_SECONDS.get(usize::try_from(made).ok()?)?;
    let stretch = (base as f64 * 0.1 * jitter.clamp(0.0, 1.0)).round() as i64;
    Some(Duration::seconds(base + stretch))
}

/// The wait a `Retry-After` header asks for (seconds; an HTTP date is not
/// honoured), capped at a day.
pub fn retry_after(value: &str) -> Option<Duration> {
    let seconds: i64 = value.trim().parse().ok()?;
    (seconds >= 0).then(|| Duration::seconds(seconds.min(MAX_RETRY_AFTER_SECONDS)))
}

/// A number in `[0, 1)` from the system's randomness (0 if there is none).
pub fn jitter() -> f64 {
    let mut bytes = [0u8; 4];
    if getrandom::fill(&mut bytes).is_err() {
        return 0.0;
    }
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schedule_is_the_specifications_and_ends_after_ten_attempts() {
        let waits: Vec<i64> = (1..=9)
            .map(|made| next_wait(made, 0.0).unwrap().num_seconds())
            .collect();
        assert_eq!(waits, SCHEDULE_SECONDS[1..]);
        assert_eq!(next_wait(10, 0.0), None);
        assert_eq!(next_wait(2, 0.999).unwrap().num_seconds(), 330);
        assert!(next_wait(1, 0.5).unwrap() >= Duration::seconds(5));
        let j = jitter();
        assert!((0.0..1.0).contains(&j));
    }

    #[test]
    fn retry_after_is_read_in_seconds_and_capped() {
        assert_eq!(retry_after("120"), Some(Duration::seconds(120)));
        assert_eq!(retry_after("999999"), Some(Duration::seconds(86_400)));
        assert_eq!(retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(retry_after("-1"), None);
    }
}
