//! From a parsed message to a reading: unwrap the forward, then try the
//! classes in order (calendar, out-of-office, offer, rejection, interview in
//! the text) and fall back to a reply.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use crate::calendar;
use crate::dates::{
    self, Tok, business_day_after, business_day_on_or_after, parse_date, parse_time, resolve,
    tokens,
};
use crate::forward;
use crate::mime::Mail;
use crate::promise::Found;
use crate::text::{Folded, collapse, excerpt, find_all, find_any, sanitize, sentence_bounds};
use crate::{
    CalendarMethod, Defect, Evidence, EvidenceSource, ForwardKind, Interview, Mailbox, Offer,
    OutOfOffice, ReadOptions, Reading, RejectionReason, Step,
};

/// A header's name and value.
type HeaderPair = (String, String);

/// Confidence given to any reading of a message with a structural defect.
const DEFECT_CAP: f32 = 0.3;
/// The part of the body the rules read, in bytes: what decides a class is
/// at the top, and a bound keeps every rule linear in practice.
const MAX_BODY_BYTES: usize = 64 * 1024;

/// The first `max` bytes of `s`, cut on a char boundary.
fn head(s: &str, max: usize) -> String {
    let mut end = s.len().min(max);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("").to_owned()
}

/// Longest evidence excerpt, in characters.
const EVIDENCE_CHARS: usize = 300;

/// The original message, after unwrapping a forward.
struct Original<'a> {
    from: Option<Mailbox>,
    date: Option<DateTime<FixedOffset>>,
    subject: Option<String>,
    /// Signal headers (empty for an inline forward: the block has none).
    headers: Vec<(String, String)>,
    text: String,
    calendars: &'a [String],
}

pub(crate) fn classify(outer: &Mail, options: &ReadOptions) -> Reading {
    let mut defects = outer.defects.clone();
    let outer_offset = outer.date.map(|d| *d.offset());
    let (original, forwarder, forwarded) = unwrap(outer, outer_offset, &mut defects);
    defects.sort();
    defects.dedup();

    let ctx = Context::new(&original, options, outer_offset);
    let (step, mut confidence, evidence) = decide(&original, &ctx);
    if let Step::InterviewInvitation(i) | Step::InterviewUpdate(i) = &step
        && i.start.is_none()
        && i.method.is_some()
    {
        defects.push(Defect::BadCalendar);
    }
    if !defects.is_empty() {
        confidence = confidence.min(DEFECT_CAP);
    }
    Reading {
        step,
        confidence: confidence.clamp(0.0, 1.0),
        evidence,
        sender: original.from.clone(),
        sent_at: original.date,
        subject: original.subject.clone(),
        message_id: outer.message_id.clone(),
        forwarder,
        forwarded,
        defects,
    }
}

fn unwrap<'a>(
    outer: &'a Mail,
    outer_offset: Option<FixedOffset>,
    defects: &mut Vec<Defect>,
) -> (Original<'a>, Option<Mailbox>, Option<ForwardKind>) {
    if let Some(inner) = outer.attached.iter().find(|m| m.from.is_some()) {
        defects.extend(inner.defects.iter().cloned());
        let calendars = if inner.calendars.is_empty() {
            &outer.calendars
        } else {
            &inner.calendars
        };
        let original = Original {
            from: inner.from.clone(),
            date: inner.date,
            subject: inner.subject.clone(),
            headers: inner.headers.clone(),
            text: inner.text.clone(),
            calendars,
        };
        return (original, outer.from.clone(), Some(ForwardKind::Attached));
    }
    if let Some(block) = forward::find(&outer.text)
        && block.from.is_some()
    {
        let date = match (block.date_text.as_deref(), outer_offset) {
            (Some(t), Some(offset)) => forward::parse_date(t, offset),
            _ => None,
        };
        let original = Original {
            from: block.from,
            date,
            subject: block.subject,
            headers: Vec::new(),
            text: block.body,
            calendars: &outer.calendars,
        };
        return (original, outer.from.clone(), block.kind);
    }
    let original = Original {
        from: outer.from.clone(),
        date: outer.date,
        subject: outer.subject.clone(),
        headers: outer.headers.clone(),
        text: outer.text.clone(),
        calendars: &outer.calendars,
    };
    (original, None, None)
}

/// What the rules need besides the message.
struct Context {
    /// The sender's local day when the message was written.
    today: Option<NaiveDate>,
    /// The sender's local date and time when the message was written (the
    /// contact's zone, else the message's own offset), for promised days.
    local: Option<NaiveDateTime>,
    /// The offset floating times are read in.
    offset: Option<FixedOffset>,
    contact_tz: Option<Tz>,
    /// The original's own words, quotes removed, whitespace collapsed.
    body: Folded,
    subject: Folded,
}

impl Context {
    fn new(
        original: &Original<'_>,
        options: &ReadOptions,
        outer_offset: Option<FixedOffset>,
    ) -> Self {
        let local = original.date.map(|d| match options.contact_tz {
            Some(tz) => d.with_timezone(&tz).naive_local(),
            None => d.naive_local(),
        });
        let today = local.map(|l| l.date());
        let offset = original.date.map(|d| *d.offset()).or(outer_offset);
        Self {
            today,
            local,
            offset,
            contact_tz: options.contact_tz,
            body: Folded::new(&head(&collapse(&own_words(&original.text)), MAX_BODY_BYTES)),
            subject: Folded::new(original.subject.as_deref().unwrap_or("")),
        }
    }
}

/// The sender's own words: quoted lines (`>`) and everything from an
/// attribution line ("On ... wrote:") or an "Original Message" rule on are
/// dropped, so a quoted sentence of the seeker's never decides the class.
fn own_words(text: &str) -> String {
    let mut kept = Vec::new();
    for line in text.split('\n') {
        let t = line.trim();
        let lower = t.to_lowercase();
        let attribution = (lower.starts_with("on ") && lower.ends_with("wrote:"))
            || (lower.starts_with("am ") && lower.contains("schrieb"))
            || (lower.starts_with("le ") && lower.contains("a écrit"))
            || (lower.starts_with("el ") && lower.contains("escribió"))
            || lower.contains("original message-----")
            || lower.contains("ursprüngliche nachricht-----");
        if attribution {
            break;
        }
        if t.starts_with('>') {
            continue;
        }
        kept.push(line);
    }
    kept.join("\n")
}

fn body_evidence(ctx: &Context, start: usize, end: usize) -> Evidence {
    let (s, e) = sentence_bounds(&ctx.body.lower, start, end);
    let sentence = excerpt(&ctx.body.original, s, e, EVIDENCE_CHARS);
    let text = if sentence.is_empty() {
        ctx.body.slice(start, end).to_owned()
    } else {
        sentence
    };
    Evidence {
        source: EvidenceSource::Body,
        text: sanitize(&text, EVIDENCE_CHARS).0,
    }
}

