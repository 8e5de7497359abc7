//! Text helpers: a case-folded view that keeps byte offsets, whitespace
//! collapsing, sentence bounds, and the sanitiser for output fields.

/// A text with a lower-cased twin of exactly the same byte layout, so a match
/// found in `lower` can be cut out of `original` at the same offsets.
#[derive(Debug, Clone)]
pub(crate) struct Folded {
    pub original: String,
    pub lower: String,
}

impl Folded {
    /// Folds `text`. Characters whose lower case has another UTF-8 length
    /// (rare, e.g. `İ`) stay as they are. Curly apostrophes fold to `'`
    /// only in `lower` when lengths allow; they do not (3 bytes vs 1), so
    /// matchers accept both spellings instead.
    pub fn new(text: &str) -> Self {
        let mut lower = String::with_capacity(text.len());
        for c in text.chars() {
            let mut l = c.to_lowercase();
            let single = match (l.next(), l.next()) {
                (Some(x), None) if x.len_utf8() == c.len_utf8() => Some(x),
                _ => None,
            };
            lower.push(single.unwrap_or(c));
        }
        Self {
            original: text.to_owned(),
            lower,
        }
    }

    /// The original text between two byte offsets of `lower` (clamped).
    pub fn slice(&self, start: usize, end: usize) -> &str {
        let end = end.min(self.original.len());
        let start = start.min(end);
        self.original.get(start..end).unwrap_or("")
    }
}

/// Collapses runs of ASCII whitespace (space, tab, CR, LF, FF) to one space and
/// trims. No-break spaces are kept, as the corpus README asks.
pub(crate) fn collapse(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending = false;
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\r' | '\n' | '\x0b' | '\x0c') {
            pending = true;
        } else {
            if pending && !out.is_empty() {
                out.push(' ');
            }
            pending = false;
            out.push(c);
        }
    }
    out
}

