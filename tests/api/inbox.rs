//! The inbox: a forwarded e-mail becomes one proposal, which the seeker
//! accepts (logging the step as the interaction and transition routes do)
//! or dismisses. Messages come from `tests/fixtures/mail/`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, opportunity};
use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

/// A fixture's bytes.
fn mail(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mail")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Posts raw message bytes to the inbox; the status and the JSON body.
async fn post_mail(app: &TestApp, account: &Account, raw: Vec<u8>) -> (u16, Value) {
    let response = app
        .as_(account, Method::POST, "/v1/inbox")
        .header("content-type", "message/rfc822")
        .body(raw)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Posts raw bytes, which must make a new proposal; returns it.
async fn propose_raw(app: &TestApp, account: &Account, raw: Vec<u8>) -> Value {
    let (status, proposal) = post_mail(app, account, raw).await;
    assert_eq!(status, 201, "{proposal}");
    proposal
}

/// Posts a fixture, which must make a new proposal; returns it.
async fn propose(app: &TestApp, account: &Account, fixture: &str) -> Value {
    let (status, proposal) = post_mail(app, account, mail(fixture)).await;
    assert_eq!(status, 201, "{fixture}: {proposal}");
    proposal
}

async fn accept(
    app: &TestApp,
    account: &Account,
    proposal: &Value,
    body: Option<Value>,
) -> (u16, Value) {
    let id = proposal["id"].as_str().unwrap();
    call(
        app,
        account,
        Method::POST,
        &format!("/v1/inbox/proposals/{id}/accept"),
        body,
    )
    .await
}

async fn interactions_of(app: &TestApp, account: &Account, opportunity: &str) -> Vec<Value> {
    let page = app
        .read(
            account,
            &format!("/v1/opportunities/{opportunity}/interactions"),
        )
        .await;
    page["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_out_of_office_reply_from_a_contact_holds_the_follow_up_until_the_return_date() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Northwind Media").await;
    let daniel = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Daniel Okafor", "role": "hiring_manager",
               "email": "Daniel.Okafor@northwindmedia.com", "timezone": "America/New_York"}),
    )
    .await;
    let (status, body) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/opportunities/{opp}/interactions"),
        Some(json!({"kind": "interview", "contact_id": daniel["id"],
                    "occurred_at": "2009-12-16T15:00:00Z"})),
    )
    .await;
    assert_eq!(status, 201, "{body}");

    let response = app
        .as_(&jane, Method::POST, "/v1/inbox")
        .header("content-type", "message/rfc822")
        .body(mail("01-exchange-ooo-new-year.eml"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let proposal: Value = response.json().await.unwrap();
    assert_eq!(
        location,
        format!("/v1/inbox/proposals/{}", proposal["id"].as_str().unwrap())
    );
    assert_eq!(proposal["status"], "pending");
    assert_eq!(proposal["class"], "out_of_office");
    assert_eq!(proposal["sender"], "daniel.okafor@northwindmedia.com");
    assert_eq!(proposal["opportunity_id"], opp.as_str());
    assert_eq!(proposal["contact_id"], daniel["id"]);
    assert!(
        proposal["confidence"].as_f64().unwrap() >= 0.5,
        "{proposal}"
    );
    assert!(proposal["evidence"]["text"].is_string(), "{proposal}");
    let step = &proposal["interaction"];
    assert_eq!(step["kind"], "reply_received");
    assert_eq!(step["out_of_office_until"], "2010-01-04");
    assert_eq!(step["occurred_at"], "2009-12-28T14:01:12Z");
    assert_eq!(step["contact_id"], daniel["id"]);
    assert!(
        step["notes"].as_str().unwrap().contains("Next steps"),
        "{proposal}"
    );
    assert_eq!(proposal["transition"], Value::Null);
    assert_eq!(app.read(&jane, &location).await, proposal);
    assert!(
        interactions_of(&app, &jane, &opp).await.len() == 1,
        "nothing is logged before the seeker accepts"
    );

    let (status, accepted) = accept(&app, &jane, &proposal, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["proposal"]["status"], "accepted");
    let interaction = &accepted["interaction"];
    assert_eq!(interaction["kind"], "reply_received");
    assert_eq!(interaction["out_of_office_until"], "2010-01-04");
    assert_eq!(interaction["contact_id"], daniel["id"]);
    assert_eq!(interaction["opportunity_id"], opp.as_str());
    assert_eq!(accepted["proposal"]["interaction_id"], interaction["id"]);
    assert_eq!(accepted["transition"], Value::Null);
    let logged = interactions_of(&app, &jane, &opp).await;
    assert!(
        logged.iter().any(|i| i["id"] == interaction["id"]),
        "{logged:#?}"
    );

    // Back Mon 4 Jan 2010 09:00 New York = 14:00Z: nothing with Daniel is
    // due before then.
    let agenda = app.read(&jane, "/v1/agenda?at=2009-12-30T15:00:00Z").await;
    let with_daniel: Vec<&Value> = agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["opportunity_id"] == opp.as_str())
        .collect();
    assert!(!with_daniel.is_empty(), "{agenda:#}");
    for action in with_daniel {
        assert!(
            action["due_at"].as_str().unwrap() >= "2010-01-04T14:00:00Z",
            "held until the return date: {action:#}"
        );
    }
}

