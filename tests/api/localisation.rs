//! The account's language: reasons, warnings, drafts and dates in German,
//! with codes and args an app can write its own words from.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

async fn post(app: &TestApp, who: &crate::helpers::Account, path: &str, body: Value) -> Value {
    let response = app
        .as_(who, Method::POST, path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{path}");
    response.json().await.unwrap()
}

async fn patch_me(app: &TestApp, who: &crate::helpers::Account, body: Value) -> reqwest::Response {
    app.as_(who, Method::PATCH, "/v1/me")
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// An opportunity at Acme with Anna Schmidt, its hiring manager in `zone`,
/// interviewed `at`: the opportunity's id and Anna's.
async fn interviewed(
    app: &TestApp,
    who: &crate::helpers::Account,
    zone: &str,
    at: &str,
) -> (String, Value) {
    let created = post(
        app,
        who,
        "/v1/opportunities",
        json!({"company": "Acme", "title": "Editor", "stage": "interviewing"}),
    )
    .await;
    let opportunity = created["opportunity"]["id"].as_str().unwrap().to_owned();
    let contact = post(
        app,
        who,
        &format!("/v1/opportunities/{opportunity}/contacts"),
        json!({"name": "Anna Schmidt", "role": "hiring_manager", "email": "anna@example.com", "timezone": zone}),
    )
    .await;
    let anna = contact["contact"]["id"].clone();
    post(
        app,
        who,
        &format!("/v1/opportunities/{opportunity}/interactions"),
        json!({"kind": "interview", "contact_id": anna, "occurred_at": at}),
    )
    .await;
    (opportunity, anna)
}

#[tokio::test]
async fn a_german_account_reads_its_agenda_warnings_and_drafts_in_german() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;

    // An unknown language is refused with the ones there are; a regional
    // tag is read as its language.
    let refused = assert_problem(patch_me(&app, &seeker, json!({"locale": "xx"})).await, 422).await;
    let error = &refused["errors"][0];
    assert_eq!(error["field"], "locale");
    assert_eq!(error["code"], "unknown_value");
    assert_eq!(error["params"]["allowed"], json!(["de", "en"]));
    let me = patch_me(&app, &seeker, json!({"locale": "de-AT"})).await;
    assert_eq!(me.status(), 200);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["locale"], "de");

    let (opportunity, anna) =
        interviewed(&app, &seeker, "Europe/Berlin", "2026-11-16T09:00:00Z").await;

    let agenda = app
        .read(&seeker, "/v1/agenda?at=2026-11-16T11:00:00Z&include=mailto")
        .await;
    let letter = agenda["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["action"] == "send_influence_letter")
        .unwrap_or_else(|| panic!("{agenda}"));
    // The seeker is in New York: the interview in their zone, named.
    assert_eq!(
        letter["reason"],
        "Vorstellungsgespräch am Mo., 16. Nov., 04:00 Uhr (Ortszeit New York): Schicken Sie \
         Anna bis Di., 17. Nov., 10:00 Uhr (Ortszeit Berlin) einen Brief darüber, was Sie in \
         Ihren ersten sechs Monaten erreichen würden (influence_letter_after_interview)"
    );
    assert_eq!(letter["reason_code"], "influence_letter");
    assert_eq!(letter["args"]["contact_name"], "Anna");
    assert_eq!(
        letter["args"]["interviewed_at"],
        "2026-11-16T04:00:00-05:00[America/New_York]"
    );
    assert_eq!(
        letter["args"]["window_end"],
        "2026-11-17T10:00:00+01:00[Europe/Berlin]"
    );
    assert_eq!(
        letter["args"]["rules"],
        json!(["influence_letter_after_interview"])
    );
    let draft = &letter["draft"];
    assert_eq!(draft["subject"], "Meine ersten sechs Monate als Editor");
    assert!(
        draft["body"]
            .as_str()
            .unwrap()
            .starts_with("Hallo Anna,\n\nvielen Dank für unser Gespräch am Mo., 16. Nov. über die Stelle als Editor bei Acme."),
        "{draft}"
    );
    assert_eq!(draft["to"], "anna@example.com");
    // The link carries the German words.
    let link = draft["mailto"].as_str().unwrap();
    assert!(link.contains("Meine%20ersten%20sechs%20Monate"), "{link}");

    // A warning in German, with its code and the facts behind it.
    let mut last = Value::Null;
    for at in ["2026-11-17T15:00:00Z", "2026-11-18T15:00:00Z"] {
        last = post(
            &app,
            &seeker,
            &format!("/v1/opportunities/{opportunity}/interactions"),
            json!({"kind": "follow_up_email", "contact_id": anna, "occurred_at": at}),
        )
        .await;
    }
    let warning = &last["warnings"][0];
    assert_eq!(warning["code"], "email_weekly_cap");
    assert_eq!(warning["reason_code"], "email_cap_exceeded");
    assert_eq!(warning["args"]["emails"], 2);
    assert!(
        warning["message"].as_str().unwrap().starts_with(
            "2 Nachfass-E-Mails an Anna innerhalb von 7 Tagen: Mehr als 1 wirkt aufdringlich"
        ),
        "{warning}"
    );

    // Back to English: the kept agenda follows at once.
    let before = app
        .as_(&seeker, Method::GET, "/v1/agenda")
        .send()
        .await
        .unwrap();
    let german_etag = before.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(
        patch_me(&app, &seeker, json!({"locale": "en"}))
            .await
            .status(),
        200
    );
    let after = app
        .as_(&seeker, Method::GET, "/v1/agenda")
        .header("if-none-match", &german_etag)
        .send()
        .await
        .unwrap();
    assert_eq!(
        after.status(),
        200,
        "a new language is a new representation"
    );
    let english: Value = after.json().await.unwrap();
    for action in english["items"].as_array().unwrap() {
        assert!(
            !action["reason"].as_str().unwrap().contains("Sie "),
            "{action}"
        );
        assert!(action["reason_code"].is_string());
    }
}

#[tokio::test]
async fn an_account_can_be_created_in_german_and_the_tone_check_hears_german() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": format!("de-{}@example.com", uuid::Uuid::now_v7().simple()),
            "password": "a long passphrase",
            "display_name": "Jana",
            "role": "seeker",
            "timezone": "Europe/Berlin",
            "locale": "de",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["user"]["locale"], "de");

    let refused = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "x@example.com",
            "password": "a long passphrase",
            "display_name": "X",
            "role": "seeker",
            "timezone": "Europe/Berlin",
            "locale": "klingon",
        }))
        .send()
        .await
        .unwrap();
    let problem = assert_problem(refused, 422).await;
    assert_eq!(problem["errors"][0]["field"], "locale");

    let seeker = app.register("seeker").await;
    let findings = app
        .as_(&seeker, Method::POST, "/v1/tone-check")
        .json(&json!({"text": "Hallo Anna, ich wollte nur nachfragen, ob es Neuigkeiten gibt."}))
        .send()
        .await
        .unwrap();
    assert_eq!(findings.status(), 200);
    let findings: Value = findings.json().await.unwrap();
    assert_eq!(findings["findings"][0]["category"], "pesky", "{findings}");
    assert_eq!(findings["findings"][0]["text"], "ich wollte nur nachfragen");
}

