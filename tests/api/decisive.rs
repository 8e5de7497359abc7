//! The moments that decide a search, end to end through HTTP on both
//! backends (docs/cadence.md, "Decisive moments").

use serde_json::json;

use crate::helpers::spawn_app;
use crate::scenarios::{Seeker, kinds, only};

/// A final at Acme in New York with its last interview on Mon 2 Mar 2026,
/// the letter sent that evening and four unanswered follow-up e-mails, one
/// a week, the last on Mon 30 Mar. Returns (opportunity, contact).
async fn quiet_final(seeker: &Seeker<'_>) -> (String, String) {
    let acme = seeker
        .opportunity(json!({"company": "Acme", "title": "Editor", "industry": "logistics", "stage": "final"}))
        .await;
    let ann = seeker
        .contact(
            &acme,
            json!({"name": "Ann Lee", "role": "hiring_manager", "email": "ann@acme.example",
                   "timezone": "America/New_York"}),
        )
        .await;
    seeker
        .log(&acme, &ann, "interview", "2026-03-02T15:00:00Z")
        .await;
    seeker
        .log(&acme, &ann, "influence_letter", "2026-03-02T23:00:00Z")
        .await;
    for at in [
        "2026-03-09T15:00:00Z",
        "2026-03-16T14:00:00Z",
        "2026-03-23T14:00:00Z",
        "2026-03-30T14:00:00Z",
    ] {
        seeker.log(&acme, &ann, "follow_up_email", at).await;
    }
    (acme, ann)
}

/// A final at Acme whose hiring manager Ann, in New York, takes calls; the
/// last interview was on Mon 2 Mar 2026. Returns (opportunity, contact).
async fn interviewed_final(seeker: &Seeker<'_>) -> (String, String) {
    let acme = seeker
        .opportunity(json!({"company": "Acme", "title": "Editor", "industry": "logistics", "stage": "final"}))
        .await;
    let ann = seeker
        .contact(
            &acme,
            json!({"name": "Ann Lee", "role": "hiring_manager", "email": "ann@acme.example",
                   "phone": "+1 212 555 0100", "timezone": "America/New_York"}),
        )
        .await;
    seeker
        .log(&acme, &ann, "interview", "2026-03-02T15:00:00Z")
        .await;
    (acme, ann)
}

/// Ann promises a call by Fri 6 Mar 2026 (and it never comes).
async fn promise_a_call_by_friday(seeker: &Seeker<'_>, acme: &str, ann: &str) {
    seeker
        .promise(
            acme,
            json!({"contact_id": ann, "what": "call", "due": "2026-03-06",
                   "made_at": "2026-03-02T15:30:00Z"}),
        )
        .await;
}

/// An offer at Rival arrives on Tue 10 Mar 2026, to be answered by `deadline`.
async fn offer_elsewhere_on_tuesday(seeker: &Seeker<'_>, deadline: &str) {
    let rival = seeker
        .opportunity(
            json!({"company": "Rival", "title": "Editor", "stage": "offer",
                            "offer_deadline": deadline}),
        )
        .await;
    let rita = seeker
        .contact(
            &rival,
            json!({"name": "Rita", "role": "recruiter", "email": "rita@rival.example"}),
        )
        .await;
    seeker
        .log(&rival, &rita, "offer_received", "2026-03-10T15:00:00Z")
        .await;
}

