//! Request extractors that answer bad input with problems that name the fault.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt as _;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldCode, FieldError, ProblemCode};

/// The largest request body the API accepts, in bytes (server configuration).
#[derive(Debug, Clone, Copy)]
pub struct BodyLimit(pub usize);

impl Default for BodyLimit {
    fn default() -> Self {
        // The largest valid body (10,000-character notes, each character up
        // to 12 bytes once JSON-escaped) must fit.
        Self(256 * 1024)
    }
}

/// A JSON body. Unlike `actix_web::web::Json`, a value that does not fit the
/// schema is a 422 naming the exact field (`criteria[2].weight`), malformed
/// JSON is a 400 with the line and column, a body over the limit is a 413
/// and any media type but JSON is a 415.
#[derive(Debug)]
pub struct Json<T>(pub T);

/// The checks a route makes of its body once it reads, as far as they need
/// nothing but the body: when other fields do not read, these still run on
/// the fields that do, so one 422 names every invalid field. The route
/// makes them too (the same function), as it always has.
pub trait Checks {
    /// `(field, other)`: the check of `field` also reads `other` (an
    /// `out_of_office_until` is allowed on a `reply_received` only). When
    /// `other` does not read, the errors on `field` are not reported: they
    /// would be about the stand-in put in `other`'s place.
    const READS: &'static [(&'static str, &'static str)] = &[];

    /// The errors of the body's own checks; none by default.
    fn checks(&self) -> Vec<FieldError> {
        Vec::new()
    }
}

impl<T: DeserializeOwned + Checks + 'static> FromRequest for Json<T> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let media_type_ok = is_json(req);
        let size = BodySize::of(req);
        let payload = payload.take();
        Box::pin(async move {
            if !media_type_ok {
                return Err(ApiError::UnsupportedMediaType(
                    "send the body as application/json".to_owned(),
                ));
            }
            parse_checked(&size.read(payload).await?, T::checks, T::READS).map(Json)
        })
    }
}

/// The body limit of a request and the length it declares: what reading a
/// body is checked against, by the JSON extractor and the idempotency
/// middleware alike.
#[derive(Debug, Clone, Copy)]
pub struct BodySize {
    limit: usize,
    declared: Option<usize>,
}

impl BodySize {
    /// The server's [`BodyLimit`] (for a message posted to the inbox, the
    /// inbox's own limit; for mail a provider posts, the inbound limit) and
    /// the request's `Content-Length`.
    pub fn of(req: &HttpRequest) -> Self {
        let limit = req.app_data::<BodyLimit>().copied().unwrap_or_default().0;
        Self {
            limit: if req.path() == crate::routes::inbox::INBOX_PATH {
                limit.max(followup_inbox::MAX_MESSAGE_BYTES)
            } else if req.path() == crate::inbound::INBOUND_PATH {
                limit.max(crate::inbound::MAX_INBOUND_BYTES)
            } else if crate::orgs::is_import_path(req.path()) {
                limit.max(crate::orgs::MAX_IMPORT_BYTES)
            } else {
                limit
            },
            declared: req
                .headers()
                .get(header::CONTENT_LENGTH)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.parse::<usize>().ok()),
        }
    }

    /// Reads the whole body: a 413 as soon as it is declared or read past
    /// the limit, a 400 when the stream fails.
    pub async fn read(self, mut payload: Payload) -> Result<Bytes, ApiError> {
        if let Some(length) = self.declared.filter(|&l| l > self.limit) {
            return Err(too_large(Some(length), self.limit));
        }
        let mut body = BytesMut::new();
        while let Some(chunk) = payload.next().await {
            let chunk = chunk.map_err(|e| {
                ApiError::BadRequest(
                    ProblemCode::BadRequest,
                    format!("the body could not be read: {e}"),
                )
            })?;
            if body.len() + chunk.len() > self.limit {
                return Err(too_large(None, self.limit));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body.freeze())
    }
}

/// A query string read into `T`, the same struct whose `IntoParams` documents
/// it. Repeated keys (`?stage=final&stage=offer`) fill a `Vec`; a key the
/// operation does not document never gets here (a 422 from
/// [`crate::middleware::refuse_unknown_query_parameters`]). A value that does not fit (an unknown stage, a `limit` that
/// is not a number, an instant that is not RFC 3339) is a 422 naming the
/// parameter, as a JSON field would be.
#[derive(Debug)]
pub struct Query<T>(pub T);

