//! Webhooks by the Standard Webhooks specification, against a real receiver
//! on loopback (docs/webhooks.md): signed deliveries of the event log,
//! retries on the schedule (with a test clock), 410 and Retry-After, secret
//! rotation, revoked grants, pings and redeliveries, and every SSRF refusal.

use chrono::{DateTime, Duration, Utc};
use followup_api::clock::Clock;
use followup_api::webhooks::signature::sign;
use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, opportunity};
use crate::helpers::{Account, TestApp, assert_problem, spawn_app, spawn_for_webhooks};
use crate::webhook_receiver::{Received, Receiver};

/// Subscribes `who` to `events` at the receiver; the webhook and its secret.
async fn subscribe(app: &TestApp, who: &Account, url: &str, events: Value) -> (Value, String) {
    let (status, body) = call(
        app,
        who,
        Method::POST,
        "/v1/webhooks",
        Some(json!({"url": url, "events": events, "description": "test receiver"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let secret = body["secret"].as_str().unwrap().to_owned();
    (body, secret)
}

async fn deliveries(app: &TestApp, who: &Account, webhook: &Value) -> Vec<Value> {
    let id = webhook["id"].as_str().unwrap();
    let page = app
        .read(who, &format!("/v1/webhooks/{id}/deliveries"))
        .await;
    page["items"].as_array().unwrap().clone()
}

/// Waits until the newest delivery's attempts reach `n`.
async fn attempts(app: &TestApp, who: &Account, webhook: &Value, n: usize) -> Value {
    for _ in 0..400 {
        let list = deliveries(app, who, webhook).await;
        if let Some(newest) = list.first()
            && newest["attempts"].as_array().unwrap().len() >= n
        {
            return newest.clone();
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("no delivery reached {n} attempts");
}

fn verifies(received: &Received, secret: &str) -> bool {
    let timestamp: i64 = received.timestamp.parse().unwrap();
    let expected = sign(secret, &received.id, timestamp, &received.body).unwrap();
    received.signature.split(' ').any(|s| s == expected)
}

fn instant(value: &Value) -> DateTime<Utc> {
    value.as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn every_event_arrives_signed_in_the_standard_envelope() {
    let app = spawn_for_webhooks(Clock::system()).await;
    let receiver = Receiver::start();
    let jane = app.register("seeker").await;
    let (webhook, secret) =
        subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    assert!(secret.starts_with("whsec_"));
    assert!(webhook["secret"].is_string());
    let listed = app.read(&jane, "/v1/webhooks").await;
    assert!(
        listed["items"][0].get("secret").is_none(),
        "the secret is shown once"
    );
    let opp = opportunity(&app, &jane, "Signed Co").await;
    let got = receiver.wait_for(1).await;
    let delivery = &got[0];
    assert!(verifies(delivery, &secret), "{delivery:?}");
    assert!(!verifies(
        delivery,
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    ));
    let body = delivery.json();
    assert_eq!(body["type"], "opportunity.created");
    assert!(body["timestamp"].is_string());
    assert_eq!(body["data"]["data"]["id"], opp.as_str());
    assert_eq!(
        body["data"]["id"],
        delivery.id.as_str(),
        "webhook-id is the event id"
    );
    let feed = crate::events::feed_of(&app, &jane, "", 1).await;
    assert_eq!(feed[0]["id"], delivery.id.as_str());
    let listed = attempts(&app, &jane, &webhook, 1).await;
    assert_eq!(listed["status"], "succeeded");
    assert_eq!(listed["response_status"], 200);
    assert!(listed["duration_ms"].is_number());
    assert_eq!(listed["event_id"], delivery.id.as_str());
}

#[tokio::test]
async fn a_webhook_receives_the_events_after_it_not_those_the_dispatcher_passed_alone() {
    let app = spawn_for_webhooks(Clock::system()).await;
    let receiver = Receiver::start();
    let jane = app.register("seeker").await;
    // With no webhook active the dispatcher moves past the log at once.
    for n in 0..3 {
        opportunity(&app, &jane, &format!("Before {n}")).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    let after = opportunity(&app, &jane, "After Co").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].json()["data"]["data"]["id"], after.as_str());
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    assert_eq!(
        receiver.received().len(),
        1,
        "only the event after the webhook"
    );
}

#[tokio::test]
async fn a_receiver_that_is_down_gets_every_event_on_the_retry_schedule() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_for_webhooks(clock.clone()).await;
    let receiver = Receiver::start();
    receiver.reply(&[(500, None), (502, None), (500, None)]);
    let jane = app.register("seeker").await;
    let (webhook, secret) =
        subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Down Co").await;
    // The schedule after attempts 1, 2 and 3: 5 s, 5 min, 30 min (and up to
    // a tenth more of jitter, never less).
    for (made, wait) in [(1, 5), (2, 300), (3, 1800)] {
        let delivery = attempts(&app, &jane, &webhook, made).await;
        assert_eq!(delivery["status"], "pending", "{delivery}");
        let last = instant(&delivery["attempts"][made - 1]["attempted_at"]);
        let next = instant(&delivery["next_attempt_at"]);
        let waited = (next - last).num_seconds();
        assert!(
            (wait..=wait + wait / 10 + 1).contains(&waited),
            "attempt {made}: waited {waited} s, the schedule says {wait} s"
        );
        assert_eq!(receiver.received().len(), made, "nothing before it is due");
        clock.set(next);
    }
    let delivery = attempts(&app, &jane, &webhook, 4).await;
    assert_eq!(delivery["status"], "succeeded");
    assert_eq!(delivery["next_attempt_at"], Value::Null);
    let statuses: Vec<&Value> = delivery["attempts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| &a["response_status"])
        .collect();
    assert_eq!(
        statuses,
        [&json!(500), &json!(502), &json!(500), &json!(200)]
    );
    let got = receiver.received();
    assert_eq!(got.len(), 4);
    assert!(
        got.iter().all(|r| r.id == got[0].id),
        "one webhook-id on every retry"
    );
    assert!(got.iter().all(|r| verifies(r, &secret)));
}

#[tokio::test]
async fn a_gone_endpoint_is_disabled_and_its_owner_told() {
    let app = spawn_for_webhooks(Clock::system()).await;
    let receiver = Receiver::start();
    receiver.reply(&[(410, None)]);
    let jane = app.register("seeker").await;
    let (webhook, _) = subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Gone Co").await;
    let delivery = attempts(&app, &jane, &webhook, 1).await;
    assert_eq!(delivery["status"], "failed");
    let id = webhook["id"].as_str().unwrap();
    let now = app.read(&jane, &format!("/v1/webhooks/{id}")).await;
    assert_eq!(now["active"], false);
    assert_eq!(now["disabled_reason"], "gone");
    let feed = crate::events::feed_of(&app, &jane, "&types=webhook.disabled", 1).await;
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0]["data"]["id"], id);
    assert_eq!(feed[0]["actor"]["type"], "system");
    // Turned back on, it takes deliveries again.
    let (status, back) = call(
        &app,
        &jane,
        Method::PATCH,
        &format!("/v1/webhooks/{id}"),
        Some(json!({"active": true})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(back["disabled_reason"], Value::Null);
}

#[tokio::test]
async fn too_many_requests_waits_as_long_as_retry_after_says() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_for_webhooks(clock.clone()).await;
    let receiver = Receiver::start();
    receiver.reply(&[(429, Some("120")), (503, Some("7"))]);
    let jane = app.register("seeker").await;
    let (webhook, _) = subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Busy Co").await;
    let delivery = attempts(&app, &jane, &webhook, 1).await;
    let last = instant(&delivery["attempts"][0]["attempted_at"]);
    assert_eq!(
        instant(&delivery["next_attempt_at"]) - last,
        Duration::seconds(120)
    );
    clock.advance(Duration::seconds(120));
    let delivery = attempts(&app, &jane, &webhook, 2).await;
    let last = instant(&delivery["attempts"][1]["attempted_at"]);
    assert_eq!(
        instant(&delivery["next_attempt_at"]) - last,
        Duration::seconds(7)
    );
    clock.advance(Duration::seconds(7));
    let delivery = attempts(&app, &jane, &webhook, 3).await;
    assert_eq!(delivery["status"], "succeeded");
}

#[tokio::test]
async fn a_rotated_secret_signs_beside_the_new_one_for_a_day() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_for_webhooks(clock.clone()).await;
    let receiver = Receiver::start();
    let jane = app.register("seeker").await;
    let (webhook, old) =
        subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    let id = webhook["id"].as_str().unwrap();
    let (status, rotated) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/webhooks/{id}/rotate-secret"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{rotated}");
    let new = rotated["secret"].as_str().unwrap().to_owned();
    assert_ne!(old, new);
    opportunity(&app, &jane, "Rotated Co").await;
    let got = receiver.wait_for(1).await;
    assert_eq!(got[0].signature.split(' ').count(), 2);
    assert!(verifies(&got[0], &old) && verifies(&got[0], &new));
    clock.advance(Duration::hours(25));
    opportunity(&app, &jane, "Later Co").await;
    let got = receiver.wait_for(2).await;
    assert_eq!(got[1].signature.split(' ').count(), 1);
    assert!(verifies(&got[1], &new) && !verifies(&got[1], &old));
}

#[tokio::test]
async fn a_coach_hears_of_clients_until_the_grant_is_revoked_queued_deliveries_included() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_for_webhooks(clock.clone()).await;
    let receiver = Receiver::start();
    receiver.reply(&[(500, None)]);
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    let grant = app.grant(&jane, &coach).await;
    let (webhook, _) = subscribe(&app, &coach, &receiver.url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Client Co").await;
    let delivery = attempts(&app, &coach, &webhook, 1).await;
    assert_eq!(delivery["status"], "pending");
    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/grants/{grant}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let delivery = &deliveries(&app, &coach, &webhook).await[0];
    assert_eq!(delivery["status"], "cancelled");
    opportunity(&app, &jane, "After Co").await;
    clock.advance(Duration::hours(1));
    // A ping goes through the same worker: once it arrives, the worker has
    // had its chances with everything before it.
    let id = webhook["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        &coach,
        Method::POST,
        &format!("/v1/webhooks/{id}/ping"),
        None,
    )
    .await;
    assert_eq!(status, 202);
    let got = receiver.wait_for(2).await;
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].json()["type"], "webhook.ping");
    assert_eq!(deliveries(&app, &coach, &webhook).await.len(), 2);
}

#[tokio::test]
async fn a_delivery_can_be_sent_again() {
    let app = spawn_for_webhooks(Clock::system()).await;
    let receiver = Receiver::start();
    receiver.reply(&[(400, None)]);
    let jane = app.register("seeker").await;
    let (webhook, _) = subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Again Co").await;
    let first = attempts(&app, &jane, &webhook, 1).await;
    let id = webhook["id"].as_str().unwrap();
    let delivery = first["id"].as_str().unwrap();
    let (status, queued) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/webhooks/{id}/deliveries/{delivery}/redeliver"),
        None,
    )
    .await;
    assert_eq!(status, 202, "{queued}");
    let got = receiver.wait_for(2).await;
    assert_eq!(got[0].id, got[1].id);
    let (status, _) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/webhooks/{id}/deliveries/nope/redeliver"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let stranger = app.register("seeker").await;
    let hidden = app
        .as_(
            &stranger,
            Method::GET,
            &format!("/v1/webhooks/{id}/deliveries"),
        )
        .send()
        .await
        .unwrap();
    assert_problem(hidden, 404).await;
}

