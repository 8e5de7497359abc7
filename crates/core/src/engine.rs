//! The cadence engine: from the facts, the playbook and an instant, the next
//! actions per opportunity and the seeker's agenda.
//!
//! Engine-wide rules, which hold in every playbook:
//! - **Computed on read.** Nothing is stored; the same facts and instant give
//!   the same actions with the same ids. Interactions, promises and stage
//!   changes dated after `at` are ignored, so `?at=` replays the past with
//!   today's facts. Current stages and contacts are taken as they are.
//! - **Every touch counts.** Clocks run from the last logged touch either way,
//!   whoever logged it and however (a manual e-mail, a call, a reply).
//! - **No bunching.** At most one follow-up (`send_follow_up_email`,
//!   `share_status`, `offer_collaboration`, `call`) is open per contact,
//!   across channels: the triggers that want the same contact are merged
//!   into one action, due at the earliest of them. An overdue action keeps
//!   its due time and later steps are computed from the touch that answers it.
//! - **Replies pause.** An answer keeps pending promises, stops call retries
//!   and restarts the silence clock; an out-of-office reply does none of that
//!   and instead holds every action for that contact (all contacts when it
//!   names none) until the return date's opening in the contact's zone.
//! - **Local time, two calendars.** Everything is scheduled in the contact's
//!   zone (else the seeker's) with the seeker's business hours, on the
//!   contact's business days (their public holidays), never on a date that
//!   is one of the seeker's days off in the seeker's zone; 09:00 stays 09:00
//!   across DST changes.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use chrono_tz::Tz;
use thiserror::Error;

use crate::action::{ActionKind, IdHasher, NextAction, Priority};
use crate::calendar::BusinessCalendar;
use crate::compare::{Competition, FitSignal, StandingInput, whole_days_between};
use crate::contact::{Channel, ContactRole};
use crate::drafts::Letterhead;
use crate::employer::{CapScope, employer_hash};
use crate::facts::{Contact, Facts, Interaction, Opportunity, Promise, PromiseDue};
use crate::holidays::{HolidayCalendar, NationalHolidays};
use crate::interaction::InteractionKind;
use crate::playbook::Playbook;
use crate::promise_status::{PromiseStatus, is_kept, promise_status_for, superseded};
use crate::reason::Reason;
use crate::rules::{self, RuleId};
use crate::schedule::{self, promise_due_at};
use crate::stage::Stage;

mod ctx;

pub(crate) use ctx::{Ctx, Reach};

/// A request the engine cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    /// No opportunity with this id in the facts.
    #[error("no opportunity `{0}` in the facts")]
    UnknownOpportunity(String),
}

/// The next actions for one opportunity at `at`, sorted by due time, then
/// priority, then id. Includes `apply_more` when this opportunity is at final
/// or offer and the pipeline is thin. `playbook` is the seeker's; the
/// opportunity's own playbook, when set, takes precedence.
pub fn next_actions(
    facts: &Facts,
    playbook: &Playbook,
    opportunity_id: &str,
    at: DateTime<Utc>,
) -> Result<Vec<NextAction>, EngineError> {
    let opportunity = facts
        .opportunity(opportunity_id)
        .ok_or_else(|| EngineError::UnknownOpportunity(opportunity_id.to_owned()))?;
    Ok(Engine::new(facts, playbook, at).next_actions(opportunity))
}

/// Every open opportunity's next actions, plus `apply_more` once, sorted by
/// due time, then priority, then id.
pub fn agenda(facts: &Facts, playbook: &Playbook, at: DateTime<Utc>) -> Vec<NextAction> {
    Engine::new(facts, playbook, at).agenda()
}

/// An offer elsewhere, which changes what the others should hear.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CompetingOffer<'a> {
    pub(crate) opportunity: &'a Opportunity,
    pub(crate) deadline: Option<NaiveDate>,
    /// When the offer came (its move to `offer`, else an `offer_received`).
    pub(crate) since: Option<DateTime<Utc>>,
}

