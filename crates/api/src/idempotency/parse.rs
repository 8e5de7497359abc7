//! Reading the key and fingerprinting the request it is sent with.

use actix_web::http::header::HeaderValue;
use actix_web::http::{Method, Uri};
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;

/// One caller's key and the request it was sent with.
#[derive(Debug, Clone)]
pub(super) struct Fingerprint {
    /// Keys are scoped to the caller.
    pub caller_id: String,
    /// The key, lower-case.
    pub key: String,
    /// SHA-256 of the method, URI and body: the same key with another
    /// request is refused.
    pub request_hash: String,
}

/// The key, lower-cased; random UUIDs only (version 4 or 7): a fixed or nil
/// key would make unrelated operations replay each other.
pub(super) fn key(header: &HeaderValue) -> Result<String, ApiError> {
    header
        .to_str()
        .ok()
        .map(str::trim)
        .filter(|key| {
            uuid::Uuid::try_parse(key).is_ok_and(|u| matches!(u.get_version_num(), 4 | 7))
        })
        .map(str::to_ascii_lowercase)
        .ok_or_else(|| {
            ApiError::invalid(
                "Idempotency-Key",
                crate::error::FieldCode::InvalidFormat,
                "must be a random UUID (version 4 or 7), new for each operation",
            )
        })
}

/// SHA-256 of the method, the URI and the body, hex-encoded.
pub(super) fn request_hash(method: &Method, uri: &Uri, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str());
    hasher.update([0]);
    hasher.update(uri.to_string());
    hasher.update([0]);
    hasher.update(body);
    format!("{:x}", hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_random_uuids_are_keys() {
        let v7 = HeaderValue::from_static(" 01936F3E-8B2A-7C4D-9E5F-0A1B2C3D4E5F ");
        assert_eq!(key(&v7).unwrap(), "01936f3e-8b2a-7c4d-9e5f-0a1b2c3d4e5f");
        for bad in [
            "00000000-0000-0000-0000-000000000000",
            "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
            "order-17",
            "",
        ] {
            assert!(key(&HeaderValue::from_static(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_fingerprint_covers_method_uri_and_body() {
        let uri: Uri = "/v1/opportunities".parse().unwrap();
        let other: Uri = "/v1/contacts".parse().unwrap();
        let hash = request_hash(&Method::POST, &uri, b"{}");
        assert_eq!(hash, request_hash(&Method::POST, &uri, b"{}"));
        assert_ne!(hash, request_hash(&Method::POST, &other, b"{}"));
        assert_ne!(hash, request_hash(&Method::POST, &uri, b"{ }"));
        assert_ne!(hash, request_hash(&Method::PUT, &uri, b"{}"));
    }
}