#[tokio::test]
async fn a_pending_promise_holds_mark_ghosted_until_the_silence_runs_from_its_due_date() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = quiet_final(&seeker).await;
    // Without a promise, the silence since the interview suggests moving on.
    let before = seeker.next_actions(&acme, "2026-04-07T15:00:00Z").await;
    assert!(kinds(&before).contains(&"mark_ghosted"), "{before:#?}");

    // Ann promises a decision by Fri 17 Apr: nothing suggests giving up
    // while it is pending.
    seeker
        .promise(
            &acme,
            json!({"contact_id": ann, "what": "decision", "due": "2026-04-17",
                   "made_at": "2026-04-06T15:00:00Z"}),
        )
        .await;
    for at in ["2026-04-07T15:00:00Z", "2026-04-17T20:00:00Z"] {
        let pending = seeker.next_actions(&acme, at).await;
        assert!(
            !kinds(&pending).contains(&"mark_ghosted"),
            "{at}: {pending:#?}"
        );
    }
    // Broken at the close of Fri 17 Apr; the suggestion comes a week later,
    // at the opening of Fri 24 Apr (09:00 New York = 13:00Z).
    let broken = seeker.next_actions(&acme, "2026-04-21T15:00:00Z").await;
    let ghosted = only(&broken, "mark_ghosted");
    assert_eq!(ghosted["due_at"], "2026-04-24T13:00:00Z", "{ghosted:#}");
}

#[tokio::test]
async fn prospects_do_not_count_as_an_active_pipeline() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    seeker
        .opportunity(json!({"company": "Final Co", "title": "Editor", "stage": "final"}))
        .await;
    for company in ["Maybe A", "Maybe B", "Maybe C"] {
        seeker
            .opportunity(json!({"company": company, "title": "Editor", "stage": "prospect"}))
            .await;
    }
    let health = seeker.get("/v1/pipeline/health").await;
    assert_eq!(health["others_open"], 0, "{health:#}");
    assert_eq!(health["open_total"], 4, "{health:#}");
    assert_eq!(health["apply_more"], true, "{health:#}");
    let agenda = seeker.agenda("2026-03-10T15:00:00Z").await;
    let apply = only(&agenda, "apply_more");
    assert!(
        apply["reason"]
            .as_str()
            .unwrap()
            .contains("only 0 other opportunities are active"),
        "{apply:#}"
    );

    for company in ["Real A", "Real B", "Real C"] {
        seeker
            .opportunity(json!({"company": company, "title": "Editor", "stage": "applied"}))
            .await;
    }
    let health = seeker.get("/v1/pipeline/health").await;
    assert_eq!(health["others_open"], 3, "{health:#}");
    assert_eq!(health["apply_more"], false, "{health:#}");
}

#[tokio::test]
async fn one_open_follow_up_per_person_across_channels() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    seeker
        .log(&acme, &ann, "influence_letter", "2026-03-02T23:00:00Z")
        .await;
    // Mon 9 Mar: Ann does not pick up, so a retry by phone is due; Tue 10
    // Mar: an offer elsewhere, to be shared by e-mail.
    seeker
        .log(&acme, &ann, "call_no_answer", "2026-03-09T15:00:00Z")
        .await;
    offer_elsewhere_on_tuesday(&seeker, "2026-03-27").await;

    let actions = seeker.next_actions(&acme, "2026-03-11T15:00:00Z").await;
    let follow_ups: Vec<_> = actions
        .iter()
        .filter(|a| {
            a["contact_id"] == ann.as_str()
                && [
                    "send_follow_up_email",
                    "share_status",
                    "offer_collaboration",
                    "call",
                ]
                .contains(&a["action"].as_str().unwrap_or_default())
        })
        .collect();
    assert_eq!(
        follow_ups.len(),
        1,
        "one open follow-up for Ann: {actions:#?}"
    );
    assert_eq!(follow_ups[0]["action"], "share_status");
    assert_eq!(follow_ups[0]["channel"], "email");
}

#[tokio::test]
async fn a_missed_promise_is_settled_by_an_answer_or_the_follow_up_not_by_a_letter() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    seeker
        .log(&acme, &ann, "influence_letter", "2026-03-02T23:00:00Z")
        .await;
    // A call promised by Fri 6 Mar never came.
    promise_a_call_by_friday(&seeker, &acme, &ann).await;
    let missed =
        |actions: &[serde_json::Value]| actions.iter().any(|a| a["rule"] == "missed_promise_call");
    // A second letter and a thank-you on Mon 9 Mar settle nothing.
    seeker
        .log(&acme, &ann, "influence_letter", "2026-03-09T16:00:00Z")
        .await;
    seeker
        .log(&acme, &ann, "thank_you", "2026-03-09T16:30:00Z")
        .await;
    let after_letters = seeker.next_actions(&acme, "2026-03-09T20:00:00Z").await;
    assert!(missed(&after_letters), "{after_letters:#?}");
    // The follow-up e-mail the action asks for does.
    seeker
        .log(&acme, &ann, "follow_up_email", "2026-03-09T17:00:00Z")
        .await;
    let after_follow_up = seeker.next_actions(&acme, "2026-03-09T20:00:00Z").await;
    assert!(!missed(&after_follow_up), "{after_follow_up:#?}");
}

