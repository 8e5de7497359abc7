//! Errors an app can show: every problem carries a stable `code`, every
//! field error a `code` and `params`, and every invalid field is reported.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

/// The `(field, code)` pairs of a 422, in order.
fn codes(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap().to_owned(),
                e["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

#[tokio::test]
async fn a_too_long_name_and_an_unknown_time_zone_are_both_coded() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "jane@example.com",
            "password": "a long passphrase",
            "display_name": "J".repeat(101),
            "role": "seeker",
            "timezone": "Mars/Olympus",
        }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["code"], "validation_failed");
    let errors = problem["errors"].as_array().unwrap();
    let name = errors
        .iter()
        .find(|e| e["field"] == "display_name")
        .unwrap();
    assert_eq!(name["code"], "too_long");
    assert_eq!(name["params"], json!({"max": 100}));
    let zone = errors.iter().find(|e| e["field"] == "timezone").unwrap();
    assert_eq!(zone["code"], "not_a_time_zone");
    assert_eq!(zone["params"], json!({}));
}

#[tokio::test]
async fn a_refused_stage_move_is_an_illegal_transition() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["opportunity"]["id"].as_str().unwrap();
    let transitions = format!("/v1/opportunities/{id}/transitions");
    // A number where a stage's name goes is the field's type error, not a
    // body that "is not JSON".
    for body in [json!({"to": 7}), json!({"to": ["offer"]})] {
        let wrong = app
            .as_(&jane, Method::POST, &transitions)
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(wrong, 422).await;
        assert_eq!(problem["errors"][0]["field"], "to", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "wrong_type", "{problem}");
        assert_eq!(
            problem["errors"][0]["params"]["expected"], "string",
            "{problem}"
        );
    }
    let rejected = app
        .as_(&jane, Method::POST, &transitions)
        .json(&json!({"to": "rejected"}))
        .send()
        .await
        .unwrap();
    assert_eq!(rejected.status(), 201);
    let refused = app
        .as_(&jane, Method::POST, &transitions)
        .json(&json!({"to": "offer"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(refused, 409).await;
    assert_eq!(problem["code"], "illegal_transition");
    assert_eq!(problem["allowed"], json!([]));
}

#[tokio::test]
async fn several_wrong_fields_are_all_reported_in_the_order_of_the_body() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let response = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({
            "company": 5,
            "stage": "hired",
            "excitement": "very",
            "bogus": true,
            "base_salary": "lots",
        }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    let found = codes(&problem);
    // serde_json's `json!` keeps keys sorted: that is the body's order.
    assert_eq!(
        found,
        pairs(&[
            ("base_salary", "wrong_type"),
            ("bogus", "unknown_field"),
            ("company", "wrong_type"),
            ("excitement", "wrong_type"),
            ("stage", "unknown_value"),
            ("title", "required"),
        ]),
        "{problem}"
    );
    assert_eq!(problem["detail"], "6 fields are invalid");
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors[0]["params"], json!({"expected": "number"}));
    assert_eq!(errors[2]["message"], "must be text (a JSON string)");
    assert_eq!(errors[3]["message"], "must be a whole number");
    assert!(
        errors[4]["params"]["allowed"]
            .as_array()
            .unwrap()
            .contains(&json!("offer"))
    );
    assert!(
        errors[1]["params"]["allowed"]
            .as_array()
            .unwrap()
            .contains(&json!("company"))
    );
    for error in errors {
        let message = error["message"].as_str().unwrap();
        for rust in ["i32", "f64", "String", "invalid type"] {
            assert!(!message.contains(rust), "{message}");
        }
    }
}

#[tokio::test]
async fn every_bad_query_parameter_is_reported() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let response = app
        .as_(
            &jane,
            Method::GET,
            "/v1/opportunities?limit=abc&stage=hired",
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(
        codes(&problem),
        pairs(&[("limit", "not_a_number"), ("stage", "unknown_value")]),
        "{problem}"
    );
    let response = app
        .as_(&jane, Method::GET, "/v1/opportunities?limit=500")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["code"], "out_of_range");
    assert_eq!(
        problem["errors"][0]["params"],
        json!({"min": 1, "max": 200})
    );
}

#[tokio::test]
async fn a_body_that_ends_too_soon_is_a_400_in_plain_words() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let response = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .header("content-type", "application/json")
        .body(r#"{"company": "Acme", "title": "Ed"#)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 400).await;
    assert_eq!(problem["code"], "incomplete_body");
    let detail = problem["detail"].as_str().unwrap();
    assert!(detail.starts_with("the body ends too soon"), "{detail}");
    assert!(!detail.contains("EOF"), "{detail}");
}

