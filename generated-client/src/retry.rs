//! When a request may be sent again, and how long to wait first.
//!
//! Whether a failed call is sent again depends on what the failure says about the request
//! and on the operation (see [`RetrySafety`]):
//! - **never processed**, so always retried: a connection that could not be made (DNS,
//!   refused, TLS), `408 Request Timeout` and `429 Too Many Requests` (after `Retry-After`
//!   when given);
//! - **outcome unknown**, so retried only for [`RetrySafety::Safe`] operations: a timeout,
//!   a broken connection or an unreadable response after the request went out, `502`,
//!   `503`, `504`. For an unsafe operation (a booking, a cancellation, a payment) such a
//!   transport failure is [`crate::Error::OutcomeUnknown`] and such a status says
//!   [`crate::Error::outcome_unknown`]: sending it again could book twice.
//!
//! Each operation's safety is decided when the client is generated (its method's docs say
//! which, and why) and can be overridden per client ([`RetryPolicy::with_safety`]) and per
//! call ([`crate::CallOptions::retry_safety`]).

use backon::BackoffBuilder as _;
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// Whether sending an operation twice has the effect of sending it once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetrySafety {
    /// Reads, searches and lists (also those sent as POST), and GET, PUT, DELETE: sending
    /// it again after an unknown outcome is harmless.
    Safe,
    /// Creates, bookings, cancellations, payments and every other POST or PATCH that is not
    /// a read: sent again only when it is known not to have been processed.
    Unsafe,
}

impl RetrySafety {
    pub(crate) fn from_flag(safe: bool) -> Self {
        if safe { Self::Safe } else { Self::Unsafe }
    }
}

/// Retry settings, shared by every API client of one [`crate::Spotnana`] (and replaceable
/// per call with [`crate::CallOptions::retry`]).
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per request, the first included (1 disables retries); a request sent again
    /// after a token refresh gets as many. Default 4.
    pub max_attempts: u32,
    /// First backoff delay; each retry doubles it, with random jitter. Default 200 ms.
    pub min_delay: Duration,
    /// Longest backoff delay. Default 10 s.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries. Default 60 s.
    pub max_retry_after: Duration,
    /// The safety of operations this client treats differently from their generated
    /// classification, by Spotnana's operationId (`airCreatePnr`; an id two APIs share is
    /// overridden in both). A per-call policy's entries come first, then the client's.
    pub safety: BTreeMap<String, RetrySafety>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            safety: BTreeMap::new(),
        }
    }
}

impl RetryPolicy {
    /// No retries at all.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Treats the operation `operation_id` (Spotnana's spelling) as `safety`, whatever its
    /// generated classification says.
    pub fn with_safety(mut self, operation_id: impl Into<String>, safety: RetrySafety) -> Self {
        self.safety.insert(operation_id.into(), safety);
        self
    }

    /// The backoff delays, in order (exponential with jitter, so that many clients failing
    /// together do not retry in lockstep).
    pub(crate) fn delays(&self) -> impl Iterator<Item = Duration> + Send + use<> {
        backon::ExponentialBuilder::default()
            .with_min_delay(self.min_delay)
            .with_max_delay(self.max_delay.max(self.min_delay))
            .with_factor(2.0)
            .with_jitter()
            .without_max_times()
            .build()
    }

    /// The wait before the next attempt: `Retry-After` when the server said (`None`, "stop",
    /// beyond `max_retry_after`), else the next backoff delay.
    pub(crate) fn next_delay(
        &self,
        retry_after: Option<Duration>,
        delays: &mut impl Iterator<Item = Duration>,
    ) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait),
            None => delays.next(),
        }
    }
}

/// Whether the transport failure `error` of a `safety` operation may be sent again: one
/// that never connected always; any other (a timeout, a broken exchange, a body that could
/// not be read) only when it is safe. A request that could not be built never.
pub(crate) fn may_resend_after(error: &reqwest::Error, safety: RetrySafety) -> bool {
    error.is_connect() || (safety == RetrySafety::Safe && !error.is_builder())
}