/// Pipeline-wide facts, computed once per evaluation.
#[derive(Debug, Clone)]
pub(crate) struct Pipeline<'a> {
    /// The live offers, most urgent first (earliest deadline, then none;
    /// deadlines passed in the seeker's calendar are ignored). Each
    /// opportunity competes with the first one at another employer.
    pub(crate) offers: Vec<CompetingOffer<'a>>,
    /// Opportunities at `final`, then at `interviewing` (each by id): those
    /// still deciding, for `ask_for_extension`.
    pub(crate) deciding: Vec<&'a Opportunity>,
    /// Open opportunities at final or offer.
    pub(crate) near_offer: u32,
    /// Active opportunities before final (`applied` through
    /// `interviewing`; prospects are not counted).
    pub(crate) others_open: u32,
    /// The pipeline-wide `apply_more`, when due.
    pub(crate) apply_more: Option<NextAction>,
}

impl<'a> Pipeline<'a> {
    /// The most urgent live offer at another employer than `opportunity`'s:
    /// an offer never competes with its own employer.
    pub(crate) fn offer_against(&self, opportunity: &Opportunity) -> Option<CompetingOffer<'a>> {
        self.offers
            .iter()
            .find(|o| !o.opportunity.same_employer(opportunity))
            .copied()
    }
}

/// One evaluation: the facts, the seeker's playbook, the instant, and what is
/// computed once for all opportunities (calendars per zone, competing offers,
/// pipeline counts). Build it once and ask it about many opportunities.
#[derive(Debug)]
pub struct Engine<'a> {
    pub(crate) facts: &'a Facts,
    pub(crate) playbook: &'a Playbook,
    pub(crate) at: DateTime<Utc>,
    /// The contacts' calendars, one per zone and holiday calendar that
    /// differ from the seeker's (see [`contact_calendar_key`]).
    zones: Vec<(CalendarKey, BusinessCalendar)>,
    /// Every opportunity's index by the hash of its employer, sorted: the
    /// opportunities at one employer are found without a scan.
    by_employer: Vec<(u64, usize)>,
    pub(crate) pipeline: Pipeline<'a>,
}

