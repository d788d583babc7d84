//! `cargo xtask package`: publishable `.crate` files of `spotnana-codegen` and `spotnana`,
//! with the pinned documents bundled inside `spotnana` so that a downstream build needs
//! neither this repository, nor the network, nor the xtask.

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
}

/// The packages, in dependency order.
const PACKAGES: [&str; 2] = ["spotnana-codegen", "spotnana"];

pub fn run(spec: &crate::paths::Spec, args: Args) -> anyhow::Result<()> {
    let bundle = paths::workspace_root().join("generated-client/bundled-spec");
    stage_bundle(spec, &bundle)?;
    let result = cargo_package(&args.out);
    // The bundle only exists while packaging: the workspace build reads the cache.
    std::fs::remove_dir_all(&bundle).with_context(|| format!("removing {}", bundle.display()))?;
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

fn cargo_package(out: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let target = tempfile::tempdir()?;
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(paths::workspace_root())
        .args(["package", "--no-verify", "--allow-dirty", "--offline", "--target-dir"])
        .arg(target.path());
    for p in PACKAGES {
        cmd.args(["-p", p]);
    }
    let status = cmd.status().context("running cargo package")?;
    if !status.success() {
        bail!("cargo package failed ({status})");
    }
    std::fs::create_dir_all(out)?;
    let mut files = Vec::new();
    for entry in std::fs::read_dir(target.path().join("package"))? {
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
