//! Tone check: finds needy, pushy or pesky wording in a message before it is
//! sent (Cohen: "collaborative, not needy"; Wolkstein: "more than that gets
//! pesky"), with where it is and a suggested rewrite.
//!
//! Spans are **byte** offsets into the UTF-8 text, `start` inclusive and `end`
//! exclusive, always on character boundaries (`&text[start..end]` is the
//! matched text). Phrases match case-insensitively, with any run of
//! whitespace between words and either `'` or `’` for apostrophes, on word
//! boundaries. Overlapping findings keep the earliest, longest one.

use serde::{Deserialize, Serialize};

use crate::wire::wire_enum;

wire_enum! {
    /// What is wrong with the wording.
    pub enum ToneCategory as "tone category" {
        /// Pleading, desperate.
        Needy => "needy",
        /// Demanding, shouting.
        Pushy => "pushy",
        /// Nagging about the silence.
        Pesky => "pesky",
    }
}

/// Wording that sounds needy, pushy or pesky.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ToneFinding {
    /// Byte offset where it starts.
    pub start: usize,
    /// Byte offset where it ends (exclusive).
    pub end: usize,
    /// `needy`, `pushy` or `pesky`.
    pub category: ToneCategory,
    /// The words found.
    pub text: String,
    /// A better way to say it.
    pub suggestion: String,
}

