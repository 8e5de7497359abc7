//! The morning digest as the API shows it (docs/digest.md): the seeker's
//! settings inside `/v1/me`, the last days' outcomes, and a preview.

use chrono::{DateTime, Datelike as _, NaiveDate, Utc};
use followup_core::NextAction;
use followup_store::digest::{self, DigestSend, DigestSettingsRow};
use followup_store::users::UserRow;
use followup_store::{DbConnection, StoreError};
use serde::Serialize;
use utoipa::ToSchema;

use super::{User, utc};

/// How many days of outcomes are kept.
pub const HISTORY_DAYS: i64 = 90;
/// How many of the last days `/v1/me` shows.
const SHOWN_DAYS: i64 = 7;

/// Where the digest stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DigestStatus {
    /// This server sends no e-mail (started without `--smtp-url`): the
    /// digest cannot be turned on.
    Unavailable,
    /// Not turned on.
    Off,
    /// Turned on, waiting for the link sent to the account's address to be
    /// followed; nothing else is sent until it is.
    Unverified,
    /// Turned on and verified: it goes out on the seeker's business days.
    Active,
}

/// One day's digest.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DigestDay {
    /// The seeker's local date.
    pub date: NaiveDate,
    /// `sent`; `empty` (nothing was due, nothing sent); `sending` (handed to
    /// the mail server when the server stopped: not sent again); `failed`
    /// (the mail server refused it); `retry` (the mail server took nothing;
    /// tried again until noon).
    #[schema(example = "sent")]
    pub state: String,
    /// How many actions it listed.
    pub actions: i32,
    /// When the mail server took it.
    pub sent_at: Option<DateTime<Utc>>,
    /// The mail server's refusal.
    pub error: Option<String>,
}

impl From<DigestSend> for DigestDay {
    fn from(row: DigestSend) -> Self {
        Self {
            date: row.local_date,
            state: row.state.as_str().to_owned(),
            actions: row.actions,
            sent_at: row.sent_at.map(utc),
            error: row.error,
        }
    }
}

/// The morning digest: an e-mail of the day's due actions, with their
/// drafts and `mailto:` links, at the chosen local time on the seeker's
/// business days. Change it with `PATCH /v1/me` and `digest`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DigestSettings {
    /// Whether this server sends e-mail at all.
    pub available: bool,
    /// Turned on.
    pub enabled: bool,
    /// The local send time (in the account's time zone), before noon.
    #[schema(example = "08:00")]
    pub at: String,
    /// `unavailable`, `off`, `unverified` or `active`.
    pub status: DigestStatus,
    /// When the account's address was verified; `null` until the link is
    /// followed.
    pub email_verified_at: Option<DateTime<Utc>>,
    /// When the pending verification link was sent; `null` when none is
    /// pending.
    pub verification_sent_at: Option<DateTime<Utc>>,
    /// When the next digest falls due (`active` only; it is sent only if
    /// something is due that day).
    pub next_at: Option<DateTime<Utc>>,
    /// The last days' digests, newest first (at most 7).
    pub recent: Vec<DigestDay>,
}

/// The account, with its digest settings.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Me {
    /// The account.
    #[serde(flatten)]
    pub account: User,
    /// The morning digest.
    pub digest: DigestSettings,
}

/// What a day's digest says, without sending it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DigestPreview {
    /// The seeker's local date it is for.
    pub date: NaiveDate,
    /// Whether there is anything to send that day: a day with nothing due
    /// sends nothing.
    pub would_send: bool,
    /// The subject line; `null` when nothing would be sent.
    pub subject: Option<String>,
    /// The `text/plain` part; `null` when nothing would be sent.
    pub text: Option<String>,
    /// The `text/html` part; `null` when nothing would be sent.
    pub html: Option<String>,
    /// The actions it lists.
    pub actions: Vec<NextAction>,
}

/// The digest part of `/v1/me` for `user` at `now`.
pub fn settings(
    conn: &mut DbConnection,
    user: &UserRow,
    available: bool,
    now: DateTime<Utc>,
) -> Result<DigestSettings, StoreError> {
    let row = digest::find(conn, &user.id)?;
    let recent = match &row {
        Some(_) => digest::recent(conn, &user.id, SHOWN_DAYS)?,
        None => Vec::new(),
    };
    settings_of(row.as_ref(), recent, user, available, now)
}

/// [`settings`] from rows already read.
pub fn settings_of(
    row: Option<&DigestSettingsRow>,
    recent: Vec<DigestSend>,
    user: &UserRow,
    available: bool,
    now: DateTime<Utc>,
) -> Result<DigestSettings, StoreError> {
    let enabled = row.is_some_and(|r| r.enabled);
    let verified = row.is_some_and(|r| r.verified_for(&user.email));
    let status = match (available, enabled, verified) {
        (false, _, _) => DigestStatus::Unavailable,
        (true, false, _) => DigestStatus::Off,
        (true, true, false) => DigestStatus::Unverified,
        (true, true, true) => DigestStatus::Active,
    };
    let send_at = row.map_or(followup_core::digest::DEFAULT_AT, |r| r.send_at);
    let next_at = if status == DigestStatus::Active {
        let calendar = followup_store::facts::calendar(user, now.year())?;
        followup_core::digest::next(&calendar, send_at, now).map(|slot| slot.send_at)
    } else {
        None
    };
    Ok(DigestSettings {
        available,
        enabled,
        at: send_at.format("%H:%M").to_string(),
        status,
        email_verified_at: row
            .filter(|r| r.verified_for(&user.email))
            .and_then(|r| r.verified_at)
            .map(utc),
        verification_sent_at: row
            .filter(|r| r.verification_hash.is_some())
            .and_then(|r| r.verification_sent_at)
            .map(utc),
        next_at,
        recent: recent.into_iter().map(DigestDay::from).collect(),
    })
}
