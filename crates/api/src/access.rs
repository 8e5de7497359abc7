//! Access and loading, written once: who may see or change a seeker's
//! record, and the read-check-write of a versioned record under the
//! seeker's write lock.
//!
//! A handler that changes a record calls [`update`] or [`delete`] inside
//! the write door ([`crate::db::write_facts`]): they load the record, check
//! the caller's access (404 when the caller may not know it exists, 403
//! when they may only read it), lock its seeker (which bumps the seeker's
//! facts revision once for the whole transaction), read it again under the
//! lock, let the handler validate and apply the change, check `If-Match`
//! ([`Precondition`]) and write it back with the next version.

use chrono::NaiveDateTime;
use followup_core::{BuiltinPlaybook, EventType};
use followup_store::pipeline::{self, OpportunityRow};
use followup_store::records::{ContactRow, InteractionRow, PromiseRow};
use followup_store::{DbConnection, FactsTx, Owned, StoreError, auth, playbooks};
use followup_store::{contacts, interactions, profiles, promises};

use crate::auth::{Access, Caller};
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;

use crate::conditional::{Precondition, etag, fresh, with_etag};
use crate::conventions::Actor;
use crate::db::{read, write_facts};
use crate::error::{ApiError, FieldError};
use crate::events;
use crate::state::AppState;
use crate::validate::Errors;
use crate::views::profile::{OpportunityProfile, Profile};
use crate::views::promises::{promise_view, status_context};

/// What a caller needs to do with a seeker's record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Need {
    /// Read it: owners and coaches with a grant.
    Read,
    /// Change it: owners only (coaches get 403 for what they can see).
    Write,
}

/// 409 when a record of `kind` has `id` already: a client-made id used
/// twice (a sync that ran twice, or a collision). A record of the same
/// seeker (`seeker_id`) is named, so the app can fetch it; another
/// seeker's is not. `client_made` says whether the id came in the body:
/// one the server has just made (a fresh UUIDv7) is new, so nothing is
/// asked (the question is a round trip on PostgreSQL).
pub fn check_id_free(
    conn: &mut DbConnection,
    seeker_id: &str,
    kind: followup_store::records::Creatable,
    id: &str,
    client_made: bool,
) -> Result<(), ApiError> {
    use followup_store::records::Creatable;
    if !client_made {
        return Ok(());
    }
    let Some(owner) = followup_store::records::owner_of(conn, kind, id)? else {
        return Ok(());
    };
    if owner != seeker_id {
        return Err(ApiError::Conflict(
            crate::error::ProblemCode::DuplicateId,
            format!("the id {id} is taken; make another"),
        ));
    }
    let (what, path) = match kind {
        Creatable::Opportunity => ("an opportunity", format!("/v1/opportunities/{id}")),
        Creatable::Contact => ("a contact", format!("/v1/contacts/{id}")),
        Creatable::Interaction => ("an interaction", format!("/v1/interactions/{id}")),
        Creatable::Promise => ("a promise", format!("/v1/promises/{id}")),
    };
    Err(ApiError::Conflict(
        crate::error::ProblemCode::DuplicateId,
        format!("{what} with the id {id} exists already: {path}"),
    ))
}

/// The caller's access to a record of `seeker_id`: 404 when they may not
/// know it exists, 403 when they may read but `need` a write.
pub fn access(
    conn: &mut DbConnection,
    caller: &Caller,
    seeker_id: &str,
    need: Need,
    noun: &str,
) -> Result<Access, ApiError> {
    let access = caller
        .access_to(conn, seeker_id)?
        .ok_or_else(|| ApiError::NotFound(format!("no such {noun}")))?;
    if need == Need::Write && access == Access::Coach {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            format!("a coach may read this {noun} but not change it"),
        ));
    }
    Ok(access)
}

