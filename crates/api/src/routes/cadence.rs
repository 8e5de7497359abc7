//! The cadence: next actions, the agenda, pipeline health, the rule
//! catalogue, playbooks and the tone check.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use std::sync::Arc;

use chrono::{DateTime, DurationRound as _, TimeDelta, Utc};
use followup_core::{Engine, RuleId};
use followup_store::snapshot::{self, Scope};
use followup_store::users;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::agenda_cache::Rendered;
use crate::auth::Caller;
use crate::conventions::if_none_match;
use crate::db::read;
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::routes::opportunities::{Need, load_opportunity};
use crate::state::AppState;

/// A message to send, built from the facts.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Draft {
    /// The e-mail's subject; `null` for a call script.
    pub subject: Option<String>,
    /// The words: an e-mail body, or what to say on the phone.
    pub body: String,
    /// A `mailto:` link that opens the draft in the seeker's mail app.
    pub mailto: Option<String>,
}

/// One thing to do: what, when, on which channel, with which words, and why.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextAction {
    /// Stable for the same facts: the same action keeps its id between reads.
    pub id: String,
    /// The opportunity; `null` for pipeline-wide actions (`apply_more`).
    pub opportunity_id: Option<String>,
    /// The contact to reach, if any.
    pub contact_id: Option<String>,
    /// What to do.
    #[schema(value_type = crate::schemas::ActionKind)]
    pub action: followup_core::ActionKind,
    /// How: `email`, `phone` or `any`.
    #[schema(value_type = Option<crate::schemas::Channel>)]
    pub channel: Option<followup_core::Channel>,
    /// When it falls due (inside the contact's business hours).
    pub due_at: DateTime<Utc>,
    /// When it stops being timely.
    pub window_end: Option<DateTime<Utc>>,
    /// How urgent.
    #[schema(value_type = crate::schemas::Priority)]
    pub priority: followup_core::Priority,
    /// The rule that produced it.
    #[schema(value_type = crate::schemas::RuleId)]
    pub rule: RuleId,
    /// One sentence a seeker understands and a coach can check, citing the rules.
    pub reason: String,
    /// What not to do (`no_voicemail`, `no_message_with_assistant`, …).
    #[schema(value_type = Vec<crate::schemas::Constraint>)]
    pub constraints: Vec<followup_core::Constraint>,
    /// The words to use, where a message is sent.
    pub draft: Option<Draft>,
    /// The opportunity at another employer this action relies on, e.g. the
    /// competing offer a `share_status` tells about; never one at the same
    /// employer.
    pub competing_opportunity_id: Option<String>,
    /// For `confirm_rejection` and `confirm_offer`: the stage change to record
    /// (`POST /v1/opportunities/{id}/transitions` with `to`, and `reason` as
    /// its `rejection_reason`).
    pub transition: Option<ProposedTransition>,
}

/// A stage change the agenda proposes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ProposedTransition {
    /// The stage to move to.
    #[schema(value_type = crate::schemas::Stage)]
    pub to: followup_core::Stage,
    /// For `rejected`: why, when the employer said.
    #[schema(value_type = Option<crate::schemas::RejectionReason>)]
    pub reason: Option<followup_core::RejectionReason>,
}

impl From<followup_core::NextAction> for NextAction {
    fn from(a: followup_core::NextAction) -> Self {
        Self {
            id: a.id,
            opportunity_id: a.opportunity_id,
            contact_id: a.contact_id,
            action: a.action,
            channel: a.channel,
            due_at: a.due_at,
            window_end: a.window_end,
            priority: a.priority,
            rule: a.rule,
            reason: a.reason,
            constraints: a.constraints,
            draft: a.draft.map(|d| Draft {
                subject: d.subject,
                body: d.body,
                mailto: d.mailto,
            }),
            competing_opportunity_id: a.competing_opportunity_id,
            transition: a.transition.map(|t| ProposedTransition {
                to: t.to,
                reason: t.reason,
            }),
        }
    }
}

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
}

