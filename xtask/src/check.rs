//! `cargo xtask check`: the cache holds exactly what the lock pins, and the `spotnana` crate
//! has a cargo feature for every API of the manifest.

use crate::Findings;
use crate::paths::Spec;
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
    // The crate's features must follow the manifest (cargo cannot derive them from it).
    let cargo_toml = crate::paths::workspace_root().join("generated-client/Cargo.toml");
    let text = std::fs::read_to_string(&cargo_toml).map_err(|e| anyhow::anyhow!("{}: {e}", cargo_toml.display()))?;
    if let Err(e) = manifest.check_features(&text) {
        problems.push(format!("{}: {e}", cargo_toml.display()));
    }
    if !problems.is_empty() {
        return Err(Findings(format!(
            "the spec does not match the lock or the crate's features (`cargo xtask pull --frozen` restores the cache; features are edited by hand):\n  {}",
            problems.join("\n  ")
        ))
        .into());
    }
    println!(
        "cache matches {} ({} documents)",
        spec.lock().display(),
        manifest.api.len()
    );
    Ok(())
}
