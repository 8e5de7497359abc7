//! Random tokens and their stored hashes.

use sha2::{Digest as _, Sha256};

use crate::error::ApiError;

/// A random token: `prefix` followed by 64 hex digits (256 bits).
pub fn generate_token(prefix: &str) -> Result<String, ApiError> {
    Ok(format!("{prefix}{}", hex(&random::<32>()?)))
}

/// Crockford's base-32 alphabet: no I, L, O or U to misread.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A random code of 16 characters (80 bits) people can read out and type.
pub fn generate_code() -> Result<String, ApiError> {
    Ok(random::<16>()?
        .iter()
        .map(|b| char::from(CODE_ALPHABET[usize::from(b & 31)]))
        .collect())
}

fn random<const N: usize>() -> Result<[u8; N], ApiError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness: {e}").into()))?;
    Ok(bytes)
}

/// SHA-256 of a token, hex. Tokens are 256 random bits, so a fast hash is
/// enough: there is nothing to brute-force (unlike passwords).
pub fn sha256_hex(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_prefixed_and_hash_stably() {
        let a = generate_token("fu_").unwrap();
        let b = generate_token("fu_").unwrap();
        assert_ne!(a, b);
        assert!(a.starts_with("fu_") && a.len() == 3 + 64);
        assert_eq!(sha256_hex("abc"), sha256_hex("abc"));
        let code = generate_code().unwrap();
        assert_eq!(code.len(), 16);
        assert!(code.bytes().all(|b| CODE_ALPHABET.contains(&b)));
        assert_eq!(
            sha256_hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
