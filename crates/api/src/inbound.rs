//! Mail that arrives at a personal address (docs/inbox.md, "Receiving mail
//! at a personal address"): the address tokens, the shared secret mail
//! providers authenticate with, and reading what they post to
//! `POST /v1/inbox/inbound` — a raw message, SendGrid's or Mailgun's form,
//! Postmark's JSON or a plain JSON object — into the message and the
//! recipients it is for. No I/O: the route stores and reads.

use actix_web::HttpRequest;
use actix_web::http::header;
use actix_web::web::Bytes;
use base64::Engine as _;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::{DecodePaddingMode, general_purpose};
use serde_json::Value;
use sha2::{Digest as _, Sha256};

use crate::error::ApiError;
use crate::error::FieldCode;
use crate::state::Secret;

/// The path mail providers post to; its body limit is
/// [`MAX_INBOUND_BYTES`], not the server's JSON limit.
pub const INBOUND_PATH: &str = "/v1/inbox/inbound";

/// The largest body `POST /v1/inbox/inbound` reads: three times the largest
/// message ([`followup_inbox::MAX_MESSAGE_BYTES`], 10 MiB), because the
/// providers' forms carry the message beside copies of its parts (Postmark
/// sends the attachments again in base64, a JSON `raw_base64` is a third
/// longer). The message itself is still refused over 10 MiB.
pub const MAX_INBOUND_BYTES: usize = 3 * followup_inbox::MAX_MESSAGE_BYTES;

/// Every personal address is `in+<token>@<domain>`.
pub const LOCAL_PREFIX: &str = "in+";

/// Characters in a token: 26 of base32's lower-case alphabet, 130 bits.
pub const TOKEN_CHARS: usize = 26;

/// RFC 4648's base32 alphabet, lower case: safe in a mail address, in a
/// URL, and through systems that fold the case of local parts.
const TOKEN_ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// Multipart forms with more parts than this are refused (SendGrid's has
/// about twenty fields and one per attachment).
const MAX_PARTS: usize = 1000;

/// A new random token.
pub fn generate_token() -> Result<String, ApiError> {
    let mut bytes = [0u8; TOKEN_CHARS];
    getrandom::fill(&mut bytes)
        .map_err(|e| ApiError::Internal(format!("no randomness: {e}").into()))?;
    Ok(bytes
        .iter()
        .map(|b| char::from(TOKEN_ALPHABET[usize::from(b & 31)]))
        .collect())
}

/// The address of a token.
pub fn address(token: &str, domain: &str) -> String {
    format!("{LOCAL_PREFIX}{token}@{domain}")
}

/// A domain as configured or as written in an address: lower case, without
/// surrounding spaces or a trailing dot.
pub fn normalize_domain(domain: &str) -> String {
    domain.trim().trim_end_matches('.').to_ascii_lowercase()
}

/// Whether `domain` can be an inbound domain: a host name of at least two
/// labels, letters, digits and hyphens.
pub fn is_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    domain.len() <= 253
        && labels.len() >= 2
        && labels.iter().all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// Compares secrets in time that does not depend on where they differ: the
/// SHA-256 digests are compared whole (which also hides the length).
fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    let given = Sha256::digest(given);
    let expected = Sha256::digest(expected);
    given
        .iter()
        .zip(expected.iter())
        .fold(0u8, |differ, (a, b)| differ | (a ^ b))
        == 0
}

