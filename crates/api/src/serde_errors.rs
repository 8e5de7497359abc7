//! serde's errors as field errors an app can show: each classified into a
//! stable [`FieldCode`] with its params and said in plain words (no Rust
//! type names), and every invalid field of a request collected, not only
//! the first one serde stops at.
//!
//! serde stops at the first error. To find the others, the request is read
//! as a JSON value (a query string as its pairs) and deserialized again and
//! again: after each failure the error is recorded and the value at fault is
//! removed (an unknown field) or replaced by a stand-in the type takes (a
//! wrong or missing value), until the whole request reads or [`MAX_ROUNDS`]
//! are spent. Errors inside a stand-in are the stand-in's, never reported.

use std::collections::HashMap;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{FieldCode, FieldError};

/// How many times a request is deserialized to find its invalid fields.
pub const MAX_ROUNDS: usize = 50;

/// One step of a path into a request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    /// An object member or a query parameter.
    Key(String),
    /// An array item.
    Index(usize),
}

/// The path as the API names fields: `criteria[2].weight`; `body` for the
/// whole body.
pub fn display(path: &[Seg]) -> String {
    let mut out = String::new();
    for seg in path {
        match seg {
            Seg::Key(key) if out.is_empty() => out.push_str(key),
            Seg::Key(key) => {
                out.push('.');
                out.push_str(key);
            }
            Seg::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    if out.is_empty() {
        "body".to_owned()
    } else {
        out
    }
}

fn segments(path: &serde_path_to_error::Path) -> Vec<Seg> {
    use serde_path_to_error::Segment;
    path.iter()
        .filter_map(|seg| match seg {
            Segment::Seq { index } => Some(Seg::Index(*index)),
            Segment::Map { key } => Some(Seg::Key(key.clone())),
            Segment::Enum { .. } | Segment::Unknown => None,
        })
        .collect()
}

/// What serde said, read.
#[derive(Debug, Clone, PartialEq)]
enum Said {
    /// `missing field `x``.
    Missing(String),
    /// `unknown field `x`, expected one of …`.
    UnknownField(String, Vec<String>),
    /// `unknown variant `x`, expected one of …`.
    UnknownVariant(String, Vec<String>),
    /// `invalid type: …, expected …`: the JSON type wanted, if known.
    WrongType(Option<Expected>),
    /// `invalid value: integer `900`, expected u8`.
    OutOfRange(i128, i128),
    /// A date or time that does not parse; which one the probe tells.
    Time,
    /// A promise's due: neither a date nor an instant.
    DateOrInstant,
    /// `duplicate field `x``.
    Duplicate(String),
    /// A query value that is not a number: a whole one (`true`) or any.
    NotANumber(bool),
    /// Anything else: the message, if it is plain words.
    Other,
}

/// A type a value was expected to have, as JSON Schema names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expected {
    Integer,
    Number,
    String,
    Boolean,
    Array,
    Object,
    Date,
    DateTime,
}

impl Expected {
    fn name(self) -> &'static str {
        match self {
            Self::Integer => "integer",
            Self::Number => "number",
            Self::String => "string",
            Self::Boolean => "boolean",
            Self::Array => "array",
            Self::Object => "object",
            Self::Date => "date",
            Self::DateTime => "date-time",
        }
    }

    fn message(self) -> &'static str {
        match self {
            Self::Integer => "must be a whole number",
            Self::Number => "must be a number",
            Self::String => "must be text (a JSON string)",
            Self::Boolean => "must be true or false",
            Self::Array => "must be a list (a JSON array)",
            Self::Object => "must be an object",
            Self::Date => "must be a date (YYYY-MM-DD), e.g. 2010-01-11",
            Self::DateTime => "must be a date and time (RFC 3339), e.g. 2010-01-11T13:00:00Z",
        }
    }

    /// A value of this type, as a stand-in.
    fn stand_in(self) -> Value {
        match self {
            Self::Integer | Self::Number => Value::from(0),
            Self::String => Value::from(""),
            Self::Boolean => Value::Bool(false),
            Self::Array => Value::Array(Vec::new()),
            Self::Object => Value::Object(serde_json::Map::new()),
            Self::Date => Value::from(DATE),
            Self::DateTime => Value::from(DATE_TIME),
        }
    }
}

