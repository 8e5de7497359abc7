//! Opportunities and their stage history.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use followup_core::{Actor, HolidayCalendar, RejectionReason, Stage};

use crate::door::FactsTx;
use crate::schema::{opportunities, stage_transitions};
use crate::types::{Stored, StoredOpt};
use crate::{DbConnection, StoreError};

diesel::define_sql_function!(
    /// SQL `lower()`, for case-insensitive search on both backends.
    fn lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text
);

/// A stored opportunity.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = opportunities, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct OpportunityRow {
    /// UUIDv7.
    pub id: String,
    /// Whose it is.
    pub seeker_id: String,
    /// The employer.
    pub company: String,
    /// The job title.
    pub title: String,
    /// The employer's industry.
    pub industry: Option<String>,
    /// Where the job is.
    pub location: Option<String>,
    /// Where the seeker found it.
    pub source: Option<String>,
    /// The posting's URL.
    pub posting_url: Option<String>,
    /// 1–5.
    pub excitement: Option<i32>,
    /// Free text.
    pub notes: Option<String>,
    /// Offered base salary, yearly, in `currency` units.
    pub base_salary: Option<f64>,
    /// Offered yearly bonus.
    pub bonus: Option<f64>,
    /// Equity, in words.
    pub equity: Option<String>,
    /// ISO 4217 code.
    pub currency: Option<String>,
    /// The offer's deadline.
    pub offer_deadline: Option<NaiveDate>,
    /// Playbook override (built-in name or custom id).
    pub playbook: Option<String>,
    /// Current stage.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub stage: Stage,
    /// Why it was rejected, when it was.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub rejection_reason: Option<RejectionReason>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who last changed it.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub updated_by: Actor,
    /// Bumped on every change; the ETag.
    pub version: i32,
    /// The employer, when it differs from `company`; `None` is the company.
    pub employer: Option<String>,
    /// When the offered job would start.
    pub offer_start_date: Option<NaiveDate>,
    /// The public holidays its contacts observe, unless one names their own.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub holiday_calendar: Option<HolidayCalendar>,
}

/// One stage change.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable)]
#[diesel(table_name = stage_transitions)]
pub struct TransitionRow {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// The stage before; `None` for the stage the opportunity was created in.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub from_stage: Option<Stage>,
    /// The stage after.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub to_stage: Stage,
    /// When it happened (back-datable).
    pub occurred_at: NaiveDateTime,
    /// Why, in words.
    pub reason: Option<String>,
    /// For `rejected`: the reason code.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub rejection_reason: Option<RejectionReason>,
    /// Who recorded it.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub actor: Actor,
    /// When it was recorded.
    pub created_at: NaiveDateTime,
}

/// Which opportunities a list shows.
#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    /// Only these stages (any stage when empty).
    pub stages: Vec<Stage>,
    /// Company or title contains this, case-insensitively.
    pub q: Option<String>,
    /// Changed at or after this instant.
    pub updated_since: Option<NaiveDateTime>,
    /// Ids after this one (the cursor).
    pub after: Option<String>,
    /// At most this many.
    pub limit: i64,
}

/// Stores a new opportunity.
pub fn insert_opportunity(tx: &mut FactsTx<'_>, row: &OpportunityRow) -> Result<(), StoreError> {
    tx.lock(&row.seeker_id)?;
    diesel::insert_into(opportunities::table)
        .values(row.clone())
        .execute(tx.conn())?;
    Ok(())
}

/// The opportunity with this id, whoever owns it (callers check access).
pub fn find_opportunity(
    conn: &mut DbConnection,
    id: &str,
) -> Result<Option<OpportunityRow>, StoreError> {
    Ok(natively!(conn, c => opportunities::table
        .find(id)
        .select(OpportunityRow::as_select())
        .get_result(c))
    .optional()?)
}

/// The opportunity with this id, and whether `contact` is one of its
/// contacts (`false` when none is named): one read for both, for a write
/// that names a contact (a logged interaction).
pub fn find_opportunity_with_contact(
    conn: &mut DbConnection,
    id: &str,
    contact: Option<&str>,
) -> Result<Option<(OpportunityRow, bool)>, StoreError> {
    use crate::schema::contacts;
    let Some(contact) = contact else {
        return Ok(find_opportunity(conn, id)?.map(|row| (row, false)));
    };
    let named = diesel::dsl::exists(
        contacts::table
            .filter(contacts::id.eq(contact))
            .filter(contacts::opportunity_id.eq(opportunities::id)),
    );
    Ok(natively!(conn, c => opportunities::table
        .find(id)
        .select((OpportunityRow::as_select(), named))
        .get_result(c))
    .optional()?)
}

