//! The digest's pass (docs/digest.md), run by the background worker that
//! derives the clock's events: it finds the seekers whose digest has fallen
//! due this morning, claims each day with a row before anything is sent,
//! sends, and records the outcome.
//!
//! At most once per seeker and local date: the claim is a row keyed on
//! both, written and committed before the e-mail is handed to the mail
//! server. Another pass, process or replica that finds the row leaves the
//! day alone, and a crash between the claim and the send skips the day
//! rather than sending twice. A day whose mail server took nothing (it
//! could not be reached, or said "try later") is claimed again by a later
//! pass while it is still morning. After downtime the day's digest goes out
//! late, but only before local noon ([`followup_core::digest::due`]).

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike as _, Utc};
use followup_core::Engine;
use followup_core::digest::Slot;
use followup_store::digest::{self, DigestSettingsRow, SendState};
use followup_store::snapshot::{self, Scope};
use followup_store::users::UserRow;

use super::{Mailer, SendError, mail};
use crate::error::ApiError;
use crate::state::AppState;
use crate::webhooks::worker::blocking;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Digests the mail server took.
    pub sent: usize,
    /// Days claimed with nothing due.
    pub empty: usize,
    /// Digests not sent (refused, or to be tried again).
    pub failed: usize,
}

/// The seekers whose digest is due at `now` and not settled yet.
fn due(
    store: &followup_store::Store,
    now: DateTime<Utc>,
) -> Result<Vec<(DigestSettingsRow, UserRow, Slot)>, ApiError> {
    store.read(|conn| {
        let mut due = Vec::new();
        for (settings, user) in digest::subscribers(conn)? {
            let calendar = followup_store::facts::calendar(&user, now.year())?;
            if let Some(slot) = followup_core::digest::due(&calendar, settings.send_at, now) {
                due.push((settings, user, slot));
            }
        }
        let seekers: Vec<String> = due.iter().map(|(s, _, _)| s.seeker_id.clone()).collect();
        let dates: Vec<_> = due
            .iter()
            .map(|(_, _, slot)| slot.date)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let settled = digest::of_dates(conn, &seekers, &dates)?;
        due.retain(|(settings, _, slot)| {
            !settled.iter().any(|row| {
                row.seeker_id == settings.seeker_id
                    && row.local_date == slot.date
                    && row.state != SendState::Retry
            })
        });
        Ok(due)
    })
}

/// The day's digest of `user` at `now`: how many actions, and the e-mail
/// (`None` when nothing is due).
pub fn compose(
    conn: &mut followup_store::DbConnection,
    user: &UserRow,
    date: chrono::NaiveDate,
    now: DateTime<Utc>,
    unsubscribe_url: &str,
) -> Result<(Vec<followup_core::NextAction>, Option<mail::Content>), ApiError> {
    let stages = followup_core::policy::agenda_stages();
    let Some(snapshot) = snapshot::load(conn, &user.id, Scope::Stages(&stages), now.year())? else {
        return Ok((Vec::new(), None));
    };
    let mut actions = Engine::new(&snapshot.facts, &snapshot.playbook, now).agenda();
    for action in &mut actions {
        followup_core::l10n::localise_action(action, snapshot.facts.seeker.locale);
    }
    let day =
        followup_core::digest::actions_of_day(&snapshot.facts.seeker.calendar, &actions, date);
    if day.is_empty() {
        return Ok((Vec::new(), None));
    }
    let content = mail::digest(
        &snapshot.facts,
        &user.display_name,
        date,
        &day,
        unsubscribe_url,
    );
    Ok((day.into_iter().cloned().collect(), Some(content)))
}

/// The one-click unsubscribe link of `settings`.
pub fn unsubscribe_url(mailer: &Mailer, settings: &DigestSettingsRow) -> String {
    mailer.link(&format!(
        "/v1/digest/unsubscribe?token={}",
        settings.unsubscribe_token
    ))
}

/// One pass at `now`: sends every digest that has fallen due and is not
/// settled yet, one seeker after another.
pub async fn pass(
    state: &AppState,
    mailer: &Mailer,
    now: DateTime<Utc>,
) -> Result<Outcome, ApiError> {
    let due = blocking(state, move |_, store| due(store, now)).await?;
    let mut outcome = Outcome::default();
    for (settings, user, slot) in due {
        let unsubscribe = unsubscribe_url(mailer, &settings);
        let composed = {
            let user = user.clone();
            let unsubscribe = unsubscribe.clone();
            blocking(state, move |_, store| {
                store.read(|conn| compose(conn, &user, slot.date, now, &unsubscribe))
            })
            .await?
        };
        let (actions, content) = composed;
        let count = i32::try_from(actions.len()).unwrap_or(i32::MAX);
        let claim_as = if content.is_some() {
            SendState::Sending
        } else {
            SendState::Empty
        };
        let seeker = user.id.clone();
        let claimed = blocking(state, move |_, store| {
            store.write(|conn| {
                Ok::<_, ApiError>(digest::claim(
                    conn,
                    &seeker,
                    slot.date,
                    claim_as,
                    count,
                    now.naive_utc(),
                )?)
            })
        })
        .await?;
        let Some(content) = content.filter(|_| claimed) else {
            if claimed {
                outcome.empty += 1;
            }
            continue;
        };
        let message_id = mailer.digest_message_id(&user.id, slot.date);
        let sent = mailer
            .send(&user, &content, now, Some(message_id), Some(&unsubscribe))
            .await;
        let (state_after, sent_at, id, error) = match sent {
            Ok(id) => {
                outcome.sent += 1;
                (SendState::Sent, Some(now.naive_utc()), Some(id), None)
            }
            Err(SendError::Retry(cause)) => {
                outcome.failed += 1;
                tracing::warn!(seeker = %user.id, %cause, "the mail server took no digest; trying again");
                (SendState::Retry, None, None, Some(cause))
            }
            Err(SendError::Failed(cause)) => {
                outcome.failed += 1;
                tracing::warn!(seeker = %user.id, %cause, "the digest was not sent");
                (SendState::Failed, None, None, Some(cause))
            }
        };
        let seeker = user.id.clone();
        blocking(state, move |_, store| {
            store.write(|conn| {
                Ok::<_, ApiError>(digest::finish(
                    conn,
                    &seeker,
                    slot.date,
                    state_after,
                    sent_at,
                    id.as_deref(),
                    error.as_deref(),
                )?)
            })
        })
        .await?;
    }
    Ok(outcome)
}
