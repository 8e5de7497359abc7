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

#[tokio::test]
async fn a_nul_in_the_login_email_is_a_422_naming_it() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": "a\u{0}b@x.com", "password": "a long passphrase"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "email", "{problem}");
}

#[tokio::test]
async fn control_characters_in_bodies_paths_and_queries_are_refused() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for (field, value) in [
        ("company", "Ac\u{0}me"),
        ("location", "Ber\u{0}lin"),
        ("industry", "bell\u{7}"),
        ("source", "del\u{7f}"),
        ("title", "tab\there"),
        ("notes", "nul\u{0} in free text"),
    ] {
        let mut body = json!({"company": "Acme", "title": "Editor", "stage": "applied"});
        body[field] = json!(value);
        let (status, problem) =
            call(&app, &jane, Method::POST, "/v1/opportunities", Some(body)).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (_, list) = call(&app, &jane, Method::GET, "/v1/opportunities", None).await;
    assert_eq!(list["items"], json!([]), "nothing was written");

    let opp = opportunity(&app, &jane, "Acme").await;
    let sam = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam", "role": "hiring_manager"}),
    )
    .await;
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/contacts"),
        Some(json!({"name": "Sam\u{0}", "role": "recruiter", "best_time": {"from": "09:00\u{0}", "to": "10:00"}})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        crate::contacts::fields(&problem),
        ["best_time.from", "name"],
        "{problem}"
    );

    for path in [
        "/v1/opportunities/%00".to_owned(),
        format!("/v1/opportunities/{opp}%00"),
        format!("/v1/contacts/{}%1F", sam["id"].as_str().unwrap()),
        "/v1/promises/a%7Fb".to_owned(),
    ] {
        let response = app.as_(&jane, Method::GET, &path).send().await.unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], "path", "{problem}");
    }
    let response = app
        .as_(
            &jane,
            Method::DELETE,
            &format!("/v1/opportunities/{opp}%00"),
        )
        .send()
        .await
        .unwrap();
    assert_problem(response, 422).await;

    for (query, field) in [
        ("q=Ac%00me", "q"),
        ("cursor=%00", "cursor"),
        ("stage=applied&q=%01", "q"),
        ("q=a%7F", "q"),
    ] {
        let response = app
            .as_(&jane, Method::GET, &format!("/v1/opportunities?{query}"))
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{query}: {problem}");
    }
}

#[tokio::test]
async fn tabs_and_line_breaks_are_kept_in_free_text() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let notes = "Call went well.\r\n\tAsked about the team.\nSent thanks.";
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "note", "notes": notes, "occurred_at": "2026-02-09T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["interaction"]["notes"], notes);
    let (status, body) = call(
        &app,
        &jane,
        Method::PATCH,
        &format!("/v1/opportunities/{opp}"),
        Some(json!({"notes": "line\none\ttwo"})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["notes"], "line\none\ttwo");
}

/// Strings no operation stores: NUL, other C0 characters, DEL.
const CONTROLS: [&str; 5] = ["a\u{0}b", "\u{0}", "a\u{1}b", "\u{1f}", "a\u{7f}b"];

/// A schema with its `$ref` followed.
fn resolve(doc: &Value, schema: &Value) -> Value {
    schema["$ref"]
        .as_str()
        .and_then(|r| r.rsplit('/').next())
        .map_or_else(
            || schema.clone(),
            |name| doc["components"]["schemas"][name].clone(),
        )
}

/// A plausible value of a schema, so that a body with one string replaced
/// gets past the other fields' checks (and reaches the store).
fn sample(doc: &Value, name: &str, schema: &Value) -> Value {
    let schema = resolve(doc, schema);
    if let Some(first) = schema["enum"].get(0) {
        return first.clone();
    }
    if let Some(variant) = schema["oneOf"].get(0).or_else(|| schema["anyOf"].get(0)) {
        return sample(doc, name, variant);
    }
    let types = schema["type"].to_string();
    match (name, schema["format"].as_str()) {
        ("timezone", _) => json!("UTC"),
        ("password", _) => json!("a long passphrase"),
        (_, Some("email")) | ("email", _) => json!("someone@example.com"),
        (_, Some("date")) => json!("2026-02-12"),
        (_, Some("date-time")) => json!("2026-02-09T15:00:00Z"),
        _ if types.contains("object") || schema.get("properties").is_some() => {
            let mut object = serde_json::Map::new();
            for required in schema["required"].as_array().into_iter().flatten() {
                let key = required.as_str().unwrap();
                object.insert(key.to_owned(), sample(doc, key, &schema["properties"][key]));
            }
            Value::Object(object)
        }
        _ if types.contains("string") => json!("Acme"),
        _ if types.contains("integer") || types.contains("number") => json!(3),
        _ if types.contains("array") => json!([]),
        _ if types.contains("boolean") => json!(false),
        _ => Value::Null,
    }
}

/// The names of the string properties of an object schema.
fn string_properties(doc: &Value, schema: &Value) -> Vec<String> {
    let schema = resolve(doc, schema);
    schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, property)| {
            let property = resolve(doc, property);
            property["type"].to_string().contains("string")
                || property["oneOf"].is_array()
                || property["anyOf"].is_array()
        })
        .map(|(name, _)| name.clone())
        .collect()
}

#[tokio::test]
async fn no_operation_answers_control_characters_with_a_server_error() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let doc: Value = app.get("/openapi.json").await.json().await.unwrap();
    let mut cases = 0;
    for (template, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Ok(method) = Method::from_bytes(method.to_ascii_uppercase().as_bytes()) else {
                continue;
            };
            let path = template
                .split('/')
                .map(|s| if s.starts_with('{') { opp.as_str() } else { s })
                .collect::<Vec<_>>()
                .join("/");
            let mut requests: Vec<(String, Option<Value>)> = Vec::new();
            if template.contains('{') {
                requests.push((
                    template
                        .split('/')
                        .map(|s| if s.starts_with('{') { "a%00b" } else { s })
                        .collect::<Vec<_>>()
                        .join("/"),
                    None,
                ));
            }
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                if parameter["in"] == "query" {
                    let name = parameter["name"].as_str().unwrap();
                    for value in ["a%00b", "%01", "%1F", "%7F"] {
                        requests.push((format!("{path}?{name}={value}"), None));
                    }
                }
            }
            if let Some(schema) = operation
                .pointer("/requestBody/content/application~1json/schema")
                .or_else(|| {
                    operation.pointer("/requestBody/content/application~1merge-patch+json/schema")
                })
            {
                let base = sample(&doc, "body", schema);
                for name in string_properties(&doc, schema) {
                    for value in CONTROLS {
                        let mut body = base.clone();
                        body[name.as_str()] = json!(value);
                        requests.push((path.clone(), Some(body)));
                    }
                }
            }
            for (path, body) in requests {
                for account in [&jane, &coach] {
                    let mut request = app.as_(account, method.clone(), &path);
                    if let Some(body) = &body {
                        request = request.json(body);
                    }
                    let response = request.send().await.unwrap();
                    let status = response.status();
                    assert!(
                        !status.is_server_error(),
                        "{method} {path} {body:?}: {status} {}",
                        response.text().await.unwrap()
                    );
                    cases += 1;
                }
            }
        }
    }
    assert!(cases > 400, "only {cases} cases");
}
