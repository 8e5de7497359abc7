//! Argon2id password hashing at OWASP's parameters.
//!
//! Each hash works in 19 MiB of memory. At most one hash per core runs at
//! once, and a hash waits for its turn: hashing is CPU-bound, so more at
//! once would not finish sooner.
//!
//! The memory is the hash's own, mapped for it and given back to the
//! system when it ends (see [`ALWAYS_MAPPED`]): the server keeps none of it
//! between sign-ups. (Kept in a pool instead, one block per core stayed in
//! the server for good: 38 MB on two cores, a third of its heap.)

use std::sync::{Condvar, Mutex, OnceLock, PoisonError};

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

/// Bytes past which glibc's allocator always maps an allocation on its
/// own, and unmaps it when it is freed: its largest mmap threshold (32 MiB
/// on 64-bit). A smaller block is mapped too at first, but once one is
/// freed the threshold rises past its size, and the next ones come from
/// the thread's arena, which keeps them after they are freed (one 19 MiB
/// block per thread that ever hashed). So a hash reserves this much address
/// space; only the 19 MiB it writes are ever memory. Other allocators map
/// large blocks on their own anyway.
const ALWAYS_MAPPED: usize = 32 * 1024 * 1024 + 4096;

/// How many hashes run at once: at most `limit`.
#[derive(Debug)]
struct Pool {
    state: Mutex<PoolState>,
    freed: Condvar,
    limit: usize,
}

#[derive(Debug, Default)]
struct PoolState {
    /// Hashes running now.
    running: usize,
    /// The most that ever ran at once.
    most: usize,
}

impl Pool {
    fn get() -> &'static Self {
        static POOL: OnceLock<Pool> = OnceLock::new();
        POOL.get_or_init(|| Self {
            state: Mutex::new(PoolState::default()),
            freed: Condvar::new(),
            limit: std::thread::available_parallelism().map_or(2, usize::from),
        })
    }

    /// Runs `f` with memory of `blocks` blocks, its own, once fewer than
    /// `limit` hashes run.
    fn with<T>(&self, blocks: usize, f: impl FnOnce(&mut [Block]) -> T) -> T {
        {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            while state.running >= self.limit {
                state = self
                    .freed
                    .wait(state)
                    .unwrap_or_else(PoisonError::into_inner);
            }
            state.running += 1;
            state.most = state.most.max(state.running);
        }
        let mut memory: Vec<Block> =
            Vec::with_capacity(blocks.max(ALWAYS_MAPPED / size_of::<Block>()));
        memory.resize(blocks, Block::default());
        let result = f(&mut memory);
        drop(memory);
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        state.running -= 1;
        drop(state);
        self.freed.notify_one();
        result
    }
}

/// `password` hashed with `salt` by `argon2` into `out`, in memory of its own.
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

    /// More hashes at once than may run wait for their turn, and all come
    /// out right.
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
        assert!(state.most <= Pool::get().limit);
    }
}