#[tokio::test]
async fn accepting_a_rejection_logs_it_and_moves_the_opportunity_to_rejected() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Meridian Freight").await;
    let helen = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Helen Achebe", "role": "recruiter", "email": "helen.achebe@meridianfreight.com"}),
    )
    .await;
    let proposal = propose(&app, &jane, "19-outlook-rejection-internal.eml").await;
    assert_eq!(proposal["class"], "rejection");
    assert_eq!(proposal["opportunity_id"], opp.as_str());
    assert_eq!(proposal["contact_id"], helen["id"]);
    assert_eq!(proposal["interaction"]["kind"], "rejection_received");
    assert_eq!(
        proposal["interaction"]["rejection_reason"],
        "internal_promotion"
    );
    assert_eq!(
        proposal["transition"],
        json!({"to": "rejected", "rejection_reason": "internal_promotion"})
    );

    let (status, accepted) = accept(&app, &jane, &proposal, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interaction"]["kind"], "rejection_received");
    assert_eq!(accepted["transition"]["to"], "rejected");
    assert_eq!(accepted["transition"]["from"], "final");
    assert_eq!(
        accepted["transition"]["rejection_reason"],
        "internal_promotion"
    );
    let moved = app.read(&jane, &format!("/v1/opportunities/{opp}")).await;
    assert_eq!(moved["stage"], "rejected");
    assert_eq!(moved["rejection_reason"], "internal_promotion");
    let history = app
        .read(&jane, &format!("/v1/opportunities/{opp}/history"))
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2, "{history:#}");
    // The feed shows a commit once every earlier one is visible (PostgreSQL).
    let events = crate::events::feed_of(&app, &jane, "", 4).await;
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["type"].as_str()).collect();
    assert!(kinds.contains(&"interaction.logged"), "{kinds:?}");
    assert!(kinds.contains(&"opportunity.stage_changed"), "{kinds:?}");

    // Accepting again answers the same and logs nothing.
    let (status, again) = accept(&app, &jane, &proposal, None).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again, accepted);
    assert_eq!(interactions_of(&app, &jane, &opp).await.len(), 1);
    let history = app
        .read(&jane, &format!("/v1/opportunities/{opp}/history"))
        .await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn the_same_message_id_gives_the_same_proposal() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    opportunity(&app, &jane, "Meridian Freight").await;
    let first = propose(&app, &jane, "19-outlook-rejection-internal.eml").await;
    let (status, again) = post_mail(&app, &jane, mail("19-outlook-rejection-internal.eml")).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["id"], first["id"]);
    let list = app.read(&jane, "/v1/inbox/proposals").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1, "{list:#}");

    // Without a Message-ID, the bytes are the key.
    let raw = b"From: Ann <ann@example.com>\r\nDate: Mon, 04 Jan 2010 09:00:00 +0000\r\n\
                Subject: hello\r\n\r\nThanks, I'll call you on Friday.\r\n"
        .to_vec();
    let (status, a) = post_mail(&app, &jane, raw.clone()).await;
    assert_eq!(status, 201, "{a}");
    let (status, b) = post_mail(&app, &jane, raw).await;
    assert_eq!(status, 200, "{b}");
    assert_eq!(a["id"], b["id"]);

    // Another seeker's copy is their own.
    let bob = app.register("seeker").await;
    let theirs = propose(&app, &bob, "19-outlook-rejection-internal.eml").await;
    assert_ne!(theirs["id"], first["id"]);
}