/// Lowercase phrases; `' '` matches any whitespace run, `'\''` matches `'` or `’`.
const PHRASES: &[(&str, ToneCategory, &str)] = &[
    (
        "please, please",
        ToneCategory::Needy,
        "Ask once, plainly: \"Could you let me know where things stand?\"",
    ),
    (
        "please please",
        ToneCategory::Needy,
        "Ask once, plainly: \"Could you let me know where things stand?\"",
    ),
    (
        "i really need this job",
        ToneCategory::Needy,
        "I am very interested in this role.",
    ),
    (
        "i need this job",
        ToneCategory::Needy,
        "I am very interested in this role.",
    ),
    ("desperate", ToneCategory::Needy, "very interested"),
    ("desperately", ToneCategory::Needy, "very much"),
    ("begging", ToneCategory::Needy, "asking"),
    ("i beg you", ToneCategory::Needy, "I would appreciate it"),
    (
        "i'll do anything",
        ToneCategory::Needy,
        "I would be glad to help however is useful.",
    ),
    (
        "any news at all",
        ToneCategory::Needy,
        "Is there anything I can share to help your decision?",
    ),
    (
        "just checking in again",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "just checking in",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "checking in again",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "i haven't heard back",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "i have not heard back",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "i still haven't heard",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "haven't heard from you",
        ToneCategory::Pesky,
        "I wanted to get a sense of where things stand.",
    ),
    (
        "following up again",
        ToneCategory::Pesky,
        "I wanted to follow up on our conversation.",
    ),
    (
        "following up once more",
        ToneCategory::Pesky,
        "I wanted to follow up on our conversation.",
    ),
    (
        "as per my last email",
        ToneCategory::Pesky,
        "Leave it out; restate the point briefly.",
    ),
    (
        "per my last email",
        ToneCategory::Pesky,
        "Leave it out; restate the point briefly.",
    ),
    (
        "did you get my",
        ToneCategory::Pesky,
        "Leave it out; restate the point briefly.",
    ),
    (
        "another reminder",
        ToneCategory::Pesky,
        "I wanted to follow up on our conversation.",
    ),
    (
        "bumping this",
        ToneCategory::Pesky,
        "I wanted to follow up on our conversation.",
    ),
    (
        "i expect an answer",
        ToneCategory::Pushy,
        "I would welcome a sense of your timeline.",
    ),
    (
        "i expect a response",
        ToneCategory::Pushy,
        "I would welcome a sense of your timeline.",
    ),
    (
        "i expect to hear",
        ToneCategory::Pushy,
        "I would welcome a sense of your timeline.",
    ),
    ("i demand", ToneCategory::Pushy, "I would appreciate"),
    ("you must", ToneCategory::Pushy, "could you"),
    (
        "you need to respond",
        ToneCategory::Pushy,
        "could you let me know",
    ),
    (
        "why haven't you",
        ToneCategory::Pushy,
        "Could you let me know where things stand?",
    ),
    ("asap", ToneCategory::Pushy, "when you have a moment"),
    (
        "as soon as possible",
        ToneCategory::Pushy,
        "when you have a moment",
    ),
    ("final notice", ToneCategory::Pushy, "Leave it out."),
    ("last chance", ToneCategory::Pushy, "Leave it out."),
    // German: the same tones, with German suggestions.
    (
        "bitte, bitte",
        ToneCategory::Needy,
        "Fragen Sie einmal, schlicht: „Könnten Sie mir sagen, wo die Dinge stehen?“",
    ),
    (
        "bitte bitte",
        ToneCategory::Needy,
        "Fragen Sie einmal, schlicht: „Könnten Sie mir sagen, wo die Dinge stehen?“",
    ),
    (
        "ich brauche diesen job",
        ToneCategory::Needy,
        "Die Stelle interessiert mich sehr.",
    ),
    (
        "ich brauche diese stelle",
        ToneCategory::Needy,
        "Die Stelle interessiert mich sehr.",
    ),
    ("verzweifelt", ToneCategory::Needy, "sehr interessiert"),
    (
        "ich flehe sie an",
        ToneCategory::Needy,
        "Ich wäre Ihnen dankbar",
    ),
    (
        "ich tue alles",
        ToneCategory::Needy,
        "Ich helfe gern, wo es nützt.",
    ),
    (
        "ich wollte nur nachfragen",
        ToneCategory::Pesky,
        "Ich wollte gern wissen, wo die Dinge stehen.",
    ),
    (
        "ich wollte nur mal nachfragen",
        ToneCategory::Pesky,
        "Ich wollte gern wissen, wo die Dinge stehen.",
    ),
    (
        "ich wollte nur kurz nachfragen",
        ToneCategory::Pesky,
        "Ich wollte gern wissen, wo die Dinge stehen.",
    ),
    (
        "nur kurz nachhaken",
        ToneCategory::Pesky,
        "Ich wollte gern wissen, wo die Dinge stehen.",
    ),
    (
        "noch einmal nachhaken",
        ToneCategory::Pesky,
        "Ich komme gern auf unser Gespräch zurück.",
    ),
    (
        "nochmal nachhaken",
        ToneCategory::Pesky,
        "Ich komme gern auf unser Gespräch zurück.",
    ),
    (
        "ich habe noch nichts von ihnen gehört",
        ToneCategory::Pesky,
        "Ich wollte gern wissen, wo die Dinge stehen.",
    ),
    (
        "ich habe immer noch nichts gehört",
        ToneCategory::Pesky,
        "Ich wollte gern wissen, wo die Dinge stehen.",
    ),
    (
        "wie bereits in meiner letzten",
        ToneCategory::Pesky,
        "Lassen Sie es weg; fassen Sie den Punkt kurz zusammen.",
    ),
    (
        "haben sie meine",
        ToneCategory::Pesky,
        "Lassen Sie es weg; fassen Sie den Punkt kurz zusammen.",
    ),
    (
        "ich erwarte eine antwort",
        ToneCategory::Pushy,
        "Ich würde mich über einen Hinweis zu Ihrem Zeitplan freuen.",
    ),
    ("ich verlange", ToneCategory::Pushy, "Ich wäre dankbar für"),
    ("sie müssen", ToneCategory::Pushy, "könnten Sie"),
    (
        "so schnell wie möglich",
        ToneCategory::Pushy,
        "wenn Sie einen Moment haben",
    ),
    (
        "umgehend",
        ToneCategory::Pushy,
        "wenn Sie einen Moment haben",
    ),
    ("letzte chance", ToneCategory::Pushy, "Lassen Sie es weg."),
    (
        "letzte erinnerung",
        ToneCategory::Pushy,
        "Lassen Sie es weg.",
    ),
];

/// Words of at least this many letters in capitals are shouting; shorter
/// ones are taken for acronyms (CEO, NYC, SaaS) unless three or more capital
/// words run together ("CALL ME BACK").
const SHOUT_LETTERS: usize = 5;
const SHOUT_RUN: usize = 3;

/// Finds needy, pushy and pesky wording in `text`, in order of position.
pub fn tone_check(text: &str) -> Vec<ToneFinding> {
    tone_check_with_names(text, &[])
}

/// [`tone_check`], with the proper names the text uses (a company such as
/// `NVIDIA`, a contact, a title): a word of theirs in capitals is a name,
/// not shouting.
pub fn tone_check_with_names(text: &str, names: &[&str]) -> Vec<ToneFinding> {
    let names: std::collections::HashSet<&str> = names
        .iter()
        .flat_map(|n| n.split(|c: char| !c.is_alphanumeric()))
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    phrases(text, &mut found);
    capitals(text, &names, &mut found);
    punctuation(text, &mut found);
    found.sort_by(|a, b| a.start.cmp(&b.start).then(b.end.cmp(&a.end)));
    let mut kept: Vec<ToneFinding> = Vec::with_capacity(found.len());
    for finding in found {
        if kept.last().is_some_and(|last| finding.start < last.end) {
            continue;
        }
        kept.push(finding);
    }
    kept
}

