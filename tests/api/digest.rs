//! The morning digest by e-mail (docs/digest.md), against a real SMTP
//! server (aiosmtpd on loopback): opt-in, verification, the day's actions
//! with drafts and links at 08:00 local across a DST change, at most once a
//! day (across restarts and replicas), the noon cut-off after downtime,
//! retries of what the mail server did not take, and one-click
//! unsubscribe.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Timelike as _, Utc};
use followup_api::clock::Clock;
use followup_store::Backend;
use followup_store::testing::TestDatabase;
use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, fields};
use crate::helpers::{Account, TestApp, spawn_app, spawn_mail_beside, spawn_with_mail};
use crate::smtp::{Behaviour, Mail, Sink};

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

/// Lets the background worker run a few rounds (it polls every 250 ms).
async fn settle() {
    tokio::time::sleep(StdDuration::from_millis(1200)).await;
}

/// Moves the clock to `to` and lets the worker see it.
async fn move_to(clock: &Clock, to: &str) {
    clock.set(at(to));
    settle().await;
}

/// An opportunity at a final with a hiring manager interviewed two days
/// before the clock's time: the agenda has e-mails with drafts to send.
async fn pipeline(app: &TestApp, jane: &Account) {
    let (status, opp) = call(
        app,
        jane,
        Method::POST,
        "/v1/opportunities",
        Some(json!({"company": "Acme Media", "title": "Editor", "stage": "final"})),
    )
    .await;
    assert_eq!(status, 201, "{opp}");
    let opp = opp["opportunity"]["id"].as_str().unwrap().to_owned();
    let boss = contact(
        app,
        jane,
        &opp,
        json!({"name": "Mark Boss", "role": "hiring_manager", "email": "mark@acme.example", "timezone": "America/New_York"}),
    )
    .await;
    let (status, body) = call(
        app,
        jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "interview", "contact_id": boss["id"], "occurred_at": "2026-03-03T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");
}

async fn me(app: &TestApp, jane: &Account) -> Value {
    let (status, me) = call(app, jane, Method::GET, "/v1/me", None).await;
    assert_eq!(status, 200, "{me}");
    me
}

