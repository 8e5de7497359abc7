//! The one place stored rows become the core's [`Facts`]: the seeker's
//! calendar, the playbooks rows refer to, and per opportunity its history,
//! contacts, interactions, promises and profile. Every endpoint that asks the
//! engine something reads its facts through [`crate::snapshot::load`], which
//! calls [`build`].

use std::collections::HashMap;

use followup_core::compare::assess_fit;
use followup_core::{
    BuiltinPlaybook, BusinessCalendar, Contact, Facts, Id, Interaction, NationalHolidays,
    OfferTerms, Opportunity, Playbook, Profile, Promise, Seeker, StageChange,
};

use crate::StoreError;
use crate::pipeline::{OpportunityRow, TransitionRow};
use crate::playbooks::PlaybookRow;
use crate::records::{ContactRow, InteractionRow, ProfileRow, PromiseRow};
use crate::users::UserRow;

/// The seeker's business calendar: zone, hours and holidays. Public-holiday
/// days are computed for the years around `year` (a date further away
/// computes its own when asked).
pub fn calendar(user: &UserRow, year: i32) -> Result<BusinessCalendar, StoreError> {
    let hours = user.business_hours.clone().unwrap_or_default();
    let mut calendar = BusinessCalendar::new(user.timezone);
    calendar.hours = hours;
    calendar.holidays.clone_from(&user.holidays);
    if !user.holiday_calendars.is_empty() {
        calendar.national =
            NationalHolidays::new(user.holiday_calendars.clone(), year - 1..=year + 2);
    }
    Ok(calendar)
}

/// The playbook a reference names: a built-in by name, or a custom one by
/// id among `custom`. `None` when it names neither (e.g. a deleted one).
pub fn resolve_playbook(reference: &str, custom: &[PlaybookRow]) -> Option<Playbook> {
    if let Ok(builtin) = reference.parse::<BuiltinPlaybook>() {
        return Some(Playbook::builtin(builtin));
    }
    let row = custom.iter().find(|p| p.id == reference)?;
    Playbook::from_spec(&row.spec).ok()
}

/// The seeker's default playbook (`balanced` when none is chosen or the
/// chosen one is gone).
pub fn seeker_playbook(user: &UserRow, custom: &[PlaybookRow]) -> Playbook {
    user.default_playbook
        .as_deref()
        .and_then(|r| resolve_playbook(r, custom))
        .unwrap_or_else(Playbook::balanced)
}

/// A contact as the engine sees it.
pub fn contact(row: &ContactRow) -> Contact {
    Contact {
        id: row.id.clone(),
        name: row.name.clone(),
        role: row.role,
        email: row.email.clone(),
        phone: row.phone.clone(),
        time_zone: row.timezone,
        preferred_channel: row.preferred_channel,
        best_time: row.best_time,
        holiday_calendar: row.holiday_calendar,
    }
}

/// An interaction as the engine sees it.
pub fn interaction(row: &InteractionRow) -> Interaction {
    Interaction {
        id: Id::new(&row.id),
        kind: row.kind,
        contact_id: row.contact_id.as_deref().map(Id::new),
        occurred_at: row.occurred_at.and_utc(),
        out_of_office_until: row.out_of_office_until,
        rejection_reason: row.rejection_reason,
    }
}

/// A promise as the engine sees it (cancelled if it ever was; see
/// [`promise_at`] for the promise as it stood at an instant).
pub fn promise(row: &PromiseRow) -> Result<Promise, StoreError> {
    Ok(Promise {
        id: row.id.clone(),
        contact_id: row.contact_id.clone(),
        what: row.what,
        due: row.due()?,
        made_at: row.made_at.and_utc(),
        cancelled: row.cancelled_at.is_some(),
        kept_at: row.kept_at.map(|k| k.and_utc()),
    })
}

/// A promise as it stood at `at`: one cancelled after `at` was not
/// cancelled yet (one marked kept after `at` is kept only from then).
pub fn promise_at(
    row: &PromiseRow,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<Promise, StoreError> {
    let mut fact = promise(row)?;
    fact.cancelled = row.cancelled_at.is_some_and(|c| c.and_utc() <= at);
    Ok(fact)
}

/// The profile as the engine sees it: which process questions are
/// answered, and the seeker's strengths for influence letters.
pub fn profile(row: Option<&ProfileRow>) -> Profile {
    let Some(row) = row else {
        return Profile::default();
    };
    let answered = row.answers.answered();
    let strengths = assess_fit(&row.criteria)
        .map(|fit| fit.strengths.into_iter().map(|s| s.name).collect())
        .unwrap_or_default();
    Profile {
        answered,
        strengths,
        first_six_months: row.first_six_months.clone(),
    }
}

/// An opportunity with the rows below it, as the engine sees it.
#[derive(Debug, Default)]
pub struct OpportunityParts<'a> {
    /// Its stage history.
    pub transitions: Vec<&'a TransitionRow>,
    /// Its contacts.
    pub contacts: Vec<&'a ContactRow>,
    /// Its interactions.
    pub interactions: Vec<&'a InteractionRow>,
    /// Its promises.
    pub promises: Vec<&'a PromiseRow>,
    /// Its profile.
    pub profile: Option<&'a ProfileRow>,
}

