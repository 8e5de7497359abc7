//! The background work of events and webhooks, in every replica: the
//! clock's events are derived from the facts (`crate::clock_events`), the
//! dispatcher turns new events into outbox rows, and the delivery worker
//! claims due rows, sends them and keeps the books (docs/webhooks.md).
//!
//! Deliveries are at least once: the worker leases a row before it sends,
//! and records the outcome after. A crash in between leaves the lease to run
//! out, and the row is sent again; receivers deduplicate on `webhook-id`.

use std::sync::Arc;
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use followup_core::{Actor, ActorKind, EventType};
use followup_store::DbConnection;
use followup_store::events::{Appender, EventData, NewEvent, Position};
use followup_store::webhooks::{self, AttemptRow, DeliveryRow, DeliveryState, WebhookRow};
use reqwest::header::{CONTENT_TYPE, RETRY_AFTER, USER_AGENT};

use super::schedule::{self, DISABLE_AFTER_DAYS};
use super::signature::signature_header;
use super::ssrf::{Egress, PinnedResolver};
use super::{envelope, may_see};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::events::{Event, PURGE_AFTER_DAYS};
use crate::views::webhooks::Webhook;

/// How long a claimed delivery is leased: longer than an attempt can take.
const LEASE_SECONDS: i64 = 60;
/// Deliveries claimed per round.
const BATCH: i64 = 32;
/// Events turned into deliveries per round.
const DISPATCH_BATCH: i64 = 500;
/// Each attempt's limit.
pub const ATTEMPT_TIMEOUT: StdDuration = StdDuration::from_secs(15);

/// How the worker runs.
#[derive(Debug, Clone)]
pub struct WorkerConfig {
    /// Where deliveries may go.
    pub egress: Arc<Egress>,
    /// The pause between rounds when nothing was due.
    pub poll: StdDuration,
    /// How often (in the server clock's time) the clock's events are
    /// derived from the facts (`crate::clock_events`).
    pub clock_every: Duration,
    /// How long the raw bytes of an inbox message are kept (its proposal
    /// stays); purged with the old events, hourly.
    pub inbox_retention: Duration,
    /// Turns `true` when the server stops: the worker ends after its round.
    pub stop: tokio::sync::watch::Receiver<bool>,
}

/// The HTTP client of deliveries: no proxy from the environment, no
/// redirects, the pinning resolver, 15 s per attempt, TLS (native-tls on
/// the system's OpenSSL) trusting the system's authorities and those of
/// `--webhook-ca-file`.
pub fn client(egress: Arc<Egress>) -> Result<reqwest::Client, reqwest::Error> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(ATTEMPT_TIMEOUT)
        .user_agent(concat!("followup-webhooks/", env!("CARGO_PKG_VERSION")));
    if let Some(pem) = &egress.extra_roots {
        for root in reqwest::Certificate::from_pem_bundle(pem)? {
            builder = builder.add_root_certificate(root);
        }
    }
    builder
        .dns_resolver(Arc::new(PinnedResolver::new(egress)))
        .build()
}

/// Checks that `pem` holds at least one certificate the client can trust.
pub fn check_roots(pem: &[u8]) -> Result<(), String> {
    match reqwest::Certificate::from_pem_bundle(pem) {
        Ok(roots) if !roots.is_empty() => Ok(()),
        Ok(_) => Err("no certificate in the file".to_owned()),
        Err(error) => Err(error.to_string()),
    }
}

