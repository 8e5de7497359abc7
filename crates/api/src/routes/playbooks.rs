//! Playbooks: the four built-ins (read-only) and the custom ones coaches and
//! seekers make, and their assignment to a seeker or an opportunity.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, put, web};
use followup_core::{BuiltinPlaybook, EventType, Playbook, PlaybookSpec};
use followup_store::DbConnection;
use followup_store::playbooks::{self, PlaybookRow};
use followup_store::{auth, users};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::access::{self, stale};
use crate::auth::Caller;
use crate::conditional::{Precondition, etag, fresh, with_etag};
use crate::conventions::Actor;
use crate::db::{read, write_facts};
use crate::error::{ApiError, FieldCode, FieldError, Problem};
use crate::extract::Json;
use crate::shape::{FieldsParam, LimitParam};
use crate::state::AppState;
use crate::validate::Errors;
use crate::views::Warning;
use crate::views::playbooks::{PlaybookView, builtin_view, custom_view};
use crate::views::{now, utc};

/// A custom playbook to make or replace.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaybookRequest {
    /// Its name.
    #[schema(example = "Gentle persistence", min_length = 1, max_length = 100)]
    pub name: String,
    /// The built-in it starts from (default `balanced`).
    #[schema(example = "balanced")]
    pub extends: Option<String>,
    /// Rules by id (`GET /v1/rules`): `{"enabled": bool, "params": {name: value}}`.
    /// Unknown rules or parameters and values out of range are refused with the reason.
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    #[schema(value_type = Object, required = false, example = json!({"email_weekly_cap": {"params": {"period_days": 10}}, "call_no_voicemail": {"enabled": false}}))]
    pub rules: Option<serde_json::Map<String, serde_json::Value>>,
}

/// A created playbook.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaybookCreated {
    /// The new playbook.
    pub playbook: PlaybookView,
    /// Nothing to warn about yet; every create answers alike.
    pub warnings: Vec<Warning>,
}

/// A seeker's default playbook, as a coach assigned it.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignPlaybook {
    /// A built-in name or a custom playbook's id; `null` restores `balanced`.
    #[schema(example = "persistent_caller")]
    pub playbook: Option<String>,
}

/// The seeker's default playbook after an assignment.
#[derive(Debug, Serialize, ToSchema)]
pub struct Assignment {
    /// The seeker.
    pub seeker_id: String,
    /// The playbook they now use by default.
    pub default_playbook: String,
}

/// A playbook the core refuses, as the field error an app can show.
fn playbook_error(e: &followup_core::PlaybookError) -> FieldError {
    use followup_core::PlaybookError as E;
    let message = e.to_string();
    match e {
        E::UnknownBase { name } => FieldError::unknown_value(
            "extends",
            name,
            &followup_core::BuiltinPlaybook::ALL
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>(),
        ),
        E::InvalidName => FieldError::new("name", FieldCode::Invalid, message),
        E::UnknownRule { .. } => FieldError::new("rules", FieldCode::UnknownField, message).with(
            "allowed",
            followup_core::RuleId::ALL
                .iter()
                .map(|r| r.as_str())
                .collect::<Vec<_>>(),
        ),
        E::UnknownParameter { expected, .. } => {
            FieldError::new("rules", FieldCode::UnknownField, message)
                .with("allowed", expected.clone())
        }
        E::WrongType { expected, .. } => {
            FieldError::new("rules", FieldCode::WrongType, message).with("expected", *expected)
        }
        E::OutOfRange { min, max, .. } => FieldError::new("rules", FieldCode::OutOfRange, message)
            .with("min", *min)
            .with("max", *max),
        E::InvalidValue { .. } => FieldError::new("rules", FieldCode::Invalid, message),
    }
}

/// A playbook's name and spec from its body, or every invalid field: the
/// name, and the base and rules (checked as if the name were valid).
fn spec(body: &PlaybookRequest) -> Result<(String, PlaybookSpec), ApiError> {
    let mut errors = Errors::default();
    let name = errors.check(crate::validate::name("name", &body.name, 100));
    let rules = errors.check(
        serde_json::from_value(serde_json::Value::Object(
            body.rules.clone().unwrap_or_default(),
        ))
        .map_err(|e| crate::extract::classify_value_error("rules", &e)),
    );
    let spec = rules.map(|rules| PlaybookSpec {
        name: name.clone().unwrap_or_else(|| "unnamed".to_owned()),
        extends: Some(
            body.extends
                .clone()
                .unwrap_or_else(|| "balanced".to_owned()),
        ),
        rules,
    });
    let playbook = spec
        .as_ref()
        .and_then(|spec| errors.check(Playbook::from_spec(spec).map_err(|e| playbook_error(&e))));
    errors.finish()?;
    match (name, spec, playbook) {
        (Some(name), Some(spec), Some(playbook)) => Ok((
            name,
            PlaybookSpec {
                name: playbook.name().to_owned(),
                ..spec
            },
        )),
        _ => Err(ApiError::Internal("checked playbook missing".into())),
    }
}

