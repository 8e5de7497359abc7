//! Webhooks and their deliveries as the API shows them.

use chrono::{DateTime, Utc};
use followup_core::EventType;
use followup_store::webhooks::{AttemptRow, DeliveryRow, WebhookRow};
use serde::Serialize;
use utoipa::ToSchema;

use crate::views::utc;

/// A webhook subscription. Its secret is shown once, when it is made or
/// rotated.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Webhook {
    /// UUIDv7.
    pub id: String,
    /// Where deliveries are POSTed.
    #[schema(example = "https://platform.example/hooks/followup")]
    pub url: String,
    /// The event types it receives; empty for every type.
    pub events: Vec<EventType>,
    /// The owner's note.
    pub description: Option<String>,
    /// Whether deliveries go out. The server turns it off when the endpoint
    /// answers 410 Gone or has failed for 5 days (`disabled_reason` says which).
    pub active: bool,
    /// `gone` (the endpoint answered 410) or `failing` (5 days of failures)
    /// when the server disabled it; `null` otherwise.
    pub disabled_reason: Option<String>,
    /// When the previous secret, after a rotation, stops signing.
    pub previous_secret_expires_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// The organization whose webhook it is (made with an organization's
    /// `webhooks:write` token): it carries only the events of the
    /// organization's members who share their search with it. `null` for
    /// an account's own.
    pub org_id: Option<String>,
}

impl From<WebhookRow> for Webhook {
    fn from(row: WebhookRow) -> Self {
        Self {
            id: row.id,
            url: row.url,
            events: row.event_types,
            description: row.description,
            active: row.active,
            disabled_reason: row.disabled_reason,
            previous_secret_expires_at: row.previous_expires_at.map(utc),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            org_id: row.org_id,
        }
    }
}

/// A webhook with its signing secret: only in the answer that made the
/// secret.
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookWithSecret {
    /// The webhook.
    #[serde(flatten)]
    pub webhook: Webhook,
    /// `whsec_…`: verify deliveries with it (docs/webhooks.md). Shown once;
    /// rotate to get a new one.
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: String,
}

/// One attempt of a delivery.
#[derive(Debug, Serialize, ToSchema)]
pub struct Attempt {
    /// When it was made.
    pub attempted_at: DateTime<Utc>,
    /// The endpoint's status code, if it answered.
    pub response_status: Option<i32>,
    /// What went wrong when it did not (timeout, refused address, TLS).
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub duration_ms: i64,
}

impl From<AttemptRow> for Attempt {
    fn from(row: AttemptRow) -> Self {
        Self {
            attempted_at: utc(row.attempted_at),
            response_status: row.response_status,
            error: row.error,
            duration_ms: row.duration_ms,
        }
    }
}

/// One event on its way to one webhook, with every attempt so far.
#[derive(Debug, Serialize, ToSchema)]
pub struct Delivery {
    /// The delivery's id (for `…/redeliver`).
    pub id: String,
    /// The event's id: `webhook-id` on every attempt.
    pub event_id: String,
    /// The event's type.
    pub event_type: EventType,
    /// `pending` (waiting for its next attempt), `succeeded` (a 2xx),
    /// `failed` (the schedule ran out, or the endpoint is gone) or
    /// `cancelled` (the owner may no longer see the seeker).
    #[schema(example = "pending")]
    pub status: String,
    /// The last response's status code.
    pub response_status: Option<i32>,
    /// How long the last attempt took, in milliseconds.
    pub duration_ms: Option<i64>,
    /// When the next attempt is due, while pending.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Every attempt, oldest first.
    pub attempts: Vec<Attempt>,
    /// When the delivery was queued.
    pub created_at: DateTime<Utc>,
}

impl From<(DeliveryRow, Vec<AttemptRow>)> for Delivery {
    fn from((row, attempts): (DeliveryRow, Vec<AttemptRow>)) -> Self {
        Self {
            id: row.id,
            event_id: row.event_id,
            event_type: row.event_type,
            status: row.state.to_string(),
            response_status: row.last_status,
            duration_ms: attempts.last().map(|a| a.duration_ms),
            next_attempt_at: row.next_attempt_at.map(utc),
            attempts: attempts.into_iter().map(Attempt::from).collect(),
            created_at: utc(row.created_at),
        }
    }
}
