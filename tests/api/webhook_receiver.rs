//! A webhook receiver on loopback for the tests: it records every request
//! and answers with the statuses it is told to, in order (then 200).

use std::collections::VecDeque;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};

/// One request the receiver got.
#[derive(Debug, Clone)]
pub struct Received {
    pub id: String,
    pub timestamp: String,
    pub signature: String,
    pub body: String,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Default)]
struct Inbox {
    received: Mutex<Vec<Received>>,
    replies: Mutex<VecDeque<(u16, Option<String>)>>,
}

/// A running receiver.
pub struct Receiver {
    pub url: String,
    inbox: Arc<Inbox>,
    handle: actix_web::dev::ServerHandle,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        drop(self.handle.stop(false));
    }
}

async fn receive(req: HttpRequest, body: web::Bytes, inbox: web::Data<Inbox>) -> HttpResponse {
    let header = |name: &str| {
        req.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    inbox.received.lock().unwrap().push(Received {
        id: header("webhook-id"),
        timestamp: header("webhook-timestamp"),
        signature: header("webhook-signature"),
        body: String::from_utf8_lossy(&body).into_owned(),
    });
    let reply = inbox.replies.lock().unwrap().pop_front();
    let (status, retry_after) = reply.unwrap_or((200, None));
    let mut response = HttpResponse::build(actix_web::http::StatusCode::from_u16(status).unwrap());
    if let Some(seconds) = retry_after {
        response.insert_header(("retry-after", seconds));
    }
    response.finish()
}

impl Receiver {
    /// Starts a receiver on 127.0.0.1 at `/hook`.
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Inbox::default());
        let data = web::Data::from(inbox.clone());
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .default_service(web::to(receive))
        })
        .listen(listener)
        .unwrap()
        .workers(1)
        .disable_signals()
        .run();
        let handle = server.handle();
        tokio::spawn(server);
        Self {
            url: format!("http://127.0.0.1:{port}/hook"),
            inbox,
            handle,
        }
    }

    /// Answers the next requests with these statuses (and `Retry-After`).
    pub fn reply(&self, replies: &[(u16, Option<&str>)]) {
        let mut queue = self.inbox.replies.lock().unwrap();
        for (status, retry_after) in replies {
            queue.push_back((*status, retry_after.map(str::to_owned)));
        }
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.inbox.received.lock().unwrap().clone()
    }

    /// Waits until `n` requests came (the worker polls every 250 ms; the
    /// deadline only keeps a broken test from hanging).
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..400 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "expected {n} deliveries, got {}: {:?}",
            self.received().len(),
            self.received()
        );
    }
}
