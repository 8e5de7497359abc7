//! Accounts.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use std::collections::BTreeSet;

use chrono::NaiveDate;
use followup_core::{BusinessHours, HolidayCalendar, Role};

use crate::door::FactsTx;
use crate::schema::{playbooks, refresh_tokens, users};
use crate::types::{Stored, StoredHours, StoredJsonText};
use crate::{DbConnection, StoreError};

/// A stored account. Instants are UTC.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = users, treat_none_as_null = true)]
pub struct UserRow {
    /// UUIDv7.
    pub id: String,
    /// Normalised (trimmed, lower-case) and unique.
    pub email: String,
    /// Argon2id PHC string.
    pub password_hash: String,
    /// Shown to coaches and in drafts.
    pub display_name: String,
    /// Whose data the account may see.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub role: Role,
    /// The account's zone.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub timezone: chrono_tz::Tz,
    /// When the account was created.
    pub created_at: NaiveDateTime,
    /// When the account last changed.
    pub updated_at: NaiveDateTime,
    /// Business hours; `None` means the default Mon–Fri 09:00–17:00.
    #[diesel(deserialize_as = StoredHours, serialize_as = StoredHours)]
    pub business_hours: Option<BusinessHours>,
    /// The seeker's own holidays (stored as a JSON array of dates).
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub holidays: BTreeSet<NaiveDate>,
    /// The playbook used where an opportunity names none.
    pub default_playbook: Option<String>,
    /// Bumped by every write to the facts the cadence engine reads for this
    /// seeker (see [`touch`]). Never written back from a row: only [`touch`]
    /// and [`update`] move it, atomically, so a stale row cannot lower it.
    #[diesel(skip_update)]
    pub facts_revision: i64,
    /// Built-in public-holiday calendars observed (stored as a JSON array
    /// of ids).
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub holiday_calendars: Vec<HolidayCalendar>,
    /// The access-token generation: a token issued under an older one is
    /// refused. Never written back from a row; only [`revoke_sessions`] moves
    /// it (see `docs/auth.md`).
    #[diesel(skip_update)]
    pub token_generation: i64,
    /// The account's language: the tag of a translation
    /// (`followup_core::l10n::Locale`), `en` by default.
    pub locale: String,
}

/// Creates an account; a taken email is [`StoreError::Conflict`].
pub fn insert(conn: &mut DbConnection, user: &UserRow) -> Result<(), StoreError> {
    diesel::insert_into(users::table)
        .values(user.clone())
        .execute(conn)?;
    Ok(())
}

/// Whether the database holds any account.
pub fn any(conn: &mut DbConnection) -> Result<bool, StoreError> {
    Ok(users::table
        .select(users::id)
        .first::<String>(conn)
        .optional()?
        .is_some())
}

