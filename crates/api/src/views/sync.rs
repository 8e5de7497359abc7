//! `GET /v1/sync`: every record of the caller created, changed or deleted
//! since a token, for mobile apps that keep a copy (docs/sync.md).
//!
//! Without a token it is a full sync: every current record of the six
//! types, type by type in id order, a page at a time; the token remembers
//! where the event log was when it began, and after its last page the app
//! follows the log from there. With a token of the log it reads the
//! caller's events after it exactly as the change feed does (settled, and
//! never past a transaction that may still commit: docs/events.md) and
//! turns them into changes, one per record and page: the record as it is
//! now, or a tombstone.

use std::collections::HashMap;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use followup_core::EventType;
use followup_store::events::{self, EventRow, Filter, Position};
use followup_store::pipeline;
use followup_store::{DbConnection, contacts, interactions, playbooks, profiles, promises, sync};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::Caller;
use crate::error::ApiError;
use crate::views::contacts::Contact;
use crate::views::events::{RETENTION_DAYS, check_age};
use crate::views::interactions::Interaction;
use crate::views::pipeline::Opportunity;
use crate::views::playbooks::custom_view;
use crate::views::profile::Profile;
use crate::views::promises::{promise_view, status_context};
use crate::views::utc;

/// The default page size.
pub const DEFAULT_LIMIT: u32 = 100;

/// The largest page size.
pub const MAX_LIMIT: u32 = 500;

/// The kinds of record a sync carries, in the order a full sync lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecordType {
    /// An opportunity (`GET /v1/opportunities/{id}`).
    Opportunity,
    /// An opportunity's ideal-candidate profile
    /// (`GET /v1/opportunities/{id}/profile`); its `id` is the opportunity's.
    Profile,
    /// A contact (`GET /v1/contacts/{id}`).
    Contact,
    /// An interaction (`GET /v1/interactions/{id}`).
    Interaction,
    /// A promise (`GET /v1/promises/{id}`).
    Promise,
    /// A custom playbook the caller made (`GET /v1/playbooks/{id}`).
    Playbook,
}

impl RecordType {
    /// Every type, in the order a full sync lists them: what a record
    /// refers to comes before it.
    pub const ALL: [Self; 6] = [
        Self::Opportunity,
        Self::Profile,
        Self::Contact,
        Self::Interaction,
        Self::Promise,
        Self::Playbook,
    ];

    fn next(self) -> Option<Self> {
        let at = Self::ALL.iter().position(|t| *t == self)?;
        Self::ALL.get(at + 1).copied()
    }

    /// The record an event is about, and whether the event deleted it;
    /// `None` for the events of other things (grants, proposals, due
    /// actions, webhooks).
    pub fn of_event(kind: EventType) -> Option<(Self, bool)> {
        use EventType as E;
        Some(match kind {
            E::OpportunityCreated | E::OpportunityUpdated | E::OpportunityStageChanged => {
                (Self::Opportunity, false)
            }
            E::OpportunityDeleted => (Self::Opportunity, true),
            E::ContactCreated | E::ContactUpdated => (Self::Contact, false),
            E::ContactDeleted => (Self::Contact, true),
            E::InteractionLogged | E::InteractionUpdated => (Self::Interaction, false),
            E::InteractionDeleted => (Self::Interaction, true),
            E::PromiseCreated
            | E::PromiseUpdated
            | E::PromiseKept
            | E::PromiseBroken
            | E::PromiseSuperseded => (Self::Promise, false),
            E::PromiseDeleted => (Self::Promise, true),
            E::ProfileUpdated => (Self::Profile, false),
            E::ProfileDeleted => (Self::Profile, true),
            E::PlaybookCreated | E::PlaybookUpdated => (Self::Playbook, false),
            E::PlaybookDeleted => (Self::Playbook, true),
            E::GrantCreated
            | E::GrantRevoked
            | E::ActionDue
            | E::WebhookDisabled
            | E::ProposalCreated
            | E::ProposalAccepted
            | E::ProposalDismissed
            | E::WebhookPing => return None,
        })
    }
}

/// The event types a sync reads: those about the six kinds of record.
fn sync_kinds() -> Vec<EventType> {
    EventType::ALL
        .iter()
        .copied()
        .filter(|k| RecordType::of_event(*k).is_some())
        .collect()
}

/// The id of the record an event carries in `data`.
fn record_id(row: &EventRow) -> Option<String> {
    let data = &row.data;
    let id = match row.kind {
        EventType::OpportunityStageChanged => &data["opportunity"]["id"],
        EventType::ProfileUpdated | EventType::ProfileDeleted => &data["opportunity_id"],
        _ => &data["id"],
    };
    id.as_str().map(str::to_owned)
}