/// Turns the digest on and follows the verification link; returns the
/// mails the sink has then.
async fn subscribe(app: &TestApp, sink: &Sink, jane: &Account, before: usize) -> Vec<Mail> {
    let (status, body) = call(
        app,
        jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"enabled": true}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let mails = sink.wait_for(before + 1).await;
    let link = mails[before].link("https://followup.test/v1/digest/verify?token=");
    let path = link.trim_start_matches("https://followup.test");
    let verified = app
        .client
        .get(app.url(path))
        .header("accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(verified.status(), 200);
    mails
}

#[tokio::test]
async fn verified_digests_go_out_at_eight_local_across_dst_once_a_day_until_unsubscribed() {
    let sink = Sink::start();
    // Thursday 5 March 2026, 09:00 in New York (EST, UTC−5).
    let clock = Clock::manual(at("2026-03-05T14:00:00Z"));
    let app = spawn_with_mail(clock.clone(), &sink.url(), None).await;
    let jane = app.register("seeker").await; // America/New_York
    pipeline(&app, &jane).await;

    let before = me(&app, &jane).await;
    assert_eq!(before["email"], jane.email.as_str(), "{before}");
    assert_eq!(
        before["digest"],
        json!({"available": true, "enabled": false, "at": "08:00", "status": "off",
               "email_verified_at": null, "verification_sent_at": null, "next_at": null, "recent": []})
    );

    // Turning it on sends the verification link, and nothing else yet.
    let (status, body) = call(
        &app,
        &jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"enabled": true}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["digest"]["status"], "unverified", "{body}");
    assert_eq!(
        body["digest"]["verification_sent_at"],
        "2026-03-05T14:00:00Z"
    );
    let mails = sink.wait_for(1).await;
    let verification = &mails[0];
    assert_eq!(verification.rcpt(), jane.email);
    assert!(
        verification.subject().contains("Confirm"),
        "{}",
        verification.subject()
    );
    let link = verification.link("https://followup.test/v1/digest/verify?token=");
    assert!(verification.html().contains(&link.replace('&', "&amp;")));
    assert_eq!(verification.header("List-Unsubscribe"), None);

    // Friday 08:00:30 EST: not verified, so nothing is sent.
    move_to(&clock, "2026-03-06T13:00:30Z").await;
    assert_eq!(
        sink.mails().len(),
        1,
        "a digest went to an unverified address"
    );

    // The link, followed in a browser: a page. Used once.
    let path = link.trim_start_matches("https://followup.test").to_owned();
    let page = app
        .client
        .get(app.url(&path))
        .header("accept", "text/html,application/xhtml+xml")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.text().await.unwrap().contains(&jane.email));
    let again = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(again.status(), 404);
    let status = me(&app, &jane).await["digest"].clone();
    assert_eq!(status["status"], "active", "{status}");
    assert_eq!(status["email_verified_at"], "2026-03-06T13:00:30Z");
    // Friday's digest is still due this morning: the next pass sends it.
    clock.advance(Duration::seconds(20));
    let mails = sink.wait_for(2).await;
    let friday = &mails[1];
    assert_eq!(friday.rcpt(), jane.email);
    assert_eq!(friday.date(), at("2026-03-06T13:00:50Z"));
    assert!(
        friday.subject().contains("Friday 6 March"),
        "{}",
        friday.subject()
    );

    // Monday 9 March: EDT (UTC−4) since Sunday, so 08:00 is 12:00 UTC.
    move_to(&clock, "2026-03-09T11:59:40Z").await;
    assert_eq!(sink.mails().len(), 2, "sent before 08:00 local");
    assert_eq!(
        me(&app, &jane).await["digest"]["next_at"],
        "2026-03-09T12:00:00Z"
    );
    move_to(&clock, "2026-03-09T12:00:10Z").await;
    let mails = sink.wait_for(3).await;
    let monday = &mails[2];
    let sent_at = monday.date();
    assert_eq!(sent_at, at("2026-03-09T12:00:10Z"));
    let local = sent_at.with_timezone(&chrono_tz::America::New_York);
    assert_eq!((local.hour(), local.minute()), (8, 0));
    assert!(
        monday.subject().contains("Monday 9 March"),
        "{}",
        monday.subject()
    );
    assert!(
        monday
            .header("Message-ID")
            .is_some_and(|id| id.contains("digest.2026-03-09")),
        "{:?}",
        monday.header("Message-ID")
    );
    assert_eq!(
        monday.header("Auto-Submitted").as_deref(),
        Some("auto-generated")
    );

    // It lists the day's actions as the agenda has them, with drafts and
    // mailto: links, in text and in HTML (the agenda gives its links when
    // asked with include=mailto).
    let (status, agenda) = call(
        &app,
        &jane,
        Method::GET,
        "/v1/agenda?at=2026-03-09T12:00:10Z&include=mailto",
        None,
    )
    .await;
    assert_eq!(status, 200, "{agenda}");
    let end_of_day = at("2026-03-10T04:00:00Z");
    let listed: Vec<&Value> = agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["action"] != "wait")
        .filter(|a| at(a["due_at"].as_str().unwrap()) < end_of_day)
        .collect();
    assert!(!listed.is_empty(), "{agenda}");
    assert!(
        monday
            .subject()
            .contains(&format!("{} action", listed.len())),
        "{}",
        monday.subject()
    );
    let (text, html) = (monday.text(), monday.html());
    let mut mailtos = 0;
    for action in &listed {
        let reason = action["reason"].as_str().unwrap();
        assert!(text.contains(reason), "{reason} not in:\n{text}");
        if let Some(mailto) = action["draft"]["mailto"].as_str() {
            mailtos += 1;
            assert!(text.contains(mailto), "{mailto} not in:\n{text}");
            assert!(html.contains(&format!("href=\"{}\"", mailto.replace('&', "&amp;"))));
        }
        if let Some(subject) = action["draft"]["subject"].as_str() {
            assert!(text.contains(subject));
        }
    }
    assert!(mailtos > 0, "no draft to open in a mail app: {agenda}");
    let unsubscribe = monday.header("List-Unsubscribe").unwrap();
    assert!(
        unsubscribe.starts_with("<https://followup.test/v1/digest/unsubscribe?token=")
            && unsubscribe.ends_with('>'),
        "{unsubscribe}"
    );
    assert_eq!(
        monday.header("List-Unsubscribe-Post").as_deref(),
        Some("List-Unsubscribe=One-Click")
    );
    assert!(text.contains(unsubscribe.trim_matches(['<', '>'])));

    // At most once a day: the rest of the morning sends nothing more.
    move_to(&clock, "2026-03-09T13:30:00Z").await;
    assert_eq!(sink.mails().len(), 3);
    let recent = me(&app, &jane).await["digest"]["recent"].clone();
    assert_eq!(recent[0]["date"], "2026-03-09", "{recent}");
    assert_eq!(recent[0]["state"], "sent");
    assert_eq!(recent[0]["sent_at"], "2026-03-09T12:00:10Z");
    assert_eq!(recent[1]["date"], "2026-03-06");

    // One click, no login. The page alone changes nothing (mail scanners
    // open links); the POST a mail client sends does.
    let path = unsubscribe
        .trim_matches(['<', '>'])
        .trim_start_matches("https://followup.test")
        .to_owned();
    let page = app.client.get(app.url(&path)).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("method=\"post\""));
    assert_eq!(me(&app, &jane).await["digest"]["enabled"], true);
    let clicked = app
        .client
        .post(app.url(&path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(clicked.status(), 200);
    let after = me(&app, &jane).await["digest"].clone();
    assert_eq!(after["enabled"], false, "{after}");
    assert_eq!(after["status"], "off");
    move_to(&clock, "2026-03-10T12:00:30Z").await;
    clock.advance(Duration::seconds(20));
    settle().await;
    assert_eq!(sink.mails().len(), 3, "a digest after unsubscribing");
    let forged = app
        .client
        .post(app.url("/v1/digest/unsubscribe?token=nope"))
        .send()
        .await
        .unwrap();
    assert_eq!(forged.status(), 404);

    // On again: the address is verified already, so no new link, and the
    // next morning's digest comes.
    let (status, body) = call(
        &app,
        &jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"enabled": true, "at": "07:30"}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["digest"]["status"], "active");
    assert_eq!(body["digest"]["at"], "07:30");
    // Wednesday 11 March, 07:30 EDT.
    move_to(&clock, "2026-03-11T11:30:05Z").await;
    let mails = sink.wait_for(4).await;
    assert!(mails[3].subject().contains("Wednesday 11 March"));
    assert_eq!(mails.len(), 4);
}

