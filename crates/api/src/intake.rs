//! Reading a message into a proposal, for every way mail arrives (a seeker
//! forwarding it to `POST /v1/inbox`, a mail provider posting it to
//! `POST /v1/inbox/inbound`): parse it, match its sender to the seeker's
//! pipeline, and store the message and the step it proposes, once per
//! `Message-ID` (docs/inbox.md).

use actix_web::http::header;
use actix_web::{HttpRequest, web};
use chrono::{DateTime, Utc};
use followup_core::EventType;
use followup_inbox::{ReadError, ReadOptions, Reading};
use followup_store::inbox::{self, MessageRow, ProposalRow};
use followup_store::pipeline::{self, OpportunityRow};
use followup_store::records::ContactRow;
use followup_store::{DbConnection, contacts};
use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::db::{read, write_facts};
use crate::error::{ApiError, FieldCode};
use crate::state::AppState;
use crate::views::inbox::{Candidate, Proposal};

/// The media type of a raw message.
pub const RFC822: &str = "message/rfc822";

/// What a proposal's status is stored as while the seeker has not decided.
const PENDING: &str = "pending";

/// The longest `Message-ID` kept as it is; a longer one is replaced by the
/// hash of the message.
const MAX_MESSAGE_ID: usize = 998;

/// Unmatched proposals offer at most this many opportunities to choose from.
const MAX_CANDIDATES: usize = 50;

/// Mail providers anyone can have an address at: their domain says nothing
/// about the employer.
const FREE_MAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "hotmail.co.uk",
    "live.com",
    "msn.com",
    "yahoo.com",
    "yahoo.co.uk",
    "yahoo.co.jp",
    "yahoo.fr",
    "ymail.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "aol.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "gmx.de",
    "gmx.net",
    "gmx.com",
    "web.de",
    "t-online.de",
    "orange.fr",
    "free.fr",
    "laposte.net",
    "wanadoo.fr",
    "mail.com",
    "zoho.com",
    "yandex.com",
    "yandex.ru",
    "mail.ru",
    "qq.com",
    "163.com",
    "fastmail.com",
];

/// Job boards: like applicant-tracking systems
/// ([`followup_inbox::APPLICANT_TRACKING_DOMAINS`]) they send for many
/// employers, so their domain (and its subdomains) never matches one.
const JOB_BOARDS: &[&str] = &["linkedin.com", "indeed.com"];

/// The domain of an address, lower case.
pub fn domain_of(address: &str) -> Option<String> {
    address
        .rsplit_once('@')
        .map(|(_, domain)| domain.trim().trim_end_matches('.').to_ascii_lowercase())
        .filter(|d| !d.is_empty())
}

/// A domain that says nothing about the employer.
pub fn is_shared_domain(domain: &str) -> bool {
    followup_inbox::domain_listed(domain, FREE_MAIL)
        || followup_inbox::domain_listed(domain, JOB_BOARDS)
        || followup_inbox::is_applicant_tracking(domain)
}

/// Who a message is from, in the seeker's pipeline.
#[derive(Debug, Default)]
struct Matched {
    opportunity_id: Option<String>,
    contact: Option<ContactRow>,
    candidates: Vec<Candidate>,
}

fn candidate(opportunity: &OpportunityRow) -> Candidate {
    Candidate {
        opportunity_id: opportunity.id.clone(),
        company: opportunity.company.clone(),
        title: opportunity.title.clone(),
    }
}

