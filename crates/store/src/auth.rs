//! Refresh-token families, coach invites and grants, API keys and failed
//! logins. Secrets are stored only as hashes; callers hash before they ask.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use followup_core::Scope;

use crate::schema::{api_keys, coach_invites, grants, login_failures, refresh_tokens, users};
use crate::types::StoredList;
use crate::users::UserRow;
use crate::{DbConnection, StoreError};

/// One refresh token of a family (the chain of rotations from one login).
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = refresh_tokens)]
pub struct RefreshTokenRow {
    /// UUIDv7.
    pub id: String,
    /// The account.
    pub user_id: String,
    /// Shared by every token descended from the same login.
    pub family_id: String,
    /// SHA-256 of the token, hex.
    pub token_hash: String,
    /// When it was issued.
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When it was exchanged for a new pair; presenting it again is reuse.
    pub spent_at: Option<NaiveDateTime>,
    /// When its family was revoked (logout or reuse).
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a new refresh token.
pub fn insert_refresh_token(
    conn: &mut DbConnection,
    row: &RefreshTokenRow,
) -> Result<(), StoreError> {
    diesel::insert_into(refresh_tokens::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The refresh token with this hash.
pub fn find_refresh_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> Result<Option<RefreshTokenRow>, StoreError> {
    Ok(refresh_tokens::table
        .filter(refresh_tokens::token_hash.eq(token_hash))
        .select(RefreshTokenRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Marks a token spent, only if it was not already; `false` means another
/// request spent it first (a race counts as reuse).
pub fn spend_refresh_token(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::id.eq(id))
            .filter(refresh_tokens::spent_at.is_null()),
    )
    .set(refresh_tokens::spent_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Revokes every token of a family.
pub fn revoke_family(
    conn: &mut DbConnection,
    family_id: &str,
    at: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::update(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_null()),
    )
    .set(refresh_tokens::revoked_at.eq(at))
    .execute(conn)?)
}

/// Whether any token of the family was revoked: the whole session is over
/// then, even for a token inserted after the revocation by a racing refresh.
pub fn family_revoked(conn: &mut DbConnection, family_id: &str) -> Result<bool, StoreError> {
    Ok(diesel::select(diesel::dsl::exists(
        refresh_tokens::table
            .filter(refresh_tokens::family_id.eq(family_id))
            .filter(refresh_tokens::revoked_at.is_not_null()),
    ))
    .get_result(conn)?)
}

/// A coach's invitation code (stored hashed) for a seeker to accept.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = coach_invites)]
pub struct InviteRow {
    /// UUIDv7.
    pub id: String,
    /// The coach who invites.
    pub coach_id: String,
    /// SHA-256 of the code, hex.
    pub code_hash: String,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it stops working.
    pub expires_at: NaiveDateTime,
    /// When a seeker accepted it (codes work once).
    pub accepted_at: Option<NaiveDateTime>,
    /// Who accepted it.
    pub accepted_by: Option<String>,
}

/// Stores a new invite.
pub fn insert_invite(conn: &mut DbConnection, row: &InviteRow) -> Result<(), StoreError> {
    diesel::insert_into(coach_invites::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The invite with this code hash.
pub fn find_invite(
    conn: &mut DbConnection,
    code_hash: &str,
) -> Result<Option<InviteRow>, StoreError> {
    Ok(coach_invites::table
        .filter(coach_invites::code_hash.eq(code_hash))
        .select(InviteRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Marks an invite accepted, only if it was not already.
pub fn accept_invite(
    conn: &mut DbConnection,
    id: &str,
    seeker_id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        coach_invites::table
            .filter(coach_invites::id.eq(id))
            .filter(coach_invites::accepted_at.is_null()),
    )
    .set((
        coach_invites::accepted_at.eq(at),
        coach_invites::accepted_by.eq(seeker_id),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A seeker's grant of read access (and the few writes docs/auth.md gives coaches) to a coach.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = grants)]
pub struct GrantRow {
    /// UUIDv7.
    pub id: String,
    /// Whose data.
    pub seeker_id: String,
    /// Who may see it.
    pub coach_id: String,
    /// When it was given.
    pub created_at: NaiveDateTime,
    /// When it was withdrawn; a revoked grant gives nothing.
    pub revoked_at: Option<NaiveDateTime>,
    /// The organization whose policy made it; `None` for a coach's own
    /// invite (docs/organizations.md).
    pub org_id: Option<String>,
    /// Who withdrew it: `seeker`, `coach` or `org` ([`RevokedBy`]).
    pub revoked_by: Option<String>,
}

/// Who withdrew a grant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevokedBy {
    /// The seeker (`DELETE /v1/grants/{id}`, or leaving an organization).
    Seeker,
    /// The coach, who ended the relationship.
    Coach,
    /// The organization's policy no longer gives it (a member moved, a
    /// coach left a group, a member was removed).
    Org,
}

impl RevokedBy {
    /// The stored text.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Seeker => "seeker",
            Self::Coach => "coach",
            Self::Org => "org",
        }
    }
}

/// Stores a new grant.
pub fn insert_grant(conn: &mut DbConnection, row: &GrantRow) -> Result<(), StoreError> {
    diesel::insert_into(grants::table)
        .values(row)
        .execute(conn)?;
    Ok(())
}

/// The live grant from `seeker_id` to `coach_id`, if any.
pub fn live_grant(
    conn: &mut DbConnection,
    seeker_id: &str,
    coach_id: &str,
) -> Result<Option<GrantRow>, StoreError> {
    Ok(grants::table
        .filter(grants::seeker_id.eq(seeker_id))
        .filter(grants::coach_id.eq(coach_id))
        .filter(grants::revoked_at.is_null())
        .select(GrantRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// A seeker's live grants, oldest first.
pub fn grants_of_seeker(
    conn: &mut DbConnection,
    seeker_id: &str,
) -> Result<Vec<(GrantRow, UserRow)>, StoreError> {
    Ok(grants::table
        .inner_join(users::table.on(users::id.eq(grants::coach_id)))
        .filter(grants::seeker_id.eq(seeker_id))
        .filter(grants::revoked_at.is_null())
        .order(grants::id.asc())
        .select((GrantRow::as_select(), UserRow::as_select()))
        .load(conn)?)
}

/// The seekers who gave `coach_id` a live grant, oldest grant first.
pub fn clients_of_coach(
    conn: &mut DbConnection,
    coach_id: &str,
) -> Result<Vec<(GrantRow, UserRow)>, StoreError> {
    Ok(grants::table
        .inner_join(users::table.on(users::id.eq(grants::seeker_id)))
        .filter(grants::coach_id.eq(coach_id))
        .filter(grants::revoked_at.is_null())
        .order(grants::id.asc())
        .select((GrantRow::as_select(), UserRow::as_select()))
        .load(conn)?)
}

/// Revokes a seeker's live grant; `false` when the seeker has no such live grant.
pub fn revoke_grant(
    conn: &mut DbConnection,
    seeker_id: &str,
    grant_id: &str,
    at: NaiveDateTime,
    by: RevokedBy,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        grants::table
            .filter(grants::id.eq(grant_id))
            .filter(grants::seeker_id.eq(seeker_id))
            .filter(grants::revoked_at.is_null()),
    )
    .set((
        grants::revoked_at.eq(at),
        grants::revoked_by.eq(by.as_str()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// A platform API key (stored hashed) that acts for its owner.
#[derive(Debug, Clone, Queryable, Selectable, Insertable)]
#[diesel(table_name = api_keys)]
pub struct ApiKeyRow {
    /// UUIDv7.
    pub id: String,
    /// The account the key acts for.
    pub owner_id: String,
    /// A label the owner chose.
    pub name: String,
    /// The key's first characters, to recognise it in a list.
    pub prefix: String,
    /// SHA-256 of the key, hex.
    pub key_hash: String,
    /// What it may do (stored comma-separated: `read,write`).
    #[diesel(deserialize_as = StoredList, serialize_as = StoredList)]
    pub scopes: Vec<Scope>,
    /// When it was made.
    pub created_at: NaiveDateTime,
    /// When it was last presented.
    pub last_used_at: Option<NaiveDateTime>,
    /// When it was revoked.
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a new key.
pub fn insert_api_key(conn: &mut DbConnection, row: &ApiKeyRow) -> Result<(), StoreError> {
    diesel::insert_into(api_keys::table)
        .values(row.clone())
        .execute(conn)?;
    Ok(())
}

/// The live (unrevoked) key with this hash.
pub fn find_live_api_key(
    conn: &mut DbConnection,
    key_hash: &str,
) -> Result<Option<ApiKeyRow>, StoreError> {
    Ok(api_keys::table
        .filter(api_keys::key_hash.eq(key_hash))
        .filter(api_keys::revoked_at.is_null())
        .select(ApiKeyRow::as_select())
        .get_result(conn)
        .optional()?)
}

/// Records that a key was used.
pub fn touch_api_key(
    conn: &mut DbConnection,
    id: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::update(api_keys::table.find(id))
        .set(api_keys::last_used_at.eq(at))
        .execute(conn)?;
    Ok(())
}

/// An owner's live keys, oldest first.
pub fn api_keys_of(conn: &mut DbConnection, owner_id: &str) -> Result<Vec<ApiKeyRow>, StoreError> {
    Ok(api_keys::table
        .filter(api_keys::owner_id.eq(owner_id))
        .filter(api_keys::revoked_at.is_null())
        .order(api_keys::id.asc())
        .select(ApiKeyRow::as_select())
        .load(conn)?)
}

/// Revokes an owner's live key; `false` when the owner has no such live key.
pub fn revoke_api_key(
    conn: &mut DbConnection,
    owner_id: &str,
    id: &str,
    at: NaiveDateTime,
) -> Result<bool, StoreError> {
    let changed = diesel::update(
        api_keys::table
            .filter(api_keys::id.eq(id))
            .filter(api_keys::owner_id.eq(owner_id))
            .filter(api_keys::revoked_at.is_null()),
    )
    .set(api_keys::revoked_at.eq(at))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Records a failed login for `email`.
pub fn record_login_failure(
    conn: &mut DbConnection,
    id: &str,
    email: &str,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(login_failures::table)
        .values((
            login_failures::id.eq(id),
            login_failures::email.eq(email),
            login_failures::failed_at.eq(at),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failed logins for `email` since `since`, oldest first (their times).
pub fn login_failures_since(
    conn: &mut DbConnection,
    email: &str,
    since: NaiveDateTime,
) -> Result<Vec<NaiveDateTime>, StoreError> {
    Ok(login_failures::table
        .filter(login_failures::email.eq(email))
        .filter(login_failures::failed_at.ge(since))
        .order(login_failures::failed_at.asc())
        .select(login_failures::failed_at)
        .load(conn)?)
}

/// Forgets an address's failed logins (after it logs in successfully).
pub fn clear_login_failures(conn: &mut DbConnection, email: &str) -> Result<usize, StoreError> {
    Ok(diesel::delete(login_failures::table)
        .filter(login_failures::email.eq(email))
        .execute(conn)?)
}

/// Forgets failed logins older than `before`, which no window looks at any more.
pub fn prune_login_failures(
    conn: &mut DbConnection,
    before: NaiveDateTime,
) -> Result<usize, StoreError> {
    Ok(diesel::delete(login_failures::table)
        .filter(login_failures::failed_at.lt(before))
        .execute(conn)?)
}
