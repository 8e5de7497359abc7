//! `Idempotency-Key` on POST.

use followup_store::idempotency::{self, IdempotencyRow};
use followup_store::{PoolOptions, Store, StoreError};
use reqwest::Method;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

use crate::helpers::{assert_problem, spawn_app};

const K1: &str = "0b5e3c1e-6f0a-4a43-9d67-3f2b8f6f1a01";
const K2: &str = "0b5e3c1e-6f0a-4a43-9d67-3f2b8f6f1a02";
const BUSY: &str = "0b5e3c1e-6f0a-4a43-9d67-3f2b8f6f1a03";

#[tokio::test]
async fn a_replay_returns_the_first_response_and_creates_nothing() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let post = |key: &str, body: Value| {
        app.as_(&jane, Method::POST, "/v1/opportunities")
            .header("idempotency-key", key)
            .json(&body)
            .send()
    };
    let first = post(K1, json!({"company": "Acme", "title": "Editor"}))
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let location = first.headers()["location"].clone();
    let first_body = first.bytes().await.unwrap();

    let replay = post(K1, json!({"company": "Acme", "title": "Editor"}))
        .await
        .unwrap();
    assert_eq!(replay.status(), 201);
    assert_eq!(replay.headers()["idempotent-replayed"], "true");
    assert_eq!(replay.headers()["location"], location);
    assert_eq!(replay.bytes().await.unwrap(), first_body, "byte for byte");

    let list: Value = app
        .as_(&jane, Method::GET, "/v1/opportunities")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "created once");

    let other_body = post(K1, json!({"company": "Acme", "title": "Writer"}))
        .await
        .unwrap();
    let problem = assert_problem(other_body, 422).await;
    assert_eq!(problem["errors"][0]["field"], "Idempotency-Key");

    // Keys are the caller's own: Bob's k-1 is another key.
    let bob = app.register("seeker").await;
    let bobs = app
        .as_(&bob, Method::POST, "/v1/opportunities")
        .header("idempotency-key", K1)
        .json(&json!({"company": "Acme", "title": "Editor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bobs.status(), 201);
    assert!(bobs.headers().get("idempotent-replayed").is_none());

    // An error answer is kept too: the same bad request gets the same 422.
    let bad = post(K2, json!({"company": "", "title": "Editor"}))
        .await
        .unwrap();
    assert_eq!(bad.status(), 422);
    let again = post(K2, json!({"company": "", "title": "Editor"}))
        .await
        .unwrap();
    assert_eq!(again.headers()["idempotent-replayed"], "true");

    let malformed = post("not-a-uuid", json!({"company": "A", "title": "B"}))
        .await
        .unwrap();
    assert_problem(malformed, 422).await;
}

#[tokio::test]
async fn a_replay_while_the_first_is_in_flight_is_a_409() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    // The first request is still running: its key is claimed for this very
    // request (same hash as the server computes), with no response yet.
    let body = br#"{"company":"Acme","title":"Editor"}"#;
    let mut hasher = Sha256::new();
    hasher.update(b"POST\0/v1/opportunities\0");
    hasher.update(body);
    let request_hash = format!("{:x}", hasher.finalize());
    let store = Store::open(
        app.db.as_ref().unwrap().url().clone(),
        &PoolOptions::default(),
    )
    .unwrap();
    store
        .write(|conn| -> Result<(), StoreError> {
            idempotency::claim(
                conn,
                &IdempotencyRow {
                    caller_id: jane.id.clone(),
                    key: BUSY.to_owned(),
                    request_hash: request_hash.clone(),
                    status: None,
                    content_type: None,
                    location: None,
                    etag: None,
                    response_body: None,
                    created_at: chrono::Utc::now().naive_utc(),
                },
            )
        })
        .unwrap();
    let response = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .header("idempotency-key", BUSY)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .send()
        .await
        .unwrap();
    assert_problem(response, 409).await;
    let list: Value = app
        .as_(&jane, Method::GET, "/v1/opportunities")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]), "nothing was created");
}

#[tokio::test]
async fn a_body_over_the_limit_is_a_413_with_a_key_as_without() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let body = json!({"company": "Acme", "title": "Editor", "notes": "x".repeat(300 * 1024)});
    for key in [None, Some(K1)] {
        let mut request = app
            .as_(&jane, Method::POST, "/v1/opportunities")
            .json(&body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let problem = assert_problem(request.send().await.unwrap(), 413).await;
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("limit"),
            "{key:?}: {problem}"
        );
    }
}
