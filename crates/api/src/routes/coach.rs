//! Coach access: invites, their acceptance, the coach's clients and the
//! seeker's grants.

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Datelike as _, Utc};
use followup_core::analytics::Stalled;
use followup_core::{EventType, NextAction, Role};
use followup_store::auth::{self, GrantRow, InviteRow};
use followup_store::snapshot::{self, Scope, Snapshot};
use followup_store::users::UserRow;
use followup_store::webhooks;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Access, Caller, generate_code, sha256_hex};
use crate::conditional::Stamped;
use crate::conventions::{Actor, Page, Paging};
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::extract::Query;
use crate::shape::{FieldsParam, IncludeParam, LimitParam};
use crate::state::AppState;
use crate::views::agenda::{
    Actions, AgendaParams, AtParams, PipelineHealth, agenda_of, pipeline_health_of,
};
use crate::views::analytics::{Analytics, AnalyticsQuery, analytics_of};
use crate::views::coaching::{Grant, PlaybookChoice, grant, playbook_choice, summary};
use crate::views::comparisons::{ComparisonParams, ComparisonTable, comparisons_of};
use crate::views::contacts::Contact;
use crate::views::interactions::Interaction;
use crate::views::pipeline::Opportunity;
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

/// A seeker who granted the coach access.
#[derive(Debug, Serialize, ToSchema)]
// `CoachClient` in the document: a schema named `Client` would collide with
// the `Client` class of generated clients (openapi-python-client).
#[schema(as = CoachClient)]
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
    /// Open opportunities (from `prospect` to `offer`).
    pub open_opportunities: u32,
    /// Opportunities at `final`.
    pub finals: u32,
    /// The earliest action on the client's agenda; `null` when there is none.
    pub next_due_action: Option<NextAction>,
    /// The latest logged interaction or stage change; `null` when nothing
    /// was logged yet.
    pub last_activity: Option<DateTime<Utc>>,
    /// Whether the client's pipeline stalled, and why.
    pub stalled: Stalled,
    /// The client's default playbook and who set it: themselves, a coach,
    /// or their organization group.
    pub playbook: PlaybookChoice,
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
    Ok(HttpResponse::Created()
        .insert_header(crate::auth::no_store())
        .json(Invite {
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
    let actor = Actor::of(&caller);
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
            org_id: None,
            revoked_by: None,
        };
        auth::insert_grant(conn, &row)?;
        let view = grant(row, &coach);
        let kind = EventType::GrantCreated;
        crate::events::record_account(conn, kind, &seeker_id, &actor, now.and_utc(), &view)?;
        Ok((true, view))
    })
    .await?;
    Ok(if created {
        HttpResponse::Created().json(grant)
    } else {
        HttpResponse::Ok().json(grant)
    })
}

fn client(
    (grant, seeker, snapshot, source): ClientRows,
    now: DateTime<Utc>,
    mailto: bool,
) -> Result<Client, ApiError> {
    let summary = snapshot
        .as_ref()
        .map(|s| summary(s, now))
        .transpose()?
        .unwrap_or_default();
    let playbook = playbook_choice(&seeker, source);
    Ok(Client {
        playbook,
        id: seeker.id,
        display_name: seeker.display_name,
        email: seeker.email,
        timezone: seeker.timezone.name().to_owned(),
        grant_id: grant.id,
        granted_at: utc(grant.created_at),
        open_opportunities: summary.open,
        finals: summary.finals,
        next_due_action: summary
            .next_due_action
            .map(|a| crate::shape::action(a, mailto, summary.locale)),
        last_activity: summary.last_activity,
        stalled: summary.stalled,
    })
}

/// What the client list reads of one client.
type ClientRows = (
    GrantRow,
    UserRow,
    Option<Snapshot>,
    Option<followup_store::users::PlaybookSource>,
);

