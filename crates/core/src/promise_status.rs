//! Whether the employer kept their word: a pure function of the promise, the
//! opportunity's log (interactions, stage changes, later promises), the
//! calendar its date is read in, and the instant.
//!
//! What keeps a promise depends on what was promised (docs/cadence.md,
//! "Decisive moments"): a call or an e-mail is kept by any answer from the
//! employer after it was made, even a courtesy reply; a decision only by the
//! decision itself — an offer or a rejection received, a move to `offer` or
//! `rejected` — or by the seeker marking it kept. A new promise from the same
//! person, made while one is pending, supersedes it.

use chrono::{DateTime, Days, Utc};

use crate::calendar::BusinessCalendar;
use crate::facts::{Interaction, Opportunity, Promise, PromiseDue};
use crate::interaction::InteractionKind;
use crate::promise::PromiseWhat;
use crate::schedule;
use crate::stage::Stage;
use crate::wire::wire_enum;

wire_enum! {
    /// Where a promise stands: pending (not yet due, nothing heard), kept (the employer was heard from after it was made), broken (due, nothing heard) or cancelled (by the seeker).
    pub enum PromiseStatus as "promise status" {
        /// Not yet due, nothing heard since it was made.
        Pending => "pending",
        /// The employer was heard from after it was made (even if late).
        Kept => "kept",
        /// Due, and nothing heard since it was made.
        Broken => "broken",
        /// Withdrawn by the seeker.
        Cancelled => "cancelled",
        /// Replaced by a newer promise from the same person, made while this
        /// one was pending.
        Superseded => "superseded",
    }
}

/// When the promise falls due, its date read in `calendar` (the promising
/// contact's zone, else the seeker's): a date closes at the end of that
/// business day. `None` only outside chrono's range.
pub fn promise_due_at(promise: &Promise, calendar: &BusinessCalendar) -> Option<DateTime<Utc>> {
    schedule::promise_due_at(calendar, promise.due)
}

/// When a due date or instant falls due, read in `calendar`: a date closes at
/// the end of that business day. `None` only outside chrono's range.
pub fn due_instant(due: PromiseDue, calendar: &BusinessCalendar) -> Option<DateTime<Utc>> {
    schedule::promise_due_at(calendar, due)
}

/// What the seeker most likely meant by a promise that would fall due at or
/// before the moment it was made ("by Friday", entered on a Friday evening):
/// the same date (or instant) a whole number of weeks later, the first that
/// falls due after `made_at`. `None` when the promise already falls due after
/// it was made, or outside chrono's range.
pub fn likely_due(
    due: PromiseDue,
    made_at: DateTime<Utc>,
    calendar: &BusinessCalendar,
) -> Option<PromiseDue> {
    let mut candidate = due;
    // A year of weeks is more than any typing slip; beyond it, give up.
    for _ in 0..=53 {
        if schedule::promise_due_at(calendar, candidate)? > made_at {
            return (candidate != due).then_some(candidate);
        }
        candidate = match candidate {
            PromiseDue::Date(date) => PromiseDue::Date(date.checked_add_days(Days::new(7))?),
            PromiseDue::Instant(at) => PromiseDue::Instant(at.checked_add_days(Days::new(7))?),
        };
    }
    None
}

/// The status at `at`, from the interactions alone: the promise's own
/// history, without the stage changes and later promises of its opportunity
/// ([`promise_status_for`] reads those too). Kept when the seeker marked it
/// kept, or when what keeps it (see the module) came after `made_at` and at
/// or before `at`; otherwise broken from the due instant on (the due instant
/// itself is already broken), pending before. Interactions after `at` are
/// ignored, so any instant can be evaluated.
pub fn promise_status(
    promise: &Promise,
    interactions: &[Interaction],
    calendar: &BusinessCalendar,
    at: DateTime<Utc>,
) -> PromiseStatus {
    if promise.cancelled {
        return PromiseStatus::Cancelled;
    }
    if is_kept_by(promise, interactions, &[], at) {
        return PromiseStatus::Kept;
    }
    match promise_due_at(promise, calendar) {
        Some(due) if at >= due => PromiseStatus::Broken,
        _ => PromiseStatus::Pending,
    }
}

