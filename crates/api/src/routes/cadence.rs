//! The cadence: next actions, the agenda, pipeline health, the rule
//! catalogue, playbooks and the tone check.

use actix_web::{HttpRequest, HttpResponse, get, post, web};

use followup_core::{Engine, RuleSource, ToneFinding};
use followup_store::snapshot::{self, Scope};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{Need, load};
use crate::auth::Caller;
use crate::conditional::Stamped;
use crate::db::read;
use crate::error::{ApiError, FieldError, Problem};
use crate::extract::{Json, Query};
use crate::state::AppState;
use crate::views::agenda::{
    Actions, AgendaParams, AtParams, NextActionsParams, PipelineHealth, agenda_of,
    pipeline_health_of,
};

/// What to do next on one opportunity.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), NextActionsParams),
    responses(
        (status = 200, description = "The opportunity's next actions.", body = Actions),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, `limit` out of range, an unknown `include`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities/{id}/next-actions")]
pub async fn next_actions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<NextActionsParams>,
) -> Result<HttpResponse, ApiError> {
    let shape = params.shape()?;
    let at = params.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    // The whole pipeline is loaded, not just this opportunity: a competing
    // offer elsewhere or too few other open ones change what is due here.
    let snapshot = read(&state, move |_, conn| {
        let (row, _) =
            load::<followup_store::pipeline::OpportunityRow>(conn, &caller, &id, Need::Read)?;
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
        .unwrap_or_default()
        .into_iter()
        .map(|a| crate::shape::action(a, false, facts.seeker.locale))
        .collect();
    let answer = Actions { at, items };
    if shape.is_plain() {
        return Ok(HttpResponse::Ok().json(answer));
    }
    let mut value = serde_json::to_value(&answer).map_err(|e| ApiError::Internal(Box::new(e)))?;
    if let Some(items) = value
        .get_mut("items")
        .and_then(serde_json::Value::as_array_mut)
    {
        shape.apply(items);
    }
    Ok(HttpResponse::Ok().json(value))
}

/// One agenda for the whole search: every open opportunity's next actions,
/// by due time.
///
/// Carries an `ETag`; send it back in `If-None-Match` and a 304 answers
/// when nothing changed — cheap for an app that polls. `fields`, `limit`
/// and `include` shape the answer; a shaped answer has its own `ETag`.
/// Drafts carry `to`, `subject` and `body`; their `mailto` link only with
/// `include=mailto`.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(AgendaParams),
    responses(
        (status = 200, description = "The agenda.", body = Actions),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 422, description = "A query parameter is invalid: one that cannot be read (`at=yesterday`), `from` after `to`, an unknown field in `fields`, `limit` out of range, an unknown `include`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/agenda")]
pub async fn agenda(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<AgendaParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let revision = caller.user.facts_revision;
    agenda_of(&state, caller.user.id, Some(revision), &params, &req).await
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
) -> Result<Stamped<PipelineHealth>, ApiError> {
    pipeline_health_of(&state, caller.user.id, params.at)
        .await
        .map(|health| Stamped::new(health, "at"))
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
                source: r.source,
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
            coach: "Attridge, Sheffield; Jobvite 2018 Recruiting Benchmark, CareerPlug, ERE",
            quote: "Ask how many other candidates are competing against you; how do I compare to your ideal candidate?",
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
    crate::validate::Errors::from(crate::extract::Checks::checks(&body.0)).finish()?;
    let names: Vec<&str> = body.0.names.iter().map(String::as_str).collect();
    let findings = followup_core::tone_check_with_names(&body.0.text, &names);
    Ok(web::Json(ToneReport { findings }))
}

// The route checks these bodies as it reads them (see `extract::Checks`).
impl crate::extract::Checks for ToneCheckRequest {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if self.text.chars().count() > 20_000 {
            errors.push(FieldError::too_long("text", 20_000));
        }
        if self.names.len() > 50 {
            errors.push(FieldError::too_many("names", 50, "names"));
        }
        for (i, name) in self.names.iter().enumerate() {
            if name.chars().count() > 200 {
                errors.push(FieldError::too_long(format!("names[{i}]"), 200));
            }
        }
        errors
    }
}
