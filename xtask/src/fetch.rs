//! Reading from the portal: over HTTP(S) with timeouts and retries, or from a directory laid
//! out like the portal.

use backon::{BlockingRetryable, ExponentialBuilder};
use std::time::Duration;

/// How to reach the portal.
#[derive(Debug, Clone)]
pub struct Portal {
    pub base: String,
    pub timeout: Duration,
    pub retries: usize,
}

/// How long to wait for the portal and how often to try again: the options of every command
/// that reads from it.
#[derive(clap::Args, Debug, Clone)]
pub struct Patience {
    /// Per-request timeout for URL bases, in seconds.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// Retries of a transient failure for URL bases (connection error, timeout, 429, 5xx).
    #[arg(long, default_value_t = 4)]
    pub retries: usize,
}

impl Patience {
    /// The portal at `base` (a directory or an http(s) URL), read with this patience.
    pub fn portal(&self, base: &str) -> Portal {
        Portal {
            base: base.to_string(),
            timeout: Duration::from_secs(self.timeout),
            retries: self.retries,
        }
    }
}

/// Why a fetch failed, specific enough to act on.
#[derive(Debug)]
pub enum FetchError {
    /// The server answered with a status other than 200.
    Status { status: u16, retry_after: Option<Duration> },
    /// Connecting, sending or reading failed (including timeouts and truncated bodies).
    Transport(String),
    /// A directory base without the file.
    Missing(String),
}

impl FetchError {
    /// Connection errors, timeouts, 429 and 5xx are worth another try.
    fn is_retryable(&self) -> bool {
        match self {
            FetchError::Status { status, .. } => *status == 429 || *status >= 500,
            FetchError::Transport(_) => true,
            FetchError::Missing(_) => false,
        }
    }
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Status { status, .. } => write!(f, "HTTP status {status}"),
            FetchError::Transport(e) => write!(f, "{e}"),
            FetchError::Missing(path) => write!(f, "{path} does not exist"),
        }
    }
}

impl std::error::Error for FetchError {}

impl Portal {
    pub fn url(&self, path: &str) -> String {
        format!("{}/{}", self.base.trim_end_matches('/'), path.trim_start_matches('/'))
    }

    fn is_http(&self) -> bool {
        self.base.starts_with("http://") || self.base.starts_with("https://")
    }

    /// Fetches `path` below the portal base, retrying transient failures with exponential
    /// backoff and jitter (honouring `Retry-After`).
    pub fn fetch(&self, path: &str) -> Result<Vec<u8>, FetchError> {
        let url = self.url(path);
        if !self.is_http() {
            return std::fs::read(&url).map_err(|_| FetchError::Missing(url));
        }
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(self.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        let policy = ExponentialBuilder::default()
            .with_min_delay(Duration::from_millis(200))
            .with_max_delay(Duration::from_secs(30))
            .with_max_times(self.retries)
            .with_jitter();
        (|| get_once(&agent, &url))
            .retry(policy)
            .when(FetchError::is_retryable)
            .notify(|e, delay| {
                // backon's blocking retry cannot replace the backoff delay, so a longer
                // Retry-After is honoured by waiting the difference before backon's sleep.
                let wait = match e {
                    FetchError::Status {
                        retry_after: Some(after),
                        ..
                    } if *after > delay => *after,
                    _ => delay,
                };
                eprintln!("  {url}: {e}; retrying in {:.1} s", wait.as_secs_f64());
                std::thread::sleep(wait - delay);
            })
            .call()
    }
}

fn get_once(agent: &ureq::Agent, url: &str) -> Result<Vec<u8>, FetchError> {
    let mut response = agent
        .get(url)
        .call()
        .map_err(|e| FetchError::Transport(e.to_string()))?;
    let status = response.status().as_u16();
    if status != 200 {
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        return Err(FetchError::Status { status, retry_after });
    }
    response
        .body_mut()
        .with_config()
        .limit(256 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| FetchError::Transport(format!("reading the body: {e}")))
}
