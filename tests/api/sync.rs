//! `GET /v1/sync` (docs/sync.md): a full sync pages through every record of
//! the caller; after a token every create, update and delete of the six
//! record types comes once, deletions as tombstones; a malformed token is
//! 422 and one older than the retention 410 Gone.

use std::collections::{BTreeMap, BTreeSet};

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, opportunity};
use crate::helpers::{Account, TestApp, assert_problem, spawn_app, spawn_with_clock};

/// A record as a sync names it: its type and id.
type Key = (String, String);

fn key(change: &Value) -> Key {
    (
        change["type"].as_str().unwrap().to_owned(),
        change["id"].as_str().unwrap().to_owned(),
    )
}

/// Follows the sync from `token` (a full sync without one) `limit`
/// changes a page until `has_more` is false: the pages' changes, in order,
/// and the last token.
async fn follow(
    app: &TestApp,
    who: &Account,
    token: Option<&str>,
    limit: usize,
) -> (Vec<Value>, String) {
    let mut changes = Vec::new();
    let mut token = token.map(str::to_owned);
    for _ in 0..1000 {
        let mut path = format!("/v1/sync?limit={limit}");
        if let Some(token) = &token {
            path.push_str(&format!("&token={token}"));
        }
        let page = app.read(who, &path).await;
        let items = page["changes"].as_array().unwrap().clone();
        assert!(items.len() <= limit, "{page}");
        changes.extend(items);
        token = Some(page["next_token"].as_str().unwrap().to_owned());
        if !page["has_more"].as_bool().unwrap() {
            return (changes, token.unwrap());
        }
    }
    panic!("the sync never ended");
}

