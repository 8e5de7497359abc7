//! The HTTP conventions clients and load balancers expect: HEAD wherever
//! GET is, compressed answers when asked (gzip, br, zstd), and ETags that
//! stay correct under compression (weak, so a conditional GET still gets
//! its 304).

use std::io::Read as _;

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// Ten opportunities at the final stage, each with an interview a week
/// ago: ten follow-ups due on the agenda.
async fn ten_opportunities(app: &TestApp, jane: &Account) {
    let week_ago = (chrono::Utc::now() - chrono::Duration::days(7))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    for i in 0..10 {
        let created = app
            .as_(jane, Method::POST, "/v1/opportunities")
            .json(&json!({
                "company": format!("Company number {i} of a long pipeline"),
                "title": format!("Senior editor of the evening edition, desk {i}"),
                "stage": "final",
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(created.status(), 201);
        let created: Value = created.json().await.unwrap();
        let opp = created["opportunity"]["id"].as_str().unwrap();
        let contact: Value = app
            .as_(jane, Method::POST, &format!("/v1/opportunities/{opp}/contacts"))
            .json(&json!({"name": format!("Hiring Manager {i}"), "role": "hiring_manager", "email": format!("boss{i}@example.com")}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let interview = app
            .as_(jane, Method::POST, &format!("/v1/opportunities/{opp}/interactions"))
            .json(&json!({"kind": "interview", "contact_id": contact["contact"]["id"], "occurred_at": week_ago}))
            .send()
            .await
            .unwrap();
        assert_eq!(interview.status(), 201);
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).map(|v| v.to_str().unwrap())
}

fn varies_on_accept_encoding(headers: &HeaderMap) -> bool {
    headers
        .get_all("vary")
        .iter()
        .flat_map(|v| v.to_str().unwrap().split(','))
        .any(|v| v.trim().eq_ignore_ascii_case("accept-encoding"))
}

/// The bytes of `body` decoded from `coding`.
fn decode(coding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .unwrap();
        }
        "br" => {
            brotli_decompressor::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .unwrap();
        }
        "zstd" => out = zstd::decode_all(body).unwrap(),
        other => panic!("unexpected coding {other}"),
    }
    out
}

/// The headers a HEAD must repeat from the GET (framing, validators, type).
const REPEATED: [&str; 6] = [
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "etag",
    "vary",
];

/// GET then HEAD on `path` (as `account` when given, with `accept_encoding`
/// when given): same status and headers, no body. Retried when the answer
/// changed in between (the agenda is kept per minute).
async fn head_answers_like_get(
    app: &TestApp,
    account: Option<&Account>,
    path: &str,
    accept_encoding: Option<&str>,
) {
    let request = |method: Method| {
        let mut request = match account {
            Some(account) => app.as_(account, method, path),
            None => app.client.request(method, app.url(path)),
        };
        if let Some(coding) = accept_encoding {
            request = request.header("accept-encoding", coding);
        }
        request
    };
    for attempt in 0..3 {
        let get = request(Method::GET).send().await.unwrap();
        let head = request(Method::HEAD).send().await.unwrap();
        assert_eq!(get.status(), 200, "GET {path}");
        assert_eq!(head.status(), get.status(), "HEAD {path}");
        if attempt < 2 && header(get.headers(), "etag") != header(head.headers(), "etag") {
            continue;
        }
        for name in REPEATED {
            assert_eq!(
                header(head.headers(), name),
                header(get.headers(), name),
                "HEAD {path} ({accept_encoding:?}): {name}"
            );
        }
        assert!(
            header(get.headers(), "content-length").is_some()
                || header(get.headers(), "transfer-encoding") == Some("chunked"),
            "GET {path}: framed"
        );
        assert!(!get.bytes().await.unwrap().is_empty(), "GET {path}: a body");
        assert!(
            head.bytes().await.unwrap().is_empty(),
            "HEAD {path}: no body"
        );
        return;
    }
}

#[tokio::test]
async fn head_answers_like_get_without_a_body() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    ten_opportunities(&app, &jane).await;
    for coding in [None, Some("gzip")] {
        head_answers_like_get(&app, None, "/healthz", coding).await;
        head_answers_like_get(&app, None, "/openapi.json", coding).await;
        head_answers_like_get(&app, Some(&jane), "/v1/me", coding).await;
        head_answers_like_get(&app, Some(&jane), "/v1/agenda", coding).await;
    }
    let head = app
        .client
        .head(app.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    let length: usize = header(head.headers(), "content-length")
        .unwrap()
        .parse()
        .unwrap();
    assert!(length > 1024, "the length of the GET's body: {length}");

    // HEAD needs what GET needs.
    let anonymous = app.client.head(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    assert!(anonymous.bytes().await.unwrap().is_empty());
    let nowhere = app
        .client
        .head(app.url("/v1/nothing-here"))
        .send()
        .await
        .unwrap();
    assert_eq!(nowhere.status(), 404);
}

#[tokio::test]
async fn head_on_a_post_only_path_is_a_405_and_allow_lists_head_beside_get() {
    let app = spawn_app().await;
    let head = app
        .client
        .head(app.url("/v1/auth/register"))
        .send()
        .await
        .unwrap();
    assert_eq!(head.status(), 405);
    assert_eq!(header(head.headers(), "allow"), Some("POST"));
    assert!(head.bytes().await.unwrap().is_empty());

    let post = app.client.post(app.url("/v1/agenda")).send().await.unwrap();
    assert_eq!(header(post.headers(), "allow"), Some("GET, HEAD"));
    assert_problem(post, 405).await;
    let options = app
        .client
        .request(Method::OPTIONS, app.url("/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(options.status(), 204);
    assert_eq!(
        header(options.headers(), "allow"),
        Some("DELETE, GET, HEAD, PATCH")
    );
}

/// The plain agenda and the agenda asked for in `coding`, from the same
/// minute (retried when a minute turned in between).
async fn agenda_plain_and_coded(
    app: &TestApp,
    jane: &Account,
    coding: &str,
) -> (reqwest::Response, reqwest::Response) {
    for _ in 0..3 {
        let plain = app
            .as_(jane, Method::GET, "/v1/agenda")
            .send()
            .await
            .unwrap();
        let coded = app
            .as_(jane, Method::GET, "/v1/agenda")
            .header("accept-encoding", coding)
            .send()
            .await
            .unwrap();
        let plain_tag = header(plain.headers(), "etag").unwrap().to_owned();
        let coded_tag = header(coded.headers(), "etag").unwrap().to_owned();
        if coded_tag == format!("W/{plain_tag}") {
            return (plain, coded);
        }
    }
    panic!("the agenda kept changing");
}

#[tokio::test]
async fn a_large_agenda_is_compressed_when_asked_and_its_etag_is_weak() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    ten_opportunities(&app, &jane).await;

    for coding in ["gzip", "br", "zstd"] {
        let (plain, coded) = agenda_plain_and_coded(&app, &jane, coding).await;
        assert_eq!(plain.status(), 200);
        assert_eq!(coded.status(), 200);
        assert_eq!(header(plain.headers(), "content-encoding"), None);
        assert!(varies_on_accept_encoding(plain.headers()));
        let strong = header(plain.headers(), "etag").unwrap().to_owned();
        assert!(!strong.starts_with("W/"), "{strong}");

        assert_eq!(header(coded.headers(), "content-encoding"), Some(coding));
        assert!(varies_on_accept_encoding(coded.headers()), "{coding}: Vary");
        assert_eq!(
            header(coded.headers(), "content-type"),
            header(plain.headers(), "content-type")
        );
        let weak = header(coded.headers(), "etag").unwrap().to_owned();
        assert_eq!(weak, format!("W/{strong}"), "{coding}");

        let plain = plain.bytes().await.unwrap();
        assert!(plain.len() > 1024, "ten follow-ups: {} bytes", plain.len());
        let plain: Value = serde_json::from_slice(&plain).unwrap();
        assert!(plain["items"].as_array().unwrap().len() >= 10, "{plain}");
        let coded = coded.bytes().await.unwrap();
        assert!(
            serde_json::from_slice::<Value>(&coded).is_err(),
            "{coding}: encoded"
        );
        let decoded: Value = serde_json::from_slice(&decode(coding, &coded)).unwrap();
        assert_eq!(decoded, plain, "{coding}");

        // The tag received on the compressed answer revalidates it, with
        // or without the coding, and so does the strong one.
        for (tag, accept) in [
            (weak.as_str(), Some(coding)),
            (weak.as_str(), None),
            (strong.as_str(), Some(coding)),
        ] {
            let mut request = app
                .as_(&jane, Method::GET, "/v1/agenda")
                .header("if-none-match", tag);
            if let Some(accept) = accept {
                request = request.header("accept-encoding", accept);
            }
            let revalidated = request.send().await.unwrap();
            assert_eq!(revalidated.status(), 304, "{coding}: {tag} {accept:?}");
            let expected = match accept {
                Some(_) => weak.clone(),
                None => strong.clone(),
            };
            assert_eq!(
                header(revalidated.headers(), "etag"),
                Some(expected.as_str())
            );
            assert!(varies_on_accept_encoding(revalidated.headers()));
            assert!(revalidated.bytes().await.unwrap().is_empty());
        }
    }
}

#[tokio::test]
async fn the_csv_export_and_the_calendar_feed_are_compressed_when_asked() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    ten_opportunities(&app, &jane).await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/me/feed-tokens")
        .json(&json!({"name": "Phone calendar"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let feed = created["path"].as_str().unwrap().to_owned();

    for coding in ["gzip", "br", "zstd"] {
        let plain = app
            .as_(&jane, Method::GET, "/v1/export.csv")
            .send()
            .await
            .unwrap();
        assert_eq!(plain.status(), 200);
        let plain = plain.text().await.unwrap();
        assert!(plain.len() > 1024, "{} bytes", plain.len());
        let coded = app
            .as_(&jane, Method::GET, "/v1/export.csv")
            .header("accept-encoding", coding)
            .send()
            .await
            .unwrap();
        assert_eq!(coded.status(), 200);
        assert_eq!(header(coded.headers(), "content-encoding"), Some(coding));
        assert!(varies_on_accept_encoding(coded.headers()));
        assert!(
            header(coded.headers(), "content-type")
                .unwrap()
                .starts_with("text/csv")
        );
        let decoded = String::from_utf8(decode(coding, &coded.bytes().await.unwrap())).unwrap();
        assert_eq!(decoded.lines().count(), plain.lines().count(), "{coding}");
        assert_eq!(decoded.lines().next(), plain.lines().next(), "{coding}");

        let plain = app.client.get(app.url(&feed)).send().await.unwrap();
        assert_eq!(plain.status(), 200);
        let plain = plain.text().await.unwrap();
        assert!(plain.len() > 1024, "{} bytes", plain.len());
        let coded = app
            .client
            .get(app.url(&feed))
            .header("accept-encoding", coding)
            .send()
            .await
            .unwrap();
        assert_eq!(coded.status(), 200);
        assert_eq!(header(coded.headers(), "content-encoding"), Some(coding));
        assert!(varies_on_accept_encoding(coded.headers()));
        assert!(
            header(coded.headers(), "content-type")
                .unwrap()
                .starts_with("text/calendar")
        );
        let decoded = String::from_utf8(decode(coding, &coded.bytes().await.unwrap())).unwrap();
        assert!(decoded.starts_with("BEGIN:VCALENDAR"), "{coding}");
        assert_eq!(
            decoded.matches("BEGIN:VEVENT").count(),
            plain.matches("BEGIN:VEVENT").count(),
            "{coding}"
        );
        assert!(decoded.matches("BEGIN:VEVENT").count() >= 10, "{decoded}");
    }
}

#[tokio::test]
async fn small_answers_and_problems_stay_plain_and_readable() {
    let app = spawn_app().await;
    let health = app
        .client
        .get(app.url("/healthz"))
        .header("accept-encoding", "gzip, br, zstd")
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    assert_eq!(header(health.headers(), "content-encoding"), None);
    assert!(varies_on_accept_encoding(health.headers()));
    let _: Value = health.json().await.unwrap();

    let problem = app
        .client
        .get(app.url("/v1/nothing-here"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(problem.headers(), "content-encoding"), None);
    assert_problem(problem, 404).await;
    let unauthenticated = app
        .client
        .get(app.url("/v1/agenda"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_problem(unauthenticated, 401).await;
}

#[tokio::test]
async fn a_weak_etag_received_under_compression_still_serves_if_match() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "title": "Editor"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let path = format!(
        "/v1/opportunities/{}",
        created["opportunity"]["id"].as_str().unwrap()
    );
    let read = app
        .as_(&jane, Method::GET, &path)
        .header("accept-encoding", "gzip, br")
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let weak = header(read.headers(), "etag").unwrap().to_owned();
    assert!(weak.starts_with("W/\""), "{weak}");

    let changed = app
        .as_(&jane, Method::PATCH, &path)
        .header("accept-encoding", "gzip")
        .header("if-match", &weak)
        .json(&json!({"notes": "first"}))
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 200);
    let stale = app
        .as_(&jane, Method::PATCH, &path)
        .header("accept-encoding", "gzip")
        .header("if-match", &weak)
        .json(&json!({"notes": "second"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        header(stale.headers(), "etag"),
        header(changed.headers(), "etag"),
        "the 412 names the current version, weak as the 200 was"
    );
    assert_problem(stale, 412).await;
}

/// GETs `path` (as `who`, or without credentials) and returns the status,
/// the ETag and the body.
async fn get_tagged(
    app: &TestApp,
    who: Option<&Account>,
    path: &str,
    if_none_match: Option<&str>,
) -> (u16, Option<String>, String) {
    let mut request = match who {
        Some(who) => app.as_(who, Method::GET, path),
        None => app.client.get(app.url(path)),
    };
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let etag = header(response.headers(), "etag").map(str::to_owned);
    (status, etag, response.text().await.unwrap())
}

#[tokio::test]
async fn lists_the_export_the_feed_and_the_account_have_etags_and_answer_304() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    ten_opportunities(&app, &jane).await;
    let created: Value = app
        .as_(&jane, Method::POST, "/v1/me/feed-tokens")
        .json(&json!({"name": "Phone calendar"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let feed = created["path"].as_str().unwrap().to_owned();
    // The calendar feed and the JSON export say when they were made
    // (DTSTAMP, exported_at): their weak ETag covers everything else, so a
    // later read of the same data is a 304 too.
    for (who, path) in [
        (None, feed.as_str()),
        (Some(&jane), "/v1/export"),
        (Some(&jane), "/v1/opportunities"),
        (Some(&jane), "/v1/export.csv"),
        (Some(&jane), "/v1/me"),
        (Some(&jane), "/v1/grants"),
        (None, "/openapi.json"),
    ] {
        let (status, etag, body) = get_tagged(&app, who, path, None).await;
        assert_eq!(status, 200, "{path}: {body}");
        let etag = etag.unwrap_or_else(|| panic!("{path}: no ETag"));
        let (status, again, body) = get_tagged(&app, who, path, Some(&etag)).await;
        assert_eq!(status, 304, "{path} with If-None-Match {etag}");
        assert!(body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(again.as_deref(), Some(etag.as_str()), "{path}");
        let (status, _, _) = get_tagged(&app, who, path, Some("\"c-other\"")).await;
        assert_eq!(status, 200, "{path} with another tag");
    }
    // A change moves the list's ETag, the export's and the feed's.
    let (_, before, _) = get_tagged(&app, Some(&jane), "/v1/opportunities", None).await;
    let (_, export_before, _) = get_tagged(&app, Some(&jane), "/v1/export", None).await;
    let (_, feed_before, _) = get_tagged(&app, None, &feed, None).await;
    assert!(export_before.as_deref().unwrap().starts_with("W/"));
    let made = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Eleventh", "title": "Editor"}))
        .send()
        .await
        .unwrap();
    assert_eq!(made.status(), 201);
    let (status, after, _) =
        get_tagged(&app, Some(&jane), "/v1/opportunities", before.as_deref()).await;
    assert_eq!(status, 200, "the list changed");
    assert_ne!(after, before);
    let (status, _, _) =
        get_tagged(&app, Some(&jane), "/v1/export", export_before.as_deref()).await;
    assert_eq!(status, 200, "the export changed");
    let (status, _, _) = get_tagged(&app, None, &feed, feed_before.as_deref()).await;
    assert_eq!(status, 200, "the feed changed");
    // Errors carry no content ETag.
    let (status, etag, _) = get_tagged(&app, None, "/v1/opportunities", None).await;
    assert_eq!(status, 401);
    assert_eq!(etag, None);
}

/// GET `path` as `who` with `Accept-Encoding: accept_encoding` (when given)
/// and `If-None-Match: if_none_match` (when given): status, headers, and
/// the raw (still encoded) body.
async fn get_raw(
    app: &TestApp,
    who: &Account,
    path: &str,
    accept_encoding: Option<&str>,
    if_none_match: Option<&str>,
) -> (u16, HeaderMap, Vec<u8>) {
    let mut request = app.as_(who, Method::GET, path);
    if let Some(coding) = accept_encoding {
        request = request.header("accept-encoding", coding);
    }
    if let Some(tag) = if_none_match {
        request = request.header("if-none-match", tag);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// The generic content ETag (docs/architecture.md, "Conditional
/// requests"), on a paged list, a whole list, the account, the analytics
/// and a coach's view: a 200 has a strong `"c…"` ETag and says
/// `Cache-Control: private, no-cache`; `If-None-Match` with it is a 304
/// with no body and the same ETag, `Vary` and `Cache-Control`; gzip makes
/// the tag weak and the 304 still answers (to either form); a write that
/// changes the answer gives a 200 with another ETag.
#[tokio::test]
async fn lists_the_account_and_the_views_answer_304_until_a_write_changes_them() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let coach = app.register("coach").await;
    app.grant(&jane, &coach).await;
    ten_opportunities(&app, &jane).await;
    let opportunities = app.read(&jane, "/v1/opportunities").await;
    let opp = opportunities["items"][0]["id"].as_str().unwrap().to_owned();
    let contacts = format!("/v1/opportunities/{opp}/contacts");
    let pipeline = format!("/v1/coach/clients/{}/pipeline", jane.id);
    let analytics = format!("/v1/coach/clients/{}/analytics", jane.id);
    let new_contact = json!({"name": "Another Person", "role": "recruiter"});
    let new_opportunity = |company: &str| json!({"company": company, "title": "Editor"});
    // (reader, path, who writes, the write that changes the answer)
    let cases: [(&Account, &str, Method, &str, Value); 7] = [
        (
            &jane,
            "/v1/opportunities",
            Method::POST,
            "/v1/opportunities",
            new_opportunity("Eleventh"),
        ),
        (&jane, &contacts, Method::POST, &contacts, new_contact),
        (
            &jane,
            "/v1/me/feed-tokens",
            Method::POST,
            "/v1/me/feed-tokens",
            json!({"name": "Tablet"}),
        ),
        (
            &jane,
            "/v1/me",
            Method::PATCH,
            "/v1/me",
            json!({"display_name": "Jane Q."}),
        ),
        (
            &jane,
            "/v1/analytics",
            Method::POST,
            "/v1/opportunities",
            new_opportunity("Twelfth"),
        ),
        (
            &coach,
            &pipeline,
            Method::POST,
            "/v1/opportunities",
            new_opportunity("Thirteenth"),
        ),
        (
            &coach,
            &analytics,
            Method::POST,
            "/v1/opportunities",
            new_opportunity("Fourteenth"),
        ),
    ];
    for (who, path, method, write, change) in cases {
        let (status, headers, first) = get_raw(&app, who, path, None, None).await;
        assert_eq!(status, 200, "{path}: {}", String::from_utf8_lossy(&first));
        let etag = header(&headers, "etag")
            .unwrap_or_else(|| panic!("{path}: no ETag"))
            .to_owned();
        // The pipeline says when it was evaluated (`at`): its weak ETag
        // covers the rest. Every other answer here has a content ETag.
        let kind = if path.ends_with("/pipeline") {
            "W/\"w"
        } else {
            "\"c"
        };
        assert!(etag.starts_with(kind), "{path}: {etag}");
        assert_eq!(
            header(&headers, "cache-control"),
            Some("private, no-cache"),
            "{path}"
        );
        // Unchanged: 304, no body, the same validators and caching headers.
        let (status, not_modified, body) = get_raw(&app, who, path, None, Some(&etag)).await;
        assert_eq!(
            status,
            304,
            "{path}: {} then {}",
            String::from_utf8_lossy(&first),
            String::from_utf8_lossy(&body)
        );
        assert!(body.is_empty(), "{path}: a 304 has no body");
        assert_eq!(header(&not_modified, "etag"), Some(etag.as_str()), "{path}");
        assert_eq!(
            header(&not_modified, "cache-control"),
            Some("private, no-cache"),
            "{path}"
        );
        assert!(varies_on_accept_encoding(&not_modified), "{path}");
        assert_eq!(header(&not_modified, "content-type"), None, "{path}");
        // In a list with others, and weak: the same.
        let listed = format!("\"other\", W/{}", etag.trim_start_matches("W/"));
        let (status, _, _) = get_raw(&app, who, path, None, Some(&listed)).await;
        assert_eq!(status, 304, "{path} with {listed}");
        // Compressed: the tag of the identity body, made weak; the 304
        // answers the weak tag and the strong one, and has no body.
        let (status, gzipped, body) = get_raw(&app, who, path, Some("gzip"), None).await;
        assert_eq!(status, 200, "{path}");
        let weak = if etag.starts_with("W/") {
            etag.clone()
        } else {
            format!("W/{etag}")
        };
        assert_eq!(header(&gzipped, "etag"), Some(weak.as_str()), "{path}");
        if header(&gzipped, "content-encoding") == Some("gzip") {
            assert_eq!(decode("gzip", &body), first, "{path}: the same content");
        }
        for tag in [&weak, &etag] {
            let (status, not_modified, body) =
                get_raw(&app, who, path, Some("gzip"), Some(tag)).await;
            assert_eq!(status, 304, "{path} gzip with {tag}");
            assert!(body.is_empty(), "{path}: a compressed 304 has no body");
            assert_eq!(header(&not_modified, "etag"), Some(weak.as_str()), "{path}");
            assert_eq!(header(&not_modified, "content-encoding"), None, "{path}");
        }
        // A write that changes the answer: 200 with another ETag.
        let written = app
            .as_(&jane, method, write)
            .json(&change)
            .send()
            .await
            .unwrap();
        let status = written.status();
        let text = written.text().await.unwrap();
        assert!(status.is_success(), "{write}: {status} {text}");
        let (status, headers, _) = get_raw(&app, who, path, None, Some(&etag)).await;
        assert_eq!(status, 200, "{path} after {write}");
        let after = header(&headers, "etag").unwrap();
        assert!(after.starts_with(kind) && after != etag, "{path}: {after}");
    }
    // Without credentials (the spec): an ETag, no caching policy.
    let spec = app.get("/openapi.json").await;
    assert!(spec.headers().contains_key("etag"));
    assert!(!spec.headers().contains_key("cache-control"));
}