/// Checks the deployment's shared secret: `Authorization: Bearer <secret>`,
/// or HTTP Basic with the secret as the password (any user name), which is
/// what providers send for credentials written in the URL
/// (`https://inbound:<secret>@host/v1/inbox/inbound`).
pub fn check_secret(req: &HttpRequest, secret: &Secret) -> Result<(), ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Err(ApiError::Unauthenticated);
    };
    let refused = || {
        ApiError::Unauthorized(
            crate::error::ProblemCode::InvalidCredentials,
            "send the inbound secret as `Authorization: Bearer <secret>` or as the Basic \
             password"
                .to_owned(),
        )
    };
    let value = value.to_str().map_err(|_| refused())?;
    let (scheme, credential) = value.trim().split_once(' ').ok_or_else(refused)?;
    let credential = credential.trim();
    let given: Vec<u8> = if scheme.eq_ignore_ascii_case("bearer") {
        credential.as_bytes().to_vec()
    } else if scheme.eq_ignore_ascii_case("basic") {
        let decoded = general_purpose::STANDARD
            .decode(credential)
            .map_err(|_| refused())?;
        let colon = decoded
            .iter()
            .position(|&b| b == b':')
            .ok_or_else(refused)?;
        decoded.get(colon + 1..).unwrap_or_default().to_vec()
    } else {
        return Err(refused());
    };
    if same_secret(&given, secret.expose()) {
        Ok(())
    } else {
        Err(ApiError::Unauthorized(
            crate::error::ProblemCode::InvalidCredentials,
            "the inbound secret is not this deployment's".to_owned(),
        ))
    }
}

/// The media types `POST /v1/inbox/inbound` reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Form {
    /// `message/rfc822`: the raw message.
    Raw,
    /// `multipart/form-data`: SendGrid's Inbound Parse (raw), Mailgun's MIME
    /// forward.
    Multipart {
        /// The parts' boundary.
        boundary: String,
    },
    /// `application/x-www-form-urlencoded`: the same fields, without files.
    UrlEncoded,
    /// `application/json`: Postmark's inbound JSON, or `{raw | raw_base64, to}`.
    Json,
}

impl Form {
    /// The form of a request's body; 415 for any other media type.
    pub fn of(req: &HttpRequest) -> Result<Self, ApiError> {
        let unsupported = || {
            ApiError::UnsupportedMediaType(
                "send message/rfc822, multipart/form-data, application/x-www-form-urlencoded \
                 or application/json"
                    .to_owned(),
            )
        };
        let content_type = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(unsupported)?;
        let (essence, params) = content_type.split_once(';').unwrap_or((content_type, ""));
        match essence.trim().to_ascii_lowercase().as_str() {
            crate::intake::RFC822 => Ok(Self::Raw),
            "application/x-www-form-urlencoded" => Ok(Self::UrlEncoded),
            "application/json" => Ok(Self::Json),
            "multipart/form-data" => {
                let boundary = parameter(params, "boundary")
                    .filter(|b| !b.is_empty() && b.len() <= 200)
                    .ok_or_else(|| {
                        ApiError::BadRequest(
                            crate::error::ProblemCode::BadRequest,
                            "multipart/form-data without a usable boundary".to_owned(),
                        )
                    })?;
                Ok(Self::Multipart { boundary })
            }
            _ => Err(unsupported()),
        }
    }
}

/// A message a provider posted and the addresses at the inbound domain it
/// is for (lower case, each once, in the order given).
#[derive(Debug, Clone)]
pub struct Posted {
    /// The raw message.
    pub raw: Bytes,
    /// Its recipients at the inbound domain.
    pub recipients: Vec<String>,
}

/// Where a form says a message goes: the envelope's recipients (what the
/// provider received the message for), then the recipient headers it
/// copied. Either may be empty.
#[derive(Debug, Default)]
struct Named {
    envelope: Vec<String>,
    headers: Vec<String>,
}

