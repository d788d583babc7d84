//! Tokens: one fetch for many callers, refresh on expiry, one refresh on 401.

mod common;

use common::*;
use spotnana::Spotnana;
use std::time::Duration;
use wiremock::matchers::{body_string, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_calls_without_a_token_cause_one_token_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string(format!(
            "client_id={CLIENT_ID}&client_secret={CLIENT_SECRET}&grant_type=client_credentials"
        )))
        // A slow token endpoint, so that the fifty calls really wait on the same fetch.
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body("tok-shared", 3600))
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer tok-shared"))
        .respond_with(api_users_ok())
        .expect(50)
        .mount(&server)
        .await;

    let spotnana = client(&server, fast_retry(1));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..50 {
        let spotnana = spotnana.clone();
        // Spawned: the generated futures, hooks included, must be Send.
        calls.spawn(async move { spotnana.auth().get_api_users().await });
    }
    let mut ok = 0;
    while let Some(result) = calls.join_next().await {
        result.expect("task").expect("call");
        ok += 1;
    }
    assert_eq!(ok, 50);
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 1);
    assert_eq!(spotnana.metrics().token_requests(), 1);
    assert_eq!(spotnana.metrics().auth_failures(), 0);
}

#[tokio::test]
async fn a_cached_token_is_reused() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1", None).await;
    get_api_users()
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(api_users_ok())
        .expect(3)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(1));
    for _ in 0..3 {
        spotnana.auth().get_api_users().await.unwrap();
    }
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 1);
}

#[tokio::test]
async fn an_expired_token_is_refreshed() {
    let server = MockServer::start().await;
    // Tokens live 1 s: the second call, 1.2 s later, finds the first expired and must wait
    // for a fresh one.
    for token in ["tok-1", "tok-2"] {
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_body(token, 1)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    for token in ["tok-1", "tok-2"] {
        get_api_users()
            .and(header("authorization", format!("Bearer {token}").as_str()))
            .respond_with(api_users_ok())
            .expect(1)
            .mount(&server)
            .await;
    }
    let spotnana = refreshing_client(&server);
    spotnana.auth().get_api_users().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    spotnana.auth().get_api_users().await.unwrap();
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2);
    assert_eq!(spotnana.metrics().token_requests(), 2);
}

#[tokio::test]
async fn a_401_causes_one_refresh_and_one_retry() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-old", Some(1)).await;
    mount_token(&server, "tok-new", Some(1)).await;
    get_api_users()
        .and(header("authorization", "Bearer tok-old"))
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({"debugIdentifier": "dbg-401"})))
        .expect(1)
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer tok-new"))
        .respond_with(api_users_ok())
        .expect(1)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(1));
    let users = spotnana.auth().get_api_users().await.unwrap().into_inner();
    assert_eq!(users.total_count, Some(1));
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2);
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 2);
    assert_eq!(spotnana.metrics().auth_failures(), 1);
}

#[tokio::test]
async fn a_second_401_is_an_authentication_error() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-a", Some(1)).await;
    mount_token(&server, "tok-b", Some(1)).await;
    get_api_users()
        .respond_with(ResponseTemplate::new(401).set_body_json(serde_json::json!({
            "debugIdentifier": "dbg-denied",
            "errorMessages": [{"errorCode": "UNAUTHENTICATED", "message": "token rejected"}]
        })))
        .expect(2)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(4));
    let error = spotnana.auth().get_api_users().await.unwrap_err();
    match &error {
        spotnana::Error::Authentication { status, context, .. } => {
            assert_eq!(status.map(|s| s.as_u16()), Some(401));
            assert_eq!(context.operation, Some("getApiUsers"));
            assert_eq!(context.path, Some("/v2/api-users"));
        }
        other => panic!("expected an authentication error, got {other:?}"),
    }
    assert_eq!(error.debug_identifier(), Some("dbg-denied"));
    assert!(!error.is_retryable());
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2, "one refresh only");
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 2, "one retry only");
    assert_eq!(spotnana.metrics().auth_failures(), 2);
}