#[tokio::test]
async fn coming_back_from_ghosted_restarts_every_clock() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    promise_a_call_by_friday(&seeker, &acme, &ann).await;
    seeker
        .log(&acme, &ann, "call_no_answer", "2026-03-16T15:00:00Z")
        .await;
    let path = format!("/v1/opportunities/{acme}/transitions");
    seeker
        .post(
            &path,
            json!({"to": "ghosted", "occurred_at": "2026-04-01T15:00:00Z"}),
        )
        .await;
    // Tue 21 Apr 2026: Ann calls back, and the search is on again.
    seeker
        .post(
            &path,
            json!({"to": "interviewing", "occurred_at": "2026-04-21T15:00:00Z"}),
        )
        .await;
    let now = seeker.next_actions(&acme, "2026-04-22T15:00:00Z").await;
    for action in &now {
        assert!(
            action["due_at"].as_str().unwrap() >= "2026-04-21T15:00:00Z",
            "nothing from before the reopening comes back overdue: {action:#}"
        );
    }
    assert!(!kinds(&now).contains(&"mark_ghosted"), "{now:#?}");
    let silence = now
        .iter()
        .find(|a| a["rule"] == "follow_up_after_silence")
        .unwrap_or_else(|| panic!("a silence follow-up: {now:#?}"));
    // A week after the reopening, at 09:00 New York.
    assert_eq!(silence["due_at"], "2026-04-28T13:00:00Z", "{silence:#}");
}

#[tokio::test]
async fn a_promise_due_before_it_was_made_is_refused_with_the_date_meant() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    // "By Friday", entered on Friday 20 Nov 2026 at 19:00 New York.
    let response = app
        .as_(
            &seeker.account,
            reqwest::Method::POST,
            &format!("/v1/opportunities/{acme}/promises"),
        )
        .json(
            &json!({"contact_id": ann, "what": "decision", "due": "2026-11-20",
                      "made_at": "2026-11-21T00:00:00Z"}),
        )
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "due", "{problem:#}");
    let message = problem["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("2026-11-27 (Friday)"), "{message}");

    // Made that morning, it stands; moving when it was made past it is refused too.
    let promise = seeker
        .promise(
            &acme,
            json!({"contact_id": ann, "what": "decision", "due": "2026-11-20",
                   "made_at": "2026-11-20T14:00:00Z"}),
        )
        .await;
    let path = format!("/v1/promises/{promise}");
    let etag = app
        .as_(&seeker.account, reqwest::Method::GET, &path)
        .send()
        .await
        .unwrap()
        .headers()["etag"]
        .to_str()
        .unwrap()
        .to_owned();
    let response = app
        .as_(&seeker.account, reqwest::Method::PATCH, &path)
        .header("if-match", etag)
        .json(&json!({"made_at": "2026-11-21T00:00:00Z"}))
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "due", "{problem:#}");
}