const DATE: &str = "2000-01-01";
const DATE_TIME: &str = "2000-01-01T00:00:00Z";
const TIME: &str = "00:00";

/// The range of a Rust integer type serde names in `expected`.
fn integer_range(name: &str) -> Option<(i128, i128)> {
    Some(match name {
        "u8" => (0, u8::MAX.into()),
        "u16" => (0, u16::MAX.into()),
        "u32" => (0, u32::MAX.into()),
        "u64" | "usize" => (0, u64::MAX.into()),
        "i8" => (i8::MIN.into(), i8::MAX.into()),
        "i16" => (i16::MIN.into(), i16::MAX.into()),
        "i32" => (i32::MIN.into(), i32::MAX.into()),
        "i64" | "isize" => (i64::MIN.into(), i64::MAX.into()),
        _ => return None,
    })
}

fn expected(text: &str) -> Option<Expected> {
    let text = text.trim();
    if integer_range(text).is_some() || matches!(text, "i128" | "u128") {
        return Some(Expected::Integer);
    }
    Some(match text {
        "f32" | "f64" => Expected::Number,
        // "string or map": a closed set's name read from a parsed value
        // (every enum of this API is a set of names).
        "a string" | "a borrowed string" | "a character" | "string" | "variant identifier"
        | "field identifier" | "string or map" => Expected::String,
        "a boolean" => Expected::Boolean,
        "a sequence" => Expected::Array,
        "a map" | "an object" | "map" => Expected::Object,
        "a formatted date string" => Expected::Date,
        _ if text.contains("date and time") => Expected::DateTime,
        _ if text.starts_with("struct ") || text.starts_with("a tuple") => {
            if text.starts_with("a tuple") {
                Expected::Array
            } else {
                Expected::Object
            }
        }
        _ if text.starts_with("enum ") => Expected::String,
        _ => return None,
    })
}

