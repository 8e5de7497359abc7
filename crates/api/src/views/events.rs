//! Events as apps and platforms receive them: in the change feed
//! (`GET /v1/events`) and in webhook deliveries (docs/events.md).

use chrono::{DateTime, Duration, Utc};
use followup_core::{EventType, Role};
use followup_store::events::{self, EventRow, Filter, Position};
use followup_store::{DbConnection, auth};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::conventions::Actor;
use crate::error::{ApiError, FieldError};
use crate::views::utc;

/// How long the log keeps events, and how old a cursor may be: a cursor
/// older than this gets 410 Gone.
pub const RETENTION_DAYS: i64 = 30;

/// Events are purged a day after cursors stop being honoured, so a cursor
/// still honoured never points past a purged event.
pub const PURGE_AFTER_DAYS: i64 = RETENTION_DAYS + 1;

/// Something that happened to a seeker's record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Event {
    /// The event's id: the same in the feed and in every webhook delivery of
    /// it (`webhook-id`), so receivers deduplicate on it.
    #[schema(example = "0192f0c4-6b1e-7c3a-9d2e-5f4a3b2c1d0e")]
    pub id: String,
    /// What happened.
    #[serde(rename = "type")]
    pub kind: EventType,
    /// When it happened: the change, or for `promise.broken` and
    /// `action.due` the instant it fell due.
    pub occurred_at: DateTime<Utc>,
    /// The seeker whose record it is about.
    pub seeker_id: String,
    /// Who made the change; `system` for the clock's events.
    pub actor: Actor,
    /// The resource as the API returns it (a deleted one as it was).
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<EventRow> for Event {
    fn from(row: EventRow) -> Self {
        Self {
            id: row.id,
            kind: row.kind,
            occurred_at: utc(row.occurred_at),
            seeker_id: row.seeker_id,
            actor: Actor::from(row.actor),
            data: row.data,
        }
    }
}

/// Parameters of the change feed.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// `next_cursor` of the previous response; without it the feed starts at
    /// the oldest event it keeps. A cursor older than 30 days gets 410 Gone:
    /// resynchronise from the resources, then follow the feed again.
    pub cursor: Option<String>,
    /// Comma-separated event types to return (`opportunity.stage_changed,action.due`);
    /// all types without it. The cursor moves past the others too.
    pub types: Option<String>,
    /// Events per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
}

/// A page of the change feed.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventPage {
    /// Events in the order they were committed.
    pub items: Vec<Event>,
    /// Where to continue: always present. Fewer items than `limit` mean the
    /// feed has caught up; ask again later with this cursor.
    pub next_cursor: String,
}

/// A position in the feed and when the reader held it (the cursor's age
/// decides 410).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    /// Everything up to here was read.
    pub position: Position,
    /// When: the last event read, or the moment the reader caught up.
    pub at: DateTime<Utc>,
}

impl Cursor {
    /// Its opaque text: `e1.<tx>.<seq>.<unix seconds>`.
    pub fn encode(&self) -> String {
        format!(
            "e1.{}.{}.{}",
            self.position.tx,
            self.position.seq,
            self.at.timestamp()
        )
    }

    /// Reads a cursor this API gave out (422 naming `cursor` otherwise).
    pub fn decode(text: &str) -> Result<Self, ApiError> {
        let invalid = || ApiError::Validation(vec![FieldError::invalid_cursor("cursor")]);
        let mut parts = text.strip_prefix("e1.").ok_or_else(invalid)?.split('.');
        let mut number = || -> Result<i64, ApiError> {
            let part = parts.next().ok_or_else(invalid)?;
            if part.is_empty() || part.len() > 20 || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(invalid());
            }
            part.parse().map_err(|_| invalid())
        };
        let tx = number()?;
        let seq = i32::try_from(number()?).map_err(|_| invalid())?;
        let at = DateTime::from_timestamp(number()?, 0).ok_or_else(invalid)?;
        if parts.next().is_some() {
            return Err(invalid());
        }
        Ok(Self {
            position: Position { tx, seq },
            at,
        })
    }
}

