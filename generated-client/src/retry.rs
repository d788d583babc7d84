//! When and how long to wait before sending a request again.
//!
//! Retried: connection errors and timeouts, `429 Too Many Requests` (waiting what
//! `Retry-After` says, when it says), `502`, `503`, `504`. Only idempotent methods (GET, HEAD,
//! PUT, DELETE, OPTIONS) are retried unless [`RetryPolicy::retry_non_idempotent`] opts in:
//! a POST that timed out may have been applied, and sending it again could book twice.

use backon::BackoffBuilder as _;
use std::time::Duration;

/// Retry settings, shared by every API client of one [`crate::Spotnana`].
#[derive(Clone, Debug, PartialEq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included (1 disables retries). Default 4.
    pub max_attempts: u32,
    /// First backoff delay; each retry doubles it, with random jitter. Default 200 ms.
    pub min_delay: Duration,
    /// Longest backoff delay. Default 10 s.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries. Default 60 s.
    pub max_retry_after: Duration,
    /// Also retry POST and PATCH. Off by default: they are not idempotent.
    pub retry_non_idempotent: bool,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            min_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_non_idempotent: false,
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

    /// Whether a request with this method may be sent again.
    pub(crate) fn may_retry(&self, method: &reqwest::Method) -> bool {
        is_idempotent(method) || self.retry_non_idempotent
    }
}

/// GET, HEAD, PUT, DELETE, OPTIONS (and TRACE): sending them twice has the effect of once.
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::PUT,
        Method::DELETE,
        Method::OPTIONS,
        Method::TRACE,
    ]
    .contains(method)
}

/// Statuses that say "try again later": 408, 429, 502, 503, 504.
pub(crate) fn is_retryable_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

/// Transport errors worth another attempt: the request may not have arrived, or the
/// answer did not arrive in time.
pub(crate) fn is_retryable_transport(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request()
}

/// `Retry-After` as a delay: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = when.signed_duration_since(chrono::Utc::now());
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_seconds_and_dates() {
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("retry-after", "3".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::ZERO), "a past date: retry now");
        headers.insert("retry-after", "soon".parse().unwrap());
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn only_idempotent_methods_by_default() {
        let policy = RetryPolicy::default();
        assert!(policy.may_retry(&reqwest::Method::GET));
        assert!(policy.may_retry(&reqwest::Method::DELETE));
        assert!(!policy.may_retry(&reqwest::Method::POST));
        assert!(!policy.may_retry(&reqwest::Method::PATCH));
        let opted_in = RetryPolicy {
            retry_non_idempotent: true,
            ..policy
        };
        assert!(opted_in.may_retry(&reqwest::Method::POST));
    }

    #[test]
    fn delays_grow_and_stay_bounded() {
        let policy = RetryPolicy {
            min_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(50),
            ..RetryPolicy::default()
        };
        let delays: Vec<_> = policy.delays().take(6).collect();
        assert_eq!(delays.len(), 6);
        // Jitter adds at most one extra base delay on top of the capped delay.
        assert!(delays.iter().all(|d| *d <= Duration::from_millis(100)), "{delays:?}");
        assert!(delays.iter().all(|d| *d >= Duration::from_millis(10)), "{delays:?}");
    }
}
