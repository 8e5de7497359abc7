//! Webhook subscriptions, their deliveries, redelivery and pings
//! (docs/webhooks.md).

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, web};
use chrono::Duration;
use followup_core::EventType;
use followup_store::webhooks::{self, DeliveryRow, DeliveryState, WebhookRow};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::{Caller, no_store};
use crate::conventions::{Page, PageParams, Paging};
use crate::db::{read, write};
use crate::error::{ApiError, FieldCode, FieldError, Problem};
use crate::extract::{Json, Query};
use crate::shape::FieldsParam;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::events::Event;
use crate::views::webhooks::{Delivery, Webhook, WebhookWithSecret};
use crate::webhooks::envelope;
use crate::webhooks::signature::generate_secret;

/// How long the previous secret keeps signing after a rotation.
const ROTATION_OVERLAP_HOURS: i64 = 24;

/// A new webhook.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateWebhook {
    /// Where to POST deliveries: `https`, on a public address.
    #[schema(example = "https://platform.example/hooks/followup", max_length = 2000)]
    pub url: String,
    /// The event types to receive; empty or absent for every type.
    #[serde(default)]
    pub events: Vec<EventType>,
    /// A note for yourself.
    #[schema(max_length = 500)]
    pub description: Option<String>,
    /// Whether deliveries go out (default `true`).
    pub active: Option<bool>,
}

/// Changes to a webhook; absent fields stay as they are.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateWebhook {
    /// A new URL, checked as when the webhook was made.
    #[schema(max_length = 2000)]
    pub url: Option<String>,
    /// The event types to receive; empty for every type.
    pub events: Option<Vec<EventType>>,
    /// A note for yourself; `null` clears it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub description: Option<Option<String>>,
    /// `true` turns a webhook the server disabled back on.
    pub active: Option<bool>,
}

/// Checks a URL's form (an error naming `url`).
fn url_form(raw: &str) -> Result<reqwest::Url, FieldError> {
    if raw.chars().count() > 2000 {
        return Err(FieldError::too_long("url", 2000));
    }
    reqwest::Url::parse(raw.trim()).map_err(|e| {
        FieldError::new(
            "url",
            FieldCode::NotAUrl,
            format!("is not an absolute URL: {e}"),
        )
    })
}

/// Checks where a URL of the right form resolves (422 naming `url`).
async fn checked_url(state: &AppState, url: reqwest::Url) -> Result<String, ApiError> {
    state
        .webhook_egress
        .check_destination(&url)
        .await
        .map_err(|message| {
            ApiError::Validation(vec![FieldError::new("url", FieldCode::NotAllowed, message)])
        })?;
    Ok(url.to_string())
}

/// A new webhook's own checks, which need nothing but the body: the URL's
/// form and the description, in their normal form, or every invalid field.
fn checked_new(body: &CreateWebhook) -> Result<(reqwest::Url, Option<String>), ApiError> {
    let mut errors = Errors::default();
    let url = errors.check(url_form(&body.url));
    let description = description(&mut errors, body.description.clone());
    errors.finish()?;
    match url {
        Some(url) => Ok((url, description)),
        None => Err(ApiError::Internal("checked URL missing".into())),
    }
}

/// A change's own checks, which need nothing but the body: the new URL's
/// form and description, in their normal form, or every invalid field.
fn checked_change(
    body: &UpdateWebhook,
) -> Result<(Option<reqwest::Url>, Option<Option<String>>), ApiError> {
    let mut errors = Errors::default();
    let url = body
        .url
        .as_deref()
        .and_then(|raw| errors.check(url_form(raw)));
    let description = body
        .description
        .clone()
        .map(|d| description(&mut errors, d));
    errors.finish()?;
    Ok((url, description))
}

