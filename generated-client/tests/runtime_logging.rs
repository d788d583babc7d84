//! A whole session with failures, logged into a buffer: no secret, token, webhook secret or
//! x-pii value may appear in any line, nor in `Debug`/`Display` of the config, the client or
//! the errors.

mod common;

use common::*;
use std::sync::{Arc, Mutex};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every formatted log line, shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

const TOKEN_A: &str = "TOKEN-AAA-must-not-leak";
const TOKEN_B: &str = "TOKEN-BBB-must-not-leak";
const WEBHOOK_SECRET: &str = "whsec_c3BvdG5hbmEtdGVzdC13ZWJob29rLWtleS0zMmJ5dGU=";
const WEBHOOK_KEY_B64: &str = "c3BvdG5hbmEtdGVzdC13ZWJob29rLWtleS0zMmJ5dGU";
/// Values placed in x-pii properties (`email`, `given`, `family1`, `dob`, `docId`).
const PII: [&str; 5] = ["jane.doe@example.com", "Janetta", "Doeberry", "1980-02-03", "P1234567"];

fn pii_body(extra: serde_json::Value) -> serde_json::Value {
    let mut body = serde_json::json!({
        "email": PII[0],
        "name": {"given": PII[1], "family1": PII[2]},
        "dob": PII[3],
        "passport": {"docId": PII[4]},
    });
    body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    body
}

/// A personal value with a quote in it, as serde quotes it in a decode error (`\"`).
const QUOTED_PII: &str = "D\"Arcy jane.darcy@example.com";

