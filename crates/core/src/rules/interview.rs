//! `prepare_for_interview` (Sheffield, Attridge): an interview logged for a
//! time still ahead is a scheduled interview. The business day before it
//! (at the opening of that day, scheduled like every action) comes a `prepare_interview` reminder, whose window
//! ends when the interview starts; the questions to ask at it and the
//! influence letter to plan for after it are in its reason.
//!
//! While an interview is scheduled, nobody is chased for news: the status
//! follow-ups (`send_follow_up_email`, `call`), the assistant's best time,
//! a promise's `wait` and `mark_ghosted` are held until it has taken place
//! (a competing offer's `share_status` is not: the deadline does not wait).
//! Once its time has passed it is an ordinary interview, and the influence
//! letter and every clock start from it.

use crate::action::{ActionKind, NextAction, Priority};
use crate::engine::Ctx;
use crate::facts::{Interaction, ProcessQuestion};
use crate::interaction::InteractionKind;
use crate::reason::{Arg, Because, ReasonCode};
use crate::rules::RuleId;

const RULE: RuleId = RuleId::PrepareForInterview;

/// The interviews scheduled after the evaluated instant, earliest first.
pub(crate) fn scheduled<'a>(ctx: &Ctx<'a>) -> Vec<&'a Interaction> {
    let mut ahead: Vec<&'a Interaction> = ctx
        .opp
        .interactions
        .iter()
        .filter(|i| i.kind == InteractionKind::Interview && i.occurred_at > ctx.at)
        .collect();
    ahead.sort_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)));
    ahead
}

/// Whether an action waits for a scheduled interview to take place.
pub(crate) const fn held_by_interview(kind: ActionKind) -> bool {
    matches!(
        kind,
        ActionKind::SendFollowUpEmail
            | ActionKind::Call
            | ActionKind::AskAssistant
            | ActionKind::Wait
            | ActionKind::MarkGhosted
    )
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    if !ctx.enabled(RULE) || !ctx.opp.stage.is_open() {
        return;
    }
    for interview in scheduled(ctx) {
        let contact = ctx.contact(interview.contact_id.as_ref());
        // Scheduled like every action (the contact's zone and business
        // days, the seeker's hours): the opening of the business day
        // before. One booked at shorter notice is overdue at once.
        let cal = ctx.calendar(contact);
        let Some(due) = cal
            .add_business_days(cal.local_date(interview.occurred_at), -1)
            .and_then(|before| cal.start_of_business(before))
        else {
            continue;
        };
        let mut reason = Because::new(ReasonCode::InterviewBooked);
        reason
            .lit("Interview with ")
            .contact(contact, "the employer")
            .lit(" at ")
            .text("company", &ctx.opp.company)
            .lit(", ")
            .time("interview_at", ctx.seeker_calendar(), interview.occurred_at)
            .lit(": prepare the day before.");
        let open: Vec<&ProcessQuestion> = ProcessQuestion::ALL
            .iter()
            .filter(|q| !ctx.opp.profile.is_answered(**q))
            .collect();
        if !open.is_empty() {
            reason.lit(" Ask at it: ");
            for (n, question) in open.iter().enumerate() {
                if n > 0 {
                    reason.lit(" / ");
                }
                reason.lit("\"").lit(question.question()).lit("\"");
            }
            reason.lit(".").note(
                "questions",
                Arg::List(open.iter().map(|q| q.as_str().to_owned()).collect()),
            );
        }
        reason
            .lit(
                " Note what you would accomplish in your first six months: the influence letter \
                 goes out after it.",
            )
            .cite(&[RULE]);
        out.push(ctx.action(
            RULE,
            contact,
            ActionKind::PrepareInterview,
            None,
            &interview.id,
            due,
            Some(interview.occurred_at),
            Priority::High,
            reason.finish(),
        ));
    }
}
