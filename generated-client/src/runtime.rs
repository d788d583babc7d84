//! The runtime every generated client carries. Each generated method runs its body inside
//! [`Runtime::call`], which starts the call's clock, lets the hooks progenitor calls around
//! the request (`pre`: `User-Agent`, extra headers, `Authorization`; `exec`: send, log,
//! retry, one token refresh on 401) share what they know, and turns every failure into
//! [`Error`].
//!
//! The generated request code is untouched: `spotnana-codegen` generates each `Client` with
//! this [`Runtime`] as its inner value and requires the hooks, which `impl_hooks!`
//! implements for every enabled API module.

use crate::error::{ApiErrorBody, Error, ResponseContext};
use crate::logging::{self, OperationMeta};
use crate::options::CallOptions;
use crate::retry::{RetryPolicy, RetrySafety};
use crate::secret::Secret;
use crate::send::{self, Budget, Exchange, Kind};
use crate::token::{Fetcher, TOKEN_OPERATION, TOKEN_RUST_NAME, TokenSource};
use reqwest::header::{AUTHORIZATION, HeaderValue, USER_AGENT};
use std::future::Future;
use std::sync::atomic::{AtomicBool, AtomicU16, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

pub use crate::send::Metrics;

/// What the hooks share: one per [`crate::Spotnana`].
pub(crate) struct Shared {
    pub(crate) base_url: String,
    /// The client of the token request: follows no redirect, so the form with the client
    /// secret is never posted to another URL (`None` when it could not be built).
    pub(crate) token_http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) correlation: Option<crate::config::CorrelationId>,
    pub(crate) tokens: Option<TokenSource>,
    pub(crate) metrics: Metrics,
}

/// The runtime carried by every generated `Client` (cheap to clone: two `Arc`s).
#[derive(Clone)]
pub struct Runtime {
    pub(crate) shared: Arc<Shared>,
    /// What the calls through this handle do differently (see [`crate::Spotnana::with_options`]).
    pub(crate) options: Option<Arc<CallOptions>>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.shared;
        f.debug_struct("Runtime")
            .field("base_url", &s.base_url)
            .field("retry", &s.retry)
            .field("request_timeout", &s.request_timeout)
            .field("deadline", &s.deadline)
            .field("tokens", &s.tokens)
            .field("metrics", &s.metrics)
            .field("options", &self.options)
            .finish()
    }
}

tokio::task_local! {
    /// The call a generated method is running: set by [`Runtime::call`], read by the hooks.
    static CALL: Arc<Call>;
}

/// What one call knows, shared by its hooks.
struct Call {
    meta: OperationMeta,
    /// The effective safety: the call's options, the client's policy, the generated one.
    safety: RetrySafety,
    budget: Budget,
    /// Whether the call carries a token (a 401 then means the token was refused).
    authenticated: bool,
    /// Whether a rejected token was replaced and the request sent again.
    refreshed: AtomicBool,
    /// The status of the last answer (0 before one): a documented error status whose body
    /// does not decode is still that status.
    status: AtomicU16,
    /// The correlation id the call carries (sent and logged), when the client makes them: the
    /// made one, or the call's own header of that name.
    correlation: Option<(reqwest::header::HeaderName, HeaderValue)>,
    /// A failure the hooks can report to progenitor only as text, kept typed.
    failure: Mutex<Option<Error>>,
    /// Spotnana's error body of the last error answer (what the typed body of a documented
    /// error status is converted from).
    error_body: Mutex<Option<ApiErrorBody>>,
}

impl Call {
    fn context(&self) -> ResponseContext {
        ResponseContext {
            operation: Some(self.meta.operation_id),
            path: Some(self.meta.path),
            safety: Some(self.safety),
        }
    }

    /// An error status the call ended with; a 401 of an authenticated call is one a fresh
    /// token did not fix.
    fn answered(&self, status: reqwest::StatusCode, documented: bool) -> Error {
        let context = self.context();
        let body = lock(&self.error_body).take();
        if status == reqwest::StatusCode::UNAUTHORIZED && self.authenticated {
            let reason = if self.refreshed.load(Ordering::Relaxed) {
                "the access token was rejected, also after a refresh"
            } else {
                "the access token was rejected (the request could not be sent again)"
            };
            Error::Authentication {
                context,
                status: Some(status),
                reason: reason.into(),
                body,
            }
        } else {
            Error::Status {
                context,
                status,
                body,
                documented,
            }
        }
    }

    /// The call's failure as [`Error`]: the typed one a hook kept, else the conversion of
    /// what the generated code returned.
    fn error<E>(&self, error: progenitor_client::Error<E>) -> Error {
        use progenitor_client::Error as P;
        if let Some(kept) = lock(&self.failure).take() {
            return kept;
        }
        let context = self.context();
        match error {
            P::InvalidRequest(s) => Error::InvalidRequest(s),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
                Error::from_transport(e, &context)
            }
            P::ErrorResponse(value) => self.answered(value.status(), true),
            P::UnexpectedResponse(response) => self.answered(response.status(), false),
            P::InvalidResponsePayload(bytes, e) => {
                match reqwest::StatusCode::from_u16(self.status.load(Ordering::Relaxed)) {
                    // An error status whose body is not the documented one: the status says more.
                    Ok(status) if status.is_client_error() || status.is_server_error() => self.answered(status, true),
                    _ => Error::decode(&bytes, &e),
                }
            }
            P::Custom(message) => Error::Other(message),
        }
    }
}

