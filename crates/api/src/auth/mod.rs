//! Authentication and authorization: passwords, access and refresh tokens,
//! API keys, rate limits, and the [`Caller`] every protected handler takes.

mod caller;
mod client_ip;
mod limits;
mod password;
mod secrets;
mod tokens;

use std::time::Duration;

pub use caller::{API_KEY_PREFIX, Access, Caller, ORG_TOKEN_PREFIX, Via};
pub use client_ip::{ProxyNet, TrustedProxies};
pub use limits::{LimitExceeded, RateLimiter};
pub use password::{
    HASH_MEMORY_KEPT, hash_password, release_idle_hash_memory, verify_password,
    verify_password_against_nothing,
};
pub use secrets::{generate_code, generate_token, hex, sha256_hex};
pub use tokens::{AccessClaims, TokenError, TokenIssuer};

use crate::state::Secret;

/// `Cache-Control: no-store` for every response that carries a secret (a
/// token pair, an API key, a feed token, an invite code), so no browser or
/// proxy cache keeps it (RFC 6749 §5.1, RFC 9111 §5.2.2.5).
pub fn no_store() -> (actix_web::http::header::HeaderName, &'static str) {
    (actix_web::http::header::CACHE_CONTROL, "no-store")
}

/// Authentication settings; all of them are server configuration.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// HS256 signing key for access tokens.
    pub secret: Secret,
    /// How long an access token lives.
    pub access_ttl: Duration,
    /// How long a refresh token lives.
    pub refresh_ttl: Duration,
    /// How long a coach's invite code stays valid.
    pub invite_ttl: Duration,
    /// Auth requests (register, login, refresh) per client IP per minute.
    pub auth_requests_per_minute: u32,
    /// Failed logins per account per `login_failure_window` before 429.
    pub login_failures: u32,
    /// The window failed logins are counted in.
    pub login_failure_window: Duration,
    /// Proxies whose `X-Forwarded-For` names the client for per-IP limits.
    pub trusted_proxies: TrustedProxies,
    /// How long a spent refresh token may be exchanged again for the same
    /// new pair (two requests of one app refreshing at once); zero: never.
    pub refresh_overlap: Duration,
}

impl AuthConfig {
    /// Defaults: 15-minute access tokens, 30-day refresh tokens, 7-day
    /// invites, 60 auth requests per IP per minute, 10 failed logins per
    /// account per 15 minutes.
    pub fn new(secret: Secret) -> Self {
        Self {
            secret,
            access_ttl: Duration::from_secs(15 * 60),
            refresh_ttl: Duration::from_secs(30 * 24 * 3600),
            invite_ttl: Duration::from_secs(7 * 24 * 3600),
            auth_requests_per_minute: 60,
            login_failures: 10,
            refresh_overlap: Duration::from_secs(30),
            login_failure_window: Duration::from_secs(15 * 60),
            trusted_proxies: TrustedProxies::default(),
        }
    }
}