#[tokio::test]
async fn a_failing_token_endpoint_is_a_typed_token_error_and_counted() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "debugIdentifier": "dbg-token",
            "errorMessages": [{"errorCode": "INVALID_CLIENT"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    get_api_users()
        .respond_with(api_users_ok())
        .expect(0)
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(3));
    let error = spotnana.auth().get_api_users().await.unwrap_err();
    let spotnana::Error::Token { error: token, context } = &error else {
        panic!("expected a token error, got {error:?}");
    };
    assert_eq!(token.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(token.debug_identifier(), Some("dbg-token"));
    assert_eq!(token.body().unwrap().codes(), "INVALID_CLIENT");
    assert!(
        !token.is_transient(),
        "refused credentials do not get better by waiting"
    );
    assert!(!error.is_retryable());
    assert_eq!(context.operation, Some("getApiUsers"));
    let shown = error.to_string();
    assert!(
        shown.contains("403") && shown.contains("dbg-token") && shown.contains("INVALID_CLIENT"),
        "{shown}"
    );
    assert_eq!(spotnana.metrics().auth_failures(), 1);
}

#[tokio::test]
async fn the_token_endpoint_call_itself_carries_no_bearer_and_every_call_a_user_agent() {
    let server = MockServer::start().await;
    mount_token(&server, "tok-1", None).await;
    get_api_users().respond_with(api_users_ok()).mount(&server).await;
    let spotnana = client(&server, fast_retry(1));
    // Built through serde: independent of whether the generated structs allow literals.
    let body: spotnana::auth::types::OAuthTokenRequest = serde_json::from_value(serde_json::json!({
        "client_id": "someone", "client_secret": "else", "grant_type": "client_credentials"
    }))
    .unwrap();
    spotnana.auth().fetch_oauth2_token(&body).await.unwrap();
    spotnana.auth().get_api_users().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let user_agent = format!("spotnana-rust/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(requests.len(), 3, "explicit token call, runtime token fetch, API call");
    for r in &requests {
        assert_eq!(
            r.headers.get("user-agent").unwrap().to_str().unwrap(),
            user_agent,
            "{}",
            r.url
        );
    }
    let explicit = &requests[0];
    assert!(String::from_utf8_lossy(&explicit.body).contains("client_id=someone"));
    assert!(explicit.headers.get("authorization").is_none());
    assert_eq!(
        requests[2].headers.get("authorization").unwrap().to_str().unwrap(),
        "Bearer tok-1"
    );
}

#[tokio::test]
async fn without_credentials_requests_carry_no_authorization() {
    let server = MockServer::start().await;
    get_api_users()
        .respond_with(api_users_ok())
        .expect(1)
        .mount(&server)
        .await;
    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    spotnana.auth().get_api_users().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(spotnana.metrics().token_requests(), 0);
}

/// A token endpoint's `Retry-After` is capped like an API call's: one beyond
/// `max_retry_after` ends the retries at once (it used to be slept, holding every caller, or
/// to overflow the deadline arithmetic and panic).
#[tokio::test]
async fn a_huge_retry_after_from_the_token_endpoint_ends_the_retries_without_panic_or_hang() {
    for (retry_after, deadline) in [("18446744073709551615", Some(Duration::from_secs(30))), ("86400", None)] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", retry_after))
            .expect(1)
            .mount(&server)
            .await;
        let spotnana = Spotnana::builder()
            .base_url(server.uri())
            .credentials(CLIENT_ID, CLIENT_SECRET)
            .retry(fast_retry(5))
            .deadline(deadline)
            .build()
            .unwrap();
        let auth = spotnana.auth();
        let call = auth.get_api_users();
        let Ok(outcome) = tokio::time::timeout(Duration::from_secs(10), call).await else {
            panic!("Retry-After {retry_after} held the call");
        };
        let error = outcome.unwrap_err();
        assert!(
            matches!(&error, spotnana::Error::Token { error, .. } if error.is_transient()),
            "{error:?}"
        );
    }
}

/// A 307/308 re-posts the body: the token request, which carries the client secret, must not
/// follow one anywhere.
#[tokio::test]
async fn the_token_request_follows_no_redirect() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(307).insert_header("location", format!("{}/elsewhere", server.uri())))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/elsewhere"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("taken", 3600)))
        .mount(&server)
        .await;

    let spotnana = client(&server, fast_retry(1));
    let err = spotnana.auth().get_api_users().await.unwrap_err();
    assert!(matches!(err, spotnana::Error::Token { .. }), "{err:?}");
    assert_eq!(
        count(&server, "POST", "/elsewhere").await,
        0,
        "the secret went to the redirect"
    );
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 1);
}

