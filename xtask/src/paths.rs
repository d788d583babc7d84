//! Where things live in the workspace.

use std::path::PathBuf;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits in the workspace")
        .to_path_buf()
}
pub fn spec_dir() -> PathBuf {
    workspace_root().join("spec")
}
pub fn manifest() -> PathBuf {
    spec_dir().join("apis.toml")
}
pub fn lock() -> PathBuf {
    spec_dir().join("lock.toml")
}
pub fn cache_dir() -> PathBuf {
    spec_dir().join("cache")
}
