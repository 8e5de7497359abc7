//! `move_on` (Sheffield, Cohen): suggest marking the opportunity ghosted —
//! never automatically, nothing deleted — when
//! - `max_unanswered` follow-ups (follow-up e-mails and unanswered calls, at
//!   most one counted per local day) went out since the employer was last
//!   heard from: due at the opening of the business day `silence_days` after
//!   the last of them, where the next follow-up would have been (the cadence
//!   stops there); or
//! - `stale_days` have passed since the employer was last heard from, or
//!   since the last broken promise fell due when that is later (a promise
//!   restarts the wait), or since the stage was entered when nothing was ever
//!   heard: due at the next business instant once reached.
//!
//! A pending promise holds the suggestion: they said they would be in touch,
//! so they have not gone quiet. Once it is broken, both clocks run from its
//! due time at the earliest: the follow-ups must have gone unanswered past
//! it, and the silence is counted from it (docs/cadence.md, "Decisive
//! moments").
//!
//! Applies from `applied` to `final`; scheduled in the seeker's calendar,
//! and held, like every action, while the primary contact is out of office.

use chrono::{Days, Duration};

use crate::action::{ActionKind, NextAction, Priority};
use crate::engine::Ctx;
use crate::id::IdText;
use crate::reason::{Because, ReasonCode};
use crate::rules::RuleId;
use crate::schedule::opening_on_or_after;
use crate::stage::Stage;

const RULE: RuleId = RuleId::MoveOn;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    if !ctx.enabled(RULE)
        || !matches!(
            ctx.opp.stage,
            Stage::Applied | Stage::Screening | Stage::Interviewing | Stage::Final
        )
    {
        return;
    }
    if ctx.pending.is_some() {
        return;
    }
    let params = ctx.pb.params();
    let cal = ctx.seeker_calendar();
    let promised = ctx.broken.map(|(_, due)| due);

    let by_count = ctx
        .unanswered
        .last
        .filter(|_| ctx.unanswered.count >= params.max_unanswered)
        .and_then(|last| {
            let from = promised.map_or(last.occurred_at, |due| due.max(last.occurred_at));
            let day = cal
                .local_date(from)
                .checked_add_days(Days::new(u64::from(params.silence_days)))?;
            opening_on_or_after(cal, day)
        });

    let heard = ctx.last_answer.map(|a| a.occurred_at);
    let since = heard.max(promised).or_else(|| ctx.stage_entered_at());
    let by_silence = since.and_then(|since| {
        let stale = since + Duration::days(i64::from(params.stale_days));
        (ctx.at >= stale)
            .then(|| cal.next_business_instant(stale))
            .flatten()
    });

    let due = match (by_count, by_silence) {
        (Some(a), Some(b)) => a.min(b),
        (a, b) => match a.or(b) {
            Some(due) => due,
            None => return,
        },
    };
    // An out-of-office reply is no ghosting: the suggestion waits for the
    // return, like every other action for that contact.
    // The return is the contact's opening; the suggestion is the seeker's.
    let due = match ctx.hold(ctx.primary) {
        Some(back) if back > due => match cal.next_business_instant(back) {
            Some(due) => due,
            None => return,
        },
        _ => due,
    };

    let mut reason = Because::new(ReasonCode::Ghosted);
    if by_count.is_some() {
        reason
            .count("follow_ups", ctx.unanswered.count)
            .lit(" follow-ups");
        match heard {
            Some(h) => {
                reason
                    .lit(" since you last heard from them on ")
                    .day("last_heard_on", cal, h);
            }
            None => {
                reason.lit(" and never an answer");
            }
        }
    } else {
        reason.lit("No word");
        if let Some(h) = heard {
            reason.lit(" since ").day("last_heard_on", cal, h);
        }
        reason
            .lit(" in over ")
            .count("days", params.stale_days)
            .lit(" days");
    }
    reason
        .lit(": they may have hired someone else or promoted from within — consider marking ")
        .text("company", &ctx.opp.company)
        .lit(" ghosted and putting the effort elsewhere; nothing is deleted")
        .cite(&[RULE]);
    let anchor = ctx
        .last_answer
        .map_or(IdText::from("never"), |a| a.id.text());
    out.push(ctx.action(
        RULE,
        None,
        ActionKind::MarkGhosted,
        None,
        anchor,
        due,
        None,
        Priority::Normal,
        reason.finish(),
    ));
}