impl<T> Query<T> {
    /// The parameters.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = std::future::Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        std::future::ready(parse_query(req.query_string()).map(Query))
    }
}

/// Parses a query string: a value that does not fit is a 422 naming its
/// parameter; every such parameter is named, in the order of the query.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer = serde_html_form::Deserializer::from_bytes(query.as_bytes());
    match serde_path_to_error::deserialize(deserializer) {
        Ok(value) => Ok(value),
        Err(_) => crate::serde_errors::read_query(query).map_err(ApiError::Validation),
    }
}

/// For a numeric query parameter in [`Query`]: given empty (`?limit=`), it
/// is refused like any other value that is not a number, instead of being
/// read as absent. Use with `#[serde(default, deserialize_with = …)]`.
pub fn not_empty<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    T::deserialize(deserializer).map(Some)
}

fn too_large(length: Option<usize>, limit: usize) -> ApiError {
    ApiError::PayloadTooLarge(match length {
        Some(length) => format!("the body is {length} bytes; the limit is {limit} bytes"),
        None => format!("the body exceeds the limit of {limit} bytes"),
    })
}

/// Is the request's body declared as JSON (`application/json` or
/// `application/*+json`)?
pub fn is_json(req: &HttpRequest) -> bool {
    let Some(content_type) = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON body: syntax errors are 400, values that do not fit are 422
/// naming every field at fault by its path, in the order of the body.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    parse_checked(body, |_: &T| Vec::new(), &[])
}

/// [`parse`], with the route's `checks` of the fields that read merged into
/// a 422 (see [`Checks`]; `reads` is its [`Checks::READS`]).
pub fn parse_checked<T: DeserializeOwned>(
    body: &[u8],
    checks: impl Fn(&T) -> Vec<FieldError>,
    reads: &[(&str, &str)],
) -> Result<T, ApiError> {
    // serde would also read a struct from an array (`[null, null]`); every
    // body of this API is an object.
    if let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace())
        && *first != b'{'
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
    {
        return Err(ApiError::Validation(vec![not_an_object()]));
    }
    // Control characters can only arrive escaped (`\u0000`, `\t`), or as a
    // raw DEL: only such bodies are read twice.
    if body.iter().any(|b| matches!(b, b'\\' | 0x7f))
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(body)
    {
        let errors = crate::validate::control_characters(&value);
        if !errors.is_empty() {
            return Err(ApiError::Validation(errors));
        }
    }
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    match serde_path_to_error::deserialize(&mut deserializer) {
        Ok(value) => {
            deserializer.end().map_err(|e| syntax_error(&e))?;
            Ok(value)
        }
        Err(err) if err.inner().is_data() => {
            // The slow way, only for a body with errors: every invalid field.
            let value =
                serde_json::from_slice::<serde_json::Value>(body).map_err(|e| syntax_error(&e))?;
            match crate::serde_errors::read_body_checked::<T>(value, body, checks, reads) {
                Err(errors) if !errors.is_empty() => Err(ApiError::Validation(errors)),
                // What the value reads but the bytes do not (a key twice).
                _ => Err(ApiError::Validation(vec![
                    crate::serde_errors::first_error(err.path(), &err.inner().to_string()),
                ])),
            }
        }
        Err(err) => match serde_json::from_slice::<serde_json::Value>(body) {
            // Well-formed JSON the streaming reader calls a syntax error: a
            // number, a boolean or an array where a name of a closed set
            // goes (`{"to": 7}`) stops it at the value. Read from the value,
            // that is a type error of the field, with every other one.
            Ok(value) => {
                match crate::serde_errors::read_body_checked::<T>(value, body, checks, reads) {
                    Err(errors) if !errors.is_empty() => Err(ApiError::Validation(errors)),
                    _ => Err(syntax_error(err.inner())),
                }
            }
            Err(_) => Err(syntax_error(err.inner())),
        },
    }
}

