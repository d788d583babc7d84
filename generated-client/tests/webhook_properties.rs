//! Property tests of the webhook verifier, over 10,000 generated cases each: no input makes
//! it panic, a delivery signed with the endpoint's key verifies, and any change to its body
//! or signature is refused.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use proptest::prelude::*;
use spotnana::WebhookVerifier;
use spotnana::webhook::{HEADER_ID, HEADER_SIGNATURE, HEADER_TIMESTAMP};

const KEY: &[u8] = b"spotnana-test-webhook-key-32byte";
const NOW: u64 = 1_767_225_600;

fn verifier() -> WebhookVerifier {
    WebhookVerifier::new(&format!("whsec_{}", STANDARD.encode(KEY))).unwrap()
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, computed here from the key.
fn sign(id: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(KEY).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

fn headers(id: &str, timestamp: &str, signature: &str) -> Option<http::HeaderMap> {
    let mut h = http::HeaderMap::new();
    h.insert(HEADER_ID, id.parse().ok()?);
    h.insert(HEADER_TIMESTAMP, timestamp.parse().ok()?);
    h.insert(HEADER_SIGNATURE, signature.parse().ok()?);
    Some(h)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(10_000))]

    #[test]
    fn no_input_makes_it_panic(
        id in "[ -~]{0,40}",
        timestamp in prop_oneof![
            (NOW - 1_000..NOW + 1_000).prop_map(|t| t.to_string()),
            any::<u64>().prop_map(|t| t.to_string()),
            "[ -~]{0,24}",
        ],
        signature in prop_oneof![
            "(v1,[A-Za-z0-9+/=]{0,60} ?){0,3}",
            "[ -~]{0,160}",
        ],
        body in proptest::collection::vec(any::<u8>(), 0..256),
    ) {
        // Printable ASCII always makes valid header values: every case reaches the checks.
        let h = headers(&id, &timestamp, &signature).expect("printable ASCII header values");
        prop_assert!(verifier().verify_at(&h, &body, NOW).is_err(), "an unsigned delivery verified");
        let _ = verifier().verify_at(&http::HeaderMap::new(), &body, NOW);
    }

    #[test]
    fn a_signed_delivery_verifies_and_any_change_is_refused(
        id in "msg_[A-Za-z0-9]{1,24}",
        text in "\\PC{0,120}",
        skew in 0u64..300,
        at in any::<prop::sample::Index>(),
        bit in 0u8..8,
    ) {
        let body = serde_json::to_vec(&serde_json::json!({"eventType": "TRIP_BOOKED", "note": text})).unwrap();
        let timestamp = NOW - skew;
        let good = sign(&id, timestamp, &body);
        let h = headers(&id, &timestamp.to_string(), &good).unwrap();
        prop_assert!(verifier().verify_at(&h, &body, NOW).is_ok());

        let mut changed = body.clone();
        changed[at.index(body.len())] ^= 1 << bit;
        prop_assert!(verifier().verify_at(&h, &changed, NOW).is_err());

        let mut signature = good.into_bytes();
        let i = 3 + at.index(signature.len() - 3);
        signature[i] = if signature[i] == b'A' { b'B' } else { b'A' };
        let forged = headers(&id, &timestamp.to_string(), std::str::from_utf8(&signature).unwrap()).unwrap();
        prop_assert!(verifier().verify_at(&forged, &body, NOW).is_err());
    }
}
