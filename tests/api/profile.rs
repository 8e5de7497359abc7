//! The ideal-candidate profile: empty until put, replaced whole, guarded by
//! its ETag, and validated field by field.

use reqwest::Method;
use serde_json::{Value, json};

use crate::contacts::{call, fields, opportunity};
use crate::helpers::{assert_problem, spawn_app};

fn profile() -> Value {
    json!({
        "criteria": [
            {"name": "Editing", "weight": 5, "self_rating": 4, "interviewer_rating": 5, "evidence": "Ran the features desk"},
            {"name": "SEO", "weight": 3, "self_rating": 2, "interviewer_rating": null, "evidence": null},
        ],
        "competition": {"competing_candidates": 2, "internal_candidate": false},
        "answers": {"process_position": "Final round next week", "comparison": null, "competitors": "Two others"},
    })
}

#[tokio::test]
async fn the_profile_is_empty_until_put_and_then_replaced_whole() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let path = format!("/v1/opportunities/{opp}/profile");

    let empty = app.as_(&jane, Method::GET, &path).send().await.unwrap();
    assert_eq!(empty.status(), 200);
    assert_eq!(empty.headers()["etag"], "\"0\"");
    let body: Value = empty.json().await.unwrap();
    assert_eq!(body["criteria"], json!([]));
    assert_eq!(
        body["competition"],
        json!({"competing_candidates": null, "internal_candidate": null})
    );
    assert_eq!(
        body["answers"],
        json!({"process_position": null, "comparison": null, "competitors": null})
    );

    let put = app
        .as_(&jane, Method::PUT, &path)
        .header("if-match", "\"0\"")
        .json(&profile())
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    assert_eq!(put.headers()["etag"], "\"1\"");
    let stored: Value = put.json().await.unwrap();
    assert_eq!(stored["criteria"], profile()["criteria"]);
    assert_eq!(stored["competition"], profile()["competition"]);
    assert_eq!(stored["answers"], profile()["answers"]);
    assert_eq!(
        stored["updated_by"],
        json!({"type": "seeker", "id": jane.id})
    );
    let (_, got) = call(&app, &jane, Method::GET, &path, None).await;
    assert_eq!(got, stored);

    // Someone else saved meanwhile: a stale ETag changes nothing.
    let stale = app
        .as_(&jane, Method::PUT, &path)
        .header("if-match", "\"0\"")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, 412).await;

    // A whole replacement: what is left out is empty or unknown again.
    let replaced = app
        .as_(&jane, Method::PUT, &path)
        .header("if-match", "\"1\"")
        .json(&json!({"competition": {"competing_candidates": 0}}))
        .send()
        .await
        .unwrap();
    assert_eq!(replaced.status(), 200);
    let body: Value = replaced.json().await.unwrap();
    assert_eq!(body["criteria"], json!([]));
    assert_eq!(body["competition"]["competing_candidates"], 0);
    assert_eq!(body["competition"]["internal_candidate"], Value::Null);
    assert_eq!(body["answers"]["process_position"], Value::Null);
}

#[tokio::test]
async fn bad_profile_fields_are_named_and_nothing_is_written() {
    let app = spawn_app().await;
    let jane = app.register("seeker").await;
    let opp = opportunity(&app, &jane, "Acme").await;
    let path = format!("/v1/opportunities/{opp}/profile");
    let criterion = |name: &str, weight: i64, rating: i64| json!({"name": name, "weight": weight, "self_rating": rating});
    let (status, problem) = call(
        &app,
        &jane,
        Method::PUT,
        &path,
        Some(json!({"criteria": [
            criterion("Editing", 5, 4),
            criterion("editing ", 3, 6),
            criterion("SEO", 0, 3),
        ]})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(
        fields(&problem),
        [
            "criteria[1].name",
            "criteria[1].self_rating",
            "criteria[2].weight"
        ]
    );
    for (body, field) in [
        (
            json!({"criteria": [criterion("A", 1, 1), criterion("B", -1, 1)]}),
            "criteria[1].weight",
        ),
        (
            json!({"criteria": [criterion("A", 1, 1), criterion("B", 300, 1)]}),
            "criteria[1].weight",
        ),
        (
            json!({"criteria": [{"name": "A", "weight": 1, "self_rating": 1, "interviewer_rating": 7}]}),
            "criteria[0].interviewer_rating",
        ),
        (
            json!({"criteria": [criterion(" ", 1, 1)]}),
            "criteria[0].name",
        ),
        (
            json!({"competition": {"competing_candidates": -1}}),
            "competition.competing_candidates",
        ),
        (
            json!({"competition": {"competing_candidates": 20000}}),
            "competition.competing_candidates",
        ),
        (
            json!({"competition": {"internal_candidate": "maybe"}}),
            "competition.internal_candidate",
        ),
        (json!({"answers": {"where": "here"}}), "answers.where"),
        (json!({"competition": [null, null]}), "competition"),
        (
            json!({"criteria": [["A", 1, 1, null, null]]}),
            "criteria[0]",
        ),
    ] {
        let (status, problem) = call(&app, &jane, Method::PUT, &path, Some(body)).await;
        assert_eq!(status, 422, "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let nothing = app.as_(&jane, Method::GET, &path).send().await.unwrap();
    assert_eq!(nothing.headers()["etag"], "\"0\"");
}
