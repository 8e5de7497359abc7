//! Accounts, sessions and the attacks on them.

use reqwest::Method;
use serde_json::json;

use crate::helpers::{TEST_SECRET, assert_problem, serve_args, spawn_app, spawn_with};

#[tokio::test]
async fn register_answers_the_user_and_a_token_pair() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "  Jane@Example.COM ",
            "password": "a long passphrase",
            "display_name": "Jane",
            "role": "seeker",
            "timezone": "America/New_York",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["user"]["email"], "jane@example.com");
    assert_eq!(body["user"]["role"], "seeker");
    assert_eq!(body["user"]["default_playbook"], "balanced");
    assert_eq!(body["user"]["business_hours"]["mon"]["start"], "09:00");
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    assert!(body["refresh_token"].as_str().unwrap().starts_with("rt_"));
    assert!(body["user"].get("password_hash").is_none());
    let text = body.to_string();
    assert!(!text.contains("argon2"), "no hash in the response: {text}");

    // The same email in another case is taken.
    let again = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "JANE@example.com",
            "password": "another passphrase",
            "display_name": "Jane 2",
            "role": "coach",
            "timezone": "Europe/Berlin",
        }))
        .send()
        .await
        .unwrap();
    assert_problem(again, 409).await;
}

#[tokio::test]
async fn register_names_every_invalid_field() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "not-an-email",
            "password": "short",
            "display_name": "  ",
            "role": "seeker",
            "timezone": "Mars/Olympus",
        }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(response, 422).await;
    let fields: Vec<&str> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "display_name", "timezone"]);

    let password_is_email = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "jane.doe@example.com",
            "password": "jane.doe@example.com",
            "display_name": "Jane",
            "role": "seeker",
            "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(password_is_email, 422).await;
    assert_eq!(body["errors"][0]["field"], "password");

    let admin = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({
            "email": "root@example.com",
            "password": "a long passphrase",
            "display_name": "Root",
            "role": "admin",
            "timezone": "UTC",
        }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(admin, 422).await;
    assert_eq!(body["errors"][0]["field"], "role");
}

