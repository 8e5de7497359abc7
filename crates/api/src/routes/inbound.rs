//! Mail received at a personal address (docs/inbox.md, "Receiving mail at a
//! personal address"): each account's `in+<token>@<inbound domain>`, and
//! the one deployment-wide endpoint mail providers post what arrives there
//! to. Every message becomes a proposal in its recipient's inbox, exactly as
//! a message forwarded to `POST /v1/inbox` does.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, ResponseError as _, get, post, web};
use chrono::{DateTime, Utc};
use followup_store::inbound::{self as addresses, InboundAddressRow};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::auth::{Caller, no_store};
use crate::db::{read, write};
use crate::error::{ApiError, Problem};
use crate::extract::BodySize;
use crate::inbound::{self, Form};
use crate::intake;
use crate::state::{AppState, InboundConfig};
use crate::views::utc;

/// What every inbound route answers when the deployment has no inbound
/// domain.
const NO_MAIL: &str = "this deployment receives no mail (it runs without --inbound-domain); \
                       forward messages to POST /v1/inbox instead";

/// The challenge added to a 401 of the inbound endpoint, so HTTP clients
/// that send Basic credentials only when asked do send them.
const BASIC_CHALLENGE: &str = r#"Basic realm="followup inbound mail""#;

/// A personal address: mail sent, forwarded or automatically forwarded
/// there lands in the account's inbox as a proposal.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboundAddress {
    /// `in+<token>@<inbound domain>`. Anyone who knows it can put proposals
    /// in the inbox (never log anything): rotate it when it leaks.
    #[schema(example = "in+k3m7q2xw9ab4cd5ef6gh7ij2kl@in.followup.example")]
    pub address: String,
    /// When the address was first made.
    pub created_at: DateTime<Utc>,
    /// When it was last rotated; `null` while it is the first.
    pub rotated_at: Option<DateTime<Utc>>,
}

/// A raw e-mail message (RFC 5322 / MIME) as bytes. (It documents the
/// body; the handler reads the bytes themselves.)
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct InboundRawMessage(pub Vec<u8>);

/// The form SendGrid's Inbound Parse posts with "POST the raw, full MIME
/// message" on, and the one Mailgun's routes post when they forward to a
/// URL ending in `mime` (`multipart/form-data`, or
/// `application/x-www-form-urlencoded` without attachments). Other fields
/// are ignored.
#[derive(Debug, Deserialize, ToSchema)]
pub struct InboundForm {
    /// SendGrid: the raw message.
    pub email: Option<String>,
    /// SendGrid: the SMTP envelope as JSON, `{"to": ["…"], "from": "…"}`;
    /// its `to` decides the recipients.
    pub envelope: Option<String>,
    /// SendGrid: the `To` header, used when the envelope names none of ours.
    pub to: Option<String>,
    /// SendGrid: the `Cc` header, likewise.
    pub cc: Option<String>,
    /// Mailgun: the raw message.
    #[serde(rename = "body-mime")]
    pub body_mime: Option<String>,
    /// Mailgun: the envelope recipient(s), comma-separated.
    pub recipient: Option<String>,
}

/// An address as Postmark lists it in `ToFull`, `CcFull` and `BccFull`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PostmarkAddress {
    /// The address.
    pub email: String,
    /// The display name.
    pub name: Option<String>,
}

/// Postmark's inbound webhook JSON, with "Include raw email content in JSON
/// payload" on (without `RawEmail` the message is a 422). Other fields are
/// ignored.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
pub struct PostmarkInbound {
    /// The raw message.
    pub raw_email: String,
    /// The envelope recipient: it decides, when it is one of ours.
    pub original_recipient: Option<String>,
    /// The `To` header.
    pub to: Option<String>,
    /// The `Cc` header.
    pub cc: Option<String>,
    /// The `Bcc` header.
    pub bcc: Option<String>,
    /// The `To` addresses.
    pub to_full: Option<Vec<PostmarkAddress>>,
    /// The `Cc` addresses.
    pub cc_full: Option<Vec<PostmarkAddress>>,
    /// The `Bcc` addresses.
    pub bcc_full: Option<Vec<PostmarkAddress>>,
}

/// One address or several.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum Recipients {
    /// One address (or a comma-separated list).
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// A message as text, for any sender that can post JSON.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlainInbound {
    /// The raw message (RFC 5322 / MIME).
    pub raw: String,
    /// Its recipients; without them, the message's own headers say.
    pub to: Option<Recipients>,
}

