//! The status follow-ups to the employer, and the rules that shape them.
//!
//! Triggers, in order of precedence:
//! - `share_competing_offer`: an offer elsewhere, not yet shared since it
//!   came (only a reply, a connected call or a follow-up e-mail since then
//!   counts as shared; an unanswered call does not) → due from then (the first business instant after it came),
//!   window ending at the close of the business day
//!   `lead_business_days` before its deadline (interviewing/final only); an
//!   offer that came after that moment is shared at once all the same, its
//!   window ending at the deadline's close, and the reason says it is late.
//! - `missed_promise_call`: the latest broken promise not settled since it
//!   fell due (by a reply, a connected call or a follow-up e-mail; an
//!   influence letter, a thank-you or an unanswered call settles nothing) →
//!   the first business-day opening after the due instant (that
//!   opening itself when the promise fell due at one, as a date on a weekend
//!   does), by phone (the playbook's `channel`; e-mail for e-mail-only
//!   contacts).
//! - `call_no_voicemail`: the last call to the primary contact went
//!   unanswered and nothing was heard since → the next business day, in the
//!   other half of the day (the afternoon when the call was outside hours).
//! - `follow_up_after_silence`: `silence_days` local days after the later of
//!   the last touch either way and the last broken promise's due time → that
//!   day's opening (interviewing/final only).
//!
//! While a promise is pending (`wait_for_promise`), only the competing-offer
//! share goes ahead: information is not a status chase. Once `move_on`'s
//! `max_unanswered` is reached, retries and silence follow-ups stop.
//!
//! Each trigger picks a channel (`channel_preference`), is held by an
//! out-of-office reply, capped by `email_weekly_cap` on e-mail and placed in
//! the contact's best time on the phone (`ask_assistant_best_time`). Triggers
//! that land on the same contact merge into one action, whatever their
//! channels (no bunching: one open follow-up per person): the id, kind,
//! channel and reason come from the highest-precedence one, the due time
//! from the earliest on that channel; a trigger on the other channel waits
//! behind it. The message is `share_status` with a
//! competing offer, `offer_collaboration` on a final without one, a plain
//! status check otherwise; on the phone the action is a `call` whose script
//! says the same.

use chrono::{DateTime, Days, Utc};

use crate::action::{ActionKind, Constraint, NextAction, Priority};
use crate::calendar::DayHalf;
use crate::contact::Channel;
use crate::drafts::{self, Message};
use crate::engine::{CompetingOffer, Ctx, Reach};
use crate::facts::{Contact, Interaction, Promise, PromiseDue};
use crate::id::IdText;
use crate::reason::{Arg, Because, Reason, ReasonCode, Text};
use crate::rules::RuleId;
use crate::rules::promises::promised;
use crate::schedule::{self, call_slot};
use crate::stage::Stage;

/// What asks for a follow-up, in order of precedence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Trigger {
    Share,
    MissedPromise,
    CallRetry,
    Silence,
}

impl Trigger {
    const fn rule(self) -> RuleId {
        match self {
            Self::Share => RuleId::ShareCompetingOffer,
            Self::MissedPromise => RuleId::MissedPromiseCall,
            Self::CallRetry => RuleId::CallNoVoicemail,
            Self::Silence => RuleId::FollowUpAfterSilence,
        }
    }