fn finding(
    text: &str,
    start: usize,
    end: usize,
    category: ToneCategory,
    suggestion: String,
) -> ToneFinding {
    ToneFinding {
        start,
        end,
        category,
        text: text[start..end].to_owned(),
        suggestion,
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

fn word_boundary_before(text: &str, at: usize) -> bool {
    !text[..at].chars().next_back().is_some_and(is_word_char)
}

fn word_boundary_after(text: &str, at: usize) -> bool {
    !text[at..].chars().next().is_some_and(is_word_char)
}

fn phrases(text: &str, found: &mut Vec<ToneFinding>) {
    let bytes = text.as_bytes();
    for (start, &b) in bytes.iter().enumerate() {
        if !b.is_ascii_alphabetic() || !word_boundary_before(text, start) {
            continue;
        }
        let first = b.to_ascii_lowercase();
        for &(phrase, category, suggestion) in PHRASES {
            if phrase.as_bytes()[0] != first {
                continue;
            }
            if let Some(end) = match_phrase(bytes, start, phrase.as_bytes())
                && word_boundary_after(text, end)
            {
                found.push(finding(text, start, end, category, suggestion.to_owned()));
            }
        }
    }
}

/// The end of `phrase` matched at `start`, if it matches there.
fn match_phrase(text: &[u8], start: usize, phrase: &[u8]) -> Option<usize> {
    const CURLY: &[u8] = "’".as_bytes();
    let mut at = start;
    for &p in phrase {
        match p {
            b' ' => {
                let run = text[at..]
                    .iter()
                    .take_while(|b| b.is_ascii_whitespace())
                    .count();
                if run == 0 {
                    return None;
                }
                at += run;
            }
            b'\'' if text[at..].starts_with(CURLY) => at += CURLY.len(),
            _ => {
                if text.get(at).map(u8::to_ascii_lowercase) != Some(p) {
                    return None;
                }
                at += 1;
            }
        }
    }
    Some(at)
}

/// Shouting: a capitalised word of 5+ letters, or 3+ capital words in a row.
fn capitals(text: &str, names: &std::collections::HashSet<&str>, found: &mut Vec<ToneFinding>) {
    // (start, end, letters) of the current run of all-capital words.
    let mut run: Option<(usize, usize, usize, bool)> = None;
    let flush = |run: &mut Option<(usize, usize, usize, bool)>, found: &mut Vec<ToneFinding>| {
        if let Some((start, end, words, long)) = run.take()
            && (long || words >= SHOUT_RUN)
        {
            let shout = &text[start..end];
            found.push(finding(
                text,
                start,
                end,
                ToneCategory::Pushy,
                shout.to_lowercase(),
            ));
        }
    };
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        if !c.is_alphabetic() {
            if !c.is_whitespace() && !matches!(c, ',' | '-' | '\'' | '’') {
                flush(&mut run, found);
            }
            continue;
        }
        let mut end = start + c.len_utf8();
        let mut letters = 1;
        let mut upper = c.is_uppercase();
        while let Some(&(i, c)) = chars.peek() {
            if !c.is_alphanumeric() {
                break;
            }
            upper &= c.is_uppercase();
            letters += usize::from(c.is_alphabetic());
            end = i + c.len_utf8();
            chars.next();
        }
        if !upper || names.contains(&text[start..end]) {
            flush(&mut run, found);
            continue;
        }
        if letters < 2 {
            // "I", "A": part of a run, but not a word of it.
            continue;
        }
        let long = letters >= SHOUT_LETTERS;
        run = Some(match run {
            Some((s, _, words, l)) => (s, end, words + 1, l || long),
            None => (start, end, 1, long),
        });
    }
    flush(&mut run, found);
}

/// `?!`, `!!`, `??` and longer runs.
fn punctuation(text: &str, found: &mut Vec<ToneFinding>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if matches!(bytes[i], b'!' | b'?') {
            let end = i + bytes[i..]
                .iter()
                .take_while(|b| matches!(b, b'!' | b'?'))
                .count();
            if end - i >= 2 {
                let suggestion = if bytes[i..end].contains(&b'?') {
                    "?"
                } else {
                    "."
                };
                found.push(finding(
                    text,
                    i,
                    end,
                    ToneCategory::Pushy,
                    suggestion.to_owned(),
                ));
            }
            i = end;
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{ToneCategory, tone_check};

    fn found(text: &str) -> Vec<(&str, ToneCategory)> {
        tone_check(text)
            .into_iter()
            .map(|f| {
                assert_eq!(&text[f.start..f.end], f.text);
                (&text[f.start..f.end], f.category)
            })
            .collect()
    }

    #[test]
    fn german_nagging_pleading_and_demands_are_found() {
        assert_eq!(
            found("Hallo Ann, ich wollte nur nachfragen. Ich habe noch nichts von Ihnen gehört."),
            [
                ("ich wollte nur nachfragen", ToneCategory::Pesky),
                ("Ich habe noch nichts von Ihnen gehört", ToneCategory::Pesky),
            ]
        );
        assert_eq!(
            found("Bitte, bitte antworten Sie umgehend, ich brauche diesen Job."),
            [
                ("Bitte, bitte", ToneCategory::Needy),
                ("umgehend", ToneCategory::Pushy),
                ("ich brauche diesen Job", ToneCategory::Needy),
            ]
        );
        let finding = &tone_check("Ich wollte nur mal nachfragen.")[0];
        assert_eq!(
            finding.suggestion,
            "Ich wollte gern wissen, wo die Dinge stehen."
        );
    }

    #[test]
    fn every_builtin_draft_in_every_language_passes() {
        use crate::l10n::{Locale, localise_draft};
        for locale in Locale::all() {
            for mut draft in crate::drafts::tests::every_builtin_draft() {
                localise_draft(&mut draft, locale);
                let findings = tone_check(&draft.body);
                assert!(
                    findings.is_empty(),
                    "{locale}: {findings:?} in {}",
                    draft.body
                );
                if !locale.is_english() {
                    assert!(
                        !draft.body.contains("Thank you"),
                        "{locale}: {}",
                        draft.body
                    );
                }
            }
        }
    }

    #[test]
    fn pleading_is_needy() {
        assert_eq!(
            found("Please, please let me know. I really need this job."),
            [
                ("Please, please", ToneCategory::Needy),
                ("I really need this job", ToneCategory::Needy)
            ]
        );
        assert_eq!(
            found("I'm desperate."),
            [("desperate", ToneCategory::Needy)]
        );
    }

    #[test]
    fn nagging_about_silence_is_pesky() {
        assert_eq!(
            found("Just checking in again! I haven’t heard back. Following up again."),
            [
                ("Just checking in again", ToneCategory::Pesky),
                ("I haven’t heard back", ToneCategory::Pesky),
                ("Following up again", ToneCategory::Pesky)
            ]
        );
    }

    #[test]
    fn demands_and_shouting_are_pushy() {
        assert_eq!(
            found("I expect an answer ASAP; you must decide?!"),
            [
                ("I expect an answer", ToneCategory::Pushy),
                ("ASAP", ToneCategory::Pushy),
                ("you must", ToneCategory::Pushy),
                ("?!", ToneCategory::Pushy)
            ]
        );
        assert_eq!(
            found("PLEASE respond!!"),
            [("PLEASE", ToneCategory::Pushy), ("!!", ToneCategory::Pushy)]
        );
        assert_eq!(
            found("CALL ME BACK today"),
            [("CALL ME BACK", ToneCategory::Pushy)]
        );
        assert!(tone_check("I am VERY keen").is_empty());
        assert_eq!(tone_check("I am EXTREMELY keen")[0].suggestion, "extremely");
    }

    #[test]
    fn acronyms_and_ordinary_words_pass() {
        for text in [
            "I met the CEO and the VP of HR in NYC.",
            "Our SaaS and B2B work at IBM went well.",
            "I was so excited by our conversations, I just wanted to get a sense of where things stand.",
            "I could start immediately. Mustard? Yes! Pleased to help; mustn't; desperation aside.",
            "You mustn't worry; the asap-tool is a product name.",
        ] {
            let findings = tone_check(text);
            // The last line contains "asap" as a word in a compound: flagged, by design.
            if text.starts_with("You mustn't") {
                assert_eq!(findings.len(), 1, "{findings:?}");
            } else {
                assert!(findings.is_empty(), "{text}: {findings:?}");
            }
        }
    }

    #[test]
    fn spans_are_byte_offsets_in_utf8_text() {
        let text = "Café — I’m desperate";
        let f = &tone_check(text)[0];
        assert_eq!(f.text, "desperate");
        assert_eq!(f.start, text.find("desperate").unwrap());
        assert_eq!(f.end, text.len());
    }
}
