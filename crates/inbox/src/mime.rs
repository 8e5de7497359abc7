//! The MIME layer: parses with `mail-parser` and keeps what the reader needs
//! (sender, date, subject, signal headers, the text, calendar parts and
//! attached messages), noting every structural defect on the way.

use std::collections::HashSet;

use chrono::{DateTime, FixedOffset, NaiveDate};
use mail_parser::{Message, MessageParser, MimeHeaders, PartType};

use crate::html;
use crate::text::sanitize;
use crate::{Defect, Mailbox};

/// Multipart levels read before the rest is skipped as hostile.
pub(crate) const MAX_DEPTH: usize = 32;
/// Attached messages unwrapped inside each other at most.
const MAX_ATTACHED_DEPTH: usize = 4;
/// Longest subject or display name handed on, in characters.
pub(crate) const MAX_HEADER_CHARS: usize = 300;

/// One message, outer or attached, as the reader sees it.
#[derive(Debug, Clone, Default)]
pub(crate) struct Mail {
    pub from: Option<Mailbox>,
    pub date: Option<DateTime<FixedOffset>>,
    pub subject: Option<String>,
    pub message_id: Option<String>,
    /// Signal headers: lower-cased name, unfolded raw value.
    pub headers: Vec<(String, String)>,
    /// The body as text (the plain parts, or the HTML parts turned to text),
    /// with its line breaks.
    pub text: String,
    /// The body came from HTML only.
    pub from_html: bool,
    pub calendars: Vec<String>,
    pub attached: Vec<Mail>,
    pub defects: Vec<Defect>,
}

