//! Organizations (career centres): the organization, its groups, members,
//! invitations, cohort codes and tokens, and a member's side of it: joining
//! and leaving. docs/organizations.md.

use actix_web::http::header;
use actix_web::{HttpResponse, delete, get, patch, post, put, web};
use chrono::{DateTime, Datelike as _, Duration, Utc};
use followup_core::analytics::Stalled;
use followup_core::{GrantPolicy, JoinedVia, OrgRole, OrgScope, Role};
use followup_store::auth::RevokedBy;
use followup_store::events::Appender;
use followup_store::orgs::{
    self, CodeRow, GroupRow, InvitationRow, MemberRow, OrgRow, OrgTokenRow,
};
use followup_store::snapshot::{self, Scope};
use followup_store::users::{self, UserRow};
use followup_store::{DbConnection, StoreError};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Via, generate_code, generate_token, sha256_hex};
use crate::conventions::{Actor, Page, Paging};
use crate::db::{read, write, write_facts};
use crate::error::{ApiError, FieldCode, FieldError, Problem, ProblemCode};
use crate::extract::{Json, Query};
use crate::orgs::{OrgCtx, OrgNeed, end_membership, org_ctx, sync_all, sync_member};
use crate::shape::FieldsParam;
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::coaching::{Grant, Person, PlaybookChoice, grant, playbook_choice, summary};
use crate::views::{now, utc};

// Views.

/// An organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct Org {
    /// Its id.
    pub id: String,
    /// Its name.
    #[schema(example = "Northside College Career Centre")]
    pub name: String,
    /// Who a member's search is shared with when they join; its admins
    /// always are.
    pub grant_policy: GrantPolicy,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

impl From<&OrgRow> for Org {
    fn from(row: &OrgRow) -> Self {
        Self {
            id: row.id.clone(),
            name: row.name.clone(),
            grant_policy: row.grant_policy,
            created_at: utc(row.created_at),
            updated_at: utc(row.updated_at),
        }
    }
}

/// The caller's place in an organization, and what they share through it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Membership {
    /// The organization.
    pub org: Org,
    /// The caller's role in it.
    pub role: OrgRole,
    /// The caller's group, if any.
    pub group_id: Option<String>,
    /// The caller's assigned coach, if any.
    pub coach: Option<Person>,
    /// How they joined.
    pub joined_via: JoinedVia,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Who sees the caller's search through this organization: one grant
    /// per coach or admin, each withdrawable on its own
    /// (`DELETE /v1/grants/{id}`). Leaving withdraws them all. Empty for
    /// staff.
    pub shared_with: Vec<Grant>,
}

/// A group (cohort) of members.
#[derive(Debug, Serialize, ToSchema)]
pub struct Group {
    /// Its id.
    pub id: String,
    /// Its name, unique in the organization.
    #[schema(example = "Spring 2027 – Computer Science")]
    pub name: String,
    /// The coaches of its members.
    pub coach_ids: Vec<String>,
    /// Its members' default playbook (a built-in name or a custom
    /// playbook's id); `null` for none. A member who chose their own keeps
    /// it.
    pub playbook: Option<String>,
    /// How many members it has.
    pub member_count: u32,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// An account in an organization, with a member's search at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgMember {
    /// The account's id (the member's id in these routes, and their client
    /// id in `/v1/coach/clients/{id}/…`).
    pub id: String,
    /// Their name.
    pub display_name: String,
    /// Their e-mail.
    pub email: String,
    /// Their role.
    pub role: OrgRole,
    /// Their group, if any.
    pub group_id: Option<String>,
    /// Their assigned coach, if any.
    pub coach_id: Option<String>,
    /// How they joined.
    pub joined_via: JoinedVia,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// A member's latest logged interaction or stage change; `null` for
    /// staff and before anything was logged.
    pub last_activity: Option<DateTime<Utc>>,
    /// A member's open opportunities.
    pub open_opportunities: u32,
    /// Whether a member's search stalled, with each reason's code and the
    /// facts behind it.
    pub stalled: Stalled,
    /// A member's default playbook and who set it.
    pub playbook: Option<PlaybookChoice>,
}

/// An e-mail-bound invitation.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invitation {
    /// Its id.
    pub id: String,
    /// Only the account with this e-mail can accept it.
    pub email: String,
    /// A name to greet them by.
    pub display_name: Option<String>,
    /// The role it gives.
    pub role: OrgRole,
    /// The group a member joins.
    pub group_id: Option<String>,
    /// A member's assigned coach.
    pub coach_id: Option<String>,
    /// `pending`, `accepted`, `revoked` or `expired`.
    #[schema(example = "pending")]
    pub state: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// When it was accepted.
    pub accepted_at: Option<DateTime<Utc>>,
}

/// An invitation just made or re-issued, with its code: shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationIssued {
    /// The invitation.
    pub invitation: Invitation,
    /// The code to send them; they accept it with
    /// `POST /v1/org-invitations/accept`. A re-issue replaces the old code.
    #[schema(example = "K7QF9M2XRT4WHB8N")]
    pub code: String,
    /// Whether the server is e-mailing the code to the address too (when
    /// it sends e-mail at all).
    pub emailed: bool,
}

/// A multi-use cohort code.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortCode {
    /// Its id.
    pub id: String,
    /// The code's first characters, to tell codes apart.
    #[schema(example = "K7QF")]
    pub prefix: String,
    /// The group its users join.
    pub group_id: Option<String>,
    /// How many may join with it.
    pub max_uses: u32,
    /// How many have.
    pub uses: u32,
    /// `active`, `used_up`, `expired` or `revoked`.
    #[schema(example = "active")]
    pub state: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A cohort code just made, with the code: shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CohortCodeCreated {
    /// The code's details.
    #[serde(flatten)]
    pub cohort_code: CohortCode,
    /// The code to hand out; students join with `POST /v1/orgs/join`.
    #[schema(example = "K7QF9M2XRT4WHB8N")]
    pub code: String,
}

/// An organization token as listed: never the token itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgToken {
    /// Its id.
    pub id: String,
    /// Its label.
    pub name: String,
    /// The token's first characters.
    #[schema(example = "fuo_3f9a1c")]
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<OrgScope>,
    /// The admin who made it; it stops working when they leave.
    pub created_by: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A token just made, with the secret: shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgTokenCreated {
    /// The token's details.
    #[serde(flatten)]
    pub org_token: OrgToken,
    /// Send as `Authorization: Bearer fuo_…`. It works on this
    /// organization's routes only.
    pub token: String,
}

// Requests.

/// A new organization.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrg {
    /// Its name.
    #[schema(
        example = "Northside College Career Centre",
        min_length = 1,
        max_length = 200
    )]
    pub name: String,
    /// Who a member's search is shared with (default `group_coaches`).
    pub grant_policy: Option<GrantPolicy>,
}

/// An organization's settings, replaced whole.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateOrg {
    /// Its name.
    #[schema(
        example = "Northside College Career Centre",
        min_length = 1,
        max_length = 200
    )]
    pub name: String,
    /// Its policy: every member's grants follow a change at once.
    pub grant_policy: GrantPolicy,
}

/// A new group, or a change to one.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupRequest {
    /// Its name (required to make one).
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = String, required = false, min_length = 1, max_length = 100)]
    pub name: Option<String>,
    /// The coaches of its members (the organization's coaches or admins);
    /// replaces the list.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = Vec<String>, required = false)]
    pub coach_ids: Option<Vec<String>>,
    /// The members' default playbook: a built-in name or a custom
    /// playbook's id; `null` for none. Set in one call for every member,
    /// but a member's own choice is kept.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>, example = "persistent_caller")]
    pub playbook: Option<Option<String>>,
}

/// A change to a membership.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMember {
    /// A member's group; `null` for none.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub group_id: Option<Option<String>>,
    /// A member's assigned coach; `null` for none.
    #[serde(default, deserialize_with = "crate::extract::present")]
    #[schema(value_type = Option<String>)]
    pub coach_id: Option<Option<String>>,
    /// Staff only: `admin` or `coach`.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = OrgRole, required = false)]
    pub role: Option<OrgRole>,
}

/// A new invitation (re-posting one for a pending address re-issues it).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateInvitation {
    /// Their e-mail: only the account with it can accept.
    #[schema(example = "ana@example.edu")]
    pub email: String,
    /// A name to greet them by.
    pub display_name: Option<String>,
    /// The role it gives (default `member`).
    pub role: Option<OrgRole>,
    /// A member's group.
    pub group_id: Option<String>,
    /// A member's assigned coach.
    pub coach_id: Option<String>,
}

/// A new cohort code.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateCode {
    /// The group its users join.
    pub group_id: Option<String>,
    /// How many may join with it: 1–5000.
    #[schema(minimum = 1, maximum = 5000, example = 40)]
    pub max_uses: u32,
    /// When it stops working: in the future, within a year (default 30
    /// days from now).
    pub expires_at: Option<DateTime<Utc>>,
}

/// A code to redeem.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Redeem {
    /// The code, as given (case and spaces do not matter).
    #[schema(example = "K7QF9M2XRT4WHB8N")]
    pub code: String,
}

/// A new organization token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOrgToken {
    /// A label, e.g. the platform's name.
    #[schema(example = "Handshake roster sync", min_length = 1, max_length = 100)]
    pub name: String,
    /// What it may do.
    #[schema(min_items = 1)]
    pub scopes: Vec<OrgScope>,
}

/// Filters and order of the member list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MemberParams {
    /// Only this role.
    pub role: Option<OrgRole>,
    /// Only this group's members.
    pub group: Option<String>,
    /// Only the members assigned to this coach, or in a group they coach.
    pub coach: Option<String>,
    /// Only members whose search stalled (`true`) or did not (`false`).
    pub stalled: Option<bool>,
    /// `joined_at` (default), `last_activity` (least recent first: those
    /// who need a nudge), or `-last_activity` (most recent first).
    #[param(example = "last_activity")]
    pub sort: Option<String>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Filters of the invitation list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InvitationParams {
    /// Only invitations in this state: `pending`, `accepted`, `revoked`,
    /// `expired`.
    pub state: Option<String>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

// Checks.

impl crate::extract::Checks for CreateOrg {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        errors.check(validate::name("name", &self.name, 200));
        errors.into_inner()
    }
}

impl crate::extract::Checks for UpdateOrg {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        errors.check(validate::name("name", &self.name, 200));
        errors.into_inner()
    }
}