/// An opportunity and what is logged about it, as the engine sees it.
pub fn opportunity(
    row: &OpportunityRow,
    custom: &[PlaybookRow],
    parts: OpportunityParts<'_>,
) -> Result<Opportunity, StoreError> {
    Ok(Opportunity {
        id: row.id.clone(),
        company: row.company.clone(),
        employer: row.employer.clone(),
        title: row.title.clone(),
        industry: row.industry.clone(),
        stage: row.stage,
        offer_deadline: row.offer_deadline,
        offer_terms: OfferTerms {
            base_salary: row.base_salary,
            bonus: row.bonus,
            equity: row.equity.clone(),
            start_date: row.offer_start_date,
        },
        holiday_calendar: row.holiday_calendar,
        playbook: row
            .playbook
            .as_deref()
            .and_then(|r| resolve_playbook(r, custom)),
        history: parts
            .transitions
            .into_iter()
            .map(|t| StageChange {
                from: t.from_stage,
                to: t.to_stage,
                at: t.occurred_at.and_utc(),
            })
            .collect(),
        contacts: parts.contacts.into_iter().map(contact).collect(),
        interactions: parts.interactions.into_iter().map(interaction).collect(),
        promises: parts
            .promises
            .into_iter()
            .map(promise)
            .collect::<Result<_, _>>()?,
        profile: profile(parts.profile),
    })
}

/// Groups rows by their opportunity, keeping their order.
fn by_opportunity<T>(rows: &[T], key: impl Fn(&T) -> &str) -> HashMap<&str, Vec<&T>> {
    let mut grouped: HashMap<&str, Vec<&T>> = HashMap::new();
    for row in rows {
        grouped.entry(key(row)).or_default().push(row);
    }
    grouped
}

/// The rows [`build`] reads: a seeker's account and pipeline as stored.
#[derive(Debug, Clone, Copy)]
pub struct Rows<'a> {
    /// The account.
    pub user: &'a UserRow,
    /// Opportunities.
    pub opportunities: &'a [OpportunityRow],
    /// Their stage history, in recorded order.
    pub transitions: &'a [TransitionRow],
    /// Their contacts.
    pub contacts: &'a [ContactRow],
    /// Their interactions.
    pub interactions: &'a [InteractionRow],
    /// Their promises.
    pub promises: &'a [PromiseRow],
    /// Their profiles.
    pub profiles: &'a [ProfileRow],
    /// The custom playbooks the account and the opportunities refer to.
    pub playbooks: &'a [PlaybookRow],
}

/// The core's facts for a seeker's rows; `year` is the year around which
/// public holidays are computed up front.
pub fn build(rows: Rows<'_>, year: i32) -> Result<Facts, StoreError> {
    let mut transitions = by_opportunity(rows.transitions, |t| &t.opportunity_id);
    let mut contacts = by_opportunity(rows.contacts, |c| &c.opportunity_id);
    let mut interactions = by_opportunity(rows.interactions, |i| &i.opportunity_id);
    let mut promises = by_opportunity(rows.promises, |p| &p.opportunity_id);
    let profiles: HashMap<&str, &ProfileRow> = rows
        .profiles
        .iter()
        .map(|p| (p.opportunity_id.as_str(), p))
        .collect();
    let mut opportunities: Vec<Opportunity> = rows
        .opportunities
        .iter()
        .map(|row| {
            let id = row.id.as_str();
            opportunity(
                row,
                rows.playbooks,
                OpportunityParts {
                    transitions: transitions.remove(id).unwrap_or_default(),
                    contacts: contacts.remove(id).unwrap_or_default(),
                    interactions: interactions.remove(id).unwrap_or_default(),
                    promises: promises.remove(id).unwrap_or_default(),
                    profile: profiles.get(id).copied(),
                },
            )
        })
        .collect::<Result<_, _>>()?;
    // Collected through a `Result`, the list grew by doubling; the facts
    // are kept between requests (the API's facts cache), so without the room
    // to spare.
    opportunities.shrink_to_fit();
    Ok(Facts {
        seeker: Seeker {
            id: rows.user.id.clone(),
            name: rows.user.display_name.clone(),
            calendar: calendar(rows.user, year)?,
            locale: followup_core::l10n::Locale::parse(&rows.user.locale).unwrap_or_default(),
        },
        opportunities,
    })
}
