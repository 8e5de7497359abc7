//! Opportunities: CRUD, stages, history, lists and concurrency.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

async fn create(app: &TestApp, seeker: &Account, body: Value) -> Value {
    let response = app
        .as_(seeker, Method::POST, "/v1/opportunities")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "create");
    assert!(
        response.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/v1/opportunities/")
    );
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_opportunity_is_created_read_changed_and_deleted() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let created = create(
        &app,
        &jane,
        json!({
            "company": "Hearst Digital", "title": "Senior Editor", "industry": "online media",
            "posting_url": "https://example.com/jobs/1", "excitement": 5,
            "base_salary": 95000, "bonus": 5000, "currency": "USD", "offer_deadline": "2010-01-29",
            "stage": "final",
        }),
    )
    .await;
    let opportunity = &created["opportunity"];
    assert_eq!(created["warnings"], json!([]));
    assert_eq!(opportunity["stage"], "final");
    assert_eq!(
        opportunity["updated_by"],
        json!({"type": "seeker", "id": jane.id})
    );
    let path = format!("/v1/opportunities/{}", opportunity["id"].as_str().unwrap());

    let got = app.as_(&jane, Method::GET, &path).send().await.unwrap();
    let etag = got.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(got.json::<Value>().await.unwrap(), *opportunity);
    let unchanged = app
        .as_(&jane, Method::GET, &path)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(unchanged.status(), 304);

    let patched = app
        .as_(&jane, Method::PATCH, &path)
        .header("if-match", &etag)
        .json(&json!({"notes": "Met the higher-up", "industry": null, "excitement": 4}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let new_etag = patched.headers()["etag"].to_str().unwrap().to_owned();
    assert_ne!(new_etag, etag);
    let body: Value = patched.json().await.unwrap();
    assert_eq!(body["notes"], "Met the higher-up");
    assert_eq!(body["industry"], Value::Null);
    assert_eq!(body["company"], "Hearst Digital", "absent fields stay");

    // A stale ETag: 412, and nothing changes.
    let stale = app
        .as_(&jane, Method::PATCH, &path)
        .header("if-match", &etag)
        .json(&json!({"notes": "overwritten"}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412).await;
    let stale_delete = app
        .as_(&jane, Method::DELETE, &path)
        .header("if-match", &etag)
        .send()
        .await
        .unwrap();
    assert_problem(stale_delete, 412).await;
    let now: Value = app
        .as_(&jane, Method::GET, &path)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(now["notes"], "Met the higher-up");

    let deleted = app
        .as_(&jane, Method::DELETE, &path)
        .header("if-match", &new_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    assert_problem(
        app.as_(&jane, Method::GET, &path).send().await.unwrap(),
        404,
    )
    .await;
}

#[tokio::test]
async fn bad_fields_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let response = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({
            "company": "", "title": "Editor", "excitement": 9, "posting_url": "ftp://x",
            "currency": "usd", "base_salary": -1, "playbook": "yolo",
        }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(response, 422).await;
    let mut fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "base_salary",
            "company",
            "currency",
            "excitement",
            "playbook",
            "posting_url"
        ]
    );
    for (body, field) in [
        (
            json!({"company": "A", "title": "B", "stage": "hired"}),
            "stage",
        ),
        (
            json!({"company": "A", "title": "B", "offer_deadline": "next friday"}),
            "offer_deadline",
        ),
        (
            json!({"company": "A", "title": "B", "colour": "red"}),
            "colour",
        ),
    ] {
        let response = app
            .as_(&jane, Method::POST, "/v1/opportunities")
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], field);
    }
    let list: Value = app
        .as_(&jane, Method::GET, "/v1/opportunities")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn a_second_open_opportunity_at_the_same_job_warns() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let first = create(&app, &jane, json!({"company": "Acme", "title": "Editor"})).await;
    let second = create(&app, &jane, json!({"company": "ACME", "title": "editor "})).await;
    assert_eq!(second["warnings"][0]["code"], "possible_duplicate");
    assert_eq!(
        second["warnings"][0]["ids"],
        json!([first["opportunity"]["id"]])
    );
    // Another seeker's opportunities are none of Jane's business.
    let bob = app.register("seeker").await;
    let bobs = create(&app, &bob, json!({"company": "Acme", "title": "Editor"})).await;
    assert_eq!(bobs["warnings"], json!([]));
}

