//! The morning digest by e-mail (docs/digest.md): the mail server, the
//! seeker's settings and their verification, and the worker's pass that
//! sends each day's digest at most once.

pub mod mail;
pub mod worker;

use std::time::{Duration as StdDuration, SystemTime};

use chrono::{DateTime, Duration, NaiveTime, Utc};
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

use followup_store::digest::DigestSettingsRow;
use followup_store::users::UserRow;

use crate::auth::{generate_token, sha256_hex};
use crate::error::ApiError;

/// How long a verification link works.
pub const VERIFICATION_TTL_HOURS: i64 = 72;
/// The shortest time between two verification e-mails to one account.
pub const VERIFICATION_RESEND_SECONDS: i64 = 60;
/// How long one SMTP exchange may take.
const SMTP_TIMEOUT: StdDuration = StdDuration::from_secs(20);

/// The deployment's outgoing mail: the SMTP server, the sender and the
/// public URL the links in the e-mails are built on.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    public_url: String,
    /// The host part of Message-IDs: the sender's domain.
    domain: String,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("from", &self.from.to_string())
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The mail server took nothing (it could not be reached, or answered
    /// 4xx, "try again later"): sending again cannot make a duplicate.
    Retry(String),
    /// The server refused the message for good, or the exchange broke off
    /// where the server may have taken it: not sent again.
    Failed(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Retry(cause) | Self::Failed(cause) => f.write_str(cause),
        }
    }
}

impl Mailer {
    /// The mailer of `--smtp-url`, `--smtp-from` and `--public-url`;
    /// `Err` says which is wrong.
    pub fn new(smtp_url: &str, from: &str, public_url: &str) -> Result<Self, String> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .map_err(|e| format!("--smtp-url is not an smtp:// or smtps:// URL: {e}"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        let from: Mailbox = from
            .parse()
            .map_err(|e| format!("--smtp-from is not an address: {e}"))?;
        let domain = from.email.domain().to_owned();
        let public_url = public_url.trim_end_matches('/').to_owned();
        let scheme_ok = public_url.starts_with("https://") || public_url.starts_with("http://");
        if !scheme_ok || public_url.len() <= "https://".len() {
            return Err("--public-url must be the server's http(s) URL as users reach it".into());
        }
        Ok(Self {
            transport,
            from,
            public_url,
            domain,
        })
    }

    /// Whether the public URL is HTTPS (RFC 8058 one-click needs it).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A link to `path_and_query` on the public URL.
    pub fn link(&self, path_and_query: &str) -> String {
        format!("{}{path_and_query}", self.public_url)
    }

    /// The deterministic Message-ID of a seeker's digest of a day: a
    /// receiver that ever got it twice could tell.
    pub fn digest_message_id(&self, seeker_id: &str, date: chrono::NaiveDate) -> String {
        format!("<digest.{date}.{seeker_id}@{}>", self.domain)
    }

    /// Builds a `multipart/alternative` message to `name <email>`.
    fn message(
        &self,
        (name, email): (Option<&str>, &str),
        content: &mail::Content,
        at: DateTime<Utc>,
        message_id: String,
        unsubscribe_url: Option<&str>,
    ) -> Result<Message, SendError> {
        let to = Mailbox::new(
            name.map(str::to_owned),
            email
                .parse()
                .map_err(|e| SendError::Failed(format!("the address: {e}")))?,
        );
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(content.subject.clone())
            .date(SystemTime::from(at))
            .message_id(Some(message_id))
            // RFC 3834: no auto-replies to an automatic message.
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ));
        if let Some(url) = unsubscribe_url {
            // RFC 2369 and RFC 8058: one click, no login.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                content.text.clone(),
                content.html.clone(),
            ))
            .map_err(|e| SendError::Failed(format!("the message does not build: {e}")))
    }

    /// Sends `content` to `user`; returns the Message-ID.
    pub async fn send(
        &self,
        user: &UserRow,
        content: &mail::Content,
        at: DateTime<Utc>,
        message_id: Option<String>,
        unsubscribe_url: Option<&str>,
    ) -> Result<String, SendError> {
        let message_id =
            message_id.unwrap_or_else(|| format!("<{}@{}>", uuid::Uuid::now_v7(), self.domain));
        let to = (Some(user.display_name.as_str()), user.email.as_str());
        let message = self.message(to, content, at, message_id.clone(), unsubscribe_url)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(message_id),
            Err(error) => Err(classify(&error)),
        }
    }

    /// Sends `content` to an address that may have no account yet (an
    /// organization's invitation); returns the Message-ID.
    pub async fn send_to(
        &self,
        name: Option<&str>,
        email: &str,
        content: &mail::Content,
        at: DateTime<Utc>,
    ) -> Result<String, SendError> {
        let message_id = format!("<{}@{}>", uuid::Uuid::now_v7(), self.domain);
        let message = self.message((name, email), content, at, message_id.clone(), None)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(message_id),
            Err(error) => Err(classify(&error)),
        }
    }
}

