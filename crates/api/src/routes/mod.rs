//! The HTTP routes, one module per resource.

pub mod api_keys;
pub mod auth;
pub mod coach;
pub mod health;
pub mod me;
pub mod opportunities;

use utoipa_actix_web::service_config::ServiceConfig;

/// Registers every documented route; the same registration feeds the server
/// and the OpenAPI document, so the two cannot drift.
pub fn configure(cfg: &mut ServiceConfig<'_>) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(health::metrics)
        .service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(me::get_me)
        .service(me::update_me)
        .service(me::delete_me)
        .service(coach::create_invite)
        .service(coach::accept_invite)
        .service(coach::clients)
        .service(coach::grants)
        .service(coach::revoke_grant)
        .service(api_keys::create_api_key)
        .service(api_keys::list_api_keys)
        .service(api_keys::revoke_api_key)
        .service(opportunities::create_opportunity)
        .service(opportunities::list_opportunities)
        .service(opportunities::get_opportunity)
        .service(opportunities::update_opportunity)
        .service(opportunities::delete_opportunity)
        .service(opportunities::transition)
        .service(opportunities::history);
}