/// A message in base64, for senders whose messages are not UTF-8.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlainBase64Inbound {
    /// The raw message in base64 (standard or URL-safe, padded or not,
    /// wrapped or not).
    pub raw_base64: String,
    /// Its recipients; without them, the message's own headers say.
    pub to: Option<Recipients>,
}

/// The JSON forms `POST /v1/inbox/inbound` reads.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum InboundJson {
    /// Postmark's inbound webhook.
    Postmark(PostmarkInbound),
    /// `{"raw": "…", "to": "…"}`.
    Plain(PlainInbound),
    /// `{"raw_base64": "…", "to": "…"}`.
    PlainBase64(PlainBase64Inbound),
}

/// The query of `POST /v1/inbox/inbound`.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboundParams {
    /// The recipient (repeat it for several): when it names one of our
    /// addresses it decides, whatever the body says.
    pub to: Option<Vec<String>>,
    /// Not read. Mailgun forwards the raw MIME message only to a URL that
    /// ends in `mime`: route it to `/v1/inbox/inbound?format=mime`.
    pub format: Option<String>,
}

/// A message put in one recipient's inbox.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboundDelivery {
    /// The address it came to.
    pub recipient: String,
    /// The proposal it made (or made before, for a message already
    /// received: the same `Message-ID` makes one proposal per inbox).
    pub proposal_id: String,
    /// `false` when the inbox had this message already.
    pub created: bool,
}

/// Why a message was not put in an inbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// No account has this address (never had, or rotated it away).
    UnknownAddress,
}

/// A recipient at the inbound domain whose copy was dropped.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InboundDropped {
    /// The address.
    pub recipient: String,
    /// Why.
    pub reason: DropReason,
}

/// What happened to a posted message.
#[derive(Debug, Clone, Default, Serialize, ToSchema)]
pub struct InboundReceipt {
    /// The inboxes it was put in, one per recipient of ours.
    pub delivered: Vec<InboundDelivery>,
    /// The recipients at the inbound domain it was not put in.
    pub dropped: Vec<InboundDropped>,
}

fn configured(state: &AppState) -> Result<&InboundConfig, ApiError> {
    state
        .inbound
        .as_ref()
        .ok_or_else(|| ApiError::NotFound(NO_MAIL.to_owned()))
}

fn address_view(row: InboundAddressRow, domain: &str) -> InboundAddress {
    InboundAddress {
        address: inbound::address(&row.token, domain),
        created_at: utc(row.created_at),
        rotated_at: row.rotated_at.map(utc),
    }
}

/// The caller's personal address, made on the first call.
///
/// Mail sent to it — or forwarded, or forwarded automatically by a rule in
/// the seeker's own mailbox — is read into a proposal in the caller's inbox,
/// exactly as a message posted to `POST /v1/inbox`; nothing is logged
/// until the proposal is accepted. The address holds a secret token: keep
/// it private, rotate it when it leaks. A read-only API key may read it.
/// A deployment that receives no mail (no `--inbound-domain`) answers 404.
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The address (made now on the first call).", body = InboundAddress),
        (status = 404, description = "This deployment receives no mail.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/v1/inbox/address")]
pub async fn get_address(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    let domain = configured(&state)?.domain.clone();
    let seeker = caller.user.id;
    let id = seeker.clone();
    let found = read(&state, move |_, conn| Ok(addresses::find(conn, &id)?)).await?;
    let row = match found {
        Some(row) => row,
        None => {
            let token = inbound::generate_token()?;
            let now = crate::views::now().naive_utc();
            write(&state, move |_, conn| {
                Ok(addresses::ensure(conn, &seeker, &token, now)?)
            })
            .await?
        }
    };
    Ok(HttpResponse::Ok()
        .insert_header(no_store())
        .json(address_view(row, &domain)))
}

