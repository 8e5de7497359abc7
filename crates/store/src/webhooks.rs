//! Webhook subscriptions and their durable outbox (docs/webhooks.md).
//!
//! The dispatcher ([`dispatch`]) follows the event log from its stored
//! position, under a row lock, and writes one delivery row per event and
//! subscribed webhook. Delivery workers in every replica claim due rows
//! ([`claim`]: `FOR UPDATE SKIP LOCKED` on PostgreSQL; on SQLite the single
//! writer already excludes everyone else) and lease them for a minute: a
//! worker that dies mid-delivery leaves the row to be claimed again once
//! the lease runs out, so a delivery may come twice but is never lost.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use followup_core::EventType;

use crate::events::{self, EventRow, Filter, Position};
use crate::schema::{webhook_attempts, webhook_deliveries, webhook_dispatch, webhooks};
use crate::types::{Stored, StoredList};
use crate::{DbConnection, StoreError};

/// A subscription.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhooks, treat_none_as_null = true)]
pub struct WebhookRow {
    /// UUIDv7.
    pub id: String,
    /// Whose: the events it receives are those its owner may see.
    pub owner_id: String,
    /// Where deliveries go.
    pub url: String,
    /// The types it receives; empty for all.
    #[diesel(deserialize_as = StoredList, serialize_as = StoredList)]
    pub event_types: Vec<EventType>,
    /// The owner's note.
    pub description: Option<String>,
    /// Whether deliveries go out.
    pub active: bool,
    /// The signing secret, `whsec_…`.
    pub secret: String,
    /// The secret before the last rotation, still signing until
    /// `previous_expires_at`.
    pub previous_secret: Option<String>,
    /// When the previous secret stops signing.
    pub previous_expires_at: Option<NaiveDateTime>,
    /// Why the server disabled it, if it did.
    pub disabled_reason: Option<String>,
    /// The first failure since the last success.
    pub failing_since: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// The ETag.
    pub version: i32,
    /// The organization whose webhook it is: it receives only the events of
    /// the organization's members (docs/organizations.md).
    pub org_id: Option<String>,
}

impl WebhookRow {
    /// Whether it takes events of this type.
    pub fn wants(&self, kind: EventType) -> bool {
        self.event_types.is_empty() || self.event_types.contains(&kind)
    }

    /// The secrets that sign a delivery at `at`: the current one, and the
    /// previous one for a day after a rotation.
    pub fn signing_secrets(&self, at: NaiveDateTime) -> Vec<&str> {
        let mut secrets = vec![self.secret.as_str()];
        if let (Some(previous), Some(until)) = (&self.previous_secret, self.previous_expires_at)
            && at < until
        {
            secrets.push(previous);
        }
        secrets
    }
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryState {
    /// Waiting for its next attempt.
    Pending,
    /// A 2xx came back.
    Succeeded,
    /// Every attempt of the schedule failed.
    Failed,
    /// Not sent: the owner may no longer see the seeker, or the webhook is gone.
    Cancelled,
}

impl DeliveryState {
    /// Its stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Succeeded => "succeeded",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }
}

impl std::fmt::Display for DeliveryState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for DeliveryState {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        [
            Self::Pending,
            Self::Succeeded,
            Self::Failed,
            Self::Cancelled,
        ]
        .into_iter()
        .find(|state| state.as_str() == s)
        .ok_or_else(|| format!("`{s}` is not a delivery state"))
    }
}

/// One event (or ping) for one webhook: the outbox row.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = webhook_deliveries, treat_none_as_null = true)]
pub struct DeliveryRow {
    /// UUIDv7.
    pub id: String,
    /// The webhook.
    pub webhook_id: String,
    /// The event's id: `webhook-id` on every attempt.
    pub event_id: String,
    /// Whose event; `None` for a ping.
    pub seeker_id: Option<String>,
    /// The event's type.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub event_type: EventType,
    /// The body every attempt sends.
    pub payload: String,
    /// Where it stands.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub state: DeliveryState,
    /// Attempts made so far.
    pub attempts: i32,
    /// When the next attempt is due (while pending; a claim leases it).
    pub next_attempt_at: Option<NaiveDateTime>,
    /// The last response's status code.
    pub last_status: Option<i32>,
    /// The last failure that was not a response (a timeout, a refusal).
    pub last_error: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = webhook_attempts)]
pub struct AttemptRow {
    /// UUIDv7.
    pub id: String,
    /// The delivery.
    pub delivery_id: String,
    /// When it was made.
    pub attempted_at: NaiveDateTime,
    /// The response's status code, if one came.
    pub response_status: Option<i32>,
    /// What went wrong without a response.
    pub error: Option<String>,
    /// How long it took.
    pub duration_ms: i64,
}