#[tokio::test]
async fn the_morning_digest_speaks_the_seekers_language() {
    let app = spawn_app().await;
    let seeker = app.register("seeker").await;
    assert_eq!(
        patch_me(&app, &seeker, json!({"locale": "de"}))
            .await
            .status(),
        200
    );
    interviewed(&app, &seeker, "America/New_York", "2026-11-16T14:00:00Z").await;
    let preview = app
        .read(&seeker, "/v1/me/digest/preview?at=2026-11-16T17:00:00Z")
        .await;
    assert_eq!(preview["would_send"], true, "{preview}");
    let subject = preview["subject"].as_str().unwrap();
    assert!(
        subject.starts_with("Ihre Nachfassaktionen für Mo., 16. Nov.: "),
        "{subject}"
    );
    let text = preview["text"].as_str().unwrap();
    for words in [
        "Guten Morgen Test seeker,",
        "das ist heute, Mo., 16. Nov., zu tun, der Reihe nach.",
        "Den Brief zu den ersten sechs Monaten schicken: Anna Schmidt (Acme)",
        "   Warum: Vorstellungsgespräch am Mo., 16. Nov., 09:00 Uhr (Ortszeit New York)",
        "   Betreff: Meine ersten sechs Monate als Editor",
        "   | Hallo Anna,",
        "Mit einem Klick abbestellen:",
    ] {
        assert!(text.contains(words), "{words:?} not in {text}");
    }
    assert!(!text.contains("Why:"), "{text}");
    assert!(
        preview["html"]
            .as_str()
            .unwrap()
            .contains(">Abbestellen</a>")
    );
}
