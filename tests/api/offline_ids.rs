//! Records an app created offline keep the ids it gave them (UUIDv7):
//! opportunities, contacts, interactions and promises. Syncing one twice is
//! a 409 that names the existing record.

use reqwest::Method;
use serde_json::json;

use crate::contacts::{call, fields};
use crate::helpers::spawn_app;

fn v7() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[tokio::test]
async fn client_made_ids_are_kept_and_a_second_sync_is_a_409_naming_the_record() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = v7();
    // Upper case is read as the same UUID, stored canonically.
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"id": opp.to_uppercase(), "company": "Offline Co", "title": "Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["opportunity"]["id"], opp.as_str());
    let (status, body) = call(
        &app,
        &jane,
        Method::GET,
        &format!("/v1/opportunities/{opp}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");

    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"id": opp, "company": "Offline Co", "title": "Editor"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains(&format!("/v1/opportunities/{opp}")),
        "{problem}"
    );
    // Another seeker's record is not named.
    let sam = app.register("seeker").await;
    let (status, problem) = call(
        &app,
        &sam,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"id": opp, "company": "Other", "title": "Editor"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        !problem["detail"].as_str().unwrap().contains("/v1/"),
        "{problem}"
    );

    // The children, each with its own id, each refused the second time.
    let contact = v7();
    let interaction = v7();
    let promise = v7();
    let children = [
        (
            format!("/v1/opportunities/{opp}/contacts"),
            json!({"id": contact, "name": "Ann Lee", "role": "hiring_manager", "email": "ann@offline.example"}),
            "contact",
            format!("/v1/contacts/{contact}"),
        ),
        (
            format!("/v1/opportunities/{opp}/interactions"),
            json!({"id": interaction, "kind": "interview", "contact_id": contact, "occurred_at": "2026-03-02T15:00:00Z"}),
            "interaction",
            format!("/v1/interactions/{interaction}"),
        ),
        (
            format!("/v1/opportunities/{opp}/promises"),
            json!({"id": promise, "contact_id": contact, "what": "call", "due": "2026-03-06", "made_at": "2026-03-02T15:30:00Z"}),
            "promise",
            format!("/v1/promises/{promise}"),
        ),
    ];
    for (path, body, key, location) in &children {
        let (status, made) = call(&app, &jane, Method::POST, path, Some(body.clone())).await;
        assert_eq!(status, 201, "{path}: {made}");
        assert_eq!(made[key]["id"], body["id"], "{made}");
        let (status, read) = call(&app, &jane, Method::GET, location, None).await;
        assert_eq!(status, 200, "{location}: {read}");
        let (status, problem) = call(&app, &jane, Method::POST, path, Some(body.clone())).await;
        assert_eq!(status, 409, "{path}: {problem}");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap()
                .contains(location.as_str()),
            "{problem}"
        );
    }

    // Only a UUIDv7 will do.
    for bad in [
        json!("not-a-uuid"),
        json!(uuid::Uuid::new_v4().to_string()),
        json!(""),
    ] {
        let (status, problem) = call(
            &app,
            &jane,
            Method::POST,
            "/v1/opportunities",
            Some(json!({"id": bad, "company": "Bad Id", "title": "Editor"})),
        )
        .await;
        assert_eq!(status, 422, "{bad}: {problem}");
        assert_eq!(fields(&problem), ["id"]);
    }
}

#[tokio::test]
async fn a_fast_device_clock_is_clamped_with_a_warning_and_further_ahead_is_refused() {
    use chrono::{Duration, SecondsFormat, Utc};
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"company": "Fast Clock Co", "title": "Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let opp = body["opportunity"]["id"].as_str().unwrap().to_owned();
    let ahead = |minutes| {
        (Utc::now() + Duration::minutes(minutes)).to_rfc3339_opts(SecondsFormat::Secs, true)
    };

    let before = Utc::now();
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "follow_up_email", "occurred_at": ahead(10)})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let recorded: chrono::DateTime<Utc> = body["interaction"]["occurred_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(
        recorded >= before - Duration::seconds(1) && recorded <= Utc::now(),
        "{body}"
    );
    let warning = body["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["code"] == "clock_ahead")
        .unwrap_or_else(|| panic!("no clock_ahead warning: {body}"));
    assert!(
        warning["message"]
            .as_str()
            .unwrap()
            .contains("occurred_at was"),
        "{warning}"
    );

    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "follow_up_email", "occurred_at": ahead(20)})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["occurred_at"]);

    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"what": "call", "due": "2030-01-08", "made_at": ahead(9)})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["warnings"][0]["code"], "clock_ahead", "{body}");
    // On time: no warning.
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "note", "occurred_at": ahead(-60)})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        !body["warnings"].to_string().contains("clock_ahead"),
        "{body}"
    );
}
