//! `spec/apis.toml` (which APIs are tracked) and `spec/lock.toml` (what was pulled), shared
//! by the xtask that writes them and the build script that reads them.

use serde::{Deserialize, Serialize};
use std::path::Path;

/// One tracked API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Api {
    /// Rust module and cargo feature name.
    pub module: String,
    /// The API's name as the portal and its changelog spell it.
    pub title: String,
    /// The document's path relative to the portal base.
    pub path: String,
}

impl Api {
    /// The file name of the document in the cache and in the packaged crate.
    pub fn cache_file(&self) -> String {
        format!("{}.json", self.module)
    }
}

/// `spec/apis.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub api: Vec<Api>,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// One pulled document, as pinned in `spec/lock.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedApi {
    pub module: String,
    pub url: String,
    pub sha256: String,
    pub size: u64,
    pub pulled_at: String,
}

/// `spec/lock.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Heading of the newest changelog entry seen (e.g. `July 20, 2026`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changelog_cursor: Option<String>,
    #[serde(default)]
    pub api: Vec<LockedApi>,
}

impl Lock {
    pub fn load(path: &Path) -> Result<Self, String> {
        if !path.exists() {
            return Ok(Self::default());
        }
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        toml::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    pub fn to_toml(&self) -> String {
        let body = toml::to_string_pretty(self).expect("lock serializes");
        format!("# Written by `cargo xtask pull`; pins each document by SHA-256. Do not edit.\n\n{body}")
    }

    pub fn get(&self, module: &str) -> Option<&LockedApi> {
        self.api.iter().find(|a| a.module == module)
    }
}