impl crate::extract::Checks for GroupRequest {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        if let Some(name) = &self.name {
            errors.check(validate::name("name", name, 100));
        }
        if let Some(Some(playbook)) = &self.playbook {
            errors.check(validate::playbook("playbook", playbook));
        }
        if let Some(ids) = &self.coach_ids
            && ids.len() > 50
        {
            errors.add(FieldError::too_many("coach_ids", 50, "coaches"));
        }
        errors.into_inner()
    }
}

impl crate::extract::Checks for UpdateMember {}

impl crate::extract::Checks for CreateInvitation {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        errors.check(validate::email("email", &self.email));
        if let Some(name) = &self.display_name {
            errors.check(validate::name("display_name", name, 100));
        }
        errors.into_inner()
    }
}

impl crate::extract::Checks for CreateCode {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        if !(1..=5000).contains(&self.max_uses) {
            errors.push(FieldError::out_of_range("max_uses", 1, 5000));
        }
        errors
    }
}

impl crate::extract::Checks for Redeem {}

impl crate::extract::Checks for CreateOrgToken {
    fn checks(&self) -> Vec<FieldError> {
        let mut errors = Errors::default();
        errors.check(validate::name("name", &self.name, 100));
        if self.scopes.is_empty() {
            errors.add(
                FieldError::new("scopes", FieldCode::TooFew, "give at least one scope")
                    .with("min", 1),
            );
        }
        errors.into_inner()
    }
}

// Helpers.

/// An invitation e-mail to send once the invitation is stored.
#[derive(Debug, Clone)]
struct InvitationMail {
    email: String,
    display_name: Option<String>,
    code: String,
    expires_at: DateTime<Utc>,
}

/// Sends invitation e-mails in the background, when the server sends
/// e-mail (`--smtp-url`); `true` when it does. The codes are in the
/// answer too: a failed e-mail is logged, and the organization can pass
/// the code on itself.
fn send_invitations(state: &AppState, org_name: String, mails: Vec<InvitationMail>) -> bool {
    let Some(mailer) = state.mailer.clone() else {
        return false;
    };
    if mails.is_empty() {
        return true;
    }
    let now = state.clock.now();
    actix_web::rt::spawn(async move {
        let docs = mailer.link("/docs/");
        for mail in mails {
            let content = crate::digest::mail::invitation(
                &org_name,
                mail.display_name.as_deref(),
                &mail.code,
                mail.expires_at,
                &docs,
            );
            if let Err(error) = mailer
                .send_to(mail.display_name.as_deref(), &mail.email, &content, now)
                .await
            {
                tracing::warn!(?error, to = %mail.email, "an invitation e-mail was not sent");
            }
        }
    });
    true
}

const INVITATION_DAYS: i64 = 30;
const CODE_DAYS: i64 = 30;

fn internal(e: impl std::error::Error + Send + Sync + 'static) -> ApiError {
    ApiError::Internal(Box::new(e))
}

/// A code as people type it: upper case, no spaces or dashes.
fn normal_code(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .flat_map(char::to_uppercase)
        .collect()
}

fn name_taken(err: StoreError) -> ApiError {
    match err {
        StoreError::Conflict { .. } => ApiError::Conflict(
            ProblemCode::AlreadyExists,
            "a group with this name exists in the organization already".to_owned(),
        ),
        other => other.into(),
    }
}

/// The group `id` of the organization, or a 422 naming `field`.
fn group_of(
    conn: &mut DbConnection,
    org_id: &str,
    field: &str,
    id: &str,
) -> Result<GroupRow, ApiError> {
    orgs::find_group(conn, org_id, id)?.ok_or_else(|| {
        ApiError::Validation(vec![FieldError::new(
            field,
            FieldCode::NotFound,
            format!("no group {id} in this organization"),
        )])
    })
}

/// Checks that `id` is a coach or admin of the organization (422 naming
/// `field` otherwise).
fn staff_of(conn: &mut DbConnection, org_id: &str, field: &str, id: &str) -> Result<(), ApiError> {
    match orgs::live_member(conn, org_id, id)? {
        Some(m) if m.role != OrgRole::Member => Ok(()),
        _ => Err(ApiError::Validation(vec![FieldError::new(
            field,
            FieldCode::NotFound,
            format!("{id} is not a coach or admin of this organization"),
        )])),
    }
}

fn invitation_state(row: &InvitationRow, now: DateTime<Utc>) -> &'static str {
    if row.accepted_at.is_some() {
        "accepted"
    } else if row.revoked_at.is_some() {
        "revoked"
    } else if row.expires_at <= now.naive_utc() {
        "expired"
    } else {
        "pending"
    }
}

fn invitation_view(row: InvitationRow, now: DateTime<Utc>) -> Invitation {
    Invitation {
        state: invitation_state(&row, now).to_owned(),
        id: row.id,
        email: row.email,
        display_name: row.display_name,
        role: row.role,
        group_id: row.group_id,
        coach_id: row.coach_id,
        created_at: utc(row.created_at),
        expires_at: utc(row.expires_at),
        accepted_at: row.accepted_at.map(utc),
    }
}

fn code_view(row: CodeRow, now: DateTime<Utc>) -> CohortCode {
    let state = if row.revoked_at.is_some() {
        "revoked"
    } else if row.uses >= row.max_uses {
        "used_up"
    } else if row.expires_at <= now.naive_utc() {
        "expired"
    } else {
        "active"
    };
    CohortCode {
        id: row.id,
        prefix: row.prefix,
        group_id: row.group_id,
        max_uses: u32::try_from(row.max_uses).unwrap_or(0),
        uses: u32::try_from(row.uses).unwrap_or(0),
        state: state.to_owned(),
        created_at: utc(row.created_at),
        expires_at: utc(row.expires_at),
    }
}

fn token_view(row: OrgTokenRow) -> OrgToken {
    OrgToken {
        id: row.id,
        name: row.name,
        prefix: row.prefix,
        scopes: row.scopes,
        created_by: row.created_by,
        created_at: utc(row.created_at),
        last_used_at: row.last_used_at.map(utc),
    }
}

fn group_view(
    row: GroupRow,
    coaches: &[(String, String)],
    members: &[(MemberRow, UserRow)],
) -> Group {
    Group {
        coach_ids: coaches
            .iter()
            .filter(|(g, _)| *g == row.id)
            .map(|(_, c)| c.clone())
            .collect(),
        member_count: crate::views::coaching::count(
            members
                .iter()
                .filter(|(m, _)| m.group_id.as_deref() == Some(&row.id))
                .count(),
        ),
        id: row.id,
        name: row.name,
        playbook: row.playbook,
        created_at: utc(row.created_at),
        updated_at: utc(row.updated_at),
    }
}

/// The caller's membership as they see it, with who sees their search.
fn membership_view(
    conn: &mut DbConnection,
    member: &MemberRow,
    org: &OrgRow,
) -> Result<Membership, ApiError> {
    let coach = match &member.coach_id {
        Some(id) => users::find(conn, id)?.map(|c| Person {
            id: c.id,
            display_name: c.display_name,
            email: c.email,
        }),
        None => None,
    };
    let shared_with = orgs::org_grants_of_seeker(conn, &org.id, &member.user_id)?
        .into_iter()
        .map(|(row, coach)| grant(row, &coach))
        .collect();
    Ok(Membership {
        org: Org::from(org),
        role: member.role,
        group_id: member.group_id.clone(),
        coach,
        joined_via: member.joined_via,
        joined_at: utc(member.joined_at),
        shared_with,
    })
}

/// Joins `user` to `org` (or moves a live member) and applies the policy.
#[allow(clippy::too_many_arguments)]
fn join(
    events: &mut Appender,
    conn: &mut DbConnection,
    org: &OrgRow,
    user: &UserRow,
    role: OrgRole,
    group_id: Option<String>,
    coach_id: Option<String>,
    via: JoinedVia,
    actor: &followup_core::Actor,
    at: DateTime<Utc>,
) -> Result<(bool, MemberRow), ApiError> {
    let wanted_role = match role {
        OrgRole::Member => Role::Seeker,
        OrgRole::Coach | OrgRole::Admin => Role::Coach,
    };
    if user.role != wanted_role {
        return Err(ApiError::Forbidden(
            ProblemCode::Forbidden,
            match role {
                OrgRole::Member => "only a seeker's account can join as a member",
                _ => "only a coach's account can join as a coach or admin",
            }
            .to_owned(),
        ));
    }
    if let Some(existing) = orgs::live_member(conn, &org.id, &user.id)? {
        return Ok((false, existing));
    }
    let row = MemberRow {
        id: uuid::Uuid::now_v7().to_string(),
        org_id: org.id.clone(),
        user_id: user.id.clone(),
        role,
        group_id,
        coach_id,
        joined_via: via,
        joined_at: at.naive_utc(),
        left_at: None,
    };
    orgs::insert_member(conn, &row)?;
    if role == OrgRole::Member {
        sync_member(events, conn, org, &row, actor, at, RevokedBy::Org)?;
    } else if role == OrgRole::Admin {
        sync_all(events, conn, org, actor, at)?;
    }
    Ok((true, row))
}

/// Who a coach sees in the organization: every account for admins and
/// tokens; otherwise the staff and the members who share their search
/// with the caller.
fn visible_members(
    conn: &mut DbConnection,
    ctx: &OrgCtx,
    caller: &Caller,
) -> Result<Vec<(MemberRow, UserRow)>, ApiError> {
    let all = orgs::members_of(conn, &ctx.org.id)?;
    if ctx.sees_all() {
        return Ok(all);
    }
    let clients: std::collections::HashSet<String> =
        followup_store::auth::clients_of_coach(conn, caller.id())?
            .into_iter()
            .map(|(g, _)| g.seeker_id)
            .collect();
    Ok(all
        .into_iter()
        .filter(|(m, _)| m.role != OrgRole::Member || clients.contains(&m.user_id))
        .collect())
}

fn member_view(
    conn: &mut DbConnection,
    member: MemberRow,
    user: UserRow,
    groups: &[GroupRow],
    at: DateTime<Utc>,
) -> Result<OrgMember, ApiError> {
    let mut view = OrgMember {
        id: user.id.clone(),
        display_name: user.display_name.clone(),
        email: user.email.clone(),
        role: member.role,
        group_id: member.group_id.clone(),
        coach_id: member.coach_id.clone(),
        joined_via: member.joined_via,
        joined_at: utc(member.joined_at),
        last_activity: None,
        open_opportunities: 0,
        stalled: Stalled::default(),
        playbook: None,
    };
    if member.role != OrgRole::Member {
        return Ok(view);
    }
    if let Some(snapshot) = snapshot::load(conn, &user.id, Scope::All, at.year())? {
        let summary = summary(&snapshot, at)?;
        view.last_activity = summary.last_activity;
        view.open_opportunities = summary.open;
        view.stalled = summary.stalled;
    }
    let source = users::playbook_sources(conn, &[user.id.as_str()])?
        .into_iter()
        .next()
        .map(|(_, s)| s);
    let mut choice = playbook_choice(&user, source);
    choice.group_id = choice
        .group_id
        .filter(|g| groups.iter().any(|row| &row.id == g));
    view.playbook = Some(choice);
    Ok(view)
}

