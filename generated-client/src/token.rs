//! OAuth2 client-credentials tokens: fetched once, shared, replaced before they expire.
//!
//! `POST /v2/auth/oauth2-token` with a form body (`client_id`, `client_secret`,
//! `grant_type=client_credentials`) answers `access_token`, `expires_in` (seconds),
//! `token_type`. The token is replaced from `expires_in - refresh_margin` on. Concurrent
//! callers finding no valid token share ONE request: the fetch runs behind an async mutex,
//! so the others wait for it and then read its result (a failure too, so that fifty callers
//! do not hammer a failing endpoint one after another). Inside the refresh margin the token
//! is still valid: one caller refreshes it while the others keep using it, and when that
//! refresh fails the still-valid token is used until it expires (the failure is logged).

use crate::config::Credentials;
use crate::error::ApiErrorBody;
use crate::logging::{self, OperationMeta};
use crate::runtime::Shared;
use crate::secret::Secret;
use std::time::Duration;
use tokio::time::Instant;

/// The token endpoint, as the log shows it (it is in the `auth` document, which may be off).
pub(crate) const TOKEN_OPERATION: OperationMeta = OperationMeta {
    operation_id: "fetchOauth2Token",
    method: "POST",
    path: "/v2/auth/oauth2-token",
};

/// The `operation_id` progenitor gives the token endpoint (its method name).
pub(crate) const TOKEN_RUST_NAME: &str = "fetch_oauth2_token";

/// Assumed lifetime when the token response has no `expires_in`: Spotnana's documented
/// default of 30 minutes; a 401 earlier than that still triggers one refresh.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1800);

/// After a failed refresh of a still-valid token, how long callers keep using it before the
/// next refresh is tried (so that a failing endpoint is not asked on every call).
const REFRESH_PAUSE: Duration = Duration::from_secs(5);

#[derive(Clone)]
struct Cached {
    token: Secret,
    /// From here on the token is due for replacement: `refresh_margin` before it expires, or
    /// half way through its life if it lives no longer than twice the margin.
    refresh_at: Instant,
    expires_at: Instant,
}

struct State {
    cached: Option<Cached>,
    /// The last failed fetch: when it ended, and why.
    failure: Option<(Instant, String)>,
}

/// The token cache of one [`crate::Spotnana`] (shared by all its API clients and clones).
pub(crate) struct TokenSource {
    /// Behind a lock so that the client secret can be rotated in place.
    credentials: std::sync::RwLock<Credentials>,
    margin: Duration,
    /// Held across a fetch: one token request at a time.
    fetching: tokio::sync::Mutex<()>,
    /// Held only to read or write, never across an await.
    state: std::sync::Mutex<State>,
}

impl std::fmt::Debug for TokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // No token in here, ever; whether one is cached is not worth a lock either.
        f.debug_struct("TokenSource")
            .field(
                "credentials",
                &*self.credentials.read().unwrap_or_else(|e| e.into_inner()),
            )
            .field("refresh_margin", &self.margin)
            .finish_non_exhaustive()
    }
}

#[derive(serde::Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<i64>,
    #[serde(default)]
    token_type: Option<String>,
}

impl TokenSource {
    pub(crate) fn new(credentials: Credentials, margin: Duration) -> Self {
        Self {
            credentials: std::sync::RwLock::new(credentials),
            margin,
            fetching: tokio::sync::Mutex::new(()),
            state: std::sync::Mutex::new(State {
                cached: None,
                failure: None,
            }),
        }
    }

