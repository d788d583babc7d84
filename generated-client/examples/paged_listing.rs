//! Lists every API user of your TMC, page by page (`GET /v2/api-users`, 50 at a time), with
//! a correlation id on every request, authenticated from the environment.
//!
//! ```sh
//! SPOTNANA_CLIENT_ID=… SPOTNANA_CLIENT_SECRET=… SPOTNANA_ENV=sandbox \
//!   cargo run --example paged_listing --features auth
//! ```

use spotnana::auth::GetApiUsersParams;
use spotnana::{CallOptions, RetryPolicy, Spotnana, SpotnanaBuilder};
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();

    let started = std::time::SystemTime::now();
    let spotnana: Spotnana = SpotnanaBuilder::from_env()?
        // Logged with each attempt and sent as `x-correlation-id`: one id per call.
        .correlation_id(http::HeaderName::from_static("x-correlation-id"), move || {
            format!("paged-listing-{}", started.elapsed().unwrap_or_default().as_nanos())
        })
        .build()?;

    // Optional parameters by name; the limit is the page size of the stream.
    let auth = spotnana.auth();
    let mut users = auth.get_api_users_items(GetApiUsersParams::new().limit(50));
    let mut count = 0;
    while let Some(user) = users.next().await {
        let user = user?; // the first error ends the stream
        count += 1;
        println!("{:?}", user.client_id);
    }
    println!("{count} API users");

    // One call with its own settings: 5 s, no retries.
    let quick = spotnana.with_options(
        CallOptions::new()
            .request_timeout(Duration::from_secs(5))
            .retry(RetryPolicy::none()),
    );
    let first = quick
        .auth()
        .get_api_users_with(GetApiUsersParams::new().limit(1))
        .await?;
    println!("first page: {:?}", first.into_inner().api_users.len());
    Ok(())
}
