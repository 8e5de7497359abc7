//! Coach access: invites, their acceptance, the coach's clients and the
//! seeker's grants.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use followup_core::Role;
use followup_store::auth::{self, GrantRow, InviteRow};
use followup_store::users::UserRow;
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::{Caller, generate_code, sha256_hex};
use crate::conventions::Page;
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::views::utc;

/// A code a coach gives a seeker, who accepts it to grant the coach access.
#[derive(Debug, Serialize, ToSchema)]
pub struct Invite {
    /// The code; shown only now. Works once, until `expires_at`.
    #[schema(example = "K7QF9M2XRT4WHB8N")]
    pub code: String,
    /// When the code stops working.
    pub expires_at: DateTime<Utc>,
}

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

/// A seeker who granted the coach access.
#[derive(Debug, Serialize, ToSchema)]
pub struct Client {
    /// The seeker's account id.
    pub id: String,
    /// Their name.
    pub display_name: String,
    /// Their email.
    pub email: String,
    /// Their IANA time zone.
    pub timezone: String,
    /// The grant that gives access.
    pub grant_id: String,
    /// When access was granted.
    pub granted_at: DateTime<Utc>,
}

fn grant(row: GrantRow, coach: &UserRow) -> Grant {
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

/// Create an invite code (coaches only).
///
/// Give the code to a seeker; when they accept it, you see their pipeline.
/// Codes work once and expire after 7 days.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    responses(
        (status = 201, description = "The code, shown only now.", body = Invite),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not a coach, or a read-only key.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/coach/invites")]
pub async fn create_invite(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Coach])?;
    caller.require_write()?;
    let code = generate_code()?;
    let hash = sha256_hex(&code);
    let ttl = chrono::Duration::from_std(state.auth.invite_ttl)
        .map_err(|e| ApiError::Internal(Box::new(e)))?;
    let coach_id = caller.user.id;
    let expires_at = write(&state, move |_, conn| {
        let now = crate::views::now().naive_utc();
        let row = InviteRow {
            id: uuid::Uuid::now_v7().to_string(),
            coach_id,
            code_hash: hash,
            created_at: now,
            expires_at: now + ttl,
            accepted_at: None,
            accepted_by: None,
        };
        auth::insert_invite(conn, &row)?;
        Ok(row.expires_at)
    })
    .await?;
    Ok(HttpResponse::Created().json(Invite {
        code,
        expires_at: utc(expires_at),
    }))
}

/// Accept a coach's invite (seekers only): the coach gets access.
///
/// An unknown, expired or used code is 404. Accepting a second invite of a
/// coach who already has access answers the existing grant.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The invite code the coach gave you.")),
    responses(
        (status = 201, description = "The new grant.", body = Grant),
        (status = 200, description = "The coach already had access; the existing grant.", body = Grant),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not a seeker, or a read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live invite.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/coach/invites/{code}/accept")]
pub async fn accept_invite(
    caller: Caller,
    state: web::Data<AppState>,
    code: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Seeker])?;
    caller.require_write()?;
    let hash = sha256_hex(code.trim().to_uppercase().as_str());
    let seeker_id = caller.user.id;
    let (created, grant) = write(&state, move |_, conn| {
        let now = crate::views::now().naive_utc();
        let gone =
            || ApiError::NotFound("no such invite (unknown, expired or already used)".to_owned());
        let invite = auth::find_invite(conn, &hash)?.ok_or_else(gone)?;
        if invite.expires_at <= now || !auth::accept_invite(conn, &invite.id, &seeker_id, now)? {
            return Err(gone());
        }
        let coach = followup_store::users::find(conn, &invite.coach_id)?.ok_or_else(gone)?;
        if let Some(existing) = auth::live_grant(conn, &seeker_id, &coach.id)? {
            return Ok((false, grant(existing, &coach)));
        }
        let row = GrantRow {
            id: uuid::Uuid::now_v7().to_string(),
            seeker_id: seeker_id.clone(),
            coach_id: coach.id.clone(),
            created_at: now,
            revoked_at: None,
        };
        auth::insert_grant(conn, &row)?;
        Ok((true, grant(row, &coach)))
    })
    .await?;
    Ok(if created {
        HttpResponse::Created().json(grant)
    } else {
        HttpResponse::Ok().json(grant)
    })
}

/// The seekers who granted the caller (a coach) access.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The coach's clients, oldest grant first.", body = Page<Client>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not a coach.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients")]
pub async fn clients(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<web::Json<Page<Client>>, ApiError> {
    caller.require_role(&[Role::Coach])?;
    let coach_id = caller.user.id;
    let rows = read(&state, move |_, conn| {
        Ok(auth::clients_of_coach(conn, &coach_id)?)
    })
    .await?;
    let items = rows
        .into_iter()
        .map(|(grant, seeker)| Client {
            id: seeker.id,
            display_name: seeker.display_name,
            email: seeker.email,
            timezone: seeker.timezone,
            grant_id: grant.id,
            granted_at: utc(grant.created_at),
        })
        .collect();
    Ok(web::Json(Page {
        items,
        next_cursor: None,
    }))
}

/// The coaches the caller (a seeker) granted access to.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Live grants, oldest first.", body = Page<Grant>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/grants")]
pub async fn grants(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<web::Json<Page<Grant>>, ApiError> {
    let seeker_id = caller.user.id;
    let rows = read(&state, move |_, conn| {
        Ok(auth::grants_of_seeker(conn, &seeker_id)?)
    })
    .await?;
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|(row, coach)| grant(row, &coach))
            .collect(),
        next_cursor: None,
    }))
}

/// Withdraw a coach's access, effective on the coach's next request.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The grant's id.")),
    responses(
        (status = 204, description = "Access withdrawn."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only API key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live grant of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/grants/{id}")]
pub async fn revoke_grant(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let seeker_id = caller.user.id;
    let id = id.into_inner();
    let revoked = write(&state, move |_, conn| {
        Ok(auth::revoke_grant(
            conn,
            &seeker_id,
            &id,
            crate::views::now().naive_utc(),
        )?)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such grant".to_owned()))
    }
}