// Organizations.

/// Make an organization (coaches): you are its first admin.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    request_body = CreateOrg,
    responses(
        (status = 201, description = "The organization; `Location` is set.", body = Org),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coach, or a read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs")]
pub async fn create_org(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<CreateOrg>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Coach])?;
    caller.require_write()?;
    let name =
        validate::name("name", &body.0.name, 200).map_err(|e| ApiError::Validation(vec![e]))?;
    let policy = body.0.grant_policy.unwrap_or(GrantPolicy::GroupCoaches);
    let actor = Actor::of(&caller);
    let org = write(&state, move |_, conn| {
        let at = now();
        let row = OrgRow {
            id: uuid::Uuid::now_v7().to_string(),
            name,
            grant_policy: policy,
            created_by: caller.user.id.clone(),
            created_at: at.naive_utc(),
            updated_at: at.naive_utc(),
            version: 1,
        };
        orgs::insert_org(conn, &row)?;
        join(
            &mut Appender::default(),
            conn,
            &row,
            &caller.user,
            OrgRole::Admin,
            None,
            None,
            JoinedVia::Founder,
            &actor,
            at,
        )?;
        Ok(Org::from(&row))
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/v1/orgs/{}", org.id)))
        .json(org))
}

/// The organizations you belong to, with your role and who sees your search
/// through each.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Your memberships, oldest first.", body = Page<Membership>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs")]
pub async fn list_orgs(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let user_id = caller.user.id.clone();
    let items = read(&state, move |_, conn| {
        orgs::orgs_of_user(conn, &user_id)?
            .into_iter()
            .map(|(member, org)| membership_view(conn, &member, &org))
            .collect::<Result<Vec<_>, ApiError>>()
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// One organization (its members, staff and tokens).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 200, description = "The organization.", body = Org),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}")]
pub async fn get_org(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<web::Json<Org>, ApiError> {
    let id = id.into_inner();
    let ctx = read(&state, move |_, conn| org_ctx(conn, &caller, &id)).await?;
    Ok(web::Json(Org::from(&ctx.org)))
}

/// Replace an organization's settings, its name and policy (admins). A new
/// policy applies to every member's grants at once.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    request_body = UpdateOrg,
    responses(
        (status = 200, description = "The organization.", body = Org),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of it.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/v1/orgs/{id}")]
pub async fn update_org(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<UpdateOrg>,
) -> Result<web::Json<Org>, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    let change = body.0;
    let name =
        validate::name("name", &change.name, 200).map_err(|e| ApiError::Validation(vec![e]))?;
    let actor = Actor::of(&caller);
    let org = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &id)?;
        ctx.require(OrgNeed::Manage)?;
        let mut row = ctx.org.clone();
        let at = now();
        row.name = name;
        let policy_changed = change.grant_policy != row.grant_policy;
        row.grant_policy = change.grant_policy;
        row.updated_at = at.naive_utc();
        row.version += 1;
        if !orgs::update_org(conn, &row, ctx.org.version)? {
            return Err(ApiError::Conflict(
                ProblemCode::EditConflict,
                "the organization changed meanwhile; read it and retry".to_owned(),
            ));
        }
        if policy_changed {
            sync_all(&mut Appender::default(), conn, &row, &actor, at)?;
        }
        Ok(Org::from(&row))
    })
    .await?;
    Ok(web::Json(org))
}

/// Delete an organization (admins): every grant it gave is withdrawn,
/// every membership ends, and its groups, codes, invitations and tokens go.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin of it.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}")]
pub async fn delete_org(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    let actor = Actor::of(&caller);
    write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &id)?;
        ctx.require(OrgNeed::Manage)?;
        let at = now();
        let mut events = Appender::default();
        for (member, _) in orgs::members_of(conn, &id)? {
            if member.role == OrgRole::Member {
                let mut gone = member.clone();
                gone.left_at = Some(at.naive_utc());
                sync_member(
                    &mut events,
                    conn,
                    &ctx.org,
                    &gone,
                    &actor,
                    at,
                    RevokedBy::Org,
                )?;
            }
        }
        orgs::delete_org(conn, &id)?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// Joining and leaving.

/// Join an organization with a cohort code (seekers). Your search is shared
/// with the coaches its policy names, as `shared_with` shows; leaving
/// withdraws it all.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    request_body = Redeem,
    responses(
        (status = 201, description = "You joined.", body = Membership),
        (status = 200, description = "You were a member already.", body = Membership),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a seeker's account, or a read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live code (unknown, expired, used up or revoked).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs/join")]
pub async fn join_with_code(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<Redeem>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Seeker])?;
    caller.require_write()?;
    let hash = sha256_hex(&normal_code(&body.0.code));
    let actor = Actor::of(&caller);
    let (created, view) = write(&state, move |_, conn| {
        let gone =
            || ApiError::NotFound("no such code (unknown, expired, used up or revoked)".to_owned());
        let at = now();
        let code = orgs::find_code(conn, &hash)?.ok_or_else(gone)?;
        let org = orgs::find_org(conn, &code.org_id)?.ok_or_else(gone)?;
        if let Some(existing) = orgs::live_member(conn, &org.id, caller.id())? {
            return Ok((false, membership_view(conn, &existing, &org)?));
        }
        if !orgs::use_code(conn, &code.id, at.naive_utc())? {
            return Err(gone());
        }
        let (_, member) = join(
            &mut Appender::default(),
            conn,
            &org,
            &caller.user,
            OrgRole::Member,
            code.group_id.clone(),
            None,
            JoinedVia::Code,
            &actor,
            at,
        )?;
        Ok((true, membership_view(conn, &member, &org)?))
    })
    .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Accept an organization's invitation: only the account with the
/// invitation's e-mail can.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    request_body = Redeem,
    responses(
        (status = 201, description = "You joined.", body = Membership),
        (status = 200, description = "You were a member already; the invitation is used.", body = Membership),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The invitation's role needs another kind of account, or a read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live invitation to your e-mail (unknown, expired, used or revoked).", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/org-invitations/accept")]
pub async fn accept_invitation(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<Redeem>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    if matches!(caller.via, Via::OrgToken { .. }) {
        return Err(ApiError::Forbidden(
            ProblemCode::Forbidden,
            "an organization token cannot accept invitations".to_owned(),
        ));
    }
    let hash = sha256_hex(&normal_code(&body.0.code));
    let actor = Actor::of(&caller);
    let (created, view) = write(&state, move |_, conn| {
        let gone = || {
            ApiError::NotFound(
                "no such invitation to your e-mail (unknown, expired, used or revoked)".to_owned(),
            )
        };
        let at = now();
        let invitation = orgs::find_invitation_by_code(conn, &hash)?.ok_or_else(gone)?;
        if invitation.email != caller.user.email || invitation_state(&invitation, at) != "pending" {
            return Err(gone());
        }
        let org = orgs::find_org(conn, &invitation.org_id)?.ok_or_else(gone)?;
        let (created, member) = join(
            &mut Appender::default(),
            conn,
            &org,
            &caller.user,
            invitation.role,
            invitation.group_id.clone(),
            invitation.coach_id.clone(),
            JoinedVia::Invitation,
            &actor,
            at,
        )?;
        orgs::accept_invitation(conn, &invitation.id, caller.id(), at.naive_utc())?;
        Ok((created, membership_view(conn, &member, &org)?))
    })
    .await?;
    Ok(if created {
        HttpResponse::Created().json(view)
    } else {
        HttpResponse::Ok().json(view)
    })
}

/// Leave an organization: every grant it gave to see your search is
/// withdrawn at once, queued webhook deliveries included.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 204, description = "You left."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "You are its last admin: name another first, or delete it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}/membership")]
pub async fn leave_org(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    let actor = Actor::of(&caller);
    write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &id)?;
        let member = ctx
            .membership
            .ok_or_else(|| ApiError::NotFound("no such organization".to_owned()))?;
        refuse_last_admin(conn, &ctx.org, &member)?;
        end_membership(
            &mut Appender::default(),
            conn,
            &ctx.org,
            &member,
            &actor,
            now(),
            RevokedBy::Seeker,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

fn refuse_last_admin(
    conn: &mut DbConnection,
    org: &OrgRow,
    member: &MemberRow,
) -> Result<(), ApiError> {
    if member.role != OrgRole::Admin {
        return Ok(());
    }
    let admins = orgs::members_of(conn, &org.id)?
        .into_iter()
        .filter(|(m, _)| m.role == OrgRole::Admin)
        .count();
    if admins <= 1 {
        return Err(ApiError::Conflict(
            ProblemCode::WrongState,
            "the organization's last admin cannot go: make another admin first, or delete it"
                .to_owned(),
        ));
    }
    Ok(())
}

// Groups.

/// Make a group (admins).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    request_body = GroupRequest,
    responses(
        (status = 201, description = "The group; `Location` is set.", body = Group),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A group with this name exists.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid: no name, an unknown coach or playbook.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs/{id}/groups")]
pub async fn create_group(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<GroupRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let org_id = id.into_inner();
    let body = body.0;
    let Some(name) = body.name.as_deref() else {
        return Err(ApiError::Validation(vec![FieldError::required("name")]));
    };
    let name = validate::name("name", name, 100).map_err(|e| ApiError::Validation(vec![e]))?;
    let actor = Actor::of(&caller);
    let (group, org_id) = write_facts(&state, move |_, tx| {
        let ctx = org_ctx(tx.conn(), &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        let at = now();
        let row = GroupRow {
            id: uuid::Uuid::now_v7().to_string(),
            org_id: org_id.clone(),
            name,
            playbook: None,
            created_at: at.naive_utc(),
            updated_at: at.naive_utc(),
        };
        orgs::insert_group(tx.conn(), &row).map_err(name_taken)?;
        apply_group_change(
            tx,
            &ctx,
            &caller,
            row,
            body.coach_ids,
            body.playbook,
            &actor,
            at,
        )
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((
            header::LOCATION,
            format!("/v1/orgs/{org_id}/groups/{}", group.id),
        ))
        .json(group))
}

/// Applies coaches and a playbook to a stored group, with what follows:
/// grants for its members, and the playbook for each member who did not
/// choose their own.
#[allow(clippy::too_many_arguments)]
fn apply_group_change(
    tx: &mut followup_store::FactsTx<'_>,
    ctx: &OrgCtx,
    caller: &Caller,
    mut row: GroupRow,
    coach_ids: Option<Vec<String>>,
    playbook: Option<Option<String>>,
    actor: &followup_core::Actor,
    at: DateTime<Utc>,
) -> Result<(Group, String), ApiError> {
    let org = &ctx.org;
    let mut events = Appender::default();
    if let Some(mut coach_ids) = coach_ids {
        coach_ids.sort();
        coach_ids.dedup();
        for (n, id) in coach_ids.iter().enumerate() {
            staff_of(tx.conn(), &org.id, &format!("coach_ids[{n}]"), id)?;
        }
        orgs::set_group_coaches(tx.conn(), &row.id, &coach_ids)?;
        sync_all(&mut events, tx.conn(), org, actor, at)?;
    }
    if let Some(playbook) = playbook {
        let playbook = playbook.map(|p| p.trim().to_owned());
        if let Some(reference) = &playbook {
            crate::access::check_playbook(tx.conn(), caller.id(), "playbook", reference)?;
        }
        row.playbook = playbook.clone();
        row.updated_at = at.naive_utc();
        orgs::update_group(tx.conn(), &row).map_err(name_taken)?;
        let members: Vec<MemberRow> = orgs::members_of(tx.conn(), &org.id)?
            .into_iter()
            .map(|(m, _)| m)
            .filter(|m| m.role == OrgRole::Member && m.group_id.as_deref() == Some(&row.id))
            .collect();
        let ids: Vec<&str> = members.iter().map(|m| m.user_id.as_str()).collect();
        let own: Vec<String> = users::playbook_sources(tx.conn(), &ids)?
            .into_iter()
            .filter(|(_, s)| s.via == "seeker")
            .map(|(id, _)| id)
            .collect();
        for member in &members {
            if own.contains(&member.user_id) {
                continue;
            }
            let Some(mut user) = users::find_locked(tx, &member.user_id)? else {
                continue;
            };
            user.default_playbook = playbook.clone();
            user.updated_at = at.naive_utc();
            users::update(tx, &user)?;
            let source = users::PlaybookSource {
                set_by: actor.id.clone(),
                via: format!("group:{}", row.id),
                at: at.naive_utc(),
            };
            users::set_playbook_source(tx.conn(), &user.id, &source)?;
        }
    }
    let coaches = orgs::group_coaches_of(tx.conn(), &org.id)?;
    let members = orgs::members_of(tx.conn(), &org.id)?;
    Ok((group_view(row, &coaches, &members), org.id.clone()))
}

/// The organization's groups.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 200, description = "Its groups, oldest first.", body = Page<Group>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A member, or a token without `members:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/groups")]
pub async fn list_groups(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org_id = id.into_inner();
    let items = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::ReadMembers)?;
        let coaches = orgs::group_coaches_of(conn, &org_id)?;
        let members = orgs::members_of(conn, &org_id)?;
        Ok(orgs::groups_of(conn, &org_id)?
            .into_iter()
            .map(|row| group_view(row, &coaches, &members))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Change a group: its name and coaches (admins), or its playbook in one
/// call for every member (admins and the group's coaches). A member's own
/// choice of playbook is kept, and the coach sees who set each.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("group_id" = String, Path, description = "The group's id."),
    ),
    request_body = GroupRequest,
    responses(
        (status = 200, description = "The group.", body = Group),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not allowed to make this change.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization or group.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "A group with this name exists.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid: an unknown coach or playbook.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/orgs/{id}/groups/{group_id}")]
pub async fn update_group(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Json<GroupRequest>,
) -> Result<web::Json<Group>, ApiError> {
    caller.require_write()?;
    let (org_id, group_id) = path.into_inner();
    let body = body.0;
    let name = body
        .name
        .as_deref()
        .map(|n| validate::name("name", n, 100))
        .transpose()
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let actor = Actor::of(&caller);
    let group = write_facts(&state, move |_, tx| {
        let ctx = org_ctx(tx.conn(), &caller, &org_id)?;
        let mut row = orgs::find_group(tx.conn(), &org_id, &group_id)?
            .ok_or_else(|| ApiError::NotFound("no such group".to_owned()))?;
        if name.is_some() || body.coach_ids.is_some() {
            ctx.require(OrgNeed::WriteMembers)?;
        }
        if body.playbook.is_some() {
            ctx.require(OrgNeed::WritePlaybooks)?;
            if ctx.role() == Some(OrgRole::Coach)
                && !orgs::group_coaches_of(tx.conn(), &org_id)?
                    .iter()
                    .any(|(g, c)| *g == group_id && c == caller.id())
            {
                return Err(ApiError::Forbidden(
                    ProblemCode::Forbidden,
                    "only the organization's admins and this group's coaches may set its playbook"
                        .to_owned(),
                ));
            }
        }
        let at = now();
        if let Some(name) = name {
            row.name = name;
            row.updated_at = at.naive_utc();
            orgs::update_group(tx.conn(), &row).map_err(name_taken)?;
        }
        apply_group_change(
            tx,
            &ctx,
            &caller,
            row,
            body.coach_ids,
            body.playbook,
            &actor,
            at,
        )
    })
    .await?;
    Ok(web::Json(group.0))
}

/// Delete a group (admins): its members stay, ungrouped, and its coaches'
/// grants follow the policy; its codes go.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("group_id" = String, Path, description = "The group's id."),
    ),
    responses(
        (status = 204, description = "Deleted."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization or group.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}/groups/{group_id}")]
pub async fn delete_group(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (org_id, group_id) = path.into_inner();
    let actor = Actor::of(&caller);
    write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        orgs::find_group(conn, &org_id, &group_id)?
            .ok_or_else(|| ApiError::NotFound("no such group".to_owned()))?;
        orgs::delete_group(conn, &group_id)?;
        sync_all(&mut Appender::default(), conn, &ctx.org, &actor, now())?;
        Ok(())
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// Members.

/// The organization's accounts: admins and tokens see everyone; a coach
/// sees the staff and the members who share their search with them. Each
/// member comes with their last activity, open opportunities, whether
/// their search stalled (reason codes with their facts) and their playbook
/// with who set it.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id."), MemberParams, FieldsParam),
    responses(
        (status = 200, description = "A page of accounts.", body = Page<OrgMember>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A member, or a token without `members:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/members")]
pub async fn list_members(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<MemberParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let org_id = id.into_inner();
    let params = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<OrgMember>(),
    )?;
    let sort = match params.sort.as_deref() {
        None | Some("joined_at") => MemberSort::Joined,
        Some("last_activity") => MemberSort::Activity {
            recent_first: false,
        },
        Some("-last_activity") => MemberSort::Activity { recent_first: true },
        Some(other) => {
            return Err(ApiError::Validation(vec![FieldError::unknown_value(
                "sort",
                other,
                &["joined_at", "last_activity", "-last_activity"],
            )]));
        }
    };
    let at = now();
    let items = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::ReadMembers)?;
        let groups = orgs::groups_of(conn, &org_id)?;
        if let Some(group) = &params.group
            && !groups.iter().any(|g| &g.id == group)
        {
            return Err(ApiError::Validation(vec![FieldError::new(
                "group",
                FieldCode::NotFound,
                format!("no group {group} in this organization"),
            )]));
        }
        let coached: Vec<String> = match &params.coach {
            Some(coach) => orgs::group_coaches_of(conn, &org_id)?
                .into_iter()
                .filter(|(_, c)| c == coach)
                .map(|(g, _)| g)
                .collect(),
            None => Vec::new(),
        };
        let mut views = Vec::new();
        for (member, user) in visible_members(conn, &ctx, &caller)? {
            if params.role.is_some_and(|r| r != member.role)
                || params
                    .group
                    .as_ref()
                    .is_some_and(|g| member.group_id.as_ref() != Some(g))
                || params.coach.as_ref().is_some_and(|c| {
                    member.coach_id.as_ref() != Some(c)
                        && !member
                            .group_id
                            .as_ref()
                            .is_some_and(|g| coached.contains(g))
                })
            {
                continue;
            }
            let view = member_view(conn, member, user, &groups, at)?;
            if params
                .stalled
                .is_some_and(|s| view.role != OrgRole::Member || view.stalled.value != s)
            {
                continue;
            }
            views.push(view);
        }
        Ok(views)
    })
    .await?;
    let items = sort.apply(items);
    let page = paging.page_in_memory(items, |m| m.id.as_str())?;
    crate::shape::list(&page, fields.as_ref())
}

/// The orders of the member list.
#[derive(Debug, Clone, Copy)]
enum MemberSort {
    Joined,
    Activity { recent_first: bool },
}

impl MemberSort {
    fn apply(self, mut items: Vec<OrgMember>) -> Vec<OrgMember> {
        match self {
            Self::Joined => items.sort_by(|a, b| (a.joined_at, &a.id).cmp(&(b.joined_at, &b.id))),
            Self::Activity { recent_first } => items.sort_by(|a, b| {
                // Nothing logged yet sorts as the least recent.
                let order = a.last_activity.cmp(&b.last_activity);
                let order = if recent_first { order.reverse() } else { order };
                order.then_with(|| a.id.cmp(&b.id))
            }),
        }
        items
    }
}

/// One account of the organization.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("user_id" = String, Path, description = "The account's id."),
    ),
    responses(
        (status = 200, description = "The account.", body = OrgMember),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A member, or a token without `members:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization, or no such account you may see in it.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/members/{user_id}")]
pub async fn get_member(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<web::Json<OrgMember>, ApiError> {
    let (org_id, user_id) = path.into_inner();
    let at = now();
    let view = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::ReadMembers)?;
        let groups = orgs::groups_of(conn, &org_id)?;
        let (member, user) = visible_members(conn, &ctx, &caller)?
            .into_iter()
            .find(|(m, _)| m.user_id == user_id)
            .ok_or_else(|| ApiError::NotFound("no such member".to_owned()))?;
        member_view(conn, member, user, &groups, at)
    })
    .await?;
    Ok(web::Json(view))
}

/// Move a member to a group or coach, or change a staff member's role
/// (admins). Grants follow the policy at once.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("user_id" = String, Path, description = "The account's id."),
    ),
    request_body = UpdateMember,
    responses(
        (status = 200, description = "The account.", body = OrgMember),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization or account.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin cannot become a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid: an unknown group or coach, a role for a member.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/v1/orgs/{id}/members/{user_id}")]
pub async fn update_member(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
    body: Json<UpdateMember>,
) -> Result<web::Json<OrgMember>, ApiError> {
    caller.require_write()?;
    let (org_id, user_id) = path.into_inner();
    let change = body.0;
    let actor = Actor::of(&caller);
    let view = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        let missing = || ApiError::NotFound("no such member".to_owned());
        let mut member = orgs::live_member(conn, &org_id, &user_id)?.ok_or_else(missing)?;
        let at = now();
        let mut events = Appender::default();
        if let Some(role) = change.role
            && role != member.role
        {
            if member.role == OrgRole::Member || role == OrgRole::Member {
                return Err(ApiError::Validation(vec![FieldError::new(
                    "role",
                    FieldCode::NotAllowed,
                    "a member's role cannot change; staff are `admin` or `coach`",
                )]));
            }
            refuse_last_admin(conn, &ctx.org, &member)?;
            orgs::set_member_role(conn, &member.id, role)?;
            member.role = role;
            sync_all(&mut events, conn, &ctx.org, &actor, at)?;
        }
        if change.group_id.is_some() || change.coach_id.is_some() {
            if member.role != OrgRole::Member {
                return Err(ApiError::Validation(vec![FieldError::new(
                    if change.group_id.is_some() {
                        "group_id"
                    } else {
                        "coach_id"
                    },
                    FieldCode::NotAllowed,
                    "only members have a group and a coach",
                )]));
            }
            let group = change.group_id.unwrap_or_else(|| member.group_id.clone());
            let coach = change.coach_id.unwrap_or_else(|| member.coach_id.clone());
            if let Some(group) = &group {
                group_of(conn, &org_id, "group_id", group)?;
            }
            if let Some(coach) = &coach {
                staff_of(conn, &org_id, "coach_id", coach)?;
            }
            orgs::set_member_placement(conn, &member.id, group.as_deref(), coach.as_deref())?;
            member.group_id = group;
            member.coach_id = coach;
            sync_member(
                &mut events,
                conn,
                &ctx.org,
                &member,
                &actor,
                at,
                RevokedBy::Org,
            )?;
        }
        let user = users::find(conn, &user_id)?.ok_or_else(missing)?;
        let groups = orgs::groups_of(conn, &org_id)?;
        member_view(conn, member, user, &groups, at)
    })
    .await?;
    Ok(web::Json(view))
}

/// Remove an account from the organization (admins): every grant the
/// organization gave for a member goes; a coach loses what they saw
/// through it, and an admin's tokens are revoked.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("user_id" = String, Path, description = "The account's id."),
    ),
    responses(
        (status = 204, description = "Removed."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization or account.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin cannot go.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}/members/{user_id}")]
pub async fn remove_member(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (org_id, user_id) = path.into_inner();
    let actor = Actor::of(&caller);
    write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        let member = orgs::live_member(conn, &org_id, &user_id)?
            .ok_or_else(|| ApiError::NotFound("no such member".to_owned()))?;
        if member.role != OrgRole::Member {
            ctx.require(OrgNeed::Manage)?;
        }
        refuse_last_admin(conn, &ctx.org, &member)?;
        end_membership(
            &mut Appender::default(),
            conn,
            &ctx.org,
            &member,
            &actor,
            now(),
            RevokedBy::Org,
        )
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

// Invitations.

/// Invite someone by e-mail (admins). Posting again for an address with a
/// pending invitation re-issues it: new details, a new code. The code is
/// in this answer only; pass it on.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    request_body = CreateInvitation,
    responses(
        (status = 201, description = "Invited; the code is shown only now.", body = InvitationIssued),
        (status = 200, description = "The pending invitation, re-issued with a new code.", body = InvitationIssued),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The address belongs to a member already.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid: an e-mail, an unknown group or coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs/{id}/invitations")]
pub async fn create_invitation(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<CreateInvitation>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let org_id = id.into_inner();
    let body = body.0;
    let mut errors = Errors::default();
    let email = errors.check(validate::email("email", &body.email));
    let display_name = body
        .display_name
        .as_deref()
        .and_then(|n| errors.check(validate::name("display_name", n, 100)));
    errors.finish()?;
    let email = email.unwrap_or_default();
    let role = body.role.unwrap_or(OrgRole::Member);
    let code = generate_code()?;
    let hash = sha256_hex(&code);
    let (created, invitation, org_name) = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        if role != OrgRole::Member {
            ctx.require(OrgNeed::Manage)?;
        }
        let at = now();
        let placement = Placement {
            group_id: body.group_id,
            coach_id: body.coach_id,
        };
        let (created, row) = issue_invitation(
            conn,
            &ctx.org,
            caller.id(),
            InvitationSpec {
                email,
                display_name,
                role,
                placement,
            },
            hash,
            at,
        )?;
        Ok((created, row, ctx.org.name))
    })
    .await?;
    let mail = InvitationMail {
        email: invitation.email.clone(),
        display_name: invitation.display_name.clone(),
        code: code.clone(),
        expires_at: utc(invitation.expires_at),
    };
    let emailed = send_invitations(&state, org_name, vec![mail]);
    let issued = InvitationIssued {
        invitation: invitation_view(invitation, now()),
        code,
        emailed,
    };
    Ok(if created {
        HttpResponse::Created()
            .insert_header(crate::auth::no_store())
            .json(issued)
    } else {
        HttpResponse::Ok()
            .insert_header(crate::auth::no_store())
            .json(issued)
    })
}

/// Where a member goes.
#[derive(Debug, Clone, Default)]
pub struct Placement {
    group_id: Option<String>,
    coach_id: Option<String>,
}

/// An invitation's details, checked.
#[derive(Debug, Clone)]
struct InvitationSpec {
    email: String,
    display_name: Option<String>,
    role: OrgRole,
    placement: Placement,
}

/// Stores an invitation, or re-issues the pending one to the same address:
/// `(created, row)`.
fn issue_invitation(
    conn: &mut DbConnection,
    org: &OrgRow,
    by: &str,
    spec: InvitationSpec,
    code_hash: String,
    at: DateTime<Utc>,
) -> Result<(bool, InvitationRow), ApiError> {
    if let Some(group) = &spec.placement.group_id {
        group_of(conn, &org.id, "group_id", group)?;
    }
    if let Some(coach) = &spec.placement.coach_id {
        staff_of(conn, &org.id, "coach_id", coach)?;
    }
    if let Some(user) = users::find_by_email(conn, &spec.email)?
        && orgs::live_member(conn, &org.id, &user.id)?.is_some()
    {
        return Err(ApiError::Conflict(
            ProblemCode::AlreadyExists,
            format!("{} is in the organization already", spec.email),
        ));
    }
    let expires_at = (at + Duration::days(INVITATION_DAYS)).naive_utc();
    if let Some(mut pending) = orgs::pending_invitation(conn, &org.id, &spec.email)? {
        pending.display_name = spec.display_name;
        pending.role = spec.role;
        pending.group_id = spec.placement.group_id;
        pending.coach_id = spec.placement.coach_id;
        pending.code_hash = code_hash;
        pending.updated_at = at.naive_utc();
        pending.expires_at = expires_at;
        orgs::reissue_invitation(conn, &pending)?;
        return Ok((false, pending));
    }
    let row = InvitationRow {
        id: uuid::Uuid::now_v7().to_string(),
        org_id: org.id.clone(),
        email: spec.email,
        display_name: spec.display_name,
        role: spec.role,
        group_id: spec.placement.group_id,
        coach_id: spec.placement.coach_id,
        code_hash,
        created_by: by.to_owned(),
        created_at: at.naive_utc(),
        updated_at: at.naive_utc(),
        expires_at,
        accepted_at: None,
        accepted_by: None,
        revoked_at: None,
    };
    orgs::insert_invitation(conn, &row)?;
    Ok((true, row))
}

/// The organization's invitations, oldest first.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id."), InvitationParams),
    responses(
        (status = 200, description = "A page of invitations.", body = Page<Invitation>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/invitations")]
pub async fn list_invitations(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<InvitationParams>,
) -> Result<HttpResponse, ApiError> {
    let org_id = id.into_inner();
    let params = params.into_inner();
    let paging = Paging::new(params.limit, params.cursor.as_deref())?;
    const STATES: [&str; 4] = ["pending", "accepted", "revoked", "expired"];
    if let Some(state) = &params.state
        && !STATES.contains(&state.as_str())
    {
        return Err(ApiError::Validation(vec![FieldError::unknown_value(
            "state", state, &STATES,
        )]));
    }
    let at = now();
    let page = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::ReadMembers)?;
        if !ctx.sees_all() {
            return Err(ApiError::Forbidden(
                ProblemCode::Forbidden,
                "only the organization's admins may see its invitations".to_owned(),
            ));
        }
        // A state filter reads on until a page is full.
        let mut rows = Vec::new();
        let mut after = paging.after.clone();
        loop {
            let batch = orgs::invitations_of(conn, &org_id, after.as_deref(), 500)?;
            let done = batch.len() < 500;
            after = batch.last().map(|r| r.id.clone());
            rows.extend(batch.into_iter().filter(|r| {
                params
                    .state
                    .as_ref()
                    .is_none_or(|s| invitation_state(r, at) == s)
            }));
            if done || rows.len() > paging.limit {
                break;
            }
        }
        rows.truncate(paging.limit + 1);
        paging.page(rows, |r| r.id.as_str(), |r| Ok(invitation_view(r, at)))
    })
    .await?;
    Ok(HttpResponse::Ok().json(page))
}

/// Revoke a pending invitation (admins): its code stops working.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("invitation_id" = String, Path, description = "The invitation's id."),
    ),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such pending invitation.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}/invitations/{invitation_id}")]
pub async fn revoke_invitation(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (org_id, invitation_id) = path.into_inner();
    let revoked = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        if orgs::find_invitation(conn, &org_id, &invitation_id)?.is_none() {
            return Ok(false);
        }
        Ok(orgs::revoke_invitation(
            conn,
            &invitation_id,
            now().naive_utc(),
        )?)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such pending invitation".to_owned()))
    }
}

