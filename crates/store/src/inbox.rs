//! The inbox: messages a seeker forwarded and the one step each proposes
//! (docs/inbox.md). Both belong to the seeker, so they are written through
//! the write door like the rest of their facts; only the retention purge of
//! the raw bytes ([`purge_raw`]), which spans every seeker and changes
//! nothing the engine reads, runs on a bare connection.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::door::FactsTx;
use crate::schema::{calendar_interviews, inbox_messages, inbox_proposals};
use crate::{DbConnection, StoreError};

/// A received message. Its bytes are stored in base64 (`raw_base64`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRow {
    /// UUIDv7.
    pub id: String,
    /// Whose inbox it came to.
    pub seeker_id: String,
    /// The `Message-ID` header, or `sha256:<hex>` of the bytes without one.
    pub message_id: String,
    /// When the API received it.
    pub received_at: NaiveDateTime,
    /// The bytes as received; `None` once the retention has passed.
    pub raw: Option<Vec<u8>>,
    /// Its size in bytes (kept after the bytes are gone).
    pub size: i64,
}

/// The step a message proposes, and what the seeker decided.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = inbox_proposals, treat_none_as_null = true)]
pub struct ProposalRow {
    /// UUIDv7.
    pub id: String,
    /// Whose it is.
    pub seeker_id: String,
    /// The [`MessageRow`] it was read from.
    pub message_id: String,
    /// The reading's class (`out_of_office`, `rejection`, ...).
    pub class: String,
    /// How sure the reader was, 0 to 1.
    pub confidence: f64,
    /// JSON: what decided the class.
    pub evidence: String,
    /// JSON: the reading's step, with its class's details.
    pub step: String,
    /// The original sender's address.
    pub sender: Option<String>,
    /// The original subject.
    pub subject: Option<String>,
    /// The original message's date, in UTC.
    pub sent_at: Option<NaiveDateTime>,
    /// The matched opportunity, if one.
    pub opportunity_id: Option<String>,
    /// The matched contact, if one.
    pub contact_id: Option<String>,
    /// JSON: the opportunities the seeker may choose from when unmatched.
    pub candidates: String,
    /// `pending`, `accepted` or `dismissed`.
    pub status: String,
    /// When it was proposed.
    pub created_at: NaiveDateTime,
    /// When it was accepted or dismissed.
    pub decided_at: Option<NaiveDateTime>,
    /// The interaction its acceptance logged.
    pub interaction_id: Option<String>,
    /// The stage transition its acceptance recorded, if any.
    pub transition_id: Option<String>,
    /// The interview its acceptance scheduled, moved or cancelled, if any.
    pub interview_id: Option<String>,
    /// The promise its acceptance recorded, if any.
    pub promise_id: Option<String>,
}

/// An interview scheduled from a calendar invitation, by the invitation's
/// `UID`: a later update of the same `UID` moves it, a cancellation
/// removes it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = calendar_interviews)]
pub struct CalendarInterviewRow {
    /// Whose it is.
    pub seeker_id: String,
    /// The VEVENT's `UID`.
    pub uid: String,
    /// The scheduled `interview` interaction.
    pub interaction_id: String,
    /// The VEVENT's `SEQUENCE` last applied.
    pub sequence: i32,
    /// When it was last scheduled or moved.
    pub updated_at: NaiveDateTime,
}

