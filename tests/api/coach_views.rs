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
