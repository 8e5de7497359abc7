//! Contacts: CRUD, validation that names the field, concurrency, and what
//! deleting one leaves behind.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// Sends `body` (if any) as `account` and returns the status and JSON body
/// (`null` when there is none).
pub async fn call(
    app: &TestApp,
    account: &Account,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.as_(account, method, path);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Creates an opportunity for `seeker` and returns its id.
pub async fn opportunity(app: &TestApp, seeker: &Account, company: &str) -> String {
    let (status, body) = call(
        app,
        seeker,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"company": company, "title": "Senior Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["opportunity"]["id"].as_str().unwrap().to_owned()
}

/// Creates a contact on an opportunity and returns it.
pub async fn contact(app: &TestApp, seeker: &Account, opportunity: &str, body: Value) -> Value {
    let (status, body) = call(
        app,
        seeker,
        Method::POST,
        &format!("/v1/opportunities/{opportunity}/contacts"),
        Some(body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert!(
        body["warnings"].is_array(),
        "creates answer {{contact, warnings}}: {body}"
    );
    body["contact"].clone()
}

/// The fields a 422 problem names, sorted.
pub fn fields(problem: &Value) -> Vec<String> {
    let mut fields: Vec<String> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect();
    fields.sort_unstable();
    fields
}

#[tokio::test]
async fn a_contact_is_created_read_changed_and_deleted() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Hearst Digital").await;
    let response = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/contacts"),
        )
        .json(&json!({
            "name": " Sam Boss ", "role": "hiring_manager", "email": "Sam@Example.COM",
            "phone": "+1 (212) 555-0100", "timezone": "America/New_York",
            "best_time": {"days": ["thu", "tue", "thu"], "from": "14:00", "to": "15:00"},
            "notes": "Likes the Knicks",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json::<Value>().await.unwrap()["contact"].clone();
    assert_eq!(
        location,
        format!("/v1/contacts/{}", created["id"].as_str().unwrap())
    );
    assert_eq!(created["opportunity_id"], opp.as_str());
    assert_eq!(created["name"], "Sam Boss");
    assert_eq!(created["email"], "sam@example.com");
    assert_eq!(created["phone"], "+12125550100");
    assert_eq!(created["preferred_channel"], "any", "the default");
    assert_eq!(
        created["best_time"],
        json!({"days": ["tue", "thu"], "from": "14:00", "to": "15:00"})
    );
    assert_eq!(
        created["updated_by"],
        json!({"type": "seeker", "id": jane.id})
    );

    let got = app.as_(&jane, Method::GET, &location).send().await.unwrap();
    let etag = got.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(got.json::<Value>().await.unwrap(), created);
    let unchanged = app
        .as_(&jane, Method::GET, &location)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);

    let patched = app
        .as_(&jane, Method::PATCH, &location)
        .header("if-match", &etag)
        .json(&json!({"preferred_channel": "email", "phone": null, "best_time": null, "role": "higher_up"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let new_etag = patched.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = patched.json().await.unwrap();
    assert_eq!(body["preferred_channel"], "email");
    assert_eq!(body["role"], "higher_up");
    assert_eq!(body["phone"], Value::Null);
    assert_eq!(body["best_time"], Value::Null);
    assert_eq!(body["email"], "sam@example.com", "absent fields stay");

    for method in [Method::PATCH, Method::DELETE] {
        let stale = app
            .as_(&jane, method, &location)
            .header("if-match", &etag)
            .json(&json!({"notes": "overwritten"}))
            .send()
            .await
            .unwrap();
        assert_problem(stale, 412).await;
    }
    let (_, now) = call(&app, &jane, Method::GET, &location, None).await;
    assert_eq!(now["notes"], "Likes the Knicks");

    let (status, list) = call(
        &app,
        &jane,
        Method::GET,
        &format!("/v1/opportunities/{opp}/contacts"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["items"], json!([now]));
    assert_eq!(list["next_cursor"], Value::Null);

    let deleted = app
        .as_(&jane, Method::DELETE, &location)
        .header("if-match", &new_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_problem(
        app.as_(&jane, Method::GET, &location).send().await.unwrap(),
        404,
    )
    .await;
}

#[tokio::test]
async fn bad_contact_fields_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let path = format!("/v1/opportunities/{opp}/contacts");
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        &path,
        Some(json!({
            "name": "Sam", "role": "assistant", "email": "sam@", "phone": "555-CALL-NOW",
            "timezone": "Mars/Olympus",
        })),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["email", "phone", "timezone"]);
    for (body, field) in [
        (
            json!({"name": "Sam", "role": "assistant", "phone": "12345"}),
            "phone",
        ),
        (json!({"name": " ", "role": "assistant"}), "name"),
        (json!({"name": "Sam", "role": "boss"}), "role"),
        (
            json!({"name": "Sam", "role": "assistant", "preferred_channel": "fax"}),
            "preferred_channel",
        ),
        (
            json!({"name": "Sam", "role": "assistant", "best_time": {"from": "2pm", "to": "15:00"}}),
            "best_time.from",
        ),
        (
            json!({"name": "Sam", "role": "assistant", "best_time": {"from": "15:00", "to": "14:00"}}),
            "best_time.to",
        ),
        (
            json!({"name": "Sam", "role": "assistant", "best_time": {"days": ["someday"], "from": "14:00", "to": "15:00"}}),
            "best_time.days[0]",
        ),
        (
            json!({"name": "Sam", "role": "assistant", "mood": "happy"}),
            "mood",
        ),
        (
            json!({"name": "Sam", "role": "assistant", "best_time": [[], "14:00", "15:00"]}),
            "best_time",
        ),
    ] {
        let (status, problem) = call(&app, &jane, Method::POST, &path, Some(body)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (_, list) = call(&app, &jane, Method::GET, &path, None).await;
    assert_eq!(list["items"], json!([]));

    let sam = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam", "role": "assistant"}),
    )
    .await;
    let (status, problem) = call(
        &app,
        &jane,
        Method::PATCH,
        &format!("/v1/contacts/{}", sam["id"].as_str().unwrap()),
        Some(json!({"timezone": "Europe/Atlantis", "name": null})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "name");
}

#[tokio::test]
async fn deleting_a_contact_keeps_its_interactions_and_promises_without_it() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let sam = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam", "role": "hiring_manager"}),
    )
    .await;
    let sam_id = sam["id"].as_str().unwrap();
    let (status, interaction) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "interview", "contact_id": sam_id, "occurred_at": "2026-01-05T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{interaction}");
    let (status, promise) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"what": "call", "contact_id": sam_id, "due": "2026-01-09", "made_at": "2026-01-05T16:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{promise}");
    let promise = promise["promise"].clone();

    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/contacts/{sam_id}"),
        None,
    )
    .await;
    assert_eq!(status, 204);

    let interaction_path = format!(
        "/v1/interactions/{}",
        interaction["interaction"]["id"].as_str().unwrap()
    );
    let (status, interaction) = call(&app, &jane, Method::GET, &interaction_path, None).await;
    assert_eq!(status, 200);
    assert_eq!(interaction["contact_id"], Value::Null);
    assert_eq!(interaction["kind"], "interview");
    let promise_path = format!("/v1/promises/{}", promise["id"].as_str().unwrap());
    let (status, promise) = call(&app, &jane, Method::GET, &promise_path, None).await;
    assert_eq!(status, 200);
    assert_eq!(promise["contact_id"], Value::Null);
}
