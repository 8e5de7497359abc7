//! The C allocator's settings for the server (docs/architecture.md, "Memory").
//!
//! Rust's global allocator is the C library's `malloc`. glibc's keeps what a
//! program frees for the next allocation, in arenas: one per thread that met
//! another in an arena's lock, up to eight per core. A server whose threads
//! peaked together (seeding, a burst of writes) keeps every arena's free
//! chunks resident long after the peak. Measured on the load test
//! (docs/benchmarks.md), glibc held about twice what was in use, over 16
//! arenas on 2 cores.
//!
//! Two knobs bring that down, both glibc's own:
//! - [`limit_arenas`]: as many arenas as cores (`M_ARENA_MAX`), unless the
//!   operator set `MALLOC_ARENA_MAX`, which glibc read before `main`;
//! - [`release_free_memory`]: `malloc_trim(0)`, which hands every arena's
//!   free pages back to the system, and [`start_releasing`], a thread that
//!   does so on a period.
//!
//! On other C libraries (musl, macOS) both do nothing and say so.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The environment variable through which glibc takes the arenas' cap
/// before `main`; when it is set, [`limit_arenas`] leaves the cap alone.
pub const ARENA_ENV: &str = "MALLOC_ARENA_MAX";

/// How [`limit_arenas`] went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arenas {
    /// The cap is now this many arenas.
    Capped(usize),
    /// `MALLOC_ARENA_MAX` was set: glibc follows the operator.
    LeftToEnvironment,
    /// This C library has no arenas to cap (not glibc), or refused.
    Unsupported,
}

impl std::fmt::Display for Arenas {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Capped(arenas) => write!(f, "at most {arenas}"),
            Self::LeftToEnvironment => write!(f, "as {ARENA_ENV} says"),
            Self::Unsupported => f.write_str("the C library's own"),
        }
    }
}

/// Caps glibc's arenas at `arenas` (at least 1), unless `MALLOC_ARENA_MAX`
/// is set. Call it first thing in `main`: threads that already took an
/// arena keep it.
pub fn limit_arenas(arenas: usize) -> Arenas {
    if std::env::var_os(ARENA_ENV).is_some() {
        return Arenas::LeftToEnvironment;
    }
    let arenas = arenas.max(1);
    let value = i32::try_from(arenas).unwrap_or(i32::MAX);
    if sys::set_arena_max(value) {
        Arenas::Capped(arenas)
    } else {
        Arenas::Unsupported
    }
}

/// Hands the free memory of every arena back to the system
/// (`malloc_trim(0)`): what is in use stays where it is. Returns whether any
/// memory went back. It locks each arena in turn while it walks its free
/// chunks, so threads allocating meanwhile wait for the arena they use.
pub fn release_free_memory() -> bool {
    sys::trim()
}

/// Starts, once per process, a thread that calls [`release_free_memory`]
/// every `period` and logs at debug level how long each call took and
/// whether memory went back. Later calls do nothing and return `false`; so
/// does a C library without `malloc_trim`.
pub fn start_releasing(period: Duration) -> bool {
    static STARTED: OnceLock<()> = OnceLock::new();
    if !sys::SUPPORTED || STARTED.set(()).is_err() {
        return false;
    }
    let spawned = std::thread::Builder::new()
        .name("malloc-release".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(period);
                let started = Instant::now();
                let released = release_free_memory();
                tracing::debug!(
                    released,
                    micros = started.elapsed().as_micros() as u64,
                    "gave the allocator's free memory back"
                );
            }
        });
    match spawned {
        Ok(_) => true,
        Err(err) => {
            tracing::warn!(%err, "cannot start the thread that releases free memory");
            false
        }
    }
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
mod sys {
    pub const SUPPORTED: bool = true;

    pub fn set_arena_max(value: i32) -> bool {
        // SAFETY: `mallopt` takes two integers and only sets a field of the
        // allocator's parameters under its own lock; `M_ARENA_MAX` is a
        // parameter glibc documents. No pointer crosses the call.
        #[allow(unsafe_code)]
        let done = unsafe { libc::mallopt(libc::M_ARENA_MAX, value) };
        done == 1
    }

    pub fn trim() -> bool {
        // SAFETY: `malloc_trim` takes a padding size and touches only
        // memory the allocator owns and holds free, under each arena's lock;
        // it is safe to call from any thread at any time.
        #[allow(unsafe_code)]
        let released = unsafe { libc::malloc_trim(0) };
        released == 1
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
mod sys {
    pub const SUPPORTED: bool = false;

    pub fn set_arena_max(_value: i32) -> bool {
        false
    }

    pub fn trim() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn memory_freed_in_the_middle_of_the_heap_goes_back_to_the_system() {
        // Blocks under glibc's mmap threshold come from the arena; freeing
        // all but the last keeps the arena's top in use, so only the trim
        // can give the free pages in the middle back.
        let mut blocks: Vec<Vec<u8>> = (0..256).map(|_| vec![1u8; 64 * 1024]).collect();
        let resident_before = resident_kib();
        let kept = blocks.pop();
        drop(blocks);
        assert!(release_free_memory(), "nothing went back");
        let resident_after = resident_kib();
        assert!(
            resident_before.saturating_sub(resident_after) >= 8 * 1024,
            "{resident_before} KiB before, {resident_after} KiB after"
        );
        assert_eq!(kept.map(|block| block.len()), Some(64 * 1024));
    }

    #[test]
    fn the_cap_is_left_to_the_environment_when_it_is_set() {
        // The test binary's own environment: whichever way it was started,
        // the answer follows it.
        let outcome = limit_arenas(2);
        if std::env::var_os(ARENA_ENV).is_some() {
            assert_eq!(outcome, Arenas::LeftToEnvironment);
        } else if sys::SUPPORTED {
            assert_eq!(outcome, Arenas::Capped(2));
        } else {
            assert_eq!(outcome, Arenas::Unsupported);
        }
    }

    #[test]
    fn a_cap_of_zero_is_one_arena() {
        if std::env::var_os(ARENA_ENV).is_none() && sys::SUPPORTED {
            assert_eq!(limit_arenas(0), Arenas::Capped(1));
        }
    }

    #[test]
    fn releasing_starts_once_per_process() {
        let first = start_releasing(Duration::from_secs(3600));
        assert_eq!(first, sys::SUPPORTED);
        assert!(!start_releasing(Duration::from_secs(3600)));
    }

    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    fn resident_kib() -> u64 {
        let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }
}
