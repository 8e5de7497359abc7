//! Access tokens: HS256 JWTs with the algorithm pinned (RFC 8725).

use std::time::Duration;

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use crate::state::Secret;

/// Issuer of every token.
pub const ISSUER: &str = "followup";
/// Audience of access tokens.
pub const AUDIENCE: &str = "followup-api";
/// The `typ` claim of access tokens, which refresh tokens (opaque, not JWTs)
/// and any future token kind can never carry.
pub const ACCESS_TYP: &str = "access";

/// The claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessClaims {
    /// Issuer: `followup`.
    pub iss: String,
    /// Audience: `followup-api`.
    pub aud: String,
    /// The user's id.
    pub sub: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Not before.
    pub nbf: i64,
    /// Issued at.
    pub iat: i64,
    /// Unique token id.
    pub jti: String,
    /// Token kind: `access`.
    pub typ: String,
    /// The session (refresh-token family) the token was issued in; signing
    /// that session out refuses the token.
    pub sid: String,
    /// The account's token generation at issue; a password or role change
    /// (or a refresh-token reuse) moves the account past it.
    #[serde(rename = "gen")]
    pub generation: i64,
}

/// Why a token was refused; each becomes a 401.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// Signature, algorithm, issuer, audience, expiry or shape is wrong.
    #[error("{0}")]
    Invalid(String),
}

/// Signs and verifies access tokens.
#[derive(Clone)]
pub struct TokenIssuer {
    encoding: EncodingKey,
    decoding: DecodingKey,
    validation: Validation,
    ttl: Duration,
}

impl std::fmt::Debug for TokenIssuer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenIssuer")
            .field("ttl", &self.ttl)
            .finish_non_exhaustive()
    }
}

impl TokenIssuer {
    /// An issuer for `secret` whose tokens live `ttl`.
    pub fn new(secret: &Secret, ttl: Duration) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "nbf", "iss", "aud", "sub"]);
        validation.validate_nbf = true;
        validation.leeway = 5;
        Self {
            encoding: EncodingKey::from_secret(secret.expose()),
            decoding: DecodingKey::from_secret(secret.expose()),
            validation,
            ttl,
        }
    }

    /// Lifetime of the tokens this issuer signs.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    /// A signed access token for `user_id` in session `session_id` under the
    /// account's token `generation`, valid from `now` for the TTL.
    pub fn issue(
        &self,
        user_id: &str,
        session_id: &str,
        generation: i64,
        now: DateTime<Utc>,
    ) -> Result<String, TokenError> {
        self.issue_as(
            user_id,
            session_id,
            generation,
            now,
            &uuid::Uuid::now_v7().to_string(),
        )
    }

    /// [`TokenIssuer::issue`] with a given token id: the same arguments
    /// sign the same token (a refresh exchanged twice within the overlap
    /// answers the same pair).
    pub fn issue_as(
        &self,
        user_id: &str,
        session_id: &str,
        generation: i64,
        now: DateTime<Utc>,
        jti: &str,
    ) -> Result<String, TokenError> {
        let iat = now.timestamp();
        let claims = AccessClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: user_id.to_owned(),
            exp: iat + i64::try_from(self.ttl.as_secs()).unwrap_or(i64::MAX / 2),
            nbf: iat,
            iat,
            jti: jti.to_owned(),
            typ: ACCESS_TYP.to_owned(),
            sid: session_id.to_owned(),
            generation,
        };
        let mut header = Header::new(Algorithm::HS256);
        header.typ = Some("at+jwt".to_owned());
        jsonwebtoken::encode(&header, &claims, &self.encoding)
            .map_err(|e| TokenError::Invalid(e.to_string()))
    }

    /// The claims of a valid access token.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, TokenError> {
        let data = jsonwebtoken::decode::<AccessClaims>(token, &self.decoding, &self.validation)
            .map_err(|e| TokenError::Invalid(describe(&e)))?;
        if data.claims.typ != ACCESS_TYP {
            return Err(TokenError::Invalid("not an access token".to_owned()));
        }
        Ok(data.claims)
    }
}

/// What an expired access token is refused with.
pub const EXPIRED: &str = "the token has expired";

fn describe(err: &jsonwebtoken::errors::Error) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match err.kind() {
        K::ExpiredSignature => EXPIRED.to_owned(),
        K::ImmatureSignature => "the token is not valid yet".to_owned(),
        K::InvalidAlgorithm | K::InvalidAlgorithmName => {
            "the token's algorithm is not accepted".to_owned()
        }
        K::InvalidSignature => "the token's signature is invalid".to_owned(),
        K::InvalidIssuer => "the token was issued by someone else".to_owned(),
        K::InvalidAudience => "the token is meant for another audience".to_owned(),
        K::MissingRequiredClaim(claim) => format!("the token lacks the `{claim}` claim"),
        _ => "the token is malformed".to_owned(),
    }
}
