//! What the server promises about acknowledged writes and about stopping,
//! with the server as a separate process, as in production (see
//! docs/reliability.md).

use std::io::{BufRead as _, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use diesel::connection::SimpleConnection as _;
use diesel::prelude::*;
use followup_store::testing::TestDatabase;

use crate::helpers::TEST_SECRET;

const BIN: &str = env!("CARGO_BIN_EXE_followup");

/// A `followup serve` child process.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    /// Starts `serve` on `database_url` and waits for its listening line.
    fn start(database_url: &str, extra: &[&str]) -> Self {
        let mut child = Command::new(BIN)
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--log-format",
                "json",
                "--database-url",
                database_url,
                "--auth-rate-limit",
                "100000",
            ])
            .args(extra)
            .env("FOLLOWUP_JWT_SECRET", TEST_SECRET)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stderr = child.stderr.take().unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        // Reads the log to the end, so the child never blocks on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines() {
                let Ok(line) = line else { break };
                let event: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                let found = match event["address"].as_str() {
                    Some(address) => Ok(address.to_owned()),
                    None => Err(line),
                };
                let _ = sender.send(found);
            }
        });
        let mut log = Vec::new();
        let address = loop {
            match receiver.recv_timeout(Duration::from_secs(60)) {
                Ok(Ok(address)) => break address,
                Ok(Err(line)) => log.push(line),
                Err(e) => panic!("the server logs no address ({e}): {log:#?}"),
            }
        };
        Self {
            child,
            base: format!("http://{address}"),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn signal(&self, name: &str) {
        let status = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
    }

    /// SIGTERM, then waits for a clean exit.
    fn stop(mut self) {
        self.signal("TERM");
        let status = self.child.wait().unwrap();
        assert!(status.success(), "graceful shutdown exits 0, got {status}");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn register(client: &reqwest::Client, server: &Server) -> String {
    let response = client
        .post(server.url("/v1/auth/register"))
        .json(&serde_json::json!({
            "email": format!("durable-{}@example.com", uuid::Uuid::now_v7().simple()),
            "password": "a long passphrase",
            "display_name": "Durable",
            "role": "seeker",
            "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    body["access_token"].as_str().unwrap().to_owned()
}

async fn create_opportunity(
    client: &reqwest::Client,
    server: &Server,
    token: &str,
    n: usize,
) -> String {
    let response = client
        .post(server.url("/v1/opportunities"))
        .bearer_auth(token)
        .json(&serde_json::json!({"company": format!("Acme {n}"), "title": "Engineer"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    body["opportunity"]["id"].as_str().unwrap().to_owned()
}

/// Every opportunity id the API lists for `token`, page by page.
async fn listed_ids(client: &reqwest::Client, server: &Server, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut path = "/v1/opportunities?limit=200".to_owned();
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page: serde_json::Value = client
            .get(server.url(&path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return ids,
        }
    }
}

/// The opportunity ids in the file, read by this process through SQLite.
fn ids_in_file(path: &str) -> Vec<String> {
    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = diesel::sql_types::Text)]
        id: String,
    }
    let mut conn = SqliteConnection::establish(path).unwrap();
    conn.batch_execute("PRAGMA busy_timeout = 5000").unwrap();
    diesel::sql_query("SELECT id FROM opportunities")
        .load::<Id>(&mut conn)
        .unwrap()
        .into_iter()
        .map(|row| row.id)
        .collect()
}

/// Opens the database named by its argument, reads, writes and closes it.
const OUTSIDE_CLIENT: &str = "
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], timeout=10)
db.execute('SELECT count(*) FROM users').fetchall()
db.execute('CREATE TABLE outside_probe (n INTEGER)')
db.execute('INSERT INTO outside_probe VALUES (1)')
db.commit()
db.execute('DROP TABLE outside_probe')
db.commit()
db.close()
";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outside_sqlite_client_loses_no_acknowledged_write() {
    if TestDatabase::backend() != followup_store::Backend::Sqlite {
        return;
    }
    let db = TestDatabase::create().unwrap();
    let url = db.url_string();
    let path = db
        .url()
        .sqlite_path()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    let client = reqwest::Client::new();
    let server = Server::start(&url, &["--drain-seconds", "0"]);
    let token = register(&client, &server).await;

    let mut acknowledged = Vec::new();
    for round in 0..6 {
        for n in 0..5 {
            acknowledged.push(create_opportunity(&client, &server, &token, round * 5 + n).await);
        }
        // Another SQLite client comes and goes, as a backup, a report or the
        // sqlite3 shell would: it reads, writes, and closes the database. It
        // is Python's sqlite3 module, another process with the system's
        // SQLite library, whose close deletes a WAL that nobody else locks.
        let outside = Command::new("python3")
            .args(["-c", OUTSIDE_CLIENT, &path])
            .output()
            .unwrap();
        assert!(
            outside.status.success(),
            "{}",
            String::from_utf8_lossy(&outside.stderr)
        );
    }
    let last = create_opportunity(&client, &server, &token, 99).await;
    acknowledged.push(last);

    let seen_by_another_process = ids_in_file(&path);
    for id in &acknowledged {
        assert!(
            seen_by_another_process.contains(id),
            "{id} acknowledged but not in the file"
        );
    }
    server.stop();

    let server = Server::start(&url, &["--drain-seconds", "0"]);
    let listed = listed_ids(&client, &server, &token).await;
    assert_eq!(listed.len(), acknowledged.len(), "after a restart");
    for id in &acknowledged {
        assert!(listed.contains(id), "{id} lost after a restart");
    }
    server.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_serve_on_one_sqlite_file_refuses_and_names_the_first() {
    if TestDatabase::backend() != followup_store::Backend::Sqlite {
        return;
    }
    let db = TestDatabase::create().unwrap();
    let url = db.url_string();
    let first = Server::start(&url, &["--drain-seconds", "0"]);
    let second = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0", "--database-url", &url])
        .env("FOLLOWUP_JWT_SECRET", TEST_SECRET)
        .output()
        .unwrap();
    assert!(!second.status.success(), "a second serve must not start");
    let stderr = String::from_utf8_lossy(&second.stderr);
    assert!(
        stderr.contains(&format!("followup serve (pid {}", first.child.id())),
        "{stderr}"
    );
    // `followup migrate` is refused at once too, while set-role works.
    let migrate = Command::new(BIN)
        .args(["migrate", "--database-url", &url])
        .output()
        .unwrap();
    assert!(!migrate.status.success());
    assert!(String::from_utf8_lossy(&migrate.stderr).contains("in use by followup serve"));
    first.stop();
    let again = Server::start(&url, &["--drain-seconds", "0"]);
    again.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_sqlite_files_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = std::env::temp_dir().join(format!("followup-mode-{}", uuid::Uuid::now_v7()));
    let path = dir.join("private.db");
    let url = format!("sqlite://{}", path.display());
    let client = reqwest::Client::new();
    let server = Server::start(&url, &["--drain-seconds", "0"]);
    let token = register(&client, &server).await;
    create_opportunity(&client, &server, &token, 1).await;
    for suffix in ["", "-wal", "-shm", ".lock"] {
        let file = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{file} is {mode:o}");
    }
    server.stop();
    std::fs::remove_dir_all(dir).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_drains_before_it_stops_and_answers_every_request() {
    let db = TestDatabase::create().unwrap();
    let server = Server::start(&db.url_string(), &["--drain-seconds", "3"]);
    let client = reqwest::Client::new();
    let token = register(&client, &server).await;
    let ready = client.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 200);

    let stop_at = Instant::now() + Duration::from_millis(2500);
    let signal_at = Instant::now() + Duration::from_millis(500);
    let mut workers = Vec::new();
    for _ in 0..8 {
        let client = client.clone();
        let token = token.clone();
        let url = server.url("/v1/opportunities");
        workers.push(tokio::spawn(async move {
            let (mut before, mut during, mut closing) = (0, 0, 0);
            while Instant::now() < stop_at {
                let sent = Instant::now();
                let response = client.get(&url).bearer_auth(&token).send().await;
                let response = response.unwrap_or_else(|e| panic!("no answer while draining: {e}"));
                assert_eq!(response.status(), 200);
                // The signal takes a moment to arrive and be handled.
                if sent < signal_at + Duration::from_millis(150) {
                    before += 1;
                } else {
                    during += 1;
                    let close = response
                        .headers()
                        .get("connection")
                        .is_some_and(|v| v == "close");
                    closing += usize::from(close);
                }
            }
            (before, during, closing)
        }));
    }
    tokio::time::sleep_until(signal_at.into()).await;
    server.signal("TERM");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let ready = client.get(server.url("/readyz")).send().await.unwrap();
    assert_eq!(ready.status(), 503, "not ready while draining");

    let (mut during, mut closing) = (0, 0);
    for worker in workers {
        let (_, d, c) = worker.await.unwrap();
        during += d;
        closing += c;
    }
    assert!(during > 0, "requests were served during the drain");
    assert_eq!(closing, during, "every response of the drain closes");

    let mut server = server;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Some(status) = server.child.try_wait().unwrap() {
            assert!(status.success(), "exits 0 after the drain, got {status}");
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the server stops after the drain"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
