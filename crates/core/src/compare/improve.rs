//! What would raise the standing, or firm it up.

use serde::{Deserialize, Serialize};

use super::{FitReport, FitSignal, StandingInput, silence_multiplier, standing};
use crate::stage::Stage;
use crate::wire::wire_enum;

/// Which of the three process questions (Sheffield, Attridge) have been
/// answered. A known competitor count or interviewer ratings count as answers
/// to their questions too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessAnswers {
    /// "Where are you in the search process?"
    #[serde(default)]
    pub where_in_process: bool,
    /// "How do I compare to your ideal candidate?"
    #[serde(default)]
    pub compare_to_ideal: bool,
    /// "How many other candidates are you considering?"
    #[serde(default)]
    pub other_candidates: bool,
}

wire_enum! {
    /// A kind of step that would raise the standing or firm it up.
    pub enum ImproveAction as "improvement" {
        /// Ask an open process question at the next conversation.
        AskQuestion => "ask_question",
        /// Enter the ideal-candidate criteria the employer described.
        RecordProfile => "record_profile",
        /// Address the largest gap in the influence letter.
        CloseGap => "close_gap",
        /// Get the employer to answer (silence is costing standing).
        GetAReply => "get_a_reply",
    }
}

/// One step that would raise the standing, or firm it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Improvement {
    /// What to do.
    pub action: ImproveAction,
    /// The question to ask or the gap to close, and what it would change.
    pub detail: String,
}

/// What would most raise the standing, for an opportunity at `screening`,
/// `interviewing` or `final` (empty at other stages): the open process
/// questions first (in the order the coaches give them), then recording the
/// profile, closing the largest gap, and getting a reply.
pub fn improve(
    input: &StandingInput,
    fit: Option<&FitReport>,
    answered: ProcessAnswers,
) -> Vec<Improvement> {
    if !matches!(
        input.stage,
        Stage::Screening | Stage::Interviewing | Stage::Final
    ) {
        return Vec::new();
    }
    let current = standing(input).value;
    let mut steps = Vec::new();
    let has_profile = fit.is_some_and(|report| report.max_points > 0);
    let rated_by_interviewer =
        fit.is_some_and(|report| report.interviewer_share.is_some_and(|share| share > 0.0));

    let ask = |question: &str, why: &str| Improvement {
        action: ImproveAction::AskQuestion,
        detail: format!("Ask \"{question}\" {why}"),
    };
    if !answered.where_in_process {
        steps.push(ask(
            "Where are you in the search process?",
            "so you know when to expect a decision and when silence means something (Sheffield).",
        ));
    }
    if !answered.compare_to_ideal && !rated_by_interviewer {
        steps.push(ask(
            "How do I compare to your ideal candidate?",
            "so the fit rests on the interviewer's view rather than yours (Sheffield).",
        ));
    }
    if !answered.other_candidates && input.competition.count.is_none() {
        steps.push(ask(
            "How many other candidates are you considering?",
            "so the standing rests on the real field instead of a published average (Attridge).",
        ));
    }
    if !has_profile && (answered.compare_to_ideal || rated_by_interviewer) {
        steps.push(Improvement {
            action: ImproveAction::RecordProfile,
            detail: "Enter the criteria the employer described, with their weights and your ratings, so fit and gaps can count.".to_owned(),
        });
    }

    if let Some(report) = fit
        && let Some(gap) = report.gaps.first()
        && report.max_points > 0
    {
        let new_fit = f64::from(report.points + gap.score) / f64::from(report.max_points);
        let with_gap_closed = StandingInput {
            fit: Some(FitSignal {
                value: new_fit,
                interviewer_share: report.interviewer_share.unwrap_or(0.0),
            }),
            ..*input
        };
        let raised = standing(&with_gap_closed).value;
        let from = report.fit.unwrap_or(0.0);
        steps.push(Improvement {
            action: ImproveAction::CloseGap,
            detail: format!(
                "Show in your influence letter how you would cover \"{name}\" in your first six months: it weighs {weight} and is rated {rating} of 5, the largest gap ({score} points). Closing it would lift fit from {from:.2} to {new_fit:.2} and standing from {current:.2} to {raised:.2}.",
                name = gap.name,
                weight = gap.weight,
                rating = gap.rating,
                score = gap.score,
            ),
        });
    }

    if !input.promise_pending
        && input
            .days_since_inbound
            .is_some_and(|days| silence_multiplier(days) < 1.0)
    {
        let answered_now = StandingInput {
            days_since_inbound: Some(0),
            unanswered_follow_ups: 0,
            ..*input
        };
        let raised = standing(&answered_now).value;
        if raised > current {
            steps.push(Improvement {
                action: ImproveAction::GetAReply,
                detail: format!(
                    "The silence is costing standing: a reply would raise it from {current:.2} to {raised:.2}. Follow up within the weekly cap with information, not pressure (Cohen)."
                ),
            });
        }
    }
    steps
}
