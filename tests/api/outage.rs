//! A database that goes away and comes back, through a TCP proxy the test
//! controls. PostgreSQL only: SQLite is a file and cannot go down.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use followup_store::Backend;
use followup_store::testing::TestDatabase;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::broadcast;

use crate::helpers::{assert_problem, serve_args, spawn_with};

/// Forwards connections to `upstream` while up; while down, drops every
/// open connection and refuses new ones.
struct Proxy {
    port: u16,
    up: Arc<AtomicBool>,
    kill: broadcast::Sender<()>,
}

impl Proxy {
    async fn start(upstream: String) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let (kill, _) = broadcast::channel(4);
        let (accept_up, accept_kill) = (up.clone(), kill.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if !accept_up.load(Ordering::SeqCst) {
                    continue; // dropped: the connection is refused
                }
                let upstream = upstream.clone();
                let mut killed = accept_kill.subscribe();
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                        _ = killed.recv() => {}
                    }
                });
            }
        });
        Self { port, up, kill }
    }

    fn down(&self) {
        self.up.store(false, Ordering::SeqCst);
        let _ = self.kill.send(());
    }

    fn up(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

// Multi-threaded: start-up migrates synchronously while the proxy forwards.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_reports_an_outage_and_recovers_by_itself() {
    if TestDatabase::backend() != Backend::Postgres {
        return;
    }
    let db = TestDatabase::create().unwrap();
    let url = db.url_string();
    // postgres://user@host:port/name → host:port and the rest.
    let (scheme_user, rest) = url.split_once('@').unwrap();
    let (upstream, name) = rest.split_once('/').unwrap();
    let proxy = Proxy::start(upstream.to_owned()).await;
    let proxied = format!("{scheme_user}@127.0.0.1:{}/{name}", proxy.port);
    let app = spawn_with(serve_args(proxied)).await;

    assert_eq!(app.get("/readyz").await.status(), 200);
    let jane = app.register("seeker").await;

    proxy.down();
    assert_problem(app.get("/readyz").await, 503).await;
    assert_eq!(
        app.get("/healthz").await.status(),
        200,
        "the process stays up"
    );
    let me = app
        .as_(&jane, reqwest::Method::GET, "/v1/me")
        .send()
        .await
        .unwrap();
    assert!(me.headers().contains_key("retry-after"));
    assert_problem(me, 503).await;

    proxy.up();
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let status = app.get("/readyz").await.status();
        if status == 200 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "still {status} after the database came back"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let me = app
        .as_(&jane, reqwest::Method::GET, "/v1/me")
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200, "data requests recover too");
    drop(app);
    drop(db);
}
