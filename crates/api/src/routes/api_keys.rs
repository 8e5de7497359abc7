//! Platform API keys: created by coaches and admins, shown once, stored hashed.

use actix_web::{HttpResponse, delete, get, post, web};
use chrono::{DateTime, Utc};
use followup_core::Role;
use followup_store::auth::{self, ApiKeyRow};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use followup_core::Scope;

use crate::auth::{Caller, Via, generate_token, sha256_hex};
use crate::conventions::Page;
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::shape::{FieldsParam, LimitParam};
use crate::state::AppState;
use crate::validate::{self, Errors};
use crate::views::utc;

/// A new key.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// A label to recognise the key by, e.g. the platform's name.
    #[schema(
        example = "CoachHub roster sync",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
    /// `read`, `write` or both; a key with `write` can also read.
    #[schema(min_items = 1)]
    pub scopes: Vec<Scope>,
}

/// A key as listed: never the key itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKey {
    /// The key's id.
    pub id: String,
    /// Its label.
    pub name: String,
    /// The key's first characters, to tell keys apart.
    #[schema(example = "fu_3f9a1c7")]
    pub prefix: String,
    /// What it may do.
    pub scopes: Vec<Scope>,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When it was last used (to the minute).
    pub last_used_at: Option<DateTime<Utc>>,
}

/// A key just made, with the secret — shown only in this response.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The key.
    #[serde(flatten)]
    pub api_key: ApiKey,
    /// Send as `Authorization: Bearer fu_…` or `X-Api-Key: fu_…`. Store it
    /// now: it cannot be shown again.
    pub key: String,
}

impl From<ApiKeyRow> for ApiKey {
    fn from(row: ApiKeyRow) -> Self {
        Self {
            scopes: row.scopes,
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            created_at: utc(row.created_at),
            last_used_at: row.last_used_at.map(utc),
        }
    }
}

/// Create an API key (coaches and admins) for a platform to act for you.
///
/// The key is shown once. It acts for its owner with the scopes it was given.
/// Keys cannot create keys.
#[utoipa::path(
    tag = "api keys",
    security(("bearer" = [])),
    request_body = CreateApiKey,
    responses(
        (status = 201, description = "The key, shown only now.", body = CreatedApiKey),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not a coach or admin, or called with an API key.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A field is invalid.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/api-keys")]
pub async fn create_api_key(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<CreateApiKey>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Coach, Role::Admin])?;
    if caller.via != Via::Token {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            "an API key cannot create API keys".to_owned(),
        ));
    }
    let body = body.0;
    let mut errors = Errors::default();
    let name = checked_name(&mut errors, &body);
    errors.finish()?;
    let name = name.unwrap_or_default();
    let mut scopes = body.scopes;
    scopes.sort_by_key(|s| *s == Scope::Write);
    scopes.dedup();
    let key = generate_token(crate::auth::API_KEY_PREFIX)?;
    let row = ApiKeyRow {
        id: uuid::Uuid::now_v7().to_string(),
        owner_id: caller.user.id,
        name,
        prefix: key.chars().take(10).collect(),
        key_hash: sha256_hex(&key),
        scopes,
        created_at: crate::views::now().naive_utc(),
        last_used_at: None,
        revoked_at: None,
    };
    let stored = row.clone();
    write(&state, move |_, conn| {
        Ok(auth::insert_api_key(conn, &stored)?)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(crate::auth::no_store())
        .json(CreatedApiKey {
            api_key: ApiKey::from(row),
            key,
        }))
}

/// The caller's live API keys (never the keys themselves).
#[utoipa::path(
    tag = "api keys",
    security(("bearer" = [])),
    params(LimitParam, FieldsParam),
    responses(
        (status = 200, description = "Live keys, oldest first.", body = Page<ApiKey>),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, or `limit` out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/api-keys")]
pub async fn list_api_keys(
    caller: Caller,
    state: web::Data<AppState>,
    limit: crate::extract::Query<LimitParam>,
    fields: crate::extract::Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let limit = limit.checked()?;
    let fields = fields.of::<ApiKey>()?;
    let owner = caller.user.id;
    let rows = read(&state, move |_, conn| Ok(auth::api_keys_of(conn, &owner)?)).await?;
    let page = Page {
        items: rows
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(ApiKey::from)
            .collect(),
        next_cursor: None,
    };
    crate::shape::list(&page, fields.as_ref())
}

/// Revoke an API key; it stops working at once.
#[utoipa::path(
    tag = "api keys",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The key's id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 401, description = "Missing or invalid credentials.", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "A read-only API key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live key of yours.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/api-keys/{id}")]
pub async fn revoke_api_key(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let owner = caller.user.id;
    let id = id.into_inner();
    let revoked = write(&state, move |_, conn| {
        Ok(auth::revoke_api_key(
            conn,
            &owner,
            &id,
            crate::views::now().naive_utc(),
        )?)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such API key".to_owned()))
    }
}

// The route checks these bodies as it reads them (see `extract::Checks`).
impl crate::extract::Checks for CreateApiKey {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        let mut errors = Errors::default();
        checked_name(&mut errors, self);
        errors.into_inner()
    }
}

/// A new key's checks: its name in normal form, every invalid field recorded.
fn checked_name(errors: &mut Errors, body: &CreateApiKey) -> Option<String> {
    let name = errors.check(validate::name("name", &body.name, 100));
    if body.scopes.is_empty() {
        errors.add(
            crate::error::FieldError::new(
                "scopes",
                crate::error::FieldCode::TooFew,
                "give at least one scope: read, write",
            )
            .with("min", 1),
        );
    }
    name
}
