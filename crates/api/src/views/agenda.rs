//! The agenda and the pipeline health of a seeker, for the seeker and for their coach.

use crate::agenda_cache::Rendered;
use crate::conditional::{derived_etag, if_none_match};
use crate::db::read;
use crate::error::ApiError;
use crate::facts_cache::KeptFacts;
use crate::shape::ActionShape;
use crate::state::AppState;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{DateTime, DurationRound as _, TimeDelta, Utc};
use followup_core::{ActionKind, Engine, NextAction, StageCount};
use followup_store::snapshot::{self, Scope};
use followup_store::users;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Actions, evaluated at an instant.
#[derive(Debug, Serialize, ToSchema)]
pub struct Actions {
    /// The instant the facts were evaluated at.
    pub at: DateTime<Utc>,
    /// The actions, by due time, then priority.
    pub items: Vec<NextAction>,
}

/// `?at=`: evaluate at this instant instead of now.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AtParams {
    /// An RFC 3339 instant; default now. Lets you see what the agenda said,
    /// or will say, at any instant.
    pub at: Option<DateTime<Utc>>,
}

/// What an opportunity's next actions are evaluated at and how they are
/// answered.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NextActionsParams {
    /// An RFC 3339 instant; default now.
    pub at: Option<DateTime<Utc>>,
    /// At most this many actions, 1–500, the first by due time. Default all.
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// A sparse field set: comma-separated top-level field names of each
    /// action; the actions carry only these, and `id` always. An unknown
    /// name is a 422 (`unknown_field`, `params.allowed` lists the names).
    #[param(example = "id,action,due_at,draft")]
    pub fields: Option<String>,
    /// `mailto`: fill in each draft's `mailto` link (left out by default:
    /// the client builds it from `to`, `subject` and `body`).
    #[param(example = "mailto")]
    pub include: Option<String>,
}