#[tokio::test]
async fn problems_without_fields_carry_their_code() {
    let app = spawn_app().await;
    let problem = assert_problem(app.get("/v1/me").await, 401).await;
    assert_eq!(problem["code"], "unauthenticated");
    let problem = assert_problem(app.get("/v1/nothing-here").await, 404).await;
    assert_eq!(problem["code"], "not_found");
    let response = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": "nobody@example.com", "password": "not the password"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 401).await;
    assert_eq!(problem["code"], "invalid_credentials");

    let jane = app.register("seeker").await;
    let id = "01890a5d-ac96-774b-bcce-b302099a8057";
    let body = json!({"id": id, "company": "Acme", "title": "Editor"});
    let first = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 201);
    let sam = app.register("seeker").await;
    let taken = app
        .as_(&sam, Method::POST, "/v1/opportunities")
        .json(&body)
        .send()
        .await
        .unwrap();
    let problem = assert_problem(taken, 409).await;
    assert_eq!(problem["code"], "duplicate_id");
}

#[tokio::test]
async fn type_errors_and_the_routes_own_checks_are_reported_together() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "jane@example.com",
            "password": "a long passphrase",
            "display_name": "J".repeat(101),
            "role": "wizard",
            "timezone": "Mars/Olympus",
        }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(
        codes(&problem),
        pairs(&[
            ("display_name", "too_long"),
            ("role", "unknown_value"),
            ("timezone", "not_a_time_zone"),
        ]),
        "{problem}"
    );

    let jane = app.register("seeker").await;
    let response = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({
            "company": "A".repeat(201),
            "title": 7,
            "excitement": 9,
            "posting_url": "ftp://example.com",
        }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(
        codes(&problem),
        pairs(&[
            ("company", "too_long"),
            ("excitement", "out_of_range"),
            ("posting_url", "not_a_url"),
            ("title", "wrong_type"),
        ]),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["params"], json!({"max": 200}));
    assert_eq!(problem["errors"][1]["params"], json!({"min": 1, "max": 5}));
}

