//! An interaction as the API shows it.

use crate::conventions::Actor;
use crate::error::ApiError;
use crate::views::utc;
use chrono::{DateTime, NaiveDate, Utc};
use followup_core::InteractionKind;
use followup_store::records::InteractionRow;
use serde::Serialize;
use utoipa::ToSchema;

/// Something that happened between the seeker and the employer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Interaction {
    /// UUIDv7.
    pub id: String,
    /// The opportunity.
    pub opportunity_id: String,
    /// Who it was with; `null` = the opportunity's main contact (or nobody, for a note).
    pub contact_id: Option<String>,
    /// What happened; its direction and channel follow from it.
    pub kind: InteractionKind,
    /// When it happened.
    pub occurred_at: DateTime<Utc>,
    /// Free text.
    pub notes: Option<String>,
    /// For an out-of-office `reply_received`: the local date the person is back.
    pub out_of_office_until: Option<NaiveDate>,
    /// For a `rejection_received`: why, when the employer said.
    pub rejection_reason: Option<followup_core::RejectionReason>,
    /// Created.
    pub created_at: DateTime<Utc>,
    /// Last changed.
    pub updated_at: DateTime<Utc>,
    /// Who recorded or changed it last; a coach's notes show the coach.
    pub updated_by: Actor,
}

impl TryFrom<InteractionRow> for Interaction {
    type Error = ApiError;

    fn try_from(row: InteractionRow) -> Result<Self, ApiError> {
        Ok(Self {
            kind: row.kind,
            occurred_at: utc(row.occurred_at),
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
            updated_by: Actor::from(row.updated_by),
            id: row.id,
            opportunity_id: row.opportunity_id,
            contact_id: row.contact_id,
            notes: row.notes,
            out_of_office_until: row.out_of_office_until,
            rejection_reason: row.rejection_reason,
        })
    }
}
