//! Shared helpers: where the workspace keeps its pinned documents.
#![allow(dead_code)]

pub mod json;
pub mod sampler;

use spotnana_codegen::manifest::{Api, Lock, Manifest};
use spotnana_codegen::spec_dir::SpecDir;
use std::path::PathBuf;

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

pub fn manifest() -> Manifest {
    spec().load_manifest().expect("spec/apis.toml")
}

/// The client generated from every tracked document, as the build script generates it.
pub fn generate_tracked() -> spotnana_codegen::GeneratedSet {
    let docs: Vec<(String, Vec<u8>)> = manifest()
        .api
        .iter()
        .map(|api| (api.module.clone(), document(api)))
        .collect();
    let inputs: Vec<(&str, &[u8])> = docs.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
    spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default()).unwrap()
}

pub fn lock() -> Lock {
    spec().load_lock().expect("spec/lock.toml")
}

/// The spec directory of the workspace: manifest, lock and the pinned documents.
pub fn spec() -> SpecDir {
    SpecDir::new(workspace_root().join("spec"))
}

/// The cached document of an API, held against the lock. Fails loudly (never skips) when the
/// cache is empty or stale.
pub fn document(api: &Api) -> Vec<u8> {
    spec().read_pinned(&lock(), api).map(|p| p.bytes).unwrap_or_else(|e| {
        panic!(
            "{e}: these tests need the pinned documents; run `cargo xtask pull --frozen` first \
             (SPOTNANA_PORTAL sets where from)"
        )
    })
}

/// An independent reader of a schema of a document: a JSON Schema 2020-12 validator (the
/// `jsonschema` crate) for `schema`, whose `$ref`s point into the document's `components`.
/// `formats`: check `format`s too, as Prism's ajv does.
pub fn validator(
    schema: &serde_json::Value,
    components: &serde_json::Value,
    formats: bool,
) -> Result<jsonschema::Validator, jsonschema::ValidationError<'static>> {
    let root = serde_json::json!({"allOf": [schema], "components": components});
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .should_validate_formats(formats)
        .build(&root)
}
