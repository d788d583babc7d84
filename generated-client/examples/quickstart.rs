//! Lists the API users of your TMC (`GET /v2/api-users`), authenticated from the environment.
//!
//! ```sh
//! SPOTNANA_CLIENT_ID=… SPOTNANA_CLIENT_SECRET=… SPOTNANA_ENV=sandbox \
//!   cargo run --example quickstart --features auth
//! ```
//!
//! Set `RUST_LOG`-style filtering in your own subscriber; here every request's log line
//! (method, path template, operationId, status, latency) goes to stderr.

use spotnana::Spotnana;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_writer(std::io::stderr).init();

    // Names the missing or malformed variable when the environment is incomplete.
    let spotnana = Spotnana::from_env()?;
    println!("calling {}", spotnana.base_url());

    match spotnana
        .auth()
        .get_api_users_with(spotnana::auth::GetApiUsersParams::new().limit(10))
        .await
    {
        Ok(page) => println!("{:#?}", page.into_inner()),
        Err(error) => {
            // Quote the debugIdentifier to Spotnana support.
            eprintln!("failed: {error}");
            if let Some(id) = error.debug_identifier() {
                eprintln!("debugIdentifier: {id}");
            }
        }
    }
    println!("authentication failures: {}", spotnana.metrics().auth_failures());
    Ok(())
}
