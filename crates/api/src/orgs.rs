//! Organizations, written once: who may do what in one, and the policy that
//! turns memberships into grants (docs/organizations.md).
//!
//! An organization is not a second permission system. What a member's
//! coaches and admins may see of their search is what the grants say; the
//! organization only decides which grants exist ([`sync_member`]), and every
//! grant it made names it, so leaving revokes exactly those.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use followup_core::{EventType, GrantPolicy, OrgRole, OrgScope};
use followup_store::DbConnection;
use followup_store::auth::{self, GrantRow, RevokedBy};
use followup_store::events::Appender;
use followup_store::orgs::{self, MemberRow, OrgRow};
use followup_store::{users, webhooks};

use crate::auth::{Caller, Via};
use crate::error::{ApiError, ProblemCode};
use crate::views::coaching::grant;

/// What a request needs to do in an organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrgNeed {
    /// See the organization, its groups and the members the caller coaches
    /// (admins: every member): staff, and tokens with `members:read`.
    ReadMembers,
    /// Invite, import, move and remove members; manage groups, codes and
    /// invitations: admins, and tokens with `members:write`.
    WriteMembers,
    /// Read the report: staff (coaches: of their own clients), and tokens
    /// with `reports:read`.
    ReadReports,
    /// Set a group's playbook: admins, the group's coaches, and tokens with
    /// `playbooks:write`.
    WritePlaybooks,
    /// The organization's settings, its staff and its tokens: admins, with
    /// their own credentials.
    Manage,
}

impl OrgNeed {
    /// The token scope that gives it, if any does.
    const fn scope(self) -> Option<OrgScope> {
        match self {
            Self::ReadMembers => Some(OrgScope::MembersRead),
            Self::WriteMembers => Some(OrgScope::MembersWrite),
            Self::ReadReports => Some(OrgScope::ReportsRead),
            Self::WritePlaybooks => Some(OrgScope::PlaybooksWrite),
            Self::Manage => None,
        }
    }
}

/// Who the caller is in one organization.
#[derive(Debug, Clone)]
pub struct OrgCtx {
    /// The organization.
    pub org: OrgRow,
    /// The caller's live membership; `None` for a token.
    pub membership: Option<MemberRow>,
    /// A token's scopes; `None` for an account.
    pub scopes: Option<Vec<OrgScope>>,
}

impl OrgCtx {
    /// Whether the caller sees every member (an admin, or a token).
    pub fn sees_all(&self) -> bool {
        self.scopes.is_some() || self.role() == Some(OrgRole::Admin)
    }

    /// The caller's role, for an account.
    pub fn role(&self) -> Option<OrgRole> {
        self.membership.as_ref().map(|m| m.role)
    }

    /// Refuses what the caller may not do here (403), naming what would do.
    pub fn require(&self, need: OrgNeed) -> Result<(), ApiError> {
        if let Some(scopes) = &self.scopes {
            // `members:write` reads members too.
            let granted = need.scope().is_some_and(|scope| {
                scopes.contains(&scope)
                    || (scope == OrgScope::MembersRead && scopes.contains(&OrgScope::MembersWrite))
            });
            return if granted {
                Ok(())
            } else {
                Err(ApiError::Forbidden(
                    ProblemCode::InsufficientScope,
                    match need.scope() {
                        Some(scope) => format!("this organization token lacks the `{scope}` scope"),
                        None => "an organization token cannot do this; an admin can".to_owned(),
                    },
                ))
            };
        }
        let allowed = matches!(
            (need, self.role()),
            (_, Some(OrgRole::Admin))
                | (
                    OrgNeed::ReadMembers | OrgNeed::ReadReports | OrgNeed::WritePlaybooks,
                    Some(OrgRole::Coach)
                )
        );
        if allowed {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                ProblemCode::Forbidden,
                match need {
                    OrgNeed::ReadMembers | OrgNeed::ReadReports => {
                        "only the organization's admins and coaches may see this"
                    }
                    OrgNeed::WritePlaybooks => {
                        "only the organization's admins and the group's coaches may set its playbook"
                    }
                    OrgNeed::WriteMembers | OrgNeed::Manage => {
                        "only the organization's admins may do this"
                    }
                }
                .to_owned(),
            ))
        }
    }
}

/// The caller's place in organization `org_id`: 404 when they are neither
/// a live member of it nor one of its tokens, so nobody learns which
/// organizations exist.
pub fn org_ctx(conn: &mut DbConnection, caller: &Caller, org_id: &str) -> Result<OrgCtx, ApiError> {
    let missing = || ApiError::NotFound("no such organization".to_owned());
    if let Via::OrgToken {
        org_id: token_org,
        scopes,
        ..
    } = &caller.via
    {
        if token_org != org_id {
            return Err(missing());
        }
        let org = orgs::find_org(conn, org_id)?.ok_or_else(missing)?;
        return Ok(OrgCtx {
            org,
            membership: None,
            scopes: Some(scopes.clone()),
        });
    }
    let membership = orgs::live_member(conn, org_id, caller.id())?.ok_or_else(missing)?;
    let org = orgs::find_org(conn, org_id)?.ok_or_else(missing)?;
    // Keys act for their owner, within their own scopes.
    if membership.role != OrgRole::Member {
        caller.require_role(&[followup_core::Role::Coach])?;
    }
    Ok(OrgCtx {
        org,
        membership: Some(membership),
        scopes: None,
    })
}

