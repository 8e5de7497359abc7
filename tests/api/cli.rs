use std::io::{BufRead as _, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_followup");

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("followup-cli-{name}-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn openapi_prints_the_committed_spec_and_writes_it_with_out() {
    let output = Command::new(BIN).arg("openapi").output().unwrap();
    assert!(output.status.success());
    let printed: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();

    let dir = scratch_dir("openapi");
    let out = dir.join("spec.json");
    let status = Command::new(BIN)
        .args(["openapi", "--out"])
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success());
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(printed, written);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn production_without_a_secret_refuses_to_start_with_a_clear_message() {
    let dir = scratch_dir("prod");
    let output = Command::new(BIN)
        .current_dir(&dir)
        .args([
            "serve",
            "--environment",
            "production",
            "--listen",
            "127.0.0.1:0",
        ])
        .env_remove("FOLLOWUP_JWT_SECRET")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("FOLLOWUP_JWT_SECRET"), "{stderr}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn migrate_creates_the_default_database_and_serve_logs_its_port_and_stops_on_sigterm() {
    let dir = scratch_dir("serve");
    let migrate = Command::new(BIN)
        .current_dir(&dir)
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .output()
        .unwrap();
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    assert!(dir.join("followup.db").exists());

    let mut child = Command::new(BIN)
        .current_dir(&dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .env_remove("DATABASE_URL")
        .env_remove("FOLLOWUP_JWT_SECRET")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut port = None;
    while Instant::now() < deadline {
        let Some(line) = lines.next() else { break };
        let line = line.unwrap();
        let event: serde_json::Value = serde_json::from_str(&line)
            .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}"));
        if let Some(address) = event["address"].as_str() {
            port = address.rsplit(':').next().map(str::to_owned);
            break;
        }
    }
    let port = port.expect("the listening line names the address");
    assert_ne!(port, "0");
    assert!(
        dir.join("followup.db.secret").exists(),
        "a local secret was generated"
    );

    let health = std::net::TcpStream::connect(format!("127.0.0.1:{port}"));
    assert!(health.is_ok(), "the logged port accepts connections");

    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    let status = child.wait().unwrap();
    assert!(status.success(), "graceful shutdown exits 0, got {status}");
    std::fs::remove_dir_all(dir).unwrap();
}
