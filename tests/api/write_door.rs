//! The one write door: every write endpoint bumps the facts revision of
//! each seeker whose advice it changes exactly once, and nobody else's;
//! writes to accounts and tokens, which the engine does not read, bump
//! nothing. The revisions are read from the database around each request.

use std::collections::BTreeMap;

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app};

/// Every account's facts revision, by id.
fn revisions(app: &TestApp) -> BTreeMap<String, i64> {
    use diesel::prelude::*;
    use followup_store::schema::users;

    let db = app.db.as_ref().unwrap();
    let store = followup_store::Store::open(db.url().clone(), &Default::default()).unwrap();
    store
        .read(|conn| -> Result<_, followup_store::StoreError> {
            Ok(users::table
                .select((users::id, users::facts_revision))
                .load::<(String, i64)>(conn)?
                .into_iter()
                .collect())
        })
        .unwrap()
}

/// One write, by `who`, and the seekers whose facts it changes.
struct Step<'a> {
    name: &'a str,
    who: &'a Account,
    method: Method,
    path: String,
    body: Option<Value>,
    bumps: Vec<&'a Account>,
}

/// Sends the step, checks it succeeded, and checks that exactly the
/// expected seekers were bumped, once each. Returns the response body.
async fn run(app: &TestApp, step: Step<'_>) -> Value {
    let before = revisions(app);
    let mut request = app.as_(step.who, step.method.clone(), &step.path);
    if let Some(body) = &step.body {
        request = request.json(body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let body: Value = if status == 204 {
        Value::Null
    } else {
        response.json().await.unwrap()
    };
    assert!(status.is_success(), "{}: {status} {body}", step.name);
    let after = revisions(app);
    for (id, revision) in &after {
        let expected = i64::from(step.bumps.iter().any(|a| &a.id == id));
        let old = before.get(id).copied().unwrap_or(*revision);
        assert_eq!(
            revision - old,
            expected,
            "{}: the facts revision of {id} moved by {} (expected {expected})",
            step.name,
            revision - old
        );
    }
    body
}

fn step<'a>(
    name: &'a str,
    who: &'a Account,
    method: Method,
    path: impl Into<String>,
    body: Option<Value>,
    bumps: Vec<&'a Account>,
) -> Step<'a> {
    Step {
        name,
        who,
        method,
        path: path.into(),
        body,
        bumps,
    }
}

