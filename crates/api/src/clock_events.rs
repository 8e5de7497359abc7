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

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike as _, Duration, Utc};
use followup_core::{ActionKind, Actor, ActorKind, Engine, EventType, PromiseStatus};
use followup_store::events::{self, Appender, EventData, NewEvent};
use followup_store::snapshot::{self, Scope};
use followup_store::{DbConnection, StoreError, promises, users};

use crate::error::ApiError;
use crate::state::AppState;
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
        data: EventData::of(view).map_err(|e| ApiError::Internal(Box::new(e)))?,
    })
}

/// What fell due for `seeker_id` by `now` (and not before the log's
/// retention): broken promises and due actions (a `wait` is not one).
pub fn due(
    conn: &mut DbConnection,
    seeker_id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<NewEvent>, ApiError> {
    let stages = followup_core::policy::agenda_stages();
    let Some(snapshot) = snapshot::load(conn, seeker_id, Scope::Stages(&stages), now.year())?
    else {
        return Ok(Vec::new());
    };
    due_from(conn, seeker_id, &snapshot.facts, &snapshot.playbook, now)
}

/// [`due`] from facts already read (those the agenda reads).
fn due_from(
    conn: &mut DbConnection,
    seeker_id: &str,
    facts: &followup_core::Facts,
    playbook: &followup_core::Playbook,
    now: DateTime<Utc>,
) -> Result<Vec<NewEvent>, ApiError> {
    let since = now - Duration::days(RETENTION_DAYS);
    let fell_due = |at: DateTime<Utc>| at <= now && at >= since;
    let mut found = Vec::new();
    for action in Engine::new(facts, playbook, now).agenda() {
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

/// What the clock found written in its earlier passes: per seeker, the
/// ids of the events that had fallen due then. A pass looks up in the log
/// only what it finds beyond them.
#[derive(Debug, Default)]
pub struct Known {
    ids: HashMap<String, HashSet<String>>,
}

/// One pass over every seeker at `now`: appends the clock's events the log
/// does not hold yet; returns how many. Each seeker's are written in a
/// transaction of their own, and only when there is something new, so an
/// idle pass takes no write lock. A seeker's facts kept at their current
/// revision (`crate::facts_cache`) are not read again.
pub fn scan(state: &AppState, known: &mut Known, now: DateTime<Utc>) -> Result<usize, ApiError> {
    let store = &state.store;
    let year = now.year();
    let seekers = store.read(|conn| Ok::<_, ApiError>(users::seeker_revisions(conn)?))?;
    let current: HashSet<&str> = seekers.iter().map(|(id, _)| id.as_str()).collect();
    known
        .ids
        .retain(|seeker, _| current.contains(seeker.as_str()));
    let mut written = 0;
    for (seeker, revision) in &seekers {
        let kept = state.facts.get(seeker, *revision, year);
        let found = store.read(|conn| match &kept {
            Some(kept) => due_from(conn, seeker, &kept.facts, &kept.playbook, now),
            None => due(conn, seeker, now),
        })?;
        let seen = known.ids.entry(seeker.clone()).or_default();
        let beyond: Vec<String> = found
            .iter()
            .filter(|e| !seen.contains(&e.id))
            .map(|e| e.id.clone())
            .collect();
        if beyond.is_empty() {
            seen.retain(|id| found.iter().any(|e| &e.id == id));
            continue;
        }
        let logged = store.read(|conn| Ok::<_, ApiError>(events::existing(conn, &beyond)?))?;
        let all: HashSet<String> = found.iter().map(|e| e.id.clone()).collect();
        let fresh: Vec<NewEvent> = found
            .into_iter()
            .filter(|e| beyond.contains(&e.id) && !logged.contains(&e.id))
            .collect();
        if fresh.is_empty() {
            *seen = all;
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
        *seen = all;
    }
    Ok(written)
}
