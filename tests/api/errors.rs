use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn an_unknown_route_is_a_404_problem() {
    let app = spawn_app().await;
    let body = assert_problem(app.get("/v1/nothing-here").await, 404).await;
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("/v1/nothing-here")
    );
}

#[tokio::test]
async fn a_wrong_method_is_a_405_problem_with_allow() {
    let app = spawn_app().await;
    for path in ["/healthz", "/openapi.json", "/metrics"] {
        let response = app.client.delete(app.url(path)).send().await.unwrap();
        assert_eq!(response.headers()["allow"], "GET, HEAD", "{path}");
        assert_problem(response, 405).await;
    }
}

#[tokio::test]
async fn a_query_parameter_the_operation_does_not_take_is_a_422_naming_it() {
    use reqwest::Method;
    use serde_json::json;

    use crate::contacts::call;

    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"company": "Northwind Media", "title": "Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let opp = body["opportunity"]["id"].as_str().unwrap().to_owned();

    // One resource takes no query at all: paging and sparse fields there are
    // refused, each named once, instead of being silently ignored.
    let (status, body) = call(
        &app,
        &jane,
        Method::GET,
        &format!("/v1/opportunities/{opp}?limit=5&fields=title&limit=6"),
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    let named: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(named, ["limit", "fields"], "{body}");
    assert!(
        body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("takes none"),
        "{body}"
    );

    // A list names what it does take; the ones it takes still work.
    let (status, body) = call(
        &app,
        &jane,
        Method::GET,
        "/v1/opportunities?limit=1&colour=red",
        None,
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "colour", "{body}");
    let message = body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("limit") && message.contains("cursor"),
        "{message}"
    );
    let (status, body) = call(&app, &jane, Method::GET, "/v1/opportunities?limit=1", None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["items"].as_array().unwrap().len(), 1, "{body}");

    // Writes too, and HEAD as GET. Percent-encoded names are decoded.
    let (status, body) = call(
        &app,
        &jane,
        Method::PATCH,
        &format!("/v1/opportunities/{opp}?dry%5Frun=1"),
        Some(json!({"notes": "x"})),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "dry_run", "{body}");
    let response = app
        .as_(&jane, Method::HEAD, "/v1/opportunities?colour=red")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let (status, _) = call(
        &app,
        &jane,
        Method::GET,
        &format!("/v1/opportunities/{opp}"),
        None,
    )
    .await;
    assert_eq!(
        status, 200,
        "the refused PATCH changed nothing it should not"
    );
}