/// Rotate the caller's personal address: a new token, and the old address
/// stops delivering at once.
///
/// Mail still sent to the old address is accepted from the provider and
/// dropped. An account without an address yet gets its first.
#[utoipa::path(
    tag = "inbox",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new address.", body = InboundAddress),
        (status = 403, description = "A read-only API key.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "This deployment receives no mail.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/inbox/address/rotate")]
pub async fn rotate_address(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require_write()?;
    let domain = configured(&state)?.domain.clone();
    let seeker = caller.user.id;
    let token = inbound::generate_token()?;
    let now = crate::views::now().naive_utc();
    let row = write(&state, move |_, conn| {
        Ok(addresses::rotate(conn, &seeker, &token, now)?)
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(no_store())
        .json(address_view(row, &domain)))
}

/// Receive mail from a mail provider: each message goes to the inbox of the
/// personal address it was sent to.
///
/// For the deployment's mail provider, not for people: authenticate with
/// the inbound secret (`--inbound-secret`) as `Authorization: Bearer
/// <secret>` or as the HTTP Basic password (`https://inbound:<secret>@host/v1/inbox/inbound`).
/// Four bodies are read: the raw message (`message/rfc822`, recipients in
/// `?to=` or its own headers), SendGrid's Inbound Parse with the raw message
/// and Mailgun's MIME forward (`multipart/form-data` or
/// `application/x-www-form-urlencoded`), Postmark's inbound JSON with the
/// raw message, and `{"raw" | "raw_base64", "to"}`. Recipients: the first
/// of `?to=`, the envelope the provider reports, the recipient headers it
/// copied, the message's `Delivered-To`/`X-Original-To`, its `To`/`Cc` that
/// names `in+<token>@<inbound domain>` decides; each such address gets its
/// own proposal, other addresses are ignored. The answer is **200** (the
/// only success every provider takes) whenever the message was read, even
/// when no address is known (`dropped`), so providers do not retry what
/// can never be delivered; the same `Message-ID` again makes no second
/// proposal. A 503 (the database) is worth a retry, a 4xx is not.
#[utoipa::path(
    tag = "inbox",
    security(("inbound_secret" = []), ("inbound_basic" = [])),
    params(InboundParams),
    request_body(
        description = "The message, up to 10 MiB, in one of four forms (the request up to 30 MiB).",
        content(
            (InboundRawMessage = "message/rfc822"),
            (InboundForm = "multipart/form-data"),
            (InboundForm = "application/x-www-form-urlencoded"),
            (InboundJson = "application/json"),
        )
    ),
    responses(
        (status = 200, description = "Read: the inboxes it went to and the recipients dropped.", body = InboundReceipt),
        (status = 400, description = "Malformed JSON, multipart or form body.", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "No inbound secret, or not this deployment's.", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "This deployment receives no mail.", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The request is over 30 MiB, or the message over 10 MiB.", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not one of the four media types.", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No message in the body (`email`, `RawEmail`, `raw`, …), or not an e-mail message (`body`), or a bad `to`.", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/v1/inbox/inbound")]
pub async fn receive_mail(
    state: web::Data<AppState>,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let config = configured(&state)?.clone();
    if let Err(err) = inbound::check_secret(&req, &config.secret) {
        let mut response = err.error_response();
        response.headers_mut().append(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static(BASIC_CHALLENGE),
        );
        return Ok(response);
    }
    let form = Form::of(&req)?;
    let body = BodySize::of(&req).read(payload.into_inner()).await?;
    let params: InboundParams = crate::extract::parse_query(req.query_string())?;
    let to = params.to.unwrap_or_default();
    let domain = config.domain.clone();
    let posted = web::block(move || inbound::read_posted(&form, &body, &to, &domain)).await??;
    // Not a message (or over 10 MiB): refused whoever it is for.
    intake::parse(posted.raw.clone(), None).await?;
    let tokens: Vec<String> = posted
        .recipients
        .iter()
        .filter_map(|r| inbound::token_of(r))
        .map(str::to_owned)
        .collect();
    let routes = read(&state, move |_, conn| {
        Ok(addresses::seekers_of(conn, &tokens)?)
    })
    .await?;
    let now = crate::views::now();
    let mut receipt = InboundReceipt::default();
    for recipient in posted.recipients {
        let seeker = inbound::token_of(&recipient).and_then(|token| {
            routes
                .iter()
                .find(|(known, _)| known == token)
                .map(|(_, seeker)| seeker.clone())
        });
        match seeker {
            Some(seeker) => {
                let (created, proposal) =
                    intake::ingest(&state, seeker, posted.raw.clone(), now).await?;
                receipt.delivered.push(InboundDelivery {
                    recipient,
                    proposal_id: proposal.id,
                    created,
                });
            }
            None => receipt.dropped.push(InboundDropped {
                recipient,
                reason: DropReason::UnknownAddress,
            }),
        }
    }
    Ok(HttpResponse::Ok().json(receipt))
}