/// Parses `types` (422 naming it, with the types there are).
pub fn parse_types(types: Option<&str>) -> Result<Vec<EventType>, ApiError> {
    let Some(types) = types else {
        return Ok(Vec::new());
    };
    types
        .split(',')
        .map(|t| {
            t.trim().parse::<EventType>().map_err(|_| {
                ApiError::Validation(vec![FieldError::unknown_value(
                    "types",
                    t.trim(),
                    &EventType::ALL
                        .iter()
                        .map(|k| k.as_str())
                        .collect::<Vec<_>>(),
                )])
            })
        })
        .collect()
}

/// Whose events `user_id` (of `role`) may see: `None` for everyone's (an
/// admin), else their own and their clients' through live grants.
pub fn visible_seekers(
    conn: &mut DbConnection,
    user_id: &str,
    role: Role,
) -> Result<Option<Vec<String>>, ApiError> {
    if role == Role::Admin {
        return Ok(None);
    }
    let mut seekers = vec![user_id.to_owned()];
    if role == Role::Coach {
        seekers.extend(
            auth::clients_of_coach(conn, user_id)?
                .into_iter()
                .map(|(grant, _)| grant.seeker_id),
        );
    }
    Ok(Some(seekers))
}

/// 410 Gone with `detail` when a position held since `at` is older than
/// the retention at `now`: the events after it may be purged. The change
/// feed and `GET /v1/sync` answer alike.
pub fn check_age(at: DateTime<Utc>, now: DateTime<Utc>, detail: &str) -> Result<(), ApiError> {
    if at < now - Duration::days(RETENTION_DAYS) {
        return Err(ApiError::Gone(detail.to_owned()));
    }
    Ok(())
}

/// A page of the caller's feed at `now`.
pub fn feed(
    conn: &mut DbConnection,
    caller: &Caller,
    params: &FeedParams,
    now: DateTime<Utc>,
) -> Result<EventPage, ApiError> {
    let limit = params.limit.unwrap_or(50);
    if !(1..=200).contains(&limit) {
        return Err(ApiError::Validation(vec![FieldError::out_of_range(
            "limit", 1, 200,
        )]));
    }
    let kinds = parse_types(params.types.as_deref())?;
    let start = match params.cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(text) => {
            let cursor = Cursor::decode(text)?;
            check_age(
                cursor.at,
                now,
                &format!(
                    "this cursor is older than the {RETENTION_DAYS} days the feed keeps; \
                     resynchronise from the resources and start the feed again without a cursor"
                ),
            )?;
            cursor.position
        }
        None => Position::default(),
    };
    let seekers = visible_seekers(conn, caller.id(), caller.role)?;
    let filter = Filter {
        seekers: seekers.as_deref(),
        kinds: &kinds,
    };
    let (rows, more) = events::settled_page(conn, start, &filter, i64::from(limit))?;
    let next = match rows.last() {
        Some(last) if more => Cursor {
            position: Position {
                tx: last.tx,
                seq: last.seq,
            },
            at: utc(last.created_at),
        },
        Some(last) => Cursor {
            position: Position {
                tx: last.tx,
                seq: last.seq,
            },
            at: now,
        },
        None => Cursor {
            position: start,
            at: now,
        },
    };
    Ok(EventPage {
        items: rows.into_iter().map(Event::from).collect(),
        next_cursor: next.encode(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_forgeries() {
        let cursor = Cursor {
            position: Position { tx: 812, seq: 3 },
            at: DateTime::from_timestamp(1_790_000_000, 0).unwrap(),
        };
        assert_eq!(Cursor::decode(&cursor.encode()).unwrap(), cursor);
        for bad in [
            "",
            "e1",
            "e1.",
            "e1.1.2",
            "e1.1.2.3.4",
            "e1.-1.2.3",
            "e1.1.2.x",
            "c1.1.2.3",
            "e1.1.99999999999.3",
            "e1.1.2.99999999999999999999",
            "e1.1.2.é",
        ] {
            assert!(Cursor::decode(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn types_are_parsed_and_unknown_ones_named() {
        assert_eq!(
            parse_types(Some("action.due,promise.broken")).unwrap(),
            [EventType::ActionDue, EventType::PromiseBroken]
        );
        assert!(parse_types(None).unwrap().is_empty());
        let ApiError::Validation(errors) = parse_types(Some("action.due,nope")).unwrap_err() else {
            panic!("a 422")
        };
        assert_eq!(errors[0].field, "types");
        assert!(errors[0].message.contains("`nope`"));
    }
}
