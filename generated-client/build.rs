//! Generates one module per enabled API feature from the pinned documents, into OUT_DIR.
//!
//! In the packaged crate, the manifest, the lock and the documents are those of
//! `bundled-spec/`. In the repository (a clone, a path or a git dependency) they come from
//! `$SPOTNANA_SPEC_DIR` when it is set (an absolute path to a spec directory as the xtask
//! reads it: for a git dependency, whose checkout has no documents, and for building the
//! client of other documents), else from `../spec/` (documents in `spec/cache/`). Each document must match the SHA-256 pinned in the
//! lock, so a stale or hand-edited document fails the build instead of silently generating a
//! different client.

use sha2::{Digest, Sha256};
use spotnana_codegen::manifest::{Lock, Manifest};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    if let Err(message) = run() {
        println!("cargo::error={message}");
        std::process::exit(1);
    }
}

/// Where this build reads the manifest and lock, and the documents.
struct Sources {
    spec_dir: PathBuf,
    docs_dir: PathBuf,
    /// What to do when a document is missing or does not match the lock.
    fetch_hint: String,
}

fn sources(crate_dir: &Path) -> Result<Sources, String> {
    println!("cargo::rerun-if-env-changed=SPOTNANA_SPEC_DIR");
    let repository_spec = crate_dir.join("../spec");
    let bundled = crate_dir.join("bundled-spec");
    let in_repository = repository_spec.join("apis.toml").exists();
    // A spec directory as the xtask reads it (manifest, lock, cache), e.g. the `spec` of a
    // clone of this repository where `cargo xtask pull --frozen` ran: for a git dependency,
    // whose checkout has no documents, and for building the client of other documents. The
    // packaged crate always builds what it bundles.
    if let Some(dir) = std::env::var_os("SPOTNANA_SPEC_DIR").filter(|_| in_repository) {
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
            docs_dir: dir.join("cache"),
            fetch_hint: format!(
                "SPOTNANA_SPEC_DIR is set: {} must hold the manifest (apis.toml), the lock \
                 (lock.toml) and the documents it pins (cache/): run `cargo xtask pull --frozen` \
                 in a clone of the repository and point SPOTNANA_SPEC_DIR at its `spec`",
                dir.display()
            ),
            spec_dir: dir,
        });
    }
    // In the repository, its own spec wins: a `bundled-spec/` left behind by an interrupted
    // `cargo xtask package` is ignored (and said so) rather than silently preferred.
    Ok(if in_repository {
        if bundled.exists() {
            println!(
                "cargo::warning={} is left from packaging and is not read: delete it",
                bundled.display()
            );
        }
        Sources {
            spec_dir: repository_spec.clone(),
            docs_dir: repository_spec.join("cache"),
            fetch_hint: "fetch the documents with `cargo xtask pull --frozen` in the repository \
                 (SPOTNANA_PORTAL or --portal sets the portal); for a git dependency, run that in a \
                 clone of the repository and set SPOTNANA_SPEC_DIR to the clone's `spec` directory"
                .to_string(),
        }
    } else {
        Sources {
            spec_dir: bundled.clone(),
            docs_dir: bundled,
            fetch_hint: "the package is incomplete: re-create it with `cargo xtask package`".to_string(),
        }
    })
}