    /// Replaces the client secret; the next token request uses it. The cached token stays
    /// in use until it is due for replacement (Spotnana accepts it until it expires).
    pub(crate) fn rotate_secret(&self, secret: Secret) {
        self.credentials
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .client_secret = secret;
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic elsewhere while holding it leaves a consistent state (plain assignments).
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// A token, fetching one if the cached one is due for replacement. Inside the refresh
    /// margin the cached token is still valid: callers other than the one refreshing keep
    /// using it, and so does the refreshing caller if the refresh fails.
    pub(crate) async fn token(&self, shared: &Shared) -> Result<Secret, String> {
        let asked = Instant::now();
        let valid = {
            let state = self.state();
            match &state.cached {
                Some(cached) if asked < cached.refresh_at => return Ok(cached.token.clone()),
                Some(cached) if asked < cached.expires_at => Some(cached.clone()),
                _ => None,
            }
        };
        if let Some(valid) = valid {
            // Another caller is refreshing it, or a refresh failed moments ago: no need to wait.
            let failed_lately = self
                .state()
                .failure
                .as_ref()
                .is_some_and(|(at, _)| asked.saturating_duration_since(*at) < REFRESH_PAUSE);
            if failed_lately {
                return Ok(valid.token);
            }
            let Ok(_fetching) = self.fetching.try_lock() else {
                return Ok(valid.token);
            };
            // Another caller may have refreshed it between our look and the lock.
            if let Some(cached) = &self.state().cached
                && Instant::now() < cached.refresh_at
            {
                return Ok(cached.token.clone());
            }
            return match self.fetch_into(shared).await {
                Ok(token) => Ok(token),
                // Still valid: use it; once expired, the failure is the answer.
                Err(_) if Instant::now() < valid.expires_at => Ok(valid.token),
                Err(reason) => Err(reason),
            };
        }
        let _fetching = self.fetching.lock().await;
        {
            let state = self.state();
            if let Some(cached) = &state.cached
                && Instant::now() < cached.expires_at
            {
                return Ok(cached.token.clone());
            }
            // Someone else's fetch failed while we waited for the lock: share its outcome.
            if let Some((at, reason)) = &state.failure
                && *at >= asked
            {
                return Err(reason.clone());
            }
        }
        self.fetch_into(shared).await
    }

    /// A token other than `rejected` (which got a 401): the cached one if another caller
    /// already replaced it, else a new one.
    pub(crate) async fn replace(&self, shared: &Shared, rejected: &Secret) -> Result<Secret, String> {
        let asked = Instant::now();
        let _fetching = self.fetching.lock().await;
        {
            let mut state = self.state();
            if let Some(cached) = &state.cached
                && cached.token != *rejected
                && Instant::now() < cached.expires_at
            {
                return Ok(cached.token.clone());
            }
            // The rejected token is never served again, whatever happens next.
            if state.cached.as_ref().is_some_and(|c| c.token == *rejected) {
                state.cached = None;
            }
            if let Some((at, reason)) = &state.failure
                && *at >= asked
            {
                return Err(reason.clone());
            }
            state.cached = None;
        }
        self.fetch_into(shared).await
    }

    /// Fetches a token and records the outcome; the caller holds `fetching`.
    async fn fetch_into(&self, shared: &Shared) -> Result<Secret, String> {
        match self.fetch(shared).await {
            Ok(cached) => {
                let token = cached.token.clone();
                let mut state = self.state();
                state.cached = Some(cached);
                state.failure = None;
                Ok(token)
            }
            Err(reason) => {
                self.state().failure = Some((Instant::now(), reason.clone()));
                // Logged after the lock is released: a slow subscriber must not hold callers.
                shared.metrics.auth_failure();
                tracing::error!(target: "spotnana", operation = TOKEN_OPERATION.operation_id, reason = %reason, "could not obtain an access token");
                Err(reason)
            }
        }
    }

    /// One token request, retried on transport errors and retryable statuses (asking for a
    /// token twice has no effect beyond the token).
    async fn fetch(&self, shared: &Shared) -> Result<Cached, String> {
        let url = format!("{}{}", shared.base_url, TOKEN_OPERATION.path);
        let credentials = self.credentials.read().unwrap_or_else(|e| e.into_inner()).clone();
        let form = [
            ("client_id", credentials.client_id.as_str()),
            ("client_secret", credentials.client_secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let policy = &shared.retry;
        let mut delays = policy.delays();
        let started = Instant::now();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let Some(http) = &shared.token_http else {
                return Err("the HTTP client of the token request could not be built".into());
            };
            shared.metrics.token_request();
            let mut request = http
                .post(&url)
                .header(reqwest::header::USER_AGENT, crate::config::USER_AGENT)
                .header(reqwest::header::ACCEPT, "application/json")
                .form(&form);
            if let Some(timeout) = shared.attempt_timeout(started) {
                request = request.timeout(timeout);
            }
            let sent = Instant::now();
            let result = request.send().await;
            let latency = sent.elapsed();
            let last = attempt >= policy.max_attempts;
            match result {
                Err(e) => {
                    let kind = crate::runtime::transport_failure(&e);
                    logging::attempt(&TOKEN_OPERATION, attempt, None, latency, None, Some(kind));
                    if last || !crate::retry::is_retryable_transport(&e) {
                        return Err(format!("token request failed after {attempt} attempt(s): {kind}"));
                    }
                    if !shared.wait(delays.next(), started).await {
                        return Err(format!("token request failed: {kind}; no time left to retry"));
                    }
                }
                Ok(response) => {
                    let status = response.status();
                    let retry_after = crate::retry::retry_after(response.headers());
                    if status.is_success() {
                        logging::attempt(&TOKEN_OPERATION, attempt, Some(status.as_u16()), latency, None, None);
                        let bytes = response.bytes().await.map_err(|e| {
                            format!(
                                "reading the token response failed: {}",
                                crate::runtime::transport_failure(&e)
                            )
                        })?;
                        // Never quote this body: it is the token.
                        let parsed: TokenResponse = serde_json::from_slice(&bytes)
                            .map_err(|e| format!("the token response did not decode ({:?} error)", e.classify()))?;
                        if let Some(kind) = &parsed.token_type
                            && !kind.eq_ignore_ascii_case("bearer")
                        {
                            return Err(format!(
                                "the token endpoint issued a {kind:?} token, not a bearer token"
                            ));
                        }
                        if parsed.access_token.is_empty() {
                            return Err("the token endpoint issued an empty access token".into());
                        }
                        let lifetime = parsed
                            .expires_in
                            .and_then(|s| u64::try_from(s).ok())
                            .map_or(DEFAULT_LIFETIME, Duration::from_secs);
                        // A token living no longer than twice the margin is replaced half way
                        // through its life, not on every call.
                        let margin = self.margin.min(lifetime / 2);
                        return Ok(Cached {
                            token: Secret::new(parsed.access_token),
                            refresh_at: sent + (lifetime - margin),
                            expires_at: sent + lifetime,
                        });
                    }
                    let body = response.bytes().await.ok().and_then(|b| ApiErrorBody::from_slice(&b));
                    let debug_identifier = body.as_ref().and_then(|b| b.debug_identifier.clone());
                    logging::attempt(
                        &TOKEN_OPERATION,
                        attempt,
                        Some(status.as_u16()),
                        latency,
                        debug_identifier.as_deref(),
                        None,
                    );
                    if !last && crate::retry::is_retryable_status(status) {
                        // The same cap as API calls: a longer `Retry-After` ends the retries.
                        let delay = shared.next_delay(retry_after, &mut delays);
                        if shared.wait(delay, started).await {
                            continue;
                        }
                    }
                    let codes = body.as_ref().map(ApiErrorBody::codes).filter(|c| !c.is_empty());
                    return Err(format!(
                        "the token endpoint answered HTTP {status}{}{}",
                        codes.map(|c| format!(" ({c})")).unwrap_or_default(),
                        debug_identifier
                            .map(|d| format!(", debugIdentifier {d}"))
                            .unwrap_or_default(),
                    ));
                }
            }
        }
    }
}
