//! The news that closes a search's chapter: a rejection or an offer
//! (docs/cadence.md, "Decisive moments").
//!
//! - `close_on_rejection`: a logged `rejection_received` ends every
//!   follow-up of the opportunity at once. While the opportunity is still
//!   open, `confirm_rejection` proposes the move to `rejected` (with the
//!   reason given). Beside it, one optional `send_gracious_close` to the
//!   person who wrote: thank them, ask to be kept in mind. It stays on the
//!   agenda until the close of the fifth business day after the rejection,
//!   also once the opportunity is `rejected`, and ends when a `thank_you` or
//!   a `follow_up_email` is logged after the rejection.
//! - `offer_endgame`: a logged `offer_received` on an opportunity not yet at
//!   `offer` proposes `confirm_offer` (the move there); only at `offer` does
//!   it compete with the others. While the written terms are incomplete,
//!   `review_offer` asks for them. At `offer` with a deadline, `decide_offer`
//!   reminds the seeker at the opening of the second and of the last
//!   business day before it (the seeker's calendar), and `ask_for_extension`
//!   asks the offering contact for more time while another employer's
//!   opportunity at `interviewing` or `final` has no pending `decision`
//!   promise due by the deadline (the most advanced one is named in
//!   `competing_opportunity_id`; finals before interviews).
//!
//! The confirmations are the seeker's record-keeping: due at the first
//! business instant of the seeker's calendar from the news.
//!
//! A rejection counts until the opportunity moves anywhere but `rejected`
//! after it (the employer came back); an offer until it moves at all.

use chrono::{DateTime, Utc};

use crate::action::{ActionKind, NextAction, Priority, ProposedTransition};
use crate::drafts;
use crate::engine::Ctx;
use crate::facts::{Interaction, Opportunity};
use crate::interaction::InteractionKind;
use crate::reason::{Arg, Because, ReasonCode};
use crate::rules::RuleId;
use crate::stage::Stage;

/// Business days the gracious close stays on the agenda.
const GRACIOUS_DAYS: i32 = 5;

/// The latest `kind` logged by `at` that no later stage change overrode
/// (a move to `allowed` does not count as one).
fn standing(
    opp: &Opportunity,
    kind: InteractionKind,
    allowed: Option<Stage>,
    at: DateTime<Utc>,
) -> Option<&Interaction> {
    let latest = opp
        .interactions
        .iter()
        .filter(|i| i.kind == kind && i.occurred_at <= at)
        .max_by(|a, b| (a.occurred_at, &a.id).cmp(&(b.occurred_at, &b.id)))?;
    let overridden = opp
        .history
        .iter()
        .any(|h| h.at > latest.occurred_at && h.at <= at && Some(h.to) != allowed);
    (!overridden).then_some(latest)
}

/// The rejection that ends the opportunity's follow-ups, if any.
pub(crate) fn rejection(opp: &Opportunity, at: DateTime<Utc>) -> Option<&Interaction> {
    if !(opp.stage.is_open() || opp.stage == Stage::Rejected) {
        return None;
    }
    standing(
        opp,
        InteractionKind::RejectionReceived,
        Some(Stage::Rejected),
        at,
    )
}

/// `confirm_rejection` and the gracious close, after `rejection`.
pub(crate) fn after_rejection(ctx: &Ctx<'_>, rejection: &Interaction, out: &mut Vec<NextAction>) {
    const RULE: RuleId = RuleId::CloseOnRejection;
    if !ctx.enabled(RULE) {
        return;
    }
    let company = &ctx.opp.company;
    let seeker = ctx.seeker_calendar();
    if ctx.opp.stage.is_open() {
        let mut reason = Because::new(ReasonCode::RejectionReceived);
        reason.text("company", company).lit(" said no on ").day(
            "said_on",
            seeker,
            rejection.occurred_at,
        );
        if let Some(why) = rejection.rejection_reason {
            reason
                .lit(" (")
                .lit(why.describe())
                .lit(")")
                .word("rejection_reason", why.as_str());
        }
        reason
            .lit(": move it to rejected; its follow-ups end here")
            .cite(&[RULE]);
        let Some(due) = seeker.next_business_instant(rejection.occurred_at) else {
            return;
        };
        let mut action = ctx.action(
            RULE,
            None,
            ActionKind::ConfirmRejection,
            None,
            &rejection.id,
            due,
            None,
            Priority::High,
            reason.finish(),
        );
        action.transition = Some(ProposedTransition {
            to: Stage::Rejected,
            reason: rejection.rejection_reason,
        });
        out.push(action);
    }

    let closed = ctx.interactions().any(|i| {
        i.occurred_at > rejection.occurred_at
            && matches!(
                i.kind,
                InteractionKind::ThankYou | InteractionKind::FollowUpEmail
            )
    });
    if closed {
        return;
    }
    let contact = ctx.contact(rejection.contact_id.as_ref());
    let cal = ctx.calendar(contact);
    let day = cal.local_date(rejection.occurred_at);
    let Some(end) = cal
        .add_business_days(day, GRACIOUS_DAYS)
        .and_then(|d| cal.end_of_business(d))
    else {
        return;
    };
    let Some(due) = cal.next_business_instant(rejection.occurred_at) else {
        return;
    };
    if ctx.at > end || due > end {
        return;
    }
    let mut reason = Because::new(ReasonCode::GraciousClose);
    reason
        .lit("If you like, thank ")
        .contact(contact, "the employer")
        .lit(" for their time and ask to be kept in mind for future roles at ")
        .text("company", company)
        .lit(" — a door left open, no pleading; until ")
        .day("until", cal, end)
        .cite(&[RULE]);
    let mut action = ctx.action(
        RULE,
        contact,
        ActionKind::SendGraciousClose,
        Some(crate::Channel::Email),
        &rejection.id,
        due,
        Some(end),
        Priority::Low,
        reason.finish(),
    );
    action.draft = Some(Box::new(drafts::gracious_close(&ctx.letterhead(contact))));
    out.push(action);
}

