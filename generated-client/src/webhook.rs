//! Verifying Spotnana's webhook deliveries.
//!
//! Each delivery carries three headers: `x-spotnana-webhook-id`,
//! `x-spotnana-webhook-timestamp` (Unix seconds) and `x-spotnana-webhook-signature`. The
//! signature is `base64(HMAC-SHA256(key, "{id}.{timestamp}.{raw body}"))` where the key is the
//! base64 after the `whsec_` prefix of the endpoint's secret. During a key rotation the header
//! holds several space-separated signatures, each possibly prefixed `v1,`; one match is
//! enough. Timestamps further than the tolerance (default 5 minutes) in the past *or* the
//! future are rejected, which bounds replays; within that window, a delivery whose id was
//! already verified is refused as a replay ([`ReplayGuard`], in memory by default, shared by
//! the verifier's clones; give it a store of your own when several processes receive).
//! Comparison is constant-time.
//!
//! The published documents define no webhook payload schema, so the body comes back as
//! [`serde_json::Value`] in a [`WebhookDelivery`], with [`WebhookDelivery::parse`] to read it
//! into a type of your own.

use crate::secret::Secret;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
/// The header map [`WebhookVerifier::verify`] takes (the `http` crate's, as axum, hyper and
/// reqwest use).
pub use http::HeaderMap;
use sha2::Sha256;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use subtle::ConstantTimeEq;

/// Header holding the delivery id.
pub const HEADER_ID: &str = "x-spotnana-webhook-id";
/// Header holding the delivery time, Unix seconds.
pub const HEADER_TIMESTAMP: &str = "x-spotnana-webhook-timestamp";
/// Header holding the signature(s).
pub const HEADER_SIGNATURE: &str = "x-spotnana-webhook-signature";

/// Default tolerance between the delivery's timestamp and this machine's clock.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Why a delivery was rejected: one variant per failure, so a receiver can count them apart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The webhook secret is not `whsec_<base64>` (or its base64 is malformed).
    #[error("the webhook secret is malformed: {0}")]
    MalformedSecret(&'static str),
    /// A required header is absent (or not visible ASCII).
    #[error("header {0} is missing")]
    MissingHeader(&'static str),
    /// The timestamp header is not Unix seconds.
    #[error("header x-spotnana-webhook-timestamp is not a Unix timestamp in seconds")]
    BadTimestamp,
    /// The timestamp is older than the tolerance allows (a replay, or a long delay).
    #[error("the delivery is {age_secs} s old, beyond the tolerance of {tolerance_secs} s")]
    Stale {
        /// How old.
        age_secs: u64,
        /// The tolerance.
        tolerance_secs: u64,
    },
    /// The timestamp is further in the future than the tolerance allows.
    #[error("the delivery is dated {ahead_secs} s in the future, beyond the tolerance of {tolerance_secs} s")]
    Future {
        /// How far ahead.
        ahead_secs: u64,
        /// The tolerance.
        tolerance_secs: u64,
    },
    /// No signature in the header can be checked: none is a `v1` base64 HMAC-SHA256.
    #[error("no signature in x-spotnana-webhook-signature is valid base64 of an HMAC-SHA256")]
    MalformedSignature,
    /// No signature in the header matches the body and secret.
    #[error("no signature matched ({count} checked)")]
    NoMatch {
        /// How many signatures could be checked.
        count: usize,
    },
    /// A delivery with this id was already verified within the replay window.
    #[error("delivery {id} was already received: a replay")]
    Replayed {
        /// The delivery id.
        id: String,
    },
    /// The body is not JSON.
    #[error("the body is not JSON: {0}")]
    MalformedJson(String),
}

/// A verified delivery.
/// `Debug` shows the payload's property names, never its values (traveller data).
#[derive(Clone)]
pub struct WebhookDelivery {
    /// `x-spotnana-webhook-id`: stable across retries of the same delivery (deduplicate on it).
    pub id: String,
    /// `x-spotnana-webhook-timestamp`.
    pub timestamp: u64,
    /// The event type, from the payload's `eventType` (or `type`) when it has one.
    pub event_type: Option<String>,
    /// The JSON payload.
    pub payload: serde_json::Value,
}

impl std::fmt::Debug for WebhookDelivery {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<&String> = self.payload.as_object().map(|o| o.keys().collect()).unwrap_or_default();
        f.debug_struct("WebhookDelivery")
            .field("id", &self.id)
            .field("timestamp", &self.timestamp)
            .field("event_type", &self.event_type)
            .field("payload_keys", &keys)
            .finish()
    }
}

