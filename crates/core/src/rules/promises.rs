//! `wait_for_promise`: while a promise is pending, the action is to wait until
//! it falls due, and no status follow-up is due before then (the outreach
//! rules hold back). The `wait` is due at the promised time itself, which may
//! be the close of business (17:00), outside business hours; it has no
//! window and no channel. With several pending promises, the one falling due
//! last holds. A broken promise is followed up by `missed_promise_call` in
//! [`super::outreach`].

use crate::action::{ActionKind, NextAction, Priority};
use crate::engine::{Ctx, cite};
use crate::facts::{Contact, PromiseDue};
use crate::promise::PromiseWhat;
use crate::rules::RuleId;
use crate::schedule::{push_date, push_day_time};

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
    let mut reason = String::with_capacity(140);
    reason.push_str(contact.map_or("The employer", Contact::first_name));
    reason.push_str(" promised ");
    reason.push_str(what(promise.what));
    reason.push_str(" by ");
    match promise.due {
        PromiseDue::Date(date) => push_date(&mut reason, date),
        PromiseDue::Instant(_) => push_day_time(&mut reason, cal, due),
    }
    reason.push_str(": wait until ");
    push_day_time(&mut reason, cal, due);
    reason.push_str(" before any status follow-up");
    cite(&mut reason, &[RULE]);
    out.push(ctx.action(
        RULE,
        contact,
        ActionKind::Wait,
        None,
        &promise.id,
        due,
        None,
        Priority::Low,
        reason,
    ));
}

/// "a call", "an e-mail", "a decision".
pub(crate) const fn what(what: PromiseWhat) -> &'static str {
    match what {
        PromiseWhat::Call => "a call",
        PromiseWhat::Email => "an e-mail",
        PromiseWhat::Decision => "a decision",
    }
}