impl NextActionsParams {
    /// The shape asked for, checked.
    pub fn shape(&self) -> Result<ActionShape, ApiError> {
        let mut errors = Vec::new();
        let shape = ActionShape::parse(
            self.fields.as_deref(),
            self.limit,
            self.include.as_deref(),
            &mut errors,
        );
        if errors.is_empty() {
            Ok(shape)
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// The agenda's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AgendaParams {
    /// Evaluate at this RFC 3339 instant; default now (an answer is kept for
    /// the rest of its minute until the facts change; `at` says when it was
    /// evaluated).
    pub at: Option<DateTime<Utc>>,
    /// Only actions due at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only actions due before this instant.
    pub to: Option<DateTime<Utc>>,
    /// At most this many actions, 1–500: the first in the agenda's order
    /// (by due time, then priority), after `from` and `to`. Default all.
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// A sparse field set: comma-separated top-level field names of each
    /// action (`fields=id,action,due_at`); the actions carry only these, and
    /// `id` always. An unknown name is a 422 (`unknown_field`,
    /// `params.allowed` lists the names), and so is an empty list.
    #[param(example = "id,action,due_at,draft")]
    pub fields: Option<String>,
    /// `mailto`: fill in each draft's `mailto` link. Without it a draft
    /// carries `to`, `subject` and `body` and no link: the client builds it
    /// (RFC 6068; docs/payloads.md).
    #[param(example = "mailto")]
    pub include: Option<String>,
}

/// One seeker's agenda with its `ETag`: the seeker's own, or a client's for
/// a coach (`GET /v1/coach/clients/{id}/agenda`). `revision` is the seeker's
/// `facts_revision` where the caller already read it.
///
/// Without `?at=` the agenda is evaluated now and kept for the rest of the
/// minute while the seeker's facts stay the same (see
/// [`crate::agenda_cache`]).
pub async fn agenda_of(
    state: &web::Data<AppState>,
    seeker: String,
    revision: Option<i64>,
    params: &AgendaParams,
    req: &HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let mut errors = Vec::new();
    if let (Some(from), Some(to)) = (params.from, params.to)
        && from > to
    {
        errors.push(crate::error::FieldError::after("from", "to"));
    }
    let shape = ActionShape::parse(
        params.fields.as_deref(),
        params.limit,
        params.include.as_deref(),
        &mut errors,
    );
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let rendered = match params.at {
        Some(at) => Arc::new(compute_agenda(state, seeker, revision, at).await?),
        None => {
            let minute = this_minute();
            let revision = match revision {
                Some(revision) => revision,
                None => {
                    let seeker = seeker.clone();
                    read(state, move |_, conn| {
                        users::facts_revision(conn, &seeker)?.ok_or_else(gone)
                    })
                    .await?
                }
            };
            state
                .agendas
                .get_or_compute(&seeker, revision, minute, || {
                    // Evaluated at the instant of the first request of the
                    // minute, so a fact logged "now" is in it.
                    compute_agenda(state, seeker.clone(), Some(revision), crate::views::now())
                })
                .await?
        }
    };
    let (body, etag) = rendered.window(params.from, params.to)?;
    // The plain request is answered from the kept bytes; a shaped one is
    // cut from them, with its own ETag.
    let (body, etag) = if shape.is_plain() {
        (body, etag)
    } else {
        (
            shape.apply_to_body(&body)?.into(),
            derived_etag(&etag, &shape.key()),
        )
    };
    if if_none_match(req, &etag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, etag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .content_type("application/json")
        .body(body))
}

fn gone() -> ApiError {
    ApiError::Unauthorized(
        crate::error::ProblemCode::SessionEnded,
        "the account no longer exists".to_owned(),
    )
}

/// The start of the current minute: the agenda's resolution when no `at` is
/// given.
fn this_minute() -> DateTime<Utc> {
    let now = crate::views::now();
    now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now)
}

/// Renders every action due on the seeker's agenda, evaluated at `at`, from
/// the facts kept at `revision` (the revision the request has seen) or
/// later, else from the pipeline as read now (and then kept).
async fn compute_agenda(
    state: &web::Data<AppState>,
    seeker: String,
    revision: Option<i64>,
    at: DateTime<Utc>,
) -> Result<Rendered, ApiError> {
    let year = crate::cadence::this_year();
    let kept = revision.and_then(|revision| state.facts.get(&seeker, revision, year));
    let kept = match kept {
        Some(kept) => kept,
        None => {
            let id = seeker.clone();
            let snapshot = read(state, move |_, conn| {
                let stages = followup_core::policy::agenda_stages();
                snapshot::load(conn, &id, Scope::Stages(&stages), year)?.ok_or_else(gone)
            })
            .await?;
            let kept = KeptFacts::of(snapshot, year);
            state.facts.put(&seeker, &kept);
            kept
        }
    };
    let items: Vec<(DateTime<Utc>, NextAction)> = Engine::new(&kept.facts, &kept.playbook, at)
        .agenda()
        .into_iter()
        .map(|a| {
            (
                a.due_at,
                crate::shape::action(a, false, kept.facts.seeker.locale),
            )
        })
        .collect();
    Rendered::new(kept.revision, at, &items)
}

/// The state of the search: what is open, and whether to apply for more.
#[derive(Debug, Serialize, ToSchema)]
pub struct PipelineHealth {
    /// The instant it was evaluated at.
    pub at: DateTime<Utc>,
    /// Open opportunities by stage.
    pub open_by_stage: Vec<StageCount>,
    /// All open opportunities.
    pub open_total: u32,
    /// Opportunities at `final` or `offer`.
    pub near_offer: u32,
    /// Active opportunities before `final`: `applied`, `screening` and
    /// `interviewing`. Prospects are not counted.
    pub others_open: u32,
    /// An offer may be near: keep applying (Wolkstein: "accelerate your search").
    pub accelerate: bool,
    /// Applications a week to aim for while accelerating.
    pub weekly_applications_target: Option<u32>,
    /// Applications made this week.
    pub applications_this_week: u32,
    /// When this week started, in the seeker's zone.
    pub week_start: DateTime<Utc>,
    /// Fewer other open opportunities than this makes `apply_more` urgent.
    pub min_active: u32,
    /// Whether `apply_more` is on the agenda.
    pub apply_more: bool,
}

/// One seeker's pipeline health: the seeker's own, or a client's for a coach
/// (`GET /v1/coach/clients/{id}/pipeline`).
pub async fn pipeline_health_of(
    state: &web::Data<AppState>,
    seeker: String,
    at: Option<DateTime<Utc>>,
) -> Result<PipelineHealth, ApiError> {
    let at = at.unwrap_or_else(crate::views::now);
    let snapshot = read(state, move |_, conn| {
        snapshot::load(conn, &seeker, Scope::All, crate::cadence::this_year())?.ok_or_else(|| {
            ApiError::Unauthorized(
                crate::error::ProblemCode::SessionEnded,
                "the account no longer exists".to_owned(),
            )
        })
    })
    .await?;
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let h = Engine::new(facts, playbook, at).health();
    Ok(PipelineHealth {
        at,
        open_by_stage: h.open_by_stage,
        open_total: h.open_total,
        near_offer: h.near_offer,
        others_open: h.others_open,
        accelerate: h.accelerate,
        weekly_applications_target: h.weekly_applications_target,
        applications_this_week: h.applications_this_week,
        week_start: h.week_start,
        min_active: h.min_active,
        apply_more: h.apply_more,
    })
}

/// A one-line title of an action: what to do, whom to reach and where
/// ("Call: Dana Smith (Acme)"), as the calendar feed and the digest show it.
pub fn action_title(action: &NextAction, facts: &followup_core::Facts) -> String {
    let opportunity = action
        .opportunity_id
        .as_deref()
        .and_then(|id| facts.opportunity(id));
    let contact = opportunity
        .zip(action.contact_id.as_deref())
        .and_then(|(o, id)| o.contact(id));
    let what = match action.action {
        ActionKind::SendInfluenceLetter => "Send the influence letter",
        ActionKind::SendFollowUpEmail => "Send a follow-up e-mail",
        ActionKind::Call => "Call",
        ActionKind::ShareStatus => "Share where things stand",
        ActionKind::OfferCollaboration => "Offer to help move it forward",
        ActionKind::AskQuestion => "Ask a process question",
        ActionKind::AskAssistant => "Ask the assistant for a good time",
        ActionKind::ApplyMore => "Apply for more jobs",
        ActionKind::MarkGhosted => "Consider marking it ghosted",
        ActionKind::Wait => "Wait",
        ActionKind::ConfirmRejection => "Record the rejection",
        ActionKind::SendGraciousClose => "Thank them and leave the door open",
        ActionKind::ConfirmOffer => "Record the offer",
        ActionKind::ReviewOffer => "Ask for the written offer",
        ActionKind::DecideOffer => "Decide on the offer",
        ActionKind::AskForExtension => "Ask for more time to decide",
        ActionKind::PrepareInterview => "Prepare for the interview",
    };
    let locale = facts.seeker.locale;
    let translated = (!locale.is_english())
        .then(|| {
            followup_core::l10n::phrase(locale, &format!("action-{}", action.action.as_str()), &[])
        })
        .flatten();
    let what = translated.as_deref().unwrap_or(what);
    match (contact, opportunity) {
        (Some(c), Some(o)) => format!("{what}: {} ({})", c.name, o.company),
        (None, Some(o)) => format!("{what}: {}", o.company),
        _ => what.to_owned(),
    }
}