    /// Shares go to finals first: an interviewing opportunity's share is
    /// of normal priority, so a final's comes before it at the same time.
    const fn priority(self, stage: Stage) -> Priority {
        match (self, stage) {
            (Self::Share, Stage::Final) | (Self::MissedPromise, _) => Priority::High,
            (Self::Share | Self::CallRetry | Self::Silence, _) => Priority::Normal,
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Detail<'a> {
    Share(CompetingOffer<'a>),
    Missed(&'a Promise, DateTime<Utc>),
    Retry(&'a Interaction),
    Silence(DateTime<Utc>),
}

/// A trigger, then where it lands once placed.
#[derive(Debug, Clone, Copy)]
struct Candidate<'a> {
    trigger: Trigger,
    detail: Detail<'a>,
    contact: Option<&'a Contact>,
    channel: Channel,
    /// `channel_preference` changed the channel the playbook wanted.
    forced: bool,
    /// The earliest instant the trigger allows.
    base: DateTime<Utc>,
    /// The trigger's own window end (share deadline, half-day of a retry).
    window: Option<DateTime<Utc>>,
    anchor: IdText<'a>,
    due: DateTime<Utc>,
    end: DateTime<Utc>,
    capped: bool,
    /// The cap would have pushed a share past its latest useful moment, and
    /// the contact takes no calls: the e-mail goes anyway, saying why.
    cap_overridden: bool,
    /// The cap would have pushed a share past its latest useful moment, so
    /// it goes by phone instead.
    urgent_call: bool,
    held: bool,
    best_time: bool,
    /// A share whose offer came after its latest useful moment: it goes at
    /// once, due by the deadline itself, and says it is late.
    late: Option<DateTime<Utc>>,
    /// A share that could go only after the deadline closes (this instant).
    too_late: Option<DateTime<Utc>>,
}

impl<'a> Candidate<'a> {
    fn new(
        trigger: Trigger,
        detail: Detail<'a>,
        contact: Option<&'a Contact>,
        (channel, forced): (Channel, bool),
        base: DateTime<Utc>,
        window: Option<DateTime<Utc>>,
        anchor: impl Into<IdText<'a>>,
    ) -> Self {
        Self {
            trigger,
            detail,
            contact,
            channel,
            forced,
            base,
            window,
            anchor: anchor.into(),
            due: base,
            end: base,
            capped: false,
            cap_overridden: false,
            urgent_call: false,
            held: false,
            best_time: false,
            late: None,
            too_late: None,
        }
    }
}

pub(crate) fn evaluate(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    let mut candidates = triggers(ctx);
    let mut too_late = None;
    candidates.retain_mut(|c| {
        let placed = place(ctx, c);
        if !placed && c.too_late.is_some() {
            too_late = Some(*c);
        }
        placed
    });
    // A share that can no longer be useful says so instead of vanishing.
    if let Some(c) = too_late {
        out.push(too_late_to_share(ctx, &c));
    }
    candidates.sort_by_key(|c| c.trigger);
    // Group by contact, across channels: (highest precedence, earliest due
    // on that one's channel). A trigger on the other channel waits behind
    // the open one instead of reaching the same person twice.
    let mut groups: Vec<(usize, usize)> = Vec::with_capacity(candidates.len());
    for (i, c) in candidates.iter().enumerate() {
        let same = |g: &&mut (usize, usize)| {
            candidates[g.0].contact.map(|x| &x.id) == c.contact.map(|x| &x.id)
        };
        match groups.iter_mut().find(same) {
            Some(group) => {
                if c.channel == candidates[group.0].channel && c.due < candidates[group.1].due {
                    group.1 = i;
                }
            }
            None => groups.push((i, i)),
        }
    }
    for (primary, timing) in groups {
        out.push(build(ctx, &candidates[primary], &candidates[timing]));
    }
}

fn triggers<'a>(ctx: &Ctx<'a>) -> Vec<Candidate<'a>> {
    let mut found = Vec::with_capacity(3);
    let stage = ctx.opp.stage;
    let follow_stage = matches!(stage, Stage::Interviewing | Stage::Final);
    let params = ctx.pb.params();
    let primary = ctx.primary;

    if ctx.enabled(RuleId::ShareCompetingOffer)
        && follow_stage
        && let Some(offer) = ctx.offer
        && !offer.since.is_some_and(|since| ctx.settled_after(since))
    {
        let cal = ctx.calendar(primary);
        let window = offer.deadline.and_then(|d| {
            let lead = i32::try_from(params.lead_business_days).ok()?;
            cal.end_of_business(cal.add_business_days(d, -lead)?)
        });
        // Due since the offer came (or the opportunity came back from
        // ghosted, when later), so the action stays put while it waits.
        let base = offer.since.max(ctx.reopened).unwrap_or(ctx.at);
        let mut share = Candidate::new(
            Trigger::Share,
            Detail::Share(offer),
            primary,
            ctx.channel_for(primary, params.follow_up_channel),
            base,
            window,
            &offer.opportunity.id,
        );
        // An offer that came inside its lead time is still worth sharing,
        // at once and by the deadline itself; the reason says it is late.
        if let Some(latest) = window
            && cal
                .next_business_instant(base)
                .is_none_or(|due| due > latest)
        {
            share.late = Some(latest);
            share.window = offer
                .deadline
                .and_then(|d| schedule::promise_due_at(cal, PromiseDue::Date(d)));
        }
        found.push(share);
    }

    if ctx.enabled(RuleId::WaitForPromise) && ctx.pending.is_some() {
        return found;
    }

    if ctx.enabled(RuleId::MissedPromiseCall)
        && let Some((promise, due)) = ctx.broken
        && !ctx.settled_after(due)
    {
        let contact = ctx.contact(promise.contact_id.as_deref());
        let cal = ctx.calendar(contact);
        // A promise due at an opening (a date on a weekend or holiday) is
        // called back at that opening.
        let base = if cal.start_of_business(cal.local_date(due)) == Some(due) {
            Some(due)
        } else {
            schedule::opening_after(cal, due)
        };
        let channel = ctx.channel_for(contact, params.missed_promise_channel);
        if let Some(base) = base {
            // A call since the due time that reached nobody settled nothing,
            // but it was an attempt: the next one goes where a retry goes.
            let retry = (channel.0 == Channel::Phone)
                .then(|| call_retry(ctx, contact))
                .flatten()
                .filter(|r| matches!(r.detail, Detail::Retry(call) if call.occurred_at > due));
            let (base, window) = match retry {
                Some(retry) if retry.base > base => (retry.base, retry.window),
                _ => (base, None),
            };
            found.push(Candidate::new(
                Trigger::MissedPromise,
                Detail::Missed(promise, due),
                contact,
                channel,
                base,
                window,
                &promise.id,
            ));
        }
    }

    if ctx.cadence_exhausted() {
        return found;
    }

    if ctx.enabled(RuleId::CallNoVoicemail)
        && ctx.reach(primary) != Reach::EmailOnly
        && let Some(retry) = call_retry(ctx, primary)
    {
        found.push(retry);
    }

    if ctx.enabled(RuleId::FollowUpAfterSilence) && follow_stage && !ctx.letter_open() {
        let touch = ctx.last_touch.map(|i| (i.occurred_at, i.id.text()));
        let broken = ctx
            .broken
            .map(|(p, due)| (due, IdText::from(p.id.as_str())));
        let since = match (touch, broken) {
            (Some(t), Some(b)) => Some(t.max(b)),
            (t, b) => t.or(b),
        }
        .or_else(|| ctx.stage_entered_at().map(|at| (at, IdText::from("stage"))));
        if let Some((since, anchor)) = since {
            let cal = ctx.calendar(primary);
            let base = cal
                .local_date(since)
                .checked_add_days(Days::new(u64::from(params.silence_days)))
                .and_then(|d| schedule::opening_on_or_after(cal, d));
            if let Some(base) = base {
                found.push(Candidate::new(
                    Trigger::Silence,
                    Detail::Silence(since),
                    primary,
                    ctx.channel_for(primary, params.follow_up_channel),
                    base,
                    None,
                    anchor,
                ));
            }
        }
    }
    found
}

/// The retry of the last unanswered call to `contact`, unless the employer
/// answered (or a call connected) since.
fn call_retry<'a>(ctx: &Ctx<'a>, contact: Option<&'a Contact>) -> Option<Candidate<'a>> {
    let mut last_call: Option<&Interaction> = None;
    for i in ctx.since_reopening() {
        if i.is_unanswered_call()
            && ctx.is_for(i, contact)
            && last_call.is_none_or(|l| (i.occurred_at, &i.id) > (l.occurred_at, &l.id))
        {
            last_call = Some(i);
        }
    }
    let call = last_call?;
    if ctx
        .last_answer
        .is_some_and(|a| a.occurred_at >= call.occurred_at)
    {
        return None;
    }
    let cal = ctx.calendar(contact);
    let next_day = cal.next_business_day(cal.local_date(call.occurred_at))?;
    let best_time =
        ctx.enabled(RuleId::AskAssistantBestTime) && contact.is_some_and(|c| c.best_time.is_some());
    let (base, window) = if best_time {
        // The best time decides the hour; any of the next day's hours will do.
        (cal.start_of_business(next_day)?, None)
    } else {
        let half = cal
            .half_of(call.occurred_at)
            .unwrap_or(DayHalf::First)
            .other();
        let window = cal.half_window(next_day, half)?;
        (window.start, Some(window.end))
    };
    Some(Candidate::new(
        Trigger::CallRetry,
        Detail::Retry(call),
        contact,
        (Channel::Phone, false),
        base,
        window,
        call.id.text(),
    ))
}

/// Holds, caps and places the candidate; `false` when it cannot be placed.
fn place(ctx: &Ctx<'_>, c: &mut Candidate<'_>) -> bool {
    let cal = ctx.calendar(c.contact);
    let mut from = c.base;
    if let Some(hold) = ctx.hold(c.contact)
        && hold > from
    {
        from = hold;
        c.held = true;
    }
    // Urgency wins, visibly: a share that the weekly cap would push past its
    // latest useful moment goes by phone when the contact takes calls, else
    // by e-mail now, with the cap overridden and the deadline named.
    if c.channel == Channel::Email
        && matches!(c.detail, Detail::Share(_))
        && let Some(latest) = c.window
        && let Some(cap) = ctx.email_cap(c.contact)
        && cap > from
        && cal
            .next_business_instant(cap)
            .is_none_or(|due| due > latest)
    {
        if ctx.reach(c.contact) == Reach::EmailOnly || c.contact.is_none_or(|x| x.phone.is_none()) {
            c.cap_overridden = true;
        } else {
            c.channel = Channel::Phone;
            c.urgent_call = true;
        }
    }
    if c.channel == Channel::Phone {
        let best = c
            .contact
            .and_then(|x| x.best_time.as_ref())
            .filter(|_| ctx.enabled(RuleId::AskAssistantBestTime));
        let Some(slot) = call_slot(cal, best, from) else {
            return false;
        };
        c.due = slot.start;
        c.end = slot.end;
        c.best_time = slot.best_time;
    } else {
        if let Some(cap) = ctx.email_cap(c.contact).filter(|_| !c.cap_overridden)
            && cap > from
        {
            from = cap;
            c.capped = true;
        }
        let Some(due) = cal.next_business_instant(from) else {
            return false;
        };
        c.due = due;
        c.end = cal.end_of_business(cal.local_date(due)).unwrap_or(due);
    }
    if let Some(window) = c.window.filter(|&w| w > c.due) {
        c.end = window;
    }
    // A share that cannot go before the deadline closes (held by an
    // out-of-office reply past it, or too late) is no use any more.
    let Detail::Share(offer) = c.detail else {
        return true;
    };
    match offer
        .deadline
        .and_then(|d| schedule::promise_due_at(cal, PromiseDue::Date(d)))
    {
        Some(closes) if c.due >= closes => {
            c.too_late = Some(closes);
            false
        }
        _ => true,
    }
}

/// In place of a share that could go only after the deadline (its contact
/// out of office until then): a `wait` that says the offer cannot be shared
/// in time, due when the deadline closes.
fn too_late_to_share(ctx: &Ctx<'_>, c: &Candidate<'_>) -> NextAction {
    let cal = ctx.calendar(c.contact);
    let closes = c.too_late.unwrap_or(c.due);
    let mut r = Because::new(ReasonCode::OfferElsewhereTooLate);
    if let Detail::Share(offer) = c.detail {
        offer_head(&mut r, &offer);
        r.lit(", but ");
    }
    r.contact(c.contact, "the employer")
        .lit(" cannot hear of it before ")
        .time("reachable_at", cal, c.due);
    if c.held {
        r.lit(" (out of office)").flag("out_of_office", true);
    }
    r.lit(": too late to share it with ")
        .text("company", &ctx.opp.company)
        .lit(", so decide without waiting for them")
        .cite(&[RuleId::ShareCompetingOffer]);
    let mut action = ctx.action(
        RuleId::ShareCompetingOffer,
        c.contact,
        ActionKind::Wait,
        None,
        c.anchor,
        closes,
        None,
        Priority::Low,
        r.finish(),
    );
    if let Detail::Share(offer) = c.detail {
        action.competing_opportunity_id = Some(offer.opportunity.id.clone());
    }
    action
}

fn build(ctx: &Ctx<'_>, primary: &Candidate<'_>, timing: &Candidate<'_>) -> NextAction {
    let contact = primary.contact;
    let channel = primary.channel;
    // A follow-up due after the competing offer's deadline has no offer to
    // tell about any more.
    let cal = ctx.calendar(contact);
    let before_deadline = |offer: &CompetingOffer<'_>| {
        offer.deadline.is_none_or(|d| {
            schedule::promise_due_at(cal, PromiseDue::Date(d)).is_some_and(|end| timing.due < end)
        })
    };
    let message = match primary.detail {
        Detail::Share(offer) => Message::ShareStatus(offer.deadline),
        _ => match ctx.offer {
            Some(offer) if ctx.enabled(RuleId::ShareCompetingOffer) && before_deadline(&offer) => {
                Message::ShareStatus(offer.deadline)
            }
            Some(_) => Message::Plain,
            None if ctx.opp.stage == Stage::Final && ctx.enabled(RuleId::OfferCollaboration) => {
                Message::Collaboration
            }
            None => Message::Plain,
        },
    };
    let kind = match (channel, message) {
        (Channel::Phone, _) => ActionKind::Call,
        (_, Message::ShareStatus(_)) => ActionKind::ShareStatus,
        (_, Message::Collaboration) => ActionKind::OfferCollaboration,
        (_, Message::Plain) => ActionKind::SendFollowUpEmail,
    };
    let no_messages = channel == Channel::Phone && ctx.enabled(RuleId::CallNoVoicemail);

    let reason = reason(ctx, primary, timing, message, no_messages);
    let mut action = ctx.action(
        primary.trigger.rule(),
        contact,
        kind,
        Some(channel),
        primary.anchor,
        timing.due,
        Some(window_end(primary, timing)),
        primary.trigger.priority(ctx.opp.stage),
        reason,
    );
    if no_messages {
        action
            .constraints
            .extend([Constraint::NoVoicemail, Constraint::NoMessageWithAssistant]);
    }
    if timing.best_time {
        action.constraints.push(Constraint::BestTimeOnly);
    }
    if primary.cap_overridden {
        action.constraints.push(Constraint::CapOverridden);
    }
    if let Message::ShareStatus(_) = message {
        action.competing_opportunity_id = match primary.detail {
            Detail::Share(offer) => Some(offer.opportunity.id.clone()),
            _ => ctx.offer.map(|o| o.opportunity.id.clone()),
        };
    }
    let head = ctx.letterhead(contact);
    action.draft = Some(Box::new(if channel == Channel::Phone {
        drafts::call_script(&head, message, no_messages)
    } else {
        drafts::status_email(&head, message)
    }));
    action
}

fn reason(
    ctx: &Ctx<'_>,
    primary: &Candidate<'_>,
    timing: &Candidate<'_>,
    message: Message,
    no_messages: bool,
) -> Reason {
    let contact = primary.contact;
    let cal = ctx.calendar(contact);
    let code = match primary.detail {
        Detail::Share(_) => ReasonCode::OfferElsewhere,
        Detail::Missed(..) => ReasonCode::PromiseMissed,
        Detail::Retry(_) => ReasonCode::CallUnanswered,
        Detail::Silence(_) => ReasonCode::Silence,
    };
    let mut r = Because::new(code);
    match primary.detail {
        Detail::Share(offer) => {
            offer_head(&mut r, &offer);
            r.lit(": ");
        }
        Detail::Missed(promise, due) => {
            promised(&mut r, contact, promise, cal, due);
            r.lit("; nothing came — ");
        }
        Detail::Retry(call) => {
            r.contact(contact, "The employer")
                .lit(" did not pick up on ")
                .time("called_at", ctx.seeker_calendar(), call.occurred_at)
                .note("interaction_id", Arg::Text(Text::new(&call.id.text())))
                .lit(": ");
        }
        Detail::Silence(since) => {
            r.lit("No word since ")
                .day("last_heard_on", ctx.seeker_calendar(), since)
                .lit(": ");
        }
    }
    r.lit(if primary.channel == Channel::Phone {
        "call "
    } else {
        "e-mail "
    })
    .word("channel", primary.channel.as_str())
    .contact(contact, "the employer");
    if cal.is_opening(timing.due) {
        r.lit(" first thing ")
            .day("due_on", cal, timing.due)
            .flag("first_thing", true);
    } else {
        r.lit(" on ").time("due_at", cal, timing.due);
    }
    let purpose = match message {
        Message::Plain => "status_check",
        Message::Collaboration => "collaboration",
        Message::ShareStatus(_) => "share_status",
    };
    r.lit(match message {
        Message::Plain => " for a status check",
        Message::Collaboration => " to offer to help move it forward",
        Message::ShareStatus(_) => " to share where things stand for you",
    })
    .word("purpose", purpose);
    let end = window_end(primary, timing);
    if matches!(primary.detail, Detail::Share(_)) && end > timing.due {
        r.lit(", by ").time("window_end", cal, end);
    }
    if primary.forced {
        r.lit(if primary.channel == Channel::Email {
            ", not a call (e-mail only)"
        } else {
            ", by phone as preferred"
        })
        .flag("channel_forced", true);
    }
    if timing.capped {
        r.lit(", no sooner than ")
            .count("cap_period_days", ctx.pb.params().period_days)
            .lit(" days after your last e-mail");
    }
    if let (Some(latest), Detail::Share(offer)) = (primary.late, primary.detail) {
        r.lit(", late: the offer came after ")
            .time("latest_share_at", cal, latest)
            .lit(", the latest moment to share it comfortably, so share it at once");
        if let Some(deadline) = offer.deadline {
            r.lit(", before the deadline of ")
                .date("deadline", deadline);
        }
    }
    if primary.cap_overridden || primary.urgent_call {
        r.lit(if primary.urgent_call {
            ", by phone because waiting out the weekly e-mail cap"
        } else {
            ", even though it breaks the weekly e-mail cap, because waiting"
        })
        .flag("urgent_call", primary.urgent_call)
        .flag("cap_overridden", primary.cap_overridden)
        .lit(" would miss the offer's deadline");
        if let Detail::Share(offer) = primary.detail
            && let Some(deadline) = offer.deadline
        {
            r.lit(" of ").date("deadline", deadline);
        }
    }
    if timing.held {
        r.lit(", when ")
            .contact(contact, "the employer")
            .lit(" is back from out of office")
            .flag("out_of_office", true);
    }
    if timing.best_time
        && let Some(best) = contact.and_then(|c| c.best_time)
    {
        r.lit(", in the best time to reach ")
            .contact(contact, "the employer")
            .lit(" (")
            .text("best_time", &best.to_string())
            .lit(")");
    }
    if no_messages {
        r.lit(", leaving no voicemail").flag("no_voicemail", true);
    }
    let mut rules = [primary.trigger.rule(); 8];
    let mut n = 1;
    let mut add = |rule: RuleId, when: bool| {
        if when {
            rules[n] = rule;
            n += 1;
        }
    };
    add(timing.trigger.rule(), true);
    add(RuleId::ChannelPreference, primary.forced);
    add(
        RuleId::EmailWeeklyCap,
        timing.capped || primary.cap_overridden || primary.urgent_call,
    );
    add(RuleId::AskAssistantBestTime, timing.best_time);
    add(RuleId::CallNoVoicemail, no_messages);
    add(
        RuleId::OfferCollaboration,
        message == Message::Collaboration,
    );
    add(
        RuleId::ShareCompetingOffer,
        matches!(message, Message::ShareStatus(_)),
    );
    r.cite(&rules[..n]);
    r.finish()
}

/// "Acme has made you an offer to answer by Fri 8 Jan", with
/// `offer_company`, `competing_opportunity_id` and `deadline`.
fn offer_head(r: &mut Because, offer: &CompetingOffer<'_>) {
    r.text("offer_company", &offer.opportunity.company)
        .note(
            "competing_opportunity_id",
            Arg::Text(Text::new(&offer.opportunity.id)),
        )
        .lit(" has made you an offer");
    if let Some(deadline) = offer.deadline {
        r.lit(" to answer by ").date("deadline", deadline);
    }
}

/// The merged action's window: the primary trigger's own window (a share's
/// deadline) when it is still open at the due time, else the timing one's.
fn window_end(primary: &Candidate<'_>, timing: &Candidate<'_>) -> DateTime<Utc> {
    if primary.window.is_some() && primary.end > timing.due {
        primary.end
    } else {
        timing.end.max(timing.due)
    }
}