// Cohort codes.

/// Make a cohort code (admins): many students join with it, until it
/// expires or is used up.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    request_body = CreateCode,
    responses(
        (status = 201, description = "The code, shown only now.", body = CohortCodeCreated),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid: `max_uses` out of range, an expiry in the past or over a year away, an unknown group.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs/{id}/codes")]
pub async fn create_code(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<CreateCode>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let org_id = id.into_inner();
    let body = body.0;
    let at = now();
    let expires_at = body.expires_at.unwrap_or(at + Duration::days(CODE_DAYS));
    let mut errors = Errors::default();
    if !(1..=5000).contains(&body.max_uses) {
        errors.add(FieldError::out_of_range("max_uses", 1, 5000));
    }
    if expires_at <= at || expires_at > at + Duration::days(366) {
        errors.push(
            "expires_at",
            FieldCode::NotAllowed,
            "must be in the future and within a year",
        );
    }
    errors.finish()?;
    let code = generate_code()?;
    let row = CodeRow {
        id: uuid::Uuid::now_v7().to_string(),
        org_id: org_id.clone(),
        group_id: body.group_id,
        code_hash: sha256_hex(&code),
        prefix: code.chars().take(4).collect(),
        max_uses: i32::try_from(body.max_uses).map_err(internal)?,
        uses: 0,
        created_by: caller.user.id.clone(),
        created_at: at.naive_utc(),
        expires_at: expires_at.naive_utc(),
        revoked_at: None,
    };
    let stored = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        if let Some(group) = &row.group_id {
            group_of(conn, &org_id, "group_id", group)?;
        }
        orgs::insert_code(conn, &row)?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::auth::no_store())
        .json(CohortCodeCreated {
            cohort_code: code_view(stored, at),
            code,
        }))
}

