//! Hardening against an outside attacker: responses that carry a secret are
//! never cached, and the auth endpoints take nothing but JSON.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TestApp, assert_problem, spawn_app};

fn assert_no_store(response: &reqwest::Response, what: &str) {
    assert!(
        response.status().is_success(),
        "{what}: {}",
        response.status()
    );
    let cache_control = response
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    assert_eq!(cache_control, "no-store", "{what}");
}

#[tokio::test]
async fn every_response_that_carries_a_secret_is_not_stored() {
    let app = spawn_app().await;
    let email = "cache@example.com";
    let password = "a long passphrase";
    let register = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": email, "password": password, "display_name": "C",
            "role": "coach", "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    assert_no_store(&register, "register");

    let login = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": email, "password": password}))
        .send()
        .await
        .unwrap();
    assert_no_store(&login, "login");
    let pair: serde_json::Value = login.json().await.unwrap();

    let refresh = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_no_store(&refresh, "refresh");
    let pair: serde_json::Value = refresh.json().await.unwrap();
    let access = pair["access_token"].as_str().unwrap();

    let call = |method: Method, path: &str| {
        app.client
            .request(method, app.url(path))
            .bearer_auth(access)
    };
    let key = call(Method::POST, "/v1/api-keys")
        .json(&json!({"name": "ops", "scopes": ["read"]}))
        .send()
        .await
        .unwrap();
    assert_no_store(&key, "API key");
    let feed = call(Method::POST, "/v1/me/feed-tokens")
        .json(&json!({"name": "phone"}))
        .send()
        .await
        .unwrap();
    assert_no_store(&feed, "feed token");
    let invite = call(Method::POST, "/v1/coach/invites")
        .send()
        .await
        .unwrap();
    assert_no_store(&invite, "invite code");

    // A replay under an Idempotency-Key carries the same secret.
    let idempotency_key = uuid::Uuid::new_v4().to_string();
    for attempt in ["first", "replay"] {
        let invite = call(Method::POST, "/v1/coach/invites")
            .header("idempotency-key", &idempotency_key)
            .send()
            .await
            .unwrap();
        let replayed = invite.headers().contains_key("idempotent-replayed");
        assert_eq!(replayed, attempt == "replay");
        assert_no_store(&invite, attempt);
    }
}

async fn post_as(app: &TestApp, path: &str, content_type: Option<&str>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .body(r#"{"email":"a@example.com","password":"a long passphrase","refresh_token":"rt_x"}"#);
    if let Some(content_type) = content_type {
        request = request.header("content-type", content_type);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn auth_endpoints_take_only_json() {
    let app = spawn_app().await;
    for path in [
        "/v1/auth/register",
        "/v1/auth/login",
        "/v1/auth/refresh",
        "/v1/auth/logout",
    ] {
        for content_type in [
            None,
            Some("text/plain"),
            Some("application/x-www-form-urlencoded"),
        ] {
            let response = post_as(&app, path, content_type).await;
            let body = assert_problem(response, 415).await;
            assert!(
                body["detail"]
                    .as_str()
                    .unwrap()
                    .contains("application/json"),
                "{path} {content_type:?}: {body}"
            );
        }
    }
}

#[tokio::test]
async fn production_checks_its_secret_before_it_creates_or_migrates_the_database() {
    let dir = std::env::temp_dir().join(format!("followup-prod-{}", uuid::Uuid::now_v7()));
    let db = dir.join("fresh.db");
    let mut args = crate::helpers::serve_args(format!("sqlite://{}", db.display()));
    args.environment = followup::cli::Environment::Production;
    args.jwt_secret = Some("a".repeat(40));
    let err = followup::startup::Application::build(args).unwrap_err();
    assert!(format!("{err:#}").contains("guessable"), "{err:#}");
    assert!(!db.exists(), "the database was created");
    assert!(!dir.exists(), "the database's directory was created");
}
