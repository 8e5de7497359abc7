//! Access tokens end with their session: logout ends one session; a password
//! or role change, a reused refresh token and account deletion end them all,
//! from the next request on (see docs/auth.md).

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// A second session of the account: a fresh login's (access, refresh) pair.
async fn login(app: &TestApp, account: &Account) -> (String, String) {
    let body: serde_json::Value = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": account.email, "password": account.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    (
        body["access_token"].as_str().unwrap().to_owned(),
        body["refresh_token"].as_str().unwrap().to_owned(),
    )
}

async fn me_with(app: &TestApp, access: &str) -> reqwest::Response {
    app.client
        .get(app.url("/v1/me"))
        .bearer_auth(access)
        .send()
        .await
        .unwrap()
}

/// Asserts the access token is refused: 401 problem with `WWW-Authenticate`.
async fn assert_refused(app: &TestApp, access: &str) -> String {
    let response = me_with(app, access).await;
    let challenge = response
        .headers()
        .get("www-authenticate")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = assert_problem(response, 401).await;
    assert!(challenge.contains("invalid_token"), "{challenge}");
    body["detail"].as_str().unwrap_or_default().to_owned()
}

async fn refresh(app: &TestApp, token: &str) -> reqwest::Response {
    app.client
        .post(app.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": token}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn logout_refuses_that_sessions_access_tokens_but_not_the_others() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let (other_access, other_refresh) = login(&app, &jane).await;
    // A refreshed pair belongs to the same session as the first.
    let rotated: serde_json::Value = refresh(&app, &jane.refresh).await.json().await.unwrap();
    let rotated_access = rotated["access_token"].as_str().unwrap().to_owned();
    let rotated_refresh = rotated["refresh_token"].as_str().unwrap().to_owned();
    assert_eq!(me_with(&app, &jane.access).await.status(), 200);

    let logout = app
        .client
        .post(app.url("/v1/auth/logout"))
        .json(&json!({"refresh_token": rotated_refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(logout.status(), 204);

    let detail = assert_refused(&app, &jane.access).await;
    assert!(detail.contains("session has ended"), "{detail}");
    assert_refused(&app, &rotated_access).await;
    // The other session goes on.
    assert_eq!(me_with(&app, &other_access).await.status(), 200);
    assert_eq!(refresh(&app, &other_refresh).await.status(), 200);
}

#[tokio::test]
async fn a_reused_refresh_token_refuses_every_sessions_access_tokens() {
    // No refresh overlap: presenting the spent token again at once is reuse
    // (with the overlap it would answer the same pair; tests/api/auth.rs).
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = crate::helpers::serve_args(db.url_string());
    args.refresh_overlap = 0;
    let mut app = crate::helpers::spawn_with(args).await;
    app.db = Some(db);
    let jane = app.register("seeker").await;
    let (other_access, other_refresh) = login(&app, &jane).await;
    let rotated: serde_json::Value = refresh(&app, &jane.refresh).await.json().await.unwrap();
    let rotated_access = rotated["access_token"].as_str().unwrap().to_owned();

    // The spent token comes back: theft. Every session of the account ends.
    assert_problem(refresh(&app, &jane.refresh).await, 401).await;
    for access in [&jane.access, &rotated_access, &other_access] {
        assert_refused(&app, access).await;
    }
    assert_problem(refresh(&app, &other_refresh).await, 401).await;

    // Signing in again works.
    let (fresh, _) = login(&app, &jane).await;
    assert_eq!(me_with(&app, &fresh).await.status(), 200);
}

#[tokio::test]
async fn a_password_change_refuses_every_sessions_access_tokens() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let (other_access, other_refresh) = login(&app, &jane).await;
    let bystander = app.register("seeker").await;

    // No endpoint changes a password yet; the store's `set_password_hash`
    // is the one place any future one goes through.
    let db = app.db.as_ref().unwrap();
    let store = followup_store::Store::open(db.url().clone(), &Default::default()).unwrap();
    let new_password = "another long passphrase";
    store
        .write(|conn| -> Result<(), followup_store::StoreError> {
            let hash = followup_api::auth::hash_password(new_password).unwrap();
            followup_store::users::set_password_hash(
                conn,
                &jane.id,
                &hash,
                chrono::Utc::now().naive_utc(),
            )
        })
        .unwrap();

    for access in [&jane.access, &other_access] {
        let detail = assert_refused(&app, access).await;
        assert!(detail.contains("sign in again"), "{detail}");
    }
    assert_problem(refresh(&app, &jane.refresh).await, 401).await;
    assert_problem(refresh(&app, &other_refresh).await, 401).await;
    assert_eq!(me_with(&app, &bystander.access).await.status(), 200);

    let relogin = Account {
        password: new_password.to_owned(),
        ..jane.clone()
    };
    let (fresh, _) = login(&app, &relogin).await;
    assert_eq!(me_with(&app, &fresh).await.status(), 200);

    // Changing other fields ends nothing.
    let renamed = app
        .client
        .patch(app.url("/v1/me"))
        .bearer_auth(&fresh)
        .json(&json!({"display_name": "Jane"}))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    assert_eq!(me_with(&app, &fresh).await.status(), 200);
}

#[tokio::test]
async fn deleting_the_account_refuses_every_sessions_access_tokens() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let (other_access, _) = login(&app, &jane).await;
    let deleted = app
        .as_(&jane, Method::DELETE, "/v1/me")
        .json(&json!({"password": jane.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    for access in [&jane.access, &other_access] {
        assert_refused(&app, access).await;
    }
    assert_problem(refresh(&app, &jane.refresh).await, 401).await;
}
