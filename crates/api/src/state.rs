//! What every handler can reach.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use followup_store::Store;

use crate::agenda_cache::AgendaCache;
use crate::auth::{AuthConfig, RateLimiter, TokenIssuer};
use crate::clock::Clock;
use crate::drain::Drain;
use crate::facts_cache::FactsCache;
use crate::webhooks::ssrf::Egress;

/// Shared application state: the store, the auth settings and the in-memory
/// rate limiter. Cheap to clone.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Token lifetimes and limits.
    pub auth: AuthConfig,
    /// Signs and verifies access tokens.
    pub tokens: TokenIssuer,
    /// Auth requests per client IP.
    pub auth_limiter: Arc<RateLimiter<IpAddr>>,
    /// Computed agendas, per seeker, for the current minute.
    pub agendas: Arc<AgendaCache>,
    /// The facts agendas were computed from, per seeker, by revision.
    pub facts: Arc<FactsCache>,
    /// Set once the server is told to stop (see [`crate::drain`]).
    pub drain: Drain,
    /// What the background workers and the feed read as now; tests move it.
    pub clock: Clock,
    /// Where webhooks may deliver (checked at create and at every delivery).
    pub webhook_egress: Arc<Egress>,
    /// Mail received at personal addresses (docs/inbox.md); `None` when the
    /// deployment receives no mail.
    pub inbound: Option<InboundConfig>,
    /// Outgoing mail for the morning digest (docs/digest.md); `None` when
    /// the deployment sends none (no `--smtp-url`).
    pub mailer: Option<Arc<crate::digest::Mailer>>,
    /// Changes of a versioned record (PATCH, PUT, DELETE, a stage move)
    /// without `If-Match` answer 428 (`--require-if-match`).
    pub require_if_match: bool,
}

/// The deployment's inbound mail: the domain of the personal addresses
/// (`in+<token>@domain`) and the secret mail providers authenticate with
/// when they post to `POST /v1/inbox/inbound`.
#[derive(Debug, Clone)]
pub struct InboundConfig {
    /// The domain, lower case, without a trailing dot.
    pub domain: String,
    /// The shared secret (`Authorization: Bearer`, or the Basic password).
    pub secret: Secret,
}

/// How many seekers' agendas are kept at most (the current minute's only).
const AGENDA_CACHE_CAPACITY: usize = 1024;

impl AppState {
    /// State for `store` with these auth settings.
    pub fn new(store: Store, auth: AuthConfig) -> Self {
        let tokens = TokenIssuer::new(&auth.secret, auth.access_ttl);
        let auth_limiter = Arc::new(RateLimiter::new(
            auth.auth_requests_per_minute,
            Duration::from_secs(60),
        ));
        Self {
            store,
            auth,
            tokens,
            auth_limiter,
            agendas: Arc::new(AgendaCache::new(AGENDA_CACHE_CAPACITY)),
            facts: Arc::new(FactsCache::new(AGENDA_CACHE_CAPACITY)),
            drain: Drain::default(),
            clock: Clock::system(),
            webhook_egress: Arc::new(Egress::default()),
            inbound: None,
            mailer: None,
            require_if_match: false,
        }
    }
}

/// A signing secret. Never printed: `Debug` shows its length only.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps secret bytes.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self(bytes.into())
    }

    /// The secret bytes, for signing and verifying.
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} bytes)", self.0.len())
    }
}
