//! The `followup` command: `serve`, `demo`, `migrate`, `openapi`, `set-role`.

fn main() -> std::process::ExitCode {
    let cli = followup::cli::parse();
    match followup::run(cli) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