#[tokio::test]
async fn without_a_mail_server_the_digest_is_unavailable_and_bad_settings_are_named() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let digest = me(&app, &jane).await["digest"].clone();
    assert_eq!(digest["available"], false);
    assert_eq!(digest["status"], "unavailable");

    let (status, problem) = call(
        &app,
        &jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"enabled": true, "at": "12:30"}, "timezone": "Mars/Olympus"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        fields(&problem),
        ["digest.at", "digest.enabled", "timezone"]
    );
    let message = |field: &str| {
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["field"] == field)
            .unwrap()["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert!(message("digest.enabled").contains("--smtp-url"));
    assert!(message("digest.at").contains("before 12:00"));
    for bad in [
        json!({"at": "8am"}),
        json!({"at": "25:00"}),
        json!({"at": "07:30:15"}),
    ] {
        let (status, problem) = call(
            &app,
            &jane,
            Method::PATCH,
            "/v1/me",
            Some(json!({ "digest": bad })),
        )
        .await;
        assert_eq!(status, 422, "{bad}: {problem}");
        assert_eq!(fields(&problem), ["digest.at"]);
    }
    let (status, problem) = call(
        &app,
        &jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"when": "07:00"}})),
    )
    .await;
    assert!(status == 400 || status == 422, "{status} {problem}");
    assert!(problem.to_string().contains("when"), "{problem}");

    // The time can be set while e-mail is off; nothing is lost.
    let (status, body) = call(
        &app,
        &jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"at": "07:15"}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["digest"]["at"], "07:15");
    assert_eq!(body["digest"]["enabled"], false);

    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/me/digest/verification",
        None,
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    // The preview works without a mail server.
    let (status, preview) = call(&app, &jane, Method::GET, "/v1/me/digest/preview", None).await;
    assert_eq!(status, 200, "{preview}");
    assert!(preview["date"].is_string());
}