/// The organization's cohort codes (never the codes themselves).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 200, description = "Its codes, oldest first.", body = Page<CohortCode>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/codes")]
pub async fn list_codes(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org_id = id.into_inner();
    let at = now();
    let items = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::ReadMembers)?;
        if !ctx.sees_all() {
            return Err(ApiError::Forbidden(
                ProblemCode::Forbidden,
                "only the organization's admins may see its codes".to_owned(),
            ));
        }
        Ok(orgs::codes_of(conn, &org_id)?
            .into_iter()
            .map(|r| code_view(r, at))
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Revoke a cohort code (admins); those who joined with it stay.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("code_id" = String, Path, description = "The code's id."),
    ),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live code.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}/codes/{code_id}")]
pub async fn revoke_code(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (org_id, code_id) = path.into_inner();
    let revoked = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        Ok(orgs::revoke_code(
            conn,
            &org_id,
            &code_id,
            now().naive_utc(),
        )?)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such live code".to_owned()))
    }
}

// Tokens.

/// Make an organization token (admins, with their own sign-in or key). It
/// works on this organization's routes only, within its scopes, and is
/// shown once.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    request_body = CreateOrgToken,
    responses(
        (status = 201, description = "The token, shown only now.", body = OrgTokenCreated),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or called with a token.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs/{id}/tokens")]
pub async fn create_token(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<CreateOrgToken>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let org_id = id.into_inner();
    let body = body.0;
    let name =
        validate::name("name", &body.name, 100).map_err(|e| ApiError::Validation(vec![e]))?;
    let mut scopes = body.scopes;
    scopes.sort();
    scopes.dedup();
    let token = generate_token(crate::auth::ORG_TOKEN_PREFIX)?;
    let row = OrgTokenRow {
        id: uuid::Uuid::now_v7().to_string(),
        org_id: org_id.clone(),
        name,
        prefix: token.chars().take(11).collect(),
        token_hash: sha256_hex(&token),
        scopes,
        created_by: caller.user.id.clone(),
        created_at: now().naive_utc(),
        last_used_at: None,
        revoked_at: None,
    };
    let stored = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::Manage)?;
        orgs::insert_token(conn, &row)?;
        Ok(row)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::auth::no_store())
        .json(OrgTokenCreated {
            org_token: token_view(stored),
            token,
        }))
}

