#![expect(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::net::SocketAddr;

use followup::cli::{DatabaseArgs, Environment, ServeArgs};
use followup::startup::Application;
use followup_store::testing::TestDatabase;

/// A secret long enough for HS256, shared by every test server.
pub const TEST_SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// A running server and the database behind it.
pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub db: Option<TestDatabase>,
    handle: actix_web::dev::ServerHandle,
    task: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.unwrap()
    }

    /// Stops the server and waits until it has let go of its database
    /// (and its background worker stopped); hands the database back.
    pub async fn stop(mut self) -> Option<TestDatabase> {
        self.handle.stop(false).await;
        if let Some(task) = self.task.take() {
            task.await.unwrap().unwrap();
        }
        self.db.take()
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // Stop the server before the database is dropped.
        drop(self.handle.stop(false));
    }
}

/// Serve arguments as a test wants them: a free port, one worker, CORS for one origin.
pub fn serve_args(database_url: String) -> ServeArgs {
    ServeArgs {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        database: DatabaseArgs {
            database_url,
            pool_size: 4,
            db_timeout: 2,
            sqlite_synchronous: followup::cli::Synchronous::Normal,
            write_queue: 64,
        },
        no_migrate: false,
        environment: Environment::Local,
        jwt_secret: Some(TEST_SECRET.to_owned()),
        access_token_ttl: 900,
        refresh_token_ttl: 3600,
        refresh_overlap: 30,
        auth_rate_limit: 1000,
        login_failure_limit: 10,
        trusted_proxies: Vec::new(),
        cors_origin: vec!["https://app.example".to_owned()],
        body_limit: 256 * 1024,
        workers: Some(1),
        blocking_threads: None,
        memory_release_seconds: 0,
        drain_seconds: 0,
        shutdown_timeout: 1,
        webhook_allow_http: false,
        webhook_allow_network: Vec::new(),
        webhook_ca_file: None,
        inbox_retention_days: 30,
        inbound_domain: None,
        inbound_secret: None,
        require_if_match: false,
        smtp_url: None,
        smtp_from: None,
        public_url: None,
    }
}

/// Starts the server on a fresh database.
pub async fn spawn_app() -> TestApp {
    let db = TestDatabase::create().expect("a test database");
    let mut app = spawn_with(serve_args(db.url_string())).await;
    app.db = Some(db);
    app
}

/// Starts the server on a fresh database with a clock the test moves.
pub async fn spawn_with_clock(clock: followup_api::clock::Clock) -> TestApp {
    let db = TestDatabase::create().expect("a test database");
    let app = Application::build_with_clock(serve_args(db.url_string()), clock)
        .expect("the server builds");
    let mut app = started(app);
    app.db = Some(db);
    app
}

