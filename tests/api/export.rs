//! Export: everything the seeker keeps comes out, as JSON and as CSV; and
//! deleting an opportunity deletes what hangs on it.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, opportunity};
use crate::helpers::{Account, TestApp, spawn_app};

/// An opportunity with one of everything; returns the ids, opportunity first.
async fn furnished(app: &TestApp, jane: &Account, company: &str) -> Vec<String> {
    let opp = opportunity(app, jane, company).await;
    let sam = contact(
        app,
        jane,
        &opp,
        json!({"name": "Sam", "role": "hiring_manager"}),
    )
    .await;
    let (status, interaction) = call(
        app,
        jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "interview", "contact_id": sam["id"], "occurred_at": "2026-02-09T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, promise) = call(
        app,
        jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"what": "call", "due": "2026-02-12", "made_at": "2026-02-09T16:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201);
    let promise = promise["promise"].clone();
    let (status, _) = call(
        app,
        jane,
        Method::PUT,
        &format!("/v1/opportunities/{opp}/profile"),
        Some(json!({"criteria": [{"name": "Editing", "weight": 5, "self_rating": 4}]})),
    )
    .await;
    assert_eq!(status, 200);
    vec![
        opp,
        sam["id"].as_str().unwrap().to_owned(),
        interaction["interaction"]["id"]
            .as_str()
            .unwrap()
            .to_owned(),
        promise["id"].as_str().unwrap().to_owned(),
    ]
}

/// A minimal RFC 4180 reader: quoted fields, doubled quotes, CRLF rows.
pub fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[tokio::test]
async fn everything_the_seeker_keeps_is_exported() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    let grant = app.grant(&jane, &coach).await;
    let first = furnished(&app, &jane, "Acme, Inc.").await;
    let second = opportunity(&app, &jane, "The \"Best\" Co").await;
    // Another seeker's data stays out.
    let bob = app.register("seeker").await;
    let bobs = opportunity(&app, &bob, "Bob's Place").await;

    let response = app
        .as_(&jane, Method::GET, "/v1/export")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(!text.contains("password"), "no credentials in the export");
    assert!(!text.contains(&bobs));
    let export: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(export["account"]["id"], jane.id.as_str());
    assert_eq!(export["grants"][0]["id"], grant.as_str());
    assert_eq!(export["grants"][0]["coach"]["id"], coach.id.as_str());
    let opportunities = export["opportunities"].as_array().unwrap();
    assert_eq!(opportunities.len(), 2);
    let acme = &opportunities[0];
    assert_eq!(acme["opportunity"]["id"], first[0].as_str());
    assert_eq!(acme["history"][0]["to"], "final");
    assert_eq!(acme["contacts"][0]["id"], first[1].as_str());
    assert_eq!(acme["interactions"][0]["id"], first[2].as_str());
    assert_eq!(acme["promises"][0]["id"], first[3].as_str());
    assert_eq!(
        acme["promises"][0]["status"], "broken",
        "evaluated at export time"
    );
    assert_eq!(acme["profile"]["criteria"][0]["name"], "Editing");
    assert_eq!(opportunities[1]["opportunity"]["id"], second.as_str());
    assert_eq!(opportunities[1]["contacts"], json!([]));
    assert_eq!(opportunities[1]["profile"]["criteria"], json!([]));

    let response = app
        .as_(&jane, Method::GET, "/v1/export.csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert_eq!(
        response.headers()["content-disposition"],
        "attachment; filename=\"followup-export.csv\""
    );
    let rows = parse_csv(&response.text().await.unwrap());
    assert_eq!(
        rows[0],
        [
            "id",
            "company",
            "title",
            "stage",
            "created_at",
            "updated_at",
            "last_contact_at",
            "excitement",
            "offer_deadline"
        ]
    );
    assert_eq!(rows.len(), 3, "a header and one row per opportunity");
    assert_eq!(rows[1][0], first[0]);
    assert_eq!(rows[1][1], "Acme, Inc.");
    assert_eq!(rows[1][3], "final");
    assert_eq!(rows[1][6], "2026-02-09T15:00:00Z");
    assert_eq!(rows[2][1], "The \"Best\" Co");
    assert_eq!(rows[2][6], "", "never contacted");
    assert!(rows.iter().all(|r| r.len() == 9));
}

#[tokio::test]
async fn only_a_seeker_exports() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    for path in ["/v1/export", "/v1/export.csv"] {
        let (status, _) = call(&app, &coach, Method::GET, path, None).await;
        assert_eq!(status, 403, "{path}");
        let anonymous = app.get(path).await;
        assert_eq!(anonymous.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn deleting_an_opportunity_deletes_its_contacts_interactions_promises_and_profile() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let doomed = furnished(&app, &jane, "Acme").await;
    let kept = furnished(&app, &jane, "Globex").await;
    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/opportunities/{}", doomed[0]),
        None,
    )
    .await;
    assert_eq!(status, 204);
    for path in [
        format!("/v1/opportunities/{}/profile", doomed[0]),
        format!("/v1/contacts/{}", doomed[1]),
        format!("/v1/interactions/{}", doomed[2]),
        format!("/v1/promises/{}", doomed[3]),
    ] {
        let (status, _) = call(&app, &jane, Method::GET, &path, None).await;
        assert_eq!(status, 404, "{path}");
    }
    let (_, export) = call(&app, &jane, Method::GET, "/v1/export", None).await;
    let text = export.to_string();
    for id in &doomed {
        assert!(!text.contains(id.as_str()), "{id} is gone");
    }
    for id in &kept {
        assert!(text.contains(id.as_str()), "{id} stays");
    }
    let opportunities = export["opportunities"].as_array().unwrap();
    assert_eq!(opportunities.len(), 1);
    assert_eq!(
        opportunities[0]["profile"]["criteria"][0]["name"],
        "Editing"
    );
}

#[tokio::test]
async fn formulas_are_neutralised_in_csv_but_kept_in_json() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let cells = [
        ("=HYPERLINK(\"http://evil.example\",\"x\")", "Editor"),
        ("+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1)", "Writer"),
        ("Acme", "Senior Editor"),
    ];
    for (company, title) in cells {
        let (status, body) = call(
            &app,
            &jane,
            Method::POST,
            "/v1/opportunities",
            Some(json!({"company": company, "title": title, "stage": "applied", "excitement": 4})),
        )
        .await;
        assert_eq!(status, 201, "{body}");
    }
    let text = app
        .as_(&jane, Method::GET, "/v1/export.csv")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let rows = parse_csv(&text);
    let exported: Vec<(&str, &str)> = rows[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str()))
        .collect();
    assert_eq!(
        exported,
        [
            ("'=HYPERLINK(\"http://evil.example\",\"x\")", "Editor"),
            ("'+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
            ("'@SUM(1)", "Writer"),
            ("Acme", "Senior Editor"),
        ]
    );
    assert!(
        rows[1..].iter().all(|r| r[7] == "4"),
        "numbers stay numbers"
    );

    let export = app.read(&jane, "/v1/export").await;
    let stored: Vec<(&str, &str)> = export["opportunities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            (
                o["opportunity"]["company"].as_str().unwrap(),
                o["opportunity"]["title"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(stored, cells, "the JSON export is exact");
}
