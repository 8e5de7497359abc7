//! CSV cells for the API's CSV answers (the export, the organization
//! report): RFC 4180 quoting and formula neutralising.

/// One RFC 4180 field: quoted when it holds a comma, a quote or a line break.
pub fn csv_field(value: &str) -> String {
    if value.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value.to_owned()
    }
}

/// A text cell a spreadsheet will not run as a formula: one that starts
/// with `=`, `+`, `-`, `@`, a tab or a CR gets a `'` in front, as OWASP's
/// "CSV Injection" guidance advises. Only free-text columns (a company, a
/// title, a name) go through it; ids, stages, timestamps, dates and numbers are
/// written by the API and cannot start with those characters except a
/// number's `-`, which must stay a number.
pub fn text_cell(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{csv_field, text_cell};

    #[test]
    fn text_cells_that_a_spreadsheet_would_run_are_neutralised() {
        for (value, cell) in [
            ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
            ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
            ("-2+3", "'-2+3"),
            ("@SUM(1)", "'@SUM(1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("Acme", "Acme"),
            ("A=B", "A=B"),
            ("", ""),
        ] {
            assert_eq!(text_cell(value), cell, "{value}");
        }
    }

    #[test]
    fn fields_are_quoted_as_rfc_4180_says() {
        assert_eq!(csv_field("Acme"), "Acme");
        assert_eq!(csv_field("Acme, Inc."), "\"Acme, Inc.\"");
        assert_eq!(csv_field("the \"best\""), "\"the \"\"best\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}

/// A CSV text read into rows of fields (RFC 4180: quoted fields may hold
/// commas, doubled quotes and line breaks; CRLF or LF ends a row; blank
/// rows are skipped). Each row comes with its line number. An unclosed
/// quote is an error naming the line it opened on.
pub fn parse(text: &str) -> Result<Vec<(usize, Vec<String>)>, String> {
    let mut rows = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut chars = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .chars()
        .peekable();
    let (mut line, mut row_line, mut quoted_from) = (1, 1, None);
    let mut in_quotes = false;
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => {
                in_quotes = true;
                quoted_from = Some(line);
            }
            ',' => row.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(std::mem::take(&mut field));
                if row.iter().any(|f| !f.is_empty()) {
                    rows.push((row_line, std::mem::take(&mut row)));
                }
                row.clear();
                line += 1;
                row_line = line;
            }
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(format!(
            "a quoted field opened on line {} is never closed",
            quoted_from.unwrap_or(line)
        ));
    }
    row.push(field);
    if row.iter().any(|f| !f.is_empty()) {
        rows.push((row_line, row));
    }
    Ok(rows)
}

#[cfg(test)]
mod parse_tests {
    use super::parse;

    #[test]
    fn quoted_fields_line_breaks_and_blank_rows_read_as_rfc_4180_says() {
        let rows = parse("\u{feff}email,name\r\na@x.org,\"Doe, Jane\"\n\nb@x.org,\"say \"\"hi\"\"\nthere\"\nc@x.org,").unwrap();
        assert_eq!(
            rows,
            vec![
                (1, vec!["email".to_owned(), "name".to_owned()]),
                (2, vec!["a@x.org".to_owned(), "Doe, Jane".to_owned()]),
                (
                    4,
                    vec!["b@x.org".to_owned(), "say \"hi\"\nthere".to_owned()]
                ),
                (6, vec!["c@x.org".to_owned(), String::new()]),
            ]
        );
        assert!(parse("a,\"b\nc").unwrap_err().contains("line 1"));
    }
}
