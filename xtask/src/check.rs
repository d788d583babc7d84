//! `cargo xtask check`: the cache holds exactly what the lock pins, and the `spotnana` crate
//! has a cargo feature for every API of the manifest.

use crate::findings::Findings;
use crate::paths::Spec;
use spotnana_codegen::manifest::{Lock, Manifest, PinError};

pub fn run(spec: &Spec) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let lock = Lock::load(&spec.lock()).map_err(anyhow::Error::msg)?;
    let mut problems = Vec::new();
    for api in &manifest.api {
        let path = spec.cache_dir().join(api.cache_file());
        match std::fs::read(&path) {
            Err(e) => problems.push(format!("{}: {} is missing ({e})", api.module, path.display())),
            Ok(bytes) => match lock.verify(&api.module, &bytes) {
                Ok(_) => {}
                Err(PinError::NotPinned) => {
                    problems.push(format!("{}: not pinned in {}", api.module, spec.lock().display()))
                }
                Err(e) => problems.push(format!("{}: {} {e} (altered by hand?)", api.module, path.display())),
            },
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