/// [`follow`] from `token` until `n` records changed (on PostgreSQL a
/// transaction still running anywhere in the cluster, another test's,
/// holds newer changes back for a moment; docs/events.md).
async fn follow_until(
    app: &TestApp,
    who: &Account,
    token: &str,
    limit: usize,
    n: usize,
) -> (Vec<Value>, String) {
    for _ in 0..200 {
        let (changes, next) = follow(app, who, Some(token), limit).await;
        let distinct: BTreeSet<Key> = changes.iter().map(key).collect();
        if distinct.len() >= n {
            return (changes, next);
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    follow(app, who, Some(token), limit).await
}

async fn created(app: &TestApp, who: &Account, path: &str, body: Value, field: &str) -> String {
    let (status, body) = call(app, who, Method::POST, path, Some(body)).await;
    assert_eq!(status, 201, "POST {path}: {body}");
    body[field]["id"].as_str().unwrap().to_owned()
}

async fn changed(app: &TestApp, who: &Account, method: Method, path: &str, body: Option<Value>) {
    let expected = if method == Method::DELETE { 204 } else { 200 };
    let (status, body) = call(app, who, method.clone(), path, body).await;
    assert_eq!(status, expected, "{method} {path}: {body}");
}

async fn interaction(app: &TestApp, who: &Account, opp: &str, notes: &str) -> String {
    let path = format!("/v1/opportunities/{opp}/interactions");
    let body = json!({"kind": "note", "notes": notes});
    created(app, who, &path, body, "interaction").await
}

async fn promise(app: &TestApp, who: &Account, opp: &str) -> String {
    let path = format!("/v1/opportunities/{opp}/promises");
    let body = json!({"what": "call", "due": "2099-01-08", "made_at": "2026-01-02T15:00:00Z"});
    created(app, who, &path, body, "promise").await
}

async fn profile(app: &TestApp, who: &Account, opp: &str, plan: &str) {
    let path = format!("/v1/opportunities/{opp}/profile");
    let body = json!({"first_six_months": plan});
    changed(app, who, Method::PUT, &path, Some(body)).await;
}

async fn playbook(app: &TestApp, who: &Account, name: &str) -> String {
    created(app, who, "/v1/playbooks", json!({"name": name}), "playbook").await
}

/// What the record's own `GET` returns, and its `ETag`.
async fn get_with_etag(app: &TestApp, who: &Account, (kind, id): &Key) -> (Value, String) {
    let path = match kind.as_str() {
        "opportunity" => format!("/v1/opportunities/{id}"),
        "profile" => format!("/v1/opportunities/{id}/profile"),
        "contact" => format!("/v1/contacts/{id}"),
        "interaction" => format!("/v1/interactions/{id}"),
        "promise" => format!("/v1/promises/{id}"),
        "playbook" => format!("/v1/playbooks/{id}"),
        other => panic!("no such record type {other}"),
    };
    let response = app.as_(who, Method::GET, &path).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    let etag = response.headers()["etag"].to_str().unwrap().to_owned();
    (response.json().await.unwrap(), etag)
}

/// Each upsert carries the record exactly as its `GET` returns it, with
/// the same `ETag`; each tombstone only `{type, id, deleted}`.
async fn check_data(app: &TestApp, who: &Account, changes: &[Value]) {
    for change in changes {
        if change["deleted"] == true {
            assert_eq!(change.as_object().unwrap().len(), 3, "{change}");
            continue;
        }
        let (record, etag) = get_with_etag(app, who, &key(change)).await;
        assert_eq!(change["data"], record, "{change}");
        assert_eq!(change["etag"], etag.as_str(), "{change}");
    }
}

/// A seeker's records before the token: the ones the test then updates
/// (`U`) and deletes (`D`); opportunity `d` takes a contact, an
/// interaction, a promise and a profile with it.
struct Before {
    a: String,
    opp_u: String,
    opp_d: String,
    contact_u: String,
    contact_d: String,
    interaction_u: String,
    interaction_d: String,
    promise_u: String,
    promise_d: String,
    playbook_u: String,
    playbook_d: String,
    under_d: Vec<Key>,
}

impl Before {
    async fn make(app: &TestApp, jane: &Account) -> Self {
        let a = opportunity(app, jane, "Kept Co").await;
        let opp_u = opportunity(app, jane, "Changed Co").await;
        let opp_d = opportunity(app, jane, "Deleted Co").await;
        let boss = json!({"name": "Sam Boss", "role": "hiring_manager"});
        let contact_u = contact(app, jane, &a, boss.clone()).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let contact_d = contact(app, jane, &a, boss.clone()).await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let interaction_u = interaction(app, jane, &a, "first").await;
        let interaction_d = interaction(app, jane, &a, "second").await;
        let promise_u = promise(app, jane, &a).await;
        let promise_d = promise(app, jane, &opp_u).await;
        profile(app, jane, &a, "Relaunch the newsletter.").await;
        let playbook_u = playbook(app, jane, "Gentle").await;
        let playbook_d = playbook(app, jane, "Brief").await;
        let under_d = vec![
            (
                "contact".to_owned(),
                contact(app, jane, &opp_d, boss).await["id"]
                    .as_str()
                    .unwrap()
                    .to_owned(),
            ),
            (
                "interaction".to_owned(),
                interaction(app, jane, &opp_d, "gone").await,
            ),
            ("promise".to_owned(), promise(app, jane, &opp_d).await),
            ("profile".to_owned(), {
                profile(app, jane, &opp_d, "Gone.").await;
                opp_d.clone()
            }),
        ];
        Self {
            a,
            opp_u,
            opp_d,
            contact_u,
            contact_d,
            interaction_u,
            interaction_d,
            promise_u,
            promise_d,
            playbook_u,
            playbook_d,
            under_d,
        }
    }

    /// Every record, by type and id.
    fn records(&self) -> BTreeSet<Key> {
        let k = |t: &str, id: &String| (t.to_owned(), id.clone());
        let mut all: BTreeSet<Key> = [
            k("opportunity", &self.a),
            k("opportunity", &self.opp_u),
            k("opportunity", &self.opp_d),
            k("contact", &self.contact_u),
            k("contact", &self.contact_d),
            k("interaction", &self.interaction_u),
            k("interaction", &self.interaction_d),
            k("promise", &self.promise_u),
            k("promise", &self.promise_d),
            k("profile", &self.a),
            k("playbook", &self.playbook_u),
            k("playbook", &self.playbook_d),
        ]
        .into();
        all.extend(self.under_d.iter().cloned());
        all
    }
}

const TYPE_ORDER: [&str; 6] = [
    "opportunity",
    "profile",
    "contact",
    "interaction",
    "promise",
    "playbook",
];

#[tokio::test]
async fn a_full_sync_pages_through_every_record_of_the_caller() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let before = Before::make(&app, &jane).await;
    // Someone else's records are not Jane's.
    let sam = app.register("seeker").await;
    let theirs = opportunity(&app, &sam, "Other Co").await;
    let (changes, _) = follow(&app, &jane, None, 3).await;
    let records = before.records();
    // The listing first: every record once, by type then id.
    let listing = &changes[..records.len()];
    let keys: Vec<Key> = listing.iter().map(key).collect();
    let mut sorted = keys.clone();
    sorted.sort_by_key(|(t, id)| (TYPE_ORDER.iter().position(|o| o == t), id.clone()));
    assert_eq!(keys, sorted, "by type, then id");
    assert_eq!(keys.iter().cloned().collect::<BTreeSet<_>>(), records);
    assert!(listing.iter().all(|c| c["deleted"] == false));
    check_data(&app, &jane, listing).await;
    // What may follow (a write of another test's transaction held the log
    // back on PostgreSQL) repeats Jane's records, never another's.
    for change in &changes[records.len()..] {
        assert!(records.contains(&key(change)), "{change}");
    }
    assert!(!changes.iter().any(|c| c["id"] == theirs.as_str()));

    // A coach syncs their own records: their playbooks.
    let casey = app.register("coach").await;
    let mine = playbook(&app, &casey, "Casey's way").await;
    let (changes, _) = follow(&app, &casey, None, 500).await;
    let keys: BTreeSet<Key> = changes.iter().map(key).collect();
    assert_eq!(keys, [("playbook".to_owned(), mine)].into());
}

#[tokio::test]
async fn every_create_update_and_delete_comes_once_after_a_token() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let b = Before::make(&app, &jane).await;
    let (_, token) = follow(&app, &jane, None, 100).await;
    // Anything the log still held back at the token comes first: catch up.
    let (_, token) = follow_until(&app, &jane, &token, 100, 0).await;

    // Creates.
    let opp_n = opportunity(&app, &jane, "New Co").await;
    let contact_n = contact(
        &app,
        &jane,
        &b.a,
        json!({"name": "Pat", "role": "recruiter"}),
    )
    .await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let interaction_n = interaction(&app, &jane, &b.a, "new").await;
    let promise_n = promise(&app, &jane, &opp_n).await;
    profile(&app, &jane, &opp_n, "Ship the app.").await;
    let playbook_n = playbook(&app, &jane, "Fresh").await;
    // Updates.
    let patch = |path: String, body: Value| {
        let app = &app;
        let jane = &jane;
        async move { changed(app, jane, Method::PATCH, &path, Some(body)).await }
    };
    patch(
        format!("/v1/opportunities/{}", b.opp_u),
        json!({"excitement": 5}),
    )
    .await;
    patch(
        format!("/v1/contacts/{}", b.contact_u),
        json!({"notes": "Likes mornings."}),
    )
    .await;
    patch(
        format!("/v1/interactions/{}", b.interaction_u),
        json!({"notes": "corrected"}),
    )
    .await;
    patch(
        format!("/v1/promises/{}", b.promise_u),
        json!({"due": "2099-02-01"}),
    )
    .await;
    profile(&app, &jane, &b.a, "Relaunch the newsletter and grow it.").await;
    changed(
        &app,
        &jane,
        Method::PUT,
        &format!("/v1/playbooks/{}", b.playbook_u),
        Some(json!({"name": "Gentler"})),
    )
    .await;
    // Deletes.
    for path in [
        format!("/v1/contacts/{}", b.contact_d),
        format!("/v1/interactions/{}", b.interaction_d),
        format!("/v1/promises/{}", b.promise_d),
        format!("/v1/playbooks/{}", b.playbook_d),
        format!("/v1/opportunities/{}", b.opp_d),
    ] {
        changed(&app, &jane, Method::DELETE, &path, None).await;
    }

    let k = |t: &str, id: &String| (t.to_owned(), id.clone());
    let mut expected: BTreeMap<Key, bool> = [
        (k("opportunity", &opp_n), false),
        (k("contact", &contact_n), false),
        (k("interaction", &interaction_n), false),
        (k("promise", &promise_n), false),
        (k("profile", &opp_n), false),
        (k("playbook", &playbook_n), false),
        (k("opportunity", &b.opp_u), false),
        (k("contact", &b.contact_u), false),
        (k("interaction", &b.interaction_u), false),
        (k("promise", &b.promise_u), false),
        (k("profile", &b.a), false),
        (k("playbook", &b.playbook_u), false),
        (k("contact", &b.contact_d), true),
        (k("interaction", &b.interaction_d), true),
        (k("promise", &b.promise_d), true),
        (k("playbook", &b.playbook_d), true),
        (k("opportunity", &b.opp_d), true),
    ]
    .into();
    // The deleted opportunity's profile, contact, interaction and promise
    // come as tombstones too.
    expected.extend(b.under_d.iter().map(|key| (key.clone(), true)));
    // An opportunity whose records changed changed too (the aggregate's
    // version): it comes after them, once a page at most, so on small
    // pages more than once, its last state last.
    expected.insert(k("opportunity", &b.a), false);
    let aggregates = [
        k("opportunity", &b.a),
        k("opportunity", &opp_n),
        k("opportunity", &b.opp_u),
        k("opportunity", &b.opp_d),
    ];

    for limit in [2, 500] {
        let (changes, last) = follow_until(&app, &jane, &token, limit, expected.len()).await;
        let mut seen: BTreeMap<Key, bool> = BTreeMap::new();
        for change in &changes {
            let deleted = change["deleted"].as_bool().unwrap();
            let again = seen.insert(key(change), deleted).is_some();
            assert!(
                !again || aggregates.contains(&key(change)),
                "once each (limit {limit}): {change}"
            );
        }
        assert_eq!(seen, expected, "limit {limit}");
        check_data(&app, &jane, &changes).await;
        // The last token is up to date.
        let page = app.read(&jane, &format!("/v1/sync?token={last}")).await;
        assert_eq!(page["changes"], json!([]), "{page}");
        assert_eq!(page["has_more"], false);
    }

    // Within a page the last state wins: a record made and deleted comes
    // as one tombstone.
    let (_, token) = follow(&app, &jane, None, 500).await;
    let (_, token) = follow_until(&app, &jane, &token, 500, 0).await;
    let brief = playbook(&app, &jane, "Short-lived").await;
    changed(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/playbooks/{brief}"),
        None,
    )
    .await;
    let (changes, _) = follow_until(&app, &jane, &token, 500, 1).await;
    assert_eq!(
        changes,
        [json!({"type": "playbook", "id": brief, "deleted": true})]
    );
}