/// Runs the dispatcher and the delivery worker until the process ends.
pub async fn run(state: AppState, mut config: WorkerConfig) {
    let client = match client(config.egress.clone()) {
        Ok(client) => client,
        Err(error) => {
            tracing::error!(%error, "webhook deliveries are off: the HTTP client does not build");
            return;
        }
    };
    let mut scanned: Option<DateTime<Utc>> = None;
    let known = std::sync::Arc::new(std::sync::Mutex::new(crate::clock_events::Known::default()));
    let mut purged: Option<DateTime<Utc>> = None;
    let mut digest: Option<tokio::task::JoinHandle<()>> = None;
    while !*config.stop.borrow() {
        let now = state.clock.now();
        if purged.is_none_or(|at| now < at || now - at >= Duration::hours(1)) {
            let before = (now - Duration::days(PURGE_AFTER_DAYS)).naive_utc();
            let raw_before = (now - config.inbox_retention).naive_utc();
            let digest_before =
                (now - Duration::days(crate::views::digest::HISTORY_DAYS)).naive_utc();
            let result = blocking(&state, move |_, store| {
                store.write(|conn| {
                    let events = followup_store::events::purge(conn, before)?;
                    let messages = followup_store::inbox::purge_raw(conn, raw_before)?;
                    followup_store::digest::purge(conn, digest_before)?;
                    Ok::<_, ApiError>((events, messages))
                })
            })
            .await;
            match result {
                Ok((events, messages)) => {
                    purged = Some(now);
                    if events > 0 {
                        tracing::info!(count = events, "purged events past the retention");
                    }
                    if messages > 0 {
                        tracing::info!(
                            count = messages,
                            "purged inbox messages past the retention"
                        );
                    }
                }
                Err(error) => tracing::warn!(%error, "purging old events and messages failed"),
            }
        }
        if scanned.is_none_or(|at| now < at || now - at >= config.clock_every) {
            let known = known.clone();
            let started = Instant::now();
            match blocking(&state, move |state, _| {
                let mut known = known
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                crate::clock_events::scan(state, &mut known, now)
            })
            .await
            {
                Ok(written) => {
                    scanned = Some(now);
                    tracing::debug!(
                        written,
                        took_ms = started.elapsed().as_millis(),
                        "derived the clock's events"
                    );
                }
                Err(error) => tracing::warn!(%error, "deriving the clock's events failed"),
            }
            // The morning digest shares this catch-up: what fell due while
            // the server was down goes out now, if it is still morning. It
            // runs beside the deliveries, one pass at a time.
            if let Some(mailer) = state.mailer.clone()
                && digest
                    .as_ref()
                    .is_none_or(tokio::task::JoinHandle::is_finished)
            {
                let state = state.clone();
                digest = Some(tokio::spawn(async move {
                    if let Err(error) = crate::digest::worker::pass(&state, &mailer, now).await {
                        tracing::warn!(%error, "the digest pass failed");
                    }
                }));
            }
        }
        // The memory of password hashes, once no sign-up or sign-in has
        // used it for a while (crate::auth::password).
        crate::auth::release_idle_hash_memory(crate::auth::HASH_MEMORY_KEPT);
        let busy = match round(&state, &config, &client).await {
            Ok(busy) => busy,
            Err(error) => {
                tracing::warn!(%error, "webhook round failed; trying again in 5 s");
                pause(&mut config.stop, StdDuration::from_secs(5)).await;
                continue;
            }
        };
        if !busy {
            pause(&mut config.stop, config.poll).await;
        }
    }
    // A digest being sent is let finish, so its day is recorded as sent.
    if let Some(digest) = digest
        && tokio::time::timeout(StdDuration::from_secs(15), digest)
            .await
            .is_err()
    {
        tracing::warn!("the digest pass did not finish before the stop");
    }
}

/// Sleeps for `period`, or less when the server stops.
async fn pause(stop: &mut tokio::sync::watch::Receiver<bool>, period: StdDuration) {
    tokio::select! {
        () = tokio::time::sleep(period) => {}
        _ = stop.changed() => {}
    }
}

