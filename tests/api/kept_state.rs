//! The kept state equals a fresh evaluation after every kind of write that
//! can change the advice: after each write, the kept agenda (`GET
//! /v1/agenda`, kept per seeker for the minute) has the items of a fresh
//! evaluation at the kept answer's own instant (`?at=`, never kept), for the
//! seeker and for their coach. The agenda is read, and so kept, before every
//! write, and every write that should change it must change it, so a kept
//! answer that missed the write fails.
//!
//! The same walk runs with two servers on one database: every write goes
//! through one, every read through the other, whose kept agenda only learns
//! of the write through the database (docs/architecture.md, "One write path").

use chrono::{Duration, SecondsFormat, Utc};
use followup_store::Backend;
use followup_store::testing::TestDatabase;
use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, spawn_app, spawn_beside};

/// Whether a write must change the agenda's items, or may leave them as
/// they are (kept must equal fresh either way).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Shows {
    Changed,
    Maybe,
}

/// A seeker and their coach, writing through `writer` and reading through
/// `reader`, and the seeker's last kept agenda.
struct Walk<'a> {
    writer: &'a TestApp,
    reader: &'a TestApp,
    seeker: Account,
    coach: Account,
    /// Whether the coach still holds a grant, so their view can be read.
    coached: bool,
    last: Value,
}

impl Walk<'_> {
    /// The kept agenda at `path`, as `who` reads it through the reader,
    /// checked against a fresh evaluation at its own instant.
    async fn kept_equals_fresh(&self, who: &Account, path: &str, step: &str) -> Value {
        let kept: Value = self.reader.read(who, path).await;
        let at = kept["at"].as_str().unwrap();
        let fresh: Value = self.reader.read(who, &format!("{path}?at={at}")).await;
        assert_eq!(
            fresh["at"], kept["at"],
            "{step}: {path} at the kept instant"
        );
        assert_eq!(
            kept["items"], fresh["items"],
            "{step}: the kept {path} differs from a fresh evaluation at {at}"
        );
        kept
    }

    /// The seeker's kept agenda, checked as the seeker and (while the
    /// grant lasts) as the coach sees it.
    async fn check(&self, step: &str) -> Value {
        let kept = self
            .kept_equals_fresh(&self.seeker, "/v1/agenda", step)
            .await;
        if self.coached {
            let path = format!("/v1/coach/clients/{}/agenda", self.seeker.id);
            self.kept_equals_fresh(&self.coach, &path, step).await;
        }
        kept
    }

    /// Sends a write as `who` through the writer; then the reader's kept
    /// agenda must equal a fresh one and, if `shows` says so, differ from
    /// the one kept before the write. Returns the write's answer.
    async fn write(
        &mut self,
        step: &str,
        who: Who,
        method: Method,
        path: &str,
        body: Option<Value>,
        shows: Shows,
    ) -> Value {
        let before = self.check(&format!("{step} (before)")).await;
        let account = match who {
            Who::Seeker => &self.seeker,
            Who::Coach => &self.coach,
        };
        let mut request = self.writer.as_(account, method, path);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let answer = if status == 204 {
            Value::Null
        } else {
            response.json().await.unwrap()
        };
        assert!(status.is_success(), "{step}: {status} {answer}");
        let after = self.check(step).await;
        if shows == Shows::Changed {
            assert_ne!(
                after["items"], before["items"],
                "{step}: the write does not show in the agenda"
            );
        }
        self.last = after;
        answer
    }
}

#[derive(Debug, Clone, Copy)]
enum Who {
    Seeker,
    Coach,
}

