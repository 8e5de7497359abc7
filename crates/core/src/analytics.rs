//! Analytics over a seeker's pipeline, and the coach's "stalled" flag.
//!
//! Pure functions over plain entries the caller loads: stage changes,
//! interactions and promises, read in the seeker's time zone over an
//! inclusive range of local dates.
//!
//! - **Funnel**: for each stage from `applied` to `accepted`, how many
//!   opportunities reached it in the range, and the share of those that
//!   moved on to the next stage in the range.
//! - **Employer response times**: median days from an outbound touch to the
//!   next time the employer was heard from, per opportunity and overall.
//! - **Follow-ups per week** against the e-mail cap (Wolkstein: one a week).
//! - **Promises kept**: kept / (kept + broken).
//! - **Applications per week** against the `accelerate_search` target.
//! - **Stalled**: whether a client's pipeline is stuck, with the reasons.
//!
//! Weeks start on [`AnalyticsParams::week_start`]; with the default, Monday,
//! they are ISO 8601 weeks. Weeks overlapping the range only in part are
//! included and marked `partial`; only events inside the range are counted.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::compare::round2;
use crate::employer::{CapScope, employer_hash};
use crate::interaction::{Direction, InteractionKind};
use crate::stage::Stage;
use crate::wire::wire_enum;

mod stalled;

pub use stalled::{DEFAULT_INACTIVE_DAYS, StallInput, StallReason, Stalled, stalled};

/// The longest range analytics are computed over, in days (about three years).
pub const MAX_RANGE_DAYS: u64 = 1096;

/// The range of local dates analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Range))]
pub struct DateRange {
    /// First day, included.
    pub from: NaiveDate,
    /// Last day, included.
    pub to: NaiveDate,
}

/// A range that cannot be analysed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AnalyticsError {
    /// The range ends before it starts.
    #[error("the range ends ({to}) before it starts ({from})")]
    Reversed {
        /// First day given.
        from: NaiveDate,
        /// Last day given.
        to: NaiveDate,
    },
    /// The range is longer than [`MAX_RANGE_DAYS`].
    #[error("the range covers {days} days; at most {max} are allowed")]
    TooLong {
        /// Days in the range given.
        days: u64,
        /// The limit.
        max: u64,
    },
}

/// How the analytics are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsParams {
    /// The local dates analysed.
    pub range: DateRange,
    /// The seeker's time zone: instants are counted on their local date.
    pub tz: Tz,
    /// First day of a week; Monday gives ISO weeks.
    pub week_start: Weekday,
    /// Follow-up e-mails allowed per week (the playbook's
    /// `email_weekly_cap.max_emails`, 1 by default), counted per
    /// `email_cap_scope`.
    pub email_cap_per_week: u32,
    /// What the cap counts per: the employer (the default) or each contact
    /// (`email_weekly_cap.cap_scope`).
    pub email_cap_scope: CapScope,
    /// Applications to send per week (the playbook's
    /// `accelerate_search.weekly_applications`, 5 by default).
    pub applications_target_per_week: u32,
}

impl AnalyticsParams {
    /// Defaults of the `balanced` playbook: ISO weeks, 1 follow-up e-mail per
    /// contact per week, 5 applications per week.
    pub const fn new(range: DateRange, tz: Tz) -> Self {
        Self {
            range,
            tz,
            week_start: Weekday::Mon,
            email_cap_per_week: 1,
            email_cap_scope: CapScope::Employer,
            applications_target_per_week: 5,
        }
    }
}

/// A checked range read in a zone, split into weeks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    range: DateRange,
    tz: Tz,
    week_start: Weekday,
}

