//! Where the JWT signing secret comes from.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use followup_api::Secret;
use followup_store::DatabaseUrl;

use crate::cli::Environment;

/// Shortest secret accepted: 256 bits, the HS256 key size (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// Least estimated entropy production accepts in a secret, in bits (see
/// [`estimated_entropy_bits`]); NIST SP 800-57 puts 128 bits as the floor
/// for keys meant to stay secure.
pub const MIN_PRODUCTION_ENTROPY_BITS: f64 = 128.0;

/// Picks the signing secret: the configured one; else, locally on SQLite, the
/// one kept beside the database file (generated on first start, so restarts
/// keep tokens valid); else a start-up error that says what to set.
pub fn resolve(
    configured: Option<&str>,
    environment: Environment,
    database: &DatabaseUrl,
) -> anyhow::Result<Secret> {
    if let Some(secret) = configured {
        let secret = secret.trim();
        if environment == Environment::Production {
            let bits = estimated_entropy_bits(secret);
            if bits < MIN_PRODUCTION_ENTROPY_BITS {
                bail!(
                    "FOLLOWUP_JWT_SECRET looks guessable: about {bits:.0} bits of entropy, \
                     production needs {MIN_PRODUCTION_ENTROPY_BITS:.0} (e.g. `openssl rand -hex 32`)"
                );
            }
        }
        return validate(secret).context("FOLLOWUP_JWT_SECRET");
    }
    match (environment, database.sqlite_path()) {
        (Environment::Local, Some(db)) => load_or_create(&secret_path(db)),
        (Environment::Production, _) => bail!(
            "FOLLOWUP_JWT_SECRET is not set; production needs a secret of at least \
             {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
        ),
        (Environment::Local, None) => bail!(
            "FOLLOWUP_JWT_SECRET is not set; with PostgreSQL every replica must share one \
             secret of at least {MIN_SECRET_BYTES} bytes (e.g. `openssl rand -hex 32`)"
        ),
    }
}

/// A conservative estimate of a secret's entropy: its length times the
/// Shannon entropy of its characters' frequencies (bits per character). A
/// repeated pattern (`aaaa…`, `test-secret-test-secret-…`) scores low; 32
/// random bytes in hex or base64 score over 200 bits.
pub fn estimated_entropy_bits(secret: &str) -> f64 {
    let mut counts = std::collections::HashMap::<char, usize>::new();
    let mut length = 0usize;
    for c in secret.chars() {
        *counts.entry(c).or_default() += 1;
        length += 1;
    }
    if length == 0 {
        return 0.0;
    }
    let total = length as f64;
    let per_char: f64 = counts
        .values()
        .map(|&n| {
            let p = n as f64 / total;
            -p * p.log2()
        })
        .sum();
    per_char * total
}

/// Why a secret file's permissions are unsafe: readable or writable by its
/// group or others (any of the `0o077` bits); `None` when only the owner
/// may use it.
pub fn unsafe_permissions(mode: u32) -> Option<String> {
    (mode & 0o077 != 0).then(|| {
        format!(
            "mode {:03o} lets other users read the signing secret; run `chmod 600` on it",
            mode & 0o777
        )
    })
}

/// Logs a warning when the secret file at `path` is open to other users.
fn warn_if_exposed(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        if let Ok(meta) = std::fs::metadata(path)
            && let Some(why) = unsafe_permissions(meta.permissions().mode())
        {
            tracing::warn!(path = %path.display(), "{why}");
        }
    }
}

/// The file beside the SQLite database that keeps the local secret.
pub fn secret_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".secret");
    PathBuf::from(name)
}

fn validate(secret: &str) -> anyhow::Result<Secret> {
    if secret.len() < MIN_SECRET_BYTES {
        bail!(
            "the secret is {} bytes; at least {MIN_SECRET_BYTES} are needed",
            secret.len()
        );
    }
    Ok(Secret::new(secret.as_bytes()))
}

fn load_or_create(path: &Path) -> anyhow::Result<Secret> {
    match std::fs::read_to_string(path) {
        Ok(existing) => {
            warn_if_exposed(path);
            return validate(existing.trim()).with_context(|| format!("{}", path.display()));
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
        Err(err) => return Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(mut file) => {
            file.write_all(hex.as_bytes())
                .with_context(|| format!("cannot write {}", path.display()))?;
            tracing::info!(path = %path.display(), "generated a JWT secret for local use");
            validate(&hex)
        }
        // Another process created it first: use theirs.
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => load_or_create(path),
        Err(err) => Err(err).with_context(|| format!("cannot create {}", path.display())),
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    fn sqlite(path: &Path) -> DatabaseUrl {
        DatabaseUrl::parse(&format!("sqlite://{}", path.display())).unwrap()
    }

    #[test]
    fn a_local_secret_is_generated_once_and_kept() {
        let dir = std::env::temp_dir().join(format!("followup-secret-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = sqlite(&dir.join("x.db"));
        let first = resolve(None, Environment::Local, &db).unwrap();
        let second = resolve(None, Environment::Local, &db).unwrap();
        assert_eq!(first.expose(), second.expose());
        assert_eq!(first.expose().len(), 64);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn production_refuses_to_start_without_a_secret() {
        let db = sqlite(Path::new("/nonexistent/x.db"));
        let err = resolve(None, Environment::Production, &db).unwrap_err();
        assert!(err.to_string().contains("FOLLOWUP_JWT_SECRET"));
        let pg = DatabaseUrl::parse("postgres://u@localhost/db").unwrap();
        assert!(resolve(None, Environment::Local, &pg).is_err());
    }

    #[test]
    fn group_or_other_permission_bits_are_unsafe() {
        assert!(unsafe_permissions(0o100600).is_none());
        assert!(unsafe_permissions(0o400).is_none());
        for mode in [0o644, 0o640, 0o604, 0o660, 0o100666] {
            let why = unsafe_permissions(mode).unwrap();
            assert!(why.contains("chmod 600"), "{why}");
        }
    }

    #[test]
    fn production_refuses_a_guessable_secret() {
        let pg = DatabaseUrl::parse("postgres://u@localhost/db").unwrap();
        let weak = [
            "a".repeat(40),
            "test-secret-test-secret-test-secret-0123".to_owned(),
            "abababababababababababababababababababab".to_owned(),
        ];
        for secret in &weak {
            assert!(estimated_entropy_bits(secret) < MIN_PRODUCTION_ENTROPY_BITS);
            let err = resolve(Some(secret), Environment::Production, &pg).unwrap_err();
            assert!(format!("{err:#}").contains("guessable"), "{err:#}");
            // Locally only the length counts.
            assert!(resolve(Some(secret), Environment::Local, &pg).is_ok());
        }
        // 32 random bytes, as `openssl rand -hex 32` and `-base64 32` print them.
        let hex = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        let base64 = "n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=";
        for secret in [hex, base64] {
            assert!(estimated_entropy_bits(secret) > 200.0, "{secret}");
            assert!(resolve(Some(secret), Environment::Production, &pg).is_ok());
        }
    }

    #[test]
    fn short_secrets_are_refused() {
        let pg = DatabaseUrl::parse("postgres://u@localhost/db").unwrap();
        assert!(resolve(Some("short"), Environment::Production, &pg).is_err());
        assert!(resolve(Some(&"k".repeat(32)), Environment::Local, &pg).is_ok());
    }
}
