//! The authorization matrix: every route that takes a resource id, tried by
//! every kind of caller. New routes join by adding a row to `ROUTES` (and, if
//! they need a new kind of resource, a field to `Seeded`).

use reqwest::Method;
use serde_json::json;

use crate::helpers::{Account, TestApp, spawn_app};

/// Who calls, relative to the seeker who owns the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Actor {
    Owner,
    OtherSeeker,
    CoachWithGrant,
    CoachWithoutGrant,
    CoachRevoked,
    Anonymous,
}

const ACTORS: [Actor; 6] = [
    Actor::Owner,
    Actor::OtherSeeker,
    Actor::CoachWithGrant,
    Actor::CoachWithoutGrant,
    Actor::CoachRevoked,
    Actor::Anonymous,
];

struct Route {
    method: Method,
    /// The path, given the seeded resources.
    path: fn(&Seeded) -> String,
    /// The JSON body, if the route takes one.
    body: Option<fn() -> serde_json::Value>,
    /// The owner's success status.
    ok: u16,
    /// A coach with a live grant's status: docs/auth.md lets coaches read the
    /// client's data, assign playbooks and add their own notes; the rest of
    /// the seeker's routes answer them 404.
    coach: u16,
}

/// A fresh set of the owner's resources, made for each call (calls may
/// delete what they touch).
struct Seeded {
    /// The owner's user id (the client id on the coach's views).
    owner_id: String,
    /// A grant from the owner to a coach who is not one of the actors.
    grant_id: String,
    /// An opportunity at `applied`.
    opportunity_id: String,
    /// A contact of that opportunity.
    contact_id: String,
    /// An interaction on that opportunity.
    interaction_id: String,
    /// A promise on that opportunity.
    promise_id: String,
    /// A calendar feed token of the owner.
    feed_token_id: String,
}

const ROUTES: &[Route] = &[
    Route {
        method: Method::PUT,
        path: |s| format!("/v1/coach/clients/{}/playbook", s.owner_id),
        body: Some(|| json!({"playbook": "email_only"})),
        ok: 404,
        coach: 200,
    },
    Route {
        method: Method::DELETE,
        path: |s| format!("/v1/me/feed-tokens/{}", s.feed_token_id),
        body: None,
        ok: 204,
        coach: 404,
    },
    Route {
        method: Method::DELETE,
        path: |s| format!("/v1/grants/{}", s.grant_id),
        body: None,
        ok: 204,
        coach: 404,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::PATCH,
        path: |s| format!("/v1/opportunities/{}", s.opportunity_id),
        body: Some(|| json!({"notes": "changed"})),
        ok: 200,
        coach: 403,
    },
    Route {
        method: Method::PATCH,
        path: |s| format!("/v1/opportunities/{}", s.opportunity_id),
        body: Some(|| json!({"playbook": "email_only"})),
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::DELETE,
        path: |s| format!("/v1/opportunities/{}", s.opportunity_id),
        body: None,
        ok: 204,
        coach: 403,
    },
    Route {
        method: Method::POST,
        path: |s| format!("/v1/opportunities/{}/transitions", s.opportunity_id),
        body: Some(|| json!({"to": "screening"})),
        ok: 201,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}/history", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}/contacts", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::POST,
        path: |s| format!("/v1/opportunities/{}/contacts", s.opportunity_id),
        body: Some(|| json!({"name": "Pat", "role": "recruiter"})),
        ok: 201,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/contacts/{}", s.contact_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::PATCH,
        path: |s| format!("/v1/contacts/{}", s.contact_id),
        body: Some(|| json!({"notes": "changed"})),
        ok: 200,
        coach: 403,
    },
    Route {
        method: Method::DELETE,
        path: |s| format!("/v1/contacts/{}", s.contact_id),
        body: None,
        ok: 204,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}/interactions", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::POST,
        path: |s| format!("/v1/opportunities/{}/interactions", s.opportunity_id),
        body: Some(|| json!({"kind": "note", "notes": "Prepare the salary talk"})),
        ok: 201,
        coach: 201,
    },
    Route {
        method: Method::POST,
        path: |s| format!("/v1/opportunities/{}/interactions", s.opportunity_id),
        body: Some(|| json!({"kind": "follow_up_email"})),
        ok: 201,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/interactions/{}", s.interaction_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::PATCH,
        path: |s| format!("/v1/interactions/{}", s.interaction_id),
        body: Some(|| json!({"notes": "changed"})),
        ok: 200,
        coach: 403,
    },
    Route {
        method: Method::DELETE,
        path: |s| format!("/v1/interactions/{}", s.interaction_id),
        body: None,
        ok: 204,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}/promises", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::POST,
        path: |s| format!("/v1/opportunities/{}/promises", s.opportunity_id),
        body: Some(|| json!({"what": "email", "due": "2030-01-08"})),
        ok: 201,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/promises/{}?at=2030-01-01T00:00:00Z", s.promise_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::PATCH,
        path: |s| format!("/v1/promises/{}", s.promise_id),
        body: Some(|| json!({"cancelled": true})),
        ok: 200,
        coach: 403,
    },
    Route {
        method: Method::DELETE,
        path: |s| format!("/v1/promises/{}", s.promise_id),
        body: None,
        ok: 204,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}/profile", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::PUT,
        path: |s| format!("/v1/opportunities/{}/profile", s.opportunity_id),
        body: Some(|| json!({"answers": {"process_position": "Second round"}})),
        ok: 200,
        coach: 403,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/opportunities/{}/comparison", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 200,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/comparisons?ids={}", s.opportunity_id),
        body: None,
        ok: 200,
        coach: 404,
    },
    // The coach's views of a client: only a coach with a live grant gets
    // in; everyone else, the client included, gets 404.
    Route {
        method: Method::GET,
        path: |s| format!("/v1/coach/clients/{}/agenda", s.owner_id),
        body: None,
        ok: 404,
        coach: 200,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/coach/clients/{}/pipeline", s.owner_id),
        body: None,
        ok: 404,
        coach: 200,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/coach/clients/{}/comparisons", s.owner_id),
        body: None,
        ok: 404,
        coach: 200,
    },
    Route {
        method: Method::GET,
        path: |s| format!("/v1/coach/clients/{}/analytics", s.owner_id),
        body: None,
        ok: 404,
        coach: 200,
    },
];

