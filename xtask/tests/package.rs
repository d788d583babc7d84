//! `cargo xtask package` gives crates a downstream project builds offline, outside this
//! workspace, with only the `auth` feature and without the xtask or the spec cache.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn unpack(crate_file: &Path, into: &Path) {
    let file = std::fs::File::open(crate_file).unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(into)
        .unwrap();
}

#[test]
fn packaged_spotnana_builds_offline_outside_the_workspace() {
    let root = workspace_root();
    let cache = root.join("spec/cache/auth.json");
    assert!(
        cache.exists(),
        "{} is missing: run `cargo xtask pull` first",
        cache.display()
    );

    let scratch = tempfile::tempdir().unwrap();
    let out = scratch.path().join("crates");
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("package")
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "cargo xtask package failed");
    assert!(
        !root.join("generated-client/bundled-spec").exists(),
        "the bundle must be removed after packaging"
    );

    let unpacked = scratch.path().join("unpacked");
    for name in ["spotnana-codegen-0.1.0", "spotnana-0.1.0"] {
        unpack(&out.join(format!("{name}.crate")), &unpacked);
    }
    let spotnana = unpacked.join("spotnana-0.1.0");
    assert!(
        spotnana.join("bundled-spec/auth.json").exists(),
        "the documents travel inside the package"
    );
    assert!(spotnana.join("bundled-spec/lock.toml").exists());

    // A throwaway downstream crate, far from the workspace (no ../spec to fall back on).
    let app = scratch.path().join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            r#"[package]
name = "throwaway"
version = "0.0.0"
edition = "2024"

[dependencies]
spotnana = {{ path = "{}", default-features = false, features = ["auth"] }}

[patch.crates-io]
spotnana-codegen = {{ path = "{}" }}

[workspace]
"#,
            spotnana.display(),
            unpacked.join("spotnana-codegen-0.1.0").display()
        ),
    )
    .unwrap();
    std::fs::write(
        app.join("src/main.rs"),
        "fn main() {\n    let s = spotnana::Spotnana::new(spotnana::SANDBOX_URL, Default::default());\n    let _auth: spotnana::auth::Client = s.auth();\n}\n",
    )
    .unwrap();
    // Reuse a persistent target dir so reruns only rebuild the two crates.
    let target = root.join("target/package-test");
    let output = Command::new(env!("CARGO"))
        .args(["build", "--offline", "--target-dir"])
        .arg(&target)
        .current_dir(&app)
        .env_remove("SPOTNANA_PORTAL")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "downstream build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
