//! Argon2id password hashing at OWASP's parameters.
//!
//! Each hash works in 19 MiB of memory. At most one hash per core runs at
//! once, and a hash waits for its turn: hashing is CPU-bound, so more at
//! once would not finish sooner.
//!
//! The memory of a finished hash is kept for the next one (mapping and
//! filling 19 MiB afresh made a sign-up about 10 ms slower), until it has
//! not been used for [`HASH_MEMORY_KEPT`]: the background worker then gives
//! it back to the system ([`release_idle_hash_memory`]). Kept for good, one
//! block per core stayed in the server: 38 MB on two cores, a third of its
//! heap after a load run.

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::{Algorithm, Argon2, Block, Params, Version};

use crate::error::ApiError;

/// OWASP Password Storage Cheat Sheet, Argon2id: m = 19 MiB, t = 2, p = 1.
fn params() -> Result<Params, ApiError> {
    Params::new(19 * 1024, 2, 1, None).map_err(internal)
}

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ApiError {
    ApiError::Internal(Box::new(e))
}

/// How long the memory of a finished hash is kept for the next one.
pub const HASH_MEMORY_KEPT: Duration = Duration::from_secs(10);

/// Bytes past which glibc's allocator always maps an allocation on its
/// own, and unmaps it when it is freed: its largest mmap threshold (32 MiB
/// on 64-bit). A smaller block is mapped too at first, but once one is
/// freed the threshold rises past its size, and the next ones come from
/// the thread's arena, which keeps them after they are freed. So a hash's
/// memory reserves this much address space; only the 19 MiB it writes are
/// ever memory.
const ALWAYS_MAPPED: usize = 32 * 1024 * 1024 + 4096;

/// The working memory of hashes: at most `limit` blocks of memory exist.
#[derive(Debug)]
struct Pool {
    state: Mutex<PoolState>,
    freed: Condvar,
    limit: usize,
}

#[derive(Debug, Default)]
struct PoolState {
    /// Blocks not in use, with when their last hash ended.
    free: Vec<(Vec<Block>, Instant)>,
    made: usize,
}

impl Pool {
    fn new(limit: usize) -> Self {
        Self {
            state: Mutex::new(PoolState::default()),
            freed: Condvar::new(),
            limit,
        }
    }

    fn get() -> &'static Self {
        static POOL: OnceLock<Pool> = OnceLock::new();
        POOL.get_or_init(|| Self::new(std::thread::available_parallelism().map_or(2, usize::from)))
    }

    /// Runs `f` with a block of memory of `blocks` blocks, waiting for one
    /// when all are in use.
    fn with<T>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        let mut memory = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if let Some((memory, _)) = state.free.pop() {
                    break memory;
                }
                if state.made < self.limit {
                    state.made += 1;
                    break Vec::with_capacity(ALWAYS_MAPPED / size_of::<Block>());
                }
                state = self
                    .freed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
        };
        // Stored hashes made with other parameters get memory of their size.
        memory.resize(blocks, Block::default());
        let result = f(&mut memory);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.free.push((memory, Instant::now()));
        drop(state);
        self.freed.notify_one();
        result
    }

    /// Drops the blocks not used for `idle`; returns how many.
    fn release_idle(&self, idle: Duration) -> usize {
        let released: Vec<Vec<Block>> = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let (idle, recent): (Vec<_>, Vec<_>) = std::mem::take(&mut state.free)
                .into_iter()
                .partition(|(_, at)| at.elapsed() >= idle);
            state.free = recent;
            state.made -= idle.len();
            idle.into_iter().map(|(memory, _)| memory).collect()
        };
        released.len()
    }
}

/// Gives back to the system the memory of hashes that has not been used
/// for `idle`; returns how many blocks.
pub fn release_idle_hash_memory(idle: Duration) -> usize {
    Pool::get().release_idle(idle)
}

/// `password` hashed with `salt` by `argon2` into `out`, in pooled memory.
fn hash_into(
    argon2: &Argon2<'_>,
    password: &str,
    salt: &[u8],
    out: &mut [u8],
) -> Result<(), ApiError> {
    let blocks = argon2.params().block_count();
    Pool::get()
        .with(blocks, |memory| {
            argon2.hash_password_into_with_memory(password.as_bytes(), salt, out, memory)
        })
        .map_err(internal)
}

