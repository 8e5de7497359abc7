//! The fixture corpus in `tests/fixtures/mail/` is the specification: every
//! well-formed message is read and compared with `expected.json`.

// Test helpers outside #[test] functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use chrono_tz::Tz;
use followup_inbox::{Class, ReadOptions, Reading, Step, read};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mail")
}

fn expected() -> Vec<Value> {
    let text = std::fs::read_to_string(corpus_dir().join("expected.json")).unwrap();
    serde_json::from_str::<Value>(&text)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn class_of(name: &str) -> Class {
    Class::ALL.into_iter().find(|c| c.as_str() == name).unwrap()
}

fn read_file(file: &str, tz: Option<Tz>) -> Reading {
    let raw = std::fs::read(corpus_dir().join(file)).unwrap();
    read(&raw, &ReadOptions { contact_tz: tz }).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Every piece of decoded text of a message, whitespace collapsed, for
/// checking that the evidence is quoted and not invented.
fn searchable(file: &str) -> String {
    let raw = std::fs::read(corpus_dir().join(file)).unwrap();
    let message = mail_parser::MessageParser::default().parse(&raw).unwrap();
    let mut out = String::new();
    fn walk(m: &mail_parser::Message<'_>, out: &mut String) {
        for h in m.root_part().headers() {
            if let Some(t) = h.value().as_text() {
                out.push_str(t);
                out.push(' ');
            }
            let raw = m.raw_message();
            if let Some(b) = raw.get(h.offset_start() as usize..h.offset_end() as usize) {
                out.push_str(&String::from_utf8_lossy(b));
                out.push(' ');
            }
        }
        for part in &m.parts {
            match &part.body {
                mail_parser::PartType::Text(t) => out.push_str(t),
                mail_parser::PartType::Html(h) => {
                    out.push_str(h);
                    out.push(' ');
                    out.push_str(&strip_tags(h));
                }
                mail_parser::PartType::Message(inner) => walk(inner, out),
                mail_parser::PartType::Binary(b) | mail_parser::PartType::InlineBinary(b) => {
                    out.push_str(&String::from_utf8_lossy(b));
                }
                _ => {}
            }
            out.push(' ');
        }
    }
    walk(&message, &mut out);
    collapse(&out)
}

fn strip_tags(h: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in h.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&rsquo;", "\u{2019}")
        .replace("&amp;", "&")
        .replace("&nbsp;", "\u{a0}")
        .replace("&#39;", "'")
}

fn collapse(s: &str) -> String {
    s.split([' ', '\t', '\r', '\n'])
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn unfold_ics(s: &str) -> String {
    s.replace("\r\n ", "").replace("\n ", "")
}

#[test]
fn corpus() {
    let cases = expected();
    assert_eq!(cases.len(), 58);
    let mut table: BTreeMap<Class, (usize, usize, usize)> = BTreeMap::new();
    let mut failures: Vec<String> = Vec::new();
    let mut false_rejections = Vec::new();
    let mut right = 0;
    for case in &cases {
        let file = case["file"].as_str().unwrap();
        let want = class_of(case["class"].as_str().unwrap());
        // The contact's zone is passed for out-of-office fixtures, as the API
        // will when it knows it; the Date offset must give the same answer.
        let tz: Option<Tz> = case["contact_tz"].as_str().map(|z| z.parse().unwrap());
        let reading = read_file(file, tz);
        let got = reading.class();
        println!(
            "{file}: {} {:.2} [{}]",
            got.as_str(),
            reading.confidence,
            reading.evidence.text
        );
        let row = table.entry(want).or_default();
        row.0 += 1;
        if got == want {
            row.1 += 1;
            right += 1;
        } else {
            row.2 += 1;
            failures.push(format!(
                "{file}: class {got:?}, want {want:?} (evidence {:?})",
                reading.evidence.text
            ));
        }
        if got == Class::Rejection && want != Class::Rejection {
            false_rejections.push(file.to_owned());
        }
        assert!((0.0..=1.0).contains(&reading.confidence), "{file}");

        // Sender, always.
        let sender = reading.sender.as_ref().map(|m| m.address.as_str());
        if sender != case["sender"].as_str() {
            failures.push(format!(
                "{file}: sender {sender:?}, want {:?}",
                case["sender"]
            ));
        }
        // Forwards report the forwarder.
        if !case["forwarded"].is_null() {
            let fwd = reading.forwarded.map(|k| serde_json::to_value(k).unwrap());
            if fwd.as_ref() != Some(&case["forwarded"]) {
                failures.push(format!(
                    "{file}: forwarded {fwd:?}, want {}",
                    case["forwarded"]
                ));
            }
            if reading.forwarder.as_ref().map(|m| m.address.as_str())
                != Some("jane.doe@example.net")
            {
                failures.push(format!("{file}: forwarder {:?}", reading.forwarder));
            }
        }
        // The evidence is quoted from the message.
        let hay = searchable(file);
        let hay_ics = unfold_ics(&hay);
        if !hay.contains(&reading.evidence.text) && !hay_ics.contains(&reading.evidence.text) {
            let raw = String::from_utf8_lossy(&std::fs::read(corpus_dir().join(file)).unwrap())
                .into_owned();
            if !unfold_ics(&raw).contains(&reading.evidence.text) {
                failures.push(format!(
                    "{file}: evidence {:?} is not in the message",
                    reading.evidence.text
                ));
            }
        }
        // The per-class details.
        match (&reading.step, want) {
            (Step::OutOfOffice(ooo), Class::OutOfOffice) => {
                let back = ooo.back_on.map(|d| d.to_string());
                if back.as_deref() != case["back_on"].as_str() {
                    failures.push(format!(
                        "{file}: back_on {back:?}, want {}",
                        case["back_on"]
                    ));
                }
                // Without the contact's zone, the Date offset gives the same day.
                let without = read_file(file, None);
                if let Step::OutOfOffice(o) = without.step
                    && o.back_on.map(|d| d.to_string()).as_deref() != case["back_on"].as_str()
                {
                    failures.push(format!("{file}: back_on without a zone {:?}", o.back_on));
                }
            }
            (Step::Rejection { reason }, Class::Rejection)
                if Some(reason.as_str()) != case["rejection_reason"].as_str() =>
            {
                failures.push(format!(
                    "{file}: reason {reason:?}, want {}",
                    case["rejection_reason"]
                ));
            }
            (Step::Offer(offer), Class::Offer) => {
                let want = &case["offer"];
                let got = serde_json::json!({
                    "base": offer.base,
                    "currency": offer.currency,
                    "bonus_percent": offer.bonus_percent,
                    "bonus_amount": offer.bonus_amount,
                    "deadline": offer.deadline.map(|d| d.to_string()),
                });
                let num = |v: &Value| v.as_f64();
                let same = num(&got["base"]) == num(&want["base"])
                    && got["currency"] == want["currency"]
                    && num(&got["bonus_percent"]) == num(&want["bonus_percent"])
                    && num(&got["bonus_amount"]) == num(&want["bonus_amount"])
                    && got["deadline"] == want["deadline"];
                if !same {
                    failures.push(format!("{file}: offer {got}, want {want}"));
                }
            }
            (
                Step::InterviewInvitation(i) | Step::InterviewUpdate(i) | Step::InterviewCancel(i),
                Class::InterviewInvitation | Class::InterviewUpdate | Class::InterviewCancel,
            ) => {
                let want = &case["interview"];
                let got = serde_json::json!({
                    "uid": i.uid,
                    "sequence": i.sequence,
                    "start": i.start.map(|s| s.to_rfc3339()),
                    "tz": i.tz,
                    "method": i.method,
                    "confirmed": i.confirmed,
                });
                if &got != want {
                    failures.push(format!("{file}: interview {got}, want {want}"));
                }
            }
            (
                Step::Reply {
                    promise_text,
                    promise_what,
                    promise_due,
                },
                Class::Reply,
            ) => {
                if promise_text.as_deref() != case["promise_text"].as_str() {
                    failures.push(format!(
                        "{file}: promise {promise_text:?}, want {}",
                        case["promise_text"]
                    ));
                }
                // What was promised and by when: both null without a promise.
                let what = promise_what.map(|w| w.as_str());
                if what != case["promise_what"].as_str() {
                    failures.push(format!(
                        "{file}: promise_what {what:?}, want {}",
                        case["promise_what"]
                    ));
                }
                let due = promise_due.map(|d| d.to_string());
                if due.as_deref() != case["promise_due"].as_str() {
                    failures.push(format!(
                        "{file}: promise_due {due:?}, want {}",
                        case["promise_due"]
                    ));
                }
                // Every promise states what and by when (`null` when its time
                // names no day).
                if case["promise_text"].is_string()
                    && (!case["promise_what"].is_string()
                        || !case.as_object().unwrap().contains_key("promise_due"))
                {
                    failures.push(format!(
                        "{file}: a promise needs promise_what and promise_due in expected.json"
                    ));
                }
                // The wire shape the API stores, and a step stored before the
                // fields existed still reads.
                let json = serde_json::to_value(&reading.step).unwrap();
                if json["promise_what"] != case["promise_what"]
                    || json["promise_due"] != case["promise_due"]
                {
                    failures.push(format!("{file}: serialised step {json}"));
                }
                let back: Step = serde_json::from_value(json.clone()).unwrap();
                if back != reading.step {
                    failures.push(format!("{file}: step does not round-trip"));
                }
                let mut older = json;
                if let Some(fields) = older.as_object_mut() {
                    fields.remove("promise_what");
                    fields.remove("promise_due");
                }
                let older: Step = serde_json::from_value(older).unwrap();
                let want = Step::Reply {
                    promise_text: promise_text.clone(),
                    promise_what: None,
                    promise_due: None,
                };
                if older != want {
                    failures.push(format!("{file}: older step reads as {older:?}"));
                }
            }
            _ => {}
        }
    }

    println!("\n| class | count | right | wrong |\n|---|---|---|---|");
    let mut total = (0, 0, 0);
    for class in Class::ALL {
        let (n, r, w) = table.get(&class).copied().unwrap_or_default();
        println!("| {} | {n} | {r} | {w} |", class.as_str());
        total = (total.0 + n, total.1 + r, total.2 + w);
    }
    println!("| **total** | {} | {} | {} |\n", total.0, total.1, total.2);
    for f in &failures {
        println!("FAIL {f}");
    }
    assert!(
        false_rejections.is_empty(),
        "false rejections: {false_rejections:?}"
    );
    assert!(
        right * 100 >= cases.len() * 95,
        "{right}/{} classes right",
        cases.len()
    );
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
