//! One opportunity under evaluation: what a single pass over its facts
//! tells the rules (the latest touch, answer, interview and letter, the
//! pending and broken promises, the unanswered follow-ups), and the helpers
//! every rule uses to schedule and word an action.

use super::*;
use crate::id::IdText;

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
    /// With `cap_scope` `employer`, the `max_emails`-th latest follow-up
    /// e-mail to the employer: the same for every contact, so counted once.
    employer_cap: std::cell::OnceCell<Option<DateTime<Utc>>>,
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
            employer_cap: std::cell::OnceCell::new(),
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
        let seeker = &self.engine.facts.seeker.calendar;
        let mut days: [Option<NaiveDate>; 64] = [None; 64];
        let mut result = Unanswered::default();
        for i in self.since_reopening() {
            if !i.is_follow_up() || since.is_some_and(|s| i.occurred_at <= s) {
                continue;
            }
            result.last = later(result.last, i);
            let day = seeker.local_date(i.occurred_at);
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
    pub(crate) fn contact<I: ?Sized>(&self, id: Option<&I>) -> Option<&'a Contact>
    where
        String: PartialEq<I>,
    {
        id.and_then(|id| self.opp.contact(id)).or(self.primary)
    }

    /// Whether `interaction` concerns `contact` (interactions naming nobody,
    /// or someone not on file, count as the primary contact's).
    pub(crate) fn is_for(&self, interaction: &Interaction, contact: Option<&Contact>) -> bool {
        let is_primary = |c: &Contact| self.primary.is_some_and(|p| std::ptr::eq(p, c));
        match (interaction.contact_id.as_ref(), contact) {
            (Some(id), Some(c)) if c.id == *id => true,
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
        let kth = if params.cap_scope == CapScope::Employer {
            *self
                .employer_cap
                .get_or_init(|| self.kth_latest_capped(contact))
        } else {
            self.kth_latest_capped(contact)
        }?;
        schedule::add_local_days(self.calendar(contact), kth, params.period_days)
    }

    /// The `max_emails`-th latest e-mail `email_weekly_cap` counts against
    /// `contact` by `at`.
    fn kth_latest_capped(&self, contact: Option<&Contact>) -> Option<DateTime<Utc>> {
        let keep = self.pb.params().max_emails as usize;
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
        latest.get(keep.checked_sub(1)?).copied().flatten()
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
            translate: !self.engine.facts.seeker.locale.is_english(),
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

    /// Builds an action for this opportunity.
    #[expect(
        clippy::too_many_arguments,
        reason = "one field per argument, all required"
    )]
    pub(crate) fn action<'b>(
        &self,
        rule: RuleId,
        contact: Option<&Contact>,
        action: ActionKind,
        channel: Option<Channel>,
        anchor: impl Into<IdText<'b>>,
        due_at: DateTime<Utc>,
        window_end: Option<DateTime<Utc>>,
        priority: Priority,
        reason: Reason,
    ) -> NextAction {
        NextAction {
            id: self.action_id(rule, contact, action, channel, &anchor.into()),
            opportunity_id: Some(self.opp.id.clone()),
            contact_id: contact.map(|c| c.id.clone()),
            action,
            channel,
            due_at,
            window_end,
            priority,
            rule,
            reason: reason.text,
            reason_code: reason.code,
            args: reason.args,
            constraints: Vec::new(),
            draft: None,
            competing_opportunity_id: None,
            transition: None,
        }
    }
}