/// [`promise_status`] for a promise of `opportunity`, reading its date in the
/// promising contact's calendar (else the primary contact's, else the
/// seeker's: see [`crate::engine::contact_calendar`]); stage changes keep a decision, and
/// a newer promise from the same person supersedes it.
pub fn promise_status_for(
    promise: &Promise,
    opportunity: &Opportunity,
    seeker_calendar: &BusinessCalendar,
    at: DateTime<Utc>,
) -> PromiseStatus {
    let zoned = crate::engine::contact_calendar(
        seeker_calendar,
        opportunity,
        promiser(opportunity, promise),
    );
    let calendar = zoned.as_ref().unwrap_or(seeker_calendar);
    if promise.cancelled {
        return PromiseStatus::Cancelled;
    }
    let due = promise_due_at(promise, calendar);
    if superseded(promise, due, opportunity, at) {
        return PromiseStatus::Superseded;
    }
    if is_kept(promise, opportunity, at) {
        return PromiseStatus::Kept;
    }
    match due {
        Some(due) if at >= due => PromiseStatus::Broken,
        _ => PromiseStatus::Pending,
    }
}

/// Who made the promise: its contact when on file, else the primary one.
pub(crate) fn promiser<'a>(
    opportunity: &'a Opportunity,
    promise: &Promise,
) -> Option<&'a crate::Contact> {
    promise
        .contact_id
        .as_deref()
        .and_then(|id| opportunity.contact(id))
        .or_else(|| opportunity.primary_contact())
}

/// Whether `promise` was kept by `at`.
pub(crate) fn is_kept(promise: &Promise, opportunity: &Opportunity, at: DateTime<Utc>) -> bool {
    is_kept_by(promise, &opportunity.interactions, &opportunity.history, at)
}

fn is_kept_by(
    promise: &Promise,
    interactions: &[Interaction],
    history: &[crate::StageChange],
    at: DateTime<Utc>,
) -> bool {
    let after = |t: DateTime<Utc>| t > promise.made_at && t <= at;
    if promise.kept_at.is_some_and(|k| k <= at) {
        return true;
    }
    match promise.what {
        PromiseWhat::Decision => {
            interactions.iter().any(|i| {
                matches!(
                    i.kind,
                    InteractionKind::OfferReceived | InteractionKind::RejectionReceived
                ) && after(i.occurred_at)
            }) || history
                .iter()
                .any(|h| matches!(h.to, Stage::Offer | Stage::Rejected) && after(h.at))
        }
        PromiseWhat::Call | PromiseWhat::Email => interactions
            .iter()
            .any(|i| i.is_answer() && after(i.occurred_at)),
    }
}

