//! Command-line flags and their `FOLLOWUP_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use followup_api::auth::ProxyNet;

/// followup: coaches job seekers through the wait after the interviews.
#[derive(Debug, Parser)]
#[command(name = "followup", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// Logging.
    #[command(flatten)]
    pub log: LogArgs,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the HTTP API (migrating the database first unless --no-migrate).
    Serve(Box<ServeArgs>),
    /// Load a demo (the article's story, a second seeker, a coach) into an
    /// empty database, print how to sign in and what to try, and serve it.
    /// The database defaults to sqlite://followup-demo.db; one that has
    /// accounts is refused, and so is production.
    Demo(Box<ServeArgs>),
    /// Apply pending database migrations and exit.
    Migrate(MigrateArgs),
    /// Print the OpenAPI document (or write it with --out).
    Openapi(OpenapiArgs),
    /// Give an account another role, e.g. make the operator an admin.
    SetRole(SetRoleArgs),
}

/// The demo's database when `--database-url` (and `DATABASE_URL`) is not
/// given: never the default database of `serve`.
pub const DEMO_DATABASE: &str = "sqlite://followup-demo.db";

/// Parses the command line: [`Cli::parse`], with the demo's own default
/// database.
pub fn parse() -> Cli {
    use clap::{CommandFactory as _, FromArgMatches as _};
    let matches = Cli::command().get_matches();
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    if let Command::Demo(args) = &mut cli.command {
        let defaulted = matches
            .subcommand_matches("demo")
            .and_then(|m| m.value_source("database_url"))
            == Some(clap::parser::ValueSource::DefaultValue);
        if defaulted {
            DEMO_DATABASE.clone_into(&mut args.database.database_url);
        }
    }
    cli
}

/// `followup set-role`.
#[derive(Debug, Clone, Args)]
pub struct SetRoleArgs {
    /// The account's email.
    #[arg(long)]
    pub email: String,
    /// seeker, coach or admin.
    #[arg(long)]
    pub role: followup_core::Role,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Where the data lives.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// sqlite://PATH (embedded; created at start) or postgres://USER@HOST/DB.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://followup.db")]
    pub database_url: String,
    /// Most pooled database connections.
    #[arg(long, env = "FOLLOWUP_POOL_SIZE", default_value_t = 8)]
    pub pool_size: u32,
    /// Seconds a request waits for a database connection before it gets 503.
    #[arg(long, env = "FOLLOWUP_DB_TIMEOUT", default_value_t = 5)]
    pub db_timeout: u64,
    /// SQLite only: `normal` keeps every acknowledged write through a crash
    /// of the process; `full` also through a power loss, at one fsync per
    /// commit (writes queued together commit together).
    #[arg(long, env = "FOLLOWUP_SQLITE_SYNCHRONOUS", value_enum, default_value_t = Synchronous::Normal)]
    pub sqlite_synchronous: Synchronous,
    /// SQLite only: writers that may wait in the server's queue behind the
    /// one writing; one more is answered 503 with `Retry-After: 1`.
    #[arg(long, env = "FOLLOWUP_WRITE_QUEUE", default_value_t = 64)]
    pub write_queue: usize,
}

/// SQLite's `synchronous` setting (the database runs in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Synchronous {
    /// Survives a crash of the process, not a power loss.
    Normal,
    /// Survives a power loss too.
    Full,
}

/// Where a deployment runs; production refuses to invent secrets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Environment {
    /// A laptop or a test: a missing JWT secret is generated and kept beside the SQLite file.
    Local,
    /// A real deployment: FOLLOWUP_JWT_SECRET must be set.
    Production,
}