/// A page of a seeker's opportunities, oldest first (ids are UUIDv7).
pub fn list_opportunities(
    conn: &mut DbConnection,
    seeker_id: &str,
    filter: &OpportunityFilter,
) -> Result<Vec<OpportunityRow>, StoreError> {
    // The plain page (no stage, search or date filter) is the same SQL every
    // time, so the connection prepares it once; a filtered one is built.
    if filter.stages.is_empty() && filter.q.is_none() && filter.updated_since.is_none() {
        let page = opportunities::table
            .filter(opportunities::seeker_id.eq(seeker_id))
            .select(OpportunityRow::as_select())
            .order(opportunities::id.asc())
            .limit(filter.limit);
        return Ok(match &filter.after {
            Some(after) => page.filter(opportunities::id.gt(after)).load(conn)?,
            None => page.load(conn)?,
        });
    }
    let mut query = opportunities::table
        .filter(opportunities::seeker_id.eq(seeker_id))
        .select(OpportunityRow::as_select())
        .order(opportunities::id.asc())
        .limit(filter.limit)
        .into_boxed();
    if !filter.stages.is_empty() {
        query = query.filter(
            opportunities::stage
                .eq_any(filter.stages.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        );
    }
    if let Some(q) = &filter.q {
        let pattern = format!("%{}%", escape_like(&q.to_lowercase()));
        query = query.filter(
            lower(opportunities::company)
                .like(pattern.clone())
                .escape('\\')
                .or(lower(opportunities::title).like(pattern).escape('\\')),
        );
    }
    if let Some(since) = filter.updated_since {
        query = query.filter(opportunities::updated_at.ge(since));
    }
    if let Some(after) = &filter.after {
        query = query.filter(opportunities::id.gt(after.clone()));
    }
    Ok(query.load(conn)?)
}

fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Every opportunity of a seeker, oldest first (for exports and the agenda).
pub fn all_opportunities(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Vec<OpportunityRow>, StoreError> {
    Ok(opportunities::table
        .filter(opportunities::seeker_id.eq(seeker_id))
        .select(OpportunityRow::as_select())
        .order(opportunities::id.asc())
        .load(conn)?)
}

/// Writes `row` back if the stored version is still `expected_version`;
/// `false` when another write came first.
pub fn update_opportunity(
    tx: &mut FactsTx<'_>,
    row: &OpportunityRow,
    expected_version: i32,
) -> Result<bool, StoreError> {
    tx.lock(&row.seeker_id)?;
    let changed = diesel::update(
        opportunities::table
            .filter(opportunities::id.eq(&row.id))
            .filter(opportunities::version.eq(expected_version)),
    )
    .set(row.clone())
    .execute(tx.conn())?;
    Ok(changed == 1)
}

/// Deletes an opportunity; its contacts, interactions, promises, profile
/// and history cascade.
pub fn delete_opportunity(tx: &mut FactsTx<'_>, id: &str) -> Result<bool, StoreError> {
    let owner: Option<String> = opportunities::table
        .find(id)
        .select(opportunities::seeker_id)
        .get_result(tx.conn())
        .optional()?;
    if let Some(owner) = owner {
        tx.lock(&owner)?;
    }
    Ok(diesel::delete(opportunities::table.find(id)).execute(tx.conn())? == 1)
}

/// Open opportunities of a seeker with this company and title
/// (case-insensitive): "did I already apply?".
pub fn matching_open(
    conn: &mut DbConnection,
    seeker_id: &str,
    company: &str,
    title: &str,
    open_stages: &[Stage],
) -> Result<Vec<String>, StoreError> {
    Ok(opportunities::table
        .filter(opportunities::seeker_id.eq(seeker_id))
        .filter(lower(opportunities::company).eq(company.to_lowercase()))
        .filter(lower(opportunities::title).eq(title.to_lowercase()))
        .filter(
            opportunities::stage.eq_any(open_stages.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        )
        .select(opportunities::id)
        .order(opportunities::id.asc())
        .load(conn)?)
}

/// Records a stage change.
pub fn insert_transition(tx: &mut FactsTx<'_>, row: &TransitionRow) -> Result<(), StoreError> {
    let owner: Option<String> = opportunities::table
        .find(&row.opportunity_id)
        .select(opportunities::seeker_id)
        .get_result(tx.conn())
        .optional()?;
    if let Some(owner) = owner {
        tx.lock(&owner)?;
    }
    diesel::insert_into(stage_transitions::table)
        .values(row.clone())
        .execute(tx.conn())?;
    Ok(())
}

/// An opportunity's stage history, in the order it was recorded.
pub fn transitions_of(
    conn: &mut DbConnection,
    opportunity_id: &str,
) -> Result<Vec<TransitionRow>, StoreError> {
    Ok(stage_transitions::table
        .filter(stage_transitions::opportunity_id.eq(opportunity_id))
        .select(TransitionRow::as_select())
        .order(stage_transitions::id.asc())
        .load(conn)?)
}