/// Filters, order and page of the coach's client list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientParams {
    /// An RFC 3339 instant; default now. Every summary is evaluated then:
    /// only what was logged by then counts.
    pub at: Option<DateTime<Utc>>,
    /// Only clients whose search stalled (`true`) or did not (`false`).
    pub stalled: Option<bool>,
    /// Only clients who are members of this organization of yours.
    pub org: Option<String>,
    /// Only clients in this organization group (docs/organizations.md).
    pub group: Option<String>,
    /// Only clients of this coach in your organizations: assigned to them,
    /// or in a group they coach (an admin's view of a coach's caseload).
    pub coach: Option<String>,
    /// `granted_at` (default, oldest grant first), `last_activity` (least
    /// recent first: who needs a nudge), or `-last_activity`.
    #[param(example = "last_activity")]
    pub sort: Option<String>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// The seekers who granted the caller (a coach) access, each with a summary
/// of their search: open opportunities, finals, the next action due, the
/// last activity, and whether the pipeline stalled and why (each reason a
/// code with the facts and ids behind it). Paged, filterable by `stalled`,
/// `org`, `group` and `coach`, and sortable by `last_activity`.
///
/// `?at=` evaluates every summary at another instant (what the list said,
/// or will say, then): only what was logged by then counts.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(ClientParams, FieldsParam, IncludeParam),
    responses(
        (status = 200, description = "A page of the coach's clients.", body = Page<Client>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The caller is not a coach.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, `limit` out of range, an unknown `include`, `sort`, `org` or `group`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients")]
pub async fn clients(
    caller: Caller,
    state: web::Data<AppState>,
    params: Query<ClientParams>,
    fields: Query<FieldsParam>,
    include: Query<IncludeParam>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Coach])?;
    let params = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<Client>(),
    )?;
    let mailto = include.mailto()?;
    let sort = match params.sort.as_deref() {
        None | Some("granted_at") => None,
        Some("last_activity") => Some(false),
        Some("-last_activity") => Some(true),
        Some(other) => {
            return Err(ApiError::Validation(vec![
                crate::error::FieldError::unknown_value(
                    "sort",
                    other,
                    &["granted_at", "last_activity", "-last_activity"],
                ),
            ]));
        }
    };
    let coach_id = caller.user.id;
    let now = params.at.unwrap_or_else(crate::views::now);
    let (org, group, of_coach) = (
        params.org.clone(),
        params.group.clone(),
        params.coach.clone(),
    );
    let rows = read(&state, move |_, conn| {
        // The organization filters: the members of an organization (and
        // group) the coach belongs to.
        let members: Option<std::collections::HashSet<String>> = match (&org, &group, &of_coach) {
            (None, None, None) => None,
            _ => Some(org_members(
                conn,
                &coach_id,
                org.as_deref(),
                group.as_deref(),
                of_coach.as_deref(),
            )?),
        };
        let clients: Vec<(GrantRow, UserRow)> = auth::clients_of_coach(conn, &coach_id)?
            .into_iter()
            .filter(|(grant, _)| {
                members
                    .as_ref()
                    .is_none_or(|m| m.contains(&grant.seeker_id))
            })
            .collect();
        let ids: Vec<&str> = clients.iter().map(|(g, _)| g.seeker_id.as_str()).collect();
        let mut sources: std::collections::HashMap<String, followup_store::users::PlaybookSource> =
            followup_store::users::playbook_sources(conn, &ids)?
                .into_iter()
                .collect();
        clients
            .into_iter()
            .map(|(grant, seeker)| {
                let snapshot = snapshot::load(conn, &seeker.id, Scope::All, now.year())?;
                let source = sources.remove(&seeker.id);
                Ok((grant, seeker, snapshot, source))
            })
            .collect::<Result<Vec<ClientRows>, ApiError>>()
    })
    .await?;
    let mut items: Vec<Client> = rows
        .into_iter()
        .map(|rows| client(rows, now, mailto))
        .filter(|c| {
            c.as_ref().map_or(true, |c| {
                params.stalled.is_none_or(|s| c.stalled.value == s)
            })
        })
        .collect::<Result<_, _>>()?;
    if let Some(recent_first) = sort {
        items.sort_by(|a, b| {
            let order = a.last_activity.cmp(&b.last_activity);
            let order = if recent_first { order.reverse() } else { order };
            order.then_with(|| a.id.cmp(&b.id))
        });
    }
    let page = paging.page_in_memory(items, |c| c.id.as_str())?;
    crate::shape::list(&page, fields.as_ref())
}