/// Reads a posted body into the message and its recipients at `domain`.
/// The first source that names an address at `domain` decides: the `to`
/// query parameters, then the envelope the provider reports (SendGrid's
/// `envelope.to`, Mailgun's `recipient`, Postmark's `OriginalRecipient`, a
/// JSON `to`), then the recipient fields it copied from the headers
/// (SendGrid's `to` and `cc`, Postmark's `To`, `Cc`, `Bcc`), then the
/// message's own `Delivered-To` and `X-Original-To` headers, then its `To`
/// and `Cc`.
pub fn read_posted(
    form: &Form,
    body: &Bytes,
    query_to: &[String],
    domain: &str,
) -> Result<Posted, ApiError> {
    let (raw, named) = match form {
        Form::Raw => (body.clone(), Named::default()),
        Form::Multipart { boundary } => from_fields(multipart(body, boundary)?)?,
        Form::UrlEncoded => {
            let pairs: Vec<(String, String)> = serde_html_form::from_bytes(body).map_err(|e| {
                ApiError::BadRequest(
                    crate::error::ProblemCode::BadRequest,
                    format!("the form could not be read: {e}"),
                )
            })?;
            from_fields(
                pairs
                    .into_iter()
                    .map(|(name, value)| (name, Bytes::from(value.into_bytes())))
                    .collect(),
            )?
        }
        Form::Json => from_json(body)?,
    };
    let ours = |texts: &[String]| -> Vec<String> {
        let mut found = Vec::new();
        for text in texts {
            for address in addresses_in(text) {
                if let Some(address) = at_domain(&address, domain)
                    && !found.contains(&address)
                {
                    found.push(address);
                }
            }
        }
        found
    };
    let mut recipients = ours(query_to);
    if recipients.is_empty() {
        recipients = ours(&named.envelope);
    }
    if recipients.is_empty() {
        recipients = ours(&named.headers);
    }
    if recipients.is_empty() {
        recipients = ours(&header_values(&raw, &["delivered-to", "x-original-to"]));
    }
    if recipients.is_empty() {
        recipients = ours(&header_values(&raw, &["to", "cc"]));
    }
    Ok(Posted { raw, recipients })
}

/// The token of an address at the inbound domain (`in+<token>@…`, as
/// [`read_posted`] lists them); `None` for any other local part.
pub fn token_of(address: &str) -> Option<&str> {
    let (local, _) = address.rsplit_once('@')?;
    let token = local.strip_prefix(LOCAL_PREFIX)?;
    (!token.is_empty() && token.len() <= 64 && token.bytes().all(|b| b.is_ascii_alphanumeric()))
        .then_some(token)
}

/// `address` in lower case when it is at `domain`.
fn at_domain(address: &str, domain: &str) -> Option<String> {
    let (local, at) = address.rsplit_once('@')?;
    (!local.is_empty() && normalize_domain(at) == domain)
        .then(|| format!("{}@{domain}", local.to_ascii_lowercase()))
}

/// The addresses in a recipient list (`Ann <a@x>, "B, C" <b@y>; c@z`):
/// every word with an `@`.
fn addresses_in(text: &str) -> Vec<String> {
    text.split(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | '<' | '>' | '"' | '(' | ')' | '[' | ']')
    })
    .map(|word| {
        let word = word.trim_end_matches('.');
        word.strip_prefix("mailto:").unwrap_or(word)
    })
    .filter(|word| word.contains('@') && word.len() <= 320)
    .map(str::to_owned)
    .collect()
}

/// The values of the named headers (lower-case names) in the message's
/// header block, unfolded.
fn header_values(raw: &[u8], names: &[&str]) -> Vec<String> {
    let mut values: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    for line in raw.split(|&b| b == b'\n') {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.is_empty() {
            break;
        }
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            if let Some(value) = current.as_mut() {
                value.push(' ');
                value.push_str(String::from_utf8_lossy(line).trim());
            }
            continue;
        }
        values.extend(current.take());
        let Some(colon) = line.iter().position(|&b| b == b':') else {
            continue;
        };
        let (name, value) = line.split_at(colon);
        let name = String::from_utf8_lossy(name).trim().to_ascii_lowercase();
        if names.contains(&name.as_str()) {
            let value = value.get(1..).unwrap_or_default();
            current = Some(String::from_utf8_lossy(value).trim().to_owned());
        }
    }
    values.extend(current);
    values
}