#[tokio::test]
async fn urls_that_reach_inside_are_refused_when_the_webhook_is_made() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for url in [
        "http://hooks.example.com/x",
        "ftp://hooks.example.com/x",
        "https://user:secret@hooks.example.com/x",
        "not a url",
        "https://127.0.0.1/x",
        "https://localhost/x",
        "https://10.0.0.1/x",
        "https://172.16.5.4/x",
        "https://192.168.1.1/x",
        "https://169.254.169.254/latest/meta-data",
        "https://100.64.0.1/x",
        "https://0.0.0.0/x",
        "https://[::1]/x",
        "https://[fc00::1]/x",
        "https://[fe80::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "https://[::ffff:8.8.8.8]/x",
    ] {
        let response = app
            .as_(&jane, Method::POST, "/v1/webhooks")
            .json(&json!({"url": url}))
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, 422).await;
        assert_eq!(body["errors"][0]["field"], "url", "{url}: {body}");
    }
    let bad_type = app
        .as_(&jane, Method::POST, "/v1/webhooks")
        .json(&json!({"url": "https://hooks.example.com/", "events": ["nope"]}))
        .send()
        .await
        .unwrap();
    assert_problem(bad_type, 422).await;
}

#[tokio::test]
async fn a_name_that_resolves_inside_is_refused_at_delivery_too() {
    // A webhook that passed its check (the network was allowed then, or the
    // name resolved elsewhere) is checked again when it is delivered: here
    // a server that allows plain http but no private network.
    let app = spawn_app().await;
    let receiver = Receiver::start();
    let jane = app.register("seeker").await;
    let port = receiver.url.rsplit(':').next().unwrap().to_owned();
    let store = followup_store::Store::open(
        app.db.as_ref().unwrap().url().clone(),
        &followup_store::PoolOptions::default(),
    )
    .unwrap();
    let now = Utc::now().naive_utc();
    for (id, url) in [
        ("wh-name", format!("https://localhost:{port}")),
        ("wh-literal", format!("https://127.0.0.1:{port}")),
    ] {
        let row = followup_store::webhooks::WebhookRow {
            org_id: None,
            id: id.to_owned(),
            owner_id: jane.id.clone(),
            url,
            event_types: Vec::new(),
            description: None,
            active: true,
            secret: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw".to_owned(),
            previous_secret: None,
            previous_expires_at: None,
            disabled_reason: None,
            failing_since: None,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        store
            .write(|conn| followup_store::webhooks::insert(conn, &row))
            .unwrap();
    }
    opportunity(&app, &jane, "Inside Co").await;
    for id in ["wh-name", "wh-literal"] {
        let webhook = json!({"id": id});
        let delivery = attempts(&app, &jane, &webhook, 1).await;
        let error = delivery["attempts"][0]["error"].as_str().unwrap();
        assert!(error.contains("loopback"), "{id}: {error}");
        assert_eq!(delivery["attempts"][0]["response_status"], Value::Null);
    }
    assert!(receiver.received().is_empty(), "nothing reached the inside");
}

#[tokio::test]
async fn five_days_of_nothing_but_failures_disable_the_endpoint() {
    let clock = Clock::manual(Utc::now());
    let app = spawn_for_webhooks(clock.clone()).await;
    let receiver = Receiver::start();
    receiver.reply(&[(500, None); 8]);
    let jane = app.register("seeker").await;
    let (webhook, _) = subscribe(&app, &jane, &receiver.url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Failing Co").await;
    let delivery = attempts(&app, &jane, &webhook, 1).await;
    // Four days later (the delivery still on its schedule) it is still on.
    clock.set(instant(&delivery["next_attempt_at"]) + Duration::days(4));
    attempts(&app, &jane, &webhook, 2).await;
    let id = webhook["id"].as_str().unwrap();
    assert_eq!(
        app.read(&jane, &format!("/v1/webhooks/{id}")).await["active"],
        true
    );
    // A failure five days after the first: off, and the owner is told.
    let delivery = deliveries(&app, &jane, &webhook).await[0].clone();
    clock.set(instant(&delivery["next_attempt_at"]) + Duration::days(1));
    attempts(&app, &jane, &webhook, 3).await;
    let now = app.read(&jane, &format!("/v1/webhooks/{id}")).await;
    assert_eq!(now["active"], false, "{now}");
    assert_eq!(now["disabled_reason"], "failing");
    let feed = crate::events::feed_of(&app, &jane, "&types=webhook.disabled", 1).await;
    assert_eq!(feed.len(), 1);
    assert_eq!(feed[0]["data"]["disabled_reason"], "failing");
}

/// A certificate for 127.0.0.1 signed by itself, made by the `openssl`
/// command: (the certificate's PEM, its key's PEM).
fn self_signed(dir: &std::path::Path) -> (Vec<u8>, Vec<u8>) {
    let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
    let made = std::process::Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        ])
        .args(["-subj", "/CN=localhost"])
        .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .unwrap_or_else(|e| panic!("the openssl command does not run: {e}"));
    assert!(made.status.success(), "{made:?}");
    (std::fs::read(cert).unwrap(), std::fs::read(key).unwrap())
}