fn header_evidence(name: &str, value: &str) -> Evidence {
    Evidence {
        source: EvidenceSource::Header {
            name: name.to_owned(),
        },
        text: sanitize(value, EVIDENCE_CHARS).0,
    }
}

fn decide(original: &Original<'_>, ctx: &Context) -> (Step, f32, Evidence) {
    if let Some(found) = from_calendar(original, ctx) {
        return found;
    }
    if let Some(found) = out_of_office(original, ctx) {
        return found;
    }
    let bulk = bulk_signal(original);
    if let Some(found) = offer(ctx) {
        return found;
    }
    if let Some(found) = rejection(original, ctx, bulk.is_some()) {
        return found;
    }
    if let Some(found) = interview_in_text(ctx) {
        return found;
    }
    reply(ctx, bulk)
}

// ---------------------------------------------------------------- calendar

fn from_calendar(original: &Original<'_>, ctx: &Context) -> Option<(Step, f32, Evidence)> {
    let fallback = ctx
        .contact_tz
        .zip(original.date)
        .map(|(tz, d)| *d.with_timezone(&tz).offset())
        .map(|o| chrono::Offset::fix(&o))
        .or(ctx.offset);
    let event = original
        .calendars
        .iter()
        .map(|ics| calendar::parse(ics, fallback))
        .find(|e| matches!(e.method.as_deref(), Some("REQUEST" | "CANCEL")))?;
    let cancel = event.method.as_deref() == Some("CANCEL");
    let interview = Interview {
        uid: event.uid.as_deref().map(|u| sanitize(u, 1000).0),
        sequence: event.sequence,
        start: event.start,
        tz: event.tz.clone(),
        method: Some(if cancel {
            CalendarMethod::Cancel
        } else {
            CalendarMethod::Request
        }),
        confirmed: if cancel { None } else { Some(true) },
    };
    let calendar_line = |text: String| Evidence {
        source: EvidenceSource::Calendar,
        text: sanitize(&text, EVIDENCE_CHARS).0,
    };
    let sequence = event.sequence.unwrap_or(0);
    let (step, evidence) = if cancel {
        (
            Step::InterviewCancel(interview),
            calendar_line("METHOD:CANCEL".to_owned()),
        )
    } else if sequence > 0 {
        (
            Step::InterviewUpdate(interview),
            calendar_line(format!("SEQUENCE:{sequence}")),
        )
    } else {
        let line = event
            .dtstart_line
            .clone()
            .unwrap_or_else(|| "METHOD:REQUEST".to_owned());
        (Step::InterviewInvitation(interview), calendar_line(line))
    };
    let confidence = if event.bad_start || (event.start.is_none() && !cancel) {
        DEFECT_CAP
    } else if event.uid.is_none() {
        0.8
    } else {
        0.95
    };
    Some((step, confidence, evidence))
}

// ----------------------------------------------------------- out of office

/// Subject prefixes auto-replies carry (Outlook, Exchange, Gmail and others),
/// lower case, with any space before the colon removed.
const OOO_SUBJECT_PREFIXES: &[&str] = &[
    "automatic reply:",
    "auto-reply:",
    "autoreply:",
    "auto reply:",
    "out of office:",
    "out of office reply:",
    "out of the office:",
    "out-of-office:",
    "away:",
    "abwesenheitsnotiz:",
    "automatische antwort:",
    "abwesend:",
    "réponse automatique:",
    "reponse automatique:",
    "absence du bureau:",
    "absent(e) du bureau:",
    "respuesta automática:",
    "respuesta automatica:",
    "fuera de la oficina:",
    "ausente:",
];

/// Words that say the person is away.
const ABSENCE: &[&str] = &[
    "out of the office",
    "out of office",
    "away from the office",
    "away from my desk",
    "on leave",
    "on vacation",
    "on holiday",
    "on annual leave",
    "i'm away",
    "i am away",
    "i'm on",
    "returning",
    "back on",
    "back in the office",
    "back at my desk",
    "limited access to email",
    "no access to email",
    "abwesend",
    "nicht im büro",
    "im urlaub",
    "urlaub",
    "wieder im büro",
    "absent",
    "absente",
    "en congés",
    "en congé",
    "de retour",
    "absente du bureau",
    "fuera de la oficina",
    "de vacaciones",
    "de vuelta",
    "ausente",
];

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Anchor {
    /// "back on X": back on X.
    Back,
    /// "until X": back on X (next working day if X is a weekend).
    Until,
    /// "through X", "bis einschließlich X": back the working day after X.
    Through,
}

/// Words that introduce the return date, per language, and what they mean.
const RETURN_ANCHORS: &[(&str, Anchor)] = &[
    ("back", Anchor::Back),
    ("returning", Anchor::Back),
    ("return on", Anchor::Back),
    ("will return", Anchor::Back),
    ("ab dem", Anchor::Back),
    ("ab", Anchor::Back),
    ("zurück am", Anchor::Back),
    ("wieder am", Anchor::Back),
    ("de retour le", Anchor::Back),
    ("de retour", Anchor::Back),
    ("retour le", Anchor::Back),
    ("de vuelta el", Anchor::Back),
    ("de vuelta", Anchor::Back),
    ("regreso el", Anchor::Back),
    ("regresaré el", Anchor::Back),
    ("volveré el", Anchor::Back),
    ("until", Anchor::Until),
    ("till", Anchor::Until),
    ("bis einschließlich", Anchor::Through),
    ("bis zum", Anchor::Until),
    ("bis", Anchor::Until),
    ("jusqu'au", Anchor::Until),
    ("jusqu'à", Anchor::Until),
    ("hasta el", Anchor::Until),
    ("hasta", Anchor::Until),
    ("through", Anchor::Through),
];

/// Words after the date that make "until X" inclusive.
const INCLUSIVE: &[&str] = &[
    "inclusive",
    "inclusively",
    "included",
    "einschließlich",
    "einschliesslich",
    "inklusive",
    "inkl",
    "inclus",
    "incluse",
    "inclusivement",
    "incluido",
    "incluida",
    "incluso",
];

/// Words allowed between a "back" anchor and its date.
const BACK_FILLER: &[&str] = &[
    "in", "the", "office", "at", "my", "desk", "on", "to", "work", "from", "and", "will", "be",
    "im", "büro", "wieder", "le", "el", "à", "au", "bureau", "en", "la", "oficina", "a", "partir",
    "del", "de",
];

fn ooo_subject_prefix(subject: &str) -> Option<String> {
    let normal = subject
        .to_lowercase()
        .replace(['\u{a0}', '\u{202f}'], " ")
        .replace(" :", ":");
    OOO_SUBJECT_PREFIXES
        .iter()
        .find(|p| normal.starts_with(*p))
        .map(|_| subject.split(':').next().unwrap_or(subject).to_owned() + ":")
}

