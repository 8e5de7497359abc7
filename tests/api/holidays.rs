//! Built-in public-holiday calendars: listed, read by year, observed by an
//! account, and kept by the agenda.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_calendars_are_listed_and_read_by_year() {
    let app = spawn_app().await;
    let listed: Value = app.get("/v1/holiday-calendars").await.json().await.unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "us",
            "gb_england_wales",
            "de",
            "fr",
            "jp",
            "ca",
            "au_nsw",
            "in",
            "sg"
        ]
    );
    assert!(listed[0]["source"].as_str().unwrap().contains("6103"));

    let us: Value = app
        .get("/v1/holiday-calendars/us?year=2026")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(us["id"], "us");
    assert_eq!(us["year"], 2026);
    let days = us["holidays"].as_array().unwrap();
    assert_eq!(days.len(), 11);
    assert!(
        days.contains(
            &json!({"date": "2026-11-26", "name": "Thanksgiving Day", "substitute": false})
        )
    );
    assert!(
        days.contains(
            &json!({"date": "2026-07-03", "name": "Independence Day", "substitute": true})
        )
    );

    let england: Value = app
        .get("/v1/holiday-calendars/gb_england_wales?year=2026")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        england["holidays"].as_array().unwrap().last().unwrap(),
        &json!({"date": "2026-12-28", "name": "Boxing Day", "substitute": true})
    );
    assert_eq!(us["complete"], true);
    assert_eq!(listed[0]["coverage"], "every year, by rule");

    // Singapore's festival dates are announced each year: the calendar says
    // which years it holds in full.
    let app = &app;
    let singapore = |year: i32| async move {
        let path = format!("/v1/holiday-calendars/sg?year={year}");
        app.get(&path).await.json::<Value>().await.unwrap()
    };
    let held = singapore(2026).await;
    assert_eq!(held["complete"], true);
    assert!(
        held["holidays"]
            .as_array()
            .unwrap()
            .contains(&json!({"date": "2026-08-10", "name": "National Day", "substitute": true}))
    );
    let beyond = singapore(2030).await;
    assert_eq!(beyond["complete"], false);
    assert!(
        beyond["coverage"].as_str().unwrap().contains("2025–2026"),
        "{beyond}"
    );

    let this_year = app.get("/v1/holiday-calendars/fr").await;
    assert_eq!(this_year.status(), 200);

    let unknown = assert_problem(app.get("/v1/holiday-calendars/narnia").await, 404).await;
    assert!(
        unknown["detail"]
            .as_str()
            .unwrap()
            .contains("gb_england_wales"),
        "{unknown}"
    );
    assert_problem(app.get("/v1/holiday-calendars/us?year=1492").await, 422).await;
    assert_problem(app.get("/v1/holiday-calendars/us?year=soon").await, 400).await;
}

#[tokio::test]
async fn an_account_observes_a_calendar_and_the_agenda_keeps_it() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let post = |path: String, body: Value| {
        let request = app.as_(&jane, Method::POST, &path).json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 201, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };
    // A final interview on Mon 23 Nov 2026, a call promised by Wed 25 Nov:
    // the day before Thanksgiving.
    let created = post(
        "/v1/opportunities".to_owned(),
        json!({"company": "Acme", "title": "Editor", "stage": "final"}),
    )
    .await;
    let opp = created["opportunity"]["id"].as_str().unwrap().to_owned();
    let contact = post(
        format!("/v1/opportunities/{opp}/contacts"),
        json!({"name": "Ann Lee", "role": "hiring_manager", "email": "ann@example.com",
               "phone": "+1 212 555 0100", "timezone": "America/New_York"}),
    )
    .await;
    let ann = contact["contact"]["id"].clone();
    for (kind, when) in [
        ("interview", "2026-11-23T15:00:00Z"),
        ("influence_letter", "2026-11-23T20:00:00Z"),
    ] {
        post(
            format!("/v1/opportunities/{opp}/interactions"),
            json!({"kind": kind, "contact_id": ann, "occurred_at": when}),
        )
        .await;
    }
    post(
        format!("/v1/opportunities/{opp}/promises"),
        json!({"contact_id": ann, "what": "call", "due": "2026-11-25", "made_at": "2026-11-23T15:30:00Z"}),
    )
    .await;

    let call_due = || async {
        // Wed 25 Nov 2026, 18:30 New York: the promise has lapsed.
        let agenda: Value = app.read(&jane, "/v1/agenda?at=2026-11-25T23:30:00Z").await;
        agenda["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["action"] == "call")
            .map(|a| a["due_at"].clone())
            .unwrap_or_else(|| panic!("no call: {agenda:#}"))
    };
    assert_eq!(
        call_due().await,
        "2026-11-26T14:00:00Z",
        "Thanksgiving morning"
    );

    let bad = app
        .as_(&jane, Method::PATCH, "/v1/me")
        .json(&json!({"holiday_calendars": ["us", "narnia"]}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(bad, 422).await;
    assert!(
        problem.to_string().contains("holiday_calendars"),
        "{problem}"
    );

    let me: Value = app
        .as_(&jane, Method::PATCH, "/v1/me")
        .json(&json!({"holiday_calendars": ["us", "us"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["holiday_calendars"], json!(["us"]));
    assert_eq!(call_due().await, "2026-11-27T14:00:00Z", "the Friday after");

    let me: Value = app
        .as_(&jane, Method::PATCH, "/v1/me")
        .json(&json!({"holiday_calendars": []}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["holiday_calendars"], json!([]));
    assert_eq!(call_due().await, "2026-11-26T14:00:00Z");
}