#[tokio::test]
async fn a_session_with_failures_logs_no_secret_token_or_pii() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    // Current-thread test runtime: the guard covers every task of the session.
    let _guard = tracing::subscriber::set_default(subscriber);
    let mut shown = Vec::<String>::new();

    // 1. The token endpoint is down once (503, retried), then issues A, then B.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(503).set_body_json(serde_json::json!({
            "debugIdentifier": "dbg-token-503", "client_secret": CLIENT_SECRET
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(TOKEN_A, 3600)))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_body(TOKEN_B, 3600)))
        .mount(&server)
        .await;
    // 2. A is rejected (401): one refresh to B.
    get_api_users()
        .and(header("authorization", format!("Bearer {TOKEN_A}").as_str()))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    // 3. With B: a 429 whose Retry-After is an HTTP date, a 503, then a 404 whose error
    //    messages echo personal data; then a 200 whose body does not decode and carries
    //    x-pii values with a quote in them.
    let with_b = || get_api_users().and(header("authorization", format!("Bearer {TOKEN_B}").as_str()));
    // Whole seconds: 2 s ahead is a wait of 1 to 2 s.
    let soon = httpdate::fmt_http_date(std::time::SystemTime::now() + std::time::Duration::from_secs(2));
    with_b()
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", soon.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    with_b()
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    with_b()
        .respond_with(ResponseTemplate::new(404).set_body_json(pii_body(serde_json::json!({
            "debugIdentifier": "dbg-404-pii",
            "errorMessages": [{
                "errorCode": "USER_NOT_FOUND",
                "message": format!("no user {} ({})", PII[0], PII[1]),
                "errorDetail": QUOTED_PII
            }]
        }))))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    with_b()
        .respond_with(ResponseTemplate::new(200).set_body_json(pii_body(serde_json::json!({
            "apiUsers": "not-a-list",
            "email": QUOTED_PII,
            "name": {"given": QUOTED_PII, "family1": PII[2]},
        }))))
        .mount(&server)
        .await;

    let builder = spotnana::Spotnana::builder()
        .base_url(server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retry(4));
    shown.push(format!("{builder:?}"));
    let spotnana = builder.build().unwrap();

    // Token 503 → token A → 401 → token B → 429 (HTTP date) → 503 → 404 echoing PII.
    let started = std::time::Instant::now();
    let not_found = spotnana
        .auth()
        .get_api_users_with(spotnana::auth::GetApiUsersParams::new().limit(7))
        .await
        .unwrap_err();
    assert_eq!(not_found.status().map(|s| s.as_u16()), Some(404), "{not_found:?}");
    assert_eq!(not_found.debug_identifier(), Some("dbg-404-pii"));
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(900),
        "the HTTP-date Retry-After was waited"
    );
    let decode = spotnana
        .auth()
        .get_api_users_with(spotnana::auth::GetApiUsersParams::new().limit(7))
        .await
        .unwrap_err();
    let spotnana::Error::Decode { excerpt, reason } = &decode else {
        panic!("expected a decode error, got {decode:?}");
    };
    assert!(
        excerpt.contains("[redacted]") && reason.contains("[redacted]"),
        "{excerpt} / {reason}"
    );
    assert!(
        reason.contains("expected"),
        "the reason keeps what is not personal: {reason}"
    );
    assert!(excerpt.contains("not-a-list"), "so does the excerpt: {excerpt}");
    assert_eq!(spotnana.metrics().auth_failures(), 1, "the 401");
    assert_eq!(spotnana.metrics().token_requests(), 3, "503, A, B");

    // 4. Credentials refused: a typed token error.
    let refused_server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(403).set_body_json(serde_json::json!({
            "debugIdentifier": "dbg-token-403", "errorMessages": [{"errorCode": "INVALID_CLIENT", "message": CLIENT_SECRET}],
            "client_secret": CLIENT_SECRET
        })))
        .mount(&refused_server)
        .await;
    let refused = client(&refused_server, fast_retry(2));
    let token_failure = refused
        .auth()
        .get_api_users_with(spotnana::auth::GetApiUsersParams::new().limit(7))
        .await
        .unwrap_err();
    assert!(
        matches!(token_failure, spotnana::Error::Token { .. }),
        "{token_failure:?}"
    );

    // 5. A second 401 after the refresh: an authentication error (fresh server: always 401).
    let denied_server = MockServer::start().await;
    mount_token(&denied_server, TOKEN_A, Some(1)).await;
    mount_token(&denied_server, TOKEN_B, None).await;
    get_api_users()
        .respond_with(
            ResponseTemplate::new(401).set_body_json(pii_body(serde_json::json!({"debugIdentifier": "dbg-401"}))),
        )
        .mount(&denied_server)
        .await;
    let denied = spotnana::Spotnana::builder()
        .base_url(denied_server.uri())
        .credentials(CLIENT_ID, CLIENT_SECRET)
        .retry(fast_retry(2))
        .build()
        .unwrap();
    let denied_error = denied.auth().get_api_users().await.unwrap_err();
    assert!(
        matches!(denied_error, spotnana::Error::Authentication { .. }),
        "{denied_error:?}"
    );

    // 6. Webhooks: one rejected delivery, one with a bad secret.
    let verifier = spotnana::WebhookVerifier::new(WEBHOOK_SECRET).unwrap();
    let mut headers = http::HeaderMap::new();
    headers.insert("x-spotnana-webhook-id", "msg_1".parse().unwrap());
    headers.insert("x-spotnana-webhook-timestamp", "1".parse().unwrap());
    headers.insert("x-spotnana-webhook-signature", "v1,AAAA".parse().unwrap());
    let webhook_error = verifier
        .verify(&headers, br#"{"email":"jane.doe@example.com"}"#)
        .unwrap_err();
    shown.push(format!("{verifier:?}"));
    shown.push(format!("{webhook_error:?} {webhook_error}"));

    for error in [&token_failure, &not_found, &decode, &denied_error] {
        shown.push(format!("{error:?}"));
        shown.push(format!("{error:#?}"));
        shown.push(error.to_string());
    }
    shown.push(format!("{spotnana:?}"));
    shown.push(format!("{:?}", spotnana.auth()));
    shown.push(format!("{denied:?}"));
    shown.push(format!("{refused:?}"));

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    // The log must have recorded the session (else the checks below prove nothing).
    for expected in [
        "operation=\"getApiUsers\"",
        "path=\"/v2/api-users\"",
        "operation=\"fetchOauth2Token\"",
        "status=429",
        "status=503",
        "status=403",
        "status=401",
        "status=404",
        "attempt=4",
        "latency_ms=",
        "debug_identifier=\"dbg-404-pii\"",
        "debug_identifier=\"dbg-token-403\"",
        "debug_identifier=\"dbg-token-503\"",
        "could not obtain an access token",
        "webhook delivery rejected",
    ] {
        assert!(log.contains(expected), "log lacks {expected:?}:\n{log}");
    }
    let mut forbidden = vec![
        CLIENT_SECRET,
        TOKEN_A,
        TOKEN_B,
        WEBHOOK_SECRET,
        WEBHOOK_KEY_B64,
        "limit=7",
        "Arcy jane.darcy",
        "jane.darcy@example.com",
    ];
    forbidden.extend(PII);
    for line in log.lines() {
        for secret in &forbidden {
            assert!(!line.contains(secret), "{secret:?} leaked into the log: {line}");
        }
    }
    // Debug/Display: no secret, token or PII (the query string is fine there: not logged).
    for text in &shown {
        for secret in forbidden.iter().filter(|s| **s != "limit=7") {
            assert!(!text.contains(secret), "{secret:?} leaked into Debug/Display: {text}");
        }
    }
    assert!(
        shown.iter().any(|s| s.contains(CLIENT_ID)),
        "Debug shows the (non-secret) client id"
    );
}

#[tokio::test]
async fn every_attempt_of_a_call_carries_and_logs_its_correlation_id() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let server = MockServer::start().await;
    get_api_users()
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    get_api_users().respond_with(api_users_ok()).mount(&server).await;
    let made = Arc::new(std::sync::atomic::AtomicU32::new(0));
    let counter = Arc::clone(&made);
    let spotnana = spotnana::Spotnana::builder()
        .base_url(server.uri())
        .retry(fast_retry(3))
        .correlation_id(http::HeaderName::from_static("x-correlation-id"), move || {
            format!("corr-{}", counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
        })
        .build()
        .unwrap();
    spotnana.auth().get_api_users().await.unwrap();
    spotnana.auth().get_api_users().await.unwrap();
    let own = spotnana::CallOptions::new()
        .header("x-correlation-id", "order-8812")
        .unwrap();
    spotnana.with_options(own).auth().get_api_users().await.unwrap();

    let sent: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.headers["x-correlation-id"].to_str().unwrap().to_string())
        .collect();
    assert_eq!(
        sent,
        ["corr-0", "corr-0", "corr-1", "order-8812"],
        "one id per call, kept on retries"
    );
    assert_eq!(
        made.load(std::sync::atomic::Ordering::Relaxed),
        2,
        "none made when the call sets it"
    );
    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for id in ["corr-0", "corr-1", "order-8812"] {
        assert!(
            log.contains(&format!("correlation_id=\"{id}\"")),
            "{id} not logged:\n{log}"
        );
    }
}