/// Stores a new webhook.
pub fn insert(conn: &mut DbConnection, row: &WebhookRow) -> Result<(), StoreError> {
    diesel::insert_into(webhooks::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The webhook with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<WebhookRow>, StoreError> {
    Ok(webhooks::table
        .find(id)
        .select(WebhookRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A page of an owner's webhooks, oldest first, after the id `after`.
pub fn of_owner(
    conn: &mut DbConnection,
    owner_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<WebhookRow>, StoreError> {
    let mut query = webhooks::table
        .filter(webhooks::owner_id.eq(owner_id))
        .order(webhooks::id.asc())
        .select(WebhookRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// A page of an organization's webhooks, oldest first, after the id `after`.
pub fn of_org(
    conn: &mut DbConnection,
    org_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<WebhookRow>, StoreError> {
    let mut query = webhooks::table
        .filter(webhooks::org_id.eq(org_id))
        .order(webhooks::id.asc())
        .select(WebhookRow::as_select())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(webhooks::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Writes a webhook back if its version is still `expected`.
pub fn update(
    conn: &mut DbConnection,
    row: &WebhookRow,
    expected: i32,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        webhooks::table
            .filter(webhooks::id.eq(&row.id))
            .filter(webhooks::version.eq(expected)),
    )
    .set(row.clone())
    .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes a webhook and its deliveries.
pub fn delete(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    Ok(diesel::delete(webhooks::table.find(id)).execute(conn)? == 1)
}

/// Stores a delivery; `false` when the webhook has one of this event already.
pub fn insert_delivery(conn: &mut DbConnection, row: &DeliveryRow) -> Result<bool, StoreError> {
    let exists = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(&row.webhook_id))
        .filter(webhook_deliveries::event_id.eq(&row.event_id))
        .count()
        .get_result::<i64>(conn)?
        > 0;
    if exists {
        return Ok(false);
    }
    diesel::insert_into(webhook_deliveries::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(true)
}

/// The delivery with this id, of this webhook.
pub fn find_delivery(
    conn: &mut DbConnection,
    webhook_id: &str,
    id: &str,
) -> Result<Option<DeliveryRow>, StoreError> {
    Ok(webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .filter(webhook_deliveries::id.eq(id))
        .select(DeliveryRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Writes a delivery's bookkeeping back.
pub fn save_delivery(conn: &mut DbConnection, row: &DeliveryRow) -> Result<(), StoreError> {
    diesel::update(webhook_deliveries::table.find(&row.id))
        .set(row.clone())
        .execute(conn)?;
    Ok(())
}

/// A page of a webhook's deliveries, newest first, before the id `before`,
/// each with its attempts (oldest first). The attempts are read before the
/// deliveries, so on PostgreSQL, where each statement sees the commits made
/// before it, a delivery is never older than the attempts listed with it.
pub fn deliveries_of(
    conn: &mut DbConnection,
    webhook_id: &str,
    before: Option<&str>,
    limit: i64,
) -> Result<Vec<(DeliveryRow, Vec<AttemptRow>)>, StoreError> {
    let mut query = webhook_deliveries::table
        .filter(webhook_deliveries::webhook_id.eq(webhook_id))
        .order(webhook_deliveries::id.desc())
        .select(webhook_deliveries::id)
        .limit(limit)
        .into_boxed();
    if let Some(before) = before {
        query = query.filter(webhook_deliveries::id.lt(before.to_owned()));
    }
    let ids: Vec<String> = query.load(conn)?;
    let attempts: Vec<AttemptRow> = webhook_attempts::table
        .filter(webhook_attempts::delivery_id.eq_any(&ids))
        .order(webhook_attempts::id.asc())
        .select(AttemptRow::as_select())
        .load(conn)?;
    let deliveries: Vec<DeliveryRow> = webhook_deliveries::table
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::id.desc())
        .select(DeliveryRow::as_select())
        .load(conn)?;
    Ok(deliveries
        .into_iter()
        .map(|delivery| {
            let mine = attempts
                .iter()
                .filter(|a| a.delivery_id == delivery.id)
                .cloned()
                .collect();
            (delivery, mine)
        })
        .collect())
}

/// Records an attempt.
pub fn insert_attempt(conn: &mut DbConnection, row: &AttemptRow) -> Result<(), StoreError> {
    diesel::insert_into(webhook_attempts::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// Every active webhook, for the dispatcher.
pub fn active(conn: &mut DbConnection) -> Result<Vec<WebhookRow>, StoreError> {
    Ok(webhooks::table
        .filter(webhooks::active.eq(true))
        .order(webhooks::id.asc())
        .select(WebhookRow::as_select())
        .load(conn)?)
}

/// Locks the dispatcher's position (one dispatcher at a time across
/// replicas) and returns it.
pub fn lock_dispatch(conn: &mut DbConnection) -> Result<Position, StoreError> {
    let (tx, seq) = match conn {
        DbConnection::Postgres(_) => {
            diesel::sql_query("SELECT tx, seq FROM webhook_dispatch WHERE id = 1 FOR UPDATE")
                .get_result::<DispatchPosition>(conn)
                .map(|p| (p.tx, p.seq))?
        }
        DbConnection::Sqlite(_) => webhook_dispatch::table
            .find(1)
            .select((webhook_dispatch::tx, webhook_dispatch::seq))
            .get_result(conn)?,
    };
    Ok(Position { tx, seq })
}

/// The dispatcher's position, read without locking it.
pub fn dispatch_position(conn: &mut DbConnection) -> Result<Position, StoreError> {
    let (tx, seq) = webhook_dispatch::table
        .find(1)
        .select((webhook_dispatch::tx, webhook_dispatch::seq))
        .get_result(conn)?;
    Ok(Position { tx, seq })
}

/// Records when a webhook's failures began (`None` after a success).
pub fn set_failing_since(
    conn: &mut DbConnection,
    id: &str,
    since: Option<NaiveDateTime>,
) -> Result<(), StoreError> {
    diesel::update(webhooks::table.find(id))
        .set(webhooks::failing_since.eq(since))
        .execute(conn)?;
    Ok(())
}

#[derive(QueryableByName)]
struct DispatchPosition {
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    tx: i64,
    #[diesel(sql_type = diesel::sql_types::Integer)]
    seq: i32,
}

/// Moves the dispatcher's position.
pub fn set_dispatch(conn: &mut DbConnection, position: Position) -> Result<(), StoreError> {
    diesel::update(webhook_dispatch::table.find(1))
        .set((
            webhook_dispatch::tx.eq(position.tx),
            webhook_dispatch::seq.eq(position.seq),
        ))
        .execute(conn)?;
    Ok(())
}

/// The next events after the dispatcher's position (see [`events::page`]).
pub fn undispatched(
    conn: &mut DbConnection,
    after: Position,
    limit: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let filter = Filter {
        seekers: None,
        kinds: &[],
    };
    Ok(events::page(conn, after, &filter, limit)?.0)
}

/// Whether a pending delivery of an active webhook is due at `now`: the
/// worker looks before it takes the write lock to [`claim`].
pub fn any_due(conn: &mut DbConnection, now: NaiveDateTime) -> Result<bool, StoreError> {
    let due = webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
        .filter(webhook_deliveries::next_attempt_at.le(now))
        .filter(webhooks::active.eq(true))
        .select(webhook_deliveries::id)
        .first::<String>(conn)
        .optional()?;
    Ok(due.is_some())
}

/// Claims up to `limit` pending deliveries due at `now` of active webhooks,
/// and leases them until `lease_until`: no other worker claims them before.
/// On PostgreSQL rows another worker is claiming are skipped
/// (`FOR UPDATE SKIP LOCKED`); on SQLite the write lock already excludes
/// every other writer.
pub fn claim(
    conn: &mut DbConnection,
    now: NaiveDateTime,
    lease_until: NaiveDateTime,
    limit: i64,
) -> Result<Vec<(DeliveryRow, WebhookRow)>, StoreError> {
    let ids: Vec<String> = match conn {
        DbConnection::Postgres(_) => diesel::sql_query(
            "SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id \
             WHERE d.state = 'pending' AND d.next_attempt_at <= $1 AND w.active \
             ORDER BY d.next_attempt_at LIMIT $2 FOR UPDATE OF d SKIP LOCKED",
        )
        .bind::<diesel::sql_types::Timestamp, _>(now)
        .bind::<diesel::sql_types::BigInt, _>(limit)
        .load::<ClaimedId>(conn)?
        .into_iter()
        .map(|c| c.id)
        .collect(),
        DbConnection::Sqlite(_) => webhook_deliveries::table
            .inner_join(webhooks::table)
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str()))
            .filter(webhook_deliveries::next_attempt_at.le(now))
            .filter(webhooks::active.eq(true))
            .order(webhook_deliveries::next_attempt_at.asc())
            .limit(limit)
            .select(webhook_deliveries::id)
            .load(conn)?,
    };
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    diesel::update(webhook_deliveries::table.filter(webhook_deliveries::id.eq_any(&ids)))
        .set(webhook_deliveries::next_attempt_at.eq(lease_until))
        .execute(conn)?;
    Ok(webhook_deliveries::table
        .inner_join(webhooks::table)
        .filter(webhook_deliveries::id.eq_any(&ids))
        .order(webhook_deliveries::id.asc())
        .select((DeliveryRow::as_select(), WebhookRow::as_select()))
        .load(conn)?)
}

#[derive(QueryableByName)]
struct ClaimedId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    id: String,
}

/// Cancels the pending deliveries of `seeker_id`'s events to webhooks of
/// `owner_id` (a revoked grant stops them at once).
pub fn cancel_pending(
    conn: &mut DbConnection,
    owner_id: &str,
    seeker_id: &str,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    let owned = webhooks::table
        .filter(webhooks::owner_id.eq(owner_id))
        .select(webhooks::id);
    Ok(diesel::update(
        webhook_deliveries::table
            .filter(webhook_deliveries::webhook_id.eq_any(owned))
            .filter(webhook_deliveries::seeker_id.eq(seeker_id))
            .filter(webhook_deliveries::state.eq(DeliveryState::Pending.as_str())),
    )
    .set((
        webhook_deliveries::state.eq(DeliveryState::Cancelled.as_str()),
        webhook_deliveries::next_attempt_at.eq(None::<NaiveDateTime>),
        webhook_deliveries::updated_at.eq(at),
    ))
    .execute(conn)?)
}
