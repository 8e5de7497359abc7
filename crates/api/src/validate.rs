//! Field validation shared by the handlers: each check returns the value in
//! its normal form or a [`FieldError`] naming the field.

use chrono::{NaiveDate, NaiveTime};
use followup_core::{BusinessHours, TimeZone};

use crate::error::{FieldCode, FieldError};
use crate::views::WeekHours;

/// Collects field errors, so one response names every invalid field.
#[derive(Debug, Default)]
pub struct Errors(Vec<FieldError>);

impl From<Vec<FieldError>> for Errors {
    fn from(errors: Vec<FieldError>) -> Self {
        Self(errors)
    }
}

impl Errors {
    /// Keeps `result`'s value, or records its error.
    pub fn check<T>(&mut self, result: Result<T, FieldError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(err) => {
                self.0.push(err);
                None
            }
        }
    }

    /// Records an error.
    pub fn push(&mut self, field: &str, code: FieldCode, message: impl Into<String>) {
        self.0.push(FieldError::new(field, code, message));
    }

    /// Records an error made elsewhere.
    pub fn add(&mut self, error: FieldError) {
        self.0.push(error);
    }

    /// What was recorded.
    pub fn into_inner(self) -> Vec<FieldError> {
        self.0
    }

    /// `Ok` when nothing was recorded, else the 422.
    pub fn finish(self) -> Result<(), crate::error::ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(crate::error::ApiError::Validation(self.0))
        }
    }
}

/// Trimmed and lower-cased; one `@`, a dotted domain, no spaces, ≤ 254 bytes.
pub fn email(field: &str, raw: &str) -> Result<String, FieldError> {
    let email = raw.trim().to_lowercase();
    let valid = email.len() <= 254
        && !email.chars().any(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        });
    if valid {
        Ok(email)
    } else {
        Err(FieldError::new(
            field,
            FieldCode::NotAnEmail,
            format!("`{}` is not an email address", raw.trim()),
        ))
    }
}

/// At least 10 characters, at most 1024, and not the account's email.
pub fn password(field: &str, password: &str, email: Option<&str>) -> Result<(), FieldError> {
    let length = password.chars().count();
    if length < 10 {
        return Err(FieldError::too_short(field, 10));
    }
    if length > 1024 {
        return Err(FieldError::too_long(field, 1024));
    }
    if email.is_some_and(|e| e.eq_ignore_ascii_case(password.trim())) {
        return Err(FieldError::new(
            field,
            FieldCode::NotAllowed,
            "must not be the email address",
        )
        .with("reason", "same_as_email"));
    }
    Ok(())
}

/// Trimmed, 1–100 characters, no control characters.
pub fn name(field: &str, raw: &str, max: usize) -> Result<String, FieldError> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(FieldError::new(
            field,
            FieldCode::Empty,
            "must not be empty",
        ));
    }
    // The limit is the schema's `maxLength`, on the text as sent: JSON
    // Schema counts the whitespace that is trimmed here.
    if raw.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    if name.chars().any(char::is_control) {
        return Err(FieldError::new(
            field,
            FieldCode::ControlCharacters,
            "must not contain control characters",
        ));
    }
    Ok(name.to_owned())
}

/// An IANA time zone name, e.g. `America/New_York`.
pub fn timezone(field: &str, raw: &str) -> Result<chrono_tz::Tz, FieldError> {
    TimeZone::parse(raw.trim()).map(TimeZone::tz).map_err(|_| {
        FieldError::new(
            field,
            FieldCode::NotATimeZone,
            format!("`{}` is not an IANA time zone", raw.trim()),
        )
    })
}

/// A language the API writes in: a BCP 47 tag of one of the translations,
/// read loosely (`de-AT`, `DE` are `de`).
pub fn locale(field: &str, raw: &str) -> Result<followup_core::l10n::Locale, FieldError> {
    followup_core::l10n::Locale::parse(raw).ok_or_else(|| {
        FieldError::unknown_value(field, raw.trim(), &followup_core::l10n::Locale::tags())
    })
}

/// Opening hours that make a valid week: `HH:MM`, opening before closing,
/// at least one open day.
pub fn week_hours(field: &str, hours: &WeekHours) -> Result<BusinessHours, FieldError> {
    let mut days = [None; 7];
    for (slot, (day, hours)) in days.iter_mut().zip(hours.days()) {
        if let Some(hours) = hours {
            let parse = |which: &str, value: &str| {
                NaiveTime::parse_from_str(value, "%H:%M").map_err(|_| {
                    FieldError::new(
                        format!("{field}.{day}.{which}"),
                        FieldCode::InvalidTime,
                        format!("`{value}` is not a time of day (HH:MM)"),
                    )
                    .with("format", "HH:MM")
                })
            };
            *slot = Some((parse("start", &hours.start)?, parse("end", &hours.end)?));
        }
    }
    BusinessHours::new(days).map_err(|e| business_hours_error(field, &e))
}