/// The account with this id.
pub fn find(conn: &mut DbConnection, id: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .find(id)
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The account, read under its lock for a read-modify-write: a concurrent
/// writer of the account waits, so neither change is lost.
pub fn find_locked(tx: &mut FactsTx<'_>, id: &str) -> Result<Option<UserRow>, StoreError> {
    tx.lock(id)?;
    find(tx.conn(), id)
}

/// The account with this (normalised) email.
pub fn find_by_email(conn: &mut DbConnection, email: &str) -> Result<Option<UserRow>, StoreError> {
    Ok(users::table
        .filter(users::email.eq(email))
        .select(UserRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Writes every field of `user` back, through the door: the account's
/// settings (zone, hours, holidays, default playbook, name) are the engine's
/// inputs. A new password hash or role ends every session of the account
/// ([`revoke_sessions`]) in the same transaction, so no access token issued
/// under the old credentials or role keeps working.
pub fn update(tx: &mut FactsTx<'_>, user: &UserRow) -> Result<(), StoreError> {
    tx.lock(&user.id)?;
    update_account(tx.conn(), user)
}

/// Writes the account's fields back without bumping its facts revision: for
/// writes the engine does not read (a role, a password). Only the store's
/// own [`update`] and the account commands call it with settings unchanged.
fn update_account(conn: &mut DbConnection, user: &UserRow) -> Result<(), StoreError> {
    let before: Option<(String, String)> = users::table
        .find(&user.id)
        .select((users::password_hash, users::role))
        .get_result(conn)
        .optional()?;
    if before.is_some_and(|(hash, role)| hash != user.password_hash || role != user.role.as_str()) {
        revoke_sessions(conn, &user.id, chrono::Utc::now().naive_utc())?;
    }
    let changed = diesel::update(users::table.find(&user.id))
        .set(user.clone())
        .execute(conn)?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Who last set a seeker's default playbook, how and when
/// ([`set_playbook_source`]).
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct PlaybookSource {
    /// The account that set it.
    pub set_by: String,
    /// `seeker` (themselves), `coach`, or `group:<id>` (their
    /// organization group's playbook).
    pub via: String,
    /// When.
    pub at: NaiveDateTime,
}

/// Records who set `seeker_id`'s default playbook (with the setting, in its
/// transaction).
pub fn set_playbook_source(
    conn: &mut DbConnection,
    seeker_id: &str,
    source: &PlaybookSource,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(seeker_id))
        .set((
            users::playbook_set_by.eq(&source.set_by),
            users::playbook_set_via.eq(&source.via),
            users::playbook_set_at.eq(source.at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Who set each of `seeker_ids`' default playbooks, for those someone did.
pub fn playbook_sources(
    conn: &mut DbConnection,
    seeker_ids: &[&str],
) -> Result<Vec<(String, PlaybookSource)>, StoreError> {
    type Row = (
        String,
        Option<String>,
        Option<String>,
        Option<NaiveDateTime>,
    );
    let rows: Vec<Row> = users::table
        .filter(users::id.eq_any(seeker_ids))
        .filter(users::playbook_set_by.is_not_null())
        .select((
            users::id,
            users::playbook_set_by,
            users::playbook_set_via,
            users::playbook_set_at,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, by, via, at)| {
            Some((
                id,
                PlaybookSource {
                    set_by: by?,
                    via: via?,
                    at: at?,
                },
            ))
        })
        .collect())
}

/// Ends every session of the account: revokes all its refresh tokens and
/// bumps its token generation, so its access tokens are refused on their
/// next request. API keys are not sessions and stay as they are.
pub fn revoke_sessions(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(users::table.find(id))
        .set(users::token_generation.eq(users::token_generation + 1))
        .execute(conn)?;
    diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::user_id.eq(id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?;
    Ok(())
}

/// The account an access token acts for, with whether the token's session
/// (its refresh-token family `session_id`) was signed out — in ONE query, so
/// authenticating a request costs no more than loading the caller.
pub fn find_for_session(
    conn: &mut DbConnection,
    id: &str,
    session_id: &str,
) -> Result<Option<(UserRow, bool)>, StoreError> {
    let signed_out = diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(session_id.to_owned()))
            .filter(refresh_tokens::revoked_at.is_not_null()),
    );
    Ok(natively!(conn, c => users::table
        .find(id)
        .select((UserRow::as_select(), signed_out))
        .get_result(c))
    .optional()?)
}

/// Deletes the account; every table that references it cascades. Its
/// playbooks go with it, so the seekers who follow one of them are locked
/// (their advice changes) before anything is deleted.
pub fn delete(tx: &mut FactsTx<'_>, id: &str) -> Result<(), StoreError> {
    let owned: Vec<String> = playbooks::table
        .filter(playbooks::owner_id.eq(id))
        .select(playbooks::id)
        .load(tx.conn())?;
    let mut followers = Vec::new();
    for playbook in &owned {
        followers.extend(crate::playbooks::users_of(tx.conn(), playbook)?);
    }
    followers.retain(|seeker| seeker != id);
    tx.lock_all(followers)?;
    let deleted = diesel::delete(users::table.find(id)).execute(tx.conn())?;
    if deleted == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}

/// Changes the account's role (an account write: it bumps no facts
/// revision) and ends its sessions.
pub fn set_role(
    conn: &mut DbConnection,
    id: &str,
    role: followup_core::Role,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let mut user = find(conn, id)?.ok_or(StoreError::NotFound)?;
    user.role = role;
    user.updated_at = at;
    update_account(conn, &user)
}

/// Changes the account's password hash (an account write: it bumps no
/// facts revision) and ends its sessions.
pub fn set_password_hash(
    conn: &mut DbConnection,
    id: &str,
    hash: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let mut user = find(conn, id)?.ok_or(StoreError::NotFound)?;
    hash.clone_into(&mut user.password_hash);
    user.updated_at = at;
    update_account(conn, &user)
}

/// The seeker's current facts revision; `None` when the account is gone.
pub fn facts_revision(conn: &mut DbConnection, seeker_id: &str) -> Result<Option<i64>, StoreError> {
    let query = users::table.find(seeker_id).select(users::facts_revision);
    Ok(natively!(conn, c => query.get_result(c)).optional()?)
}

/// Every seeker's id and facts revision, for the clock's events.
pub fn seeker_revisions(conn: &mut DbConnection) -> Result<Vec<(String, i64)>, StoreError> {
    Ok(users::table
        .filter(users::role.eq(Role::Seeker.as_str()))
        .order(users::id.asc())
        .select((users::id, users::facts_revision))
        .load(conn)?)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use diesel::connection::{Connection as _, InstrumentationEvent};

    use super::*;
    use crate::testing::TestDatabase;
    use crate::{PoolOptions, Store};

    /// Authenticating a bearer token loads the caller and its session's
    /// state in one statement: counted with diesel's instrumentation.
    #[test]
    fn the_caller_and_its_session_load_in_one_query() {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = chrono::Utc::now().naive_utc();
        let user = crate::testing::seeker_row("u1", now);
        store.write(|conn| insert(conn, &user)).unwrap();

        let queries = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&queries);
        let found = store
            .read(|conn| {
                conn.set_instrumentation(move |event: InstrumentationEvent<'_>| {
                    if matches!(event, InstrumentationEvent::StartQuery { .. }) {
                        counter.fetch_add(1, Ordering::SeqCst);
                    }
                });
                let found = find_for_session(conn, "u1", "some-session");
                // Read before the transaction's COMMIT, which counts too.
                Ok::<_, StoreError>((found?, queries.load(Ordering::SeqCst)))
            })
            .unwrap();
        let (found, statements) = found;
        assert_eq!(statements, 1);
        let (row, signed_out) = found.unwrap();
        assert_eq!(row.id, "u1");
        assert!(!signed_out);
    }

    /// The account's JSON columns leave the store as the core's values and
    /// come back unchanged: business hours (written `{"mon": {"start",
    /// "end"}}`), holidays and holiday calendars.
    #[test]
    fn typed_json_columns_round_trip() {
        use chrono::NaiveTime;

        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = chrono::Utc::now().naive_utc();
        let nine = NaiveTime::from_hms_opt(9, 30, 0).unwrap();
        let five = NaiveTime::from_hms_opt(17, 0, 0).unwrap();
        let mut days = [None; 7];
        days[0] = Some((nine, five));
        days[5] = Some((nine, five));
        let hours = BusinessHours::new(days).unwrap();
        let user = UserRow {
            role: Role::Coach,
            timezone: chrono_tz::Asia::Tokyo,
            business_hours: Some(hours.clone()),
            holidays: [NaiveDate::from_ymd_opt(2026, 5, 1).unwrap()].into(),
            holiday_calendars: vec![HolidayCalendar::ALL[0]],
            ..crate::testing::seeker_row("u1", now)
        };
        store.write(|conn| insert(conn, &user)).unwrap();
        let found = store.read(|conn| find(conn, "u1")).unwrap().unwrap();
        assert_eq!(found.business_hours, Some(hours));
        assert_eq!(found.holidays, user.holidays);
        assert_eq!(found.holiday_calendars, user.holiday_calendars);
        assert_eq!(found.role, Role::Coach);
        assert_eq!(found.timezone, chrono_tz::Asia::Tokyo);
        let stored: Vec<(String,)> = store
            .read(|conn| {
                Ok::<_, StoreError>(
                    users::table
                        .select((users::business_hours.assume_not_null(),))
                        .load(conn)?,
                )
            })
            .unwrap();
        assert_eq!(
            stored[0].0,
            r#"{"mon":{"start":"09:30","end":"17:00"},"sat":{"start":"09:30","end":"17:00"}}"#
        );
    }
}