impl crate::extract::Checks for PlaybookRequest {
    fn checks(&self) -> Vec<FieldError> {
        match spec(self) {
            Err(ApiError::Validation(errors)) => errors,
            _ => Vec::new(),
        }
    }
}

/// The playbooks the caller can use: the four built-ins, their own, and
/// (for a seeker) their coaches'.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(LimitParam, FieldsParam),
    responses(
        (status = 200, description = "Built-ins first, then custom playbooks, oldest first.", body = Vec<PlaybookView>),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, or `limit` out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/playbooks")]
pub async fn list_playbooks(
    caller: Caller,
    state: web::Data<AppState>,
    limit: crate::extract::Query<LimitParam>,
    fields: crate::extract::Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let limit = limit.checked()?;
    let fields = fields.of::<PlaybookView>()?;
    let caller_id = caller.user.id;
    let rows = read(&state, move |_, conn| {
        let owners = access::visible_owners(conn, &caller_id)?;
        Ok(playbooks::of_owners(conn, &owners)?)
    })
    .await?;
    let mut views = BuiltinPlaybook::ALL
        .iter()
        .map(|b| builtin_view(*b))
        .collect::<Result<Vec<_>, _>>()?;
    for row in rows {
        views.push(custom_view(row)?);
    }
    views.truncate(limit.unwrap_or(usize::MAX));
    crate::shape::list(&views, fields.as_ref())
}

/// One playbook: a built-in by name or a custom one by id.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A built-in's name or a custom playbook's id.")),
    responses(
        (status = 200, description = "The playbook; `ETag` set on custom ones.", body = PlaybookView),
        (status = 304, description = "Unchanged since the `If-None-Match` ETag (custom playbooks)."),
    )
)]
#[get("/v1/playbooks/{id}")]
pub async fn get_playbook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    if let Ok(builtin) = id.parse::<BuiltinPlaybook>() {
        return Ok(HttpResponse::Ok().json(builtin_view(builtin)?));
    }
    let id = id.into_inner();
    let caller_id = caller.user.id;
    let row = read(&state, move |_, conn| {
        let row = playbooks::find(conn, &id)?;
        let owners = access::visible_owners(conn, &caller_id)?;
        Ok(row.filter(|r| owners.contains(&r.owner_id)))
    })
    .await?
    .ok_or_else(|| ApiError::NotFound("no such playbook".to_owned()))?;
    fresh(&req, row.version, || custom_view(row))
}

/// Make a custom playbook: a built-in with rules switched on or off and
/// parameters changed. Coaches assign theirs to clients; seekers pick theirs.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    request_body = PlaybookRequest,
    responses(
        (status = 201, description = "Created; `Location` and `ETag` are set.", body = PlaybookCreated),
        (status = 403, description = "A read-only API key.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/playbooks")]
pub async fn create_playbook(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<PlaybookRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (name, spec) = spec(&body.0)?;
    let at = now().naive_utc();
    let row = PlaybookRow {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: caller.user.id.clone(),
        name,
        spec,
        created_at: at,
        updated_at: at,
        updated_by: Actor::of(&caller),
        version: 1,
    };
    let stored = row.clone();
    write_facts(&state, move |_, tx| {
        playbooks::insert(tx, &stored)?;
        let view = custom_view(stored.clone())?;
        let at = utc(stored.updated_at);
        let kind = EventType::PlaybookCreated;
        crate::events::record(tx, kind, &stored.owner_id, &stored.updated_by, at, &view)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header((header::ETAG, etag(row.version)))
        .insert_header((header::LOCATION, format!("/v1/playbooks/{}", row.id)))
        .json(PlaybookCreated {
            playbook: custom_view(row)?,
            warnings: Vec::new(),
        }))
}

fn owned(conn: &mut DbConnection, caller: &Caller, id: &str) -> Result<PlaybookRow, ApiError> {
    if id.parse::<BuiltinPlaybook>().is_ok() {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            "built-in playbooks are read-only".to_owned(),
        ));
    }
    let row = playbooks::find(conn, id)?
        .ok_or_else(|| ApiError::NotFound("no such playbook".to_owned()))?;
    if row.owner_id == caller.user.id {
        return Ok(row);
    }
    if access::visible_owners(conn, &caller.user.id)?.contains(&row.owner_id) {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            "only its owner may change a playbook".to_owned(),
        ));
    }
    Err(ApiError::NotFound("no such playbook".to_owned()))
}

