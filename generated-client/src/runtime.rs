//! The runtime every generated client carries: the hooks progenitor calls around each
//! request (`pre`: `User-Agent`, timeout, `Authorization`; `exec`: send, log, retry, one
//! token refresh on 401).
//!
//! The generated code is untouched: `spotnana-codegen` generates each `Client` with this
//! [`Runtime`] as its inner value and requires the hooks, which [`impl_hooks!`] implements
//! for every enabled API module.

use crate::error::{AUTH_TAG, ApiErrorBody, Buffered, OPERATION_HEADER, ResponseContext};
use crate::logging::{self, OperationMeta};
use crate::retry::RetryPolicy;
use crate::secret::Secret;
use crate::token::{TOKEN_OPERATION, TOKEN_RUST_NAME, TokenSource};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use std::sync::Arc;
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

    /// Requests sent to the token endpoint by the runtime.
    pub fn token_requests(&self) -> u64 {
        self.token_requests.load(Ordering::Relaxed)
    }

    /// HTTP requests sent for API calls (each retry counts).
    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    /// Attempts that were retries (backoff or after a token refresh).
    pub fn retries(&self) -> u64 {
        self.retries.load(Ordering::Relaxed)
    }

    pub(crate) fn auth_failure(&self) {
        self.auth_failures.fetch_add(1, Ordering::Relaxed);
    }

    pub(crate) fn token_request(&self) {
        self.token_requests.fetch_add(1, Ordering::Relaxed);
    }
}

/// What the hooks share: one per [`crate::Spotnana`].
pub(crate) struct Shared {
    pub(crate) base_url: String,
    /// The client of the token request: follows no redirect, so the form with the client
    /// secret is never posted to another URL (`None` when it could not be built).
    pub(crate) token_http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) tokens: Option<TokenSource>,
    pub(crate) metrics: Metrics,
}

impl Shared {
    /// The timeout of an attempt starting now: the per-request timeout, cut to what is left
    /// of the call's deadline.
    pub(crate) fn attempt_timeout(&self, started: Instant) -> Option<Duration> {
        let left = self
            .deadline
            .map(|d| d.saturating_sub(started.elapsed()).max(Duration::from_millis(1)));
        match (self.request_timeout, left) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The wait before the next attempt: `Retry-After` when the server said (up to
    /// `max_retry_after`), else the next backoff delay.
    pub(crate) fn next_delay(
        &self,
        retry_after: Option<Duration>,
        delays: &mut impl Iterator<Item = Duration>,
    ) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.retry.max_retry_after => None,
            Some(wait) => Some(wait),
            None => delays.next(),
        }
    }

    /// Sleeps `delay` unless that would pass the deadline; `false` means "stop retrying".
    pub(crate) async fn wait(&self, delay: Option<Duration>, started: Instant) -> bool {
        let Some(delay) = delay else { return false };
        if let Some(deadline) = self.deadline
            && started.elapsed().saturating_add(delay) >= deadline
        {
            return false;
        }
        tokio::time::sleep(delay).await;
        true
    }
}

/// The runtime carried by every generated `Client` (cheap to clone: one `Arc`).
#[derive(Clone)]
pub struct Runtime(pub(crate) Arc<Shared>);

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.0;
        f.debug_struct("Runtime")
            .field("base_url", &s.base_url)
            .field("retry", &s.retry)
            .field("request_timeout", &s.request_timeout)
            .field("deadline", &s.deadline)
            .field("tokens", &s.tokens)
            .field("metrics", &s.metrics)
            .finish()
    }
}

/// A short, secret-free name for a transport failure (what the log shows).
pub(crate) fn transport_failure(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else if e.is_request() {
        "request"
    } else {
        "transport"
    }
}

impl Runtime {
    pub(crate) fn new(shared: Shared) -> Self {
        Self(Arc::new(shared))
    }

    /// The counters of this runtime.
    pub fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    fn authenticates(&self, module: &str, rust_name: &str) -> bool {
        self.0.tokens.is_some() && !(module == "auth" && rust_name == TOKEN_RUST_NAME)
    }

    /// The `pre` hook: identify the client, bound the attempt, attach the token.
    pub(crate) async fn pre<E>(
        &self,
        module: &'static str,
        request: &mut reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        request
            .headers_mut()
            .insert(USER_AGENT, HeaderValue::from_static(crate::config::USER_AGENT));
        if let (Some(tokens), true) = (&self.0.tokens, self.authenticates(module, info.operation_id)) {
            let token = tokens
                .token(&self.0)
                .await
                .map_err(|reason| progenitor_client::Error::Custom(format!("{AUTH_TAG}{reason}")))?;
            let header = bearer(&token).ok_or_else(|| {
                progenitor_client::Error::Custom(format!("{AUTH_TAG}the access token is not a valid header value"))
            })?;
            request.headers_mut().insert(AUTHORIZATION, header);
        }
        Ok(())
    }

