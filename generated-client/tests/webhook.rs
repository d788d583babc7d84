//! Webhook verification against fixed vectors.
//!
//! The signatures below were computed independently of this crate, with python3:
//!
//! ```python
//! import hmac, hashlib, base64
//! key = b"spotnana-test-webhook-key-32byte"        # SECRET = "whsec_" + base64(key)
//! other = b"another-endpoint-key-for-testing"      # OTHER_SECRET likewise
//! msg = b"msg_2Lk9Zq7TtW" + b"." + b"1767225600" + b"." + body
//! base64.b64encode(hmac.new(key, msg, hashlib.sha256).digest())
//! ```

use spotnana::webhook::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};
use spotnana::{WebhookError, WebhookVerifier};

const SECRET: &str = "whsec_c3BvdG5hbmEtdGVzdC13ZWJob29rLWtleS0zMmJ5dGU=";
const OTHER_SECRET: &str = "whsec_YW5vdGhlci1lbmRwb2ludC1rZXktZm9yLXRlc3Rpbmc=";
const ID: &str = "msg_2Lk9Zq7TtW";
const TIMESTAMP: u64 = 1_767_225_600; // 2026-01-01T00:00:00Z
const BODY: &[u8] = br#"{"eventType":"TRIP_BOOKED","payload":{"tripId":"1234"}}"#;
/// HMAC of BODY under SECRET's key.
const SIG_GOOD: &str = "iNP8fq25k8yImo05wgxETNc8GJUtxkckvwIxoml+DnU=";
/// HMAC of BODY under OTHER_SECRET's key (the rotated-out key).
const SIG_OTHER: &str = "pDgUHriBP4BulHwdnpsEdCzvLTSS9ieW2U7eWolS0jo=";
/// A body that is not JSON, and its HMAC under SECRET's key.
const BAD_JSON: &[u8] = br#"{"eventType":"#;
const SIG_BAD_JSON: &str = "2NJkBmSs2CwkaCBnBbL+X3QW/8bYZT5QMEpft14h6+0=";

fn headers(signature: &str) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    h.insert(HEADER_ID, ID.parse().unwrap());
    h.insert(HEADER_TIMESTAMP, TIMESTAMP.to_string().parse().unwrap());
    h.insert(HEADER_SIGNATURE, signature.parse().unwrap());
    h
}

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(SECRET).unwrap()
}

const NOW: u64 = TIMESTAMP + 10;

#[test]
fn a_single_signature_is_accepted() {
    let delivery = verifier().verify_at(&headers(SIG_GOOD), BODY, NOW).unwrap();
    assert_eq!(delivery.id, ID);
    assert_eq!(delivery.timestamp, TIMESTAMP);
    assert_eq!(delivery.event_type.as_deref(), Some("TRIP_BOOKED"));
    assert_eq!(delivery.payload["payload"]["tripId"], "1234");
}

#[test]
fn a_v1_prefixed_signature_is_accepted() {
    verifier()
        .verify_at(&headers(&format!("v1,{SIG_GOOD}")), BODY, NOW)
        .unwrap();
}

#[test]
fn several_signatures_during_rotation_are_accepted_with_v1_prefix() {
    let header = format!("v1,{SIG_OTHER} v1,{SIG_GOOD}");
    verifier().verify_at(&headers(&header), BODY, NOW).unwrap();
    // And the other endpoint key, still valid during rotation, matches the first one.
    WebhookVerifier::new(OTHER_SECRET)
        .unwrap()
        .verify_at(&headers(&header), BODY, NOW)
        .unwrap();
}

#[test]
fn several_signatures_during_rotation_are_accepted_without_prefix() {
    let header = format!("{SIG_GOOD} {SIG_OTHER}");
    verifier().verify_at(&headers(&header), BODY, NOW).unwrap();
}

#[test]
fn a_tampered_body_is_rejected() {
    let tampered = br#"{"eventType":"TRIP_BOOKED","payload":{"tripId":"1235"}}"#;
    let err = verifier().verify_at(&headers(SIG_GOOD), tampered, NOW).unwrap_err();
    assert_eq!(err, WebhookError::NoMatch { count: 1 });
}

#[test]
fn a_tampered_id_is_rejected() {
    let mut h = headers(SIG_GOOD);
    h.insert(HEADER_ID, "msg_other".parse().unwrap());
    assert_eq!(
        verifier().verify_at(&h, BODY, NOW).unwrap_err(),
        WebhookError::NoMatch { count: 1 }
    );
}

#[test]
fn the_wrong_secret_is_rejected() {
    let err = WebhookVerifier::new(OTHER_SECRET)
        .unwrap()
        .verify_at(&headers(SIG_GOOD), BODY, NOW)
        .unwrap_err();
    assert_eq!(err, WebhookError::NoMatch { count: 1 });
}

