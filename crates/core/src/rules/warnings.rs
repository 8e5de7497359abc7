//! Warnings on logging an interaction: it is saved anyway (it already
//! happened), and the response says which rule it broke and what to do next
//! time.
//! - `email_weekly_cap`: a follow-up e-mail that makes more than
//!   `max_emails` to the same employer (or, with `cap_scope` `contact`, the
//!   same contact) within `period_days` (either side of it, so back-dated
//!   entries count).
//! - `call_no_voicemail`: a voicemail left, or a message left with the
//!   assistant.
//! - `channel_preference`: a call attempt to a contact who is e-mail only
//!   (by their preference, the industry or the playbook).
//! - `wait_for_promise`: a status follow-up while a promise is pending.

use chrono::{DateTime, Utc};

use crate::action::Warning;
use crate::employer::CapScope;
use crate::engine::{Ctx, Engine, EngineError, Reach};
use crate::facts::{Contact, Facts, Interaction};
use crate::interaction::InteractionKind;
use crate::playbook::Playbook;
use crate::reason::{Because, ReasonCode};
use crate::rules::RuleId;
use crate::rules::promises::promised;
use crate::schedule::add_local_days;

/// The warnings for `new`, logged on `opportunity_id`, evaluated as of when
/// it happened. `new` may already be among the facts (it is then not counted
/// twice). `playbook` is the seeker's; the opportunity's own wins.
pub fn warnings_for(
    facts: &Facts,
    playbook: &Playbook,
    opportunity_id: &str,
    new: &Interaction,
) -> Result<Vec<Warning>, EngineError> {
    let opportunity = facts
        .opportunity(opportunity_id)
        .ok_or_else(|| EngineError::UnknownOpportunity(opportunity_id.to_owned()))?;
    let engine = Engine::new(facts, playbook, new.occurred_at);
    let ctx = Ctx::new(&engine, opportunity);
    let contact = ctx.contact(new.contact_id.as_ref());
    let mut out = Vec::new();
    let mut warn = |rule: RuleId, mut message: Because, ids: Vec<String>| {
        message.cite(&[rule]);
        let reason = message.finish();
        out.push(Warning {
            rule,
            message: reason.text,
            reason_code: reason.code,
            args: reason.args,
            contact_id: contact.map(|c| c.id.clone()),
            interaction_ids: ids,
        });
    };

    if new.kind == InteractionKind::FollowUpEmail
        && ctx.enabled(RuleId::EmailWeeklyCap)
        && let Some((message, ids)) = weekly_cap(&ctx, contact, new)
    {
        warn(RuleId::EmailWeeklyCap, message, ids);
    }
    if ctx.enabled(RuleId::CallNoVoicemail) {
        match new.kind {
            InteractionKind::VoicemailLeft => {
                let mut m = Because::new(ReasonCode::VoicemailLeft);
                m.lit("Leave no voicemail: hang up and keep calling until ")
                    .contact(contact, "the employer")
                    .lit(" picks up");
                warn(RuleId::CallNoVoicemail, m, Vec::new());
            }
            InteractionKind::MessageWithAssistant => {
                let mut m = Because::new(ReasonCode::MessageWithAssistant);
                m.lit(
                    "Leave no message with the assistant: say \"I'm going to be in and out, so \
                     I'll just keep trying\" and ask when a good time would be",
                );
                warn(RuleId::CallNoVoicemail, m, Vec::new());
            }
            _ => {}
        }
    }
    // Only the calls the seeker surely placed: a `call_connected` may be the
    // employer calling, which is no breach of anyone's channel.
    if new.is_unanswered_call() && ctx.reach(contact) == Reach::EmailOnly {
        let mut m = Because::new(ReasonCode::EmailOnlyContact);
        m.contact(contact, "the employer")
            .lit(" is e-mail only: write rather than call");
        warn(RuleId::ChannelPreference, m, Vec::new());
    }
    if new.is_follow_up()
        && ctx.enabled(RuleId::WaitForPromise)
        && let Some((promise, due)) = ctx.pending
    {
        let who = ctx.contact(promise.contact_id.as_deref());
        let mut m = Because::new(ReasonCode::FollowUpBeforePromise);
        promised(&mut m, who, promise, ctx.calendar(who), due);
        m.lit(": a status follow-up before then can seem pushy; wait");
        warn(RuleId::WaitForPromise, m, vec![promise.id.clone()]);
    }
    Ok(out)
}

/// The cap warning: the message and the other e-mails in the period.
fn weekly_cap(
    ctx: &Ctx<'_>,
    contact: Option<&Contact>,
    new: &Interaction,
) -> Option<(Because, Vec<String>)> {
    let params = ctx.pb.params();
    let cal = ctx.calendar(contact);
    let within = |a: DateTime<Utc>, b: DateTime<Utc>| {
        let (early, late) = if a <= b { (a, b) } else { (b, a) };
        add_local_days(cal, early, params.period_days).is_some_and(|end| late < end)
    };
    let mut others: Vec<&Interaction> = ctx
        .capped_emails(contact)
        .filter(|i| i.id != new.id && within(i.occurred_at, new.occurred_at))
        .collect();
    if others.len() < params.max_emails as usize {
        return None;
    }
    others.sort_by_key(|i| (i.occurred_at, &i.id));
    // The next one may go `period_days` after the `max_emails`-th latest,
    // counting this one.
    let mut times: Vec<DateTime<Utc>> = others.iter().map(|i| i.occurred_at).collect();
    times.push(new.occurred_at);
    times.sort_unstable_by(|a, b| b.cmp(a));
    let next = times
        .get((params.max_emails as usize).saturating_sub(1))
        .and_then(|&t| add_local_days(cal, t, params.period_days));

    let mut message = Because::new(ReasonCode::EmailCapExceeded);
    let count = u32::try_from(others.len() + 1).unwrap_or(u32::MAX);
    message.count("emails", count).lit(" follow-up e-mails to ");
    // Named after the person when every e-mail went to them, else after
    // the employer they share.
    if params.cap_scope == CapScope::Contact
        || others.iter().all(|i| {
            ctx.opp.interactions.iter().any(|o| std::ptr::eq(o, *i)) && ctx.is_for(i, contact)
        })
    {
        message.contact(contact, "the employer");
    } else {
        message.text("company", ctx.opp.employer());
    }
    message
        .lit(" within ")
        .count("cap_period_days", params.period_days)
        .lit(" days: more than ")
        .count("cap_max_emails", params.max_emails)
        .lit(" gets pesky");
    if let Some(next) = next {
        message
            .lit("; send the next one no earlier than ")
            .time("next_at", cal, next);
    }
    Some((message, others.iter().map(|i| i.id.to_string()).collect()))
}