/// The live members of organization `org` (or of any organization the
/// coach is staff of), in `group` when given; 422 for an organization or
/// group that is not the coach's.
fn org_members(
    conn: &mut followup_store::DbConnection,
    coach_id: &str,
    org: Option<&str>,
    group: Option<&str>,
    of_coach: Option<&str>,
) -> Result<std::collections::HashSet<String>, ApiError> {
    use followup_store::orgs;
    let unknown = |field: &str, id: &str| {
        ApiError::Validation(vec![crate::error::FieldError::new(
            field,
            crate::error::FieldCode::NotFound,
            format!("no {field} {id} of yours"),
        )])
    };
    let mut staff_of: Vec<String> = orgs::orgs_of_user(conn, coach_id)?
        .into_iter()
        .filter(|(m, _)| m.role != followup_core::OrgRole::Member)
        .map(|(_, o)| o.id)
        .collect();
    if let Some(org) = org {
        if !staff_of.iter().any(|o| o == org) {
            return Err(unknown("org", org));
        }
        staff_of.retain(|o| o == org);
    }
    let mut found_group = group.is_none();
    let mut ids = std::collections::HashSet::new();
    for org_id in staff_of {
        if let Some(group) = group
            && orgs::find_group(conn, &org_id, group)?.is_some()
        {
            found_group = true;
        }
        let coached: Vec<String> = match of_coach {
            Some(c) => orgs::group_coaches_of(conn, &org_id)?
                .into_iter()
                .filter(|(_, coach)| coach == c)
                .map(|(g, _)| g)
                .collect(),
            None => Vec::new(),
        };
        for (member, _) in orgs::members_of(conn, &org_id)? {
            let theirs = of_coach.is_none_or(|c| {
                member.coach_id.as_deref() == Some(c)
                    || member
                        .group_id
                        .as_ref()
                        .is_some_and(|g| coached.contains(g))
            });
            if member.role == followup_core::OrgRole::Member
                && group.is_none_or(|g| member.group_id.as_deref() == Some(g))
                && theirs
            {
                ids.insert(member.user_id);
            }
        }
    }
    if !found_group {
        return Err(unknown("group", group.unwrap_or_default()));
    }
    Ok(ids)
}

