//! One conditional-request protocol for every versioned resource, checked
//! from one table: a read answers 304 for its current ETag; a change or a
//! delete with a stale `If-Match` is a 412 carrying the current ETag and
//! changes nothing; with the current one it succeeds.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// A versioned resource: how to make one, and a change to it.
struct Resource {
    name: &'static str,
    /// How to make one.
    make: Make,
    /// The change: method, path suffix (after the resource's path), bodies
    /// for the first and the second change.
    change: (Method, &'static str, fn(u32) -> Value),
    /// Whether DELETE on the path takes `If-Match`.
    deletable: bool,
    /// Whether GET on the path answers 304.
    cached: bool,
}

async fn created(
    app: &TestApp,
    who: &Account,
    path: String,
    body: Value,
    key: &'static str,
    prefix: &'static str,
) -> String {
    let response = app
        .as_(who, Method::POST, &path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "POST {path}");
    let body: Value = response.json().await.unwrap();
    format!("{prefix}{}", body[key]["id"].as_str().unwrap())
}

/// What a table row makes, inside an opportunity of its own.
#[derive(Clone, Copy)]
enum Make {
    Opportunity,
    Transition,
    Contact,
    Interaction,
    Promise,
    Profile,
    Playbook,
}

/// Makes the resource; returns its path (for GET, the change and DELETE).
async fn make(app: &TestApp, who: &Account, opp: &str, what: Make) -> String {
    let (path, body, key, prefix) = match what {
        Make::Transition => return format!("/v1/opportunities/{opp}"),
        Make::Profile => return format!("/v1/opportunities/{opp}/profile"),
        Make::Opportunity => (
            "/v1/opportunities".to_owned(),
            json!({"company": "Acme", "title": "Editor"}),
            "opportunity",
            "/v1/opportunities/",
        ),
        Make::Contact => (
            format!("/v1/opportunities/{opp}/contacts"),
            json!({"name": "Sam Boss", "role": "hiring_manager"}),
            "contact",
            "/v1/contacts/",
        ),
        Make::Interaction => (
            format!("/v1/opportunities/{opp}/interactions"),
            json!({"kind": "note", "notes": "first"}),
            "interaction",
            "/v1/interactions/",
        ),
        Make::Promise => (
            format!("/v1/opportunities/{opp}/promises"),
            json!({"what": "call", "due": "2099-01-09"}),
            "promise",
            "/v1/promises/",
        ),
        Make::Playbook => (
            "/v1/playbooks".to_owned(),
            json!({"name": "Mine", "extends": "balanced"}),
            "playbook",
            "/v1/playbooks/",
        ),
    };
    created(app, who, path, body, key, prefix).await
}

fn table() -> Vec<Resource> {
    vec![
        Resource {
            name: "opportunity",
            make: Make::Opportunity,
            change: (Method::PATCH, "", |n| json!({"notes": format!("take {n}")})),
            deletable: true,
            cached: true,
        },
        Resource {
            name: "stage transition",
            make: Make::Transition,
            change: (
                Method::POST,
                "/transitions",
                |n| json!({"to": if n == 1 { "screening" } else { "interviewing" }}),
            ),
            deletable: false,
            cached: true,
        },
        Resource {
            name: "contact",
            make: Make::Contact,
            change: (Method::PATCH, "", |n| json!({"notes": format!("take {n}")})),
            deletable: true,
            cached: true,
        },
        Resource {
            name: "interaction",
            make: Make::Interaction,
            change: (Method::PATCH, "", |n| json!({"notes": format!("take {n}")})),
            deletable: true,
            cached: true,
        },
        Resource {
            name: "promise",
            make: Make::Promise,
            change: (
                Method::PATCH,
                "",
                |n| json!({"what": if n == 1 { "email" } else { "decision" }}),
            ),
            deletable: true,
            // Its status moves with the clock: its ETag names the version
            // and a hash of the body (`"3-…"`), still good for If-Match.
            cached: true,
        },
        Resource {
            name: "profile",
            make: Make::Profile,
            change: (
                Method::PUT,
                "",
                |n| json!({"criteria": [{"name": "Editing", "weight": 5, "self_rating": n}]}),
            ),
            deletable: false,
            cached: true,
        },
        Resource {
            name: "playbook",
            make: Make::Playbook,
            change: (
                Method::PUT,
                "",
                |n| json!({"name": format!("Mine, take {n}"), "extends": "balanced"}),
            ),
            deletable: true,
            cached: true,
        },
    ]
}

async fn etag_of(app: &TestApp, who: &Account, path: &str) -> String {
    let response = app.as_(who, Method::GET, path).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.headers()["etag"].to_str().unwrap().to_owned()
}

async fn change(
    app: &TestApp,
    who: &Account,
    resource: &Resource,
    path: &str,
    if_match: &str,
    take: u32,
) -> reqwest::Response {
    let (method, suffix, body) = &resource.change;
    app.as_(who, method.clone(), &format!("{path}{suffix}"))
        .header("If-Match", if_match)
        .json(&body(take))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stale_if_match_is_a_412_and_a_fresh_one_succeeds_for_every_versioned_resource() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for resource in table() {
        let opp = created(
            &app,
            &jane,
            "/v1/opportunities".to_owned(),
            json!({"company": "Globex", "title": resource.name, "stage": "applied"}),
            "opportunity",
            "",
        )
        .await;
        let path = make(&app, &jane, &opp, resource.make).await;
        let name = resource.name;
        let first = etag_of(&app, &jane, &path).await;

        if resource.cached {
            let unchanged = app
                .as_(&jane, Method::GET, &path)
                .header("If-None-Match", &first)
                .send()
                .await
                .unwrap();
            assert_eq!(unchanged.status(), 304, "{name}: GET with the current ETag");
            assert_eq!(unchanged.headers()["etag"].to_str().unwrap(), first);
        }

        let fresh = change(&app, &jane, &resource, &path, &first, 1).await;
        assert!(
            fresh.status().is_success(),
            "{name}: a change with the current ETag answers {}",
            fresh.status()
        );
        let second = etag_of(&app, &jane, &path).await;
        assert_ne!(first, second, "{name}: the change moves the ETag");
        let representation: Value = app.read(&jane, &path).await;

        let stale = change(&app, &jane, &resource, &path, &first, 2).await;
        assert_eq!(
            stale.headers()["etag"].to_str().unwrap(),
            second,
            "{name}: the 412 carries the current ETag"
        );
        let problem = assert_problem(stale, 412).await;
        assert_eq!(
            problem["type"], "https://followup.dev/problems/precondition-failed",
            "{name}"
        );
        assert!(
            problem["detail"].as_str().unwrap().contains(&second),
            "{name}: {problem}"
        );
        let mut after: Value = app.read(&jane, &path).await;
        let mut before = representation.clone();
        // The 412 carries the record as it is now, to merge without a read.
        let mut current = problem["current"].clone();
        assert!(
            current.is_object(),
            "{name}: no current representation: {problem}"
        );
        // A promise's status is evaluated at each read; the rest is stored.
        for value in [&mut before, &mut after, &mut current] {
            if let Some(object) = value.as_object_mut() {
                object.remove("status");
            }
        }
        assert_eq!(after, before, "{name}: a refused change changes nothing");
        assert_eq!(current, before, "{name}: the 412's current representation");

        if resource.deletable {
            let refused = app
                .as_(&jane, Method::DELETE, &path)
                .header("If-Match", &first)
                .send()
                .await
                .unwrap();
            assert_problem(refused, 412).await;
            assert_eq!(etag_of(&app, &jane, &path).await, second, "{name}");
            let deleted = app
                .as_(&jane, Method::DELETE, &path)
                .header("If-Match", &second)
                .send()
                .await
                .unwrap();
            assert_eq!(
                deleted.status(),
                204,
                "{name}: delete with the current ETag"
            );
            let gone = app.as_(&jane, Method::GET, &path).send().await.unwrap();
            assert_eq!(gone.status(), 404, "{name}");
        }
    }
}

#[tokio::test]
async fn with_require_if_match_a_change_without_it_is_a_428_and_with_it_applies() {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = crate::helpers::serve_args(db.url_string());
    args.require_if_match = true;
    let mut app = crate::helpers::spawn_with(args).await;
    app.db = Some(db);
    let jane = app.register("seeker").await;
    // Creating needs no If-Match: there is nothing to be stale against.
    let created = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Strict Co", "title": "Editor", "stage": "final"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let etag = created.headers()["etag"].to_str().unwrap().to_owned();
    let body: Value = created.json().await.unwrap();
    let opp = body["opportunity"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/opportunities/{opp}");

    let patch = app
        .as_(&jane, Method::PATCH, &path)
        .json(&json!({"notes": "no If-Match"}))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(patch, 428).await;
    assert!(
        problem["detail"].as_str().unwrap().contains("If-Match"),
        "{problem}"
    );
    let moved = app
        .as_(&jane, Method::POST, &format!("{path}/transitions"))
        .json(&json!({"to": "offer"}))
        .send()
        .await
        .unwrap();
    assert_problem(moved, 428).await;
    let deleted = app.as_(&jane, Method::DELETE, &path).send().await.unwrap();
    assert_problem(deleted, 428).await;

    // Nothing changed; with the ETag it applies.
    let patched = app
        .as_(&jane, Method::PATCH, &path)
        .header("if-match", &etag)
        .json(&json!({"notes": "with If-Match"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let body: Value = patched.json().await.unwrap();
    assert_eq!(body["notes"], "with If-Match", "{body}");
}

/// The opportunity is the aggregate: its ETag changes, and `updated_since`
/// finds it, whenever a record under it (a contact, an interaction, a
/// promise, its profile) is created, changed or deleted; an `If-Match` read
/// before is then stale. Deleting a contact changes the interactions that
/// named it.
#[tokio::test]
async fn an_opportunity_s_etag_changes_with_anything_under_it() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = make(&app, &jane, "", Make::Opportunity).await;
    let id = opp.trim_start_matches("/v1/opportunities/").to_owned();

    // After each change under it, the ETag read before is stale: a
    // conditional read answers 200 with a new ETag, and a list asked for
    // what changed since the read before the change names it.
    let mut seen = etag_of(&app, &jane, &opp).await;
    let check = async |what: &str, seen: &mut String| {
        let listed = app.read(&jane, "/v1/opportunities").await["items"][0]["updated_at"]
            .as_str()
            .unwrap()
            .to_owned();
        let response = app
            .as_(&jane, Method::GET, &opp)
            .header("If-None-Match", seen.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "after {what}: still {seen}");
        let now = response.headers()["etag"].to_str().unwrap().to_owned();
        assert_ne!(&now, seen, "after {what}");
        let body: Value = response.json().await.unwrap();
        assert_eq!(body["updated_at"], listed.as_str(), "{what}");
        *seen = now;
    };

    let contact = make(&app, &jane, &id, Make::Contact).await;
    check("a contact added", &mut seen).await;
    let interaction = created(
        &app,
        &jane,
        format!("/v1/opportunities/{id}/interactions"),
        json!({"kind": "note", "contact_id": contact.trim_start_matches("/v1/contacts/"), "notes": "thanks"}),
        "interaction",
        "/v1/interactions/",
    )
    .await;
    check("an interaction logged", &mut seen).await;
    let interaction_etag = etag_of(&app, &jane, &interaction).await;

    // A stale If-Match on the opportunity is refused with what it is now.
    let response = app
        .as_(&jane, Method::PATCH, &opp)
        .header("If-Match", "\"1\"")
        .json(&json!({"notes": "from a stale copy"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["etag"], seen.as_str());
    let problem = assert_problem(response, 412).await;
    assert_eq!(problem["current"]["id"], id.as_str(), "{problem}");

    let response = app
        .as_(&jane, Method::PATCH, &interaction)
        .json(&json!({"notes": "thanks, again"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    check("an interaction corrected", &mut seen).await;
    let promise = make(&app, &jane, &id, Make::Promise).await;
    check("a promise recorded", &mut seen).await;
    let response = app
        .as_(&jane, Method::PUT, &format!("{opp}/profile"))
        .json(&json!({"criteria": [{"name": "Editing", "weight": 5, "self_rating": 4}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    check("the profile written", &mut seen).await;
    let response = app
        .as_(&jane, Method::DELETE, &promise)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    check("a promise deleted", &mut seen).await;

    // Deleting the contact unlinks the interaction: that is a change of the
    // interaction too.
    let response = app
        .as_(&jane, Method::DELETE, &contact)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    check("a contact deleted", &mut seen).await;
    let response = app
        .as_(&jane, Method::GET, &interaction)
        .header("If-None-Match", interaction_etag.as_str())
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "the unlinked interaction kept its ETag"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["contact_id"], Value::Null, "{body}");

    let response = app
        .as_(&jane, Method::DELETE, &interaction)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 204);
    check("an interaction deleted", &mut seen).await;

    // With the current ETag, the change applies.
    let response = app
        .as_(&jane, Method::PATCH, &opp)
        .header("If-Match", seen.as_str())
        .json(&json!({"notes": "current"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

/// A promise's status moves with the clock while its version stays: its
/// ETag names both, so a read at another instant with another status is a
/// 200, the same reading a 304, and `If-Match` with it still names the
/// version.
#[tokio::test]
async fn a_promise_answers_304_until_its_status_moves() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = make(&app, &jane, "", Make::Opportunity).await;
    let id = opp.trim_start_matches("/v1/opportunities/").to_owned();
    let promise = make(&app, &jane, &id, Make::Promise).await;
    let before = format!("{promise}?at=2098-12-01T12:00:00Z");
    let after = format!("{promise}?at=2099-02-01T12:00:00Z");
    let pending = etag_of(&app, &jane, &before).await;
    let broken = etag_of(&app, &jane, &after).await;
    assert_ne!(pending, broken);
    assert!(pending.starts_with("\"1-"), "{pending}");
    for (path, tag, status) in [
        (&before, &pending, 304),
        (&after, &pending, 200),
        (&after, &broken, 304),
    ] {
        let response = app
            .as_(&jane, Method::GET, path)
            .header("If-None-Match", tag.as_str())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{path} with {tag}");
    }
    let response = app
        .as_(&jane, Method::PATCH, &promise)
        .header("If-Match", broken.as_str())
        .json(&json!({"what": "email"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        200,
        "If-Match with the read ETag names version 1"
    );
    let response = app
        .as_(&jane, Method::PATCH, &promise)
        .header("If-Match", broken.as_str())
        .json(&json!({"what": "decision"}))
        .send()
        .await
        .unwrap();
    assert_problem(response, 412).await;
}
