use crate::helpers::spawn_app;

fn committed() -> serde_json::Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json");
    let text = std::fs::read_to_string(path).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[tokio::test]
async fn the_committed_spec_is_what_the_server_serves() {
    let app = spawn_app().await;
    let served: serde_json::Value = app.get("/openapi.json").await.json().await.unwrap();
    assert!(
        served == committed(),
        "openapi/openapi.json is stale: run `cargo run -- openapi --out openapi/openapi.json` and commit it"
    );
}

#[test]
fn the_spec_is_openapi_3_1_with_bearer_auth_and_described_operations() {
    let spec = committed();
    assert!(spec["openapi"].as_str().unwrap().starts_with("3.1"));
    let bearer = &spec["components"]["securitySchemes"]["bearer"];
    assert_eq!(bearer["type"], "http");
    assert_eq!(bearer["scheme"], "bearer");
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let described =
                operation["summary"].is_string() || operation["description"].is_string();
            assert!(described, "{method} {path} has no description");
            assert!(operation["tags"].is_array(), "{method} {path} has no tag");
        }
    }
}