/// Whether a transport failure happened after the request may have been processed: anything
/// but a connection that was never made or a request that was never built.
pub(crate) fn outcome_unknown(error: &reqwest::Error) -> bool {
    !error.is_connect() && !error.is_builder()
}

/// Statuses that say "not processed, try again": 408, 429.
pub(crate) fn is_unprocessed_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429)
}

/// Whether a `status` answer to a `safety` operation may be sent again: 408 and 429
/// always; 502, 503 and 504 (which a gateway may send after the service acted) when safe.
pub(crate) fn may_resend_status(status: reqwest::StatusCode, safety: RetrySafety) -> bool {
    is_unprocessed_status(status) || (safety == RetrySafety::Safe && matches!(status.as_u16(), 502..=504))
}

/// `Retry-After` as a delay: delta-seconds, or an HTTP date in any of the three forms of
/// RFC 9110 §5.6.7 (IMF-fixdate, RFC 850, asctime).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    retry_after_at(headers, SystemTime::now())
}

fn retry_after_at(headers: &reqwest::header::HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::StatusCode;

    fn header(value: &str) -> reqwest::header::HeaderMap {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("retry-after", value.parse().unwrap());
        headers
    }

    #[test]
    fn retry_after_seconds_and_every_date_form() {
        // 1994-11-06 08:49:37 UTC, RFC 9110's own example, 10 s before each date.
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_767);
        assert_eq!(retry_after_at(&header("3"), now), Some(Duration::from_secs(3)));
        for date in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(
                retry_after_at(&header(date), now),
                Some(Duration::from_secs(10)),
                "{date}"
            );
        }
        let later = now + Duration::from_secs(60);
        assert_eq!(
            retry_after_at(&header("Sun, 06 Nov 1994 08:49:37 GMT"), later),
            Some(Duration::ZERO),
            "a past date: retry now"
        );
        assert_eq!(retry_after_at(&header("soon"), now), None);
        assert_eq!(retry_after_at(&header("18446744073709551616"), now), None, "beyond u64");
    }

    #[test]
    fn unprocessed_statuses_always_unknown_outcomes_only_when_safe() {
        for status in [408, 429] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(may_resend_status(status, RetrySafety::Unsafe));
            assert!(may_resend_status(status, RetrySafety::Safe));
        }
        for status in [502, 503, 504] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(!may_resend_status(status, RetrySafety::Unsafe));
            assert!(may_resend_status(status, RetrySafety::Safe));
        }
        for status in [400, 401, 404, 409, 500] {
            let status = StatusCode::from_u16(status).unwrap();
            assert!(!may_resend_status(status, RetrySafety::Safe), "{status}");
        }
    }

    #[test]
    fn a_retry_after_beyond_the_cap_stops() {
        let policy = RetryPolicy::default();
        let mut delays = policy.delays();
        assert_eq!(policy.next_delay(Some(Duration::from_secs(61)), &mut delays), None);
        assert_eq!(
            policy.next_delay(Some(Duration::from_secs(60)), &mut delays),
            Some(Duration::from_secs(60))
        );
        assert!(policy.next_delay(None, &mut delays).is_some());
    }

    #[test]
    fn delays_grow_and_stay_bounded() {
        let policy = RetryPolicy {
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(80),
            ..RetryPolicy::default()
        };
        // Jitter adds up to one base delay on top of each: delay n lies in
        // [min(10·2ⁿ, 80), 2·min(10·2ⁿ, 80)].
        for _ in 0..50 {
            let delays: Vec<_> = policy.delays().take(6).collect();
            for (n, delay) in delays.iter().enumerate() {
                let base = Duration::from_millis((10u64 << n).min(80));
                assert!(
                    *delay >= base && *delay <= base * 2,
                    "delay {n}: {delay:?} of {delays:?}"
                );
            }
        }
    }
}
