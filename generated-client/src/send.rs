//! The one attempt loop of the runtime, for API calls and the token request alike: send,
//! log the attempt, read an error body (for Spotnana's `debugIdentifier`), and send again
//! what [`crate::retry`] allows, within the call's time budget.

use crate::error::ApiErrorBody;
use crate::logging::{self, OperationMeta};
use crate::retry::{self, RetryPolicy, RetrySafety};
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;

/// Counters of one [`crate::Spotnana`] (all its API clients and clones), for a caller's
/// metrics.
#[derive(Debug, Default)]
pub struct Metrics {
    auth_failures: AtomicU64,
    token_requests: AtomicU64,
    attempts: AtomicU64,
    retries: AtomicU64,
}

impl Metrics {
    /// Failed token fetches plus 401 answers.
    pub fn auth_failures(&self) -> u64 {
        self.auth_failures.load(Ordering::Relaxed)
    }

    /// Requests sent to the token endpoint by the runtime (each retry counts).
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// HTTP requests sent for API calls (each retry counts).
    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// API attempts that were retries (backoff or after a token refresh).
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    pub(crate) fn auth_failure(&self) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    fn sent(&self, kind: Kind, retry: bool) {
        match kind {
            Kind::Token => self.token_requests.fetch_add(1, Ordering::Relaxed),
            Kind::Api if retry => {
                self.retries.fetch_add(1, Ordering::Relaxed);
                self.attempts.fetch_add(1, Ordering::Relaxed)
            }
            Kind::Api => self.attempts.fetch_add(1, Ordering::Relaxed),
        };
    }
}

/// The time one call may take, counted from its start (the token step included).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Budget {
    pub started: Instant,
    /// Longest wait for one answer.
    pub request_timeout: Option<Duration>,
    /// Longest time for the whole call, retries and token step included.
    pub deadline: Option<Duration>,
}

impl Budget {
    /// What is left of the deadline (at least 1 ms, so that a request still gets a timeout).
    fn left(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_sub(self.started.elapsed()).max(Duration::from_millis(1)))
    }

    /// The timeout of an attempt starting now: the per-request timeout, cut to what is left
    /// of the deadline.
    pub(crate) fn attempt_timeout(&self) -> Option<Duration> {
        match (self.request_timeout, self.left()) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The least time an attempt is started with: a tenth of the deadline, at most 1 s. An
    /// attempt with less would likely time out after the request went out, which for an
    /// unsafe call leaves its outcome unknown for nothing.
    fn least_for_attempt(deadline: Duration) -> Duration {
        (deadline / 10).min(Duration::from_secs(1))
    }

    /// Whether an attempt may start now (see [`Budget::least_for_attempt`]).
    pub(crate) fn has_time_for_attempt(&self) -> bool {
        self.deadline
            .is_none_or(|deadline| self.started.elapsed().saturating_add(Self::least_for_attempt(deadline)) < deadline)
    }

    /// Sleeps `delay` unless an attempt after it would not fit in the deadline; `false`
    /// means "stop retrying".
    pub(crate) async fn wait(&self, delay: Option<Duration>) -> bool {
        let Some(delay) = delay else { return false };
        if let Some(deadline) = self.deadline
            && self
                .started
                .elapsed()
                .saturating_add(delay)
                .saturating_add(Self::least_for_attempt(deadline))
                >= deadline
        {
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }

    /// `future`, unless the deadline passes first (`None`).
    pub(crate) async fn within<F: Future>(&self, future: F) -> Option<F::Output> {
        match self.deadline {
            Some(deadline) => {
                let left = deadline.saturating_sub(self.started.elapsed());
                tokio::time::timeout(left, future).await.ok()
            }
            None => Some(future.await),
        }
    }
}

/// Which counter an attempt adds to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Api,
    Token,
}

/// How one request is sent: what it is (for the log), whether it may be sent twice, the
/// policy and budget of its call.
pub(crate) struct Exchange<'a> {
    pub meta: &'a OperationMeta,
    /// The call's correlation id, logged with each attempt.
    pub correlation: Option<&'a str>,
    pub safety: RetrySafety,
    pub policy: &'a RetryPolicy,
    pub budget: Budget,
    pub kind: Kind,
    pub metrics: &'a Metrics,
}

/// The last answer: the response (an error body read, and put back), the parse of that
/// body, and a copy of the request, to send once more after a token refresh.
pub(crate) struct Sent {
    pub response: reqwest::Response,
    pub error_body: Option<ApiErrorBody>,
    pub spare: Option<reqwest::Request>,
}