/// The coaches `member`'s membership should share their search with under
/// the organization's policy: its admins, and the coaches of their group or
/// their assigned coach; none once they left or for staff.
fn wanted_coaches(
    conn: &mut DbConnection,
    org: &OrgRow,
    member: &MemberRow,
) -> Result<BTreeSet<String>, ApiError> {
    let mut wanted = BTreeSet::new();
    if member.role != OrgRole::Member || member.left_at.is_some() {
        return Ok(wanted);
    }
    let staff: Vec<(MemberRow, _)> = orgs::members_of(conn, &org.id)?
        .into_iter()
        .filter(|(m, _)| m.role != OrgRole::Member)
        .collect();
    let is_staff = |id: &str| staff.iter().any(|(m, _)| m.user_id == id);
    for (m, _) in &staff {
        if m.role == OrgRole::Admin {
            wanted.insert(m.user_id.clone());
        }
    }
    match org.grant_policy {
        GrantPolicy::GroupCoaches => {
            if let Some(group) = &member.group_id {
                for (g, coach) in orgs::group_coaches_of(conn, &org.id)? {
                    if &g == group && is_staff(&coach) {
                        wanted.insert(coach);
                    }
                }
            }
        }
        GrantPolicy::AssignedCoach => {}
    }
    if let Some(coach) = &member.coach_id
        && is_staff(coach)
    {
        wanted.insert(coach.clone());
    }
    wanted.remove(&member.user_id);
    for ended in orgs::ended_since(conn, &member.user_id, member.joined_at)? {
        wanted.remove(&ended);
    }
    Ok(wanted)
}

/// Makes the grants `org` gives `member` what its policy says: grants the
/// coaches it should and revokes those it no longer should, each with its
/// event, and cancels what was queued for a revoked coach's webhooks. A
/// coach the member gave access on their own keeps that grant and gets no
/// second one. Returns how many grants changed.
pub fn sync_member(
    events: &mut Appender,
    conn: &mut DbConnection,
    org: &OrgRow,
    member: &MemberRow,
    actor: &followup_core::Actor,
    at: DateTime<Utc>,
    revoked_by: RevokedBy,
) -> Result<usize, ApiError> {
    let wanted = wanted_coaches(conn, org, member)?;
    let seeker = &member.user_id;
    let now = at.naive_utc();
    let mut changed = 0;
    let current = orgs::org_grants_of_seeker(conn, &org.id, seeker)?;
    for (row, coach) in &current {
        if wanted.contains(&row.coach_id) {
            continue;
        }
        if auth::revoke_grant(conn, seeker, &row.id, now, revoked_by)? {
            webhooks::cancel_pending(conn, &row.coach_id, seeker, now)?;
            let view = grant(row.clone(), coach);
            crate::events::record_account_with(
                events,
                conn,
                EventType::GrantRevoked,
                seeker,
                actor,
                at,
                &view,
            )?;
            changed += 1;
        }
    }
    for coach_id in wanted {
        if current.iter().any(|(row, _)| row.coach_id == coach_id)
            || auth::live_grant(conn, seeker, &coach_id)?.is_some()
        {
            continue;
        }
        let Some(coach) = users::find(conn, &coach_id)? else {
            continue;
        };
        let row = GrantRow {
            id: uuid::Uuid::now_v7().to_string(),
            seeker_id: seeker.clone(),
            coach_id,
            created_at: now,
            revoked_at: None,
            org_id: Some(org.id.clone()),
            revoked_by: None,
        };
        auth::insert_grant(conn, &row)?;
        let view = grant(row, &coach);
        crate::events::record_account_with(
            events,
            conn,
            EventType::GrantCreated,
            seeker,
            actor,
            at,
            &view,
        )?;
        changed += 1;
    }
    Ok(changed)
}

/// [`sync_member`] for every live member of `org`: after a change to its
/// policy, its staff or a group's coaches.
pub fn sync_all(
    events: &mut Appender,
    conn: &mut DbConnection,
    org: &OrgRow,
    actor: &followup_core::Actor,
    at: DateTime<Utc>,
) -> Result<usize, ApiError> {
    let members: Vec<MemberRow> = orgs::members_of(conn, &org.id)?
        .into_iter()
        .map(|(m, _)| m)
        .filter(|m| m.role == OrgRole::Member)
        .collect();
    let mut changed = 0;
    for member in &members {
        changed += sync_member(events, conn, org, member, actor, at, RevokedBy::Org)?;
    }
    Ok(changed)
}

/// Ends `member`'s membership at `at`: every grant the organization made for
/// them is revoked (by `by`), and a leaving admin's tokens with them.
pub fn end_membership(
    events: &mut Appender,
    conn: &mut DbConnection,
    org: &OrgRow,
    member: &MemberRow,
    actor: &followup_core::Actor,
    at: DateTime<Utc>,
    by: RevokedBy,
) -> Result<(), ApiError> {
    orgs::end_membership(conn, &member.id, at.naive_utc())?;
    let mut gone = member.clone();
    gone.left_at = Some(at.naive_utc());
    sync_member(events, conn, org, &gone, actor, at, by)?;
    if member.role != OrgRole::Member {
        orgs::remove_coach_from_groups(conn, &org.id, &member.user_id)?;
        orgs::revoke_tokens(conn, &org.id, None, Some(&member.user_id), at.naive_utc())?;
        // What this coach saw through the organization goes too.
        sync_all(events, conn, org, actor, at)?;
    }
    Ok(())
}

/// The most rows a roster import takes.
pub const MAX_IMPORT_ROWS: usize = 5_000;

/// The body limit of a roster import: 5,000 rows of up to about 400 bytes.
pub const MAX_IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// Whether `path` is an organization's roster import.
pub fn is_import_path(path: &str) -> bool {
    path.strip_prefix("/v1/orgs/")
        .and_then(|rest| rest.strip_suffix("/members/import"))
        .is_some_and(|id| !id.is_empty() && !id.contains('/'))
}
