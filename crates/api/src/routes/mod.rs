//! The HTTP routes, one module per resource.

pub mod health;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the same registration feeds the server
/// and the OpenAPI document, so the two cannot drift.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics);
}
