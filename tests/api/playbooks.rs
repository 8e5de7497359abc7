//! Custom playbooks, their visibility, and their assignment by coaches.

use reqwest::Method;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_coach_makes_a_playbook_and_assigns_it_to_a_client() {
    let app = spawn_app().await;
    let coach = app.register("coach").await;
    let jane = app.register("seeker").await;

    let created = app
        .as_(&coach, Method::POST, "/v1/playbooks")
        .json(&json!({
            "name": "Gentle persistence",
            "extends": "balanced",
            "rules": {"email_weekly_cap": {"params": {"period_days": 10}}, "call_no_voicemail": {"enabled": false}},
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    let playbook = &created["playbook"];
    let id = playbook["id"].as_str().unwrap().to_owned();
    assert_eq!(playbook["built_in"], false);
    assert_eq!(playbook["extends"], "balanced");
    assert_eq!(playbook["owner_id"], coach.id);

    for (body, field) in [
        (json!({"name": "x", "rules": {"no_such_rule": {}}}), "rules"),
        (
            json!({"name": "x", "rules": {"email_weekly_cap": {"params": {"period_days": 0}}}}),
            "rules",
        ),
        (
            json!({"name": "x", "rules": {"email_weekly_cap": {"params": {"colour": 1}}}}),
            "rules",
        ),
        (json!({"name": "x", "extends": "yolo"}), "extends"),
        (json!({"name": ""}), "name"),
    ] {
        let response = app
            .as_(&coach, Method::POST, "/v1/playbooks")
            .json(&body)
            .send()
            .await
            .unwrap();
        let problem = assert_problem(response, 422).await;
        assert_eq!(problem["errors"][0]["field"], field, "{body}");
    }

    // Jane sees the built-ins only, until she grants the coach access.
    let own: Value = app
        .as_(&jane, Method::GET, "/v1/playbooks")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(own.as_array().unwrap().len(), 4);
    assert_problem(
        app.as_(&jane, Method::GET, &format!("/v1/playbooks/{id}"))
            .send()
            .await
            .unwrap(),
        404,
    )
    .await;
    let assign = |body: Value| {
        app.as_(
            &coach,
            Method::PUT,
            &format!("/v1/coach/clients/{}/playbook", jane.id),
        )
        .json(&body)
        .send()
    };
    assert_problem(assign(json!({"playbook": id})).await.unwrap(), 404).await;

    app.grant(&jane, &coach).await;
    let listed: Value = app
        .as_(&jane, Method::GET, "/v1/playbooks")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 5);
    let assigned = assign(json!({"playbook": id})).await.unwrap();
    assert_eq!(assigned.status(), 200);
    let me: Value = app
        .as_(&jane, Method::GET, "/v1/me")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["default_playbook"], id);
    assert_problem(assign(json!({"playbook": "yolo"})).await.unwrap(), 422).await;

    // Jane may also pick it for one opportunity.
    let opportunity: Value = app
        .as_(&jane, Method::POST, "/v1/opportunities")
        .json(&json!({"company": "Acme", "title": "Editor", "playbook": id}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(opportunity["opportunity"]["playbook"], id);

    // In use: it cannot be deleted; the owner only may change it; built-ins are read-only.
    let path = format!("/v1/playbooks/{id}");
    assert_problem(
        app.as_(&coach, Method::DELETE, &path).send().await.unwrap(),
        409,
    )
    .await;
    let body =
        json!({"name": "Gentler", "rules": {"email_weekly_cap": {"params": {"period_days": 14}}}});
    assert_problem(
        app.as_(&jane, Method::PUT, &path)
            .json(&body)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    let replaced = app
        .as_(&coach, Method::PUT, &path)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.status(), 200);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["name"], "Gentler");
    assert_problem(
        app.as_(&coach, Method::PUT, "/v1/playbooks/balanced")
            .json(&body)
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;
    assert_problem(
        app.as_(&coach, Method::DELETE, "/v1/playbooks/balanced")
            .send()
            .await
            .unwrap(),
        403,
    )
    .await;

    // After the seeker and the opportunity move on, it can go.
    let unassign = assign(json!({"playbook": null})).await.unwrap();
    assert_eq!(unassign.status(), 200);
    let opp_path = format!(
        "/v1/opportunities/{}",
        opportunity["opportunity"]["id"].as_str().unwrap()
    );
    let cleared = app
        .as_(&jane, Method::PATCH, &opp_path)
        .json(&json!({"playbook": null}))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), 200);
    let gone = app.as_(&coach, Method::DELETE, &path).send().await.unwrap();
    assert_eq!(gone.status(), 204, "{}", gone.text().await.unwrap());
}
