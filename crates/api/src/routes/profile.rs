//! The ideal-candidate profile of an opportunity: what the employer looks for
//! and how the seeker measures up, the competition, and the answers to the
//! three process questions coaches tell the seeker to ask.

use actix_web::{HttpRequest, HttpResponse, get, put, web};
use followup_core::EventType;
use followup_store::pipeline::OpportunityRow;
use followup_store::profiles;
use followup_store::records::ProfileRow;
use serde::Deserialize;
use utoipa::ToSchema;

use crate::access::{Need, load, load_locked, stale};
use crate::auth::Caller;
use crate::conditional::{Precondition, fresh, with_etag};
use crate::conventions::Actor;
use crate::db::{read, write_facts};
use crate::error::{ApiError, FieldCode, FieldError, Problem};
use crate::extract::Json;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::profile::{
    Answers, Competition, Criterion, MAX_COMPETITORS, MAX_CRITERIA, OpportunityProfile, Profile,
};
use crate::views::utc;

/// A whole profile, replacing the stored one; absent parts are empty or unknown.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PutProfile {
    /// What the employer looks for (at most 100); names are unique.
    #[serde(default)]
    #[schema(max_items = 100)]
    pub criteria: Vec<Criterion>,
    /// Who else is in the race.
    #[serde(default)]
    pub competition: Competition,
    /// The answers to the process questions.
    #[serde(default)]
    pub answers: Answers,
    /// What you would accomplish in the role's first six months (at most
    /// 4,000 characters); the influence letter after each interview is built
    /// on it.
    #[serde(default)]
    #[schema(
        max_length = 4000,
        example = "Relaunch the newsletter and double its open rate."
    )]
    pub first_six_months: Option<String>,
}

fn criterion_error(
    field: String,
    message: &str,
    error: &followup_core::compare::CriterionError,
) -> FieldError {
    use followup_core::compare::CriterionError;
    match error {
        CriterionError::OutOfRange { min, max, .. } => {
            FieldError::new(field, FieldCode::OutOfRange, message)
                .with("min", *min)
                .with("max", *max)
        }
        CriterionError::BlankName { .. } => FieldError::new(field, FieldCode::Empty, message),
        CriterionError::DuplicateName { first, .. } => {
            FieldError::new(field, FieldCode::Duplicate, message)
                .with("first", format!("criteria[{first}].name"))
        }
    }
}

/// Checks and normalises a profile (names and texts trimmed).
fn validated(body: PutProfile) -> Result<PutProfile, ApiError> {
    let mut errors = Errors::default();
    if body.criteria.len() > MAX_CRITERIA {
        errors.add(FieldError::too_many("criteria", MAX_CRITERIA, "criteria"));
    }
    let core: Vec<followup_core::compare::Criterion> = body
        .criteria
        .iter()
        .map(|c| followup_core::compare::Criterion {
            name: c.name.clone(),
            weight: c.weight,
            self_rating: c.self_rating,
            interviewer_rating: c.interviewer_rating,
            evidence: None,
        })
        .collect();
    for error in followup_core::compare::validate_criteria(&core) {
        let field = format!("criteria[{}].{}", error.index(), error.field());
        let message = error.to_string();
        let message = message
            .split_once(": ")
            .map_or(message.as_str(), |(_, m)| m);
        errors.add(criterion_error(field, message, &error));
    }
    let mut criteria = Vec::with_capacity(body.criteria.len());
    for (index, c) in body.criteria.into_iter().enumerate() {
        let name_field = format!("criteria[{index}].name");
        if c.name.chars().count() > 200 {
            errors.add(FieldError::too_long(name_field, 200));
        }
        let evidence = errors
            .check(validate::optional_text(
                &format!("criteria[{index}].evidence"),
                c.evidence,
                2000,
            ))
            .flatten();
        criteria.push(Criterion {
            name: c.name.trim().to_owned(),
            evidence,
            ..c
        });
    }
    if body
        .competition
        .competing_candidates
        .is_some_and(|n| n > MAX_COMPETITORS)
    {
        errors.add(FieldError::out_of_range(
            "competition.competing_candidates",
            0,
            MAX_COMPETITORS,
        ));
    }
    let mut answer = |field: &str, value: Option<String>| {
        errors
            .check(validate::optional_text(
                &format!("answers.{field}"),
                value,
                2000,
            ))
            .flatten()
    };
    let answers = Answers {
        process_position: answer("process_position", body.answers.process_position),
        comparison: answer("comparison", body.answers.comparison),
        competitors: answer("competitors", body.answers.competitors),
    };
    let first_six_months = errors
        .check(validate::optional_text(
            "first_six_months",
            body.first_six_months,
            4000,
        ))
        .flatten();
    errors.finish()?;
    Ok(PutProfile {
        criteria,
        competition: body.competition,
        answers,
        first_six_months,
    })
}