fn id(body: &Value, key: &str) -> String {
    body[key]["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_write_bumps_each_affected_seeker_once_and_account_writes_none() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let ben = app.register("seeker").await;
    let coach = app.register("coach").await;

    // Account and token writes: nothing the engine reads.
    let login = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": jane.email, "password": jane.password}));
    let before = revisions(&app);
    // A second session of Jane's, so that signing it out leaves the first.
    let session = login.send().await.unwrap();
    assert_eq!(session.status(), 200);
    let session: Value = session.json().await.unwrap();
    let refreshed = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": session["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);
    let refreshed: Value = refreshed.json().await.unwrap();
    let logout = app
        .client
        .post(app.url("/v1/auth/logout"))
        .json(&json!({"refresh_token": refreshed["refresh_token"]}))
        .send()
        .await
        .unwrap();
    assert!(logout.status().is_success(), "logout {}", logout.status());
    assert_eq!(revisions(&app), before, "sign-in, refresh and sign-out");
    let nobody = Vec::new;
    let key = run(
        &app,
        step(
            "create an API key",
            &coach,
            Method::POST,
            "/v1/api-keys",
            Some(json!({"name": "k", "scopes": ["read"]})),
            nobody(),
        ),
    )
    .await;
    let key_id = key["id"].as_str().unwrap().to_owned();
    run(
        &app,
        step(
            "revoke an API key",
            &coach,
            Method::DELETE,
            format!("/v1/api-keys/{key_id}"),
            None,
            nobody(),
        ),
    )
    .await;
    let feed = run(
        &app,
        step(
            "create a feed token",
            &jane,
            Method::POST,
            "/v1/me/feed-tokens",
            Some(json!({"name": "phone"})),
            nobody(),
        ),
    )
    .await;
    let feed_id = feed["id"].as_str().unwrap().to_owned();
    run(
        &app,
        step(
            "revoke a feed token",
            &jane,
            Method::DELETE,
            format!("/v1/me/feed-tokens/{feed_id}"),
            None,
            nobody(),
        ),
    )
    .await;
    let before = revisions(&app);
    app.grant(&jane, &coach).await;
    let ben_grant = app.grant(&ben, &coach).await;
    assert_eq!(revisions(&app), before, "invites and grants");

    // The seeker's own writes.
    let opportunity = run(
        &app,
        step(
            "create an opportunity",
            &jane,
            Method::POST,
            "/v1/opportunities",
            Some(json!({"company": "Acme", "title": "Editor", "stage": "interviewing"})),
            vec![&jane],
        ),
    )
    .await;
    let opp = id(&opportunity, "opportunity");
    let opp_path = format!("/v1/opportunities/{opp}");
    run(
        &app,
        step(
            "change an opportunity",
            &jane,
            Method::PATCH,
            &opp_path,
            Some(json!({"notes": "met the team"})),
            vec![&jane],
        ),
    )
    .await;
    run(
        &app,
        step(
            "move an opportunity",
            &jane,
            Method::POST,
            format!("{opp_path}/transitions"),
            Some(json!({"to": "final"})),
            vec![&jane],
        ),
    )
    .await;
    let contact = run(
        &app,
        step(
            "add a contact",
            &jane,
            Method::POST,
            format!("{opp_path}/contacts"),
            Some(json!({"name": "Sam Boss", "role": "hiring_manager"})),
            vec![&jane],
        ),
    )
    .await;
    let contact = id(&contact, "contact");
    run(
        &app,
        step(
            "change a contact",
            &jane,
            Method::PATCH,
            format!("/v1/contacts/{contact}"),
            Some(json!({"phone": "+1 212 555 0100"})),
            vec![&jane],
        ),
    )
    .await;
    let interaction = run(
        &app,
        step(
            "record an interaction",
            &jane,
            Method::POST,
            format!("{opp_path}/interactions"),
            Some(json!({"kind": "interview", "contact_id": contact})),
            vec![&jane],
        ),
    )
    .await;
    let interaction = id(&interaction, "interaction");
    run(
        &app,
        step(
            "change an interaction",
            &jane,
            Method::PATCH,
            format!("/v1/interactions/{interaction}"),
            Some(json!({"notes": "went well"})),
            vec![&jane],
        ),
    )
    .await;
    let promise = run(
        &app,
        step(
            "record a promise",
            &jane,
            Method::POST,
            format!("{opp_path}/promises"),
            Some(json!({"what": "call", "due": "2099-01-09", "contact_id": contact})),
            vec![&jane],
        ),
    )
    .await;
    let promise = id(&promise, "promise");
    run(
        &app,
        step(
            "change a promise",
            &jane,
            Method::PATCH,
            format!("/v1/promises/{promise}"),
            Some(json!({"what": "email"})),
            vec![&jane],
        ),
    )
    .await;
    run(
        &app,
        step(
            "save the profile",
            &jane,
            Method::PUT,
            format!("{opp_path}/profile"),
            Some(json!({"criteria": [{"name": "Editing", "weight": 5, "self_rating": 4}]})),
            vec![&jane],
        ),
    )
    .await;
    run(
        &app,
        step(
            "change the settings",
            &jane,
            Method::PATCH,
            "/v1/me",
            Some(json!({"timezone": "Europe/Berlin"})),
            vec![&jane],
        ),
    )
    .await;

    // Playbooks: a new one changes nobody's advice; a change to one changes
    // the advice of every seeker who follows it, once each. Each write of
    // a playbook records its event, its owner's, so the owner is locked
    // (and bumped) with it, as every event's seeker is.
    let own = run(
        &app,
        step(
            "make a playbook",
            &jane,
            Method::POST,
            "/v1/playbooks",
            Some(json!({"name": "Mine", "extends": "balanced"})),
            vec![&jane],
        ),
    )
    .await;
    let own = id(&own, "playbook");
    run(
        &app,
        step(
            "follow it on an opportunity",
            &jane,
            Method::PATCH,
            &opp_path,
            Some(json!({"playbook": own})),
            vec![&jane],
        ),
    )
    .await;
    run(
        &app,
        step(
            "change the playbook",
            &jane,
            Method::PUT,
            format!("/v1/playbooks/{own}"),
            Some(json!({"name": "Mine, gentler", "extends": "email_only"})),
            vec![&jane],
        ),
    )
    .await;
    let coached = run(
        &app,
        step(
            "a coach makes a playbook",
            &coach,
            Method::POST,
            "/v1/playbooks",
            Some(json!({"name": "Coach's", "extends": "balanced"})),
            vec![&coach],
        ),
    )
    .await;
    let coached = id(&coached, "playbook");
    for client in [&jane, &ben] {
        run(
            &app,
            step(
                "the coach assigns it",
                &coach,
                Method::PUT,
                format!("/v1/coach/clients/{}/playbook", client.id),
                Some(json!({"playbook": coached})),
                vec![client],
            ),
        )
        .await;
    }
    run(
        &app,
        step(
            "the coach changes it",
            &coach,
            Method::PUT,
            format!("/v1/playbooks/{coached}"),
            Some(json!({"name": "Coach's, firmer", "extends": "persistent_caller"})),
            vec![&jane, &ben, &coach],
        ),
    )
    .await;
    run(
        &app,
        step(
            "the coach adds a note",
            &coach,
            Method::POST,
            format!("{opp_path}/interactions"),
            Some(json!({"kind": "note", "notes": "ask about the team"})),
            vec![&jane],
        ),
    )
    .await;
    run(
        &app,
        step(
            "the coach picks the opportunity's playbook",
            &coach,
            Method::PATCH,
            &opp_path,
            Some(json!({"playbook": coached})),
            vec![&jane],
        ),
    )
    .await;
    run(
        &app,
        step(
            "a client ends the coaching",
            &ben,
            Method::DELETE,
            format!("/v1/grants/{ben_grant}"),
            None,
            nobody(),
        ),
    )
    .await;

    // Deletes.
    for (name, path) in [
        ("delete a promise", format!("/v1/promises/{promise}")),
        (
            "delete an interaction",
            format!("/v1/interactions/{interaction}"),
        ),
        ("delete a contact", format!("/v1/contacts/{contact}")),
        ("delete an opportunity", opp_path.clone()),
    ] {
        run(
            &app,
            step(name, &jane, Method::DELETE, path, None, vec![&jane]),
        )
        .await;
    }
    run(
        &app,
        step(
            "delete the unused playbook",
            &jane,
            Method::DELETE,
            format!("/v1/playbooks/{own}"),
            None,
            vec![&jane],
        ),
    )
    .await;

    // A coach who deletes their account takes their playbooks with them:
    // the clients who follow one get new advice.
    run(
        &app,
        step(
            "the coach deletes their account",
            &coach,
            Method::DELETE,
            "/v1/me",
            Some(json!({"password": coach.password})),
            vec![&jane, &ben],
        ),
    )
    .await;
}
