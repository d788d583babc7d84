//! `cargo xtask package` gives a crate a downstream project builds offline, outside this
//! workspace, with only the `auth` feature, and without a generator, the documents, the
//! xtask or the spec cache.

mod common;

use common::{downstream_target, text, workspace_root};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs `cargo xtask package` into `scratch` and unpacks the crate; returns its directory.
fn package_and_unpack(scratch: &Path) -> PathBuf {
    let root = workspace_root();
    let cache = root.join("spec/cache/auth.json");
    assert!(
        cache.exists(),
        "{} is missing: run `cargo xtask pull --frozen` first",
        cache.display()
    );
    let out = scratch.join("crates");
    // The tests edit the working tree as they run (reports, goldens): package it as it is.
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["package", "--allow-dirty"])
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "cargo xtask package failed");
    let crates: Vec<PathBuf> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(crates.len(), 1, "one package: {crates:?}");
    let unpacked = scratch.join("unpacked");
    let file = std::fs::File::open(&crates[0]).unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(&unpacked)
        .unwrap();
    let stem = crates[0].file_stem().unwrap().to_str().unwrap().to_string();
    unpacked.join(stem)
}

/// `cargo <args> --offline` in a throwaway crate far from the workspace (no ../spec to fall
/// back on) depending on the unpacked package with only the `auth` feature.
fn downstream(scratch: &Path, package: &Path, main_rs: &str, args: &[&str]) -> std::process::Output {
    let app = scratch.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            "[package]\nname = \"throwaway\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nspotnana = {{ path = \"{}\", default-features = false, features = [\"auth\"] }}\n\n\
             [workspace]\n",
            package.display()
        ),
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), main_rs).unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), app.join("Cargo.lock")).unwrap();
    let target = downstream_target();
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args).arg("--offline");
    if args[0] != "tree" {
        cmd.arg("--target-dir").arg(&target);
    }
    cmd.current_dir(&app)
        .env_remove("SPOTNANA_PORTAL")
        .env_remove("SPOTNANA_SPEC_DIR")
        .output()
        .unwrap()
}

#[test]
fn the_package_builds_offline_outside_the_workspace_without_a_generator() {
    let scratch = tempfile::tempdir().unwrap();
    let package = package_and_unpack(scratch.path());
    for module in ["common", "auth", "trip", "apis"] {
        assert!(
            package.join(format!("generated/{module}.rs")).exists(),
            "the generated {module} travels inside the package"
        );
    }
    let manifest = std::fs::read_to_string(package.join("Cargo.toml")).unwrap();
    assert!(!manifest.contains("build-dependencies"), "{manifest}");
    let mut dirs = vec![package.clone()];
    while let Some(dir) = dirs.pop() {
        for path in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            assert!(
                path.extension().is_none_or(|e| e != "json"),
                "a document in the package: {}",
                path.display()
            );
            if path.is_dir() {
                dirs.push(path);
            }
        }
    }

    let main = "fn main() {\n    let s = spotnana::Spotnana::new(spotnana::SANDBOX_URL, Default::default());\n    let _auth: spotnana::auth::Client = s.auth();\n}\n";
    let built = downstream(scratch.path(), &package, main, &["build"]);
    assert!(
        built.status.success(),
        "downstream build failed:\n{}",
        text(&built.stderr)
    );

    // Nothing of the generator is built: not even as a build dependency.
    let tree = downstream(
        scratch.path(),
        &package,
        main,
        &["tree", "--edges", "normal,build", "--prefix", "none"],
    );
    assert!(tree.status.success(), "{}", text(&tree.stderr));
    let shown = text(&tree.stdout);
    assert!(shown.contains("spotnana v"), "{shown}");
    for generator in [
        "spotnana-codegen",
        "progenitor-impl",
        "typify-impl",
        "openapiv3",
        "prettyplease",
    ] {
        assert!(!shown.contains(generator), "{generator} is in the graph:\n{shown}");
    }
}
