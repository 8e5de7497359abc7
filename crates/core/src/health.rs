//! Pipeline health: how many opportunities are open at each stage, whether to
//! accelerate the search (`accelerate_search`), and the applications sent
//! this week against the weekly target.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::engine::Engine;
use crate::facts::Facts;
use crate::playbook::Playbook;
use crate::rules::RuleId;
use crate::schedule::week_start;
use crate::stage::Stage;

/// Opportunities open at a stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StageCount {
    /// The stage.
    pub stage: Stage,
    /// How many open opportunities are in it.
    pub count: u32,
}

/// The state of the whole search at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineHealth {
    /// Every open stage, in pipeline order, zeros included.
    pub open_by_stage: Vec<StageCount>,
    /// All open opportunities.
    pub open_total: u32,
    /// Open opportunities at final or offer.
    pub near_offer: u32,
    /// Active opportunities before final (`applied` through `interviewing`;
    /// prospects are not counted).
    pub others_open: u32,
    /// An offer may be near: apply to more (`accelerate_search`).
    pub accelerate: bool,
    /// Applications to aim for this week while accelerating; `None` otherwise.
    pub weekly_applications_target: Option<u32>,
    /// Opportunities moved to `applied` (created there, or from `prospect`
    /// straight to a later stage) since `week_start`.
    pub applications_this_week: u32,
    /// Monday 00:00 of the current week in the seeker's zone.
    pub week_start: DateTime<Utc>,
    /// Below this many `others_open` (active opportunities before final,
    /// prospects not counted), the agenda carries `apply_more`.
    pub min_active: u32,
    /// The agenda carries `apply_more`.
    pub apply_more: bool,
}

/// Pipeline health of `facts` at `at` under the seeker's `playbook`.
pub fn pipeline_health(facts: &Facts, playbook: &Playbook, at: DateTime<Utc>) -> PipelineHealth {
    Engine::new(facts, playbook, at).health()
}

impl Engine<'_> {
    /// Pipeline health at the engine's instant.
    pub fn health(&self) -> PipelineHealth {
        let open_stages = Stage::ALL.iter().copied().filter(|s| s.is_open());
        let mut open_by_stage: Vec<StageCount> = open_stages
            .map(|stage| StageCount { stage, count: 0 })
            .collect();
        for opportunity in &self.facts.opportunities {
            if let Some(entry) = open_by_stage
                .iter_mut()
                .find(|e| e.stage == opportunity.stage)
            {
                entry.count += 1;
            }
        }
        let tz = self.facts.seeker.calendar.tz;
        let week_start = week_start(tz, self.at).unwrap_or(self.at);
        let applications_this_week = self
            .facts
            .opportunities
            .iter()
            .filter(|o| {
                o.history
                    .iter()
                    .any(|h| h.at >= week_start && h.at <= self.at && is_application(h.from, h.to))
            })
            .count();
        let params = self.playbook.params();
        let accelerate =
            self.playbook.is_enabled(RuleId::AccelerateSearch) && self.pipeline.near_offer > 0;
        PipelineHealth {
            open_total: open_by_stage.iter().map(|e| e.count).sum(),
            open_by_stage,
            near_offer: self.pipeline.near_offer,
            others_open: self.pipeline.others_open,
            accelerate,
            weekly_applications_target: accelerate.then_some(params.weekly_applications),
            applications_this_week: u32::try_from(applications_this_week).unwrap_or(u32::MAX),
            week_start,
            min_active: params.min_active,
            apply_more: self.pipeline.apply_more.is_some(),
        }
    }
}

/// A move that sends an application: into `applied` (a creation there
/// included), or from `prospect` straight to a later open stage.
fn is_application(from: Option<Stage>, to: Stage) -> bool {
    to == Stage::Applied
        || (from == Some(Stage::Prospect)
            && matches!(
                to,
                Stage::Screening | Stage::Interviewing | Stage::Final | Stage::Offer
            ))
}
