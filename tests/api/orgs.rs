//! Organizations: staff and members joining by invitation and cohort code,
//! groups with coaches and a playbook, the grants the policy makes and
//! takes back, leaving, and organization tokens.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{Account, TestApp, assert_problem, spawn_app};

async fn send(app: &TestApp, who: &Account, method: Method, path: &str, body: Value) -> Value {
    let response = app
        .as_(who, method.clone(), path)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{method} {path}: {status} {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap()
    }
}

/// An organization made by `admin`, with `coaches` joined as coaches by
/// invitation; its id.
async fn org_with_coaches(app: &TestApp, admin: &Account, coaches: &[&Account]) -> String {
    let org = send(
        app,
        admin,
        Method::POST,
        "/v1/orgs",
        json!({"name": "Northside Career Centre"}),
    )
    .await;
    let org_id = org["id"].as_str().unwrap().to_owned();
    for coach in coaches {
        let issued = send(
            app,
            admin,
            Method::POST,
            &format!("/v1/orgs/{org_id}/invitations"),
            json!({"email": coach.email.to_uppercase(), "role": "coach"}),
        )
        .await;
        let code = issued["code"].as_str().unwrap();
        let joined = send(
            app,
            coach,
            Method::POST,
            "/v1/org-invitations/accept",
            json!({"code": code.to_lowercase()}),
        )
        .await;
        assert_eq!(joined["role"], "coach");
        assert_eq!(joined["shared_with"], json!([]));
    }
    org_id
}

