//! Broken and hostile input: an error or a low-confidence reading, never a
//! panic, never an injected header in the output.

// Test helpers outside #[test] functions: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use followup_inbox::{LOW_CONFIDENCE, MAX_MESSAGE_BYTES, ReadError, ReadOptions, Reading, read};
use proptest::prelude::*;
use serde_json::Value;

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/mail")
}

fn no_injection(reading: &Reading) {
    let json = serde_json::to_string(reading).unwrap();
    let value: Value = serde_json::from_str(&json).unwrap();
    fn walk(v: &Value) {
        match v {
            Value::String(s) => assert!(
                !s.chars().any(char::is_control),
                "control character in {s:?}"
            ),
            Value::Array(a) => a.iter().for_each(walk),
            Value::Object(o) => o.values().for_each(walk),
            _ => {}
        }
    }
    walk(&value);
}

#[test]
fn hostile_corpus() {
    let list: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(dir().join("hostile/expected.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(list.len(), 14);
    println!("\n| file | outcome |\n|---|---|");
    for case in &list {
        let file = case["file"].as_str().unwrap();
        let raw = std::fs::read(dir().join("hostile").join(file)).unwrap();
        match read(&raw, &ReadOptions::default()) {
            Err(e) => println!("| {file} | error: {e} |"),
            Ok(reading) => {
                println!(
                    "| {file} | {} at {:.2}, defects {:?} |",
                    reading.class().as_str(),
                    reading.confidence,
                    reading.defects
                );
                assert!(
                    reading.confidence < LOW_CONFIDENCE,
                    "{file}: {} at {}",
                    reading.class().as_str(),
                    reading.confidence
                );
                no_injection(&reading);
                let json = serde_json::to_string(&reading).unwrap();
                assert!(!json.contains("\r\nBcc"), "{file}");
            }
        }
    }
}

#[test]
fn injected_headers_are_flattened() {
    for file in ["07-subject-encoded-crlf-bcc.eml", "08-from-name-crlf.eml"] {
        let raw = std::fs::read(dir().join("hostile").join(file)).unwrap();
        let reading = read(&raw, &ReadOptions::default()).unwrap();
        no_injection(&reading);
        assert!(
            reading
                .defects
                .iter()
                .any(|d| matches!(d, followup_inbox::Defect::HeaderInjection(_))),
            "{file}: {:?}",
            reading.defects
        );
    }
}

#[test]
fn empty_is_an_error() {
    assert_eq!(
        read(b"", &ReadOptions::default()).unwrap_err(),
        ReadError::Empty
    );
    assert_eq!(
        read(b"  \r\n", &ReadOptions::default()).unwrap_err(),
        ReadError::Empty
    );
}

#[test]
fn over_ten_megabytes_is_refused() {
    let mut raw = String::from(
        "From: a@example.com\r\nDate: Mon, 11 Jan 2010 10:00:00 -0500\r\nSubject: big\r\nMIME-Version: 1.0\r\n\
         Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\nhi\r\n--b\r\n\
         Content-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n",
    );
    let line = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAx\r\n";
    while raw.len() <= MAX_MESSAGE_BYTES {
        raw.push_str(line);
    }
    raw.push_str("--b--\r\n");
    match read(raw.as_bytes(), &ReadOptions::default()) {
        Err(ReadError::TooLarge { size, limit }) => {
            assert_eq!(size, raw.len());
            assert_eq!(limit, MAX_MESSAGE_BYTES);
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
    // Just under the limit is read (and the part is not text, so ignored).
    let mut under = raw.clone();
    under.truncate(MAX_MESSAGE_BYTES - 16);
    assert!(read(under.as_bytes(), &ReadOptions::default()).is_ok());
}

#[test]
fn two_hundred_nested_multiparts() {
    let mut raw = String::from(
        "From: a@example.com\r\nDate: Mon, 11 Jan 2010 10:00:00 -0500\r\nSubject: deep\r\nMIME-Version: 1.0\r\n",
    );
    for level in 0..200 {
        raw.push_str(&format!(
            "Content-Type: multipart/mixed; boundary=\"l{level}\"\r\n\r\n--l{level}\r\n"
        ));
    }
    raw.push_str(
        "Content-Type: text/plain\r\n\r\nwe have decided to move forward with other candidates\r\n",
    );
    for level in (0..200).rev() {
        raw.push_str(&format!("--l{level}--\r\n"));
    }
    let reading = read(raw.as_bytes(), &ReadOptions::default()).unwrap();
    assert!(reading.confidence < LOW_CONFIDENCE, "{reading:?}");
}

#[test]
fn random_bytes_never_panic() {
    // A fixed linear congruential generator: reproducible, no extra crate.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    for len in [1usize, 2, 7, 64, 512, 4096, 65_536] {
        for _ in 0..20 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state = state
                        .wrapping_mul(6_364_136_223_846_793_005)
                        .wrapping_add(1_442_695_040_888_963_407);
                    (state >> 56) as u8
                })
                .collect();
            if let Ok(reading) = read(&bytes, &ReadOptions::default()) {
                no_injection(&reading);
            }
        }
    }
}

fn corpus_files() -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for sub in ["", "hostile"] {
        for entry in std::fs::read_dir(dir().join(sub)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "eml") {
                files.push(std::fs::read(path).unwrap());
            }
        }
    }
    files.sort();
    files
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, failure_persistence: None, .. ProptestConfig::default() })]

    /// Every corpus file, mutated (bytes flipped, cut short, a slice repeated),
    /// reads without a panic and without a control character in the output.
    #[test]
    fn mutated_corpus_never_panics(
        which in any::<prop::sample::Index>(),
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..24),
        cut in any::<prop::sample::Index>(),
        do_cut in any::<bool>(),
        dup in any::<prop::sample::Index>(),
    ) {
        let files = corpus_files();
        let mut raw = files[which.index(files.len())].clone();
        if raw.is_empty() {
            raw.push(b'x');
        }
        for (at, byte) in flips {
            let i = at.index(raw.len());
            raw[i] = byte;
        }
        if do_cut {
            raw.truncate(cut.index(raw.len()) + 1);
        } else {
            let i = dup.index(raw.len());
            let slice = raw[i..(i + 200).min(raw.len())].to_vec();
            raw.splice(i..i, slice);
        }
        if let Ok(reading) = read(&raw, &ReadOptions::default()) {
            no_injection(&reading);
            prop_assert!((0.0..=1.0).contains(&reading.confidence));
        }
    }

    /// Arbitrary text after a plausible header block.
    #[test]
    fn arbitrary_bodies_never_panic(body in ".{0,2000}", subject in ".{0,200}") {
        let raw = format!(
            "From: a@example.com\r\nDate: Mon, 11 Jan 2010 10:00:00 -0500\r\nSubject: {subject}\r\n\r\n{body}"
        );
        if let Ok(reading) = read(raw.as_bytes(), &ReadOptions::default()) {
            no_injection(&reading);
        }
    }
}
