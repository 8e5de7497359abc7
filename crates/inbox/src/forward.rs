//! Inline forwards: the block Gmail writes (`---------- Forwarded message
//! ---------` then `From:`/`Date:`/`Subject:`/`To:`) and the one Outlook writes
//! (a line of underscores, then `From:`/`Sent:`/`To:`/`Subject:`), with the
//! field names of the German, French and Spanish clients too.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::dates::{Tok, month_named, parse_time, tokens};
use crate::text::sanitize;
use crate::{ForwardKind, Mailbox};

/// What an inline forward block says about the original.
#[derive(Debug, Clone, Default)]
pub(crate) struct InlineForward {
    pub kind: Option<ForwardKind>,
    pub from: Option<Mailbox>,
    /// The `Date:`/`Sent:` line as written.
    pub date_text: Option<String>,
    pub subject: Option<String>,
    /// The forwarder's own note above the block.
    pub note: String,
    /// The original body below the block.
    pub body: String,
}

/// Separator lines of the Gmail style, lower case, dashes trimmed.
const GMAIL_SEPARATORS: &[&str] = &[
    "forwarded message",
    "weitergeleitete nachricht",
    "message transféré",
    "message transfere",
    "mensaje reenviado",
    "original message",
    "ursprüngliche nachricht",
    "message d'origine",
    "mensaje original",
];

const FROM: &[&str] = &["from", "von", "de", "expéditeur"];
const DATE: &[&str] = &[
    "date",
    "sent",
    "datum",
    "gesendet",
    "envoyé",
    "fecha",
    "enviado",
    "enviado el",
];
const SUBJECT: &[&str] = &["subject", "betreff", "objet", "asunto"];
const TO: &[&str] = &["to", "an", "à", "a", "para", "cc", "cci", "bcc"];

/// Finds the first inline forward block in `text`.
pub(crate) fn find(text: &str) -> Option<InlineForward> {
    let lines: Vec<&str> = text.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        let kind = if is_gmail_separator(trimmed) {
            ForwardKind::Gmail
        } else if trimmed.len() >= 20 && trimmed.chars().all(|c| c == '_') {
            ForwardKind::Outlook
        } else if trimmed.eq_ignore_ascii_case("Begin forwarded message:") {
            ForwardKind::Gmail
        } else {
            continue;
        };
        // The header block: field lines, possibly after blank lines.
        let mut j = i + 1;
        while lines.get(j).is_some_and(|l| l.trim().is_empty()) && j < i + 3 {
            j += 1;
        }
        let mut fwd = InlineForward {
            kind: Some(kind),
            ..InlineForward::default()
        };
        let mut fields = 0;
        let mut saw_from = false;
        while let Some(l) = lines.get(j) {
            let Some((name, value)) = field(l) else { break };
            let value = value.trim();
            if FROM.contains(&name.as_str()) && !saw_from {
                saw_from = true;
                fwd.from = mailbox(value);
            } else if DATE.contains(&name.as_str()) {
                fwd.date_text = Some(sanitize(value, 100).0);
            } else if SUBJECT.contains(&name.as_str()) {
                fwd.subject = Some(sanitize(value, crate::mime::MAX_HEADER_CHARS).0);
            } else if !TO.contains(&name.as_str()) {
                break;
            }
            fields += 1;
            j += 1;
        }
        // Outlook's underscore line is also used as a plain rule (Teams
        // footers): it only counts when a From: field follows.
        if !saw_from || fields < 2 {
            continue;
        }
        fwd.note = lines.get(..i).map(|n| n.join("\n")).unwrap_or_default();
        fwd.body = lines.get(j..).map(|b| b.join("\n")).unwrap_or_default();
        return Some(fwd);
    }
    None
}

fn is_gmail_separator(line: &str) -> bool {
    if !line.starts_with("---") {
        return false;
    }
    let inner = line
        .trim_matches(|c: char| c == '-' || c.is_whitespace())
        .to_lowercase();
    GMAIL_SEPARATORS.contains(&inner.as_str())
}

/// `Name: value` (also `Name : value`, the French spacing).
fn field(line: &str) -> Option<(String, &str)> {
    let (name, value) = line.split_once(':')?;
    let name = name
        .trim()
        .trim_start_matches(['*', '>'])
        .trim()
        .to_lowercase();
    if name.is_empty() || name.chars().count() > 20 || name.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    Some((name, value))
}

