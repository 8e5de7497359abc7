//! Where the JWT signing secret comes from.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use followup_api::Secret;
use followup_store::DatabaseUrl;

use crate::cli::Environment;

/// Shortest secret accepted: 256 bits, the HS256 key size (RFC 7518 §3.2).
pub const MIN_SECRET_BYTES: usize = 32;

/// Picks the signing secret: the configured one; else, locally on SQLite, the
/// one kept beside the database file (generated on first start, so restarts
/// keep tokens valid); else a start-up error that says what to set.
pub fn resolve(
    configured: Option<&str>,
    environment: Environment,
    database: &DatabaseUrl,
) -> anyhow::Result<Secret> {
    if let Some(secret) = configured {
        return validate(secret.trim()).context("FOLLOWUP_JWT_SECRET");
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
    fn short_secrets_are_refused() {
        let pg = DatabaseUrl::parse("postgres://u@localhost/db").unwrap();
        assert!(resolve(Some("short"), Environment::Production, &pg).is_err());
        assert!(resolve(Some(&"k".repeat(32)), Environment::Production, &pg).is_ok());
    }
}