/// Whether a newer promise from the same person, made by `at` while
/// `promise` (falling due at `due`) was still pending, replaced it.
pub(crate) fn superseded(
    promise: &Promise,
    due: Option<DateTime<Utc>>,
    opportunity: &Opportunity,
    at: DateTime<Utc>,
) -> bool {
    let who = promiser(opportunity, promise).map(|c| c.id.as_str());
    opportunity.promises.iter().any(|newer| {
        !newer.cancelled
            && newer.made_at <= at
            && newer.made_at > promise.made_at
            && promiser(opportunity, newer).map(|c| c.id.as_str()) == who
            && due.is_none_or(|due| newer.made_at < due)
            && !is_kept(promise, opportunity, newer.made_at)
    })
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate, Utc};
    use chrono_tz::Tz;

    use super::{PromiseStatus, likely_due, promise_status};
    use crate::calendar::BusinessCalendar;
    use crate::facts::{Interaction, Promise, PromiseDue};
    use crate::{InteractionKind, PromiseWhat};

    fn utc(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn promise() -> Promise {
        Promise {
            id: "p".to_owned(),
            contact_id: None,
            what: PromiseWhat::Call,
            due: PromiseDue::Date(NaiveDate::from_ymd_opt(2010, 1, 8).unwrap()),
            made_at: utc("2009-12-17T20:00:00Z"),
            cancelled: false,
            kept_at: None,
        }
    }

    fn interaction(kind: InteractionKind, at: &str) -> Interaction {
        Interaction {
            id: at.into(),
            kind,
            contact_id: None,
            occurred_at: utc(at),
            out_of_office_until: None,
            rejection_reason: None,
        }
    }

    #[test]
    fn pending_until_the_close_of_the_promised_day_then_broken() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let p = promise();
        let status = |at| promise_status(&p, &[], &cal, utc(at));
        assert_eq!(status("2010-01-04T17:00:00Z"), PromiseStatus::Pending);
        assert_eq!(status("2010-01-08T21:59:59Z"), PromiseStatus::Pending);
        assert_eq!(status("2010-01-08T22:00:00Z"), PromiseStatus::Broken);
    }

    #[test]
    fn an_answer_after_it_was_made_keeps_it_even_late() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let p = promise();
        let call = [interaction(
            InteractionKind::CallConnected,
            "2010-01-12T15:00:00Z",
        )];
        assert_eq!(
            promise_status(&p, &call, &cal, utc("2010-01-11T14:00:00Z")),
            PromiseStatus::Broken
        );
        assert_eq!(
            promise_status(&p, &call, &cal, utc("2010-01-12T15:00:00Z")),
            PromiseStatus::Kept
        );
    }

    #[test]
    fn outbound_touches_and_out_of_office_replies_keep_nothing() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let p = promise();
        let mut ooo = interaction(InteractionKind::ReplyReceived, "2010-01-05T15:00:00Z");
        ooo.out_of_office_until = NaiveDate::from_ymd_opt(2010, 1, 11);
        let log = [
            interaction(InteractionKind::FollowUpEmail, "2010-01-04T15:00:00Z"),
            ooo,
            // Before the promise was made: not an answer to it.
            interaction(InteractionKind::ReplyReceived, "2009-12-16T15:00:00Z"),
        ];
        assert_eq!(
            promise_status(&p, &log, &cal, utc("2010-01-11T14:00:00Z")),
            PromiseStatus::Broken
        );
    }

    #[test]
    fn the_date_is_read_in_the_promising_contacts_zone() {
        use crate::facts::{Contact, Opportunity, Profile};
        use crate::{Channel, ContactRole, Stage};
        let p = Promise {
            contact_id: Some("dan".to_owned()),
            due: PromiseDue::Date(NaiveDate::from_ymd_opt(2027, 3, 12).unwrap()),
            ..promise()
        };
        let opportunity = Opportunity {
            id: "o".to_owned(),
            company: "Rockies".to_owned(),
            employer: None,
            title: "Editor".to_owned(),
            industry: None,
            stage: Stage::Final,
            offer_deadline: None,
            offer_terms: Default::default(),
            holiday_calendar: None,
            playbook: None,
            history: Vec::new(),
            contacts: vec![Contact {
                id: "dan".to_owned(),
                name: "Dan Ortiz".to_owned(),
                role: ContactRole::HiringManager,
                email: None,
                phone: None,
                time_zone: Some(Tz::America__Denver),
                preferred_channel: Channel::Any,
                best_time: None,
                holiday_calendar: None,
            }],
            interactions: Vec::new(),
            promises: vec![p.clone()],
            profile: Profile::default(),
        };
        let new_york = BusinessCalendar::new(Tz::America__New_York);
        // Fri 12 Mar 17:30 New York = 15:30 Denver: still pending there.
        let at = utc("2027-03-12T22:30:00Z");
        assert_eq!(
            promise_status(&p, &[], &new_york, at),
            PromiseStatus::Broken
        );
        assert_eq!(
            super::promise_status_for(&p, &opportunity, &new_york, at),
            PromiseStatus::Pending
        );
    }

    #[test]
    fn cancelled_wins() {
        let cal = BusinessCalendar::new(Tz::America__New_York);
        let p = Promise {
            cancelled: true,
            ..promise()
        };
        assert_eq!(
            promise_status(&p, &[], &cal, utc("2010-01-11T14:00:00Z")),
            PromiseStatus::Cancelled
        );
    }

    #[test]
    fn a_promise_due_before_it_was_made_means_the_same_day_next_week() {
        let calendar = BusinessCalendar::new(Tz::America__New_York);
        let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        // "By Friday", entered on Friday 20 Nov 2026 at 19:00 New York.
        let evening = utc("2026-11-21T00:00:00Z");
        assert_eq!(
            likely_due(PromiseDue::Date(friday), evening, &calendar),
            Some(PromiseDue::Date(
                NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
            ))
        );
        // Entered that morning, it stands.
        let morning = utc("2026-11-20T14:00:00Z");
        assert_eq!(
            likely_due(PromiseDue::Date(friday), morning, &calendar),
            None
        );
        // An instant an hour before it was made: the same time a week later.
        let instant = utc("2026-11-20T23:00:00Z");
        assert_eq!(
            likely_due(PromiseDue::Instant(instant), evening, &calendar),
            Some(PromiseDue::Instant(utc("2026-11-27T23:00:00Z")))
        );
        // Three weeks back: the first such day after it was made.
        let long_ago = NaiveDate::from_ymd_opt(2026, 10, 30).unwrap();
        assert_eq!(
            likely_due(PromiseDue::Date(long_ago), evening, &calendar),
            Some(PromiseDue::Date(
                NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
            ))
        );
    }
}
