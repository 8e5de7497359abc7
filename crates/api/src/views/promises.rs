//! A promise as the API shows it, its status evaluated at an instant.

use crate::conventions::Actor;
use crate::error::ApiError;
use crate::views::utc;
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::{BusinessCalendar, PromiseDue, PromiseStatus, PromiseWhat};
use followup_store::DbConnection;
use followup_store::pipeline::OpportunityRow;
use followup_store::records::PromiseRow;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};

/// By when a promise is due: a date (`2010-01-08`: by the end of that
/// business day in the promising contact's time zone, else the seeker's) or
/// an exact RFC 3339 instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Due {
    /// A local date: due at the close of business that day.
    Date(NaiveDate),
    /// An exact instant.
    Instant(DateTime<Utc>),
}

/// `anyOf`, not the `oneOf` the derive gives an untagged enum: both are
/// strings, told apart only by `format`, which JSON Schema validators need
/// not check, so a date would match both and fail a `oneOf`.
impl utoipa::PartialSchema for Due {
    fn schema() -> RefOr<Schema> {
        let string = |format, description: &str, example: &str| {
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(format)))
                .description(Some(description))
                .examples([example])
        };
        AnyOfBuilder::new()
            .item(string(
                KnownFormat::Date,
                "A local date: due at the close of business that day.",
                "2010-01-08",
            ))
            .item(string(
                KnownFormat::DateTime,
                "An exact instant.",
                "2010-01-08T17:00:00Z",
            ))
            .description(Some(
                "By when a promise is due: a date (`2010-01-08`: by the end of that\n\
                 business day in the promising contact's time zone, else the seeker's) or\n\
                 an exact RFC 3339 instant.",
            ))
            .into()
    }
}

impl ToSchema for Due {}

impl<'de> Deserialize<'de> for Due {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let text = text.trim();
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(Self::Date(date));
        }
        DateTime::parse_from_rfc3339(text)
            .map(|at| Self::Instant(at.with_timezone(&Utc)))
            .map_err(|_| {
                serde::de::Error::custom(format!(
                    "`{text}` is neither a date (YYYY-MM-DD) nor an RFC 3339 instant"
                ))
            })
    }
}

impl From<Due> for PromiseDue {
    fn from(due: Due) -> Self {
        match due {
            Due::Date(date) => Self::Date(date),
            Due::Instant(at) => Self::Instant(at),
        }
    }
}

/// What the employer said they would do, and where that stands.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Promise {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// Who promised; `null` = the opportunity's main contact.
    pub contact_id: Option<String>,
    /// What they promised.
    pub what: PromiseWhat,
    /// By when, as entered: a date or an instant.
    pub due: Due,
    /// The instant it falls due: a date resolved to the close of that
    /// business day in the contact's time zone.
    pub due_at: Option<DateTime<Utc>>,
    /// When the promise was made; only answers after it keep it.
    pub made_at: DateTime<Utc>,
    /// Where it stands at the evaluated instant (`?at=`, default now):
    /// `cancelled` once the seeker cancelled it; `superseded` once the same
    /// person made a newer promise while this one was pending; `kept` once
    /// the seeker marked it kept, or — for a `call` or an `email` — the
    /// employer was heard from after it was made, or — for a `decision` —
    /// an offer or a rejection came (received, or a move to `offer` or
    /// `rejected`; a courtesy reply keeps no decision); `broken` from the due
    /// instant with none of that; else `pending`.
    pub status: PromiseStatus,
    /// When the seeker cancelled it.
    pub cancelled_at: Option<DateTime<Utc>>,
    /// When the seeker marked it kept.
    pub kept_at: Option<DateTime<Utc>>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who changed it last.
    pub updated_by: Actor,
}

/// The promise as the API shows it, its status evaluated at `at`.
pub fn promise_view(
    row: PromiseRow,
    opportunity: &followup_core::Opportunity,
    calendar: &BusinessCalendar,
    at: DateTime<Utc>,
) -> Result<Promise, ApiError> {
    let fact = followup_store::facts::promise_at(&row, at)?;
    let status = followup_core::promise_status_for(&fact, opportunity, calendar, at);
    let promiser = fact
        .contact_id
        .as_deref()
        .and_then(|id| opportunity.contact(id))
        .or_else(|| opportunity.primary_contact());
    let zoned = followup_core::engine::contact_calendar(calendar, opportunity, promiser);
    let due_at = followup_core::promise_due_at(&fact, zoned.as_ref().unwrap_or(calendar));
    Ok(Promise {
        due: match row.due()? {
            followup_core::PromiseDue::Date(date) => Due::Date(date),
            followup_core::PromiseDue::Instant(at) => Due::Instant(at),
        },
        what: fact.what,
        due_at,
        status,
        made_at: utc(row.made_at),
        cancelled_at: row.cancelled_at.map(utc),
        kept_at: row.kept_at.map(utc),
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
        updated_by: Actor::from(row.updated_by),
        id: row.id,
        opportunity_id: row.opportunity_id,
        contact_id: row.contact_id,
    })
}

/// Everything a status is derived from: the opportunity's facts and the
/// seeker's calendar, as the store builds them.
pub fn status_context(
    conn: &mut DbConnection,
    opportunity: &OpportunityRow,
) -> Result<(followup_core::Opportunity, BusinessCalendar), ApiError> {
    let missing = || ApiError::NotFound("no such opportunity".to_owned());
    let snapshot = followup_store::snapshot::load(
        conn,
        &opportunity.seeker_id,
        followup_store::snapshot::Scope::One(&opportunity.id),
        crate::cadence::this_year(),
    )?
    .ok_or_else(missing)?;
    let facts = snapshot.facts;
    let found = facts
        .opportunities
        .into_iter()
        .find(|o| o.id == opportunity.id)
        .ok_or_else(missing)?;
    Ok((found, facts.seeker.calendar))
}