/// Parameters of `GET /v1/sync`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SyncParams {
    /// `next_token` of the previous response. Without it: a full sync,
    /// every current record. A token older than 30 days gets 410 Gone:
    /// sync again without a token.
    #[param(example = "eyJ2IjoxLCJ0eCI6ODEyLCJzZXEiOjMsImF0IjoxNzkwMDAwMDAwfQ")]
    pub token: Option<String>,
    /// Changes per page: 1–500, default 100. (A change under an
    /// opportunity brings the opportunity along, so a page whose first
    /// change does may hold one more.)
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
}

/// One record created or changed (`deleted: false`, with `data`), or
/// deleted (`deleted: true`, a tombstone without `data`).
#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(example = json!({
    "type": "contact",
    "id": "01890a5d-ac96-774b-bcce-b302099a8057",
    "deleted": false,
    "data": {"id": "01890a5d-ac96-774b-bcce-b302099a8057", "opportunity_id": "01890a5d-ac96-7000-8000-000000000001", "name": "Sam Boss", "role": "hiring_manager", "email": "sam@example.com", "phone": null, "timezone": "America/New_York", "preferred_channel": "any", "best_time": null, "holiday_calendar": null, "notes": null, "created_at": "2026-01-02T15:00:00Z", "updated_at": "2026-01-02T15:00:00Z", "updated_by": {"type": "seeker", "id": "01890a5d-ac96-7000-8000-0000000000aa"}},
    "etag": "\"1\""
}))]
pub struct Change {
    /// The kind of record.
    #[serde(rename = "type")]
    pub kind: RecordType,
    /// Its id (a profile's is its opportunity's).
    pub id: String,
    /// `true`: the record is gone; delete your copy (and, for an
    /// opportunity, what hangs on it, whose tombstones come too).
    pub deleted: bool,
    /// The record as it is now, exactly as its own `GET` returns it:
    /// `Opportunity`, `Profile`, `Contact`, `Interaction`, `Promise` or
    /// `PlaybookView`. Absent on a tombstone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Object, required = false)]
    pub data: Option<serde_json::Value>,
    /// The record's `ETag`, as its own `GET` answers it: send it as
    /// `If-Match` to change the record, as `If-None-Match` to read it
    /// again. Absent on a tombstone.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub etag: Option<String>,
}

/// A page of changes.
#[derive(Debug, Serialize, ToSchema)]
#[schema(example = json!({
    "changes": [
        {"type": "opportunity", "id": "01890a5d-ac96-7000-8000-000000000001", "deleted": true},
        {"type": "contact", "id": "01890a5d-ac96-774b-bcce-b302099a8057", "deleted": true}
    ],
    "next_token": "eyJ2IjoxLCJ0eCI6ODEyLCJzZXEiOjMsImF0IjoxNzkwMDAwMDAwfQ",
    "has_more": false
}))]
pub struct SyncPage {
    /// The changes, one per record: in a full sync every record by type
    /// and id; after a token, in the order they were committed, each
    /// record once with its last state.
    pub changes: Vec<Change>,
    /// Where to continue: always present. Store it with your copy.
    pub next_token: String,
    /// `true`: ask again now with `next_token`. `false`: you are up to
    /// date; ask again later with `next_token`.
    pub has_more: bool,
}

/// Where a full sync stands: the type it lists and the last id it gave.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Listing {
    #[serde(rename = "type")]
    kind: RecordType,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    after: Option<String>,
}

/// A sync token's content, base64url-encoded JSON: a position in the log
/// and when it was held (its age decides 410), and during a full sync
/// where the listing stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Token {
    v: u8,
    tx: i64,
    seq: i32,
    at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    full: Option<Listing>,
}

impl Token {
    fn new(position: Position, at: DateTime<Utc>, full: Option<Listing>) -> Self {
        Self {
            v: 1,
            tx: position.tx,
            seq: position.seq,
            at: at.timestamp(),
            full,
        }
    }

    fn encode(&self) -> Result<String, ApiError> {
        let json = serde_json::to_vec(self).map_err(|e| ApiError::Internal(Box::new(e)))?;
        Ok(URL_SAFE_NO_PAD.encode(json))
    }