/// An opportunity's ideal-candidate profile, with its `ETag`.
///
/// An opportunity without one answers the empty profile (no criteria,
/// everything unknown) with ETag `"0"`.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id.")),
    responses(
        (status = 200, description = "The profile.", body = Profile),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
    )
)]
#[get("/v1/opportunities/{id}/profile")]
pub async fn get_profile(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let id = id.into_inner();
    let row = read(&state, move |_, conn| {
        let (opportunity, _) = load::<OpportunityRow>(conn, &caller, &id, Need::Read)?;
        Ok(profiles::find_profile(conn, &opportunity.id)?)
    })
    .await?;
    let (profile, version) = Profile::from_row(row)?;
    fresh(&req, version, || Ok(profile))
}

/// Replace an opportunity's profile.
///
/// Weights are 1–5 and ratings 0–5; a 422 names the field at fault
/// (`criteria[2].weight`). Send `If-Match` with the ETag you read (`"0"`
/// before the first save) to make sure nobody changed it in between.
#[utoipa::path(
    tag = "profile",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The opportunity's id."),
        Precondition,
    ),
    request_body = PutProfile,
    responses(
        (status = 200, description = "The stored profile.", body = Profile),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/v1/opportunities/{id}/profile")]
pub async fn put_profile(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<PutProfile>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let body = body.0;
    let id = id.into_inner();
    let row = write_facts(&state, move |_, tx| {
        let (opportunity, _) = load_locked::<OpportunityRow>(tx, &caller, &id, Need::Write)?;
        let body = validated(body)?;
        let stored = profiles::find_profile(tx.conn(), &opportunity.id)?;
        let expected = stored.as_ref().map_or(0, |p| p.version);
        if let Err(error) = precondition.check(expected) {
            let (now, _) = Profile::from_row(stored)?;
            return Err(crate::access::stale_with(error, &now));
        }
        let row = ProfileRow {
            opportunity_id: opportunity.id,
            seeker_id: opportunity.seeker_id,
            criteria: body.criteria.into_iter().map(Into::into).collect(),
            competition: body.competition.into(),
            answers: body.answers.into(),
            updated_at: crate::views::now().naive_utc(),
            updated_by: Actor::of(&caller),
            version: expected + 1,
            first_six_months: body.first_six_months,
        };
        if !profiles::put_profile(tx, &row, expected)? {
            let current =
                profiles::find_profile(tx.conn(), &row.opportunity_id)?.map_or(0, |p| p.version);
            return Err(stale(current));
        }
        let (profile, _) = Profile::from_row(Some(row.clone()))?;
        let data = OpportunityProfile {
            opportunity_id: row.opportunity_id.clone(),
            profile,
        };
        let (kind, at) = (EventType::ProfileUpdated, utc(row.updated_at));
        crate::events::record(tx, kind, &row.seeker_id, &row.updated_by, at, &data)?;
        Ok(row)
    })
    .await?;
    let (profile, version) = Profile::from_row(Some(row))?;
    Ok(with_etag(HttpResponse::Ok(), version).json(profile))
}

// The route checks these bodies as it reads them (see `extract::Checks`).
impl crate::extract::Checks for PutProfile {
    fn checks(&self) -> Vec<FieldError> {
        match validated(self.clone()) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}
