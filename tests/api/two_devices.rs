//! Two devices of one seeker, as a mobile app uses the API: each keeps a
//! copy of the records built from `GET /v1/sync`, works offline (records
//! made with ids of its own, edits sent with the `If-Match` of its copy),
//! refreshes its session at the same moment from two requests, and one of
//! them runs ten minutes fast. After they sync, both copies are the same as
//! the server's, and nothing either device did is lost.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

type Key = (String, String);

/// A device: its session and its copy, each record with its ETag.
struct Device {
    access: String,
    refresh: String,
    token: Option<String>,
    copy: BTreeMap<Key, (Value, String)>,
}

impl Device {
    async fn signed_in(app: &TestApp, email: &str, password: &str) -> Self {
        let response = app
            .client
            .post(app.url("/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let body: Value = response.json().await.unwrap();
        Self {
            access: body["access_token"].as_str().unwrap().to_owned(),
            refresh: body["refresh_token"].as_str().unwrap().to_owned(),
            token: None,
            copy: BTreeMap::new(),
        }
    }

    fn request(&self, app: &TestApp, method: Method, path: &str) -> reqwest::RequestBuilder {
        app.client
            .request(method, app.url(path))
            .bearer_auth(&self.access)
    }

    async fn send(
        &self,
        app: &TestApp,
        method: Method,
        path: &str,
        body: Value,
        if_match: Option<&str>,
    ) -> (u16, Value, Option<String>) {
        let mut request = self.request(app, method, path).json(&body);
        if let Some(tag) = if_match {
            request = request.header("If-Match", tag);
        }
        let response = request.send().await.unwrap();
        let status = response.status().as_u16();
        let etag = response
            .headers()
            .get("etag")
            .map(|v| v.to_str().unwrap().to_owned());
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::Null),
            etag,
        )
    }

    /// Follows the sync from its token until `has_more` is false,
    /// applying every change to the copy.
    async fn sync(&mut self, app: &TestApp) {
        loop {
            let mut path = "/v1/sync?limit=3".to_owned();
            if let Some(token) = &self.token {
                path.push_str(&format!("&token={token}"));
            }
            let response = self.request(app, Method::GET, &path).send().await.unwrap();
            assert_eq!(response.status(), 200, "GET {path}");
            let page: Value = response.json().await.unwrap();
            for change in page["changes"].as_array().unwrap() {
                let key = (
                    change["type"].as_str().unwrap().to_owned(),
                    change["id"].as_str().unwrap().to_owned(),
                );
                if change["deleted"] == true {
                    self.copy.remove(&key);
                } else {
                    let etag = change["etag"].as_str().unwrap().to_owned();
                    self.copy.insert(key, (change["data"].clone(), etag));
                }
            }
            self.token = Some(page["next_token"].as_str().unwrap().to_owned());
            if page["has_more"] == false {
                return;
            }
        }
    }

    fn etag(&self, kind: &str, id: &str) -> String {
        self.copy[&(kind.to_owned(), id.to_owned())].1.clone()
    }

    fn data(&self, kind: &str, id: &str) -> &Value {
        &self.copy[&(kind.to_owned(), id.to_owned())].0
    }
}

/// What a device that signs in now gets from a full sync.
async fn server_copy(app: &TestApp, email: &str, password: &str) -> BTreeMap<Key, (Value, String)> {
    let mut fresh = Device::signed_in(app, email, password).await;
    fresh.sync(app).await;
    fresh.copy
}