/// Replace a custom playbook (its owner only; built-ins are read-only).
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "The custom playbook's id."),
        Precondition,
    ),
    request_body = PlaybookRequest,
    responses(
        (status = 200, description = "The playbook as replaced.", body = PlaybookView),
        (status = 403, description = "A built-in, someone else's playbook, or a read-only key.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/v1/playbooks/{id}")]
pub async fn replace_playbook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
    body: Json<PlaybookRequest>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let (name, spec) = spec(&body.0)?;
    let id = id.into_inner();
    let row = write_facts(&state, move |_, tx| {
        let mut row = owned(tx.conn(), &caller, &id)?;
        if let Err(error) = precondition.check(row.version) {
            return Err(crate::access::stale_with(error, &custom_view(row)?));
        }
        let expected = row.version;
        row.name = name;
        row.spec = spec;
        row.updated_at = now().naive_utc();
        row.updated_by = Actor::of(&caller);
        row.version += 1;
        if !playbooks::update(tx, &row, expected)? {
            let current = owned(tx.conn(), &caller, &id)?.version;
            return Err(stale(current));
        }
        let view = custom_view(row.clone())?;
        let at = utc(row.updated_at);
        let kind = EventType::PlaybookUpdated;
        crate::events::record(tx, kind, &row.owner_id, &row.updated_by, at, &view)?;
        Ok(row)
    })
    .await?;
    Ok(with_etag(HttpResponse::Ok(), row.version).json(custom_view(row)?))
}

/// Delete a custom playbook no account or opportunity uses any more.
#[utoipa::path(
    tag = "cadence",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The custom playbook's id."), Precondition),
    responses(
        (status = 204, description = "Deleted."),
        (status = 403, description = "A built-in, someone else's playbook, or a read-only key.", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Still in use; assign another playbook first.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/playbooks/{id}")]
pub async fn delete_playbook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    precondition: Precondition,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let id = id.into_inner();
    write_facts(&state, move |_, tx| {
        let row = owned(tx.conn(), &caller, &id)?;
        if let Err(error) = precondition.check(row.version) {
            return Err(crate::access::stale_with(error, &custom_view(row)?));
        }
        let uses = playbooks::uses(tx.conn(), &row.id)?;
        if uses > 0 {
            return Err(ApiError::Conflict(crate::error::ProblemCode::InUse, format!(
                "the playbook is in use by {uses} account(s) or opportunit(ies); assign another first"
            )));
        }
        playbooks::delete(tx, &row.id, &row.owner_id)?;
        let (owner, actor) = (row.owner_id.clone(), Actor::of(&caller));
        let view = custom_view(row)?;
        let kind = EventType::PlaybookDeleted;
        crate::events::record(tx, kind, &owner, &actor, now(), &view)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Set a client's default playbook (a coach with a live grant).
#[utoipa::path(
    tag = "coaching",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The client's (seeker's) account id.")),
    request_body = AssignPlaybook,
    responses(
        (status = 200, description = "The client's default playbook now.", body = Assignment),
        (status = 403, description = "A read-only key.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[put("/v1/coach/clients/{id}/playbook")]
pub async fn assign_client_playbook(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
    body: Json<AssignPlaybook>,
) -> Result<web::Json<Assignment>, ApiError> {
    caller.require_write()?;
    // No live grant from this seeker to the caller (which only a coach can
    // hold) is a 404: nobody learns who is whose client.
    let seeker_id = id.into_inner();
    let playbook = body.0.playbook.map(|p| p.trim().to_owned());
    let assigned = write_facts(&state, move |_, tx| {
        let missing = || ApiError::NotFound("no such client".to_owned());
        auth::live_grant(tx.conn(), &seeker_id, &caller.user.id)?.ok_or_else(missing)?;
        let mut user = users::find_locked(tx, &seeker_id)?.ok_or_else(missing)?;
        if let Some(reference) = &playbook {
            access::check_playbook(tx.conn(), &seeker_id, "playbook", reference)?;
        }
        user.default_playbook = playbook;
        user.updated_at = now().naive_utc();
        users::update(tx, &user)?;
        let source = users::PlaybookSource {
            set_by: caller.user.id.clone(),
            via: "coach".to_owned(),
            at: user.updated_at,
        };
        users::set_playbook_source(tx.conn(), &user.id, &source)?;
        Ok(Assignment {
            seeker_id: user.id,
            default_playbook: user
                .default_playbook
                .unwrap_or_else(|| crate::views::DEFAULT_PLAYBOOK.to_owned()),
        })
    })
    .await?;
    Ok(web::Json(assigned))
}

// Whether the playbook may be used needs the store: the route checks it.
impl crate::extract::Checks for AssignPlaybook {}
