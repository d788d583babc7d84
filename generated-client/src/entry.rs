//! The one entry point: a base URL, an HTTP client and the runtime, shared by every API's
//! client.

use crate::config::SpotnanaBuilder;
use crate::retry::RetryPolicy;
use crate::runtime::{Metrics, Runtime, Shared};
use crate::token::TokenSource;

/// Hands out the per-API clients (`spotnana.air()`, `spotnana.trip()`, …) over one shared
/// `reqwest::Client` (connection pool), one base URL and one runtime (token cache, retry
/// policy, counters). Cheap to clone; clones share all of it.
#[derive(Clone, Debug)]
pub struct Spotnana {
    base_url: String,
    http: reqwest::Client,
    runtime: Runtime,
}

/// Readies the TLS stack this build was compiled with for `reqwest::Client`s built outside
/// this crate. Only the `rustls-ring` feature needs it: its reqwest has no crypto provider of
/// its own and asks rustls for the process's default, so building a `reqwest::Client` before
/// one is installed panics. Call it before building your own client (for [`Spotnana::new`] or
/// [`SpotnanaBuilder::http_client`](crate::SpotnanaBuilder::http_client));
/// [`SpotnanaBuilder::build`](crate::SpotnanaBuilder::build) and [`Spotnana::from_env`] call it. It installs ring as the default unless the application
/// installed a provider first (that one is kept); with the other TLS features it does nothing.
pub fn install_tls_provider() {
    #[cfg(feature = "rustls-ring")]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Spotnana {
    /// A client for `base_url` (e.g. [`crate::SANDBOX_URL`]) over the given HTTP client,
    /// *without credentials*: requests go out without `Authorization` (for the token endpoint
    /// itself, a proxy that authenticates, or tests). Retries and logging apply as by default.
    /// Use [`Spotnana::builder`] or [`Spotnana::from_env`] to authenticate.
    pub fn new(base_url: impl Into<String>, http: reqwest::Client) -> Self {
        let builder = SpotnanaBuilder::default();
        let base_url = base_url.into().trim_end_matches('/').to_string();
        // No credentials: there is no token request.
        Self::assemble(base_url, http.clone(), Some(http), builder)
    }

    /// Configures a client: server, credentials, retries, timeouts.
    pub fn builder() -> SpotnanaBuilder {
        SpotnanaBuilder::default()
    }

    /// An authenticated client from `SPOTNANA_CLIENT_ID`, `SPOTNANA_CLIENT_SECRET` and
    /// `SPOTNANA_ENV` (`sandbox` | `production` | a base URL), with default settings. The
    /// error names the variable that is missing or malformed.
    pub fn from_env() -> Result<Self, crate::ConfigError> {
        SpotnanaBuilder::from_env()?.build()
    }

    pub(crate) fn from_builder(base_url: String, mut builder: SpotnanaBuilder) -> Self {
        install_tls_provider();
        let own = builder.http.take();
        let http = own.clone().unwrap_or_default();
        // reqwest follows redirects by default, and a 307/308 re-posts the body: the token
        // request, which carries the client secret, gets a client of its own that follows
        // none. A client the caller configured (proxies, root certificates) is used as given:
        // its redirect policy is the caller's (`redirect::Policy::none()` is advised).
        let token_http = match own {
            Some(client) => Some(client),
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .ok(),
        };
        Self::assemble(base_url, http, token_http, builder)
    }

    fn assemble(
        base_url: String,
        http: reqwest::Client,
        token_http: Option<reqwest::Client>,
        builder: SpotnanaBuilder,
    ) -> Self {
        let tokens = builder
            .credentials
            .map(|credentials| TokenSource::new(credentials, builder.refresh_margin));
        let runtime = Runtime::new(Shared {
            base_url: base_url.clone(),
            token_http,
            retry: builder.retry,
            request_timeout: builder.request_timeout,
            deadline: builder.deadline,
            correlation: builder.correlation,
            tokens,
            metrics: Metrics::default(),
        });
        Self {
            base_url,
            http,
            runtime,
        }
    }

    /// The base URL every API client sends to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The shared HTTP client.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.http
    }

    /// The runtime every API client of this instance carries.
    pub fn runtime(&self) -> &Runtime {
        &self.runtime
    }

    /// Replaces the client secret without rebuilding the client (Spotnana asks integrators to
    /// rotate it every 90 days): every clone and API client uses it from the next token
    /// request on; the cached token stays in use until it is due for replacement. Returns
    /// `false` (and does nothing) for a client built without credentials.
    pub fn rotate_client_secret(&self, secret: impl Into<crate::Secret>) -> bool {
        match &self.runtime.shared.tokens {
            Some(tokens) => {
                tokens.rotate_secret(secret.into());
                true
            }
            None => false,
        }
    }

    /// Counters: authentication failures, token requests, attempts, retries.
    pub fn metrics(&self) -> &Metrics {
        self.runtime.metrics()
    }

    /// The retry policy in force.
    pub fn retry_policy(&self) -> &RetryPolicy {
        &self.runtime.shared.retry
    }

    /// A handle whose calls apply `options` (a timeout, a deadline, a retry policy, the retry
    /// safety, extra headers) over this client's settings, and over options this handle
    /// already has (what `options` sets replaces, its headers are added); it shares
    /// everything else (connections, token cache, counters). Cheap: keep one per purpose, or
    /// make one per call.
    pub fn with_options(&self, options: crate::CallOptions) -> Self {
        Self {
            base_url: self.base_url.clone(),
            http: self.http.clone(),
            runtime: self.runtime.with_options(options),
        }
    }
}