impl Window {
    /// Checks the range: it must not end before it starts nor span more than
    /// [`MAX_RANGE_DAYS`].
    pub fn new(range: DateRange, tz: Tz, week_start: Weekday) -> Result<Self, AnalyticsError> {
        if range.to < range.from {
            return Err(AnalyticsError::Reversed {
                from: range.from,
                to: range.to,
            });
        }
        let days = u64::try_from((range.to - range.from).num_days())
            .map_or(u64::MAX, |d| d.saturating_add(1));
        if days > MAX_RANGE_DAYS {
            return Err(AnalyticsError::TooLong {
                days,
                max: MAX_RANGE_DAYS,
            });
        }
        Ok(Self {
            range,
            tz,
            week_start,
        })
    }

    /// The local date of an instant.
    pub fn local_date(&self, at: DateTime<Utc>) -> NaiveDate {
        at.with_timezone(&self.tz).date_naive()
    }

    /// Whether an instant falls on a local date inside the range.
    pub fn contains(&self, at: DateTime<Utc>) -> bool {
        let date = self.local_date(at);
        self.range.from <= date && date <= self.range.to
    }

    /// The first day of the week holding `date`.
    pub fn week_of(&self, date: NaiveDate) -> NaiveDate {
        let back = (7 + date.weekday().num_days_from_monday()
            - self.week_start.num_days_from_monday())
            % 7;
        date.checked_sub_days(Days::new(u64::from(back)))
            .unwrap_or(date)
    }

    /// Every week overlapping the range, in order.
    pub fn weeks(&self) -> Vec<Week> {
        let mut weeks = Vec::new();
        let mut start = self.week_of(self.range.from);
        while start <= self.range.to {
            let Some(end) = start.checked_add_days(Days::new(6)) else {
                break;
            };
            weeks.push(Week {
                starts_on: start,
                ends_on: end,
                partial: start < self.range.from || end > self.range.to,
            });
            let Some(next) = start.checked_add_days(Days::new(7)) else {
                break;
            };
            start = next;
        }
        weeks
    }
}

/// One week of the range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Week {
    /// First day of the week.
    pub starts_on: NaiveDate,
    /// Last day of the week.
    pub ends_on: NaiveDate,
    /// The range covers only part of the week.
    pub partial: bool,
}

/// A stage change from an opportunity's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageEntry {
    /// The opportunity.
    pub opportunity_id: String,
    /// The stage left; `None` for the entry that created the opportunity.
    pub from: Option<Stage>,
    /// The stage entered.
    pub to: Stage,
    /// When.
    pub at: DateTime<Utc>,
}

/// A logged interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InteractionEntry {
    /// The opportunity.
    pub opportunity_id: String,
    /// The contact; `None` means the opportunity's primary contact.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// The opportunity's employer (see [`crate::employer`]); empty counts
    /// the opportunity as an employer of its own.
    #[serde(default)]
    pub employer: String,
    /// What happened.
    pub kind: InteractionKind,
    /// When.
    pub at: DateTime<Utc>,
    /// An automatic out-of-office reply: not an answer.
    #[serde(default)]
    pub out_of_office: bool,
}

impl InteractionEntry {
    /// The employer was heard from (not an out-of-office reply).
    fn is_answer(&self) -> bool {
        self.kind.direction().heard_from_employer() && !self.out_of_office
    }

    /// A status follow-up: a follow-up e-mail or a call attempt that reached
    /// nobody (no answer, a voicemail, a message left with the assistant).
    fn is_follow_up(&self) -> bool {
        matches!(
            self.kind,
            InteractionKind::FollowUpEmail
                | InteractionKind::CallNoAnswer
                | InteractionKind::VoicemailLeft
                | InteractionKind::MessageWithAssistant
        )
    }
}

wire_enum! {
    /// Where a promise ended up.
    pub enum PromiseOutcome as "promise outcome" {
        /// Not yet due, nothing heard.
        Pending => "pending",
        /// The employer was heard from after it was made.
        Kept => "kept",
        /// Due, and nothing heard.
        Broken => "broken",
        /// Withdrawn by the seeker.
        Cancelled => "cancelled",
    }
}