/// The coaches the caller (a seeker) granted access to.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(LimitParam, FieldsParam),
    responses(
        (status = 200, description = "Live grants, oldest first.", body = Page<Grant>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, or `limit` out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/grants")]
pub async fn grants(
    caller: Caller,
    state: web::Data<AppState>,
    limit: Query<LimitParam>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let limit = limit.checked()?;
    let fields = fields.of::<Grant>()?;
    let seeker_id = caller.user.id;
    let rows = read(&state, move |_, conn| {
        Ok(auth::grants_of_seeker(conn, &seeker_id)?)
    })
    .await?;
    let page = Page {
        items: rows
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(|(row, coach)| grant(row, &coach))
            .collect(),
        next_cursor: None,
    };
    crate::shape::list(&page, fields.as_ref())
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
    let actor = Actor::of(&caller);
    let seeker_id = caller.user.id;
    let id = id.into_inner();
    let revoked = write(&state, move |_, conn| {
        let Some((row, coach)) = auth::grants_of_seeker(conn, &seeker_id)?
            .into_iter()
            .find(|(row, _)| row.id == id)
        else {
            return Ok(false);
        };
        let now = crate::views::now();
        if !auth::revoke_grant(
            conn,
            &seeker_id,
            &id,
            now.naive_utc(),
            auth::RevokedBy::Seeker,
        )? {
            return Ok(false);
        }
        // Nothing queued for the coach's webhooks goes out any more.
        webhooks::cancel_pending(conn, &row.coach_id, &seeker_id, now.naive_utc())?;
        let view = grant(row, &coach);
        let kind = EventType::GrantRevoked;
        crate::events::record_account(conn, kind, &seeker_id, &actor, now, &view)?;
        Ok(true)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such grant".to_owned()))
    }
}

/// End a coaching relationship (coaches): every live grant the client gave
/// you is withdrawn, your own invite's and their organization's alike, and
/// you stop being their assigned coach. Their organization does not give
/// it again while their membership lasts; they can invite you again.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id.")),
    responses(
        (status = 204, description = "Ended: you no longer see their search."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coach, or a read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/coach/clients/{id}")]
pub async fn end_client(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Coach])?;
    caller.require_write()?;
    let actor = Actor::of(&caller);
    let coach_id = caller.user.id.clone();
    let seeker_id = id.into_inner();
    let ended = write(&state, move |_, conn| {
        let now = crate::views::now();
        let mut ended = 0;
        let mut events = followup_store::events::Appender::default();
        for (row, coach) in auth::grants_of_seeker(conn, &seeker_id)? {
            if row.coach_id != coach_id
                || !auth::revoke_grant(
                    conn,
                    &seeker_id,
                    &row.id,
                    now.naive_utc(),
                    auth::RevokedBy::Coach,
                )?
            {
                continue;
            }
            webhooks::cancel_pending(conn, &coach_id, &seeker_id, now.naive_utc())?;
            let view = grant(row, &coach);
            let kind = EventType::GrantRevoked;
            crate::events::record_account_with(
                &mut events,
                conn,
                kind,
                &seeker_id,
                &actor,
                now,
                &view,
            )?;
            ended += 1;
        }
        if ended > 0 {
            followup_store::orgs::unassign_coach(conn, &seeker_id, &coach_id)?;
        }
        Ok(ended)
    })
    .await?;
    if ended > 0 {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such client".to_owned()))
    }
}

/// The client's id when the caller is a coach with a live grant from them;
/// 404 for everyone else (the client themselves included: these are the
/// coach's views).
async fn client_id(
    state: &web::Data<AppState>,
    caller: Caller,
    id: String,
) -> Result<String, ApiError> {
    read(state, move |_, conn| match caller.access_to(conn, &id)? {
        Some(Access::Coach) => Ok(id),
        Some(Access::Owner) | None => Err(ApiError::NotFound("no such client".to_owned())),
    })
    .await
}

/// A client's agenda, read-only: every open opportunity's next actions, by
/// due time, as the client sees it (`GET /v1/agenda`), with its `ETag`.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), AgendaParams),
    responses(
        (status = 200, description = "The client's agenda.", body = Actions),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid: one that cannot be read (`at=yesterday`), `from` after `to`, an unknown field in `fields`, `limit` out of range, an unknown `include`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/agenda")]
pub async fn client_agenda(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<AgendaParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    agenda_of(&state, seeker, None, &params, &req).await
}

/// A client's pipeline health, read-only, as the client sees it
/// (`GET /v1/pipeline/health`).
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), AtParams),
    responses(
        (status = 200, description = "The client's pipeline health.", body = PipelineHealth),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/pipeline")]
pub async fn client_pipeline(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: web::Query<AtParams>,
) -> Result<Stamped<PipelineHealth>, ApiError> {
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    pipeline_health_of(&state, seeker, params.at)
        .await
        .map(|health| Stamped::new(health, "at"))
}

/// A client's comparison table, read-only, as the client sees it
/// (`GET /v1/comparisons`).
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), ComparisonParams),
    responses(
        (status = 200, description = "The client's rows, sorted.", body = ComparisonTable),
        (status = 400, description = "A query parameter could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you, or an id that is not one of the client's opportunities.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "An unknown `sort` column or `order`, or a bad `ids` list.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/comparisons")]
pub async fn client_comparisons(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<ComparisonParams>,
) -> Result<Stamped<ComparisonTable>, ApiError> {
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    comparisons_of(&state, seeker, params.into_inner())
        .await
        .map(|table| Stamped::new(table, "at"))
}

/// A client's analytics, read-only, as the client sees them
/// (`GET /v1/analytics`).
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), AnalyticsQuery),
    responses(
        (status = 200, description = "The client's analytics.", body = Analytics),
        (status = 400, description = "A date could not be read.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "`from` is after `to`, or the range is longer than 1096 days.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/analytics")]
pub async fn client_analytics(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    query: web::Query<AnalyticsQuery>,
) -> Result<web::Json<Analytics>, ApiError> {
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    analytics_of(&state, seeker, query.into_inner())
        .await
        .map(web::Json)
}

/// Filters and page of a client's opportunities.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClientOpportunityParams {
    /// Only these stages, closed ones included; repeat the parameter for
    /// several (`?stage=rejected&stage=withdrawn`).
    #[param(style = Form, explode)]
    pub stage: Option<Vec<followup_core::Stage>>,
    /// Changed at or after this instant (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Changes since an instant, and a page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SinceParams {
    /// Changed at or after this instant (RFC 3339).
    pub updated_since: Option<DateTime<Utc>>,
    /// Items per page: 1–200, default 50.
    #[param(minimum = 1, maximum = 200)]
    #[serde(default, deserialize_with = "crate::extract::not_empty")]
    pub limit: Option<u32>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// Every opportunity of a client, read-only, closed ones too (rejected,
/// withdrawn, accepted), oldest first; `updated_since` gives what changed.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), ClientOpportunityParams, FieldsParam),
    responses(
        (status = 200, description = "A page of the client's opportunities.", body = Page<Opportunity>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/opportunities")]
pub async fn client_opportunities(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<ClientOpportunityParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<Opportunity>(),
    )?;
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    let filter = followup_store::pipeline::OpportunityFilter {
        stages: params.stage.unwrap_or_default(),
        q: None,
        updated_since: params.updated_since.map(|at| at.naive_utc()),
        after: paging.after.clone(),
        limit: paging.fetch(),
    };
    let rows = read(&state, move |_, conn| {
        Ok(followup_store::pipeline::list_opportunities(
            conn, &seeker, &filter,
        )?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Opportunity::try_from)?;
    crate::shape::list(&page, fields.as_ref())
}

/// Every contact of a client, read-only, across their opportunities (closed
/// ones too), by id; `updated_since` gives what changed.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), SinceParams, FieldsParam),
    responses(
        (status = 200, description = "A page of the client's contacts.", body = Page<Contact>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/contacts")]
pub async fn client_contacts(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<SinceParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<Contact>(),
    )?;
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    let since = params.updated_since.map(|at| at.naive_utc());
    let (after, fetch) = (paging.after.clone(), paging.fetch());
    let rows = read(&state, move |_, conn| {
        Ok(followup_store::contacts::page_contacts_of_seeker(
            conn,
            &seeker,
            since,
            after.as_deref(),
            fetch,
        )?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Contact::try_from)?;
    crate::shape::list(&page, fields.as_ref())
}

/// Every interaction of a client, read-only, across their opportunities
/// (closed ones too), by id; `updated_since` gives what changed.
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's user id."), SinceParams, FieldsParam),
    responses(
        (status = 200, description = "A page of the client's interactions.", body = Page<Interaction>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No client with a live grant to you.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/coach/clients/{id}/interactions")]
pub async fn client_interactions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    params: Query<SinceParams>,
    fields: Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let params = params.into_inner();
    let (paging, fields) = crate::shape::both(
        Paging::new(params.limit, params.cursor.as_deref()),
        fields.of::<Interaction>(),
    )?;
    let seeker = client_id(&state, caller, id.into_inner()).await?;
    let since = params.updated_since.map(|at| at.naive_utc());
    let (after, fetch) = (paging.after.clone(), paging.fetch());
    let rows = read(&state, move |_, conn| {
        Ok(followup_store::interactions::page_interactions_of_seeker(
            conn,
            &seeker,
            since,
            after.as_deref(),
            fetch,
        )?)
    })
    .await?;
    let page = paging.page(rows, |r| r.id.as_str(), Interaction::try_from)?;
    crate::shape::list(&page, fields.as_ref())
}
