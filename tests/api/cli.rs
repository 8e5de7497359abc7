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

#[test]
fn no_password_token_or_code_reaches_the_logs() {
    let dir = scratch_dir("logs");
    let mut child = Command::new(BIN)
        .current_dir(&dir)
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--log-format",
            "json",
            "--log-level",
            "debug",
        ])
        .env_remove("DATABASE_URL")
        .env_remove("FOLLOWUP_JWT_SECRET")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let (lines_tx, lines_rx) = std::sync::mpsc::channel::<String>();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines_tx.send(line).is_err() {
                break;
            }
        }
    });
    let port = loop {
        let line = lines_rx.recv_timeout(Duration::from_secs(30)).unwrap();
        let event: serde_json::Value = serde_json::from_str(&line).unwrap();
        if let Some(address) = event["address"].as_str() {
            break address.rsplit(':').next().unwrap().to_owned();
        }
    };
    let secret = std::fs::read_to_string(dir.join("followup.db.secret")).unwrap();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let secrets = runtime.block_on(async {
        let base = format!("http://127.0.0.1:{port}");
        let client = reqwest::Client::new();
        let register = |email: &'static str, role: &'static str| {
            client
                .post(format!("{base}/v1/auth/register"))
                .json(&serde_json::json!({
                    "email": email, "password": "secret passphrase 42",
                    "display_name": "Log Test", "role": role, "timezone": "UTC",
                }))
                .send()
        };
        let seeker: serde_json::Value = register("s@example.com", "seeker")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let coach: serde_json::Value = register("c@example.com", "coach")
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let refreshed: serde_json::Value = client
            .post(format!("{base}/v1/auth/refresh"))
            .json(&serde_json::json!({"refresh_token": seeker["refresh_token"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let invite: serde_json::Value = client
            .post(format!("{base}/v1/coach/invites"))
            .bearer_auth(coach["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = invite["code"].as_str().unwrap().to_owned();
        let accepted = client
            .post(format!("{base}/v1/coach/invites/{code}/accept"))
            .bearer_auth(refreshed["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(accepted.status(), 201);
        let key: serde_json::Value = client
            .post(format!("{base}/v1/api-keys"))
            .bearer_auth(coach["access_token"].as_str().unwrap())
            .json(&serde_json::json!({"name": "k", "scopes": ["read"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        vec![
            "secret passphrase 42".to_owned(),
            seeker["access_token"].as_str().unwrap().to_owned(),
            seeker["refresh_token"].as_str().unwrap().to_owned(),
            refreshed["refresh_token"].as_str().unwrap().to_owned(),
            code,
            key["key"].as_str().unwrap().to_owned(),
            secret.trim().to_owned(),
            "$argon2id$".to_owned(),
        ]
    });

    Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(child.wait().unwrap().success());
    let logs: Vec<String> = lines_rx.try_iter().collect();
    assert!(
        logs.iter().any(|l| l.contains("request finished")),
        "requests were logged"
    );
    for line in &logs {
        for secret in &secrets {
            assert!(
                !line.contains(secret.as_str()),
                "a secret in the log: {line}"
            );
        }
    }
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test]
async fn set_role_makes_an_admin_who_may_create_api_keys() {
    let app = crate::helpers::spawn_app().await;
    let operator = app.register("seeker").await;
    let url = app.db.as_ref().unwrap().url_string();
    let output = Command::new(BIN)
        .args([
            "set-role",
            "--email",
            &operator.email.to_uppercase(),
            "--role",
            "admin",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // The role change ended the operator's sessions: sign in again.
    let login: serde_json::Value = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&serde_json::json!({"email": operator.email, "password": operator.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let operator = crate::helpers::Account {
        access: login["access_token"].as_str().unwrap().to_owned(),
        ..operator
    };
    let me: serde_json::Value = app
        .as_(&operator, reqwest::Method::GET, "/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["role"], "admin");
    let key = app
        .as_(&operator, reqwest::Method::POST, "/v1/api-keys")
        .json(&serde_json::json!({"name": "ops", "scopes": ["read"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(key.status(), 201);

    let unknown = Command::new(BIN)
        .args([
            "set-role",
            "--email",
            "nobody@example.com",
            "--role",
            "admin",
            "--database-url",
            &url,
        ])
        .output()
        .unwrap();
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account"));
}

#[tokio::test]
async fn set_role_refuses_every_sessions_access_tokens_but_keeps_api_keys() {
    let app = crate::helpers::spawn_app().await;
    let coach = app.register("coach").await;
    let key: serde_json::Value = app
        .as_(&coach, reqwest::Method::POST, "/v1/api-keys")
        .json(&serde_json::json!({"name": "ops", "scopes": ["read"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = key["key"].as_str().unwrap().to_owned();
    let login = || async {
        let body: serde_json::Value = app
            .client
            .post(app.url("/v1/auth/login"))
            .json(&serde_json::json!({"email": coach.email, "password": coach.password}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    };
    let other_session = login().await;
    let me = |credential: String| {
        app.client
            .get(app.url("/v1/me"))
            .bearer_auth(credential)
            .send()
    };
    assert_eq!(me(other_session.clone()).await.unwrap().status(), 200);

    let url = app.db.as_ref().unwrap().url_string();
    let output = Command::new(BIN)
        .args(["set-role", "--email", &coach.email, "--role", "admin"])
        .args(["--database-url", &url])
        .output()
        .unwrap();
    assert!(output.status.success());

    for access in [coach.access.clone(), other_session] {
        let refused = me(access).await.unwrap();
        assert!(refused.headers().contains_key("www-authenticate"));
        crate::helpers::assert_problem(refused, 401).await;
    }
    let refreshed = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .json(&serde_json::json!({"refresh_token": coach.refresh}))
        .send()
        .await
        .unwrap();
    crate::helpers::assert_problem(refreshed, 401).await;

    // The API key is not a session: it acts for its owner, now an admin.
    let by_key: serde_json::Value = me(key).await.unwrap().json().await.unwrap();
    assert_eq!(by_key["role"], "admin");
    let fresh: serde_json::Value = me(login().await).await.unwrap().json().await.unwrap();
    assert_eq!(fresh["role"], "admin");
}

/// Starts `serve` in a scratch directory with `args` and `env`, and returns
/// the child and its JSON log lines as they come.
fn serve_logging(
    name: &str,
    args: &[&str],
    env: &[(&str, &str)],
) -> (
    std::process::Child,
    std::sync::mpsc::Receiver<serde_json::Value>,
    std::path::PathBuf,
) {
    let dir = scratch_dir(name);
    let mut command = Command::new(BIN);
    command
        .current_dir(&dir)
        .args(["serve", "--listen", "127.0.0.1:0", "--log-format", "json"])
        .args(args)
        .env_remove("DATABASE_URL")
        .env_remove("FOLLOWUP_JWT_SECRET")
        .env_remove("FOLLOWUP_MEMORY_RELEASE_SECONDS")
        .env_remove(ARENA_ENV)
        .stderr(Stdio::piped());
    for (key, value) in env {
        command.env(key, value);
    }
    let mut child = command.spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let event = serde_json::from_str(&line)
                .unwrap_or_else(|_| panic!("a log line that is not JSON: {line}"));
            if tx.send(event).is_err() {
                break;
            }
        }
    });
    (child, rx, dir)
}

/// glibc's own variable for the arenas' cap, which the server leaves alone
/// when it is set.
const ARENA_ENV: &str = "MALLOC_ARENA_MAX";

/// The first log event whose message starts with `prefix`, within `within`.
fn wait_for_event(
    events: &std::sync::mpsc::Receiver<serde_json::Value>,
    prefix: &str,
    within: Duration,
) -> Option<serde_json::Value> {
    let deadline = Instant::now() + within;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let event = events.recv_timeout(left).ok()?;
        let message = event["message"].as_str().unwrap_or_default();
        if message.starts_with(prefix) {
            return Some(event);
        }
    }
    None
}

fn stop(mut child: std::process::Child, dir: std::path::PathBuf) {
    child.kill().unwrap();
    child.wait().unwrap();
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn serve_caps_the_allocators_arenas_at_the_cores_and_gives_free_memory_back() {
    let (child, events, dir) = serve_logging(
        "malloc",
        &[
            "--memory-release-seconds",
            "1",
            "--log-level",
            "info,followup_malloc=debug",
        ],
        &[],
    );
    let settings = wait_for_event(&events, "the allocator", Duration::from_secs(30))
        .expect("the allocator's settings are logged at start");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let expected = format!("at most {cores}");
    assert_eq!(settings["arenas"], expected.as_str(), "{settings}");
    assert_eq!(settings["release_every_seconds"], 1, "{settings}");
    let released = wait_for_event(
        &events,
        "gave the allocator's free memory back",
        Duration::from_secs(20),
    );
    assert!(released.is_some(), "free memory is given back every second");
    stop(child, dir);
}

#[test]
fn serve_leaves_the_arenas_to_malloc_arena_max_and_may_keep_free_memory() {
    let (child, events, dir) = serve_logging(
        "malloc-env",
        &["--log-level", "info,followup_malloc=debug"],
        &[(ARENA_ENV, "3"), ("FOLLOWUP_MEMORY_RELEASE_SECONDS", "0")],
    );
    let settings = wait_for_event(&events, "the allocator", Duration::from_secs(30))
        .expect("the allocator's settings are logged at start");
    assert_eq!(settings["arenas"], "as MALLOC_ARENA_MAX says", "{settings}");
    assert!(settings["release_every_seconds"].is_null(), "{settings}");
    assert!(
        wait_for_event(
            &events,
            "gave the allocator's free memory back",
            Duration::from_secs(3)
        )
        .is_none(),
        "0 never gives free memory back"
    );
    stop(child, dir);
}