impl<'a> Engine<'a> {
    /// Prepares an evaluation of `facts` at `at` under the seeker's `playbook`.
    pub fn new(facts: &'a Facts, playbook: &'a Playbook, at: DateTime<Utc>) -> Self {
        let seeker = &facts.seeker.calendar;
        let mut zones: Vec<(CalendarKey, BusinessCalendar)> = Vec::new();
        let year = seeker.local_date(at).year();
        let mut offers: Vec<CompetingOffer<'a>> = Vec::new();
        let mut deciding: Vec<&'a Opportunity> = Vec::new();
        let (mut near_offer, mut others_open) = (0, 0);
        // Every opportunity's zones: a rejected one still has its gracious
        // close to place.
        for opportunity in &facts.opportunities {
            for contact in &opportunity.contacts {
                if let Some(key) = contact_calendar_key(seeker, opportunity, Some(contact))
                    && !zones.iter().any(|(k, _)| *k == key)
                {
                    let national = kept_holidays(key).map_or_else(NationalHolidays::default, |c| {
                        NationalHolidays::new(vec![c], year - 1..=year + 2)
                    });
                    zones.push((key, seeker.for_contact(key.0, national)));
                }
            }
            // A logged rejection ends the opportunity at once, before the
            // move to `rejected` is recorded: it is no longer in play.
            if !opportunity.stage.is_open() || rules::outcome::rejection(opportunity, at).is_some()
            {
                continue;
            }
            if matches!(opportunity.stage, Stage::Interviewing | Stage::Final) {
                deciding.push(opportunity);
            }
            match opportunity.stage {
                Stage::Final => near_offer += 1,
                Stage::Offer => {
                    near_offer += 1;
                    let candidate = CompetingOffer {
                        opportunity,
                        deadline: opportunity.offer_deadline,
                        since: offer_since(opportunity, at),
                    };
                    let live = candidate.deadline.is_none_or(|d| {
                        promise_due_at(&facts.seeker.calendar, PromiseDue::Date(d))
                            .is_some_and(|end| at < end)
                    });
                    if live {
                        offers.push(candidate);
                    }
                }
                // Prospects are open but not active: they are no pipeline yet.
                Stage::Prospect => {}
                _ => others_open += 1,
            }
        }
        offers.sort_by(|a, b| {
            let key = |o: &CompetingOffer<'a>| {
                (o.deadline.is_none(), o.deadline, o.opportunity.id.as_str())
            };
            key(a).cmp(&key(b))
        });
        let mut by_employer: Vec<(u64, usize)> = facts
            .opportunities
            .iter()
            .enumerate()
            .map(|(i, o)| (employer_hash(o.employer()), i))
            .collect();
        by_employer.sort_unstable();
        deciding.sort_by(|a, b| {
            (a.stage != Stage::Final, &a.id).cmp(&(b.stage != Stage::Final, &b.id))
        });
        let mut engine = Self {
            facts,
            playbook,
            at,
            zones,
            by_employer,
            pipeline: Pipeline {
                offers,
                deciding,
                near_offer,
                others_open,
                apply_more: None,
            },
        };
        engine.pipeline.apply_more = rules::search::apply_more(&engine);
        engine
    }

    /// The instant evaluated.
    pub const fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// The calendar to schedule `contact` of `opportunity` in: theirs
    /// (their zone and public holidays, minus the seeker's days off), or
    /// the seeker's own when they share it.
    pub(crate) fn calendar(
        &self,
        opportunity: &Opportunity,
        contact: Option<&Contact>,
    ) -> &BusinessCalendar {
        let seeker = &self.facts.seeker.calendar;
        match contact_calendar_key(seeker, opportunity, contact) {
            Some(key) => self
                .zones
                .iter()
                .find(|(k, _)| *k == key)
                .map_or(seeker, |(_, cal)| cal),
            None => seeker,
        }
    }

    /// The seeker's opportunities at `opportunity`'s employer, itself
    /// included.
    pub(crate) fn at_employer<'s>(
        &'s self,
        opportunity: &'s Opportunity,
    ) -> impl Iterator<Item = &'a Opportunity> + 's {
        let hash = employer_hash(opportunity.employer());
        let start = self.by_employer.partition_point(|&(h, _)| h < hash);
        self.by_employer[start..]
            .iter()
            .take_while(move |&&(h, _)| h == hash)
            .filter_map(|&(_, i)| self.facts.opportunities.get(i))
            .filter(move |o| o.same_employer(opportunity))
    }

    /// The playbook that governs `opportunity`.
    pub(crate) fn playbook_for(&self, opportunity: &'a Opportunity) -> &'a Playbook {
        opportunity.playbook.as_ref().unwrap_or(self.playbook)
    }

    /// The next actions for one opportunity (empty when it is closed, but
    /// for what follows a rejection), sorted.
    pub fn next_actions(&self, opportunity: &Opportunity) -> Vec<NextAction> {
        // Room for four: most opportunities have no more, and four actions
        // stay under the allocator's per-thread cache limit (1 KiB).
        let mut out = Vec::with_capacity(4);
        self.collect(opportunity, &mut out);
        if let Some(apply) = &self.pipeline.apply_more
            && matches!(opportunity.stage, Stage::Final | Stage::Offer)
            && rules::outcome::rejection(opportunity, self.at).is_none()
        {
            out.push(apply.clone());
        }
        sort(&mut out);
        out
    }

    /// The facts part of an opportunity's standing at the engine's instant,
    /// counted as the rules count them (one follow-up per local day since
    /// the employer was last heard from, clocks restarted by a move out of
    /// `ghosted`): the comparison and `move_on` never disagree on how many
    /// follow-ups went unanswered.
    pub fn standing_input(
        &self,
        opportunity: &Opportunity,
        competition: Competition,
        fit: Option<FitSignal>,
    ) -> StandingInput {
        let ctx = Ctx::new(self, opportunity);
        let mut promises_broken = 0_u32;
        let mut promise_pending = false;
        for promise in opportunity.promises.iter().filter(|p| p.made_at <= self.at) {
            match promise_status_for(promise, opportunity, &self.facts.seeker.calendar, self.at) {
                PromiseStatus::Broken => promises_broken += 1,
                PromiseStatus::Pending => promise_pending = true,
                _ => {}
            }
        }
        StandingInput {
            stage: opportunity.stage,
            competition,
            fit,
            promises_broken,
            promise_pending,
            unanswered_follow_ups: ctx.unanswered.count,
            days_since_inbound: ctx
                .last_answer
                .map(|last| whole_days_between(last.occurred_at, self.at)),
        }
    }

    /// Every open opportunity's actions and `apply_more` once, sorted.
    pub fn agenda(&self) -> Vec<NextAction> {
        let mut out = Vec::with_capacity(self.facts.opportunities.len() * 2 + 1);
        for opportunity in &self.facts.opportunities {
            self.collect(opportunity, &mut out);
        }
        out.extend(self.pipeline.apply_more.iter().cloned());
        sort(&mut out);
        out
    }

    /// Appends the opportunity-level actions (not `apply_more`).
    fn collect(&self, opportunity: &Opportunity, out: &mut Vec<NextAction>) {
        // A rejection comes first: it ends every follow-up at once, and its
        // gracious close outlives the move to `rejected`.
        if let Some(rejection) = rules::outcome::rejection(opportunity, self.at) {
            let ctx = Ctx::new(self, opportunity);
            rules::outcome::after_rejection(&ctx, rejection, out);
            return;
        }
        if !opportunity.stage.is_open() {
            return;
        }
        let ctx = Ctx::new(self, opportunity);
        let start = out.len();
        rules::outcome::offer_news(&ctx, out);
        rules::influence::evaluate(&ctx, out);
        rules::process_questions::evaluate(&ctx, out);
        rules::promises::evaluate(&ctx, out);
        rules::outreach::evaluate(&ctx, out);
        rules::assistant::evaluate(&ctx, out);
        rules::move_on::evaluate(&ctx, out);
        // A scheduled interview: prepare for it, and chase nobody until it.
        if ctx.enabled(RuleId::PrepareForInterview) && !rules::interview::scheduled(&ctx).is_empty()
        {
            let mut kept = start;
            for i in start..out.len() {
                if !rules::interview::held_by_interview(out[i].action) {
                    out.swap(kept, i);
                    kept += 1;
                }
            }
            out.truncate(kept);
        }
        rules::interview::evaluate(&ctx, out);
    }
}