    /// The `exec` hook: send, log each attempt, retry what the policy allows, and replace a
    /// rejected token once.
    pub(crate) async fn exec(
        &self,
        http: &reqwest::Client,
        module: &'static str,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let shared = &*self.0;
        let meta = if module == "auth" && info.operation_id == TOKEN_RUST_NAME {
            TOKEN_OPERATION
        } else {
            logging::operation(module, info.operation_id).unwrap_or(OperationMeta {
                operation_id: info.operation_id,
                method: "?",
                path: "?",
            })
        };
        let retry_allowed = shared.retry.may_retry(request.method());
        let authenticates = self.authenticates(module, info.operation_id);
        let marker = HeaderValue::from_str(&format!("{module} {}", info.operation_id)).ok();
        let started = Instant::now();
        let mut delays = shared.retry.delays();
        let mut attempt: u32 = 0;
        let mut backoff_attempts: u32 = 0;
        let mut refreshed = false;
        let mut next = Some(request);
        loop {
            let Some(mut request) = next.take() else {
                unreachable!("every `continue` sets the next request")
            };
            attempt += 1;
            backoff_attempts += 1;
            if attempt > 1 {
                shared.metrics.retries.fetch_add(1, Ordering::Relaxed);
            }
            shared.metrics.attempts.fetch_add(1, Ordering::Relaxed);
            // Streaming bodies (multipart) cannot be cloned: such a request gets one attempt.
            let spare = request.try_clone();
            if let Some(timeout) = shared.attempt_timeout(started) {
                let own = request.timeout().copied();
                *request.timeout_mut() = Some(own.map_or(timeout, |t| t.min(timeout)));
            }
            let used_token = request.headers().get(AUTHORIZATION).cloned();
            let sent = Instant::now();
            let result = http.execute(request).await;
            let latency = sent.elapsed();
            let may_retry = retry_allowed && spare.is_some() && backoff_attempts < shared.retry.max_attempts;

            let mut response = match result {
                Err(e) => {
                    let kind = transport_failure(&e);
                    logging::attempt(&meta, attempt, None, latency, None, Some(kind));
                    if may_retry
                        && crate::retry::is_retryable_transport(&e)
                        && shared.wait(delays.next(), started).await
                    {
                        next = spare;
                        continue;
                    }
                    return Err(e);
                }
                Ok(response) => response,
            };
            let status = response.status();
            if let Some(marker) = &marker {
                response.headers_mut().insert(OPERATION_HEADER, marker.clone());
            }
            let mut debug_identifier = None;
            if status.is_client_error() || status.is_server_error() {
                let context = ResponseContext {
                    operation: Some(meta.operation_id),
                    path: Some(meta.path),
                };
                response = match buffer_error(response, context).await {
                    Ok((response, body)) => {
                        debug_identifier = body.and_then(|b| b.debug_identifier);
                        response
                    }
                    Err(e) => {
                        logging::attempt(&meta, attempt, Some(status.as_u16()), latency, None, Some("body"));
                        return Err(e);
                    }
                };
            }
            logging::attempt(
                &meta,
                attempt,
                Some(status.as_u16()),
                latency,
                debug_identifier.as_deref(),
                None,
            );

            if status == reqwest::StatusCode::UNAUTHORIZED && authenticates && used_token.is_some() {
                shared.metrics.auth_failure();
                if !refreshed && let (Some(spare), Some(tokens)) = (spare, &shared.tokens) {
                    refreshed = true;
                    tracing::warn!(target: "spotnana", operation = meta.operation_id, path = meta.path, "the access token was rejected (401): fetching a new one and retrying once");
                    let rejected = used_token.as_ref().and_then(token_of);
                    let replaced = match &rejected {
                        Some(rejected) => tokens.replace(shared, rejected).await,
                        None => tokens.token(shared).await,
                    };
                    if let Ok(token) = replaced
                        && let Some(header) = bearer(&token)
                    {
                        let mut spare = spare;
                        spare.headers_mut().insert(AUTHORIZATION, header);
                        next = Some(spare);
                        continue;
                    }
                    // The refresh failed (already logged): the 401 stands.
                    return Ok(response);
                }
                tracing::error!(target: "spotnana", operation = meta.operation_id, path = meta.path, debug_identifier = debug_identifier.as_deref().unwrap_or(""), "the access token was rejected again after a refresh");
                return Ok(response);
            }

            if may_retry && crate::retry::is_retryable_status(status) {
                let retry_after = crate::retry::retry_after(response.headers());
                if shared.wait(shared.next_delay(retry_after, &mut delays), started).await {
                    next = spare;
                    continue;
                }
            }
            return Ok(response);
        }
    }
}

/// `Bearer <token>`, marked sensitive so that `Debug` of the headers hides it; `None` when
/// the token is not a valid header value.
fn bearer(token: &Secret) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose())).ok()?;
    value.set_sensitive(true);
    Some(value)
}

fn token_of(header: &HeaderValue) -> Option<Secret> {
    header.to_str().ok()?.strip_prefix("Bearer ").map(Secret::new)
}

/// Reads an error response's body (small, by nature) to log Spotnana's `debugIdentifier`,
/// then hands on an identical response with the parse attached, so the error conversion
/// does not depend on the generated code having kept the body.
async fn buffer_error(
    response: reqwest::Response,
    context: ResponseContext,
) -> reqwest::Result<(reqwest::Response, Option<ApiErrorBody>)> {
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
    let mut rebuilt = builder
        .body(bytes)
        .expect("status, version and headers come from a valid response");
    rebuilt.extensions_mut().insert(Buffered {
        context,
        body: body.clone(),
    });
    Ok((reqwest::Response::from(rebuilt), body))
}

/// Implements progenitor's `ClientHooks` for an API module's `Client`, delegating to its
/// [`Runtime`]. build.rs invokes it once per enabled API.
macro_rules! impl_hooks {
    ($module:ident) => {
        impl progenitor_client::ClientHooks<$crate::runtime::Runtime> for $module::Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> ::std::result::Result<(), progenitor_client::Error<E>> {
                self.inner.pre(stringify!($module), request, info).await
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &progenitor_client::OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                self.inner
                    .exec(&self.client, stringify!($module), request, info)
                    .await
            }
        }
    };
}
pub(crate) use impl_hooks;