/// What to do next on one opportunity.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), AtParams),
    responses((status = 200, description = "The opportunity's next actions.", body = Actions))
)]
#[get("/v1/opportunities/{id}/next-actions")]
pub async fn next_actions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<AtParams>,
) -> Result<web::Json<Actions>, ApiError> {
    let at = params.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    // The whole pipeline is loaded, not just this opportunity: a competing
    // offer elsewhere or too few other open ones change what is due here.
    let snapshot = read(&state, move |_, conn| {
        let (row, _) = load_opportunity(conn, &caller, &id, Need::Read)?;
        let snapshot = snapshot::load(
            conn,
            &row.seeker_id,
            Scope::All,
            crate::cadence::this_year(),
        )?
        .ok_or_else(|| ApiError::NotFound("no such opportunity".to_owned()))?;
        Ok((snapshot, row.id))
    })
    .await?;
    let (snapshot, id) = snapshot;
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let engine = Engine::new(facts, playbook, at);
    let items = facts
        .opportunity(&id)
        .map(|o| engine.next_actions(o))
        .unwrap_or_default();
    Ok(web::Json(Actions {
        at,
        items: items.into_iter().map(NextAction::from).collect(),
    }))
}

fn open_stages() -> Vec<followup_core::Stage> {
    followup_core::Stage::ALL
        .iter()
        .copied()
        .filter(|s| s.is_open())
        .collect()
}