/// Makes a value safe to hand on: control characters (CR and LF included, so
/// no header can be smuggled through) become spaces, runs of spaces collapse,
/// and the result is cut to `max` characters. Returns the clean text and
/// whether anything had to be removed.
pub(crate) fn sanitize(value: &str, max: usize) -> (String, bool) {
    let mut dirty = false;
    let mut cleaned = String::with_capacity(value.len());
    for c in value.chars() {
        if c.is_control() || c == '\u{2028}' || c == '\u{2029}' {
            if c != '\t' {
                dirty = true;
            }
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    let collapsed = collapse(&cleaned);
    let cut: String = collapsed.chars().take(max).collect();
    (cut.trim().to_owned(), dirty)
}

/// Is the byte at `i` of `s` the start of a word (no letter or digit before)?
pub(crate) fn word_start(s: &str, i: usize) -> bool {
    s.get(..i)
        .and_then(|head| head.chars().next_back())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// Is the byte at `i` of `s` the end of a word (no letter or digit after)?
pub(crate) fn word_end(s: &str, i: usize) -> bool {
    s.get(i..)
        .and_then(|tail| tail.chars().next())
        .is_none_or(|c| !c.is_alphanumeric())
}

/// All word-bounded occurrences of `needle` (already lower case) in `hay`.
/// Straight and curly apostrophes in the needle match either spelling.
pub(crate) fn find_all(hay: &str, needle: &str) -> Vec<(usize, usize)> {
    let mut hits = Vec::new();
    let variants = apostrophe_variants(needle);
    for v in &variants {
        let mut from = 0;
        while let Some(pos) = hay.get(from..).and_then(|t| t.find(v.as_str())) {
            let start = from + pos;
            let end = start + v.len();
            if word_start(hay, start) && word_end(hay, end) {
                hits.push((start, end));
            }
            from = start + v.len().max(1);
            while !hay.is_char_boundary(from) && from < hay.len() {
                from += 1;
            }
        }
    }
    hits.sort_unstable();
    hits.dedup();
    hits
}

/// The first word-bounded occurrence of any of `needles`, earliest in the text.
pub(crate) fn find_any(hay: &str, needles: &[&str]) -> Option<(usize, usize)> {
    needles
        .iter()
        .filter_map(|n| find_all(hay, n).into_iter().next())
        .min()
}

fn apostrophe_variants(needle: &str) -> Vec<String> {
    if needle.contains('\'') {
        vec![needle.to_owned(), needle.replace('\'', "\u{2019}")]
    } else {
        vec![needle.to_owned()]
    }
}

/// Byte bounds of the sentence around `[start, end)`: it runs from after the
/// previous `.`, `!`, `?`, `;`, `。` (or a line break when `lines` is set) to
/// the next one, included.
pub(crate) fn sentence_bounds(s: &str, start: usize, end: usize) -> (usize, usize) {
    let is_stop = |c: char| matches!(c, '.' | '!' | '?' | ';' | '。' | '\n');
    let head = s.get(..start).unwrap_or("");
    // A sentence is looked for at most this far either way.
    const REACH: usize = 1000;
    let mut begin = head.char_indices().rev().nth(REACH).map_or(0, |(i, _)| i);
    for (i, c) in head.char_indices().rev().take(REACH) {
        if is_stop(c) && !is_abbreviation_dot(head, i, c) {
            begin = i + c.len_utf8();
            break;
        }
    }
    let tail = s.get(end..).unwrap_or("");
    let mut finish = tail
        .char_indices()
        .nth(REACH)
        .map_or(s.len(), |(i, _)| end + i);
    for (i, c) in tail.char_indices().take(REACH) {
        if is_stop(c) && !is_abbreviation_dot(tail, i, c) {
            finish = end + i + if c == '\n' { 0 } else { c.len_utf8() };
            break;
        }
    }
    (begin, finish)
}

/// A dot right after a digit that is followed by a space and a letter or digit
/// ("7. Januar", "11. Januar") is an ordinal, not a full stop; so is a dot
/// between digits ("82.000").
pub(crate) fn is_abbreviation_dot(s: &str, i: usize, c: char) -> bool {
    if c != '.' {
        return false;
    }
    let before = s.get(..i).and_then(|h| h.chars().next_back());
    let after: Vec<char> = s
        .get(i + 1..)
        .map(|t| t.chars().take(2).collect())
        .unwrap_or_default();
    let digit_before = before.is_some_and(|b| b.is_ascii_digit());
    // Digits right before the dot: an ordinal has one or two ("7.", "11."),
    // a year ("2010. Merci") ends a sentence.
    let run = s
        .get(..i)
        .map(|h| h.chars().rev().take_while(char::is_ascii_digit).count())
        .unwrap_or(0);
    match after.as_slice() {
        [d, ..] if d.is_ascii_digit() && digit_before => true,
        // "7. Januar", "11. Januar": a German ordinal.
        [' ', n, ..] if digit_before && run <= 2 && n.is_alphabetic() => true,
        _ => false,
    }
}

/// Cuts an excerpt of at most `max` characters around `[start, end)` of `s`,
/// on char boundaries, without adding anything.
pub(crate) fn excerpt(s: &str, start: usize, end: usize, max: usize) -> String {
    let piece = s.get(start..end.min(s.len())).unwrap_or("");
    let trimmed = piece.trim();
    if trimmed.chars().count() <= max {
        return trimmed.to_owned();
    }
    trimmed
        .chars()
        .take(max)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_keeps_nbsp() {
        assert_eq!(collapse("  a \r\n\t b\u{a0}c "), "a b\u{a0}c");
    }

    #[test]
    fn sanitize_removes_line_breaks() {
        let (clean, dirty) = sanitize("Hello\r\nBcc: x@y", 100);
        assert_eq!(clean, "Hello Bcc: x@y");
        assert!(dirty);
    }

    #[test]
    fn word_bounded_find() {
        assert!(find_all("absagen", "absage").is_empty());
        assert_eq!(find_all("die absage kam", "absage"), vec![(4, 10)]);
        assert_eq!(find_all("we\u{2019}ll call", "we'll").len(), 1);
    }

    #[test]
    fn sentence_skips_ordinal_dots() {
        let s = "Hallo. Ich bin ab dem 7. Januar wieder da. Gruss";
        let at = s.find("ab dem").unwrap_or(0);
        let (b, e) = sentence_bounds(s, at, at + 6);
        assert_eq!(s[b..e].trim(), "Ich bin ab dem 7. Januar wieder da.");
    }
}
