//! The `followup` binary's library half: command-line configuration, start-up
//! and telemetry, so the end-to-end tests start the server exactly as the
//! binary does.

pub mod cli;
pub mod demo;
pub mod secret;
pub mod startup;
pub mod telemetry;

use anyhow::Context as _;

use crate::cli::{Cli, Command};

/// Runs one command of the CLI to completion.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Openapi(args) => {
            let json = serde_json::to_string_pretty(&followup_api::openapi())?;
            match args.out {
                Some(path) => std::fs::write(&path, format!("{json}\n"))
                    .with_context(|| format!("cannot write {}", path.display()))?,
                None => println!("{json}"),
            }
            Ok(())
        }
        Command::Migrate(args) => {
            telemetry::init(&cli.log)?;
            let store = startup::open_store(&args.database)?;
            let applied = store.migrate().context("migrations failed")?;
            tracing::info!(applied = ?applied, database = %store.url().redacted(), "migrations done");
            Ok(())
        }
        Command::SetRole(args) => {
            telemetry::init(&cli.log)?;
            let store = startup::open_store(&args.database)?;
            let email = args.email.trim().to_lowercase();
            let role = args.role;
            store.write(|conn| -> anyhow::Result<()> {
                let user = followup_store::users::find_by_email(conn, &email)?
                    .with_context(|| format!("no account with the email {email}"))?;
                followup_store::users::set_role(
                    conn,
                    &user.id,
                    role,
                    chrono::Utc::now().naive_utc(),
                )?;
                Ok(())
            })?;
            tracing::info!(%email, role = role.as_str(), "role changed");
            Ok(())
        }
        Command::Demo(args) => {
            start_serving(&cli.log, &args)?;
            demo(*args)
        }
        Command::Serve(args) => {
            start_serving(&cli.log, &args)?;
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
                .context("cannot start the async runtime")?;
            runtime.block_on(async move {
                let app = startup::Application::build(*args)?;
                app.run_until_stopped().await
            })
        }
    }
}

/// The cores this process may run on: the HTTP workers' default count, and
/// the cap on glibc's arenas.
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// What `serve` and `demo` do before anything else: the allocator's
/// arenas capped before any thread starts, then the logs, then the
/// allocator's free memory handed back every `--memory-release-seconds`
/// (0: never). docs/architecture.md, "Memory".
fn start_serving(log: &cli::LogArgs, args: &cli::ServeArgs) -> anyhow::Result<()> {
    let arenas = followup_malloc::limit_arenas(cores());
    telemetry::init(log)?;
    let seconds = args.memory_release_seconds;
    let releasing =
        seconds > 0 && followup_malloc::start_releasing(std::time::Duration::from_secs(seconds));
    tracing::info!(
        %arenas,
        release_every_seconds = releasing.then_some(seconds),
        "the allocator: arenas {arenas}, free memory {}",
        if releasing {
            format!("given back every {seconds} s")
        } else {
            "kept".to_owned()
        }
    );
    Ok(())
}

/// `followup demo`: refuses production and a database with accounts, then
/// serves, loads the demo through the API, and prints how to use it.
fn demo(args: cli::ServeArgs) -> anyhow::Result<()> {
    if args.environment == cli::Environment::Production {
        anyhow::bail!("followup demo refuses production: its accounts have published passwords");
    }
    {
        let store = startup::open_store(&args.database)?;
        store
            .migrate()
            .with_context(|| format!("cannot migrate {}", store.url().redacted()))?;
        let taken = store.read(followup_store::users::any)?;
        if taken {
            anyhow::bail!(
                "{url} already has accounts: followup demo only loads into an empty database. \
                 Serve it as it is with `followup serve --database-url {url}`, or delete it to \
                 start the demo afresh",
                url = store.url().redacted()
            );
        }
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async move {
        let listen = args.listen;
        let app = startup::Application::build(args)?;
        let host = if listen.ip().is_unspecified() {
            "127.0.0.1".to_owned()
        } else {
            listen.ip().to_string()
        };
        let base = format!("http://{host}:{}", app.port());
        let server = tokio::spawn(app.run_until_stopped());
        let made = demo::seed(&base).await;
        let made = match made {
            Ok(made) => made,
            Err(error) => {
                server.abort();
                return Err(error);
            }
        };
        // Not println!: a closed stdout (`followup demo | head`) must not
        // stop the server.
        {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{}", demo::instructions(&base, &made));
            let _ = out.flush();
        }
        server.await.context("the server task failed")?
    })
}