/// A body that is not JSON as a 400 in plain words: `incomplete_body` when
/// it ends too soon, else `malformed_json`, with where it goes wrong.
pub fn syntax_error(err: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let at = format!("line {}, column {}", err.line(), err.column());
    if err.classify() == Category::Eof {
        return ApiError::BadRequest(
            ProblemCode::IncompleteBody,
            format!("the body ends too soon: the JSON in it is cut off ({at})"),
        );
    }
    let text = err.to_string();
    let what = text.split(" at line ").next().unwrap_or_default();
    let plain = match what {
        "expected value" => "a value is missing, or is not JSON",
        "expected `:`" => "a colon is missing after a key",
        "expected `,` or `}`" => "a comma or a closing brace is missing",
        "expected `,` or `]`" => "a comma or a closing bracket is missing",
        "key must be a string" => "a key is not a string in double quotes",
        "trailing characters" => "there is more after the JSON value",
        "trailing comma" => "a comma comes before a closing bracket or brace",
        "invalid escape" => "a string holds an invalid escape",
        "invalid number" => "a number is not written as JSON writes numbers",
        "number out of range" => "a number is too large",
        "expected ident" => "a word is not `true`, `false` or `null`",
        "recursion limit exceeded" => "the JSON nests too deeply",
        _ if what.starts_with("control character") => {
            "a string holds a raw control character; escape it"
        }
        _ if what.contains("unicode") || what.contains("surrogate") => {
            "a string holds an invalid \\u escape"
        }
        _ => "it does not follow the JSON syntax",
    };
    ApiError::BadRequest(
        ProblemCode::MalformedJson,
        format!("the body is not valid JSON: {plain} ({at})"),
    )
}

/// The field error of a body that is not a JSON object.
pub fn not_an_object() -> FieldError {
    wrong_type("body", "object")
}

/// `wrong_type` with `{expected}` (a JSON Schema type name).
pub fn wrong_type(field: &str, expected: &str) -> FieldError {
    FieldError::new(
        field,
        FieldCode::WrongType,
        format!("must be a JSON {expected}"),
    )
    .with("expected", expected)
}

pub use crate::serde_errors::classify_value_error;

/// Implements `Serialize` and `Deserialize` for a struct that derives them
/// with `#[serde(remote = "Self")]`, reading a JSON object only: serde would
/// otherwise also read a struct from an array (`[null, null]`), which the
/// schema does not allow. Field paths in errors are kept.
#[macro_export]
macro_rules! object_only {
    ($ty:ident) => {
        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                $ty::serialize(self, serializer)
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Object;
                impl<'de> serde::de::Visitor<'de> for Object {
                    type Value = $ty;
                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str("an object")
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<$ty, A::Error> {
                        $ty::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    }
                }
                deserializer.deserialize_map(Object)
            }
        }
    };
}

/// For `#[serde(deserialize_with)]` on a PATCH field: tells an explicit
/// `null` (`Some(None)`, clear it) from an absent field (`None`, keep it).
pub fn present<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    <Option<T> as serde::Deserialize>::deserialize(deserializer).map(Some)
}

