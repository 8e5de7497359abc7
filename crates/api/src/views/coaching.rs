//! Coaching relationships as the API shows them: grants and the people in them.

use crate::cadence::last_activity;
use crate::error::ApiError;
use crate::views::utc;
use chrono::{DateTime, Days, Utc};
use followup_core::analytics::{
    self, DEFAULT_INACTIVE_DAYS, DateRange, StallInput, Stalled, Window,
};
use followup_core::{Engine, NextAction, PromiseStatus, ReasonCode, Stage, promise_status_for};
use followup_store::auth::GrantRow;
use followup_store::snapshot::Snapshot;
use followup_store::users::UserRow;
use serde::Serialize;
use utoipa::ToSchema;

/// A person on the other side of a grant.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    /// Their account id.
    pub id: String,
    /// Their name.
    pub display_name: String,
    /// Their email.
    pub email: String,
}

/// Access a seeker gave a coach: the coach may read the seeker's data and do
/// what coaches may (assign playbooks, add notes marked as the coach's).
#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    /// The grant's id; `DELETE /v1/grants/{id}` withdraws it.
    pub id: String,
    /// The seeker whose data it opens.
    pub seeker_id: String,
    /// The coach.
    pub coach: Person,
    /// When it was given.
    pub created_at: DateTime<Utc>,
    /// The organization whose policy gave it (docs/organizations.md);
    /// `null` for a coach's own invite. Leaving the organization withdraws
    /// it.
    pub org_id: Option<String>,
}

pub fn grant(row: GrantRow, coach: &UserRow) -> Grant {
    Grant {
        id: row.id,
        seeker_id: row.seeker_id,
        coach: Person {
            id: coach.id.clone(),
            display_name: coach.display_name.clone(),
            email: coach.email.clone(),
        },
        created_at: utc(row.created_at),
        org_id: row.org_id,
    }
}

/// What the coach's client list says about one client's search.
#[derive(Debug, Default)]
pub struct Summary {
    pub open: u32,
    pub finals: u32,
    pub next_due_action: Option<NextAction>,
    pub last_activity: Option<DateTime<Utc>>,
    pub stalled: Stalled,
    /// The client's language: their pipeline's text is written in it.
    pub locale: followup_core::l10n::Locale,
}

pub fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Open and final opportunities, the earliest agenda action, the last
/// activity and the stalled flag of a client's snapshot at `now`. Cadence
/// caps count as broken when an analytics week of the last
/// [`DEFAULT_INACTIVE_DAYS`] days has a contact over the e-mail cap.
pub fn summary(snapshot: &Snapshot, now: DateTime<Utc>) -> Result<Summary, ApiError> {
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let calendar = &facts.seeker.calendar;
    let stages: Vec<Stage> = facts.opportunities.iter().map(|o| o.stage).collect();
    let broken: Vec<String> = facts
        .opportunities
        .iter()
        .filter(|o| o.stage.is_open())
        .flat_map(|o| o.promises.iter().map(move |p| (o, p)))
        .filter(|(o, p)| promise_status_for(p, o, calendar, now) == PromiseStatus::Broken)
        .map(|(_, p)| p.id.clone())
        .collect();
    let today = now.with_timezone(&calendar.tz).date_naive();
    let from = today
        .checked_sub_days(Days::new(u64::from(DEFAULT_INACTIVE_DAYS - 1)))
        .unwrap_or(today);
    let window = Window::new(
        DateRange { from, to: today },
        calendar.tz,
        chrono::Weekday::Mon,
    )
    .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let input = crate::cadence::analytics_input(facts, now);
    let params = playbook.params();
    let weeks = analytics::follow_ups_per_week(
        &input.interactions,
        &window,
        params.max_emails,
        params.cap_scope,
    );
    let cap_breaches: usize = weeks.iter().map(|week| week.over_cap.len()).sum();
    let mut over_cap: Vec<String> = weeks.into_iter().flat_map(|w| w.over_cap).collect();
    over_cap.sort();
    over_cap.dedup();
    let last = last_activity(facts, now);
    let mut stalled = analytics::stalled(
        &StallInput {
            now,
            last_activity: last,
            promises_broken: count(broken.len()),
            cap_breaches: count(cap_breaches),
            stages: stages.clone(),
        },
        DEFAULT_INACTIVE_DAYS,
    );
    for reason in &mut stalled.reasons {
        reason.ids = match reason.reason_code {
            ReasonCode::PromisesBroken => broken.clone(),
            ReasonCode::OnlyFinals => facts
                .opportunities
                .iter()
                .filter(|o| o.stage == Stage::Final)
                .map(|o| o.id.clone())
                .collect(),
            ReasonCode::CapsBroken => over_cap.clone(),
            _ => Vec::new(),
        };
        followup_core::l10n::localise_stall(reason, facts.seeker.locale);
    }
    Ok(Summary {
        open: count(stages.iter().filter(|s| s.is_open()).count()),
        finals: count(stages.iter().filter(|&&s| s == Stage::Final).count()),
        next_due_action: Engine::new(facts, playbook, now)
            .agenda()
            .into_iter()
            .min_by_key(|a| a.due_at),
        last_activity: last,
        stalled,
        locale: facts.seeker.locale,
    })
}

/// Who set a member's default playbook, and how.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaybookChoice {
    /// The playbook in use by default.
    #[schema(example = "balanced")]
    pub playbook: String,
    /// `default` (nobody chose), `seeker` (the member's own choice, kept
    /// when their group's playbook changes), `coach`, or `group`.
    #[schema(example = "seeker")]
    pub set_via: String,
    /// The account that set it; `null` for `default`.
    pub set_by: Option<String>,
    /// The group whose playbook it is, for `group`.
    pub group_id: Option<String>,
    /// When; `null` for `default`.
    pub set_at: Option<DateTime<Utc>>,
}

/// The playbook `user` uses by default and who set it (`source`, from
/// `users::playbook_sources`).
pub fn playbook_choice(
    user: &UserRow,
    source: Option<followup_store::users::PlaybookSource>,
) -> PlaybookChoice {
    let playbook = user
        .default_playbook
        .clone()
        .unwrap_or_else(|| crate::views::DEFAULT_PLAYBOOK.to_owned());
    match source {
        Some(source) => {
            let group_id = source.via.strip_prefix("group:").map(str::to_owned);
            PlaybookChoice {
                playbook,
                set_via: if group_id.is_some() {
                    "group".to_owned()
                } else {
                    source.via
                },
                set_by: Some(source.set_by),
                group_id,
                set_at: Some(utc(source.at)),
            }
        }
        None => PlaybookChoice {
            playbook,
            set_via: "default".to_owned(),
            set_by: None,
            group_id: None,
            set_at: None,
        },
    }
}