/// A promise and its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromiseEntry {
    /// The opportunity.
    pub opportunity_id: String,
    /// Its status at the end of the range (or now).
    pub status: PromiseOutcome,
    /// When it fell or falls due; counted in the range when this is.
    pub due_at: DateTime<Utc>,
}

/// Everything the analytics read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalyticsInput {
    /// Stage changes of every opportunity.
    #[serde(default)]
    pub history: Vec<StageEntry>,
    /// Interactions of every opportunity.
    #[serde(default)]
    pub interactions: Vec<InteractionEntry>,
    /// Promises of every opportunity.
    #[serde(default)]
    pub promises: Vec<PromiseEntry>,
}

/// All analytics for a range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analytics {
    /// The range analysed.
    pub range: DateRange,
    /// Stage counts and conversions.
    pub funnel: Vec<FunnelStage>,
    /// Employer response times.
    pub response_times: ResponseTimes,
    /// Follow-ups per week against the cap.
    pub follow_ups: Vec<WeeklyFollowUps>,
    /// Promise outcomes.
    pub promises: PromiseStats,
    /// Applications per week against the target.
    pub applications: Vec<WeeklyApplications>,
}

/// Every analytic for the range in `params`.
pub fn analytics(
    input: &AnalyticsInput,
    params: &AnalyticsParams,
) -> Result<Analytics, AnalyticsError> {
    let window = Window::new(params.range, params.tz, params.week_start)?;
    Ok(Analytics {
        range: params.range,
        funnel: funnel(&input.history, &window),
        response_times: response_times(&input.interactions, &window),
        follow_ups: follow_ups_per_week(
            &input.interactions,
            &window,
            params.email_cap_per_week,
            params.email_cap_scope,
        ),
        promises: promises_kept(&input.promises, &window),
        applications: applications_per_week(
            &input.history,
            &window,
            params.applications_target_per_week,
        ),
    })
}

// ----------------------------------------------------------------------------
// Funnel
// ----------------------------------------------------------------------------

/// The stages of the funnel, in order.
pub const FUNNEL: [Stage; 6] = [
    Stage::Applied,
    Stage::Screening,
    Stage::Interviewing,
    Stage::Final,
    Stage::Offer,
    Stage::Accepted,
];

/// One stage of the funnel.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FunnelStage {
    /// The stage.
    pub stage: Stage,
    /// Opportunities that reached this stage or a later one in the range
    /// (skipped stages count as passed; `declined` counts as `offer`).
    pub reached: u32,
    /// Of those, how many reached the next stage or a later one; `null` for
    /// the last stage.
    pub moved_on: Option<u32>,
    /// `moved_on / reached`, rounded to 2 decimals; `null` when nothing
    /// reached the stage, and for the last stage.
    pub conversion: Option<f64>,
}

/// Position of a stage in [`FUNNEL`]: `declined` counts as having reached
/// `offer`; `prospect` and the closing stages are not in the funnel.
fn funnel_position(stage: Stage) -> Option<usize> {
    match stage {
        Stage::Declined => Some(4),
        _ => FUNNEL.iter().position(|&s| s == stage),
    }
}