#[tokio::test]
async fn an_unmatched_proposal_needs_an_opportunity_to_be_accepted() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let first = opportunity(&app, &jane, "Acme").await;
    let second = opportunity(&app, &jane, "Globex").await;
    // An applicant-tracking system's domain never matches.
    let proposal = propose(&app, &jane, "15-greenhouse-rejection.eml").await;
    assert_eq!(proposal["class"], "rejection");
    assert_eq!(proposal["opportunity_id"], Value::Null);
    let candidates: Vec<&str> = proposal["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["opportunity_id"].as_str().unwrap())
        .collect();
    assert_eq!(candidates, [first.as_str(), second.as_str()]);
    assert_eq!(proposal["candidates"][0]["company"], "Acme");

    let (status, problem) = accept(&app, &jane, &proposal, None).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "opportunity_id");
    assert_eq!(interactions_of(&app, &jane, &first).await.len(), 0);

    let (status, problem) = accept(
        &app,
        &jane,
        &proposal,
        Some(json!({"opportunity_id": second, "kind": "not_a_kind"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "kind");

    let (status, accepted) = accept(
        &app,
        &jane,
        &proposal,
        Some(
            json!({"opportunity_id": second, "notes": "From Globex's ATS",
                    "apply_transition": false}),
        ),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["proposal"]["opportunity_id"], second.as_str());
    assert_eq!(accepted["interaction"]["opportunity_id"], second.as_str());
    assert_eq!(accepted["interaction"]["notes"], "From Globex's ATS");
    assert_eq!(accepted["transition"], Value::Null, "declined");
    let globex = app
        .read(&jane, &format!("/v1/opportunities/{second}"))
        .await;
    assert_eq!(globex["stage"], "final");
}

#[tokio::test]
async fn the_sender_domain_matches_but_never_a_free_mail_domain() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let halvorsen = opportunity(&app, &jane, "Halvorsen").await;
    contact(
        &app,
        &jane,
        &halvorsen,
        json!({"name": "Katrin Vogel", "role": "recruiter", "email": "katrin.vogel@halvorsen.de"}),
    )
    .await;
    let other = opportunity(&app, &jane, "Whitfield").await;
    contact(
        &app,
        &jane,
        &other,
        json!({"name": "Someone", "role": "recruiter", "email": "someone.else@gmail.com"}),
    )
    .await;
    // Markus is not a contact, but his domain is Katrin's.
    let markus = propose(
        &app,
        &jane,
        "08-exchange-automatische-antwort-einschliesslich.eml",
    )
    .await;
    assert_eq!(markus["opportunity_id"], halvorsen.as_str());
    assert_eq!(markus["contact_id"], Value::Null);
    assert_eq!(markus["candidates"], json!([]));
    // gmail.com says nothing about the employer.
    let tom = propose(&app, &jane, "06-gmail-ooo-auckland.eml").await;
    assert_eq!(tom["opportunity_id"], Value::Null);
    assert_eq!(tom["candidates"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn dismissed_and_accepted_proposals_do_not_change_their_minds() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Meridian Freight").await;
    contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Helen Achebe", "role": "recruiter", "email": "helen.achebe@meridianfreight.com"}),
    )
    .await;
    let proposal = propose(&app, &jane, "19-outlook-rejection-internal.eml").await;
    let id = proposal["id"].as_str().unwrap();
    let dismiss = format!("/v1/inbox/proposals/{id}/dismiss");
    let (status, dismissed) = call(&app, &jane, Method::POST, &dismiss, None).await;
    assert_eq!(status, 200, "{dismissed}");
    assert_eq!(dismissed["status"], "dismissed");
    let (status, again) = call(&app, &jane, Method::POST, &dismiss, None).await;
    assert_eq!((status, &again["status"]), (200, &json!("dismissed")));
    let response = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/inbox/proposals/{id}/accept"),
        )
        .send()
        .await
        .unwrap();
    assert_problem(response, 409).await;
    assert_eq!(interactions_of(&app, &jane, &opp).await.len(), 0);
    let pending = app.read(&jane, "/v1/inbox/proposals").await;
    assert_eq!(pending["items"], json!([]));
    let listed = app
        .read(&jane, "/v1/inbox/proposals?status=dismissed")
        .await;
    assert_eq!(listed["items"][0]["id"], id);

    // And the other way round.
    let offer_opp = opportunity(&app, &jane, "Other").await;
    let raw = b"From: Ann <ann@other.example>\r\nDate: Mon, 04 Jan 2010 09:00:00 +0000\r\n\
                Message-ID: <a@other.example>\r\nSubject: news\r\n\r\nThanks for your time.\r\n"
        .to_vec();
    let (status, other) = post_mail(&app, &jane, raw).await;
    assert_eq!(status, 201, "{other}");
    let (status, accepted) = accept(
        &app,
        &jane,
        &other,
        Some(json!({"opportunity_id": offer_opp})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    let other_id = other["id"].as_str().unwrap();
    let response = app
        .as_(
            &jane,
            Method::POST,
            &format!("/v1/inbox/proposals/{other_id}/dismiss"),
        )
        .send()
        .await
        .unwrap();
    assert_problem(response, 409).await;
}

#[tokio::test]
async fn proposals_are_listed_page_by_page() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let mut ids = Vec::new();
    for fixture in [
        "15-greenhouse-rejection.eml",
        "16-lever-rejection-closer-match.eml",
        "17-workday-position-filled.eml",
    ] {
        ids.push(propose(&app, &jane, fixture).await["id"].clone());
    }
    let first = app.read(&jane, "/v1/inbox/proposals?limit=2").await;
    assert_eq!(first["items"].as_array().unwrap().len(), 2);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = app
        .read(
            &jane,
            &format!("/v1/inbox/proposals?limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(second["next_cursor"], Value::Null);
    let seen: Vec<Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|p| p["id"].clone())
        .collect();
    assert_eq!(seen, ids);
    for bad in ["limit=0", "status=maybe", "cursor=nope"] {
        let response = app
            .as_(&jane, Method::GET, &format!("/v1/inbox/proposals?{bad}"))
            .send()
            .await
            .unwrap();
        assert_problem(response, 422).await;
    }
}

/// A calendar message from Ann at Acme: an invitation (`REQUEST`) or a
/// cancellation (`CANCEL`) of the event `uid` at `start`, sent an hour ago.
fn calendar_mail(
    message_id: &str,
    method: &str,
    uid: &str,
    sequence: u32,
    start: chrono::DateTime<chrono::Utc>,
) -> Vec<u8> {
    let sent = (chrono::Utc::now() - chrono::Duration::hours(1)).to_rfc2822();
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let from = start.format("%Y%m%dT%H%M%SZ");
    let to = (start + chrono::Duration::hours(1)).format("%Y%m%dT%H%M%SZ");
    let status = if method == "CANCEL" {
        "STATUS:CANCELLED\r\n"
    } else {
        ""
    };
    let subject = if method == "CANCEL" {
        "Cancelled: Interview for Senior Editor"
    } else {
        "Invitation: Interview for Senior Editor"
    };
    format!(
        "From: Ann Lee <ann.lee@acme-editions.com>\r\n\
         To: Jane Doe <jane@example.net>\r\n\
         Subject: {subject}\r\n\
         Date: {sent}\r\n\
         Message-ID: <{message_id}@acme-editions.com>\r\n\
         MIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"cal\"\r\n\
         \r\n\
         --cal\r\n\
         Content-Type: text/plain; charset=utf-8\r\n\
         \r\n\
         Hi Jane, the calendar entry for your interview is attached.\r\n\
         \r\n\
         --cal\r\n\
         Content-Type: text/calendar; charset=utf-8; method={method}\r\n\
         \r\n\
         BEGIN:VCALENDAR\r\n\
         PRODID:-//followup tests//EN\r\n\
         VERSION:2.0\r\n\
         METHOD:{method}\r\n\
         BEGIN:VEVENT\r\n\
         UID:{uid}\r\n\
         SEQUENCE:{sequence}\r\n\
         DTSTAMP:{stamp}\r\n\
         DTSTART:{from}\r\n\
         DTEND:{to}\r\n\
         SUMMARY:Interview for Senior Editor\r\n\
         ORGANIZER;CN=Ann Lee:mailto:ann.lee@acme-editions.com\r\n\
         {status}\
         END:VEVENT\r\n\
         END:VCALENDAR\r\n\
         --cal--\r\n"
    )
    .into_bytes()
}

/// The agenda's `prepare_interview` actions for `opportunity`.
async fn preparations(app: &TestApp, account: &Account, opportunity: &str) -> Vec<Value> {
    let agenda = app.read(account, "/v1/agenda").await;
    agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["opportunity_id"] == opportunity && a["action"] == "prepare_interview")
        .cloned()
        .collect()
}

fn rfc3339(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[tokio::test]
async fn a_forwarded_invitation_schedules_an_interview_that_moves_and_cancels_with_its_updates() {
    use chrono::{Duration, DurationRound, Utc};
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme Editions").await;
    let ann = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Ann Lee", "role": "hiring_manager",
               "email": "ann.lee@acme-editions.com", "timezone": "America/New_York"}),
    )
    .await;
    let start = Utc::now().duration_trunc(Duration::hours(1)).unwrap() + Duration::days(10);
    let uid = "interview-7f3a@acme-editions.com";

    // The invitation: a reply, and an interview to schedule.
    let invitation = propose_raw(
        &app,
        &jane,
        calendar_mail("inv-1", "REQUEST", uid, 0, start),
    )
    .await;
    assert_eq!(invitation["class"], "interview_invitation", "{invitation}");
    assert_eq!(invitation["interaction"]["kind"], "reply_received");
    assert_eq!(invitation["interview"]["change"], "schedule");
    assert_eq!(invitation["interview"]["starts_at"], rfc3339(start));
    assert_eq!(invitation["interview"]["calendar_uid"], uid);
    assert_eq!(invitation["interview"]["on_accept"], true);
    assert!(preparations(&app, &jane, &opp).await.is_empty());

    let (status, accepted) = accept(&app, &jane, &invitation, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interaction"]["kind"], "reply_received");
    assert!(accepted["warnings"].is_array(), "{accepted}");
    let interview = &accepted["interview"];
    assert_eq!(interview["kind"], "interview");
    assert_eq!(interview["occurred_at"], rfc3339(start));
    assert_eq!(interview["contact_id"], ann["id"]);
    assert_eq!(accepted["proposal"]["interview_id"], interview["id"]);
    let interview_id = interview["id"].as_str().unwrap().to_owned();
    assert_eq!(interactions_of(&app, &jane, &opp).await.len(), 2);

    // Scheduled: the agenda prepares for it the business day before, and
    // its window closes when it starts.
    let prepare = preparations(&app, &jane, &opp).await;
    assert_eq!(
        prepare.len(),
        1,
        "{:#}",
        app.read(&jane, "/v1/agenda").await
    );
    assert_eq!(prepare[0]["window_end"], rfc3339(start));
    assert!(prepare[0]["due_at"].as_str().unwrap() < rfc3339(start).as_str());
    assert!(
        prepare[0]["reason"]
            .as_str()
            .unwrap()
            .contains("prepare_for_interview"),
        "{prepare:#?}"
    );
    // Accepting again logs nothing more.
    let (status, again) = accept(&app, &jane, &invitation, None).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["interview"]["id"], interview_id.as_str());
    assert_eq!(interactions_of(&app, &jane, &opp).await.len(), 2);

    // The update (SEQUENCE 1) moves the same interview a day later.
    let moved_to = start + Duration::days(1);
    let update = propose_raw(
        &app,
        &jane,
        calendar_mail("inv-2", "REQUEST", uid, 1, moved_to),
    )
    .await;
    assert_eq!(update["class"], "interview_update", "{update}");
    let (status, accepted) = accept(&app, &jane, &update, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interview"]["id"], interview_id.as_str());
    assert_eq!(accepted["interview"]["occurred_at"], rfc3339(moved_to));
    let moved = app
        .read(&jane, &format!("/v1/interactions/{interview_id}"))
        .await;
    assert_eq!(moved["occurred_at"], rfc3339(moved_to));
    let prepare = preparations(&app, &jane, &opp).await;
    assert_eq!(prepare.len(), 1, "{prepare:#?}");
    assert_eq!(prepare[0]["window_end"], rfc3339(moved_to));

    // An older update arriving late (SEQUENCE 0 again) moves nothing.
    let stale = propose_raw(
        &app,
        &jane,
        calendar_mail("inv-0", "REQUEST", uid, 0, start),
    )
    .await;
    let (status, accepted) = accept(&app, &jane, &stale, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interview"]["occurred_at"], rfc3339(moved_to));

    // The cancellation removes it, and the agenda no longer prepares.
    let cancel = propose_raw(
        &app,
        &jane,
        calendar_mail("inv-3", "CANCEL", uid, 2, moved_to),
    )
    .await;
    assert_eq!(cancel["class"], "interview_cancel", "{cancel}");
    assert_eq!(cancel["interview"]["change"], "cancel");
    let (status, accepted) = accept(&app, &jane, &cancel, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interview"]["id"], interview_id.as_str());
    let gone = app
        .as_(
            &jane,
            Method::GET,
            &format!("/v1/interactions/{interview_id}"),
        )
        .send()
        .await
        .unwrap();
    assert_problem(gone, 404).await;
    assert!(preparations(&app, &jane, &opp).await.is_empty());
    let kinds: Vec<Value> = interactions_of(&app, &jane, &opp)
        .await
        .iter()
        .map(|i| i["kind"].clone())
        .collect();
    assert_eq!(kinds.len(), 4, "the replies stay: {kinds:?}");
    assert!(kinds.iter().all(|k| k == "reply_received"), "{kinds:?}");
}

#[tokio::test]
async fn an_invitation_can_be_accepted_as_a_reply_only_or_at_a_corrected_time() {
    use chrono::{Duration, DurationRound, Utc};
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme Editions").await;
    contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Ann Lee", "role": "hiring_manager", "email": "ann.lee@acme-editions.com"}),
    )
    .await;
    let start = Utc::now().duration_trunc(Duration::hours(1)).unwrap() + Duration::days(5);
    let first = propose_raw(
        &app,
        &jane,
        calendar_mail("a-1", "REQUEST", "uid-a", 0, start),
    )
    .await;
    let (status, accepted) = accept(
        &app,
        &jane,
        &first,
        Some(json!({"schedule_interview": false})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interview"], Value::Null);
    assert_eq!(accepted["proposal"]["interview_id"], Value::Null);
    assert!(preparations(&app, &jane, &opp).await.is_empty());

    let corrected = start + Duration::hours(2);
    let second = propose_raw(
        &app,
        &jane,
        calendar_mail("b-1", "REQUEST", "uid-b", 0, start),
    )
    .await;
    let (status, accepted) = accept(
        &app,
        &jane,
        &second,
        Some(json!({"interview_at": rfc3339(corrected)})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interview"]["occurred_at"], rfc3339(corrected));
    assert_eq!(preparations(&app, &jane, &opp).await.len(), 1);

    // A past fixture's invitation is logged as an ordinary interview.
    let old = propose(&app, &jane, "34-google-calendar-iana-new-york.eml").await;
    assert_eq!(old["class"], "interview_invitation");
    let (status, accepted) = accept(&app, &jane, &old, Some(json!({"opportunity_id": opp}))).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interaction"]["kind"], "reply_received");
    assert_eq!(accepted["interview"]["kind"], "interview");
}

#[tokio::test]
async fn only_an_interview_may_be_logged_ahead() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme Editions").await;
    let log = |kind: &'static str, days: i64| {
        let (app, jane, opp) = (&app, &jane, &opp);
        async move {
            let at = rfc3339(chrono::Utc::now() + chrono::Duration::days(days));
            call(
                app,
                jane,
                Method::POST,
                &format!("/v1/opportunities/{opp}/interactions"),
                Some(json!({"kind": kind, "occurred_at": at})),
            )
            .await
        }
    };
    let (status, body) = log("interview", 3).await;
    assert_eq!(status, 201, "{body}");
    let (status, body) = log("follow_up_email", 3).await;
    assert_eq!(status, 422, "{body}");
    assert!(body.to_string().contains("occurred_at"), "{body}");
    let (status, body) = log("interview", 401).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(preparations(&app, &jane, &opp).await.len(), 1);
}

#[tokio::test]
async fn accepting_an_offer_writes_its_terms_to_the_opportunity_unless_told_not_to() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Northwind Media").await;
    contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Daniel Okafor", "role": "hiring_manager",
               "email": "daniel.okafor@northwindmedia.com"}),
    )
    .await;
    let offer = propose(&app, &jane, "30-outlook-offer-usd.eml").await;
    assert_eq!(offer["class"], "offer");
    assert_eq!(offer["transition"]["to"], "offer");
    let (status, accepted) = accept(&app, &jane, &offer, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interaction"]["kind"], "offer_received");
    assert_eq!(accepted["transition"]["to"], "offer");
    assert!(accepted["warnings"].is_array(), "{accepted}");
    let written = &accepted["opportunity"];
    assert_eq!(written["base_salary"], 145000.0, "{accepted}");
    assert_eq!(written["bonus"], 14500.0, "10 % of the base: {accepted}");
    assert_eq!(written["currency"], "USD");
    assert_eq!(written["offer_deadline"], "2010-01-15");
    assert_eq!(written["stage"], "offer");
    let stored = app.read(&jane, &format!("/v1/opportunities/{opp}")).await;
    assert_eq!(stored["base_salary"], 145000.0, "{stored}");
    assert_eq!(stored["offer_deadline"], "2010-01-15");

    // The same offer to another opportunity, terms left alone.
    let other = opportunity(&app, &jane, "Kestrel Logistics").await;
    let gbp = propose(&app, &jane, "33-gmail-fwd-attached-offer-gbp.eml").await;
    let (status, accepted) = accept(
        &app,
        &jane,
        &gbp,
        Some(json!({"opportunity_id": other, "apply_terms": false})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["opportunity"], Value::Null);
    let stored = app.read(&jane, &format!("/v1/opportunities/{other}")).await;
    assert_eq!(stored["base_salary"], Value::Null, "{stored}");
    assert_eq!(stored["offer_deadline"], Value::Null, "{stored}");
}

#[tokio::test]
async fn a_reply_that_promises_a_call_records_the_promise_and_the_agenda_waits_for_it() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Northwind Media").await;
    let daniel = contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Daniel Okafor", "role": "hiring_manager",
               "email": "daniel.okafor@northwindmedia.com", "timezone": "America/New_York"}),
    )
    .await;
    let reply = propose(&app, &jane, "46-outlook-reply-call-after-new-year.eml").await;
    assert_eq!(reply["class"], "reply");
    let promise = &reply["promise"];
    assert_eq!(promise["what"], "call", "{reply}");
    assert_eq!(promise["due"], "2010-01-08");
    assert_eq!(promise["on_accept"], true);
    assert!(
        promise["text"].as_str().unwrap().contains("New Year"),
        "{reply}"
    );

    let (status, accepted) = accept(&app, &jane, &reply, None).await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["interaction"]["kind"], "reply_received");
    let recorded = &accepted["promise"];
    assert_eq!(recorded["what"], "call", "{accepted}");
    assert_eq!(recorded["due"], "2010-01-08");
    assert_eq!(recorded["contact_id"], daniel["id"]);
    assert_eq!(recorded["made_at"], accepted["interaction"]["occurred_at"]);
    assert_eq!(accepted["proposal"]["promise_id"], recorded["id"]);
    let listed = app
        .read(&jane, &format!("/v1/opportunities/{opp}/promises"))
        .await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1, "{listed}");
    // Accepting again records nothing more, and answers the same promise.
    let (status, again) = accept(&app, &jane, &reply, None).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["promise"]["id"], recorded["id"]);

    // Before the promised Friday the agenda says to wait; the Monday after,
    // the broken promise gets a call first thing.
    let waiting = app.read(&jane, "/v1/agenda?at=2010-01-06T15:00:00Z").await;
    let kinds: Vec<&str> = waiting["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["opportunity_id"] == opp.as_str())
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"wait"), "{waiting:#}");
    let monday = app.read(&jane, "/v1/agenda?at=2010-01-11T13:00:00Z").await;
    let missed: Vec<&Value> = monday["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["opportunity_id"] == opp.as_str() && a["rule"] == "missed_promise_call")
        .collect();
    assert_eq!(missed.len(), 1, "{monday:#}");
    assert_eq!(missed[0]["due_at"], "2010-01-11T14:00:00Z");
}

