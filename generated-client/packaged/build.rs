//! The build script of the published `spotnana` package, which `cargo xtask package` puts in
//! place of the repository's: the client was generated for every API when the package was
//! made, into `generated/`, so this only copies it where `src/` includes it from (`OUT_DIR`)
//! and needs no generator, no documents and no dependency.

use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = run() {
        println!("cargo::error={message}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let generated = crate_dir.join("generated");
    println!("cargo::rerun-if-changed=generated");
    let entries = std::fs::read_dir(&generated).map_err(|e| {
        format!(
            "{}: {e}: the package is incomplete, re-create it with `cargo xtask package`",
            generated.display()
        )
    })?;
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if let Some(name) = path.file_name() {
            copy(&path, &out_dir.join(name))?;
        }
    }
    // `generated/apis.txt`: the API modules, one per line, each a cargo feature.
    let apis = std::fs::read_to_string(generated.join("apis.txt")).map_err(|e| e.to_string())?;
    println!("cargo::rustc-check-cfg=cfg(spotnana_no_api)");
    let enabled = apis.lines().any(|module| {
        let feature = format!("CARGO_FEATURE_{}", module.to_uppercase().replace('-', "_"));
        std::env::var_os(feature).is_some()
    });
    if !enabled {
        println!("cargo::rustc-cfg=spotnana_no_api");
    }
    Ok(())
}

fn copy(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::copy(from, to)
        .map(|_| ())
        .map_err(|e| format!("copying {} to {}: {e}", from.display(), to.display()))
}