/// How many opportunities reached each stage of [`FUNNEL`] in the range, and
/// the share that moved on.
///
/// An opportunity reached a stage when a stage change inside the range took
/// it there or past it: skipped stages count as passed (an opportunity
/// created at `interviewing` passed `applied` and `screening`), a move back
/// (`final → interviewing`) does not undo a stage reached, and `declined`
/// counts as having reached `offer`. So each stage's count is at most the
/// previous one's, and conversions are at most 1.
pub fn funnel(history: &[StageEntry], window: &Window) -> Vec<FunnelStage> {
    let mut furthest: BTreeMap<&str, usize> = BTreeMap::new();
    for entry in history.iter().filter(|e| window.contains(e.at)) {
        if let Some(position) = funnel_position(entry.to) {
            let best = furthest.entry(entry.opportunity_id.as_str()).or_insert(0);
            *best = (*best).max(position);
        }
    }
    let reached: Vec<u32> = (0..FUNNEL.len())
        .map(|i| count_u32(furthest.values().filter(|&&p| p >= i).count()))
        .collect();
    FUNNEL
        .iter()
        .enumerate()
        .map(|(i, &stage)| {
            let moved_on = reached.get(i + 1).copied();
            let conversion = moved_on
                .filter(|_| reached[i] > 0)
                .map(|moved| round2(f64::from(moved) / f64::from(reached[i])));
            FunnelStage {
                stage,
                reached: reached[i],
                moved_on,
                conversion,
            }
        })
        .collect()
}

// ----------------------------------------------------------------------------
// Response times
// ----------------------------------------------------------------------------

/// How fast the employer answered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseSummary {
    /// Median days from an outbound touch to the answer, rounded to 1
    /// decimal; `null` when nothing was answered.
    pub median_days: Option<f64>,
    /// Waits that ended with an answer.
    pub answered: u32,
    /// Waits with no answer yet.
    pub unanswered: u32,
}

/// Response times of one opportunity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpportunityResponse {
    /// The opportunity.
    pub opportunity_id: String,
    /// Median days from an outbound touch to the answer, rounded to 1
    /// decimal; `null` when nothing was answered.
    pub median_days: Option<f64>,
    /// Waits that ended with an answer.
    pub answered: u32,
    /// Waits with no answer yet.
    pub unanswered: u32,
}

/// Employer response times: a wait starts at the first outbound touch after
/// the employer was last heard from and ends at the next inbound message or
/// conversation (never an out-of-office reply); waits starting in the range
/// count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseTimes {
    /// Over every wait of every opportunity (the median of all waits, not
    /// of the per-opportunity medians).
    pub overall: ResponseSummary,
    /// Opportunities with a wait starting in the range, by id.
    pub per_opportunity: Vec<OpportunityResponse>,
}

/// Median days from an outbound touch to the next time the employer was
/// heard from.
///
/// A wait starts at the first outbound touch (a letter, a follow-up, a call
/// attempt) after the employer was last heard from, and ends at the next
/// answer: an inbound message or a conversation (an interview, a call that
/// connected), never an out-of-office reply. Later touches during the same
/// wait do not start new waits, so a second follow-up does not make the
/// employer look faster. A wait counts when it starts inside the range; the
/// answer may come after the range. A wait with no answer in the data is
/// counted as unanswered.
pub fn response_times(interactions: &[InteractionEntry], window: &Window) -> ResponseTimes {
    let mut by_opportunity: BTreeMap<&str, Vec<&InteractionEntry>> = BTreeMap::new();
    for entry in interactions {
        by_opportunity
            .entry(entry.opportunity_id.as_str())
            .or_default()
            .push(entry);
    }
    let mut all_waits = Vec::new();
    let mut all_unanswered = 0;
    let mut per_opportunity = Vec::new();
    for (id, mut entries) in by_opportunity {
        entries.sort_by_key(|e| e.at);
        let mut waits = Vec::new();
        let mut unanswered = 0;
        let mut waiting_since: Option<DateTime<Utc>> = None;
        for entry in entries {
            if entry.is_answer() {
                if let Some(start) = waiting_since.take()
                    && window.contains(start)
                {
                    waits.push((entry.at - start).num_seconds());
                }
            } else if entry.kind.direction() == Direction::Outbound && waiting_since.is_none() {
                waiting_since = Some(entry.at);
            }
        }
        if waiting_since.is_some_and(|start| window.contains(start)) {
            unanswered += 1;
        }
        if waits.is_empty() && unanswered == 0 {
            continue;
        }
        all_unanswered += unanswered;
        per_opportunity.push(OpportunityResponse {
            opportunity_id: id.to_owned(),
            median_days: median_days(&mut waits.clone()),
            answered: count_u32(waits.len()),
            unanswered,
        });
        all_waits.extend(waits);
    }
    ResponseTimes {
        overall: ResponseSummary {
            median_days: median_days(&mut all_waits),
            answered: count_u32(all_waits.len()),
            unanswered: all_unanswered,
        },
        per_opportunity,
    }
}