/// Matches the sender to the seeker's open opportunities: their address to
/// a contact's, else their domain to the domain of an opportunity's
/// contacts (never a free-mail or applicant-tracking domain). One match
/// wins; several, or none, leave the proposal unmatched with candidates.
fn match_sender(
    conn: &mut DbConnection,
    seeker_id: &str,
    sender: Option<&str>,
) -> Result<Matched, ApiError> {
    let open: Vec<OpportunityRow> = pipeline::all_opportunities(conn, seeker_id)?
        .into_iter()
        .filter(|o| o.stage.is_open())
        .collect();
    let people = contacts::contacts_of_seeker(conn, seeker_id)?;
    let is_open = |id: &str| open.iter().any(|o| o.id == id);
    let pick = |ids: &[String]| -> Vec<Candidate> {
        open.iter()
            .filter(|o| ids.contains(&o.id))
            .map(candidate)
            .collect()
    };
    let sender = sender.map(str::to_ascii_lowercase);
    if let Some(sender) = sender.as_deref() {
        let same: Vec<&ContactRow> = people
            .iter()
            .filter(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.trim().eq_ignore_ascii_case(sender))
                    && is_open(&c.opportunity_id)
            })
            .collect();
        let mut ids: Vec<String> = same.iter().map(|c| c.opportunity_id.clone()).collect();
        ids.sort_unstable();
        ids.dedup();
        match (ids.as_slice(), same.first()) {
            ([one], Some(contact)) => {
                // Two contact records of one opportunity with the same
                // address: the first, by id.
                return Ok(Matched {
                    opportunity_id: Some(one.clone()),
                    contact: Some((*contact).clone()),
                    candidates: Vec::new(),
                });
            }
            ([], _) => {}
            (several, _) => {
                return Ok(Matched {
                    candidates: pick(several),
                    ..Matched::default()
                });
            }
        }
        if let Some(domain) = domain_of(sender).filter(|d| !is_shared_domain(d)) {
            let mut ids: Vec<String> = people
                .iter()
                .filter(|c| {
                    c.email.as_deref().and_then(domain_of).as_deref() == Some(domain.as_str())
                        && is_open(&c.opportunity_id)
                })
                .map(|c| c.opportunity_id.clone())
                .collect();
            ids.sort_unstable();
            ids.dedup();
            match ids.as_slice() {
                [one] => {
                    return Ok(Matched {
                        opportunity_id: Some(one.clone()),
                        ..Matched::default()
                    });
                }
                [] => {}
                several => {
                    return Ok(Matched {
                        candidates: pick(several),
                        ..Matched::default()
                    });
                }
            }
        }
    }
    Ok(Matched {
        candidates: open.iter().take(MAX_CANDIDATES).map(candidate).collect(),
        ..Matched::default()
    })
}

/// The `Message-ID` a message is known by: its header, or the SHA-256 of its
/// bytes when it has none (or an absurdly long one).
fn message_key(reading: &Reading, raw: &[u8]) -> String {
    match reading.message_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() && id.len() <= MAX_MESSAGE_ID => id.to_owned(),
        _ => {
            let digest = Sha256::digest(raw);
            let mut key = String::from("sha256:");
            for byte in digest {
                key.push_str(&format!("{byte:02x}"));
            }
            key
        }
    }
}

pub fn is_rfc822(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|essence| essence.trim().eq_ignore_ascii_case(RFC822))
}

fn read_error(err: ReadError) -> ApiError {
    match err {
        ReadError::TooLarge { .. } => ApiError::PayloadTooLarge(err.to_string()),
        ReadError::Empty => ApiError::invalid("body", FieldCode::Empty, err.to_string()),
        ReadError::NotAMessage => ApiError::invalid("body", FieldCode::Invalid, err.to_string()),
    }
}

/// Reads a message off the async workers (it may be 10 MiB of MIME).
pub async fn parse(
    raw: web::Bytes,
    contact_tz: Option<chrono_tz::Tz>,
) -> Result<Reading, ApiError> {
    web::block(move || followup_inbox::read(&raw, &ReadOptions { contact_tz }))
        .await?
        .map_err(read_error)
}

