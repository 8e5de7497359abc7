//! Smaller payloads: `fields=` on the agenda and on lists, `limit` on the
//! agenda, drafts with `to` and without their `mailto` link unless
//! `include=mailto` asks, and the ETags of shaped answers.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// A seeker with one final, Mark (with an e-mail address), two logged
/// interactions and a broken promise: on Mon 11 Jan 2010 the agenda has an
/// e-mail to Mark and `apply_more`.
async fn seeker(app: &TestApp) -> (Account, String) {
    let jane = app.register("seeker").await;
    let post = |path: String, body: Value| {
        let request = app.as_(&jane, Method::POST, &path).json(&body);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 201, "{path}");
            response.json::<Value>().await.unwrap()
        }
    };
    let created = post(
        "/v1/opportunities".to_owned(),
        json!({"company": "Up-and-coming Site", "title": "Editor", "industry": "online media", "stage": "final"}),
    )
    .await;
    let opportunity = created["opportunity"]["id"].as_str().unwrap().to_owned();
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

const MONDAY: &str = "at=2010-01-11T13:00:00Z";

fn items(body: &Value) -> &Vec<Value> {
    body["items"].as_array().unwrap()
}

fn keys(item: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = item
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// The same path, percent-encoding as RFC 6068 asks (what a client does).
fn mailto(to: &str, subject: &str, body: &str) -> String {
    fn encode(text: &str, keep: &[u8]) -> String {
        let mut out = String::new();
        for b in text.replace("\r\n", "\n").replace('\n', "\r\n").bytes() {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) || keep.contains(&b) {
                out.push(char::from(b));
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    format!(
        "mailto:{}?subject={}&body={}",
        encode(to, b"@+"),
        encode(subject, b""),
        encode(body, b"")
    )
}

#[tokio::test]
async fn drafts_carry_to_and_their_mailto_link_only_when_asked() {
    let app = spawn_app().await;
    let (jane, opportunity) = seeker(&app).await;

    let plain = app.read(&jane, &format!("/v1/agenda?{MONDAY}")).await;
    let e_mail = items(&plain)
        .iter()
        .find(|a| a["channel"] == "email" && a["draft"].is_object())
        .unwrap_or_else(|| panic!("an e-mail: {plain:#}"));
    let draft = &e_mail["draft"];
    assert_eq!(draft["to"], "mark@example.com", "{draft}");
    assert!(draft.get("mailto").is_none(), "no link by default: {draft}");

    let linked = app
        .read(&jane, &format!("/v1/agenda?{MONDAY}&include=mailto"))
        .await;
    let same = items(&linked)
        .iter()
        .find(|a| a["id"] == e_mail["id"])
        .unwrap();
    let link = same["draft"]["mailto"].as_str().unwrap();
    // The link is what a client builds from to, subject and body.
    assert_eq!(
        link,
        mailto(
            draft["to"].as_str().unwrap(),
            draft["subject"].as_str().unwrap(),
            draft["body"].as_str().unwrap()
        )
    );
    assert_eq!(same["draft"]["to"], draft["to"]);

    // The opportunity's next actions say the same.
    let next = app
        .read(
            &jane,
            &format!("/v1/opportunities/{opportunity}/next-actions?{MONDAY}"),
        )
        .await;
    let action = items(&next)
        .iter()
        .find(|a| a["id"] == e_mail["id"])
        .unwrap();
    assert_eq!(action["draft"]["to"], "mark@example.com");
    assert!(action["draft"].get("mailto").is_none());
    let next = app
        .read(
            &jane,
            &format!(
                "/v1/opportunities/{opportunity}/next-actions?{MONDAY}&include=mailto&fields=draft"
            ),
        )
        .await;
    let action = items(&next)
        .iter()
        .find(|a| a["id"] == e_mail["id"])
        .unwrap();
    assert_eq!(keys(action), ["draft", "id"]);
    assert_eq!(action["draft"]["mailto"], link);

    // An unknown include is refused, naming what it takes.
    let refused = app
        .as_(
            &jane,
            Method::GET,
            &format!("/v1/agenda?{MONDAY}&include=body"),
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(refused, 422).await;
    assert_eq!(problem["errors"][0]["field"], "include", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "unknown_value", "{problem}");
    assert_eq!(problem["errors"][0]["params"]["allowed"], json!(["mailto"]));
}

#[tokio::test]
async fn the_agenda_answers_the_fields_asked_for_and_at_most_limit_actions() {
    let app = spawn_app().await;
    let (jane, _) = seeker(&app).await;

    let whole = app.read(&jane, &format!("/v1/agenda?{MONDAY}")).await;
    assert!(items(&whole).len() >= 2, "{whole:#}");

    let sparse = app
        .read(
            &jane,
            &format!("/v1/agenda?{MONDAY}&fields=action,due_at,action"),
        )
        .await;
    assert_eq!(sparse["at"], whole["at"], "the envelope stays");
    assert_eq!(items(&sparse).len(), items(&whole).len());
    for (item, full) in items(&sparse).iter().zip(items(&whole)) {
        assert_eq!(keys(item), ["action", "due_at", "id"], "id always");
        assert_eq!(item["id"], full["id"]);
        assert_eq!(item["action"], full["action"]);
    }

    let first = app
        .read(&jane, &format!("/v1/agenda?{MONDAY}&limit=1"))
        .await;
    assert_eq!(items(&first).len(), 1);
    assert_eq!(
        items(&first)[0],
        items(&whole)[0],
        "first in the agenda's order"
    );
    let many = app
        .read(&jane, &format!("/v1/agenda?{MONDAY}&limit=500"))
        .await;
    assert_eq!(items(&many), items(&whole));

    for bad in ["0", "501"] {
        let response = app
            .as_(
                &jane,
                Method::GET,
                &format!("/v1/agenda?{MONDAY}&limit={bad}"),
            )
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], "limit", "{problem}");
        assert_eq!(problem["errors"][0]["code"], "out_of_range", "{problem}");
        assert_eq!(problem["errors"][0]["params"]["max"], 500, "{problem}");
    }

    let response = app
        .as_(
            &jane,
            Method::GET,
            &format!("/v1/agenda?{MONDAY}&fields=action,nmae"),
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    let error = &problem["errors"][0];
    assert_eq!(error["field"], "fields", "{problem}");
    assert_eq!(error["code"], "unknown_field", "{problem}");
    let allowed = error["params"]["allowed"].as_array().unwrap();
    for name in ["id", "action", "due_at", "draft", "reason"] {
        assert!(allowed.contains(&json!(name)), "{name}: {problem}");
    }
    assert!(
        error["message"].as_str().unwrap().contains("nmae"),
        "{problem}"
    );

    let response = app
        .as_(&jane, Method::GET, &format!("/v1/agenda?{MONDAY}&fields="))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "fields", "{problem}");
    assert_eq!(problem["errors"][0]["code"], "empty", "{problem}");

    // Every invalid parameter at once.
    let response = app
        .as_(
            &jane,
            Method::GET,
            &format!("/v1/agenda?{MONDAY}&fields=x&limit=0&include=y"),
        )
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["fields", "limit", "include"], "{problem}");
}

async fn get(app: &TestApp, who: &Account, path: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = app.as_(who, Method::GET, path);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.unwrap()
}

fn etag_of(response: &reqwest::Response) -> String {
    response.headers()["etag"].to_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_shaped_agenda_has_its_own_etag_and_answers_304_with_it() {
    let app = spawn_app().await;
    let (jane, _) = seeker(&app).await;
    // Both the evaluated-at-now agenda (kept, answered from its bytes) and
    // a what-if at an instant.
    for query in ["", MONDAY] {
        let path = |shape: &str| format!("/v1/agenda?{query}&{shape}");
        let whole = get(&app, &jane, &path(""), None).await;
        assert_eq!(whole.status(), 200);
        let whole_tag = etag_of(&whole);
        let mut tags = vec![whole_tag.clone()];
        for shape in [
            "fields=action,due_at",
            "fields=due_at,action,id",
            "limit=1",
            "include=mailto",
            "fields=draft&include=mailto&limit=1",
        ] {
            let first = get(&app, &jane, &path(shape), None).await;
            assert_eq!(first.status(), 200, "{shape}");
            let tag = etag_of(&first);
            assert_ne!(tag, whole_tag, "{shape}");
            let body: Value = first.json().await.unwrap();
            // The same request with the sparse ETag: 304, with that ETag.
            let again = get(&app, &jane, &path(shape), Some(&tag)).await;
            assert_eq!(again.status(), 304, "{query} {shape}");
            assert_eq!(etag_of(&again), tag);
            // The full ETag does not name a sparse answer, nor the sparse
            // one the full answer.
            let other = get(&app, &jane, &path(shape), Some(&whole_tag)).await;
            assert_eq!(other.status(), 200, "{shape}");
            let whole_again = get(&app, &jane, &path(""), Some(&tag)).await;
            assert_eq!(whole_again.status(), 200, "{shape}");
            assert!(body["items"].is_array());
            tags.push(tag);
        }
        // The same set written two ways is one answer, with one ETag.
        assert_eq!(tags[1], tags[2], "normalised");
        let mut distinct = tags.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), tags.len() - 1, "{tags:?}");
        let unchanged = get(&app, &jane, &path(""), Some(&whole_tag)).await;
        assert_eq!(unchanged.status(), 304);
    }
}