/// The median of durations in seconds, as days rounded to 1 decimal (the
/// mean of the two middle values for an even count).
fn median_days(seconds: &mut [i64]) -> Option<f64> {
    seconds.sort_unstable();
    let n = seconds.len();
    let middle = match n {
        0 => return None,
        _ if n % 2 == 1 => seconds[n / 2] as f64,
        _ => (seconds[n / 2 - 1] as f64 + seconds[n / 2] as f64) / 2.0,
    };
    Some((middle / 86_400.0 * 10.0).round() / 10.0)
}

// ----------------------------------------------------------------------------
// Follow-ups and applications per week
// ----------------------------------------------------------------------------

/// Follow-ups sent in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyFollowUps {
    /// First day of the week (a Monday).
    pub starts_on: NaiveDate,
    /// Last day of the week.
    pub ends_on: NaiveDate,
    /// The range covers only part of the week.
    pub partial: bool,
    /// Follow-ups sent: follow-up e-mails and call attempts that reached nobody.
    pub sent: u32,
    /// Of those, follow-up e-mails.
    pub emails: u32,
    /// Follow-up e-mails the playbook allows per week, per employer (or per
    /// contact, as the playbook's `cap_scope` says).
    pub cap: u32,
    /// Opportunities at an employer (or with a contact) that got more
    /// follow-up e-mails than the cap that week, by id.
    pub over_cap: Vec<String>,
}

/// Follow-ups sent per week, and where the e-mail cap was broken.
///
/// The cadence rule counts a rolling 7 days per employer (or contact); this view counts
/// calendar weeks, so a pair of e-mails straddling a week boundary shows
/// here as within the cap even when the rule warned about it.
pub fn follow_ups_per_week(
    interactions: &[InteractionEntry],
    window: &Window,
    email_cap: u32,
    scope: CapScope,
) -> Vec<WeeklyFollowUps> {
    let mut sent: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    let mut emails: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    // Per week and capped group (the employer, or the opportunity and
    // contact): the e-mails, and the opportunities they were about.
    type Group<'i> = (NaiveDate, u64, Option<&'i str>);
    let mut groups: BTreeMap<Group<'_>, (u32, BTreeSet<&str>)> = BTreeMap::new();
    for entry in interactions
        .iter()
        .filter(|e| e.is_follow_up() && window.contains(e.at))
    {
        let week = window.week_of(window.local_date(entry.at));
        *sent.entry(week).or_default() += 1;
        if entry.kind == InteractionKind::FollowUpEmail {
            *emails.entry(week).or_default() += 1;
            let key = match scope {
                CapScope::Employer if !entry.employer.is_empty() => {
                    (week, employer_hash(&entry.employer), None)
                }
                CapScope::Employer => (week, employer_hash(&entry.opportunity_id), None),
                CapScope::Contact => (
                    week,
                    employer_hash(&entry.opportunity_id),
                    Some(entry.contact_id.as_deref().unwrap_or("")),
                ),
            };
            let group = groups.entry(key).or_default();
            group.0 += 1;
            group.1.insert(entry.opportunity_id.as_str());
        }
    }
    window
        .weeks()
        .into_iter()
        .map(|week| {
            let over_cap: BTreeSet<&str> = groups
                .iter()
                .filter(|((start, _, _), (count, _))| {
                    *start == week.starts_on && *count > email_cap
                })
                .flat_map(|(_, (_, ids))| ids.iter().copied())
                .collect();
            WeeklyFollowUps {
                starts_on: week.starts_on,
                ends_on: week.ends_on,
                partial: week.partial,
                sent: sent.get(&week.starts_on).copied().unwrap_or(0),
                emails: emails.get(&week.starts_on).copied().unwrap_or(0),
                cap: email_cap,
                over_cap: over_cap.into_iter().map(str::to_owned).collect(),
            }
        })
        .collect()
}