#[tokio::test]
async fn a_malformed_token_is_named_and_an_old_one_is_gone() {
    let clock = followup_api::clock::Clock::manual(chrono::Utc::now());
    let app = spawn_with_clock(clock.clone()).await;
    let jane = app.register("seeker").await;
    for (query, field) in [
        ("token=abc", "token"),
        ("token=e1.1.2.3", "token"),
        ("token=e30", "token"),
        ("limit=0", "limit"),
        ("limit=501", "limit"),
    ] {
        let response = app
            .as_(&jane, Method::GET, &format!("/v1/sync?{query}"))
            .send()
            .await
            .unwrap();
        let body = assert_problem(response, 422).await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    let anonymous = app.client.get(app.url("/v1/sync")).send().await.unwrap();
    assert_problem(anonymous, 401).await;

    opportunity(&app, &jane, "Old Co").await;
    let first = app.read(&jane, "/v1/sync?limit=1").await;
    let listing = first["next_token"].as_str().unwrap().to_owned();
    let (_, token) = follow(&app, &jane, None, 100).await;
    clock.advance(chrono::Duration::days(29));
    let (_, fresh) = follow(&app, &jane, Some(&token), 100).await;
    clock.advance(chrono::Duration::days(2));
    for old in [&token, &listing] {
        let gone = app
            .as_(&jane, Method::GET, &format!("/v1/sync?token={old}"))
            .send()
            .await
            .unwrap();
        let body = assert_problem(gone, 410).await;
        let detail = body["detail"].as_str().unwrap();
        assert!(detail.contains("30 days"), "{body}");
        assert!(detail.contains("without a token"), "{body}");
    }
    // An app that kept up holds a token stamped when it last caught up.
    follow(&app, &jane, Some(&fresh), 100).await;
}

#[tokio::test]
async fn a_promise_whose_status_a_deletion_changes_comes_again() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Kept Co").await;
    let boss = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Sam Boss", "role": "hiring_manager"}),
    )
    .await;
    let path = format!("/v1/opportunities/{opp}/promises");
    let body = json!({"contact_id": boss["id"], "what": "call", "due": "2099-01-08", "made_at": "2026-01-02T15:00:00Z"});
    let promise = created(&app, &jane, &path, body, "promise").await;
    let path = format!("/v1/opportunities/{opp}/interactions");
    let body = json!({"kind": "call_connected", "contact_id": boss["id"]});
    let reply = created(&app, &jane, &path, body, "interaction").await;
    let kept = app.read(&jane, &format!("/v1/promises/{promise}")).await;
    assert_eq!(kept["status"], "kept", "{kept}");
    let (_, token) = follow(&app, &jane, None, 100).await;
    let (_, token) = follow_until(&app, &jane, &token, 100, 0).await;

    // The answer that kept it is deleted: the promise waits again.
    changed(
        &app,
        &jane,
        Method::DELETE,
        &format!("/v1/interactions/{reply}"),
        None,
    )
    .await;
    let (changes, _) = follow_until(&app, &jane, &token, 100, 3).await;
    let keys: Vec<Key> = changes.iter().map(key).collect();
    // The opportunity changed with them (it is their aggregate): it comes
    // after its last record.
    assert_eq!(
        keys,
        [
            ("interaction".to_owned(), reply),
            ("promise".to_owned(), promise.clone()),
            ("opportunity".to_owned(), opp.clone()),
        ]
    );
    assert_eq!(changes[0]["deleted"], true);
    assert_ne!(changes[1]["data"]["status"], "kept", "{}", changes[1]);
    check_data(&app, &jane, &changes).await;
}
