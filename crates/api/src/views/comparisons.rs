//! The comparison of a seeker's opportunities, for the seeker and for their coach.

use crate::cadence::comparison_facts;
use crate::db::read;
use crate::error::ApiError;
use crate::state::AppState;
use actix_web::web;
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::compare::{
    self, Improvement, Money, ScoredCriterion, SortColumn, SortOrder, Standing,
};
use followup_core::{Engine, NextAction};
use followup_store::pipeline::OpportunityRow;
use followup_store::snapshot::{self, Scope, Snapshot};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The most ids one comparison table takes.
const MAX_IDS: usize = 200;

/// Who else is in the race, as the seeker recorded it in the profile.
#[derive(Debug, Serialize, ToSchema)]
pub struct CompetitionView {
    /// How many other candidates compete; `null` = unknown.
    pub competing_candidates: Option<u32>,
    /// Whether an internal candidate competes; `null` = unknown.
    pub internal_candidate: Option<bool>,
}

/// How the seeker compares to the employer's ideal candidate on one
/// opportunity, how they stand, and what would most raise it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Comparison {
    /// The opportunity.
    pub opportunity_id: String,
    /// The instant it was evaluated at.
    pub at: DateTime<Utc>,
    /// `Σ weight × rating / Σ weight × 5`, 0–1 rounded to 2 decimals; `null`
    /// without criteria in the profile.
    pub fit: Option<f64>,
    /// `Σ weight × rating`, the points `fit` is computed from.
    pub points: u32,
    /// `Σ weight × 5`.
    pub max_points: u32,
    /// Share of the criterion weight rated by the interviewer, 0–1; `null`
    /// without criteria.
    pub interviewer_share: Option<f64>,
    /// Criteria short of the ideal, largest `weight × (5 − rating)` first.
    pub gaps: Vec<ScoredCriterion>,
    /// Up to 3 criteria rated 4 or 5, largest `weight × rating` first; the
    /// influence letter names them.
    pub strengths: Vec<ScoredCriterion>,
    /// Who else is in the race.
    pub competition: CompetitionView,
    /// The standing, with its factors.
    pub standing: Standing,
    /// What would most raise the standing (at `screening`, `interviewing`
    /// and `final`; empty otherwise), most useful first.
    pub improve: Vec<Improvement>,
}

/// The comparison table's parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ComparisonParams {
    /// Comma-separated opportunity ids (at most 200); default: every open
    /// opportunity. Any id that is not one of the seeker's answers 404.
    pub ids: Option<String>,
    /// The column to sort by; default `standing`.
    pub sort: Option<SortColumn>,
    /// `asc` or `desc`; default: the column's natural order, best first
    /// (highest standing, fit, stage, excitement and total; fewest
    /// competitors, broken promises and days of silence; soonest deadline).
    pub order: Option<SortOrder>,
    /// Evaluate at this RFC 3339 instant; default now.
    pub at: Option<DateTime<Utc>>,
    /// `mailto`: fill in the `mailto` link of each next action's draft
    /// (left out by default: the client builds it from `to`, `subject` and
    /// `body`).
    #[param(example = "mailto")]
    pub include: Option<String>,
}

/// Compensation and offer terms, as recorded on the opportunity.
#[derive(Debug, Serialize, ToSchema)]
pub struct OfferTerms {
    /// Yearly base salary, whole units of `currency`.
    pub base: Option<u64>,
    /// Yearly (target) bonus, whole units of `currency`.
    pub bonus: Option<u64>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// Equity, as the employer described it; never converted to money.
    pub equity: Option<String>,
    /// Date by which the offer must be answered.
    pub deadline: Option<NaiveDate>,
}

/// One opportunity in the side-by-side comparison.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonRow {
    /// The opportunity.
    pub opportunity_id: String,
    /// The employer.
    pub company: String,
    /// The job title.
    pub title: String,
    /// Its stage.
    pub stage: followup_core::Stage,
    /// Fit, 0–1 rounded to 2 decimals; `null` without a profile.
    pub fit: Option<f64>,
    /// Other candidates, when known.
    pub competitors: Option<u32>,
    /// Whether an internal candidate competes, when known.
    pub internal_candidate: Option<bool>,
    /// The standing with its factors.
    pub standing: Standing,
    /// Whole days since the employer was last heard from; `null` when never.
    pub days_since_inbound: Option<u32>,
    /// Promises the employer broke.
    pub promises_broken: u32,
    /// The first of the opportunity's next actions; `null` when there is none.
    pub next_action: Option<NextAction>,
    /// Compensation and offer terms, with the deadline.
    pub offer: OfferTerms,
    /// Base + bonus when both are in the same currency; `null` otherwise.
    pub yearly_total: Option<Money>,
    /// The seeker's excitement about the job, 1–5.
    pub excitement: Option<u8>,
    /// Why a value is missing (e.g. why there is no yearly total).
    pub notes: Vec<String>,
}

/// The side-by-side comparison, sorted.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComparisonTable {
    /// The instant it was evaluated at.
    pub at: DateTime<Utc>,
    /// The column the rows are sorted by.
    pub sort: SortColumn,
    /// The direction.
    pub order: SortOrder,
    /// One row per opportunity.
    pub items: Vec<ComparisonRow>,
    /// What the order does not say: rows without a value listed last, yearly
    /// totals in different currencies grouped instead of ranked.
    pub notes: Vec<String>,
}