fn business_hours_error(field: &str, err: &followup_core::CalendarError) -> FieldError {
    use followup_core::CalendarError;
    match err {
        CalendarError::EmptyDay { weekday, .. } => {
            FieldError::new(field, FieldCode::WrongOrder, err.to_string())
                .with("day", weekday.to_string().to_lowercase())
        }
        CalendarError::NoOpenDay => FieldError::new(field, FieldCode::Required, err.to_string()),
        other => FieldError::new(field, FieldCode::Invalid, other.to_string()),
    }
}

/// Up to 1,000 distinct dates.
pub fn holidays(field: &str, dates: &[NaiveDate]) -> Result<Vec<NaiveDate>, FieldError> {
    if dates.len() > 1000 {
        return Err(FieldError::too_many(field, 1000, "holidays"));
    }
    let mut dates = dates.to_vec();
    dates.sort_unstable();
    dates.dedup();
    Ok(dates)
}

/// A playbook reference: a built-in's name, or a custom playbook's id
/// (whether that one exists and may be used is checked against the store
/// by `routes::playbooks::check_reference`).
pub fn playbook(field: &str, raw: &str) -> Result<String, FieldError> {
    let reference = raw.trim();
    if reference.parse::<followup_core::BuiltinPlaybook>().is_ok()
        || uuid::Uuid::try_parse(reference).is_ok()
    {
        Ok(reference.to_owned())
    } else {
        Err(FieldError::new(
            field,
            FieldCode::UnknownValue,
            format!(
                "`{reference}` is not a playbook; built in: {}; or a custom playbook's id",
                followup_core::BuiltinPlaybook::ALL
                    .iter()
                    .map(|b| b.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
        .with(
            "allowed",
            followup_core::BuiltinPlaybook::ALL
                .iter()
                .map(|b| b.as_str())
                .collect::<Vec<_>>(),
        ))
    }
}

/// Free text: `None` when absent or blank, else trimmed; at most `max`
/// characters (counted before trimming, as JSON Schema's `maxLength` counts).
pub fn optional_text(
    field: &str,
    value: Option<String>,
    max: usize,
) -> Result<Option<String>, FieldError> {
    let Some(value) = value else { return Ok(None) };
    if value.chars().count() > max {
        return Err(FieldError::too_long(field, max));
    }
    Ok(Some(value.trim().to_owned()).filter(|v| !v.is_empty()))
}

/// A phone number as people write it: digits, spaces, `+` (first only), `-`,
/// `(`, `)` and `.`, with 7 to 15 digits. Stored as `+` (when given) and the
/// digits: `+1 (212) 555-0100` → `+12125550100`.
pub fn phone(field: &str, raw: &str) -> Result<String, FieldError> {
    let trimmed = raw.trim();
    let invalid = || {
        FieldError::new(
            field,
            FieldCode::NotAPhoneNumber,
            format!(
                "`{trimmed}` is not a phone number: use digits, spaces, +, -, (, ), . and at least 7 digits"
            ),
        )
    };
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    if !rest
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '(' | ')' | '.'))
    {
        return Err(invalid());
    }
    let digits: String = rest.chars().filter(char::is_ascii_digit).collect();
    if !(7..=15).contains(&digits.len()) {
        return Err(invalid());
    }
    Ok(if plus { format!("+{digits}") } else { digits })
}

/// The fields whose text may hold tabs and line breaks: notes, reasons,
/// profile answers, the text of a tone check, and passwords (which are
/// never shown, and may have been chosen with a tab). Every other string —
/// names, emails, titles, ids, dates, enums — is one line.
pub const MULTI_LINE_FIELDS: [&str; 9] = [
    "notes",
    "reason",
    "text",
    "evidence",
    "first_six_months",
    "comparison",
    "competitors",
    "process_position",
    "password",
];

/// Whether `c` is a C0 control character or DEL, which no text of this API
/// holds (PostgreSQL cannot even store U+0000 in text). Tab, CR and LF are
/// controls too; [`control_characters`] lets them into multi-line fields.
pub fn is_control(c: char) -> bool {
    c <= '\u{1f}' || c == '\u{7f}'
}

/// Every string of a JSON body (and every key) that holds a control
/// character, as errors naming the field (`criteria[2].evidence`). Tab, CR
/// and LF are allowed in the [`MULTI_LINE_FIELDS`] only.
pub fn control_characters(body: &serde_json::Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    walk(body, "", false, &mut errors);
    errors
}

fn walk(value: &serde_json::Value, path: &str, multi_line: bool, errors: &mut Vec<FieldError>) {
    match value {
        serde_json::Value::String(text) => {
            let allowed = |c: char| multi_line && matches!(c, '\t' | '\r' | '\n');
            if text.chars().any(|c| is_control(c) && !allowed(c)) {
                errors.push(FieldError::new(
                    path_or_body(path),
                    FieldCode::ControlCharacters,
                    if multi_line {
                        "must not contain control characters other than tab, CR and LF"
                    } else {
                        "must not contain control characters (tab and line breaks included)"
                    },
                ));
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), multi_line, errors);
            }
        }
        serde_json::Value::Object(fields) => {
            for (key, item) in fields {
                let field = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                if key.chars().any(is_control) {
                    errors.push(FieldError::new(
                        path_or_body(path),
                        FieldCode::ControlCharacters,
                        "a key must not contain control characters",
                    ));
                    continue;
                }
                walk(
                    item,
                    &field,
                    MULTI_LINE_FIELDS.contains(&key.as_str()),
                    errors,
                );
            }
        }
        serde_json::Value::Null | serde_json::Value::Bool(_) | serde_json::Value::Number(_) => {}
    }
}

