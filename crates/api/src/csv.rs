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
