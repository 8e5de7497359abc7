//! Opportunities: one job at one employer, its stage and its history.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, web};
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{EventType, HolidayCalendar, Stage, policy};
use followup_store::pipeline::{self, OpportunityFilter, OpportunityRow, TransitionRow};

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::access::{self, Need, load};
use crate::auth::{Access, Caller};
use crate::conditional::{Precondition, with_etag};
use crate::conventions::{Actor, Page, Paging};
use crate::db::{read, write_facts};
use crate::error::FieldCode;
use crate::error::{ApiError, Problem};
use crate::extract::{Json, Query};
use crate::shape::{FieldsParam, LimitParam};
use crate::state::AppState;
use crate::steps::{StageMove, TransitionRequest, Transitioned, move_stage};
use crate::validate::{self, Errors};
use crate::views::Warning;
use crate::views::pipeline::{Opportunity, Transition};

/// A created opportunity and what to know about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct OpportunityCreated {
    /// The new opportunity.
    pub opportunity: Opportunity,
    /// E.g. an open opportunity with the same company and title.
    pub warnings: Vec<Warning>,
}

/// A new opportunity.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOpportunity {
    /// The record's id, when the app made it (a UUIDv7: a record created
    /// offline keeps its id when it is synced); default: the server makes
    /// one. Used twice, it is a 409 naming the existing record.
    #[serde(default)]
    #[schema(value_type = String, format = Uuid, required = false, example = "01890a5d-ac96-774b-bcce-b302099a8057")]
    pub id: Option<String>,
    /// The employer.
    #[schema(example = "Hearst Digital", min_length = 1, max_length = 200)]
    pub company: String,
    /// Who the job is with, when it differs from the company's name;
    /// default: the company.
    #[schema(example = "Hearst", min_length = 1, max_length = 200)]
    pub employer: Option<String>,
    /// The job.
    #[schema(example = "Senior Editor", min_length = 1, max_length = 200)]
    pub title: String,
    /// The employer's industry.
    #[schema(example = "online media", max_length = 200)]
    pub industry: Option<String>,
    /// Where the job is.
    #[schema(max_length = 200)]
    pub location: Option<String>,
    /// Where the seeker found it.
    #[schema(max_length = 200)]
    pub source: Option<String>,
    /// The posting's URL (http or https).
    #[schema(max_length = 2048)]
    pub posting_url: Option<String>,
    /// How much the seeker wants it, 1–5.
    #[schema(minimum = 1, maximum = 5)]
    pub excitement: Option<i32>,
    /// Free text.
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// Offered yearly base salary.
    #[schema(minimum = 0)]
    pub base_salary: Option<f64>,
    /// Offered yearly bonus.
    #[schema(minimum = 0)]
    pub bonus: Option<f64>,
    /// Equity, in words.
    #[schema(max_length = 500)]
    pub equity: Option<String>,
    /// ISO 4217 code, e.g. `USD`.
    #[schema(example = "USD", pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// When the offer must be answered.
    pub offer_deadline: Option<NaiveDate>,
    /// When the offered job would start.
    pub offer_start_date: Option<NaiveDate>,
    /// The public holidays its contacts observe (e.g. `jp`), unless a
    /// contact names their own; absent: each contact's time zone's.
    #[schema(value_type = Option<followup_core::HolidayCalendar>)]
    pub holiday_calendar: Option<HolidayCalendar>,
    /// A playbook for this opportunity.
    #[schema(example = "email_only")]
    pub playbook: Option<String>,
    /// The stage it is in now (default `applied`); history starts there.
    pub stage: Option<Stage>,
}

/// Changes to an opportunity; absent fields stay, `null` clears.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOpportunity {
    /// The employer.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200)]
    pub company: Option<String>,
    /// Who the job is with; `null` makes it the company again.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 200)]
    pub employer: Option<Option<String>>,
    /// The job.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 200)]
    pub title: Option<String>,
    /// The employer's industry.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub industry: Option<Option<String>>,
    /// Where the job is.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub location: Option<Option<String>>,
    /// Where the seeker found it.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 200)]
    pub source: Option<Option<String>>,
    /// The posting's URL.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 2048)]
    pub posting_url: Option<Option<String>>,
    /// 1–5.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<i32>, minimum = 1, maximum = 5)]
    pub excitement: Option<Option<i32>>,
    /// Free text.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 10000)]
    pub notes: Option<Option<String>>,
    /// Offered yearly base salary.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<f64>, minimum = 0)]
    pub base_salary: Option<Option<f64>>,
    /// Offered yearly bonus.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<f64>, minimum = 0)]
    pub bonus: Option<Option<f64>>,
    /// Equity, in words.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, max_length = 500)]
    pub equity: Option<Option<String>>,
    /// ISO 4217 code.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, pattern = "^[A-Z]{3}$")]
    pub currency: Option<Option<String>>,
    /// When the offer must be answered.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub offer_deadline: Option<Option<NaiveDate>>,
    /// When the offered job would start.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<NaiveDate>)]
    pub offer_start_date: Option<Option<NaiveDate>>,
    /// The public holidays its contacts observe; `null`: their zones'.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<followup_core::HolidayCalendar>)]
    pub holiday_calendar: Option<Option<HolidayCalendar>>,
    /// A playbook for this opportunity; `null` uses the account's default.
    /// A coach with access may change this field (and only this one).
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub playbook: Option<Option<String>>,
}