/// A client with a refresh margin of 60 s. Its tokens (see [`DUE`]) live no longer than twice
/// that, so each is due for replacement half way through its life.
/// A token lifetime (seconds) and how long to wait before it is due for replacement while
/// still valid: due after 2 s, expired after 4 s.
const DUE: (u64, Duration) = (4, Duration::from_millis(2100));

fn refreshing_client(server: &MockServer) -> Spotnana {
    Spotnana::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retry(1))
        .refresh_margin(Duration::from_secs(60))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_still_valid_token_is_used_when_its_refresh_fails() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1", DUE.0)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(api_users_ok())
        .expect(3)
        .mount(&server)
        .await;

    let spotnana = refreshing_client(&server);
    spotnana.auth().get_api_users().await.unwrap();
    tokio::time::sleep(DUE.1).await;
    // The refresh fails (503): the call goes on with the token that is still valid.
    spotnana.auth().get_api_users().await.unwrap();
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2);
    // Right after a failed refresh, the next call does not ask the failing endpoint again.
    spotnana.auth().get_api_users().await.unwrap();
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2);
    assert_eq!(spotnana.metrics().auth_failures(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn callers_keep_the_valid_token_while_one_refreshes_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-1", DUE.0)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    // The refresh is slow.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_body("tok-2", DUE.0))
                .set_delay(Duration::from_millis(1500)),
        )
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer tok-1"))
        .respond_with(api_users_ok())
        .expect(2)
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer tok-2"))
        .respond_with(api_users_ok())
        .expect(1)
        .mount(&server)
        .await;

    let spotnana = refreshing_client(&server);
    spotnana.auth().get_api_users().await.unwrap();
    tokio::time::sleep(DUE.1).await;
    let refreshing = {
        let spotnana = spotnana.clone();
        tokio::spawn(async move { spotnana.auth().get_api_users().await.map(|_| ()) })
    };
    // Wait until the spawned call is refreshing (its token request has arrived).
    while count(&server, "POST", TOKEN_PATH).await < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // While the refresh is in flight, this call goes out at once with the valid token.
    spotnana.auth().get_api_users().await.unwrap();
    // Had it waited, the refresh would be over and it would have sent tok-2 (the mocks'
    // expectations, checked when the server drops, count the tokens sent).
    assert!(!refreshing.is_finished(), "the call waited for the refresh");
    refreshing.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_client_secret_rotates_without_rebuilding_the_client() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .and(body_string(format!(
            "client_id={CLIENT_ID}&client_secret=ROTATED-secret&grant_type=client_credentials"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body("tok-new", 3600)))
        .expect(1)
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer tok-new"))
        .respond_with(api_users_ok())
        .expect(1)
        .mount(&server)
        .await;

    let spotnana = client(&server, fast_retry(1));
    assert!(
        spotnana.clone().rotate_client_secret("ROTATED-secret"),
        "clones share the secret"
    );
    spotnana.auth().get_api_users().await.unwrap();
    let anonymous = Spotnana::builder().base_url(server.uri()).build().unwrap();
    assert!(!anonymous.rotate_client_secret("unused"));
}

#[tokio::test]
async fn a_token_endpoint_outage_is_retried_like_any_call() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    mount_token(&server, "after-outage", None).await;
    get_api_users()
        .and(header("authorization", "Bearer after-outage"))
        .respond_with(api_users_ok())
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(3));
    spotnana.auth().get_api_users().await.unwrap();
    assert_eq!(spotnana.metrics().token_requests(), 3);
    assert_eq!(spotnana.metrics().auth_failures(), 0, "the fetch succeeded in the end");

    // One attempt fewer than the outage lasts: a transient token error.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(2));
    let error = spotnana.auth().get_api_users().await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(count(&server, "POST", TOKEN_PATH).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_401s_cause_one_refresh() {
    let server = MockServer::start().await;
    mount_token(&server, "first", Some(1)).await;
    mount_token(&server, "second", None).await;
    get_api_users()
        .and(header("authorization", "Bearer first"))
        .respond_with(ResponseTemplate::new(401).set_delay(Duration::from_millis(100)))
        .mount(&server)
        .await;
    get_api_users()
        .and(header("authorization", "Bearer second"))
        .respond_with(api_users_ok())
        .mount(&server)
        .await;
    let spotnana = client(&server, fast_retry(1));
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let spotnana = spotnana.clone();
        calls.spawn(async move { spotnana.auth().get_api_users().await });
    }
    while let Some(result) = calls.join_next().await {
        result.expect("task").expect("call");
    }
    assert_eq!(
        count(&server, "POST", TOKEN_PATH).await,
        2,
        "the first token, one replacement"
    );
    // Each 401 counts; a call that starts after the replacement gets the new token at once.
    assert!((1..=20).contains(&spotnana.metrics().auth_failures()));
}

