//! Operations endpoints: liveness, readiness and metrics.

use std::time::Duration;

use actix_web::{HttpResponse, get, web};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, Problem};
use crate::metrics::Metrics;
use crate::state::AppState;

/// The answer of the health probes.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` when the check passed.
    #[schema(example = "ok")]
    pub status: String,
}

/// Liveness: the process is up and answering. Does not touch the database.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "The process is up.", body = Health))
)]
#[get("/healthz")]
pub async fn healthz() -> web::Json<Health> {
    web::Json(Health {
        status: "ok".to_owned(),
    })
}

/// Readiness: the database answers and the server is not shutting down. Load
/// balancers should route traffic only to replicas that answer 200 here.
#[utoipa::path(
    tag = "operations",
    responses(
        (status = 200, description = "The database answers.", body = Health),
        (status = 503, description = "The database cannot be reached, or the server is draining before a stop.", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> Result<web::Json<Health>, ApiError> {
    if state.drain.is_draining() {
        return Err(ApiError::Unavailable(
            "the server is shutting down; send new requests to another replica".to_owned(),
        ));
    }
    let store = state.store.clone();
    web::block(move || store.ping(Duration::from_secs(2))).await??;
    Ok(web::Json(Health {
        status: "ok".to_owned(),
    }))
}

/// Request counts and latency histograms by method, route and status, in the
/// Prometheus text format.
#[utoipa::path(
    tag = "operations",
    responses((status = 200, description = "Prometheus text exposition.", body = String,
        content_type = "text/plain; version=0.0.4"))
)]
#[get("/metrics")]
pub async fn metrics(metrics: web::Data<Metrics>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4; charset=utf-8")
        .body(metrics.render())
}
