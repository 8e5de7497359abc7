//! The built-in public-holiday calendars: which there are, and their days in
//! a year. Reference data, open to everyone like the rule catalogue.

use actix_web::{get, web};
use chrono::Datelike as _;
use followup_core::{Holiday, HolidayCalendar};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, Problem};
use crate::shape::{FieldsParam, LimitParam};

/// A built-in public-holiday calendar.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayCalendarInfo {
    /// Its id, for `holiday_calendars` in `PATCH /v1/me`.
    pub id: HolidayCalendar,
    /// Its name.
    #[schema(example = "United States federal holidays")]
    pub title: &'static str,
    /// The law or list its rules come from.
    pub source: &'static str,
    /// What happens to a holiday that falls on a weekend.
    pub weekend_rule: &'static str,
    /// Which years it lists in full. A calendar whose festival dates are
    /// announced each year (India, Singapore) holds them for the years of
    /// the official lists only; outside them, only the days fixed by rule.
    #[schema(example = "every year, by rule")]
    pub coverage: &'static str,
}

impl From<HolidayCalendar> for HolidayCalendarInfo {
    fn from(id: HolidayCalendar) -> Self {
        Self {
            id,
            title: id.title(),
            source: id.source(),
            weekend_rule: id.weekend_rule(),
            coverage: id.coverage(),
        }
    }
}

/// A calendar's days off in one year.
#[derive(Debug, Serialize, ToSchema)]
pub struct HolidayYear {
    /// The calendar.
    #[serde(flatten)]
    pub calendar: HolidayCalendarInfo,
    /// The year.
    pub year: i32,
    /// Whether `holidays` lists every day off of the year. When false, days
    /// the law leaves to a yearly announcement are missing (see
    /// `coverage`): add them as dates of your own.
    pub complete: bool,
    /// Its days off, by date.
    pub holidays: Vec<Holiday>,
}

/// `?year=`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearParams {
    /// The year, 1900–2200; default the current one (UTC).
    #[param(minimum = 1900, maximum = 2200)]
    pub year: Option<i32>,
}

/// The years a calendar answers for.
const YEARS: std::ops::RangeInclusive<i32> = 1900..=2200;

/// Every built-in public-holiday calendar an account can observe
/// (`holiday_calendars` in `PATCH /v1/me`), beside the dates it lists itself.
#[utoipa::path(
    tag = "cadence",
    params(LimitParam, FieldsParam),
    responses(
        (status = 200, description = "The calendars.", body = Vec<HolidayCalendarInfo>),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, or `limit` out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/holiday-calendars")]
pub async fn list_holiday_calendars(
    limit: crate::extract::Query<LimitParam>,
    fields: crate::extract::Query<FieldsParam>,
) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
    let limit = limit.checked()?;
    let fields = fields.of::<HolidayCalendarInfo>()?;
    let list: Vec<HolidayCalendarInfo> = HolidayCalendar::ALL
        .iter()
        .copied()
        .take(limit.unwrap_or(usize::MAX))
        .map(HolidayCalendarInfo::from)
        .collect();
    crate::shape::list(&list, fields.as_ref())
}

/// A calendar's days off in a year, as the engine keeps them: on the
/// observed day where a weekend moves a holiday.
#[utoipa::path(
    tag = "cadence",
    params(("id" = String, Path, description = "The calendar's id, e.g. `us`."), YearParams),
    responses(
        (status = 200, description = "The days off.", body = HolidayYear),
        (status = 400, description = "`year` is not a number.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such calendar.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`year` is out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/holiday-calendars/{id}")]
pub async fn get_holiday_calendar(
    id: web::Path<String>,
    params: web::Query<YearParams>,
) -> Result<web::Json<HolidayYear>, ApiError> {
    let calendar: HolidayCalendar = id
        .parse()
        .map_err(|e: followup_core::ParseEnumError| ApiError::NotFound(e.to_string()))?;
    let year = params.year.unwrap_or_else(|| crate::views::now().year());
    if !YEARS.contains(&year) {
        return Err(ApiError::Validation(vec![
            crate::error::FieldError::out_of_range("year", 1900, 2200),
        ]));
    }
    Ok(web::Json(HolidayYear {
        calendar: calendar.into(),
        year,
        complete: calendar.complete_for(year),
        holidays: calendar.holidays(year),
    }))
}
