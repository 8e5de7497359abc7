//! Writing the event log (docs/events.md): each write that a client or
//! platform cares about records its event through the write door, in the
//! same transaction, carrying the resource as the API returns it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use followup_core::{Actor, EventType, PromiseStatus};
use followup_store::events::{Appender, EventData, NewEvent};
use followup_store::pipeline::OpportunityRow;
use followup_store::{DbConnection, FactsTx, promises};
use serde::Serialize;

use crate::error::ApiError;
use crate::views::promises::{Promise, promise_view, status_context};

fn new_event<V: Serialize>(
    kind: EventType,
    seeker_id: &str,
    actor: &Actor,
    at: DateTime<Utc>,
    view: &V,
) -> Result<NewEvent, ApiError> {
    let data = EventData::of(view).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(NewEvent {
        id: uuid::Uuid::now_v7().to_string(),
        seeker_id: seeker_id.to_owned(),
        kind,
        actor: actor.clone(),
        occurred_at: at.naive_utc(),
        created_at: crate::views::now().naive_utc(),
        data,
    })
}

/// Records that `actor` did `kind` to `seeker_id`'s `view` at `at`, in the
/// transaction of the change.
pub fn record<V: Serialize>(
    tx: &mut FactsTx<'_>,
    kind: EventType,
    seeker_id: &str,
    actor: &Actor,
    at: DateTime<Utc>,
    view: &V,
) -> Result<(), ApiError> {
    Ok(tx.emit(new_event(kind, seeker_id, actor, at, view)?)?)
}

/// [`record`] for a change of an account write (a grant), which takes no
/// seeker's facts lock: the transaction's only event.
pub fn record_account<V: Serialize>(
    conn: &mut DbConnection,
    kind: EventType,
    seeker_id: &str,
    actor: &Actor,
    at: DateTime<Utc>,
    view: &V,
) -> Result<(), ApiError> {
    record_account_with(
        &mut Appender::default(),
        conn,
        kind,
        seeker_id,
        actor,
        at,
        view,
    )
}

/// [`record_account`] for one of several events of a transaction: each
/// goes through the transaction's one `appender`, which numbers them.
pub fn record_account_with<V: Serialize>(
    appender: &mut Appender,
    conn: &mut DbConnection,
    kind: EventType,
    seeker_id: &str,
    actor: &Actor,
    at: DateTime<Utc>,
    view: &V,
) -> Result<(), ApiError> {
    appender.append(conn, new_event(kind, seeker_id, actor, at, view)?)?;
    Ok(())
}

/// The statuses of an opportunity's promises before a write, to tell which
/// the write kept or superseded ([`PromiseWatch::record_changes`]).
#[derive(Debug)]
pub struct PromiseWatch {
    opportunity: OpportunityRow,
    before: HashMap<String, PromiseStatus>,
    /// The promise whose own event the write records (its update).
    except: Option<String>,
}

fn views(
    conn: &mut DbConnection,
    opportunity: &OpportunityRow,
    at: DateTime<Utc>,
) -> Result<Vec<Promise>, ApiError> {
    let rows = promises::promises_of_opportunity(conn, &opportunity.id)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (facts, calendar) = status_context(conn, opportunity)?;
    rows.into_iter()
        .map(|row| promise_view(row, &facts, &calendar, at))
        .collect()
}

impl PromiseWatch {
    /// Notes the statuses of `opportunity`'s promises at `at`.
    pub fn new(
        conn: &mut DbConnection,
        opportunity: &OpportunityRow,
        at: DateTime<Utc>,
    ) -> Result<Self, ApiError> {
        let before = views(conn, opportunity, at)?
            .into_iter()
            .map(|p| (p.id, p.status))
            .collect();
        Ok(Self {
            opportunity: opportunity.clone(),
            before,
            except: None,
        })
    }

    /// Leaves the `promise.updated` of promise `id` to the write, which
    /// records its own (a change of the promise itself).
    pub fn except(mut self, id: &str) -> Self {
        self.except = Some(id.to_owned());
        self
    }

    /// Records `promise.kept` and `promise.superseded` for each promise the
    /// write moved to that status, and `promise.updated` for each other
    /// promise whose status it changed otherwise (the interaction that kept
    /// it deleted, the promise that superseded it deleted, the decision
    /// undone): every copy of a promise's status hears of it.
    pub fn record_changes(
        self,
        tx: &mut FactsTx<'_>,
        actor: &Actor,
        at: DateTime<Utc>,
    ) -> Result<(), ApiError> {
        for promise in views(tx.conn(), &self.opportunity, at)? {
            let before = self.before.get(&promise.id);
            if before == Some(&promise.status) {
                continue;
            }
            let kind = match promise.status {
                PromiseStatus::Kept => EventType::PromiseKept,
                PromiseStatus::Superseded => EventType::PromiseSuperseded,
                // A new promise has its own `promise.created`.
                _ if before.is_some() && self.except.as_deref() != Some(promise.id.as_str()) => {
                    EventType::PromiseUpdated
                }
                _ => continue,
            };
            record(tx, kind, &self.opportunity.seeker_id, actor, at, &promise)?;
        }
        Ok(())
    }
}
