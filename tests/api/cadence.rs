//! The cadence through the HTTP API: Jane's story from the article, the
//! agenda's ETag, rules, playbooks and the tone check.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// Jane, from the article: a final meeting on Thu 17 Dec 2009 with a hiring
/// manager at a New York online-media site, the influence letter sent that
/// evening, and a call promised "after New Year's" (entered as Fri 8 Jan).
async fn jane(app: &TestApp) -> (Account, String) {
    let jane = app.register("seeker").await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Up-and-coming Site", "title": "Editor", "industry": "online media", "stage": "final"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let opportunity = created["opportunity"]["id"].as_str().unwrap().to_owned();
    let post = |path: String, body: Value| {
        let request = app.as_(&jane, Method::POST, &path).json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 201, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };
    let contact = post(
        format!("/v1/opportunities/{opportunity}/contacts"),
        json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@example.com", "timezone": "America/New_York"}),
    )
    .await;
    let mark = contact["contact"]["id"].clone();
    for (kind, when) in [
        ("interview", "2009-12-17T15:00:00Z"),
        ("influence_letter", "2009-12-17T23:00:00Z"),
    ] {
        post(
            format!("/v1/opportunities/{opportunity}/interactions"),
            json!({"kind": kind, "contact_id": mark, "occurred_at": when}),
        )
        .await;
    }
    post(
        format!("/v1/opportunities/{opportunity}/promises"),
        json!({"contact_id": mark, "what": "call", "due": "2010-01-08", "made_at": "2009-12-17T15:30:00Z"}),
    )
    .await;
    (jane, opportunity)
}

