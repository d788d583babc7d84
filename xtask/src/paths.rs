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
    /// Whether this is the workspace's own `spec/` (not a directory of a test's).
    pub fn is_workspace(&self) -> bool {
        let canonical = |p: &std::path::Path| std::fs::canonicalize(p).ok();
        canonical(&self.dir).is_some() && canonical(&self.dir) == canonical(&workspace_root().join("spec"))
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
    /// What each fix-up and pass changed per pinned document (`spotnana_codegen::ledger`).
    pub fn ledger(&self) -> PathBuf {
        self.dir.join("ledger.md")
    }

    /// The cached document of `api`, or an error naming it and the command that fetches it.
    pub fn read_cached(&self, api: &spotnana_codegen::manifest::Api) -> anyhow::Result<Vec<u8>> {
        let path = self.cache_dir().join(api.cache_file());
        std::fs::read(&path).map_err(|e| {
            anyhow::anyhow!(
                "{}: {} is not cached ({e}): run `cargo xtask pull`",
                api.module,
                path.display()
            )
        })
    }
}
