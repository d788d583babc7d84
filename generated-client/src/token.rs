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
use crate::error::TokenError;
use crate::logging::{self, OperationMeta};
use crate::retry::{RetryPolicy, RetrySafety};
use crate::secret::Secret;
use crate::send::{self, Budget, Exchange, Kind, Metrics};
use std::time::Duration;
use tokio::time::Instant;

/// The token endpoint, as the log shows it (it is in the `auth` document, which may be off).
pub(crate) const TOKEN_OPERATION: OperationMeta = OperationMeta {
    operation_id: "fetchOauth2Token",
    method: "POST",
    path: "/v2/auth/oauth2-token",
    // Asking twice for a token has no effect beyond a second token.
    safety: RetrySafety::Safe,
};

/// The `operation_id` progenitor gives the token endpoint (its method name).
pub(crate) const TOKEN_RUST_NAME: &str = "fetch_oauth2_token";

/// Assumed lifetime when the token response has no `expires_in`: Spotnana's documented
/// default of 30 minutes; a 401 earlier than that still triggers one refresh.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(1800);

/// The longest lifetime a token is trusted for.
const MAX_LIFETIME: Duration = Duration::from_secs(86_400);

/// After a failed refresh of a still-valid token, how long callers keep using it before the
/// next refresh is tried (so that a failing endpoint is not asked on every call).
const REFRESH_PAUSE: Duration = Duration::from_secs(5);

