//! Export: everything a seeker keeps, as one JSON document or as a CSV of
//! opportunities for a spreadsheet.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, get, web};
use chrono::{DateTime, SecondsFormat, Utc};
use followup_core::{InteractionKind, Role};
use followup_store::pipeline::{self, OpportunityRow};
use followup_store::records::{ContactRow, InteractionRow, PromiseRow};
use followup_store::{DbConnection, auth, contacts, interactions, profiles, promises};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::conditional::{unchanged, weak_etag};
use crate::csv::{csv_field, text_cell};
use crate::db::read;
use crate::error::{ApiError, Problem};
use crate::state::AppState;
use crate::views::coaching::{Grant, Person};
use crate::views::contacts::Contact;
use crate::views::interactions::Interaction;
use crate::views::pipeline::{Opportunity, Transition};
use crate::views::profile::Profile;
use crate::views::promises::{Promise, promise_view};
use crate::views::{User, utc};

/// One opportunity with everything recorded about it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExportedOpportunity {
    /// The opportunity.
    pub opportunity: Opportunity,
    /// Every stage change, first entry = the stage it was created in.
    pub history: Vec<Transition>,
    /// The people at the employer.
    pub contacts: Vec<Contact>,
    /// Everything that happened, in the order it happened.
    pub interactions: Vec<Interaction>,
    /// What the employer promised, with the status at `exported_at`.
    pub promises: Vec<Promise>,
    /// The ideal-candidate profile (empty when none was entered).
    pub profile: Profile,
}

/// Everything the seeker keeps.
#[derive(Debug, Serialize, ToSchema)]
pub struct Export {
    /// When the export was made; promise statuses are evaluated then.
    pub exported_at: DateTime<Utc>,
    /// The account (no credentials).
    pub account: User,
    /// Every opportunity, oldest first.
    pub opportunities: Vec<ExportedOpportunity>,
    /// The coaches the seeker has given access to.
    pub grants: Vec<Grant>,
}

/// Groups rows by their opportunity id.
fn by_opportunity<R>(rows: Vec<R>, key: impl Fn(&R) -> &str) -> HashMap<String, Vec<R>> {
    let mut map: HashMap<String, Vec<R>> = HashMap::new();
    for row in rows {
        map.entry(key(&row).to_owned()).or_default().push(row);
    }
    map
}

fn export(
    conn: &mut DbConnection,
    caller: &Caller,
    now: DateTime<Utc>,
) -> Result<Export, ApiError> {
    let seeker = &caller.user;
    let snapshot = followup_store::snapshot::load(
        conn,
        &seeker.id,
        followup_store::snapshot::Scope::All,
        crate::cadence::this_year(),
    )?
    .ok_or_else(|| ApiError::NotFound("no such account".to_owned()))?;
    let calendar = snapshot.facts.seeker.calendar;
    let mut facts: HashMap<String, followup_core::Opportunity> = snapshot
        .facts
        .opportunities
        .into_iter()
        .map(|o| (o.id.clone(), o))
        .collect();
    let mut contacts = by_opportunity(
        contacts::contacts_of_seeker(conn, &seeker.id)?,
        |r: &ContactRow| &r.opportunity_id,
    );
    let mut interactions = by_opportunity(
        interactions::interactions_of_seeker(conn, &seeker.id)?,
        |r: &InteractionRow| &r.opportunity_id,
    );
    let mut promises = by_opportunity(
        promises::promises_of_seeker(conn, &seeker.id)?,
        |r: &PromiseRow| &r.opportunity_id,
    );
    let mut profiles: HashMap<String, _> = profiles::profiles_of_seeker(conn, &seeker.id)?
        .into_iter()
        .map(|p| (p.opportunity_id.clone(), p))
        .collect();
    let mut opportunities = Vec::new();
    for row in pipeline::all_opportunities(conn, &seeker.id)? {
        let facts = facts.remove(&row.id).ok_or_else(|| {
            ApiError::Internal(format!("opportunity {} left the snapshot", row.id).into())
        })?;
        let history = pipeline::transitions_of(conn, &row.id)?
            .into_iter()
            .map(Transition::try_from)
            .collect::<Result<_, _>>()?;
        let id = row.id.clone();
        opportunities.push(ExportedOpportunity {
            history,
            contacts: contacts
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(Contact::try_from)
                .collect::<Result<_, _>>()?,
            interactions: interactions
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(Interaction::try_from)
                .collect::<Result<_, _>>()?,
            promises: promises
                .remove(&id)
                .unwrap_or_default()
                .into_iter()
                .map(|p| promise_view(p, &facts, &calendar, now))
                .collect::<Result<_, _>>()?,
            profile: Profile::from_row(profiles.remove(&id))?.0,
            opportunity: Opportunity::try_from(row)?,
        });
    }
    let grants = auth::grants_of_seeker(conn, &seeker.id)?
        .into_iter()
        .map(|(grant, coach)| Grant {
            id: grant.id,
            seeker_id: grant.seeker_id,
            coach: Person {
                id: coach.id,
                display_name: coach.display_name,
                email: coach.email,
            },
            created_at: utc(grant.created_at),
            org_id: grant.org_id,
        })
        .collect();
    Ok(Export {
        exported_at: now,
        account: User::from(seeker),
        opportunities,
        grants,
    })
}