impl UpdateOpportunity {
    /// The fields the change touches, by their JSON names.
    fn fields(&self) -> impl Iterator<Item = &'static str> {
        [
            ("company", self.company.is_some()),
            ("title", self.title.is_some()),
            ("industry", self.industry.is_some()),
            ("location", self.location.is_some()),
            ("source", self.source.is_some()),
            ("posting_url", self.posting_url.is_some()),
            ("excitement", self.excitement.is_some()),
            ("notes", self.notes.is_some()),
            ("base_salary", self.base_salary.is_some()),
            ("bonus", self.bonus.is_some()),
            ("equity", self.equity.is_some()),
            ("currency", self.currency.is_some()),
            ("offer_deadline", self.offer_deadline.is_some()),
            ("employer", self.employer.is_some()),
            ("offer_start_date", self.offer_start_date.is_some()),
            ("holiday_calendar", self.holiday_calendar.is_some()),
            ("playbook", self.playbook.is_some()),
        ]
        .into_iter()
        .filter_map(|(field, present)| present.then_some(field))
    }
}

/// Filters of the opportunity list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only these stages; repeat the parameter for several (`?stage=final&stage=offer`).
    #[param(style = Form, explode)]
    pub stage: Option<Vec<Stage>>,
    /// Company or title contains this (case-insensitive).
    pub q: Option<String>,
    /// Changed at or after this instant (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn optional_text(
    errors: &mut Errors,
    field: &str,
    value: Option<String>,
    max: usize,
) -> Option<String> {
    errors
        .check(validate::optional_text(field, value, max))
        .flatten()
}

fn check_url(errors: &mut Errors, value: Option<String>) -> Option<String> {
    let url = optional_text(errors, "posting_url", value, 2048)?;
    let lower = url.to_ascii_lowercase();
    if (lower.starts_with("https://") || lower.starts_with("http://"))
        && url.len() > lower.find("://").unwrap_or(0) + 3
        && !url.contains(char::is_whitespace)
    {
        Some(url)
    } else {
        errors.push(
            "posting_url",
            FieldCode::NotAUrl,
            "must be an http or https URL",
        );
        None
    }
}

fn check_excitement(errors: &mut Errors, value: Option<i32>) -> Option<i32> {
    match value {
        Some(v) if !(1..=5).contains(&v) => {
            errors.add(crate::error::FieldError::out_of_range("excitement", 1, 5));
            None
        }
        other => other,
    }
}

fn check_amount(errors: &mut Errors, field: &str, value: Option<f64>) -> Option<f64> {
    match value {
        Some(v) if !v.is_finite() || v < 0.0 => {
            errors.add(
                crate::error::FieldError::new(
                    field,
                    FieldCode::OutOfRange,
                    "must be a non-negative amount",
                )
                .with("min", 0),
            );
            None
        }
        other => other,
    }
}

fn check_currency(errors: &mut Errors, value: Option<String>) -> Option<String> {
    match followup_core::compare::Currency::parse(value?.trim()) {
        Ok(code) => Some(code.as_str().to_owned()),
        Err(_) => {
            errors.add(
                crate::error::FieldError::new(
                    "currency",
                    FieldCode::InvalidFormat,
                    "must be an ISO 4217 code such as USD or EUR",
                )
                .with("format", "iso_4217"),
            );
            None
        }
    }
}

fn check_playbook(errors: &mut Errors, value: Option<String>) -> Option<String> {
    errors.check(validate::playbook("playbook", &value?))
}

/// An employer's name: like the company's, and `None` when not given.
fn check_employer(errors: &mut Errors, value: Option<String>) -> Option<String> {
    value.map(|name| required_name(errors, "employer", &name))
}

fn required_name(errors: &mut Errors, field: &str, value: &str) -> String {
    errors
        .check(validate::name(field, value, 200))
        .unwrap_or_default()
}