/// One agenda for the whole search: every open opportunity's next actions,
/// by due time.
///
/// Carries an `ETag`; send it back in `If-None-Match` and a 304 answers
/// when nothing changed — cheap for an app that polls.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(AgendaParams),
    responses(
        (status = 200, description = "The agenda.", body = Actions),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` is after `to`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/agenda")]
pub async fn agenda(
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<AgendaParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let revision = caller.user.facts_revision;
    agenda_of(&state, caller.user.id, Some(revision), &params, &req).await
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
    if let (Some(from), Some(to)) = (params.from, params.to)
        && from > to
    {
        return Err(ApiError::invalid("from", "must not be after `to`"));
    }
    let rendered = match params.at {
        Some(at) => Arc::new(compute_agenda(state, seeker, at).await?),
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
                    compute_agenda(state, seeker.clone(), crate::views::now())
                })
                .await?
        }
    };
    let (body, etag) = rendered.window(params.from, params.to)?;
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
    ApiError::Unauthorized("the account no longer exists".to_owned())
}

/// The start of the current minute: the agenda's resolution when no `at` is
/// given.
fn this_minute() -> DateTime<Utc> {
    let now = crate::views::now();
    now.duration_trunc(TimeDelta::minutes(1)).unwrap_or(now)
}

/// Reads the seeker's open pipeline and renders every action due, evaluated
/// at `at`.
async fn compute_agenda(
    state: &web::Data<AppState>,
    seeker: String,
    at: DateTime<Utc>,
) -> Result<Rendered, ApiError> {
    let snapshot = read(state, move |_, conn| {
        let stages = open_stages();
        snapshot::load(
            conn,
            &seeker,
            Scope::Stages(&stages),
            crate::cadence::this_year(),
        )?
        .ok_or_else(gone)
    })
    .await?;
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let items: Vec<(DateTime<Utc>, NextAction)> = Engine::new(facts, playbook, at)
        .agenda()
        .into_iter()
        .map(|a| (a.due_at, NextAction::from(a)))
        .collect();
    Rendered::new(snapshot.user.facts_revision, at, &items)
}

/// Opportunities open at a stage.
#[derive(Debug, Serialize, ToSchema)]
pub struct StageCount {
    /// The stage.
    #[schema(value_type = crate::schemas::Stage)]
    pub stage: followup_core::Stage,
    /// How many open opportunities are in it.
    pub count: u32,
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

/// Open opportunities by stage, the `accelerate` flag and this week's applications against the target.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(AtParams),
    responses((status = 200, description = "Pipeline health.", body = PipelineHealth))
)]
#[get("/v1/pipeline/health")]
pub async fn pipeline_health(
    caller: Caller,
    state: web::Data<AppState>,
    params: web::Query<AtParams>,
) -> Result<web::Json<PipelineHealth>, ApiError> {
    pipeline_health_of(&state, caller.user.id, params.at)
        .await
        .map(web::Json)
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
        snapshot::load(conn, &seeker, Scope::All, crate::cadence::this_year())?
            .ok_or_else(|| ApiError::Unauthorized("the account no longer exists".to_owned()))
    })
    .await?;
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let h = Engine::new(facts, playbook, at).health();
    Ok(PipelineHealth {
        at,
        open_by_stage: h
            .open_by_stage
            .into_iter()
            .map(|c| StageCount {
                stage: c.stage,
                count: c.count,
            })
            .collect(),
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

/// Where a rule comes from in the article.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuleSource {
    /// The coach who gave the advice.
    pub coach: String,
    /// Their words.
    pub quote: String,
}

/// A cadence rule and its parameters.
#[derive(Debug, Serialize, ToSchema)]
pub struct Rule {
    /// Stable id: a cadence rule's (cited in every action's `rule` and
    /// `reason`), or `standing` for the heuristic behind comparisons.
    #[schema(example = "email_weekly_cap")]
    pub id: String,
    /// What it does.
    pub description: String,
    /// The advice it comes from.
    pub source: RuleSource,
    /// Its parameters: name, description, type, bounds and default.
    #[schema(value_type = Vec<Object>)]
    pub parameters: serde_json::Value,
}

/// Every cadence rule: what it does, its parameters and defaults, and the
/// advice in the article it comes from.
#[utoipa::path(
    tag = "cadence",
    responses((status = 200, description = "The rule catalogue.", body = Vec<Rule>))
)]
#[get("/v1/rules")]
pub async fn rules() -> Result<web::Json<Vec<Rule>>, ApiError> {
    followup_core::catalogue()
        .into_iter()
        .map(|r| {
            Ok(Rule {
                id: r.id.as_str().to_owned(),
                description: r.description.to_owned(),
                source: RuleSource {
                    coach: r.source.coach.to_owned(),
                    quote: r.source.quote.to_owned(),
                },
                parameters: serde_json::to_value(&r.parameters)
                    .map_err(|e| ApiError::Internal(Box::new(e)))?,
            })
        })
        .chain(std::iter::once(Ok(standing_rule())))
        .collect::<Result<_, _>>()
        .map(web::Json)
}

/// The standing heuristic, listed beside the rules so a coach can check
/// every number behind a comparison (docs/standing.md has the whole of it).
fn standing_rule() -> Rule {
    use followup_core::Stage;
    use followup_core::compare as c;
    let mut parameters: Vec<serde_json::Value> = [
        Stage::Prospect,
        Stage::Applied,
        Stage::Screening,
        Stage::Interviewing,
        Stage::Final,
    ]
    .into_iter()
    .filter_map(|stage| {
        c::stage_prior(stage).map(|prior| {
            serde_json::json!({
                "name": format!("prior_{}", stage.as_str()),
                "description": format!("Chance of an offer at `{}` when the competitor count is unknown.", stage.as_str()),
                "type": "number",
                "default": prior,
            })
        })
    })
    .collect();
    for (name, value, description) in [
        (
            "internal_candidate_multiplier",
            c::INTERNAL_CANDIDATE_MULTIPLIER,
            "Applied when an internal candidate competes.",
        ),
        (
            "neutral_fit",
            c::NEUTRAL_FIT,
            "The fit that leaves the base unchanged; higher raises it, lower lowers it.",
        ),
        (
            "broken_promise_multiplier",
            c::BROKEN_PROMISE_MULTIPLIER,
            "Applied once per broken promise.",
        ),
        (
            "unanswered_follow_up_multiplier",
            c::UNANSWERED_FOLLOW_UP_MULTIPLIER,
            "Applied per unanswered follow-up after the first.",
        ),
        (
            "open_cap",
            c::OPEN_CAP,
            "The most an open opportunity can stand before an offer.",
        ),
        (
            "ghosted",
            c::GHOSTED_STANDING,
            "The standing of a ghosted opportunity.",
        ),
    ] {
        parameters.push(serde_json::json!({
            "name": name, "description": description, "type": "number", "default": value,
        }));
    }
    Rule {
        id: "standing".to_owned(),
        description: "How likely an opportunity is to end in an offer: 1/(n+1) among n known \
            competitors, else a stage prior from published funnels; scaled by an internal \
            candidate, fit, broken promises, unanswered follow-ups and days of silence; capped \
            and rounded to 2 decimals, always returned with its factors and missing inputs."
            .to_owned(),
        source: RuleSource {
            coach: "Attridge, Sheffield; Jobvite 2018 Recruiting Benchmark, CareerPlug, ERE".to_owned(),
            quote: "Ask how many other candidates are competing against you; how do I compare to your ideal candidate?".to_owned(),
        },
        parameters: serde_json::Value::Array(parameters),
    }
}

/// Text to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ToneCheckRequest {
    /// The message, e.g. a follow-up e-mail draft.
    #[schema(
        example = "Just checking in again — I haven't heard back!!",
        max_length = 20000
    )]
    pub text: String,
    /// Proper names the text uses — the company, the contact, the title —
    /// so a name in capitals (`NVIDIA`) is not taken for shouting. At most
    /// 50, each at most 200 characters.
    #[serde(default)]
    #[schema(max_items = 50, example = json!(["NVIDIA"]))]
    pub names: Vec<String>,
}

/// Wording that sounds needy, pushy or pesky.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToneFinding {
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset where it ends (exclusive).
    pub end: usize,
    /// `needy`, `pushy` or `pesky`.
    #[schema(value_type = crate::schemas::ToneCategory)]
    pub category: followup_core::ToneCategory,
    /// The words found.
    pub text: String,
    /// A better way to say it.
    pub suggestion: String,
}

/// The tone check's findings.
#[derive(Debug, Serialize, ToSchema)]
pub struct ToneReport {
    /// Findings in text order; empty when the tone is fine.
    pub findings: Vec<ToneFinding>,
}

/// Check a message for needy, pushy or pesky wording ("just checking in
/// again", "I haven't heard back", demands, ALL CAPS, `?!!`), with spans and
/// suggested rewrites. Collaborative, not needy (Cohen).
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    request_body = ToneCheckRequest,
    responses((status = 200, description = "The findings.", body = ToneReport))
)]
#[post("/v1/tone-check")]
pub async fn tone_check(
    _caller: Caller,
    body: Json<ToneCheckRequest>,
) -> Result<web::Json<ToneReport>, ApiError> {
    let mut errors = crate::validate::Errors::default();
    if body.0.text.chars().count() > 20_000 {
        errors.push("text", "must be at most 20000 characters");
    }
    if body.0.names.len() > 50 {
        errors.push("names", "at most 50 names");
    }
    for (i, name) in body.0.names.iter().enumerate() {
        if name.chars().count() > 200 {
            errors.push(&format!("names[{i}]"), "must be at most 200 characters");
        }
    }
    errors.finish()?;
    let names: Vec<&str> = body.0.names.iter().map(String::as_str).collect();
    let findings = followup_core::tone_check_with_names(&body.0.text, &names)
        .into_iter()
        .map(|f| ToneFinding {
            start: f.start,
            end: f.end,
            category: f.category,
            text: f.text,
            suggestion: f.suggestion,
        })
        .collect();
    Ok(web::Json(ToneReport { findings }))
}