/// The organization's live tokens (never the tokens themselves).
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id.")),
    responses(
        (status = 200, description = "Its tokens, oldest first.", body = Page<OrgToken>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/tokens")]
pub async fn list_tokens(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let org_id = id.into_inner();
    let items = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::Manage)?;
        Ok(orgs::tokens_of(conn, &org_id)?
            .into_iter()
            .map(token_view)
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(HttpResponse::Ok().json(Page {
        items,
        next_cursor: None,
    }))
}

/// Revoke an organization token (admins); it stops working at once.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The organization's id."),
        ("token_id" = String, Path, description = "The token's id."),
    ),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live token.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/orgs/{id}/tokens/{token_id}")]
pub async fn revoke_token(
    caller: Caller,
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (org_id, token_id) = path.into_inner();
    let revoked = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::Manage)?;
        Ok(orgs::revoke_tokens(
            conn,
            &org_id,
            Some(&token_id),
            None,
            now().naive_utc(),
        )?)
    })
    .await?;
    if revoked == 1 {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such token".to_owned()))
    }
}

// The weekly report.

/// The report's period, group, page and format.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// The first day (`YYYY-MM-DD`, in each member's time zone); default
    /// the Monday of this week.
    pub from: Option<chrono::NaiveDate>,
    /// The last day, at most 92 days after `from`; default `from` + 6.
    pub to: Option<chrono::NaiveDate>,
    /// Only this group's members.
    pub group: Option<String>,
    /// `json` (default) or `csv` (also chosen by `Accept: text/csv`).
    #[param(example = "csv")]
    pub format: Option<String>,
    /// Members per page: 1–500, default 200.
    #[param(minimum = 1, maximum = 500)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// One member's week.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportRow {
    /// The member's account id.
    pub member_id: String,
    /// Their name.
    pub display_name: String,
    /// Their e-mail.
    pub email: String,
    /// Their group.
    pub group_id: Option<String>,
    /// Their assigned coach.
    pub coach_id: Option<String>,
    /// Opportunities by stage, every stage named (zero included).
    #[schema(value_type = Object, example = json!({"prospect": 2, "applied": 5, "screening": 1, "interviewing": 1, "final": 0, "offer": 0, "accepted": 0, "declined": 0, "rejected": 1, "withdrawn": 0, "ghosted": 0}))]
    pub funnel: std::collections::BTreeMap<&'static str, u32>,
    /// Opportunities moved to `applied` in the period.
    pub applications: u32,
    /// Actions on their agenda due from the report's instant to the end of
    /// the period.
    pub actions_due: u32,
    /// Actions on their agenda already overdue at the report's instant.
    pub actions_overdue: u32,
    /// Employers' promises due in the period and kept.
    pub promises_kept: u32,
    /// Employers' promises due in the period and broken.
    pub promises_broken: u32,
    /// Whether their search stalled.
    pub stalled: bool,
    /// Why, as codes: `inactive`, `promises_broken`, `only_finals`,
    /// `caps_broken`.
    pub stall_codes: Vec<followup_core::ReasonCode>,
    /// Their latest logged interaction or stage change.
    pub last_activity: Option<DateTime<Utc>>,
    /// Their default playbook.
    pub playbook: String,
    /// Who set it: `default`, `seeker`, `coach` or `group`.
    pub playbook_set_via: String,
}

/// The weekly report: one row per member.
#[derive(Debug, Serialize, ToSchema)]
pub struct Report {
    /// The first day.
    pub from: chrono::NaiveDate,
    /// The last day.
    pub to: chrono::NaiveDate,
    /// The instant agendas and stalls are evaluated at: now, or the end of
    /// the period when it is over.
    pub at: DateTime<Utc>,
    /// The members of the page, in the order they joined.
    pub items: Vec<ReportRow>,
    /// Pass as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

/// The organization's weekly report in one call (JSON or CSV): per member,
/// the funnel, applications in the period, actions due and overdue,
/// promises kept and broken, whether their search stalled and why, their
/// last activity and playbook. Admins and `reports:read` tokens see every
/// member; a coach sees the members who share their search with them.
/// Each page is computed in one pass: a fixed number of queries, whatever
/// the number of members.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id."), ReportParams),
    responses(
        (status = 200, description = "A page of the report (`text/csv` with `format=csv`: one header row, one row per member, the page's `next_cursor` in the `Link` header).", content((Report = "application/json"), (String = "text/csv"))),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A member, or a token without `reports:read`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid: `from` after `to`, a period over 92 days, an unknown group or format.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/orgs/{id}/report")]
pub async fn report(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<ReportParams>,
    req: actix_web::HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let org_id = id.into_inner();
    let params = params.into_inner();
    let csv = match params.format.as_deref() {
        Some("csv") => true,
        Some("json") => false,
        None => req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("text/csv")),
        Some(other) => {
            return Err(ApiError::Validation(vec![FieldError::unknown_value(
                "format",
                other,
                &["json", "csv"],
            )]));
        }
    };
    let limit = params.limit.unwrap_or(200);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::Validation(vec![FieldError::out_of_range(
            "limit", 1, 500,
        )]));
    }
    let paging = Paging::new(Some(1), params.cursor.as_deref())?;
    let now = now();
    let today = now.date_naive();
    let from = params.from.unwrap_or_else(|| {
        today - Duration::days(i64::from(today.weekday().num_days_from_monday()))
    });
    let Some(to) = params
        .to
        .or_else(|| from.checked_add_days(chrono::Days::new(6)))
    else {
        return Err(ApiError::Validation(vec![FieldError::new(
            "from",
            FieldCode::OutOfRange,
            "too far in the future",
        )]));
    };
    if to.year() > 9000 || from.year() < 1900 {
        return Err(ApiError::Validation(vec![FieldError::new(
            if to.year() > 9000 { "to" } else { "from" },
            FieldCode::OutOfRange,
            "a date from 1900 to 9000",
        )]));
    }
    if from > to {
        return Err(ApiError::Validation(vec![FieldError::after("from", "to")]));
    }
    if (to - from).num_days() > 92 {
        return Err(ApiError::Validation(vec![
            FieldError::new("to", FieldCode::OutOfRange, "the period is at most 92 days")
                .with("max", 92),
        ]));
    }
    let group = params.group.clone();
    let after = paging.after.clone();
    let page = read(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::ReadReports)?;
        if let Some(group) = &group {
            group_of(conn, &org_id, "group", group)?;
        }
        let members: Vec<(MemberRow, UserRow)> = visible_members(conn, &ctx, &caller)?
            .into_iter()
            .filter(|(m, _)| m.role == OrgRole::Member)
            .filter(|(m, _)| group.is_none() || m.group_id == group)
            .skip_while(|(m, _)| after.as_ref().is_some_and(|a| &m.id <= a))
            .take(limit as usize + 1)
            .collect();
        report_page(conn, members, from, to, now, limit as usize)
    })
    .await?;
    if csv {
        let mut response = HttpResponse::Ok();
        response.content_type("text/csv; charset=utf-8");
        if let Some(cursor) = &page.next_cursor {
            response.insert_header((
                header::LINK,
                format!("<?cursor={cursor}&format=csv>; rel=\"next\""),
            ));
        }
        return Ok(response.body(report_csv(&page)));
    }
    Ok(HttpResponse::Ok().json(page))
}