/// `followup serve`.
#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port (the log says which).
    #[arg(long, env = "FOLLOWUP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
    /// Do not run pending migrations at start.
    #[arg(long, env = "FOLLOWUP_NO_MIGRATE")]
    pub no_migrate: bool,
    /// local or production.
    #[arg(long, env = "FOLLOWUP_ENV", value_enum, default_value_t = Environment::Local)]
    pub environment: Environment,
    /// Secret that signs access tokens, at least 32 bytes. Required in
    /// production and with PostgreSQL; locally generated into <db>.secret.
    #[arg(long, env = "FOLLOWUP_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Access-token lifetime in seconds.
    #[arg(long, env = "FOLLOWUP_ACCESS_TOKEN_TTL", default_value_t = 900)]
    pub access_token_ttl: u64,
    /// Refresh-token lifetime in seconds (default 30 days).
    #[arg(long, env = "FOLLOWUP_REFRESH_TOKEN_TTL", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl: u64,
    /// Seconds a spent refresh token may be exchanged again for the same new
    /// pair (two requests of one app refreshing at once); 0 turns it off.
    /// Later reuse still revokes every session of the account.
    #[arg(long, env = "FOLLOWUP_REFRESH_OVERLAP", default_value_t = 30)]
    pub refresh_overlap: u64,
    /// Register, login and refresh requests allowed per client IP per minute.
    #[arg(long, env = "FOLLOWUP_AUTH_RATE_LIMIT", default_value_t = 60)]
    pub auth_rate_limit: u32,
    /// Proxies (addresses or networks, e.g. `10.0.0.0/8`) whose
    /// X-Forwarded-For names the client for per-IP limits; repeat the flag
    /// or separate them with commas. None by default: the peer is the client.
    #[arg(
        long = "trusted-proxy",
        env = "FOLLOWUP_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<ProxyNet>,
    /// Failed logins allowed per account per 15 minutes before 429.
    #[arg(long, env = "FOLLOWUP_LOGIN_FAILURE_LIMIT", default_value_t = 10)]
    pub login_failure_limit: u32,
    /// Origins browsers may call the API from (comma-separated; * for any).
    #[arg(long, env = "FOLLOWUP_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origin: Vec<String>,
    /// Largest accepted request body in bytes.
    #[arg(long, env = "FOLLOWUP_BODY_LIMIT", default_value_t = 256 * 1024)]
    pub body_limit: usize,
    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "FOLLOWUP_WORKERS")]
    pub workers: Option<usize>,
    /// Threads for blocking work (database reads, PostgreSQL writes,
    /// password hashing), shared among the workers (default: the pool's
    /// size and 2 more; a read beyond the pool's connections only waits).
    #[arg(long, env = "FOLLOWUP_BLOCKING_THREADS", value_parser = clap::value_parser!(u16).range(1..))]
    pub blocking_threads: Option<u16>,
    /// Seconds between two hand-backs of the allocator's free memory to
    /// the system (glibc's `malloc_trim`; 0: never). The arenas are also
    /// capped at one per core unless `MALLOC_ARENA_MAX` is set
    /// (docs/architecture.md, "Memory").
    #[arg(long, env = "FOLLOWUP_MEMORY_RELEASE_SECONDS", default_value_t = 10)]
    pub memory_release_seconds: u64,
    /// Seconds between SIGTERM and the stop: `/readyz` answers 503 and every
    /// response closes its connection, so clients and load balancers move on.
    #[arg(long, env = "FOLLOWUP_DRAIN_SECONDS", default_value_t = 5)]
    pub drain_seconds: u64,
    /// Seconds in-flight requests get to finish once the drain is over.
    #[arg(long, env = "FOLLOWUP_SHUTDOWN_TIMEOUT", default_value_t = 30)]
    pub shutdown_timeout: u64,
    /// Accept and deliver to plain `http` webhook URLs (tests, private
    /// deployments); otherwise `https` only.
    #[arg(long, env = "FOLLOWUP_WEBHOOK_ALLOW_HTTP")]
    pub webhook_allow_http: bool,
    /// Networks webhooks may deliver to although they are private, loopback
    /// or otherwise refused (comma-separated CIDRs, e.g. 10.1.0.0/16).
    #[arg(long, env = "FOLLOWUP_WEBHOOK_ALLOW_NETWORK", value_delimiter = ',')]
    pub webhook_allow_network: Vec<ProxyNet>,
    /// A PEM file of certificate authorities that webhook deliveries trust
    /// beside the system's (a private deployment with its own CA).
    #[arg(long, env = "FOLLOWUP_WEBHOOK_CA_FILE")]
    pub webhook_ca_file: Option<std::path::PathBuf>,
    /// Days the raw bytes of a message posted to the inbox are kept; the
    /// proposals read from it stay (docs/inbox.md).
    #[arg(long, env = "FOLLOWUP_INBOX_RETENTION_DAYS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub inbox_retention_days: u32,
    /// Domain of the personal addresses (`in+<token>@DOMAIN`) whose mail
    /// the mail provider posts to /v1/inbox/inbound (docs/inbox.md). Needs
    /// --inbound-secret; without it the deployment receives no mail.
    #[arg(long, env = "FOLLOWUP_INBOUND_DOMAIN")]
    pub inbound_domain: Option<String>,
    /// Secret the mail provider sends to /v1/inbox/inbound, as a bearer
    /// token or the Basic password; at least 32 bytes (production: at
    /// least 128 bits of estimated entropy). Never generated.
    #[arg(long, env = "FOLLOWUP_INBOUND_SECRET", hide_env_values = true)]
    pub inbound_secret: Option<String>,
    /// Changes of a versioned record (PATCH, PUT, DELETE, a stage move)
    /// without `If-Match` answer 428 Precondition Required (RFC 6585), for
    /// apps that merge offline edits strictly.
    #[arg(long, env = "FOLLOWUP_REQUIRE_IF_MATCH")]
    pub require_if_match: bool,
    /// The SMTP server the morning digest is sent through
    /// (docs/digest.md): `smtps://user:pass@host:465`,
    /// `smtp://user:pass@host:587?tls=required`, or plain `smtp://host:25`.
    /// Needs --smtp-from and --public-url. Without it the server sends no
    /// e-mail and the digest cannot be turned on.
    #[arg(long, env = "FOLLOWUP_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// The sender of the e-mails, e.g. `followup <digest@example.com>`.
    #[arg(long, env = "FOLLOWUP_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// The server's URL as users reach it (`https://api.example.com`): the
    /// links in e-mails (verification, one-click unsubscribe) are built on
    /// it. Production needs https.
    #[arg(long, env = "FOLLOWUP_PUBLIC_URL")]
    pub public_url: Option<String>,
}

/// `followup migrate`.
#[derive(Debug, Clone, Args)]
pub struct MigrateArgs {
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// `followup openapi`.
#[derive(Debug, Clone, Args)]
pub struct OpenapiArgs {
    /// Write the document to this file instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Log output.
#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// text (for people) or json (one object per line, for collectors).
    #[arg(long, global = true, env = "FOLLOWUP_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Log filter in RUST_LOG syntax, e.g. `info` or `followup=debug,actix_web=warn`.
    #[arg(long, global = true, env = "FOLLOWUP_LOG", default_value = "info")]
    pub log_level: String,
}

/// Log line format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// JSON objects, one per line.
    Json,
}
