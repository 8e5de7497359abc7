//! Who is calling: the extractor every protected handler takes.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpMessage as _, HttpRequest, web};
use followup_core::Role;
use followup_store::users::{self, UserRow};
use followup_store::{DbConnection, StoreError, auth, orgs};
use futures_util::future::LocalBoxFuture;

use crate::auth::sha256_hex;
use crate::error::ApiError;
use crate::state::AppState;

/// Prefix of platform API keys, which tells them apart from access tokens.
pub const API_KEY_PREFIX: &str = "fu_";

/// Prefix of organization tokens (docs/organizations.md).
pub const ORG_TOKEN_PREFIX: &str = "fuo_";

/// How the caller proved who they are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    /// An access token from login or refresh.
    Token,
    /// A platform API key, with its scopes.
    ApiKey {
        /// The key's id.
        id: String,
        /// Whether the key has the `write` scope (every key can read).
        write: bool,
    },
    /// An organization's token: it works on its organization's routes only
    /// (`/v1/orgs/{id}/…`), within its scopes.
    OrgToken {
        /// The token's id.
        id: String,
        /// Its organization.
        org_id: String,
        /// What it may do there.
        scopes: Vec<followup_core::OrgScope>,
    },
}

/// An authenticated caller: the account and how it authenticated.
#[derive(Debug, Clone)]
pub struct Caller {
    /// The account the request acts for (an API key acts for its owner).
    pub user: UserRow,
    /// The account's role.
    pub role: Role,
    /// Token or API key.
    pub via: Via,
}

/// What the caller may do with one seeker's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// It is the caller's own.
    Owner,
    /// The caller is a coach the seeker granted access to.
    Coach,
}

impl Caller {
    /// The caller's account id.
    pub fn id(&self) -> &str {
        &self.user.id
    }

    /// Refuses API keys without the `write` scope (403 `insufficient_scope`).
    pub fn require_write(&self) -> Result<(), ApiError> {
        match self.via {
            Via::ApiKey { write: false, .. } => Err(ApiError::Forbidden(
                crate::error::ProblemCode::InsufficientScope,
                "this API key has only the read scope".to_owned(),
            )),
            _ => Ok(()),
        }
    }

    /// Refuses callers whose role is not one of `roles` (403).
    pub fn require_role(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            return Ok(());
        }
        let names: Vec<&str> = roles.iter().map(|r| r.as_str()).collect();
        Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            format!("only a {} may do this", names.join(" or ")),
        ))
    }

    /// The caller's access to `seeker_id`'s data, or `None` — which handlers
    /// answer with 404, so nobody learns that data they may not see exists.
    pub fn access_to(
        &self,
        conn: &mut DbConnection,
        seeker_id: &str,
    ) -> Result<Option<Access>, StoreError> {
        // An organization's token reads the organization's views, never a
        // seeker's own records.
        if matches!(self.via, Via::OrgToken { .. }) {
            return Ok(None);
        }
        if self.user.id == seeker_id {
            return Ok(Some(Access::Owner));
        }
        if self.role == Role::Coach && auth::live_grant(conn, seeker_id, &self.user.id)?.is_some() {
            return Ok(Some(Access::Coach));
        }
        Ok(None)
    }
}

enum Credential {
    Bearer(String),
    ApiKey(String),
    OrgToken(String),
}

/// A presented key or token, by its prefix.
fn key_credential(token: String) -> Credential {
    if token.starts_with(ORG_TOKEN_PREFIX) {
        Credential::OrgToken(token)
    } else {
        Credential::ApiKey(token)
    }
}

fn credential(req: &HttpRequest) -> Result<Credential, ApiError> {
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let value = value.to_str().map_err(|_| {
            ApiError::Unauthorized(
                crate::error::ProblemCode::InvalidCredentials,
                "the Authorization header is not text".to_owned(),
            )
        })?;
        let (scheme, token) = value.split_once(' ').ok_or_else(|| {
            ApiError::Unauthorized(
                crate::error::ProblemCode::InvalidCredentials,
                "send `Authorization: Bearer <token>`".to_owned(),
            )
        })?;
        if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
            return Err(ApiError::Unauthorized(
                crate::error::ProblemCode::InvalidCredentials,
                "send `Authorization: Bearer <token>`".to_owned(),
            ));
        }
        let token = token.trim().to_owned();
        return Ok(
            if token.starts_with(API_KEY_PREFIX) || token.starts_with(ORG_TOKEN_PREFIX) {
                key_credential(token)
            } else {
                Credential::Bearer(token)
            },
        );
    }
    if let Some(value) = req.headers().get("x-api-key") {
        let key = value.to_str().map_err(|_| {
            ApiError::Unauthorized(
                crate::error::ProblemCode::InvalidCredentials,
                "the X-Api-Key header is not text".to_owned(),
            )
        })?;
        return Ok(key_credential(key.trim().to_owned()));
    }
    Err(ApiError::Unauthenticated)
}