#[tokio::test]
async fn lists_answer_the_fields_asked_for_with_their_paging() {
    let app = spawn_app().await;
    let (jane, opportunity) = seeker(&app).await;
    app.as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Second", "title": "Writer", "stage": "applied"}))
        .send()
        .await
        .unwrap();

    let page = app
        .read(&jane, "/v1/opportunities?fields=company,stage&limit=1")
        .await;
    assert_eq!(items(&page).len(), 1);
    assert_eq!(keys(&items(&page)[0]), ["company", "id", "stage"]);
    let cursor = page["next_cursor"].as_str().expect("paging stays");
    let next = app
        .read(
            &jane,
            &format!("/v1/opportunities?fields=company&limit=1&cursor={cursor}"),
        )
        .await;
    assert_eq!(keys(&items(&next)[0]), ["company", "id"]);
    assert_ne!(items(&next)[0]["id"], items(&page)[0]["id"]);

    let contacts = app
        .read(
            &jane,
            &format!("/v1/opportunities/{opportunity}/contacts?fields=name,email"),
        )
        .await;
    assert_eq!(keys(&items(&contacts)[0]), ["email", "id", "name"]);
    assert_eq!(items(&contacts)[0]["email"], "mark@example.com");
    assert!(contacts.get("next_cursor").is_some());

    let interactions = app
        .read(
            &jane,
            &format!("/v1/opportunities/{opportunity}/interactions?fields=kind"),
        )
        .await;
    assert_eq!(items(&interactions).len(), 2);
    for item in items(&interactions) {
        assert_eq!(keys(item), ["id", "kind"]);
    }

    let promises = app
        .read(
            &jane,
            &format!("/v1/opportunities/{opportunity}/promises?fields=status"),
        )
        .await;
    assert_eq!(keys(&items(&promises)[0]), ["id", "status"]);

    // Lists without pages take limit as well.
    let playbooks = app.read(&jane, "/v1/playbooks?limit=2&fields=name").await;
    let playbooks = playbooks.as_array().unwrap();
    assert_eq!(playbooks.len(), 2);
    assert!(playbooks.iter().all(|p| p.get("name").is_some()));
    let history = app
        .read(
            &jane,
            &format!("/v1/opportunities/{opportunity}/history?limit=1&fields=to"),
        )
        .await;
    assert_eq!(items(&history).len(), 1);
    assert_eq!(keys(&items(&history)[0]), ["id", "to"]);
    assert_eq!(items(&history)[0]["to"], "final");

    // An unknown field: 422 naming `fields`, with the names there are.
    for path in [
        "/v1/opportunities?fields=company,salary".to_owned(),
        format!("/v1/opportunities/{opportunity}/contacts?fields=nmae"),
        format!("/v1/opportunities/{opportunity}/interactions?fields=notes,what"),
    ] {
        let response = app.as_(&jane, Method::GET, &path).send().await.unwrap();
        let problem = assert_problem(response, 422).await;
        let error = &problem["errors"][0];
        assert_eq!(error["field"], "fields", "{path}: {problem}");
        assert_eq!(error["code"], "unknown_field", "{path}: {problem}");
        assert!(
            error["params"]["allowed"]
                .as_array()
                .unwrap()
                .contains(&json!("id")),
            "{path}: {problem}"
        );
    }
    let response = app
        .as_(&jane, Method::GET, "/v1/opportunities?fields=,")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["code"], "empty", "{problem}");
    // A bad limit and a bad field set are reported together.
    let response = app
        .as_(&jane, Method::GET, "/v1/opportunities?limit=0&fields=x")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(response, 422).await;
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
}

#[tokio::test]
async fn a_coach_reads_a_clients_agenda_shaped_and_the_client_list_sparse() {
    let app = spawn_app().await;
    let (jane, _) = seeker(&app).await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;

    let agenda = app
        .read(
            &coach,
            &format!(
                "/v1/coach/clients/{}/agenda?{MONDAY}&fields=draft&limit=1&include=mailto",
                jane.id
            ),
        )
        .await;
    assert!(items(&agenda).len() <= 1);
    for item in items(&agenda) {
        assert!(
            keys(item).iter().all(|k| ["draft", "id"].contains(k)),
            "{item}"
        );
    }

    let clients = app
        .read(&coach, "/v1/coach/clients?fields=display_name&limit=1")
        .await;
    assert_eq!(items(&clients).len(), 1);
    assert_eq!(keys(&items(&clients)[0]), ["display_name", "id"]);
}