/// One page of the report: every member's snapshot loaded in one pass.
fn report_page(
    conn: &mut DbConnection,
    mut members: Vec<(MemberRow, UserRow)>,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Report, ApiError> {
    use followup_core::Stage;
    use followup_core::analytics::PromiseOutcome;
    let next_cursor = if members.len() > limit {
        members.truncate(limit);
        members
            .last()
            .map(|(m, _)| crate::conventions::encode_cursor(&m.id))
    } else {
        None
    };
    let ids: Vec<String> = members.iter().map(|(m, _)| m.user_id.clone()).collect();
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    let mut sources: std::collections::HashMap<String, users::PlaybookSource> =
        users::playbook_sources(conn, &refs)?.into_iter().collect();
    let year = now.year();
    let mut snapshots: std::collections::HashMap<String, snapshot::Snapshot> =
        snapshot::load_many(conn, &ids, year)?
            .into_iter()
            .map(|s| (s.user.id.clone(), s))
            .collect();
    // The period's end: the report speaks of now, or of the end of a past
    // period.
    let end_of = |tz: chrono_tz::Tz| {
        to.succ_opt()
            .and_then(|day| day.and_hms_opt(0, 0, 0))
            .and_then(|t| t.and_local_timezone(tz).earliest())
            .map(|t| t.with_timezone(&Utc))
    };
    let mut items = Vec::with_capacity(members.len());
    let mut at_all = now;
    for (member, user) in members {
        let mut funnel: std::collections::BTreeMap<&'static str, u32> =
            Stage::ALL.iter().map(|s| (s.as_str(), 0)).collect();
        let mut row = ReportRow {
            member_id: user.id.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            group_id: member.group_id.clone(),
            coach_id: member.coach_id.clone(),
            funnel: std::collections::BTreeMap::new(),
            applications: 0,
            actions_due: 0,
            actions_overdue: 0,
            promises_kept: 0,
            promises_broken: 0,
            stalled: false,
            stall_codes: Vec::new(),
            last_activity: None,
            playbook: user
                .default_playbook
                .clone()
                .unwrap_or_else(|| crate::views::DEFAULT_PLAYBOOK.to_owned()),
            playbook_set_via: sources.remove(&user.id).map_or_else(
                || "default".to_owned(),
                |s| {
                    if s.via.starts_with("group:") {
                        "group".to_owned()
                    } else {
                        s.via
                    }
                },
            ),
        };
        if let Some(snapshot) = snapshots.remove(&user.id) {
            let tz = snapshot.facts.seeker.calendar.tz;
            let start = from
                .and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(tz).earliest())
                .map(|t| t.with_timezone(&Utc));
            let end = end_of(tz);
            let at = end.map_or(now, |end| end.min(now));
            at_all = at;
            let within = |instant: DateTime<Utc>| {
                start.is_some_and(|s| instant >= s) && end.is_some_and(|e| instant < e)
            };
            for opportunity in &snapshot.facts.opportunities {
                *funnel.entry(opportunity.stage.as_str()).or_default() += 1;
            }
            let input = crate::cadence::analytics_input(&snapshot.facts, at);
            row.applications = crate::views::coaching::count(
                input
                    .history
                    .iter()
                    .filter(|h| h.to == Stage::Applied && within(h.at))
                    .count(),
            );
            for promise in input.promises.iter().filter(|p| within(p.due_at)) {
                match promise.status {
                    PromiseOutcome::Kept => row.promises_kept += 1,
                    PromiseOutcome::Broken => row.promises_broken += 1,
                    _ => {}
                }
            }
            let agenda =
                followup_core::Engine::new(&snapshot.facts, &snapshot.playbook, at).agenda();
            for action in &agenda {
                if action.due_at < at {
                    row.actions_overdue += 1;
                } else if end.is_some_and(|e| action.due_at < e) {
                    row.actions_due += 1;
                }
            }
            let summary = summary(&snapshot, at)?;
            row.stalled = summary.stalled.value;
            row.stall_codes = summary
                .stalled
                .reasons
                .iter()
                .map(|r| r.reason_code)
                .collect();
            row.last_activity = summary.last_activity;
        }
        row.funnel = funnel;
        items.push(row);
    }
    Ok(Report {
        from,
        to,
        at: at_all,
        items,
        next_cursor,
    })
}

/// The report as CSV: one header row, one row per member, a column per
/// stage.
fn report_csv(page: &Report) -> String {
    use crate::csv::{csv_field, text_cell};
    use followup_core::Stage;
    let mut header: Vec<String> = ["member_id", "display_name", "email", "group_id", "coach_id"]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
    header.extend(Stage::ALL.iter().map(|s| s.as_str().to_owned()));
    header.extend(
        [
            "applications",
            "actions_due",
            "actions_overdue",
            "promises_kept",
            "promises_broken",
            "stalled",
            "stall_codes",
            "last_activity",
            "playbook",
            "playbook_set_via",
        ]
        .iter()
        .map(|s| (*s).to_owned()),
    );
    let mut out = header.join(",");
    out.push_str("\r\n");
    for row in &page.items {
        let mut cells: Vec<String> = vec![
            row.member_id.clone(),
            text_cell(&row.display_name),
            text_cell(&row.email),
            row.group_id.clone().unwrap_or_default(),
            row.coach_id.clone().unwrap_or_default(),
        ];
        cells.extend(
            Stage::ALL
                .iter()
                .map(|s| row.funnel.get(s.as_str()).copied().unwrap_or(0).to_string()),
        );
        cells.extend([
            row.applications.to_string(),
            row.actions_due.to_string(),
            row.actions_overdue.to_string(),
            row.promises_kept.to_string(),
            row.promises_broken.to_string(),
            row.stalled.to_string(),
            row.stall_codes
                .iter()
                .map(|c| c.as_str())
                .collect::<Vec<_>>()
                .join(" "),
            row.last_activity
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            row.playbook.clone(),
            row.playbook_set_via.clone(),
        ]);
        let line: Vec<String> = cells.iter().map(|c| csv_field(c)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

// The roster import.

/// One row of a roster.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RosterRow {
    /// The student's e-mail: the key. An address already in the
    /// organization is moved, one with a pending invitation has it
    /// updated, any other is invited.
    #[schema(example = "ana@example.edu")]
    pub email: String,
    /// A name to greet them by.
    pub display_name: Option<String>,
    /// Their group, by name or id.
    #[schema(example = "Cohort A")]
    pub group: Option<String>,
    /// Their assigned coach, by e-mail or id (a coach or admin of the
    /// organization).
    pub coach: Option<String>,
}

/// A roster as JSON (`application/json`). As CSV (`text/csv`), the same
/// columns under a header row: `email` (required), `display_name`, `group`,
/// `coach`, in any order.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Roster {
    /// Up to 5,000 rows.
    pub members: Vec<RosterRow>,
}

/// Whether to import the good rows when some are bad.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `true` imports the good rows and reports the bad; by default one bad
    /// row imports nothing (a 422 naming every bad field).
    pub partial: Option<bool>,
}

/// What the import did with one row.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportedRow {
    /// The row: its line in a CSV file (the header is line 1), or its
    /// index in `members` from 1.
    pub row: u32,
    /// The row's e-mail, normalised.
    pub email: String,
    /// `invited`, `reinvited` (an expired invitation, with a new code),
    /// `updated` (a pending invitation or a member moved), `unchanged`, or
    /// `failed`.
    #[schema(example = "invited")]
    pub outcome: String,
    /// The member's account id, for `updated` and `unchanged` members.
    pub member_id: Option<String>,
    /// The invitation's id.
    pub invitation_id: Option<String>,
    /// A new invitation's code, shown only now: pass it on. An unchanged
    /// or updated invitation keeps its code.
    pub code: Option<String>,
    /// Why a `failed` row failed.
    pub errors: Vec<FieldError>,
    /// Whether the server is e-mailing a new code to the address (when it
    /// sends e-mail at all).
    pub emailed: bool,
}

/// A roster import's report.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// How many rows had each outcome.
    #[schema(value_type = Object, example = json!({"invited": 297, "updated": 2, "unchanged": 0, "reinvited": 0, "failed": 1}))]
    pub counts: std::collections::BTreeMap<String, u32>,
    /// One per row, in the file's order.
    pub rows: Vec<ImportedRow>,
}

/// A row checked against the organization: what it will do.
#[derive(Debug)]
enum Planned {
    Invite(InvitationSpec, Option<InvitationRow>),
    UpdateInvitation(InvitationRow),
    Move(MemberRow, Placement),
    Unchanged {
        member_id: Option<String>,
        invitation_id: Option<String>,
    },
}

