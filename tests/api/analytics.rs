//! Analytics through the HTTP API on a back-dated fixture with known answers.

use reqwest::Method;
use serde_json::{Value, json};

use crate::comparisons::create;
use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

async fn post(app: &TestApp, who: &Account, path: &str, body: Value) {
    let response = app
        .as_(who, Method::POST, path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "POST {path}: {}",
        response.status()
    );
}

async fn moves(app: &TestApp, who: &Account, id: &str, steps: &[(&str, &str)]) {
    for (to, at) in steps {
        post(
            app,
            who,
            &format!("/v1/opportunities/{id}/transitions"),
            json!({"to": to, "occurred_at": at}),
        )
        .await;
    }
}

async fn log(app: &TestApp, who: &Account, id: &str, kind: &str, at: &str) {
    post(
        app,
        who,
        &format!("/v1/opportunities/{id}/interactions"),
        json!({"kind": kind, "occurred_at": at}),
    )
    .await;
}

/// Three applications in the week of Mon 6 Jan 2025 (New York):
/// - X: applied Tue 7, screening Tue 14, interviewing Tue 21; a follow-up
///   e-mail on Wed 15 answered on Fri 17 (2 days); a call promised on the 15th
///   for the 16th, kept by that reply.
/// - Y: applied Wed 8; follow-up e-mails on Mon 13 and Tue 14 (over the cap
///   of one a week), answered Sat 18 (5 days from the first); rejected Mon 20.
/// - Z: applied Thu 9; a call promised that day for Mon 20, never made.
pub async fn fixture(app: &TestApp, who: &Account) -> [String; 3] {
    let x = create(
        app,
        who,
        json!({"company": "X", "title": "Editor", "stage": "prospect"}),
    )
    .await;
    let y = create(
        app,
        who,
        json!({"company": "Y", "title": "Editor", "stage": "prospect"}),
    )
    .await;
    let z = create(
        app,
        who,
        json!({"company": "Z", "title": "Editor", "stage": "prospect"}),
    )
    .await;
    log(app, who, &x, "follow_up_email", "2025-01-15T15:00:00Z").await;
    log(app, who, &x, "reply_received", "2025-01-17T15:00:00Z").await;
    post(
        app,
        who,
        &format!("/v1/opportunities/{x}/promises"),
        json!({"what": "call", "due": "2025-01-16", "made_at": "2025-01-15T16:00:00Z"}),
    )
    .await;
    log(app, who, &y, "follow_up_email", "2025-01-13T15:00:00Z").await;
    log(app, who, &y, "follow_up_email", "2025-01-14T15:00:00Z").await;
    log(app, who, &y, "reply_received", "2025-01-18T15:00:00Z").await;
    post(
        app,
        who,
        &format!("/v1/opportunities/{z}/promises"),
        json!({"what": "call", "due": "2025-01-20", "made_at": "2025-01-09T16:00:00Z"}),
    )
    .await;
    moves(
        app,
        who,
        &x,
        &[
            ("applied", "2025-01-07T15:00:00Z"),
            ("screening", "2025-01-14T15:00:00Z"),
            ("interviewing", "2025-01-21T15:00:00Z"),
        ],
    )
    .await;
    moves(
        app,
        who,
        &y,
        &[
            ("applied", "2025-01-08T15:00:00Z"),
            ("rejected", "2025-01-20T15:00:00Z"),
        ],
    )
    .await;
    moves(app, who, &z, &[("applied", "2025-01-09T15:00:00Z")]).await;
    [x, y, z]
}