fn path_or_body(path: &str) -> &str {
    if path.is_empty() { "body" } else { path }
}

/// The id of a record being created: the client's own (`id` in the body: a
/// UUIDv7, RFC 9562, made by an app that created the record offline), in
/// its canonical lower-case form, or a new one.
pub fn new_id(errors: &mut Errors, given: Option<String>) -> String {
    let Some(given) = given else {
        return uuid::Uuid::now_v7().to_string();
    };
    match uuid::Uuid::parse_str(given.trim()) {
        Ok(id) if id.get_version_num() == 7 => id.hyphenated().to_string(),
        _ => {
            errors.push(
                "id",
                FieldCode::InvalidFormat,
                "must be a UUIDv7 (RFC 9562) made by the client, e.g. \
                 01890a5d-ac96-774b-bcce-b302099a8057; leave it out to let the server make one",
            );
            uuid::Uuid::now_v7().to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::DayHours;

    #[test]
    fn control_characters_are_named_and_line_breaks_kept_in_multi_line_text() {
        let body = serde_json::json!({
            "name": "Ac\u{0}me",
            "notes": "line one\r\n\tline two",
            "reason": "bell\u{7}",
            "criteria": [{"name": "ok", "evidence": "a\nb"}, {"name": "tab\there"}],
            "email": "a\u{0}b@x.com",
            "del\u{7f}": 1,
        });
        let mut fields: Vec<String> = control_characters(&body)
            .into_iter()
            .map(|e| e.field)
            .collect();
        fields.sort();
        assert_eq!(
            fields,
            ["body", "criteria[1].name", "email", "name", "reason"]
        );
        assert!(
            control_characters(&serde_json::json!({"notes": "a\tb\nc\rd", "name": "é€"}))
                .is_empty()
        );
    }

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            email("email", "  Jane@Example.COM ").unwrap(),
            "jane@example.com"
        );
        for bad in [
            "",
            "jane",
            "jane@",
            "@example.com",
            "jane@example",
            "ja ne@example.com",
            "a@b@c.d",
        ] {
            assert!(email("email", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_trimmed_but_limited_as_sent() {
        assert_eq!(name("name", "  Acme  ", 10).unwrap(), "Acme");
        // What the schema's maxLength sees: 11 characters, the space included.
        assert!(name("name", "\u{a0}1234567890", 10).is_err());
        assert!(name("name", "1234567890", 10).is_ok());
        assert!(name("name", " \u{a0} ", 10).is_err());
    }

    #[test]
    fn passwords_need_ten_characters_and_must_not_be_the_email() {
        assert!(password("password", "short", None).is_err());
        assert!(password("password", "jane@example.com", Some("jane@example.com")).is_err());
        assert!(password("password", "a long enough one", Some("jane@example.com")).is_ok());
    }

    #[test]
    fn week_hours_name_the_bad_day() {
        let mut hours = WeekHours::standard();
        assert!(week_hours("business_hours", &hours).is_ok());
        hours.tue = Some(DayHours {
            start: "9am".to_owned(),
            end: "17:00".to_owned(),
        });
        assert_eq!(
            week_hours("business_hours", &hours).unwrap_err().field,
            "business_hours.tue.start"
        );
        hours.tue = Some(DayHours {
            start: "18:00".to_owned(),
            end: "17:00".to_owned(),
        });
        assert!(week_hours("business_hours", &hours).is_err());
        assert!(
            week_hours("business_hours", &WeekHours::default()).is_err(),
            "no open day"
        );
    }

    #[test]
    fn phone_numbers_are_normalised_to_their_digits() {
        assert_eq!(
            phone("phone", " +1 (212) 555-0100 ").unwrap(),
            "+12125550100"
        );
        assert_eq!(phone("phone", "030.123.4567").unwrap(), "0301234567");
        for bad in [
            "",
            "12345",
            "555-CALL-NOW",
            "1+2125550100",
            "++12125550100",
            "1234567890123456",
        ] {
            assert!(phone("phone", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn time_zones_are_iana_names() {
        assert_eq!(
            timezone("timezone", "Europe/Berlin").unwrap(),
            chrono_tz::Europe::Berlin
        );
        assert!(timezone("timezone", "Mars/Olympus").is_err());
    }
}