#[tokio::test]
async fn a_promise_can_be_declined_or_corrected_on_accept_and_proposals_make_events() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Fjordline").await;
    contact(
        &app,
        &jane,
        &opp,
        json!({"name": "Ingrid Solberg", "role": "hiring_manager",
               "email": "ingrid.solberg@fjordline.no"}),
    )
    .await;
    let news = propose(&app, &jane, "48-gmail-fwd-expect-news-by-friday.eml").await;
    assert_eq!(news["promise"]["due"], "2010-02-12", "{news}");
    let (status, accepted) = accept(
        &app,
        &jane,
        &news,
        Some(json!({"promise_due": "2010-02-19", "promise_what": "decision"})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["promise"]["due"], "2010-02-19");
    assert_eq!(accepted["promise"]["what"], "decision");

    let other = opportunity(&app, &jane, "Calloway Partners").await;
    let decision = propose(&app, &jane, "58-apple-reply-decision-friday-afternoon.eml").await;
    let (status, accepted) = accept(
        &app,
        &jane,
        &decision,
        Some(json!({"opportunity_id": other, "record_promise": false})),
    )
    .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["promise"], Value::Null);
    let listed = app
        .read(&jane, &format!("/v1/opportunities/{other}/promises"))
        .await;
    assert!(listed["items"].as_array().unwrap().is_empty(), "{listed}");

    let dismissed = propose(&app, &jane, "27-gmail-reply-we-havent-decided.eml").await;
    let id = dismissed["id"].as_str().unwrap();
    let (status, _) = call(
        &app,
        &jane,
        Method::POST,
        &format!("/v1/inbox/proposals/{id}/dismiss"),
        None,
    )
    .await;
    assert_eq!(status, 200);

    // The feed tells an app what the inbox did: each proposal made, then
    // accepted or dismissed, with the proposal as data.
    // (On PostgreSQL the feed holds an event back while an older
    // transaction runs anywhere in the cluster: read until all six are in.)
    let feed = crate::events::feed_of(
        &app,
        &jane,
        "&types=proposal.created,proposal.accepted,proposal.dismissed",
        6,
    )
    .await;
    let seen: Vec<(String, String)> = feed
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["data"]["id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expect = |kind: &str, proposal: &Value| {
        assert!(
            seen.contains(&(kind.to_owned(), proposal["id"].as_str().unwrap().to_owned())),
            "{kind} for {}: {seen:?}",
            proposal["id"]
        );
    };
    expect("proposal.created", &news);
    expect("proposal.accepted", &news);
    expect("proposal.created", &decision);
    expect("proposal.accepted", &decision);
    expect("proposal.created", &dismissed);
    expect("proposal.dismissed", &dismissed);
    assert_eq!(seen.len(), 6, "{seen:?}");
}

