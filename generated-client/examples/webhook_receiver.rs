//! A webhook endpoint that verifies Spotnana's deliveries and logs them.
//!
//! ```sh
//! SPOTNANA_WEBHOOK_SECRET=whsec_… cargo run --example webhook_receiver
//! ```
//!
//! Listens on 127.0.0.1:3000, route `POST /spotnana/webhook`. Verification needs the *raw*
//! body (any re-serialisation changes the bytes the signature covers), so the handler takes
//! `Bytes`, not a JSON extractor.

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use spotnana::{WebhookError, WebhookVerifier};
use std::sync::Arc;

async fn receive(State(verifier): State<Arc<WebhookVerifier>>, headers: HeaderMap, body: Bytes) -> StatusCode {
    // `verify` logs the receipt (id, event type, verified or why not).
    match verifier.verify(&headers, &body) {
        Ok(delivery) => {
            tracing::info!(id = %delivery.id, event_type = delivery.event_type.as_deref().unwrap_or("?"), "processing");
            StatusCode::NO_CONTENT
        }
        // Unparseable JSON with a valid signature: Spotnana sent it, retrying will not help.
        Err(WebhookError::MalformedJson(_)) => StatusCode::UNPROCESSABLE_ENTITY,
        Err(_) => StatusCode::UNAUTHORIZED,
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();
    let secret = std::env::var("SPOTNANA_WEBHOOK_SECRET")
        .map_err(|_| "environment variable SPOTNANA_WEBHOOK_SECRET is not set")?;
    let verifier = Arc::new(WebhookVerifier::new(&secret)?);
    let app = Router::new()
        .route("/spotnana/webhook", post(receive))
        .with_state(verifier);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    tracing::info!("listening on http://127.0.0.1:3000/spotnana/webhook");
    axum::serve(listener, app).await?;
    Ok(())
}
