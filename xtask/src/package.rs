//! `cargo xtask package`: publishable `.crate` files of `spotnana-codegen` and `spotnana`,
//! with the pinned documents bundled inside `spotnana` so that a downstream build needs
//! neither this repository, nor the network, nor the xtask.
//!
//! Cargo verifies the packages as it would before publishing: it builds the unpacked
//! `spotnana` (with the `auth` API, to keep it short) against the unpacked
//! `spotnana-codegen`. Uncommitted changes are refused as `cargo package` would, except the
//! bundle itself: Spotnana's documents are never committed, so cargo, which counts every
//! packaged file git does not track, is told `--allow-dirty` once this check has passed.
//! Publishing (README.md, "Depending on it"): `cargo xtask package --keep-bundle` leaves the
//! bundle staged, then `cargo publish -p spotnana-codegen && cargo publish -p spotnana
//! --allow-dirty`.

use crate::paths;
use anyhow::{Context, bail};
use spotnana_codegen::manifest::Manifest;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Args)]
pub struct Args {
    /// Where to put the `.crate` files.
    #[arg(long, default_value = "target/package")]
    pub out: PathBuf,
    /// Package a working tree with uncommitted changes (for tests of the packaging itself).
    #[arg(long)]
    pub allow_dirty: bool,
    /// Leave `generated-client/bundled-spec/` in place afterwards, for `cargo publish`.
    #[arg(long)]
    pub keep_bundle: bool,
}

/// The packages, in dependency order.
const PACKAGES: [&str; 2] = ["spotnana-codegen", "spotnana"];

pub fn run(spec: &crate::paths::Spec, args: Args) -> anyhow::Result<()> {
    if !args.allow_dirty {
        refuse_uncommitted_changes()?;
    }
    let bundle = paths::workspace_root().join("generated-client/bundled-spec");
    stage_bundle(spec, &bundle)?;
    let result = cargo_package(&args.out);
    // The bundle only exists while packaging (the workspace build reads the cache, and warns
    // of a bundle left behind), or until `cargo publish` when asked to keep it.
    if !args.keep_bundle {
        std::fs::remove_dir_all(&bundle).with_context(|| format!("removing {}", bundle.display()))?;
    }
    for file in result? {
        println!("{}", file.display());
    }
    Ok(())
}

/// Copies the manifest, the lock and the pinned documents into `bundled-spec/`, checking
/// each document against the lock first.
fn stage_bundle(spec: &crate::paths::Spec, bundle: &Path) -> anyhow::Result<()> {
    // The bundle must hold exactly what the lock pins.
    crate::check::run(spec)?;
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    if bundle.exists() {
        std::fs::remove_dir_all(bundle)?;
    }
    std::fs::create_dir_all(bundle)?;
    std::fs::copy(spec.manifest(), bundle.join("apis.toml"))?;
    std::fs::copy(spec.lock(), bundle.join("lock.toml"))?;
    for api in &manifest.api {
        std::fs::copy(spec.cache_dir().join(api.cache_file()), bundle.join(api.cache_file()))?;
    }
    Ok(())
}

/// Fails naming the files that differ from the last commit, the bundle aside.
fn refuse_uncommitted_changes() -> anyhow::Result<()> {
    let output = Command::new("git")
        .args([
            "status",
            "--porcelain",
            "--untracked-files=all",
            "--",
            ".",
            ":!generated-client/bundled-spec",
        ])
        .current_dir(paths::workspace_root())
        .output()
        .context("running git status")?;
    if !output.status.success() {
        bail!("git status failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let changed = String::from_utf8_lossy(&output.stdout);
    if !changed.trim().is_empty() {
        bail!(
            "uncommitted changes would go into the package (commit them, or pass --allow-dirty):\n{}",
            changed.trim_end()
        );
    }
    Ok(())
}

fn cargo_package(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    // The verification build shares the target directory of the downstream tests, kept between
    // runs so that a second packaging rebuilds only the two crates.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| paths::workspace_root().join("target"), PathBuf::from)
        .join("downstream");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(paths::workspace_root())
        .args(["package", "--offline", "--no-default-features", "--features"])
        .arg("spotnana/auth,spotnana/rustls")
        // The bundle is untracked by design; everything else was checked by `run`.
        .arg("--allow-dirty")
        .arg("--target-dir")
        .arg(&target)
        // The verification builds what the package bundles, never another spec directory.
        .env_remove("SPOTNANA_SPEC_DIR");
    for p in PACKAGES {
        cmd.args(["-p", p]);
    }
    // Only this run's files are collected below.
    if let Ok(entries) = std::fs::read_dir(target.join("package")) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "crate") {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    let status = cmd.status().context("running cargo package")?;
    if !status.success() {
        bail!("cargo package failed ({status})");
    }
    std::fs::create_dir_all(out)?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(target.join("package"))? {
        let path = entry?.path();
        if path.extension().is_some_and(|e| e == "crate") {
            let dest = out.join(path.file_name().context("file name")?);
            std::fs::copy(&path, &dest)?;
            files.push(dest);
        }
    }
    files.sort();
    if files.len() != PACKAGES.len() {
        bail!("expected {} .crate files, found {files:?}", PACKAGES.len());
    }
    Ok(files)
}