/// A core row with what the API adds to it.
struct Row<'a> {
    core: compare::ComparisonRow,
    opportunity: &'a OpportunityRow,
    next_action: Option<NextAction>,
}

impl AsRef<compare::ComparisonRow> for Row<'_> {
    fn as_ref(&self) -> &compare::ComparisonRow {
        &self.core
    }
}

/// A stored amount as whole units; `None` for a negative or non-finite one.
fn whole_units(amount: f64) -> Option<u64> {
    let rounded = amount.round();
    // Integral and below 2^53, so the conversion is exact.
    (rounded.is_finite() && (0.0..1e15).contains(&rounded)).then_some(rounded as u64)
}

fn offer_terms(row: &OpportunityRow) -> compare::OfferTerms {
    compare::OfferTerms {
        base: row.base_salary.and_then(whole_units),
        bonus: row.bonus.and_then(whole_units),
        currency: row
            .currency
            .as_deref()
            .and_then(|c| compare::Currency::parse(c).ok()),
        bonus_currency: None,
        equity: row.equity.clone(),
        deadline: row.offer_deadline,
    }
}

/// The comparison table of one seeker's opportunities: the seeker's own, or
/// a client's for a coach (`GET /v1/coach/clients/{id}/comparisons`).
pub async fn comparisons_of(
    state: &web::Data<AppState>,
    seeker_id: String,
    params: ComparisonParams,
) -> Result<ComparisonTable, ApiError> {
    let mut include_errors = Vec::new();
    let mailto = crate::shape::check_include(params.include.as_deref(), &mut include_errors);
    if !include_errors.is_empty() {
        return Err(ApiError::Validation(include_errors));
    }
    let sort = params.sort.unwrap_or(SortColumn::Standing);
    let order = params.order.unwrap_or_else(|| sort.default_order());
    let ids: Option<Vec<String>> = params.ids.as_deref().map(|ids| {
        let mut list: Vec<String> = Vec::new();
        for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
            if !list.iter().any(|seen| seen == id) {
                list.push(id.to_owned());
            }
        }
        list
    });
    if let Some(ids) = &ids {
        if ids.is_empty() {
            return Err(ApiError::Validation(vec![
                crate::error::FieldError::new(
                    "ids",
                    crate::error::FieldCode::TooFew,
                    "must name at least one id",
                )
                .with("min", 1),
            ]));
        }
        if ids.len() > MAX_IDS {
            return Err(ApiError::Validation(vec![
                crate::error::FieldError::too_many("ids", MAX_IDS, "ids"),
            ]));
        }
    }
    let at = params.at.unwrap_or_else(crate::views::now);
    let snapshot: Snapshot = read(state, move |_, conn| {
        snapshot::load(conn, &seeker_id, Scope::All, crate::cadence::this_year())?
            .ok_or_else(|| ApiError::NotFound("no such seeker".to_owned()))
    })
    .await?;
    if let Some(ids) = &ids
        && let Some(missing) = ids
            .iter()
            .find(|id| !snapshot.opportunities.iter().any(|o| &o.id == *id))
    {
        return Err(ApiError::NotFound(format!(
            "no such opportunity: {missing}"
        )));
    }
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let engine = Engine::new(facts, playbook, at);
    let mut rows = Vec::new();
    for (opportunity, row) in facts.opportunities.iter().zip(&snapshot.opportunities) {
        let wanted = match &ids {
            Some(ids) => ids.contains(&opportunity.id),
            None => opportunity.stage.is_open(),
        };
        if !wanted {
            continue;
        }
        let profile = snapshot
            .profiles
            .iter()
            .find(|p| p.opportunity_id == opportunity.id);
        let inputs = comparison_facts(&engine, opportunity, profile)?;
        let core = compare::comparison_row(&compare::RowInput {
            opportunity_id: opportunity.id.clone(),
            standing: inputs.standing,
            excitement: row.excitement.and_then(|e| u8::try_from(e).ok()),
            offer: offer_terms(row),
        });
        rows.push(Row {
            core,
            opportunity: row,
            next_action: engine
                .next_actions(opportunity)
                .into_iter()
                .next()
                .map(|a| crate::shape::action(a, mailto, facts.seeker.locale)),
        });
    }
    let notes = compare::sort_rows(&mut rows, sort, order);
    let items = rows
        .into_iter()
        .map(|row| {
            let core = row.core;
            ComparisonRow {
                opportunity_id: core.opportunity_id,
                company: row.opportunity.company.clone(),
                title: row.opportunity.title.clone(),
                stage: core.stage,
                fit: core.fit,
                competitors: core.competitors,
                internal_candidate: core.internal_candidate,
                standing: core.standing,
                days_since_inbound: core.days_since_inbound,
                promises_broken: core.promises_broken,
                next_action: row.next_action,
                offer: OfferTerms {
                    base: core.offer.base,
                    bonus: core.offer.bonus,
                    currency: core.offer.currency.map(String::from),
                    equity: core.offer.equity,
                    deadline: core.offer.deadline,
                },
                yearly_total: core.yearly_total,
                excitement: core.excitement,
                notes: core.notes,
            }
        })
        .collect();
    Ok(ComparisonTable {
        at,
        sort,
        order,
        items,
        notes,
    })
}
