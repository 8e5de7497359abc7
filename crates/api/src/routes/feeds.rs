//! The agenda as an iCalendar feed (RFC 5545), under revocable feed tokens
//! the seeker makes, since calendar apps cannot send bearer headers.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use chrono::{DateTime, Duration, Utc};
use followup_core::{Engine, Facts};
use followup_store::feeds::{self, FeedTokenRow};
use followup_store::snapshot::{self, Scope};
use icalendar::{Alarm, Calendar, Component as _, Event, EventLike as _, Trigger};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, Via, generate_token, sha256_hex};
use crate::conventions::Page;
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::extract::Json;
use crate::shape::{FieldsParam, LimitParam};
use crate::state::AppState;
use crate::validate;
use crate::views::{now, utc};

/// Prefix of feed tokens.
const FEED_PREFIX: &str = "ft_";

/// A new feed token.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateFeedToken {
    /// A label, e.g. the calendar app it is for.
    #[schema(
        example = "Phone calendar",
        min_length = 1,
        max_length = 100,
        pattern = r"\S"
    )]
    pub name: String,
}

/// A feed token as listed: never the token itself.
#[derive(Debug, Serialize, ToSchema)]
pub struct FeedToken {
    /// Its id.
    pub id: String,
    /// Its label.
    pub name: String,
    /// The token's first characters.
    pub prefix: String,
    /// When it was made.
    pub created_at: DateTime<Utc>,
    /// When a calendar last fetched the feed with it.
    pub last_used_at: Option<DateTime<Utc>>,
}

impl From<FeedTokenRow> for FeedToken {
    fn from(row: FeedTokenRow) -> Self {
        Self {
            id: row.id,
            name: row.name,
            prefix: row.prefix,
            created_at: utc(row.created_at),
            last_used_at: row.last_used_at.map(utc),
        }
    }
}

/// A token just made, with the secret and the feed's path — shown only now.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedFeedToken {
    /// The token.
    #[serde(flatten)]
    pub feed_token: FeedToken,
    /// The token itself. Store it now: it cannot be shown again.
    pub token: String,
    /// The feed's path with the token; prefix it with the server's address
    /// and subscribe to it in a calendar app.
    #[schema(example = "/v1/agenda.ics?token=ft_…")]
    pub path: String,
}

/// Make a feed token for subscribing to the agenda from a calendar app.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    request_body = CreateFeedToken,
    responses(
        (status = 201, description = "The token and the feed's path, shown only now.", body = CreatedFeedToken),
        (status = 403, description = "Called with an API key.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/me/feed-tokens")]
pub async fn create_feed_token(
    caller: Caller,
    state: web::Data<AppState>,
    body: Json<CreateFeedToken>,
) -> Result<HttpResponse, ApiError> {
    if caller.via != Via::Token {
        return Err(ApiError::Forbidden(
            crate::error::ProblemCode::Forbidden,
            "an API key cannot make feed tokens".to_owned(),
        ));
    }
    let name = checked(&body.0).map_err(|e| ApiError::Validation(vec![e]))?;
    let token = generate_token(FEED_PREFIX)?;
    let row = FeedTokenRow {
        id: uuid::Uuid::now_v7().to_string(),
        user_id: caller.user.id,
        name,
        prefix: token.chars().take(10).collect(),
        token_hash: sha256_hex(&token),
        created_at: now().naive_utc(),
        last_used_at: None,
        revoked_at: None,
    };
    let stored = row.clone();
    write(&state, move |_, conn| Ok(feeds::insert(conn, &stored)?)).await?;
    let path = format!("/v1/agenda.ics?token={token}");
    Ok(HttpResponse::Created()
        .insert_header(crate::auth::no_store())
        .json(CreatedFeedToken {
            feed_token: FeedToken::from(row),
            token,
            path,
        }))
}

/// The caller's live feed tokens (never the tokens themselves).
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    params(LimitParam, FieldsParam),
    responses(
        (status = 200, description = "Live feed tokens, oldest first.", body = Page<FeedToken>),
        (status = 422, description = "A query parameter is invalid: an unknown field in `fields`, or `limit` out of range.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/me/feed-tokens")]
pub async fn list_feed_tokens(
    caller: Caller,
    state: web::Data<AppState>,
    limit: crate::extract::Query<LimitParam>,
    fields: crate::extract::Query<FieldsParam>,
) -> Result<HttpResponse, ApiError> {
    let limit = limit.checked()?;
    let fields = fields.of::<FeedToken>()?;
    let user = caller.user.id;
    let rows = read(&state, move |_, conn| Ok(feeds::of_user(conn, &user)?)).await?;
    let page = Page {
        items: rows
            .into_iter()
            .take(limit.unwrap_or(usize::MAX))
            .map(FeedToken::from)
            .collect(),
        next_cursor: None,
    };
    crate::shape::list(&page, fields.as_ref())
}

/// Revoke a feed token: calendars using it stop updating at once.
#[utoipa::path(
    tag = "calendar",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The feed token's id.")),
    responses(
        (status = 204, description = "Revoked."),
        (status = 403, description = "A read-only API key.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/v1/me/feed-tokens/{id}")]