#[tokio::test]
async fn bad_messages_are_refused_with_problems() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let wrong_type = app
        .as_(&jane, Method::POST, "/v1/inbox")
        .header("content-type", "text/plain")
        .body(mail("19-outlook-rejection-internal.eml"))
        .send()
        .await
        .unwrap();
    assert_problem(wrong_type, 415).await;
    let no_type = app
        .as_(&jane, Method::POST, "/v1/inbox")
        .body(mail("19-outlook-rejection-internal.eml"))
        .send()
        .await
        .unwrap();
    assert_problem(no_type, 415).await;

    // Over 10 MiB: 413, while the JSON routes keep their own limit.
    let mut huge = mail("19-outlook-rejection-internal.eml");
    huge.resize(10 * 1024 * 1024 + 1, b'a');
    let response = app
        .as_(&jane, Method::POST, "/v1/inbox")
        .header("content-type", "message/rfc822")
        .body(huge)
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
    let json_body = json!({"company": "Acme", "title": "Editor", "notes": "x".repeat(300 * 1024)});
    let response = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json_body)
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
    // Under 10 MiB but over the JSON limit: read.
    let mut large = mail("19-outlook-rejection-internal.eml");
    large.extend(std::iter::repeat_n(b"padding line\r\n".iter().copied(), 40_000).flatten());
    let (status, body) = post_mail(&app, &jane, large).await;
    assert_eq!(status, 201, "{body}");

    let (status, problem) = post_mail(&app, &jane, b"   \r\n".to_vec()).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "body");

    // Hostile input: a low-confidence proposal or a 4xx, never a 5xx.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail/hostile");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    assert_eq!(names.len(), 14);
    for name in names {
        let (status, body) = post_mail(&app, &jane, std::fs::read(dir.join(&name)).unwrap()).await;
        match status {
            200 | 201 => assert!(body["confidence"].as_f64().unwrap() < 0.5, "{name}: {body}"),
            400..=499 => assert!(body["type"].is_string(), "{name}: {body}"),
            _ => panic!("{name}: {status} {body}"),
        }
    }
}