/// Key uses are recorded at most this often, so reads stay reads.
const TOUCH_EVERY_SECS: i64 = 60;

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        // Authenticated once per request: a middleware that needed the
        // caller first (idempotency) leaves it in the request's extensions.
        if let Some(known) = req.extensions().get::<Caller>().cloned() {
            return Box::pin(async move { Ok(known) });
        }
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let credential = credential(req);
        let req = req.clone();
        Box::pin(async move {
            let state = state.ok_or_else(|| ApiError::Internal("no application state".into()))?;
            let caller = authenticate(&state, credential?).await?;
            if let Via::OrgToken { org_id, scopes, .. } = &caller.via
                && !within_org(req.path(), org_id)
            {
                // The organization's webhooks are managed where everyone's
                // are, with the `webhooks:write` scope.
                let webhooks =
                    req.path() == "/v1/webhooks" || req.path().starts_with("/v1/webhooks/");
                if !webhooks {
                    return Err(ApiError::Forbidden(
                        crate::error::ProblemCode::InsufficientScope,
                        format!(
                            "an organization token works only under /v1/orgs/{org_id} (and \
                             /v1/webhooks with `webhooks:write`)"
                        ),
                    ));
                }
                if !scopes.contains(&followup_core::OrgScope::WebhooksWrite) {
                    return Err(ApiError::Forbidden(
                        crate::error::ProblemCode::InsufficientScope,
                        "this organization token lacks the `webhooks:write` scope".to_owned(),
                    ));
                }
            }
            req.extensions_mut().insert(caller.clone());
            Ok(caller)
        })
    }
}

/// Whether `path` is organization `org_id`'s or under it.
fn within_org(path: &str, org_id: &str) -> bool {
    path.strip_prefix("/v1/orgs/")
        .and_then(|rest| rest.strip_prefix(org_id))
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// Checks a credential against the store: the account it acts for.
async fn authenticate(state: &AppState, credential: Credential) -> Result<Caller, ApiError> {
    match credential {
        Credential::Bearer(token) => {
            let claims = state.tokens.verify(&token).map_err(|e| {
                let reason = e.to_string();
                // An expired token is refreshed; any other is refused for good.
                let code = if reason == crate::auth::tokens::EXPIRED {
                    crate::error::ProblemCode::TokenExpired
                } else {
                    crate::error::ProblemCode::InvalidCredentials
                };
                ApiError::Unauthorized(code, reason)
            })?;
            let (sub, sid) = (claims.sub, claims.sid);
            // One query loads the account and its session's state: on this
            // thread when a SQLite connection is idle, else off it.
            let found = match state
                .store
                .read_if_idle(|conn| users::find_for_session(conn, &sub, &sid))
            {
                Some(found) => found?,
                None => {
                    let store = state.store.clone();
                    web::block(move || {
                        store.read_statement(|conn| users::find_for_session(conn, &sub, &sid))
                    })
                    .await??
                }
            };
            let (user, signed_out) = found.ok_or_else(|| {
                ApiError::Unauthorized(
                    crate::error::ProblemCode::SessionEnded,
                    "the token's account no longer exists".to_owned(),
                )
            })?;
            if signed_out {
                return Err(ApiError::Unauthorized(
                    crate::error::ProblemCode::SessionEnded,
                    "the token's session has ended (signed out, or every session of the \
                     account was revoked); sign in again"
                        .to_owned(),
                ));
            }
            if claims.generation != user.token_generation {
                return Err(ApiError::Unauthorized(
                    crate::error::ProblemCode::SessionEnded,
                    "every session of the account was revoked (password or role change, or \
                     a reused refresh token); sign in again"
                        .to_owned(),
                ));
            }
            caller(user, Via::Token)
        }
        Credential::ApiKey(key) => {
            let hash = sha256_hex(&key);
            let store = state.store.clone();
            let found = web::block(move || {
                let found = store.read(|conn| -> Result<_, StoreError> {
                    let Some(key) = auth::find_live_api_key(conn, &hash)? else {
                        return Ok(None);
                    };
                    Ok(users::find(conn, &key.owner_id)?.map(|user| (key, user)))
                })?;
                let now = crate::views::now().naive_utc();
                if let Some((key, _)) = &found {
                    let stale = key
                        .last_used_at
                        .is_none_or(|at| (now - at).num_seconds() >= TOUCH_EVERY_SECS);
                    if stale {
                        store.write(|conn| auth::touch_api_key(conn, &key.id, now))?;
                    }
                }
                Ok::<_, StoreError>(found)
            })
            .await??;
            let (key, user) = found.ok_or_else(|| {
                ApiError::Unauthorized(
                    crate::error::ProblemCode::InvalidCredentials,
                    "unknown or revoked API key".to_owned(),
                )
            })?;
            let write = key.scopes.contains(&followup_core::Scope::Write);
            caller(user, Via::ApiKey { id: key.id, write })
        }
        Credential::OrgToken(token) => {
            let hash = sha256_hex(&token);
            let store = state.store.clone();
            let found = web::block(move || {
                let found = store.read(|conn| -> Result<_, StoreError> {
                    let Some(token) = orgs::find_live_token(conn, &hash)? else {
                        return Ok(None);
                    };
                    Ok(users::find(conn, &token.created_by)?.map(|user| (token, user)))
                })?;
                let now = crate::views::now().naive_utc();
                if let Some((token, _)) = &found {
                    let stale = token
                        .last_used_at
                        .is_none_or(|at| (now - at).num_seconds() >= TOUCH_EVERY_SECS);
                    if stale {
                        store.write(|conn| orgs::touch_token(conn, &token.id, now))?;
                    }
                }
                Ok::<_, StoreError>(found)
            })
            .await??;
            let (token, user) = found.ok_or_else(|| {
                ApiError::Unauthorized(
                    crate::error::ProblemCode::InvalidCredentials,
                    "unknown or revoked organization token".to_owned(),
                )
            })?;
            caller(
                user,
                Via::OrgToken {
                    id: token.id,
                    org_id: token.org_id,
                    scopes: token.scopes,
                },
            )
        }
    }
}

fn caller(user: UserRow, via: Via) -> Result<Caller, ApiError> {
    Ok(Caller {
        role: user.role,
        user,
        via,
    })
}
