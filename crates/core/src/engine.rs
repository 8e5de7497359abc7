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
use crate::rules::{self, RuleId};
use crate::schedule::{self, promise_due_at};
use crate::stage::Stage;

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
            if !opportunity.stage.is_open() {
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
        let mut out = Vec::new();
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
        rules::outcome::offer_news(&ctx, out);
        rules::influence::evaluate(&ctx, out);
        rules::process_questions::evaluate(&ctx, out);
        rules::promises::evaluate(&ctx, out);
        rules::outreach::evaluate(&ctx, out);
        rules::assistant::evaluate(&ctx, out);
        rules::move_on::evaluate(&ctx, out);
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

/// How a contact may be reached under the playbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reach {
    /// Never a call: the contact said so, the industry lives in e-mail, or the
    /// playbook allows no calls.
    EmailOnly,
    /// The contact prefers the phone.
    PhoneFirst,
    /// Either; the playbook decides.
    Either,
}

/// The later of two interactions (ties broken by id, for determinism).
fn later<'x>(
    current: Option<&'x Interaction>,
    candidate: &'x Interaction,
) -> Option<&'x Interaction> {
    match current {
        Some(c) if (c.occurred_at, &c.id) >= (candidate.occurred_at, &candidate.id) => Some(c),
        _ => Some(candidate),
    }
}

/// A promise with its due instant.
pub(crate) type DuePromise<'a> = (&'a Promise, DateTime<Utc>);

/// Unanswered follow-ups since the employer was last heard from.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Unanswered<'a> {
    /// Follow-ups counted, at most one per local day of the seeker; capped
    /// at 64.
    pub(crate) count: u32,
    /// The latest of them.
    pub(crate) last: Option<&'a Interaction>,
}

/// One opportunity under evaluation, with what one pass over its facts tells.
#[derive(Debug)]
pub(crate) struct Ctx<'a> {
    pub(crate) engine: &'a Engine<'a>,
    pub(crate) opp: &'a Opportunity,
    pub(crate) pb: &'a Playbook,
    pub(crate) at: DateTime<Utc>,
    pub(crate) primary: Option<&'a Contact>,
    /// The most urgent live offer at another employer.
    pub(crate) offer: Option<CompetingOffer<'a>>,
    /// The latest touch either way (no notes, no out-of-office replies).
    pub(crate) last_touch: Option<&'a Interaction>,
    /// The latest time the employer was heard from.
    pub(crate) last_answer: Option<&'a Interaction>,
    pub(crate) last_interview: Option<&'a Interaction>,
    pub(crate) last_letter: Option<DateTime<Utc>>,
    /// The pending promise falling due last.
    pub(crate) pending: Option<DuePromise<'a>>,
    /// The broken promise that fell due last.
    pub(crate) broken: Option<DuePromise<'a>>,
    pub(crate) unanswered: Unanswered<'a>,
    /// The latest move out of `ghosted`: every clock restarts there, so
    /// nothing from before it comes back overdue.
    pub(crate) reopened: Option<DateTime<Utc>>,
}

impl<'a> Ctx<'a> {
    pub(crate) fn new(engine: &'a Engine<'a>, opp: &'a Opportunity) -> Self {
        let at = engine.at;
        let mut ctx = Self {
            engine,
            opp,
            pb: engine.playbook_for(opp),
            at,
            primary: opp.primary_contact(),
            offer: engine.pipeline.offer_against(opp),
            last_touch: None,
            last_answer: None,
            last_interview: None,
            last_letter: None,
            pending: None,
            broken: None,
            unanswered: Unanswered::default(),
            reopened: opp
                .history
                .iter()
                .filter(|h| h.from == Some(Stage::Ghosted) && h.at <= at)
                .map(|h| h.at)
                .max(),
        };
        for i in ctx.since_reopening() {
            if i.is_touch() {
                ctx.last_touch = later(ctx.last_touch, i);
            }
            if i.is_answer() {
                ctx.last_answer = later(ctx.last_answer, i);
            }
            match i.kind {
                InteractionKind::Interview => ctx.last_interview = later(ctx.last_interview, i),
                InteractionKind::InfluenceLetter => {
                    ctx.last_letter = ctx.last_letter.max(Some(i.occurred_at));
                }
                _ => {}
            }
        }
        ctx.unanswered = ctx.count_unanswered();
        for promise in opp
            .promises
            .iter()
            .filter(|p| !p.cancelled && p.made_at <= at)
        {
            let contact = ctx.contact(promise.contact_id.as_deref());
            let Some(due) = promise_due_at(ctx.calendar(contact), promise.due) else {
                continue;
            };
            // A promise broken before the opportunity came back is history.
            if ctx.reopened.is_some_and(|r| due <= r) {
                continue;
            }
            if is_kept(promise, opp, at) || superseded(promise, Some(due), opp, at) {
                continue;
            }
            let slot = if due > at {
                &mut ctx.pending
            } else {
                &mut ctx.broken
            };
            if slot.is_none_or(|(p, d)| (due, &promise.id) > (d, &p.id)) {
                *slot = Some((promise, due));
            }
        }
        ctx
    }

