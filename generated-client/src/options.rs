//! Settings of one call, or of a few: [`CallOptions`], applied with
//! [`crate::Spotnana::with_options`].

use crate::retry::{RetryPolicy, RetrySafety};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use std::time::Duration;

/// What some calls do differently from the client's settings: a timeout, a deadline, a retry
/// policy, the retry safety of the operation, extra headers. Unset settings are the
/// client's; options applied on top of others replace what they set and add their headers.
/// The token request is shared by all calls, so it keeps the client's settings (a call
/// waits for it no longer than its own deadline).
///
/// ```no_run
/// # #[cfg(feature = "auth")]
/// # async fn demo(spotnana: spotnana::Spotnana) -> Result<(), spotnana::Error> {
/// use spotnana::{CallOptions, RetryPolicy};
/// use std::time::Duration;
/// let options = CallOptions::new()
///     .request_timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::none())
///     .header("x-correlation-id", "order-8812")?;
/// let users = spotnana.with_options(options).auth().get_api_users().await?;
/// # let _ = users; Ok(()) }
/// ```
#[derive(Clone, Default)]
pub struct CallOptions {
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry: Option<RetryPolicy>,
    pub(crate) safety: Option<RetrySafety>,
    pub(crate) headers: HeaderMap,
}

impl CallOptions {
    /// No setting changed.
    pub fn new() -> Self {
        Self::default()
    }

    /// The longest wait for one answer.
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.request_timeout = Some(timeout);
        self
    }

    /// The longest time for the whole call: token step, attempts and waits between them.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = Some(deadline);
        self
    }

    /// The retry policy of these calls ([`RetryPolicy::none`] turns retries off).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Treats the operations called as `safety`, whatever their generated classification.
    pub fn retry_safety(mut self, safety: RetrySafety) -> Self {
        self.safety = Some(safety);
        self
    }

    /// Adds a header to every request (e.g. a correlation id); the value is marked
    /// sensitive, and neither logged nor shown by `Debug`. Fails on a name or value that is
    /// not valid in HTTP, naming which.
    pub fn header(mut self, name: &str, value: &str) -> Result<Self, crate::Error> {
        let name = HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| crate::Error::InvalidRequest(format!("`{name}` is not a valid header name")))?;
        let mut value = HeaderValue::from_str(value)
            .map_err(|_| crate::Error::InvalidRequest(format!("the value of header `{name}` is not valid in HTTP")))?;
        value.set_sensitive(true);
        self.headers.append(name, value);
        Ok(self)
    }
}

impl CallOptions {
    /// These options with `over`'s set ones in their place, and `over`'s headers added.
    pub(crate) fn overlaid(mut self, over: CallOptions) -> Self {
        self.request_timeout = over.request_timeout.or(self.request_timeout);
        self.deadline = over.deadline.or(self.deadline);
        self.retry = over.retry.or(self.retry);
        self.safety = over.safety.or(self.safety);
        for (name, value) in &over.headers {
            self.headers.append(name, value.clone());
        }
        self
    }
}

impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Header values can be anything a caller sends (tokens of their own): names only.
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("CallOptions")
            .field("request_timeout", &self.request_timeout)
            .field("deadline", &self.deadline)
            .field("retry", &self.retry)
            .field("safety", &self.safety)
            .field("headers", &names)
            .finish()
    }
}
