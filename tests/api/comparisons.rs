//! Candidate comparisons through the HTTP API: one opportunity against its
//! profile, and the side-by-side table with its sort orders.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// Creates an opportunity and returns its id.
pub async fn create(app: &TestApp, who: &Account, body: Value) -> String {
    let response = app
        .as_(who, Method::POST, "/v1/opportunities")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "create opportunity");
    let created: Value = response.json().await.unwrap();
    created["opportunity"]["id"].as_str().unwrap().to_owned()
}

/// Replaces an opportunity's profile.
pub async fn put_profile(app: &TestApp, who: &Account, id: &str, body: Value) {
    let response = app
        .as_(who, Method::PUT, &format!("/v1/opportunities/{id}/profile"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "put profile");
}

async fn get(app: &TestApp, who: &Account, path: &str) -> Value {
    let response = app.as_(who, Method::GET, path).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn the_comparison_computes_fit_gaps_strengths_and_standing_by_hand() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    let id = create(
        &app,
        &seeker,
        json!({"company": "Acme", "title": "Editor", "stage": "final"}),
    )
    .await;
    // | name       | w | self | int | r | w·r | w·(5−r) |
    // | SQL        | 4 | 3    | 2   | 2 | 8   | 12      |
    // | Leadership | 5 | 4    | –   | 4 | 20  | 5       |
    // | Writing    | 1 | 5    | –   | 5 | 5   | 0       |
    // Σw·r = 33, Σw·5 = 50 → fit 0.66; interviewer weight 4 of 10 → 0.40.
    put_profile(
        &app,
        &seeker,
        &id,
        json!({
            "criteria": [
                {"name": "SQL", "weight": 4, "self_rating": 3, "interviewer_rating": 2},
                {"name": "Leadership", "weight": 5, "self_rating": 4},
                {"name": "Writing", "weight": 1, "self_rating": 5},
            ],
            "competition": {"competing_candidates": 2, "internal_candidate": false},
            "answers": {
                "process_position": "Deciding next week",
                "comparison": "Strong, a little light on SQL",
                "competitors": "Two others",
            },
        }),
    )
    .await;
    let response = app
        .as_(
            &seeker,
            Method::POST,
            &format!("/v1/opportunities/{id}/interactions"),
        )
        .json(&json!({"kind": "interview", "occurred_at": "2025-03-03T15:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);

    let body = get(
        &app,
        &seeker,
        &format!("/v1/opportunities/{id}/comparison?at=2025-03-06T15:00:00Z"),
    )
    .await;
    assert_eq!(body["opportunity_id"], id.as_str());
    assert_eq!(body["fit"], 0.66);
    assert_eq!(body["points"], 33);
    assert_eq!(body["max_points"], 50);
    assert_eq!(body["interviewer_share"], 0.4);
    let scored = |list: &Value| -> Vec<(String, u64, u64, u64)> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_owned(),
                    c["weight"].as_u64().unwrap(),
                    c["rating"].as_u64().unwrap(),
                    c["score"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(
        scored(&body["gaps"]),
        [
            ("SQL".to_owned(), 4, 2, 12),
            ("Leadership".to_owned(), 5, 4, 5)
        ]
    );
    assert_eq!(
        scored(&body["strengths"]),
        [
            ("Leadership".to_owned(), 5, 4, 20),
            ("Writing".to_owned(), 1, 5, 5)
        ]
    );
    assert_eq!(body["gaps"][0]["rated_by"], "interviewer");
    assert_eq!(
        body["competition"],
        json!({"competing_candidates": 2, "internal_candidate": false})
    );
    // 1/3 (two others) × 1 (no internal) × (1 + 0.06 × 0.7) = 0.347 → 0.35;
    // three days of silence cost nothing.
    let standing = &body["standing"];
    assert_eq!(standing["value"], 0.35);
    let factors: Vec<&str> = standing["factors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        factors,
        [
            "competitors",
            "internal_candidate",
            "fit",
            "broken_promises",
            "unanswered_follow_ups",
            "silence"
        ]
    );
    assert_eq!(standing["factors"][0]["effect"], 0.33);
    assert_eq!(standing["factors"][2]["multiplier"], 1.04);
    assert!(standing["factors"][0]["detail"].is_string());
    assert_eq!(standing["missing"], json!(["interviewer_ratings"]));
    // Every question answered: closing the SQL gap is what would help,
    // fit (33 + 12) / 50 = 0.90 → 1/3 × 1.21 = 0.40.
    let improve = body["improve"].as_array().unwrap();
    assert_eq!(improve.len(), 1, "{improve:#?}");
    assert_eq!(improve[0]["action"], "close_gap");
    let detail = improve[0]["detail"].as_str().unwrap();
    assert!(detail.contains("\"SQL\""), "{detail}");
    assert!(detail.contains("0.35 to 0.40"), "{detail}");
}

#[tokio::test]
async fn without_a_profile_the_comparison_says_what_it_does_not_know() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    let id = create(
        &app,
        &seeker,
        json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}),
    )
    .await;
    let body = get(&app, &seeker, &format!("/v1/opportunities/{id}/comparison")).await;
    assert_eq!(body["fit"], Value::Null);
    assert_eq!(body["gaps"], json!([]));
    assert_eq!(body["strengths"], json!([]));
    assert_eq!(
        body["competition"],
        json!({"competing_candidates": null, "internal_candidate": null})
    );
    assert_eq!(body["standing"]["value"], 0.25);
    assert_eq!(
        body["standing"]["missing"],
        json!([
            "competitor_count",
            "internal_candidate",
            "fit",
            "last_inbound"
        ])
    );
    let actions: Vec<&str> = body["improve"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["ask_question", "ask_question", "ask_question"]);

    let stranger = app.register("seeker").await;
    assert_problem(
        app.as_(
            &stranger,
            Method::GET,
            &format!("/v1/opportunities/{id}/comparison"),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;
}

/// Four opportunities: two finals, an offer with terms and a deadline, one
/// interviewing. Returns the ids in that order.
async fn four(app: &TestApp, seeker: &Account) -> [String; 4] {
    let final_known = create(
        app,
        seeker,
        json!({"company": "Alpha", "title": "Editor", "stage": "final", "excitement": 3}),
    )
    .await;
    put_profile(
        app,
        seeker,
        &final_known,
        json!({"competition": {"competing_candidates": 1}}),
    )
    .await;
    let final_unknown = create(
        app,
        seeker,
        json!({"company": "Beta", "title": "Editor", "stage": "final", "excitement": 5}),
    )
    .await;
    let offer = create(
        app,
        seeker,
        json!({
            "company": "Gamma", "title": "Senior Editor", "stage": "offer", "excitement": 4,
            "base_salary": 100000, "bonus": 10000, "currency": "USD",
            "offer_deadline": "2025-03-20",
        }),
    )
    .await;
    let interviewing = create(
        app,
        seeker,
        json!({"company": "Delta", "title": "Writer", "stage": "interviewing", "excitement": 2}),
    )
    .await;
    [final_known, final_unknown, offer, interviewing]
}

fn ids(table: &Value) -> Vec<String> {
    table["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["opportunity_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_comparison_table_of_four_opportunities() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    let [a, b, c, d] = four(&app, &seeker).await;

    let table = get(&app, &seeker, "/v1/comparisons?at=2025-03-10T12:00:00Z").await;
    assert_eq!(table["sort"], "standing");
    assert_eq!(table["order"], "desc");
    // Offer 1.00; one known competitor 1/2; final prior 0.40; interviewing 0.25.
    assert_eq!(ids(&table), [&c, &a, &b, &d].map(String::as_str));
    let rows = table["items"].as_array().unwrap();
    let standings: Vec<f64> = rows
        .iter()
        .map(|r| r["standing"]["value"].as_f64().unwrap())
        .collect();
    assert_eq!(standings, [1.0, 0.5, 0.4, 0.25]);
    let offer = &rows[0];
    assert_eq!(offer["stage"], "offer");
    assert_eq!(offer["company"], "Gamma");
    assert_eq!(
        offer["offer"],
        json!({"base": 100000, "bonus": 10000, "currency": "USD", "equity": null, "deadline": "2025-03-20"})
    );
    assert_eq!(
        offer["yearly_total"],
        json!({"amount": 110000, "currency": "USD"})
    );
    assert_eq!(offer["excitement"], 4);
    assert_eq!(rows[1]["competitors"], 1);
    assert_eq!(rows[2]["competitors"], Value::Null);
    for row in rows {
        assert_eq!(row["fit"], Value::Null);
        assert_eq!(row["promises_broken"], 0);
        assert_eq!(row["days_since_inbound"], Value::Null);
        assert!(row.get("next_action").is_some());
        assert!(!row["standing"]["factors"].as_array().unwrap().is_empty());
    }
    assert_eq!(rows[1]["yearly_total"], Value::Null);
    assert_eq!(table["notes"], json!([]));

    let by_excitement = get(&app, &seeker, "/v1/comparisons?sort=excitement").await;
    assert_eq!(ids(&by_excitement), [&b, &c, &a, &d].map(String::as_str));
    let ascending = get(&app, &seeker, "/v1/comparisons?sort=excitement&order=asc").await;
    assert_eq!(ids(&ascending), [&d, &a, &c, &b].map(String::as_str));

    let by_deadline = get(&app, &seeker, "/v1/comparisons?sort=deadline").await;
    assert_eq!(ids(&by_deadline)[0], c);
    assert_eq!(
        by_deadline["notes"],
        json!(["3 rows without a deadline are listed last."])
    );
    let by_stage = get(&app, &seeker, "/v1/comparisons?sort=stage").await;
    assert_eq!(ids(&by_stage)[0], c);
    assert_eq!(ids(&by_stage)[3], d);

    let picked = get(&app, &seeker, &format!("/v1/comparisons?ids={d},{a}")).await;
    assert_eq!(ids(&picked), [&a, &d].map(String::as_str));

    let body = assert_problem(
        app.as_(&seeker, Method::GET, "/v1/comparisons?sort=salary")
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "sort", "{body}");
    assert_problem(
        app.as_(&seeker, Method::GET, "/v1/comparisons?order=up")
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;

    // Another seeker's id, alone or among one's own, is 404.
    let stranger = app.register("seeker").await;
    let theirs = create(
        &app,
        &stranger,
        json!({"company": "Epsilon", "title": "Editor"}),
    )
    .await;
    assert_problem(
        app.as_(
            &seeker,
            Method::GET,
            &format!("/v1/comparisons?ids={a},{theirs}"),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;
    let body = assert_problem(
        app.as_(&stranger, Method::GET, "/v1/comparisons?ids=")
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "ids", "{body}");
}