/// The stored message and its proposal.
fn rows(
    seeker_id: &str,
    key: String,
    raw: &[u8],
    reading: &Reading,
    matched: Matched,
    now: DateTime<Utc>,
) -> Result<(MessageRow, ProposalRow), ApiError> {
    let message = MessageRow {
        id: uuid::Uuid::now_v7().to_string(),
        seeker_id: seeker_id.to_owned(),
        message_id: key,
        received_at: now.naive_utc(),
        raw: Some(raw.to_vec()),
        size: i64::try_from(raw.len()).unwrap_or(i64::MAX),
    };
    let proposal = ProposalRow {
        id: uuid::Uuid::now_v7().to_string(),
        seeker_id: seeker_id.to_owned(),
        message_id: message.id.clone(),
        class: reading.class().as_str().to_owned(),
        // 0.95, not the f32's 0.949999988079071.
        confidence: (f64::from(reading.confidence) * 1000.0).round() / 1000.0,
        evidence: to_json(&reading.evidence)?,
        step: to_json(&reading.step)?,
        sender: reading.sender.as_ref().map(|s| s.address.clone()),
        subject: reading.subject.clone(),
        sent_at: reading.sent_at.map(|at| at.with_timezone(&Utc).naive_utc()),
        opportunity_id: matched.opportunity_id,
        contact_id: matched.contact.map(|c| c.id),
        candidates: to_json(&matched.candidates)?,
        status: PENDING.to_owned(),
        created_at: now.naive_utc(),
        decided_at: None,
        interaction_id: None,
        transition_id: None,
        interview_id: None,
        promise_id: None,
    };
    Ok((message, proposal))
}

fn to_json<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|e| ApiError::Internal(Box::new(e)))
}

/// Reads `raw`, received at the seeker's own address, for `seeker_id`: see
/// [`ingest_by`], by the server (`system:inbound`).
pub async fn ingest(
    state: &web::Data<AppState>,
    seeker_id: String,
    raw: web::Bytes,
    now: DateTime<Utc>,
) -> Result<(bool, ProposalRow), ApiError> {
    let actor = followup_core::Actor {
        kind: followup_core::ActorKind::System,
        id: "inbound".to_owned(),
    };
    ingest_by(state, seeker_id, raw, now, actor).await
}

/// Reads `raw` for `seeker_id` and stores the message and its proposal,
/// with its `proposal.created` event by `actor`. Returns whether it is new,
/// and the proposal: the one made before when the seeker's inbox has this
/// `Message-ID` already.
pub async fn ingest_by(
    state: &web::Data<AppState>,
    seeker_id: String,
    raw: web::Bytes,
    now: DateTime<Utc>,
    actor: followup_core::Actor,
) -> Result<(bool, ProposalRow), ApiError> {
    // Match on the sender first, then read again in the matched contact's
    // time zone when they have one: it decides the out-of-office day.
    let first = parse(raw.clone(), None).await?;
    let sender = first.sender.as_ref().map(|s| s.address.clone());
    let seeker = seeker_id.clone();
    let matched = read(state, move |_, conn| {
        match_sender(conn, &seeker, sender.as_deref())
    })
    .await?;
    let reading = match matched.contact.as_ref().and_then(|c| c.timezone) {
        Some(tz) => parse(raw.clone(), Some(tz)).await?,
        None => first,
    };
    write_facts(state, move |_, tx| {
        tx.lock(&seeker_id)?;
        let key = message_key(&reading, &raw);
        if let Some(existing) = inbox::find_by_message_id(tx.conn(), &seeker_id, &key)? {
            return Ok((false, existing));
        }
        let (message, proposal) = rows(&seeker_id, key, &raw, &reading, matched, now)?;
        inbox::insert(tx, &message, &proposal)?;
        let view = Proposal::try_from(proposal.clone())?;
        let kind = EventType::ProposalCreated;
        crate::events::record(tx, kind, &seeker_id, &actor, now, &view)?;
        Ok((true, proposal))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shared_domains_and_their_subdomains_never_match() {
        for domain in [
            "gmail.com",
            "us.greenhouse-mail.io",
            "hire.lever.co",
            "acme.myworkday.com",
        ] {
            assert!(is_shared_domain(domain), "{domain}");
        }
        for domain in ["northwindmedia.com", "notgmail.com", "halvorsen.de"] {
            assert!(!is_shared_domain(domain), "{domain}");
        }
        assert_eq!(domain_of("Ann@Example.COM").as_deref(), Some("example.com"));
        assert_eq!(domain_of("nobody"), None);
    }
}