/// A seeker's record with a version: what [`load`], [`update`] and
/// [`delete`] need to know of it.
pub trait Versioned: Sized {
    /// What the API calls it, in messages ("no such contact").
    const NOUN: &'static str;
    /// Its table, for locking its seeker by its id.
    const OWNED: Owned;
    /// The event a change of it records (docs/events.md).
    const UPDATED: EventType;
    /// The event its deletion records.
    const DELETED: EventType;
    /// The record with this id, whoever owns it.
    fn find(conn: &mut DbConnection, id: &str) -> Result<Option<Self>, StoreError>;
    /// The seeker it belongs to.
    fn seeker_id(&self) -> &str;
    /// Its stored version (the ETag).
    fn version(&self) -> i32;
    /// Marks a change by `actor` at `at`: the next version.
    fn stamp(&mut self, actor: followup_core::Actor, at: NaiveDateTime);
    /// Writes it back if the stored version is still `expected`.
    fn save(tx: &mut FactsTx<'_>, row: &Self, expected: i32) -> Result<bool, StoreError>;
    /// Deletes it at `at` (the opportunity it lives under changes then).
    fn remove(tx: &mut FactsTx<'_>, row: &Self, at: NaiveDateTime) -> Result<bool, StoreError>;
    /// The opportunity whose promises a change of it may keep or supersede
    /// (an interaction's): its `promise.kept` and `promise.superseded`
    /// events are recorded with the change.
    fn promises_on(&self) -> Option<&str> {
        None
    }
    /// What deleting it does to other records, read before it goes
    /// ([`Cascade`]).
    fn cascade(
        &self,
        _tx: &mut FactsTx<'_>,
        _at: chrono::DateTime<chrono::Utc>,
    ) -> Result<Cascade, ApiError> {
        Ok(Cascade::default())
    }
}

/// What the deletion of a record does to others, each of which gets its
/// event with the deletion's (docs/events.md): the records that go with it
/// (an opportunity's contacts, interactions, promises and profile, as they
/// were) and those that lose their reference to it (the interactions and
/// promises that named a deleted contact, read again after the deletion).
#[derive(Debug, Default)]
pub struct Cascade {
    /// The events of the records deleted with it, with the records as they were.
    gone: Vec<(EventType, serde_json::Value)>,
    /// The opportunity whose interactions and promises named it.
    opportunity_id: Option<String>,
    /// Interactions that named it.
    interactions: Vec<String>,
    /// Promises that named it.
    promises: Vec<String>,
}

fn json<V: Serialize>(view: &V) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(view).map_err(|e| ApiError::Internal(Box::new(e)))
}

impl Cascade {
    /// Records the events of what the deletion did to other records, after
    /// the deletion (in its transaction).
    fn record(
        self,
        tx: &mut FactsTx<'_>,
        seeker: &str,
        actor: &followup_core::Actor,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), ApiError> {
        for (kind, data) in self.gone {
            events::record(tx, kind, seeker, actor, at, &data)?;
        }
        for id in self.interactions {
            if let Some(row) = interactions::find_interaction(tx.conn(), &id)? {
                let view = crate::views::interactions::Interaction::try_from(row)?;
                events::record(tx, EventType::InteractionUpdated, seeker, actor, at, &view)?;
            }
        }
        if self.promises.is_empty() {
            return Ok(());
        }
        let Some(opportunity_id) = self.opportunity_id else {
            return Ok(());
        };
        let Some(opportunity) = pipeline::find_opportunity(tx.conn(), &opportunity_id)? else {
            return Ok(());
        };
        let (facts, calendar) = status_context(tx.conn(), &opportunity)?;
        for id in self.promises {
            if let Some(row) = promises::find_promise(tx.conn(), &id)? {
                let view = promise_view(row, &facts, &calendar, at)?;
                events::record(tx, EventType::PromiseUpdated, seeker, actor, at, &view)?;
            }
        }
        Ok(())
    }
}

/// An opportunity takes its profile, promises, interactions and contacts
/// with it (in that order: what refers to a contact goes before it).
fn opportunity_cascade(
    tx: &mut FactsTx<'_>,
    row: &OpportunityRow,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Cascade, ApiError> {
    let conn = tx.conn();
    let mut gone = Vec::new();
    if let Some(profile) = profiles::find_profile(conn, &row.id)? {
        let (profile, _) = Profile::from_row(Some(profile))?;
        let data = OpportunityProfile {
            opportunity_id: row.id.clone(),
            profile,
        };
        gone.push((EventType::ProfileDeleted, json(&data)?));
    }
    let promises = promises::promises_of_opportunity(conn, &row.id)?;
    if !promises.is_empty() {
        let (facts, calendar) = status_context(conn, row)?;
        for promise in promises {
            let view = promise_view(promise, &facts, &calendar, at)?;
            gone.push((EventType::PromiseDeleted, json(&view)?));
        }
    }
    for interaction in interactions::interactions_of(conn, &row.id)? {
        let view = crate::views::interactions::Interaction::try_from(interaction)?;
        gone.push((EventType::InteractionDeleted, json(&view)?));
    }
    for contact in contacts::contacts_of(conn, &row.id)? {
        let view = crate::views::contacts::Contact::try_from(contact)?;
        gone.push((EventType::ContactDeleted, json(&view)?));
    }
    Ok(Cascade {
        gone,
        ..Cascade::default()
    })
}

/// A contact's interactions and promises stay, with no contact.
fn contact_cascade(
    tx: &mut FactsTx<'_>,
    row: &ContactRow,
    _at: chrono::DateTime<chrono::Utc>,
) -> Result<Cascade, ApiError> {
    let conn = tx.conn();
    let named = |contact: &Option<String>| contact.as_deref() == Some(row.id.as_str());
    let interactions = interactions::interactions_of(conn, &row.opportunity_id)?
        .into_iter()
        .filter(|i| named(&i.contact_id))
        .map(|i| i.id)
        .collect();
    let promises = promises::promises_of_opportunity(conn, &row.opportunity_id)?
        .into_iter()
        .filter(|p| named(&p.contact_id))
        .map(|p| p.id)
        .collect();
    Ok(Cascade {
        gone: Vec::new(),
        opportunity_id: Some(row.opportunity_id.clone()),
        interactions,
        promises,
    })
}

/// Watches the promises a change of `row` may move, when it may move any.
fn watch<R: Versioned>(
    tx: &mut FactsTx<'_>,
    row: &R,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Option<Watched>, ApiError> {
    let Some(opportunity_id) = row.promises_on() else {
        return Ok(None);
    };
    let Some(opportunity) = pipeline::find_opportunity(tx.conn(), opportunity_id)? else {
        return Ok(None);
    };
    let watch = crate::events::PromiseWatch::new(tx.conn(), &opportunity, at)?;
    Ok(Some((watch, at)))
}

fn missing<R: Versioned>() -> ApiError {
    ApiError::NotFound(format!("no such {}", R::NOUN))
}

/// Loads a record the caller may see, or 404; 403 for a coach who `need`s a
/// write.
pub fn load<R: Versioned>(
    conn: &mut DbConnection,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<(R, Access), ApiError> {
    let row = R::find(conn, id)?.ok_or_else(missing::<R>)?;
    let access = access(conn, caller, row.seeker_id(), need, R::NOUN)?;
    Ok((row, access))
}

/// Loads a record as [`load`] does, with its seeker locked: a write computed
/// from a copy read before the lock could be stale (on PostgreSQL another
/// request may commit in between) and fail its version check with a 412
/// the client never asked for. On PostgreSQL the seeker is locked by the
/// record's id first and the record read once; on SQLite, whose write
/// transaction excludes every other writer from its start, the record is
/// read and then its seeker locked.
pub fn load_locked<R: Versioned>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    need: Need,
) -> Result<(R, Access), ApiError> {
    let (row, (), access) = locked_by(tx, caller, id, need, |conn| {
        Ok(R::find(conn, id)?.map(|row| (row, ())))
    })?;
    Ok((row, access))
}

/// [`load_locked`] for an opportunity a write names a contact of: the
/// opportunity, the caller's access, and whether `contact` is one of its
/// contacts (`false` when none is named), read together (one round trip
/// fewer than checking the contact apart, [`check_contact`]). A contact of
/// the opportunity is the caller's to name: it belongs to the same seeker.
pub fn load_opportunity_locked_with_contact(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    need: Need,
    contact: Option<&str>,
) -> Result<(OpportunityRow, Access, bool), ApiError> {
    let (row, named, access) = locked_by(tx, caller, id, need, |conn| {
        Ok(pipeline::find_opportunity_with_contact(conn, id, contact)?)
    })?;
    Ok((row, access, named))
}

/// [`load_locked`]'s protocol, with `find` reading the record (and what
/// else the caller asks for along with it) by its id.
fn locked_by<R: Versioned, T>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    need: Need,
    mut find: impl FnMut(&mut DbConnection) -> Result<Option<(R, T)>, ApiError>,
) -> Result<(R, T, Access), ApiError> {
    let postgres = matches!(tx.conn(), DbConnection::Postgres(_));
    let first = postgres && tx.locked().next().is_none();
    if first {
        // On PostgreSQL the seeker is locked first, by the record's id, and
        // the record read once, under the lock: one round trip less than
        // reading, locking and reading again. (Nothing was locked before in
        // this transaction, so the lock order holds.) A record that does
        // not exist locks nothing, and the read answers 404.
        tx.lock_owner(R::OWNED, id)?;
    }
    let (row, also) = find(tx.conn())?.ok_or_else(missing::<R>)?;
    let access = access(tx.conn(), caller, row.seeker_id(), need, R::NOUN)?;
    if first {
        return Ok((row, also, access));
    }
    tx.lock(row.seeker_id())?;
    if !postgres {
        // SQLite's write transaction excludes every other writer from its
        // start, so the row read is the row locked.
        return Ok((row, also, access));
    }
    // On PostgreSQL another writer may have changed the row between the
    // read and the lock.
    let (row, also) = find(tx.conn())?.ok_or_else(missing::<R>)?;
    Ok((row, also, access))
}

/// Changes a record: loads it under its seeker's lock, lets `change`
/// validate and apply the request (given the caller's access), checks the
/// precondition against the version it started from, and writes the next
/// version back. Returns the record as stored.
pub fn update<R: Versioned>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    need: Need,
    precondition: &Precondition,
    change: impl FnOnce(&mut FactsTx<'_>, &mut R, Access) -> Result<(), ApiError>,
) -> Result<R, ApiError> {
    let (row, watch) = update_watched(tx, caller, id, need, precondition, change)?;
    record_watched(tx, caller, watch)?;
    Ok(row)
}

/// Records what a change did to the promises it was watched for.
fn record_watched(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    watch: Option<Watched>,
) -> Result<(), ApiError> {
    if let Some((watch, at)) = watch {
        watch.record_changes(tx, &Actor::of(caller), at)?;
    }
    Ok(())
}

/// The promises a change was watched for, and when it was made.
type Watched = (crate::events::PromiseWatch, chrono::DateTime<chrono::Utc>);

/// [`update`], leaving the promises' events to the caller, to record after
/// the change's own.
fn update_watched<R: Versioned>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    need: Need,
    precondition: &Precondition,
    change: impl FnOnce(&mut FactsTx<'_>, &mut R, Access) -> Result<(), ApiError>,
) -> Result<(R, Option<Watched>), ApiError> {
    let (mut row, access) = load_locked::<R>(tx, caller, id, need)?;
    let expected = row.version();
    // A bad body is a 422 whatever the precondition says.
    change(tx, &mut row, access)?;
    precondition.check(expected)?;
    let now = crate::views::now();
    let watch = watch(tx, &row, now)?;
    row.stamp(Actor::of(caller), now.naive_utc());
    if !R::save(tx, &row, expected)? {
        // Under the seeker's lock nobody else writes the record; this is
        // only reached if it was deleted in between.
        return Err(missing::<R>());
    }
    Ok((row, watch))
}

/// Deletes a record the caller owns when the precondition holds; returns
/// the record as it was.
pub fn delete<R: Versioned>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    precondition: &Precondition,
) -> Result<R, ApiError> {
    let (row, watch, cascade) = delete_watched::<R>(tx, caller, id, precondition)?;
    let seeker = row.seeker_id().to_owned();
    cascade.record(tx, &seeker, &Actor::of(caller), crate::views::now())?;
    record_watched(tx, caller, watch)?;
    Ok(row)
}

/// [`delete`], leaving the promises' events to the caller, to record after
/// the deletion's own.
fn delete_watched<R: Versioned>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    precondition: &Precondition,
) -> Result<(R, Option<Watched>, Cascade), ApiError> {
    let (row, _) = load_locked::<R>(tx, caller, id, Need::Write)?;
    precondition.check(row.version())?;
    let now = crate::views::now();
    let watch = watch(tx, &row, now)?;
    let cascade = row.cascade(tx, now)?;
    if !R::remove(tx, &row, now.naive_utc())? {
        return Err(missing::<R>());
    }
    Ok((row, watch, cascade))
}

