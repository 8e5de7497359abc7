//! From stored rows to the core's facts: the bridge the cadence endpoints,
//! the promise statuses and the interaction warnings cross.

use std::collections::{BTreeSet, HashMap};
use std::str::FromStr as _;

use chrono::{Datelike as _, NaiveDate, NaiveTime};
use followup_core::compare::{Criterion, assess_fit};
use followup_core::{
    BestTime, BuiltinPlaybook, BusinessCalendar, BusinessHours, Contact, Facts, HolidayCalendar,
    Interaction, NationalHolidays, Opportunity, Playbook, PlaybookSpec, ProcessQuestion, Profile,
    Promise, PromiseDue, Seeker, StageChange,
};
use followup_store::pipeline::{OpportunityRow, TransitionRow};
use followup_store::playbooks::PlaybookRow;
use followup_store::records::{ContactRow, InteractionRow, ProfileRow, PromiseRow};
use followup_store::snapshot::Snapshot;
use followup_store::users::UserRow;

use crate::error::ApiError;
use crate::views::{WeekHours, utc};

fn internal(err: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("stored data does not read back: {err}").into())
}

/// The seeker's business calendar: zone, hours and holidays.
pub fn calendar(user: &UserRow) -> Result<BusinessCalendar, ApiError> {
    let tz = chrono_tz::Tz::from_str(&user.timezone).map_err(internal)?;
    let hours = match user.business_hours.as_deref() {
        Some(json) => {
            let week: WeekHours = serde_json::from_str(json).map_err(internal)?;
            let mut days = [None; 7];
            for (slot, (_, hours)) in days.iter_mut().zip(week.days()) {
                if let Some(hours) = hours {
                    let parse = |t: &str| NaiveTime::parse_from_str(t, "%H:%M").map_err(internal);
                    *slot = Some((parse(&hours.start)?, parse(&hours.end)?));
                }
            }
            BusinessHours::new(days).map_err(internal)?
        }
        None => BusinessHours::default(),
    };
    let holidays: BTreeSet<NaiveDate> = serde_json::from_str(&user.holidays).map_err(internal)?;
    let national: Vec<HolidayCalendar> =
        serde_json::from_str(&user.holiday_calendars).map_err(internal)?;
    let mut calendar = BusinessCalendar::new(tz);
    calendar.hours = hours;
    calendar.holidays = holidays;
    if !national.is_empty() {
        // The days of the years around today are computed once; an `?at=`
        // further away computes its own when asked.
        let year = crate::views::now().year();
        calendar.national = NationalHolidays::new(national, year - 1..=year + 2);
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
    let spec: PlaybookSpec = serde_json::from_str(&row.spec).ok()?;
    Playbook::from_spec(&spec).ok()
}

/// The seeker's default playbook (`balanced` when none is chosen).
pub fn seeker_playbook(snapshot: &Snapshot) -> Playbook {
    snapshot
        .user
        .default_playbook
        .as_deref()
        .and_then(|r| resolve_playbook(r, &snapshot.playbooks))
        .unwrap_or_else(Playbook::balanced)
}

/// A contact as the engine sees it.
pub fn contact(row: &ContactRow) -> Result<Contact, ApiError> {
    Ok(Contact {
        id: row.id.clone(),
        name: row.name.clone(),
        role: row.role.parse().map_err(internal)?,
        email: row.email.clone(),
        phone: row.phone.clone(),
        time_zone: row
            .timezone
            .as_deref()
            .map(chrono_tz::Tz::from_str)
            .transpose()
            .map_err(internal)?,
        preferred_channel: row.preferred_channel.parse().map_err(internal)?,
        best_time: row
            .best_time
            .as_deref()
            .and_then(|json| serde_json::from_str::<BestTime>(json).ok()),
    })
}

/// An interaction as the engine sees it.
pub fn interaction(row: &InteractionRow) -> Result<Interaction, ApiError> {
    Ok(Interaction {
        id: row.id.clone(),
        kind: row.kind.parse().map_err(internal)?,
        contact_id: row.contact_id.clone(),
        occurred_at: utc(row.occurred_at),
        out_of_office_until: row.out_of_office_until,
    })
}

/// A promise as the engine sees it.
pub fn promise(row: &PromiseRow) -> Result<Promise, ApiError> {
    let due = match (row.due_date, row.due_at) {
        (_, Some(at)) => PromiseDue::Instant(utc(at)),
        (Some(date), None) => PromiseDue::Date(date),
        (None, None) => return Err(internal("a promise without a due date")),
    };
    Ok(Promise {
        id: row.id.clone(),
        contact_id: row.contact_id.clone(),
        what: row.what.parse().map_err(internal)?,
        due,
        made_at: utc(row.made_at),
        cancelled: row.cancelled_at.is_some(),
    })
}

/// The profile as the engine sees it: which process questions are
/// answered, and the seeker's strengths for influence letters.
pub fn profile(row: Option<&ProfileRow>) -> Profile {
    let Some(row) = row else {
        return Profile::default();
    };
    let answers: serde_json::Value = serde_json::from_str(&row.answers).unwrap_or_default();
    let answered = [
        ("process_position", ProcessQuestion::WhereInProcess),
        ("comparison", ProcessQuestion::CompareToIdeal),
        ("competitors", ProcessQuestion::OtherCandidates),
    ]
    .into_iter()
    .filter(|(field, _)| answers.get(field).is_some_and(|v| !v.is_null()))
    .map(|(_, question)| question)
    .collect();
    let criteria: Vec<Criterion> = serde_json::from_str(&row.criteria).unwrap_or_default();
    let strengths = assess_fit(&criteria)
        .map(|fit| fit.strengths.into_iter().map(|s| s.name).collect())
        .unwrap_or_default();
    Profile {
        answered,
        strengths,
        first_six_months: row.first_six_months.clone(),
    }
}

fn opportunity(
    row: &OpportunityRow,
    custom: &[PlaybookRow],
    transitions: Vec<&TransitionRow>,
    contacts: Vec<Contact>,
    interactions: Vec<Interaction>,
    promises: Vec<Promise>,
    profile: Profile,
) -> Result<Opportunity, ApiError> {
    Ok(Opportunity {
        id: row.id.clone(),
        company: row.company.clone(),
        title: row.title.clone(),
        industry: row.industry.clone(),
        stage: row.stage.parse().map_err(internal)?,
        offer_deadline: row.offer_deadline,
        playbook: row
            .playbook
            .as_deref()
            .and_then(|r| resolve_playbook(r, custom)),
        history: transitions
            .into_iter()
            .map(|t| {
                Ok(StageChange {
                    from: t
                        .from_stage
                        .as_deref()
                        .map(str::parse)
                        .transpose()
                        .map_err(internal)?,
                    to: t.to_stage.parse().map_err(internal)?,
                    at: utc(t.occurred_at),
                })
            })
            .collect::<Result<_, ApiError>>()?,
        contacts,
        interactions,
        promises,
        profile,
    })
}

/// The core's facts for a snapshot.
pub fn facts(snapshot: &Snapshot) -> Result<Facts, ApiError> {
    let mut transitions: HashMap<&str, Vec<&TransitionRow>> = HashMap::new();
    for t in &snapshot.transitions {
        transitions
            .entry(t.opportunity_id.as_str())
            .or_default()
            .push(t);
    }
    let mut contacts: HashMap<&str, Vec<Contact>> = HashMap::new();
    for c in &snapshot.contacts {
        contacts
            .entry(c.opportunity_id.as_str())
            .or_default()
            .push(contact(c)?);
    }
    let mut interactions: HashMap<&str, Vec<Interaction>> = HashMap::new();
    for i in &snapshot.interactions {
        interactions
            .entry(i.opportunity_id.as_str())
            .or_default()
            .push(interaction(i)?);
    }
    let mut promises: HashMap<&str, Vec<Promise>> = HashMap::new();
    for p in &snapshot.promises {
        promises
            .entry(p.opportunity_id.as_str())
            .or_default()
            .push(promise(p)?);
    }
    let profiles: HashMap<&str, &ProfileRow> = snapshot
        .profiles
        .iter()
        .map(|p| (p.opportunity_id.as_str(), p))
        .collect();
    let opportunities = snapshot
        .opportunities
        .iter()
        .map(|row| {
            let id = row.id.as_str();
            opportunity(
                row,
                &snapshot.playbooks,
                transitions.remove(id).unwrap_or_default(),
                contacts.remove(id).unwrap_or_default(),
                interactions.remove(id).unwrap_or_default(),
                promises.remove(id).unwrap_or_default(),
                profile(profiles.get(id).copied()),
            )
        })
        .collect::<Result<_, _>>()?;
    Ok(Facts {
        seeker: Seeker {
            id: snapshot.user.id.clone(),
            name: snapshot.user.display_name.clone(),
            calendar: calendar(&snapshot.user)?,
        },
        opportunities,
    })
}

/// The cadence warnings for an interaction just recorded on an opportunity
/// (a second follow-up e-mail inside the week, a voicemail under
/// `call_no_voicemail`, a call to an e-mail-only contact), judged against
/// the facts as they stand, with the opportunity's playbook or the seeker's.
pub fn interaction_warnings(
    conn: &mut followup_store::DbConnection,
    seeker_id: &str,
    opportunity_id: &str,
    new: &InteractionRow,
) -> Result<Vec<followup_core::Warning>, ApiError> {
    let Some(snapshot) = followup_store::snapshot::load(
        conn,
        seeker_id,
        followup_store::snapshot::Scope::One(opportunity_id),
    )?
    else {
        return Ok(Vec::new());
    };
    let facts = facts(&snapshot)?;
    let playbook = seeker_playbook(&snapshot);
    followup_core::warnings_for(&facts, &playbook, opportunity_id, &interaction(new)?)
        .map_err(|e| ApiError::Internal(Box::new(e)))
}

/// The profile's competition as stored (`{competing_candidates, internal_candidate}`).
#[derive(Debug, Default, serde::Deserialize)]
struct StoredCompetition {
    #[serde(default)]
    competing_candidates: Option<u32>,
    #[serde(default)]
    internal_candidate: Option<bool>,
}

/// What one opportunity's comparison is computed from, at an instant.
#[derive(Debug, Clone)]
pub struct ComparisonFacts {
    /// The standing's inputs: stage, competition, fit, promises, silence.
    pub standing: followup_core::compare::StandingInput,
    /// Fit, gaps and strengths of the stored criteria (empty without a profile).
    pub fit: followup_core::compare::FitReport,
    /// Which process questions the employer answered.
    pub answers: followup_core::compare::ProcessAnswers,
}

/// Maps an opportunity and its stored profile to the comparison's inputs at
/// `at`: promises by their status at `at` (read in the contact's zone),
/// follow-ups since the employer was last heard from, and the whole days of
/// silence since then. Interactions and promises after `at` are ignored.
pub fn comparison_facts(
    opportunity: &Opportunity,
    profile: Option<&ProfileRow>,
    calendar: &BusinessCalendar,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<ComparisonFacts, ApiError> {
    use followup_core::compare::{Competition, ProcessAnswers, StandingInput, whole_days_between};
    use followup_core::{PromiseStatus, promise_status_for};

    let (criteria, competition) = match profile {
        Some(row) => (
            serde_json::from_str::<Vec<Criterion>>(&row.criteria).map_err(internal)?,
            serde_json::from_str::<StoredCompetition>(&row.competition).map_err(internal)?,
        ),
        None => (Vec::new(), StoredCompetition::default()),
    };
    let fit = assess_fit(&criteria).map_err(internal)?;
    let seen: Vec<&Interaction> = opportunity
        .interactions
        .iter()
        .filter(|i| i.occurred_at <= at)
        .collect();
    let last_inbound = seen
        .iter()
        .filter(|i| i.is_answer())
        .map(|i| i.occurred_at)
        .max();
    let unanswered = seen
        .iter()
        .filter(|i| i.is_follow_up() && last_inbound.is_none_or(|last| i.occurred_at > last))
        .count();
    let mut broken = 0_u32;
    let mut pending = false;
    for promise in opportunity.promises.iter().filter(|p| p.made_at <= at) {
        match promise_status_for(promise, opportunity, calendar, at) {
            PromiseStatus::Broken => broken += 1,
            PromiseStatus::Pending => pending = true,
            PromiseStatus::Kept | PromiseStatus::Cancelled => {}
        }
    }
    let profile = &opportunity.profile;
    Ok(ComparisonFacts {
        standing: StandingInput {
            stage: opportunity.stage,
            competition: Competition {
                count: competition.competing_candidates,
                internal_candidate: competition.internal_candidate,
            },
            fit: fit.signal(),
            promises_broken: broken,
            promise_pending: pending,
            unanswered_follow_ups: u32::try_from(unanswered).unwrap_or(u32::MAX),
            days_since_inbound: last_inbound.map(|last| whole_days_between(last, at)),
        },
        fit,
        answers: ProcessAnswers {
            where_in_process: profile.is_answered(ProcessQuestion::WhereInProcess),
            compare_to_ideal: profile.is_answered(ProcessQuestion::CompareToIdeal),
            other_candidates: profile.is_answered(ProcessQuestion::OtherCandidates),
        },
    })
}

/// The analytics' entries for a seeker's facts: every stage change and
/// interaction, and every promise with its due instant and its status `now`.
pub fn analytics_input(
    facts: &Facts,
    now: chrono::DateTime<chrono::Utc>,
) -> followup_core::analytics::AnalyticsInput {
    use followup_core::analytics::{
        AnalyticsInput, InteractionEntry, PromiseEntry, PromiseOutcome, StageEntry,
    };
    use followup_core::{PromiseStatus, promise_due_at, promise_status_for};

    let calendar = &facts.seeker.calendar;
    let mut input = AnalyticsInput::default();
    for opportunity in &facts.opportunities {
        input
            .history
            .extend(opportunity.history.iter().map(|change| StageEntry {
                opportunity_id: opportunity.id.clone(),
                from: change.from,
                to: change.to,
                at: change.at,
            }));
        input
            .interactions
            .extend(opportunity.interactions.iter().map(|i| InteractionEntry {
                opportunity_id: opportunity.id.clone(),
                contact_id: i.contact_id.clone(),
                kind: i.kind,
                at: i.occurred_at,
                out_of_office: i.is_out_of_office(),
            }));
        for promise in &opportunity.promises {
            let Some(due_at) = promise_due_at(promise, calendar) else {
                continue;
            };
            let status = match promise_status_for(promise, opportunity, calendar, now) {
                PromiseStatus::Pending => PromiseOutcome::Pending,
                PromiseStatus::Kept => PromiseOutcome::Kept,
                PromiseStatus::Broken => PromiseOutcome::Broken,
                PromiseStatus::Cancelled => PromiseOutcome::Cancelled,
            };
            input.promises.push(PromiseEntry {
                opportunity_id: opportunity.id.clone(),
                status,
                due_at,
            });
        }
    }
    input
}

/// The latest logged interaction or stage change of any opportunity at or
/// before `at`; `None` when nothing was logged.
pub fn last_activity(
    facts: &Facts,
    at: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    facts
        .opportunities
        .iter()
        .flat_map(|o| {
            o.interactions
                .iter()
                .map(|i| i.occurred_at)
                .chain(o.history.iter().map(|h| h.at))
        })
        .filter(|&instant| instant <= at)
        .max()
}