/// Starts the server on an existing database with a clock the test moves.
pub async fn restart_with_clock(db: TestDatabase, clock: followup_api::clock::Clock) -> TestApp {
    // The stopped server's last connections close (and checkpoint) on
    // threads of their own a moment after it stops.
    let mut tries = 0;
    let app = loop {
        match Application::build_with_clock(serve_args(db.url_string()), clock.clone()) {
            Ok(app) => break app,
            Err(error) if tries < 50 => {
                tries += 1;
                eprintln!("restart: {error:#}; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => panic!("the server does not restart: {error:#}"),
        }
    };
    let mut app = started(app);
    app.db = Some(db);
    app
}

/// Starts a server whose webhooks may deliver to loopback over plain
/// http (the tests' receivers), with a clock the test moves.
pub async fn spawn_for_webhooks(clock: followup_api::clock::Clock) -> TestApp {
    let db = TestDatabase::create().expect("a test database");
    let mut args = serve_args(db.url_string());
    args.webhook_allow_http = true;
    args.webhook_allow_network = vec!["127.0.0.0/8".parse().unwrap()];
    let app = Application::build_with_clock(args, clock).expect("the server builds");
    let mut app = started(app);
    app.db = Some(db);
    app
}

/// Starts a server that sends e-mail through the SMTP server at
/// `smtp_url`, with a clock the test moves; on `db`, or a fresh database.
pub async fn spawn_with_mail(
    clock: followup_api::clock::Clock,
    smtp_url: &str,
    db: Option<TestDatabase>,
) -> TestApp {
    let db = db.unwrap_or_else(|| TestDatabase::create().expect("a test database"));
    let mut args = serve_args(db.url_string());
    args.smtp_url = Some(smtp_url.to_owned());
    args.smtp_from = Some("followup <digest@followup.test>".to_owned());
    args.public_url = Some("https://followup.test".to_owned());
    let mut tries = 0;
    let app = loop {
        match Application::build_with_clock(args.clone(), clock.clone()) {
            Ok(app) => break app,
            // A server of this database that just stopped may still hold it.
            Err(error) if tries < 50 => {
                tries += 1;
                eprintln!("start: {error:#}; trying again");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
            Err(error) => panic!("the server does not start: {error:#}"),
        }
    };
    let mut app = started(app);
    app.db = Some(db);
    app
}

/// A second server with mail on `app`'s database (PostgreSQL: SQLite lets
/// one server hold a database), sharing `clock`.
pub async fn spawn_mail_beside(
    app: &TestApp,
    clock: followup_api::clock::Clock,
    smtp_url: &str,
) -> Result<TestApp, String> {
    let db = app.db.as_ref().expect("an app with its own database");
    let mut args = serve_args(db.url_string());
    args.smtp_url = Some(smtp_url.to_owned());
    args.smtp_from = Some("followup <digest@followup.test>".to_owned());
    args.public_url = Some("https://followup.test".to_owned());
    let built = Application::build_with_clock(args, clock).map_err(|e| format!("{e:#}"))?;
    Ok(started(built))
}

/// Starts a second server on `app`'s database, as a second replica behind
/// a load balancer: its own pools, agenda cache and writer queue. The error
/// when the backend refuses a second server (SQLite's instance lock).
pub async fn spawn_beside(app: &TestApp) -> Result<TestApp, String> {
    let db = app.db.as_ref().expect("an app with its own database");
    let built = Application::build(serve_args(db.url_string())).map_err(|e| format!("{e:#}"))?;
    Ok(started(built))
}

/// Starts the server with these arguments.
pub async fn spawn_with(args: ServeArgs) -> TestApp {
    started(Application::build(args).expect("the server builds"))
}

fn started(app: Application) -> TestApp {
    let address = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    let task = tokio::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        db: None,
        handle,
        task: Some(task),
    }
}

/// Asserts an RFC 9457 problem with this status and returns its body.
pub async fn assert_problem(response: reqwest::Response, status: u16) -> serde_json::Value {
    assert_eq!(response.status().as_u16(), status, "status");
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["status"], status);
    assert!(
        body["type"].as_str().unwrap().starts_with("https://"),
        "{body}"
    );
    assert!(body["title"].is_string(), "{body}");
    // Every problem has a stable code; every field error a code and params.
    assert!(
        body["code"].as_str().is_some_and(
            |c| !c.is_empty() && c.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')
        ),
        "{body}"
    );
    for error in body["errors"].as_array().into_iter().flatten() {
        assert!(error["code"].is_string(), "{body}");
        assert!(error["params"].is_object(), "{body}");
        assert!(error["field"].is_string(), "{body}");
    }
    body
}

/// An account made through the API, with its credentials.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: String,
    pub email: String,
    pub password: String,
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    /// Registers an account with this role (`seeker` or `coach`).
    pub async fn register(&self, role: &str) -> Account {
        let email = format!("{role}-{}@example.com", uuid::Uuid::now_v7().simple());
        let password = "a long passphrase".to_owned();
        let response = self
            .client
            .post(self.url("/v1/auth/register"))
            .json(&serde_json::json!({
                "email": email,
                "password": password,
                "display_name": format!("Test {role}"),
                "role": role,
                "timezone": "America/New_York",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "register {role}");
        let body: serde_json::Value = response.json().await.unwrap();
        Account {
            id: body["user"]["id"].as_str().unwrap().to_owned(),
            email,
            password,
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
        }
    }

    /// `GET path` as the account, which must answer 200; the JSON body.
    pub async fn read(&self, account: &Account, path: &str) -> serde_json::Value {
        let response = self
            .as_(account, reqwest::Method::GET, path)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// A request with the account's access token.
    pub fn as_(
        &self,
        account: &Account,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(&account.access)
    }

    /// Makes `seeker` grant `coach` access; returns the grant's id.
    pub async fn grant(&self, seeker: &Account, coach: &Account) -> String {
        let invite: serde_json::Value = self
            .as_(coach, reqwest::Method::POST, "/v1/coach/invites")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let code = invite["code"].as_str().unwrap();
        let response = self
            .as_(
                seeker,
                reqwest::Method::POST,
                &format!("/v1/coach/invites/{code}/accept"),
            )
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_success(),
            "accept: {}",
            response.status()
        );
        let grant: serde_json::Value = response.json().await.unwrap();
        grant["id"].as_str().unwrap().to_owned()
    }
}
