//! Writes `type_table.rs`: for every component schema of the pinned documents that the
//! fidelity tests exercise (those with an `example`, every string enum, every `oneOf`), an
//! entry pointing at its generated Rust type, so the tests can feed JSON to the type named
//! by the document. Generated because the list is the documents' (hundreds of types), not
//! ours to keep by hand.

use spotnana_codegen::manifest::Manifest;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let manifest_path = root.join("spec/apis.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    let manifest = Manifest::load(&manifest_path).unwrap_or_else(|e| panic!("{e}"));
    let mut table = String::from("static TYPES: &[Entry] = &[\n");
    for api in &manifest.api {
        let path = root.join("spec/cache").join(api.cache_file());
        println!("cargo::rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): run `SPOTNANA_PORTAL=../shared/portal/2026-07-21 cargo xtask pull` first",
                path.display()
            )
        });
        let doc: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(|s| s.as_object())
            .unwrap_or_else(|| panic!("{}: no components/schemas", path.display()));
        for (name, schema) in schemas {
            let exercised = schema.get("example").is_some()
                || schema.get("enum").is_some() && schema.get("type").and_then(|t| t.as_str()) == Some("string")
                || schema.get("oneOf").is_some();
            if !exercised {
                continue;
            }
            let ty = format!(
                "spotnana::{}::types::{}",
                api.module,
                spotnana_codegen::sanitize_type_name(name)
            );
            writeln!(
                table,
                "    Entry {{ module: {:?}, schema: {name:?}, round_trip: round_trip::<{ty}>, variant: variant_of::<{ty}> }},",
                api.module
            )
            .unwrap();
        }
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("type_table.rs");
    std::fs::write(out, table).unwrap();
}