/// The message and the recipients of SendGrid's and Mailgun's forms.
fn from_fields(fields: Vec<(String, Bytes)>) -> Result<(Bytes, Named), ApiError> {
    let field = |name: &str| {
        fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.clone())
    };
    let text = |value: Bytes| String::from_utf8_lossy(&value).into_owned();
    let raw = field("body-mime")
        .or_else(|| field("email"))
        .or_else(|| field("raw"))
        .ok_or_else(|| {
            ApiError::invalid(
                "email",
                FieldCode::Required,
                "no raw message in the form: SendGrid sends it as `email` when \"POST the raw, \
                 full MIME message\" is on, Mailgun as `body-mime` when the route forwards to \
                 a URL ending in `mime`",
            )
        })?;
    let mut named = Named::default();
    if let Some(envelope) = field("envelope") {
        // SendGrid: {"to": ["…"], "from": "…"}.
        if let Ok(Value::Object(envelope)) = serde_json::from_slice::<Value>(&envelope) {
            named.envelope.extend(strings(envelope.get("to")));
        }
    }
    named.envelope.extend(field("recipient").map(text));
    for name in ["to", "cc"] {
        named.headers.extend(field(name).map(text));
    }
    Ok((raw, named))
}

/// The strings of a JSON string or array of strings.
fn strings(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(s.clone()),
                // Postmark's ToFull: [{"Email": "…", "Name": "…"}].
                Value::Object(o) => o.get("Email").and_then(Value::as_str).map(str::to_owned),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Postmark's inbound JSON marks itself with these keys.
const POSTMARK_KEYS: &[&str] = &[
    "RawEmail",
    "OriginalRecipient",
    "FromFull",
    "ToFull",
    "MessageID",
    "MessageStream",
];

/// The message and the recipients of Postmark's JSON or the plain form.
fn from_json(body: &[u8]) -> Result<(Bytes, Named), ApiError> {
    let value: Value =
        serde_json::from_slice(body).map_err(|e| crate::extract::syntax_error(&e))?;
    let Value::Object(object) = value else {
        return Err(ApiError::Validation(vec![crate::extract::not_an_object()]));
    };
    let text = |name: &str| object.get(name).and_then(Value::as_str);
    let mut named = Named::default();
    if POSTMARK_KEYS.iter().any(|k| object.contains_key(*k)) {
        let raw = text("RawEmail").ok_or_else(|| {
            ApiError::invalid(
                "RawEmail",
                FieldCode::Required,
                "Postmark sends the raw message only with \"Include raw email content in JSON \
                 payload\" on in the inbound stream's settings",
            )
        })?;
        named
            .envelope
            .extend(text("OriginalRecipient").map(str::to_owned));
        for name in ["ToFull", "CcFull", "BccFull", "To", "Cc", "Bcc"] {
            named.headers.extend(strings(object.get(name)));
        }
        return Ok((Bytes::from(raw.to_owned().into_bytes()), named));
    }
    let raw = match (object.get("raw"), object.get("raw_base64")) {
        (Some(Value::String(raw)), None) => Bytes::from(raw.clone().into_bytes()),
        (None, Some(Value::String(encoded))) => Bytes::from(decode_base64(encoded)?),
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid(
                "raw",
                FieldCode::NotAllowed,
                "send either `raw` or `raw_base64`, not both",
            ));
        }
        (Some(_), None) => return Err(ApiError::Validation(vec![wrong_type("raw", "string")])),
        (None, Some(_)) => {
            return Err(ApiError::Validation(vec![wrong_type(
                "raw_base64",
                "string",
            )]));
        }
        (None, None) => {
            return Err(ApiError::invalid(
                "raw",
                FieldCode::Required,
                "the message is missing: send it as `raw` (text) or `raw_base64`",
            ));
        }
    };
    match object.get("to") {
        None | Some(Value::Null | Value::String(_) | Value::Array(_)) => {}
        Some(_) => {
            return Err(ApiError::invalid(
                "to",
                FieldCode::WrongType,
                "must be an address or a list of addresses",
            ));
        }
    }
    named.envelope.extend(strings(object.get("to")));
    Ok((raw, named))
}

/// Base64 as people send it: standard or URL-safe alphabet, padded or not,
/// wrapped in lines or not.
fn decode_base64(encoded: &str) -> Result<Vec<u8>, ApiError> {
    let compact: String = encoded.chars().filter(|c| !c.is_whitespace()).collect();
    let config =
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
    GeneralPurpose::new(&base64::alphabet::STANDARD, config)
        .decode(&compact)
        .or_else(|_| GeneralPurpose::new(&base64::alphabet::URL_SAFE, config).decode(&compact))
        .map_err(|e| {
            ApiError::Validation(vec![
                crate::error::FieldError::new(
                    "raw_base64",
                    FieldCode::InvalidFormat,
                    format!("is not base64: {e}"),
                )
                .with("format", "base64"),
            ])
        })
}