/// The timeout of one token request when the client has no per-request timeout: a hung
/// token endpoint must not hold every call waiting for the token forever.
const TOKEN_REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// What a token request needs from the runtime: where, over which client, with the
/// client's retries and time limits (the token is shared: one caller's settings must not
/// decide another's outcome), and the budget of the call that asks, which bounds how long
/// that call waits.
pub(crate) struct Fetcher<'a> {
    pub base_url: &'a str,
    /// `None` when the no-redirect client of the token request could not be built.
    pub http: Option<&'a reqwest::Client>,
    pub policy: &'a RetryPolicy,
    /// The client's per-request timeout and deadline, for the fetch itself.
    pub request_timeout: Option<Duration>,
    pub deadline: Option<Duration>,
    /// The asking call's budget: it waits no longer than that.
    pub budget: Budget,
    pub metrics: &'a Metrics,
}

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
    failure: Option<(Instant, TokenError)>,
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
    pub(crate) async fn token(&self, fetcher: &Fetcher<'_>) -> Result<Secret, TokenError> {
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
            return match self.fetch_into(fetcher).await {
                Ok(token) => Ok(token),
                // Still valid: use it; once expired, the failure is the answer.
                Err(_) if Instant::now() < valid.expires_at => Ok(valid.token),
                Err(reason) => Err(reason),
            };
        }
        let _fetching = locked(fetcher, &self.fetching).await?;
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
        self.fetch_into(fetcher).await
    }

    /// A token other than `rejected` (which got a 401): the cached one if another caller
    /// already replaced it, else a new one.
    pub(crate) async fn replace(&self, fetcher: &Fetcher<'_>, rejected: &Secret) -> Result<Secret, TokenError> {
        let asked = Instant::now();
        let _fetching = locked(fetcher, &self.fetching).await?;
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
        self.fetch_into(fetcher).await
    }

    /// Drops `rejected` from the cache (a 401 said so) without fetching another.
    pub(crate) fn forget(&self, rejected: &Secret) {
        let mut state = self.state();
        if state.cached.as_ref().is_some_and(|c| c.token == *rejected) {
            state.cached = None;
        }
    }

    /// Fetches a token and records the outcome; the caller holds `fetching`. When the asking
    /// call's deadline passes first, the fetch is abandoned and nothing is recorded: the next
    /// caller fetches within its own time.
    async fn fetch_into(&self, fetcher: &Fetcher<'_>) -> Result<Secret, TokenError> {
        let Some(fetched) = fetcher.budget.within(self.fetch(fetcher)).await else {
            return Err(out_of_time());
        };
        match fetched {
            Ok(cached) => {
                let token = cached.token.clone();
                let mut state = self.state();
                state.cached = Some(cached);
                state.failure = None;
                Ok(token)
            }
            Err(error) => {
                self.state().failure = Some((Instant::now(), error.clone()));
                // Logged after the lock is released: a slow subscriber must not hold callers.
                fetcher.metrics.auth_failure();
                tracing::error!(target: "spotnana", operation = TOKEN_OPERATION.operation_id, reason = %error, "could not obtain an access token");
                Err(error)
            }
        }
    }

    /// One token request, sent again as the retry policy allows (see [`send::send`]).
    async fn fetch(&self, fetcher: &Fetcher<'_>) -> Result<Cached, TokenError> {
        let Some(http) = fetcher.http else {
            return Err(TokenError::new(
                "the HTTP client of the token request could not be built",
                false,
            ));
        };
        let credentials = self.credentials.read().unwrap_or_else(|e| e.into_inner()).clone();
        let form = [
            ("client_id", credentials.client_id.as_str()),
            ("client_secret", credentials.client_secret.expose()),
            ("grant_type", "client_credentials"),
        ];
        let request = http
            .post(format!("{}{}", fetcher.base_url, TOKEN_OPERATION.path))
            .header(reqwest::header::USER_AGENT, crate::config::USER_AGENT)
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .build()
            .map_err(|e| {
                TokenError::new(
                    format!("the token request could not be built ({})", logging::failure_kind(&e)),
                    false,
                )
            })?;
        let exchange = Exchange {
            meta: &TOKEN_OPERATION,
            correlation: None,
            safety: TOKEN_OPERATION.safety,
            policy: fetcher.policy,
            budget: Budget {
                started: Instant::now(),
                request_timeout: fetcher.request_timeout.or(Some(TOKEN_REQUEST_TIMEOUT)),
                deadline: fetcher.deadline,
            },
            kind: Kind::Token,
            metrics: fetcher.metrics,
        };
        let asked = Instant::now();
        let mut attempts = 0;
        let sent = send::send(http, request, &exchange, &mut attempts).await.map_err(|e| {
            TokenError::new(
                format!(
                    "the token request failed after {attempts} attempt(s): {}",
                    logging::failure_kind(&e)
                ),
                true,
            )
        })?;
        let status = sent.response.status();
        if !status.is_success() {
            return Err(TokenError::answered(status, sent.error_body));
        }
        let bytes = sent.response.bytes().await.map_err(|e| {
            TokenError::new(
                format!("reading the token response failed: {}", logging::failure_kind(&e)),
                true,
            )
        })?;
        // Never quote this body: it is the token.
        let parsed: TokenResponse = serde_json::from_slice(&bytes).map_err(|e| {
            TokenError::new(
                format!("the token response did not decode ({:?} error)", e.classify()),
                false,
            )
        })?;
        if let Some(kind) = &parsed.token_type
            && !kind.eq_ignore_ascii_case("bearer")
        {
            return Err(TokenError::new(
                format!("the token endpoint issued a {kind:?} token, not a bearer token"),
                false,
            ));
        }
        if parsed.access_token.is_empty() {
            return Err(TokenError::new(
                "the token endpoint issued an empty access token",
                false,
            ));
        }
        let lifetime = parsed
            .expires_in
            .and_then(|s| u64::try_from(s).ok())
            .map_or(DEFAULT_LIFETIME, Duration::from_secs)
            // Whatever the endpoint claims, a token is asked again within a day (and the
            // instant arithmetic below cannot overflow).
            .min(MAX_LIFETIME);
        // A token living no longer than twice the margin is replaced half way through its
        // life, not on every call. Counted from before the first attempt: the safe side.
        let margin = self.margin.min(lifetime / 2);
        Ok(Cached {
            token: Secret::new(parsed.access_token),
            refresh_at: asked + (lifetime - margin),
            expires_at: asked + lifetime,
        })
    }
}

/// The fetch lock, waited for no longer than the asking call's deadline allows.
async fn locked<'a>(
    fetcher: &Fetcher<'_>,
    lock: &'a tokio::sync::Mutex<()>,
) -> Result<tokio::sync::MutexGuard<'a, ()>, TokenError> {
    fetcher.budget.within(lock.lock()).await.ok_or_else(out_of_time)
}