/// `confirm_offer` after an `offer_received` on an opportunity not yet at
/// `offer`, and `review_offer` while the written terms are incomplete.
pub(crate) fn offer_news(ctx: &Ctx<'_>, out: &mut Vec<NextAction>) {
    const RULE: RuleId = RuleId::OfferEndgame;
    if !ctx.enabled(RULE) || !ctx.opp.stage.is_open() {
        return;
    }
    if ctx.opp.stage == Stage::Offer {
        // Who brought the offer, the move to `offer` notwithstanding.
        let received = standing(
            ctx.opp,
            InteractionKind::OfferReceived,
            Some(Stage::Offer),
            ctx.at,
        );
        let since = ctx.stage_entered_at().or(received.map(|i| i.occurred_at));
        review_offer(ctx, since, received, out);
        let offering = ctx.contact(received.and_then(|i| i.contact_id.as_ref()));
        decide_offer(ctx, offering, out);
        ask_for_extension(ctx, since, offering, out);
        return;
    }
    let Some(offer) = standing(ctx.opp, InteractionKind::OfferReceived, None, ctx.at) else {
        return;
    };
    review_offer(ctx, Some(offer.occurred_at), Some(offer), out);
    let mut reason = Because::new(ReasonCode::OfferReceived);
    reason
        .text("company", &ctx.opp.company)
        .lit(" made you an offer on ")
        .day("offered_on", ctx.seeker_calendar(), offer.occurred_at)
        .lit(": move it to offer, so that it counts as one for the others and its endgame begins")
        .cite(&[RULE]);
    let Some(due) = ctx
        .seeker_calendar()
        .next_business_instant(offer.occurred_at)
    else {
        return;
    };
    let mut action = ctx.action(
        RULE,
        None,
        ActionKind::ConfirmOffer,
        None,
        &offer.id,
        due,
        None,
        Priority::High,
        reason.finish(),
    );
    action.transition = Some(ProposedTransition {
        to: Stage::Offer,
        reason: None,
    });
    out.push(action);
}

/// `review_offer`: ask the offering contact for the written offer while any
/// of its terms is unknown.
fn review_offer(
    ctx: &Ctx<'_>,
    since: Option<DateTime<Utc>>,
    received: Option<&Interaction>,
    out: &mut Vec<NextAction>,
) {
    const RULE: RuleId = RuleId::OfferEndgame;
    let mut missing = ctx.opp.missing_terms().peekable();
    if missing.peek().is_none() {
        return;
    }
    let contact = ctx.contact(received.and_then(|i| i.contact_id.as_ref()));
    let cal = ctx.calendar(contact);
    let Some(due) = cal.next_business_instant(since.unwrap_or(ctx.at)) else {
        return;
    };
    let terms: Vec<&str> = missing.collect();
    let list = terms.join(", ");
    let mut reason = Because::new(ReasonCode::OfferTermsMissing);
    reason
        .lit("Ask ")
        .contact(contact, "the employer")
        .lit(" for the offer in writing: its ")
        .lit(&list)
        .note(
            "terms",
            Arg::List(terms.iter().map(|t| t.replace(' ', "_")).collect()),
        )
        .lit(" are not on file yet, and the decision rests on them")
        .cite(&[RULE]);
    let mut action = ctx.action(
        RULE,
        contact,
        ActionKind::ReviewOffer,
        Some(crate::Channel::Email),
        "terms",
        due,
        None,
        Priority::High,
        reason.finish(),
    );
    action.draft = Some(Box::new(drafts::review_offer(
        &ctx.letterhead(contact),
        &list,
        &terms
            .iter()
            .map(|t| t.replace(' ', "_"))
            .collect::<Vec<_>>(),
    )));
    out.push(action);
}

