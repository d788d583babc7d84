//! Configuration: where to send requests, with which credentials, how patiently.

use crate::retry::RetryPolicy;
use crate::secret::Secret;
use std::time::Duration;

/// Spotnana's sandbox, the server named in the published documents.
pub const SANDBOX_URL: &str = "https://api-ext-sboxmeta.partners.spotnana.com";
/// Spotnana's production API, per Spotnana's authentication guide.
pub const PRODUCTION_URL: &str = "https://api.spotnana.com";

/// The `User-Agent` of every request: `spotnana-rust/<crate version>`.
pub const USER_AGENT: &str = concat!("spotnana-rust/", env!("CARGO_PKG_VERSION"));

/// Environment variable holding the API user's client id.
pub const ENV_CLIENT_ID: &str = "SPOTNANA_CLIENT_ID";
/// Environment variable holding the API user's client secret.
pub const ENV_CLIENT_SECRET: &str = "SPOTNANA_CLIENT_SECRET";
/// Environment variable choosing the server: `sandbox`, `production`, or a base URL.
pub const ENV_ENVIRONMENT: &str = "SPOTNANA_ENV";

/// A configuration that cannot work, naming the variable or setting at fault. Never quotes a
/// secret's value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required environment variable is unset or empty.
    #[error("environment variable {0} is not set (or is empty)")]
    MissingVar(&'static str),
    /// An environment variable is set but unusable.
    #[error("environment variable {name} is malformed: {reason}")]
    MalformedVar {
        /// Which variable.
        name: &'static str,
        /// Why (the value is quoted only for non-secret variables).
        reason: String,
    },
    /// A builder setting is unusable.
    #[error("invalid setting `{setting}`: {reason}")]
    Invalid {
        /// Which builder method.
        setting: &'static str,
        /// Why.
        reason: String,
    },
}

/// Turns `sandbox`, `production` or a base URL into a base URL (no trailing slash).
pub fn resolve_environment(value: &str) -> Result<String, String> {
    let value = value.trim();
    match value.to_ascii_lowercase().as_str() {
        "sandbox" => return Ok(SANDBOX_URL.into()),
        "production" | "prod" => return Ok(PRODUCTION_URL.into()),
        _ => {}
    }
    let url = reqwest::Url::parse(value)
        .map_err(|e| format!("{value:?} is neither `sandbox`, `production` nor a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(format!("{value:?} is not an http(s) URL with a host"));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(format!("{value:?}: a base URL has no query or fragment"));
    }
    let host = url.host_str().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if url.scheme() == "http" && !loopback {
        return Err(format!(
            "{value:?}: plain http would send the client secret and tokens in clear text; use https \
             (http is accepted for loopback hosts only, e.g. a local mock)"
        ));
    }
    Ok(value.trim_end_matches('/').to_string())
}

/// API user credentials for the OAuth2 client-credentials flow.
#[derive(Clone, Debug)]
pub struct Credentials {
    /// The API user's client id (not a secret; shown in `Debug`).
    pub client_id: String,
    /// The client secret (never shown).
    pub client_secret: Secret,
}

/// Builds a [`crate::Spotnana`]: `Spotnana::builder().sandbox().credentials(id, secret).build()`.
#[derive(Clone, Debug)]
pub struct SpotnanaBuilder {
    pub(crate) base_url: Option<String>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) http: Option<reqwest::Client>,
    pub(crate) retry: RetryPolicy,
    pub(crate) request_timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) refresh_margin: Duration,
    pub(crate) correlation: Option<CorrelationId>,
}

/// How each call gets its correlation id (see [`SpotnanaBuilder::correlation_id`]).
#[derive(Clone)]
pub(crate) struct CorrelationId {
    pub(crate) header: reqwest::header::HeaderName,
    pub(crate) make: std::sync::Arc<dyn Fn() -> String + Send + Sync>,
}

impl std::fmt::Debug for CorrelationId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorrelationId")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

impl Default for SpotnanaBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            credentials: None,
            http: None,
            retry: RetryPolicy::default(),
            request_timeout: Some(Duration::from_secs(30)),
            deadline: Some(Duration::from_secs(120)),
            refresh_margin: Duration::from_secs(60),
            correlation: None,
        }
    }
}

