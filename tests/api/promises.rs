//! Promises: CRUD, validation, and the status derived at any instant —
//! Jane's promised call "after New Year's".

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, fields, opportunity};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_promised_call_is_pending_then_broken_then_kept_and_can_be_cancelled() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await; // America/New_York
    let opp = opportunity(&app, &jane, "Online Media Co").await;
    let boss = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam Boss", "role": "hiring_manager", "timezone": "America/New_York"}),
    )
    .await;
    let response = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/promises"),
        )
        .json(&json!({
            "contact_id": boss["id"], "what": "call", "due": "2010-01-08",
            "made_at": "2009-12-17T20:00:00Z",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json::<Value>().await.unwrap()["promise"].clone();
    assert_eq!(created["due"], "2010-01-08");
    // The close of business on Fri 8 Jan in New York.
    assert_eq!(created["due_at"], "2010-01-08T22:00:00Z");
    assert_eq!(created["status"], "broken", "evaluated now, years later");
    assert_eq!(created["cancelled_at"], Value::Null);

    let status_at = |at: &'static str| {
        let app = &app;
        let jane = &jane;
        let location = &location;
        async move {
            let (status, body) =
                call(app, jane, Method::GET, &format!("{location}?at={at}"), None).await;
            assert_eq!(status, 200, "{body}");
            body["status"].as_str().unwrap().to_owned()
        }
    };
    assert_eq!(status_at("2010-01-04T17:00:00Z").await, "pending");
    assert_eq!(
        status_at("2010-01-08T17:00:00Z").await,
        "pending",
        "noon in New York"
    );
    assert_eq!(status_at("2010-01-11T13:00:00Z").await, "broken");

    // He calls on Tuesday: kept (late), from then on only.
    let (status, _) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "call_connected", "contact_id": boss["id"], "occurred_at": "2010-01-12T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(status_at("2010-01-11T13:00:00Z").await, "broken");
    assert_eq!(status_at("2010-01-12T15:30:00Z").await, "kept");
    let (_, list) = call(
        &app,
        &jane,
        Method::GET,
        &format!("/v1/opportunities/{opp}/promises?at=2010-01-05T12:00:00Z"),
        None,
    )
    .await;
    assert_eq!(list["items"][0]["status"], "pending");
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    // The seeker cancels it; a stale ETag changes nothing.
    let got = app.as_(&jane, Method::GET, &location).send().await.unwrap();
    let etag = got.headers()["etag"].to_str().unwrap().to_owned();
    let cancelled = app
        .as_(&jane, Method::PATCH, &location)
        .header("if-match", &etag)
        .json(&json!({"cancelled": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(cancelled.status(), 200);
    let new_etag = cancelled.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = cancelled.json().await.unwrap();
    assert_eq!(body["status"], "cancelled");
    assert!(body["cancelled_at"].is_string());
    assert_eq!(status_at("2099-01-01T00:00:00Z").await, "cancelled");
    // Before it was cancelled, it was what it was.
    assert_eq!(status_at("2010-01-12T15:30:00Z").await, "kept");

    for method in [Method::PATCH, Method::DELETE] {
        let stale = app
            .as_(&jane, method, &location)
            .header("if-match", &etag)
            .json(&json!({"cancelled": false}))
            .send()
            .await
            .unwrap();
        assert_problem(stale, 412).await;
    }
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
async fn nothing_inbound_after_the_due_instant_breaks_it_and_replies_keep_it() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Rockies Inc").await;
    let dan = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Dan Ortiz", "role": "hiring_manager", "timezone": "America/Denver"}),
    )
    .await;
    let (status, dated) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"contact_id": dan["id"], "what": "decision", "due": "2026-03-06", "made_at": "2026-03-01T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{dated}");
    let dated = dated["promise"].clone();
    // Read in Denver, the contact's zone: 17:00 MST.
    assert_eq!(dated["due_at"], "2026-03-07T00:00:00Z");

    let (status, exact) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"what": "email", "due": "2026-03-05T12:00:00+01:00", "made_at": "2026-03-01T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{exact}");
    let exact = exact["promise"].clone();
    assert_eq!(exact["due"], "2026-03-05T11:00:00Z");
    assert_eq!(exact["due_at"], "2026-03-05T11:00:00Z");
    assert_eq!(exact["contact_id"], Value::Null);

    let exact_path = format!("/v1/promises/{}", exact["id"].as_str().unwrap());
    let at = |instant: &str| format!("{exact_path}?at={instant}");
    let (_, before) = call(&app, &jane, Method::GET, &at("2026-03-05T10:59:59Z"), None).await;
    assert_eq!(before["status"], "pending");
    let (_, after) = call(&app, &jane, Method::GET, &at("2026-03-05T11:00:00Z"), None).await;
    assert_eq!(after["status"], "broken");

    // An out-of-office reply is no answer; a real reply keeps the promised
    // e-mail, but not the promised decision: only the decision itself keeps
    // that (docs/cadence.md, "Decisive moments").
    for body in [
        json!({"kind": "reply_received", "occurred_at": "2026-03-08T15:00:00Z", "out_of_office_until": "2026-03-10"}),
        json!({"kind": "reply_received", "occurred_at": "2026-03-11T15:00:00Z"}),
    ] {
        let (status, _) = call(
            &app,
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/interactions"),
            Some(body),
        )
        .await;
        assert_eq!(status, 201);
    }
    let (_, ooo) = call(&app, &jane, Method::GET, &at("2026-03-09T12:00:00Z"), None).await;
    assert_eq!(ooo["status"], "broken");
    let (_, list) = call(
        &app,
        &jane,
        Method::GET,
        &format!("/v1/opportunities/{opp}/promises?at=2026-03-12T12:00:00Z&limit=1"),
        None,
    )
    .await;
    // Was `kept` before promises of a decision needed the decision.
    assert_eq!(list["items"][0]["status"], "broken");
    assert!(
        list["next_cursor"].is_string(),
        "two promises, one per page"
    );
    let (_, kept) = call(&app, &jane, Method::GET, &at("2026-03-12T12:00:00Z"), None).await;
    assert_eq!(kept["status"], "kept");

    let (status, _) = call(&app, &jane, Method::GET, &at("next-tuesday"), None).await;
    assert_eq!(status, 400, "an unreadable instant");
}

#[tokio::test]
async fn bad_promise_fields_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let other = opportunity(&app, &jane, "Globex").await;
    let theirs = contact(
        &app,
        &jane,
        &other,
        json!({"name": "Hank", "role": "recruiter"}),
    )
    .await;
    let path = format!("/v1/opportunities/{opp}/promises");
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        &path,
        Some(json!({"what": "call", "due": "2027-01-08", "made_at": future, "contact_id": theirs["id"]})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(fields(&problem), ["contact_id", "made_at"]);
    for (body, field) in [
        (json!({"what": "call", "due": "after New Year's"}), "due"),
        (json!({"what": "call", "due": "2027-02-30"}), "due"),
        (json!({"what": "call"}), "due"),
        (json!({"what": "lunch", "due": "2027-01-08"}), "what"),
        (
            json!({"what": "call", "due": "2027-01-08", "status": "kept"}),
            "status",
        ),
    ] {
        let (status, problem) = call(&app, &jane, Method::POST, &path, Some(body)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (_, list) = call(&app, &jane, Method::GET, &path, None).await;
    assert_eq!(list["items"], json!([]));
}