/// (strong, weak) auto-reply header signals, as (header name, value).
fn auto_reply_headers(original: &Original<'_>) -> (Option<HeaderPair>, Option<HeaderPair>) {
    let mut strong = None;
    let mut weak = None;
    for (name, value) in &original.headers {
        let v = value.trim().to_ascii_lowercase();
        let pretty = pretty_header(name);
        let is_strong = match name.as_str() {
            "auto-submitted" => v.starts_with("auto-replied"),
            "x-autoreply" | "x-autorespond" => v.starts_with("yes") || v.starts_with("true"),
            "precedence" => v.starts_with("auto_reply") || v.starts_with("auto-reply"),
            _ => false,
        };
        let is_weak = match name.as_str() {
            "auto-submitted" => v.starts_with("auto-"),
            "x-auto-response-suppress" => !v.is_empty(),
            _ => false,
        };
        if is_strong && strong.is_none() {
            strong = Some((pretty.clone(), value.clone()));
        } else if is_weak && weak.is_none() {
            weak = Some((pretty, value.clone()));
        }
    }
    (strong, weak)
}

fn pretty_header(lower: &str) -> String {
    match lower {
        "auto-submitted" => "Auto-Submitted".to_owned(),
        "x-autoreply" => "X-Autoreply".to_owned(),
        "x-autorespond" => "X-Autorespond".to_owned(),
        "precedence" => "Precedence".to_owned(),
        "x-auto-response-suppress" => "X-Auto-Response-Suppress".to_owned(),
        "list-unsubscribe" => "List-Unsubscribe".to_owned(),
        "list-id" => "List-Id".to_owned(),
        other => other.to_owned(),
    }
}

/// A return date found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReturnDate {
    pub back_on: NaiveDate,
    pub start: usize,
    pub end: usize,
}

/// Finds the first anchor followed by a date, and applies the rules.
pub(crate) fn return_date(lower: &str, today: NaiveDate) -> Option<ReturnDate> {
    let mut hits: Vec<(usize, usize, Anchor)> = Vec::new();
    for (word, anchor) in RETURN_ANCHORS {
        for (s, e) in find_all(lower, word) {
            hits.push((s, e, *anchor));
        }
    }
    // Earliest first; at one position the longest anchor wins.
    hits.sort_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
    for (start, end, anchor) in hits {
        let tail = lower.get(end..).unwrap_or("");
        let window: String = tail.chars().take(90).collect();
        let toks = tokens(&window);
        let mut skip = 0;
        let mut inclusive = anchor == Anchor::Through;
        // Filler words between the anchor and the date.
        while let Some((Tok::Word(w), _, _)) = toks.get(skip) {
            if INCLUSIVE.contains(&w.as_str()) && anchor == Anchor::Until {
                inclusive = true;
                skip += 1;
                continue;
            }
            let allowed = match anchor {
                Anchor::Back => BACK_FILLER.contains(&w.as_str()),
                _ => ["the", "on", "zum", "el", "le", "la", "dem", "am"].contains(&w.as_str()),
            };
            if !allowed || dates::weekday_named(w).is_some() || dates::month_named(w).is_some() {
                break;
            }
            skip += 1;
            if skip > 7 {
                break;
            }
        }
        let Some((date, used)) = toks.get(skip..).and_then(parse_date) else {
            continue;
        };
        let Some(x) = resolve(date, today) else {
            continue;
        };
        // "inclusive" after the date.
        let after_at = (skip + used).min(toks.len());
        let after = toks
            .get(after_at..(after_at + 3).min(toks.len()))
            .unwrap_or(&[]);
        if anchor == Anchor::Until
            && after
                .iter()
                .any(|(t, _, _)| matches!(t, Tok::Word(w) if INCLUSIVE.contains(&w.as_str())))
        {
            inclusive = true;
        }
        let back_on = match (anchor, inclusive) {
            (_, true) => business_day_after(x),
            (Anchor::Until, false) | (Anchor::Back, false) | (Anchor::Through, false) => {
                business_day_on_or_after(x)
            }
        };
        let date_end = Some(after)
            .and_then(|after| {
                after
                    .iter()
                    .take_while(
                        |(t, _, _)| matches!(t, Tok::Word(w) if INCLUSIVE.contains(&w.as_str())),
                    )
                    .last()
                    .map(|(_, _, e)| *e)
            })
            .or_else(|| toks.get(skip + used - 1).map(|(_, _, e)| *e))
            .unwrap_or(0);
        return Some(ReturnDate {
            back_on,
            start,
            end: end + date_end,
        });
    }
    None
}

fn out_of_office(original: &Original<'_>, ctx: &Context) -> Option<(Step, f32, Evidence)> {
    let prefix = ooo_subject_prefix(&ctx.subject.original);
    let (strong, weak) = auto_reply_headers(original);
    let absence = find_any(&ctx.body.lower, ABSENCE);
    let found = ctx
        .today
        .and_then(|today| return_date(&ctx.body.lower, today));
    let is_ooo = prefix.is_some()
        || (strong.is_some() && (absence.is_some() || found.is_some()))
        || (weak.is_some() && absence.is_some() && found.is_some());
    if !is_ooo {
        return None;
    }
    let signals =
        usize::from(prefix.is_some()) + usize::from(strong.is_some()) + usize::from(weak.is_some());
    let confidence = match (&found, signals) {
        (Some(_), s) if s >= 2 => 0.97,
        (Some(_), _) => 0.92,
        (None, _) if absence.is_some() => 0.75,
        (None, _) => 0.6,
    };
    let (stated, evidence) = match &found {
        Some(r) => (
            Some(sanitize(ctx.body.slice(r.start, r.end), 200).0),
            body_evidence(ctx, r.start, r.end),
        ),
        None => {
            let evidence = match (&prefix, &strong, &weak) {
                (Some(p), _, _) => header_evidence("Subject", p),
                (None, Some((n, v)), _) | (None, None, Some((n, v))) => header_evidence(n, v),
                _ => header_evidence("Subject", &ctx.subject.original),
            };
            (None, evidence)
        }
    };
    Some((
        Step::OutOfOffice(OutOfOffice {
            back_on: found.map(|r| r.back_on),
            stated,
        }),
        confidence,
        evidence,
    ))
}

// ---------------------------------------------------------------- rejection