#[tokio::test]
async fn analytics_on_a_fixture_with_known_answers() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    let [x, y, _z] = fixture(&app, &seeker).await;

    let response = app
        .as_(
            &seeker,
            Method::GET,
            "/v1/analytics?from=2025-01-06&to=2025-02-02",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["range"],
        json!({"from": "2025-01-06", "to": "2025-02-02"})
    );
    assert_eq!(body["timezone"], "America/New_York");

    let funnel: Vec<(String, u64, Value)> = body["funnel"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["stage"].as_str().unwrap().to_owned(),
                s["reached"].as_u64().unwrap(),
                s["conversion"].clone(),
            )
        })
        .collect();
    assert_eq!(
        funnel,
        [
            ("applied".to_owned(), 3, json!(0.33)),
            ("screening".to_owned(), 1, json!(1.0)),
            ("interviewing".to_owned(), 1, json!(0.0)),
            ("final".to_owned(), 0, Value::Null),
            ("offer".to_owned(), 0, Value::Null),
            ("accepted".to_owned(), 0, Value::Null),
        ]
    );

    let times = &body["response_times"];
    assert_eq!(
        times["overall"],
        json!({"median_days": 3.5, "answered": 2, "unanswered": 0})
    );
    let mut per: Vec<(String, f64)> = times["per_opportunity"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["opportunity_id"].as_str().unwrap().to_owned(),
                o["median_days"].as_f64().unwrap(),
            )
        })
        .collect();
    per.sort_by(|a, b| a.0.cmp(&b.0));
    let mut want = vec![(x.clone(), 2.0), (y.clone(), 5.0)];
    want.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(per, want);

    let weeks = body["follow_ups"].as_array().unwrap();
    assert_eq!(weeks.len(), 4);
    assert_eq!(weeks[0]["starts_on"], "2025-01-06");
    assert_eq!(weeks[0]["sent"], 0);
    assert_eq!(weeks[1]["starts_on"], "2025-01-13");
    assert_eq!(weeks[1]["sent"], 3);
    assert_eq!(weeks[1]["emails"], 3);
    assert_eq!(weeks[1]["cap"], 1);
    assert_eq!(weeks[1]["over_cap"], json!([y]));

    assert_eq!(
        body["promises"],
        json!({"kept": 1, "broken": 1, "pending": 0, "cancelled": 0, "kept_share": 0.5})
    );

    let applications: Vec<(u64, u64, bool)> = body["applications"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["count"].as_u64().unwrap(),
                w["target"].as_u64().unwrap(),
                w["met"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        applications,
        [(3, 5, false), (0, 5, false), (0, 5, false), (0, 5, false)]
    );
}

#[tokio::test]
async fn analytics_default_to_the_last_90_days_and_check_the_range() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    let response = app
        .as_(&seeker, Method::GET, "/v1/analytics")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let from =
        chrono::NaiveDate::parse_from_str(body["range"]["from"].as_str().unwrap(), "%F").unwrap();
    let to =
        chrono::NaiveDate::parse_from_str(body["range"]["to"].as_str().unwrap(), "%F").unwrap();
    assert_eq!((to - from).num_days(), 89);
    assert_eq!(body["funnel"][0]["reached"], 0);
    assert_eq!(body["promises"]["kept_share"], Value::Null);

    let reversed = assert_problem(
        app.as_(
            &seeker,
            Method::GET,
            "/v1/analytics?from=2025-02-01&to=2025-01-01",
        )
        .send()
        .await
        .unwrap(),
        422,
    )
    .await;
    assert_eq!(reversed["errors"][0]["field"], "from");
    let long = assert_problem(
        app.as_(
            &seeker,
            Method::GET,
            "/v1/analytics?from=2020-01-01&to=2025-01-01",
        )
        .send()
        .await
        .unwrap(),
        422,
    )
    .await;
    assert_eq!(long["errors"][0]["field"], "to");
    assert_problem(
        app.as_(&seeker, Method::GET, "/v1/analytics?from=January")
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
}

#[tokio::test]
async fn a_scheduled_interview_answers_no_follow_up_before_it_takes_place() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    let id = create(
        &app,
        &seeker,
        json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}),
    )
    .await;
    let now = chrono::Utc::now();
    let sent = (now - chrono::Duration::days(2)).to_rfc3339();
    let ahead = (now + chrono::Duration::days(5)).to_rfc3339();
    log(&app, &seeker, &id, "follow_up_email", &sent).await;
    log(&app, &seeker, &id, "interview", &ahead).await;
    let from = (now - chrono::Duration::days(10)).date_naive();
    let to = (now + chrono::Duration::days(10)).date_naive();
    let body = app
        .read(&seeker, &format!("/v1/analytics?from={from}&to={to}"))
        .await;
    // The e-mail is still waiting: the interview has not happened yet.
    assert_eq!(
        body["response_times"]["overall"],
        json!({"median_days": null, "answered": 0, "unanswered": 1}),
        "{body:#}"
    );
}