/// Sorts a failed exchange into what may be tried again (nothing was
/// taken) and what may not.
fn classify(error: &lettre::transport::smtp::Error) -> SendError {
    let cause = error.to_string();
    // A 4xx answer means "not taken, try later"; a refused or failed
    // connection (lettre's "Connection error") means nothing was said.
    if error.is_transient() || cause.starts_with("Connection error") {
        SendError::Retry(cause)
    } else {
        SendError::Failed(cause)
    }
}

/// A new seeker's settings: off, at 08:00, with an unsubscribe token.
pub fn default_settings(
    seeker_id: &str,
    now: DateTime<Utc>,
) -> Result<DigestSettingsRow, ApiError> {
    Ok(DigestSettingsRow {
        seeker_id: seeker_id.to_owned(),
        enabled: false,
        send_at: followup_core::digest::DEFAULT_AT,
        verified_email: None,
        verified_at: None,
        verification_hash: None,
        verification_sent_at: None,
        unsubscribe_token: generate_token("")?,
        updated_at: now.naive_utc(),
    })
}

/// Whether `settings` should get a new verification link now: the digest
/// is on, the account's address is not verified, and no link went out in
/// the last minute. On `true` the caller calls [`issue_verification`].
pub fn wants_verification(
    settings: &DigestSettingsRow,
    user: &UserRow,
    now: DateTime<Utc>,
) -> bool {
    settings.enabled
        && !settings.verified_for(&user.email)
        && settings.verification_sent_at.is_none_or(|sent| {
            now.naive_utc() - sent >= Duration::seconds(VERIFICATION_RESEND_SECONDS)
        })
}

/// Makes a new verification token for `settings` (replacing any earlier
/// link) and returns it; its hash is what is stored.
pub fn issue_verification(
    settings: &mut DigestSettingsRow,
    now: DateTime<Utc>,
) -> Result<String, ApiError> {
    let token = generate_token("")?;
    settings.verification_hash = Some(sha256_hex(&token));
    settings.verification_sent_at = Some(now.naive_utc());
    Ok(token)
}

/// Sends the verification e-mail with `token` to `user`.
pub async fn send_verification(
    mailer: &Mailer,
    user: &UserRow,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(), SendError> {
    let url = mailer.link(&format!("/v1/digest/verify?token={token}"));
    let expires = now + Duration::hours(VERIFICATION_TTL_HOURS);
    let content = mail::verification(&user.display_name, &user.email, &url, expires);
    mailer
        .send(user, &content, now, None, None)
        .await
        .map(|_| ())
}

/// Parses a local send time `HH:MM` (a whole minute before noon).
pub fn parse_send_time(text: &str) -> Result<NaiveTime, String> {
    let at = NaiveTime::parse_from_str(text.trim(), "%H:%M")
        .map_err(|_| format!("{text:?} is not a time of day as HH:MM, e.g. 08:00"))?;
    followup_core::digest::check_send_time(at).map_err(|e| e.to_string())?;
    Ok(at)
}
