//! The morning digest (docs/digest.md): each seeker's opt-in, the address
//! it was verified for, and the day rows that make a digest go out at most
//! once per seeker and local date, across restarts and replicas. The engine
//! never reads them, so they are written on a bare connection.

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use crate::schema::{digest_sends, digest_settings, users};
use crate::users::UserRow;
use crate::{DbConnection, StoreError};

/// A seeker's digest settings.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = digest_settings, treat_none_as_null = true)]
pub struct DigestSettingsRow {
    /// Whose.
    pub seeker_id: String,
    /// Opted in.
    pub enabled: bool,
    /// The local send time, before noon.
    pub send_at: NaiveTime,
    /// The account's address when the verification link was followed.
    pub verified_email: Option<String>,
    /// When it was followed.
    pub verified_at: Option<NaiveDateTime>,
    /// SHA-256 (hex) of the pending verification link's token.
    pub verification_hash: Option<String>,
    /// When the pending link was made.
    pub verification_sent_at: Option<NaiveDateTime>,
    /// The one-click unsubscribe link's token.
    pub unsubscribe_token: String,
    /// When the settings last changed.
    pub updated_at: NaiveDateTime,
}

impl DigestSettingsRow {
    /// Whether `email` (the account's address now) is the verified one.
    pub fn verified_for(&self, email: &str) -> bool {
        self.verified_email.as_deref() == Some(email)
    }
}

