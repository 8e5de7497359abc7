//! `ask_assistant_best_time` (Attridge): when the opportunity has an
//! assistant and the manager's best time to call is unknown, ask the
//! assistant (and build rapport). Only when the manager may be called at all:
//! for an e-mail-only manager a best time to call is moot. The ask is
//! open-ended, so it is due today (from the opening of the assistant's
//! business day), by phone unless the assistant is e-mail only. Once the best time is on file,
//! calls are placed only inside it (see [`super::outreach`]).

use crate::action::{ActionKind, Constraint, NextAction, Priority};
use crate::contact::{Channel, ContactRole};
use crate::drafts;
use crate::engine::{Ctx, Reach};
use crate::reason::{Arg, Because, ReasonCode, Text};
use crate::rules::RuleId;
use crate::schedule::call_slot;
use crate::stage::Stage;

const RULE: RuleId = RuleId::AskAssistantBestTime;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    if !ctx.enabled(RULE)
        || !matches!(
            ctx.opp.stage,
            Stage::Screening | Stage::Interviewing | Stage::Final
        )
    {
        return;
    }
    let Some(assistant) = ctx.opp.contact_with_role(ContactRole::Assistant) else {
        return;
    };
    let Some(manager) = ctx.manager() else {
        return;
    };
    if manager.best_time.is_some() || ctx.reach(Some(manager)) == Reach::EmailOnly {
        return;
    }
    let by_email = ctx.reach(Some(assistant)) == Reach::EmailOnly;
    let cal = ctx.calendar(Some(assistant));
    let held = ctx.hold(Some(assistant)).map_or(ctx.at, |h| h.max(ctx.at));
    let Some(from) = cal.opening_of_day(held) else {
        return;
    };
    let (due, end) = if by_email {
        (from, cal.end_of_business(cal.local_date(from)))
    } else {
        let Some(slot) = call_slot(cal, assistant.best_time.as_ref(), from) else {
            return;
        };
        (slot.start, Some(slot.end))
    };
    let mut reason = Because::new(ReasonCode::NoBestTime);
    reason
        .lit("No best time on file to call ")
        .text("manager_name", manager.first_name())
        .note("manager_id", Arg::Text(Text::new(&manager.id)))
        .lit(": ask ")
        .text("contact_name", assistant.first_name())
        .lit(" when a good time would be, and get to know them")
        .flag("by_email", by_email)
        .cite(&[RULE]);
    let channel = if by_email {
        Channel::Email
    } else {
        Channel::Phone
    };
    let mut action = ctx.action(
        RULE,
        Some(assistant),
        ActionKind::AskAssistant,
        Some(channel),
        &manager.id,
        due,
        end,
        Priority::Normal,
        reason.finish(),
    );
    if !by_email {
        action.constraints.push(Constraint::NoMessageWithAssistant);
    }
    action.draft = Some(Box::new(drafts::ask_assistant(
        &ctx.letterhead(Some(assistant)),
        manager,
        by_email,
    )));
    out.push(action);
}