fn ago(days: i64) -> String {
    (Utc::now() - Duration::days(days)).to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn ahead(days: i64) -> String {
    (Utc::now() + Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

fn id(answer: &Value, key: &str) -> String {
    answer[key]["id"].as_str().unwrap().to_owned()
}

/// Every kind of write to what the engine reads, in an order where each
/// one changes the seeker's agenda: their pipeline, their contacts,
/// interactions, promises and profiles, their settings, and the playbooks
/// they follow, written by them and by their coach.
async fn walk_every_write(writer: &TestApp, reader: &TestApp) {
    use Method as M;
    use Shows::{Changed, Maybe};
    use Who::{Coach, Seeker};

    let seeker = writer.register("seeker").await;
    let coach = writer.register("coach").await;
    let grant = writer.grant(&seeker, &coach).await;
    let mut w = Walk {
        writer,
        reader,
        seeker,
        coach,
        coached: true,
        last: Value::Null,
    };

    // The pipeline.
    let opp = w
        .write(
            "create an opportunity",
            Seeker,
            M::POST,
            "/v1/opportunities",
            Some(json!({"company": "Acme", "title": "Editor", "stage": "interviewing"})),
            Changed,
        )
        .await;
    let opp = id(&opp, "opportunity");
    let opp_path = format!("/v1/opportunities/{opp}");
    // No time zone of its own: the seeker's zone, hours and holidays apply.
    let contact = w
        .write(
            "add a contact",
            Seeker,
            M::POST,
            &format!("{opp_path}/contacts"),
            Some(
                json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@example.com", "phone": "+1 212 555 0100"}),
            ),
            Changed,
        )
        .await;
    let contact = id(&contact, "contact");
    let contact_path = format!("/v1/contacts/{contact}");
    let interview = w
        .write(
            "log an interview",
            Seeker,
            M::POST,
            &format!("{opp_path}/interactions"),
            Some(json!({"kind": "interview", "contact_id": contact, "occurred_at": ago(2)})),
            Changed,
        )
        .await;
    let interview = id(&interview, "interaction");
    w.write(
        "move the interview",
        Seeker,
        M::PATCH,
        &format!("/v1/interactions/{interview}"),
        Some(json!({"occurred_at": ago(4)})),
        Changed,
    )
    .await;
    w.write(
        "rename the opportunity",
        Seeker,
        M::PATCH,
        &opp_path,
        Some(json!({"company": "Acme Media"})),
        Changed,
    )
    .await;
    w.write(
        "rename the contact",
        Seeker,
        M::PATCH,
        &contact_path,
        Some(json!({"name": "Marcus Boss"})),
        Changed,
    )
    .await;

    // Promises.
    let promise = w
        .write(
            "record a promise",
            Seeker,
            M::POST,
            &format!("{opp_path}/promises"),
            Some(
                json!({"contact_id": contact, "what": "call", "due": ahead(10), "made_at": ago(4)}),
            ),
            Changed,
        )
        .await;
    let promise_path = format!("/v1/promises/{}", id(&promise, "promise"));
    w.write(
        "move the promise into the past: it is missed",
        Seeker,
        M::PATCH,
        &promise_path,
        Some(json!({"due": ahead(-2)})),
        Changed,
    )
    .await;
    w.write(
        "follow a built-in playbook: a missed promise is chased by e-mail",
        Seeker,
        M::PATCH,
        "/v1/me",
        Some(json!({"default_playbook": "email_only"})),
        Changed,
    )
    .await;
    w.write(
        "keep the promise",
        Seeker,
        M::PATCH,
        &promise_path,
        Some(json!({"kept": true})),
        Changed,
    )
    .await;
    let promise = w
        .write(
            "record another promise",
            Seeker,
            M::POST,
            &format!("{opp_path}/promises"),
            Some(
                json!({"contact_id": contact, "what": "email", "due": ahead(5), "made_at": ago(3)}),
            ),
            Changed,
        )
        .await;
    w.write(
        "drop the promise",
        Seeker,
        M::DELETE,
        &format!("/v1/promises/{}", id(&promise, "promise")),
        None,
        Changed,
    )
    .await;
    w.write(
        "put the profile",
        Seeker,
        M::PUT,
        &format!("{opp_path}/profile"),
        Some(json!({
            "criteria": [{"name": "Editing", "weight": 5, "self_rating": 5, "interviewer_rating": 5, "evidence": "Ran the features desk"}],
            "competition": {"competing_candidates": 2, "internal_candidate": false},
            "answers": {"process_position": null, "comparison": null, "competitors": null},
        })),
        Changed,
    )
    .await;

    // The seeker's settings.
    w.write(
        "change the seeker's time zone",
        Seeker,
        M::PATCH,
        "/v1/me",
        Some(json!({"timezone": "Asia/Tokyo"})),
        Changed,
    )
    .await;
    let afternoons = json!({"start": "13:00", "end": "17:00"});
    w.write(
        "change the business hours",
        Seeker,
        M::PATCH,
        "/v1/me",
        Some(json!({"business_hours": {
            "mon": afternoons, "tue": afternoons, "wed": afternoons, "thu": afternoons, "fri": afternoons,
        }})),
        Changed,
    )
    .await;
    // A day off on every day something is due moves all of it.
    let mut days: Vec<&str> = w.last["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| &item["due_at"].as_str().unwrap()[..10])
        .collect();
    days.sort_unstable();
    days.dedup();
    w.write(
        "take holidays",
        Seeker,
        M::PATCH,
        "/v1/me",
        Some(json!({"holidays": days})),
        Changed,
    )
    .await;
    w.write(
        "observe public-holiday calendars",
        Seeker,
        M::PATCH,
        "/v1/me",
        Some(json!({"holiday_calendars": ["us", "gb_england_wales"]})),
        Maybe,
    )
    .await;
    w.write(
        "change the seeker's name",
        Seeker,
        M::PATCH,
        "/v1/me",
        Some(json!({"display_name": "Jane Q."})),
        Changed,
    )
    .await;

    // Playbooks, the seeker's own and the coach's.
    let own = w
        .write(
            "make a playbook",
            Seeker,
            M::POST,
            "/v1/playbooks",
            Some(json!({
                "name": "Mine", "extends": "balanced",
                "rules": {"ask_process_questions": {"enabled": false}},
            })),
            Maybe,
        )
        .await;
    let own = id(&own, "playbook");
    w.write(
        "follow it on the opportunity",
        Seeker,
        M::PATCH,
        &opp_path,
        Some(json!({"playbook": own})),
        Changed,
    )
    .await;
    w.write(
        "change the followed playbook",
        Seeker,
        M::PUT,
        &format!("/v1/playbooks/{own}"),
        Some(json!({
            "name": "Mine", "extends": "balanced",
            "rules": {"influence_letter_after_interview": {"enabled": false}},
        })),
        Changed,
    )
    .await;
    w.write(
        "stop following it",
        Seeker,
        M::PATCH,
        &opp_path,
        Some(json!({"playbook": null})),
        Changed,
    )
    .await;
    w.write(
        "delete the playbook nobody follows",
        Seeker,
        M::DELETE,
        &format!("/v1/playbooks/{own}"),
        None,
        Maybe,
    )
    .await;
    let quiet = w
        .write(
            "the coach makes a playbook",
            Coach,
            M::POST,
            "/v1/playbooks",
            Some(json!({
                "name": "Quiet", "extends": "balanced",
                "rules": {"influence_letter_after_interview": {"enabled": false}, "ask_process_questions": {"enabled": false}},
            })),
            Maybe,
        )
        .await;
    let quiet = id(&quiet, "playbook");
    w.write(
        "the coach assigns it",
        Coach,
        M::PUT,
        &format!("/v1/coach/clients/{}/playbook", w.seeker.id),
        Some(json!({"playbook": quiet})),
        Changed,
    )
    .await;
    w.write(
        "the coach edits it",
        Coach,
        M::PUT,
        &format!("/v1/playbooks/{quiet}"),
        Some(json!({"name": "Calls", "extends": "persistent_caller"})),
        Changed,
    )
    .await;
    w.write(
        "the coach adds a note",
        Coach,
        M::POST,
        &format!("{opp_path}/interactions"),
        Some(json!({"kind": "note", "notes": "ask about the team"})),
        Maybe,
    )
    .await;

    // Deletes and the end of the search.
    let second = w
        .write(
            "a second opportunity",
            Seeker,
            M::POST,
            "/v1/opportunities",
            Some(json!({"company": "Globex", "title": "Editor", "stage": "screening"})),
            Changed,
        )
        .await;
    w.write(
        "delete it",
        Seeker,
        M::DELETE,
        &format!("/v1/opportunities/{}", id(&second, "opportunity")),
        None,
        Changed,
    )
    .await;
    w.write(
        "drop the interview",
        Seeker,
        M::DELETE,
        &format!("/v1/interactions/{interview}"),
        None,
        Changed,
    )
    .await;
    w.write(
        "drop the contact",
        Seeker,
        M::DELETE,
        &contact_path,
        None,
        Changed,
    )
    .await;
    // From here on the coach has no view of the seeker.
    w.coached = false;
    w.write(
        "end the coaching",
        Seeker,
        M::DELETE,
        &format!("/v1/grants/{grant}"),
        None,
        Maybe,
    )
    .await;
    let coach_password = w.coach.password.clone();
    w.write(
        "the coach deletes their account, and their playbook with it",
        Coach,
        M::DELETE,
        "/v1/me",
        Some(json!({"password": coach_password})),
        Changed,
    )
    .await;
    w.write(
        "move the opportunity on",
        Seeker,
        M::POST,
        &format!("{opp_path}/transitions"),
        Some(json!({"to": "rejected"})),
        Changed,
    )
    .await;
}

#[tokio::test]
async fn the_kept_agenda_equals_a_fresh_one_after_every_kind_of_write() {
    let app = spawn_app().await;
    walk_every_write(&app, &app).await;
}

#[tokio::test]
async fn a_write_through_one_server_shows_in_the_other_servers_kept_agenda() {
    let a = spawn_app().await;
    let b = match spawn_beside(&a).await {
        Ok(b) => b,
        Err(refused) => {
            // One server per SQLite database (crates/store/src/lockfile.rs):
            // there is no second kept agenda to go stale.
            assert_eq!(TestDatabase::backend(), Backend::Sqlite, "{refused}");
            assert!(refused.contains("database in use"), "{refused}");
            return;
        }
    };
    walk_every_write(&a, &b).await;
}

/// Two seekers with the same pipeline log the same interactions, one
/// with their facts kept (an agenda read first, so each logged interaction
/// is added to the kept facts) and one without (the warnings read the
/// database). The warnings agree, and the kept facts give the agenda that a
/// server which never kept anything reads from the database.
#[tokio::test]
async fn interactions_added_to_kept_facts_read_as_the_database_has_them() {
    let app = spawn_app().await;
    let kept = app.register("seeker").await;
    let read = app.register("seeker").await;
    let mut pipelines = Vec::new();
    for who in [&kept, &read] {
        let mut opps = Vec::new();
        for (company, stage) in [("Acme", "interviewing"), ("Acme", "final")] {
            let created: Value = app
                .as_(who, Method::POST, "/v1/opportunities")
                .json(&json!({"company": company, "title": "Editor", "stage": stage}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let opp = id(&created, "opportunity");
            let contact: Value = app
                .as_(who, Method::POST, &format!("/v1/opportunities/{opp}/contacts"))
                .json(&json!({"name": "Ann Lee", "role": "hiring_manager", "email": "ann@acme.example", "phone": "+1 212 555 0100", "preferred_channel": "email"}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            opps.push((opp, id(&contact, "contact")));
        }
        pipelines.push(opps);
    }
    // The kept seeker's facts are kept by an agenda read.
    app.read(&kept, "/v1/agenda").await;
    // Back-dated entries land between earlier ones, two at the same instant.
    let log = [
        (0, "follow_up_email", ago(3)),
        (1, "follow_up_email", ago(1)),
        (0, "follow_up_email", ago(2)),
        (0, "call_no_answer", ago(2)),
        (1, "voicemail_left", ago(1)),
        (0, "reply_received", ago(5)),
        (1, "follow_up_email", ago(0)),
        (0, "note", ago(1)),
    ];
    for (step, (which, kind, when)) in log.iter().enumerate() {
        let mut said = Vec::new();
        for (who, opps) in [&kept, &read].into_iter().zip(&pipelines) {
            let (opp, contact) = &opps[*which];
            let answer: Value = app
                .as_(
                    who,
                    Method::POST,
                    &format!("/v1/opportunities/{opp}/interactions"),
                )
                .json(&json!({"kind": kind, "contact_id": contact, "occurred_at": when}))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let warnings: Vec<(Value, Value)> = answer["warnings"]
                .as_array()
                .unwrap_or_else(|| panic!("step {step}: {answer}"))
                .iter()
                .map(|w| (w["code"].clone(), w["ids"].as_array().unwrap().len().into()))
                .collect();
            said.push(warnings);
        }
        assert_eq!(
            said[0], said[1],
            "step {step} ({kind}): kept and read facts warn alike"
        );
    }
    let caps = log
        .iter()
        .filter(|(_, kind, _)| *kind == "follow_up_email")
        .count();
    assert!(caps >= 3, "the log breaks the weekly cap at least once");
    let at = (Utc::now() + Duration::hours(30)).to_rfc3339_opts(SecondsFormat::Secs, true);
    let path = format!("/v1/agenda?at={at}");
    let from_kept = app.read(&kept, &path).await;
    // A server that never kept anything reads the facts from the database.
    let db = app.stop().await.expect("the app's own database");
    let fresh = crate::helpers::restart_with_clock(db, followup_api::clock::Clock::system()).await;
    let from_database = fresh.read(&kept, &path).await;
    assert_eq!(from_kept["items"], from_database["items"]);
    assert!(!from_kept["items"].as_array().unwrap().is_empty());
}
