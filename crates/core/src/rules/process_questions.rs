//! `ask_process_questions` (Sheffield, Attridge): while screening or
//! interviewing, one checklist action per unanswered question, to ask at the
//! next conversation (channel `any`, no draft). The list is open-ended, so
//! each item is due today: at the opening of the contact's business day (see
//! [`BusinessCalendar::opening_of_day`](crate::calendar::BusinessCalendar::opening_of_day)).

use crate::action::{ActionKind, NextAction, Priority};
use crate::contact::Channel;
use crate::engine::Ctx;
use crate::facts::ProcessQuestion;
use crate::reason::{Because, ReasonCode};
use crate::rules::RuleId;
use crate::stage::Stage;

const RULE: RuleId = RuleId::AskProcessQuestions;

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    if !ctx.enabled(RULE) || !matches!(ctx.opp.stage, Stage::Screening | Stage::Interviewing) {
        return;
    }
    let contact = ctx.primary;
    let cal = ctx.calendar(contact);
    let from = ctx.hold(contact).map_or(ctx.at, |h| h.max(ctx.at));
    let Some(due) = cal.opening_of_day(from) else {
        return;
    };
    for &question in ProcessQuestion::ALL {
        if ctx.opp.profile.is_answered(question) {
            continue;
        }
        let mut reason = Because::new(ReasonCode::QuestionOpen);
        reason
            .lit("Ask ")
            .contact(contact, "the employer")
            .lit(" at your next conversation: \"")
            .lit(question.question())
            .lit("\"")
            .word("question", question.as_str())
            .cite(&[RULE]);
        out.push(ctx.action(
            RULE,
            contact,
            ActionKind::AskQuestion,
            Some(Channel::Any),
            question.as_str(),
            due,
            None,
            Priority::Low,
            reason.finish(),
        ));
    }
}
