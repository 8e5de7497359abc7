//! Conditional requests, written once for every versioned resource
//! (opportunities, contacts, interactions, promises, profiles, playbooks).
//!
//! - A read answers with the resource's `ETag` (its stored version) and
//!   answers 304 when `If-None-Match` names it ([`fresh`]).
//! - A change (PATCH, PUT, a stage transition) and a delete take the
//!   [`Precondition`] extractor: `If-Match` naming an older ETag is a 412
//!   whose `ETag` header carries the current one, and nothing changes.
//!   Without `If-Match` the change applies to the current version.
//! - The check runs after the body is validated (a bad body is a 422
//!   whatever the precondition says) and under the seeker's write lock, so
//!   the version checked is the version written over.
//!
//! In the OpenAPI document the `If-Match` parameter is declared once (the
//! [`Precondition`]'s `IntoParams`) and the 412 response is added by
//! [`crate::docs`] to every operation that takes it. A 409 means a state
//! conflict (an illegal transition, a duplicate, an `Idempotency-Key` still
//! in progress), never a stale version.

use std::future::{Ready, ready};

use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, HttpResponse, HttpResponseBuilder, dev::Payload};
use serde::Serialize;
use utoipa::IntoParams;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::{Required, schema::ObjectBuilder, schema::Type};

use crate::error::ApiError;

/// The name of the header a precondition is read from.
pub const IF_MATCH: &str = "If-Match";

/// The ETag of a resource at `version`.
pub fn etag(version: i32) -> String {
    format!("\"{version}\"")
}

/// A response builder with the ETag of `version` set.
pub fn with_etag(mut response: HttpResponseBuilder, version: i32) -> HttpResponseBuilder {
    response.insert_header((header::ETAG, etag(version)));
    response
}

/// A read: 304 with the ETag when `If-None-Match` names the resource's
/// version, else 200 with the ETag and `view()` as JSON (rendered only when
/// it is sent).
pub fn fresh<T: Serialize>(
    req: &HttpRequest,
    version: i32,
    view: impl FnOnce() -> Result<T, ApiError>,
) -> Result<HttpResponse, ApiError> {
    if if_none_match(req, &etag(version)) {
        return Ok(with_etag(HttpResponse::NotModified(), version).finish());
    }
    Ok(with_etag(HttpResponse::Ok(), version).json(view()?))
}

/// A read of a record whose representation moves while its stored version
/// stays (a promise's status moves with the clock and the interactions):
/// its ETag is `"{version}-{hash of the body}"`, so `If-None-Match` answers
/// 304 exactly while the body is the same, and `If-Match` still names the
/// version (a tag `"N-…"` is version N to [`Precondition::check`]).
pub fn fresh_evaluated<T: Serialize>(
    req: &HttpRequest,
    version: i32,
    view: &T,
) -> Result<HttpResponse, ApiError> {
    let body = serde_json::to_vec(view).map_err(|e| ApiError::Internal(Box::new(e)))?;
    let tag = evaluated_tag(version, &body);
    if if_none_match(req, &tag) {
        return Ok(HttpResponse::NotModified()
            .insert_header((header::ETAG, tag))
            .finish());
    }
    Ok(HttpResponse::Ok()
        .insert_header((header::ETAG, tag))
        .content_type("application/json")
        .body(body))
}

/// The ETag [`fresh_evaluated`] gives `view` at `version`.
pub fn evaluated_etag<T: Serialize>(version: i32, view: &T) -> Result<String, ApiError> {
    let body = serde_json::to_vec(view).map_err(|e| ApiError::Internal(Box::new(e)))?;
    Ok(evaluated_tag(version, &body))
}

fn evaluated_tag(version: i32, body: &[u8]) -> String {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::digest(body);
    let hash = crate::auth::hex(&digest[..8]);
    format!("\"{version}-{hash}\"")
}

/// The ETag of an answer that says when it was made (the JSON export's
/// `exported_at`, the calendar feed's `DTSTAMP`): `content` is everything
/// it says apart from that, so the tag stays while nothing else changes.
/// It is weak (`W/"…"`, RFC 9110 §8.8.1): two reads are the same
/// information, not the same bytes. [`unchanged`] answers 304 with it.
pub fn weak_etag(content: &[u8]) -> String {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::digest(content);
    let hash = crate::auth::hex(&digest[..12]);
    format!("W/\"w{hash}\"")
}

