//! `wait_for_promise`: while a promise is pending, the action is to wait until
//! it falls due, and no status follow-up is due before then (the outreach
//! rules hold back). The `wait` is due at the promised time itself, which may
//! be the close of business (17:00), outside business hours; it has no
//! window and no channel. With several pending promises, the one falling due
//! last holds. A broken promise is followed up by `missed_promise_call` in
//! [`super::outreach`].

use crate::action::{ActionKind, NextAction, Priority};
use chrono::{DateTime, Utc};

use crate::calendar::BusinessCalendar;
use crate::engine::Ctx;
use crate::facts::{Contact, Promise, PromiseDue};
use crate::promise::PromiseWhat;
use crate::reason::{Arg, Because, ReasonCode, Text};
use crate::rules::RuleId;

const RULE: RuleId = RuleId::WaitForPromise;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    if !ctx.enabled(RULE) {
        return;
    }
    let Some((promise, due)) = ctx.pending else {
        return;
    };
    let contact = ctx.contact(promise.contact_id.as_deref());
    let cal = ctx.calendar(contact);
    let mut reason = Because::new(ReasonCode::PromisePending);
    promised(&mut reason, contact, promise, cal, due);
    reason
        .lit(": wait until ")
        .time("due_at", cal, due)
        .lit(" before any status follow-up")
        .cite(&[RULE]);
    out.push(ctx.action(
        RULE,
        contact,
        ActionKind::Wait,
        None,
        &promise.id,
        due,
        None,
        Priority::Low,
        reason.finish(),
    ));
}

/// "Ann promised a call by Fri 8 Jan": who promised what by when, with
/// `promised` (`call`, `email`, `decision`) and `promised_by` (a date, or an
/// instant in the contact's zone) among the args.
pub(crate) fn promised(
    reason: &mut Because,
    contact: Option<&Contact>,
    promise: &Promise,
    cal: &BusinessCalendar,
    due: DateTime<Utc>,
) {
    reason
        .contact(contact, "The employer")
        .lit(" promised ")
        .lit(what(promise.what))
        .word("promised", promise.what.as_str())
        .note("promise_id", Arg::Text(Text::new(&promise.id)))
        .lit(" by ");
    match promise.due {
        PromiseDue::Date(date) => reason.date("promised_by", date),
        PromiseDue::Instant(_) => reason.time("promised_by", cal, due),
    };
}

/// "a call", "an e-mail", "a decision".
pub(crate) const fn what(what: PromiseWhat) -> &'static str {
    match what {
        PromiseWhat::Call => "a call",
        PromiseWhat::Email => "an e-mail",
        PromiseWhat::Decision => "a decision",
    }
}
