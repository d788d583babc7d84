//! The one entry point: a base URL and an HTTP client, shared by every API's client.

/// Spotnana's sandbox, the server named in the published documents.
pub const SANDBOX_URL: &str = "https://api-ext-sboxmeta.partners.spotnana.com";
/// Spotnana's production API, per Spotnana's authentication guide.
pub const PRODUCTION_URL: &str = "https://api.spotnana.com";

/// Hands out the per-API clients (`spotnana.air()`, `spotnana.trip()`, …) over one shared
/// `reqwest::Client` (connection pool, timeouts, default headers) and one base URL.
#[derive(Clone, Debug)]
pub struct Spotnana {
    base_url: String,
    http: reqwest::Client,
}

impl Spotnana {
    /// A client for `base_url` (e.g. [`SANDBOX_URL`]) over the given HTTP client.
    pub fn new(base_url: impl Into<String>, http: reqwest::Client) -> Self {
        Self {
            base_url: base_url.into().trim_end_matches('/').to_string(),
            http,
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
}