/// A JSON answer that says when it was evaluated in its top-level field
/// `stamp` (the pipeline's health and the comparisons say `at`, which is
/// now unless the query names an instant): its ETag is the weak ETag of
/// everything else ([`weak_etag`]), so a later read of the same standing
/// answers 304, as the export does with `exported_at`. A handler returns it
/// in place of `web::Json`.
#[derive(Debug)]
pub struct Stamped<T> {
    view: T,
    stamp: &'static str,
}

impl<T: Serialize> Stamped<T> {
    /// `view`, made at the instant in its field `stamp`.
    pub fn new(view: T, stamp: &'static str) -> Self {
        Self { view, stamp }
    }

    fn respond(&self, req: &HttpRequest) -> Result<HttpResponse, ApiError> {
        let internal = |e: serde_json::Error| ApiError::Internal(Box::new(e));
        let mut content = serde_json::to_value(&self.view).map_err(internal)?;
        if let Some(object) = content.as_object_mut() {
            object.remove(self.stamp);
        }
        let etag = weak_etag(&serde_json::to_vec(&content).map_err(internal)?);
        if let Some(not_modified) = unchanged(req, &etag) {
            return Ok(not_modified);
        }
        Ok(HttpResponse::Ok()
            .insert_header((header::ETAG, etag))
            .json(&self.view))
    }
}

impl<T: Serialize> actix_web::Responder for Stamped<T> {
    type Body = actix_web::body::BoxBody;

    fn respond_to(self, req: &HttpRequest) -> HttpResponse {
        use actix_web::ResponseError as _;
        self.respond(req)
            .unwrap_or_else(|error| error.error_response())
    }
}

/// The ETag of an answer made from the one tagged `whole` by a query that
/// shapes it (`fields`, `limit`, `include`; `key` is that query, written the
/// same way for the same request): the same answer keeps it, and it is never
/// the whole answer's, nor another shape's.
pub fn derived_etag(whole: &str, key: &str) -> String {
    use sha2::{Digest as _, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(whole.as_bytes());
    hasher.update(b"\n");
    hasher.update(key.as_bytes());
    let hash = crate::auth::hex(&hasher.finalize()[..16]);
    let weak = if whole.starts_with("W/") { "W/" } else { "" };
    format!("{weak}\"s{hash}\"")
}

/// The ETag of an answer whose route sets none (lists, the account, the
/// analytics and coach views, the CSV export, the spec): a hash of its
/// unencoded body, `"c…"`. It is strong: the same bytes, the same tag
/// ([`crate::http_conventions::content_etag`] sets it).
pub fn content_etag(body: &[u8]) -> String {
    use sha2::{Digest as _, Sha256};
    let digest = Sha256::digest(body);
    let hash = crate::auth::hex(&digest[..12]);
    format!("\"c{hash}\"")
}

/// A 304 carrying `etag` when `If-None-Match` names it (weakly).
pub fn unchanged(req: &HttpRequest, etag: &str) -> Option<HttpResponse> {
    if_none_match(req, etag.trim_start_matches("W/")).then(|| {
        HttpResponse::NotModified()
            .insert_header((header::ETAG, etag.to_owned()))
            .finish()
    })
}

/// Whether `tag` (as a client sends it: maybe weak) names `version`:
/// `"3"`, or `"3-…"` as [`fresh_evaluated`] makes it.
fn names_version(tag: &str, version: i32) -> bool {
    let Some(inner) = tag
        .trim_start_matches("W/")
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
    else {
        return false;
    };
    inner.split_once('-').map_or(inner, |(v, _)| v) == version.to_string()
}

/// Whether `If-None-Match` names `current` (or is `*`); weak tags compare
/// weakly, as RFC 9110 §13.1.2 asks.
pub fn if_none_match(req: &HttpRequest, current: &str) -> bool {
    req.headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| names_weakly(v, current))
}

/// Whether an `If-None-Match` value (`*`, or a comma-separated list of
/// tags, weak or strong) names `current`, compared weakly: `W/` is ignored
/// on both sides.
pub fn names_weakly(if_none_match: &str, current: &str) -> bool {
    let current = current.trim_start_matches("W/");
    if_none_match
        .split(',')
        .map(str::trim)
        .any(|tag| tag == "*" || tag.trim_start_matches("W/") == current)
}

/// The request's `If-Match`: the ETags the client last read, if it sent any.
#[derive(Debug, Clone, Default)]
pub struct Precondition(Option<String>);