impl crate::extract::Checks for CreateWebhook {
    fn checks(&self) -> Vec<FieldError> {
        match checked_new(self) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

impl crate::extract::Checks for UpdateWebhook {
    fn checks(&self) -> Vec<FieldError> {
        match checked_change(self) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

fn description(errors: &mut Errors, value: Option<String>) -> Option<String> {
    errors
        .check(validate::optional_text("description", value, 500))
        .flatten()
}

/// The caller's webhook, or 404.
fn owned(
    conn: &mut followup_store::DbConnection,
    caller: &Caller,
    id: &str,
) -> Result<WebhookRow, ApiError> {
    webhooks::find(conn, id)?
        .filter(|row| match org_of(caller) {
            // An organization's token manages its organization's webhooks.
            Some(org) => row.org_id.as_deref() == Some(org),
            None => row.owner_id == caller.user.id,
        })
        .ok_or_else(|| ApiError::NotFound("no such webhook".to_owned()))
}

/// The organization of an organization's token; `None` for an account or
/// a key.
fn org_of(caller: &Caller) -> Option<&str> {
    match &caller.via {
        crate::auth::Via::OrgToken { org_id, .. } => Some(org_id),
        _ => None,
    }
}

/// Subscribe to events.
///
/// A seeker receives their own events, a coach their clients' (through live
/// grants: a revoked grant stops them at once), an admin every event, an API
/// key with `write` its owner's. Deliveries follow the Standard Webhooks
/// specification: verify them with the `secret`, which this response shows
/// once. The URL must be `https` on a public address: private, loopback,
/// link-local, metadata, CGNAT and IPv4-mapped addresses are refused (422),
/// here and again at every delivery.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    request_body = CreateWebhook,
    responses(
        (status = 201, description = "The webhook and its signing secret, shown only now.", body = WebhookWithSecret),
        (status = 403, description = "A read-only API key.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid; `url` when it is not https or resolves to an address deliveries may not go to.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/webhooks")]
pub async fn create_webhook(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<CreateWebhook>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let body = body.0;
    let (url, description) = checked_new(&body)?;
    let url = checked_url(&state, url).await?;
    let secret = generate_secret()?;
    let now = crate::views::now().naive_utc();
    let org_id = org_of(&caller).map(str::to_owned);
    let row = WebhookRow {
        id: uuid::Uuid::now_v7().to_string(),
        org_id,
        owner_id: caller.user.id,
        url,
        event_types: dedup(body.events),
        description,
        active: body.active.unwrap_or(true),
        secret: secret.clone(),
        previous_secret: None,
        previous_expires_at: None,
        disabled_reason: None,
        failing_since: None,
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let row = write(&state, move |_, conn| {
        webhooks::insert(conn, &row)?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/webhooks/{}", row.id)))
        .insert_header(no_store())
        .json(WebhookWithSecret {
            webhook: Webhook::from(row),
            secret,
        }))
}

fn dedup(mut events: Vec<EventType>) -> Vec<EventType> {
    let mut seen = Vec::new();
    events.retain(|e| {
        let fresh = !seen.contains(e);
        seen.push(*e);
        fresh
    });
    events
}

/// List the caller's webhooks, oldest first.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(PageParams, FieldsParam),
    responses(
        (status = 200, description = "A page of webhooks.", body = Page<Webhook>),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/webhooks")]
pub async fn list_webhooks(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<PageParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<Webhook>(),
    )?;
    let page = read(&state, move |_, conn| {
        let rows = match org_of(&caller) {
            Some(org) => webhooks::of_org(conn, org, paging.after.as_deref(), paging.fetch())?,
            None => webhooks::of_owner(conn, caller.id(), paging.after.as_deref(), paging.fetch())?,
        };
        paging.page(rows, |r| &r.id, |r| Ok(Webhook::from(r)))
    })
    .await?;
    crate::shape::list(&page, fields.as_ref())
}

/// One of the caller's webhooks.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The webhook's id.")),
    responses(
        (status = 200, description = "The webhook.", body = Webhook),
        (status = 404, description = "No such webhook of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/webhooks/{id}")]
pub async fn get_webhook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let row = read(&state, move |_, conn| owned(conn, &caller, &id)).await?;
    Ok(HttpResponse::Ok().json(Webhook::from(row)))
}

/// Change a webhook: its URL (checked again), events, description, or
/// `active` (which turns a webhook the server disabled back on).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The webhook's id.")),
    request_body = UpdateWebhook,
    responses(
        (status = 200, description = "The webhook.", body = Webhook),
        (status = 404, description = "No such webhook of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/webhooks/{id}")]
pub async fn update_webhook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<UpdateWebhook>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let body = body.0;
    let (url, new_description) = checked_change(&body)?;
    let url = match url {
        Some(url) => Some(checked_url(&state, url).await?),
        None => None,
    };
    let row = write(&state, move |_, conn| {
        let mut row = owned(conn, &caller, &id)?;
        let expected = row.version;
        if let Some(url) = url {
            row.url = url;
        }
        if let Some(events) = body.events {
            row.event_types = dedup(events);
        }
        if let Some(description) = new_description {
            row.description = description;
        }
        if let Some(active) = body.active {
            row.active = active;
            if active {
                row.disabled_reason = None;
                row.failing_since = None;
            }
        }
        row.updated_at = crate::views::now().naive_utc();
        row.version += 1;
        if !webhooks::update(conn, &row, expected)? {
            return Err(ApiError::Conflict(
                crate::error::ProblemCode::EditConflict,
                "the webhook changed meanwhile; try again".to_owned(),
            ));
        }
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Webhook::from(row)))
}

/// Delete a webhook; nothing more is delivered to it.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The webhook's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 404, description = "No such webhook of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/webhooks/{id}")]
pub async fn delete_webhook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    write(&state, move |_, conn| {
        let row = owned(conn, &caller, &id)?;
        Ok(webhooks::delete(conn, &row.id)?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Rotate the signing secret.
///
/// The new secret is shown once. The previous one keeps signing for 24
/// hours: meanwhile every delivery carries both signatures, so receivers can
/// switch without losing one.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The webhook's id.")),
    responses(
        (status = 200, description = "The webhook and its new secret, shown only now.", body = WebhookWithSecret),
        (status = 404, description = "No such webhook of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/webhooks/{id}/rotate-secret")]
pub async fn rotate_secret(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let secret = generate_secret()?;
    let new_secret = secret.clone();
    let row = write(&state, move |state, conn| {
        let mut row = owned(conn, &caller, &id)?;
        let expected = row.version;
        let now = state.clock.now();
        row.previous_secret = Some(std::mem::replace(&mut row.secret, new_secret));
        row.previous_expires_at = Some((now + Duration::hours(ROTATION_OVERLAP_HOURS)).naive_utc());
        row.updated_at = crate::views::now().naive_utc();
        row.version += 1;
        if !webhooks::update(conn, &row, expected)? {
            return Err(ApiError::Conflict(
                crate::error::ProblemCode::EditConflict,
                "the webhook changed meanwhile; try again".to_owned(),
            ));
        }
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(no_store())
        .json(WebhookWithSecret {
            webhook: Webhook::from(row),
            secret,
        }))
}

/// A webhook's deliveries, newest first: each with its status, the last
/// response code and duration, the next attempt, and every attempt.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The webhook's id."), PageParams, FieldsParam),
    responses(
        (status = 200, description = "A page of deliveries.", body = Page<Delivery>),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such webhook of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/webhooks/{id}/deliveries")]
pub async fn list_deliveries(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<PageParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<Delivery>(),
    )?;
    let page = read(&state, move |_, conn| {
        let row = owned(conn, &caller, &id)?;
        let rows = webhooks::deliveries_of(conn, &row.id, paging.after.as_deref(), paging.fetch())?;
        paging.page(rows, |(d, _)| &d.id, |r| Ok(Delivery::from(r)))
    })
    .await?;
    crate::shape::list(&page, fields.as_ref())
}

/// Send a delivery again, now, with a fresh retry schedule (the same
/// `webhook-id`, so receivers that saw it already can tell).
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The webhook's id."),
        ("delivery_id" = String, Path, description = "The delivery's id."),
    ),
    responses(
        (status = 202, description = "Queued; the worker sends it within seconds.", body = Delivery),
        (status = 404, description = "No such webhook of yours, or no such delivery of it.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The webhook is not active: turn it on first.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/webhooks/{id}/deliveries/{delivery_id}/redeliver")]
pub async fn redeliver(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (id, delivery_id) = path.into_inner();
    let delivery = write(&state, move |state, conn| {
        let webhook = owned(conn, &caller, &id)?;
        if !webhook.active {
            return Err(ApiError::Conflict(
                crate::error::ProblemCode::WrongState,
                "the webhook is not active; turn it on first".to_owned(),
            ));
        }
        let mut row = webhooks::find_delivery(conn, &webhook.id, &delivery_id)?
            .ok_or_else(|| ApiError::NotFound("no such delivery".to_owned()))?;
        let now = state.clock.now().naive_utc();
        row.state = DeliveryState::Pending;
        row.attempts = 0;
        row.next_attempt_at = Some(now);
        row.updated_at = now;
        webhooks::save_delivery(conn, &row)?;
        Ok(Delivery::from((row, Vec::new())))
    })
    .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}

/// Send a `webhook.ping` delivery to test the endpoint and its signature
/// check.
#[utoipa::path(
    tag = "events",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The webhook's id.")),
    responses(
        (status = 202, description = "Queued; the worker sends it within seconds.", body = Delivery),
        (status = 404, description = "No such webhook of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The webhook is not active: turn it on first.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/webhooks/{id}/ping")]
pub async fn ping(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let actor = crate::conventions::Actor::of(&caller);
    let delivery = write(&state, move |state, conn| {
        let webhook = owned(conn, &caller, &id)?;
        if !webhook.active {
            return Err(ApiError::Conflict(
                crate::error::ProblemCode::WrongState,
                "the webhook is not active; turn it on first".to_owned(),
            ));
        }
        let now = state.clock.now();
        let event = Event {
            id: uuid::Uuid::now_v7().to_string(),
            kind: EventType::WebhookPing,
            occurred_at: now,
            seeker_id: caller.user.id.clone(),
            actor: actor.into(),
            data: serde_json::to_value(Webhook::from(webhook.clone()))
                .map_err(|e| ApiError::Internal(Box::new(e)))?,
        };
        let row = DeliveryRow {
            id: uuid::Uuid::now_v7().to_string(),
            webhook_id: webhook.id.clone(),
            event_id: event.id.clone(),
            seeker_id: None,
            event_type: EventType::WebhookPing,
            payload: envelope(EventType::WebhookPing, now, &event),
            state: DeliveryState::Pending,
            attempts: 0,
            next_attempt_at: Some(now.naive_utc()),
            last_status: None,
            last_error: None,
            created_at: now.naive_utc(),
            updated_at: now.naive_utc(),
        };
        webhooks::insert_delivery(conn, &row)?;
        Ok(Delivery::from((row, Vec::new())))
    })
    .await?;
    Ok(HttpResponse::Accepted().json(delivery))
}
