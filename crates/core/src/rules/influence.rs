//! `influence_letter_after_interview` (Attridge): after each interview, an
//! influence letter on the first six months, due `delay_hours` after the
//! interview started (inside business hours), its window ending
//! `window_hours` after the interview or at that business day's close,
//! whichever is later.
//!
//! Only the latest interview counts (an earlier one without a letter is
//! superseded). The action is done once an `influence_letter` is logged after
//! the interview — nothing else stands in for it, not a thank-you note nor a
//! reply — and lapses once the `follow_up_after_silence` follow-up would be
//! due, which takes over.

use chrono::{Duration, TimeDelta};

use crate::action::{ActionKind, Priority};
use crate::contact::Channel;
use crate::drafts;
use crate::engine::Ctx;
use crate::facts::Interaction;
use crate::reason::{Because, ReasonCode};
use crate::rules::RuleId;
use crate::schedule;
use crate::stage::Stage;

const RULE: RuleId = RuleId::InfluenceLetterAfterInterview;

/// The interview whose letter is still owed, if any.
pub(crate) fn open_interview<'a>(ctx: &Ctx<'a>) -> Option<&'a Interaction> {
    if !ctx.enabled(RULE) || !ctx.opp.stage.is_open() || ctx.opp.stage == Stage::Offer {
        return None;
    }
    let interview = ctx.last_interview?;
    if ctx.last_letter.is_some_and(|l| l > interview.occurred_at) {
        return None;
    }
    // Lapses when the silence follow-up would be due.
    let contact = ctx.contact(interview.contact_id.as_ref());
    let cal = ctx.calendar(contact);
    let silence = u64::from(ctx.pb.params().silence_days);
    let lapse = cal
        .local_date(interview.occurred_at)
        .checked_add_days(chrono::Days::new(silence))
        .and_then(|d| schedule::opening_on_or_after(cal, d));
    if lapse.is_some_and(|l| ctx.at >= l) {
        return None;
    }
    Some(interview)
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<crate::action::NextAction>) {
    let Some(interview) = open_interview(ctx) else {
        return;
    };
    let params = ctx.pb.params();
    let contact = ctx.contact(interview.contact_id.as_ref());
    let cal = ctx.calendar(contact);
    let mut from = interview.occurred_at + Duration::hours(i64::from(params.delay_hours));
    if let Some(hold) = ctx.hold(contact) {
        from = from.max(hold);
    }
    let Some(due) = cal.next_business_instant(from) else {
        return;
    };
    let within = interview.occurred_at + TimeDelta::hours(i64::from(params.window_hours));
    let window_end = cal
        .end_of_business(cal.local_date(due))
        .map_or(within, |close| close.max(within))
        .max(due);

    let mut reason = Because::new(ReasonCode::InfluenceLetter);
    reason
        .lit("Interviewed ")
        .time(
            "interviewed_at",
            ctx.seeker_calendar(),
            interview.occurred_at,
        )
        .lit(": send ")
        .contact(contact, "the employer")
        .lit(" an influence letter on what you would accomplish in your first six months, by ")
        .time("window_end", cal, window_end)
        .cite(&[RULE]);

    let mut action = ctx.action(
        RULE,
        contact,
        ActionKind::SendInfluenceLetter,
        Some(Channel::Email),
        &interview.id,
        due,
        Some(window_end),
        Priority::High,
        reason.finish(),
    );
    action.draft = Some(Box::new(drafts::influence_letter(
        &ctx.letterhead(contact),
        cal.local_date(interview.occurred_at),
        &ctx.opp.profile,
    )));
    out.push(action);
}