/// Sends `request` until an answer that is not retried, a failure that may not be retried,
/// or the end of the attempts or the budget. `attempt` numbers the attempts of the whole
/// call (it goes on after a token refresh).
pub(crate) async fn send(
    http: &reqwest::Client,
    request: reqwest::Request,
    exchange: &Exchange<'_>,
    attempt: &mut u32,
) -> Result<Sent, reqwest::Error> {
    let Exchange {
        meta,
        correlation,
        safety,
        policy,
        budget,
        kind,
        metrics,
    } = exchange;
    let mut delays = policy.delays();
    let mut tries = 0;
    let mut next = request;
    loop {
        *attempt += 1;
        tries += 1;
        metrics.sent(*kind, *attempt > 1);
        // Streaming bodies (multipart) cannot be cloned: such a request gets one attempt.
        let spare = next.try_clone();
        let mut request = next;
        if let Some(timeout) = budget.attempt_timeout() {
            let own = request.timeout().copied();
            *request.timeout_mut() = Some(own.map_or(timeout, |t| t.min(timeout)));
        }
        let sent = Instant::now();
        let result = http.execute(request).await;
        let latency = sent.elapsed();
        let more = tries < policy.max_attempts;
        let response = match result {
            Err(e) => {
                logging::attempt(
                    meta,
                    *correlation,
                    *attempt,
                    None,
                    latency,
                    None,
                    Some(logging::failure_kind(&e)),
                );
                if let (Some(spare), true) = (spare, more && retry::may_resend_after(&e, *safety))
                    && budget.wait(delays.next()).await
                {
                    next = spare;
                    continue;
                }
                return Err(e);
            }
            Ok(response) => response,
        };
        let status = response.status();
        let (response, error_body) = if status.is_client_error() || status.is_server_error() {
            match buffer_error(response).await {
                Ok(read) => read,
                Err(e) => {
                    logging::attempt(
                        meta,
                        *correlation,
                        *attempt,
                        Some(status.as_u16()),
                        latency,
                        None,
                        Some("body"),
                    );
                    return Err(e);
                }
            }
        } else {
            (response, None)
        };
        let debug_identifier = error_body.as_ref().and_then(|b| b.debug_identifier.as_deref());
        logging::attempt(
            meta,
            *correlation,
            *attempt,
            Some(status.as_u16()),
            latency,
            debug_identifier,
            None,
        );
        let mut spare = spare;
        if more
            && spare.is_some()
            && retry::may_resend_status(status, *safety)
            && budget
                .wait(policy.next_delay(retry::retry_after(response.headers()), &mut delays))
                .await
            && let Some(again) = spare.take()
        {
            next = again;
            continue;
        }
        return Ok(Sent {
            response,
            error_body,
            spare,
        });
    }
}

/// Reads an error response's body (small, by nature) and parses it as Spotnana's error
/// body, then hands on an identical response for the generated code to decode.
async fn buffer_error(response: reqwest::Response) -> reqwest::Result<(reqwest::Response, Option<ApiErrorBody>)> {
    use reqwest::ResponseBuilderExt as _;
    let status = response.status();
    let version = response.version();
    let url = response.url().clone();
    let headers = response.headers().clone();
    let bytes = response.bytes().await?;
    let body = ApiErrorBody::from_slice(&bytes);
    let mut builder = http::Response::builder().status(status).version(version).url(url);
    if let Some(h) = builder.headers_mut() {
        *h = headers;
    }
    let rebuilt = builder
        .body(bytes)
        .expect("status, version and headers come from a valid response");
    Ok((reqwest::Response::from(rebuilt), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget(request_timeout: Option<u64>, deadline: Option<u64>) -> Budget {
        Budget {
            started: Instant::now(),
            request_timeout: request_timeout.map(Duration::from_secs),
            deadline: deadline.map(Duration::from_secs),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn waits_that_would_pass_the_deadline_are_refused() {
        let budget = budget(None, Some(10));
        assert!(budget.wait(Some(Duration::from_secs(4))).await);
        assert_eq!(budget.started.elapsed(), Duration::from_secs(4));
        assert!(
            !budget.wait(Some(Duration::from_secs(6))).await,
            "4 + 6 reaches the deadline"
        );
        assert_eq!(budget.started.elapsed(), Duration::from_secs(4), "and is not slept");
        assert!(!budget.wait(None).await, "no delay: stop");
        // Without a deadline any delay is slept, and nothing overflows.
        let open = self::budget(None, None);
        assert!(open.wait(Some(Duration::from_secs(3600))).await);
        let huge = self::budget(None, Some(10));
        assert!(!huge.wait(Some(Duration::MAX)).await);
    }

    #[tokio::test(start_paused = true)]
    async fn attempts_get_what_is_left_of_the_deadline() {
        let budget = budget(Some(30), Some(45));
        assert_eq!(budget.attempt_timeout(), Some(Duration::from_secs(30)));
        tokio::time::sleep(Duration::from_secs(40)).await;
        assert_eq!(budget.attempt_timeout(), Some(Duration::from_secs(5)));
        tokio::time::sleep(Duration::from_secs(60)).await;
        assert_eq!(budget.attempt_timeout(), Some(Duration::from_millis(1)), "never zero");
        assert_eq!(self::budget(None, None).attempt_timeout(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn a_wait_for_something_else_ends_at_the_deadline() {
        let budget = budget(None, Some(7));
        assert_eq!(budget.within(std::future::pending::<()>()).await, None);
        assert_eq!(budget.started.elapsed(), Duration::from_secs(7));
        assert_eq!(self::budget(None, Some(7)).within(async { 5 }).await, Some(5));
    }
}
