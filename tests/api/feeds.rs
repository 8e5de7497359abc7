//! The agenda's iCalendar feed under revocable feed tokens.

use icalendar::parser::{read_calendar, unfold};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn the_feed_is_a_parseable_calendar_of_due_actions_until_its_token_is_revoked() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opportunity: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "title": "Editor", "stage": "final"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let opp = opportunity["opportunity"]["id"].as_str().unwrap();
    let contact: Value = app
        .as_(&jane, Method::POST, &format!("/v1/opportunities/{opp}/contacts"))
        .json(&json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@example.com", "timezone": "America/New_York"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let interview = app
        .as_(&jane, Method::POST, &format!("/v1/opportunities/{opp}/interactions"))
        .json(&json!({"kind": "interview", "contact_id": contact["contact"]["id"], "occurred_at": "2026-01-05T15:00:00Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(interview.status(), 201);

    let created = app
        .as_(&jane, Method::POST, "/v1/me/feed-tokens")
        .json(&json!({"name": "Phone calendar"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("ft_"));
    let path = created["path"].as_str().unwrap().to_owned();
    assert_eq!(path, format!("/v1/agenda.ics?token={token}"));

    // No bearer header: calendar apps cannot send one.
    let feed = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(feed.status(), 200);
    assert!(
        feed.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let text = feed.text().await.unwrap();
    let unfolded = unfold(&text);
    let calendar = read_calendar(&unfolded).expect("RFC 5545");
    let events: Vec<_> = calendar
        .components
        .iter()
        .filter(|c| c.name == "VEVENT")
        .collect();
    assert!(!events.is_empty(), "{text}");
    for event in &events {
        for property in [
            "UID",
            "DTSTAMP",
            "DTSTART",
            "DTEND",
            "SUMMARY",
            "DESCRIPTION",
        ] {
            assert!(
                event.find_prop(property).is_some(),
                "{property} missing in {text}"
            );
        }
        assert!(
            event.components.iter().any(|c| c.name == "VALARM"),
            "a reminder"
        );
    }
    assert!(text.contains("Acme"), "{text}");
    for line in text.split("\r\n") {
        assert!(line.len() <= 75, "lines are folded at 75 octets: {line:?}");
    }

    // The list never shows the token; revoking it closes the feed.
    let list: Value = app
        .as_(&jane, Method::GET, "/v1/me/feed-tokens")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(!list.to_string().contains(&token));
    let id = created["id"].as_str().unwrap();
    let bob = app.register("seeker").await;
    assert_problem(
        app.as_(&bob, Method::DELETE, &format!("/v1/me/feed-tokens/{id}"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let revoked = app
        .as_(&jane, Method::DELETE, &format!("/v1/me/feed-tokens/{id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_problem(app.client.get(app.url(&path)).send().await.unwrap(), 404).await;
    assert_problem(
        app.client
            .get(app.url("/v1/agenda.ics?token=ft_forged"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    assert_problem(
        app.client
            .get(app.url("/v1/agenda.ics"))
            .send()
            .await
            .unwrap(),
        400,
    )
    .await;
}
