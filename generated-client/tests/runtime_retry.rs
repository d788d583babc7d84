//! Retries: 429 (honouring Retry-After), 503, connection errors; POST only when opted in.

mod common;

use common::*;
use spotnana::RetryPolicy;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn mount_sequence(
    server: &MockServer,
    http_method: &str,
    responses: Vec<ResponseTemplate>,
    then: ResponseTemplate,
) {
    for response in responses {
        Mock::given(method(http_method))
            .and(path(API_USERS_PATH))
            .respond_with(response)
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
    Mock::given(method(http_method))
        .and(path(API_USERS_PATH))
        .respond_with(then)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_429_with_retry_after_and_a_503_are_retried_until_success() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    mount_sequence(
        &server,
        "GET",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ResponseTemplate::new(503),
        ],
        api_users_ok(),
    )
    .await;
    let spotnana = client(&server, fast_retry(4));
    spotnana.auth().get_api_users(None, None).await.unwrap();
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 3);
    assert_eq!(spotnana.metrics().retries(), 2);
}

#[tokio::test]
async fn a_persistent_503_is_retried_up_to_the_limit() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users()
        .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({"debugIdentifier": "dbg-503"})))
        .expect(3)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(3));
    let error = spotnana::Error::from(spotnana.auth().get_api_users(None, None).await.unwrap_err());
    assert!(
        matches!(error, spotnana::Error::Status { status, .. } if status.as_u16() == 503),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(error.debug_identifier(), Some("dbg-503"));
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 3);
    assert!(error.to_string().contains("getApiUsers (/v2/api-users)"), "{error}");
}

#[tokio::test]
async fn a_persistent_429_is_retried_up_to_the_limit() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users()
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(4)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(4));
    let error = spotnana::Error::from(spotnana.auth().get_api_users(None, None).await.unwrap_err());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(429));
}

#[tokio::test]
async fn a_retry_after_beyond_the_limit_stops_the_retries() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    // Asked to come back in two minutes, with max_retry_after at 2 s: give up at once rather
    // than hold the caller (the error says 429 and is_retryable, for the caller to schedule).
    get_api_users()
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(4));
    let error = spotnana::Error::from(spotnana.auth().get_api_users(None, None).await.unwrap_err());
    assert!(error.is_retryable());
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 1);
}

#[tokio::test]
async fn a_4xx_is_not_retried() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users()
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "debugIdentifier": "dbg-404", "errorMessages": [{"errorCode": "NOT_FOUND", "message": "none"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(4));
    let error = spotnana::Error::from(spotnana.auth().get_api_users(None, None).await.unwrap_err());
    let body = error.api_error().expect("typed error body");
    assert_eq!(body.error_messages[0].error_code.as_deref(), Some("NOT_FOUND"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    assert!(!error.is_retryable());
}

fn create_body() -> spotnana::auth::types::CreateApiUsersRequest {
    // Built through serde: independent of whether the generated structs allow literals.
    serde_json::from_value(serde_json::json!({"tmcId": "tmc-1"})).unwrap()
}

#[tokio::test]
async fn a_post_is_not_retried_by_default() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    mount_sequence(
        &server,
        "POST",
        vec![ResponseTemplate::new(503)],
        ResponseTemplate::new(200).set_body_json(serde_json::json!({})),
    )
    .await;
    let spotnana = client(&server, fast_retry(4));
    let error = spotnana::Error::from(spotnana.auth().create_api_user(&create_body()).await.unwrap_err());
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(count(&server, "POST", API_USERS_PATH).await, 1);
}

#[tokio::test]
async fn a_post_is_retried_when_opted_in() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    mount_sequence(
        &server,
        "POST",
        vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
        ],
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"clientId": "new-client"})),
    )
    .await;
    let policy = RetryPolicy {
        retry_non_idempotent: true,
        ..fast_retry(4)
    };
    let spotnana = client(&server, policy);
    let created = spotnana
        .auth()
        .create_api_user(&create_body())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.client_id.as_deref(), Some("new-client"));
    assert_eq!(count(&server, "POST", API_USERS_PATH).await, 3);
}

#[tokio::test]
async fn connection_errors_are_retried_up_to_the_limit() {
    // A port nobody listens on: bind, note the port, close.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let spotnana = spotnana::Spotnana::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retry(3))
        .build()
        .unwrap();
    let error = spotnana::Error::from(spotnana.auth().get_api_users(None, None).await.unwrap_err());
    assert!(matches!(error, spotnana::Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(spotnana.metrics().attempts(), 3);
    assert_eq!(spotnana.metrics().retries(), 2);
}

#[tokio::test]
async fn a_slow_answer_is_a_timeout_error() {
    let server = MockServer::start().await;
    get_api_users()
        .respond_with(api_users_ok().set_delay(std::time::Duration::from_secs(5)))
        .mount(&server)
        .await;
    let spotnana = spotnana::Spotnana::builder()
        .base_url(server.uri())
        .retry(fast_retry(2))
        .request_timeout(Some(std::time::Duration::from_millis(50)))
        .build()
        .unwrap();
    let error = spotnana::Error::from(spotnana.auth().get_api_users(None, None).await.unwrap_err());
    assert!(matches!(error, spotnana::Error::Timeout(_)), "{error:?}");
    assert_eq!(spotnana.metrics().attempts(), 2, "a timed-out GET is retried");
}