/// Wordings of a rejection, lower case, word-bounded.
const REJECTION_PHRASES: &[&str] = &[
    // English: applicant-tracking systems and people.
    "decided to move forward with other candidates",
    "decided to move forward with another candidate",
    "decided to move forward with a different candidate",
    "decided to proceed with other candidates",
    "decided to proceed with another candidate",
    "decided to pursue other applicants",
    "decided to pursue other candidates",
    "decided to go with another candidate",
    "decided to go in a different direction",
    "decided not to move forward with your application",
    "decided not to proceed with your application",
    "will not be moving forward with your application",
    "will not be moving forward with your candidacy",
    "won't be moving forward with your application",
    "not be progressing your application",
    "will not be progressing your application",
    "unable to offer you the position",
    "unable to offer you the role",
    "not able to offer you the position",
    "you have not been selected",
    "you were not selected",
    "have not been successful on this occasion",
    "not been successful on this occasion",
    "the position has been filled",
    "the role has been filled",
    "the position has now been filled",
    "the position has been cancelled",
    "the position has been canceled",
    "the role has been cancelled",
    "the role has been canceled",
    "decided to fill the role internally",
    "decided to fill the position internally",
    "offered the position to another candidate",
    "offered the role to another candidate",
    "selected another candidate",
    // German.
    "für andere bewerberinnen und bewerber entschieden",
    "für andere bewerber entschieden",
    "für einen anderen bewerber entschieden",
    "für eine andere bewerberin entschieden",
    "für eine andere kandidatin entschieden",
    "für einen anderen kandidaten entschieden",
    "nicht weiter berücksichtigen",
    "nicht berücksichtigen können",
    "ihnen eine absage",
    "die stelle wurde intern besetzt",
    "die stelle ist bereits besetzt",
    // French.
    "ne donnerons pas suite à votre candidature",
    "ne pas donner suite à votre candidature",
    "pas pu retenir votre candidature",
    "pas retenu votre candidature",
    "votre candidature n'a pas été retenue",
    "le poste a été pourvu",
    // Spanish.
    "hemos decidido no continuar con su proceso",
    "hemos decidido no continuar con su candidatura",
    "no continuar con su candidatura",
    "no ha sido seleccionado",
    "no ha sido seleccionada",
    "hemos decidido continuar con otro candidato",
    "hemos decidido continuar con otros candidatos",
    "la vacante ha sido cubierta",
];

/// Words that undo a rejection phrase in the same sentence ("I didn't want you
/// to think we'd decided...", "if you may have decided...").
const REJECTION_GUARDS: &[&str] = &[
    "didn't want you to think",
    "don't want you to think",
    "did not want you to think",
    "haven't",
    "have not decided",
    "hasn't",
    "not yet",
    "no decision",
    "if you",
    "may have",
    "might have",
    "in case",
    "whether",
    "rather than",
    "you saved",
    "did not apply",
    "didn't apply",
    "pass on",
];

fn is_ats(sender: Option<&Mailbox>) -> bool {
    sender.is_some_and(|m| crate::is_applicant_tracking(m.address.rsplit('@').next().unwrap_or("")))
}

/// A bulk or list mail (job alerts, newsletters): its vocabulary never makes a
/// rejection unless an applicant-tracking system sent it.
fn bulk_signal(original: &Original<'_>) -> Option<(String, String)> {
    original.headers.iter().find_map(|(name, value)| {
        let v = value.to_ascii_lowercase();
        let bulk = match name.as_str() {
            "precedence" => v.starts_with("bulk") || v.starts_with("list") || v.starts_with("junk"),
            "list-unsubscribe" | "list-id" => true,
            _ => false,
        };
        bulk.then(|| (pretty_header(name), value.clone()))
    })
}

fn rejection(original: &Original<'_>, ctx: &Context, bulk: bool) -> Option<(Step, f32, Evidence)> {
    let ats = is_ats(original.from.as_ref());
    if bulk && !ats {
        return None;
    }
    let lower = &ctx.body.lower;
    let mut hit = None;
    for phrase in REJECTION_PHRASES {
        for (s, e) in find_all(lower, phrase) {
            let (bs, be) = sentence_bounds(lower, s, e);
            let sentence = lower.get(bs..be).unwrap_or("");
            if sentence.trim_end().ends_with('?') {
                continue;
            }
            if REJECTION_GUARDS
                .iter()
                .any(|g| !find_all(sentence, g).is_empty())
            {
                continue;
            }
            if hit.is_none_or(|(hs, _)| s < hs) {
                hit = Some((s, e));
            }
        }
    }
    let (start, end) = hit?;
    let reason = rejection_reason(lower);
    let confidence = if ats { 0.95 } else { 0.9 };
    // The evidence is the phrase that tells the reason when there is one.
    let evidence_at = reason_phrase(lower, reason).unwrap_or((start, end));
    Some((
        Step::Rejection { reason },
        confidence,
        body_evidence(ctx, evidence_at.0, evidence_at.1),
    ))
}

const CANCELLED: &[&str] = &[
    "position has been cancelled",
    "position has been canceled",
    "role has been cancelled",
    "role has been canceled",
    "position has been eliminated",
    "no longer hiring for",
    "position is on hold",
    "position has been put on hold",
    "budget constraints",
    "stelle wurde gestrichen",
    "stelle entfällt",
    "poste a été supprimé",
    "poste a été annulé",
    "vacante ha sido cancelada",
    "puesto ha sido cancelado",
];
const INTERNAL: &[&str] = &[
    "internally",
    "internal candidate",
    "intern besetzt",
    "interne kandidatin",
    "internen kandidaten",
    "en interne",
    "candidat interne",
    "candidata interna",
    "candidato interno",
    "internamente",
];
const COMPETING: &[&str] = &[
    "another candidate whose",
    "a candidate whose",
    "another candidate who",
    "selected another candidate",
    "offered the position to another candidate",
    "offered the role to another candidate",
    "chosen another candidate",
    "einen anderen bewerber",
    "eine andere bewerberin",
    "einen anderen kandidaten",
    "une autre candidate",
    "un autre candidat",
    "otro candidato",
    "otra candidata",
];

fn rejection_reason(lower: &str) -> RejectionReason {
    if find_any(lower, CANCELLED).is_some() {
        RejectionReason::PositionCancelled
    } else if find_any(lower, INTERNAL).is_some() {
        RejectionReason::InternalPromotion
    } else if find_any(lower, COMPETING).is_some() {
        RejectionReason::CompetingCandidate
    } else {
        RejectionReason::Unknown
    }
}

fn reason_phrase(lower: &str, reason: RejectionReason) -> Option<(usize, usize)> {
    match reason {
        RejectionReason::PositionCancelled => find_any(lower, CANCELLED),
        RejectionReason::InternalPromotion => find_any(lower, INTERNAL),
        RejectionReason::CompetingCandidate => find_any(lower, COMPETING),
        RejectionReason::Unknown => None,
    }
}

// -------------------------------------------------------------------- offer

const OFFER_PHRASES: &[&str] = &[
    "would like to offer you",
    "like to offer you the",
    "pleased to offer you",
    "delighted to offer you",
    "happy to offer you",
    "offer you the position",
    "offer you the role",
    "offer you a position",
    "extend an offer",
    "extend you an offer",
    "offer of employment",
    // German.
    "anbieten zu können",
    "anbieten möchten",
    "ihr vertragsangebot",
    // French.
    "vous proposer le poste",
    "proposition d'embauche",
    "promesse d'embauche",
    // Spanish.
    "ofrecerle el puesto",
    "ofrecerte el puesto",
    "oferta de trabajo para",
    "oferta laboral",
];
const OFFER_GUARDS: &[&str] = &[
    "unable",
    "not able",
    "cannot",
    "can't",
    "regret",
    "unfortunately",
    "leider",
];