/// For `#[serde(deserialize_with)]` on a PATCH field that may be absent but
/// not `null`.
pub fn not_null<'de, T: serde::Deserialize<'de>, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(deserializer).map(Some)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        #[expect(dead_code, reason = "only parsed")]
        name: String,
        #[expect(dead_code, reason = "only parsed")]
        items: Vec<Inner>,
    }

    #[derive(Debug, Deserialize)]
    struct Inner {
        #[expect(dead_code, reason = "only parsed")]
        weight: u8,
    }

    fn fields(err: ApiError) -> Vec<FieldError> {
        match err {
            ApiError::Validation(errors) => errors,
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn a_wrong_value_names_its_path() {
        let err =
            parse::<Outer>(br#"{"name":"a","items":[{"weight":1},{"weight":900}]}"#).unwrap_err();
        let errors = fields(err);
        assert_eq!(errors[0].field, "items[1].weight");
        assert_eq!(errors[0].code, FieldCode::OutOfRange, "{errors:?}");
        assert_eq!(errors[0].params["max"], 255, "{errors:?}");
        assert_eq!(errors[0].message, "must be a whole number from 0 to 255");
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Person {
        #[expect(dead_code, reason = "only parsed")]
        name: String,
        #[expect(dead_code, reason = "only parsed")]
        age: i32,
        #[expect(dead_code, reason = "only parsed")]
        stage: followup_core::Stage,
        #[expect(dead_code, reason = "only parsed")]
        born: Option<chrono::NaiveDate>,
        #[expect(dead_code, reason = "only parsed")]
        seen_at: Option<chrono::DateTime<chrono::Utc>>,
        #[expect(dead_code, reason = "only parsed")]
        items: Vec<Inner>,
    }

    fn codes(errors: &[FieldError]) -> Vec<(&str, &str)> {
        errors
            .iter()
            .map(|e| (e.field.as_str(), e.code.as_str()))
            .collect()
    }

    #[test]
    fn every_invalid_field_is_reported_in_the_order_of_the_body() {
        let errors = fields(
            parse::<Person>(
                br#"{"stage":"hired","age":"x","items":[{"weight":1},{"weight":900}],"name":7}"#,
            )
            .unwrap_err(),
        );
        assert_eq!(
            codes(&errors),
            [
                ("stage", "unknown_value"),
                ("age", "wrong_type"),
                ("items[1].weight", "out_of_range"),
                ("name", "wrong_type"),
            ],
            "{errors:?}"
        );
        assert_eq!(errors[1].message, "must be a whole number");
        assert_eq!(errors[1].params["expected"], "integer");
        assert!(
            errors[0].params["allowed"]
                .as_array()
                .is_some_and(|a| a.contains(&"final".into()))
        );
    }

    #[test]
    fn missing_unknown_and_wrong_fields_are_all_reported_once() {
        let errors = fields(
            parse::<Person>(
                br#"{"nmae":"a","age":1.5,"items":[{}, {"weight":"heavy"}],"born":"2010-13-01","seen_at":"yesterday"}"#,
            )
            .unwrap_err(),
        );
        assert_eq!(
            codes(&errors),
            [
                ("nmae", "unknown_field"),
                ("age", "wrong_type"),
                ("items[0].weight", "required"),
                ("items[1].weight", "wrong_type"),
                ("born", "invalid_date"),
                ("seen_at", "invalid_time"),
                ("name", "required"),
                ("stage", "required"),
            ],
            "{errors:?}"
        );
        assert!(
            errors[0].params["allowed"]
                .as_array()
                .is_some_and(|a| a.contains(&"name".into())),
            "{errors:?}"
        );
        assert_eq!(errors[4].params["format"], "date");
        assert_eq!(errors[5].params["format"], "date-time");
        for error in &errors {
            for rust in ["i32", "u8", "NaiveDate", "DateTime", "premature", "Utc"] {
                assert!(!error.message.contains(rust), "{error:?}");
            }
        }
    }

    #[derive(Debug, Deserialize)]
    struct Signup {
        name: String,
        #[expect(dead_code, reason = "only parsed")]
        age: u8,
        zone: String,
    }

    impl Checks for Signup {
        fn checks(&self) -> Vec<FieldError> {
            let mut errors = Vec::new();
            if self.name.chars().count() > 5 {
                errors.push(FieldError::too_long("name", 5));
            }
            // A stand-in (the empty string) is no time zone: never reported.
            if !self.zone.contains('/') {
                errors.push(FieldError::new(
                    "zone",
                    FieldCode::NotATimeZone,
                    "not a zone",
                ));
            }
            errors
        }
    }

    #[test]
    fn the_routes_own_checks_of_the_fields_that_read_are_merged() {
        let err = parse_checked(
            br#"{"name":"much too long","age":"old","zone":7}"#,
            Signup::checks,
            Signup::READS,
        )
        .unwrap_err();
        assert_eq!(
            codes(&fields(err)),
            [
                ("name", "too_long"),
                ("age", "wrong_type"),
                ("zone", "wrong_type")
            ]
        );
        let err = parse_checked(
            br#"{"name":"Jo","age":900,"zone":"Mars"}"#,
            Signup::checks,
            Signup::READS,
        )
        .unwrap_err();
        assert_eq!(
            codes(&fields(err)),
            [("age", "out_of_range"), ("zone", "not_a_time_zone")]
        );
        // A body that reads is the route's to check, as before.
        assert!(
            parse_checked::<Signup>(
                br#"{"name":"much too long","age":9,"zone":"x"}"#,
                |s| s.checks(),
                &[]
            )
            .is_ok()
        );
    }

    #[test]
    fn three_wrong_fields_give_three_coded_errors() {
        let errors = fields(
            parse::<Outer>(br#"{"name":1,"items":[{"weight":-1}],"extra":true}"#).unwrap_err(),
        );
        assert_eq!(
            codes(&errors),
            [
                ("name", "wrong_type"),
                ("items[0].weight", "out_of_range"),
                ("extra", "unknown_field"),
            ]
        );
    }

    #[test]
    fn a_body_that_ends_too_soon_says_so_in_plain_words() {
        for body in [&b"{"[..], b"{\"name\": \"a", b"", b"{\"name\":"] {
            let Err(ApiError::BadRequest(code, detail)) = parse::<Outer>(body) else {
                panic!("{}", String::from_utf8_lossy(body));
            };
            assert_eq!(code, ProblemCode::IncompleteBody);
            assert!(detail.contains("ends too soon"), "{detail}");
            assert!(!detail.contains("EOF"), "{detail}");
        }
        let Err(ApiError::BadRequest(code, detail)) = parse::<Outer>(b"{\"name\": }") else {
            panic!();
        };
        assert_eq!(code, ProblemCode::MalformedJson);
        assert!(detail.contains("line 1, column"), "{detail}");
    }

    #[test]
    fn missing_and_unknown_fields_are_named() {
        assert_eq!(
            fields(parse::<Outer>(br#"{"items":[]}"#).unwrap_err())[0].field,
            "name"
        );
        assert_eq!(
            fields(parse::<Outer>(br#"{"name":"a","items":[],"nmae":1}"#).unwrap_err())[0].field,
            "nmae"
        );
        assert_eq!(
            fields(parse::<Outer>(br#"{"name":"a","items":[{}]}"#).unwrap_err())[0].field,
            "items[0].weight"
        );
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        for body in [&b"[null, null]"[..], b"\"name\"", b"null", b"3"] {
            let errors = fields(parse::<Outer>(body).unwrap_err());
            assert_eq!(errors[0].field, "body", "{}", String::from_utf8_lossy(body));
            assert_eq!(errors[0].code, FieldCode::WrongType);
            assert_eq!(errors[0].params["expected"], "object");
        }
    }

    #[test]
    fn control_characters_are_refused_before_the_fields_are_read() {
        let errors =
            fields(parse::<Outer>(br#"{"name":"a\u0000b","items":[{"weight":900}]}"#).unwrap_err());
        assert_eq!(errors[0].field, "name");
        assert_eq!(errors[0].code, FieldCode::ControlCharacters);
        let errors = fields(parse::<Outer>(b"{\"name\":\"a\x7fb\",\"items\":[]}").unwrap_err());
        assert_eq!(errors[0].field, "name");
        assert!(parse::<Outer>(br#"{"name":"a\u00e9b","items":[]}"#).is_ok());
    }

    #[test]
    fn malformed_json_is_a_bad_request() {
        for body in [
            &b"{"[..],
            b"{\"name\": }",
            b"",
            b"{\"name\":\"a\",\"items\":[]} x",
        ] {
            assert!(
                matches!(parse::<Outer>(body), Err(ApiError::BadRequest(..))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Move {
        to: followup_core::Stage,
        note: Option<String>,
    }

    #[test]
    fn a_number_or_a_list_where_a_name_goes_is_a_type_error_of_the_field() {
        for (body, field) in [
            (&br#"{"to": 7}"#[..], "to"),
            (br#"{"to": [1], "note": 5}"#, "to"),
            (br#"{"to": true}"#, "to"),
        ] {
            match parse::<Move>(body) {
                Err(ApiError::Validation(errors)) => {
                    assert_eq!(errors[0].field, field, "{errors:?}");
                    assert_eq!(
                        errors[0].code,
                        crate::error::FieldCode::WrongType,
                        "{errors:?}"
                    );
                }
                other => panic!("{}: {other:?}", String::from_utf8_lossy(body)),
            }
        }
        let read = parse::<Move>(br#"{"to": "offer", "note": "x"}"#);
        assert!(
            matches!(&read, Ok(m) if m.to == followup_core::Stage::Offer && m.note.as_deref() == Some("x")),
            "{read:?}"
        );
        let both = parse::<Move>(br#"{"to": [1], "note": 5}"#);
        assert!(
            matches!(&both, Err(ApiError::Validation(errors)) if errors.len() == 2),
            "{both:?}"
        );
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Filters {
        stage: Option<Vec<followup_core::Stage>>,
        #[serde(default, deserialize_with = "not_empty")]
        limit: Option<u32>,
        q: Option<String>,
    }

    #[test]
    fn repeated_query_keys_fill_a_list_and_a_bad_value_names_its_parameter() {
        use followup_core::Stage;
        let filters: Filters = parse_query("stage=final&q=a%20b&stage=offer&other=1").unwrap();
        assert_eq!(
            filters,
            Filters {
                stage: Some(vec![Stage::Final, Stage::Offer]),
                limit: None,
                q: Some("a b".to_owned()),
            }
        );
        assert_eq!(parse_query::<Filters>("").unwrap().stage, None);
        for (query, parameter, code) in [
            ("stage=final&stage=hired", "stage", "unknown_value"),
            ("stage=hired", "stage", "unknown_value"),
            ("limit=abc", "limit", "not_a_number"),
            ("limit=-1", "limit", "not_a_number"),
            ("limit=", "limit", "not_a_number"),
        ] {
            let errors = fields(parse_query::<Filters>(query).unwrap_err());
            assert_eq!(codes(&errors), [(parameter, code)], "{query}: {errors:?}");
        }
        let errors = fields(parse_query::<Filters>("limit=x&q=a&stage=hired").unwrap_err());
        assert_eq!(
            codes(&errors),
            [("limit", "not_a_number"), ("stage", "unknown_value")],
            "{errors:?}"
        );
    }

    impl Checks for Named {}

    #[derive(Debug, Deserialize)]
    struct Named {
        #[expect(dead_code, reason = "only parsed")]
        name: String,
    }

    async fn accept(_body: Json<Named>) -> actix_web::HttpResponse {
        actix_web::HttpResponse::NoContent().finish()
    }

    /// Sends `body` with `content_type` through a real actix service.
    async fn post(content_type: &str, body: &'static str) -> (u16, serde_json::Value) {
        use actix_web::{App, test as actix_test, web};
        let app = actix_test::init_service(
            App::new()
                .app_data(BodyLimit(32))
                .route("/", web::post().to(accept)),
        )
        .await;
        let request = actix_test::TestRequest::post()
            .uri("/")
            .insert_header((header::CONTENT_TYPE, content_type))
            .set_payload(body)
            .to_request();
        let response = actix_test::call_service(&app, request).await;
        let status = response.status().as_u16();
        if status == 204 {
            return (status, serde_json::Value::Null);
        }
        assert_eq!(
            response
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok()),
            Some(crate::error::PROBLEM_JSON)
        );
        (status, actix_test::read_body_json(response).await)
    }

    #[actix_web::test]
    async fn bodies_are_answered_with_problems_that_say_what_is_wrong() {
        assert_eq!(post("application/json", r#"{"name":"a"}"#).await.0, 204);
        assert_eq!(
            post("application/merge-patch+json", r#"{"name":"a"}"#)
                .await
                .0,
            204
        );

        let (status, problem) = post("application/json", r#"{"name":"#).await;
        assert_eq!(status, 400);
        assert_eq!(problem["code"], "incomplete_body");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("the body ends too soon")
        );
        let (status, problem) = post("application/json", r#"{"name" 1}"#).await;
        assert_eq!(status, 400);
        assert_eq!(problem["code"], "malformed_json");
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("the body is not valid JSON: a colon is missing")
        );

        let (status, problem) = post("text/plain", r#"{"name":"a"}"#).await;
        assert_eq!((status, problem["status"].as_u64()), (415, Some(415)));
        assert_eq!(problem["code"], "unsupported_media_type");

        let (status, problem) = post(
            "application/json",
            r#"{"name":"this body is longer than 32 bytes"}"#,
        )
        .await;
        assert_eq!(status, 413);
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("32 bytes")
        );

        let (status, problem) = post("application/json", r#"{"name":7}"#).await;
        assert_eq!(status, 422);
        assert_eq!(problem["code"], "validation_failed");
        assert_eq!(problem["errors"][0]["field"], "name");
        assert_eq!(problem["errors"][0]["code"], "wrong_type");
        assert_eq!(problem["errors"][0]["params"]["expected"], "string");
        assert_eq!(
            problem["errors"][0]["message"],
            "must be text (a JSON string)"
        );
    }
}
