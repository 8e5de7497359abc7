//! Candidate comparisons: how the seeker fits and stands on one opportunity,
//! and the side-by-side table of several ("which offer?", "where do I put my
//! effort?"). The formulas live in `followup_core::compare` (docs/standing.md).

use actix_web::{get, web};
use followup_core::compare::{self};
use followup_store::pipeline::OpportunityRow;
use followup_store::snapshot::{self, Scope};

use crate::access::{Need, load};
use crate::auth::Caller;
use crate::cadence::comparison_facts;
use crate::conditional::Stamped;
use crate::db::read;
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::state::AppState;
use crate::views::agenda::AtParams;
use crate::views::comparisons::{
    Comparison, ComparisonParams, ComparisonTable, CompetitionView, comparisons_of,
};

/// Compare an opportunity with the employer's ideal candidate: fit, gaps and
/// strengths from the profile, the competition, the standing with its
/// factors, and what would most raise it (`?at=` evaluates at any instant).
///
/// Owners and coaches with a live grant may read it.
#[utoipa::path(
    tag = "comparisons",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), AtParams),
    responses(
        (status = 200, description = "The comparison.", body = Comparison),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such opportunity of yours or of a client.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities/{id}/comparison")]
pub async fn comparison(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<AtParams>,
) -> Result<Stamped<Comparison>, ApiError> {
    let at = params.at.unwrap_or_else(crate::views::now);
    let id = id.into_inner();
    let snapshot = read(&state, move |_, conn| {
        let (row, _) = load::<OpportunityRow>(conn, &caller, &id, Need::Read)?;
        snapshot::load(
            conn,
            &row.seeker_id,
            Scope::One(&row.id),
            crate::cadence::this_year(),
        )?
        .ok_or_else(|| ApiError::NotFound("no such opportunity".to_owned()))
    })
    .await?;
    let facts = &snapshot.facts;
    let opportunity = facts
        .opportunities
        .first()
        .ok_or_else(|| ApiError::NotFound("no such opportunity".to_owned()))?;
    let engine = followup_core::Engine::new(facts, &snapshot.playbook, at);
    let inputs = comparison_facts(&engine, opportunity, snapshot.profiles.first())?;
    let improve = compare::improve(&inputs.standing, Some(&inputs.fit), inputs.answers);
    let competition = inputs.standing.competition;
    Ok(Stamped::new(
        Comparison {
            opportunity_id: opportunity.id.clone(),
            at,
            fit: inputs.fit.fit,
            points: inputs.fit.points,
            max_points: inputs.fit.max_points,
            interviewer_share: inputs.fit.interviewer_share,
            gaps: inputs.fit.gaps,
            strengths: inputs.fit.strengths,
            competition: CompetitionView {
                competing_candidates: competition.count,
                internal_candidate: competition.internal_candidate,
            },
            standing: compare::standing(&inputs.standing),
            improve,
        },
        "at",
    ))
}

/// Compare opportunities side by side: stage, fit, competitors, standing,
/// days since the employer was last heard from, broken promises, the next
/// action, offer terms with the deadline and a yearly total, and excitement —
/// for "which offer?" and "where do I put my effort?".
///
/// Sortable by any column; rows without a value come last, and yearly totals
/// in different currencies are never ranked against each other (the `notes`
/// say so).
#[utoipa::path(
    tag = "comparisons",
    security(("bearer" = [])),
    params(ComparisonParams),
    responses(
        (status = 200, description = "The rows, sorted.", body = ComparisonTable),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "An id is not one of your opportunities.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `sort` column or `order`, or a bad `ids` list.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/comparisons")]
pub async fn comparisons(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<ComparisonParams>,
) -> Result<Stamped<ComparisonTable>, ApiError> {
    comparisons_of(&state, caller.user.id, params.into_inner())
        .await
        .map(|table| Stamped::new(table, "at"))
}
