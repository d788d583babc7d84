//! Where things live: the workspace, and the spec directory (manifest, lock, cache).

use std::path::PathBuf;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}

/// The spec directory: `spec/` of the workspace unless `--spec-dir` points elsewhere (tests).
#[derive(Debug, Clone)]
pub struct Spec {
    pub dir: PathBuf,
}

impl Spec {
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self {
            dir: dir.unwrap_or_else(|| workspace_root().join("spec")),
        }
    }
    pub fn manifest(&self) -> PathBuf {
        self.dir.join("apis.toml")
    }
    pub fn lock(&self) -> PathBuf {
        self.dir.join("lock.toml")
    }
    pub fn cache_dir(&self) -> PathBuf {
        self.dir.join("cache")
    }
}
