//! Retries: 429 (honouring Retry-After), 503, connection errors; an operation that is not
//! safe to send twice only when it was not processed; per-client and per-call overrides.

mod common;

use common::*;
use spotnana::{CallOptions, RetryPolicy, RetrySafety};
use std::time::Duration;
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
    spotnana.auth().get_api_users().await.unwrap();
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
    let error = spotnana.auth().get_api_users().await.unwrap_err();
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
    let error = spotnana.auth().get_api_users().await.unwrap_err();
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
    let error = spotnana.auth().get_api_users().await.unwrap_err();
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
    let error = spotnana.auth().get_api_users().await.unwrap_err();
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
async fn an_unsafe_operation_is_not_sent_again_after_a_503() {
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
    let error = spotnana.auth().create_api_user(&create_body()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert!(!error.is_retryable(), "a 503 to a create may have been processed");
    assert_eq!(count(&server, "POST", API_USERS_PATH).await, 1);
}

#[tokio::test]
async fn an_unsafe_operation_is_sent_again_after_a_429() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    mount_sequence(
        &server,
        "POST",
        vec![
            ResponseTemplate::new(429).insert_header("retry-after", "0"),
            ResponseTemplate::new(408),
        ],
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"clientId": "new-client"})),
    )
    .await;
    let spotnana = client(&server, fast_retry(4));
    let created = spotnana
        .auth()
        .create_api_user(&create_body())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(created.client_id.as_deref(), Some("new-client"));
    assert_eq!(
        count(&server, "POST", API_USERS_PATH).await,
        3,
        "429 and 408: not processed"
    );
}

#[tokio::test]
async fn a_timed_out_unsafe_operation_is_not_sent_again_and_its_outcome_is_unknown() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    Mock::given(method("POST"))
        .and(path(API_USERS_PATH))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let spotnana = spotnana::Spotnana::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retry(4))
        .request_timeout(Some(Duration::from_millis(100)))
        .build()
        .unwrap();
    let error = spotnana.auth().create_api_user(&create_body()).await.unwrap_err();
    assert!(
        matches!(&error, spotnana::Error::OutcomeUnknown { context, .. } if context.operation == Some("createApiUser")),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    assert!(error.to_string().contains("may have been processed"), "{error}");
    assert_eq!(count(&server, "POST", API_USERS_PATH).await, 1);
}

#[tokio::test]
async fn the_client_and_the_call_can_declare_an_operation_safe() {
    for per_call in [false, true] {
        let server = MockServer::start().await;
        mount_token(&server, "tok", None).await;
        mount_sequence(
            &server,
            "POST",
            vec![ResponseTemplate::new(503), ResponseTemplate::new(502)],
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"clientId": "new-client"})),
        )
        .await;
        let spotnana = if per_call {
            client(&server, fast_retry(4)).with_options(CallOptions::new().retry_safety(RetrySafety::Safe))
        } else {
            client(&server, fast_retry(4).with_safety("createApiUser", RetrySafety::Safe))
        };
        spotnana.auth().create_api_user(&create_body()).await.unwrap();
        assert_eq!(count(&server, "POST", API_USERS_PATH).await, 3, "per call: {per_call}");
    }
}

#[tokio::test]
async fn a_call_can_turn_retries_off() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users()
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(4));
    let once = spotnana.with_options(CallOptions::new().retry(RetryPolicy::none()));
    let error = once.auth().get_api_users().await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503), "{error:?}");
    assert_eq!(
        count(&server, "GET", API_USERS_PATH).await,
        1,
        "retries off for this call"
    );
    spotnana.auth().get_api_users().await.unwrap_err();
    assert_eq!(
        count(&server, "GET", API_USERS_PATH).await,
        1 + 4,
        "the client's calls still retry"
    );
}

#[tokio::test]
async fn a_call_carries_its_extra_headers_and_others_do_not() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users().respond_with(api_users_ok()).mount(&server).await;
    let spotnana = client(&server, fast_retry(1));
    let options = CallOptions::new().header("x-correlation-id", "order-8812").unwrap();
    spotnana.with_options(options).auth().get_api_users().await.unwrap();
    spotnana.auth().get_api_users().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let carried: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path() == API_USERS_PATH)
        .map(|r| {
            r.headers
                .get("x-correlation-id")
                .map(|v| v.to_str().unwrap().to_string())
        })
        .collect();
    assert_eq!(carried, [Some("order-8812".to_string()), None]);
    assert!(CallOptions::new().header("bad name", "x").is_err());
    assert!(CallOptions::new().header("x-ok", "line\nbreak").is_err());
    let shown = format!("{:?}", CallOptions::new().header("x-api-key", "s3cr3t").unwrap());
    assert!(shown.contains("x-api-key") && !shown.contains("s3cr3t"), "{shown}");
}

#[tokio::test]
async fn a_call_has_its_own_timeout() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users()
        .respond_with(api_users_ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    // The client waits 30 s per request; this call 100 ms, once.
    let spotnana = client(&server, fast_retry(4));
    let quick = spotnana.with_options(
        CallOptions::new()
            .request_timeout(Duration::from_millis(100))
            .retry(RetryPolicy::none()),
    );
    let started = std::time::Instant::now();
    let error = quick.auth().get_api_users().await.unwrap_err();
    assert!(matches!(error, spotnana::Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(4), "{:?}", started.elapsed());
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 1);
}

/// A client of a port nobody listens on (bound, noted, closed), retrying 3 times.
fn unreachable_client() -> spotnana::Spotnana {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    spotnana::Spotnana::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(fast_retry(3))
        .build()
        .unwrap()
}

