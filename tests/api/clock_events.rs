//! The clock's events (docs/events.md): `promise.broken` and `action.due`
//! come from a worker that reads the facts, once each, also for what fell
//! due while the server was down.

use chrono::{DateTime, Duration, Utc};
use followup_api::clock::Clock;
use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact};
use crate::events::feed_of;
use crate::helpers::{restart_with_clock, spawn_with_clock};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[tokio::test]
async fn what_fell_due_while_the_server_was_down_arrives_once_after_the_restart() {
    // Wed 10 Mar 2027: the promised call (by Fri 12 Mar, New York) is pending.
    let clock = Clock::manual(at("2027-03-10T15:00:00Z"));
    let app = spawn_with_clock(clock.clone()).await;
    let jane = app.register("seeker").await; // America/New_York
    let (status, opp) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"company": "Clockwork Co", "title": "Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201, "{opp}");
    let opp = opp["opportunity"]["id"].as_str().unwrap().to_owned();
    let boss = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam Boss", "role": "hiring_manager", "preferred_channel": "phone"}),
    )
    .await;
    let (status, promise) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"contact_id": boss["id"], "what": "call", "due": "2027-03-12", "made_at": "2026-11-20T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{promise}");
    let promise_id = promise["promise"]["id"].as_str().unwrap().to_owned();
    // The worker derives the clock's events every 15 s of the server's
    // clock: move it, and the next pass sees the new facts (`apply_more` is
    // due at once: a final and nothing else open).
    clock.advance(Duration::seconds(20));
    let before = feed_of(&app, &jane, "&types=action.due", 1).await;
    assert!(!before.is_empty());
    assert!(before.iter().all(|e| e["actor"]["type"] == "system"));
    let broken_before = feed_of(&app, &jane, "&types=promise.broken", 0).await;
    assert!(broken_before.is_empty(), "{broken_before:?}");

    // Down from Wednesday to Tuesday: the promise broke on Friday at 17:00
    // New York, and the call it calls for fell due on Monday at 09:00.
    let db = app.stop().await.unwrap();
    clock.set(at("2027-03-16T15:00:00Z"));
    let app = restart_with_clock(db, clock.clone()).await;
    let broken = feed_of(&app, &jane, "&types=promise.broken", 1).await;
    assert_eq!(broken.len(), 1, "{broken:?}");
    assert_eq!(broken[0]["data"]["id"], promise_id.as_str());
    assert_eq!(broken[0]["data"]["status"], "broken");
    assert_eq!(broken[0]["occurred_at"], "2027-03-12T22:00:00Z");
    let calls = |events: &[Value]| {
        events
            .iter()
            .filter(|e| e["data"]["action"] == "call" && e["occurred_at"] == "2027-03-15T13:00:00Z")
            .count()
    };
    let mut due = Vec::new();
    for _ in 0..200 {
        due = feed_of(&app, &jane, "&types=action.due", 1).await;
        if calls(&due) == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(calls(&due), 1, "the missed call, once: {due:?}");

    // Later rounds, an unrelated write and another restart add none of them again.
    let (status, _) = call(
        &app,
        &jane,
        Method::PATCH,
        &format!("/v1/opportunities/{opp}"),
        Some(json!({"notes": "unrelated"})),
    )
    .await;
    assert_eq!(status, 200);
    clock.advance(Duration::minutes(1));
    let db = app.stop().await.unwrap();
    clock.advance(Duration::minutes(1));
    let app = restart_with_clock(db, clock.clone()).await;
    // Another seeker whose promise broke long ago: once its event is in,
    // a pass over every seeker (Jane, registered first, before them) has
    // run since the restart.
    let sam = app.register("seeker").await;
    let (status, other) = call(
        &app,
        &sam,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"company": "Other Co", "title": "Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201);
    let other = other["opportunity"]["id"].as_str().unwrap().to_owned();
    let (status, _) = call(
        &app,
        &sam,
        Method::POST,
        &format!("/v1/opportunities/{other}/promises"),
        Some(json!({"what": "call", "due": "2027-03-01", "made_at": "2026-11-20T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201);
    clock.advance(Duration::seconds(20));
    assert_eq!(
        feed_of(&app, &sam, "&types=promise.broken", 1).await.len(),
        1
    );
    let again = feed_of(&app, &jane, "&types=promise.broken,action.due", 1).await;
    assert_eq!(
        again
            .iter()
            .filter(|e| e["type"] == "promise.broken")
            .count(),
        1
    );
    assert_eq!(calls(&again), 1);
    let mut ids: Vec<&str> = again.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let total = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), total, "each clock event once");
}
