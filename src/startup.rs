//! Start-up: open the store, migrate, resolve secrets, bind, serve.

use std::net::TcpListener;
use std::time::Duration;

use anyhow::Context as _;
use followup_api::{AppState, HttpConfig};
use followup_store::{DatabaseUrl, PoolOptions, Store};

use crate::cli::{DatabaseArgs, ServeArgs};

/// Opens the database the arguments name (connections open lazily).
pub fn open_store(args: &DatabaseArgs) -> anyhow::Result<Store> {
    let url = DatabaseUrl::parse(&args.database_url).context("DATABASE_URL")?;
    let options = PoolOptions {
        max_size: args.pool_size,
        connection_timeout: Duration::from_secs(args.db_timeout.max(1)),
        ..PoolOptions::default()
    };
    Store::open(url, &options).context("cannot open the database")
}

/// A bound, ready-to-run server.
pub struct Application {
    port: u16,
    server: actix_web::dev::Server,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish_non_exhaustive()
    }
}

impl Application {
    /// Opens and migrates the store, binds the listener and builds the server.
    /// Must be called inside a Tokio runtime.
    pub fn build(args: ServeArgs) -> anyhow::Result<Self> {
        let store = open_store(&args.database)?;
        if !args.no_migrate {
            let applied = store
                .migrate()
                .with_context(|| format!("cannot migrate {}", store.url().redacted()))?;
            if !applied.is_empty() {
                tracing::info!(?applied, "applied migrations");
            }
        }
        let jwt_secret =
            crate::secret::resolve(args.jwt_secret.as_deref(), args.environment, store.url())?;
        let listener = TcpListener::bind(args.listen)
            .with_context(|| format!("cannot listen on {}", args.listen))?;
        let address = listener.local_addr()?;
        tracing::info!(
            %address,
            database = %store.url().redacted(),
            "listening on http://{address} (Swagger UI at http://{address}/docs)"
        );
        let config = HttpConfig {
            body_limit: args.body_limit,
            cors_origins: args.cors_origin,
            workers: args.workers,
            shutdown_timeout_secs: args.shutdown_timeout,
        };
        let server = followup_api::serve(listener, AppState { store, jwt_secret }, config)?;
        Ok(Self {
            port: address.port(),
            server,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// A handle to stop the server.
    pub fn handle(&self) -> actix_web::dev::ServerHandle {
        self.server.handle()
    }

    /// Serves until SIGTERM/SIGINT (or the handle) stops the server.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.server.await.context("the server failed")
    }
}