impl SpotnanaBuilder {
    /// Reads `SPOTNANA_CLIENT_ID`, `SPOTNANA_CLIENT_SECRET` and `SPOTNANA_ENV`
    /// (`sandbox` | `production` | a base URL) into a builder, for further settings.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// [`SpotnanaBuilder::from_env`] over any variable lookup (for tests, or a config file).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| {
            lookup(name)
                .filter(|v| !v.trim().is_empty())
                .ok_or(ConfigError::MissingVar(name))
        };
        let client_id = get(ENV_CLIENT_ID)?;
        let client_secret = get(ENV_CLIENT_SECRET)?;
        let env = get(ENV_ENVIRONMENT)?;
        let base_url = resolve_environment(&env).map_err(|reason| ConfigError::MalformedVar {
            name: ENV_ENVIRONMENT,
            reason,
        })?;
        if client_id.chars().any(char::is_whitespace) {
            return Err(ConfigError::MalformedVar {
                name: ENV_CLIENT_ID,
                reason: "contains whitespace".into(),
            });
        }
        if client_secret.trim() != client_secret {
            // Not quoting the value: it is the secret.
            return Err(ConfigError::MalformedVar {
                name: ENV_CLIENT_SECRET,
                reason: "has leading or trailing whitespace".into(),
            });
        }
        Ok(Self::default().base_url(base_url).credentials(client_id, client_secret))
    }

    /// Sends to this base URL (e.g. a mock server).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sends to [`SANDBOX_URL`].
    pub fn sandbox(self) -> Self {
        self.base_url(SANDBOX_URL)
    }

    /// Sends to [`PRODUCTION_URL`].
    pub fn production(self) -> Self {
        self.base_url(PRODUCTION_URL)
    }

    /// Authenticates with these API user credentials (OAuth2 client credentials). Without
    /// credentials, requests go out without `Authorization`.
    pub fn credentials(mut self, client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        self.credentials = Some(Credentials {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        });
        self
    }

    /// Uses this HTTP client (connection pool, proxies, TLS settings), for the token request
    /// too. Build it with `.redirect(reqwest::redirect::Policy::none())`: the client built by
    /// default follows no redirect for the token request, since a 307/308 would re-post the
    /// client secret to wherever it points.
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// Retry settings (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Timeout of each attempt (default 30 s; `None`: the HTTP client's own).
    pub fn request_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.request_timeout = timeout;
        self
    }

    /// Time budget of one call over all its attempts and waits (default 120 s; `None`: only
    /// the retry limit bounds it).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// How long before its expiry a token is replaced (default 60 s), so that no request
    /// leaves with a token about to expire in flight.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// Sends a correlation id with every call in the header `header`, made by `make` once per
    /// call (its retries carry the same), and logs it with each attempt as `correlation_id`,
    /// so that a request can be followed from the caller's logs to Spotnana's (their best
    /// practices ask for one on every request). A call's own header of that name
    /// ([`crate::CallOptions::header`]) is used instead of a made one.
    pub fn correlation_id(
        mut self,
        header: reqwest::header::HeaderName,
        make: impl Fn() -> String + Send + Sync + 'static,
    ) -> Self {
        self.correlation = Some(CorrelationId {
            header,
            make: std::sync::Arc::new(make),
        });
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<crate::Spotnana, ConfigError> {
        let base_url = self.base_url.clone().ok_or(ConfigError::Invalid {
            setting: "base_url",
            reason: "no server chosen: call .sandbox(), .production() or .base_url(url)".into(),
        })?;
        let base_url = resolve_environment(&base_url).map_err(|reason| ConfigError::Invalid {
            setting: "base_url",
            reason,
        })?;
        if let Some(c) = &self.credentials {
            if c.client_id.trim().is_empty() {
                return Err(ConfigError::Invalid {
                    setting: "credentials",
                    reason: "the client id is empty".into(),
                });
            }
            if c.client_secret.is_empty() {
                return Err(ConfigError::Invalid {
                    setting: "credentials",
                    reason: "the client secret is empty".into(),
                });
            }
        }
        if self.retry.max_attempts == 0 {
            return Err(ConfigError::Invalid {
                setting: "retry",
                reason: "max_attempts must be at least 1".into(),
            });
        }
        Ok(crate::Spotnana::from_builder(base_url, self))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string())
    }

    #[test]
    fn environment_names_and_urls() {
        assert_eq!(resolve_environment("sandbox").unwrap(), SANDBOX_URL);
        assert_eq!(resolve_environment("PRODUCTION").unwrap(), PRODUCTION_URL);
        assert_eq!(
            resolve_environment("http://127.0.0.1:8080/").unwrap(),
            "http://127.0.0.1:8080"
        );
        assert!(resolve_environment("http://localhost:4010").is_ok());
        assert!(resolve_environment("http://[::1]:4010").is_ok());
        let err = resolve_environment("http://api.spotnana.com").unwrap_err();
        assert!(err.contains("clear text"), "{err}");
        assert!(resolve_environment("staging").is_err());
        assert!(resolve_environment("ftp://x").is_err());
    }

    #[test]
    fn missing_and_malformed_variables_are_named() {
        let err = SpotnanaBuilder::from_lookup(lookup(&[("SPOTNANA_CLIENT_ID", "id")])).unwrap_err();
        assert_eq!(err, ConfigError::MissingVar("SPOTNANA_CLIENT_SECRET"));
        assert!(err.to_string().contains("SPOTNANA_CLIENT_SECRET"));
        let err = SpotnanaBuilder::from_lookup(lookup(&[
            ("SPOTNANA_CLIENT_ID", "id"),
            ("SPOTNANA_CLIENT_SECRET", "s3cret-value"),
            ("SPOTNANA_ENV", "staging"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("SPOTNANA_ENV"), "{err}");
        let err = SpotnanaBuilder::from_lookup(lookup(&[
            ("SPOTNANA_CLIENT_ID", "id"),
            ("SPOTNANA_CLIENT_SECRET", " s3cret-value"),
            ("SPOTNANA_ENV", "sandbox"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("SPOTNANA_CLIENT_SECRET"), "{err}");
        assert!(!err.to_string().contains("s3cret-value"), "{err}");
    }

    #[test]
    fn builder_debug_hides_the_secret() {
        let builder = SpotnanaBuilder::from_lookup(lookup(&[
            ("SPOTNANA_CLIENT_ID", "id"),
            ("SPOTNANA_CLIENT_SECRET", "s3cret-value"),
            ("SPOTNANA_ENV", "sandbox"),
        ]))
        .unwrap();
        assert!(!format!("{builder:?}").contains("s3cret-value"));
        let spotnana = builder.build().unwrap();
        assert_eq!(spotnana.base_url(), SANDBOX_URL);
        assert!(!format!("{spotnana:?}").contains("s3cret-value"));
    }
}