impl Precondition {
    /// A precondition of `If-Match: value`.
    pub fn if_match(value: impl Into<String>) -> Self {
        Self(Some(value.into()))
    }

    /// Checks the stored `version`: no `If-Match` (or an empty one) and `*`
    /// pass; a list that does not name the current ETag is a 412 carrying
    /// it, and nothing changes. Our ETags are all strong, and a client that
    /// marks one weak (`W/"3"`) still means that version, so it matches.
    pub fn check(&self, version: i32) -> Result<(), ApiError> {
        let Some(value) = self.0.as_deref().filter(|v| !v.trim().is_empty()) else {
            return Ok(());
        };
        let current = etag(version);
        let matches = value
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || names_version(tag, version));
        if matches {
            Ok(())
        } else {
            Err(ApiError::PreconditionFailed {
                current,
                representation: None,
            })
        }
    }
}

impl FromRequest for Precondition {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let required = req
            .app_data::<actix_web::web::Data<crate::state::AppState>>()
            .is_some_and(|state| state.require_if_match);
        ready(match req.headers().get(header::IF_MATCH) {
            Some(value) => value
                .to_str()
                .map(|v| Self(Some(v.to_owned())))
                .map_err(|_| {
                    ApiError::BadRequest(
                        crate::error::ProblemCode::BadRequest,
                        "If-Match is not text".to_owned(),
                    )
                }),
            // RFC 6585: a server that wants conditional writes says so.
            None if required => Err(ApiError::PreconditionRequired),
            None => Ok(Self(None)),
        })
    }
}

impl IntoParams for Precondition {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![
            ParameterBuilder::new()
                .name(IF_MATCH)
                .parameter_in(ParameterIn::Header)
                .required(Required::False)
                .description(Some(
                    "The ETag last read. When the resource has changed since, the answer is \
                     412 with the current ETag, and nothing changes. Without it the change \
                     applies to the current version, unless the server runs with \
                     --require-if-match: then it is 428.",
                ))
                .schema(Some(
                    ObjectBuilder::new()
                        .schema_type(Type::String)
                        .examples([serde_json::json!("\"3\"")]),
                ))
                .build(),
        ]
    }
}

#[cfg(test)]
mod tests {
    use actix_web::test::TestRequest;

    use super::*;

    #[test]
    fn if_match_passes_when_absent_empty_star_or_current() {
        for header in [
            None,
            Some(""),
            Some("*"),
            Some("\"3\""),
            Some("W/\"3\""),
            Some("\"1\", \"3\""),
        ] {
            let precondition = Precondition(header.map(str::to_owned));
            assert!(precondition.check(3).is_ok(), "{header:?}");
        }
    }

    #[test]
    fn a_stale_if_match_is_a_412_carrying_the_current_etag() {
        for header in ["\"2\"", "W/\"2\"", "3", "\"1\", \"2\""] {
            match Precondition::if_match(header).check(3) {
                Err(ApiError::PreconditionFailed { current, .. }) => assert_eq!(current, "\"3\""),
                other => panic!("{header}: {other:?}"),
            }
        }
    }

    #[test]
    fn if_none_match_compares_weakly_and_reads_lists_and_star() {
        let tag = content_etag(b"[]");
        assert!(tag.starts_with("\"c") && tag.len() == 27, "{tag}");
        for header in [
            tag.clone(),
            format!("W/{tag}"),
            format!("\"x\", {tag}"),
            "*".to_owned(),
        ] {
            assert!(names_weakly(&header, &tag), "{header}");
            assert!(names_weakly(&header, &format!("W/{tag}")), "{header}");
        }
        for header in ["", "\"x\"", "W/\"x\", \"y\""] {
            assert!(!names_weakly(header, &tag), "{header}");
        }
        assert_ne!(content_etag(b"[1]"), tag);
    }

    #[test]
    fn a_read_answers_304_only_for_the_current_etag() {
        let req = TestRequest::default()
            .insert_header((header::IF_NONE_MATCH, "W/\"4\""))
            .to_http_request();
        let response = fresh(&req, 4, || Ok("x")).unwrap();
        assert_eq!(response.status(), 304);
        assert_eq!(response.headers().get(header::ETAG).unwrap(), "\"4\"");
        let response = fresh(&req, 5, || Ok("x")).unwrap();
        assert_eq!(response.status(), 200);
    }
}
