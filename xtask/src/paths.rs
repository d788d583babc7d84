//! Where things live: the workspace, and the spec directory (manifest, lock, cache), whose
//! layout and reading belong to `spotnana_codegen::spec_dir`.

use spotnana_codegen::manifest::{Api, Lock, PinError};
use spotnana_codegen::spec_dir::{CacheError, Pinned};
use std::path::PathBuf;

pub use spotnana_codegen::spec_dir::SpecDir as Spec;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// The spec directory: `spec/` of the workspace unless `--spec-dir` points elsewhere (tests).
pub fn spec(dir: Option<PathBuf>) -> Spec {
    Spec::new(dir.unwrap_or_else(|| workspace_root().join("spec")))
}

/// Whether `spec` is the workspace's own `spec/` (not a directory of a test's).
pub fn is_workspace(spec: &Spec) -> bool {
    let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
    canonical(&spec.dir).is_some() && canonical(&spec.dir) == canonical(&workspace_root().join("spec"))
}

/// The cached document of `api`, or an error naming it and the command that fetches it.
pub fn read_cached(spec: &Spec, api: &Api) -> anyhow::Result<Vec<u8>> {
    spec.read(api).map_err(|e| with_hint(e, spec))
}

/// The cached document of `api` held against `lock`, or an error naming it, the lock, and the
/// command that mends it.
pub fn read_pinned(spec: &Spec, lock: &Lock, api: &Api) -> anyhow::Result<Pinned> {
    spec.read_pinned(lock, api).map_err(|e| with_hint(e, spec))
}

fn with_hint(error: CacheError, spec: &Spec) -> anyhow::Error {
    match error {
        CacheError::Pin {
            error: PinError::NotPinned,
            ..
        } => anyhow::anyhow!("{error} ({}): run `cargo xtask pull` to pin it", spec.lock().display()),
        CacheError::Pin { .. } => anyhow::anyhow!(
            "{error} ({}): run `cargo xtask pull --frozen` to restore it",
            spec.lock().display()
        ),
        CacheError::Missing { .. } => anyhow::anyhow!("{error}: run `cargo xtask pull --frozen`"),
    }
}