    fn decode(text: &str) -> Result<Self, ApiError> {
        let invalid = || {
            ApiError::invalid(
                "token",
                crate::error::FieldCode::InvalidCursor,
                "not a sync token this API gave out",
            )
        };
        if text.len() > 2048 {
            return Err(invalid());
        }
        let bytes = URL_SAFE_NO_PAD.decode(text).map_err(|_| invalid())?;
        let token: Self = serde_json::from_slice(&bytes).map_err(|_| invalid())?;
        if token.v != 1 || token.tx < 0 || token.seq < 0 {
            return Err(invalid());
        }
        DateTime::from_timestamp(token.at, 0).ok_or_else(invalid)?;
        Ok(token)
    }

    fn position(&self) -> Position {
        Position {
            tx: self.tx,
            seq: self.seq,
        }
    }

    fn held_at(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.at, 0).unwrap_or_default()
    }
}

/// A page of the caller's sync at `now`.
pub fn sync_page(
    conn: &mut DbConnection,
    caller: &Caller,
    params: &SyncParams,
    now: DateTime<Utc>,
) -> Result<SyncPage, ApiError> {
    let limit = params.limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::Validation(vec![
            crate::error::FieldError::out_of_range("limit", 1, MAX_LIMIT),
        ]));
    }
    let limit = limit as usize;
    let token = match params.token.as_deref().filter(|t| !t.is_empty()) {
        Some(text) => {
            let token = Token::decode(text)?;
            check_age(
                token.held_at(),
                now,
                &format!(
                    "this token is older than the {RETENTION_DAYS} days the server keeps \
                     changes; sync again without a token (a full sync) and keep its tokens"
                ),
            )?;
            token
        }
        None => Token::new(
            events::snapshot_position(conn)?,
            now,
            Some(Listing {
                kind: RecordType::ALL[0],
                after: None,
            }),
        ),
    };
    let owner = caller.id().to_owned();
    let mut reader = Reader::new(owner, now);
    match token.full.clone() {
        Some(listing) => full_page(conn, &mut reader, &token, listing, limit),
        None => delta_page(conn, &mut reader, &token, limit),
    }
}

/// A page of a full sync from `listing`: when the last type is through,
/// the token follows the log from where it was when the sync began.
fn full_page(
    conn: &mut DbConnection,
    reader: &mut Reader,
    token: &Token,
    listing: Listing,
    limit: usize,
) -> Result<SyncPage, ApiError> {
    let mut changes = Vec::new();
    let mut kind = Some(listing.kind);
    let mut after = listing.after;
    while let Some(current) = kind {
        let room = limit - changes.len();
        if room == 0 {
            break;
        }
        let fetch = i64::try_from(room + 1).unwrap_or(i64::MAX);
        let mut page = reader.list(conn, current, after.as_deref(), fetch)?;
        if page.len() > room {
            page.truncate(room);
            after = page.last().map(|c| c.id.clone());
            changes.extend(page);
            break;
        }
        after = page.last().map(|c| c.id.clone()).or(after);
        changes.extend(page);
        kind = current.next();
        if kind.is_some() {
            after = None;
        }
    }
    let full = kind.map(|kind| Listing { kind, after });
    let next = Token::new(token.position(), token.held_at(), full);
    Ok(SyncPage {
        changes,
        next_token: next.encode()?,
        // After the listing the log is read from where it was when the
        // sync began: the changes made during the listing come then.
        has_more: true,
    })
}