#[test]
fn a_stale_timestamp_is_rejected() {
    let err = verifier()
        .verify_at(&headers(SIG_GOOD), BODY, TIMESTAMP + 301)
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::Stale {
            age_secs: 301,
            tolerance_secs: 300
        }
    );
    // At the edge of the tolerance, still accepted.
    verifier().verify_at(&headers(SIG_GOOD), BODY, TIMESTAMP + 300).unwrap();
}

#[test]
fn a_future_timestamp_is_rejected() {
    let err = verifier()
        .verify_at(&headers(SIG_GOOD), BODY, TIMESTAMP - 301)
        .unwrap_err();
    assert_eq!(
        err,
        WebhookError::Future {
            ahead_secs: 301,
            tolerance_secs: 300
        }
    );
    verifier().verify_at(&headers(SIG_GOOD), BODY, TIMESTAMP - 300).unwrap();
}

#[test]
fn the_tolerance_is_configurable() {
    let strict = verifier().with_tolerance(std::time::Duration::from_secs(5));
    assert!(matches!(
        strict.verify_at(&headers(SIG_GOOD), BODY, NOW),
        Err(WebhookError::Stale { .. })
    ));
}

#[test]
fn each_missing_header_is_named() {
    for name in [HEADER_ID, HEADER_TIMESTAMP, HEADER_SIGNATURE] {
        let mut h = headers(SIG_GOOD);
        h.remove(name);
        let err = verifier().verify_at(&h, BODY, NOW).unwrap_err();
        assert_eq!(err, WebhookError::MissingHeader(name));
        assert!(err.to_string().contains(name), "{err}");
    }
}

#[test]
fn a_malformed_timestamp_is_rejected() {
    let mut h = headers(SIG_GOOD);
    h.insert(HEADER_TIMESTAMP, "2026-01-01T00:00:00Z".parse().unwrap());
    assert_eq!(
        verifier().verify_at(&h, BODY, NOW).unwrap_err(),
        WebhookError::BadTimestamp
    );
}

#[test]
fn a_malformed_base64_signature_is_rejected() {
    let err = verifier().verify_at(&headers("v1,not*base64!"), BODY, NOW).unwrap_err();
    assert_eq!(err, WebhookError::MalformedSignature);
    // Valid base64 of the wrong length is malformed too, not a mismatch.
    let err = verifier().verify_at(&headers("v1,AAAA"), BODY, NOW).unwrap_err();
    assert_eq!(err, WebhookError::MalformedSignature);
}

#[test]
fn a_malformed_base64_secret_is_rejected() {
    assert!(matches!(
        WebhookVerifier::new("whsec_***"),
        Err(WebhookError::MalformedSecret(_))
    ));
    assert!(matches!(
        WebhookVerifier::new("whsec_"),
        Err(WebhookError::MalformedSecret(_))
    ));
}

#[test]
fn a_signed_body_that_is_not_json_is_rejected() {
    let err = verifier().verify_at(&headers(SIG_BAD_JSON), BAD_JSON, NOW).unwrap_err();
    assert!(matches!(err, WebhookError::MalformedJson(_)), "{err:?}");
}

#[test]
fn debug_never_shows_the_secret() {
    let shown = format!("{:?}", verifier());
    assert!(
        !shown.contains("c3BvdG5hbmEtdGVzdC13ZWJob29rLWtleS0zMmJ5dGU"),
        "{shown}"
    );
}

