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

/// Swagger UI signs itself in (scripts/browser.sh drives it in a browser):
/// its initializer keeps the authorization across reloads, hands the
/// `access_token` of register, login and refresh to the `bearer` scheme the
/// spec declares, and sends the document to no online validator.
#[tokio::test]
async fn swagger_ui_signs_in_with_the_tokens_it_receives() {
    let app = spawn_app().await;
    let response = app.get("/docs/swagger-initializer.js").await;
    assert_eq!(response.status(), 200);
    let script = response.text().await.unwrap();
    assert!(
        script.contains(r#""persistAuthorization":true"#),
        "{script}"
    );
    assert!(script.contains(r#""validatorUrl":"none""#), "{script}");
    assert!(script.contains(r#""url":"/openapi.json""#), "{script}");
    assert!(script.contains("responseInterceptor"), "{script}");
    assert!(
        script.contains(r#"preauthorizeApiKey("bearer""#),
        "{script}"
    );
    for path in ["/v1/auth/register", "/v1/auth/login", "/v1/auth/refresh"] {
        assert!(script.contains(&format!("\"{path}\"")), "{path}");
    }
    assert_eq!(
        committed()["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    // The page loads it from beside itself.
    let page = app.get("/docs/").await.text().await.unwrap();
    assert!(page.contains("./swagger-initializer.js"));
}