/// Reads `Name <a@b>`, `Name [mailto:a@b]`, `"Name" <a@b>` or `a@b`.
pub(crate) fn mailbox(value: &str) -> Option<Mailbox> {
    let (name_part, address) = if let Some(open) = value.find(['<', '[']) {
        let inner = value.get(open + 1..).unwrap_or("");
        let close = inner.find(['>', ']']).unwrap_or(inner.len());
        let addr = inner.get(..close).unwrap_or("").trim();
        let addr = addr.strip_prefix("mailto:").unwrap_or(addr);
        (value.get(..open).unwrap_or(""), addr.to_owned())
    } else {
        let addr = value
            .split_whitespace()
            .find(|w| w.contains('@'))
            .unwrap_or("")
            .trim_matches(|c: char| !c.is_alphanumeric());
        ("", addr.to_owned())
    };
    let (address, _) = sanitize(&address, 254);
    if !address.contains('@') || address.contains(' ') {
        return None;
    }
    let name = sanitize(
        name_part.trim().trim_matches('"'),
        crate::mime::MAX_HEADER_CHARS,
    )
    .0;
    Some(Mailbox {
        address: address.to_lowercase(),
        name: (!name.is_empty()).then_some(name),
    })
}

/// Reads the date line of a forward block ("Wed, Jan 13, 2010 at 5:02 AM",
/// "Thursday, January 14, 2010 4:47 PM", "14 January 2010 16:47"). The block
/// carries no offset: the forwarding client wrote it in the forwarder's zone,
/// so the forwarder's `Date` offset is used.
pub(crate) fn parse_date(text: &str, offset: FixedOffset) -> Option<DateTime<FixedOffset>> {
    let lower = text.to_lowercase();
    let toks = tokens(&lower);
    let mut day = None;
    let mut month = None;
    let mut year = None;
    let mut time = None;
    let mut i = 0;
    while i < toks.len() {
        match toks.get(i) {
            Some((Tok::Word(w), _, _)) if month.is_none() && month_named(w).is_some() => {
                month = month_named(w);
            }
            Some((Tok::Num(n), _, _)) if (1900..=2200).contains(n) && year.is_none() => {
                year = i32::try_from(*n).ok();
            }
            Some((Tok::Num(n), _, _))
                if (1..=31).contains(n) && day.is_none() && year.is_none() =>
            {
                day = Some(*n);
            }
            Some(_) if year.is_some() && time.is_none() => {
                if let Some((t, used)) = toks.get(i..).and_then(parse_time) {
                    time = Some(t);
                    i += used;
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
    let date = NaiveDate::from_ymd_opt(year?, month?, day?)?;
    let naive = NaiveDateTime::new(date, time.unwrap_or(NaiveTime::MIN));
    offset.from_local_datetime(&naive).single()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gmail_block() {
        let text = "Note\n\n---------- Forwarded message ---------\nFrom: Luc <luc@x.fr>\n\
                    Date: Wed, Jan 13, 2010 at 5:02 AM\nSubject: Votre candidature\nTo: Jane <j@e.net>\n\n\nBonjour";
        let f = find(text).unwrap_or_default();
        assert_eq!(f.kind, Some(ForwardKind::Gmail));
        assert_eq!(f.from.map(|m| m.address).as_deref(), Some("luc@x.fr"));
        assert!(f.body.contains("Bonjour"));
        let offset = FixedOffset::west_opt(5 * 3600).unwrap();
        let d = f.date_text.as_deref().and_then(|t| parse_date(t, offset));
        assert_eq!(
            d.map(|d| d.to_rfc3339()).as_deref(),
            Some("2010-01-13T05:02:00-05:00")
        );
    }

    #[test]
    fn outlook_block_and_rule_lines() {
        let text = "FYI\n________________________________\nFrom: Linda Park [mailto:linda@n.com]\n\
                    Sent: Tuesday, January 12, 2010 11:05 AM\nTo: Jane Doe\nCc: Daniel\nSubject: References\n\nHi";
        let f = find(text).unwrap_or_default();
        assert_eq!(f.kind, Some(ForwardKind::Outlook));
        assert_eq!(f.from.map(|m| m.address).as_deref(), Some("linda@n.com"));
        assert!(find("Hello\n______________________\nMicrosoft Teams meeting\n").is_none());
    }
}
