//! Interactions: CRUD, validation, the order they happened in across pages,
//! and the notes a coach may add.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, fields, opportunity};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn an_interaction_is_recorded_read_corrected_and_deleted() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Hearst Digital").await;
    let sam = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam", "role": "hiring_manager"}),
    )
    .await;
    let response = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/interactions"),
        )
        .json(&json!({
            "kind": "interview", "contact_id": sam["id"], "occurred_at": "2009-12-17T20:00:00Z",
            "notes": "Met the higher-up",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["warnings"], json!([]));
    let interaction = &created["interaction"];
    assert_eq!(
        location,
        format!("/v1/interactions/{}", interaction["id"].as_str().unwrap())
    );
    assert_eq!(interaction["kind"], "interview");
    assert_eq!(interaction["occurred_at"], "2009-12-17T20:00:00Z");
    assert_eq!(interaction["contact_id"], sam["id"]);
    assert_eq!(interaction["out_of_office_until"], Value::Null);
    assert_eq!(
        interaction["updated_by"],
        json!({"type": "seeker", "id": jane.id})
    );

    let got = app.as_(&jane, Method::GET, &location).send().await.unwrap();
    let etag = got.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(got.json::<Value>().await.unwrap(), *interaction);

    let patched = app
        .as_(&jane, Method::PATCH, &location)
        .header("if-match", &etag)
        .json(
            &json!({"kind": "reply_received", "out_of_office_until": "2010-01-04", "notes": null}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let new_etag = patched.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = patched.json().await.unwrap();
    assert_eq!(body["kind"], "reply_received");
    assert_eq!(body["out_of_office_until"], "2010-01-04");
    assert_eq!(body["notes"], Value::Null);
    assert_eq!(
        body["occurred_at"], "2009-12-17T20:00:00Z",
        "absent fields stay"
    );

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
async fn bad_interaction_fields_are_named_and_nothing_is_written() {
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
    let path = format!("/v1/opportunities/{opp}/interactions");
    let future = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        &path,
        Some(json!({
            "kind": "follow_up_email", "occurred_at": future, "out_of_office_until": "2027-07-19",
            "contact_id": theirs["id"],
        })),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        fields(&problem),
        ["contact_id", "occurred_at", "out_of_office_until"]
    );
    for (body, field) in [
        (json!({"kind": "smoke_signal"}), "kind"),
        (
            json!({"kind": "note", "contact_id": "no-such-contact"}),
            "contact_id",
        ),
        (
            json!({"kind": "note", "occurred_at": "yesterday"}),
            "occurred_at",
        ),
        (
            json!({"kind": "reply_received", "out_of_office_until": "19/07/2027"}),
            "out_of_office_until",
        ),
    ] {
        let (status, problem) = call(&app, &jane, Method::POST, &path, Some(body)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    // Another seeker's contact is not named, nor told apart from one that
    // does not exist.
    let bob = app.register("seeker").await;
    let bobs = opportunity(&app, &bob, "Initech").await;
    let bobs = contact(
        &app,
        &bob,
        &bobs,
        json!({"name": "Bill", "role": "hiring_manager"}),
    )
    .await;
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        &path,
        Some(json!({"kind": "note", "contact_id": bobs["id"]})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "contact_id", "{problem}");
    assert_eq!(
        problem["errors"][0]["message"], "is not a contact of this opportunity",
        "{problem}"
    );
    let (_, list) = call(&app, &jane, Method::GET, &path, None).await;
    assert_eq!(list["items"], json!([]));

    // A skew of a minute is fine: clocks differ.
    let soon = (chrono::Utc::now() + chrono::Duration::minutes(1)).to_rfc3339();
    let (status, _) = call(
        &app,
        &jane,
        Method::POST,
        &path,
        Some(json!({"kind": "reply_received", "occurred_at": soon, "out_of_office_until": "2027-07-19"})),
    )
    .await;
    assert_eq!(status, 201);
}

#[tokio::test]
async fn interactions_page_in_the_order_they_happened() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let path = format!("/v1/opportunities/{opp}/interactions");
    // Recorded out of order, as back-dated entries are.
    let days = [5, 1, 4, 2, 3, 2, 6];
    for (n, day) in days.iter().enumerate() {
        let (status, _) = call(
            &app,
            &jane,
            Method::POST,
            &path,
            Some(json!({"kind": "note", "notes": format!("#{n}"), "occurred_at": format!("2026-04-0{day}T12:00:00Z")})),
        )
        .await;
        assert_eq!(status, 201);
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit=3&cursor={c}"),
            None => format!("{path}?limit=3"),
        };
        let (status, page) = call(&app, &jane, Method::GET, &url, None).await;
        assert_eq!(status, 200, "{page}");
        pages += 1;
        for item in page["items"].as_array().unwrap() {
            seen.push((
                item["occurred_at"].as_str().unwrap().to_owned(),
                item["notes"].as_str().unwrap().to_owned(),
            ));
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    let notes: Vec<&str> = seen.iter().map(|(_, n)| n.as_str()).collect();
    // Day order; the two on day 2 in the order they were recorded.
    assert_eq!(notes, ["#1", "#3", "#5", "#4", "#2", "#0", "#6"]);

    let (status, problem) = call(
        &app,
        &jane,
        Method::GET,
        &format!("{path}?cursor=c1zz"),
        None,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(problem["errors"][0]["field"], "cursor");
    let (status, _) = call(&app, &jane, Method::GET, &format!("{path}?limit=0"), None).await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn a_coach_adds_notes_marked_as_theirs_and_nothing_else() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let path = format!("/v1/opportunities/{opp}/interactions");

    let (status, created) = call(
        &app,
        &coach,
        Method::POST,
        &path,
        Some(json!({"kind": "note", "notes": "Ask about the team size next time"})),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let note = &created["interaction"];
    assert_eq!(note["updated_by"], json!({"type": "coach", "id": coach.id}));

    let (status, _) = call(
        &app,
        &coach,
        Method::POST,
        &path,
        Some(json!({"kind": "follow_up_email"})),
    )
    .await;
    assert_eq!(status, 403);
    let note_path = format!("/v1/interactions/{}", note["id"].as_str().unwrap());
    let (status, _) = call(
        &app,
        &coach,
        Method::PATCH,
        &note_path,
        Some(json!({"notes": "edited"})),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = call(&app, &coach, Method::DELETE, &note_path, None).await;
    assert_eq!(status, 403);

    // The seeker sees the coach's note, marked as the coach's.
    let (_, list) = call(&app, &jane, Method::GET, &path, None).await;
    assert_eq!(list["items"], json!([note]));
}