#[tokio::test]
async fn an_urgent_share_overrides_the_weekly_cap_and_says_why() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let acme = seeker
        .opportunity(json!({"company": "Acme", "title": "Editor", "industry": "logistics", "stage": "final"}))
        .await;
    let eve = seeker
        .contact(
            &acme,
            json!({"name": "Eve Mail", "role": "hiring_manager", "email": "eve@acme.example",
                   "timezone": "America/New_York", "preferred_channel": "email"}),
        )
        .await;
    seeker
        .log(&acme, &eve, "interview", "2026-03-02T15:00:00Z")
        .await;
    seeker
        .log(&acme, &eve, "follow_up_email", "2026-03-09T14:00:00Z")
        .await;
    // Tue 10 Mar: an offer elsewhere that must be answered by Fri 13 Mar.
    offer_elsewhere_on_tuesday(&seeker, "2026-03-13").await;

    let now = seeker.next_actions(&acme, "2026-03-10T16:00:00Z").await;
    let share = only(&now, "share_status");
    assert_eq!(share["channel"], "email");
    assert!(
        share["due_at"].as_str().unwrap() < "2026-03-11T22:00:00Z",
        "before the latest useful moment: {share:#}"
    );
    assert!(
        share["constraints"]
            .as_array()
            .unwrap()
            .contains(&json!("cap_overridden")),
        "{share:#}"
    );
    assert!(
        share["reason"].as_str().unwrap().contains("Fri 13 Mar"),
        "{share:#}"
    );
}

#[tokio::test]
async fn an_offer_is_never_shared_with_its_own_employer() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, _ann) = interviewed_final(&seeker).await;
    // An offer from Acme's other team, entered under another display name
    // with the employer spelled differently.
    let created = seeker
        .post(
            "/v1/opportunities",
            json!({"company": "ACME Labs", "employer": " acme ", "title": "Writer",
                   "stage": "offer", "offer_deadline": "2026-03-27"}),
        )
        .await;
    let labs = created["opportunity"]["id"].as_str().unwrap().to_owned();
    assert_eq!(created["opportunity"]["employer"], " acme ".trim());
    let now = seeker.next_actions(&acme, "2026-03-11T15:00:00Z").await;
    assert!(
        now.iter()
            .all(|a| a["action"] != "share_status" && a["competing_opportunity_id"].is_null()),
        "{now:#?}"
    );

    // Set apart (a PATCH to another employer), it competes, and the share
    // names it.
    let patched = seeker
        .patch(
            &format!("/v1/opportunities/{labs}"),
            json!({"employer": "Labs Inc"}),
        )
        .await;
    assert_eq!(patched["employer"], "Labs Inc");
    let now = seeker.next_actions(&acme, "2026-03-11T15:00:00Z").await;
    let share = only(&now, "share_status");
    assert_eq!(
        share["competing_opportunity_id"],
        labs.as_str(),
        "{share:#}"
    );

    // `null` makes it the company again; an empty employer is a 422 naming it.
    let cleared = seeker
        .patch(
            &format!("/v1/opportunities/{labs}"),
            json!({"employer": null}),
        )
        .await;
    assert_eq!(cleared["employer"], "ACME Labs");
    let response = app
        .as_(&seeker.account, reqwest::Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "employer": "  ", "title": "Editor"}))
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "employer", "{problem:#}");
}

#[tokio::test]
async fn a_decision_promise_waits_for_the_decision_and_a_newer_one_supersedes_it() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    // Mon 9 Mar: Ann promises a decision by Fri 13 Mar.
    let first = seeker
        .promise(
            &acme,
            json!({"contact_id": ann, "what": "decision", "due": "2026-03-13",
                   "made_at": "2026-03-09T15:00:00Z"}),
        )
        .await;
    // Tue 10 Mar: "thanks, still deciding" keeps no decision.
    seeker
        .log(&acme, &ann, "reply_received", "2026-03-10T15:00:00Z")
        .await;
    let status = |id: &str, at: &str| format!("/v1/promises/{id}?at={at}");
    let read = seeker.get(&status(&first, "2026-03-11T15:00:00Z")).await;
    assert_eq!(read["status"], "pending", "{read:#}");

    // Wed 11 Mar: "give us another week" — the newer promise supersedes it.
    let second = seeker
        .promise(
            &acme,
            json!({"contact_id": ann, "what": "decision", "due": "2026-03-20",
                   "made_at": "2026-03-11T16:00:00Z"}),
        )
        .await;
    let read = seeker.get(&status(&first, "2026-03-16T15:00:00Z")).await;
    assert_eq!(read["status"], "superseded", "{read:#}");
    let monday = seeker.next_actions(&acme, "2026-03-16T15:00:00Z").await;
    assert_eq!(only(&monday, "wait")["due_at"], "2026-03-20T21:00:00Z");

    // The seeker hears of the decision elsewhere and marks it kept.
    let kept = seeker
        .patch(&format!("/v1/promises/{second}"), json!({"kept": true}))
        .await;
    assert_eq!(kept["status"], "kept", "{kept:#}");
    assert!(kept["kept_at"].is_string(), "{kept:#}");
    let response = app
        .as_(
            &seeker.account,
            reqwest::Method::PATCH,
            &format!("/v1/promises/{second}"),
        )
        .json(&json!({"kept": "yes"}))
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert!(problem.to_string().contains("kept"), "{problem:#}");
}