fn offer(ctx: &Context) -> Option<(Step, f32, Evidence)> {
    let lower = &ctx.body.lower;
    let mut hit = None;
    for phrase in OFFER_PHRASES {
        for (s, e) in find_all(lower, phrase) {
            let (bs, be) = sentence_bounds(lower, s, e);
            let sentence = lower.get(bs..be).unwrap_or("");
            if sentence.trim_end().ends_with('?')
                || OFFER_GUARDS
                    .iter()
                    .any(|g| !find_all(sentence, g).is_empty())
            {
                continue;
            }
            if hit.is_none_or(|(hs, _)| s < hs) {
                hit = Some((s, e));
            }
        }
    }
    let (start, end) = hit?;
    let terms = offer_terms(ctx);
    let confidence = if terms.base.is_some() { 0.9 } else { 0.7 };
    Some((
        Step::Offer(terms),
        confidence,
        body_evidence(ctx, start, end),
    ))
}

/// An amount of money or a percentage in the text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Figure {
    pub start: usize,
    pub end: usize,
    pub value: f64,
    /// ISO code for money; `None` for a percentage.
    pub currency: Option<&'static str>,
    pub percent: bool,
}

const SYMBOLS: &[(&str, &str)] = &[
    ("us$", "USD"),
    ("ca$", "CAD"),
    ("c$", "CAD"),
    ("au$", "AUD"),
    ("a$", "AUD"),
    ("$", "USD"),
    ("€", "EUR"),
    ("£", "GBP"),
    ("¥", "JPY"),
    ("usd", "USD"),
    ("eur", "EUR"),
    ("gbp", "GBP"),
    ("chf", "CHF"),
    ("cad", "CAD"),
    ("aud", "AUD"),
    ("jpy", "JPY"),
    ("sek", "SEK"),
    ("nok", "NOK"),
    ("dkk", "DKK"),
    ("mxn", "MXN"),
];

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}')
}

/// Every money amount (with a currency next to it) and percentage in `lower`.
pub(crate) fn figures(lower: &str) -> Vec<Figure> {
    let mut out = Vec::new();
    let bytes: Vec<(usize, char)> = lower.char_indices().collect();
    let mut k = 0;
    while k < bytes.len() {
        let Some(&(start, c)) = bytes.get(k) else {
            break;
        };
        let prev_is_digit = k > 0 && bytes.get(k - 1).is_some_and(|(_, p)| p.is_ascii_digit());
        if !c.is_ascii_digit() || prev_is_digit {
            k += 1;
            continue;
        }
        // Integer part with thousands groups, then an optional decimal part.
        let mut digits = String::new();
        let mut j = k;
        while let Some(&(_, d)) = bytes.get(j).filter(|(_, d)| d.is_ascii_digit()) {
            digits.push(d);
            j += 1;
        }
        loop {
            let sep = bytes.get(j).map(|(_, s)| *s);
            let group: String = bytes.iter().skip(j + 1).take(3).map(|(_, d)| *d).collect();
            let after = bytes.get(j + 4).map(|(_, d)| *d);
            let is_group = group.len() == 3
                && group.chars().all(|d| d.is_ascii_digit())
                && after.is_none_or(|a| !a.is_ascii_digit());
            match sep {
                Some(s) if (s == ',' || s == '.' || s == '\'' || is_space(s)) && is_group => {
                    digits.push_str(&group);
                    j += 4;
                }
                _ => break,
            }
        }
        let mut value: f64 = digits.parse().unwrap_or(0.0);
        if let (Some((_, '.' | ',')), Some((_, d1))) = (bytes.get(j), bytes.get(j + 1))
            && d1.is_ascii_digit()
        {
            let decimals: String = bytes
                .iter()
                .skip(j + 1)
                .take_while(|(_, d)| d.is_ascii_digit())
                .map(|(_, d)| *d)
                .collect();
            if decimals.len() <= 2 {
                value += format!("0.{decimals}").parse::<f64>().unwrap_or(0.0);
                j += 1 + decimals.len();
            }
        }
        let mut end_idx = j;
        // "k" thousands.
        if bytes.get(end_idx).is_some_and(|(_, c)| *c == 'k')
            && bytes
                .get(end_idx + 1)
                .is_none_or(|(_, c)| !c.is_alphanumeric())
        {
            value *= 1000.0;
            end_idx += 1;
        }
        let mut s_after = end_idx;
        while bytes.get(s_after).is_some_and(|(_, c)| is_space(*c)) {
            s_after += 1;
        }
        let end_byte = |idx: usize| bytes.get(idx).map_or(lower.len(), |(b, _)| *b);
        let tail = lower.get(end_byte(s_after)..).unwrap_or("");
        if tail.starts_with('%') {
            out.push(Figure {
                start,
                end: end_byte(s_after) + 1,
                value,
                currency: None,
                percent: true,
            });
            k = s_after + 1;
            continue;
        }
        let mut currency = None;
        let mut fig_start = start;
        let mut fig_end = end_byte(end_idx);
        for (sym, code) in SYMBOLS {
            if tail.starts_with(sym)
                && tail
                    .get(sym.len()..)
                    .and_then(|t| t.chars().next())
                    .is_none_or(|c| !c.is_alphabetic())
            {
                currency = Some(*code);
                fig_end = end_byte(s_after) + sym.len();
                break;
            }
        }
        if currency.is_none() {
            let mut b = k;
            while b > 0 && bytes.get(b - 1).is_some_and(|(_, c)| is_space(*c)) {
                b -= 1;
            }
            let head = lower.get(..end_byte(b)).unwrap_or("");
            for (sym, code) in SYMBOLS {
                if head.ends_with(sym)
                    && head
                        .get(..head.len() - sym.len())
                        .and_then(|h| h.chars().next_back())
                        .is_none_or(|c| !c.is_alphabetic() || sym.len() == 1 || !sym.is_ascii())
                {
                    currency = Some(*code);
                    fig_start = head.len() - sym.len();
                    break;
                }
            }
        }
        if currency.is_some() {
            out.push(Figure {
                start: fig_start,
                end: fig_end,
                value,
                currency,
                percent: false,
            });
        }
        k = end_idx.max(k + 1);
    }
    out
}

const BASE_WORDS: &[&str] = &[
    "base salary",
    "base pay",
    "salary",
    "annual salary",
    "jahresgehalt",
    "grundgehalt",
    "gehalt",
    "fixgehalt",
    "rémunération fixe",
    "rémunération",
    "salaire",
    "salario",
    "sueldo",
];
const BONUS_WORDS: &[&str] = &[
    "bonus",
    "variable vergütung",
    "bonuszahlung",
    "prime",
    "bono",
    "prima",
    "incentive",
];
const DEADLINE_WORDS: &[&str] = &[
    "accept",
    "decision",
    "let us know",
    "respond",
    "bescheid",
    "annehmen",
    "rückmeldung",
    "décision",
    "réponse",
    "decisión",
    "respuesta",
];

