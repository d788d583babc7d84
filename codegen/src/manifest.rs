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

    /// Checks the `[features]` of the `spotnana` crate's `Cargo.toml` (its text) against the
    /// manifest: each API has a feature of its module's name that enables nothing else,
    /// `all-apis` enables exactly the APIs, and `default` includes `all-apis`. Cargo features
    /// cannot be derived from another file, so they are checked instead; the error lists
    /// every line to add, change or remove.
    pub fn check_features(&self, cargo_toml: &str) -> Result<(), String> {
        let parsed: toml::Table = toml::from_str(cargo_toml).map_err(|e| format!("Cargo.toml: {e}"))?;
        let features = parsed.get("features").and_then(toml::Value::as_table);
        let feature = |name: &str| features.and_then(|f| f.get(name));
        let all: Vec<&str> = feature(ALL_APIS)
            .and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_str).collect())
            .unwrap_or_default();
        let mut problems = Vec::new();
        for api in &self.api {
            match feature(&api.module).and_then(toml::Value::as_array) {
                None => problems.push(format!("add `{} = []` to [features]", api.module)),
                Some(enables) if !enables.is_empty() => {
                    problems.push(format!("make the feature `{0}` `{0} = []`", api.module))
                }
                Some(_) => {}
            }
            if !all.contains(&api.module.as_str()) {
                problems.push(format!("add \"{}\" to the `{ALL_APIS}` feature", api.module));
            }
        }
        for name in &all {
            if !self.api.iter().any(|a| a.module == *name) {
                problems.push(format!(
                    "remove \"{name}\" from the `{ALL_APIS}` feature (not an API of spec/apis.toml)"
                ));
            }
        }
        let default = feature("default").and_then(toml::Value::as_array);
        if !default.is_some_and(|d| d.iter().any(|f| f.as_str() == Some(ALL_APIS))) {
            problems.push(format!("add \"{ALL_APIS}\" to the `default` feature"));
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "the features of the `spotnana` crate do not match spec/apis.toml: {}",
                problems.join("; ")
            ))
        }
    }
}

/// The cargo feature that enables every API of the manifest.
pub const ALL_APIS: &str = "all-apis";

/// One pulled document, as pinned in `spec/lock.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LockedApi {
    pub module: String,
    /// Where Spotnana publishes the document, whichever mirror served it.
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

    /// Checks `bytes`, the document of `module`, against its pin; returns its SHA-256. The
    /// one place a document is held against the lock: documents in a cache through
    /// [`crate::spec_dir::SpecDir::read_pinned`], downloaded ones by `pull --frozen`.
    pub fn verify(&self, module: &str, bytes: &[u8]) -> Result<String, PinError> {
        let actual = sha256_hex(bytes);
        match self.get(module) {
            None => Err(PinError::NotPinned),
            Some(locked) if locked.sha256 != actual => Err(PinError::Differs {
                actual,
                pinned: locked.sha256.clone(),
            }),
            Some(_) => Ok(actual),
        }
    }
}

/// SHA-256 of a document in lowercase hex, as the lock records it.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))
}

/// Why a document does not match the lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PinError {
    /// The lock has no entry for the API.
    NotPinned,
    /// The document is not the one pinned.
    Differs { actual: String, pinned: String },
}

impl std::fmt::Display for PinError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PinError::NotPinned => f.write_str("not pinned in the lock"),
            PinError::Differs { actual, pinned } => write!(f, "has sha256 {actual}, the lock pins {pinned}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_held_against_its_pin() {
        let lock = Lock {
            changelog_cursor: None,
            api: vec![LockedApi {
                module: "auth".into(),
                url: "https://developer.spotnana.com/openapi/auth.json".into(),
                sha256: sha256_hex(b"{}"),
                size: 2,
                pulled_at: "2026-12-01".into(),
            }],
        };
        assert_eq!(lock.verify("auth", b"{}"), Ok(sha256_hex(b"{}")));
        assert!(matches!(lock.verify("auth", b"{ }"), Err(PinError::Differs { .. })));
        assert_eq!(lock.verify("air", b"{}"), Err(PinError::NotPinned));
    }

    fn manifest(modules: &[&str]) -> Manifest {
        Manifest {
            api: modules
                .iter()
                .map(|m| Api {
                    module: m.to_string(),
                    title: format!("{m} API"),
                    path: format!("_bundle/openapi/{m}api.json"),
                })
                .collect(),
        }
    }

    #[test]
    fn features_are_checked_against_the_manifest() {
        let cargo = "[features]\ndefault = [\"all-apis\"]\nall-apis = [\"air\", \"auth\"]\nair = []\nauth = []\n";
        assert_eq!(manifest(&["air", "auth"]).check_features(cargo), Ok(()));
        let err = manifest(&["air", "auth", "hotel"]).check_features(cargo).unwrap_err();
        assert!(
            err.ends_with("add `hotel = []` to [features]; add \"hotel\" to the `all-apis` feature"),
            "{err}"
        );
        let err = manifest(&["air", "auth"])
            .check_features(
                &cargo
                    .replace("auth = []", "auth = [\"air\"]")
                    .replace("default = [\"all-apis\"]", "default = []"),
            )
            .unwrap_err();
        assert!(
            err.ends_with("make the feature `auth` `auth = []`; add \"all-apis\" to the `default` feature"),
            "{err}"
        );
        let err = manifest(&["air"])
            .check_features("[package]\nname = \"spotnana\"\n")
            .unwrap_err();
        assert!(
            err.contains("add `air = []` to [features]"),
            "a missing [features] table fails: {err}"
        );
        let err = manifest(&["air"]).check_features(cargo).unwrap_err();
        assert!(
            err.ends_with("remove \"auth\" from the `all-apis` feature (not an API of spec/apis.toml)"),
            "{err}"
        );
    }
}
