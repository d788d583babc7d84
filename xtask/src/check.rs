//! `cargo xtask check`: the cache holds exactly what the lock pins.

use crate::paths::Spec;
use anyhow::bail;
use sha2::{Digest, Sha256};
use spotnana_codegen::manifest::{Lock, Manifest};

pub fn run(spec: &Spec) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let lock = Lock::load(&spec.lock()).map_err(anyhow::Error::msg)?;
    let mut problems = Vec::new();
    for api in &manifest.api {
        let path = spec.cache_dir().join(api.cache_file());
        let Some(locked) = lock.get(&api.module) else {
            problems.push(format!("{}: not pinned in {}", api.module, spec.lock().display()));
            continue;
        };
        match std::fs::read(&path) {
            Err(e) => problems.push(format!("{}: {} is missing ({e})", api.module, path.display())),
            Ok(bytes) => {
                let sha = hex::encode(Sha256::digest(&bytes));
                if sha != locked.sha256 {
                    problems.push(format!(
                        "{}: {} has sha256 {sha}, the lock pins {} (altered by hand?)",
                        api.module,
                        path.display(),
                        locked.sha256
                    ));
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!(
            "the cache does not match the lock; `cargo xtask pull --frozen` restores it:\n  {}",
            problems.join("\n  ")
        );
    }
    println!(
        "cache matches {} ({} documents)",
        spec.lock().display(),
        manifest.api.len()
    );
    Ok(())
}