/// The seeker's settings, if they ever set any.
pub fn find(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Option<DigestSettingsRow>, StoreError> {
    Ok(digest_settings::table
        .find(seeker_id)
        .select(DigestSettingsRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Writes `row` whole, creating it if needed.
pub fn save(conn: &mut DbConnection, row: &DigestSettingsRow) -> Result<(), StoreError> {
    let updated = diesel::update(digest_settings::table.find(&row.seeker_id))
        .set(row)
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(digest_settings::table)
            .values(row)
            .execute(conn)?;
    }
    Ok(())
}

/// The settings whose pending verification link has this token hash.
pub fn by_verification(
    conn: &mut DbConnection,
    hash: &str,
) -> Result<Option<DigestSettingsRow>, StoreError> {
    Ok(digest_settings::table
        .filter(digest_settings::verification_hash.eq(hash))
        .select(DigestSettingsRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The settings this unsubscribe token belongs to.
pub fn by_unsubscribe(
    conn: &mut DbConnection,
    token: &str,
) -> Result<Option<DigestSettingsRow>, StoreError> {
    Ok(digest_settings::table
        .filter(digest_settings::unsubscribe_token.eq(token))
        .select(DigestSettingsRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Every seeker the digest may go to: opted in, with the account's current
/// address verified, with their account (zone, calendar, address).
pub fn subscribers(
    conn: &mut DbConnection,
) -> Result<Vec<(DigestSettingsRow, UserRow)>, StoreError> {
    let rows: Vec<(DigestSettingsRow, UserRow)> = digest_settings::table
        .inner_join(users::table)
        .filter(digest_settings::enabled.eq(true))
        .filter(digest_settings::verified_email.is_not_null())
        .select((DigestSettingsRow::as_select(), UserRow::as_select()))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter(|(settings, user)| settings.verified_for(&user.email))
        .collect())
}

/// What became of a day's digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendState {
    /// Claimed and handed to the mail server; the outcome is not known yet
    /// (or the process died meanwhile: then the day is skipped).
    Sending,
    /// The mail server took it.
    Sent,
    /// Nothing was due: nothing sent.
    Empty,
    /// The mail server refused it for good.
    Failed,
    /// The mail server said to try later and took nothing: another round
    /// may claim it again, while it is still morning.
    Retry,
}

impl SendState {
    /// The stored word.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Empty => "empty",
            Self::Failed => "failed",
            Self::Retry => "retry",
        }
    }

    fn parse(word: &str) -> Result<Self, StoreError> {
        Ok(match word {
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "empty" => Self::Empty,
            "failed" => Self::Failed,
            "retry" => Self::Retry,
            other => {
                return Err(StoreError::Corrupt(format!(
                    "digest_sends.state holds {other:?}"
                )));
            }
        })
    }
}

/// A day's digest row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestSend {
    /// Whose.
    pub seeker_id: String,
    /// The local date.
    pub local_date: NaiveDate,
    /// What became of it.
    pub state: SendState,
    /// How many actions it lists.
    pub actions: i32,
    /// When it was claimed.
    pub claimed_at: NaiveDateTime,
    /// When the mail server took it.
    pub sent_at: Option<NaiveDateTime>,
    /// Its `Message-ID`.
    pub message_id: Option<String>,
    /// The mail server's refusal.
    pub error: Option<String>,
}

type SendTuple = (
    String,
    NaiveDate,
    String,
    i32,
    NaiveDateTime,
    Option<NaiveDateTime>,
    Option<String>,
    Option<String>,
);

fn send_of(row: SendTuple) -> Result<DigestSend, StoreError> {
    let (seeker_id, local_date, state, actions, claimed_at, sent_at, message_id, error) = row;
    Ok(DigestSend {
        seeker_id,
        local_date,
        state: SendState::parse(&state)?,
        actions,
        claimed_at,
        sent_at,
        message_id,
        error,
    })
}

/// Claims the seeker's digest of `date`, before anything is sent: `true`
/// when this caller holds it now (a new row, or one left in `retry`),
/// `false` when another round, process or replica has it already. The row
/// is written first, so a crash between the claim and the send skips the
/// day rather than sending twice.
pub fn claim(
    conn: &mut DbConnection,
    seeker_id: &str,
    date: NaiveDate,
    state: SendState,
    actions: i32,
    now: NaiveDateTime,
) -> Result<bool, StoreError> {
    let insert = diesel::insert_into(digest_sends::table)
        .values((
            digest_sends::seeker_id.eq(seeker_id),
            digest_sends::local_date.eq(date),
            digest_sends::state.eq(state.as_str()),
            digest_sends::actions.eq(actions),
            digest_sends::claimed_at.eq(now),
        ))
        .on_conflict((digest_sends::seeker_id, digest_sends::local_date))
        .do_nothing();
    let inserted = natively!(conn, c => insert.execute(c))?;
    if inserted == 1 {
        return Ok(true);
    }
    let retaken = diesel::update(
        digest_sends::table
            .find((seeker_id, date))
            .filter(digest_sends::state.eq(SendState::Retry.as_str())),
    )
    .set((
        digest_sends::state.eq(state.as_str()),
        digest_sends::actions.eq(actions),
        digest_sends::claimed_at.eq(now),
        digest_sends::error.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(retaken == 1)
}

/// Records what became of a claimed digest.
pub fn finish(
    conn: &mut DbConnection,
    seeker_id: &str,
    date: NaiveDate,
    state: SendState,
    sent_at: Option<NaiveDateTime>,
    message_id: Option<&str>,
    error: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(digest_sends::table.find((seeker_id, date)))
        .set((
            digest_sends::state.eq(state.as_str()),
            digest_sends::sent_at.eq(sent_at),
            digest_sends::message_id.eq(message_id),
            digest_sends::error.eq(error),
        ))
        .execute(conn)?;
    Ok(())
}

/// The seeker's day rows, newest first, at most `limit`.
pub fn recent(
    conn: &mut DbConnection,
    seeker_id: &str,
    limit: i64,
) -> Result<Vec<DigestSend>, StoreError> {
    let rows: Vec<SendTuple> = digest_sends::table
        .filter(digest_sends::seeker_id.eq(seeker_id))
        .order(digest_sends::local_date.desc())
        .limit(limit)
        .select(digest_sends::all_columns)
        .load(conn)?;
    rows.into_iter().map(send_of).collect()
}

/// The rows of the seekers and dates given, claimed or not: which of today's
/// digests are settled already (one read for a whole round).
pub fn of_dates(
    conn: &mut DbConnection,
    seekers: &[String],
    dates: &[NaiveDate],
) -> Result<Vec<DigestSend>, StoreError> {
    if seekers.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<SendTuple> = digest_sends::table
        .filter(digest_sends::seeker_id.eq_any(seekers))
        .filter(digest_sends::local_date.eq_any(dates))
        .select(digest_sends::all_columns)
        .load(conn)?;
    rows.into_iter().map(send_of).collect()
}

/// Deletes day rows claimed before `before`; returns how many.
pub fn purge(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(
        diesel::delete(digest_sends::table.filter(digest_sends::claimed_at.lt(before)))
            .execute(conn)?,
    )
}

#[cfg(test)]
mod tests {
    use chrono::{SubsecRound as _, Utc};

    use super::*;
    use crate::testing::TestDatabase;
    use crate::{PoolOptions, Store, users};

    fn store() -> (TestDatabase, Store) {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        (db, store)
    }

    #[test]
    fn a_day_is_claimed_once_and_a_retry_can_be_claimed_again() {
        let (_db, store) = store();
        let now = Utc::now().trunc_subsecs(6).naive_utc();
        let user = crate::testing::seeker_row("a", now);
        store.write(|conn| users::insert(conn, &user)).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 3, 9).unwrap();
        let claim_now = |state| {
            store
                .write(|conn| claim(conn, "a", day, state, 2, now))
                .unwrap()
        };
        assert!(claim_now(SendState::Sending));
        assert!(!claim_now(SendState::Sending), "claimed twice");
        store
            .write(|conn| finish(conn, "a", day, SendState::Retry, None, None, Some("451")))
            .unwrap();
        assert!(claim_now(SendState::Sending), "a retry is claimed again");
        store
            .write(|conn| {
                finish(
                    conn,
                    "a",
                    day,
                    SendState::Sent,
                    Some(now),
                    Some("<m@x>"),
                    None,
                )
            })
            .unwrap();
        assert!(
            !claim_now(SendState::Sending),
            "a sent day is claimed again"
        );
        let rows = store.read(|conn| recent(conn, "a", 5)).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].state, SendState::Sent);
        assert_eq!(rows[0].message_id.as_deref(), Some("<m@x>"));
        assert_eq!(rows[0].error, None);
    }

    #[test]
    fn only_opted_in_seekers_with_their_current_address_verified_are_subscribers() {
        let (_db, store) = store();
        let now = Utc::now().trunc_subsecs(6).naive_utc();
        for id in ["a", "b", "c"] {
            let user = crate::testing::seeker_row(id, now);
            store.write(|conn| users::insert(conn, &user)).unwrap();
        }
        let email = |id: &str| {
            store
                .read(|conn| users::find(conn, id))
                .unwrap()
                .map(|u| u.email)
                .unwrap()
        };
        let row = |id: &str, enabled, verified: Option<String>| DigestSettingsRow {
            seeker_id: id.to_owned(),
            enabled,
            send_at: NaiveTime::from_hms_opt(8, 0, 0).unwrap(),
            verified_at: verified.as_ref().map(|_| now),
            verified_email: verified,
            verification_hash: None,
            verification_sent_at: None,
            unsubscribe_token: format!("tok-{id}"),
            updated_at: now,
        };
        store
            .write(|conn| {
                save(conn, &row("a", true, Some(email("a"))))?;
                save(conn, &row("b", true, Some("old@example.com".to_owned())))?;
                save(conn, &row("c", false, Some(email("c"))))
            })
            .unwrap();
        let found = store.read(subscribers).unwrap();
        let ids: Vec<_> = found.iter().map(|(s, _)| s.seeker_id.as_str()).collect();
        assert_eq!(ids, ["a"]);
        let found = store.read(|conn| by_unsubscribe(conn, "tok-c")).unwrap();
        assert_eq!(found.map(|s| s.seeker_id), Some("c".to_owned()));
        // Saving again updates in place.
        store
            .write(|conn| save(conn, &row("c", true, Some(email("c")))))
            .unwrap();
        assert_eq!(store.read(subscribers).unwrap().len(), 2);
    }
}