#[tokio::test]
async fn another_seeker_cannot_see_or_decide_a_proposal() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let bob = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Meridian Freight").await;
    let proposal = propose(&app, &jane, "19-outlook-rejection-internal.eml").await;
    let id = proposal["id"].as_str().unwrap();
    let response = app
        .as_(&bob, Method::GET, &format!("/v1/inbox/proposals/{id}"))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404).await;
    for action in ["accept", "dismiss"] {
        let response = app
            .as_(
                &bob,
                Method::POST,
                &format!("/v1/inbox/proposals/{id}/{action}"),
            )
            .json(&json!({"opportunity_id": opp}))
            .send()
            .await
            .unwrap();
        assert_problem(response, 404).await;
    }
    let theirs = app.read(&bob, "/v1/inbox/proposals").await;
    assert_eq!(theirs["items"], json!([]));
    // Nor can Jane log onto Bob's opportunity.
    let bobs = opportunity(&app, &bob, "Bob's").await;
    let (status, problem) = accept(
        &app,
        &jane,
        &proposal,
        Some(json!({"opportunity_id": bobs})),
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    let mine = app.read(&jane, &format!("/v1/inbox/proposals/{id}")).await;
    assert_eq!(mine["status"], "pending");
    let unauthenticated = app
        .client
        .post(app.url("/v1/inbox"))
        .header("content-type", "message/rfc822")
        .body(mail("19-outlook-rejection-internal.eml"))
        .send()
        .await
        .unwrap();
    assert_problem(unauthenticated, 401).await;
}

