//! Builds the actix-web application and starts the HTTP server.

use std::net::TcpListener;

use actix_cors::Cors;
use actix_web::dev::Server;
use actix_web::http::{Method, header};
use actix_web::middleware::{Compress, Condition, from_fn};
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, ResponseError as _, web};

use crate::docs::{MethodTable, QueryTable, document_json, openapi};
use crate::error::{ApiError, path_error, query_error};
use crate::extract::BodyLimit;
use crate::metrics::Metrics;
use crate::middleware::observe;
use crate::state::AppState;

/// HTTP-level settings of the server.
#[derive(Debug, Clone)]
pub struct HttpConfig {
    /// Largest request body accepted, in bytes; larger ones get 413.
    pub body_limit: usize,
    /// Origins browsers may call from; `*` allows any; empty disables CORS.
    pub cors_origins: Vec<String>,
    /// Worker threads; `None` means one per core.
    pub workers: Option<usize>,
    /// Threads for blocking work (database reads, PostgreSQL writes,
    /// password hashing), shared out among the workers; `None` means
    /// actix's default of 512 in all. A read beyond the pool's connections
    /// only waits for one, and every thread that allocates costs memory
    /// (docs/benchmarks.md), so the server sets it from the pool's size.
    pub blocking_threads: Option<usize>,
    /// Seconds in-flight requests get to finish on SIGTERM/SIGINT.
    pub shutdown_timeout_secs: u64,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            body_limit: BodyLimit::default().0,
            cors_origins: Vec::new(),
            workers: None,
            blocking_threads: None,
            shutdown_timeout_secs: 30,
        }
    }
}

/// Starts serving on `listener`. The server installs no signal handlers:
/// the caller stops it through its handle (gracefully, within
/// `shutdown_timeout_secs`), so it can listen for signals before it logs
/// that it is ready.
pub fn serve(
    listener: TcpListener,
    state: AppState,
    config: HttpConfig,
) -> std::io::Result<Server> {
    let doc = openapi();
    let methods = web::Data::new(MethodTable::from_openapi(&doc, &["/openapi.json", "/docs"]));
    let queries = web::Data::new(QueryTable::from_openapi(&doc));
    let document = document_json(&doc).map_err(std::io::Error::other)?;
    drop(doc);
    let state = web::Data::new(state);
    let metrics = web::Data::new(Metrics::default());
    let body_limit = config.body_limit;
    let cors_origins = config.cors_origins.clone();

    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .app_data(metrics.clone())
            .app_data(methods.clone())
            .app_data(queries.clone())
            .app_data(BodyLimit(body_limit))
            .app_data(web::PayloadConfig::new(body_limit))
            .app_data(web::QueryConfig::default().error_handler(query_error))
            .app_data(web::PathConfig::default().error_handler(path_error))
            .wrap(from_fn(crate::idempotency::idempotency))
            .wrap(from_fn(crate::middleware::refuse_control_characters))
            .wrap(from_fn(crate::middleware::refuse_unknown_query_parameters))
            .wrap(Condition::new(
                !cors_origins.is_empty(),
                cors(&cors_origins),
            ))
            // HEAD, compression and ETags under it: crate::http_conventions.
            .wrap(from_fn(crate::http_conventions::content_etag))
            .wrap(from_fn(crate::http_conventions::skip_small_bodies))
            .wrap(Compress::default())
            .wrap(from_fn(crate::http_conventions::conventions))
            .wrap(from_fn(observe))
            .wrap(from_fn(crate::drain::close_while_draining))
            .configure(crate::routes::configure)
            .service(crate::docs::swagger_ui(document.clone()))
            .route("/docs", web::get().to(docs_redirect))
            .default_service(web::to(fallback))
    })
    // Without it, an answer written in more than one piece (a compressed
    // body streams out) waits on Nagle's algorithm for the client's delayed
    // ACK: about 40 ms an answer (docs/benchmarks.md).
    .tcp_nodelay(true)
    .listen(listener)?
    .disable_signals()
    .shutdown_timeout(config.shutdown_timeout_secs);
    let workers = config.workers.map(|w| w.max(1)).unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    server = server.workers(workers);
    if let Some(threads) = config.blocking_threads {
        server = server.worker_max_blocking_threads(blocking_per_worker(threads, workers));
    }
    Ok(server.run())
}

/// Each worker's share of `threads` blocking threads: at least one, and
/// together at least `threads`.
fn blocking_per_worker(threads: usize, workers: usize) -> usize {
    threads.div_ceil(workers.max(1)).max(1)
}

fn cors(origins: &[String]) -> Cors {
    let mut cors = Cors::default()
        .allowed_methods(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
        .allowed_headers([
            header::AUTHORIZATION,
            header::CONTENT_TYPE,
            header::IF_MATCH,
            header::IF_NONE_MATCH,
            header::HeaderName::from_static("idempotency-key"),
            header::HeaderName::from_static("x-api-key"),
            crate::middleware::REQUEST_ID,
        ])
        .expose_headers([
            header::ETAG,
            header::LOCATION,
            header::RETRY_AFTER,
            crate::middleware::REQUEST_ID,
            header::HeaderName::from_static("ratelimit"),
            header::HeaderName::from_static("ratelimit-policy"),
        ])
        .max_age(3600);
    for origin in origins {
        cors = if origin == "*" {
            cors.allow_any_origin()
        } else {
            cors.allowed_origin(origin)
        };
    }
    cors
}

async fn docs_redirect() -> HttpResponse {
    HttpResponse::PermanentRedirect()
        .insert_header((header::LOCATION, "/docs/"))
        .finish()
}

/// Unknown paths are 404; known paths with another method are 405 with
/// `Allow` (and `OPTIONS` on them answers 204 with `Allow`). HEAD is allowed
/// wherever GET is (see [`crate::http_conventions`]).
async fn fallback(req: HttpRequest, methods: web::Data<MethodTable>) -> HttpResponse {
    match methods
        .allowed(req.path())
        .map(crate::http_conventions::with_head)
    {
        Some(allow) if req.method() == Method::OPTIONS => HttpResponse::NoContent()
            .insert_header((header::ALLOW, allow.join(", ")))
            .finish(),
        Some(allow) => ApiError::MethodNotAllowed { allow }.error_response(),
        None => ApiError::NotFound(format!("no route for {} {}", req.method(), req.path()))
            .error_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::blocking_per_worker;

    #[test]
    fn blocking_threads_are_shared_out_among_the_workers_rounding_up() {
        assert_eq!(blocking_per_worker(10, 2), 5);
        assert_eq!(blocking_per_worker(10, 3), 4);
        assert_eq!(blocking_per_worker(1, 4), 1);
        assert_eq!(blocking_per_worker(0, 0), 1);
    }
}
