//! Webhooks by the Standard Webhooks specification (docs/webhooks.md):
//! signed deliveries of the event log, from a durable outbox, with retries,
//! to endpoints the server may reach without being turned against its own
//! network.
//!
//! - [`signature`]: `whsec_` secrets and `v1,` signatures;
//! - [`ssrf`]: which URLs and addresses are allowed, and the resolver that
//!   pins each connection to an address it checked;
//! - [`schedule`]: the retry schedule, its jitter and `Retry-After`;
//! - [`worker`]: the dispatcher that turns events into outbox rows, and the
//!   delivery worker that claims and sends them.

pub mod schedule;
pub mod signature;
pub mod ssrf;
pub mod worker;

use chrono::{DateTime, Utc};
use followup_core::{EventType, Role};
use followup_store::{DbConnection, auth, users};

use crate::error::ApiError;
use crate::views::events::Event;

/// Whether a webhook of `owner_id` (of organization `org_id`, for an
/// organization's webhook) may carry `seeker_id`'s events now: their own, a
/// client's through a live grant, or anyone's for an admin. An
/// organization's webhook carries only its live members' events, and only
/// while they share their search with the admin who made it.
pub fn may_see(
    conn: &mut DbConnection,
    owner_id: &str,
    org_id: Option<&str>,
    seeker_id: &str,
) -> Result<bool, ApiError> {
    if let Some(org_id) = org_id {
        let member = followup_store::orgs::live_member(conn, org_id, seeker_id)?;
        return Ok(
            member.is_some_and(|m| m.role == followup_core::OrgRole::Member)
                && auth::live_grant(conn, seeker_id, owner_id)?.is_some(),
        );
    }
    if owner_id == seeker_id {
        return Ok(true);
    }
    let Some(owner) = users::find(conn, owner_id)? else {
        return Ok(false);
    };
    Ok(match owner.role {
        Role::Admin => true,
        Role::Coach => auth::live_grant(conn, seeker_id, owner_id)?.is_some(),
        Role::Seeker => false,
    })
}

/// The body of a delivery: the specification's envelope, `data` being the
/// event as the feed returns it.
pub fn envelope(kind: EventType, timestamp: DateTime<Utc>, event: &Event) -> String {
    serde_json::json!({
        "type": kind,
        "timestamp": timestamp,
        "data": event,
    })
    .to_string()
}