#[tokio::test]
async fn a_profile_reports_its_type_errors_and_its_range_errors_together() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "title": "Editor"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["opportunity"]["id"].as_str().unwrap();
    let response = app
        .as_(
            &jane,
            Method::PUT,
            &format!("/v1/opportunities/{id}/profile"),
        )
        .header("if-match", "\"0\"")
        .json(&json!({
            "criteria": [
                {"name": "N".repeat(201), "weight": "heavy", "self_rating": 3},
                {"name": "Writing", "weight": 9, "self_rating": 3},
            ],
        }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(
        codes(&problem),
        pairs(&[
            ("criteria[0].name", "too_long"),
            ("criteria[0].weight", "wrong_type"),
            ("criteria[1].weight", "out_of_range"),
        ]),
        "{problem}"
    );
    assert_eq!(problem["errors"][2]["params"]["min"], 1);
}

/// `POST path` as `account`, which must answer 201; the id of what the
/// answer holds under `key`.
async fn created(
    app: &crate::helpers::TestApp,
    account: &crate::helpers::Account,
    path: &str,
    body: Value,
    key: &str,
) -> String {
    let response = app
        .as_(account, Method::POST, path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "POST {path}");
    let created: Value = response.json().await.unwrap();
    created[key]["id"].as_str().unwrap().to_owned()
}

/// A request and the `(field, code)` pairs of its 422.
type Case = (
    Method,
    String,
    Value,
    &'static [(&'static str, &'static str)],
);

#[tokio::test]
async fn every_body_reports_its_own_checks_with_its_type_errors() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = created(
        &app,
        &jane,
        "/v1/opportunities",
        json!({"company": "Acme", "title": "Editor"}),
        "opportunity",
    )
    .await;
    let contact = created(
        &app,
        &jane,
        &format!("/v1/opportunities/{opp}/contacts"),
        json!({"name": "Sam", "role": "recruiter"}),
        "contact",
    )
    .await;
    let interaction = created(
        &app,
        &jane,
        &format!("/v1/opportunities/{opp}/interactions"),
        json!({"kind": "note"}),
        "interaction",
    )
    .await;
    let promise = created(
        &app,
        &jane,
        &format!("/v1/opportunities/{opp}/promises"),
        json!({"what": "decision", "due": "2999-01-01"}),
        "promise",
    )
    .await;
    let playbook = created(
        &app,
        &jane,
        "/v1/playbooks",
        json!({"name": "Mine"}),
        "playbook",
    )
    .await;
    let long = |n: usize| "x".repeat(n);
    let future = "2999-01-01T00:00:00Z";
    // One type error and one error of the route's own checks, or (`[]`
    // pairs of one) a check that reads a field that does not.
    let cases: Vec<Case> = vec![
        (
            Method::POST,
            "/v1/opportunities".to_owned(),
            json!({"company": long(201), "title": 7}),
            &[("company", "too_long"), ("title", "wrong_type")],
        ),
        (
            Method::PATCH,
            format!("/v1/opportunities/{opp}"),
            json!({"title": long(201), "excitement": "high", "currency": "dollars"}),
            &[
                ("title", "too_long"),
                ("excitement", "wrong_type"),
                ("currency", "invalid_format"),
            ],
        ),
        (
            Method::POST,
            format!("/v1/opportunities/{opp}/contacts"),
            json!({"name": 7, "role": "recruiter", "timezone": "Mars/Olympus"}),
            &[("name", "wrong_type"), ("timezone", "not_a_time_zone")],
        ),
        (
            Method::PATCH,
            format!("/v1/contacts/{contact}"),
            json!({"timezone": "Mars/Olympus", "notes": 7, "email": "jane"}),
            &[
                ("timezone", "not_a_time_zone"),
                ("notes", "wrong_type"),
                ("email", "not_an_email"),
            ],
        ),
        (
            Method::POST,
            format!("/v1/opportunities/{opp}/interactions"),
            json!({"kind": "follow_up_email", "notes": long(10_001), "contact_id": 7, "occurred_at": future}),
            &[
                ("notes", "too_long"),
                ("contact_id", "wrong_type"),
                ("occurred_at", "in_the_future"),
            ],
        ),
        (
            Method::POST,
            format!("/v1/opportunities/{opp}/interactions"),
            json!({"kind": "mail", "out_of_office_until": "2030-01-01", "rejection_reason": "unknown", "occurred_at": future}),
            &[("kind", "unknown_value")],
        ),
        (
            Method::PATCH,
            format!("/v1/interactions/{interaction}"),
            json!({"notes": long(10_001), "contact_id": 7}),
            &[("notes", "too_long"), ("contact_id", "wrong_type")],
        ),
        (
            Method::POST,
            format!("/v1/opportunities/{opp}/promises"),
            json!({"id": "not-a-uuid", "what": "decision", "due": "2999-01-01", "contact_id": 7, "made_at": future}),
            &[
                ("id", "invalid_format"),
                ("contact_id", "wrong_type"),
                ("made_at", "in_the_future"),
            ],
        ),
        (
            Method::PATCH,
            format!("/v1/promises/{promise}"),
            json!({"made_at": future, "kept": "yes"}),
            &[("made_at", "in_the_future"), ("kept", "wrong_type")],
        ),
        (
            Method::PUT,
            format!("/v1/opportunities/{opp}/profile"),
            json!({"criteria": [{"name": long(201), "weight": "heavy", "self_rating": 3}]}),
            &[
                ("criteria[0].name", "too_long"),
                ("criteria[0].weight", "wrong_type"),
            ],
        ),
        (
            Method::POST,
            "/v1/playbooks".to_owned(),
            json!({"name": 7, "extends": "frantic"}),
            &[("name", "wrong_type"), ("extends", "unknown_value")],
        ),
        (
            Method::PUT,
            format!("/v1/playbooks/{playbook}"),
            json!({"name": long(101), "rules": 7}),
            &[("name", "too_long"), ("rules", "wrong_type")],
        ),
        (
            Method::POST,
            "/v1/webhooks".to_owned(),
            json!({"url": "not a url", "description": 7}),
            &[("url", "not_a_url"), ("description", "wrong_type")],
        ),
        (
            Method::POST,
            "/v1/webhooks".to_owned(),
            json!({"url": 7, "description": long(501)}),
            &[("url", "wrong_type"), ("description", "too_long")],
        ),
        (
            Method::PATCH,
            "/v1/webhooks/01890a5d-ac96-774b-bcce-b302099a8057".to_owned(),
            json!({"url": long(2001), "active": "yes"}),
            &[("url", "too_long"), ("active", "wrong_type")],
        ),
        (
            Method::PATCH,
            "/v1/me".to_owned(),
            json!({"timezone": "Mars/Olympus", "display_name": 7, "digest": {"at": "25:00"}}),
            &[
                ("timezone", "not_a_time_zone"),
                ("display_name", "wrong_type"),
                ("digest.at", "invalid_time"),
            ],
        ),
        (
            Method::POST,
            format!("/v1/opportunities/{opp}/transitions"),
            json!({"to": "interviewing", "reason": long(2001), "occurred_at": "soon"}),
            &[("reason", "too_long"), ("occurred_at", "invalid_time")],
        ),
        (
            Method::POST,
            format!("/v1/opportunities/{opp}/transitions"),
            json!({"to": "hired", "rejection_reason": "unknown"}),
            &[("to", "unknown_value")],
        ),
        (
            Method::POST,
            "/v1/me/feed-tokens".to_owned(),
            json!({"name": " ", "calendar": "phone"}),
            &[("name", "empty"), ("calendar", "unknown_field")],
        ),
    ];
    for (method, path, body, expected) in cases {
        let response = app
            .as_(&jane, method.clone(), &path)
            .json(&body)
            .send()
            .await
            .unwrap();
        if response.status() != 422 {
            panic!("{method} {path}: {}", response.text().await.unwrap());
        }
        let problem = assert_problem(response, 422).await;
        // (`json!` sorts the keys: the order is checked elsewhere.)
        let (mut found, mut wanted) = (codes(&problem), pairs(expected));
        found.sort();
        wanted.sort();
        assert_eq!(found, wanted, "{method} {path}: {}", problem["errors"]);
    }
}