#[tokio::test]
async fn a_rejection_ends_the_follow_ups_and_leaves_a_gracious_close() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    promise_a_call_by_friday(&seeker, &acme, &ann).await;
    // Tue 10 Mar: Ann writes that someone else got the job.
    let logged = seeker
        .log_with(
            &acme,
            json!({"kind": "rejection_received", "contact_id": ann,
                   "occurred_at": "2026-03-10T15:00:00Z",
                   "rejection_reason": "competing_candidate"}),
        )
        .await;
    assert_eq!(
        logged["interaction"]["rejection_reason"],
        "competing_candidate"
    );
    let week_later = seeker.next_actions(&acme, "2026-03-16T15:00:00Z").await;
    let mut now = kinds(&week_later);
    now.sort_unstable();
    assert_eq!(
        now,
        ["confirm_rejection", "send_gracious_close"],
        "{week_later:#?}"
    );
    let confirm = only(&week_later, "confirm_rejection");
    assert_eq!(
        confirm["transition"],
        json!({"to": "rejected", "reason": "competing_candidate"})
    );
    let close = only(&week_later, "send_gracious_close");
    // Five business days after Tue 10 Mar: the close of Tue 17 Mar in New York.
    assert_eq!(close["window_end"], "2026-03-17T21:00:00Z", "{close:#}");
    assert_eq!(close["draft"]["to"], "ann@acme.example", "{close:#}");

    // Moved to rejected: the gracious close stays, until a thank-you.
    seeker
        .post(
            &format!("/v1/opportunities/{acme}/transitions"),
            json!({"to": "rejected", "rejection_reason": "competing_candidate",
                   "occurred_at": "2026-03-10T16:00:00Z"}),
        )
        .await;
    let after_move = seeker.next_actions(&acme, "2026-03-16T15:00:00Z").await;
    assert_eq!(
        kinds(&after_move),
        ["send_gracious_close"],
        "{after_move:#?}"
    );
    // The agenda shows it too, though the opportunity is closed.
    let agenda = seeker.get("/v1/agenda?at=2026-03-16T15:00:00Z").await;
    assert!(
        agenda["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["action"] == "send_gracious_close"),
        "{agenda:#}"
    );
    seeker
        .log(&acme, &ann, "thank_you", "2026-03-11T15:00:00Z")
        .await;
    let thanked = seeker.next_actions(&acme, "2026-03-16T15:00:00Z").await;
    assert!(thanked.is_empty(), "{thanked:#?}");

    // A rejection reason on anything but a rejection is a 422 naming it.
    let response = app
        .as_(
            &seeker.account,
            reqwest::Method::POST,
            &format!("/v1/opportunities/{acme}/interactions"),
        )
        .json(&json!({"kind": "reply_received", "contact_id": ann,
                       "occurred_at": "2026-03-12T15:00:00Z",
                       "rejection_reason": "unknown"}))
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert_eq!(
        problem["errors"][0]["field"], "rejection_reason",
        "{problem:#}"
    );
}

