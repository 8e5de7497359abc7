//! The HTTP conventions clients, caches and load balancers expect of every
//! route, kept out of the handlers:
//!
//! - **HEAD** is answered wherever GET is: the request is routed as a GET
//!   and the answer goes out with the same status and headers
//!   (`Content-Length`, `ETag`, `Content-Encoding`…) and no body (RFC 9110
//!   §9.3.2). The body is dropped unread, so nothing is compressed for it.
//!   `Allow` lists HEAD wherever it lists GET ([`with_head`]).
//! - **Compression**: actix-web's `Compress` encodes bodies with gzip, br or
//!   zstd when `Accept-Encoding` asks; bodies known to be smaller than
//!   [`COMPRESS_MIN_BYTES`] go out as they are ([`skip_small_bodies`]).
//!   Every answer carries `Vary: Accept-Encoding`.
//! - **ETags under compression**: a strong ETag names one representation,
//!   and the gzip-encoded one is another (RFC 9110 §8.8.3). ETags are
//!   computed on the unencoded content, so when the request negotiates a
//!   content coding every ETag of the answer (200, 304 and 412 alike) is
//!   made weak (`W/"…"`). `If-None-Match` compares weakly, so the tag a
//!   client received on a compressed answer still gets its 304.
//! - **Every GET with a body has an ETag** ([`content_etag`]): answers whose
//!   route sets none (lists, the export, the calendar feed, the account)
//!   get a hash of their content as their ETag, and `If-None-Match` with it
//!   answers 304 with no body. (The JSON export and the calendar feed say
//!   when they were made, in `exported_at` and `DTSTAMP`: their routes set
//!   a weak ETag of everything else, [`crate::conditional::weak_etag`].)

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use actix_web::Error;
use actix_web::body::{BodySize, EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{
    self, AcceptEncoding, ContentEncoding, Encoding, HeaderMap, HeaderValue,
};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::web::Bytes;

/// Bodies of fewer bytes than this are not worth compressing (a gzip
/// header and trailer alone are 18 bytes; the CPU is better spent elsewhere).
pub const COMPRESS_MIN_BYTES: u64 = 1024;

/// The codings `Compress` offers (the `compress-*` features of actix-web).
const OFFERED: [Encoding; 5] = [
    Encoding::identity(),
    Encoding::brotli(),
    Encoding::gzip(),
    Encoding::deflate(),
    Encoding::zstd(),
];

/// The marker [`skip_small_bodies`] sets for `Compress` to pass a body by;
/// [`conventions`] takes it off again. `identity` is what `Compress` reads
/// as "already encoded", and it should not go on the wire (RFC 9110 §8.4.1).
const PLAIN: HeaderValue = HeaderValue::from_static("identity");

/// The outer half, wrapped outside `Compress`: routes HEAD as GET and drops
/// the body after; weakens ETags when a content coding was negotiated; sets
/// `Vary: Accept-Encoding`.
pub async fn conventions(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody, Headless>>, Error> {
    let head = req.method() == Method::HEAD;
    if head {
        req.head_mut().method = Method::GET;
    }
    let coded = negotiates_coding(&req);
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if headers.get(header::CONTENT_ENCODING) == Some(&PLAIN) {
        headers.remove(header::CONTENT_ENCODING);
    }
    if coded {
        weaken_etag(headers);
    }
    vary_on_accept_encoding(headers);
    Ok(res.map_body(|_, body| {
        if head {
            EitherBody::right(Headless(body.size()))
        } else {
            EitherBody::left(body)
        }
    }))
}

/// The inner half, wrapped inside `Compress`: marks bodies known to be
/// small so that `Compress` leaves them as they are.
pub async fn skip_small_bodies(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let mut res = next.call(req).await?;
    if let BodySize::Sized(len) = res.response().body().size()
        && len < COMPRESS_MIN_BYTES
        && !res.headers().contains_key(header::CONTENT_ENCODING)
    {
        res.headers_mut().insert(header::CONTENT_ENCODING, PLAIN);
    }
    Ok(res)
}

/// The caching policy of an answer to a request that carries credentials
/// (`Authorization` or `X-API-Key`) and sets none of its own: only the
/// caller's own cache may keep it, and it asks again (with `If-None-Match`)
/// before using it. Answers with secrets say `no-store` instead
/// ([`crate::auth::no_store`]); the calendar feed says how long it keeps.
pub const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");

/// The innermost half: a successful GET with a body whose route set no
/// ETag gets one, a hash of its unencoded content
/// ([`crate::conditional::content_etag`]), and a 304 when `If-None-Match`
/// names it ([`crate::conditional::names_weakly`]). Routes with versioned
/// records set their own (the version), and so do the agenda, promises,
/// the JSON export and the calendar feed; this covers the rest. Streamed
/// bodies (none today) and empty ones are passed as they are.
///
/// Answers to GETs with credentials get `Cache-Control: private, no-cache`
/// ([`PRIVATE`]) unless the route set a `Cache-Control`: 200 and 304 alike,
/// whichever made the ETag. A 304 keeps every header of the 200 it stands
/// for but the body's own (`Content-Type`, `Content-Length`).
pub async fn content_etag(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<Bytes, actix_web::body::BoxBody>>, Error> {
    let get = req.method() == Method::GET;
    let credentials = req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().contains_key("x-api-key");
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let mut res = next.call(req).await?;
    if get && credentials && !res.headers().contains_key(header::CACHE_CONTROL) {
        res.headers_mut().insert(header::CACHE_CONTROL, PRIVATE);
    }
    let tagged = get
        && res.status() == StatusCode::OK
        && !res.headers().contains_key(header::ETAG)
        && matches!(res.response().body().size(), BodySize::Sized(len) if len > 0);
    if !tagged {
        return Ok(res.map_into_boxed_body().map_into_right_body());
    }
    let (req, res) = res.into_parts();
    let (mut head, body) = res.into_parts();
    let bytes = match actix_web::body::to_bytes(body).await {
        Ok(bytes) => bytes,
        Err(error) => {
            let error: Box<dyn std::error::Error> = error.into();
            return Err(actix_web::error::ErrorInternalServerError(
                error.to_string(),
            ));
        }
    };
    let etag = crate::conditional::content_etag(&bytes);
    let matches = if_none_match
        .as_ref()
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| crate::conditional::names_weakly(v, &etag));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        head.headers_mut().insert(header::ETAG, value);
    }
    if matches {
        *head.status_mut() = StatusCode::NOT_MODIFIED;
        head.headers_mut().remove(header::CONTENT_TYPE);
        head.headers_mut().remove(header::CONTENT_LENGTH);
        let res = head.set_body(Bytes::new());
        return Ok(ServiceResponse::new(req, res).map_into_left_body());
    }
    let res = head.set_body(bytes);
    Ok(ServiceResponse::new(req, res).map_into_left_body())
}

/// `allow` with HEAD added wherever GET is in it, sorted.
pub fn with_head(mut allow: Vec<String>) -> Vec<String> {
    if allow.iter().any(|m| m == "GET") && !allow.iter().any(|m| m == "HEAD") {
        allow.push("HEAD".to_owned());
        allow.sort();
    }
    allow
}

/// Whether `Compress` will pick a coding other than identity for this
/// request (it decides from `Accept-Encoding` alone, as here).
fn negotiates_coding(req: &ServiceRequest) -> bool {
    use actix_web::HttpMessage as _;
    req.get_header::<AcceptEncoding>()
        .and_then(|accept| accept.negotiate(OFFERED.iter()))
        .is_some_and(|coding| coding != Encoding::Known(ContentEncoding::Identity))
}

/// `"x"` becomes `W/"x"`; weak tags stay as they are.
fn weaken_etag(headers: &mut HeaderMap) {
    let Some(tag) = headers.get(header::ETAG).and_then(|v| v.to_str().ok()) else {
        return;
    };
    if tag.starts_with("W/") {
        return;
    }
    if let Ok(weak) = HeaderValue::from_str(&format!("W/{tag}")) {
        headers.insert(header::ETAG, weak);
    }
}

/// Adds `Accept-Encoding` to `Vary` unless it is there (or `Vary: *`).
fn vary_on_accept_encoding(headers: &mut HeaderMap) {
    let present = headers
        .get_all(header::VARY)
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .any(|v| v == "*" || v.eq_ignore_ascii_case("accept-encoding"));
    if !present {
        headers.append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    }
}

/// The body of an answer to HEAD: the size of the GET's body (so the
/// framing headers are the GET's) and no bytes.
#[derive(Debug, Clone, Copy)]
pub struct Headless(BodySize);

impl MessageBody for Headless {
    type Error = Infallible;

    fn size(&self) -> BodySize {
        self.0
    }

    fn poll_next(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, Self::Error>>> {
        Poll::Ready(None)
    }
}

#[cfg(test)]
mod tests {
    use actix_web::middleware::{Compress, from_fn};
    use actix_web::test::{TestRequest, call_service, init_service, read_body};
    use actix_web::{App, HttpResponse, web};

    use super::*;

    async fn big() -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::ETAG, "\"7\""))
            .content_type("application/json")
            .body(format!("[{}0]", "1,".repeat(2000)))
    }

    async fn small() -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::ETAG, "\"8\""))
            .body("{}")
    }

    macro_rules! app {
        () => {
            init_service(
                App::new()
                    .wrap(from_fn(skip_small_bodies))
                    .wrap(Compress::default())
                    .wrap(from_fn(conventions))
                    .route("/big", web::get().to(big))
                    .route("/small", web::get().to(small)),
            )
            .await
        };
    }

    #[actix_web::test]
    async fn big_bodies_are_compressed_with_a_weak_etag_and_vary() {
        let app = app!();
        let res = call_service(
            &app,
            TestRequest::get()
                .uri("/big")
                .insert_header((header::ACCEPT_ENCODING, "gzip"))
                .to_request(),
        )
        .await;
        assert_eq!(res.headers().get(header::CONTENT_ENCODING).unwrap(), "gzip");
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "W/\"7\"");
        assert!(
            res.headers()
                .get_all(header::VARY)
                .any(|v| v.to_str().unwrap().eq_ignore_ascii_case("accept-encoding"))
        );
    }

    #[actix_web::test]
    async fn small_bodies_go_out_plain_and_strong_without_a_coding() {
        let app = app!();
        let res = call_service(
            &app,
            TestRequest::get()
                .uri("/small")
                .insert_header((header::ACCEPT_ENCODING, "gzip"))
                .to_request(),
        )
        .await;
        assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
        assert_eq!(res.headers().get(header::VARY).unwrap(), "Accept-Encoding");
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "W/\"8\"");
        assert_eq!(read_body(res).await, "{}");
        let res = call_service(&app, TestRequest::get().uri("/big").to_request()).await;
        assert!(!res.headers().contains_key(header::CONTENT_ENCODING));
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"7\"");
    }

    #[actix_web::test]
    async fn head_is_routed_as_get_and_has_no_body() {
        let app = app!();
        let res = call_service(
            &app,
            TestRequest::default()
                .method(Method::HEAD)
                .uri("/big")
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get(header::ETAG).unwrap(), "\"7\"");
        assert_eq!(res.response().body().size(), BodySize::Sized(4003));
        assert!(read_body(res).await.is_empty());
    }

    async fn list() -> HttpResponse {
        HttpResponse::Ok().json(["a", "b"])
    }

    async fn stream() -> HttpResponse {
        let chunks = [Ok::<_, Infallible>(Bytes::from_static(b"[]"))];
        HttpResponse::Ok().streaming(futures_util::stream::iter(chunks))
    }

    async fn kept() -> HttpResponse {
        HttpResponse::Ok()
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .json("secret")
    }

    #[actix_web::test]
    async fn untagged_bodies_get_a_content_etag_and_a_304_private_to_the_caller() {
        let app = init_service(
            App::new()
                .wrap(from_fn(content_etag))
                .route("/list", web::get().to(list))
                .route("/stream", web::get().to(stream))
                .route("/kept", web::get().to(kept)),
        )
        .await;
        let get = |path: &str| {
            TestRequest::get()
                .uri(path)
                .insert_header((header::AUTHORIZATION, "Bearer x"))
        };
        let res = call_service(&app, get("/list").to_request()).await;
        let etag = res.headers().get(header::ETAG).unwrap().clone();
        assert_eq!(
            etag,
            crate::conditional::content_etag(b"[\"a\",\"b\"]").as_str()
        );
        assert_eq!(res.headers().get(header::CACHE_CONTROL).unwrap(), PRIVATE);
        let weak = format!("\"x\", W/{}", etag.to_str().unwrap());
        let res = call_service(
            &app,
            get("/list")
                .insert_header((header::IF_NONE_MATCH, weak))
                .to_request(),
        )
        .await;
        assert_eq!(res.status(), 304);
        assert_eq!(res.headers().get(header::ETAG).unwrap(), etag);
        assert_eq!(res.headers().get(header::CACHE_CONTROL).unwrap(), PRIVATE);
        assert!(!res.headers().contains_key(header::CONTENT_TYPE));
        assert!(read_body(res).await.is_empty());
        // Without credentials: the ETag, and no caching policy.
        let res = call_service(&app, TestRequest::get().uri("/list").to_request()).await;
        assert_eq!(res.headers().get(header::ETAG).unwrap(), etag);
        assert!(!res.headers().contains_key(header::CACHE_CONTROL));
        // A streamed body goes out as it is, untagged.
        let res = call_service(&app, get("/stream").to_request()).await;
        assert!(!res.headers().contains_key(header::ETAG));
        assert_eq!(read_body(res).await, "[]");
        // A route's own Cache-Control stays.
        let res = call_service(&app, get("/kept").to_request()).await;
        assert_eq!(
            res.headers().get(header::CACHE_CONTROL).unwrap(),
            "no-store"
        );
        assert!(res.headers().contains_key(header::ETAG));
    }

    #[test]
    fn allow_lists_head_beside_get() {
        let allow = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(with_head(allow(&["GET"])), allow(&["GET", "HEAD"]));
        assert_eq!(
            with_head(allow(&["DELETE", "GET", "PATCH"])),
            allow(&["DELETE", "GET", "HEAD", "PATCH"])
        );
        assert_eq!(with_head(allow(&["POST"])), allow(&["POST"]));
    }
}
