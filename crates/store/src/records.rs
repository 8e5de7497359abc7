//! Rows of the pipeline's other tables: contacts, interactions, promises and
//! profiles. Every row carries `seeker_id` (whose it is), `version` (the
//! ETag) and `updated_by` (`<type>:<id>` of who changed it last).

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use followup_core::compare::{Competition, Criterion};
use followup_core::facts::QuestionAnswers;

use followup_core::{
    Actor, BestTime, Channel, ContactRole, HolidayCalendar, InteractionKind, PromiseWhat,
    RejectionReason,
};

use crate::schema::{contacts, interactions, profiles, promises};
use crate::types::{Stored, StoredJson, StoredJsonText, StoredOpt};

/// A person at the employer.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = contacts, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ContactRow {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// Whose it is.
    pub seeker_id: String,
    /// Their name.
    pub name: String,
    /// Their part in the hiring.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub role: ContactRole,
    /// Email address.
    pub email: Option<String>,
    /// Phone number (E.164 once normalised).
    pub phone: Option<String>,
    /// IANA zone; `None` uses the seeker's.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub timezone: Option<chrono_tz::Tz>,
    /// How they like to be reached.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub preferred_channel: Channel,
    /// Best time to reach them (stored as JSON).
    #[diesel(deserialize_as = StoredJson, serialize_as = StoredJson)]
    pub best_time: Option<BestTime>,
    /// Rapport notes.
    pub notes: Option<String>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it last.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub updated_by: Actor,
    /// The ETag.
    pub version: i32,
    /// The public holidays they observe; `None`: their zone's.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub holiday_calendar: Option<HolidayCalendar>,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = interactions, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct InteractionRow {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// Whose it is.
    pub seeker_id: String,
    /// The contact involved, if any.
    pub contact_id: Option<String>,
    /// What happened.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub kind: InteractionKind,
    /// When it happened (UTC).
    pub occurred_at: NaiveDateTime,
    /// Free text.
    pub notes: Option<String>,
    /// For an out-of-office reply: the return date.
    pub out_of_office_until: Option<NaiveDate>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it last.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub updated_by: Actor,
    /// The ETag.
    pub version: i32,
    /// For a rejection: why, when the employer said.
    #[diesel(deserialize_as = StoredOpt, serialize_as = StoredOpt)]
    pub rejection_reason: Option<RejectionReason>,
}

/// What the employer said they would do.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = promises, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct PromiseRow {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// Whose it is.
    pub seeker_id: String,
    /// Who promised, if known.
    pub contact_id: Option<String>,
    /// What was promised.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub what: PromiseWhat,
    /// Due by the end of this business day (in the contact's zone)…
    pub due_date: Option<NaiveDate>,
    /// …or at this instant. Exactly one of the two is set.
    pub due_at: Option<NaiveDateTime>,
    /// When the promise was made.
    pub made_at: NaiveDateTime,
    /// When the seeker cancelled it.
    pub cancelled_at: Option<NaiveDateTime>,
    /// Created.
    pub created_at: NaiveDateTime,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it last.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub updated_by: Actor,
    /// The ETag.
    pub version: i32,
    /// When the seeker marked it kept.
    pub kept_at: Option<NaiveDateTime>,
}

/// The ideal-candidate profile of an opportunity.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = profiles, treat_none_as_null = true, treat_none_as_default_value = false)]
pub struct ProfileRow {
    /// The opportunity (one profile each).
    pub opportunity_id: String,
    /// Whose it is.
    pub seeker_id: String,
    /// Criteria (stored as JSON).
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub criteria: Vec<Criterion>,
    /// Competition (stored as JSON).
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub competition: Competition,
    /// Answers to the three process questions (stored as JSON).
    #[diesel(deserialize_as = StoredJsonText, serialize_as = StoredJsonText)]
    pub answers: QuestionAnswers,
    /// Last changed.
    pub updated_at: NaiveDateTime,
    /// Who changed it last.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub updated_by: Actor,
    /// The ETag.
    pub version: i32,
    /// What the seeker would accomplish in the role's first six months.
    pub first_six_months: Option<String>,
}

impl PromiseRow {
    /// When the promise falls due: its date when it has one (the seeker's
    /// "by Friday", read in the contact's zone), else its instant. The API
    /// writes exactly one of the two; a row with neither is corrupt.
    pub fn due(&self) -> Result<followup_core::PromiseDue, crate::StoreError> {
        match (self.due_date, self.due_at) {
            (Some(date), _) => Ok(followup_core::PromiseDue::Date(date)),
            (None, Some(at)) => Ok(followup_core::PromiseDue::Instant(at.and_utc())),
            (None, None) => Err(crate::StoreError::Corrupt(format!(
                "promise {} has no due date",
                self.id
            ))),
        }
    }
}

/// The kinds of record a client may create with an id of its own (made
/// offline, synced later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Creatable {
    /// An opportunity.
    Opportunity,
    /// A contact.
    Contact,
    /// An interaction.
    Interaction,
    /// A promise.
    Promise,
}

/// Whose record of `kind` has `id`, if one does.
pub fn owner_of(
    conn: &mut crate::DbConnection,
    kind: Creatable,
    id: &str,
) -> Result<Option<String>, crate::StoreError> {
    use crate::schema::opportunities;
    Ok(match kind {
        Creatable::Opportunity => opportunities::table
            .find(id)
            .select(opportunities::seeker_id)
            .get_result(conn)
            .optional()?,
        Creatable::Contact => contacts::table
            .find(id)
            .select(contacts::seeker_id)
            .get_result(conn)
            .optional()?,
        Creatable::Interaction => interactions::table
            .find(id)
            .select(interactions::seeker_id)
            .get_result(conn)
            .optional()?,
        Creatable::Promise => promises::table
            .find(id)
            .select(promises::seeker_id)
            .get_result(conn)
            .optional()?,
    })
}