    fn count_unanswered(&self) -> Unanswered<'a> {
        let since = self.last_answer.map(|a| a.occurred_at);
        let tz = self.engine.facts.seeker.calendar.tz;
        let mut days: [Option<NaiveDate>; 64] = [None; 64];
        let mut result = Unanswered::default();
        for i in self.since_reopening() {
            if !i.is_follow_up() || since.is_some_and(|s| i.occurred_at <= s) {
                continue;
            }
            result.last = later(result.last, i);
            let day = i.occurred_at.with_timezone(&tz).date_naive();
            let counted = &mut days[..result.count as usize];
            if !counted.contains(&Some(day)) && (result.count as usize) < days.len() {
                days[result.count as usize] = Some(day);
                result.count += 1;
            }
        }
        result
    }

    /// Interactions that happened by `at`.
    pub(crate) fn interactions(&self) -> impl Iterator<Item = &'a Interaction> + use<'a> {
        let at = self.at;
        self.opp
            .interactions
            .iter()
            .filter(move |i| i.occurred_at <= at)
    }

    /// The interactions that run the clocks: up to the evaluated instant and
    /// since the latest move out of `ghosted`. (The e-mail cap still counts
    /// every e-mail: a reopening makes nobody less pesky.)
    pub(crate) fn since_reopening(&self) -> impl Iterator<Item = &'a Interaction> + use<'a> {
        let reopened = self.reopened;
        self.interactions()
            .filter(move |i| reopened.is_none_or(|r| i.occurred_at >= r))
    }

    /// The contact with this id; the primary contact when `None` or unknown.
    pub(crate) fn contact(&self, id: Option<&str>) -> Option<&'a Contact> {
        id.and_then(|id| self.opp.contact(id)).or(self.primary)
    }

    /// Whether `interaction` concerns `contact` (interactions naming nobody,
    /// or someone not on file, count as the primary contact's).
    pub(crate) fn is_for(&self, interaction: &Interaction, contact: Option<&Contact>) -> bool {
        let is_primary = |c: &Contact| self.primary.is_some_and(|p| std::ptr::eq(p, c));
        match (interaction.contact_id.as_deref(), contact) {
            (Some(id), Some(c)) if id == c.id => true,
            (None, Some(c)) => is_primary(c),
            (None, None) => self.primary.is_none(),
            // Someone not on file counts as the primary contact.
            (Some(id), Some(c)) => is_primary(c) && self.opp.contact(id).is_none(),
            (Some(id), None) => self.primary.is_none() && self.opp.contact(id).is_none(),
        }
    }

    /// The calendar to schedule `contact` in.
    pub(crate) fn calendar(&self, contact: Option<&Contact>) -> &'a BusinessCalendar {
        self.engine.calendar(self.opp, contact)
    }

    /// The seeker's calendar.
    pub(crate) fn seeker_calendar(&self) -> &'a BusinessCalendar {
        &self.engine.facts.seeker.calendar
    }

    pub(crate) fn enabled(&self, rule: RuleId) -> bool {
        self.pb.is_enabled(rule)
    }

    /// How `contact` may be reached (`channel_preference`). A contact's own
    /// `email` preference holds even when the rule is disabled: it is a fact,
    /// not advice.
    pub(crate) fn reach(&self, contact: Option<&Contact>) -> Reach {
        let rule = self.enabled(RuleId::ChannelPreference);
        let params = self.pb.params();
        if rule && !params.calls_allowed {
            return Reach::EmailOnly;
        }
        match contact.map(|c| c.preferred_channel) {
            Some(Channel::Email) => Reach::EmailOnly,
            Some(Channel::Phone) => Reach::PhoneFirst,
            _ if rule
                && self
                    .opp
                    .industry
                    .as_deref()
                    .is_some_and(|i| params.is_email_first(i)) =>
            {
                Reach::EmailOnly
            }
            _ => Reach::Either,
        }
    }

    /// The channel for `contact` when the playbook would use `wanted`, and
    /// whether the contact's reach changed it.
    pub(crate) fn channel_for(
        &self,
        contact: Option<&Contact>,
        wanted: Channel,
    ) -> (Channel, bool) {
        let channel = match (self.reach(contact), wanted) {
            (Reach::EmailOnly, _) => Channel::Email,
            (Reach::PhoneFirst, _) => Channel::Phone,
            (Reach::Either, Channel::Phone) => Channel::Phone,
            (Reach::Either, _) => Channel::Email,
        };
        let wanted = if wanted == Channel::Phone {
            Channel::Phone
        } else {
            Channel::Email
        };
        (channel, channel != wanted)
    }

    /// The opening of the return date of the latest out-of-office reply that
    /// concerns `contact` (or names nobody) and that no answer followed.
    pub(crate) fn hold(&self, contact: Option<&Contact>) -> Option<DateTime<Utc>> {
        let mut latest: Option<&Interaction> = None;
        for i in self.interactions() {
            if i.is_out_of_office() && (i.contact_id.is_none() || self.is_for(i, contact)) {
                latest = later(latest, i);
            }
        }
        let ooo = latest?;
        if self
            .last_answer
            .is_some_and(|a| a.occurred_at > ooo.occurred_at)
        {
            return None;
        }
        let back = ooo.out_of_office_until?;
        schedule::opening_on_or_after(self.calendar(contact), back)
    }

    /// The earliest instant `email_weekly_cap` allows the next follow-up
    /// e-mail to `contact`: `period_days` local days after the
    /// `max_emails`-th latest one. `None` when fewer were sent.
    pub(crate) fn email_cap(&self, contact: Option<&Contact>) -> Option<DateTime<Utc>> {
        if !self.enabled(RuleId::EmailWeeklyCap) {
            return None;
        }
        let params = self.pb.params();
        let keep = params.max_emails as usize;
        let mut latest: [Option<DateTime<Utc>>; 8] = [None; 8];
        for i in self.capped_emails(contact) {
            if i.occurred_at > self.at {
                continue;
            }
            // Insert into the descending list of the `keep` latest.
            let mut value = Some(i.occurred_at);
            for slot in latest.iter_mut().take(keep) {
                if value > *slot {
                    std::mem::swap(slot, &mut value);
                }
            }
        }
        let kth = latest.get(keep.checked_sub(1)?).copied().flatten()?;
        schedule::add_local_days(self.calendar(contact).tz, kth, params.period_days)
    }

    /// The follow-up e-mails `email_weekly_cap` counts against `contact`,
    /// at any time: with `cap_scope` `employer` (the default) those to
    /// anyone at the employer, across all of the seeker's opportunities
    /// there; with `contact`, those to the contact on this opportunity.
    pub(crate) fn capped_emails<'s>(
        &'s self,
        contact: Option<&'s Contact>,
    ) -> impl Iterator<Item = &'a Interaction> + 's {
        let whole = self.pb.params().cap_scope == CapScope::Employer;
        let this = (!whole).then_some(self.opp);
        let group = self.engine.at_employer(self.opp).filter(move |_| whole);
        this.into_iter()
            .chain(group)
            .flat_map(|o| o.interactions.iter())
            .filter(move |i| {
                i.kind == InteractionKind::FollowUpEmail && (whole || self.is_for(i, contact))
            })
    }

    /// Whether the matter was settled with the employer after `t`: they were
    /// heard from (a reply, a connected call, a meeting), or the seeker sent
    /// the follow-up e-mail an action asks for. An influence letter, a
    /// thank-you or a call that reached nobody settles nothing: the employer
    /// has still not said where things stand (docs/cadence.md, "Decisive
    /// moments").
    pub(crate) fn settled_after(&self, t: DateTime<Utc>) -> bool {
        self.interactions().any(|i| {
            i.occurred_at > t && (i.is_answer() || i.kind == InteractionKind::FollowUpEmail)
        })
    }

    /// When the opportunity entered its current stage, if recorded.
    pub(crate) fn stage_entered_at(&self) -> Option<DateTime<Utc>> {
        self.opp
            .history
            .iter()
            .filter(|h| h.to == self.opp.stage && h.at <= self.at)
            .map(|h| h.at)
            .max()
    }

    /// `move_on` stopped the cadence: enough follow-ups went unanswered.
    pub(crate) fn cadence_exhausted(&self) -> bool {
        self.enabled(RuleId::MoveOn) && self.unanswered.count >= self.pb.params().max_unanswered
    }

    /// The influence letter for the last interview is still to be sent.
    pub(crate) fn letter_open(&self) -> bool {
        rules::influence::open_interview(self).is_some()
    }

    pub(crate) fn letterhead(&self, contact: Option<&'a Contact>) -> Letterhead<'a> {
        Letterhead {
            seeker: &self.engine.facts.seeker.name,
            contact,
            company: &self.opp.company,
            title: &self.opp.title,
        }
    }

    /// The hiring manager (else the primary contact, unless that is the
    /// assistant).
    pub(crate) fn manager(&self) -> Option<&'a Contact> {
        self.opp
            .contact_with_role(ContactRole::HiringManager)
            .or(self.primary.filter(|c| c.role != ContactRole::Assistant))
    }

    /// A stable action id.
    pub(crate) fn action_id(
        &self,
        rule: RuleId,
        contact: Option<&Contact>,
        action: ActionKind,
        channel: Option<Channel>,
        anchor: &str,
    ) -> String {
        IdHasher::new()
            .str(rule.as_str())
            .str(&self.opp.id)
            .opt(contact.map(|c| c.id.as_str()))
            .str(action.as_str())
            .opt(channel.map(Channel::as_str))
            .str(anchor)
            .finish()
    }

    /// A first name for reasons.
    pub(crate) fn name_of(contact: Option<&Contact>) -> &str {
        contact.map_or("the employer", Contact::first_name)
    }

    /// Builds an action for this opportunity.
    #[expect(
        clippy::too_many_arguments,
        reason = "one field per argument, all required"
    )]
    pub(crate) fn action(
        &self,
        rule: RuleId,
        contact: Option<&Contact>,
        action: ActionKind,
        channel: Option<Channel>,
        anchor: &str,
        due_at: DateTime<Utc>,
        window_end: Option<DateTime<Utc>>,
        priority: Priority,
        reason: String,
    ) -> NextAction {
        NextAction {
            id: self.action_id(rule, contact, action, channel, anchor),
            opportunity_id: Some(self.opp.id.clone()),
            contact_id: contact.map(|c| c.id.clone()),
            action,
            channel,
            due_at,
            window_end,
            priority,
            rule,
            reason,
            constraints: Vec::new(),
            draft: None,
            competing_opportunity_id: None,
            transition: None,
        }
    }
}

/// Appends " (rule_a, rule_b)" with each rule once, in the order given.
pub(crate) fn cite(reason: &mut String, rules: &[RuleId]) {
    reason.push_str(" (");
    let mut first = true;
    for (i, rule) in rules.iter().enumerate() {
        if rules[..i].contains(rule) {
            continue;
        }
        if !first {
            reason.push_str(", ");
        }
        reason.push_str(rule.as_str());
        first = false;
    }
    reason.push(')');
}