/// One round: dispatch new events, then send what is due. `true` when
/// there may be more to do at once.
pub async fn round(
    state: &AppState,
    config: &WorkerConfig,
    client: &reqwest::Client,
) -> Result<bool, ApiError> {
    let dispatched = blocking(state, dispatch).await?;
    let now = state.clock.now();
    let claimed = blocking(state, move |_, store| {
        // A read first, so an idle server does not take the write lock.
        if !store.read_statement(|conn| webhooks::any_due(conn, now.naive_utc()))? {
            return Ok(Vec::new());
        }
        store.write(|conn| {
            let lease = now + Duration::seconds(LEASE_SECONDS);
            Ok::<_, ApiError>(webhooks::claim(
                conn,
                now.naive_utc(),
                lease.naive_utc(),
                BATCH,
            )?)
        })
    })
    .await?;
    let full = claimed.len() as i64 == BATCH;
    if claimed.is_empty() {
        return Ok(dispatched == DISPATCH_BATCH);
    }
    // Whether each owner may still see each seeker: one read for the batch.
    let pairs: Vec<(Option<String>, String, Option<String>)> = claimed
        .iter()
        .map(|(delivery, webhook)| {
            (
                delivery.seeker_id.clone(),
                webhook.owner_id.clone(),
                webhook.org_id.clone(),
            )
        })
        .collect();
    let allowed = blocking(state, move |_, store| {
        store.read(|conn| {
            pairs
                .iter()
                .map(|(seeker, owner, org)| match seeker {
                    None => Ok(true),
                    Some(seeker) => may_see(conn, owner, org.as_deref(), seeker),
                })
                .collect::<Result<Vec<bool>, ApiError>>()
        })
    })
    .await?;
    let sends = claimed
        .into_iter()
        .zip(allowed)
        .map(|((delivery, webhook), allowed)| async move {
            let started = Instant::now();
            let attempted_at = state.clock.now();
            let outcome = if allowed {
                send(config, client, &delivery, &webhook, attempted_at).await
            } else {
                Outcome::NotAllowed
            };
            let duration_ms = i64::try_from(started.elapsed().as_millis()).unwrap_or(i64::MAX);
            (delivery, webhook, outcome, attempted_at, duration_ms)
        });
    let outcomes = futures_util::future::join_all(sends).await;
    // The books of the whole batch in one transaction. Should it fail, the
    // leases run out and the batch is sent again (at least once).
    blocking(state, move |_, store| {
        store.write(|conn| {
            for (delivery, webhook, outcome, at, duration_ms) in outcomes {
                record(conn, delivery, webhook, outcome, at, duration_ms)?;
            }
            Ok(())
        })
    })
    .await?;
    Ok(full || dispatched == DISPATCH_BATCH)
}

/// Runs `f` with the store on a blocking thread.
pub(crate) async fn blocking<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&AppState, &followup_store::Store) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let state = state.clone();
    tokio::task::spawn_blocking(move || f(&state, &state.store))
        .await
        .map_err(|e| ApiError::Internal(Box::new(e)))?
}

/// Turns the events after the dispatcher's position into deliveries, one
/// per webhook that wants the type and whose owner may see the seeker.
/// Returns how many events it went through: [`DISPATCH_BATCH`] means
/// there may be more at once. With no webhook active it moves past every
/// event in one step and returns 0.
fn dispatch(state: &AppState, store: &followup_store::Store) -> Result<i64, ApiError> {
    // A read first, so an idle server does not take the write lock.
    let pending = store.read(|conn| {
        let position = webhooks::dispatch_position(conn)?;
        Ok::<_, ApiError>(!webhooks::undispatched(conn, position, 1)?.is_empty())
    })?;
    if !pending {
        return Ok(0);
    }
    let now = state.clock.now();
    store.write(|conn| {
        let position = webhooks::lock_dispatch(conn)?;
        // The log's head first, the webhooks then: a webhook that exists by
        // the time the events were committed is seen by the second read.
        let head = followup_store::events::settled_head(conn, position)?;
        let hooks = webhooks::active(conn)?;
        if hooks.is_empty() {
            // Nobody to deliver to: move past every event at once, without
            // reading them (a webhook made later takes only events after
            // it). Nothing is left for the next round, which waits its
            // turn: under a steady stream of writes a dispatcher that
            // walked the log a batch at a time went round without a pause,
            // taking the write lock each time (docs/benchmarks.md).
            if let Some(head) = head {
                webhooks::set_dispatch(conn, head)?;
            }
            return Ok(0);
        }
        let events = webhooks::undispatched(conn, position, DISPATCH_BATCH)?;
        let Some(last) = events.last() else {
            return Ok(0);
        };
        let last = Position {
            tx: last.tx,
            seq: last.seq,
        };
        let count = events.len() as i64;
        for event in events {
            for hook in &hooks {
                if !hook.wants(event.kind)
                    || hook.created_at > event.created_at
                    || !may_see(
                        conn,
                        &hook.owner_id,
                        hook.org_id.as_deref(),
                        &event.seeker_id,
                    )?
                {
                    continue;
                }
                let kind = event.kind;
                let timestamp = crate::views::utc(event.occurred_at);
                let view = Event::from(event.clone());
                webhooks::insert_delivery(
                    conn,
                    &DeliveryRow {
                        id: uuid::Uuid::now_v7().to_string(),
                        webhook_id: hook.id.clone(),
                        event_id: event.id.clone(),
                        seeker_id: Some(event.seeker_id.clone()),
                        event_type: kind,
                        payload: envelope(kind, timestamp, &view),
                        state: DeliveryState::Pending,
                        attempts: 0,
                        next_attempt_at: Some(now.naive_utc()),
                        last_status: None,
                        last_error: None,
                        created_at: now.naive_utc(),
                        updated_at: now.naive_utc(),
                    },
                )?;
            }
        }
        webhooks::set_dispatch(conn, last)?;
        Ok(count)
    })
}

