//! Argon2id password hashing at OWASP's parameters.

use std::sync::OnceLock;

use argon2::{Algorithm, Argon2, Params, PasswordHasher as _, PasswordVerifier as _, Version};

use crate::error::ApiError;

/// OWASP Password Storage Cheat Sheet, Argon2id: m = 19 MiB, t = 2, p = 1.
fn argon2() -> Result<Argon2<'static>, ApiError> {
    let params = Params::new(19 * 1024, 2, 1, None).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes a password to a PHC string. CPU-heavy: call it off the async workers.
pub fn hash_password(password: &str) -> Result<String, ApiError> {
    let hash = argon2()?
        .hash_password(password.as_bytes())
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string.
pub fn verify_password(password: &str, phc: &str) -> bool {
    argon2().is_ok_and(|a| a.verify_password(password.as_bytes(), phc).is_ok())
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
}