#[tokio::test]
async fn connection_errors_are_retried_up_to_the_limit() {
    let spotnana = unreachable_client();
    let error = spotnana.auth().get_api_users().await.unwrap_err();
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
    let error = spotnana.auth().get_api_users().await.unwrap_err();
    assert!(matches!(error, spotnana::Error::Timeout(_)), "{error:?}");
    assert_eq!(spotnana.metrics().attempts(), 2, "a timed-out GET is retried");
}

#[tokio::test]
async fn an_unsafe_operation_that_never_connected_is_sent_again() {
    let spotnana = unreachable_client();
    let error = spotnana.auth().create_api_user(&create_body()).await.unwrap_err();
    assert!(matches!(error, spotnana::Error::Transport(_)), "{error:?}");
    assert!(error.is_retryable() && !error.outcome_unknown());
    assert_eq!(spotnana.metrics().attempts(), 3, "nothing was sent: safe to try again");
}

#[tokio::test]
async fn responses_carry_only_what_the_server_sent() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    get_api_users()
        .respond_with(api_users_ok().insert_header("x-server", "1"))
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(1));
    let response = spotnana.auth().get_api_users().await.unwrap();
    assert!(response.headers().contains_key("x-server"));
    let ours: Vec<_> = response
        .headers()
        .keys()
        .filter(|name| name.as_str().starts_with("x-spotnana"))
        .collect();
    assert!(ours.is_empty(), "synthetic headers: {ours:?}");
}

#[tokio::test]
async fn gateway_errors_to_an_unsafe_operation_are_not_retried_and_say_the_outcome_is_unknown() {
    for status in [502, 503, 504] {
        let server = MockServer::start().await;
        mount_token(&server, "tok", None).await;
        Mock::given(method("POST"))
            .and(path(API_USERS_PATH))
            .respond_with(ResponseTemplate::new(status))
            .mount(&server)
            .await;
        let spotnana = client(&server, fast_retry(4));
        let error = spotnana.auth().create_api_user(&create_body()).await.unwrap_err();
        assert!(error.outcome_unknown() && !error.is_retryable(), "{status}: {error:?}");
        assert_eq!(count(&server, "POST", API_USERS_PATH).await, 1, "{status}");
    }
}

/// A server that answers every request with headers promising a body it never finishes.
async fn truncating_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
        while let Ok((mut socket, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 65536];
                let _ = socket.read(&mut buffer).await;
                let _ = socket
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"clientId\"")
                    .await;
                // Closed mid-body.
            });
        }
    });
    format!("http://{address}")
}

#[tokio::test]
async fn an_unsafe_operation_whose_answer_broke_off_has_an_unknown_outcome() {
    let base = truncating_server().await;
    let spotnana = spotnana::Spotnana::builder()
        .base_url(base)
        .retry(fast_retry(4))
        .build()
        .unwrap();
    let error = spotnana.auth().create_api_user(&create_body()).await.unwrap_err();
    assert!(matches!(error, spotnana::Error::OutcomeUnknown { .. }), "{error:?}");
    assert!(!error.is_retryable());
    assert_eq!(spotnana.metrics().attempts(), 1);
}

#[tokio::test]
async fn a_safe_post_is_sent_again_after_a_timeout() {
    let server = MockServer::start().await;
    mount_slow_token(&server, "slow", Duration::from_secs(5), Some(1)).await;
    mount_token(&server, "quick", None).await;
    let spotnana = spotnana::Spotnana::builder()
        .base_url(server.uri())
        .retry(fast_retry(3))
        .request_timeout(Some(Duration::from_millis(200)))
        .build()
        .unwrap();
    // `fetchOauth2Token` is a POST that reads: safe to send again.
    let body: spotnana::auth::types::OAuthTokenRequest = serde_json::from_value(serde_json::json!({
        "client_id": "someone", "client_secret": "else", "grant_type": "client_credentials"
    }))
    .unwrap();
    let token = spotnana.auth().fetch_oauth2_token(&body).await.unwrap().into_inner();
    assert_eq!(token.access_token, "quick");
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2);
}

#[tokio::test]
async fn a_call_has_its_own_deadline() {
    let server = MockServer::start().await;
    get_api_users()
        .respond_with(api_users_ok().set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let spotnana = spotnana::Spotnana::builder()
        .base_url(server.uri())
        .retry(fast_retry(4))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = spotnana
        .with_options(CallOptions::new().deadline(Duration::from_millis(300)))
        .auth()
        .get_api_users()
        .await
        .unwrap_err();
    assert!(matches!(error, spotnana::Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3), "{:?}", started.elapsed());
}

#[tokio::test]
async fn options_applied_on_top_of_others_keep_what_they_do_not_set() {
    let server = MockServer::start().await;
    mount_token(&server, "tok", None).await;
    Mock::given(method("POST"))
        .and(path(API_USERS_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    // The client says createApiUser is safe; a call's own policy (no override) keeps that,
    // and options on top of options keep the first's header and add the second's.
    let spotnana = client(&server, fast_retry(3).with_safety("createApiUser", RetrySafety::Safe));
    let layered = spotnana
        .with_options(CallOptions::new().header("x-first", "1").unwrap())
        .with_options(CallOptions::new().retry(fast_retry(2)).header("x-second", "2").unwrap());
    layered.auth().create_api_user(&create_body()).await.unwrap_err();
    let requests = server.received_requests().await.unwrap();
    let sent: Vec<_> = requests.iter().filter(|r| r.url.path() == API_USERS_PATH).collect();
    assert_eq!(
        sent.len(),
        2,
        "the call's policy: 2 attempts, the client's safety: retried"
    );
    assert!(
        sent.iter()
            .all(|r| r.headers.contains_key("x-first") && r.headers.contains_key("x-second"))
    );
}
