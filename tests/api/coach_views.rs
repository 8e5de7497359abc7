//! The coach's views of a client: the enriched client list and the client's
//! agenda, pipeline, comparisons and analytics, under a live grant only.

use reqwest::Method;
use serde_json::{Value, json};

use crate::comparisons::create;
use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

const VIEWS: [&str; 4] = ["agenda", "pipeline", "comparisons", "analytics"];

async fn clients(app: &TestApp, coach: &Account) -> Vec<Value> {
    let response = app
        .as_(coach, Method::GET, "/v1/coach/clients")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn a_coach_reads_a_clients_views_under_a_grant_only() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    let grant = app.grant(&jane, &coach).await;
    let final_id = create(
        &app,
        &jane,
        json!({"company": "Acme", "title": "Editor", "stage": "final"}),
    )
    .await;

    let list = clients(&app, &coach).await;
    assert_eq!(list.len(), 1);
    let client = &list[0];
    assert_eq!(client["id"], jane.id.as_str());
    assert_eq!(client["grant_id"], grant.as_str());
    assert_eq!(client["timezone"], "America/New_York");
    assert!(client["granted_at"].is_string());
    assert_eq!(client["open_opportunities"], 1);
    assert_eq!(client["finals"], 1);
    assert!(client["last_activity"].is_string(), "{client}");
    assert!(client.get("next_due_action").is_some());
    // Nothing open beside the final: keep applying.
    assert_eq!(client["stalled"]["value"], true, "{client}");
    let reasons = client["stalled"]["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["reason"].as_str().unwrap().contains("`final`")
                && r["reason_code"] == "only_finals"
                && r["args"]["finals"] == 1),
        "{reasons:?}"
    );

    for view in VIEWS {
        let path = format!("/v1/coach/clients/{}/{view}", jane.id);
        let response = app.as_(&coach, Method::GET, &path).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
    }
    let own: Value = app
        .as_(
            &jane,
            Method::GET,
            "/v1/comparisons?at=2030-01-07T15:00:00Z",
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let theirs: Value = app
        .as_(
            &coach,
            Method::GET,
            &format!(
                "/v1/coach/clients/{}/comparisons?at=2030-01-07T15:00:00Z",
                jane.id
            ),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(theirs["items"][0]["opportunity_id"], final_id.as_str());
    assert_eq!(theirs["items"], own["items"], "the client's own view");
    let pipeline: Value = app
        .as_(
            &coach,
            Method::GET,
            &format!("/v1/coach/clients/{}/pipeline", jane.id),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pipeline["open_total"], 1);
    assert_eq!(pipeline["near_offer"], 1);

    // The client's own id on the coach's paths is not theirs to use.
    assert_problem(
        app.as_(
            &jane,
            Method::GET,
            &format!("/v1/coach/clients/{}/agenda", jane.id),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;

    // After revocation: gone from the list, and 404 everywhere.
    let response = app
        .as_(&jane, Method::DELETE, &format!("/v1/grants/{grant}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    assert!(clients(&app, &coach).await.is_empty());
    for view in VIEWS {
        let path = format!("/v1/coach/clients/{}/{view}", jane.id);
        assert_problem(
            app.as_(&coach, Method::GET, &path).send().await.unwrap(),
            404,
        )
        .await;
    }
}

#[tokio::test]
async fn a_client_with_no_data() {
    let app = spawn_app().await;
    let sam = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&sam, &coach).await;

    let list = clients(&app, &coach).await;
    let client = &list[0];
    assert_eq!(client["open_opportunities"], 0);
    assert_eq!(client["finals"], 0);
    assert_eq!(client["last_activity"], Value::Null);
    assert_eq!(
        client["stalled"],
        json!({"value": false, "reasons": []}),
        "nothing logged is nothing to measure from"
    );

    let get = |view: &str| {
        app.as_(
            &coach,
            Method::GET,
            &format!("/v1/coach/clients/{}/{view}", sam.id),
        )
        .send()
    };
    let comparisons: Value = get("comparisons").await.unwrap().json().await.unwrap();
    assert_eq!(comparisons["items"], json!([]));
    let analytics: Value = get("analytics").await.unwrap().json().await.unwrap();
    assert_eq!(analytics["funnel"][0]["reached"], 0);
    assert_eq!(analytics["response_times"]["per_opportunity"], json!([]));
    let pipeline: Value = get("pipeline").await.unwrap().json().await.unwrap();
    assert_eq!(pipeline["open_total"], 0);
    let agenda = get("agenda").await.unwrap();
    assert_eq!(agenda.status(), 200);

    // A coach without a grant, and an unknown client id, are 404.
    let stranger = app.register("coach").await;
    assert_problem(
        app.as_(
            &stranger,
            Method::GET,
            &format!("/v1/coach/clients/{}/analytics", sam.id),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;
    assert_problem(
        app.as_(&coach, Method::GET, "/v1/coach/clients/nobody/agenda")
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
}

async fn post(app: &TestApp, who: &Account, path: &str, body: Value) -> Value {
    let response = app
        .as_(who, Method::POST, path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "POST {path}");
    response.json().await.unwrap()
}

fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A coach reads every opportunity of a client, closed ones too, and their
/// contacts and interactions across opportunities, with `updated_since`.
#[tokio::test]
async fn a_coach_lists_a_clients_records_closed_ones_too_and_what_changed() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    let stranger = app.register("coach").await;
    app.grant(&jane, &coach).await;
    let open = create(
        &app,
        &jane,
        json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}),
    )
    .await;
    let closed = create(
        &app,
        &jane,
        json!({"company": "Globex", "title": "Writer", "stage": "interviewing"}),
    )
    .await;
    let contact = post(
        &app,
        &jane,
        &format!("/v1/opportunities/{closed}/contacts"),
        json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@example.com"}),
    )
    .await;
    let contact = contact["contact"]["id"].as_str().unwrap().to_owned();
    let call = post(
        &app,
        &jane,
        &format!("/v1/opportunities/{closed}/interactions"),
        json!({"kind": "interview", "contact_id": contact, "occurred_at": "2026-01-05T15:00:00Z"}),
    )
    .await;
    let call = call["interaction"]["id"].as_str().unwrap().to_owned();
    let moved = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{closed}/transitions"),
        )
        .json(&json!({"to": "rejected", "reason": "other_candidate"}))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), 201, "{}", moved.text().await.unwrap());

    let base = format!("/v1/coach/clients/{}", jane.id);
    let all = app.read(&coach, &format!("{base}/opportunities")).await;
    assert_eq!(item_ids(&all), vec![open.clone(), closed.clone()]);
    let rejected = app
        .read(&coach, &format!("{base}/opportunities?stage=rejected"))
        .await;
    assert_eq!(item_ids(&rejected), vec![closed.clone()]);
    let page = app
        .read(&coach, &format!("{base}/opportunities?limit=1"))
        .await;
    assert_eq!(item_ids(&page), vec![open.clone()]);
    assert!(page["next_cursor"].is_string());
    let contacts = app.read(&coach, &format!("{base}/contacts")).await;
    assert_eq!(item_ids(&contacts), vec![contact.clone()]);
    let interactions = app.read(&coach, &format!("{base}/interactions")).await;
    assert_eq!(item_ids(&interactions), vec![call]);
    let future = "2100-01-01T00:00:00Z";
    for what in ["opportunities", "contacts", "interactions"] {
        let none = app
            .read(&coach, &format!("{base}/{what}?updated_since={future}"))
            .await;
        assert_eq!(none["items"], json!([]), "{what}");
        // Under a live grant only.
        assert_problem(
            app.as_(&stranger, Method::GET, &format!("{base}/{what}"))
                .send()
                .await
                .unwrap(),
            404,
        )
        .await;
        assert_problem(
            app.as_(&jane, Method::GET, &format!("{base}/{what}"))
                .send()
                .await
                .unwrap(),
            404,
        )
        .await;
    }
}

/// The client list is paged, filtered by `stalled` and sorted by the last
/// activity; a stall reason names the records behind it.
#[tokio::test]
async fn the_client_list_pages_filters_and_sorts_and_reasons_name_their_records() {
    let app = spawn_app().await;
    let coach = app.register("coach").await;
    let mut seekers = Vec::new();
    for _ in 0..3 {
        let seeker = app.register("seeker").await;
        app.grant(&seeker, &coach).await;
        seekers.push(seeker);
    }
    // The first has only a final: stalled, naming it.
    let final_id = create(
        &app,
        &seekers[0],
        json!({"company": "Acme", "title": "Editor", "stage": "final"}),
    )
    .await;
    create(
        &app,
        &seekers[1],
        json!({"company": "Initech", "title": "Clerk", "stage": "applied"}),
    )
    .await;

    let stalled = app.read(&coach, "/v1/coach/clients?stalled=true").await;
    assert_eq!(item_ids(&stalled), vec![seekers[0].id.clone()]);
    let reason = &stalled["items"][0]["stalled"]["reasons"][0];
    assert_eq!(reason["reason_code"], "only_finals");
    assert_eq!(reason["ids"], json!([final_id]));
    let calm = app.read(&coach, "/v1/coach/clients?stalled=false").await;
    assert_eq!(calm["items"].as_array().unwrap().len(), 2);

    let first = app.read(&coach, "/v1/coach/clients?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .read(
            &coach,
            &format!("/v1/coach/clients?limit=2&cursor={cursor}"),
        )
        .await;
    let mut seen = item_ids(&first);
    seen.extend(item_ids(&second));
    assert_eq!(
        seen,
        seekers.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
    );
    assert!(second["next_cursor"].is_null());

    // Least recent activity first: the one who never logged anything.
    let sorted = app
        .read(&coach, "/v1/coach/clients?sort=last_activity")
        .await;
    assert_eq!(item_ids(&sorted)[0], seekers[2].id);
    let recent = app
        .read(&coach, "/v1/coach/clients?sort=-last_activity")
        .await;
    assert_eq!(item_ids(&recent)[2], seekers[2].id);
    let body = assert_problem(
        app.as_(&coach, Method::GET, "/v1/coach/clients?sort=name")
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "sort");
    assert_problem(
        app.as_(&coach, Method::GET, "/v1/coach/clients?org=nope")
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
}