#[tokio::test]
async fn the_deadline_covers_the_token_step() {
    let server = MockServer::start().await;
    mount_slow_token(&server, "slow", Duration::from_secs(5), None).await;
    get_api_users().respond_with(api_users_ok()).mount(&server).await;
    let spotnana = Spotnana::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retry(3))
        .request_timeout(None)
        .deadline(Some(Duration::from_millis(300)))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = tokio::time::timeout(Duration::from_secs(4), spotnana.auth().get_api_users())
        .await
        .expect("the deadline ends the call")
        .unwrap_err();
    assert!(
        matches!(&error, spotnana::Error::Token { error, .. } if error.is_transient()),
        "{error:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(4));
    assert_eq!(count(&server, "GET", API_USERS_PATH).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_short_deadline_does_not_fail_other_callers_sharing_the_fetch() {
    let server = MockServer::start().await;
    mount_slow_token(&server, "shared", Duration::from_millis(600), None).await;
    get_api_users().respond_with(api_users_ok()).mount(&server).await;
    let spotnana = client(&server, fast_retry(2));
    let hurried = spotnana.with_options(spotnana::CallOptions::new().deadline(Duration::from_millis(200)));
    let hurried = hurried.auth();
    let (short, patient) = tokio::join!(hurried.get_api_users(), async {
        tokio::time::sleep(Duration::from_millis(50)).await;
        spotnana.auth().get_api_users().await
    });
    let short = short.unwrap_err();
    assert!(short.is_retryable(), "{short:?}");
    patient.expect("the patient caller's fetch is its own, not the hurried one's failure");
}

#[tokio::test]
async fn a_documented_error_status_with_another_body_keeps_its_status() {
    let server = MockServer::start().await;
    get_api_users()
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>not found</html>"))
        .mount(&server)
        .await;
    let spotnana = Spotnana::new(server.uri(), reqwest::Client::new());
    let error = spotnana.auth().get_api_users().await.unwrap_err();
    assert!(
        matches!(&error, spotnana::Error::Status { status, documented: true, body: None, .. } if status.as_u16() == 404),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_call_whose_token_step_used_its_deadline_is_not_sent() {
    let server = MockServer::start().await;
    mount_slow_token(&server, "late", Duration::from_millis(950), None).await;
    get_api_users().respond_with(api_users_ok()).mount(&server).await;
    let spotnana = Spotnana::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .deadline(Some(Duration::from_secs(1)))
        .build()
        .unwrap();
    let error = spotnana.auth().get_api_users().await.unwrap_err();
    assert!(
        matches!(error, spotnana::Error::NotSent { .. } | spotnana::Error::Token { .. }),
        "{error:?}"
    );
    assert!(error.is_retryable());
    assert_eq!(
        count(&server, "GET", API_USERS_PATH).await,
        0,
        "nothing sent with ~50 ms left"
    );
}
