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