/// The roster's rows with their row numbers, from JSON or CSV.
fn roster_rows(body: &[u8], csv: bool) -> Result<Vec<(u32, RosterRow)>, ApiError> {
    let bad = |message: String| {
        ApiError::Validation(vec![FieldError::new("body", FieldCode::Invalid, message)])
    };
    if !csv {
        let roster: Roster = serde_json::from_slice(body).map_err(|e| {
            ApiError::Validation(vec![FieldError::new(
                "body",
                FieldCode::Invalid,
                format!(
                    "not a roster: {}",
                    crate::serde_errors::plain(&e.to_string())
                ),
            )])
        })?;
        return Ok(roster
            .members
            .into_iter()
            .enumerate()
            .map(|(n, row)| (u32::try_from(n + 1).unwrap_or(u32::MAX), row))
            .collect());
    }
    let text = std::str::from_utf8(body).map_err(|_| bad("the CSV is not UTF-8".to_owned()))?;
    let mut rows = crate::csv::parse(text).map_err(bad)?.into_iter();
    let Some((_, header)) = rows.next() else {
        return Err(bad(
            "the CSV is empty: give a header row and a row per student".to_owned(),
        ));
    };
    const COLUMNS: [&str; 4] = ["email", "display_name", "group", "coach"];
    let mut at = [None; 4];
    for (i, name) in header.iter().enumerate() {
        let name = name.trim().to_ascii_lowercase();
        let Some(k) = COLUMNS.iter().position(|c| *c == name) else {
            return Err(ApiError::Validation(vec![FieldError::unknown_value(
                "header", &name, &COLUMNS,
            )]));
        };
        at[k] = Some(i);
    }
    if at[0].is_none() {
        return Err(bad("the CSV header names no `email` column".to_owned()));
    }
    let cell = |fields: &[String], k: usize| {
        at[k]
            .and_then(|i| fields.get(i))
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    Ok(rows
        .map(|(line, fields)| {
            (
                u32::try_from(line).unwrap_or(u32::MAX),
                RosterRow {
                    email: cell(&fields, 0).unwrap_or_default(),
                    display_name: cell(&fields, 1),
                    group: cell(&fields, 2),
                    coach: cell(&fields, 3),
                },
            )
        })
        .collect())
}

/// Checks one row against the organization: what it will do, or why not.
fn plan_row(
    conn: &mut DbConnection,
    org: &OrgRow,
    groups: &[GroupRow],
    staff: &[(MemberRow, UserRow)],
    row: &RosterRow,
    at: DateTime<Utc>,
) -> Result<(String, Planned), Vec<FieldError>> {
    let mut errors = Errors::default();
    let email = errors.check(validate::email("email", &row.email));
    let display_name = row
        .display_name
        .as_deref()
        .and_then(|n| errors.check(validate::name("display_name", n, 100)));
    let group = match &row.group {
        Some(g) => match groups.iter().find(|x| &x.id == g || &x.name == g) {
            Some(found) => Some(found.id.clone()),
            None => {
                errors.add(FieldError::new(
                    "group",
                    FieldCode::NotFound,
                    format!("no group `{g}` in this organization"),
                ));
                None
            }
        },
        None => None,
    };
    let coach = match &row.coach {
        Some(c) => match staff
            .iter()
            .find(|(_, u)| &u.id == c || u.email.eq_ignore_ascii_case(c))
        {
            Some((_, u)) => Some(u.id.clone()),
            None => {
                errors.add(FieldError::new(
                    "coach",
                    FieldCode::NotFound,
                    format!("`{c}` is not a coach or admin of this organization"),
                ));
                None
            }
        },
        None => None,
    };
    let errors = errors.into_inner();
    let Some(email) = email.filter(|_| errors.is_empty()) else {
        return Err(errors);
    };
    let placement = Placement {
        group_id: group,
        coach_id: coach,
    };
    let failed = |e: StoreError| vec![FieldError::new("email", FieldCode::Invalid, e.to_string())];
    if let Some(user) = users::find_by_email(conn, &email).map_err(failed)?
        && let Some(member) = orgs::live_member(conn, &org.id, &user.id).map_err(failed)?
    {
        if member.role != OrgRole::Member {
            return Err(vec![FieldError::new(
                "email",
                FieldCode::NotAllowed,
                format!("{email} is staff of this organization, not a student"),
            )]);
        }
        let same = member.group_id == placement.group_id && member.coach_id == placement.coach_id;
        return Ok((
            email,
            if same {
                Planned::Unchanged {
                    member_id: Some(user.id),
                    invitation_id: None,
                }
            } else {
                Planned::Move(member, placement)
            },
        ));
    }
    let spec = InvitationSpec {
        email: email.clone(),
        display_name,
        role: OrgRole::Member,
        placement,
    };
    let pending = orgs::pending_invitation(conn, &org.id, &email).map_err(failed)?;
    Ok((
        email,
        match pending {
            Some(p) if p.expires_at <= at.naive_utc() => Planned::Invite(spec, Some(p)),
            Some(mut p) => {
                if p.display_name == spec.display_name
                    && p.role == spec.role
                    && p.group_id == spec.placement.group_id
                    && p.coach_id == spec.placement.coach_id
                {
                    Planned::Unchanged {
                        member_id: None,
                        invitation_id: Some(p.id),
                    }
                } else {
                    p.display_name = spec.display_name;
                    p.group_id = spec.placement.group_id;
                    p.coach_id = spec.placement.coach_id;
                    p.updated_at = at.naive_utc();
                    Planned::UpdateInvitation(p)
                }
            }
            None => Planned::Invite(spec, None),
        },
    ))
}

/// Import a roster (CSV or JSON, up to 5,000 rows; admins and
/// `members:write` tokens). Every row is checked first. Keyed on e-mail,
/// it is idempotent: students already in the organization are moved to
/// the row's group and coach, pending invitations are updated, and
/// everyone else is invited (the answer carries each new code, shown
/// once). One bad row imports nothing, unless `partial=true`.
#[utoipa::path(
    tag = "organizations",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The organization's id."), ImportParams),
    request_body(content((Roster = "application/json"), (String = "text/csv")), description = "The roster: JSON, or CSV with a header row (`email`, `display_name`, `group`, `coach`)."),
    responses(
        (status = 200, description = "Imported: a report per row.", body = ImportReport),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or a token without `members:write`.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organization of yours.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Over 2 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Neither JSON nor CSV.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad rows (each named as `rows[<row>].<field>`, nothing imported), over 5,000 rows, or a file that does not read.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/orgs/{id}/members/import")]
pub async fn import_roster(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<ImportParams>,
    req: actix_web::HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let media = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let csv = match media.as_str() {
        "text/csv" => true,
        "application/json" => false,
        _ => {
            return Err(ApiError::UnsupportedMediaType(
                "send the roster as text/csv or application/json".to_owned(),
            ));
        }
    };
    let body = crate::extract::BodySize::of(&req)
        .read(payload.into_inner())
        .await?;
    let rows = roster_rows(&body, csv)?;
    if rows.len() > crate::orgs::MAX_IMPORT_ROWS {
        return Err(ApiError::Validation(vec![FieldError::too_many(
            "members",
            crate::orgs::MAX_IMPORT_ROWS,
            "rows",
        )]));
    }
    let partial = params.partial.unwrap_or(false);
    let org_id = id.into_inner();
    let actor = Actor::of(&caller);
    let mut codes = Vec::with_capacity(rows.len());
    for _ in &rows {
        codes.push(generate_code()?);
    }
    let imported = write(&state, move |_, conn| {
        let ctx = org_ctx(conn, &caller, &org_id)?;
        ctx.require(OrgNeed::WriteMembers)?;
        let at = now();
        let groups = orgs::groups_of(conn, &org_id)?;
        let staff: Vec<(MemberRow, UserRow)> = orgs::members_of(conn, &org_id)?
            .into_iter()
            .filter(|(m, _)| m.role != OrgRole::Member)
            .collect();
        // Check every row first.
        let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        let mut planned = Vec::with_capacity(rows.len());
        let mut problems = Vec::new();
        for (n, row) in &rows {
            let mut plan = plan_row(conn, &ctx.org, &groups, &staff, row, at);
            if let Ok((email, _)) = &plan
                && let Some(first) = seen.get(email)
            {
                plan = Err(vec![
                    FieldError::new(
                        "email",
                        FieldCode::Duplicate,
                        format!("{email} is on row {first} already"),
                    )
                    .with("first", *first),
                ]);
            }
            match &plan {
                Ok((email, _)) => {
                    seen.insert(email.clone(), *n);
                }
                Err(errors) => problems.extend(
                    errors
                        .iter()
                        .map(|e| e.clone().under(&format!("rows[{n}]"))),
                ),
            }
            planned.push((*n, row.email.trim().to_lowercase(), plan));
        }
        if !problems.is_empty() && !partial {
            return Err(ApiError::Validation(problems));
        }
        let mut mails = Vec::new();
        let mut events = Appender::default();
        let mut out_report = ImportReport {
            counts: ["invited", "reinvited", "updated", "unchanged", "failed"]
                .iter()
                .map(|k| ((*k).to_owned(), 0))
                .collect(),
            rows: Vec::with_capacity(planned.len()),
        };
        for ((n, raw_email, plan), code) in planned.into_iter().zip(codes) {
            let mut out = ImportedRow {
                row: n,
                email: raw_email,
                outcome: String::new(),
                member_id: None,
                invitation_id: None,
                code: None,
                errors: Vec::new(),
                emailed: false,
            };
            match plan {
                Err(errors) => {
                    out.outcome = "failed".to_owned();
                    out.errors = errors;
                }
                Ok((email, plan)) => {
                    out.email = email;
                    match plan {
                        Planned::Unchanged {
                            member_id,
                            invitation_id,
                        } => {
                            out.outcome = "unchanged".to_owned();
                            out.member_id = member_id;
                            out.invitation_id = invitation_id;
                        }
                        Planned::Move(mut member, placement) => {
                            orgs::set_member_placement(
                                conn,
                                &member.id,
                                placement.group_id.as_deref(),
                                placement.coach_id.as_deref(),
                            )?;
                            member.group_id = placement.group_id;
                            member.coach_id = placement.coach_id;
                            sync_member(
                                &mut events,
                                conn,
                                &ctx.org,
                                &member,
                                &actor,
                                at,
                                RevokedBy::Org,
                            )?;
                            out.outcome = "updated".to_owned();
                            out.member_id = Some(member.user_id);
                        }
                        Planned::UpdateInvitation(invitation) => {
                            orgs::reissue_invitation(conn, &invitation)?;
                            out.outcome = "updated".to_owned();
                            out.invitation_id = Some(invitation.id);
                        }
                        Planned::Invite(spec, expired) => {
                            if let Some(old) = &expired {
                                orgs::revoke_invitation(conn, &old.id, at.naive_utc())?;
                            }
                            let (_, row) = issue_invitation(
                                conn,
                                &ctx.org,
                                caller.id(),
                                spec,
                                sha256_hex(&code),
                                at,
                            )?;
                            out.outcome = if expired.is_some() {
                                "reinvited"
                            } else {
                                "invited"
                            }
                            .to_owned();
                            mails.push(InvitationMail {
                                email: row.email.clone(),
                                display_name: row.display_name.clone(),
                                code: code.clone(),
                                expires_at: utc(row.expires_at),
                            });
                            out.invitation_id = Some(row.id);
                            out.code = Some(code);
                        }
                    }
                }
            }
            *out_report.counts.entry(out.outcome.clone()).or_default() += 1;
            out_report.rows.push(out);
        }
        Ok((out_report, mails, ctx.org.name))
    })
    .await?;
    let (mut imported, mails, org_name) = imported;
    if send_invitations(&state, org_name, mails) {
        for row in &mut imported.rows {
            row.emailed = row.code.is_some();
        }
    }
    Ok(HttpResponse::Ok()
        .insert_header(crate::auth::no_store())
        .json(imported))
}