impl WebhookDelivery {
    /// Reads the payload into a type of your own (or a generated one: on a stack of its own,
    /// as responses are, see [`crate::decode`]).
    pub fn parse<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        stacker::grow(crate::decode::DECODE_STACK, || T::deserialize(&self.payload))
    }
}

/// Where a verifier remembers the delivery ids it verified, to refuse a replay.
pub trait ReplayGuard: Send + Sync {
    /// Records delivery `id` as verified at `now` (Unix seconds); `false` when it was already
    /// recorded less than `window` seconds ago (a replay). Forgets ids older than `window`.
    fn first_sighting(&self, id: &str, now: u64, window: u64) -> bool;
}

/// The default [`ReplayGuard`]: ids in memory, for one receiving process.
#[derive(Debug, Default)]
pub struct InMemoryReplayGuard {
    seen: std::sync::Mutex<std::collections::HashMap<String, u64>>,
}

impl ReplayGuard for InMemoryReplayGuard {
    fn first_sighting(&self, id: &str, now: u64, window: u64) -> bool {
        // A poisoned lock still holds a usable map: a panic elsewhere must not open the gate.
        let mut seen = self.seen.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        seen.retain(|_, at| now.saturating_sub(*at) < window);
        match seen.entry(id.to_string()) {
            std::collections::hash_map::Entry::Occupied(_) => false,
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(now);
                true
            }
        }
    }
}

/// Verifies deliveries for one endpoint secret.
#[derive(Clone)]
pub struct WebhookVerifier {
    key: Secret,
    tolerance: Duration,
    replays: std::sync::Arc<dyn ReplayGuard>,
}

impl std::fmt::Debug for WebhookVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookVerifier")
            .field("key", &self.key)
            .field("tolerance", &self.tolerance)
            .finish_non_exhaustive()
    }
}

impl WebhookVerifier {
    /// A verifier for the endpoint secret `whsec_<base64>` (the prefix is optional).
    pub fn new(secret: &str) -> Result<Self, WebhookError> {
        let encoded = secret.trim().strip_prefix("whsec_").unwrap_or(secret.trim());
        if encoded.is_empty() {
            return Err(WebhookError::MalformedSecret("empty"));
        }
        let key = STANDARD
            .decode(encoded)
            .map_err(|_| WebhookError::MalformedSecret("not base64 after `whsec_`"))?;
        // The key is bytes; keep it as base64 text inside a Secret so it never prints.
        Ok(Self {
            key: Secret::new(STANDARD.encode(key)),
            tolerance: DEFAULT_TOLERANCE,
            replays: std::sync::Arc::new(InMemoryReplayGuard::default()),
        })
    }

    /// Remember verified ids in `guard` instead of this process's memory (e.g. a store shared
    /// by several receivers).
    pub fn with_replay_guard(mut self, guard: impl ReplayGuard + 'static) -> Self {
        self.replays = std::sync::Arc::new(guard);
        self
    }