fn wrong_type(field: &str, expected: &str) -> crate::error::FieldError {
    crate::extract::wrong_type(field, expected)
}

/// A parameter of a header value (`boundary` of a Content-Type, `name` of a
/// Content-Disposition), unquoted.
fn parameter(params: &str, wanted: &str) -> Option<String> {
    let mut rest = params;
    loop {
        rest = rest.trim_start_matches([';', ' ', '\t']);
        if rest.is_empty() {
            return None;
        }
        let eq = rest.find('=');
        let semi = rest.find(';');
        let Some(eq) = eq.filter(|&e| semi.is_none_or(|s| e < s)) else {
            // A parameter without a value (`form-data`).
            rest = semi.map_or("", |s| rest.get(s..).unwrap_or_default());
            continue;
        };
        let name = rest.get(..eq).unwrap_or_default().trim();
        let after = rest.get(eq + 1..).unwrap_or_default().trim_start();
        let (value, remainder) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, escaped)) = chars.next() {
                            value.push(escaped);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => value.push(c),
                }
            }
            (value, quoted.get(end..).unwrap_or_default())
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (
                after.get(..end).unwrap_or_default().trim().to_owned(),
                after.get(end..).unwrap_or_default(),
            )
        };
        if name.eq_ignore_ascii_case(wanted) {
            return Some(value);
        }
        rest = remainder;
    }
}

/// Where `needle` next occurs in `haystack` at or after `from`.
fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let first = *needle.first()?;
    let mut at = from;
    while let Some(rest) = haystack.get(at..) {
        let offset = rest.iter().position(|&b| b == first)?;
        let start = at + offset;
        if haystack.get(start..start + needle.len()) == Some(needle) {
            return Some(start);
        }
        at = start + 1;
    }
    None
}