/// Applications sent in one week.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WeeklyApplications {
    /// First day of the week (a Monday).
    pub starts_on: NaiveDate,
    /// Last day of the week.
    pub ends_on: NaiveDate,
    /// The range covers only part of the week.
    pub partial: bool,
    /// Applications sent (moves into `applied`, or out of `prospect` straight
    /// to a later stage).
    pub count: u32,
    /// The playbook's `accelerate_search.weekly_applications` target.
    pub target: u32,
    /// `count ≥ target`.
    pub met: bool,
}

/// Whether a stage change is an application: entering `applied`, or leaving
/// `prospect` for a later stage directly (an application that went straight
/// to a screening or an interview). An opportunity created at a later stage
/// was applied for before it was logged, and does not count.
fn is_application(entry: &StageEntry) -> bool {
    entry.to == Stage::Applied
        || (entry.from == Some(Stage::Prospect)
            && matches!(
                entry.to,
                Stage::Screening
                    | Stage::Interviewing
                    | Stage::Final
                    | Stage::Offer
                    | Stage::Accepted
            ))
}

/// Applications per week against the `accelerate_search` target (Wolkstein:
/// accelerate your search when an offer seems near).
pub fn applications_per_week(
    history: &[StageEntry],
    window: &Window,
    target: u32,
) -> Vec<WeeklyApplications> {
    let mut counts: BTreeMap<NaiveDate, u32> = BTreeMap::new();
    for entry in history
        .iter()
        .filter(|e| is_application(e) && window.contains(e.at))
    {
        *counts
            .entry(window.week_of(window.local_date(entry.at)))
            .or_default() += 1;
    }
    window
        .weeks()
        .into_iter()
        .map(|week| {
            let count = counts.get(&week.starts_on).copied().unwrap_or(0);
            WeeklyApplications {
                starts_on: week.starts_on,
                ends_on: week.ends_on,
                partial: week.partial,
                count,
                target,
                met: count >= target,
            }
        })
        .collect()
}

// ----------------------------------------------------------------------------
// Promises
// ----------------------------------------------------------------------------

/// Promise outcomes, for promises due in the range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PromiseStats {
    /// Kept: the employer was heard from after the promise was made.
    pub kept: u32,
    /// Broken: due, and nothing heard.
    pub broken: u32,
    /// Not yet due.
    pub pending: u32,
    /// Cancelled by the seeker.
    pub cancelled: u32,
    /// `kept / (kept + broken)`, rounded to 2 decimals; `null` when neither.
    pub kept_share: Option<f64>,
}

/// The share of promises kept, among those due in the range that were kept
/// or broken (pending and cancelled ones are counted but not in the share).
pub fn promises_kept(promises: &[PromiseEntry], window: &Window) -> PromiseStats {
    let mut stats = PromiseStats {
        kept: 0,
        broken: 0,
        pending: 0,
        cancelled: 0,
        kept_share: None,
    };
    for promise in promises.iter().filter(|p| window.contains(p.due_at)) {
        match promise.status {
            PromiseOutcome::Kept => stats.kept += 1,
            PromiseOutcome::Broken => stats.broken += 1,
            PromiseOutcome::Pending => stats.pending += 1,
            PromiseOutcome::Cancelled => stats.cancelled += 1,
        }
    }
    let decided = stats.kept + stats.broken;
    if decided > 0 {
        stats.kept_share = Some(round2(f64::from(stats.kept) / f64::from(decided)));
    }
    stats
}

fn count_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests;