fn out_of_time() -> TokenError {
    TokenError::new("the call's deadline passed before a token was obtained", true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> TokenSource {
        let credentials = Credentials {
            client_id: "id".into(),
            client_secret: Secret::new("secret".to_string()),
        };
        TokenSource::new(credentials, Duration::from_secs(60))
    }

    /// A fetcher whose token requests cannot be sent (no HTTP client): a fetch fails at once,
    /// and counts an authentication failure.
    fn fetcher<'a>(policy: &'a RetryPolicy, metrics: &'a Metrics, deadline: Option<u64>) -> Fetcher<'a> {
        Fetcher {
            base_url: "http://127.0.0.1:9",
            http: None,
            policy,
            request_timeout: None,
            deadline: None,
            budget: Budget {
                started: Instant::now(),
                request_timeout: None,
                deadline: deadline.map(Duration::from_secs),
            },
            metrics,
        }
    }

    fn cache(source: &TokenSource, token: &str, due_in: i64, expires_in: u64) {
        let now = Instant::now();
        let refresh_at = if due_in >= 0 {
            now + Duration::from_secs(due_in as u64)
        } else {
            now - Duration::from_secs(due_in.unsigned_abs())
        };
        source.state().cached = Some(Cached {
            token: Secret::new(token.to_string()),
            refresh_at,
            expires_at: now + Duration::from_secs(expires_in),
        });
    }

    #[tokio::test(start_paused = true)]
    async fn a_caller_waiting_for_another_fetch_gives_up_at_its_deadline() {
        let (source, policy, metrics) = (source(), RetryPolicy::default(), Metrics::default());
        let _other = source.fetching.lock().await;
        let started = Instant::now();
        let error = source.token(&fetcher(&policy, &metrics, Some(3))).await.unwrap_err();
        assert!(error.is_transient(), "{error}");
        assert_eq!(started.elapsed(), Duration::from_secs(3));
    }

    #[tokio::test(start_paused = true)]
    async fn a_valid_token_is_served_while_another_caller_refreshes_it() {
        let (source, policy, metrics) = (source(), RetryPolicy::default(), Metrics::default());
        cache(&source, "still-valid", -1, 30);
        let _other = source.fetching.lock().await;
        let started = Instant::now();
        let token = source.token(&fetcher(&policy, &metrics, None)).await.unwrap();
        assert_eq!(token.expose(), "still-valid");
        assert_eq!(started.elapsed(), Duration::ZERO, "no wait for the refresh");
    }

    #[tokio::test(start_paused = true)]
    async fn a_failed_refresh_falls_back_to_the_valid_token_and_pauses_before_the_next() {
        let (source, policy, metrics) = (source(), RetryPolicy::default(), Metrics::default());
        cache(&source, "still-valid", -1, 30);
        let fetcher = fetcher(&policy, &metrics, None);
        assert_eq!(source.token(&fetcher).await.unwrap().expose(), "still-valid");
        assert_eq!(metrics.auth_failures(), 1, "the refresh was tried, and failed");
        assert_eq!(source.token(&fetcher).await.unwrap().expose(), "still-valid");
        assert_eq!(metrics.auth_failures(), 1, "not tried again within the pause");
        tokio::time::sleep(REFRESH_PAUSE).await;
        assert_eq!(source.token(&fetcher).await.unwrap().expose(), "still-valid");
        assert_eq!(metrics.auth_failures(), 2, "tried again after the pause");
        tokio::time::sleep(Duration::from_secs(30)).await;
        assert!(
            source.token(&fetcher).await.is_err(),
            "expired: the failure is the answer"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_rejected_token_is_never_served_again() {
        let (source, policy, metrics) = (source(), RetryPolicy::default(), Metrics::default());
        cache(&source, "rejected", 600, 1200);
        let fetcher = fetcher(&policy, &metrics, None);
        let rejected = Secret::new("rejected".to_string());
        assert!(source.replace(&fetcher, &rejected).await.is_err());
        assert!(source.state().cached.is_none());
        assert!(source.token(&fetcher).await.is_err(), "not the rejected token");
    }
}