#[tokio::test]
async fn a_refused_link_is_sent_again_a_late_digest_goes_before_noon_and_a_451_is_retried() {
    // The first two messages are refused with 451: the verification sent
    // by the PATCH and the first resend.
    let first = Sink::start_with(Behaviour {
        refuse: 2,
        ..Behaviour::default()
    });
    let clock = Clock::manual(at("2026-03-05T14:00:00Z"));
    let app = spawn_with_mail(clock.clone(), &first.url(), None).await;
    let jane = app.register("seeker").await;
    pipeline(&app, &jane).await;
    let (status, body) = call(
        &app,
        &jane,
        Method::PATCH,
        "/v1/me",
        Some(json!({"digest": {"enabled": true}})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["digest"]["status"], "unverified");
    // At most one link a minute.
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/me/digest/verification",
        None,
    )
    .await;
    assert_eq!(status, 429, "{problem}");
    clock.advance(Duration::seconds(61));
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/me/digest/verification",
        None,
    )
    .await;
    assert_eq!(status, 502, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("451"),
        "{problem}"
    );
    clock.advance(Duration::seconds(61));
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/me/digest/verification",
        None,
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "unverified");
    let mails = first.wait_for(1).await;
    let link = mails[0].link("https://followup.test/v1/digest/verify?token=");
    let path = link.trim_start_matches("https://followup.test").to_owned();
    assert_eq!(
        app.client
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let (status, problem) = call(
        &app,
        &jane,
        Method::POST,
        "/v1/me/digest/verification",
        None,
    )
    .await;
    assert_eq!(status, 409, "verified already: {problem}");

    // The server is down from Thursday evening to Friday 11:59 local: the
    // day's digest still goes, late, before noon.
    let db = app.stop().await;
    let clock = Clock::manual(at("2026-03-06T16:59:00Z"));
    let app = spawn_with_mail(clock.clone(), &first.url(), db).await;
    // (Thursday's own digest may have gone before the stop: verified at
    // 09:02 local, it was late but before noon.)
    let friday = at("2026-03-06T16:59:00Z");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !first.mails().iter().any(|m| m.date() == friday) {
        assert!(std::time::Instant::now() < deadline, "no digest on Friday");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let digests = first.mails().len();
    assert!(
        digests <= 3,
        "the link and one digest a day: {digests} mails"
    );

    // Down from Friday to Monday 12:00:30 local: too late, nothing that day.
    let db = app.stop().await;
    let clock = Clock::manual(at("2026-03-09T16:00:30Z"));
    let second = Sink::start_with(Behaviour {
        refuse: 1,
        ..Behaviour::default()
    });
    let app = spawn_with_mail(clock.clone(), &second.url(), db).await;
    settle().await;
    clock.advance(Duration::seconds(20));
    settle().await;
    assert!(second.mails().is_empty(), "a digest after noon");

    // Tuesday 08:00 EDT: the mail server says 451 and takes nothing; the
    // next pass sends it, once.
    move_to(&clock, "2026-03-10T12:00:05Z").await;
    assert!(second.mails().is_empty());
    let recent = me(&app, &jane).await["digest"]["recent"].clone();
    assert_eq!(recent[0]["date"], "2026-03-10", "{recent}");
    assert_eq!(recent[0]["state"], "retry", "{recent}");
    assert!(recent[0]["error"].as_str().unwrap().contains("451"));
    clock.advance(Duration::seconds(20));
    let mails = second.wait_for(1).await;
    assert_eq!(mails[0].date(), at("2026-03-10T12:00:25Z"));
    clock.advance(Duration::seconds(20));
    settle().await;
    assert_eq!(second.mails().len(), 1);
    let recent = me(&app, &jane).await["digest"]["recent"].clone();
    assert_eq!(recent[0]["state"], "sent", "{recent}");
}

#[tokio::test]
async fn two_servers_on_one_database_send_one_digest_a_day_each() {
    let sink = Sink::start();
    let clock = Clock::manual(at("2026-03-05T14:00:00Z"));
    let a = spawn_with_mail(clock.clone(), &sink.url(), None).await;
    let b = match spawn_mail_beside(&a, clock.clone(), &sink.url()).await {
        Ok(b) => b,
        Err(refused) => {
            // One server per SQLite database (crates/store/src/lockfile.rs).
            assert_eq!(TestDatabase::backend(), Backend::Sqlite, "{refused}");
            assert!(refused.contains("database in use"), "{refused}");
            return;
        }
    };
    let mut seekers = Vec::new();
    for n in 0..6 {
        let app = if n % 2 == 0 { &a } else { &b };
        let jane = app.register("seeker").await;
        pipeline(app, &jane).await;
        subscribe(app, &sink, &jane, n).await;
        seekers.push(jane);
    }
    // Both servers' workers pass at the same instants, over several rounds.
    for second in [0, 20, 40, 60] {
        clock.set(at("2026-03-06T13:00:00Z") + Duration::seconds(second));
        settle().await;
    }
    let mails = sink.wait_for(12).await;
    settle().await;
    let mails_now = sink.mails();
    assert_eq!(mails_now.len(), 12, "{} mails", mails_now.len());
    for jane in &seekers {
        let digests = mails[6..].iter().filter(|m| m.rcpt() == jane.email).count();
        assert_eq!(digests, 1, "{}", jane.email);
    }
}

#[tokio::test]
async fn the_preview_shows_a_days_digest_without_sending_it() {
    let sink = Sink::start();
    let clock = Clock::manual(at("2026-03-05T14:00:00Z"));
    let app = spawn_with_mail(clock.clone(), &sink.url(), None).await;
    let jane = app.register("seeker").await;
    // An empty pipeline on a Sunday: nothing due that day, nothing to send.
    let (status, preview) = call(
        &app,
        &jane,
        Method::GET,
        "/v1/me/digest/preview?at=2026-03-08T14:00:00Z",
        None,
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["date"], "2026-03-08");
    assert_eq!(preview["would_send"], false, "{preview}");
    assert_eq!(preview["subject"], Value::Null);
    assert_eq!(preview["actions"], json!([]));
    pipeline(&app, &jane).await;
    let (status, preview) = call(
        &app,
        &jane,
        Method::GET,
        "/v1/me/digest/preview?at=2026-03-09T12:00:00Z",
        None,
    )
    .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["date"], "2026-03-09");
    assert_eq!(preview["would_send"], true, "{preview}");
    assert!(
        preview["subject"]
            .as_str()
            .unwrap()
            .contains("Monday 9 March")
    );
    assert!(!preview["actions"].as_array().unwrap().is_empty());
    assert!(preview["html"].as_str().unwrap().contains("<ol>"));
    let (status, problem) = call(
        &app,
        &jane,
        Method::GET,
        "/v1/me/digest/preview?at=yesterday",
        None,
    )
    .await;
    assert_eq!(status, 400, "{problem}");
    settle().await;
    assert!(sink.mails().is_empty(), "a preview sent mail");
}

#[tokio::test]
async fn a_day_with_nothing_due_sends_nothing_and_stays_settled() {
    let sink = Sink::start();
    let clock = Clock::manual(at("2026-03-05T14:00:00Z"));
    let app = spawn_with_mail(clock.clone(), &sink.url(), None).await;
    let jane = app.register("seeker").await;
    subscribe(&app, &sink, &jane, 0).await;
    // Friday 08:00 EST with an empty pipeline: nothing due, nothing sent.
    move_to(&clock, "2026-03-06T13:00:05Z").await;
    let recent = me(&app, &jane).await["digest"]["recent"].clone();
    assert_eq!(
        recent,
        json!([{"date": "2026-03-06", "state": "empty", "actions": 0, "sent_at": null, "error": null}])
    );
    // Something falls due later that morning: the day is settled, and the
    // seeker is in the app anyway.
    pipeline(&app, &jane).await;
    clock.advance(Duration::seconds(20));
    settle().await;
    assert_eq!(sink.mails().len(), 1, "only the verification e-mail");
    // Monday it goes.
    move_to(&clock, "2026-03-09T12:00:05Z").await;
    let mails = sink.wait_for(2).await;
    assert!(mails[1].subject().contains("Monday 9 March"));
}
