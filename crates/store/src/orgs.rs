//! Organizations: their groups, members, invitations, cohort codes and
//! tokens (docs/organizations.md). What a member shares goes through
//! [`crate::auth::GrantRow`]s that name the organization; this module keeps
//! the facts the organization's policy reads to decide them.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use followup_core::{GrantPolicy, JoinedVia, OrgRole, OrgScope};

use crate::auth::GrantRow;
use crate::schema::{
    grants, org_codes, org_group_coaches, org_groups, org_invitations, org_members, org_tokens,
    organizations, users,
};
use crate::types::{Stored, StoredList};
use crate::users::UserRow;
use crate::{DbConnection, StoreError};

/// An organization.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = organizations)]
pub struct OrgRow {
    /// UUIDv7.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Who a member's search is shared with.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub grant_policy: GrantPolicy,
    /// The account that made it.
    pub created_by: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
    /// Bumped by every change (the ETag).
    pub version: i32,
}

/// A named group (cohort) of an organization's members.
#[derive(Debug, Clone, Queryable, Selectable, Insertable, AsChangeset)]
#[diesel(table_name = org_groups, treat_none_as_null = true)]
pub struct GroupRow {
    /// UUIDv7.
    pub id: String,
    /// Its organization.
    pub org_id: String,
    /// Unique in the organization.
    pub name: String,
    /// Its members' default playbook: a built-in name or a custom one's id.
    pub playbook: Option<String>,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed.
    pub updated_at: NaiveDateTime,
}

/// One account's membership of an organization.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = org_members)]
pub struct MemberRow {
    /// UUIDv7.
    pub id: String,
    /// The organization.
    pub org_id: String,
    /// The account.
    pub user_id: String,
    /// Admin, coach or member.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub role: OrgRole,
    /// A member's group.
    pub group_id: Option<String>,
    /// A member's assigned coach.
    pub coach_id: Option<String>,
    /// How they joined.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub joined_via: JoinedVia,
    /// When they joined.
    pub joined_at: NaiveDateTime,
    /// When they left or were removed.
    pub left_at: Option<NaiveDateTime>,
}