/// A page of the caller's changes after the token's position in the log.
fn delta_page(
    conn: &mut DbConnection,
    reader: &mut Reader,
    token: &Token,
    limit: usize,
) -> Result<SyncPage, ApiError> {
    let seekers = [reader.owner.clone()];
    let kinds = sync_kinds();
    let filter = Filter {
        seekers: Some(&seekers),
        kinds: &kinds,
    };
    let start = token.position();
    let fetch = i64::try_from(limit).unwrap_or(i64::MAX);
    let (mut rows, mut more) = events::settled_page(conn, start, &filter, fetch)?;
    // The last event of each record wins; records come in the order of
    // their last event. A page holds at most `limit` records: an event
    // that would make it hold more (its record and its opportunity) waits
    // for the next page.
    let mut last: Vec<Option<(RecordType, String, bool)>> = Vec::new();
    let mut seen: HashMap<(RecordType, String), usize> = HashMap::new();
    let mut consumed = 0;
    for row in &rows {
        let mut touched = Vec::new();
        if let (Some((kind, deleted)), Some(id)) = (RecordType::of_event(row.kind), record_id(row))
        {
            // A record under an opportunity changed the opportunity too
            // (its version and `updated_at`, docs/pipeline.md): it comes
            // again, after the record.
            let parent = match kind {
                RecordType::Opportunity | RecordType::Playbook => None,
                _ => row.data["opportunity_id"].as_str().map(str::to_owned),
            };
            touched.push((kind, id, deleted));
            if let Some(parent) = parent {
                touched.push((RecordType::Opportunity, parent, false));
            }
        }
        let new = touched
            .iter()
            .filter(|(kind, id, _)| !seen.contains_key(&(*kind, id.clone())))
            .count();
        if consumed > 0 && seen.len() + new > limit {
            more = true;
            break;
        }
        for (kind, id, deleted) in touched {
            if let Some(earlier) = seen.insert((kind, id.clone()), last.len()) {
                last[earlier] = None;
            }
            last.push(Some((kind, id, deleted)));
        }
        consumed += 1;
    }
    rows.truncate(consumed);
    let next = match rows.last() {
        Some(last) => Token::new(
            Position {
                tx: last.tx,
                seq: last.seq,
            },
            if more {
                utc(last.created_at)
            } else {
                reader.now
            },
            None,
        ),
        None => Token::new(start, reader.now, None),
    };
    let mut changes = Vec::with_capacity(seen.len());
    for (kind, id, deleted) in last.into_iter().flatten() {
        let current = if deleted {
            None
        } else {
            reader.current(conn, kind, &id)?
        };
        let (data, etag) = current.unzip();
        changes.push(Change {
            kind,
            id,
            deleted: data.is_none(),
            data,
            etag,
        });
    }
    Ok(SyncPage {
        changes,
        next_token: next.encode()?,
        has_more: more,
    })
}

/// Reads the caller's records as their own `GET`s return them, keeping
/// what a promise's status needs per opportunity.
struct Reader {
    owner: String,
    now: DateTime<Utc>,
    contexts:
        HashMap<String, Option<(followup_core::Opportunity, followup_core::BusinessCalendar)>>,
}

fn value<V: Serialize>(view: &V) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(view).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// A record's representation and its `ETag`.
type Current = (serde_json::Value, String);

fn upsert(kind: RecordType, id: String, (data, etag): Current) -> Change {
    Change {
        kind,
        id,
        deleted: false,
        data: Some(data),
        etag: Some(etag),
    }
}

/// A view and the ETag of its stored `version`.
fn versioned<V: Serialize>(view: &V, version: i32) -> Result<Current, ApiError> {
    Ok((value(view)?, crate::conditional::etag(version)))
}

impl Reader {
    fn new(owner: String, now: DateTime<Utc>) -> Self {
        Self {
            owner,
            now,
            contexts: HashMap::new(),
        }
    }

    /// A promise as `GET /v1/promises/{id}` returns it now; `None` when
    /// its opportunity is gone.
    fn promise(
        &mut self,
        conn: &mut DbConnection,
        row: followup_store::records::PromiseRow,
    ) -> Result<Option<Current>, ApiError> {
        if !self.contexts.contains_key(&row.opportunity_id) {
            let context = match pipeline::find_opportunity(conn, &row.opportunity_id)? {
                Some(opportunity) => Some(status_context(conn, &opportunity)?),
                None => None,
            };
            self.contexts.insert(row.opportunity_id.clone(), context);
        }
        let Some(Some((facts, calendar))) = self.contexts.get(&row.opportunity_id) else {
            return Ok(None);
        };
        let version = row.version;
        let view = promise_view(row, facts, calendar, self.now)?;
        let etag = crate::conditional::evaluated_etag(version, &view)?;
        Ok(Some((value(&view)?, etag)))
    }

