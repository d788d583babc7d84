//! What the xtask's tests share: the workspace, running the xtask on a spec directory, and
//! the target directory of downstream builds.
// Each test crate uses some of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// Runs the xtask in the workspace root with `spec` as the spec directory.
pub fn xtask(spec: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .current_dir(workspace_root())
        .arg("--spec-dir")
        .arg(spec)
        .args(args)
        .env_remove("SPOTNANA_PORTAL")
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The target directory the downstream builds share, kept between runs so that a rerun
/// builds only `spotnana` again: under CARGO_TARGET_DIR when it is set (CI caches it), else
/// the workspace's target.
pub fn downstream_target() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("downstream")
}
