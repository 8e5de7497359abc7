//! The drain before a stop: once the server is told to stop, `/readyz`
//! answers 503 and every response closes its connection, so load balancers
//! take the replica out and keep-alive clients reconnect elsewhere, before the
//! listener closes. Requests the server has read are always answered; a
//! request still unread on a connection the server closes is the client's to
//! retry (RFC 9112 §9.3.1).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::ConnectionType;
use actix_web::middleware::Next;
use actix_web::web;

use crate::state::AppState;

/// Whether the server is draining. Cheap to clone; all clones share the flag.
#[derive(Debug, Clone, Default)]
pub struct Drain(Arc<AtomicBool>);

impl Drain {
    /// Starts the drain; there is no way back.
    pub fn start(&self) {
        self.0.store(true, Ordering::Release);
    }

    /// Whether the drain has started.
    pub fn is_draining(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Closes each connection after its response while the server drains.
pub async fn close_while_draining(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let draining = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|state| state.drain.is_draining());
    let mut response = next.call(req).await?;
    if draining {
        response
            .response_mut()
            .head_mut()
            .set_connection_type(ConnectionType::Close);
    }
    Ok(response)
}