fn run() -> Result<(), String> {
    let crate_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").map_err(|e| e.to_string())?);
    let Sources {
        spec_dir,
        docs_dir,
        fetch_hint,
    } = sources(&crate_dir)?;
    let fetch_hint = fetch_hint.as_str();
    let manifest_path = spec_dir.join("apis.toml");
    let lock_path = spec_dir.join("lock.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    println!("cargo::rerun-if-changed={}", lock_path.display());
    let manifest = Manifest::load(&manifest_path)?;
    let lock = Lock::load(&lock_path)?;
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
        if std::env::var_os(&feature).is_none() {
            let doc_path = docs_dir.join(api.cache_file());
            if let (Ok(bytes), Some(locked)) = (std::fs::read(&doc_path), lock.get(&api.module)) {
                println!("cargo::rerun-if-changed={}", doc_path.display());
                if hex::encode(Sha256::digest(&bytes)) == locked.sha256
                    && let Ok(doc) = spotnana_codegen::parse::parse_document(&api.module, &bytes)
                {
                    pii.add_document(&doc);
                }
            }
            continue;
        }
        let doc_path = docs_dir.join(api.cache_file());
        let bytes = read_document(&doc_path, &api.module, fetch_hint)?;
        println!("cargo::rerun-if-changed={}", doc_path.display());
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let locked = lock.get(&api.module).ok_or_else(|| {
            format!(
                "the `{}` API is not in {}: {fetch_hint}",
                api.module,
                lock_path.display()
            )
        })?;
        if locked.sha256 != sha256 {
            return Err(format!(
                "{} (sha256 {sha256}) does not match {} (sha256 {}): {fetch_hint}",
                doc_path.display(),
                lock_path.display(),
                locked.sha256
            ));
        }
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
    let counts: Vec<(&str, usize, usize)> = set
        .apis
        .iter()
        .map(|(m, g)| {
            let paged = g.report.get("page_paged_operations").map_or(0, |c| c.places.len());
            (m.as_str(), g.operations, paged)
        })
        .collect();
    write(&out_dir.join("apis.md"), &api_table(&manifest, &counts))?;
    let mut apis = String::from("// Generated by build.rs from spec/apis.toml: one module per enabled API feature.\n");
    let _ = write!(
        apis,
        r#"
/// Types that several enabled APIs define identically ({} of them), generated once and
/// used by every API module: a `common::UserId` from `users` goes to `trip` unchanged.
#[allow(clippy::all)]
pub mod common {{
    include!(concat!(env!("OUT_DIR"), "/common.rs"));
}}
"#,
        set.common_types
    );
    for ((api, _, sha256), (_, generated)) in enabled.iter().zip(&set.apis) {
        let file = format!("{}.rs", api.module);
        write(&out_dir.join(&file), &generated.code)?;
        let module = &api.module;
        let title = &api.title;
        let _ = write!(
            apis,
            r#"
/// The {title} (cargo feature `{module}`), generated from the portal's `{path}`
/// (sha256 `{sha256}`).
#[cfg_attr(docsrs, doc(cfg(feature = "{module}")))]
pub mod {module} {{
    include!(concat!(env!("OUT_DIR"), "/{file}"));
}}

crate::runtime::impl_hooks!({module});

impl crate::Spotnana {{
    /// The {title} client, sharing this instance's HTTP client, base URL and runtime
    /// (token cache, retry policy, logging).
    pub fn {module}(&self) -> {module}::Client {{
        {module}::Client::new_with_client(self.base_url(), self.http_client().clone(), self.runtime().clone())
    }}
}}
"#,
            path = api.path,
        );
    }
    write(&out_dir.join("apis.rs"), &apis)
}

/// The crate docs' table of APIs: every API of the manifest, whether this build enables it.
fn api_table(manifest: &Manifest, enabled: &[(&str, usize, usize)]) -> String {
    let mut md = String::from(
        "| module and feature | API | operations | paged (`<method>_items`, see [`paging`](crate::paging)) |\n\
         | --- | --- | --- | --- |\n",
    );
    for api in &manifest.api {
        let (module, title) = (&api.module, &api.title);
        let _ = match enabled.iter().find(|(m, ..)| m == module) {
            Some((_, n, paged)) => writeln!(md, "| [`{module}`](crate::{module}) | {title} | {n} | {paged} |"),
            None => writeln!(md, "| `{module}` | {title} | not enabled in this build | |"),
        };
    }
    md
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

fn read_document(path: &Path, module: &str, hint: &str) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|e| {
        format!(
            "the document of the `{module}` API is missing ({}: {e}): {hint}",
            path.display()
        )
    })
}