    /// Up to `limit` of the caller's records of `kind` after the id
    /// `after`, by id, as changes.
    fn list(
        &mut self,
        conn: &mut DbConnection,
        kind: RecordType,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<Change>, ApiError> {
        let owner = self.owner.clone();
        let mut changes = Vec::new();
        match kind {
            RecordType::Opportunity => {
                for row in sync::opportunities_after(conn, &owner, after, limit)? {
                    let (id, version) = (row.id.clone(), row.version);
                    let view = Opportunity::try_from(row)?;
                    changes.push(upsert(kind, id, versioned(&view, version)?));
                }
            }
            RecordType::Profile => {
                for row in sync::profiles_after(conn, &owner, after, limit)? {
                    let id = row.opportunity_id.clone();
                    let (profile, version) = Profile::from_row(Some(row))?;
                    changes.push(upsert(kind, id, versioned(&profile, version)?));
                }
            }
            RecordType::Contact => {
                for row in sync::contacts_after(conn, &owner, after, limit)? {
                    let (id, version) = (row.id.clone(), row.version);
                    let view = Contact::try_from(row)?;
                    changes.push(upsert(kind, id, versioned(&view, version)?));
                }
            }
            RecordType::Interaction => {
                for row in sync::interactions_after(conn, &owner, after, limit)? {
                    let (id, version) = (row.id.clone(), row.version);
                    let view = Interaction::try_from(row)?;
                    changes.push(upsert(kind, id, versioned(&view, version)?));
                }
            }
            RecordType::Promise => {
                for row in sync::promises_after(conn, &owner, after, limit)? {
                    let id = row.id.clone();
                    if let Some(current) = self.promise(conn, row)? {
                        changes.push(upsert(kind, id, current));
                    }
                }
            }
            RecordType::Playbook => {
                for row in sync::playbooks_after(conn, &owner, after, limit)? {
                    let (id, version) = (row.id.clone(), row.version);
                    let view = custom_view(row)?;
                    changes.push(upsert(kind, id, versioned(&view, version)?));
                }
            }
        }
        Ok(changes)
    }

    /// The caller's record of `kind` with this id as its `GET` returns it
    /// now; `None` when it is gone (or not the caller's).
    fn current(
        &mut self,
        conn: &mut DbConnection,
        kind: RecordType,
        id: &str,
    ) -> Result<Option<Current>, ApiError> {
        let owner = self.owner.clone();
        let mine = |seeker: &str| seeker == owner;
        Ok(match kind {
            RecordType::Opportunity => match pipeline::find_opportunity(conn, id)? {
                Some(row) if mine(&row.seeker_id) => {
                    let version = row.version;
                    Some(versioned(&Opportunity::try_from(row)?, version)?)
                }
                _ => None,
            },
            RecordType::Profile => match profiles::find_profile(conn, id)? {
                Some(row) if mine(&row.seeker_id) => {
                    let (profile, version) = Profile::from_row(Some(row))?;
                    Some(versioned(&profile, version)?)
                }
                _ => None,
            },
            RecordType::Contact => match contacts::find_contact(conn, id)? {
                Some(row) if mine(&row.seeker_id) => {
                    let version = row.version;
                    Some(versioned(&Contact::try_from(row)?, version)?)
                }
                _ => None,
            },
            RecordType::Interaction => match interactions::find_interaction(conn, id)? {
                Some(row) if mine(&row.seeker_id) => {
                    let version = row.version;
                    Some(versioned(&Interaction::try_from(row)?, version)?)
                }
                _ => None,
            },
            RecordType::Promise => match promises::find_promise(conn, id)? {
                Some(row) if mine(&row.seeker_id) => self.promise(conn, row)?,
                _ => None,
            },
            RecordType::Playbook => match playbooks::find(conn, id)? {
                Some(row) if mine(&row.owner_id) => {
                    let version = row.version;
                    Some(versioned(&custom_view(row)?, version)?)
                }
                _ => None,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_refuse_what_this_api_did_not_give_out() {
        let at = DateTime::from_timestamp(1_790_000_000, 0).unwrap();
        let full = Token::new(
            Position { tx: 812, seq: 3 },
            at,
            Some(Listing {
                kind: RecordType::Contact,
                after: Some("01890a5d".to_owned()),
            }),
        );
        assert_eq!(Token::decode(&full.encode().unwrap()).unwrap(), full);
        let delta = Token::new(Position { tx: 9, seq: 0 }, at, None);
        assert_eq!(Token::decode(&delta.encode().unwrap()).unwrap(), delta);
        let forged = |json: &str| URL_SAFE_NO_PAD.encode(json);
        for bad in [
            String::new(),
            "e1.1.2.3".to_owned(),
            "!!!".to_owned(),
            forged("{}"),
            forged(r#"{"v":2,"tx":1,"seq":0,"at":0}"#),
            forged(r#"{"v":1,"tx":-1,"seq":0,"at":0}"#),
            forged(r#"{"v":1,"tx":1,"seq":0,"at":0,"x":1}"#),
            forged(r#"{"v":1,"tx":1,"seq":0,"at":0,"full":{"type":"nope"}}"#),
        ] {
            assert!(Token::decode(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn every_event_about_a_record_names_its_type() {
        for kind in EventType::ALL {
            let text = kind.as_str();
            let record = text.split('.').next().unwrap();
            let expected = RecordType::ALL
                .iter()
                .find(|t| value(*t).unwrap() == record);
            assert_eq!(
                RecordType::of_event(*kind).map(|(t, _)| t),
                expected.copied(),
                "{text}"
            );
            if let Some((_, deleted)) = RecordType::of_event(*kind) {
                assert_eq!(deleted, text.ends_with(".deleted"), "{text}");
            }
        }
    }
}