/// A lock that a panic elsewhere cannot poison for good (plain assignments only).
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Runtime {
    pub(crate) fn new(shared: Shared) -> Self {
        Self {
            shared: Arc::new(shared),
            options: None,
        }
    }

    /// This runtime with `options` applied to every call through it, over the options it
    /// already has.
    pub(crate) fn with_options(&self, options: CallOptions) -> Self {
        let options = match &self.options {
            Some(earlier) => earlier.as_ref().clone().overlaid(options),
            None => options,
        };
        Self {
            shared: Arc::clone(&self.shared),
            options: Some(Arc::new(options)),
        }
    }

    /// The counters of this runtime.
    pub fn metrics(&self) -> &Metrics {
        &self.shared.metrics
    }

    fn policy(&self) -> &RetryPolicy {
        self.options
            .as_ref()
            .and_then(|o| o.retry.as_ref())
            .unwrap_or(&self.shared.retry)
    }

    fn begin(&self, module: &str, rust_name: &'static str) -> Call {
        let meta = if module == "auth" && rust_name == TOKEN_RUST_NAME {
            TOKEN_OPERATION
        } else {
            logging::operation(module, rust_name).unwrap_or(OperationMeta {
                operation_id: rust_name,
                method: "?",
                path: "?",
                safety: RetrySafety::Unsafe,
            })
        };
        let options = self.options.as_deref();
        let listed = |policy: &RetryPolicy| policy.safety.get(meta.operation_id).copied();
        let safety = options
            .and_then(|o| o.safety)
            .or_else(|| options.and_then(|o| o.retry.as_ref()).and_then(listed))
            .or_else(|| listed(&self.shared.retry))
            .unwrap_or(meta.safety);
        let mut failure = None;
        let correlation = self.shared.correlation.as_ref().and_then(|c| {
            let given = options.and_then(|o| o.headers.get(&c.header)).cloned();
            let value = given.map_or_else(|| HeaderValue::from_str(&(c.make)()), Ok);
            match value {
                Ok(value) => Some((c.header.clone(), value)),
                Err(_) => {
                    failure = Some(Error::InvalidRequest(format!(
                        "the correlation id made for this call is not a valid value of `{}`",
                        c.header
                    )));
                    None
                }
            }
        });
        Call {
            meta,
            safety,
            correlation,
            authenticated: self.authenticates(module, rust_name),
            refreshed: AtomicBool::new(false),
            status: AtomicU16::new(0),
            budget: Budget {
                started: Instant::now(),
                request_timeout: options.and_then(|o| o.request_timeout).or(self.shared.request_timeout),
                deadline: options.and_then(|o| o.deadline).or(self.shared.deadline),
            },
            failure: Mutex::new(failure),
            error_body: Mutex::new(None),
        }
    }

    /// Runs the body of the generated method `rust_name` of the API `module` as one call:
    /// the hooks it reaches share the call's clock, safety and failures, and any failure
    /// comes out as [`Error`]. Generated code calls this; callers call the methods.
    #[doc(hidden)]
    pub async fn call<T, E>(
        &self,
        module: &'static str,
        rust_name: &'static str,
        body: impl Future<Output = Result<progenitor_client::ResponseValue<T>, progenitor_client::Error<E>>>,
    ) -> Result<progenitor_client::ResponseValue<T>, Error> {
        let call = Arc::new(self.begin(module, rust_name));
        let result = CALL.scope(Arc::clone(&call), body).await;
        result.map_err(|e| call.error(e))
    }

    /// The call the hooks run in (one of its own if a hook runs outside [`Runtime::call`]).
    fn current(&self, module: &str, rust_name: &'static str) -> Arc<Call> {
        CALL.try_with(Arc::clone)
            .unwrap_or_else(|_| Arc::new(self.begin(module, rust_name)))
    }

    fn authenticates(&self, module: &str, rust_name: &str) -> bool {
        self.shared.tokens.is_some() && !(module == "auth" && rust_name == TOKEN_RUST_NAME)
    }

    /// The token source's view of this runtime: the client's settings for the fetch (the
    /// token is shared), the asking call's budget for the wait.
    fn fetcher(&self, budget: Budget) -> Fetcher<'_> {
        let shared = &*self.shared;
        Fetcher {
            base_url: &shared.base_url,
            http: shared.token_http.as_ref(),
            policy: &shared.retry,
            request_timeout: shared.request_timeout,
            deadline: shared.deadline,
            budget,
            metrics: &shared.metrics,
        }
    }

    /// The `pre` hook: identify the client, add the call's headers, attach the token.
    pub(crate) async fn pre<E>(
        &self,
        module: &'static str,
        request: &mut reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let call = self.current(module, info.operation_id);
        if lock(&call.failure).is_some() {
            return Err(progenitor_client::Error::Custom(
                "the call could not be prepared".into(),
            ));
        }
        let headers = request.headers_mut();
        headers.insert(USER_AGENT, HeaderValue::from_static(crate::config::USER_AGENT));
        if let Some(options) = &self.options {
            for (name, value) in &options.headers {
                headers.append(name, value.clone());
            }
        }
        if let Some((name, value)) = &call.correlation
            && !headers.contains_key(name)
        {
            headers.insert(name, value.clone());
        }
        if let Some(tokens) = self
            .shared
            .tokens
            .as_ref()
            .filter(|_| self.authenticates(module, info.operation_id))
        {
            let token = tokens.token(&self.fetcher(call.budget)).await;
            let header = token.map(|t| bearer(&t)).map_err(|error| {
                let message = error.to_string();
                *lock(&call.failure) = Some(Error::Token {
                    context: call.context(),
                    error,
                });
                progenitor_client::Error::Custom(message)
            })?;
            let header = header.ok_or_else(|| {
                progenitor_client::Error::Custom("the access token is not a valid header value".into())
            })?;
            request.headers_mut().insert(AUTHORIZATION, header);
        }
        // The token step may have used most of the deadline: too little left, nothing is sent.
        if !call.budget.has_time_for_attempt() {
            *lock(&call.failure) = Some(Error::NotSent {
                context: call.context(),
            });
            return Err(progenitor_client::Error::Custom("no time left for an attempt".into()));
        }
        Ok(())
    }

    /// The `exec` hook: send (see [`send::send`]), and replace a rejected token once.
    pub(crate) async fn exec(
        &self,
        http: &reqwest::Client,
        module: &'static str,
        request: reqwest::Request,
        info: &progenitor_client::OperationInfo,
    ) -> reqwest::Result<reqwest::Response> {
        let call = self.current(module, info.operation_id);
        let shared = &*self.shared;
        // What the request carries, as sent (an operation's own header of that name included).
        let correlation = call
            .correlation
            .as_ref()
            .and_then(|(name, _)| request.headers().get(name))
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let exchange = Exchange {
            meta: &call.meta,
            correlation: correlation.as_deref(),
            safety: call.safety,
            policy: self.policy(),
            budget: call.budget,
            kind: Kind::Api,
            metrics: &shared.metrics,
        };
        let used_token = request.headers().get(AUTHORIZATION).and_then(token_of);
        let mut attempt = 0;
        let mut sent = send::send(http, request, &exchange, &mut attempt).await?;
        call.status.store(sent.response.status().as_u16(), Ordering::Relaxed);
        if sent.response.status() == reqwest::StatusCode::UNAUTHORIZED
            && call.authenticated
            && let (Some(rejected), Some(tokens)) = (&used_token, &shared.tokens)
        {
            shared.metrics.auth_failure();
            if let Some(again) = self.with_new_token(&call, tokens, rejected, sent.spare.take()).await {
                sent = send::send(http, again, &exchange, &mut attempt).await?;
                call.status.store(sent.response.status().as_u16(), Ordering::Relaxed);
                if sent.response.status() == reqwest::StatusCode::UNAUTHORIZED {
                    shared.metrics.auth_failure();
                    let meta = &call.meta;
                    tracing::error!(target: "spotnana", operation = meta.operation_id, path = meta.path, "the access token was rejected again after a refresh");
                }
            }
        }
        *lock(&call.error_body) = sent.error_body;
        Ok(sent.response)
    }
}

impl Runtime {
    /// After a 401 to `rejected`: `spare` (the request's copy) with a new token, or `None`
    /// when it cannot go again: a streamed body (the token is dropped for the next call), a
    /// failed fetch (kept as the call's failure), or a token that is no header value.
    async fn with_new_token(
        &self,
        call: &Call,
        tokens: &TokenSource,
        rejected: &Secret,
        spare: Option<reqwest::Request>,
    ) -> Option<reqwest::Request> {
        let Some(mut spare) = spare else {
            tokens.forget(rejected);
            return None;
        };
        let meta = &call.meta;
        tracing::warn!(target: "spotnana", operation = meta.operation_id, path = meta.path, "the access token was rejected (401): fetching a new one and retrying once");
        match tokens.replace(&self.fetcher(call.budget), rejected).await {
            Ok(token) => {
                spare.headers_mut().insert(AUTHORIZATION, bearer(&token)?);
                call.refreshed.store(true, Ordering::Relaxed);
                Some(spare)
            }
            // Already logged; the call fails with the token error, not the 401.
            Err(error) => {
                *lock(&call.failure) = Some(Error::Token {
                    context: call.context(),
                    error,
                });
                None
            }
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
