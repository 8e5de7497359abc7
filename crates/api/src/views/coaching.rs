//! Coaching relationships as the API shows them: grants and the people in them.

use crate::views::utc;
use chrono::{DateTime, Utc};
use followup_store::auth::GrantRow;
use followup_store::users::UserRow;
use serde::Serialize;
use utoipa::ToSchema;

/// A person on the other side of a grant.
#[derive(Debug, Serialize, ToSchema)]
pub struct Person {
    /// Their account id.
    pub id: String,
    /// Their name.
    pub display_name: String,
    /// Their email.
    pub email: String,
}

/// Access a seeker gave a coach: the coach may read the seeker's data and do
/// what coaches may (assign playbooks, add notes marked as the coach's).
#[derive(Debug, Serialize, ToSchema)]
pub struct Grant {
    /// The grant's id; `DELETE /v1/grants/{id}` withdraws it.
    pub id: String,
    /// The seeker whose data it opens.
    pub seeker_id: String,
    /// The coach.
    pub coach: Person,
    /// When it was given.
    pub created_at: DateTime<Utc>,
}

pub fn grant(row: GrantRow, coach: &UserRow) -> Grant {
    Grant {
        id: row.id,
        seeker_id: row.seeker_id,
        coach: Person {
            id: coach.id.clone(),
            display_name: coach.display_name.clone(),
            email: coach.email.clone(),
        },
        created_at: utc(row.created_at),
    }
}