/// The signature of a delivery of `BODY` with id `ID` at `timestamp`, under `SECRET`.
fn sign_at(timestamp: u64) -> String {
    use base64::Engine as _;
    use hmac::Mac as _;
    let key = base64::engine::general_purpose::STANDARD
        .decode(SECRET.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{ID}.{timestamp}.").as_bytes());
    mac.update(BODY);
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

#[test]
fn verify_uses_the_current_clock() {
    assert_eq!(sign_at(TIMESTAMP), SIG_GOOD, "the signer agrees with the fixed vector");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let delivery = |timestamp: u64| {
        let mut h = headers(&sign_at(timestamp));
        h.insert(HEADER_TIMESTAMP, timestamp.to_string().parse().unwrap());
        h
    };
    verifier().verify(&delivery(now), BODY).expect("signed now: accepted");
    let err = verifier().verify(&delivery(now - 3600), BODY).unwrap_err();
    assert!(matches!(err, WebhookError::Stale { .. }), "an hour old: {err:?}");
    let err = verifier().verify(&delivery(now + 3600), BODY).unwrap_err();
    assert!(matches!(err, WebhookError::Future { .. }), "an hour ahead: {err:?}");
}

#[test]
fn entries_of_other_versions_or_that_do_not_decode_are_skipped() {
    // Standard Webhooks: a receiver skips what it cannot check and fails only when no
    // signature it can check matches.
    for header in [
        format!("v1a,bm90LWFuLWVkMjU1MTktc2lnbmF0dXJl v1,{SIG_GOOD}"),
        format!("v2,c29tZXRoaW5nLWVsc2U= v1,{SIG_GOOD}"),
        format!("v1,{SIG_GOOD} v1,AAAA"),
        format!("v1,not*base64! v1,{SIG_GOOD}"),
    ] {
        verifier()
            .verify_at(&headers(&header), BODY, NOW)
            .unwrap_or_else(|e| panic!("{header}: {e:?}"));
    }
    // Only entries it cannot check: malformed; checkable ones that do not match: no match.
    let err = verifier()
        .verify_at(&headers("v2,c29tZXRoaW5nLWVsc2U= v1,AAAA"), BODY, NOW)
        .unwrap_err();
    assert_eq!(err, WebhookError::MalformedSignature);
    let err = verifier()
        .verify_at(&headers(&format!("v2,c29tZXRoaW5nLWVsc2U= v1,{SIG_OTHER}")), BODY, NOW)
        .unwrap_err();
    assert_eq!(err, WebhookError::NoMatch { count: 1 });
}

/// The test vector Standard Webhooks publishes with its reference libraries.
#[test]
fn the_published_standard_webhooks_vector_verifies() {
    let mut h = http::HeaderMap::new();
    h.insert(HEADER_ID, "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk".parse().unwrap());
    h.insert(HEADER_TIMESTAMP, "1649367553".parse().unwrap());
    h.insert(
        HEADER_SIGNATURE,
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=".parse().unwrap(),
    );
    let body = br#"{"email":"test@example.com","username":"test_user"}"#;
    let verifier = WebhookVerifier::new("whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD").unwrap();
    let delivery = verifier.verify_at(&h, body, 1_649_367_553).unwrap();
    assert_eq!(delivery.payload["username"], "test_user");
    // One byte changed: refused.
    let tampered = br#"{"email":"test@example.com","username":"test_usex"}"#;
    assert!(matches!(
        verifier.verify_at(&h, tampered, 1_649_367_553),
        Err(WebhookError::NoMatch { count: 1 })
    ));
}

#[test]
fn a_delivery_verified_once_is_refused_as_a_replay_within_the_window() {
    let receiver = verifier();
    receiver.verify_at(&headers(SIG_GOOD), BODY, NOW).unwrap();
    let err = receiver.verify_at(&headers(SIG_GOOD), BODY, NOW + 1).unwrap_err();
    assert_eq!(err, WebhookError::Replayed { id: ID.into() });
    // Clones share what they saw.
    let err = receiver
        .clone()
        .verify_at(&headers(SIG_GOOD), BODY, NOW + 2)
        .unwrap_err();
    assert!(matches!(err, WebhookError::Replayed { .. }), "{err:?}");
    // A forged delivery with the id of a genuine one is refused for its signature and not
    // remembered: the genuine one still goes through.
    let other = verifier();
    let forged = other.verify_at(&headers(SIG_OTHER), BODY, NOW).unwrap_err();
    assert!(matches!(forged, WebhookError::NoMatch { .. }), "{forged:?}");
    other.verify_at(&headers(SIG_GOOD), BODY, NOW).unwrap();
}

#[test]
fn the_replay_store_is_pluggable_and_forgets_after_the_window() {
    use spotnana::{InMemoryReplayGuard, ReplayGuard};
    use std::sync::{Arc, Mutex};

    let guard = InMemoryReplayGuard::default();
    assert!(guard.first_sighting("a", 100, 600));
    assert!(!guard.first_sighting("a", 699, 600));
    assert!(
        guard.first_sighting("a", 700, 600),
        "forgotten once the window has passed"
    );

    /// A store that records what it is asked, as a shared one would.
    #[derive(Clone, Default)]
    struct Recording(Arc<Mutex<Vec<(String, u64, u64)>>>);
    impl ReplayGuard for Recording {
        fn first_sighting(&self, id: &str, now: u64, window: u64) -> bool {
            self.0.lock().unwrap().push((id.into(), now, window));
            true
        }
    }
    let store = Recording::default();
    let verifier = verifier().with_replay_guard(store.clone());
    verifier.verify_at(&headers(SIG_GOOD), BODY, NOW).unwrap();
    verifier.verify_at(&headers(SIG_GOOD), BODY, NOW).unwrap();
    assert_eq!(
        *store.0.lock().unwrap(),
        [(ID.to_string(), NOW, 600), (ID.to_string(), NOW, 600)]
    );
}