#[tokio::test]
async fn stages_follow_the_state_machine_and_keep_their_history() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let created = create(
        &app,
        &jane,
        json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}),
    )
    .await;
    let id = created["opportunity"]["id"].as_str().unwrap();
    let transitions = format!("/v1/opportunities/{id}/transitions");
    let moved = app
        .as_(&jane, Method::POST, &transitions)
        .json(&json!({"to": "final", "reason": "one more conversation with a higher-up", "occurred_at": "2009-12-17T20:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 201);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(moved["opportunity"]["stage"], "final");
    assert_eq!(moved["transition"]["from"], "interviewing");

    let back = app
        .as_(&jane, Method::POST, &transitions)
        .json(&json!({"to": "interviewing"}))
        .send()
        .await
        .unwrap();
    assert_eq!(back.status(), 201, "another round: final → interviewing");
    let rejected = app
        .as_(&jane, Method::POST, &transitions)
        .json(&json!({"to": "rejected", "rejection_reason": "internal_promotion"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 201);

    let illegal = app
        .as_(&jane, Method::POST, &transitions)
        .json(&json!({"to": "offer"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(illegal, 409).await;
    assert_eq!(problem["allowed"], json!([]), "rejected is terminal");

    let history: Value = app
        .as_(
            &jane,
            Method::GET,
            &format!("/v1/opportunities/{id}/history"),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let steps: Vec<(Value, Value)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["from"].clone(), t["to"].clone()))
        .collect();
    assert_eq!(
        steps,
        [
            (Value::Null, json!("interviewing")),
            (json!("interviewing"), json!("final")),
            (json!("final"), json!("interviewing")),
            (json!("interviewing"), json!("rejected")),
        ]
    );
    assert_eq!(history["items"][1]["at"], "2009-12-17T20:00:00Z");
    assert_eq!(
        history["items"][3]["rejection_reason"],
        "internal_promotion"
    );
    assert_eq!(history["items"][1]["actor"]["type"], "seeker");

    let other = create(
        &app,
        &jane,
        json!({"company": "Other", "title": "Editor", "stage": "applied"}),
    )
    .await;
    let other_id = other["opportunity"]["id"].as_str().unwrap();
    let refused = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{other_id}/transitions"),
        )
        .json(&json!({"to": "applied"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(refused, 409).await;
    let allowed = problem["allowed"].as_array().unwrap();
    assert!(
        allowed.contains(&json!("screening")) && allowed.contains(&json!("ghosted")),
        "{problem}"
    );
    let future = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{other_id}/transitions"),
        )
        .json(&json!({"to": "screening", "occurred_at": "2999-01-01T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        assert_problem(future, 422).await["errors"][0]["field"],
        "occurred_at"
    );
}

#[tokio::test]
async fn lists_page_filter_and_search() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for (i, stage) in ["applied", "final", "offer", "final", "applied"]
        .iter()
        .enumerate()
    {
        create(&app, &jane, json!({"company": format!("Company {i}"), "title": if i == 2 { "Head of 100% Growth" } else { "Editor" }, "stage": stage})).await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/opportunities?limit=2&cursor={c}"),
            None => "/v1/opportunities?limit=2".to_owned(),
        };
        let page: Value = app
            .as_(&jane, Method::GET, &path)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for item in page["items"].as_array().unwrap() {
            seen.push(item["company"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        seen,
        [
            "Company 0",
            "Company 1",
            "Company 2",
            "Company 3",
            "Company 4"
        ]
    );

    let finals: Value = app
        .as_(
            &jane,
            Method::GET,
            "/v1/opportunities?stage=final&stage=offer",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(finals["items"].as_array().unwrap().len(), 3);
    let search: Value = app
        .as_(&jane, Method::GET, "/v1/opportunities?q=100%25")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        search["items"].as_array().unwrap().len(),
        1,
        "% is matched literally"
    );
    let search: Value = app
        .as_(&jane, Method::GET, "/v1/opportunities?q=COMPANY%203")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(search["items"][0]["company"], "Company 3");
    let future: Value = app
        .as_(
            &jane,
            Method::GET,
            "/v1/opportunities?updated_since=2999-01-01T00:00:00Z",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(future["items"], json!([]));

    for (query, field) in [
        ("stage=hired", "stage"),
        ("stage=final&stage=hired", "stage"),
        ("limit=0", "limit"),
        ("limit=abc", "limit"),
        ("limit=", "limit"),
        ("cursor=zzz", "cursor"),
        ("updated_since=yesterday", "updated_since"),
    ] {
        let response = app
            .as_(&jane, Method::GET, &format!("/v1/opportunities?{query}"))
            .send()
            .await
            .unwrap();
        assert_eq!(
            assert_problem(response, 422).await["errors"][0]["field"],
            field,
            "{query}"
        );
    }
    // Another seeker sees none of them.
    let bob = app.register("seeker").await;
    let bobs: Value = app
        .as_(&bob, Method::GET, "/v1/opportunities")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(bobs["items"], json!([]));
}

#[tokio::test]
async fn a_coach_with_a_grant_reads_and_assigns_a_playbook_but_changes_nothing_else() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    let created = create(&app, &jane, json!({"company": "Acme", "title": "Editor"})).await;
    let path = format!(
        "/v1/opportunities/{}",
        created["opportunity"]["id"].as_str().unwrap()
    );

    assert_eq!(
        app.as_(&coach, Method::GET, &path)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let assigned = app
        .as_(&coach, Method::PATCH, &path)
        .json(&json!({"playbook": "persistent_caller"}))
        .send()
        .await
        .unwrap();
    assert_eq!(assigned.status(), 200);
    let body: Value = assigned.json().await.unwrap();
    assert_eq!(body["playbook"], "persistent_caller");
    assert_eq!(
        body["updated_by"],
        json!({"type": "coach", "id": coach.id}),
        "the coach's change shows as the coach's"
    );

    let edit = app
        .as_(&coach, Method::PATCH, &path)
        .json(&json!({"notes": "x"}))
        .send()
        .await
        .unwrap();
    assert_problem(edit, 403).await;
    assert_problem(
        app.as_(&coach, Method::DELETE, &path).send().await.unwrap(),
        403,
    )
    .await;
    assert_problem(
        app.as_(&coach, Method::POST, "/v1/opportunities")
            .json(&json!({"company": "A", "title": "B"}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
}
