//! `cargo xtask check`: the cache holds exactly what the lock pins, and the `spotnana` crate
//! has a cargo feature for every API of the manifest.

use crate::findings::Findings;
use crate::paths::Spec;
use spotnana_codegen::manifest::PinError;
use spotnana_codegen::spec_dir::CacheError;

pub fn run(spec: &Spec) -> anyhow::Result<()> {
    let manifest = spec.load_manifest().map_err(anyhow::Error::msg)?;
    let lock = spec.load_lock().map_err(anyhow::Error::msg)?;
    let mut problems = Vec::new();
    for api in &manifest.api {
        if let Err(error) = spec.read_pinned(&lock, api) {
            problems.push(match error {
                CacheError::Pin {
                    error: PinError::Differs { .. },
                    ..
                } => format!("{error} (altered by hand?)"),
                CacheError::Pin { .. } => format!("{error} ({})", spec.lock().display()),
                CacheError::Missing { .. } => error.to_string(),
            });
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