/// The names in "expected one of `a`, `b`" or "expected `a`".
fn listed(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// chrono's parse errors: a date or time that does not parse.
const CHRONO: [&str; 7] = [
    "input is out of range",
    "no possible date and time matching input",
    "input is not enough for unique date and time",
    "input contains invalid characters",
    "premature end of input",
    "trailing input",
    "bad or unsupported format string",
];

fn read(message: &str) -> Said {
    let message = strip_position(message);
    let quoted = |rest: &str| rest.split('`').next().unwrap_or_default().to_owned();
    if let Some(rest) = message.strip_prefix("missing field `") {
        return Said::Missing(quoted(rest));
    }
    if let Some(rest) = message.strip_prefix("duplicate field `") {
        return Said::Duplicate(quoted(rest));
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let (name, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        return Said::UnknownField(name.to_owned(), listed(allowed));
    }
    if let Some(rest) = message.strip_prefix("unknown variant `") {
        let (name, allowed) = rest.split_once('`').unwrap_or((rest, ""));
        return Said::UnknownVariant(name.to_owned(), listed(allowed));
    }
    if let Some(rest) = message.strip_prefix("invalid type: ") {
        let wanted = rest.rsplit_once(", expected ").map(|(_, e)| e);
        return Said::WrongType(wanted.and_then(expected));
    }
    if let Some(rest) = message.strip_prefix("invalid value: ") {
        if let Some((_, wanted)) = rest.rsplit_once(", expected ")
            && let Some((min, max)) = integer_range(wanted.trim())
        {
            return Said::OutOfRange(min, max);
        }
        let wanted = rest.rsplit_once(", expected ").map(|(_, e)| e);
        return match wanted.and_then(expected) {
            Some(Expected::Date | Expected::DateTime) => Said::Time,
            found => Said::WrongType(found),
        };
    }
    if CHRONO.contains(&message) {
        return Said::Time;
    }
    if message.contains("is neither a date") {
        return Said::DateOrInstant;
    }
    if matches!(
        message,
        "invalid digit found in string"
            | "cannot parse integer from empty string"
            | "number too large to fit in target type"
            | "number too small to fit in target type"
    ) {
        return Said::NotANumber(true);
    }
    if message == "invalid float literal" {
        return Said::NotANumber(false);
    }
    if message.starts_with("provided string was not `true` or `false`") {
        return Said::WrongType(Some(Expected::Boolean));
    }
    Said::Other
}

fn strip_position(message: &str) -> &str {
    message.split(" at line ").next().unwrap_or(message)
}

/// Words that would leak the implementation into a message.
fn leaks(message: &str) -> bool {
    const RUST: [&str; 22] = [
        "i8",
        "i16",
        "i32",
        "i64",
        "i128",
        "isize",
        "u8",
        "u16",
        "u32",
        "u64",
        "u128",
        "usize",
        "f32",
        "f64",
        "NaiveDate",
        "NaiveTime",
        "DateTime",
        "Utc",
        "struct",
        "enum",
        "Option",
        "Vec",
    ];
    message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .any(|word| RUST.contains(&word))
        || message.contains("::")
        || message.contains("untagged")
}

/// The field error for serde's `message` at `field` (its display path; for
/// a missing or unknown field, the field itself).
fn field_error(field: String, message: &str, said: &Said, query: bool) -> FieldError {
    match said {
        Said::Missing(_) => FieldError::required(field),
        Said::UnknownField(name, allowed) => FieldError::new(
            field,
            FieldCode::UnknownField,
            if allowed.is_empty() {
                format!("`{name}` is not a field this request takes")
            } else {
                format!(
                    "`{name}` is not a field this request takes; it takes: {}",
                    allowed.join(", ")
                )
            },
        )
        .with("allowed", allowed.clone()),
        Said::UnknownVariant(given, allowed) => FieldError::unknown_value(field, given, allowed),
        Said::Time => FieldError::new(
            field,
            FieldCode::InvalidTime,
            "is not a date or time in the form this field takes",
        ),
        Said::WrongType(Some(Expected::Date)) => {
            FieldError::new(field, FieldCode::InvalidDate, Expected::Date.message())
                .with("format", "date")
        }
        Said::WrongType(Some(Expected::DateTime)) => {
            FieldError::new(field, FieldCode::InvalidTime, Expected::DateTime.message())
                .with("format", "date-time")
        }
        Said::WrongType(Some(wanted)) if query && *wanted == Expected::Boolean => {
            FieldError::new(field, FieldCode::WrongType, "must be `true` or `false`")
                .with("expected", wanted.name())
        }
        Said::WrongType(Some(wanted)) => {
            FieldError::new(field, FieldCode::WrongType, wanted.message())
                .with("expected", wanted.name())
        }
        Said::WrongType(None) => FieldError::new(
            field,
            FieldCode::Invalid,
            "has a type or form this field does not take",
        ),
        Said::OutOfRange(min, max) => FieldError::new(
            field,
            FieldCode::OutOfRange,
            if *min == 0 {
                format!("must be a whole number from 0 to {max}")
            } else {
                format!("must be a whole number from {min} to {max}")
            },
        )
        .with("min", number(*min))
        .with("max", number(*max)),
        Said::DateOrInstant => FieldError::new(
            field,
            FieldCode::InvalidTime,
            strip_position(message).to_owned(),
        )
        .with("format", "date or date-time"),
        Said::Duplicate(name) => FieldError::new(
            field,
            FieldCode::Duplicate,
            format!("`{name}` is given twice"),
        ),
        Said::NotANumber(whole) => FieldError::new(
            field,
            FieldCode::NotANumber,
            if *whole {
                "must be a whole number, written in digits"
            } else {
                "must be a number, written in digits"
            },
        ),
        Said::Other => {
            let message = strip_position(message);
            FieldError::new(
                field,
                FieldCode::Invalid,
                if leaks(message) || message.is_empty() {
                    "is not a value this field takes".to_owned()
                } else {
                    message.to_owned()
                },
            )
        }
    }
}

fn number(n: i128) -> Value {
    i64::try_from(n)
        .map(Value::from)
        .or_else(|_| u64::try_from(n).map(Value::from))
        .unwrap_or(Value::Null)
}

/// serde's `message` in plain words, for where no field can be named.
pub fn plain(message: &str) -> String {
    let said = read(message);
    let error = match said {
        Said::Missing(name) => return format!("`{name}` is required"),
        Said::UnknownField(name, _) => return format!("`{name}` is not known"),
        Said::Time => {
            return "is not a date (YYYY-MM-DD) or a date and time (RFC 3339) as it must be"
                .to_owned();
        }
        said => field_error(String::new(), message, &said, true),
    };
    error.message
}

/// A `serde_json` error reading a value (not a body) at `field`, such as a
/// playbook's `rules`, classified.
pub fn classify_value_error(field: &str, err: &serde_json::Error) -> FieldError {
    let message = err.to_string();
    let said = read(&message);
    let field = match &said {
        Said::Missing(name) | Said::UnknownField(name, _) => format!("{field}.{name}"),
        _ => field.to_owned(),
    };
    field_error(field, &message, &said, false)
}

/// The stand-ins tried, in turn, for a value serde refused.
fn stand_ins(said: &Said) -> Vec<Value> {
    let any = || {
        vec![
            Value::Null,
            Value::from(""),
            Value::from(0),
            Value::Bool(false),
            Value::Array(Vec::new()),
            Value::Object(serde_json::Map::new()),
            Value::from(DATE_TIME),
            Value::from(DATE),
        ]
    };
    match said {
        Said::UnknownVariant(_, allowed) => allowed
            .first()
            .map(|v| Value::from(v.clone()))
            .into_iter()
            .collect(),
        Said::Time
        | Said::DateOrInstant
        | Said::WrongType(Some(Expected::Date | Expected::DateTime)) => {
            vec![
                Value::from(DATE_TIME),
                Value::from(DATE),
                Value::from(TIME),
                Value::Null,
            ]
        }
        Said::WrongType(Some(wanted)) => {
            let mut values = vec![wanted.stand_in()];
            values.extend(any());
            values
        }
        Said::Missing(_) => any().into_iter().skip(1).collect(),
        _ => any(),
    }
}

/// What a request is read from, for [`collect`]: a JSON value, or the pairs
/// of a query string.
trait Source {
    /// One deserialization: the value, or the path and words of the error.
    fn attempt<T: DeserializeOwned>(&self) -> Result<T, (Vec<Seg>, String)>;
    /// Puts `value` at `path`; `false` when it cannot.
    fn set(&mut self, path: &[Seg], value: Value) -> bool;
    /// Removes what is at `path`; `false` when it cannot.
    fn remove(&mut self, path: &[Seg]) -> bool;
    /// Whether the error's message names a query value (read from text).
    const QUERY: bool;
}

/// Reads `source` as `T`, or every invalid field found in [`MAX_ROUNDS`]
/// deserializations, in the order serde found them.
fn collect<T: DeserializeOwned, S: Source>(mut source: S) -> Result<T, Failure<T>> {
    let mut errors: Vec<FieldError> = Vec::new();
    // Paths holding a stand-in, and the stand-ins each has had.
    let mut tried: HashMap<Vec<Seg>, Vec<Value>> = HashMap::new();
    // A date or time error whose kind the stand-in that is accepted tells.
    let mut probe: Option<(Vec<Seg>, usize)> = None;
    for _ in 0..MAX_ROUNDS {
        let outcome = source.attempt::<T>();
        let failed_at = outcome.as_ref().err().map(|(path, _)| path);
        if let Some((path, index)) = &probe
            && failed_at.is_none_or(|p| p != path)
        {
            // The last stand-in was taken: that is the kind of value wanted.
            let taken = tried.get(path).and_then(|values| values.last());
            if let (Some(error), Some(taken)) = (errors.get_mut(*index), taken) {
                refine_time(error, taken);
            }
            probe = None;
        }
        let (path, message) = match outcome {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(value) => {
                return Err(Failure {
                    errors,
                    read: Some(value),
                    stand_ins: tried.into_keys().map(|path| display(&path)).collect(),
                });
            }
            Err(failure) => failure,
        };
        let said = read(&message);
        let mut target = path;
        if let Said::Missing(name) | Said::UnknownField(name, _) = &said
            && target.last() != Some(&Seg::Key(name.clone()))
        {
            target.push(Seg::Key(name.clone()));
        }
        let inside_stand_in = tried
            .keys()
            .any(|p| target.len() > p.len() && target.starts_with(p));
        let again = tried.contains_key(&target);
        if !inside_stand_in && !again {
            if matches!(said, Said::Time) {
                probe = Some((target.clone(), errors.len()));
            }
            errors.push(field_error(display(&target), &message, &said, S::QUERY));
        }
        if let Said::UnknownField(..) = said {
            if !source.remove(&target) {
                break;
            }
            continue;
        }
        let had = tried.entry(target.clone()).or_default();
        // The first stand-in not tried yet that can be placed.
        let mut placed = false;
        for candidate in stand_ins(&said) {
            if had.contains(&candidate) {
                continue;
            }
            had.push(candidate.clone());
            if source.set(&target, candidate) {
                placed = true;
                break;
            }
        }
        if !placed {
            break;
        }
    }
    // Never an empty 422: the first round always records its error.
    Err(Failure {
        errors,
        read: None,
        stand_ins: Vec::new(),
    })
}

/// What [`collect`] found in a request that does not read.
struct Failure<T> {
    /// Every invalid field found.
    errors: Vec<FieldError>,
    /// The request as read with stand-ins in place of the invalid values,
    /// when it could be.
    read: Option<T>,
    /// The fields holding a stand-in.
    stand_ins: Vec<String>,
}

/// A date or time field: the stand-in it took says which form it wants.
fn refine_time(error: &mut FieldError, taken: &Value) {
    if error.code != FieldCode::InvalidTime || !error.params.is_empty() {
        return;
    }
    let (code, wanted, format) = match taken.as_str() {
        Some(DATE_TIME) => (FieldCode::InvalidTime, Expected::DateTime, "date-time"),
        Some(DATE) => (FieldCode::InvalidDate, Expected::Date, "date"),
        Some(TIME) => {
            error.message = "must be a time of day (HH:MM)".to_owned();
            error
                .params
                .insert("format".to_owned(), Value::from("HH:MM"));
            return;
        }
        _ => return,
    };
    error.code = code;
    error.message = wanted.message().to_owned();
    error
        .params
        .insert("format".to_owned(), Value::from(format));
}

struct Body(Value);

impl Source for Body {
    const QUERY: bool = false;

    fn attempt<T: DeserializeOwned>(&self) -> Result<T, (Vec<Seg>, String)> {
        serde_path_to_error::deserialize(&self.0)
            .map_err(|err| (segments(err.path()), err.into_inner().to_string()))
    }

    fn set(&mut self, path: &[Seg], value: Value) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        match (at(&mut self.0, parent), last) {
            (Some(Value::Object(map)), Seg::Key(key)) => {
                map.insert(key.clone(), value);
                true
            }
            (Some(Value::Array(items)), Seg::Index(i)) => match items.get_mut(*i) {
                Some(item) => {
                    *item = value;
                    true
                }
                None => false,
            },
            _ => false,
        }
    }

    fn remove(&mut self, path: &[Seg]) -> bool {
        let Some((last, parent)) = path.split_last() else {
            return false;
        };
        match (at(&mut self.0, parent), last) {
            (Some(Value::Object(map)), Seg::Key(key)) => map.remove(key).is_some(),
            _ => false,
        }
    }
}

fn at<'v>(mut value: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    for seg in path {
        value = match (value, seg) {
            (Value::Object(map), Seg::Key(key)) => map.get_mut(key)?,
            (Value::Array(items), Seg::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Reads a JSON body's value as `T`, or every invalid field, in the order
/// of the body (`raw` is the body as sent, for that order).
pub fn read_body<T: DeserializeOwned>(value: Value, raw: &[u8]) -> Result<T, Vec<FieldError>> {
    read_body_checked(value, raw, |_: &T| Vec::new(), &[])
}

/// Reads a JSON body's value as `T`, or every invalid field in the order
/// of the body: those serde finds, and those `checks` (the route's own
/// checks of a body that reads) finds in the fields that did read, so one
/// answer names them all. `checks` sees the body with stand-ins in place of
/// the invalid values: what it says of a stand-in is dropped, of a field in
/// one or holding one, and of a field that `reads` (`(field, other)` pairs)
/// says is checked against one. A field already named is not named twice.
pub fn read_body_checked<T: DeserializeOwned>(
    value: Value,
    raw: &[u8],
    checks: impl Fn(&T) -> Vec<FieldError>,
    reads: &[(&str, &str)],
) -> Result<T, Vec<FieldError>> {
    collect::<T, _>(Body(value)).map_err(|failure| {
        let Failure {
            mut errors,
            read,
            stand_ins,
        } = failure;
        if let Some(read) = read {
            let within = |field: &str, outer: &str| {
                field == outer
                    || field
                        .strip_prefix(outer)
                        .is_some_and(|rest| rest.starts_with(['.', '[']))
            };
            let standing_in = |field: &str| {
                stand_ins
                    .iter()
                    .any(|s| within(field, s) || within(s, field))
                    || reads.iter().any(|(checked, other)| {
                        within(field, checked) && stand_ins.iter().any(|s| within(s, other))
                    })
            };
            let more: Vec<FieldError> = checks(&read)
                .into_iter()
                .filter(|e| !standing_in(&e.field) && !errors.iter().any(|f| f.field == e.field))
                .collect();
            errors.extend(more);
        }
        let order = document_order(raw);
        sort(&mut errors, |field| order.get(field).copied());
        errors
    })
}

/// Sorts errors by where their field is in the request; a field that is
/// not there (a missing one) comes after everything in its parent.
fn sort(errors: &mut [FieldError], place: impl Fn(&str) -> Option<(usize, usize)>) {
    let key = |error: &FieldError| {
        if let Some((start, _)) = place(&error.field) {
            return (start, 0);
        }
        // The nearest ancestor that is there: after its last descendant.
        let mut field = error.field.as_str();
        while let Some(cut) = field.rfind(['.', '[']) {
            field = &field[..cut];
            if let Some((_, end)) = place(field) {
                return (end, 1);
            }
        }
        (usize::MAX, 1)
    };
    errors.sort_by_key(key);
}

/// Each path of a JSON document, with the position of its first and last
/// value in document order.
fn document_order(raw: &[u8]) -> HashMap<String, (usize, usize)> {
    struct Walk<'a> {
        path: Vec<Seg>,
        order: &'a mut HashMap<String, (usize, usize)>,
        next: &'a mut usize,
    }

    impl<'de> serde::de::DeserializeSeed<'de> for Walk<'_> {
        type Value = ();

        fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
            d.deserialize_any(self)
        }
    }

    impl Walk<'_> {
        fn child(&mut self, seg: Seg) -> Walk<'_> {
            let mut path = self.path.clone();
            path.push(seg);
            Walk {
                path,
                order: self.order,
                next: self.next,
            }
        }

        fn leaf<E>(self) -> Result<(), E> {
            let n = *self.next;
            *self.next += 1;
            self.order.insert(display(&self.path), (n, n));
            Ok(())
        }
    }

    impl<'de> serde::de::Visitor<'de> for Walk<'_> {
        type Value = ();

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("JSON")
        }

        fn visit_bool<E>(self, _: bool) -> Result<(), E> {
            self.leaf()
        }
        fn visit_i64<E>(self, _: i64) -> Result<(), E> {
            self.leaf()
        }
        fn visit_u64<E>(self, _: u64) -> Result<(), E> {
            self.leaf()
        }
        fn visit_f64<E>(self, _: f64) -> Result<(), E> {
            self.leaf()
        }
        fn visit_str<E>(self, _: &str) -> Result<(), E> {
            self.leaf()
        }
        fn visit_unit<E>(self) -> Result<(), E> {
            self.leaf()
        }

        fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
            let start = *self.next;
            *self.next += 1;
            let mut i = 0;
            while seq.next_element_seed(self.child(Seg::Index(i)))?.is_some() {
                i += 1;
            }
            let end = self.next.saturating_sub(1);
            self.order.insert(display(&self.path), (start, end));
            Ok(())
        }

        fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
            let start = *self.next;
            *self.next += 1;
            while let Some(key) = map.next_key::<String>()? {
                map.next_value_seed(self.child(Seg::Key(key)))?;
            }
            let end = self.next.saturating_sub(1);
            self.order.insert(display(&self.path), (start, end));
            Ok(())
        }
    }

    let mut order = HashMap::new();
    let mut next = 0;
    let mut deserializer = serde_json::Deserializer::from_slice(raw);
    let _ = serde::de::DeserializeSeed::deserialize(
        Walk {
            path: Vec::new(),
            order: &mut order,
            next: &mut next,
        },
        &mut deserializer,
    );
    order
}