fn offer_terms(ctx: &Context) -> Offer {
    let lower = &ctx.body.lower;
    let figs = figures(lower);
    let money_after = |from: usize, span: usize| {
        figs.iter()
            .find(|f| !f.percent && f.start >= from && f.start <= from + span)
    };
    let base_at = BASE_WORDS
        .iter()
        .filter_map(|w| {
            find_all(lower, w)
                .into_iter()
                .find(|(_, e)| money_after(*e, 80).is_some())
        })
        .min();
    let base = base_at.and_then(|(_, e)| money_after(e, 80));
    let bonus_at = find_any(lower, BONUS_WORDS);
    let bonus = bonus_at.and_then(|(_, e)| {
        figs.iter()
            .filter(|f| f.start >= e && f.start <= e + 120)
            .find(|f| base.is_none_or(|b| b.start != f.start))
    });
    let (deadline, deadline_stated) =
        deadline(ctx).map_or((None, None), |(d, s)| (Some(d), Some(s)));
    Offer {
        base: base.map(|b| b.value),
        currency: base.and_then(|b| b.currency).map(str::to_owned),
        bonus_percent: bonus.filter(|b| b.percent).map(|b| b.value),
        bonus_amount: bonus.filter(|b| !b.percent).map(|b| b.value),
        deadline,
        deadline_stated,
    }
}

fn deadline(ctx: &Context) -> Option<(NaiveDate, String)> {
    let today = ctx.today?;
    let lower = &ctx.body.lower;
    let mut starts: Vec<usize> = DEADLINE_WORDS
        .iter()
        .flat_map(|w| find_all(lower, w))
        .map(|(s, _)| s)
        .collect();
    starts.sort_unstable();
    for at in starts {
        let (bs, be) = sentence_bounds(lower, at, at);
        let sentence = lower.get(bs..be).unwrap_or("");
        let toks = tokens(sentence);
        for i in 0..toks.len() {
            let after_preposition = i > 0
                && matches!(toks.get(i - 1), Some((Tok::Word(w), _, _))
                    if ["by", "before", "bis", "zum", "le", "tard", "avant", "el", "antes", "del"].contains(&w.as_str()));
            if !after_preposition {
                continue;
            }
            if let Some((date, used)) = toks.get(i..).and_then(parse_date) {
                if date.month.is_none() && date.weekday.is_none() {
                    continue;
                }
                if let Some(resolved) = resolve(date, today) {
                    let s = toks.get(i).map_or(0, |t| t.1);
                    let e = toks.get(i + used - 1).map_or(s, |t| t.2);
                    return Some((resolved, sanitize(ctx.body.slice(bs + s, bs + e), 100).0));
                }
            }
        }
    }
    None
}

// ------------------------------------------------------- interview in text

const CONFIRMED_CUES: &[&str] = &[
    "you are scheduled for",
    "you're scheduled for",
    "you have been scheduled for",
    "is scheduled for",
    "has been scheduled for",
    "is confirmed for",
    "we look forward to seeing you on",
    "invite you to an interview on",
    "your interview is on",
    "ihr vorstellungsgespräch findet am",
    "votre entretien aura lieu le",
    "su entrevista será el",
];
const INTERVIEW_WORDS: &[&str] = &[
    "interview",
    "phone screen",
    "screen",
    "call",
    "meeting",
    "chat",
    "gespräch",
    "vorstellungsgespräch",
    "entretien",
    "entrevista",
];
const PROPOSAL_OPENERS: &[&str] = &[
    "would",
    "could",
    "does",
    "can",
    "how about",
    "are you available",
    "is",
];

/// Time-zone words in the text → IANA zone.
const ZONE_WORDS: &[(&str, &str)] = &[
    ("eastern", "America/New_York"),
    ("et", "America/New_York"),
    ("est", "America/New_York"),
    ("edt", "America/New_York"),
    ("new york time", "America/New_York"),
    ("central", "America/Chicago"),
    ("ct", "America/Chicago"),
    ("cst", "America/Chicago"),
    ("cdt", "America/Chicago"),
    ("mountain", "America/Denver"),
    ("mst", "America/Denver"),
    ("mdt", "America/Denver"),
    ("pacific", "America/Los_Angeles"),
    ("pt", "America/Los_Angeles"),
    ("pst", "America/Los_Angeles"),
    ("pdt", "America/Los_Angeles"),
    ("london time", "Europe/London"),
    ("uk time", "Europe/London"),
    ("gmt", "Europe/London"),
    ("bst", "Europe/London"),
    ("paris time", "Europe/Paris"),
    ("berlin time", "Europe/Berlin"),
    ("cet", "Europe/Berlin"),
    ("cest", "Europe/Berlin"),
    ("mez", "Europe/Berlin"),
    ("tokyo time", "Asia/Tokyo"),
    ("jst", "Asia/Tokyo"),
    ("utc", "UTC"),
];

fn interview_in_text(ctx: &Context) -> Option<(Step, f32, Evidence)> {
    let today = ctx.today?;
    let lower = &ctx.body.lower;
    let mut candidates: Vec<(usize, usize, bool)> = CONFIRMED_CUES
        .iter()
        .flat_map(|c| find_all(lower, c))
        .map(|(s, e)| (s, e, true))
        .collect();
    // Proposals: a question that names an interview-like event.
    for w in INTERVIEW_WORDS {
        for (s, e) in find_all(lower, w) {
            let (bs, be) = sentence_bounds(lower, s, e);
            let sentence = lower.get(bs..be).unwrap_or("").trim();
            if sentence.ends_with('?') && PROPOSAL_OPENERS.iter().any(|o| sentence.starts_with(o)) {
                candidates.push((s, e, false));
            }
        }
    }
    candidates.sort_unstable();
    for (s, e, confirmed) in candidates {
        let (bs, be) = sentence_bounds(lower, s, e);
        let sentence = lower.get(bs..be).unwrap_or("");
        if confirmed
            && !INTERVIEW_WORDS
                .iter()
                .any(|w| !find_all(sentence, w).is_empty())
        {
            continue;
        }
        let toks = tokens(sentence);
        for i in 0..toks.len() {
            let Some((date, used)) = toks.get(i..).and_then(parse_date) else {
                continue;
            };
            if date.month.is_none() && date.day.is_some() && date.weekday.is_none() {
                continue;
            }
            let Some((time, time_used)) = toks.get(i + used..).and_then(parse_time) else {
                continue;
            };
            let Some(day) = resolve(date, today) else {
                continue;
            };
            let after_time = toks.get(i + used + time_used - 1).map_or(0, |t| t.2);
            let rest: String = sentence
                .get(after_time..)
                .unwrap_or("")
                .chars()
                .take(30)
                .collect();
            let zone = ZONE_WORDS
                .iter()
                .filter_map(|(w, z)| find_all(&rest, w).first().map(|(p, _)| (*p, *z)))
                .min()
                .map(|(_, z)| z);
            let naive = NaiveDateTime::new(day, time);
            let (start, tz) = match zone.and_then(calendar::zone) {
                Some(tz) => (
                    tz.from_local_datetime(&naive)
                        .earliest()
                        .map(|d| d.fixed_offset()),
                    Some(tz.name().to_owned()),
                ),
                None => match ctx.contact_tz {
                    Some(tz) => (
                        tz.from_local_datetime(&naive)
                            .earliest()
                            .map(|d| d.fixed_offset()),
                        Some(tz.name().to_owned()),
                    ),
                    None => (
                        ctx.offset
                            .and_then(|o| o.from_local_datetime(&naive).single()),
                        None,
                    ),
                },
            };
            let interview = Interview {
                uid: None,
                sequence: None,
                start,
                tz,
                method: None,
                confirmed: Some(confirmed),
            };
            let confidence = if confirmed { 0.8 } else { 0.7 };
            return Some((
                Step::InterviewInvitation(interview),
                confidence,
                body_evidence(ctx, s, e),
            ));
        }
    }
    None
}