/// An e-mail-bound invitation.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = org_invitations)]
pub struct InvitationRow {
    /// UUIDv7.
    pub id: String,
    /// The organization.
    pub org_id: String,
    /// Normalised e-mail: only the account with it may accept.
    pub email: String,
    /// A name to greet them by.
    pub display_name: Option<String>,
    /// The role they will have.
    #[diesel(deserialize_as = Stored, serialize_as = Stored)]
    pub role: OrgRole,
    /// The group a member joins.
    pub group_id: Option<String>,
    /// A member's assigned coach.
    pub coach_id: Option<String>,
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// Who invited.
    pub created_by: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it last changed (a re-import).
    pub updated_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was accepted.
    pub accepted_at: Option<NaiveDateTime>,
    /// Who accepted it.
    pub accepted_by: Option<String>,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// A multi-use cohort code.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = org_codes)]
pub struct CodeRow {
    /// UUIDv7.
    pub id: String,
    /// The organization.
    pub org_id: String,
    /// The group its users join.
    pub group_id: Option<String>,
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// The code's first characters, to tell codes apart.
    pub prefix: String,
    /// How many may join with it.
    pub max_uses: i32,
    /// How many have.
    pub uses: i32,
    /// Who made it.
    pub created_by: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// An organization's API token.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = org_tokens)]
pub struct OrgTokenRow {
    /// UUIDv7.
    pub id: String,
    /// The organization it acts for.
    pub org_id: String,
    /// A label.
    pub name: String,
    /// The token's first characters.
    pub prefix: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// What it may do.
    #[diesel(deserialize_as = StoredList, serialize_as = StoredList)]
    pub scopes: Vec<OrgScope>,
    /// The admin who made it.
    pub created_by: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it was last presented (to the minute).
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

// Organizations.

/// Stores a new organization.
pub fn insert_org(conn: &mut DbConnection, row: &OrgRow) -> Result<(), StoreError> {
    diesel::insert_into(organizations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The organization with this id.
pub fn find_org(conn: &mut DbConnection, id: &str) -> Result<Option<OrgRow>, StoreError> {
    Ok(organizations::table
        .find(id)
        .select(OrgRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Writes an organization back if its version is still `expected`.
pub fn update_org(
    conn: &mut DbConnection,
    row: &OrgRow,
    expected: i32,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        organizations::table
            .filter(organizations::id.eq(&row.id))
            .filter(organizations::version.eq(expected)),
    )
    .set(row.clone())
    .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes an organization and everything of it (its grants are revoked
/// first by the caller).
pub fn delete_org(conn: &mut DbConnection, id: &str) -> Result<bool, StoreError> {
    // SQLite enforces the cascades only with foreign keys on; delete the
    // children explicitly so both backends agree.
    let groups: Vec<String> = org_groups::table
        .filter(org_groups::org_id.eq(id))
        .select(org_groups::id)
        .load(conn)?;
    diesel::delete(org_group_coaches::table.filter(org_group_coaches::group_id.eq_any(&groups)))
        .execute(conn)?;
    diesel::delete(org_members::table.filter(org_members::org_id.eq(id))).execute(conn)?;
    diesel::delete(org_invitations::table.filter(org_invitations::org_id.eq(id))).execute(conn)?;
    diesel::delete(org_codes::table.filter(org_codes::org_id.eq(id))).execute(conn)?;
    diesel::delete(org_tokens::table.filter(org_tokens::org_id.eq(id))).execute(conn)?;
    diesel::delete(org_groups::table.filter(org_groups::org_id.eq(id))).execute(conn)?;
    let changed = diesel::delete(organizations::table.find(id)).execute(conn)?;
    Ok(changed == 1)
}

/// The organizations `user_id` belongs to now, with their membership,
/// oldest membership first.
pub fn orgs_of_user(
    conn: &mut DbConnection,
    user_id: &str,
) -> Result<Vec<(MemberRow, OrgRow)>, StoreError> {
    Ok(org_members::table
        .inner_join(organizations::table.on(organizations::id.eq(org_members::org_id)))
        .filter(org_members::user_id.eq(user_id))
        .filter(org_members::left_at.is_null())
        .order(org_members::id.asc())
        .select((MemberRow::as_select(), OrgRow::as_select()))
        .load(conn)?)
}

// Groups.

/// Stores a new group; a taken name is [`StoreError::Conflict`].
pub fn insert_group(conn: &mut DbConnection, row: &GroupRow) -> Result<(), StoreError> {
    diesel::insert_into(org_groups::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// Writes a group back; a taken name is [`StoreError::Conflict`].
pub fn update_group(conn: &mut DbConnection, row: &GroupRow) -> Result<(), StoreError> {
    diesel::update(org_groups::table.find(&row.id))
        .set(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The group `id` of organization `org_id`.
pub fn find_group(
    conn: &mut DbConnection,
    org_id: &str,
    id: &str,
) -> Result<Option<GroupRow>, StoreError> {
    Ok(org_groups::table
        .filter(org_groups::id.eq(id))
        .filter(org_groups::org_id.eq(org_id))
        .select(GroupRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The group of organization `org_id` named `name`.
pub fn find_group_by_name(
    conn: &mut DbConnection,
    org_id: &str,
    name: &str,
) -> Result<Option<GroupRow>, StoreError> {
    Ok(org_groups::table
        .filter(org_groups::org_id.eq(org_id))
        .filter(org_groups::name.eq(name))
        .select(GroupRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// An organization's groups, by id.
pub fn groups_of(conn: &mut DbConnection, org_id: &str) -> Result<Vec<GroupRow>, StoreError> {
    Ok(org_groups::table
        .filter(org_groups::org_id.eq(org_id))
        .order(org_groups::id.asc())
        .select(GroupRow::as_select())
        .load(conn)?)
}

/// Deletes a group and its coaches; its members become ungrouped.
pub fn delete_group(conn: &mut DbConnection, id: &str) -> Result<(), StoreError> {
    diesel::delete(org_group_coaches::table.filter(org_group_coaches::group_id.eq(id)))
        .execute(conn)?;
    diesel::update(org_members::table.filter(org_members::group_id.eq(id)))
        .set(org_members::group_id.eq(None::<String>))
        .execute(conn)?;
    diesel::update(org_invitations::table.filter(org_invitations::group_id.eq(id)))
        .set(org_invitations::group_id.eq(None::<String>))
        .execute(conn)?;
    diesel::delete(org_codes::table.filter(org_codes::group_id.eq(id))).execute(conn)?;
    diesel::delete(org_groups::table.find(id)).execute(conn)?;
    Ok(())
}

/// The coaches of every group of `org_id`: `(group_id, coach_id)`.
pub fn group_coaches_of(
    conn: &mut DbConnection,
    org_id: &str,
) -> Result<Vec<(String, String)>, StoreError> {
    Ok(org_group_coaches::table
        .inner_join(org_groups::table.on(org_groups::id.eq(org_group_coaches::group_id)))
        .filter(org_groups::org_id.eq(org_id))
        .order((org_group_coaches::group_id, org_group_coaches::coach_id))
        .select((org_group_coaches::group_id, org_group_coaches::coach_id))
        .load(conn)?)
}

/// Replaces a group's coaches.
pub fn set_group_coaches(
    conn: &mut DbConnection,
    group_id: &str,
    coach_ids: &[String],
) -> Result<(), StoreError> {
    diesel::delete(org_group_coaches::table.filter(org_group_coaches::group_id.eq(group_id)))
        .execute(conn)?;
    for coach_id in coach_ids {
        diesel::insert_into(org_group_coaches::table)
            .values((
                org_group_coaches::group_id.eq(group_id),
                org_group_coaches::coach_id.eq(coach_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Takes a coach off every group of `org_id`.
pub fn remove_coach_from_groups(
    conn: &mut DbConnection,
    org_id: &str,
    coach_id: &str,
) -> Result<(), StoreError> {
    let groups = org_groups::table
        .filter(org_groups::org_id.eq(org_id))
        .select(org_groups::id);
    diesel::delete(
        org_group_coaches::table
            .filter(org_group_coaches::coach_id.eq(coach_id))
            .filter(org_group_coaches::group_id.eq_any(groups)),
    )
    .execute(conn)?;
    diesel::update(
        org_members::table
            .filter(org_members::org_id.eq(org_id))
            .filter(org_members::coach_id.eq(coach_id)),
    )
    .set(org_members::coach_id.eq(None::<String>))
    .execute(conn)?;
    Ok(())
}

// Members.

/// Takes `coach_id` off as `seeker_id`'s assigned coach in every
/// organization (the coach ended the relationship).
pub fn unassign_coach(
    conn: &mut DbConnection,
    seeker_id: &str,
    coach_id: &str,
) -> Result<(), StoreError> {
    diesel::update(
        org_members::table
            .filter(org_members::user_id.eq(seeker_id))
            .filter(org_members::coach_id.eq(coach_id)),
    )
    .set(org_members::coach_id.eq(None::<String>))
    .execute(conn)?;
    Ok(())
}

/// Stores a new membership.
pub fn insert_member(conn: &mut DbConnection, row: &MemberRow) -> Result<(), StoreError> {
    diesel::insert_into(org_members::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// `user_id`'s live membership of `org_id`.
pub fn live_member(
    conn: &mut DbConnection,
    org_id: &str,
    user_id: &str,
) -> Result<Option<MemberRow>, StoreError> {
    Ok(org_members::table
        .filter(org_members::org_id.eq(org_id))
        .filter(org_members::user_id.eq(user_id))
        .filter(org_members::left_at.is_null())
        .select(MemberRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Every live membership of `org_id` with its account, by membership id.
pub fn members_of(
    conn: &mut DbConnection,
    org_id: &str,
) -> Result<Vec<(MemberRow, UserRow)>, StoreError> {
    Ok(org_members::table
        .inner_join(users::table.on(users::id.eq(org_members::user_id)))
        .filter(org_members::org_id.eq(org_id))
        .filter(org_members::left_at.is_null())
        .order(org_members::id.asc())
        .select((MemberRow::as_select(), UserRow::as_select()))
        .load(conn)?)
}

/// Moves a member to a group and a coach.
pub fn set_member_placement(
    conn: &mut DbConnection,
    member_id: &str,
    group_id: Option<&str>,
    coach_id: Option<&str>,
) -> Result<(), StoreError> {
    diesel::update(org_members::table.find(member_id))
        .set((
            org_members::group_id.eq(group_id),
            org_members::coach_id.eq(coach_id),
        ))
        .execute(conn)?;
    Ok(())
}

/// Changes a live membership's role.
pub fn set_member_role(
    conn: &mut DbConnection,
    member_id: &str,
    role: OrgRole,
) -> Result<(), StoreError> {
    diesel::update(org_members::table.find(member_id))
        .set(org_members::role.eq(role.as_str()))
        .execute(conn)?;
    Ok(())
}

/// Ends a live membership.
pub fn end_membership(
    conn: &mut DbConnection,
    member_id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        org_members::table
            .find(member_id)
            .filter(org_members::left_at.is_null()),
    )
    .set(org_members::left_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

// Grants made by an organization.

/// The live grants `org_id` made for `seeker_id`, with the coach.
pub fn org_grants_of_seeker(
    conn: &mut DbConnection,
    org_id: &str,
    seeker_id: &str,
) -> Result<Vec<(GrantRow, UserRow)>, StoreError> {
    Ok(grants::table
        .inner_join(users::table.on(users::id.eq(grants::coach_id)))
        .filter(grants::org_id.eq(org_id))
        .filter(grants::seeker_id.eq(seeker_id))
        .filter(grants::revoked_at.is_null())
        .order(grants::id.asc())
        .select((GrantRow::as_select(), UserRow::as_select()))
        .load(conn)?)
}

/// The coaches with whom `seeker_id` or the coach ended a grant (any
/// grant, the organization's or their own) since `since`: an
/// organization's policy does not give those again.
pub fn ended_since(
    conn: &mut DbConnection,
    seeker_id: &str,
    since: NaiveDateTime,
) -> Result<Vec<String>, StoreError> {
    Ok(grants::table
        .filter(grants::seeker_id.eq(seeker_id))
        .filter(grants::revoked_at.ge(since))
        .filter(grants::revoked_by.eq_any(["seeker", "coach"]))
        .select(grants::coach_id)
        .load(conn)?)
}

// Invitations.

/// Stores a new invitation; one pending per e-mail and organization.
pub fn insert_invitation(conn: &mut DbConnection, row: &InvitationRow) -> Result<(), StoreError> {
    diesel::insert_into(org_invitations::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The pending (not accepted, not revoked) invitation of `org_id` to `email`.
pub fn pending_invitation(
    conn: &mut DbConnection,
    org_id: &str,
    email: &str,
) -> Result<Option<InvitationRow>, StoreError> {
    Ok(org_invitations::table
        .filter(org_invitations::org_id.eq(org_id))
        .filter(org_invitations::email.eq(email))
        .filter(org_invitations::accepted_at.is_null())
        .filter(org_invitations::revoked_at.is_null())
        .select(InvitationRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The invitation with this code hash.
pub fn find_invitation_by_code(
    conn: &mut DbConnection,
    code_hash: &str,
) -> Result<Option<InvitationRow>, StoreError> {
    Ok(org_invitations::table
        .filter(org_invitations::code_hash.eq(code_hash))
        .select(InvitationRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// The invitation `id` of `org_id`.
pub fn find_invitation(
    conn: &mut DbConnection,
    org_id: &str,
    id: &str,
) -> Result<Option<InvitationRow>, StoreError> {
    Ok(org_invitations::table
        .filter(org_invitations::id.eq(id))
        .filter(org_invitations::org_id.eq(org_id))
        .select(InvitationRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Re-issues a pending invitation: new details, a new code and expiry.
pub fn reissue_invitation(conn: &mut DbConnection, row: &InvitationRow) -> Result<(), StoreError> {
    diesel::update(org_invitations::table.find(&row.id))
        .set((
            org_invitations::display_name.eq(&row.display_name),
            org_invitations::role.eq(row.role.as_str()),
            org_invitations::group_id.eq(&row.group_id),
            org_invitations::coach_id.eq(&row.coach_id),
            org_invitations::code_hash.eq(&row.code_hash),
            org_invitations::updated_at.eq(row.updated_at),
            org_invitations::expires_at.eq(row.expires_at),
        ))
        .execute(conn)?;
    Ok(())
}

/// An organization's invitations, newest first after `after` (an id).
pub fn invitations_of(
    conn: &mut DbConnection,
    org_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<InvitationRow>, StoreError> {
    let mut query = org_invitations::table
        .filter(org_invitations::org_id.eq(org_id))
        .select(InvitationRow::as_select())
        .order(org_invitations::id.asc())
        .limit(limit)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(org_invitations::id.gt(after.to_owned()));
    }
    Ok(query.load(conn)?)
}

/// Marks an invitation accepted, only if it is still pending.
pub fn accept_invitation(
    conn: &mut DbConnection,
    id: &str,
    user_id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        org_invitations::table
            .find(id)
            .filter(org_invitations::accepted_at.is_null())
            .filter(org_invitations::revoked_at.is_null()),
    )
    .set((
        org_invitations::accepted_at.eq(at),
        org_invitations::accepted_by.eq(user_id),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Revokes a pending invitation.
pub fn revoke_invitation(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        org_invitations::table
            .find(id)
            .filter(org_invitations::accepted_at.is_null())
            .filter(org_invitations::revoked_at.is_null()),
    )
    .set(org_invitations::revoked_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

// Cohort codes.

/// Stores a new code.
pub fn insert_code(conn: &mut DbConnection, row: &CodeRow) -> Result<(), StoreError> {
    diesel::insert_into(org_codes::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The code with this hash.
pub fn find_code(conn: &mut DbConnection, code_hash: &str) -> Result<Option<CodeRow>, StoreError> {
    Ok(org_codes::table
        .filter(org_codes::code_hash.eq(code_hash))
        .select(CodeRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// An organization's codes, oldest first.
pub fn codes_of(conn: &mut DbConnection, org_id: &str) -> Result<Vec<CodeRow>, StoreError> {
    Ok(org_codes::table
        .filter(org_codes::org_id.eq(org_id))
        .order(org_codes::id.asc())
        .select(CodeRow::as_select())
        .load(conn)?)
}

/// Counts one use of a live code, only while it has uses left and has not
/// expired or been revoked; `false` otherwise.
pub fn use_code(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<bool, StoreError> {
    let changed = diesel::update(
        org_codes::table
            .find(id)
            .filter(org_codes::revoked_at.is_null())
            .filter(org_codes::expires_at.gt(at))
            .filter(org_codes::uses.lt(org_codes::max_uses)),
    )
    .set(org_codes::uses.eq(org_codes::uses + 1))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Revokes a code of `org_id`.
pub fn revoke_code(
    conn: &mut DbConnection,
    org_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        org_codes::table
            .filter(org_codes::id.eq(id))
            .filter(org_codes::org_id.eq(org_id))
            .filter(org_codes::revoked_at.is_null()),
    )
    .set(org_codes::revoked_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

// Tokens.

/// Stores a new token.
pub fn insert_token(conn: &mut DbConnection, row: &OrgTokenRow) -> Result<(), StoreError> {
    diesel::insert_into(org_tokens::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The live token with this hash.
pub fn find_live_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<OrgTokenRow>, StoreError> {
    Ok(org_tokens::table
        .filter(org_tokens::token_hash.eq(token_hash))
        .filter(org_tokens::revoked_at.is_null())
        .select(OrgTokenRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// An organization's live tokens, oldest first.
pub fn tokens_of(conn: &mut DbConnection, org_id: &str) -> Result<Vec<OrgTokenRow>, StoreError> {
    Ok(org_tokens::table
        .filter(org_tokens::org_id.eq(org_id))
        .filter(org_tokens::revoked_at.is_null())
        .order(org_tokens::id.asc())
        .select(OrgTokenRow::as_select())
        .load(conn)?)
}

/// Records a token's use.
pub fn touch_token(conn: &mut DbConnection, id: &str, at: NaiveDateTime) -> Result<(), StoreError> {
    diesel::update(org_tokens::table.find(id))
        .set(org_tokens::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// Revokes a token of `org_id`; with `created_by`, only that admin's.
pub fn revoke_tokens(
    conn: &mut DbConnection,
    org_id: &str,
    id: Option<&str>,
    created_by: Option<&str>,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    let mut query = diesel::update(org_tokens::table)
        .filter(org_tokens::org_id.eq(org_id))
        .filter(org_tokens::revoked_at.is_null())
        .into_boxed();
    if let Some(id) = id {
        query = query.filter(org_tokens::id.eq(id));
    }
    if let Some(created_by) = created_by {
        query = query.filter(org_tokens::created_by.eq(created_by));
    }
    Ok(query.set(org_tokens::revoked_at.eq(at)).execute(conn)?)
}