/// Hashes a password to a PHC string. CPU-heavy: call it off the async workers.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let params = params()?;
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| ApiError::Internal(e.to_string().into()))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    hash_into(&argon2, password, &salt, &mut out)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(internal)?,
        salt: Some(Salt::new(&salt).map_err(internal)?),
        hash: Some(Output::new(&out).map_err(internal)?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    let verify = || -> Option<bool> {
        let stored = PasswordHash::new(phc).ok()?;
        let algorithm = Algorithm::try_from(stored.algorithm.as_str()).ok()?;
        let version = Version::try_from(stored.version?).ok()?;
        let params = Params::try_from(&stored).ok()?;
        let (salt, expected) = (stored.salt?, stored.hash?);
        let argon2 = Argon2::new(algorithm, version, params);
        let mut out = [0u8; Output::MAX_LENGTH];
        let out = out.get_mut(..expected.len())?;
        hash_into(&argon2, password, salt.as_ref(), out).ok()?;
        // Output compares in constant time.
        Some(Output::new(out).ok()? == expected)
    };
    verify().unwrap_or(false)
}

/// Spends the time of one verification without an account, so a wrong email
/// and a wrong password take about as long.
pub fn verify_password_against_nothing(password: &str) {
    static DUMMY: OnceLock<Option<String>> = OnceLock::new();
    if let Some(dummy) = DUMMY.get_or_init(|| hash_password("not a password of anyone").ok()) {
        let _ = verify_password(password, dummy);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_use_argon2id_at_owasp_parameters() {
        let hash = hash_password("correct horse battery").unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", "not a phc string"));
    }

    /// Hashes made by the argon2 crate on its own (as the first release
    /// stored them), with other parameters too, still verify.
    #[test]
    fn hashes_of_the_argon2_crate_verify() {
        use argon2::password_hash::PasswordHasher as _;
        let lighter = Params::new(8 * 1024, 1, 1, None).unwrap();
        for params in [params().unwrap(), lighter] {
            let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
            let phc = argon2
                .hash_password(b"correct horse battery")
                .unwrap()
                .to_string();
            assert!(verify_password("correct horse battery", &phc), "{phc}");
            assert!(!verify_password("correct horse batterY", &phc), "{phc}");
        }
    }

    /// More hashes at once than the pool has memory wait for it, and all
    /// come out right.
    #[test]
    fn concurrent_hashes_share_the_pool() {
        let hashes: Vec<_> = (0..6)
            .map(|n| std::thread::spawn(move || (n, hash_password(&format!("pass {n}")).unwrap())))
            .collect();
        for handle in hashes {
            let (n, hash) = handle.join().unwrap();
            assert!(verify_password(&format!("pass {n}"), &hash));
        }
        let state = Pool::get().state.lock().unwrap();
        assert!(state.made <= Pool::get().limit);
    }

    /// Memory left unused for the time given goes, and memory used more
    /// recently stays; a block is made again for the next hash. On a pool
    /// of its own: the process-wide one is shared with the tests that hash
    /// at the same time.
    #[test]
    fn idle_memory_is_given_back() {
        let pool = Pool::new(2);
        let fill = |memory: &mut [Block]| memory.len();
        assert_eq!(pool.with(8, fill), 8);
        assert_eq!(pool.release_idle(Duration::from_secs(3600)), 0);
        assert_eq!(pool.state.lock().unwrap().free.len(), 1);
        assert_eq!(pool.release_idle(Duration::ZERO), 1);
        let state = pool.state.lock().unwrap();
        assert!(state.free.is_empty());
        assert_eq!(state.made, 0);
        drop(state);
        assert_eq!(pool.with(8, fill), 8);
        assert_eq!(pool.state.lock().unwrap().made, 1);
        // The process-wide pool gives back through the public function.
        let hash = hash_password("pass").unwrap();
        release_idle_hash_memory(Duration::ZERO);
        assert!(verify_password("pass", &hash));
    }
}