/// A receiver that speaks HTTPS with `identity`: it answers every request
/// 204 and sends each body down `bodies`. Returns its URL.
fn tls_receiver(identity: native_tls::Identity, bodies: std::sync::mpsc::Sender<String>) -> String {
    use std::io::{BufRead as _, BufReader, Read as _, Write as _};
    let acceptor = native_tls::TlsAcceptor::new(identity).unwrap();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!(
        "https://127.0.0.1:{}/hook",
        listener.local_addr().unwrap().port()
    );
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            // A client that refuses the certificate ends the handshake.
            let Ok(stream) = acceptor.accept(stream.unwrap()) else {
                continue;
            };
            let mut reader = BufReader::new(stream);
            let mut length = 0;
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.split_once(':')
                    && name.eq_ignore_ascii_case("content-length")
                {
                    length = value.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let mut stream = reader.into_inner();
            stream
                .write_all(
                    b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                )
                .unwrap();
            let _ = stream.shutdown();
            let _ = bodies.send(String::from_utf8_lossy(&body).into_owned());
        }
    });
    url
}

#[tokio::test]
async fn https_deliveries_go_over_tls_and_trust_only_known_authorities() {
    let dir = std::env::temp_dir().join(format!("followup-tls-{}", uuid::Uuid::now_v7()));
    std::fs::create_dir_all(&dir).unwrap();
    let (cert, key) = self_signed(&dir);
    let identity = native_tls::Identity::from_pkcs8(&cert, &key).unwrap();
    let (sent, bodies) = std::sync::mpsc::channel();
    let url = tls_receiver(identity, sent);

    // Not trusted: the handshake fails, the attempt says why.
    let app = spawn_for_webhooks(Clock::system()).await;
    let jane = app.register("seeker").await;
    let (webhook, _) = subscribe(&app, &jane, &url, json!(["opportunity.created"])).await;
    opportunity(&app, &jane, "Untrusted Co").await;
    let delivery = attempts(&app, &jane, &webhook, 1).await;
    assert_eq!(delivery["status"], "pending", "{delivery}");
    let error = delivery["attempts"][0]["error"]
        .as_str()
        .unwrap_or_default();
    assert!(error.contains("certificate"), "{delivery}");
    drop(app);

    // Trusted through --webhook-ca-file: delivered over TLS.
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = crate::helpers::serve_args(db.url_string());
    args.webhook_allow_network = vec!["127.0.0.0/8".parse().unwrap()];
    args.webhook_ca_file = Some(dir.join("cert.pem"));
    let mut app = crate::helpers::spawn_with(args).await;
    app.db = Some(db);
    let jane = app.register("seeker").await;
    let (webhook, _) = subscribe(&app, &jane, &url, json!(["opportunity.created"])).await;
    let opp = opportunity(&app, &jane, "Trusted Co").await;
    let delivery = attempts(&app, &jane, &webhook, 1).await;
    assert_eq!(delivery["status"], "succeeded", "{delivery}");
    assert_eq!(delivery["response_status"], 204);
    let body: serde_json::Value = serde_json::from_str(
        &bodies
            .recv_timeout(std::time::Duration::from_secs(10))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(body["data"]["data"]["id"], opp.as_str());
    std::fs::remove_dir_all(&dir).unwrap();
}