/// `error` with `now` as the current representation when it is a 412 (see
/// [`with_current`]); other errors pass through.
pub fn stale_with<V: Serialize>(error: ApiError, now: &V) -> ApiError {
    match error {
        ApiError::PreconditionFailed { current, .. } => match serde_json::to_value(now) {
            Ok(value) => ApiError::PreconditionFailed {
                current,
                representation: Some(Box::new(value)),
            },
            Err(_) => ApiError::PreconditionFailed {
                current,
                representation: None,
            },
        },
        other => other,
    }
}

/// The 412 for a record whose version is now `version`.
pub fn stale(version: i32) -> ApiError {
    ApiError::PreconditionFailed {
        current: etag(version),
        representation: None,
    }
}

/// `GET` of a versioned record: access-checked, answered with its ETag, or
/// 304 when `If-None-Match` names it.
pub async fn get<R, V>(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
    req: &HttpRequest,
) -> Result<HttpResponse, ApiError>
where
    R: Versioned + Send + 'static,
    V: Serialize + TryFrom<R, Error = ApiError>,
{
    let (row, _) = read(state, move |_, conn| {
        load::<R>(conn, &caller, &id, Need::Read)
    })
    .await?;
    fresh(req, row.version(), || V::try_from(row))
}

/// `PATCH` (or `PUT`) of a versioned record through the write door (see
/// [`update`]): answers the stored record with its new ETag.
pub async fn patch<R, V>(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
    need: Need,
    precondition: Precondition,
    change: impl FnOnce(&mut FactsTx<'_>, &mut R, Access) -> Result<(), ApiError> + Send + 'static,
) -> Result<HttpResponse, ApiError>
where
    R: Versioned + Send + 'static,
    V: Serialize + TryFrom<R, Error = ApiError> + Send + 'static,
{
    caller.require_write()?;
    let (reader, record) = (caller.clone(), id.clone());
    let written = write_facts(state, move |_, tx| {
        updated::<R, V>(tx, &caller, &id, need, &precondition, change)
    })
    .await;
    match written {
        Ok((version, view)) => Ok(with_etag(HttpResponse::Ok(), version).json(view)),
        Err(error) => Err(with_current::<R, V>(state, reader, record, error).await),
    }
}

/// A 412 with the record as it is now: the client merges its change into
/// it and retries without another read. Other errors pass through.
pub async fn with_current<R, V>(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
    error: ApiError,
) -> ApiError
where
    R: Versioned + Send + 'static,
    V: Serialize + TryFrom<R, Error = ApiError>,
{
    let ApiError::PreconditionFailed { .. } = error else {
        return error;
    };
    let found = read(state, move |_, conn| {
        load::<R>(conn, &caller, &id, Need::Read)
    })
    .await;
    let Ok((row, _)) = found else {
        return error;
    };
    let version = row.version();
    match V::try_from(row).map(|view| serde_json::to_value(&view)) {
        Ok(Ok(value)) => ApiError::PreconditionFailed {
            current: etag(version),
            representation: Some(Box::new(value)),
        },
        _ => error,
    }
}

/// What `PATCH` does inside the caller's write (see [`update`]), its event
/// and the promises' included: returns the new version and the record as
/// `V`. The inbox moves a scheduled interview with it.
pub fn updated<R, V>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    need: Need,
    precondition: &Precondition,
    change: impl FnOnce(&mut FactsTx<'_>, &mut R, Access) -> Result<(), ApiError>,
) -> Result<(i32, V), ApiError>
where
    R: Versioned,
    V: Serialize + TryFrom<R, Error = ApiError>,
{
    let (row, watch) = update_watched::<R>(tx, caller, id, need, precondition, change)?;
    let (seeker, version) = (row.seeker_id().to_owned(), row.version());
    let view = V::try_from(row)?;
    let now = crate::views::now();
    events::record(tx, R::UPDATED, &seeker, &Actor::of(caller), now, &view)?;
    record_watched(tx, caller, watch)?;
    Ok((version, view))
}

/// What `DELETE` does inside the caller's write (see [`delete`]), its event
/// and the promises' included: returns the record as it was, as `V`. The
/// inbox removes a cancelled interview with it.
pub fn deleted<R, V>(
    tx: &mut FactsTx<'_>,
    caller: &Caller,
    id: &str,
    precondition: &Precondition,
) -> Result<V, ApiError>
where
    R: Versioned,
    V: Serialize + TryFrom<R, Error = ApiError>,
{
    let (row, watch, cascade) = delete_watched::<R>(tx, caller, id, precondition)?;
    let seeker = row.seeker_id().to_owned();
    let view = V::try_from(row)?;
    let now = crate::views::now();
    let actor = Actor::of(caller);
    // What goes with it first (an app that keeps references deletes the
    // referring records before the one referred to).
    cascade.record(tx, &seeker, &actor, now)?;
    events::record(tx, R::DELETED, &seeker, &actor, now, &view)?;
    record_watched(tx, caller, watch)?;
    Ok(view)
}

/// `DELETE` of a versioned record through the write door (see [`delete`]):
/// 204. The deletion's event carries the record as it was, as `V`.
pub async fn remove<R, V>(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError>
where
    R: Versioned + Send + 'static,
    V: Serialize + TryFrom<R, Error = ApiError>,
{
    caller.require_write()?;
    let (reader, record) = (caller.clone(), id.clone());
    let removed = write_facts(state, move |_, tx| {
        deleted::<R, V>(tx, &caller, &id, &precondition).map(drop)
    })
    .await;
    match removed {
        Ok(()) => Ok(HttpResponse::NoContent().finish()),
        Err(error) => Err(with_current::<R, V>(state, reader, record, error).await),
    }
}

/// Whose playbooks the caller may see and use: their own, and for a seeker
/// those of the coaches they granted access.
pub fn visible_owners(conn: &mut DbConnection, caller_id: &str) -> Result<Vec<String>, ApiError> {
    let mut owners = vec![caller_id.to_owned()];
    owners.extend(
        auth::grants_of_seeker(conn, caller_id)?
            .into_iter()
            .map(|(grant, _)| grant.coach_id),
    );
    Ok(owners)
}

/// Checks that `reference` (a built-in name or a custom playbook id) is one
/// `seeker_id` may use: a built-in, their own, or one of a coach they granted
/// access. Refusals name `field`.
pub fn check_playbook(
    conn: &mut DbConnection,
    seeker_id: &str,
    field: &str,
    reference: &str,
) -> Result<(), ApiError> {
    if reference.parse::<BuiltinPlaybook>().is_ok() {
        return Ok(());
    }
    let usable = match playbooks::find(conn, reference)? {
        Some(row) => visible_owners(conn, seeker_id)?.contains(&row.owner_id),
        None => false,
    };
    if usable {
        Ok(())
    } else {
        Err(ApiError::Validation(vec![FieldError::new(
            field,
            crate::error::FieldCode::NotFound,
            format!(
                "`{reference}` is neither a built-in playbook ({}) nor one of yours or your coach's",
                BuiltinPlaybook::ALL
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )]))
    }
}

/// Checks that `contact_id` names a contact of the opportunity (422 naming
/// `field` otherwise: another opportunity's contact is not this one's).
pub fn check_contact(
    conn: &mut DbConnection,
    caller: &Caller,
    opportunity_id: &str,
    contact_id: Option<&str>,
    errors: &mut Errors,
) -> Result<(), ApiError> {
    let Some(contact_id) = contact_id else {
        return Ok(());
    };
    let belongs = match load::<ContactRow>(conn, caller, contact_id, Need::Read) {
        Ok((contact, _)) => contact.opportunity_id == opportunity_id,
        Err(ApiError::NotFound(_)) => false,
        Err(other) => return Err(other),
    };
    if !belongs {
        errors.push(
            "contact_id",
            crate::error::FieldCode::NotFound,
            "is not a contact of this opportunity",
        );
    }
    Ok(())
}

macro_rules! versioned {
    ($row:ty, $noun:literal, $owned:ident, $updated:ident, $deleted:ident, $find:path, $save:path, $remove:path $(, promises_on: $on:ident)? $(, cascade: $cascade:path)?) => {
        impl Versioned for $row {
            const NOUN: &'static str = $noun;
            const OWNED: Owned = Owned::$owned;
            const UPDATED: EventType = EventType::$updated;
            const DELETED: EventType = EventType::$deleted;

            fn find(conn: &mut DbConnection, id: &str) -> Result<Option<Self>, StoreError> {
                $find(conn, id)
            }

            fn seeker_id(&self) -> &str {
                &self.seeker_id
            }

            fn version(&self) -> i32 {
                self.version
            }

            fn stamp(&mut self, actor: followup_core::Actor, at: NaiveDateTime) {
                self.updated_by = actor;
                self.updated_at = at;
                self.version += 1;
            }

            fn save(tx: &mut FactsTx<'_>, row: &Self, expected: i32) -> Result<bool, StoreError> {
                $save(tx, row, expected)
            }

            fn remove(
                tx: &mut FactsTx<'_>,
                row: &Self,
                at: NaiveDateTime,
            ) -> Result<bool, StoreError> {
                $remove(tx, &row.id, at)
            }

            $(
                fn promises_on(&self) -> Option<&str> {
                    Some(&self.$on)
                }
            )?

            $(
                fn cascade(
                    &self,
                    tx: &mut FactsTx<'_>,
                    at: chrono::DateTime<chrono::Utc>,
                ) -> Result<Cascade, ApiError> {
                    $cascade(tx, self, at)
                }
            )?
        }
    };
}

versioned!(
    OpportunityRow,
    "opportunity",
    Opportunities,
    OpportunityUpdated,
    OpportunityDeleted,
    pipeline::find_opportunity,
    pipeline::update_opportunity,
    delete_opportunity,
    cascade: opportunity_cascade
);

/// An opportunity is the aggregate: deleting it changes nothing above it.
fn delete_opportunity(
    tx: &mut FactsTx<'_>,
    id: &str,
    _: NaiveDateTime,
) -> Result<bool, StoreError> {
    pipeline::delete_opportunity(tx, id)
}
versioned!(
    ContactRow,
    "contact",
    Contacts,
    ContactUpdated,
    ContactDeleted,
    contacts::find_contact,
    contacts::update_contact,
    contacts::delete_contact,
    cascade: contact_cascade
);
versioned!(
    InteractionRow,
    "interaction",
    Interactions,
    InteractionUpdated,
    InteractionDeleted,
    interactions::find_interaction,
    interactions::update_interaction,
    interactions::delete_interaction,
    promises_on: opportunity_id
);
versioned!(
    PromiseRow,
    "promise",
    Promises,
    PromiseUpdated,
    PromiseDeleted,
    promises::find_promise,
    promises::update_promise,
    promises::delete_promise
);