struct Cast {
    owner: Account,
    other_seeker: Account,
    coach_with_grant: Account,
    coach_without_grant: Account,
    coach_revoked: Account,
}

impl Cast {
    async fn new(app: &TestApp) -> Self {
        let owner = app.register("seeker").await;
        let coach_with_grant = app.register("coach").await;
        let coach_revoked = app.register("coach").await;
        app.grant(&owner, &coach_with_grant).await;
        let revoked = app.grant(&owner, &coach_revoked).await;
        let response = app
            .as_(&owner, Method::DELETE, &format!("/v1/grants/{revoked}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 204);
        Self {
            owner,
            other_seeker: app.register("seeker").await,
            coach_with_grant,
            coach_without_grant: app.register("coach").await,
            coach_revoked,
        }
    }

    fn account(&self, actor: Actor) -> Option<&Account> {
        match actor {
            Actor::Owner => Some(&self.owner),
            Actor::OtherSeeker => Some(&self.other_seeker),
            Actor::CoachWithGrant => Some(&self.coach_with_grant),
            Actor::CoachWithoutGrant => Some(&self.coach_without_grant),
            Actor::CoachRevoked => Some(&self.coach_revoked),
            Actor::Anonymous => None,
        }
    }

    async fn seed(&self, app: &TestApp) -> Seeded {
        let bystander = app.register("coach").await;
        let opportunity: serde_json::Value = app
            .as_(&self.owner, Method::POST, "/v1/opportunities")
            .json(&json!({"company": "Acme", "title": "Editor"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let opportunity_id = opportunity["opportunity"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let created = |path: String, body: serde_json::Value| {
            let request = app.as_(&self.owner, Method::POST, &path).json(&body);
            async move {
                let response: serde_json::Value =
                    request.send().await.unwrap().json().await.unwrap();
                response
            }
        };
        let contact = created(
            format!("/v1/opportunities/{opportunity_id}/contacts"),
            json!({"name": "Sam", "role": "hiring_manager"}),
        )
        .await;
        let interaction = created(
            format!("/v1/opportunities/{opportunity_id}/interactions"),
            json!({"kind": "interview", "contact_id": contact["contact"]["id"]}),
        )
        .await;
        let promise = created(
            format!("/v1/opportunities/{opportunity_id}/promises"),
            json!({"what": "call", "due": "2030-01-08", "contact_id": contact["contact"]["id"]}),
        )
        .await;
        let feed_token =
            created("/v1/me/feed-tokens".to_owned(), json!({"name": "Calendar"})).await;
        Seeded {
            owner_id: self.owner.id.clone(),
            feed_token_id: feed_token["id"].as_str().unwrap().to_owned(),
            grant_id: app.grant(&self.owner, &bystander).await,
            contact_id: contact["contact"]["id"].as_str().unwrap().to_owned(),
            interaction_id: interaction["interaction"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
            promise_id: promise["promise"]["id"].as_str().unwrap().to_owned(),
            opportunity_id,
        }
    }
}

fn expected(route: &Route, actor: Actor) -> u16 {
    match actor {
        Actor::Owner => route.ok,
        Actor::CoachWithGrant => route.coach,
        Actor::Anonymous => 401,
        _ => 404,
    }
}

#[tokio::test]
async fn nobody_reaches_what_is_not_theirs() {
    let app = spawn_app().await;
    let cast = Cast::new(&app).await;
    let mut failures = Vec::new();
    for route in ROUTES {
        for actor in ACTORS {
            let seeded = cast.seed(&app).await;
            let path = (route.path)(&seeded);
            let mut request = app.client.request(route.method.clone(), app.url(&path));
            if let Some(body) = route.body {
                request = request.json(&body());
            }
            let request = match cast.account(actor) {
                Some(account) => request.bearer_auth(&account.access),
                None => request,
            };
            let status = request.send().await.unwrap().status().as_u16();
            let want = expected(route, actor);
            if status != want {
                failures.push(format!(
                    "{} {path} as {actor:?}: {status}, want {want}",
                    route.method
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