#[tokio::test]
async fn an_offer_received_proposes_the_move_and_asks_for_the_written_offer() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    let (rival, _) = {
        let rival = seeker
            .opportunity(json!({"company": "Rival", "title": "Editor", "stage": "final"}))
            .await;
        let rob = seeker
            .contact(
                &rival,
                json!({"name": "Rob Hay", "role": "hiring_manager", "email": "rob@rival.example",
                       "timezone": "America/New_York"}),
            )
            .await;
        (rival, rob)
    };
    seeker
        .log(&acme, &ann, "offer_received", "2026-03-10T15:00:00Z")
        .await;
    let now = seeker.next_actions(&acme, "2026-03-10T16:00:00Z").await;
    assert_eq!(only(&now, "confirm_offer")["transition"]["to"], "offer");
    let review = only(&now, "review_offer");
    assert!(
        review["draft"]["body"]
            .as_str()
            .unwrap()
            .contains("base salary, bonus, equity, start date, deadline to answer"),
        "{review:#}"
    );
    // Not at offer yet: Rival hears of no competing offer.
    let at_rival = seeker.next_actions(&rival, "2026-03-10T16:00:00Z").await;
    assert!(!kinds(&at_rival).contains(&"share_status"), "{at_rival:#?}");

    seeker
        .post(
            &format!("/v1/opportunities/{acme}/transitions"),
            json!({"to": "offer", "occurred_at": "2026-03-10T17:00:00Z"}),
        )
        .await;
    seeker
        .patch(
            &format!("/v1/opportunities/{acme}"),
            json!({"base_salary": 120000, "bonus": 0, "equity": "none",
                   "offer_start_date": "2026-05-01", "offer_deadline": "2026-03-27"}),
        )
        .await;
    let now = seeker.next_actions(&acme, "2026-03-11T15:00:00Z").await;
    assert!(
        !kinds(&now)
            .iter()
            .any(|k| ["confirm_offer", "review_offer"].contains(k)),
        "{now:#?}"
    );
    let at_rival = seeker.next_actions(&rival, "2026-03-11T15:00:00Z").await;
    assert_eq!(
        only(&at_rival, "share_status")["competing_opportunity_id"],
        acme.as_str()
    );
}

#[tokio::test]
async fn the_weekly_cap_counts_the_employer_unless_the_playbook_says_per_contact() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    let mut people = Vec::new();
    for (name, email) in [
        ("Rita Ruiz", "rita@acme.example"),
        ("Hal Ng", "hal@acme.example"),
    ] {
        people.push(
            seeker
                .contact(
                    &acme,
                    json!({"name": name, "role": "recruiter", "email": email}),
                )
                .await,
        );
    }
    let (rita, hal) = (&people[0], &people[1]);

    // Capped per contact (a playbook may say so), the manager and the
    // recruiter each get their e-mail on Mon 9 Mar without a warning.
    let created = seeker
        .post(
            "/v1/playbooks",
            json!({"name": "per person", "extends": "balanced",
                   "rules": {"email_weekly_cap": {"params": {"cap_scope": "contact"}}}}),
        )
        .await;
    let playbook = created["playbook"]["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/opportunities/{acme}");
    seeker.patch(&path, json!({"playbook": playbook})).await;
    seeker
        .log(&acme, &ann, "follow_up_email", "2026-03-09T14:00:00Z")
        .await;
    let to_rita = seeker
        .log(&acme, rita, "follow_up_email", "2026-03-09T16:00:00Z")
        .await;
    assert_eq!(to_rita["warnings"], json!([]), "{to_rita:#}");

    // By default the cap counts the employer: a third person at Acme the
    // next day is one e-mail too many.
    seeker.patch(&path, json!({"playbook": null})).await;
    let to_hal = seeker
        .log(&acme, hal, "follow_up_email", "2026-03-10T14:00:00Z")
        .await;
    let warnings = to_hal["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{to_hal:#}");
    assert_eq!(warnings[0]["code"], "email_weekly_cap");
    assert!(
        warnings[0]["message"].as_str().unwrap().contains("to Acme"),
        "{to_hal:#}"
    );

    // The employer is the unit across the seeker's opportunities there: an
    // e-mail about another role at "ACME" the same week is one too many too.
    let other_role = seeker
        .opportunity(json!({"company": "ACME", "title": "Copy chief", "stage": "interviewing"}))
        .await;
    let kim = seeker
        .contact(
            &other_role,
            json!({"name": "Kim Ito", "role": "hiring_manager", "email": "kim@acme.example"}),
        )
        .await;
    let to_kim = seeker
        .log(&other_role, &kim, "follow_up_email", "2026-03-11T14:00:00Z")
        .await;
    let warnings = to_kim["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{to_kim:#}");
    assert_eq!(warnings[0]["code"], "email_weekly_cap", "{to_kim:#}");

    // An unknown scope is a 422 naming the rules.
    let response = app
        .as_(&seeker.account, reqwest::Method::POST, "/v1/playbooks")
        .json(&json!({"name": "bad", "extends": "balanced",
                       "rules": {"email_weekly_cap": {"params": {"cap_scope": "team"}}}}))
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert_eq!(problem["errors"][0]["field"], "rules", "{problem:#}");
    assert!(problem.to_string().contains("cap_scope"), "{problem:#}");
}

