//! Shared pieces of the runtime tests: a mock Spotnana, a fast retry policy, token mocks.
#![allow(dead_code)] // each test crate uses a different subset

use spotnana::{RetryPolicy, Spotnana};
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const CLIENT_ID: &str = "test-client-id";
pub const CLIENT_SECRET: &str = "CLIENT-SECRET-d0-n0t-l0g";
pub const TOKEN_PATH: &str = "/v2/auth/oauth2-token";
pub const API_USERS_PATH: &str = "/v2/api-users";

/// Millisecond backoff so retry tests run fast; attempts as given.
pub fn fast_retry(max_attempts: u32) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        min_delay: Duration::from_millis(1),
        max_delay: Duration::from_millis(5),
        max_retry_after: Duration::from_secs(2),
        ..RetryPolicy::default()
    }
}

pub fn client(server: &MockServer, retry: RetryPolicy) -> Spotnana {
    Spotnana::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(retry)
        .build()
        .expect("valid configuration")
}

pub fn token_body(token: &str, expires_in: u64) -> serde_json::Value {
    serde_json::json!({"access_token": token, "token_type": "Bearer", "expires_in": expires_in})
}

/// A token endpoint answering `token` (at most `times` times when given).
pub async fn mount_token(server: &MockServer, token: &str, times: Option<u64>) {
    let mock = Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(token, 3600)));
    let mock = match times {
        Some(n) => mock.up_to_n_times(n),
        None => mock,
    };
    mock.mount(server).await;
}

/// A token endpoint answering `token` only after `delay` (at most `times` times when given).
pub async fn mount_slow_token(server: &MockServer, token: &str, delay: Duration, times: Option<u64>) {
    let mock = Mock::given(method("POST")).and(path(TOKEN_PATH)).respond_with(
        ResponseTemplate::new(200)
            .set_body_json(token_body(token, 3600))
            .set_delay(delay),
    );
    let mock = match times {
        Some(n) => mock.up_to_n_times(n),
        None => mock,
    };
    mock.mount(server).await;
}

/// The mock of `GET /v2/api-users` (the call most runtime tests make), to be completed.
pub fn get_api_users() -> wiremock::MockBuilder {
    Mock::given(method("GET")).and(path(API_USERS_PATH))
}

pub fn api_users_ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(serde_json::json!({"apiUsers": [{"clientId": "c1"}], "totalCount": 1}))
}

pub async fn count(server: &MockServer, http_method: &str, request_path: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .filter(|r| r.method.as_str() == http_method && r.url.path() == request_path)
        .count()
}