/// The interview the seeker's invitation with this `UID` scheduled, if it
/// still exists (deleting the interaction deletes the link).
pub fn find_calendar_interview(
    conn: &mut DbConnection,
    seeker_id: &str,
    uid: &str,
) -> Result<Option<CalendarInterviewRow>, StoreError> {
    Ok(calendar_interviews::table
        .find((seeker_id, uid))
        .select(CalendarInterviewRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Links an invitation's `UID` to the interview it scheduled (or moved),
/// replacing an earlier link of the same `UID`.
pub fn link_calendar_interview(
    tx: &mut FactsTx<'_>,
    row: &CalendarInterviewRow,
) -> Result<(), StoreError> {
    tx.lock(&row.seeker_id)?;
    diesel::delete(calendar_interviews::table.find((&row.seeker_id, &row.uid)))
        .execute(tx.conn())?;
    diesel::insert_into(calendar_interviews::table)
        .values(row.clone())
        .execute(tx.conn())?;
    Ok(())
}

/// Stores a received message and the proposal read from it.
pub fn insert(
    tx: &mut FactsTx<'_>,
    message: &MessageRow,
    proposal: &ProposalRow,
) -> Result<(), StoreError> {
    tx.lock(&message.seeker_id)?;
    tx.lock(&proposal.seeker_id)?;
    diesel::insert_into(inbox_messages::table)
        .values((
            inbox_messages::id.eq(&message.id),
            inbox_messages::seeker_id.eq(&message.seeker_id),
            inbox_messages::message_id.eq(&message.message_id),
            inbox_messages::received_at.eq(message.received_at),
            inbox_messages::raw_base64.eq(message.raw.as_deref().map(|raw| BASE64.encode(raw))),
            inbox_messages::size.eq(message.size),
        ))
        .execute(tx.conn())?;
    diesel::insert_into(inbox_proposals::table)
        .values(proposal.clone())
        .execute(tx.conn())?;
    Ok(())
}

/// The proposal of the seeker's message with this `Message-ID`, if they sent
/// it before.
pub fn find_by_message_id(
    conn: &mut DbConnection,
    seeker_id: &str,
    message_id: &str,
) -> Result<Option<ProposalRow>, StoreError> {
    let message: Option<String> = inbox_messages::table
        .filter(inbox_messages::seeker_id.eq(seeker_id))
        .filter(inbox_messages::message_id.eq(message_id))
        .select(inbox_messages::id)
        .get_result(conn)
        .optional()?;
    let Some(message) = message else {
        return Ok(None);
    };
    Ok(inbox_proposals::table
        .filter(inbox_proposals::message_id.eq(message))
        .select(ProposalRow::as_select())
        .order(inbox_proposals::id.asc())
        .first(conn)
        .optional()?)
}

/// The proposal with this id, whoever owns it (callers check access).
pub fn find_proposal(conn: &mut DbConnection, id: &str) -> Result<Option<ProposalRow>, StoreError> {
    Ok(inbox_proposals::table
        .find(id)
        .select(ProposalRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A page of a seeker's proposals with this status, oldest first, after the
/// id `after`.
pub fn list_proposals(
    conn: &mut DbConnection,
    seeker_id: &str,
    status: &str,
    after: Option<String>,
    limit: i64,
) -> Result<Vec<ProposalRow>, StoreError> {
    let mut query = inbox_proposals::table
        .filter(inbox_proposals::seeker_id.eq(seeker_id))
        .filter(inbox_proposals::status.eq(status))
        .select(ProposalRow::as_select())
        .order(inbox_proposals::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(inbox_proposals::id.gt(after));
    }
    Ok(query.load(conn)?)
}

/// Writes a decided proposal back; `false` when it no longer exists.
pub fn update_proposal(tx: &mut FactsTx<'_>, row: &ProposalRow) -> Result<bool, StoreError> {
    tx.lock(&row.seeker_id)?;
    let changed = diesel::update(inbox_proposals::table.find(&row.id))
        .set(row.clone())
        .execute(tx.conn())?;
    Ok(changed == 1)
}

/// Forgets the bytes of the messages received before `before` (their
/// proposals stay); returns how many were forgotten.
pub fn purge_raw(conn: &mut DbConnection, before: NaiveDateTime) -> Result<usize, StoreError> {
    Ok(diesel::update(
        inbox_messages::table
            .filter(inbox_messages::received_at.lt(before))
            .filter(inbox_messages::raw_base64.is_not_null()),
    )
    .set(inbox_messages::raw_base64.eq(None::<String>))
    .execute(conn)?)
}

/// The stored bytes of a message, if they are still kept.
pub fn raw_of(conn: &mut DbConnection, message_id: &str) -> Result<Option<Vec<u8>>, StoreError> {
    let stored: Option<String> = inbox_messages::table
        .find(message_id)
        .select(inbox_messages::raw_base64)
        .get_result::<Option<String>>(conn)
        .optional()?
        .flatten();
    stored
        .map(|text| {
            BASE64
                .decode(text)
                .map_err(|e| StoreError::Corrupt(format!("inbox message {message_id}: {e}")))
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, Utc};

    use super::*;
    use crate::testing::TestDatabase;
    use crate::{PoolOptions, Store, users};

    fn rows(seeker: &str, id: &str, received_at: NaiveDateTime) -> (MessageRow, ProposalRow) {
        let message = MessageRow {
            id: format!("m-{id}"),
            seeker_id: seeker.to_owned(),
            message_id: format!("<{id}@example.com>"),
            received_at,
            raw: Some(b"From: a@example.com\r\n\r\nhi\r\n".to_vec()),
            size: 25,
        };
        let proposal = ProposalRow {
            id: format!("p-{id}"),
            seeker_id: seeker.to_owned(),
            message_id: message.id.clone(),
            class: "reply".to_owned(),
            confidence: 0.4,
            evidence: "{}".to_owned(),
            step: "{}".to_owned(),
            sender: Some("a@example.com".to_owned()),
            subject: None,
            sent_at: None,
            opportunity_id: None,
            contact_id: None,
            candidates: "[]".to_owned(),
            status: "pending".to_owned(),
            created_at: received_at,
            decided_at: None,
            interaction_id: None,
            transition_id: None,
            interview_id: None,
            promise_id: None,
        };
        (message, proposal)
    }

    #[test]
    fn the_retention_forgets_old_bytes_and_keeps_every_proposal() {
        let db = TestDatabase::create().unwrap();
        let store = Store::open(db.url().clone(), &PoolOptions::default()).unwrap();
        store.migrate().unwrap();
        let now = Utc::now().naive_utc();
        let user = crate::testing::seeker_row("s", now);
        store.write(|conn| users::insert(conn, &user)).unwrap();
        for (id, age) in [("old", 31), ("new", 1)] {
            let (message, proposal) = rows("s", id, now - Duration::days(age));
            store
                .write_for("s", |tx| insert(tx, &message, &proposal))
                .unwrap();
        }
        let found = store
            .read(|conn| find_by_message_id(conn, "s", "<old@example.com>"))
            .unwrap();
        assert_eq!(found.map(|p| p.id).as_deref(), Some("p-old"));
        let purged = store
            .write(|conn| purge_raw(conn, now - Duration::days(30)))
            .unwrap();
        assert_eq!(purged, 1);
        assert_eq!(store.read(|conn| raw_of(conn, "m-old")).unwrap(), None);
        assert!(store.read(|conn| raw_of(conn, "m-new")).unwrap().is_some());
        for id in ["p-old", "p-new"] {
            assert!(
                store
                    .read(|conn| find_proposal(conn, id))
                    .unwrap()
                    .is_some()
            );
        }
        let again = store
            .write(|conn| purge_raw(conn, now - Duration::days(30)))
            .unwrap();
        assert_eq!(again, 0);
    }
}