/// `decide_offer`: the reminder of the second business day before the
/// deadline until the last one opens, then the last one's, until the
/// deadline closes (all in the seeker's calendar).
fn decide_offer(ctx: &Ctx<'_>, offering: Option<&crate::Contact>, out: &mut Vec<NextAction>) {
    const RULE: RuleId = RuleId::OfferEndgame;
    let Some(deadline) = ctx.opp.offer_deadline else {
        return;
    };
    let cal = ctx.seeker_calendar();
    let Some(closes) = crate::schedule::promise_due_at(cal, crate::PromiseDue::Date(deadline))
    else {
        return;
    };
    if ctx.at >= closes {
        return;
    }
    let opening = |days_before: i32| {
        cal.add_business_days(deadline, -days_before)
            .and_then(|d| cal.start_of_business(d))
    };
    let (Some(two), Some(one)) = (opening(2), opening(1)) else {
        return;
    };
    let (due, anchor, left, days_left) = if ctx.at < one {
        (two, "two days", "two business days", 2)
    } else {
        (one, "one day", "one business day", 1)
    };
    let mut reason = Because::new(ReasonCode::OfferDeadlineNear);
    reason
        .text("company", &ctx.opp.company)
        .lit("'s offer is to be answered by ")
        .date("deadline", deadline)
        .lit(", ")
        .lit(left)
        .note("business_days_left", Arg::Number(days_left))
        .lit(
            " from now: weigh it against the others and decide, or ask for more time while you can",
        )
        .cite(&[RULE]);
    let mut action = ctx.action(
        RULE,
        None,
        ActionKind::DecideOffer,
        None,
        anchor,
        due,
        Some(closes),
        Priority::High,
        reason.finish(),
    );
    action.draft = Some(Box::new(drafts::decide_offer(
        &ctx.letterhead(offering),
        deadline,
    )));
    out.push(action);
}

/// `ask_for_extension`: another employer is still deciding and has not
/// promised a decision by the deadline.
fn ask_for_extension(
    ctx: &Ctx<'_>,
    since: Option<DateTime<Utc>>,
    offering: Option<&crate::Contact>,
    out: &mut Vec<NextAction>,
) {
    const RULE: RuleId = RuleId::OfferEndgame;
    let Some(deadline) = ctx.opp.offer_deadline else {
        return;
    };
    let seeker = ctx.seeker_calendar();
    let Some(closes) = crate::schedule::promise_due_at(seeker, crate::PromiseDue::Date(deadline))
    else {
        return;
    };
    if ctx.at >= closes {
        return;
    }
    // The most advanced other employer still deciding: finals first.
    let waiting = ctx.engine.pipeline.deciding.iter().copied().find(|o| {
        !o.same_employer(ctx.opp) && !promises_decision_by(ctx.engine, o, closes, ctx.at)
    });
    let Some(other) = waiting else {
        return;
    };
    let cal = ctx.calendar(offering);
    let Some(due) = cal.next_business_instant(since.unwrap_or(ctx.at)) else {
        return;
    };
    if due >= closes {
        return;
    }
    let mut reason = Because::new(ReasonCode::ExtensionNeeded);
    reason
        .text("other_company", &other.company)
        .lit(" has not promised a decision by ")
        .date("deadline", deadline)
        .lit(", when ")
        .text("company", &ctx.opp.company)
        .lit("'s offer must be answered: ask ")
        .contact(offering, "the employer")
        .lit(" for a little more time, telling them where things stand for you")
        .cite(&[RULE]);
    let mut action = ctx.action(
        RULE,
        offering,
        ActionKind::AskForExtension,
        Some(crate::Channel::Email),
        &other.id,
        due,
        Some(closes),
        Priority::High,
        reason.finish(),
    );
    action.competing_opportunity_id = Some(other.id.clone());
    action.draft = Some(Box::new(drafts::ask_for_extension(
        &ctx.letterhead(offering),
        deadline,
    )));
    out.push(action);
}

/// Whether someone at `opportunity` promised a decision, still pending at
/// `at`, falling due by `by`.
fn promises_decision_by(
    engine: &crate::Engine<'_>,
    opportunity: &Opportunity,
    by: DateTime<Utc>,
    at: DateTime<Utc>,
) -> bool {
    let seeker = &engine.facts.seeker.calendar;
    opportunity.promises.iter().any(|p| {
        // The promised date is read on the promising contact's calendar,
        // as everywhere else.
        let promiser = crate::promise_status::promiser(opportunity, p);
        p.what == crate::PromiseWhat::Decision
            && p.made_at <= at
            && crate::promise_status_for(p, opportunity, seeker, at)
                == crate::PromiseStatus::Pending
            && crate::schedule::promise_due_at(engine.calendar(opportunity, promiser), p.due)
                .is_some_and(|due| due <= by)
    })
}
