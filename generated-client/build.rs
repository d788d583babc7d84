//! Generates one module per enabled API feature from the pinned documents, into OUT_DIR.
//!
//! This is the repository's build script (a clone, a path or a git dependency); the
//! published package holds the generated client and a build script of its own
//! (`packaged/build.rs`). The manifest, the lock and the documents come from
//! `$SPOTNANA_SPEC_DIR` when it is set (an absolute path to a spec directory as the xtask
//! reads it: for a git dependency, whose checkout has no documents, and for building the
//! client of other documents), else from `../spec/` (documents in `spec/cache/`). Each document must match the SHA-256 pinned in the
//! lock, so a stale or hand-edited document fails the build instead of silently generating a
//! different client.

use spotnana_codegen::crate_files::{ApiModule, Gate, api_table, apis_rs};
use spotnana_codegen::spec_dir::{CacheError, Pinned, SpecDir};
use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = run() {
        println!("cargo::error={message}");
        std::process::exit(1);
    }
}

/// Where this build reads the manifest, the lock and the documents.
struct Sources {
    spec: SpecDir,
    /// What to do when a document is missing or does not match the lock.
    fetch_hint: String,
}

fn sources(crate_dir: &Path) -> Result<Sources, String> {
    println!("cargo::rerun-if-env-changed=SPOTNANA_SPEC_DIR");
    let repository_spec = crate_dir.join("../spec");
    let in_repository = repository_spec.join("apis.toml").exists();
    // A spec directory as the xtask reads it (manifest, lock, cache), e.g. the `spec` of a
    // clone of this repository where `cargo xtask pull --frozen` ran: for a git dependency,
    // whose checkout has no documents, and for building the client of other documents. The
    // published package, with a build script of its own, ignores it.
    if let Some(dir) = std::env::var_os("SPOTNANA_SPEC_DIR") {
        let dir = PathBuf::from(dir);
        // Loud: the client is then built from that directory's documents, not the checkout's.
        println!(
            "cargo::warning=SPOTNANA_SPEC_DIR is set: building the client of {}",
            dir.display()
        );
        if dir.is_relative() {
            return Err(format!(
                "SPOTNANA_SPEC_DIR is {}: it must be an absolute path (a build script runs in \
                 the crate's directory, not in yours)",
                dir.display()
            ));
        }
        return Ok(Sources {
            fetch_hint: format!(
                "SPOTNANA_SPEC_DIR is set: {} must hold the manifest (apis.toml), the lock \
                 (lock.toml) and the documents it pins (cache/): run `cargo xtask pull --frozen` \
                 in a clone of the repository and point SPOTNANA_SPEC_DIR at its `spec`",
                dir.display()
            ),
            spec: SpecDir::new(dir),
        });
    }
    if !in_repository {
        return Err(format!(
            "{} is not beside this crate: build it in the repository, or depend on the published \
             package, which holds the generated client",
            repository_spec.join("apis.toml").display()
        ));
    }
    Ok(Sources {
        spec: SpecDir::new(repository_spec),
        fetch_hint: "fetch the documents with `cargo xtask pull --frozen` in the repository \
             (SPOTNANA_PORTAL or --portal sets the portal); for a git dependency, run that in a \
             clone of the repository and set SPOTNANA_SPEC_DIR to the clone's `spec` directory"
            .to_string(),
    })
}

fn run() -> Result<(), String> {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let Sources { spec, fetch_hint } = sources(&crate_dir)?;
    let fetch_hint = fetch_hint.as_str();
    let manifest_path = spec.manifest();
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    println!("cargo::rerun-if-changed={}", spec.lock().display());
    let manifest = spec.load_manifest()?;
    let lock = spec.load_lock()?;
    // An API listed without its cargo feature would be skipped silently: fail instead.
    let cargo_toml = crate_dir.join("Cargo.toml");
    let cargo_text = std::fs::read_to_string(&cargo_toml).map_err(|e| format!("{}: {e}", cargo_toml.display()))?;
    println!("cargo::rerun-if-changed=Cargo.toml");
    manifest
        .check_features(&cargo_text)
        .map_err(|e| format!("{} (manifest {}): {e}", cargo_toml.display(), manifest_path.display()))?;

    let mut enabled = Vec::new();
    // x-pii markers of every API, enabled or not: redaction should not weaken because a
    // build leaves an API out (an error body can echo a user of any API). Documents of
    // disabled APIs are read only when present and matching the lock.
    let mut pii = spotnana_codegen::runtime_tables::PiiTable::default();
    let mut operations = Vec::new();
    for api in &manifest.api {
        let feature = format!("CARGO_FEATURE_{}", api.module.to_uppercase().replace('-', "_"));
        let doc_path = spec.document(api);
        if doc_path.exists() {
            println!("cargo::rerun-if-changed={}", doc_path.display());
        }
        if std::env::var_os(&feature).is_none() {
            if let Ok(pinned) = spec.read_pinned(&lock, api)
                && let Ok(doc) = spotnana_codegen::parse::parse_document(&api.module, &pinned.bytes)
            {
                pii.add_document(&doc);
            }
            continue;
        }
        let Pinned { bytes, sha256 } = spec.read_pinned(&lock, api).map_err(|e| match e {
            CacheError::Missing { .. } => format!("{e}: {fetch_hint}"),
            CacheError::Pin { .. } => format!("{e} ({}): {fetch_hint}", spec.lock().display()),
        })?;
        let doc = spotnana_codegen::parse::parse_document(&api.module, &bytes).map_err(|e| e.to_string())?;
        pii.add_document(&doc);
        operations.extend(spotnana_codegen::runtime_tables::operations(&api.module, &doc));
        enabled.push((api, doc, sha256));
    }
    println!("cargo::rustc-check-cfg=cfg(spotnana_no_api)");
    if enabled.is_empty() {
        println!("cargo::rustc-cfg=spotnana_no_api");
    }
    write(
        &out_dir.join("runtime_tables.rs"),
        &spotnana_codegen::runtime_tables::render(&operations, &pii),
    )?;

    let documents = enabled
        .iter_mut()
        .map(|(api, doc, _)| (api.module.clone(), std::mem::take(doc)))
        .collect();
    let set = spotnana_codegen::generate_all_parsed(documents, &spotnana_codegen::Options::default())
        .map_err(|e| e.to_string())?;
    write(&out_dir.join("common.rs"), &set.common)?;
    // A union serde still reads by first match can put a payload in the wrong type without an
    // error: loud in every build, and listed in the PR's ledger, though not fatal (a Spotnana
    // release must not stop a build that worked).
    let reports =
        std::iter::once(("common", &set.common_report)).chain(set.apis.iter().map(|(m, g)| (m.as_str(), &g.report)));
    for (module, report) in reports {
        for (place, why) in report
            .get("untagged_unions_left")
            .map(|c| c.places.as_slice())
            .unwrap_or_default()
        {
            println!("cargo::warning={module}: {place}: a union read by first match ({why})");
        }
    }
    // The operation counts generation already made, and how many operations it streams.
    let counts = spotnana_codegen::crate_files::counts(&set);
    write(&out_dir.join("apis.md"), &api_table(&manifest, &counts, Gate::Always))?;
    let mut modules = Vec::new();
    for ((api, _, sha256), (_, generated)) in enabled.iter().zip(&set.apis) {
        write(&out_dir.join(format!("{}.rs", api.module)), &generated.code)?;
        modules.push(ApiModule { api, sha256 });
    }
    write(
        &out_dir.join("apis.rs"),
        &apis_rs(&modules, set.common_types, Gate::Always),
    )
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}