/// The named fields of a `multipart/form-data` body (RFC 7578), values as
/// bytes. Lines may end in CRLF or LF.
fn multipart(body: &Bytes, boundary: &str) -> Result<Vec<(String, Bytes)>, ApiError> {
    let malformed = |why: &str| {
        ApiError::BadRequest(
            crate::error::ProblemCode::BadRequest,
            format!("the multipart body {why}"),
        )
    };
    let delimiter = format!("--{boundary}");
    let between = format!("\n--{boundary}");
    let mut at = if body.starts_with(delimiter.as_bytes()) {
        0
    } else {
        find(body, between.as_bytes(), 0)
            .ok_or_else(|| malformed("has no part with its boundary"))?
            + 1
    };
    let mut fields = Vec::new();
    loop {
        let after = at + delimiter.len();
        if body.get(after..after + 2) == Some(&b"--"[..]) {
            return Ok(fields);
        }
        if fields.len() >= MAX_PARTS {
            return Err(ApiError::Validation(vec![
                crate::error::FieldError::too_many("body", MAX_PARTS, "form fields")
                    .with("items", "form fields"),
            ]));
        }
        let line_end = find(body, b"\n", after).ok_or_else(|| malformed("ends in a boundary"))?;
        // The part's headers, up to an empty line.
        let mut cursor = line_end + 1;
        let mut name = None;
        let mut last_header: Option<String> = None;
        let content_start = loop {
            let end =
                find(body, b"\n", cursor).ok_or_else(|| malformed("ends in a part's headers"))?;
            let line = body.get(cursor..end).unwrap_or_default();
            let line = line.strip_suffix(b"\r").unwrap_or(line);
            cursor = end + 1;
            if line.is_empty() {
                break cursor;
            }
            let line = String::from_utf8_lossy(line);
            let header = if line.starts_with([' ', '\t']) {
                // A folded line continues the previous header.
                match last_header.take() {
                    Some(previous) => format!("{previous} {}", line.trim()),
                    None => continue,
                }
            } else {
                line.into_owned()
            };
            if let Some((key, value)) = header.split_once(':')
                && key.trim().eq_ignore_ascii_case("content-disposition")
            {
                name = parameter(value, "name");
            }
            last_header = Some(header);
        };
        let next = find(body, between.as_bytes(), content_start.saturating_sub(1))
            .ok_or_else(|| malformed("has no closing boundary"))?;
        let next = next.max(content_start.saturating_sub(1));
        let mut content_end = next;
        if content_end > content_start && body.get(content_end - 1) == Some(&b'\r') {
            content_end -= 1;
        }
        if let Some(name) = name {
            fields.push((
                name,
                body.slice(content_start..content_end.max(content_start)),
            ));
        }
        at = next + 1;
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    const DOMAIN: &str = "in.followup.example";

    fn secret() -> Secret {
        Secret::new("s3cret-s3cret-s3cret-s3cret-s3cret")
    }

    #[test]
    fn tokens_are_random_lower_case_base32() {
        let a = generate_token().unwrap();
        let b = generate_token().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), TOKEN_CHARS);
        assert!(a.bytes().all(|c| TOKEN_ALPHABET.contains(&c)), "{a}");
        assert_eq!(
            token_of(&address(&a, DOMAIN)),
            Some(a.as_str()),
            "an address gives its token back"
        );
        assert_eq!(token_of("in+@x.example"), None);
        assert_eq!(token_of("other@x.example"), None);
        assert_eq!(token_of("in+a.b@x.example"), None);
    }

    #[test]
    fn domains_are_checked_and_normalized() {
        assert_eq!(normalize_domain(" In.Followup.Example. "), DOMAIN);
        assert!(is_domain(DOMAIN));
        for bad in ["localhost", "a..b", "-a.b", "a b.c", "x@y.z", ""] {
            assert!(!is_domain(bad), "{bad}");
        }
    }

    #[test]
    fn the_secret_is_read_from_bearer_or_basic() {
        let basic =
            |user_pass: &str| format!("Basic {}", general_purpose::STANDARD.encode(user_pass));
        let ok = [
            "Bearer s3cret-s3cret-s3cret-s3cret-s3cret".to_owned(),
            "bearer  s3cret-s3cret-s3cret-s3cret-s3cret ".to_owned(),
            basic("inbound:s3cret-s3cret-s3cret-s3cret-s3cret"),
            basic(":s3cret-s3cret-s3cret-s3cret-s3cret"),
        ];
        for value in ok {
            let req = TestRequest::default()
                .insert_header((header::AUTHORIZATION, value.as_str()))
                .to_http_request();
            assert!(check_secret(&req, &secret()).is_ok(), "{value}");
        }
        let refused = [
            "Bearer s3cret".to_owned(),
            basic("s3cret-s3cret-s3cret-s3cret-s3cret:"),
            basic("no colon"),
            "Basic !!!".to_owned(),
            "Digest x".to_owned(),
            "Bearer".to_owned(),
        ];
        for value in refused {
            let req = TestRequest::default()
                .insert_header((header::AUTHORIZATION, value.as_str()))
                .to_http_request();
            assert!(
                matches!(
                    check_secret(&req, &secret()),
                    Err(ApiError::Unauthorized(..))
                ),
                "{value}"
            );
        }
        let none = TestRequest::default().to_http_request();
        assert!(matches!(
            check_secret(&none, &secret()),
            Err(ApiError::Unauthenticated)
        ));
    }

    #[test]
    fn media_types_pick_the_form() {
        let of = |content_type: &str| {
            Form::of(
                &TestRequest::default()
                    .insert_header((header::CONTENT_TYPE, content_type))
                    .to_http_request(),
            )
        };
        assert_eq!(of("message/RFC822").unwrap(), Form::Raw);
        assert_eq!(of("application/json; charset=utf-8").unwrap(), Form::Json);
        assert_eq!(
            of("multipart/form-data; boundary=\"a b\"").unwrap(),
            Form::Multipart {
                boundary: "a b".to_owned()
            }
        );
        assert!(matches!(
            of("multipart/form-data"),
            Err(ApiError::BadRequest(..))
        ));
        assert!(matches!(
            of("text/plain"),
            Err(ApiError::UnsupportedMediaType(_))
        ));
        assert!(matches!(
            Form::of(&TestRequest::default().to_http_request()),
            Err(ApiError::UnsupportedMediaType(_))
        ));
    }

    const MESSAGE: &str = "Delivered-To: someone@gmail.com\r\nTo: Jane <jane@gmail.com>,\r\n \
                           IN+AbC@In.Followup.Example\r\nCc: in+def@in.followup.example\r\n\
                           Subject: hi\r\n\r\nTo: in+body@in.followup.example\r\n";

    fn posted(form: &Form, body: &[u8], to: &[&str]) -> Result<Posted, ApiError> {
        let to: Vec<String> = to.iter().map(|s| (*s).to_owned()).collect();
        read_posted(form, &Bytes::copy_from_slice(body), &to, DOMAIN)
    }

    #[test]
    fn a_raw_message_goes_to_the_query_or_its_headers() {
        let header = posted(&Form::Raw, MESSAGE.as_bytes(), &[]).unwrap();
        assert_eq!(header.raw, MESSAGE.as_bytes());
        assert_eq!(
            header.recipients,
            ["in+abc@in.followup.example", "in+def@in.followup.example"]
        );
        let query = posted(
            &Form::Raw,
            MESSAGE.as_bytes(),
            &["in+xyz@IN.followup.example.", "other@example.com"],
        )
        .unwrap();
        assert_eq!(query.recipients, ["in+xyz@in.followup.example"]);
        let delivered = format!("X-Original-To: in+orig@in.followup.example\r\n{MESSAGE}");
        let delivered = posted(&Form::Raw, delivered.as_bytes(), &[]).unwrap();
        assert_eq!(delivered.recipients, ["in+orig@in.followup.example"]);
        let nobody = posted(&Form::Raw, b"To: a@b.example\r\n\r\nx", &[]).unwrap();
        assert!(nobody.recipients.is_empty());
    }

    fn multipart_body(boundary: &str, fields: &[(&str, &str)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
                )
                .as_bytes(),
            );
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        body
    }

    #[test]
    fn sendgrid_and_mailgun_forms_give_the_message_and_the_envelope() {
        let boundary = "xYzZY";
        let sendgrid = multipart_body(
            boundary,
            &[
                ("to", "Jane <in+header@in.followup.example>"),
                ("email", MESSAGE),
                (
                    "envelope",
                    r#"{"to":["in+env@in.followup.example"],"from":"a@b.example"}"#,
                ),
                ("subject", "hi"),
            ],
        );
        let form = Form::Multipart {
            boundary: boundary.to_owned(),
        };
        let read = posted(&form, &sendgrid, &[]).unwrap();
        assert_eq!(read.raw, MESSAGE.as_bytes());
        assert_eq!(read.recipients, ["in+env@in.followup.example"]);

        let mailgun = multipart_body(
            boundary,
            &[
                ("recipient", "in+mg@in.followup.example"),
                ("sender", "a@b.example"),
                ("body-mime", MESSAGE),
            ],
        );
        let read = posted(&form, &mailgun, &[]).unwrap();
        assert_eq!(read.raw, MESSAGE.as_bytes());
        assert_eq!(read.recipients, ["in+mg@in.followup.example"]);

        let urlencoded = format!(
            "recipient=in%2Bform%40in.followup.example&body-mime={}",
            MESSAGE
                .bytes()
                .map(|b| format!("%{b:02X}"))
                .collect::<String>()
        );
        let read = posted(&Form::UrlEncoded, urlencoded.as_bytes(), &[]).unwrap();
        assert_eq!(read.raw, MESSAGE.as_bytes());
        assert_eq!(read.recipients, ["in+form@in.followup.example"]);

        let no_raw = multipart_body(boundary, &[("to", "in+a@in.followup.example")]);
        let err = posted(&form, &no_raw, &[]).unwrap_err();
        assert!(
            matches!(err, ApiError::Validation(ref e) if e[0].field == "email"),
            "{err:?}"
        );
    }

    #[test]
    fn multipart_bodies_are_read_carefully() {
        let form = |b: &str| Form::Multipart {
            boundary: b.to_owned(),
        };
        // LF line ends, a preamble, a filename, a folded header and an
        // empty value.
        let body = b"preamble\n--b\nContent-Disposition: form-data;\n name=\"email\"; filename=\"m.eml\"\nContent-Type: message/rfc822\n\nTo: x@y.example\n\nhi\n--b\nContent-Disposition: form-data; name=\"to\"\n\n\n--b--\n";
        let read = posted(&form("b"), body, &["in+q@in.followup.example"]).unwrap();
        assert_eq!(read.raw, &b"To: x@y.example\n\nhi"[..]);
        for broken in [
            &b""[..],
            b"--b\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nno end",
            b"--b\r\nContent-Disposition: form-data; name=\"email\"",
            b"--b",
            b"no boundary at all",
        ] {
            let err = posted(&form("b"), broken, &[]).unwrap_err();
            assert!(
                matches!(err, ApiError::BadRequest(..)),
                "{}: {err:?}",
                String::from_utf8_lossy(broken)
            );
        }
    }

    #[test]
    fn postmark_and_plain_json_give_the_message_and_the_recipients() {
        let postmark = serde_json::json!({
            "From": "a@b.example",
            "To": "\"Jane\" <in+to@in.followup.example>",
            "ToFull": [{"Email": "in+to@in.followup.example", "Name": "Jane", "MailboxHash": "to"}],
            "OriginalRecipient": "in+orig@in.followup.example",
            "MessageID": "abc",
            "RawEmail": MESSAGE,
        });
        let read = posted(&Form::Json, postmark.to_string().as_bytes(), &[]).unwrap();
        assert_eq!(read.raw, MESSAGE.as_bytes());
        assert_eq!(read.recipients, ["in+orig@in.followup.example"]);
        let without_raw =
            serde_json::json!({"MessageID": "abc", "To": "in+to@in.followup.example"});
        let err = posted(&Form::Json, without_raw.to_string().as_bytes(), &[]).unwrap_err();
        assert!(matches!(err, ApiError::Validation(ref e) if e[0].field == "RawEmail"));

        let plain = serde_json::json!({"raw": MESSAGE, "to": ["in+one@in.followup.example", "in+two@in.followup.example"]});
        let read = posted(&Form::Json, plain.to_string().as_bytes(), &[]).unwrap();
        assert_eq!(
            read.recipients,
            ["in+one@in.followup.example", "in+two@in.followup.example"]
        );
        let encoded = general_purpose::STANDARD.encode(MESSAGE);
        let wrapped: String = encoded
            .as_bytes()
            .chunks(76)
            .map(|c| format!("{}\r\n", String::from_utf8_lossy(c)))
            .collect();
        let plain = serde_json::json!({"raw_base64": wrapped.trim_end_matches(['\r', '\n', '=']), "to": "in+b@in.followup.example"});
        let read = posted(&Form::Json, plain.to_string().as_bytes(), &[]).unwrap();
        assert_eq!(read.raw, MESSAGE.as_bytes());
        assert_eq!(read.recipients, ["in+b@in.followup.example"]);

        for (body, field) in [
            (serde_json::json!({}), "raw"),
            (serde_json::json!({"raw": "x", "raw_base64": "eA=="}), "raw"),
            (serde_json::json!({"raw": 3}), "raw"),
            (serde_json::json!({"raw_base64": "***"}), "raw_base64"),
            (serde_json::json!({"raw": "x", "to": 3}), "to"),
            (serde_json::json!([1]), "body"),
        ] {
            let err = posted(&Form::Json, body.to_string().as_bytes(), &[]).unwrap_err();
            assert!(
                matches!(err, ApiError::Validation(ref e) if e[0].field == field),
                "{body}: {err:?}"
            );
        }
        assert!(matches!(
            posted(&Form::Json, b"{", &[]),
            Err(ApiError::BadRequest(..))
        ));
    }

    #[test]
    fn the_secret_comparison_tells_only_equal_from_different() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"abc"));
    }
}
