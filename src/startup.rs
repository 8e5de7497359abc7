//! Start-up: open the store, migrate, resolve secrets, bind, serve.

use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use followup_api::auth::{AuthConfig, TrustedProxies};
use followup_api::clock::Clock;
use followup_api::webhooks::ssrf::Egress;
use followup_api::webhooks::worker::WorkerConfig;
use followup_api::{AppState, HttpConfig, InboundConfig, Secret};
use followup_store::{DatabaseUrl, PoolOptions, SqliteSynchronous, Store};
use tokio::signal::unix::{SignalKind, signal};

use crate::cli::{DatabaseArgs, Environment, ServeArgs, Synchronous};

/// Opens the database the arguments name (connections open lazily).
pub fn open_store(args: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(&args.database_url).context("DATABASE_URL")?;
    let options = PoolOptions {
        max_size: args.pool_size,
        connection_timeout: Duration::from_secs(args.db_timeout.max(1)),
        sqlite_synchronous: match args.sqlite_synchronous {
            Synchronous::Normal => SqliteSynchronous::Normal,
            Synchronous::Full => SqliteSynchronous::Full,
        },
        write_queue: args.write_queue,
        ..PoolOptions::default()
    };
    Store::open(url, &options).context("cannot open the database")
}

/// A flag's value, trimmed; `None` when absent or blank.
fn given(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// The outgoing mail of `--smtp-url`, `--smtp-from` and `--public-url`
/// (docs/digest.md): `None` without `--smtp-url`; an error naming what is
/// missing or wrong otherwise.
pub fn mailer(args: &ServeArgs) -> anyhow::Result<Option<Arc<followup_api::digest::Mailer>>> {
    let Some(url) = given(&args.smtp_url) else {
        return Ok(None);
    };
    let Some(from) = given(&args.smtp_from) else {
        anyhow::bail!(
            "--smtp-url needs --smtp-from (FOLLOWUP_SMTP_FROM), the sender of the e-mails, \
             e.g. `followup <digest@example.com>`"
        );
    };
    let Some(public_url) = given(&args.public_url) else {
        anyhow::bail!(
            "--smtp-url needs --public-url (FOLLOWUP_PUBLIC_URL), the server's URL as users \
             reach it: the links in the e-mails are built on it"
        );
    };
    let mailer = followup_api::digest::Mailer::new(&url, &from, &public_url)
        .map_err(|cause| anyhow::anyhow!(cause))?;
    if args.environment == crate::cli::Environment::Production && !mailer.is_https() {
        anyhow::bail!(
            "--public-url must be https in production: one-click unsubscribe (RFC 8058) needs it"
        );
    }
    Ok(Some(Arc::new(mailer)))
}

/// The deployment's inbound mail (docs/inbox.md), checked before the
/// database is touched: none without `--inbound-domain`; with it, a secret
/// is required (the mail provider's, never generated) and must be strong.
pub fn inbound_config(args: &ServeArgs) -> anyhow::Result<Option<InboundConfig>> {
    match (given(&args.inbound_domain), given(&args.inbound_secret)) {
        (None, None) => Ok(None),
        (Some(_), None) => anyhow::bail!(
            "--inbound-domain needs --inbound-secret (FOLLOWUP_INBOUND_SECRET): the secret \
             the mail provider sends to POST /v1/inbox/inbound, at least {} bytes (e.g. \
             `openssl rand -hex 32`); followup never makes one up",
            crate::secret::MIN_SECRET_BYTES
        ),
        (None, Some(_)) => anyhow::bail!(
            "--inbound-secret is set without --inbound-domain (FOLLOWUP_INBOUND_DOMAIN), the \
             domain of the personal addresses"
        ),
        (Some(domain), Some(secret)) => {
            let domain = followup_api::inbound::normalize_domain(&domain);
            if !followup_api::inbound::is_domain(&domain) {
                anyhow::bail!(
                    "--inbound-domain `{domain}` is not a domain name (e.g. in.followup.example)"
                );
            }
            if secret.len() < crate::secret::MIN_SECRET_BYTES {
                anyhow::bail!(
                    "FOLLOWUP_INBOUND_SECRET is {} bytes; it needs at least {} (e.g. `openssl \
                     rand -hex 32`)",
                    secret.len(),
                    crate::secret::MIN_SECRET_BYTES
                );
            }
            let bits = crate::secret::estimated_entropy_bits(&secret);
            if args.environment == Environment::Production
                && bits < crate::secret::MIN_PRODUCTION_ENTROPY_BITS
            {
                anyhow::bail!(
                    "FOLLOWUP_INBOUND_SECRET looks guessable: about {bits:.0} bits of entropy, \
                     production needs {:.0} (e.g. `openssl rand -hex 32`)",
                    crate::secret::MIN_PRODUCTION_ENTROPY_BITS
                );
            }
            Ok(Some(InboundConfig {
                domain,
                secret: Secret::new(secret),
            }))
        }
    }
}

/// A bound, ready-to-run server.
pub struct Application {
    address: SocketAddr,
    database: String,
    server: actix_web::dev::Server,
    drain: followup_api::drain::Drain,
    drain_period: Duration,
    // The background worker (clock events, webhooks): stopped with the server.
    worker: Option<tokio::task::JoinHandle<()>>,
    stop_worker: tokio::sync::watch::Sender<bool>,
    // Held until the server stops: no second `serve` on this SQLite file.
    _store: Store,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("address", &self.address)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Checks the configuration, opens and migrates the store, binds the listener and builds the server.
    /// Must be called inside a Tokio runtime.
    pub fn build(args: ServeArgs) -> anyhow::Result<Self> {
        Self::build_with_clock(args, Clock::system())
    }

    /// [`Application::build`] with the clock the server's workers and feed
    /// read (tests hold a manual one and move it).
    pub fn build_with_clock(args: ServeArgs, clock: Clock) -> anyhow::Result<Self> {
        // A configured secret (and production always needs one) is checked
        // before the database is created or migrated, so a refused start
        // leaves nothing behind. Only a local secret kept beside the SQLite
        // file waits for the store, which creates the file's directory.
        let url = DatabaseUrl::parse(&args.database.database_url).context("DATABASE_URL")?;
        let checked = (args.jwt_secret.is_some()
            || args.environment == crate::cli::Environment::Production)
            .then(|| crate::secret::resolve(args.jwt_secret.as_deref(), args.environment, &url))
            .transpose()?;
        let inbound = inbound_config(&args)?;
        let mailer = mailer(&args)?;
        let mut store = open_store(&args.database)?;
        store
            .hold_exclusively()
            .context("cannot serve this database")?;
        if !args.no_migrate {
            let applied = store
                .migrate()
                .with_context(|| format!("cannot migrate {}", store.url().redacted()))?;
            if !applied.is_empty() {
                tracing::info!(?applied, "applied migrations");
            }
        }
        let jwt_secret = match checked {
            Some(secret) => secret,
            None => {
                crate::secret::resolve(args.jwt_secret.as_deref(), args.environment, store.url())?
            }
        };
        let listener = TcpListener::bind(args.listen)
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let address = listener.local_addr()?;
        let database = store.url().redacted();
        let config = HttpConfig {
            body_limit: args.body_limit,
            cors_origins: args.cors_origin,
            workers: args.workers,
            blocking_threads: Some(
                args.blocking_threads
                    .map_or_else(|| args.database.pool_size as usize + 2, usize::from),
            ),
            shutdown_timeout_secs: args.shutdown_timeout,
        };
        let mut auth = AuthConfig::new(jwt_secret);
        auth.access_ttl = Duration::from_secs(args.access_token_ttl.max(1));
        auth.refresh_ttl = Duration::from_secs(args.refresh_token_ttl.max(1));
        auth.refresh_overlap = Duration::from_secs(args.refresh_overlap);
        auth.auth_requests_per_minute = args.auth_rate_limit;
        auth.login_failures = args.login_failure_limit;
        auth.trusted_proxies = TrustedProxies::new(args.trusted_proxies.clone());
        let mut state = AppState::new(store.clone(), auth);
        state.clock = clock;
        if let Some(inbound) = &inbound {
            tracing::info!(
                domain = %inbound.domain,
                "receiving mail at in+<token>@{} (POST /v1/inbox/inbound)",
                inbound.domain
            );
        }
        state.inbound = inbound;
        if let Some(mailer) = &mailer {
            tracing::info!(?mailer, "sending the morning digest (docs/digest.md)");
        }
        state.mailer = mailer;
        state.require_if_match = args.require_if_match;
        let extra_roots = match &args.webhook_ca_file {
            Some(path) => {
                let pem = std::fs::read(path)
                    .with_context(|| format!("cannot read --webhook-ca-file {}", path.display()))?;
                followup_api::webhooks::worker::check_roots(&pem).map_err(|cause| {
                    anyhow::anyhow!(
                        "--webhook-ca-file {} holds no usable certificate: {cause}",
                        path.display()
                    )
                })?;
                Some(pem)
            }
            None => None,
        };
        state.webhook_egress = Arc::new(Egress {
            allow_http: args.webhook_allow_http,
            allow_networks: args.webhook_allow_network.clone(),
            extra_roots,
        });
        let (stop_worker, stopped) = tokio::sync::watch::channel(false);
        let worker = tokio::spawn(followup_api::webhooks::worker::run(
            state.clone(),
            WorkerConfig {
                egress: state.webhook_egress.clone(),
                poll: Duration::from_millis(250),
                clock_every: chrono::Duration::seconds(15),
                inbox_retention: chrono::Duration::days(i64::from(args.inbox_retention_days)),
                stop: stopped,
            },
        ));
        let drain = state.drain.clone();
        let server = followup_api::serve(listener, state, config)?;
        Ok(Self {
            address,
            database,
            server,
            drain,
            drain_period: Duration::from_secs(args.drain_seconds),
            worker: Some(worker),
            stop_worker,
            _store: store,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.address.port()
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM or SIGINT (or the handle) stops the server. On a
    /// signal the server drains for `--drain-seconds` (`/readyz` answers 503,
    /// every response closes its connection), then stops accepting and lets
    /// in-flight requests finish; a second signal ends the drain early. The
    /// "listening" line is logged once the signal handlers are in place, so a
    /// supervisor may signal right after it.
    pub async fn run_until_stopped(mut self) -> anyhow::Result<()> {
        let worker = self.worker.take();
        let stop_worker = self.stop_worker.clone();
        let result = self.serve().await;
        // The worker finishes the round it is in (an attempt takes at most
        // 15 s), then lets go of the database.
        stop_worker.send(true).ok();
        if let Some(worker) = worker
            && tokio::time::timeout(Duration::from_secs(20), worker)
                .await
                .is_err()
        {
            tracing::warn!("the background worker did not stop in time");
        }
        result
    }

    async fn serve(self) -> anyhow::Result<()> {
        let mut terminate = signal(SignalKind::terminate()).context("cannot handle SIGTERM")?;
        let mut interrupt = signal(SignalKind::interrupt()).context("cannot handle SIGINT")?;
        let address = self.address;
        tracing::info!(
            %address,
            database = %self.database,
            "listening on http://{address} (Swagger UI at http://{address}/docs)"
        );
        let handle = self.server.handle();
        let mut server = std::pin::pin!(self.server);
        tokio::select! {
            result = &mut server => return result.context("the server failed"),
            _ = terminate.recv() => tracing::info!("SIGTERM received"),
            _ = interrupt.recv() => tracing::info!("SIGINT received"),
        }
        self.drain.start();
        tracing::info!(
            seconds = self.drain_period.as_secs(),
            "draining: /readyz answers 503 and connections close after their response"
        );
        tokio::select! {
            result = &mut server => return result.context("the server failed"),
            () = tokio::time::sleep(self.drain_period) => {}
            _ = terminate.recv() => tracing::info!("second signal: ending the drain early"),
            _ = interrupt.recv() => tracing::info!("second signal: ending the drain early"),
        }
        tracing::info!("stopping: finishing in-flight requests");
        // The stop command is sent at once; the server future, polled below,
        // carries it out and resolves once in-flight requests are done.
        drop(handle.stop(true));
        server.await.context("the server failed")
    }
}