impl Mail {
    /// Values of a header, by lower-case name.
    pub fn header_values(&self, name: &str) -> impl Iterator<Item = &str> {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses raw bytes. `None` when not even a header could be read.
pub(crate) fn parse(raw: &[u8]) -> Option<Mail> {
    let parser = MessageParser::default();
    let message = parser.parse(raw)?;
    if message.root_part().headers().is_empty() {
        return None;
    }
    let mut mail = convert(&message, 0);
    if has_bare_cr(raw) {
        mail.defects.push(Defect::BareCarriageReturn);
    }
    Some(mail)
}

fn convert(message: &Message<'_>, attached_depth: usize) -> Mail {
    let mut mail = Mail::default();
    let raw = message.raw_message();
    let root = message.root_part();

    // Headers: signal headers kept raw; duplicates of key headers noted.
    let mut counts = [0usize; 4];
    for header in root.headers() {
        let name = header.name().to_ascii_lowercase();
        for (i, key) in ["from", "date", "subject", "content-type"]
            .iter()
            .enumerate()
        {
            if name == *key
                && let Some(c) = counts.get_mut(i)
            {
                *c += 1;
            }
        }
        let start = header.offset_start() as usize;
        let end = header.offset_end() as usize;
        let value = raw
            .get(start..end.max(start))
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        let value = value.replace(['\r', '\n'], " ");
        mail.headers.push((name, value.trim().to_owned()));
    }
    for (i, key) in ["From", "Date", "Subject", "Content-Type"]
        .iter()
        .enumerate()
    {
        if counts.get(i).copied().unwrap_or(0) > 1 {
            mail.defects
                .push(Defect::DuplicateHeader((*key).to_owned()));
        }
    }

    if let Some(addr) = message.from().and_then(|a| a.first()) {
        let address = addr.address.as_deref().map(|a| sanitize(a, 254));
        let name = addr.name.as_deref().map(|n| sanitize(n, MAX_HEADER_CHARS));
        if address.as_ref().is_some_and(|a| a.1) || name.as_ref().is_some_and(|n| n.1) {
            mail.defects
                .push(Defect::HeaderInjection("From".to_owned()));
        }
        if name.as_ref().is_some_and(|n| n.0.contains("=?")) {
            mail.defects
                .push(Defect::MalformedEncodedWord("From".to_owned()));
        }
        let address = address
            .map(|a| a.0.to_lowercase())
            .filter(|a| a.contains('@'));
        if let Some(address) = address {
            mail.from = Some(Mailbox {
                address,
                name: name.map(|n| n.0).filter(|n| !n.is_empty()),
            });
        }
    }
    if let Some(subject) = message.subject() {
        let (clean, dirty) = sanitize(subject, MAX_HEADER_CHARS);
        if dirty {
            mail.defects
                .push(Defect::HeaderInjection("Subject".to_owned()));
        }
        if clean.contains("=?") {
            mail.defects
                .push(Defect::MalformedEncodedWord("Subject".to_owned()));
        }
        mail.subject = Some(clean);
    }
    mail.message_id = message
        .message_id()
        .map(|m| sanitize(m, MAX_HEADER_CHARS).0);
    match message.date() {
        Some(d) => {
            mail.date = to_chrono(d);
            if mail.date.is_none() {
                mail.defects.push(Defect::BadDate);
            }
        }
        None => {
            if mail.header_values("date").next().is_some() {
                mail.defects.push(Defect::BadDate);
            }
        }
    }

    // Body: walk the part tree from the root, depth-limited, without recursion.
    let mut plain: Vec<String> = Vec::new();
    let mut htmls: Vec<String> = Vec::new();
    let mut stack: Vec<(u32, usize)> = vec![(0, 0)];
    let mut visited = 0usize;
    let mut closings: Option<HashSet<&[u8]>> = None;
    while let Some((id, depth)) = stack.pop() {
        visited += 1;
        if visited > 10_000 {
            mail.defects.push(Defect::TooManyParts);
            break;
        }
        let Some(part) = message.parts.get(id as usize) else {
            continue;
        };
        if part.is_encoding_problem {
            mail.defects.push(Defect::EncodingProblem);
        }
        let ctype = part
            .content_type()
            .map(|ct| {
                format!(
                    "{}/{}",
                    ct.ctype().to_ascii_lowercase(),
                    ct.subtype().unwrap_or("").to_ascii_lowercase()
                )
            })
            .unwrap_or_else(|| "text/plain".to_owned());
        if let Some(charset) = part.content_type().and_then(|ct| ct.attribute("charset"))
            && part.is_text()
            && mail_parser::decoders::charsets::map::charset_decoder(charset.as_bytes()).is_none()
            && !is_ascii_or_utf8(charset)
        {
            mail.defects
                .push(Defect::UnknownCharset(sanitize(charset, 40).0));
        }
        let attachment = part
            .content_disposition()
            .is_some_and(|d| d.ctype().eq_ignore_ascii_case("attachment"));
        let is_calendar = ctype == "text/calendar"
            || ctype == "application/ics"
            || part
                .attachment_name()
                .is_some_and(|n| n.to_ascii_lowercase().ends_with(".ics"));
        match &part.body {
            PartType::Multipart(children) => {
                if let Some(boundary) = part.content_type().and_then(|ct| ct.attribute("boundary"))
                {
                    let closing = format!("--{boundary}--");
                    let closed = closings
                        .get_or_insert_with(|| closing_lines(raw))
                        .contains(closing.as_bytes());
                    if !closed {
                        mail.defects.push(Defect::UnclosedBoundary);
                    }
                }
                if depth + 1 > MAX_DEPTH {
                    mail.defects.push(Defect::NestingTooDeep);
                    continue;
                }
                for child in children.iter().rev() {
                    if *child != id {
                        stack.push((*child, depth + 1));
                    }
                }
            }
            PartType::Text(t) if is_calendar => mail.calendars.push(t.to_string()),
            PartType::Binary(b) | PartType::InlineBinary(b) if is_calendar => {
                mail.calendars.push(String::from_utf8_lossy(b).into_owned());
            }
            PartType::Text(t) if !attachment && (ctype.starts_with("text/") || id == 0) => {
                plain.push(t.to_string());
            }
            PartType::Html(h) if !attachment => htmls.push(h.to_string()),
            PartType::Message(inner) => {
                if attached_depth < MAX_ATTACHED_DEPTH {
                    mail.attached.push(convert(inner, attached_depth + 1));
                } else {
                    mail.defects.push(Defect::NestingTooDeep);
                }
            }
            _ => {}
        }
    }
    if plain.iter().all(|p| p.trim().is_empty()) && !htmls.is_empty() {
        mail.text = htmls
            .iter()
            .map(|h| html::to_text(h))
            .collect::<Vec<_>>()
            .join("\n");
        mail.from_html = true;
    } else {
        mail.text = plain.join("\n");
    }
    if mail.text.contains('\u{fffd}') || mail.text.contains('\0') {
        mail.defects.push(Defect::InvalidText);
        mail.text = mail.text.replace('\0', " ");
    }
    mail.defects.sort();
    mail.defects.dedup();
    mail
}

fn is_ascii_or_utf8(charset: &str) -> bool {
    let c = charset.trim().to_ascii_lowercase();
    matches!(c.as_str(), "us-ascii" | "ascii" | "utf-8" | "utf8")
}

fn to_chrono(d: &mail_parser::DateTime) -> Option<DateTime<FixedOffset>> {
    let seconds = i32::from(d.tz_hour) * 3600 + i32::from(d.tz_minute) * 60;
    let offset = FixedOffset::east_opt(if d.tz_before_gmt { -seconds } else { seconds })?;
    let date = NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day))?;
    let time = date.and_hms_opt(u32::from(d.hour), u32::from(d.minute), u32::from(d.second))?;
    time.and_local_timezone(offset).single()
}

/// Every line that could close a multipart (`--boundary--`), trimmed, in one
/// pass over the message.
fn closing_lines(raw: &[u8]) -> HashSet<&[u8]> {
    raw.split(|b| *b == b'\n')
        .map(|line| line.trim_ascii())
        .filter(|line| {
            line.len() >= 4 && line.len() <= 200 && line.starts_with(b"--") && line.ends_with(b"--")
        })
        .collect()
}

fn has_bare_cr(raw: &[u8]) -> bool {
    raw.iter()
        .enumerate()
        .any(|(i, b)| *b == b'\r' && raw.get(i + 1) != Some(&b'\n'))
}
