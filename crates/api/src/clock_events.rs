//! The clock's events (docs/events.md): `promise.broken` when a promise
//! falls due with nothing heard, and `action.due` when a next action falls
//! due. No write causes them, so the background worker derives them from the
//! facts: each round it asks the engine what is due now, for every seeker,
//! and appends what the log does not hold yet.
//!
//! An event's id is a hash of what fell due and when
//! ([`followup_core::clock_event_id`]), so each is written once however
//! often, and by however many replicas, the facts are read; an unrelated
//! write does not mint a new one. Because the worker reads the facts as they
//! are now, what fell due while the server was down is there at the first
//! round after it starts.

use chrono::{DateTime, Datelike as _, Duration, Utc};
use followup_core::{ActionKind, Actor, ActorKind, Engine, EventType, PromiseStatus};
use followup_store::events::{self, Appender, NewEvent};
use followup_store::snapshot::{self, Scope};
use followup_store::{DbConnection, Store, StoreError, promises, users};

use crate::error::ApiError;
use crate::views::events::RETENTION_DAYS;
use crate::views::promises::promise_view;

fn clock() -> Actor {
    Actor {
        kind: ActorKind::System,
        id: "clock".to_owned(),
    }
}

fn event<V: serde::Serialize>(
    kind: EventType,
    thing_id: &str,
    due: DateTime<Utc>,
    seeker_id: &str,
    view: &V,
) -> Result<NewEvent, ApiError> {
    Ok(NewEvent {
        id: followup_core::clock_event_id(kind, thing_id, due),
        seeker_id: seeker_id.to_owned(),
        kind,
        actor: clock(),
        occurred_at: due.naive_utc(),
        created_at: crate::views::now().naive_utc(),
        data: serde_json::to_value(view).map_err(|e| ApiError::Internal(Box::new(e)))?,
    })
}

/// What fell due for `seeker_id` by `now` (and not before the log's
/// retention): broken promises and due actions (a `wait` is not one).
pub fn due(
    conn: &mut DbConnection,
    seeker_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewEvent>, ApiError> {
    // What the agenda reads: the open opportunities and the rejected ones.
    let stages = followup_core::policy::agenda_stages();
    let Some(snapshot) = snapshot::load(conn, seeker_id, Scope::Stages(&stages), now.year())?
    else {
        return Ok(Vec::new());
    };
    let since = now - Duration::days(RETENTION_DAYS);
    let fell_due = |at: DateTime<Utc>| at <= now && at >= since;
    let facts = &snapshot.facts;
    let mut found = Vec::new();
    for action in Engine::new(facts, &snapshot.playbook, now).agenda() {
        if action.action != ActionKind::Wait && fell_due(action.due_at) {
            let id = action.id.clone();
            found.push(event(
                EventType::ActionDue,
                &id,
                action.due_at,
                seeker_id,
                &action,
            )?);
        }
    }
    for row in promises::promises_of_seeker(conn, seeker_id)? {
        let Some(opportunity) = facts
            .opportunities
            .iter()
            .find(|o| o.id == row.opportunity_id)
        else {
            continue;
        };
        let view = promise_view(row, opportunity, &facts.seeker.calendar, now)?;
        if view.status == PromiseStatus::Broken
            && let Some(due_at) = view.due_at
            && fell_due(due_at)
        {
            let id = view.id.clone();
            found.push(event(
                EventType::PromiseBroken,
                &id,
                due_at,
                seeker_id,
                &view,
            )?);
        }
    }
    Ok(found)
}

/// One pass over every seeker at `now`: appends the clock's events the log
/// does not hold yet; returns how many. Each seeker's are written in a
/// transaction of their own, and only when there is something new, so an
/// idle pass takes no write lock.
pub fn scan(store: &Store, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let seekers = store.read(|conn| Ok::<_, ApiError>(users::seeker_ids(conn)?))?;
    let mut written = 0;
    for seeker in seekers {
        let fresh = store.read(|conn| {
            let found = due(conn, &seeker, now)?;
            let ids: Vec<String> = found.iter().map(|e| e.id.clone()).collect();
            let known = events::existing(conn, &ids)?;
            Ok::<_, ApiError>(
                found
                    .into_iter()
                    .filter(|e| !known.contains(&e.id))
                    .collect::<Vec<_>>(),
            )
        })?;
        if fresh.is_empty() {
            continue;
        }
        let appended = store.write(|conn| {
            let mut appender = Appender::default();
            let mut count = 0;
            for event in fresh {
                if appender.append(conn, event)? {
                    count += 1;
                }
            }
            Ok::<_, StoreError>(count)
        });
        match appended {
            Ok(count) => written += count,
            // Another replica wrote the same event first: it is there.
            Err(StoreError::Conflict { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(written)
}
