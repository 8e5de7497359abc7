//! Coach invites, grants and platform API keys.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_seeker_grants_a_coach_access_and_withdraws_it() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;

    let invite = app
        .as_(&coach, Method::POST, "/v1/coach/invites")
        .send()
        .await
        .unwrap();
    assert_eq!(invite.status(), 201);
    let invite: serde_json::Value = invite.json().await.unwrap();
    let code = invite["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 16);

    // Seekers cannot invite; coaches cannot accept.
    assert_problem(
        app.as_(&jane, Method::POST, "/v1/coach/invites")
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let path = format!("/v1/coach/invites/{code}/accept");
    assert_problem(
        app.as_(&coach, Method::POST, &path).send().await.unwrap(),
        403,
    )
    .await;

    let accepted = app
        .as_(&jane, Method::POST, &path.to_lowercase())
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 201, "codes are case-insensitive");
    let grant: serde_json::Value = accepted.json().await.unwrap();
    assert_eq!(grant["seeker_id"], jane.id);
    assert_eq!(grant["coach"]["id"], coach.id);
    // A code works once.
    assert_problem(
        app.as_(&jane, Method::POST, &path).send().await.unwrap(),
        404,
    )
    .await;

    let clients: serde_json::Value = app
        .as_(&coach, Method::GET, "/v1/coach/clients")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clients["items"][0]["id"], jane.id);
    assert_eq!(clients["items"][0]["grant_id"], grant["id"]);
    let grants: serde_json::Value = app
        .as_(&jane, Method::GET, "/v1/grants")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(grants["items"].as_array().unwrap().len(), 1);

    // A second invite from the same coach answers the existing grant.
    let again = app.grant(&jane, &coach).await;
    assert_eq!(again, grant["id"].as_str().unwrap());

    let grant_path = format!("/v1/grants/{}", grant["id"].as_str().unwrap());
    assert_eq!(
        app.as_(&jane, Method::DELETE, &grant_path)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_problem(
        app.as_(&jane, Method::DELETE, &grant_path)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let clients: serde_json::Value = app
        .as_(&coach, Method::GET, "/v1/coach/clients")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(clients["items"], json!([]), "effective on the next request");
}

#[tokio::test]
async fn api_keys_act_for_their_owner_within_their_scopes() {
    let app = spawn_app().await;
    let coach = app.register("coach").await;
    let seeker = app.register("seeker").await;

    let create = |body: serde_json::Value| {
        app.as_(&coach, Method::POST, "/v1/api-keys")
            .json(&body)
            .send()
    };
    assert_problem(
        app.as_(&seeker, Method::POST, "/v1/api-keys")
            .json(&json!({"name": "x", "scopes": ["read"]}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let invalid = assert_problem(
        create(json!({"name": "", "scopes": []})).await.unwrap(),
        422,
    )
    .await;
    assert_eq!(invalid["errors"].as_array().unwrap().len(), 2);
    assert_problem(
        create(json!({"name": "x", "scopes": ["admin"]}))
            .await
            .unwrap(),
        422,
    )
    .await;

    let read_key: serde_json::Value = create(json!({"name": "Sync", "scopes": ["read"]}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let key = read_key["key"].as_str().unwrap().to_owned();
    assert!(key.starts_with("fu_"));
    assert!(key.starts_with(read_key["prefix"].as_str().unwrap()));

    // Both headers work; the key acts as the coach.
    let me: serde_json::Value = app
        .client
        .get(app.url("/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["id"], coach.id);
    let via_header = app
        .client
        .get(app.url("/v1/me"))
        .header("x-api-key", &key)
        .send()
        .await
        .unwrap();
    assert_eq!(via_header.status(), 200);

    // Read scope only: writes are refused, and keys cannot make keys.
    let write = app
        .client
        .patch(app.url("/v1/me"))
        .header("x-api-key", &key)
        .json(&json!({"display_name": "Hacked"}))
        .send()
        .await
        .unwrap();
    assert!(
        write.headers()["www-authenticate"]
            .to_str()
            .unwrap()
            .contains("insufficient_scope")
    );
    assert_problem(write, 403).await;
    let writer: serde_json::Value = create(json!({"name": "Writer", "scopes": ["read", "write"]}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(writer["scopes"], json!(["read", "write"]));
    let nested = app
        .client
        .post(app.url("/v1/api-keys"))
        .bearer_auth(writer["key"].as_str().unwrap())
        .json(&json!({"name": "child", "scopes": ["read"]}))
        .send()
        .await
        .unwrap();
    assert_problem(nested, 403).await;

    // Listing never shows a key; revoking stops it at once.
    let list: serde_json::Value = app
        .as_(&coach, Method::GET, "/v1/api-keys")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    assert!(!list.to_string().contains(&key));
    let other_coach = app.register("coach").await;
    let path = format!("/v1/api-keys/{}", read_key["id"].as_str().unwrap());
    assert_problem(
        app.as_(&other_coach, Method::DELETE, &path)
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_eq!(
        app.as_(&coach, Method::DELETE, &path)
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert_problem(
        app.client
            .get(app.url("/v1/me"))
            .bearer_auth(&key)
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
}
