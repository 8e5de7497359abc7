//! Mail received at a personal address: each account's `in+<token>@domain`,
//! and `POST /v1/inbox/inbound`, where the deployment's mail provider posts
//! what arrives there (raw, SendGrid's and Mailgun's forms, Postmark's and
//! plain JSON). Messages come from `tests/fixtures/mail/`.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, contact, opportunity};
use crate::helpers::{Account, TestApp, assert_problem, serve_args, spawn_app, spawn_with};

const DOMAIN: &str = "in.followup.test";
const SECRET: &str = "inbound-0f3a9c1e7b2d4a6c8e0f1a3b5c7d9e1f";
/// From Daniel Okafor of Northwind Media: out of the office until 4 January.
const OOO: &str = "01-exchange-ooo-new-year.eml";

fn mail(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mail")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A server that receives mail at `DOMAIN`, with its own database.
async fn spawn_inbound() -> TestApp {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = serve_args(db.url_string());
    args.inbound_domain = Some("In.Followup.Test.".to_owned());
    args.inbound_secret = Some(SECRET.to_owned());
    let mut app = spawn_with(args).await;
    app.db = Some(db);
    app
}

/// A seeker with Daniel Okafor (the fixture's sender) as a contact on an
/// opportunity; returns them and the opportunity's id.
async fn seeker_of_daniel(app: &TestApp) -> (Account, String) {
    let seeker = app.register("seeker").await;
    let opp = opportunity(app, &seeker, "Northwind Media").await;
    contact(
        app,
        &seeker,
        &opp,
        json!({"name": "Daniel Okafor", "role": "hiring_manager",
               "email": "daniel.okafor@northwindmedia.com", "timezone": "America/New_York"}),
    )
    .await;
    (seeker, opp)
}

/// The account's personal address (made on the first call).
async fn address_of(app: &TestApp, account: &Account) -> String {
    let body = app.read(account, "/v1/inbox/address").await;
    body["address"].as_str().unwrap().to_owned()
}

/// A post to the inbound endpoint with the deployment's secret.
fn inbound(app: &TestApp, query: &str) -> reqwest::RequestBuilder {
    app.client
        .post(app.url(&format!("/v1/inbox/inbound{query}")))
        .bearer_auth(SECRET)
}

async fn sent(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

/// Posts raw bytes as `message/rfc822`, to the address in `?to=`, if any.
async fn post_raw(app: &TestApp, to: Option<&str>, raw: Vec<u8>) -> (u16, Value) {
    let query = to.map_or_else(String::new, |to| format!("?to={}", encode(to.as_bytes())));
    sent(
        inbound(app, &query)
            .header("content-type", "message/rfc822")
            .body(raw),
    )
    .await
}

/// Percent-encodes every byte but unreserved ones.
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Standard base64, padded.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | (u32::from(b) << (16 - 8 * i)));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

const BOUNDARY: &str = "----followupTestBoundary7MA4YWxkTrZu0gW";

/// A `multipart/form-data` body of these fields.
fn multipart(fields: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn post_multipart(app: &TestApp, fields: &[(&str, &[u8])]) -> (u16, Value) {
    post_multipart_to(app, "", fields).await
}

async fn post_multipart_to(app: &TestApp, query: &str, fields: &[(&str, &[u8])]) -> (u16, Value) {
    sent(
        inbound(app, query)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(multipart(fields)),
    )
    .await
}

async fn post_json(app: &TestApp, body: &Value) -> (u16, Value) {
    sent(inbound(app, "").json(body)).await
}

async fn proposals_of(app: &TestApp, account: &Account) -> Vec<Value> {
    let page = app.read(account, "/v1/inbox/proposals").await;
    page["items"].as_array().unwrap().clone()
}

/// The message was delivered to `address` only, made a new proposal, and
/// that proposal is in `seeker`'s inbox, matched to Daniel's opportunity.
async fn assert_delivered(
    app: &TestApp,
    seeker: &Account,
    opp: &str,
    address: &str,
    (status, receipt): (u16, Value),
) {
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["dropped"], json!([]), "{receipt}");
    let delivered = receipt["delivered"].as_array().unwrap();
    assert_eq!(delivered.len(), 1, "{receipt}");
    assert_eq!(delivered[0]["recipient"], address);
    assert_eq!(delivered[0]["created"], true);
    let proposals = proposals_of(app, seeker).await;
    assert_eq!(proposals.len(), 1, "{proposals:#?}");
    let proposal = &proposals[0];
    assert_eq!(proposal["id"], delivered[0]["proposal_id"]);
    assert_eq!(proposal["class"], "out_of_office");
    assert_eq!(proposal["opportunity_id"], opp);
    assert_eq!(proposal["interaction"]["out_of_office_until"], "2010-01-04");
}

#[tokio::test]
async fn the_address_is_made_on_first_use_and_rotating_it_retires_the_old_one() {
    let app = spawn_inbound().await;
    let (jane, opp) = seeker_of_daniel(&app).await;
    let response = app
        .as_(&jane, Method::GET, "/v1/inbox/address")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let first: Value = response.json().await.unwrap();
    let address = first["address"].as_str().unwrap().to_owned();
    let (local, domain) = address.split_once('@').unwrap();
    assert_eq!(domain, DOMAIN, "the configured domain, normalized");
    let token = local.strip_prefix("in+").unwrap();
    assert_eq!(token.len(), 26, "{address}");
    assert!(
        token
            .bytes()
            .all(|b| b.is_ascii_lowercase() || (b'2'..=b'7').contains(&b)),
        "lower-case base32: {address}"
    );
    assert_eq!(first["rotated_at"], Value::Null);
    assert_eq!(
        app.read(&jane, "/v1/inbox/address").await,
        first,
        "stable across reads"
    );
    let bob = app.register("seeker").await;
    assert_ne!(address_of(&app, &bob).await, address, "one per account");

    let (status, rotated) = call(&app, &jane, Method::POST, "/v1/inbox/address/rotate", None).await;
    assert_eq!(status, 200, "{rotated}");
    let new_address = rotated["address"].as_str().unwrap().to_owned();
    assert_ne!(new_address, address);
    assert!(new_address.ends_with(&format!("@{DOMAIN}")));
    assert_eq!(rotated["created_at"], first["created_at"]);
    assert!(rotated["rotated_at"].is_string(), "{rotated}");
    assert_eq!(app.read(&jane, "/v1/inbox/address").await, rotated);

    // The old address stops at once: the provider's post is taken (200, so
    // it is not retried) and dropped.
    let (status, receipt) = post_raw(&app, Some(&address), mail(OOO)).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["delivered"], json!([]));
    assert_eq!(
        receipt["dropped"],
        json!([{"recipient": address, "reason": "unknown_address"}])
    );
    assert!(proposals_of(&app, &jane).await.is_empty());
    let response = post_raw(&app, Some(&new_address), mail(OOO)).await;
    assert_delivered(&app, &jane, &opp, &new_address, response).await;

    // Deleting the account deletes its address.
    let deleted = app
        .as_(&jane, Method::DELETE, "/v1/me")
        .json(&json!({"password": jane.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    let (status, receipt) = post_raw(&app, Some(&new_address), mail(OOO)).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["dropped"][0]["reason"], "unknown_address");
}

#[tokio::test]
async fn a_read_only_key_reads_the_address_but_cannot_rotate_it() {
    let app = spawn_inbound().await;
    let coach = app.register("coach").await;
    let (status, key) = call(
        &app,
        &coach,
        Method::POST,
        "/v1/api-keys",
        Some(json!({"name": "platform", "scopes": ["read"]})),
    )
    .await;
    assert_eq!(status, 201, "{key}");
    let key = key["key"].as_str().unwrap();
    let read = app
        .client
        .get(app.url("/v1/inbox/address"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let rotate = app
        .client
        .post(app.url("/v1/inbox/address/rotate"))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_problem(rotate, 403).await;
    let anonymous = app
        .client
        .get(app.url("/v1/inbox/address"))
        .send()
        .await
        .unwrap();
    assert_problem(anonymous, 401).await;
}

#[tokio::test]
async fn every_form_a_provider_posts_makes_a_proposal_for_the_right_seeker() {
    let app = spawn_inbound().await;
    // Bob has an address too, and Daniel as a contact: nothing may reach him.
    let (bob, _) = seeker_of_daniel(&app).await;
    let bob_address = address_of(&app, &bob).await;
    let raw = mail(OOO);
    let text = String::from_utf8(raw.clone()).unwrap();

    // Raw, the recipient in the query.
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let response = post_raw(&app, Some(&address), raw.clone()).await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    // Raw, the recipient in the message's own headers (a seeker's mailbox
    // forwarding it automatically; the receiving server adds Delivered-To).
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let mut delivered = format!("Delivered-To: {}\r\n", address.to_uppercase()).into_bytes();
    delivered.extend_from_slice(&raw);
    let response = post_raw(&app, None, delivered).await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    // SendGrid's Inbound Parse, raw: the envelope decides, not the `to`
    // header it copies (which names Bob's address here).
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let envelope = json!({"to": [address], "from": "daniel.okafor@northwindmedia.com"}).to_string();
    let to = format!("Jane <{bob_address}>");
    let response = post_multipart(
        &app,
        &[
            ("headers", b"Received: by mx.sendgrid.net"),
            ("dkim", b"{@northwindmedia.com : pass}"),
            ("to", to.as_bytes()),
            ("from", b"Daniel Okafor <daniel.okafor@northwindmedia.com>"),
            (
                "subject",
                b"Automatic reply: Re: Next steps after Wednesday",
            ),
            ("email", &raw),
            ("envelope", envelope.as_bytes()),
            (
                "charsets",
                br#"{"to":"UTF-8","subject":"UTF-8","from":"UTF-8"}"#,
            ),
            ("SPF", b"pass"),
        ],
    )
    .await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    // Mailgun's MIME forward (to a URL that ends in `mime`, as Mailgun
    // wants it: the query is ignored).
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let response = post_multipart_to(
        &app,
        "?format=mime",
        &[
            ("recipient", address.as_bytes()),
            ("sender", b"daniel.okafor@northwindmedia.com"),
            (
                "subject",
                b"Automatic reply: Re: Next steps after Wednesday",
            ),
            ("body-mime", &raw),
            ("timestamp", b"1262008872"),
            (
                "token",
                b"0123456789abcdef0123456789abcdef0123456789abcdef01",
            ),
            ("signature", b"0123456789abcdef"),
        ],
    )
    .await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    // Mailgun without attachments: the same fields, URL-encoded.
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let form = format!(
        "recipient={}&sender=daniel.okafor%40northwindmedia.com&body-mime={}",
        encode(address.as_bytes()),
        encode(&raw)
    );
    let response = sent(
        inbound(&app, "")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form),
    )
    .await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    // Postmark's inbound JSON with the raw message.
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let postmark = json!({
        "FromName": "Daniel Okafor",
        "MessageStream": "inbound",
        "From": "daniel.okafor@northwindmedia.com",
        "FromFull": {"Email": "daniel.okafor@northwindmedia.com", "Name": "Daniel Okafor", "MailboxHash": ""},
        "To": format!("\"Jane\" <{address}>, {bob_address}"),
        "ToFull": [{"Email": address, "Name": "Jane", "MailboxHash": ""}],
        "Cc": "", "CcFull": [],
        "OriginalRecipient": address,
        "Subject": "Automatic reply: Re: Next steps after Wednesday",
        "MessageID": "22c74902-a0c1-4511-804f-341342852c90",
        "Date": "Mon, 28 Dec 2009 09:01:12 -0500",
        "TextBody": "Thank you for your message.",
        "Headers": [{"Name": "Auto-Submitted", "Value": "auto-generated"}],
        "Attachments": [],
        "RawEmail": text,
    });
    let response = post_json(&app, &postmark).await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    // Plain JSON, as text and as base64.
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let response = post_json(&app, &json!({"raw": text, "to": address})).await;
    assert_delivered(&app, &jane, &opp, &address, response).await;
    let (jane, opp) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let encoded = base64(&raw);
    let response = post_json(&app, &json!({"raw_base64": encoded, "to": [address]})).await;
    assert_delivered(&app, &jane, &opp, &address, response).await;

    assert!(
        proposals_of(&app, &bob).await.is_empty(),
        "nothing sent to another seeker's address reached Bob"
    );
}

#[tokio::test]
async fn a_message_for_several_of_our_addresses_reaches_each_and_no_other() {
    let app = spawn_inbound().await;
    let (jane, jane_opp) = seeker_of_daniel(&app).await;
    let (bob, bob_opp) = seeker_of_daniel(&app).await;
    let carol = app.register("seeker").await;
    let jane_address = address_of(&app, &jane).await;
    let bob_address = address_of(&app, &bob).await;
    address_of(&app, &carol).await;
    let unknown = format!("in+aaaaaaaaaaaaaaaaaaaaaaaaaa@{DOMAIN}");
    let raw = String::from_utf8(mail(OOO)).unwrap().replacen(
        "To: Jane Doe <jane.doe@example.net>",
        &format!(
            "To: Jane Doe <{jane_address}>, someone@example.net\r\nCc: \"Bob\" <{}>,\r\n {unknown}, postmaster@{DOMAIN}",
            bob_address.to_uppercase()
        ),
        1,
    );
    let (status, receipt) = post_raw(&app, None, raw.clone().into_bytes()).await;
    assert_eq!(status, 200, "{receipt}");
    let delivered: Vec<&str> = receipt["delivered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(delivered, [jane_address.as_str(), bob_address.as_str()]);
    let dropped: Vec<&str> = receipt["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["recipient"].as_str().unwrap())
        .collect();
    assert_eq!(dropped, [unknown.clone(), format!("postmaster@{DOMAIN}")]);
    for (seeker, opp) in [(&jane, &jane_opp), (&bob, &bob_opp)] {
        let proposals = proposals_of(&app, seeker).await;
        assert_eq!(proposals.len(), 1);
        assert_eq!(
            proposals[0]["opportunity_id"],
            opp.as_str(),
            "each in their own pipeline"
        );
    }
    assert!(proposals_of(&app, &carol).await.is_empty());

    // The provider's envelope names only Jane: Bob's address in the headers
    // does not make it his.
    let dave = seeker_of_daniel(&app).await.0;
    let dave_address = address_of(&app, &dave).await;
    let raw = raw.replace(&jane_address, &dave_address);
    let envelope = json!({"to": [dave_address]}).to_string();
    let (status, receipt) = post_multipart(
        &app,
        &[("email", raw.as_bytes()), ("envelope", envelope.as_bytes())],
    )
    .await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(
        receipt["delivered"].as_array().unwrap().len(),
        1,
        "{receipt}"
    );
    assert_eq!(receipt["delivered"][0]["recipient"], dave_address);
    assert_eq!(proposals_of(&app, &dave).await.len(), 1);
    assert_eq!(
        proposals_of(&app, &bob).await.len(),
        1,
        "still only the first"
    );

    // A message for nobody here is taken and dropped.
    let (status, receipt) = post_raw(&app, None, mail("19-outlook-rejection-internal.eml")).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt, json!({"delivered": [], "dropped": []}));
}

#[tokio::test]
async fn the_same_message_id_makes_one_proposal_whatever_the_form() {
    let app = spawn_inbound().await;
    let (jane, _) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let (status, first) = post_raw(&app, Some(&address), mail(OOO)).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["delivered"][0]["created"], true);
    let text = String::from_utf8(mail(OOO)).unwrap();
    let (status, again) = post_json(&app, &json!({"raw": text, "to": address})).await;
    assert_eq!(status, 200, "{again}");
    assert_eq!(again["delivered"][0]["created"], false);
    assert_eq!(
        again["delivered"][0]["proposal_id"],
        first["delivered"][0]["proposal_id"]
    );
    assert_eq!(proposals_of(&app, &jane).await.len(), 1);
    // Forwarded by hand to POST /v1/inbox: the same proposal too.
    let response = app
        .as_(&jane, Method::POST, "/v1/inbox")
        .header("content-type", "message/rfc822")
        .body(mail(OOO))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let proposal: Value = response.json().await.unwrap();
    assert_eq!(proposal["id"], first["delivered"][0]["proposal_id"]);
}

#[tokio::test]
async fn the_inbound_secret_is_required_as_bearer_or_basic_password() {
    let app = spawn_inbound().await;
    let (jane, _) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let url = app.url(&format!(
        "/v1/inbox/inbound?to={}",
        encode(address.as_bytes())
    ));
    let post = || {
        app.client
            .post(&url)
            .header("content-type", "message/rfc822")
            .body(mail(OOO))
    };
    let missing = post().send().await.unwrap();
    let challenges: Vec<String> = missing
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert!(
        challenges.iter().any(|c| c.starts_with("Basic ")),
        "{challenges:?}"
    );
    assert_problem(missing, 401).await;
    for wrong in [
        post().bearer_auth("inbound-0f3a9c1e7b2d4a6c8e0f1a3b5c7d9e1e"),
        post().bearer_auth(&jane.access),
        post().basic_auth("inbound", Some("wrong")),
        post().basic_auth(SECRET, None::<&str>),
        post().header("authorization", "Digest username=x"),
    ] {
        assert_problem(wrong.send().await.unwrap(), 401).await;
    }
    assert!(proposals_of(&app, &jane).await.is_empty());
    let (status, receipt) = sent(post().basic_auth("sendgrid", Some(SECRET))).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["delivered"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_deployment_without_an_inbound_domain_receives_no_mail() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    for (method, path) in [
        (Method::GET, "/v1/inbox/address"),
        (Method::POST, "/v1/inbox/address/rotate"),
    ] {
        let body = assert_problem(app.as_(&jane, method, path).send().await.unwrap(), 404).await;
        assert!(
            body["detail"]
                .as_str()
                .unwrap()
                .contains("receives no mail"),
            "{body}"
        );
    }
    let response = inbound(&app, "")
        .header("content-type", "message/rfc822")
        .body(mail(OOO))
        .send()
        .await
        .unwrap();
    assert_problem(response, 404).await;
}

#[tokio::test]
async fn bad_input_is_a_4xx_problem_never_a_5xx() {
    let app = spawn_inbound().await;
    let (jane, _) = seeker_of_daniel(&app).await;
    let address = address_of(&app, &jane).await;
    let to = format!("?to={}", encode(address.as_bytes()));
    let with_type = |content_type: &str, body: Vec<u8>| {
        inbound(&app, &to)
            .header("content-type", content_type)
            .body(body)
    };
    let cases: Vec<(reqwest::RequestBuilder, u16)> = vec![
        // Not a message.
        (with_type("message/rfc822", b"   \r\n".to_vec()), 422),
        (with_type("message/rfc822", Vec::new()), 422),
        (inbound(&app, &to).json(&json!({"raw": ""})), 422),
        // No message at all, or in the wrong place.
        (inbound(&app, "").json(&json!({"to": address})), 422),
        (
            inbound(&app, "").json(&json!({"MessageID": "x", "To": address})),
            422,
        ),
        (
            inbound(&app, "").json(&json!({"raw_base64": "not base64!"})),
            422,
        ),
        (inbound(&app, "").json(&json!(["raw"])), 422),
        (with_type("application/json", b"{\"raw\": ".to_vec()), 400),
        (
            with_type(
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                multipart(&[("to", address.as_bytes())]),
            ),
            422,
        ),
        (
            with_type(
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                b"--other\r\n\r\nx\r\n--other--\r\n".to_vec(),
            ),
            400,
        ),
        (with_type("multipart/form-data", b"x".to_vec()), 400),
        (with_type("text/plain", mail(OOO)), 415),
        (inbound(&app, &to).body(mail(OOO)), 415),
    ];
    for (request, status) in cases {
        let response = request.send().await.unwrap();
        let body = assert_problem(response, status).await;
        assert!(body["detail"].is_string(), "{body}");
    }

    // Over 10 MiB of message: 413, in any form.
    let mut huge = mail(OOO);
    huge.resize(10 * 1024 * 1024 + 1, b'a');
    let response = with_type("message/rfc822", huge.clone())
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
    let response = inbound(&app, "")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(multipart(&[
            ("email", &huge),
            ("recipient", address.as_bytes()),
        ]))
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
    // A request over 30 MiB is refused before it is read.
    let response = with_type("message/rfc822", vec![b'a'; 30 * 1024 * 1024 + 1])
        .send()
        .await
        .unwrap();
    assert_problem(response, 413).await;
    // Under 10 MiB but over the server's JSON limit: read.
    let mut large = mail(OOO);
    large.extend(std::iter::repeat_n(b"padding line\r\n".iter().copied(), 40_000).flatten());
    let (status, receipt) = sent(with_type("message/rfc822", large)).await;
    assert_eq!(status, 200, "{receipt}");
    assert_eq!(receipt["delivered"][0]["created"], true);

    // Hostile messages: a low-confidence proposal or a 4xx, never a 5xx.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mail/hostile");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".eml"))
        .collect();
    names.sort();
    assert!(!names.is_empty());
    for name in names {
        let raw = std::fs::read(dir.join(&name)).unwrap();
        let (status, body) = sent(with_type("message/rfc822", raw)).await;
        match status {
            200 => assert!(body["delivered"].is_array(), "{name}: {body}"),
            400..=499 => assert!(body["type"].is_string(), "{name}: {body}"),
            _ => panic!("{name}: {status} {body}"),
        }
    }
}

#[tokio::test]
async fn the_server_refuses_to_start_with_a_domain_and_no_secret() {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let refused = |domain: Option<&str>, secret: Option<&str>, production: bool| {
        let mut args = serve_args(db.url_string());
        args.inbound_domain = domain.map(str::to_owned);
        args.inbound_secret = secret.map(str::to_owned);
        if production {
            args.environment = followup::cli::Environment::Production;
            args.jwt_secret =
                Some("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08".to_owned());
        }
        match followup::startup::Application::build(args) {
            Ok(_) => panic!("started with {domain:?} / {secret:?}"),
            Err(error) => format!("{error:#}"),
        }
    };
    let message = refused(Some(DOMAIN), None, true);
    assert!(message.contains("--inbound-secret"), "{message}");
    assert!(refused(Some(DOMAIN), None, false).contains("--inbound-secret"));
    assert!(refused(None, Some(SECRET), false).contains("--inbound-domain"));
    assert!(refused(Some(DOMAIN), Some("short"), false).contains("at least 32"));
    assert!(refused(Some("not a domain"), Some(SECRET), false).contains("not a domain"));
    let guessable = "inbound-inbound-inbound-inbound-inbound";
    assert!(refused(Some(DOMAIN), Some(guessable), true).contains("guessable"));
}