fn ids(list: &Value) -> Vec<String> {
    let mut ids: Vec<String> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

fn shared_with(membership: &Value) -> Vec<String> {
    sorted(
        membership["shared_with"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["coach"]["id"].as_str().unwrap().to_owned())
            .collect(),
    )
}

#[tokio::test]
async fn a_career_centre_runs_groups_codes_invitations_and_playbooks() {
    let app = spawn_app().await;
    let admin = app.register("coach").await;
    let ana = app.register("coach").await;
    let ben = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[&ana, &ben]).await;
    let base = format!("/v1/orgs/{org_id}");

    // Three groups: A coached by Ana, B by Ben, C by both.
    let mut groups = Vec::new();
    for (name, coaches) in [
        ("Cohort A", vec![&ana.id]),
        ("Cohort B", vec![&ben.id]),
        ("Cohort C", vec![&ana.id, &ben.id]),
    ] {
        let group = send(
            &app,
            &admin,
            Method::POST,
            &format!("{base}/groups"),
            json!({"name": name, "coach_ids": coaches}),
        )
        .await;
        groups.push(group["id"].as_str().unwrap().to_owned());
    }
    let (group_a, group_b) = (groups[0].clone(), groups[1].clone());
    // Names are unique; coaches must be the organization's.
    assert_problem(
        app.as_(&admin, Method::POST, &format!("{base}/groups"))
            .json(&json!({"name": "Cohort A"}))
            .send()
            .await
            .unwrap(),
        409,
    )
    .await;
    let outsider = app.register("coach").await;
    let body = assert_problem(
        app.as_(&admin, Method::POST, &format!("{base}/groups"))
            .json(&json!({"name": "Cohort D", "coach_ids": [outsider.id]}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(body["errors"][0]["field"], "coach_ids[0]", "{body}");
    // Coaches may not make groups.
    assert_problem(
        app.as_(&ana, Method::POST, &format!("{base}/groups"))
            .json(&json!({"name": "Cohort E"}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;

    // A cohort code for group A, good for three students.
    let code = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/codes"),
        json!({"group_id": group_a, "max_uses": 3}),
    )
    .await;
    assert_eq!(code["state"], "active");
    let code_text = code["code"].as_str().unwrap().to_owned();
    let mut students = Vec::new();
    for _ in 0..3 {
        let student = app.register("seeker").await;
        let joined = app
            .as_(&student, Method::POST, "/v1/orgs/join")
            .json(&json!({"code": code_text}))
            .send()
            .await
            .unwrap();
        assert_eq!(joined.status(), 201);
        let joined: Value = joined.json().await.unwrap();
        assert_eq!(joined["role"], "member");
        assert_eq!(joined["group_id"], group_a);
        // The student sees exactly who sees their search: the admin and
        // group A's coach.
        assert_eq!(
            shared_with(&joined),
            sorted(vec![admin.id.clone(), ana.id.clone()])
        );
        students.push(student);
    }
    // Joining twice is the same membership; a fourth student finds the
    // code used up; coaches cannot join as members.
    let again = app
        .as_(&students[0], Method::POST, "/v1/orgs/join")
        .json(&json!({"code": code_text}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    let late = app.register("seeker").await;
    assert_problem(
        app.as_(&late, Method::POST, "/v1/orgs/join")
            .json(&json!({"code": code_text}))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let codes = app.read(&admin, &format!("{base}/codes")).await;
    assert_eq!(codes["items"][0]["uses"], 3);
    assert_eq!(codes["items"][0]["state"], "used_up");

    // Ana sees group A's students; Ben does not.
    let ana_clients = app.read(&ana, "/v1/coach/clients").await;
    assert_eq!(ana_clients["items"].as_array().unwrap().len(), 3);
    let in_a = app
        .read(
            &ana,
            &format!("/v1/coach/clients?org={org_id}&group={group_a}"),
        )
        .await;
    assert_eq!(in_a["items"].as_array().unwrap().len(), 3);
    let in_b = app
        .read(&ana, &format!("/v1/coach/clients?group={group_b}"))
        .await;
    assert_eq!(in_b["items"], json!([]));
    // The admin sees each coach's caseload.
    let anas = app
        .read(&admin, &format!("/v1/coach/clients?coach={}", ana.id))
        .await;
    assert_eq!(anas["items"].as_array().unwrap().len(), 3);
    let bens = app
        .read(&admin, &format!("/v1/coach/clients?coach={}", ben.id))
        .await;
    assert_eq!(bens["items"], json!([]));
    let student = &students[0];
    app.read(&ana, &format!("/v1/coach/clients/{}/agenda", student.id))
        .await;
    assert_problem(
        app.as_(
            &ben,
            Method::GET,
            &format!("/v1/coach/clients/{}/agenda", student.id),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;
    let ben_sees = app.read(&ben, &format!("{base}/members?role=member")).await;
    assert_eq!(ben_sees["items"], json!([]));
    assert_problem(
        app.as_(&ben, Method::GET, &format!("{base}/members/{}", student.id))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let admin_sees = app
        .read(&admin, &format!("{base}/members?group={group_a}&limit=2"))
        .await;
    assert_eq!(admin_sees["items"].as_array().unwrap().len(), 2);
    let cursor = admin_sees["next_cursor"].as_str().unwrap();
    let rest = app
        .read(
            &admin,
            &format!("{base}/members?group={group_a}&limit=2&cursor={cursor}"),
        )
        .await;
    assert_eq!(rest["items"].as_array().unwrap().len(), 1);
    assert!(rest["next_cursor"].is_null());

    // One student chose a playbook of their own; Ana sets group A's in one
    // call, and the student keeps theirs, visibly.
    send(
        &app,
        &students[1],
        Method::PATCH,
        "/v1/me",
        json!({"default_playbook": "email_only"}),
    )
    .await;
    send(
        &app,
        &ana,
        Method::PATCH,
        &format!("{base}/groups/{group_a}"),
        json!({"playbook": "persistent_caller"}),
    )
    .await;
    let me = app.read(&students[0], "/v1/me").await;
    assert_eq!(me["default_playbook"], "persistent_caller");
    let member = app
        .read(&ana, &format!("{base}/members/{}", students[0].id))
        .await;
    assert_eq!(member["playbook"]["set_via"], "group");
    assert_eq!(member["playbook"]["group_id"], group_a);
    assert_eq!(member["playbook"]["set_by"], ana.id);
    let own = app
        .read(&ana, &format!("{base}/members/{}", students[1].id))
        .await;
    assert_eq!(own["playbook"]["playbook"], "email_only");
    assert_eq!(own["playbook"]["set_via"], "seeker");
    assert_eq!(own["playbook"]["set_by"], students[1].id);
    // The coach's own client list says it too.
    let listed = app.read(&ana, "/v1/coach/clients?limit=200").await;
    let item = listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == students[1].id.as_str())
        .unwrap();
    assert_eq!(item["playbook"]["set_via"], "seeker");
    assert_eq!(item["playbook"]["playbook"], "email_only");
    // Ben does not coach group A: he may not set its playbook.
    assert_problem(
        app.as_(&ben, Method::PATCH, &format!("{base}/groups/{group_a}"))
            .json(&json!({"playbook": "balanced"}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;

    // An invitation to group B: only the invited address can accept.
    let carla = app.register("seeker").await;
    let issued = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/invitations"),
        json!({"email": carla.email, "group_id": group_b}),
    )
    .await;
    let code = issued["code"].as_str().unwrap().to_owned();
    assert_problem(
        app.as_(&late, Method::POST, "/v1/org-invitations/accept")
            .json(&json!({"code": code}))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let joined = send(
        &app,
        &carla,
        Method::POST,
        "/v1/org-invitations/accept",
        json!({"code": code}),
    )
    .await;
    assert_eq!(
        shared_with(&joined),
        sorted(vec![admin.id.clone(), ben.id.clone()])
    );
    // A revoked invitation cannot be accepted.
    let dan = app.register("seeker").await;
    let issued = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/invitations"),
        json!({"email": dan.email}),
    )
    .await;
    let invitation_id = issued["invitation"]["id"].as_str().unwrap();
    let revoked = app
        .as_(
            &admin,
            Method::DELETE,
            &format!("{base}/invitations/{invitation_id}"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_problem(
        app.as_(&dan, Method::POST, "/v1/org-invitations/accept")
            .json(&json!({"code": issued["code"]}))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let listed = app
        .read(&admin, &format!("{base}/invitations?state=revoked"))
        .await;
    assert_eq!(ids(&listed), vec![invitation_id.to_owned()]);

    // Moving Carla to group A moves her grants: Ana in, Ben out.
    let moved = send(
        &app,
        &admin,
        Method::PATCH,
        &format!("{base}/members/{}", carla.id),
        json!({"group_id": group_a}),
    )
    .await;
    assert_eq!(moved["group_id"], group_a);
    let mine = app.read(&carla, "/v1/orgs").await;
    assert_eq!(
        shared_with(&mine["items"][0]),
        sorted(vec![admin.id.clone(), ana.id.clone()])
    );

    // A student leaves: everything the organization gave goes at once.
    let leaver = &students[2];
    let left = app
        .as_(leaver, Method::DELETE, &format!("{base}/membership"))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 204);
    assert_eq!(app.read(leaver, "/v1/grants").await["items"], json!([]));
    assert_eq!(app.read(leaver, "/v1/orgs").await["items"], json!([]));
    assert_problem(
        app.as_(
            &ana,
            Method::GET,
            &format!("/v1/coach/clients/{}/agenda", leaver.id),
        )
        .send()
        .await
        .unwrap(),
        404,
    )
    .await;
    // An ex-member sees nothing of the organization.
    assert_problem(
        app.as_(leaver, Method::GET, &base).send().await.unwrap(),
        404,
    )
    .await;

    // A coach ends one relationship; the policy does not give it back
    // when the member moves.
    let ended = app
        .as_(
            &ana,
            Method::DELETE,
            &format!("/v1/coach/clients/{}", students[0].id),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 204);
    send(
        &app,
        &admin,
        Method::PATCH,
        &format!("{base}/groups/{}", groups[2]),
        json!({"coach_ids": [ana.id]}),
    )
    .await;
    let membership = app.read(&students[0], "/v1/orgs").await;
    assert_eq!(shared_with(&membership["items"][0]), vec![admin.id.clone()]);

    // The settings are replaced whole; a new policy applies at once.
    let renamed = send(
        &app,
        &admin,
        Method::PUT,
        &base,
        json!({"name": "Northside Careers", "grant_policy": "assigned_coach"}),
    )
    .await;
    assert_eq!(renamed["grant_policy"], "assigned_coach");
    assert_problem(
        app.as_(&admin, Method::PUT, &base)
            .json(&json!({"grant_policy": "group_coaches"}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_problem(
        app.as_(&ana, Method::PUT, &base)
            .json(&json!({"name": "Mine", "grant_policy": "group_coaches"}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;

    // The last admin cannot leave.
    assert_problem(
        app.as_(&admin, Method::DELETE, &format!("{base}/membership"))
            .send()
            .await
            .unwrap(),
        409,
    )
    .await;
}

#[tokio::test]
async fn organization_tokens_work_on_their_organization_within_their_scopes() {
    let app = spawn_app().await;
    let admin = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[]).await;
    let other = org_with_coaches(&app, &admin, &[]).await;
    let base = format!("/v1/orgs/{org_id}");
    let created = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/tokens"),
        json!({"name": "roster sync", "scopes": ["members:read"]}),
    )
    .await;
    let token = created["token"].as_str().unwrap().to_owned();
    assert!(token.starts_with("fuo_"), "{token}");
    let with_token = |method: Method, path: &str| {
        reqwest::Client::new()
            .request(method, app.url(path))
            .bearer_auth(&token)
    };
    let members = with_token(Method::GET, &format!("{base}/members"))
        .send()
        .await
        .unwrap();
    assert_eq!(members.status(), 200);
    // Outside its scopes, its organization, or the organization routes: 403.
    let body = assert_problem(
        with_token(Method::POST, &format!("{base}/groups"))
            .json(&json!({"name": "x"}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    assert_eq!(body["code"], "insufficient_scope");
    for path in [
        format!("/v1/orgs/{other}/members"),
        "/v1/opportunities".to_owned(),
        "/v1/orgs".to_owned(),
        "/v1/coach/clients".to_owned(),
    ] {
        assert_problem(with_token(Method::GET, &path).send().await.unwrap(), 403).await;
    }
    // Tokens cannot make tokens; the list never shows the secret.
    assert_problem(
        with_token(Method::POST, &format!("{base}/tokens"))
            .json(&json!({"name": "again", "scopes": ["members:read"]}))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let listed = app.read(&admin, &format!("{base}/tokens")).await;
    assert!(!listed.to_string().contains(&token));
    let token_id = created["id"].as_str().unwrap();
    let revoked = app
        .as_(&admin, Method::DELETE, &format!("{base}/tokens/{token_id}"))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_problem(
        with_token(Method::GET, &format!("{base}/members"))
            .send()
            .await
            .unwrap(),
        401,
    )
    .await;
    // Unknown scopes are named.
    let body = assert_problem(
        app.as_(&admin, Method::POST, &format!("{base}/tokens"))
            .json(&json!({"name": "x", "scopes": ["members:delete"]}))
            .send()
            .await
            .unwrap(),
        422,
    )
    .await;
    assert!(body.to_string().contains("members:read"), "{body}");
}

#[tokio::test]
async fn the_weekly_report_comes_in_one_call_as_json_or_csv_for_those_who_may_read_it() {
    let app = spawn_app().await;
    let admin = app.register("coach").await;
    let ana = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[&ana]).await;
    let base = format!("/v1/orgs/{org_id}");
    let group = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/groups"),
        json!({"name": "Cohort A", "coach_ids": [ana.id]}),
    )
    .await;
    let group_id = group["id"].as_str().unwrap().to_owned();
    let code = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/codes"),
        json!({"group_id": group_id, "max_uses": 20}),
    )
    .await;
    let mut students = Vec::new();
    // A cohort code used by 20 students.
    for n in 0..20 {
        let student = app.register("seeker").await;
        send(
            &app,
            &student,
            Method::POST,
            "/v1/orgs/join",
            json!({"code": code["code"]}),
        )
        .await;
        if n % 3 == 0 {
            send(
                &app,
                &student,
                Method::POST,
                "/v1/opportunities",
                json!({"company": "Acme", "title": "Editor", "stage": "final"}),
            )
            .await;
        }
        if n % 2 == 0 {
            send(
                &app,
                &student,
                Method::POST,
                "/v1/opportunities",
                json!({"company": "Initech, Inc.", "title": "Clerk", "stage": "applied"}),
            )
            .await;
        }
        students.push(student);
    }
    // One more student outside the group, whom Ana does not coach.
    let outsider_code = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/codes"),
        json!({"max_uses": 1}),
    )
    .await;
    let outsider = app.register("seeker").await;
    send(
        &app,
        &outsider,
        Method::POST,
        "/v1/orgs/join",
        json!({"code": outsider_code["code"]}),
    )
    .await;

    let codes = app.read(&admin, &format!("{base}/codes")).await;
    assert_eq!(codes["items"][0]["uses"], 20);
    assert_eq!(codes["items"][0]["state"], "used_up");
    let report = app.read(&admin, &format!("{base}/report")).await;
    let rows = report["items"].as_array().unwrap();
    assert_eq!(rows.len(), 21);
    let first = &rows[0];
    assert_eq!(first["member_id"], students[0].id);
    assert_eq!(first["funnel"]["final"], 1);
    assert_eq!(first["funnel"]["applied"], 1);
    assert_eq!(first["funnel"]["offer"], 0);
    assert_eq!(first["stalled"], false);
    assert_eq!(rows[3]["stall_codes"], json!(["only_finals"]));
    assert_eq!(rows[3]["stalled"], true);
    assert_eq!(first["playbook"], "balanced");
    assert_eq!(first["playbook_set_via"], "default");
    // The same as the member's own detail says.
    let detail = app
        .read(&admin, &format!("{base}/members/{}", students[3].id))
        .await;
    assert_eq!(detail["stalled"]["value"], rows[3]["stalled"]);

    // Pages, and a group.
    let page = app
        .read(&admin, &format!("{base}/report?limit=5&group={group_id}"))
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 5);
    let mut seen = 5;
    let mut cursor = page["next_cursor"].as_str().map(str::to_owned);
    while let Some(c) = cursor {
        let next = app
            .read(
                &admin,
                &format!("{base}/report?limit=5&group={group_id}&cursor={c}"),
            )
            .await;
        seen += next["items"].as_array().unwrap().len();
        cursor = next["next_cursor"].as_str().map(str::to_owned);
    }
    assert_eq!(seen, 20);

    // CSV: a header and a row per member, quoted where needed.
    let csv = app
        .as_(&admin, Method::GET, &format!("{base}/report?format=csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(
        csv.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    let text = csv.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 22, "{text}");
    assert!(lines[0].starts_with("member_id,display_name,email,group_id,coach_id,prospect,"));
    assert!(lines[4].contains("only_finals"), "{}", lines[4]);

    // Ana sees her group only; a member sees nothing; bad input is named.
    let hers = app.read(&ana, &format!("{base}/report")).await;
    assert_eq!(hers["items"].as_array().unwrap().len(), 20);
    assert_problem(
        app.as_(&students[0], Method::GET, &format!("{base}/report"))
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    for (query, field) in [
        ("from=2026-03-10&to=2026-03-01", "from"),
        ("from=2026-01-01&to=2026-12-31", "to"),
        ("format=xml", "format"),
        ("group=nope", "group"),
        ("limit=0", "limit"),
    ] {
        let body = assert_problem(
            app.as_(&admin, Method::GET, &format!("{base}/report?{query}"))
                .send()
                .await
                .unwrap(),
            422,
        )
        .await;
        assert_eq!(body["errors"][0]["field"], field, "{query}: {body}");
    }
    // A token reads it with `reports:read` only.
    for (scopes, status) in [
        (json!(["reports:read"]), 200),
        (json!(["members:read"]), 403),
    ] {
        let created = send(
            &app,
            &admin,
            Method::POST,
            &format!("{base}/tokens"),
            json!({"name": "reports", "scopes": scopes}),
        )
        .await;
        let response = reqwest::Client::new()
            .get(app.url(&format!("{base}/report")))
            .bearer_auth(created["token"].as_str().unwrap())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "{scopes}");
    }
}

#[tokio::test]
async fn a_roster_of_300_imports_all_or_nothing_idempotently_keyed_on_email() {
    let app = spawn_app().await;
    let admin = app.register("coach").await;
    let ana = app.register("coach").await;
    let ben = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[&ana, &ben]).await;
    let base = format!("/v1/orgs/{org_id}");
    for (name, coach) in [("Cohort A", &ana), ("Cohort B", &ben), ("Cohort C", &ana)] {
        send(
            &app,
            &admin,
            Method::POST,
            &format!("{base}/groups"),
            json!({"name": name, "coach_ids": [coach.id]}),
        )
        .await;
    }
    // One student already has an account, and will accept.
    let zoe = app.register("seeker").await;
    let mut csv = String::from("email,display_name,group,coach\r\n");
    for n in 0..300 {
        let group = ["Cohort A", "Cohort B", "Cohort C"][n % 3];
        let email = if n == 7 {
            zoe.email.clone()
        } else {
            format!("student{n}@example.edu")
        };
        csv.push_str(&format!("{email},\"Student {n}, Jr.\",{group},\r\n"));
    }
    // Line 152 (the header is line 1) has a bad address, line 200 an unknown group.
    let bad = csv
        .replace("student150@example.edu", "not-an-address")
        .replace(
            "student198@example.edu,\"Student 198, Jr.\",Cohort A",
            "student198@example.edu,\"Student 198, Jr.\",Cohort Z",
        );
    let import = |body: String, query: &str| {
        app.as_(
            &admin,
            Method::POST,
            &format!("{base}/members/import{query}"),
        )
        .header("content-type", "text/csv")
        .body(body)
        .send()
    };
    let refused = assert_problem(import(bad.clone(), "").await.unwrap(), 422).await;
    let fields: Vec<&str> = refused["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["rows[152].email", "rows[200].group"], "{refused}");
    // Nothing was imported.
    let none = app.read(&admin, &format!("{base}/invitations")).await;
    assert_eq!(
        none["items"].as_array().unwrap().len(),
        2,
        "only the coaches' invitations"
    );

    // With partial=true the good rows go in, the bad are reported.
    let partial = import(bad, "?partial=true").await.unwrap();
    assert_eq!(partial.status(), 200);
    let partial: Value = partial.json().await.unwrap();
    assert_eq!(partial["counts"]["invited"], 298, "{}", partial["counts"]);
    assert_eq!(partial["counts"]["failed"], 2);
    let failed = &partial["rows"][150];
    assert_eq!(failed["outcome"], "failed");
    assert_eq!(failed["row"], 152);
    assert_eq!(failed["errors"][0]["code"], "not_an_email");
    let zoe_row = &partial["rows"][7];
    assert_eq!(zoe_row["outcome"], "invited");
    let zoe_code = zoe_row["code"].as_str().unwrap().to_owned();

    // The fixed file again: the two bad rows are invited, the rest unchanged.
    let again: Value = import(csv.clone(), "").await.unwrap().json().await.unwrap();
    assert_eq!(again["counts"]["invited"], 2, "{}", again["counts"]);
    assert_eq!(again["counts"]["unchanged"], 298);
    assert!(
        again["rows"][8]["code"].is_null(),
        "an unchanged invitation keeps its code"
    );

    // Zoe accepts and lands in her group with its coach.
    let joined = send(
        &app,
        &zoe,
        Method::POST,
        "/v1/org-invitations/accept",
        json!({"code": zoe_code}),
    )
    .await;
    assert_eq!(
        shared_with(&joined),
        sorted(vec![admin.id.clone(), ben.id.clone()])
    );
    // Moving her in the roster moves her grants.
    let moved = csv.replace(
        &format!("{},\"Student 7, Jr.\",Cohort B", zoe.email),
        &format!("{},\"Student 7, Jr.\",Cohort A", zoe.email),
    );
    let third: Value = import(moved, "").await.unwrap().json().await.unwrap();
    assert_eq!(third["counts"]["updated"], 1, "{}", third["counts"]);
    assert_eq!(third["rows"][7]["member_id"], zoe.id);
    let mine = app.read(&zoe, "/v1/orgs").await;
    assert_eq!(
        shared_with(&mine["items"][0]),
        sorted(vec![admin.id.clone(), ana.id.clone()])
    );

    // JSON works too, and other media types and headers are refused.
    let json_import = app
        .as_(&admin, Method::POST, &format!("{base}/members/import"))
        .json(&json!({"members": [{"email": "late@example.edu", "group": "Cohort C"}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(json_import.status(), 200);
    let body: Value = json_import.json().await.unwrap();
    assert_eq!(body["rows"][0]["outcome"], "invited");
    let xml = app
        .as_(&admin, Method::POST, &format!("{base}/members/import"))
        .header("content-type", "application/xml")
        .body("<roster/>")
        .send()
        .await
        .unwrap();
    assert_problem(xml, 415).await;
    let unknown = assert_problem(
        import("mail,name\r\nx@y.z,X\r\n".to_owned(), "")
            .await
            .unwrap(),
        422,
    )
    .await;
    assert_eq!(unknown["errors"][0]["field"], "header");
    // Coaches cannot import.
    assert_problem(
        app.as_(&ana, Method::POST, &format!("{base}/members/import"))
            .header("content-type", "text/csv")
            .body(csv)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
}

/// The organization's authorization matrix: every kind of caller against
/// the routes that show a member or the organization. A caller that may
/// not see the member never finds their id in an answer.
#[tokio::test]
async fn no_caller_sees_more_of_an_organization_than_its_role_gives() {
    let app = spawn_app().await;
    let admin = app.register("coach").await;
    let ana = app.register("coach").await;
    let ben = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[&ana, &ben]).await;
    let base = format!("/v1/orgs/{org_id}");
    let group_a = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/groups"),
        json!({"name": "A", "coach_ids": [ana.id]}),
    )
    .await;
    send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/groups"),
        json!({"name": "B", "coach_ids": [ben.id]}),
    )
    .await;
    let code = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/codes"),
        json!({"group_id": group_a["id"], "max_uses": 5}),
    )
    .await;
    let student = app.register("seeker").await;
    let ex = app.register("seeker").await;
    for who in [&student, &ex] {
        send(
            &app,
            who,
            Method::POST,
            "/v1/orgs/join",
            json!({"code": code["code"]}),
        )
        .await;
    }
    send(
        &app,
        &student,
        Method::POST,
        "/v1/opportunities",
        json!({"company": "Acme", "title": "Editor"}),
    )
    .await;
    let left = app
        .as_(&ex, Method::DELETE, &format!("{base}/membership"))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 204);
    let other_admin = app.register("coach").await;
    org_with_coaches(&app, &other_admin, &[]).await;

    let mut tokens = Vec::new();
    for scope in [
        "members:read",
        "members:write",
        "reports:read",
        "playbooks:write",
        "webhooks:write",
    ] {
        let created = send(
            &app,
            &admin,
            Method::POST,
            &format!("{base}/tokens"),
            json!({"name": scope, "scopes": [scope]}),
        )
        .await;
        tokens.push((scope, created["token"].as_str().unwrap().to_owned()));
    }

    // (caller, may see the student's data)
    let s = &student.id;
    let routes: Vec<(String, [u16; 6])> = vec![
        // admin, ana (A), ben (B), other org's admin, the member, the ex-member
        (base.clone(), [200, 200, 200, 404, 200, 404]),
        (format!("{base}/members"), [200, 200, 200, 404, 403, 404]),
        (
            format!("{base}/members/{s}"),
            [200, 200, 404, 404, 403, 404],
        ),
        (format!("{base}/report"), [200, 200, 200, 404, 403, 404]),
        (format!("{base}/groups"), [200, 200, 200, 404, 403, 404]),
        (
            format!("{base}/invitations"),
            [200, 403, 403, 404, 403, 404],
        ),
        (format!("{base}/codes"), [200, 403, 403, 404, 403, 404]),
        (format!("{base}/tokens"), [200, 403, 403, 404, 403, 404]),
        (
            format!("/v1/coach/clients/{s}/opportunities"),
            [200, 200, 404, 404, 404, 404],
        ),
        (
            format!("/v1/coach/clients/{s}/agenda"),
            [200, 200, 404, 404, 404, 404],
        ),
    ];
    let callers = [&admin, &ana, &ben, &other_admin, &student, &ex];
    let sees_student = [true, true, false, false, false, false];
    for (path, statuses) in &routes {
        for ((caller, status), sees) in callers.iter().zip(statuses).zip(sees_student) {
            let response = app.as_(caller, Method::GET, path).send().await.unwrap();
            assert_eq!(
                response.status(),
                *status,
                "GET {path} as caller {}",
                caller.email
            );
            let text = response.text().await.unwrap();
            if !sees && *status == 200 && !path.ends_with("/tokens") {
                assert!(
                    !text.contains(s.as_str()),
                    "GET {path} leaks the student to {}",
                    caller.email
                );
            }
        }
        // Tokens: their organization's routes within their scopes only.
        for (scope, token) in &tokens {
            let response = reqwest::Client::new()
                .get(app.url(path))
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            let wanted = if path.starts_with("/v1/coach/") || path.ends_with("/tokens") {
                403
            } else if path == &base {
                200
            } else if path.ends_with("/report") {
                if *scope == "reports:read" { 200 } else { 403 }
            } else if ["members:read", "members:write"].contains(scope) {
                200
            } else {
                403
            };
            assert_eq!(response.status(), wanted, "GET {path} with a {scope} token");
        }
    }
    // Writes: only admins (and a members:write token) change membership.
    for (who, status) in [
        (&ana, 403),
        (&ben, 403),
        (&other_admin, 404),
        (&student, 403),
        (&ex, 404),
    ] {
        let response = app
            .as_(who, Method::PATCH, &format!("{base}/members/{s}"))
            .json(&json!({"group_id": null}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), status, "PATCH member as {}", who.email);
    }
}

/// An organization's webhook, made with a `webhooks:write` token, carries
/// its members' events only: not the admin's own clients', not a member's
/// who left.
#[tokio::test]
async fn an_organizations_webhook_carries_its_members_events_only() {
    use crate::webhook_receiver::Receiver;
    let app = crate::helpers::spawn_for_webhooks(followup_api::clock::Clock::system()).await;
    let receiver = Receiver::start();
    let admin = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[]).await;
    let base = format!("/v1/orgs/{org_id}");
    let code = send(
        &app,
        &admin,
        Method::POST,
        &format!("{base}/codes"),
        json!({"max_uses": 5}),
    )
    .await;
    let member = app.register("seeker").await;
    send(
        &app,
        &member,
        Method::POST,
        "/v1/orgs/join",
        json!({"code": code["code"]}),
    )
    .await;
    // The admin also coaches someone on their own.
    let private = app.register("seeker").await;
    app.grant(&private, &admin).await;

    let mut tokens = Vec::new();
    for scope in ["webhooks:write", "members:read"] {
        let created = send(
            &app,
            &admin,
            Method::POST,
            &format!("{base}/tokens"),
            json!({"name": scope, "scopes": [scope]}),
        )
        .await;
        tokens.push(created["token"].as_str().unwrap().to_owned());
    }
    let hook = |token: &str| {
        reqwest::Client::new()
            .post(app.url("/v1/webhooks"))
            .bearer_auth(token)
            .json(&json!({"url": receiver.url, "events": ["opportunity.created"]}))
            .send()
    };
    // Without the scope: 403.
    assert_problem(hook(&tokens[1]).await.unwrap(), 403).await;
    let made = hook(&tokens[0]).await.unwrap();
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    assert_eq!(made["org_id"], org_id);
    let listed: Value = reqwest::Client::new()
        .get(app.url("/v1/webhooks"))
        .bearer_auth(&tokens[0])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"][0]["id"], made["id"]);

    let company = |name: &str| json!({"company": name, "title": "Editor"});
    send(
        &app,
        &private,
        Method::POST,
        "/v1/opportunities",
        company("Private Co"),
    )
    .await;
    send(
        &app,
        &member,
        Method::POST,
        "/v1/opportunities",
        company("Member Co"),
    )
    .await;
    let got = receiver.wait_for(1).await;
    // The member leaves; what they do next is theirs alone.
    let left = app
        .as_(&member, Method::DELETE, &format!("{base}/membership"))
        .send()
        .await
        .unwrap();
    assert_eq!(left.status(), 204);
    send(
        &app,
        &member,
        Method::POST,
        "/v1/opportunities",
        company("After Co"),
    )
    .await;
    send(
        &app,
        &private,
        Method::POST,
        "/v1/opportunities",
        company("Private Two"),
    )
    .await;
    // A later event of someone the webhook still may see marks the end.
    let other = app.register("seeker").await;
    send(
        &app,
        &other,
        Method::POST,
        "/v1/orgs/join",
        json!({"code": code["code"]}),
    )
    .await;
    send(
        &app,
        &other,
        Method::POST,
        "/v1/opportunities",
        company("Last Co"),
    )
    .await;
    let got = if got.len() < 2 {
        receiver.wait_for(2).await
    } else {
        got
    };
    let companies: Vec<String> = got
        .iter()
        .map(|d| {
            d.json()["data"]["data"]["company"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(companies, ["Member Co", "Last Co"]);
}

/// With e-mail set up, an import sends each new invitation its code.
#[tokio::test]
async fn an_import_emails_each_new_invitation_its_code() {
    let sink = crate::smtp::Sink::start();
    let app =
        crate::helpers::spawn_with_mail(followup_api::clock::Clock::system(), &sink.url(), None)
            .await;
    let admin = app.register("coach").await;
    let org_id = org_with_coaches(&app, &admin, &[]).await;
    let csv = "email,display_name\r\nana@example.edu,Ana\r\nbo@example.edu,\r\n";
    let imported: Value = app
        .as_(
            &admin,
            Method::POST,
            &format!("/v1/orgs/{org_id}/members/import"),
        )
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(imported["rows"][0]["emailed"], true, "{imported}");
    let mails = sink.wait_for(2).await;
    for (n, to) in ["ana@example.edu", "bo@example.edu"].iter().enumerate() {
        let mail = mails
            .iter()
            .find(|m| m.rcpt() == *to)
            .expect("a mail to each");
        let code = imported["rows"][n]["code"].as_str().unwrap();
        assert!(mail.text().contains(code), "{}", mail.text());
        assert!(mail.subject().contains("Northside Career Centre"));
    }
    // A repeated import sends nothing new.
    let again: Value = app
        .as_(
            &admin,
            Method::POST,
            &format!("/v1/orgs/{org_id}/members/import"),
        )
        .header("content-type", "text/csv")
        .body(csv)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again["counts"]["unchanged"], 2);
    assert_eq!(again["rows"][0]["emailed"], false);
}
