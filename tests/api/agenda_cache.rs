//! The kept agenda is never stale: after every kind of write to what the
//! engine reads — by the seeker or by their coach — `GET /v1/agenda` (kept
//! for the minute) answers exactly what a fresh evaluation at the same
//! instant (`?at=`, never kept) answers, and the write shows.

use chrono::{Duration, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

/// The kept agenda and its ETag, checked against a fresh evaluation at the
/// same instant, as the seeker and as the coach see it.
async fn checked_agenda(app: &TestApp, seeker: &Account, coach: &Account, step: &str) -> Value {
    let kept = app
        .as_(seeker, Method::GET, "/v1/agenda")
        .send()
        .await
        .unwrap();
    assert_eq!(kept.status(), 200, "{step}");
    let etag = kept.headers()["etag"].to_str().unwrap().to_owned();
    let kept: Value = kept.json().await.unwrap();
    let at = kept["at"].as_str().unwrap();
    let fresh = app
        .as_(seeker, Method::GET, &format!("/v1/agenda?at={at}"))
        .send()
        .await
        .unwrap();
    assert_eq!(
        fresh.headers()["etag"].to_str().unwrap(),
        etag,
        "{step}: ETag"
    );
    let fresh: Value = fresh.json().await.unwrap();
    assert_eq!(kept, fresh, "{step}: the kept agenda is stale");
    let coached: Value = app
        .read(coach, &format!("/v1/coach/clients/{}/agenda", seeker.id))
        .await;
    if coached["at"] == kept["at"] {
        assert_eq!(coached, kept, "{step}: the coach's view is stale");
    }
    kept
}

async fn send(request: reqwest::RequestBuilder, step: &str) -> Value {
    let response = request.send().await.unwrap();
    assert!(
        response.status().is_success(),
        "{step}: {}",
        response.status()
    );
    if response.status() == 204 {
        return Value::Null;
    }
    response.json().await.unwrap()
}

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn ahead(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

#[tokio::test]
async fn every_write_shows_in_the_kept_agenda_at_once() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    let mut seen = vec![checked_agenda(&app, &jane, &coach, "empty").await];

    // Each step writes, then the kept agenda must equal a fresh one and
    // differ from the one before (so a stale answer cannot pass).
    macro_rules! step {
        ($name:expr, $request:expr) => {{
            let answer = send($request, $name).await;
            let now = checked_agenda(&app, &jane, &coach, $name).await;
            assert_ne!(
                now["items"],
                seen[seen.len() - 1]["items"],
                "{}: the write does not show",
                $name
            );
            seen.push(now);
            answer
        }};
    }

    let created = step!(
        "create an opportunity",
        app.as_(&jane, Method::POST, "/v1/opportunities")
            .json(&json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}))
    );
    let opp = created["opportunity"]["id"].as_str().unwrap().to_owned();
    let contact = step!(
        "add a contact",
        app.as_(&jane, Method::POST, &format!("/v1/opportunities/{opp}/contacts"))
            .json(&json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@example.com", "timezone": "America/New_York"}))
    );
    let contact = contact["contact"]["id"].as_str().unwrap().to_owned();
    let interview = step!(
        "log an interview",
        app.as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/interactions")
        )
        .json(&json!({"kind": "interview", "contact_id": contact, "occurred_at": ago(2)}))
    );
    let interview = interview["interaction"]["id"].as_str().unwrap().to_owned();
    step!(
        "move the interview",
        app.as_(
            &jane,
            Method::PATCH,
            &format!("/v1/interactions/{interview}")
        )
        .json(&json!({"occurred_at": ago(4)}))
    );
    step!(
        "change the contact's zone",
        app.as_(&jane, Method::PATCH, &format!("/v1/contacts/{contact}"))
            .json(&json!({"timezone": "Asia/Tokyo"}))
    );
    step!(
        "rename the contact",
        app.as_(&jane, Method::PATCH, &format!("/v1/contacts/{contact}"))
            .json(&json!({"name": "Marcus Boss"}))
    );
    let promise = step!(
        "record a promise",
        app.as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/promises")
        )
        .json(&json!({"contact_id": contact, "what": "call", "due": ahead(10), "made_at": ago(4)}))
    );
    let promise = promise["promise"]["id"].as_str().unwrap().to_owned();
    step!(
        "move the promise",
        app.as_(&jane, Method::PATCH, &format!("/v1/promises/{promise}"))
            .json(&json!({"due": ahead(20)}))
    );
    step!(
        "drop the promise",
        app.as_(&jane, Method::DELETE, &format!("/v1/promises/{promise}"))
    );
    step!(
        "put the profile",
        app.as_(&jane, Method::PUT, &format!("/v1/opportunities/{opp}/profile"))
            .json(&json!({
                "criteria": [{"name": "Editing", "weight": 5, "self_rating": 5, "interviewer_rating": 5, "evidence": "Ran the features desk"}],
                "competition": {"competing_candidates": 2, "internal_candidate": false},
                "answers": {"process_position": null, "comparison": null, "competitors": null},
            }))
    );
    step!(
        "rename the opportunity",
        app.as_(&jane, Method::PATCH, &format!("/v1/opportunities/{opp}"))
            .json(&json!({"company": "Acme Media"}))
    );
    step!(
        "change the seeker's name",
        app.as_(&jane, Method::PATCH, "/v1/me")
            .json(&json!({"display_name": "Jane Q."}))
    );
    let playbook = send(
        app.as_(&coach, Method::POST, "/v1/playbooks").json(&json!({
            "name": "Quiet", "extends": "balanced",
            "rules": {"influence_letter_after_interview": {"enabled": false}, "ask_process_questions": {"enabled": false}},
        })),
        "make a playbook",
    )
    .await;
    let playbook = playbook["playbook"]["id"].as_str().unwrap().to_owned();
    step!(
        "the coach assigns the playbook",
        app.as_(
            &coach,
            Method::PUT,
            &format!("/v1/coach/clients/{}/playbook", jane.id)
        )
        .json(&json!({"playbook": playbook}))
    );
    step!(
        "the coach edits the playbook",
        app.as_(&coach, Method::PUT, &format!("/v1/playbooks/{playbook}"))
            .json(&json!({"name": "Quiet", "extends": "balanced"}))
    );
    step!(
        "drop the interview",
        app.as_(
            &jane,
            Method::DELETE,
            &format!("/v1/interactions/{interview}")
        )
    );
    step!(
        "drop the contact",
        app.as_(&jane, Method::DELETE, &format!("/v1/contacts/{contact}"))
    );
    step!(
        "move the opportunity on",
        app.as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/transitions")
        )
        .json(&json!({"to": "rejected"}))
    );
    let second = send(
        app.as_(&jane, Method::POST, "/v1/opportunities")
            .json(&json!({"company": "Globex", "title": "Editor", "stage": "interviewing"})),
        "a second opportunity",
    )
    .await;
    let second = second["opportunity"]["id"].as_str().unwrap().to_owned();
    send(
        app.as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{second}/interactions"),
        )
        .json(&json!({"kind": "interview", "occurred_at": ago(1)})),
        "its interview",
    )
    .await;
    seen.push(checked_agenda(&app, &jane, &coach, "a second opportunity").await);
    step!(
        "delete it",
        app.as_(
            &jane,
            Method::DELETE,
            &format!("/v1/opportunities/{second}")
        )
    );
}