/// A new opportunity's row from its body, or every invalid field.
fn new_row(
    body: CreateOpportunity,
    seeker_id: String,
    actor: followup_core::Actor,
) -> Result<OpportunityRow, ApiError> {
    let mut errors = Errors::default();
    let company = required_name(&mut errors, "company", &body.company);
    let title = required_name(&mut errors, "title", &body.title);
    let now = crate::views::now().naive_utc();
    let row = OpportunityRow {
        id: validate::new_id(&mut errors, body.id),
        seeker_id,
        company,
        employer: check_employer(&mut errors, body.employer),
        title,
        industry: optional_text(&mut errors, "industry", body.industry, 200),
        location: optional_text(&mut errors, "location", body.location, 200),
        source: optional_text(&mut errors, "source", body.source, 200),
        posting_url: check_url(&mut errors, body.posting_url),
        excitement: check_excitement(&mut errors, body.excitement),
        notes: optional_text(&mut errors, "notes", body.notes, 10_000),
        base_salary: check_amount(&mut errors, "base_salary", body.base_salary),
        bonus: check_amount(&mut errors, "bonus", body.bonus),
        equity: optional_text(&mut errors, "equity", body.equity, 500),
        currency: check_currency(&mut errors, body.currency),
        offer_deadline: body.offer_deadline,
        offer_start_date: body.offer_start_date,
        holiday_calendar: body.holiday_calendar,
        playbook: check_playbook(&mut errors, body.playbook),
        stage: body.stage.unwrap_or(Stage::Applied),
        rejection_reason: None,
        created_at: now,
        updated_at: now,
        updated_by: actor,
        version: 1,
    };
    errors.finish()?;
    Ok(row)
}

