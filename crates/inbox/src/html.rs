//! HTML to plain text, without fetching anything: tags are dropped, the
//! contents of `<style>`, `<script>`, `<head>` and `<title>` go with them,
//! entities are decoded, and block elements become line breaks.

/// Turns an HTML document or fragment into text.
pub(crate) fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    let mut skip_until: Option<&'static str> = None;
    while !rest.is_empty() {
        if let Some(close) = skip_until {
            // Inside <style>/<script>: look for the closing tag, case-insensitively.
            match find_ci(rest, close) {
                Some(at) => {
                    rest = rest.get(at..).unwrap_or("");
                    skip_until = None;
                }
                None => break,
            }
            continue;
        }
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment
                .find("-->")
                .map_or("", |end| comment.get(end + 3..).unwrap_or(""));
            continue;
        }
        if rest.starts_with('<') {
            let end = tag_end(rest);
            let tag = rest.get(1..end).unwrap_or("");
            rest = rest.get((end + 1).min(rest.len())..).unwrap_or("");
            let (closing, name) = tag_name(tag);
            match name.as_str() {
                "style" | "script" | "head" | "title" if !closing => {
                    skip_until = Some(match name.as_str() {
                        "style" => "</style",
                        "script" => "</script",
                        "head" => "</head",
                        _ => "</title",
                    });
                }
                "br" | "p" | "div" | "tr" | "li" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6"
                | "table" | "blockquote" | "ul" | "ol" | "hr" | "pre" | "body" => out.push('\n'),
                "td" | "th" => out.push(' '),
                _ => {}
            }
            continue;
        }
        if rest.starts_with('&') {
            let (decoded, used) = entity(rest);
            out.push_str(&decoded);
            rest = rest.get(used..).unwrap_or("");
            continue;
        }
        let next = rest.find(['<', '&']).unwrap_or(rest.len());
        out.push_str(rest.get(..next).unwrap_or(""));
        rest = rest.get(next..).unwrap_or("");
    }
    // Source line breaks inside HTML are plain whitespace; make them spaces and
    // keep the line breaks that came from block elements.
    out.split('\n')
        .map(|line| line.replace(['\r', '\t'], " "))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Byte index of the `>` that ends the tag starting at `s[0] == '<'`,
/// skipping quoted attribute values. Returns `s.len()` when unterminated.
fn tag_end(s: &str) -> usize {
    let mut quote: Option<char> = None;
    for (i, c) in s.char_indices().skip(1) {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '>' => return i,
            None => {}
        }
    }
    s.len()
}

fn tag_name(tag: &str) -> (bool, String) {
    let t = tag.trim_start();
    let (closing, t) = match t.strip_prefix('/') {
        Some(r) => (true, r),
        None => (false, t),
    };
    let name: String = t
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
        .collect::<String>()
        .to_ascii_lowercase();
    (closing, name)
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.char_indices().map(|(i, _)| i).find(|&i| {
        hay.get(i..i + n)
            .is_some_and(|w| w.eq_ignore_ascii_case(needle))
    })
}

/// Decodes the entity at the start of `s` (which starts with `&`). Returns the
/// text and the bytes consumed; an unknown entity is kept as a literal `&`.
fn entity(s: &str) -> (String, usize) {
    let body: String = s
        .chars()
        .skip(1)
        .take(12)
        .take_while(|c| *c != ';')
        .collect();
    let has_semicolon = s.get(1 + body.len()..).is_some_and(|t| t.starts_with(';'));
    if !has_semicolon || body.is_empty() {
        return ("&".to_owned(), 1);
    }
    let used = body.len() + 2;
    let decoded = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse::<u32>().ok(),
        };
        code.and_then(char::from_u32)
            .filter(|c| !c.is_control() || *c == '\n')
            .map(String::from)
    } else {
        named(&body).map(String::from)
    };
    match decoded {
        Some(text) => (text, used),
        None => ("&".to_owned(), 1),
    }
}

fn named(name: &str) -> Option<&'static str> {
    Some(match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => "\u{a0}",
        "rsquo" => "\u{2019}",
        "lsquo" => "\u{2018}",
        "rdquo" => "\u{201d}",
        "ldquo" => "\u{201c}",
        "ndash" => "\u{2013}",
        "mdash" => "\u{2014}",
        "hellip" => "\u{2026}",
        "middot" => "\u{b7}",
        "bull" => "\u{2022}",
        "copy" => "\u{a9}",
        "reg" => "\u{ae}",
        "trade" => "\u{2122}",
        "euro" => "\u{20ac}",
        "pound" => "\u{a3}",
        "yen" => "\u{a5}",
        "cent" => "\u{a2}",
        "sect" => "\u{a7}",
        "deg" => "\u{b0}",
        "times" => "\u{d7}",
        "laquo" => "\u{ab}",
        "raquo" => "\u{bb}",
        "thinsp" => "\u{2009}",
        "ensp" => "\u{2002}",
        "emsp" => "\u{2003}",
        "zwnj" => "\u{200c}",
        "zwj" => "\u{200d}",
        "shy" => "\u{ad}",
        "iexcl" => "\u{a1}",
        "iquest" => "\u{bf}",
        "agrave" => "à",
        "aacute" => "á",
        "acirc" => "â",
        "atilde" => "ã",
        "auml" => "ä",
        "aring" => "å",
        "aelig" => "æ",
        "ccedil" => "ç",
        "egrave" => "è",
        "eacute" => "é",
        "ecirc" => "ê",
        "euml" => "ë",
        "igrave" => "ì",
        "iacute" => "í",
        "icirc" => "î",
        "iuml" => "ï",
        "ntilde" => "ñ",
        "ograve" => "ò",
        "oacute" => "ó",
        "ocirc" => "ô",
        "otilde" => "õ",
        "ouml" => "ö",
        "oslash" => "ø",
        "ugrave" => "ù",
        "uacute" => "ú",
        "ucirc" => "û",
        "uuml" => "ü",
        "yacute" => "ý",
        "szlig" => "ß",
        "Agrave" => "À",
        "Aacute" => "Á",
        "Acirc" => "Â",
        "Auml" => "Ä",
        "Ccedil" => "Ç",
        "Egrave" => "È",
        "Eacute" => "É",
        "Ecirc" => "Ê",
        "Iacute" => "Í",
        "Ntilde" => "Ñ",
        "Oacute" => "Ó",
        "Ouml" => "Ö",
        "Uacute" => "Ú",
        "Uuml" => "Ü",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::to_text;
    use crate::text::collapse;

    #[test]
    fn strips_style_script_and_tags() {
        let html = "<html><head><style>p{color:red}</style></head><body><p>Hi&nbsp;Jane,</p>\
                    <script>alert(1)</script><div>We&rsquo;ll call &amp; write<br>soon</div>\
                    <img src=\"https://px.example.com/t.gif\"></body></html>";
        let text = to_text(html);
        assert!(!text.contains("color"));
        assert!(!text.contains("alert"));
        assert!(text.contains("Hi\u{a0}Jane,"));
        assert!(text.contains("We\u{2019}ll call & write\nsoon"));
    }

    #[test]
    fn numeric_entities_and_unknown_ones() {
        assert_eq!(
            collapse(&to_text("It&#39;s &#x2014; &bogus; & fine")),
            "It's \u{2014} &bogus; & fine"
        );
    }

    #[test]
    fn unterminated_tag_does_not_loop() {
        assert_eq!(to_text("text <b"), "text ");
        assert_eq!(to_text("<style>never closed"), "");
    }
}