#[tokio::test]
async fn a_window_and_an_etag_work_on_the_kept_agenda() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for (n, company) in ["Acme", "Globex", "Initech"].into_iter().enumerate() {
        let created = send(
            app.as_(&jane, Method::POST, "/v1/opportunities")
                .json(&json!({"company": company, "title": "Editor", "stage": "interviewing"})),
            company,
        )
        .await;
        let opp = created["opportunity"]["id"].as_str().unwrap();
        send(
            app.as_(
                &jane,
                Method::POST,
                &format!("/v1/opportunities/{opp}/interactions"),
            )
            .json(&json!({"kind": "interview", "occurred_at": ago(n as i64 * 3 + 1)})),
            company,
        )
        .await;
    }
    let whole = app
        .as_(&jane, Method::GET, "/v1/agenda")
        .send()
        .await
        .unwrap();
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    let whole: Value = whole.json().await.unwrap();
    let items = whole["items"].as_array().unwrap();
    assert!(items.len() >= 2, "{whole}");
    let cut = items[1]["due_at"].as_str().unwrap();
    let cut_query = cut.replace('+', "%2B");
    let before: Value = app.read(&jane, &format!("/v1/agenda?to={cut_query}")).await;
    let after: Value = app
        .read(&jane, &format!("/v1/agenda?from={cut_query}"))
        .await;
    let (before, after) = (
        before["items"].as_array().unwrap(),
        after["items"].as_array().unwrap(),
    );
    assert_eq!(before.len() + after.len(), items.len());
    assert!(before.iter().all(|a| a["due_at"].as_str().unwrap() < cut));
    assert!(after.iter().all(|a| a["due_at"].as_str().unwrap() >= cut));

    let again = app
        .as_(&jane, Method::GET, "/v1/agenda")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let windowed = app
        .as_(&jane, Method::GET, &format!("/v1/agenda?to={cut_query}"))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(windowed.status(), 200, "a window has an ETag of its own");
}