#[tokio::test]
async fn at_offer_the_endgame_reminds_asks_for_terms_and_for_time() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, _ann) = interviewed_final(&seeker).await;
    // Tue 10 Mar: Rival's offer, to be answered by Fri 13 Mar; only the
    // base salary is known.
    let rival = seeker
        .opportunity(
            json!({"company": "Rival", "title": "Editor", "stage": "offer",
                            "offer_deadline": "2026-03-13", "base_salary": 120000}),
        )
        .await;
    let rita = seeker
        .contact(
            &rival,
            json!({"name": "Rita Roe", "role": "recruiter", "email": "rita@rival.example",
                   "timezone": "America/New_York"}),
        )
        .await;
    seeker
        .log(&rival, &rita, "offer_received", "2026-03-10T15:00:00Z")
        .await;
    let tuesday = seeker.next_actions(&rival, "2026-03-10T16:00:00Z").await;
    let review = only(&tuesday, "review_offer");
    assert!(
        review["reason"]
            .as_str()
            .unwrap()
            .contains("bonus, equity, start date are not on file"),
        "{review:#}"
    );
    // Acme, a final at another employer, has promised no decision by Friday.
    let ask = only(&tuesday, "ask_for_extension");
    assert_eq!(ask["contact_id"], rita.as_str());
    assert_eq!(ask["competing_opportunity_id"], acme.as_str());
    // Two business days before Fri 13 Mar: Wed 11 Mar at 09:00 New York.
    let decide = only(&tuesday, "decide_offer");
    assert_eq!(decide["due_at"], "2026-03-11T13:00:00Z", "{decide:#}");
    assert!(
        decide["draft"]["body"]
            .as_str()
            .unwrap()
            .contains("where things stand for me"),
        "{decide:#}"
    );
}

#[tokio::test]
async fn an_offer_inside_its_lead_time_is_still_shared_and_the_reason_says_it_is_late() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, _ann) = interviewed_final(&seeker).await;
    // Tue 10 Mar: an offer elsewhere that must be answered by Wed 11 Mar,
    // already past the latest comfortable moment (two business days before).
    offer_elsewhere_on_tuesday(&seeker, "2026-03-11").await;
    let now = seeker.next_actions(&acme, "2026-03-10T16:00:00Z").await;
    let share = only(&now, "share_status");
    let reason = share["reason"].as_str().unwrap();
    assert!(reason.contains("late"), "{share:#}");
    assert!(reason.contains("Wed 11 Mar"), "{share:#}");
    assert!(
        share["window_end"].as_str().unwrap() <= "2026-03-11T21:00:00Z",
        "never after the deadline: {share:#}"
    );
}