// -------------------------------------------------------------------- reply

/// Openings of a promise by the sender.
const PROMISE_MARKERS: &[&str] = &[
    "i'll",
    "we'll",
    "i will",
    "we will",
    "i expect",
    "we expect",
    "expect news",
    "expect to hear",
    "you'll hear",
    "you will hear",
    "i hope to",
    "we hope to",
    "i should have",
    "we should have",
    "i plan to",
    "we plan to",
];

/// Time expressions a promise must carry.
const PROMISE_TIMES: &[&str] = &[
    "by monday",
    "by tuesday",
    "by wednesday",
    "by thursday",
    "by friday",
    "by saturday",
    "by sunday",
    "by tomorrow",
    "by the end of",
    "by end of",
    "by next",
    "by this",
    "by mid",
    "next monday",
    "next tuesday",
    "next wednesday",
    "next thursday",
    "next friday",
    "on monday",
    "on tuesday",
    "on wednesday",
    "on thursday",
    "on friday",
    "after new year",
    "after the new year",
    "after new year's",
    "after the holidays",
    "after christmas",
    "after the weekend",
    "next week",
    "this week",
    "later this week",
    "early next week",
    "tomorrow",
    "within a week",
    "within the week",
    "within two weeks",
    "in the next few days",
    "end of the week",
    "end of the month",
    "before the weekend",
    "before christmas",
];

/// The sender's promise: in Japanese, or the earliest of the English one
/// and the German, French or Spanish one (`crate::promise`).
fn promise(ctx: &Context) -> Option<Found> {
    if let Some(japanese) = promise_ja(ctx) {
        return Some(japanese);
    }
    let english = promise_en(ctx);
    let other = crate::promise::find(&ctx.body);
    match (english, other) {
        (Some(en), Some(other)) if en.start <= other.start => Some(en),
        (_, Some(other)) => Some(other),
        (Some(en), None) => Some(en),
        (None, None) => None,
    }
}

/// Japanese words that ask something of the seeker ("ご連絡ください",
/// "お願いいたします") or thank them for what they did ("ご連絡いただき"):
/// a clause with one is not a promise.
const JA_REQUESTS: &[&str] = &[
    "ください",
    "下さい",
    "お願い",
    "いただ",
    "頂",
    "お待ち",
    "でしょうか",
    "ますか",
    "?",
    "？",
];
/// How far a Japanese clause or sentence is looked for, in characters.
const JA_REACH: usize = 500;
/// How many Japanese times are tried for a promise without `までに`.
const JA_TRIES: usize = 64;
/// What a Japanese promise without `までに` is about.
const JA_NEWS: &[&str] = &[
    "連絡",
    "電話",
    "返事",
    "返信",
    "回答",
    "結論",
    "決定",
    "お知らせ",
    "報告",
    "結果",
];
/// How a Japanese promise without `までに` ends: a polite future.
const JA_PROMISE_ENDS: &[&str] = &[
    "します",
    "いたします",
    "致します",
    "差し上げます",
    "申し上げます",
    "予定です",
    "予定でございます",
    "させていただきます",
    "させて頂きます",
];

/// Japanese: the clause with "までに" ("by ..."), or a sentence with a time
/// ("来週", "今週中", "明日", "年明け", a date) that promises news ("ご連絡",
/// "お電話", "結論", ...) in a polite future ("いたします"). Neither counts
/// in a request ("ご連絡ください").
fn promise_ja(ctx: &Context) -> Option<Found> {
    let lower = &ctx.body.lower;
    let is_start = |c: char| matches!(c, '、' | '。' | '\n' | '!' | '?' | '！' | '？');
    // Clauses and sentences are looked for at most JA_REACH characters
    // either way, so a body without any stop stays linear.
    let clause_start = |at: usize| {
        let head = lower.get(..at).unwrap_or("");
        let mut begin = head
            .char_indices()
            .rev()
            .nth(JA_REACH)
            .map_or(0, |(i, _)| i);
        for (i, c) in head.char_indices().rev().take(JA_REACH) {
            if is_start(c) {
                begin = i + c.len_utf8();
                break;
            }
        }
        begin
    };
    let sentence_end = |at: usize| {
        let tail = lower.get(at..).unwrap_or("");
        let limit = tail
            .char_indices()
            .nth(JA_REACH)
            .map_or(tail.len(), |(i, _)| i);
        at + tail
            .get(..limit)
            .and_then(|t| t.find(['。', '\n']))
            .unwrap_or(limit)
    };
    let found = |start: usize, end: usize, time: (usize, usize)| {
        let text = ctx.body.slice(start, end).trim();
        // "させていただきます" is a humble promise, not a request.
        let clause = lower
            .get(start..end)
            .unwrap_or("")
            .replace("させていただ", "")
            .replace("させて頂", "");
        let asks = JA_REQUESTS.iter().any(|r| clause.contains(r));
        (!text.is_empty() && !asks).then(|| Found {
            start,
            end,
            time,
            text: sanitize(text, 300).0,
        })
    };
    // "...までに..." ("by ...") ending a sentence with a notice verb.
    // The first that is not a request wins.
    for (at, _) in lower.match_indices("までに").take(JA_TRIES) {
        let start = clause_start(at);
        if let Some(promise) = found(start, sentence_end(at), (start, at)) {
            return Some(promise);
        }
    }
    // A time word in a sentence that promises news (the date only helps
    // read the time here; the day is resolved later, from `time`).
    let local = ctx.local.unwrap_or_default();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    let plain: Vec<char> = chars.iter().map(|(_, c)| *c).collect();
    let mut tried = 0;
    for (k, (at, c)) in chars.iter().enumerate() {
        if tried >= JA_TRIES {
            break;
        }
        if !matches!(*c, '\u{3040}'..='\u{30ff}' | '\u{4e00}'..='\u{9fff}' | '0'..='9' | '０'..='９')
        {
            continue;
        }
        // Digits inside a longer number are read from its first digit.
        if k > 0
            && plain
                .get(k - 1)
                .is_some_and(|p| p.is_ascii_digit() || ('０'..='９').contains(p))
        {
            continue;
        }
        let Some((len, _)) = crate::due::ja_time_at(&plain, k, local) else {
            continue;
        };
        tried += 1;
        let time_end = chars.get(k + len).map_or(lower.len(), |(i, _)| *i);
        let start = clause_start(*at);
        let end = sentence_end(*at);
        let sentence = lower.get(start..end).unwrap_or("");
        let news = JA_NEWS.iter().any(|w| sentence.contains(w));
        let promised = JA_PROMISE_ENDS
            .iter()
            .any(|e| sentence.trim_end_matches(['。', ' ']).ends_with(e));
        if news && promised {
            return found(start, end, (*at, time_end));
        }
    }
    None
}

