//! The event log and the change feed (docs/events.md): every change writes
//! its event in the same transaction, the feed returns the caller's (or a
//! coach's clients') events in order from a cursor, and a cursor older than
//! the retention is 410 Gone.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, opportunity};
use crate::helpers::{Account, TestApp, assert_problem, spawn_app, spawn_with_clock};

/// Follows the caller's feed from `cursor` to its end; the events and the
/// last cursor.
pub async fn follow(
    app: &TestApp,
    who: &Account,
    cursor: Option<&str>,
    query: &str,
) -> (Vec<Value>, String) {
    follow_by(app, who, cursor, query, 3).await
}

/// [`follow`] `limit` events a page.
async fn follow_by(
    app: &TestApp,
    who: &Account,
    cursor: Option<&str>,
    query: &str,
    limit: usize,
) -> (Vec<Value>, String) {
    let mut events = Vec::new();
    let mut cursor = cursor.map(str::to_owned);
    loop {
        let mut path = format!("/v1/events?limit={limit}{query}");
        if let Some(cursor) = &cursor {
            path.push_str(&format!("&cursor={cursor}"));
        }
        let page = app.read(who, &path).await;
        let items = page["items"].as_array().unwrap().clone();
        let next = page["next_cursor"].as_str().unwrap().to_owned();
        let done = items.len() < limit;
        events.extend(items);
        cursor = Some(next);
        if done {
            return (events, cursor.unwrap());
        }
    }
}

/// The caller's feed from the start once it holds `n` events, waiting at
/// most 20 s (on PostgreSQL a transaction still running anywhere in the
/// cluster, another test's, holds newer events back; docs/events.md).
pub async fn feed_of(app: &TestApp, who: &Account, query: &str, n: usize) -> Vec<Value> {
    for _ in 0..400 {
        let (events, _) = follow_by(app, who, None, query, 200).await;
        if events.len() >= n {
            return events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    follow_by(app, who, None, query, 200).await.0
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().map(|e| e["type"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn every_change_writes_its_event_and_the_feed_returns_them_in_order() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Online Media Co").await;
    let boss = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam Boss", "role": "hiring_manager"}),
    )
    .await;
    let (status, _) = call(
        &app,
        &jane,
        Method::PATCH,
        &format!("/v1/opportunities/{opp}"),
        Some(json!({"excitement": 5})),
    )
    .await;
    assert_eq!(status, 200);
    let (status, promise) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"contact_id": boss["id"], "what": "call", "due": "2099-01-08", "made_at": "2026-01-02T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{promise}");
    let (status, reply) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "call_connected", "contact_id": boss["id"]})),
    )
    .await;
    assert_eq!(status, 201, "{reply}");
    let (status, _) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/transitions"),
        Some(json!({"to": "offer"})),
    )
    .await;
    assert_eq!(status, 201);
    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        &format!(
            "/v1/interactions/{}",
            reply["interaction"]["id"].as_str().unwrap()
        ),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/opportunities/{opp}"),
        None,
    )
    .await;
    assert_eq!(status, 204);

    let events = feed_of(&app, &jane, "", 12).await;
    assert_eq!(
        types(&events),
        [
            "opportunity.created",
            "contact.created",
            "opportunity.updated",
            "promise.created",
            "interaction.logged",
            "promise.kept",
            "opportunity.stage_changed",
            "interaction.deleted",
            // The answer that kept the promise is gone: it waits again.
            "promise.updated",
            // What goes with the opportunity, then the opportunity.
            "promise.deleted",
            "contact.deleted",
            "opportunity.deleted",
        ]
    );
    for event in &events {
        assert_eq!(event["seeker_id"], jane.id.as_str());
        assert_eq!(event["actor"], json!({"type": "seeker", "id": jane.id}));
        assert!(event["occurred_at"].as_str().unwrap().ends_with('Z'));
    }
    // The resource as the API returns it.
    assert_eq!(events[0]["data"]["id"], opp.as_str());
    assert_eq!(events[0]["data"]["stage"], "final");
    assert_eq!(events[2]["data"]["excitement"], 5);
    assert_eq!(events[5]["data"]["id"], promise["promise"]["id"]);
    assert_eq!(events[5]["data"]["status"], "kept");
    assert_eq!(events[6]["data"]["opportunity"]["stage"], "offer");
    assert_eq!(events[6]["data"]["transition"]["from"], "final");
    assert_eq!(events[8]["data"]["id"], promise["promise"]["id"]);
    assert_ne!(events[8]["data"]["status"], "kept");
    assert_eq!(events[9]["data"]["id"], promise["promise"]["id"]);
    assert_eq!(events[10]["data"]["id"], boss["id"]);
    assert_eq!(events[11]["data"]["company"], "Online Media Co");
    let mut ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), events.len(), "event ids are unique");
}

#[tokio::test]
async fn the_cursor_resumes_after_the_last_event_and_types_filter() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let first = opportunity(&app, &jane, "First Co").await;
    feed_of(&app, &jane, "", 1).await;
    let (events, cursor) = follow(&app, &jane, None, "").await;
    assert_eq!(types(&events), ["opportunity.created"]);
    // Caught up: the same cursor again gives nothing, and a cursor still.
    let (none, again) = follow(&app, &jane, Some(&cursor), "").await;
    assert!(none.is_empty());
    assert!(!again.is_empty());
    let second = opportunity(&app, &jane, "Second Co").await;
    contact(
        &app,
        &jane,
        &second,
        json!({"name": "Ann", "role": "recruiter"}),
    )
    .await;
    feed_of(&app, &jane, "", 3).await;
    let (events, _) = follow(&app, &jane, Some(&again), "").await;
    assert_eq!(types(&events), ["opportunity.created", "contact.created"]);
    assert_eq!(events[0]["data"]["id"], second.as_str());
    let contacts = feed_of(&app, &jane, "&types=contact.created,contact.deleted", 1).await;
    assert_eq!(types(&contacts), ["contact.created"]);
    assert_ne!(first, second);
}

