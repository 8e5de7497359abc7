//! The `followup` command: `serve`, `migrate`, `openapi`.

use clap::Parser as _;

fn main() -> std::process::ExitCode {
    let cli = followup::cli::Cli::parse();
    match followup::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