struct Pairs(Vec<(String, String)>);

impl Source for Pairs {
    const QUERY: bool = true;

    fn attempt<T: DeserializeOwned>(&self) -> Result<T, (Vec<Seg>, String)> {
        let query = serde_html_form::to_string(&self.0).unwrap_or_default();
        let deserializer = serde_html_form::Deserializer::from_bytes(query.as_bytes());
        serde_path_to_error::deserialize(deserializer).map_err(|err| {
            // `stage[1]` is the second `stage`: the parameter is `stage`.
            let parameter = segments(err.path())
                .into_iter()
                .find(|seg| matches!(seg, Seg::Key(_)));
            (
                parameter.into_iter().collect(),
                err.into_inner().to_string(),
            )
        })
    }

    fn set(&mut self, path: &[Seg], value: Value) -> bool {
        let [Seg::Key(name)] = path else {
            return false;
        };
        let text = match value {
            Value::Null => None,
            Value::String(text) => Some(text),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Array(_) | Value::Object(_) => return false,
        };
        let at = self.0.iter().position(|(key, _)| key == name);
        self.0.retain(|(key, _)| key != name);
        if let Some(text) = text {
            let at = at.unwrap_or(self.0.len()).min(self.0.len());
            self.0.insert(at, (name.clone(), text));
        }
        true
    }

