//! Request extractors that answer bad input with problems that name the fault.

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{FromRequest, HttpRequest};
use futures_util::StreamExt as _;
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, FieldError};

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

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
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
            parse(&size.read(payload).await?).map(Json)
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
            let chunk = chunk
                .map_err(|e| ApiError::BadRequest(format!("the body could not be read: {e}")))?;
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
/// parameter.
pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer = serde_html_form::Deserializer::from_bytes(query.as_bytes());
    serde_path_to_error::deserialize(deserializer).map_err(|err| {
        // `stage[1]` is the second `stage`: the parameter is `stage`.
        let path = err.path().to_string();
        let parameter = path.split(['[', '.']).next().unwrap_or_default();
        let parameter = if parameter.is_empty() {
            "query"
        } else {
            parameter
        };
        ApiError::Validation(vec![FieldError::new(
            parameter,
            err.into_inner().to_string(),
        )])
    })
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
/// with the path of the field at fault.
pub fn parse<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    // serde would also read a struct from an array (`[null, null]`); every
    // body of this API is an object.
    if let Some(first) = body.iter().find(|b| !b.is_ascii_whitespace())
        && *first != b'{'
        && serde_json::from_slice::<serde::de::IgnoredAny>(body).is_ok()
    {
        return Err(ApiError::invalid("body", "must be a JSON object"));
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
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|err| {
        let path = err.path().to_string();
        let inner = err.into_inner();
        if inner.is_data() {
            ApiError::Validation(vec![FieldError::new(
                field_name(&path, &inner.to_string()),
                strip_position(&inner.to_string()),
            )])
        } else {
            ApiError::BadRequest(format!("malformed JSON: {inner}"))
        }
    })?;
    deserializer
        .end()
        .map_err(|e| ApiError::BadRequest(format!("malformed JSON: {e}")))?;
    Ok(value)
}

/// The path serde reached, or for a missing or unknown field the field itself.
fn field_name(path: &str, message: &str) -> String {
    let named = message
        .strip_prefix("missing field `")
        .or_else(|| message.strip_prefix("unknown field `"))
        .and_then(|rest| rest.split('`').next());
    match (path, named) {
        (path, Some(field)) if path == field || path.ends_with(&format!(".{field}")) => {
            path.to_owned()
        }
        (".", Some(field)) => field.to_owned(),
        (parent, Some(field)) => format!("{parent}.{field}"),
        (".", None) => "body".to_owned(),
        (path, None) => path.to_owned(),
    }
}

fn strip_position(message: &str) -> String {
    message
        .split(" at line ")
        .next()
        .unwrap_or(message)
        .to_owned()
}

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
        assert!(errors[0].message.contains("900"), "{errors:?}");
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
        }
    }

    #[test]
    fn control_characters_are_refused_before_the_fields_are_read() {
        let errors =
            fields(parse::<Outer>(br#"{"name":"a\u0000b","items":[{"weight":900}]}"#).unwrap_err());
        assert_eq!(errors[0].field, "name");
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
                matches!(parse::<Outer>(body), Err(ApiError::BadRequest(_))),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
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
        for (query, parameter) in [
            ("stage=final&stage=hired", "stage"),
            ("stage=hired", "stage"),
            ("limit=abc", "limit"),
            ("limit=-1", "limit"),
            ("limit=", "limit"),
        ] {
            let errors = fields(parse_query::<Filters>(query).unwrap_err());
            assert_eq!(errors[0].field, parameter, "{query}: {errors:?}");
        }
    }

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
        assert!(
            problem["detail"]
                .as_str()
                .unwrap_or_default()
                .contains("malformed JSON")
        );

        let (status, problem) = post("text/plain", r#"{"name":"a"}"#).await;
        assert_eq!((status, problem["status"].as_u64()), (415, Some(415)));

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
        assert_eq!(problem["errors"][0]["field"], "name");
    }
}