impl crate::extract::Checks for CreateOpportunity {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        let nobody = followup_core::Actor {
            kind: followup_core::ActorKind::Seeker,
            id: String::new(),
        };
        match new_row(self.clone(), String::new(), nobody) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

/// Add an opportunity.
///
/// If an open opportunity with the same company and title exists, this one
/// is still created and `warnings` names the other ("did I already apply?").
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    request_body = CreateOpportunity,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` are set.", body = OpportunityCreated),
        (status = 403, description = "A read-only API key, or a coach (coaches do not add opportunities).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/opportunities")]
pub async fn create_opportunity(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<CreateOpportunity>,
) -> Result<HttpResponse, ApiError> {
    let locale = caller.user.locale.clone();
    caller.require_write()?;
    if caller.role != followup_core::Role::Seeker {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            "only a seeker keeps opportunities".to_owned(),
        ));
    }
    let client_made = body.0.id.is_some();
    let row = new_row(body.0, caller.user.id.clone(), Actor::of(&caller))?;
    let now = row.created_at;
    let (row, duplicates) = write_facts(&state, move |_, tx| {
        tx.lock(&row.seeker_id)?;
        if let Some(reference) = &row.playbook {
            crate::access::check_playbook(tx.conn(), &row.seeker_id, "playbook", reference)?;
        }
        crate::access::check_id_free(
            tx.conn(),
            &row.seeker_id,
            followup_store::records::Creatable::Opportunity,
            &row.id,
            client_made,
        )?;
        let duplicates = pipeline::matching_open(
            tx.conn(),
            &row.seeker_id,
            &row.company,
            &row.title,
            &policy::open_stages(),
        )?;
        pipeline::insert_opportunity(tx, &row)?;
        pipeline::insert_transition(
            tx,
            &TransitionRow {
                id: uuid::Uuid::now_v7().to_string(),
                opportunity_id: row.id.clone(),
                from_stage: None,
                to_stage: row.stage,
                occurred_at: now,
                reason: None,
                rejection_reason: None,
                actor: row.updated_by.clone(),
                created_at: now,
            },
        )?;
        let view = Opportunity::try_from(row.clone())?;
        crate::events::record(
            tx,
            EventType::OpportunityCreated,
            &row.seeker_id,
            &row.updated_by,
            now.and_utc(),
            &view,
        )?;
        Ok((row, duplicates))
    })
    .await?;
    let warnings = if duplicates.is_empty() {
        Vec::new()
    } else {
        let mut args = followup_core::Args::new();
        args.set("title", followup_core::Arg::Text(row.title.clone().into()));
        args.set(
            "company",
            followup_core::Arg::Text(row.company.clone().into()),
        );
        vec![
            Warning {
                code: "possible_duplicate".to_owned(),
                message: format!(
                    "an open opportunity for {} at {} exists already — did you already apply?",
                    row.title, row.company
                ),
                reason_code: followup_core::ReasonCode::PossibleDuplicate,
                args,
                ids: duplicates,
            }
            .in_locale(&locale),
        ]
    };
    let version = row.version;
    let location = format!("/v1/opportunities/{}", row.id);
    Ok(with_etag(HttpResponse::Created(), version)
        .insert_header((header::LOCATION, location))
        .json(OpportunityCreated {
            opportunity: Opportunity::try_from(row)?,
            warnings,
        }))
}

/// List the seeker's opportunities, oldest first.
///
/// A coach or a coach's key sees a client's list through
/// `/v1/coach/clients/{id}/…` views; here each caller sees their own.
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    params(ListParams, FieldsParam),
    responses(
        (status = 200, description = "A page of opportunities.", body = Page<Opportunity>),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities")]
pub async fn list_opportunities(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<ListParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let ListParams {
        stage,
        q,
        updated_since,
        limit,
        cursor,
    } = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(limit, cursor.as_deref()),
        fields.of::<Opportunity>(),
    )?;
    let filter = OpportunityFilter {
        stages: stage.unwrap_or_default(),
        q: q.map(|q| q.trim().to_owned()).filter(|q| !q.is_empty()),
        updated_since: updated_since.map(|at| at.naive_utc()),
        after: paging.after.clone(),
        limit: paging.fetch(),
    };
    let seeker = caller.user.id;
    let rows = read(&state, move |_, conn| {
        Ok(pipeline::list_opportunities(conn, &seeker, &filter)?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Opportunity::try_from)?;
    crate::shape::list(&page, fields.as_ref())
}

/// One opportunity, with its `ETag`.
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id.")),
    responses(
        (status = 200, description = "The opportunity.", body = Opportunity),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
    )
)]
#[get("/v1/opportunities/{id}")]
pub async fn get_opportunity(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    access::get::<OpportunityRow, Opportunity>(&state, caller, id.into_inner(), &req).await
}

/// Change an opportunity's fields (not its stage: use transitions).
///
/// Send `If-Match` with the ETag you read to make sure nobody changed it in
/// between (412 if they did). A coach with access may change `playbook` only.
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The opportunity's id."),
        Precondition,
    ),
    request_body = UpdateOpportunity,
    responses(
        (status = 200, description = "The updated opportunity.", body = Opportunity),
        (status = 403, description = "A read-only key, or a coach changing more than the playbook.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/opportunities/{id}")]
pub async fn update_opportunity(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<UpdateOpportunity>,
) -> Result<HttpResponse, ApiError> {
    let change = body.0;
    let only_coachable = policy::coach_may_change_opportunity(change.fields());
    // Read access: a coach may change the playbook (checked in the change).
    access::patch::<OpportunityRow, Opportunity>(
        &state,
        caller,
        id.into_inner(),
        Need::Read,
        precondition,
        move |tx, row, access| {
            if access == Access::Coach && !only_coachable {
                return Err(ApiError::Forbidden(
                    crate::error::ProblemCode::Forbidden,
                    "a coach may change an opportunity's playbook, nothing else".to_owned(),
                ));
            }
            apply(row, checked(change)?);
            if let Some(reference) = &row.playbook {
                access::check_playbook(tx.conn(), &row.seeker_id, "playbook", reference)?;
            }
            Ok(())
        },
    )
    .await
}

/// A change with every value it gives checked and in its normal form, or
/// every invalid field.
fn checked(change: UpdateOpportunity) -> Result<UpdateOpportunity, ApiError> {
    let mut errors = Errors::default();
    let checked = UpdateOpportunity {
        company: change
            .company
            .map(|v| required_name(&mut errors, "company", &v)),
        employer: change.employer.map(|v| check_employer(&mut errors, v)),
        title: change
            .title
            .map(|v| required_name(&mut errors, "title", &v)),
        industry: change
            .industry
            .map(|v| optional_text(&mut errors, "industry", v, 200)),
        location: change
            .location
            .map(|v| optional_text(&mut errors, "location", v, 200)),
        source: change
            .source
            .map(|v| optional_text(&mut errors, "source", v, 200)),
        posting_url: change.posting_url.map(|v| check_url(&mut errors, v)),
        excitement: change.excitement.map(|v| check_excitement(&mut errors, v)),
        notes: change
            .notes
            .map(|v| optional_text(&mut errors, "notes", v, 10_000)),
        base_salary: change
            .base_salary
            .map(|v| check_amount(&mut errors, "base_salary", v)),
        bonus: change.bonus.map(|v| check_amount(&mut errors, "bonus", v)),
        equity: change
            .equity
            .map(|v| optional_text(&mut errors, "equity", v, 500)),
        currency: change.currency.map(|v| check_currency(&mut errors, v)),
        offer_deadline: change.offer_deadline,
        offer_start_date: change.offer_start_date,
        holiday_calendar: change.holiday_calendar,
        playbook: change.playbook.map(|v| check_playbook(&mut errors, v)),
    };
    errors.finish()?;
    Ok(checked)
}

impl crate::extract::Checks for UpdateOpportunity {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        match checked(self.clone()) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

/// Applies a change [`checked`] made.
fn apply(row: &mut OpportunityRow, change: UpdateOpportunity) {
    if let Some(v) = change.company {
        row.company = v;
    }
    if let Some(v) = change.employer {
        row.employer = v;
    }
    if let Some(v) = change.title {
        row.title = v;
    }
    if let Some(v) = change.industry {
        row.industry = v;
    }
    if let Some(v) = change.location {
        row.location = v;
    }
    if let Some(v) = change.source {
        row.source = v;
    }
    if let Some(v) = change.posting_url {
        row.posting_url = v;
    }
    if let Some(v) = change.excitement {
        row.excitement = v;
    }
    if let Some(v) = change.notes {
        row.notes = v;
    }
    if let Some(v) = change.base_salary {
        row.base_salary = v;
    }
    if let Some(v) = change.bonus {
        row.bonus = v;
    }
    if let Some(v) = change.equity {
        row.equity = v;
    }
    if let Some(v) = change.currency {
        row.currency = v;
    }
    if let Some(v) = change.offer_deadline {
        row.offer_deadline = v;
    }
    if let Some(v) = change.offer_start_date {
        row.offer_start_date = v;
    }
    if let Some(v) = change.holiday_calendar {
        row.holiday_calendar = v;
    }
    if let Some(v) = change.playbook {
        row.playbook = v;
    }
}

/// Delete an opportunity with its contacts, interactions, promises, profile and history.
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The opportunity's id."),
        Precondition,
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/opportunities/{id}")]
pub async fn delete_opportunity(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    access::remove::<OpportunityRow, Opportunity>(&state, caller, id.into_inner(), precondition)
        .await
}

/// Move an opportunity to another stage.
///
/// The stage machine: forward moves may skip stages; `interviewing ↔ final`
/// both ways; any open stage → `rejected`, `withdrawn` or `ghosted`;
/// `ghosted` → any open stage when the employer comes back; `accepted`,
/// `declined`, `rejected` and `withdrawn` are final. A move it does not allow
/// is a 409 whose `allowed` lists the stages it may move to. Send `If-Match`
/// with the ETag you read so that a move decided on a stale copy is refused
/// (412).
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), Precondition),
    request_body = TransitionRequest,
    responses(
        (status = 201, description = "Moved; the transition is in the history.", body = Transitioned),
        (status = 403, description = "A read-only key, or a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The stage machine does not allow this move; `allowed` lists the stages it does.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/opportunities/{id}/transitions")]
pub async fn transition(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<TransitionRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let now = crate::views::now();
    let stage_move = StageMove::check(&body.0, now)?;
    let id = id.into_inner();
    let (reader, record) = (caller.clone(), id.clone());
    let moved = write_facts(&state, move |_, tx| {
        move_stage(tx, &caller, &id, &precondition, stage_move, now)
    })
    .await;
    let moved = match moved {
        Ok(moved) => moved,
        Err(error) => {
            return Err(crate::access::with_current::<OpportunityRow, Opportunity>(
                &state, reader, record, error,
            )
            .await);
        }
    };
    Ok(with_etag(HttpResponse::Created(), moved.0).json(moved.1))
}

/// Every stage change of an opportunity, in the order it was recorded.
#[utoipa::path(
    tag = "opportunities",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The opportunity's id."), LimitParam, FieldsParam),
    responses(
        (status = 200, description = "The history, first entry = the stage it was created in.", body = Page<Transition>),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, or `limit` out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/opportunities/{id}/history")]
pub async fn history(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    limit: Query<LimitParam>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let limit = limit.checked()?;
    let fields = fields.of::<Transition>()?;
    let id = id.into_inner();
    let rows = read(&state, move |_, conn| {
        let (row, _) = load::<OpportunityRow>(conn, &caller, &id, Need::Read)?;
        Ok(pipeline::transitions_of(conn, &row.id)?)
    })
    .await?;
    let page = Page {
        items: rows
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(Transition::try_from)
            .collect::<Result<_, _>>()?,
        next_cursor: None,
    };
    crate::shape::list(&page, fields.as_ref())
}