#[tokio::test]
async fn a_call_to_tokyo_keeps_japans_holidays_and_not_the_seekers_weekday_ones() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    seeker
        .patch(
            "/v1/me",
            json!({"timezone": "America/New_York", "holiday_calendars": ["us"]}),
        )
        .await;
    let acme = seeker
        .opportunity(json!({"company": "Acme KK", "title": "Editor", "industry": "logistics", "stage": "final"}))
        .await;
    let kenji = seeker
        .contact(
            &acme,
            json!({"name": "Kenji Sato", "role": "hiring_manager", "phone": "+81 3 5555 0100",
                   "timezone": "Asia/Tokyo"}),
        )
        .await;
    let missed_call = |actions: &[serde_json::Value]| {
        actions
            .iter()
            .find(|a| a["rule"] == "missed_promise_call")
            .unwrap_or_else(|| panic!("a missed-promise call: {actions:#?}"))
            .clone()
    };
    // A call promised by Thu 2 Jul 2026 never comes. Fri 3 Jul is the
    // seeker's Independence Day (observed), but 09:00 in Tokyo is Thursday
    // evening in New York: the call is not put off.
    seeker
        .promise(
            &acme,
            json!({"contact_id": kenji, "what": "call", "due": "2026-07-02",
                   "made_at": "2026-06-29T01:00:00Z"}),
        )
        .await;
    let friday = seeker.next_actions(&acme, "2026-07-02T12:00:00Z").await;
    assert_eq!(missed_call(&friday)["due_at"], "2026-07-03T00:00:00Z");

    // Another by Fri 17 Jul: Mon 20 Jul is Marine Day in Japan.
    seeker
        .promise(
            &acme,
            json!({"contact_id": kenji, "what": "call", "due": "2026-07-17",
                   "made_at": "2026-07-10T01:00:00Z"}),
        )
        .await;
    let weekend = seeker.next_actions(&acme, "2026-07-18T12:00:00Z").await;
    assert_eq!(missed_call(&weekend)["due_at"], "2026-07-21T00:00:00Z");

    // Kenji keeps the U.S. holidays instead, say: Monday it is.
    let path = format!("/v1/contacts/{kenji}");
    let patched = seeker.patch(&path, json!({"holiday_calendar": "us"})).await;
    assert_eq!(patched["holiday_calendar"], "us");
    let weekend = seeker.next_actions(&acme, "2026-07-18T12:00:00Z").await;
    assert_eq!(missed_call(&weekend)["due_at"], "2026-07-20T00:00:00Z");

    // An unknown calendar is a 422 naming the field.
    let response = app
        .as_(
            &seeker.account,
            reqwest::Method::POST,
            &format!("/v1/opportunities/{acme}/contacts"),
        )
        .json(&json!({"name": "Ann", "role": "recruiter", "holiday_calendar": "atlantis"}))
        .send()
        .await
        .unwrap();
    let problem = crate::helpers::assert_problem(response, 422).await;
    assert_eq!(
        problem["errors"][0]["field"], "holiday_calendar",
        "{problem:#}"
    );
}

#[tokio::test]
async fn a_share_too_late_to_reach_anyone_says_so_instead_of_vanishing() {
    let app = spawn_app().await;
    let seeker = Seeker::register(&app).await;
    let (acme, ann) = interviewed_final(&seeker).await;
    // Ann is out of office until Mon 16 Mar; Rival's offer must be answered
    // by Thu 12 Mar.
    seeker
        .log_with(
            &acme,
            json!({"kind": "reply_received", "contact_id": ann,
                   "occurred_at": "2026-03-09T15:00:00Z", "out_of_office_until": "2026-03-16"}),
        )
        .await;
    offer_elsewhere_on_tuesday(&seeker, "2026-03-12").await;
    let now = seeker.next_actions(&acme, "2026-03-10T16:00:00Z").await;
    assert!(!kinds(&now).contains(&"share_status"), "{now:#?}");
    let notice = now
        .iter()
        .find(|a| a["rule"] == "share_competing_offer")
        .unwrap_or_else(|| panic!("the share does not vanish: {now:#?}"));
    assert_eq!(notice["action"], "wait");
    assert!(
        notice["reason"].as_str().unwrap().contains("too late"),
        "{notice:#}"
    );
    assert!(notice["competing_opportunity_id"].is_string(), "{notice:#}");
}