fn sort(actions: &mut [NextAction]) {
    actions.sort_by(|a, b| {
        a.due_at
            .cmp(&b.due_at)
            .then(a.priority.rank().cmp(&b.priority.rank()))
            .then_with(|| a.id.cmp(&b.id))
    });
}

/// A contact's zone and the holiday calendar named for them, if any.
type CalendarKey = (Tz, Option<HolidayCalendar>);

/// Which calendar a contact is scheduled in (docs/cadence.md, "Decisive
/// moments", two calendars): their zone (the seeker's when unknown) and the
/// holiday calendar named for them — the contact's own, else the
/// opportunity's; with none named, the one their zone determines (see
/// [`kept_holidays`]). `None` when that is the seeker's own calendar: no
/// contact, or one in the seeker's zone with no calendar named.
pub fn contact_calendar_key(
    seeker: &BusinessCalendar,
    opportunity: &Opportunity,
    contact: Option<&Contact>,
) -> Option<(Tz, Option<HolidayCalendar>)> {
    let contact = contact?;
    let named = contact.holiday_calendar.or(opportunity.holiday_calendar);
    let tz = contact.time_zone.unwrap_or(seeker.tz);
    if tz == seeker.tz && named.is_none() {
        return None;
    }
    Some((tz, named))
}

/// The public holidays a contact keeps: the calendar named for them, else
/// their zone's.
fn kept_holidays((tz, named): CalendarKey) -> Option<HolidayCalendar> {
    named.or_else(|| HolidayCalendar::for_zone(tz))
}

/// The calendar `contact` of `opportunity` is scheduled in, built afresh
/// (the engine keeps one per zone and holiday calendar): see
/// [`contact_calendar_key`] and [`BusinessCalendar::for_contact`].
pub fn contact_calendar(
    seeker: &BusinessCalendar,
    opportunity: &Opportunity,
    contact: Option<&Contact>,
) -> Option<BusinessCalendar> {
    let key = contact_calendar_key(seeker, opportunity, contact)?;
    let national = kept_holidays(key).map_or_else(NationalHolidays::default, |c| {
        NationalHolidays::on_demand(vec![c])
    });
    Some(seeker.for_contact(key.0, national))
}

/// When the opportunity reached `offer`: its latest move there, else the
/// latest `offer_received`, as of `at`.
fn offer_since(opportunity: &Opportunity, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let moved = opportunity
        .history
        .iter()
        .filter(|h| h.to == Stage::Offer && h.at <= at)
        .map(|h| h.at)
        .max();
    moved.or_else(|| {
        opportunity
            .interactions
            .iter()
            .filter(|i| i.kind == InteractionKind::OfferReceived && i.occurred_at <= at)
            .map(|i| i.occurred_at)
            .max()
    })
}