#[tokio::test]
async fn concurrent_writes_of_one_seeker_all_land_and_the_agenda_sees_them() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    let created = send(
        app.as_(&jane, Method::POST, "/v1/opportunities")
            .json(&json!({"company": "Acme", "title": "Editor", "stage": "interviewing"})),
        "create",
    )
    .await;
    let opp = created["opportunity"]["id"].as_str().unwrap().to_owned();
    let contact = send(
        app.as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opp}/contacts"),
        )
        .json(&json!({"name": "Ann Lee", "role": "recruiter", "email": "ann@example.com"})),
        "contact",
    )
    .await;
    let contact = contact["contact"]["id"].as_str().unwrap().to_owned();

    // Interactions, account changes, opportunity and contact edits at once
    // (none with If-Match, so none may fail a precondition): every
    // one takes the account's row first, so none deadlocks or is lost.
    let mut writes = tokio::task::JoinSet::new();
    for n in 0..16_i64 {
        let request = match n % 4 {
            3 => app
                .as_(&jane, Method::PATCH, &format!("/v1/contacts/{contact}"))
                .json(&json!({"notes": format!("note {n}")})),
            0 => app
                .as_(
                    &jane,
                    Method::POST,
                    &format!("/v1/opportunities/{opp}/interactions"),
                )
                .json(&json!({"kind": "interview", "occurred_at": ago(n + 1)})),
            1 => app
                .as_(&jane, Method::PATCH, "/v1/me")
                .json(&json!({"display_name": format!("Jane {n}")})),
            _ => app
                .as_(&jane, Method::PATCH, &format!("/v1/opportunities/{opp}"))
                .json(&json!({"title": format!("Editor {n}")})),
        };
        writes.spawn(async move { request.send().await.unwrap().status().as_u16() });
    }
    let statuses: Vec<u16> = writes.join_all().await;
    assert!(
        statuses.iter().all(|s| (200..300).contains(s)),
        "{statuses:?}"
    );

    let agenda = checked_agenda(&app, &jane, &coach, "after the burst").await;
    let interactions: Value = app
        .read(&jane, &format!("/v1/opportunities/{opp}/interactions"))
        .await;
    assert_eq!(interactions["items"].as_array().unwrap().len(), 4);
    assert!(!agenda["items"].as_array().unwrap().is_empty());
}
