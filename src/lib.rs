//! The `followup` binary's library half: command-line configuration, start-up
//! and telemetry, so the end-to-end tests start the server exactly as the
//! binary does.

pub mod cli;
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
        Command::Serve(args) => {
            telemetry::init(&cli.log)?;
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