#[tokio::test]
async fn the_raw_message_is_forgotten_after_the_retention_and_the_proposal_stays() {
    let clock = followup_api::clock::Clock::manual(chrono::Utc::now());
    let app = crate::helpers::spawn_with_clock(clock.clone()).await;
    let jane = app.register("seeker").await;
    let proposal = propose(&app, &jane, "19-outlook-rejection-internal.eml").await;
    let id = proposal["id"].as_str().unwrap().to_owned();
    let store = followup_store::Store::open(
        app.db.as_ref().unwrap().url().clone(),
        &followup_store::PoolOptions::default(),
    )
    .unwrap();
    let raw = || {
        let id = id.clone();
        store
            .read(move |conn| {
                let row = followup_store::inbox::find_proposal(conn, &id)?.unwrap();
                followup_store::inbox::raw_of(conn, &row.message_id)
            })
            .unwrap()
    };
    assert_eq!(
        raw().unwrap(),
        mail("19-outlook-rejection-internal.eml"),
        "kept as received"
    );
    // 29 days on: still kept. 31 days on: the hourly purge forgets it.
    clock.advance(chrono::Duration::days(29));
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    assert!(raw().is_some());
    clock.advance(chrono::Duration::days(2));
    let mut tries = 0;
    while raw().is_some() {
        tries += 1;
        assert!(tries < 100, "the raw bytes were never purged");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let kept = app.read(&jane, &format!("/v1/inbox/proposals/{id}")).await;
    assert_eq!(kept, proposal);
}
