//! What the API computes from the core's facts (which the store builds, in
//! `followup_store::facts`): the interaction warnings, the comparison's
//! inputs, the analytics' entries and the last activity.

use followup_core::compare::assess_fit;
use followup_core::{Facts, Opportunity, ProcessQuestion};
use followup_store::records::{InteractionRow, ProfileRow};

use crate::error::ApiError;
use crate::facts_cache::KeptFacts;
use crate::state::AppState;

fn internal(err: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(format!("stored data does not read back: {err}").into())
}

/// The year around which public holidays are computed up front.
pub fn this_year() -> i32 {
    use chrono::Datelike as _;
    crate::views::now().year()
}

/// The cadence warnings for an interaction just recorded on an opportunity
/// (a second follow-up e-mail inside the week, a voicemail under
/// `call_no_voicemail`, a call to an e-mail-only contact), judged against
/// the facts as they stand, with the opportunity's playbook or the seeker's.
///
/// The facts are those the agenda reads (the weekly cap counts the e-mails
/// to the employer across those opportunities), so they are kept for the
/// agenda at their revision: the seeker's next read of it, the first after
/// this write, reads no pipeline. An interaction on a closed opportunity is
/// judged with the whole pipeline.
pub fn interaction_warnings(
    state: &AppState,
    conn: &mut followup_store::DbConnection,
    seeker_id: &str,
    opportunity_id: &str,
    new: &InteractionRow,
) -> Result<Vec<followup_core::Warning>, ApiError> {
    use followup_store::snapshot::{self, Scope};

    let year = this_year();
    let stages = followup_core::policy::agenda_stages();
    let Some(mut snapshot) = snapshot::load(conn, seeker_id, Scope::Stages(&stages), year)? else {
        return Ok(Vec::new());
    };
    let on_agenda = snapshot.facts.opportunity(opportunity_id).is_some();
    if !on_agenda {
        match snapshot::load(conn, seeker_id, Scope::All, year)? {
            Some(all) => snapshot = all,
            None => return Ok(Vec::new()),
        }
    }
    let new = followup_store::facts::interaction(new);
    let mut warnings =
        followup_core::warnings_for(&snapshot.facts, &snapshot.playbook, opportunity_id, &new)
            .map_err(|e| ApiError::Internal(Box::new(e)))?;
    for warning in &mut warnings {
        followup_core::l10n::localise_warning(warning, snapshot.facts.seeker.locale);
    }
    if on_agenda {
        state.facts.put(seeker_id, &KeptFacts::of(snapshot, year));
    }
    Ok(warnings)
}

/// The warnings for `new` from the facts kept for its seeker, when they
/// are those of the revision just before the write that recorded it:
/// adding `new` to them gives the facts at `revision` exactly (that write
/// changed nothing else the engine reads), which are then kept for the
/// seeker's next agenda. `None` when nothing usable is kept: the caller
/// reads the pipeline ([`interaction_warnings`]).
pub fn interaction_warnings_from_kept(
    state: &AppState,
    revision: i64,
    new: &InteractionRow,
) -> Option<Result<Vec<followup_core::Warning>, ApiError>> {
    use chrono::Timelike as _;
    let year = this_year();
    // A stored instant keeps microseconds on PostgreSQL: what a read gives
    // back is only known for instants that have no finer part.
    if !new.occurred_at.nanosecond().is_multiple_of(1_000) {
        return None;
    }
    let KeptFacts {
        mut facts,
        playbook,
        ..
    } = state.facts.take(&new.seeker_id, revision - 1, year)?;
    let opportunity = facts
        .opportunities
        .iter_mut()
        .find(|o| o.id == new.opportunity_id)?;
    let interaction = followup_store::facts::interaction(new);
    // The order the store reads them in: when they happened, then by id.
    let at = opportunity
        .interactions
        .partition_point(|i| (i.occurred_at, &i.id) <= (interaction.occurred_at, &interaction.id));
    opportunity.interactions.insert(at, interaction.clone());
    let warnings =
        followup_core::warnings_for(&facts, &playbook, &new.opportunity_id, &interaction)
            .map(|mut warnings| {
                for warning in &mut warnings {
                    followup_core::l10n::localise_warning(warning, facts.seeker.locale);
                }
                warnings
            })
            .map_err(|error| ApiError::Internal(Box::new(error)));
    state.facts.put(
        &new.seeker_id,
        &KeptFacts {
            revision,
            year,
            facts,
            playbook,
        },
    );
    Some(warnings)
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
/// the engine's instant: the standing's facts are counted by the engine
/// ([`followup_core::Engine::standing_input`]), the fit and the competition
/// come from the profile.
pub fn comparison_facts(
    engine: &followup_core::Engine<'_>,
    opportunity: &Opportunity,
    profile: Option<&ProfileRow>,
) -> Result<ComparisonFacts, ApiError> {
    use followup_core::compare::{Competition, ProcessAnswers};

    let (criteria, competition) = match profile {
        Some(row) => (row.criteria.as_slice(), row.competition),
        None => (&[][..], Competition::default()),
    };
    let fit = assess_fit(criteria).map_err(internal)?;
    let profile = &opportunity.profile;
    Ok(ComparisonFacts {
        standing: engine.standing_input(opportunity, competition, fit.signal()),
        fit,
        answers: ProcessAnswers {
            where_in_process: profile.is_answered(ProcessQuestion::WhereInProcess),
            compare_to_ideal: profile.is_answered(ProcessQuestion::CompareToIdeal),
            other_candidates: profile.is_answered(ProcessQuestion::OtherCandidates),
        },
    })
}

/// The analytics' entries for a seeker's facts: every stage change and
/// interaction that happened by `now` (a scheduled interview counts once it
/// has taken place), and every promise with its due instant and its status
/// `now`.
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
        input.interactions.extend(
            opportunity
                .interactions
                .iter()
                .filter(|i| i.occurred_at <= now)
                .map(|i| InteractionEntry {
                    opportunity_id: opportunity.id.clone(),
                    contact_id: i.contact_id.as_ref().map(ToString::to_string),
                    employer: opportunity.employer().to_owned(),
                    kind: i.kind,
                    at: i.occurred_at,
                    out_of_office: i.is_out_of_office(),
                }),
        );
        for promise in &opportunity.promises {
            let Some(due_at) = promise_due_at(promise, calendar) else {
                continue;
            };
            let status = match promise_status_for(promise, opportunity, calendar, now) {
                PromiseStatus::Pending => PromiseOutcome::Pending,
                PromiseStatus::Kept => PromiseOutcome::Kept,
                PromiseStatus::Broken => PromiseOutcome::Broken,
                // Replaced by a newer promise: like a withdrawn one, neither
                // kept nor broken.
                PromiseStatus::Cancelled | PromiseStatus::Superseded => PromiseOutcome::Cancelled,
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