#[tokio::test]
async fn login_refuses_a_wrong_email_and_a_wrong_password_alike() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let login = |email: String, password: String| {
        app.client
            .post(app.url("/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    let ok = login(jane.email.to_uppercase(), jane.password.clone())
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let pair: serde_json::Value = ok.json().await.unwrap();
    assert!(pair["access_token"].is_string());

    let wrong_password = assert_problem(
        login(jane.email.clone(), "not the passphrase".into())
            .await
            .unwrap(),
        401,
    )
    .await;
    let wrong_email = assert_problem(
        login("nobody@example.com".into(), jane.password.clone())
            .await
            .unwrap(),
        401,
    )
    .await;
    assert_eq!(wrong_password, wrong_email);
}

#[tokio::test]
async fn refresh_rotates_and_reuse_revokes_the_whole_family() {
    // A one-second overlap: presented again at once, the spent token gets
    // the same pair; presented after the overlap, it is theft.
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = crate::helpers::serve_args(db.url_string());
    args.refresh_overlap = 1;
    let mut app = crate::helpers::spawn_with(args).await;
    app.db = Some(db);
    let jane = app.register("seeker").await;
    let refresh = |token: String| {
        app.client
            .post(app.url("/v1/auth/refresh"))
            .json(&json!({"refresh_token": token}))
            .send()
    };
    let first: serde_json::Value = refresh(jane.refresh.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let second_token = first["refresh_token"].as_str().unwrap().to_owned();
    assert_ne!(second_token, jane.refresh);
    // The new access token works.
    let me = app
        .client
        .get(app.url("/v1/me"))
        .bearer_auth(first["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(me.status(), 200);

    // Within the overlap: the same pair again.
    let again: serde_json::Value = refresh(jane.refresh.clone())
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, first);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;

    // The spent token comes back later: theft. The whole family dies.
    let body = assert_problem(refresh(jane.refresh.clone()).await.unwrap(), 401).await;
    assert!(body["detail"].as_str().unwrap().contains("reuse"));
    assert_problem(refresh(second_token).await.unwrap(), 401).await;

    // Another login is another family and still works.
    let login: serde_json::Value = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": jane.email, "password": jane.password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let fresh = refresh(login["refresh_token"].as_str().unwrap().to_owned())
        .await
        .unwrap();
    assert_eq!(fresh.status(), 200);
}

#[tokio::test]
async fn logout_revokes_the_family_and_always_answers_204() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let logout = |token: &str| {
        app.client
            .post(app.url("/v1/auth/logout"))
            .json(&json!({"refresh_token": token}))
            .send()
    };
    assert_eq!(logout(&jane.refresh).await.unwrap().status(), 204);
    assert_eq!(logout("rt_unknown").await.unwrap().status(), 204);
    let refreshed = app
        .client
        .post(app.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": jane.refresh}))
        .send()
        .await
        .unwrap();
    assert_problem(refreshed, 401).await;
}

#[tokio::test]
async fn me_can_be_read_changed_and_deleted() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let me: serde_json::Value = app.read(&jane, "/v1/me").await;
    assert_eq!(me["id"], jane.id);

    let patched = app
        .as_(&jane, Method::PATCH, "/v1/me")
        .json(&json!({
            "display_name": "Jane D.",
            "timezone": "Europe/Berlin",
            "business_hours": {"mon": {"start": "08:00", "end": "12:00"}, "wed": {"start": "10:00", "end": "18:00"}},
            "holidays": ["2027-12-25", "2027-01-01", "2027-12-25"],
            "default_playbook": "email_only",
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let body: serde_json::Value = patched.json().await.unwrap();
    assert_eq!(body["display_name"], "Jane D.");
    assert_eq!(body["timezone"], "Europe/Berlin");
    assert_eq!(body["business_hours"]["mon"]["end"], "12:00");
    assert!(body["business_hours"].get("tue").is_none());
    assert_eq!(body["holidays"], json!(["2027-01-01", "2027-12-25"]));
    assert_eq!(body["default_playbook"], "email_only");

    // null restores the defaults; absent fields stay.
    let reset: serde_json::Value = app
        .as_(&jane, Method::PATCH, "/v1/me")
        .json(&json!({"business_hours": null, "default_playbook": null}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(reset["business_hours"]["tue"]["start"], "09:00");
    assert_eq!(reset["default_playbook"], "balanced");
    assert_eq!(reset["timezone"], "Europe/Berlin");
    let reread: serde_json::Value = app.read(&jane, "/v1/me").await;
    assert_eq!(reread, reset, "the reset was stored, not only answered");

    let invalid = app
        .as_(&jane, Method::PATCH, "/v1/me")
        .json(&json!({
            "timezone": "Nowhere/City",
            "business_hours": {"fri": {"start": "17:00", "end": "09:00"}},
            "default_playbook": "yolo",
        }))
        .send()
        .await
        .unwrap();
    let body = assert_problem(invalid, 422).await;
    assert_eq!(body["errors"].as_array().unwrap().len(), 3);
    let unchanged: serde_json::Value = app.read(&jane, "/v1/me").await;
    assert_eq!(unchanged["timezone"], "Europe/Berlin", "nothing written");

    let wrong = app
        .as_(&jane, Method::DELETE, "/v1/me")
        .json(&json!({"password": "not the passphrase"}))
        .send()
        .await
        .unwrap();
    assert_problem(wrong, 403).await;
    let deleted = app
        .as_(&jane, Method::DELETE, "/v1/me")
        .json(&json!({"password": jane.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(deleted.status(), 204);
    // A token of a deleted account is refused; so is logging in.
    assert_problem(
        app.as_(&jane, Method::GET, "/v1/me").send().await.unwrap(),
        401,
    )
    .await;
    let login = app
        .client
        .post(app.url("/v1/auth/login"))
        .json(&json!({"email": jane.email, "password": jane.password}))
        .send()
        .await
        .unwrap();
    assert_problem(login, 401).await;
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fn claims(sub: &str, overrides: serde_json::Value) -> serde_json::Value {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let mut claims = json!({
        "iss": "followup", "aud": "followup-api", "sub": sub,
        "exp": now + 600, "nbf": now - 10, "iat": now - 10,
        "jti": "test", "typ": "access", "sid": "test-session", "gen": 0,
    });
    for (key, value) in overrides.as_object().unwrap() {
        if value.is_null() {
            claims.as_object_mut().unwrap().remove(key);
        } else {
            claims[key] = value.clone();
        }
    }
    claims
}

fn sign(alg: jsonwebtoken::Algorithm, secret: &str, claims: &serde_json::Value) -> String {
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(alg),
        claims,
        &jsonwebtoken::EncodingKey::from_secret(secret.as_bytes()),
    )
    .unwrap()
}

#[tokio::test]
async fn forged_and_stale_tokens_are_refused_with_www_authenticate() {
    use jsonwebtoken::Algorithm::{HS256, HS512};
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let sub = jane.id.as_str();

    // A token signed the right way is accepted: the forgeries below differ in one thing each.
    let good = sign(HS256, TEST_SECRET, &claims(sub, json!({})));
    let ok = app
        .client
        .get(app.url("/v1/me"))
        .bearer_auth(&good)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);

    let unsigned = format!(
        "{}.{}.",
        base64url(br#"{"alg":"none","typ":"JWT"}"#),
        base64url(claims(sub, json!({})).to_string().as_bytes())
    );
    let now = claims(sub, json!({}))["iat"].as_i64().unwrap();
    let forgeries = [
        ("alg none", unsigned),
        (
            "another algorithm",
            sign(HS512, TEST_SECRET, &claims(sub, json!({}))),
        ),
        (
            "wrong key",
            sign(
                HS256,
                "another-secret-another-secret-another-1",
                &claims(sub, json!({})),
            ),
        ),
        (
            "wrong audience",
            sign(
                HS256,
                TEST_SECRET,
                &claims(sub, json!({"aud": "someone-else"})),
            ),
        ),
        (
            "wrong issuer",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"iss": "evil"}))),
        ),
        (
            "expired",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"exp": now - 3600}))),
        ),
        (
            "not yet valid",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"nbf": now + 3600}))),
        ),
        (
            "no expiry",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"exp": null}))),
        ),
        (
            "not an access token",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"typ": "refresh"}))),
        ),
        (
            "no session",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"sid": null}))),
        ),
        (
            "a past token generation",
            sign(HS256, TEST_SECRET, &claims(sub, json!({"gen": -1}))),
        ),
        (
            "unknown account",
            sign(
                HS256,
                TEST_SECRET,
                &claims("01900000-0000-7000-8000-000000000000", json!({})),
            ),
        ),
        ("a refresh token", jane.refresh.clone()),
        ("garbage", "not.a.token".to_owned()),
    ];
    for (what, token) in forgeries {
        let response = app
            .client
            .get(app.url("/v1/me"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let challenge = response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        assert!(challenge.starts_with("Bearer"), "{what}: {challenge:?}");
        assert!(challenge.contains("invalid_token"), "{what}: {challenge:?}");
        assert_problem(response, 401).await;
    }

    let missing = app.client.get(app.url("/v1/me")).send().await.unwrap();
    assert_eq!(
        missing.headers()["www-authenticate"],
        r#"Bearer realm="followup""#
    );
    assert_problem(missing, 401).await;
    let basic = app
        .client
        .get(app.url("/v1/me"))
        .header("authorization", "Basic dXNlcjpwYXNz")
        .send()
        .await
        .unwrap();
    assert_problem(basic, 401).await;
}

#[tokio::test]
async fn auth_requests_are_rate_limited_per_ip_with_retry_after() {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = serve_args(db.url_string());
    args.auth_rate_limit = 3;
    let app = spawn_with(args).await;
    for _ in 0..3 {
        let response = app
            .client
            .post(app.url("/v1/auth/login"))
            .json(&json!({"email": "a@example.com", "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401);
    }
    let limited = app
        .client
        .post(app.url("/v1/auth/register"))
        .json(&json!({"email": "b@example.com", "password": "whatever it is", "display_name": "B", "role": "seeker", "timezone": "UTC"}))
        .send()
        .await
        .unwrap();
    let retry_after: u64 = limited.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=60).contains(&retry_after));
    assert_eq!(limited.headers()["ratelimit-policy"], "3;w=60");
    assert!(
        limited.headers()["ratelimit"]
            .to_str()
            .unwrap()
            .contains("remaining=0")
    );
    assert_problem(limited, 429).await;
    drop(app);
    drop(db);
}

/// Login attempts from `forwarded_for` (as a proxy would say), by status.
async fn logins_from(app: &crate::helpers::TestApp, forwarded_for: &str, times: usize) -> Vec<u16> {
    let mut statuses = Vec::new();
    for _ in 0..times {
        let response = app
            .client
            .post(app.url("/v1/auth/login"))
            .header("x-forwarded-for", forwarded_for)
            .json(&json!({"email": "a@example.com", "password": "whatever it is"}))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    statuses
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_budget() {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = serve_args(db.url_string());
    args.auth_rate_limit = 2;
    args.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    let mut app = spawn_with(args).await;
    app.db = Some(db);
    assert_eq!(logins_from(&app, "198.51.100.1", 3).await, [401, 401, 429]);
    assert_eq!(logins_from(&app, "198.51.100.2", 2).await, [401, 401]);
    // A spoofed entry before the one the proxy saw changes nothing.
    assert_eq!(
        logins_from(&app, "203.0.113.5, 198.51.100.1", 1).await,
        [429]
    );
}

#[tokio::test]
async fn without_a_trusted_proxy_x_forwarded_for_is_ignored() {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = serve_args(db.url_string());
    args.auth_rate_limit = 2;
    let mut app = spawn_with(args).await;
    app.db = Some(db);
    assert_eq!(logins_from(&app, "198.51.100.1", 2).await, [401, 401]);
    assert_eq!(
        logins_from(&app, "198.51.100.2", 1).await,
        [429],
        "one peer, one budget"
    );
}

#[tokio::test]
async fn failed_logins_lock_the_account_but_not_others() {
    let db = followup_store::testing::TestDatabase::create().unwrap();
    let mut args = serve_args(db.url_string());
    args.login_failure_limit = 3;
    let mut app = spawn_with(args).await;
    app.db = Some(db);
    let jane = app.register("seeker").await;
    let bob = app.register("seeker").await;
    let login = |email: &str, password: &str| {
        app.client
            .post(app.url("/v1/auth/login"))
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(
            login(&jane.email, "wrong passphrase")
                .await
                .unwrap()
                .status(),
            401
        );
    }
    // Locked now, even with the right password.
    let locked = login(&jane.email, &jane.password).await.unwrap();
    let retry_after: u64 = locked.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after > 800 && retry_after <= 900, "{retry_after}");
    assert_problem(locked, 429).await;
    assert_eq!(
        login(&bob.email, &bob.password).await.unwrap().status(),
        200
    );
}

#[tokio::test]
async fn concurrent_changes_to_the_account_are_all_kept() {
    let app = crate::helpers::spawn_app().await;
    let jane = app.register("seeker").await;
    let zones = [
        "Europe/Berlin",
        "Asia/Tokyo",
        "America/Denver",
        "Europe/Paris",
    ];
    for (round, zone) in zones.iter().enumerate() {
        let name = format!("Jane {round}");
        let hours = json!({"mon": {"start": "08:00", "end": format!("1{round}:00")}});
        let (a, b, c) = tokio::join!(
            app.as_(&jane, Method::PATCH, "/v1/me")
                .json(&json!({"display_name": name}))
                .send(),
            app.as_(&jane, Method::PATCH, "/v1/me")
                .json(&json!({"timezone": zone}))
                .send(),
            app.as_(&jane, Method::PATCH, "/v1/me")
                .json(&json!({"business_hours": hours}))
                .send(),
        );
        for response in [a, b, c] {
            assert_eq!(response.unwrap().status(), 200);
        }
        let me: serde_json::Value = app.read(&jane, "/v1/me").await;
        assert_eq!(me["display_name"], name, "round {round}");
        assert_eq!(me["timezone"], *zone, "round {round}");
        assert_eq!(me["business_hours"]["mon"], hours["mon"], "round {round}");
    }
}

#[tokio::test]
async fn two_refreshes_at_once_both_get_the_same_pair_and_the_session_lives_on() {
    let app = spawn_app().await;
    let refresh = |token: String| {
        app.client
            .post(app.url("/v1/auth/refresh"))
            .json(&json!({"refresh_token": token}))
            .send()
    };
    for _ in 0..3 {
        let jane = app.register("seeker").await;
        // Two requests of one app hit an expired access token at once.
        let (a, b) = tokio::join!(refresh(jane.refresh.clone()), refresh(jane.refresh.clone()));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!((a.status().as_u16(), b.status().as_u16()), (200, 200));
        let a: serde_json::Value = a.json().await.unwrap();
        let b: serde_json::Value = b.json().await.unwrap();
        assert_eq!(a, b, "the same new pair");
        let access = a["access_token"].as_str().unwrap();
        let me = app
            .client
            .get(app.url("/v1/me"))
            .bearer_auth(access)
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
        // The new refresh token goes on working: nothing was revoked.
        let next = refresh(a["refresh_token"].as_str().unwrap().to_owned())
            .await
            .unwrap();
        assert_eq!(next.status(), 200);
        let next: serde_json::Value = next.json().await.unwrap();
        assert_ne!(next["refresh_token"], a["refresh_token"]);
        let me = app
            .client
            .get(app.url("/v1/me"))
            .bearer_auth(next["access_token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(me.status(), 200);
    }
}
