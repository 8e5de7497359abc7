//! The HTTP routes, one module per resource.

pub mod analytics;
pub mod api_keys;
pub mod auth;
pub mod cadence;
pub mod coach;
pub mod comparisons;
pub mod contacts;
pub mod digest;
pub mod events;
pub mod export;
pub mod feeds;
pub mod health;
pub mod holidays;
pub mod inbound;
pub mod inbox;
pub mod interactions;
pub mod me;
pub mod opportunities;
pub mod orgs;
pub mod playbooks;
pub mod profile;
pub mod promises;
pub mod sync;
pub mod webhooks;

use actix_web::dev::HttpServiceFactory;
use utoipa_actix_web::OpenApiFactory;
use utoipa_actix_web::service_config::ServiceConfig;

/// Where the routes are registered: the server's configuration, or the one
/// that also collects each route's OpenAPI paths and schemas for the
/// document ([`crate::docs::openapi`]). The server takes the same list
/// without building the document's parts again in every HTTP worker (10 MB
/// of heap each, thrown away at once).
pub trait Routes {
    /// Registers one documented route.
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static;
}

impl Routes for actix_web::web::ServiceConfig {
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        actix_web::web::ServiceConfig::service(self, factory)
    }
}

impl Routes for ServiceConfig<'_> {
    fn service<F>(&mut self, factory: F) -> &mut Self
    where
        F: HttpServiceFactory + OpenApiFactory + 'static,
    {
        ServiceConfig::service(self, factory)
    }
}

/// Registers every documented route; the same registration feeds the server
/// and the OpenAPI document, so the two cannot drift.
pub fn configure<R: Routes>(cfg: &mut R) {
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
        .service(digest::resend_verification)
        .service(digest::preview)
        .service(digest::verify)
        .service(digest::unsubscribe_page)
        .service(digest::unsubscribe)
        .service(coach::create_invite)
        .service(coach::accept_invite)
        .service(coach::clients)
        .service(coach::end_client)
        .service(coach::client_opportunities)
        .service(coach::client_contacts)
        .service(coach::client_interactions)
        .service(coach::client_agenda)
        .service(coach::client_pipeline)
        .service(coach::client_comparisons)
        .service(coach::client_analytics)
        .service(coach::grants)
        .service(coach::revoke_grant)
        .service(orgs::create_org)
        .service(orgs::list_orgs)
        .service(orgs::join_with_code)
        .service(orgs::get_org)
        .service(orgs::update_org)
        .service(orgs::delete_org)
        .service(orgs::leave_org)
        .service(orgs::create_group)
        .service(orgs::list_groups)
        .service(orgs::update_group)
        .service(orgs::delete_group)
        .service(orgs::list_members)
        .service(orgs::get_member)
        .service(orgs::update_member)
        .service(orgs::remove_member)
        .service(orgs::create_invitation)
        .service(orgs::list_invitations)
        .service(orgs::revoke_invitation)
        .service(orgs::accept_invitation)
        .service(orgs::create_code)
        .service(orgs::list_codes)
        .service(orgs::revoke_code)
        .service(orgs::create_token)
        .service(orgs::list_tokens)
        .service(orgs::revoke_token)
        .service(orgs::report)
        .service(orgs::import_roster)
        .service(api_keys::create_api_key)
        .service(api_keys::list_api_keys)
        .service(api_keys::revoke_api_key)
        .service(opportunities::create_opportunity)
        .service(opportunities::list_opportunities)
        .service(opportunities::get_opportunity)
        .service(opportunities::update_opportunity)
        .service(opportunities::delete_opportunity)
        .service(opportunities::transition)
        .service(opportunities::history)
        .service(contacts::create_contact)
        .service(contacts::list_contacts)
        .service(contacts::get_contact)
        .service(contacts::update_contact)
        .service(contacts::delete_contact)
        .service(interactions::create_interaction)
        .service(interactions::list_interactions)
        .service(interactions::get_interaction)
        .service(interactions::update_interaction)
        .service(interactions::delete_interaction)
        .service(inbox::post_message)
        .service(inbox::list_proposals)
        .service(inbox::get_proposal)
        .service(inbox::accept_proposal)
        .service(inbox::dismiss_proposal)
        .service(inbound::get_address)
        .service(inbound::rotate_address)
        .service(inbound::receive_mail)
        .service(promises::create_promise)
        .service(promises::list_promises)
        .service(promises::get_promise)
        .service(promises::update_promise)
        .service(promises::delete_promise)
        .service(events::list_events)
        .service(sync::sync)
        .service(webhooks::create_webhook)
        .service(webhooks::list_webhooks)
        .service(webhooks::get_webhook)
        .service(webhooks::update_webhook)
        .service(webhooks::delete_webhook)
        .service(webhooks::rotate_secret)
        .service(webhooks::list_deliveries)
        .service(webhooks::redeliver)
        .service(webhooks::ping)
        .service(profile::get_profile)
        .service(profile::put_profile)
        .service(export::export_json)
        .service(export::export_csv)
        .service(cadence::next_actions)
        .service(cadence::agenda)
        .service(cadence::pipeline_health)
        .service(cadence::rules)
        .service(holidays::list_holiday_calendars)
        .service(holidays::get_holiday_calendar)
        .service(playbooks::list_playbooks)
        .service(playbooks::get_playbook)
        .service(playbooks::create_playbook)
        .service(playbooks::replace_playbook)
        .service(playbooks::delete_playbook)
        .service(playbooks::assign_client_playbook)
        .service(cadence::tone_check)
        .service(comparisons::comparison)
        .service(comparisons::comparisons)
        .service(analytics::get_analytics)
        .service(feeds::create_feed_token)
        .service(feeds::list_feed_tokens)
        .service(feeds::revoke_feed_token)
        .service(feeds::agenda_ics);
}