#[tokio::test]
async fn a_coach_sees_a_clients_events_while_the_grant_lives_and_nobody_else_does() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    let stranger = app.register("seeker").await;
    opportunity(&app, &jane, "Before Co").await;
    let grant = app.grant(&jane, &coach).await;
    opportunity(&app, &jane, "During Co").await;
    let seen = feed_of(&app, &coach, "", 3).await;
    assert_eq!(
        types(&seen),
        [
            "opportunity.created",
            "grant.created",
            "opportunity.created"
        ]
    );
    assert_eq!(seen[1]["data"]["coach"]["id"], coach.id.as_str());
    let (nothing, _) = follow(&app, &stranger, None, "").await;
    assert!(nothing.is_empty(), "{nothing:?}");
    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/grants/{grant}"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (after, _) = follow(&app, &coach, None, "").await;
    assert!(after.is_empty(), "a revoked grant shows nothing: {after:?}");
    let own = feed_of(&app, &jane, "", 4).await;
    assert_eq!(types(&own).last(), Some(&"grant.revoked"));
}

#[tokio::test]
async fn a_cursor_older_than_the_retention_is_gone() {
    let clock = followup_api::clock::Clock::manual(chrono::Utc::now());
    let app = spawn_with_clock(clock.clone()).await;
    let jane = app.register("seeker").await;
    opportunity(&app, &jane, "Old Co").await;
    feed_of(&app, &jane, "", 1).await;
    let (_, cursor) = follow(&app, &jane, None, "").await;
    clock.advance(chrono::Duration::days(29));
    let (_, fresh) = follow(&app, &jane, Some(&cursor), "").await;
    clock.advance(chrono::Duration::days(2));
    let gone = app
        .as_(&jane, Method::GET, &format!("/v1/events?cursor={cursor}"))
        .send()
        .await
        .unwrap();
    let body = assert_problem(gone, 410).await;
    assert!(
        body["detail"].as_str().unwrap().contains("30 days"),
        "{body}"
    );
    // A reader who kept up holds a cursor stamped when they last caught up.
    follow(&app, &jane, Some(&fresh), "").await;
}

#[tokio::test]
async fn bad_feed_parameters_are_named() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for (query, field) in [
        ("cursor=c1abcd", "cursor"),
        ("cursor=e1.1.2", "cursor"),
        ("types=opportunity.created,nope", "types"),
        ("limit=0", "limit"),
        ("limit=201", "limit"),
    ] {
        let response = app
            .as_(&jane, Method::GET, &format!("/v1/events?{query}"))
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, 422).await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let anonymous = app.client.get(app.url("/v1/events")).send().await.unwrap();
    assert_problem(anonymous, 401).await;
}

#[tokio::test]
async fn deleting_an_account_deletes_its_events() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    opportunity(&app, &jane, "Gone Co").await;
    let db = app.db.as_ref().unwrap();
    let store =
        followup_store::Store::open(db.url().clone(), &followup_store::PoolOptions::default())
            .unwrap();
    let count = |store: &followup_store::Store| {
        let id = jane.id.clone();
        store
            .read(|conn| {
                let seekers = [id];
                let filter = followup_store::events::Filter {
                    seekers: Some(&seekers),
                    kinds: &[],
                };
                followup_store::events::page(conn, Default::default(), &filter, 100)
            })
            .unwrap()
            .0
            .len()
    };
    for _ in 0..200 {
        if count(&store) == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(count(&store), 1);
    let (status, _) = call(
        &app,
        &jane,
        Method::DELETE,
        "/v1/me",
        Some(json!({"password": jane.password})),
    )
    .await;
    assert_eq!(status, 204);
    assert_eq!(count(&store), 0);
}

#[tokio::test]
async fn an_edited_interaction_that_keeps_a_promise_records_it_kept() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Edited Co").await;
    let boss = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam Boss", "role": "hiring_manager"}),
    )
    .await;
    let (status, promise) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/promises"),
        Some(json!({"contact_id": boss["id"], "what": "call", "due": "2099-01-08", "made_at": "2026-01-02T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{promise}");
    // Logged as a note first: a note keeps no promise.
    let (status, logged) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "note", "contact_id": boss["id"]})),
    )
    .await;
    assert_eq!(status, 201, "{logged}");
    let path = format!(
        "/v1/interactions/{}",
        logged["interaction"]["id"].as_str().unwrap()
    );
    // Corrected to the call it was: Sam called, as promised.
    let (status, edited) = call(
        &app,
        &jane,
        Method::PATCH,
        &path,
        Some(json!({"kind": "call_connected"})),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    let events = feed_of(&app, &jane, "", 6).await;
    assert_eq!(
        types(&events),
        [
            "opportunity.created",
            "contact.created",
            "promise.created",
            "interaction.logged",
            "interaction.updated",
            "promise.kept",
        ]
    );
    assert_eq!(events[5]["data"]["id"], promise["promise"]["id"]);
    assert_eq!(events[5]["data"]["status"], "kept");
    // Deleting the call records the deletion; the promise is pending again,
    // and nothing claims it kept a second time.
    let (status, _) = call(&app, &jane, Method::DELETE, &path, None).await;
    assert_eq!(status, 204);
    let events = feed_of(&app, &jane, "", 7).await;
    assert_eq!(types(&events)[6], "interaction.deleted");
    let kept = types(&events)
        .iter()
        .filter(|t| **t == "promise.kept")
        .count();
    assert_eq!(kept, 1);
}