    fn remove(&mut self, path: &[Seg]) -> bool {
        let [Seg::Key(name)] = path else {
            return false;
        };
        let before = self.0.len();
        self.0.retain(|(key, _)| key != name);
        self.0.len() < before
    }
}

/// Reads a query string as `T`, or every parameter that does not fit, in
/// the order of the query string.
pub fn read_query<T: DeserializeOwned>(query: &str) -> Result<T, Vec<FieldError>> {
    let pairs: Vec<(String, String)> = serde_html_form::from_str(query).unwrap_or_default();
    let order: Vec<String> = pairs.iter().map(|(key, _)| key.clone()).collect();
    collect::<T, _>(Pairs(pairs)).map_err(|Failure { mut errors, .. }| {
        sort(&mut errors, |field| {
            order.iter().position(|key| key == field).map(|i| (i, i))
        });
        errors
    })
}

/// The body's first error as serde reported it reading the bytes directly,
/// classified: for the rare body the value reads but the bytes do not (a
/// key given twice).
pub fn first_error(path: &serde_path_to_error::Path, message: &str) -> FieldError {
    let mut target = segments(path);
    let said = read(message);
    if let Said::Missing(name) | Said::UnknownField(name, _) | Said::Duplicate(name) = &said
        && target.last() != Some(&Seg::Key(name.clone()))
    {
        target.push(Seg::Key(name.clone()));
    }
    field_error(display(&target), message, &said, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(message: &str) -> FieldError {
        field_error("f".to_owned(), message, &read(message), false)
    }

    #[test]
    fn serde_messages_become_codes_and_plain_words() {
        let e = one("invalid type: string \"x\", expected i32");
        assert_eq!(
            (e.code, e.message.as_str()),
            (FieldCode::WrongType, "must be a whole number")
        );
        assert_eq!(e.params["expected"], "integer");

        let e = one("invalid value: integer `900`, expected u8");
        assert_eq!(e.code, FieldCode::OutOfRange);
        assert_eq!(
            (e.params["min"].clone(), e.params["max"].clone()),
            (0.into(), 255.into())
        );

        let e = one("unknown field `nmae`, expected one of `name`, `items`");
        assert_eq!(e.code, FieldCode::UnknownField);
        assert_eq!(e.params["allowed"], serde_json::json!(["name", "items"]));

        let e = one("unknown variant `hired`, expected one of `applied`, `final`");
        assert_eq!(e.code, FieldCode::UnknownValue);
        assert_eq!(e.params["allowed"], serde_json::json!(["applied", "final"]));

        assert_eq!(one("missing field `name`").code, FieldCode::Required);
        assert_eq!(one("premature end of input").code, FieldCode::InvalidTime);
        assert_eq!(
            one("invalid type: integer `5`, expected a formatted date string").code,
            FieldCode::InvalidDate
        );
        assert_eq!(
            one("invalid type: null, expected a boolean").params["expected"],
            "boolean"
        );
        assert_eq!(
            one("invalid type: map, expected struct Interaction").params["expected"],
            "object"
        );
        assert_eq!(
            one("invalid digit found in string").code,
            FieldCode::NotANumber
        );
        assert_eq!(
            one("invalid float literal").message,
            "must be a number, written in digits"
        );
        let said = read("provided string was not `true` or `false`");
        let e = field_error("f".to_owned(), "", &said, true);
        assert_eq!(
            (e.code, e.message.as_str()),
            (FieldCode::WrongType, "must be `true` or `false`")
        );
        let e = one("data did not match any variant of untagged enum Recipients");
        assert_eq!(e.code, FieldCode::Invalid);
        assert!(!e.message.contains("Recipients") && !e.message.contains("untagged"));
    }

    #[test]
    fn no_message_names_a_rust_type() {
        for message in [
            "invalid type: string \"x\", expected i32",
            "invalid value: integer `-1`, expected u64",
            "invalid type: floating point `1.5`, expected usize",
            "invalid type: string \"x\", expected a formatted date and time string or a unix timestamp",
            "invalid type: integer `1`, expected a formatted date string",
            "invalid type: integer `1`, expected struct NaiveDate",
            "invalid type: integer `1`, expected something Vec<u8> wants",
            "premature end of input",
        ] {
            let e = one(message);
            assert!(!leaks(&e.message), "{message} → {}", e.message);
        }
    }
}