/// Everything you keep, as one JSON document: the account (without
/// credentials), every opportunity with its history, contacts, interactions,
/// promises (status as of now) and profile, and the coaches you gave access.
///
/// Only a seeker exports, and only their own data.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The export. Its weak `ETag` covers everything but `exported_at`.", body = Export),
        (status = 304, description = "Nothing but `exported_at` changed since the `If-None-Match` ETag."),
        (status = 403, description = "Not a seeker: coaches read clients' data through their grants.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/export")]
pub async fn export_json(
    caller: Caller,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Seeker])?;
    let now = crate::views::now();
    let export = read(&state, move |_, conn| export(conn, &caller, now)).await?;
    // The ETag covers all but `exported_at`: a later read of the same data
    // answers 304.
    let internal = |e: serde_json::Error| ApiError::Internal(Box::new(e));
    let mut content = serde_json::to_value(&export).map_err(internal)?;
    if let Some(object) = content.as_object_mut() {
        object.remove("exported_at");
    }
    let etag = weak_etag(&serde_json::to_vec(&content).map_err(internal)?);
    if let Some(not_modified) = unchanged(&req, &etag) {
        return Ok(not_modified);
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, etag))
        .insert_header((
            header::CONTENT_DISPOSITION,
            r#"attachment; filename="followup-export.json""#,
        ))
        .json(export))
}

/// The CSV header row.
const CSV_HEADER: [&str; 9] = [
    "id",
    "company",
    "title",
    "stage",
    "created_at",
    "updated_at",
    "last_contact_at",
    "excitement",
    "offer_deadline",
];

fn timestamp(at: chrono::NaiveDateTime) -> String {
    utc(at).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

fn csv(rows: &[OpportunityRow], last_contact: &HashMap<String, chrono::NaiveDateTime>) -> String {
    let mut out = CSV_HEADER.join(",");
    out.push_str("\r\n");
    for row in rows {
        let fields = [
            row.id.clone(),
            text_cell(&row.company),
            text_cell(&row.title),
            row.stage.as_str().to_owned(),
            timestamp(row.created_at),
            timestamp(row.updated_at),
            last_contact
                .get(&row.id)
                .copied()
                .map(timestamp)
                .unwrap_or_default(),
            row.excitement.map(|e| e.to_string()).unwrap_or_default(),
            row.offer_deadline
                .map(|d| d.to_string())
                .unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| csv_field(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Your opportunities as CSV (RFC 4180, UTF-8), one row each: `id`,
/// `company`, `title`, `stage`, `created_at`, `updated_at`,
/// `last_contact_at` (the latest interaction other than a note),
/// `excitement`, `offer_deadline`. Empty fields are unknown.
///
/// A `company` or `title` that starts with `=`, `+`, `-`, `@`, a tab or a
/// CR is written with a `'` in front, so a spreadsheet shows it as text
/// instead of running it as a formula (OWASP, "CSV Injection"). The JSON
/// export keeps every value exactly as stored.
///
/// Only a seeker exports, and only their own data.
#[utoipa::path(
    tag = "export",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The CSV, as an attachment `followup-export.csv`.", body = String, content_type = "text/csv"),
        (status = 403, description = "Not a seeker: coaches read clients' data through their grants.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/export.csv")]
pub async fn export_csv(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_role(&[Role::Seeker])?;
    let seeker = caller.user.id.clone();
    let (rows, touches) = read(&state, move |_, conn| {
        Ok((
            pipeline::all_opportunities(conn, &seeker)?,
            interactions::interactions_of_seeker(conn, &seeker)?,
        ))
    })
    .await?;
    let mut last_contact: HashMap<String, chrono::NaiveDateTime> = HashMap::new();
    for touch in touches.iter().filter(|i| i.kind != InteractionKind::Note) {
        let latest = last_contact
            .entry(touch.opportunity_id.clone())
            .or_insert(touch.occurred_at);
        *latest = (*latest).max(touch.occurred_at);
    }
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            r#"attachment; filename="followup-export.csv""#,
        ))
        .body(csv(&rows, &last_contact)))
}