/// Syncs both devices until their copies are the server's (on PostgreSQL
/// a transaction still running anywhere in the cluster holds the newest
/// changes back for a moment; they come in a later sync, never skipped).
async fn converge(app: &TestApp, devices: [&mut Device; 2], email: &str, password: &str) {
    let [a, b] = devices;
    for _ in 0..100 {
        a.sync(app).await;
        b.sync(app).await;
        let server = server_copy(app, email, password).await;
        if a.copy == server && b.copy == server {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    let server = server_copy(app, email, password).await;
    assert_eq!(a.copy, server, "device A did not converge");
    assert_eq!(b.copy, server, "device B did not converge");
}

fn v7() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[tokio::test]
async fn two_devices_work_offline_and_converge_with_nothing_lost() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let (email, password) = (jane.email.clone(), jane.password.clone());
    let mut a = Device::signed_in(&app, &email, &password).await;
    let mut b = Device::signed_in(&app, &email, &password).await;

    // Online: A adds the opportunity; both devices sync it.
    let opp = v7();
    let (status, body, _) = a
        .send(
            &app,
            Method::POST,
            "/v1/opportunities",
            json!({"id": opp, "company": "Online Media Co", "title": "Editor", "stage": "final"}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    converge(&app, [&mut a, &mut b], &email, &password).await;
    assert_eq!(b.data("opportunity", &opp)["company"], "Online Media Co");

    // A's access token expired: two of its requests refresh at once with
    // the same refresh token. Both get the same new pair; A stays signed in.
    let refresh = |token: String| {
        app.client
            .post(app.url("/v1/auth/refresh"))
            .json(&json!({"refresh_token": token}))
            .send()
    };
    let (one, two) = tokio::join!(refresh(a.refresh.clone()), refresh(a.refresh.clone()));
    let (one, two) = (one.unwrap(), two.unwrap());
    assert_eq!((one.status().as_u16(), two.status().as_u16()), (200, 200));
    let (one, two): (Value, Value) = (one.json().await.unwrap(), two.json().await.unwrap());
    assert_eq!(one, two, "the same new pair");
    a.access = one["access_token"].as_str().unwrap().to_owned();
    a.refresh = one["refresh_token"].as_str().unwrap().to_owned();

    // Offline, A (whose clock runs ten minutes fast) meets the hiring
    // manager and notes it; B writes notes on the opportunity and logs a
    // call. Each makes its records with ids of its own.
    let contact = v7();
    let noted = v7();
    let called = v7();
    let fast = (Utc::now() + Duration::minutes(10)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let b_copy_of_opp = b.etag("opportunity", &opp);

    // Back online, A's queue goes first.
    let (status, body, _) = a
        .send(
            &app,
            Method::POST,
            &format!("/v1/opportunities/{opp}/contacts"),
            json!({"id": contact, "name": "Sam Boss", "role": "hiring_manager"}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let (status, body, _) = a
        .send(
            &app,
            Method::POST,
            &format!("/v1/opportunities/{opp}/interactions"),
            json!({"id": noted, "kind": "note", "notes": "Met Sam at the final", "contact_id": contact, "occurred_at": fast}),
            None,
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let at: DateTime<Utc> = body["interaction"]["occurred_at"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(at <= Utc::now(), "the fast clock is clamped: {body}");
    assert!(
        body["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["code"] == "clock_ahead"),
        "{body}"
    );

    // Then B's. Its copy of the opportunity is stale now (A's records
    // changed the aggregate): the 412 carries the opportunity as it is,
    // B merges its notes into it and retries with its ETag.
    let (status, problem, current) = b
        .send(
            &app,
            Method::PATCH,
            &format!("/v1/opportunities/{opp}"),
            json!({"notes": "Ask about the start date"}),
            Some(&b_copy_of_opp),
        )
        .await;
    assert_eq!(status, 412, "{problem}");
    assert_eq!(problem["current"]["id"], opp.as_str(), "{problem}");
    let (status, body, _) = b
        .send(
            &app,
            Method::PATCH,
            &format!("/v1/opportunities/{opp}"),
            json!({"notes": "Ask about the start date"}),
            current.as_deref(),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let call_body =
        json!({"id": called, "kind": "call_no_answer", "notes": "No answer, no voicemail"});
    let path = format!("/v1/opportunities/{opp}/interactions");
    let (status, body, _) = b
        .send(&app, Method::POST, &path, call_body.clone(), None)
        .await;
    assert_eq!(status, 201, "{body}");
    // The answer was lost on the way: B sends it again, and learns that it
    // is there already.
    let (status, problem, _) = b.send(&app, Method::POST, &path, call_body, None).await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem.to_string().contains(&called), "{problem}");

    converge(&app, [&mut a, &mut b], &email, &password).await;

    // Each edits what the other made, with the ETags its copy holds: A
    // deletes B's call log, B adds a phone number to A's contact.
    let (status, body, _) = a
        .send(
            &app,
            Method::DELETE,
            &format!("/v1/interactions/{called}"),
            json!({}),
            Some(&a.etag("interaction", &called)),
        )
        .await;
    assert_eq!(status, 204, "{body}");
    let (status, body, _) = b
        .send(
            &app,
            Method::PATCH,
            &format!("/v1/contacts/{contact}"),
            json!({"phone": "+1 212 555 0142"}),
            Some(&b.etag("contact", &contact)),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    converge(&app, [&mut a, &mut b], &email, &password).await;
    for device in [&a, &b] {
        let kinds: Vec<&str> = device.copy.keys().map(|(kind, _)| kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["contact", "interaction", "opportunity"],
            "{:?}",
            device.copy.keys()
        );
        assert_eq!(
            device.data("opportunity", &opp)["notes"],
            "Ask about the start date"
        );
        assert_eq!(device.data("contact", &contact)["phone"], "+12125550142");
        assert_eq!(
            device.data("interaction", &noted)["contact_id"],
            contact.as_str()
        );
        assert!(
            !device
                .copy
                .contains_key(&("interaction".to_owned(), called.clone()))
        );
    }

    // A stale copy still cannot overwrite: A's ETag of the contact is the
    // one B's change replaced until A synced; it has the new one now.
    let (status, _, _) = a
        .send(
            &app,
            Method::PATCH,
            &format!("/v1/contacts/{contact}"),
            json!({"notes": "Prefers mornings"}),
            Some("\"1\""),
        )
        .await;
    assert_eq!(status, 412);
    let response = a
        .request(&app, Method::PATCH, &format!("/v1/contacts/{contact}"))
        .header("If-Match", a.etag("contact", &contact))
        .json(&json!({"notes": "Prefers mornings"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = a
        .request(&app, Method::GET, &format!("/v1/interactions/{called}"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404).await;
}