/// English: a clause that starts with a promise wording and carries a time;
/// where it starts in the body, and its text. An absence between the
/// wording and the time ("I will be away next week") is not a promise.
fn promise_en(ctx: &Context) -> Option<Found> {
    let lower = &ctx.body.lower;
    let mut markers: Vec<(usize, usize)> = PROMISE_MARKERS
        .iter()
        .flat_map(|m| find_all(lower, m))
        .collect();
    markers.sort_unstable();
    for (ms, _) in markers {
        let (_, be) = sentence_bounds(lower, ms, ms);
        let clause = lower.get(ms..be).unwrap_or("");
        if clause.trim_end().ends_with('?') {
            continue;
        }
        let Some((ts, te)) = PROMISE_TIMES
            .iter()
            .filter_map(|t| find_all(clause, t).first().copied())
            .chain(crate::due::english_times(clause))
            .min()
        else {
            continue;
        };
        if crate::due::english_absence(clause.get(..te).unwrap_or("")) {
            continue;
        }
        // Let "New Year's" keep its "'s".
        let mut time_end = te;
        for s in ["'s", "\u{2019}s"] {
            if clause.get(time_end..).is_some_and(|r| r.starts_with(s)) {
                time_end += s.len();
            }
        }
        // Extend over the rest of the time words ("by the end of next week").
        let rest = clause.get(time_end..).unwrap_or("");
        let mut end = clause.trim_end_matches(['.', '!', ';', ' ']).len();
        if rest.starts_with(" to ") || rest.starts_with(", to ") {
            end = time_end;
        }
        let text = ctx.body.slice(ms, ms + end).trim();
        return Some(Found {
            start: ms,
            end: ms + end,
            time: (ms + ts, ms + time_end),
            text: sanitize(text, 300).0,
        });
    }
    None
}

fn reply(ctx: &Context, bulk: Option<(String, String)>) -> (Step, f32, Evidence) {
    if let Some((name, value)) = bulk {
        return (
            Step::Reply {
                promise_text: None,
                promise_what: None,
                promise_due: None,
            },
            0.3,
            header_evidence(&name, &value),
        );
    }
    let found = promise(ctx);
    let promise_what = found
        .as_ref()
        .map(|f| crate::due::what(ctx.body.lower.get(f.start..f.end).unwrap_or(&f.text)));
    let promise_due = found.as_ref().and_then(|f| {
        ctx.local
            .and_then(|local| crate::due::due(&ctx.body.lower, f.time, f.end, local))
    });
    let promise_text = found.map(|f| f.text);
    let confidence = if promise_text.is_some() { 0.45 } else { 0.4 };
    let evidence = match &promise_text {
        Some(p) => Evidence {
            source: EvidenceSource::Body,
            text: p.clone(),
        },
        None => {
            let first: String = ctx.body.original.chars().take(160).collect();
            if first.trim().is_empty() {
                header_evidence("Subject", &ctx.subject.original)
            } else {
                let (s, e) = sentence_bounds(&ctx.body.lower, 0, 0);
                let sentence = excerpt(&ctx.body.original, s, e, 160);
                Evidence {
                    source: EvidenceSource::Body,
                    text: sanitize(&sentence, EVIDENCE_CHARS).0,
                }
            }
        }
    };
    (
        Step::Reply {
            promise_text,
            promise_what,
            promise_due,
        },
        confidence,
        evidence,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn back(text: &str, today: NaiveDate) -> Option<NaiveDate> {
        return_date(&text.to_lowercase(), today).map(|r| r.back_on)
    }

    #[test]
    fn until_and_inclusive_rules() {
        let today = d(2009, 12, 31);
        assert_eq!(
            back(
                "I am out of the office until Friday 8 January inclusive.",
                today
            ),
            Some(d(2010, 1, 11))
        );
        assert_eq!(
            back("out of the office until Monday 11 January.", today),
            Some(d(2010, 1, 11))
        );
        // Until a Saturday: back the Monday after.
        assert_eq!(
            back("away until Saturday 9 January.", today),
            Some(d(2010, 1, 11))
        );
        assert_eq!(
            back("Ich bin bis einschließlich 4. Januar abwesend.", today),
            Some(d(2010, 1, 5))
        );
        assert_eq!(
            back("ich bin bis 11. Januar nicht im Büro", today),
            Some(d(2010, 1, 11))
        );
        assert_eq!(
            back("Je suis absent jusqu'au 8 janvier inclus.", today),
            Some(d(2010, 1, 11))
        );
        assert_eq!(
            back("Je suis en congés jusqu’au mercredi 6 janvier", today),
            Some(d(2010, 1, 6))
        );
        assert_eq!(
            back("hasta el viernes 9 de enero incluido", d(2026, 1, 2)),
            Some(d(2026, 1, 12))
        );
        assert_eq!(
            back("estaré de vuelta el 8 de enero", d(2009, 12, 23)),
            Some(d(2010, 1, 8))
        );
        assert_eq!(
            back("ich bin ab dem 7. Januar wieder im Büro", d(2009, 12, 28)),
            Some(d(2010, 1, 7))
        );
        assert_eq!(back("I'll get back to you then.", today), None);
    }

    #[test]
    fn money_and_percent() {
        let f = figures("a base salary of $145,000 per year and a bonus of 10% of base");
        assert_eq!(f.len(), 2);
        assert_eq!((f[0].value, f[0].currency), (145000.0, Some("USD")));
        assert!(f[1].percent && (f[1].value - 10.0).abs() < f64::EPSILON);
        let f = figures("jahresgehalt: €82.000 brutto, bis zu 8.000 € pro jahr");
        assert_eq!(
            f.iter().map(|x| x.value).collect::<Vec<_>>(),
            vec![82000.0, 8000.0]
        );
        let f = figures("fixe de 85\u{a0}000\u{a0}€ annuels et 10\u{a0}% du salaire");
        assert_eq!((f[0].value, f[0].currency), (85000.0, Some("EUR")));
        assert!(f[1].percent);
        let f = figures("£72,000 per annum");
        assert_eq!(f[0].currency, Some("GBP"));
    }
}
