//! Hostile input: multi-byte cursors, control characters in every string,
//! formulas in CSV cells and made-up HTTP methods answer 4xx or stay inert,
//! never 5xx, a panic or an unbounded `/metrics`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, opportunity};
use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_cursor_with_multi_byte_characters_is_refused_on_every_list() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    for list in [
        "/v1/opportunities".to_owned(),
        format!("/v1/opportunities/{opp}/contacts"),
        format!("/v1/opportunities/{opp}/interactions"),
        format!("/v1/opportunities/{opp}/promises"),
    ] {
        // `é` is two bytes: a hex pair would fall inside it.
        for cursor in ["c1a%C3%A90", "c1%C3%A9", "c1%E2%82%AC0"] {
            let response = app
                .as_(&jane, Method::GET, &format!("{list}?cursor={cursor}"))
                .send()
                .await
                .unwrap();
            let problem = assert_problem(response, 422).await;
            assert_eq!(problem["errors"][0]["field"], "cursor", "{list} {cursor}");
        }
    }
}

/// The `http_requests_total` series of `/metrics`.
async fn request_series(app: &crate::helpers::TestApp) -> Vec<String> {
    app.get("/metrics")
        .await
        .text()
        .await
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("http_requests_total{"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn made_up_methods_add_no_metrics_series() {
    let app = spawn_app().await;
    app.get("/healthz").await;
    let _ = request_series(&app).await;
    let before = request_series(&app).await;
    for i in 0..50 {
        let method = Method::from_bytes(format!("FOOBAR{i}").as_bytes()).unwrap();
        let response = app
            .client
            .request(method, app.url("/healthz"))
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error());
    }
    let after = request_series(&app).await;
    let added: Vec<&String> = after
        .iter()
        .filter(|line| {
            let labels = line.rsplit_once(' ').map_or(line.as_str(), |(l, _)| l);
            !before.iter().any(|b| b.starts_with(labels))
        })
        .collect();
    assert_eq!(
        added.len(),
        1,
        "one series for every unknown method: {added:?}"
    );
    assert!(added[0].contains(r#"method="other""#), "{added:?}");
    assert!(added[0].ends_with(" 50"), "{added:?}");
}