/// What one attempt came to.
#[derive(Debug)]
enum Outcome {
    /// The endpoint answered.
    Answered {
        status: u16,
        retry_after: Option<Duration>,
    },
    /// It did not (refused address, timeout, TLS, connection).
    NoAnswer(String),
    /// The owner may no longer see the seeker: not sent.
    NotAllowed,
}

async fn send(
    config: &WorkerConfig,
    client: &reqwest::Client,
    delivery: &DeliveryRow,
    webhook: &WebhookRow,
    at: DateTime<Utc>,
) -> Outcome {
    let url = match reqwest::Url::parse(&webhook.url) {
        Ok(url) => url,
        Err(e) => return Outcome::NoAnswer(format!("the URL does not parse: {e}")),
    };
    if let Err(reason) = config.egress.check_url(&url) {
        return Outcome::NoAnswer(format!("the URL {reason}"));
    }
    // An IP address in the URL is not resolved, so the resolver does not
    // see it: check it here.
    let host = url.host_str().unwrap_or_default();
    let literal = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = literal.parse::<std::net::IpAddr>()
        && let Some(reason) = config.egress.refuses(ip)
    {
        return Outcome::NoAnswer(format!("{ip} is {reason}"));
    }
    // The header carries the real time: receivers check it against theirs.
    let timestamp = Utc::now().timestamp();
    let secrets = webhook.signing_secrets(at.naive_utc());
    let signature = signature_header(&secrets, &delivery.event_id, timestamp, &delivery.payload);
    let response = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .header(
            USER_AGENT,
            concat!("followup-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .header("webhook-id", &delivery.event_id)
        .header("webhook-timestamp", timestamp.to_string())
        .header("webhook-signature", signature)
        .body(delivery.payload.clone())
        .send()
        .await;
    match response {
        Ok(response) => Outcome::Answered {
            status: response.status().as_u16(),
            retry_after: response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(schedule::retry_after),
        },
        Err(error) => Outcome::NoAnswer(describe(&error)),
    }
}

/// A client error in words, with its causes (the refused address says why).
fn describe(error: &reqwest::Error) -> String {
    use std::error::Error as _;
    let mut text = if error.is_timeout() {
        "timed out after 15 s".to_owned()
    } else {
        error.to_string()
    };
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.chars().take(500).collect()
}

/// Keeps the books of one attempt: the attempt row, the delivery's next
/// step, and the webhook's health (disabled on 410 or after 5 days of
/// failures, with a `webhook.disabled` event to its owner).
fn record(
    conn: &mut DbConnection,
    mut delivery: DeliveryRow,
    webhook: WebhookRow,
    outcome: Outcome,
    at: DateTime<Utc>,
    duration_ms: i64,
) -> Result<(), ApiError> {
    let now = at.naive_utc();
    delivery.updated_at = now;
    if let Outcome::NotAllowed = outcome {
        delivery.state = DeliveryState::Cancelled;
        delivery.next_attempt_at = None;
        webhooks::save_delivery(conn, &delivery)?;
        return Ok(());
    }
    let (status, error) = match &outcome {
        Outcome::Answered { status, .. } => (Some(i32::from(*status)), None),
        Outcome::NoAnswer(error) => (None, Some(error.clone())),
        Outcome::NotAllowed => (None, None),
    };
    webhooks::insert_attempt(
        conn,
        &AttemptRow {
            id: uuid::Uuid::now_v7().to_string(),
            delivery_id: delivery.id.clone(),
            attempted_at: now,
            response_status: status,
            error: error.clone(),
            duration_ms,
        },
    )?;
    delivery.attempts += 1;
    delivery.last_status = status;
    delivery.last_error = error;
    let succeeded = matches!(status, Some(200..=299));
    let gone = status == Some(410);
    if succeeded {
        delivery.state = DeliveryState::Succeeded;
        delivery.next_attempt_at = None;
        webhooks::save_delivery(conn, &delivery)?;
        webhooks::set_failing_since(conn, &webhook.id, None)?;
        return Ok(());
    }
    let wait = match &outcome {
        Outcome::Answered {
            status: 429 | 503,
            retry_after: Some(wait),
        } => Some(*wait),
        _ => schedule::next_wait(
            u32::try_from(delivery.attempts).unwrap_or(u32::MAX),
            schedule::jitter(),
        ),
    };
    match wait {
        Some(wait) if !gone => {
            delivery.next_attempt_at = Some((at + wait).naive_utc());
        }
        _ => {
            delivery.state = DeliveryState::Failed;
            delivery.next_attempt_at = None;
        }
    }
    webhooks::save_delivery(conn, &delivery)?;
    let failing_since = webhook.failing_since.unwrap_or(now);
    if webhook.failing_since.is_none() {
        webhooks::set_failing_since(conn, &webhook.id, Some(now))?;
    }
    let reason = if gone {
        Some("gone")
    } else if now - failing_since >= Duration::days(DISABLE_AFTER_DAYS) {
        Some("failing")
    } else {
        None
    };
    if let Some(reason) = reason {
        disable(conn, &webhook.id, reason, at)?;
    }
    Ok(())
}

/// Turns a webhook off and tells its owner with a `webhook.disabled` event.
fn disable(
    conn: &mut DbConnection,
    id: &str,
    reason: &str,
    at: DateTime<Utc>,
) -> Result<(), ApiError> {
    let Some(mut row) = webhooks::find(conn, id)? else {
        return Ok(());
    };
    if !row.active {
        return Ok(());
    }
    let expected = row.version;
    row.active = false;
    row.disabled_reason = Some(reason.to_owned());
    row.updated_at = at.naive_utc();
    row.version += 1;
    if !webhooks::update(conn, &row, expected)? {
        return Ok(());
    }
    tracing::warn!(webhook = %row.id, reason, "webhook disabled");
    let owner = row.owner_id.clone();
    let data = EventData::of(&Webhook::from(row)).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Appender::default().append(
        conn,
        NewEvent {
            id: uuid::Uuid::now_v7().to_string(),
            seeker_id: owner,
            kind: EventType::WebhookDisabled,
            actor: Actor {
                kind: ActorKind::System,
                id: "webhooks".to_owned(),
            },
            occurred_at: at.naive_utc(),
            created_at: crate::views::now().naive_utc(),
            data,
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_roots;

    #[test]
    fn a_ca_file_without_a_certificate_is_refused() {
        assert!(check_roots(b"").is_err());
        assert!(check_roots(b"not a certificate").is_err());
        assert!(
            check_roots(b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n").is_err()
        );
    }
}