pub async fn revoke_feed_token(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let user = caller.user.id;
    let id = id.into_inner();
    let revoked = write(&state, move |_, conn| {
        Ok(feeds::revoke(conn, &user, &id, now().naive_utc())?)
    })
    .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("no such feed token".to_owned()))
    }
}

/// The feed's query.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeedParams {
    /// A feed token from `POST /v1/me/feed-tokens`.
    pub token: String,
}

/// The agenda as an iCalendar feed: one event per due action, with a
/// reminder 15 minutes before. Subscribe to it in a calendar app; it needs
/// no `Authorization` header, only the feed token in the URL.
#[utoipa::path(
    tag = "calendar",
    params(FeedParams),
    responses(
        (status = 200, description = "An RFC 5545 calendar. Its weak `ETag` covers everything but `DTSTAMP`.", body = String, content_type = "text/calendar"),
        (status = 304, description = "Nothing but `DTSTAMP` changed since the `If-None-Match` ETag."),
        (status = 400, description = "The token parameter is missing.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such live feed token.", body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The database is unavailable.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/agenda.ics")]
pub async fn agenda_ics(
    state: web::Data<AppState>,
    params: web::Query<FeedParams>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    let hash = sha256_hex(params.token.trim());
    let at = now();
    let snapshot = write(&state, move |_, conn| {
        let token = feeds::find_live(conn, &hash)?
            .ok_or_else(|| ApiError::NotFound("no such feed".to_owned()))?;
        let stale = token
            .last_used_at
            .is_none_or(|used| (at.naive_utc() - used).num_minutes() >= 5);
        if stale {
            feeds::touch(conn, &token.id, at.naive_utc())?;
        }
        let stages = followup_core::policy::agenda_stages();
        snapshot::load(
            conn,
            &token.user_id,
            Scope::Stages(&stages),
            crate::cadence::this_year(),
        )?
        .ok_or_else(|| ApiError::NotFound("no such feed".to_owned()))
    })
    .await?;
    let facts = &snapshot.facts;
    let playbook = &snapshot.playbook;
    let mut actions = Engine::new(facts, playbook, at).agenda();
    for action in &mut actions {
        followup_core::l10n::localise_action(action, facts.seeker.locale);
    }
    let calendar = calendar(facts, &actions, at).to_string();
    // The ETag covers all but the `DTSTAMP` lines (when it was made): a
    // calendar app polling an unchanged agenda gets 304.
    let content: String = calendar
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("DTSTAMP"))
        .collect();
    let etag = crate::conditional::weak_etag(content.as_bytes());
    // A 304 says how long to keep what it revalidates, as the 200 did.
    let keep = (header::CACHE_CONTROL, "private, max-age=300");
    if let Some(mut not_modified) = crate::conditional::unchanged(&req, &etag) {
        not_modified
            .headers_mut()
            .insert(keep.0, header::HeaderValue::from_static(keep.1));
        return Ok(not_modified);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .content_type("text/calendar; charset=utf-8")
        .insert_header(keep)
        .body(calendar))
}

/// One VEVENT per action, each with a display alarm 15 minutes before.
fn calendar(facts: &Facts, actions: &[followup_core::NextAction], at: DateTime<Utc>) -> Calendar {
    let mut calendar = Calendar::new();
    calendar.name("followup agenda");
    calendar.ttl(&Duration::minutes(30));
    for action in actions {
        let end = action
            .window_end
            .filter(|end| *end > action.due_at)
            .unwrap_or(action.due_at + Duration::minutes(30));
        let mut description = action.reason.clone();
        if let Some(draft) = &action.draft {
            description.push_str("\n\n");
            if let Some(subject) = &draft.subject {
                description.push_str(&format!("Subject: {subject}\n\n"));
            }
            description.push_str(&draft.body);
            if let Some(mailto) = &draft.link() {
                description.push_str(&format!("\n\n{mailto}"));
            }
        }
        let summary = crate::views::agenda::action_title(action, facts);
        // A stable UID: a calendar app that polls keeps one alarm per action
        // (the crate would draw a random one at every read).
        let mut alarm = Alarm::display(&summary, Trigger::before_start(Duration::minutes(15)));
        alarm.uid(&format!("{}-alarm@followup", action.id));
        alarm.timestamp(at);
        calendar.push(
            Event::new()
                .uid(&format!("{}@followup", action.id))
                .timestamp(at)
                .summary(&summary)
                .description(&description)
                .starts(action.due_at)
                .ends(end)
                .alarm(alarm)
                .done(),
        );
    }
    calendar.done()
}

impl crate::extract::Checks for CreateFeedToken {
    fn checks(&self) -> Vec<crate::error::FieldError> {
        checked(self).err().map(|e| vec![e]).unwrap_or_default()
    }
}

/// A new feed token's own check: its name, in its normal form.
fn checked(body: &CreateFeedToken) -> Result<String, crate::error::FieldError> {
    validate::name("name", &body.name, 100)
}