    /// Accept timestamps within `tolerance` of now (both directions).
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Verifies a delivery from its headers and *raw* body (as received, before any JSON
    /// parsing), at the current time. Logs the outcome (id, event type, verified or why not).
    pub fn verify(&self, headers: &HeaderMap, body: &[u8]) -> Result<WebhookDelivery, WebhookError> {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        self.verify_at(headers, body, now)
    }

    /// [`WebhookVerifier::verify`] at a given time (Unix seconds).
    pub fn verify_at(&self, headers: &HeaderMap, body: &[u8], now: u64) -> Result<WebhookDelivery, WebhookError> {
        let result = self.check(headers, body, now);
        let id = headers.get(HEADER_ID).and_then(|v| v.to_str().ok()).unwrap_or("");
        match &result {
            Ok(delivery) => tracing::info!(
                target: "spotnana::webhook",
                id,
                event_type = delivery.event_type.as_deref().unwrap_or(""),
                verified = true,
                "webhook delivery verified"
            ),
            Err(error) => tracing::warn!(
                target: "spotnana::webhook",
                id,
                verified = false,
                reason = %error,
                "webhook delivery rejected"
            ),
        }
        result
    }

    fn check(&self, headers: &HeaderMap, body: &[u8], now: u64) -> Result<WebhookDelivery, WebhookError> {
        let header = |name: &'static str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .ok_or(WebhookError::MissingHeader(name))
        };
        let id = header(HEADER_ID)?;
        let timestamp_text = header(HEADER_TIMESTAMP)?;
        let signatures = header(HEADER_SIGNATURE)?;
        let timestamp: u64 = timestamp_text.parse().map_err(|_| WebhookError::BadTimestamp)?;
        let tolerance_secs = self.tolerance.as_secs();
        if now > timestamp && now - timestamp > tolerance_secs {
            return Err(WebhookError::Stale {
                age_secs: now - timestamp,
                tolerance_secs,
            });
        }
        if timestamp > now && timestamp - now > tolerance_secs {
            return Err(WebhookError::Future {
                ahead_secs: timestamp - now,
                tolerance_secs,
            });
        }

        let key = STANDARD
            .decode(self.key.expose())
            .map_err(|_| WebhookError::MalformedSecret("not base64"))?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes keys of any length");
        mac.update(id.as_bytes());
        mac.update(b".");
        mac.update(timestamp_text.as_bytes());
        mac.update(b".");
        mac.update(body);
        let expected = mac.finalize().into_bytes();

        // Standard Webhooks: entries of other versions (`v1a,` asymmetric, `v2,`) and entries
        // that are not a well-formed HMAC-SHA256 are skipped; only when no entry that can be
        // checked matches is the delivery refused. A bare entry (no `version,`) is read as v1.
        let mut count = 0;
        let mut matched = false;
        for candidate in signatures.split_ascii_whitespace() {
            let encoded = match candidate.split_once(',') {
                Some(("v1", encoded)) => encoded,
                Some(_) => continue,
                None => candidate,
            };
            let Ok(decoded) = STANDARD.decode(encoded) else {
                continue;
            };
            if decoded.len() != expected.len() {
                continue;
            }
            count += 1;
            // Constant-time, and no early exit: timing reveals neither which signature
            // matched nor how much of it.
            matched |= bool::from(decoded.ct_eq(expected.as_slice()));
        }
        if count == 0 {
            return Err(WebhookError::MalformedSignature);
        }
        if !matched {
            return Err(WebhookError::NoMatch { count });
        }

        let payload: serde_json::Value = serde_json::from_slice(body)
            // serde's position only: its message could quote the body.
            .map_err(|e| {
                WebhookError::MalformedJson(format!(
                    "{:?} error at line {} column {}",
                    e.classify(),
                    e.line(),
                    e.column()
                ))
            })?;
        // Last, once the delivery is proven Spotnana's: a forged one must not fill the store.
        // A timestamp is accepted up to `tolerance` either side of now, so an id can come
        // back within twice that.
        if !self
            .replays
            .first_sighting(id, now, tolerance_secs.saturating_mul(2).max(1))
        {
            return Err(WebhookError::Replayed { id: id.to_string() });
        }
        let event_type = ["eventType", "type", "event_type"]
            .iter()
            .find_map(|k| payload.get(*k).and_then(|v| v.as_str()))
            .map(str::to_string);
        Ok(WebhookDelivery {
            id: id.to_string(),
            timestamp,
            event_type,
            payload,
        })
    }
}