async fn agenda(app: &TestApp, who: &Account, at: &str) -> Value {
    let response = app
        .as_(who, Method::GET, &format!("/v1/agenda?at={at}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn find<'a>(items: &'a Value, rule: &str) -> Option<&'a Value> {
    items["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["rule"] == rule)
}

#[tokio::test]
async fn jane_waits_for_the_promised_call_then_follows_up_by_email() {
    let app = spawn_app().await;
    let (jane, opportunity) = jane(&app).await;

    // Mon 4 Jan: wait for the promise, and keep applying.
    let monday = agenda(&app, &jane, "2010-01-04T15:00:00Z").await;
    let wait = find(&monday, "wait_for_promise").expect("a wait");
    assert_eq!(wait["action"], "wait");
    assert_eq!(wait["opportunity_id"], opportunity);
    let apply = find(&monday, "accelerate_search").expect("apply_more");
    assert_eq!(apply["action"], "apply_more");
    assert_eq!(apply["priority"], "high");

    // Fri 8 Jan, noon: still waiting until 17:00 New York.
    let friday = agenda(&app, &jane, "2010-01-08T17:00:00Z").await;
    let wait = find(&friday, "wait_for_promise").unwrap();
    assert_eq!(wait["action"], "wait");
    assert_eq!(wait["due_at"], "2010-01-08T22:00:00Z");

    // Mon 11 Jan, 08:00 New York: the promise is broken. E-mail at 09:00
    // New York (14:00Z), collaborative, since online media lives in e-mail.
    let broken = agenda(&app, &jane, "2010-01-11T13:00:00Z").await;
    let follow_up = broken["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["opportunity_id"] == opportunity && a["action"] != "wait")
        .expect("a follow-up");
    assert_eq!(follow_up["due_at"], "2010-01-11T14:00:00Z");
    assert_eq!(follow_up["channel"], "email");
    assert_eq!(follow_up["action"], "offer_collaboration");
    assert!(
        follow_up["reason"]
            .as_str()
            .unwrap()
            .contains("missed_promise_call"),
        "{follow_up}"
    );
    let draft = &follow_up["draft"];
    assert!(
        draft["body"]
            .as_str()
            .unwrap()
            .contains("where things stand"),
        "{draft}"
    );
    // The recipient, for the app's own mailto: link; the link itself only
    // with include=mailto.
    assert_eq!(draft["to"], "mark@example.com", "{draft}");
    assert!(draft.get("mailto").is_none(), "{draft}");

    // The next-actions of the opportunity say the same.
    let next: Value = app
        .read(
            &jane,
            &format!("/v1/opportunities/{opportunity}/next-actions?at=2010-01-11T13:00:00Z"),
        )
        .await;
    assert!(
        next["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["id"] == follow_up["id"]),
        "stable ids"
    );

    // She sends the e-mail Mon 11 Jan at 10:00 New York.
    let contacts: Value = app
        .read(&jane, &format!("/v1/opportunities/{opportunity}/contacts"))
        .await;
    let mark = contacts["items"][0]["id"].clone();
    let log = |when: &'static str| {
        app.as_(
            &jane,
            Method::POST,
            &format!("/v1/opportunities/{opportunity}/interactions"),
        )
        .json(&json!({"kind": "follow_up_email", "contact_id": mark, "occurred_at": when}))
        .send()
    };
    let monday = log("2010-01-11T15:00:00Z").await.unwrap();
    assert_eq!(monday.status(), 201);
    let monday: Value = monday.json().await.unwrap();
    let monday_id = monday["interaction"]["id"].clone();

    // Fri 15 Jan, lunch: nothing from the employer. Another e-mail? Not
    // before Mon 18 Jan 10:00 New York, a week after the last one; keep
    // applying elsewhere, on top.
    let friday = agenda(&app, &jane, "2010-01-15T17:00:00Z").await;
    let items = friday["items"].as_array().unwrap();
    assert_eq!(items[0]["action"], "apply_more", "{friday:#}");
    let next = items
        .iter()
        .find(|a| a["opportunity_id"] == opportunity)
        .expect("the next follow-up");
    assert_eq!(next["action"], "offer_collaboration");
    assert_eq!(next["rule"], "follow_up_after_silence");
    assert_eq!(next["due_at"], "2010-01-18T15:00:00Z");
    assert!(
        next["reason"]
            .as_str()
            .unwrap()
            .contains("email_weekly_cap"),
        "{next}"
    );

    // She sends one anyway: it is recorded, with the warning.
    let anyway = log("2010-01-15T17:00:00Z").await.unwrap();
    assert_eq!(anyway.status(), 201);
    let anyway: Value = anyway.json().await.unwrap();
    let warnings = anyway["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{anyway:#}");
    assert_eq!(warnings[0]["code"], "email_weekly_cap");
    assert!(
        warnings[0]["ids"].as_array().unwrap().contains(&monday_id),
        "{anyway:#}"
    );
}

#[tokio::test]
async fn the_agenda_answers_304_while_nothing_changes_and_filters_by_due_time() {
    let app = spawn_app().await;
    let (jane, _) = jane(&app).await;
    let first = app
        .as_(&jane, Method::GET, "/v1/agenda?at=2010-01-04T15:00:00Z")
        .send()
        .await
        .unwrap();
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app
        .as_(&jane, Method::GET, "/v1/agenda?at=2010-01-04T15:00:00Z")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let later = app
        .as_(&jane, Method::GET, "/v1/agenda?at=2010-01-11T13:00:00Z")
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(later.status(), 200, "the actions changed");

    let none: Value = app
        .read(
            &jane,
            "/v1/agenda?at=2010-01-11T13:00:00Z&from=2030-01-01T00:00:00Z",
        )
        .await;
    assert_eq!(none["items"], json!([]));
    let reversed = app
        .as_(
            &jane,
            Method::GET,
            "/v1/agenda?from=2030-01-01T00:00:00Z&to=2020-01-01T00:00:00Z",
        )
        .send()
        .await
        .unwrap();
    assert_problem(reversed, 422).await;
    let unreadable = app
        .as_(&jane, Method::GET, "/v1/agenda?at=yesterday")
        .send()
        .await
        .unwrap();
    // Read like every other parameter of the agenda: a 422 naming it.
    let problem = assert_problem(unreadable, 422).await;
    assert_eq!(problem["errors"][0]["field"], "at", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "invalid_time", "{problem}");
}

#[tokio::test]
async fn a_coach_sees_a_clients_next_actions_under_a_grant_only() {
    let app = spawn_app().await;
    let (jane, opportunity) = jane(&app).await;
    let coach = app.register("coach").await;
    let path = format!("/v1/opportunities/{opportunity}/next-actions?at=2010-01-04T15:00:00Z");
    assert_problem(
        app.as_(&coach, Method::GET, &path).send().await.unwrap(),
        404,
    )
    .await;
    app.grant(&jane, &coach).await;
    assert_eq!(
        app.as_(&coach, Method::GET, &path)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
}

#[tokio::test]
async fn health_rules_playbooks_and_tone() {
    let app = spawn_app().await;
    let (jane, _) = jane(&app).await;
    let health: Value = app
        .read(&jane, "/v1/pipeline/health?at=2010-01-04T15:00:00Z")
        .await;
    assert_eq!(health["accelerate"], true);
    assert_eq!(health["near_offer"], 1);
    assert_eq!(health["apply_more"], true);

    let rules: Value = app.get("/v1/rules").await.json().await.unwrap();
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for id in [
        "missed_promise_call",
        "email_weekly_cap",
        "call_no_voicemail",
        "move_on",
    ] {
        assert!(ids.contains(&id), "{id}");
    }
    let cap = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "email_weekly_cap")
        .unwrap();
    assert_eq!(cap["source"]["coach"], "Eileen Wolkstein");
    let standing = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "standing")
        .expect("the standing heuristic is documented beside the rules");
    let prior = standing["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "prior_final")
        .unwrap();
    assert_eq!(prior["default"], 0.4);

    let playbooks: Value = app.read(&jane, "/v1/playbooks").await;
    assert_eq!(playbooks.as_array().unwrap().len(), 4);
    assert_eq!(
        app.as_(&jane, Method::GET, "/v1/playbooks/email_only")
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    assert_problem(
        app.as_(&jane, Method::GET, "/v1/playbooks/yolo")
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;

    let tone: Value = app
        .as_(&jane, Method::POST, "/v1/tone-check")
        .json(&json!({"text": "Just checking in again, I haven't heard back!!"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let categories: Vec<&str> = tone["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    assert!(
        categories.contains(&"pesky") || categories.contains(&"needy"),
        "{tone}"
    );
    let fine: Value = app
        .as_(&jane, Method::POST, "/v1/tone-check")
        .json(&json!({"text": "I was so excited by our conversations, I just wanted to get a sense of where things stand."}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(fine["findings"], json!([]));

    // A company in capitals is a name once the check is told so.
    let check = |body: Value| {
        app.as_(&jane, Method::POST, "/v1/tone-check")
            .json(&body)
            .send()
    };
    let text = "I enjoyed our talk about the role at NVIDIA.";
    let flagged: Value = check(json!({"text": text}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(flagged["findings"][0]["text"], "NVIDIA");
    let named: Value = check(json!({"text": text, "names": ["NVIDIA"]}))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(named["findings"], json!([]));
    let too_many = check(json!({"text": text, "names": vec!["x"; 51]}))
        .await
        .unwrap();
    assert_problem(too_many, 422).await;
}

#[tokio::test]
async fn logging_what_breaks_the_playbook_is_saved_with_warnings() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "title": "Editor", "stage": "final"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let opp = created["opportunity"]["id"].as_str().unwrap().to_owned();
    let contact: Value = app
        .as_(&jane, Method::POST, &format!("/v1/opportunities/{opp}/contacts"))
        .json(&json!({"name": "Ann Lee", "role": "hiring_manager", "email": "ann@example.com", "phone": "+1 212 555 0100", "timezone": "America/New_York"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ann = contact["contact"]["id"].clone();
    let log = |kind: &str, when: &str| {
        let request = app
            .as_(
                &jane,
                Method::POST,
                &format!("/v1/opportunities/{opp}/interactions"),
            )
            .json(&json!({"kind": kind, "contact_id": ann, "occurred_at": when}));
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 201, "saved whatever the warnings say");
            response.json::<Value>().await.unwrap()
        }
    };
    // As the worked example of docs/cadence.md (Mon 5 and Thu 8 Apr 2027), in the past: Mon 2 and Thu 5 Nov 2026.
    let first = log("follow_up_email", "2026-11-02T14:00:00Z").await;
    assert_eq!(first["warnings"], json!([]));
    let second = log("follow_up_email", "2026-11-05T14:00:00Z").await;
    let codes: Vec<&str> = second["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"email_weekly_cap"), "{second}");
    let voicemail = log("voicemail_left", "2026-11-06T14:00:00Z").await;
    let codes: Vec<&str> = voicemail["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"call_no_voicemail"), "{voicemail}");
    let list: Value = app
        .read(&jane, &format!("/v1/opportunities/{opp}/interactions"))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3, "all saved");
}
