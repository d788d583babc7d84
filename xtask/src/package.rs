//! `cargo xtask package`: the publishable `.crate` of `spotnana`, holding the client
//! generated for every API, so that a downstream build needs no generator (progenitor,
//! typify, syn, …), no documents, no network and no xtask.
//!
//! 1. cargo packages the crate as it is in the repository (`--no-verify`), which gives the
//!    manifest with the workspace's settings written in.
//! 2. That package is unpacked into a staging directory, outside any workspace, where the
//!    client of every pinned document is generated into `generated/` (the `common` module
//!    gated by the APIs' features, see `spotnana_codegen::feature_gates`), the build script
//!    becomes `generated-client/packaged/build.rs` (which copies `generated/` to `OUT_DIR`),
//!    and the build dependencies leave the manifest.
//! 3. cargo packages the staging directory, verifying it as before publishing: it builds
//!    the package with the `auth` API.
//!
//! Uncommitted changes are refused as `cargo package` would. Publishing (README.md,
//! "Depending on it"): `cargo xtask package --stage DIR`, then
//! `cargo publish --manifest-path DIR/Cargo.toml`.

use crate::paths;
use anyhow::{Context, bail};
use spotnana_codegen::crate_files::{ApiModule, Gate, api_table, apis_rs};

use spotnana_codegen::runtime_tables;
use std::path::{Path, PathBuf};
use std::process::Command;

#[derive(clap::Args)]
pub struct Args {
    /// Where to put the `.crate` file.
    #[arg(long, default_value = "target/package")]
    pub out: PathBuf,
    /// Package a working tree with uncommitted changes (for tests of the packaging itself).
    #[arg(long)]
    pub allow_dirty: bool,
    /// Stage the package in this directory (new or empty, outside any cargo workspace) and
    /// leave it there, for `cargo publish --manifest-path DIR/Cargo.toml`; by default it is
    /// staged in a temporary directory.
    #[arg(long)]
    pub stage: Option<PathBuf>,
}

const PACKAGE: &str = "spotnana";

pub fn run(spec: &crate::paths::Spec, args: Args) -> anyhow::Result<()> {
    if !args.allow_dirty {
        refuse_uncommitted_changes()?;
    }
    // The package must hold the client of exactly what the lock pins.
    crate::check::run(spec)?;
    let target = target_dir();
    let temporary;
    let stage_root = match &args.stage {
        Some(dir) => {
            if dir.exists() && std::fs::read_dir(dir)?.next().is_some() {
                bail!("{} is not empty: stage the package in a new directory", dir.display());
            }
            std::fs::create_dir_all(dir)?;
            dir.clone()
        }
        None => {
            temporary = tempfile::tempdir().context("creating a staging directory")?;
            temporary.path().to_path_buf()
        }
    };
    let version = crate::release::crate_version(&paths::workspace_root().join("generated-client"))?;
    let wanted = format!("{PACKAGE}-{version}.crate");
    // The build dependency on `spotnana-codegen`, which is not published, resolves only when
    // cargo packages it alongside; its package is left unused.
    let plain = cargo_package(
        &paths::workspace_root(),
        &["-p", "spotnana-codegen", "-p", PACKAGE, "--no-verify"],
        &target,
    )?
    .into_iter()
    .find(|file| file.file_name().is_some_and(|n| *n == *wanted))
    .with_context(|| format!("cargo package made no {wanted}"))?;
    unpack(&plain, &stage_root)?;
    let stem = plain
        .file_stem()
        .and_then(|s| s.to_str())
        .context("the package's file name")?
        .to_string();
    // `--stage DIR` leaves the package itself in DIR.
    let staged = if args.stage.is_some() {
        move_contents_up(&stage_root.join(&stem), &stage_root)?;
        stage_root.clone()
    } else {
        stage_root.join(&stem)
    };
    stage(spec, &staged)?;
    let verified = cargo_package(
        &staged,
        &["--no-default-features", "--features", "auth,rustls"],
        &target,
    )?
    .pop()
    .context("cargo package made no package")?;
    std::fs::create_dir_all(&args.out)?;
    let dest = args.out.join(verified.file_name().context("file name")?);
    std::fs::copy(&verified, &dest).with_context(|| format!("copying to {}", dest.display()))?;
    println!("{}", dest.display());
    if args.stage.is_some() {
        println!("staged in {}", staged.display());
    }
    Ok(())
}

/// Generates every API into `dir/generated/`, puts the packaged build script in place and
/// drops the build dependencies from the manifest.
fn stage(spec: &crate::paths::Spec, dir: &Path) -> anyhow::Result<()> {
    let manifest = spec.load_manifest().map_err(anyhow::Error::msg)?;
    let lock = spec.load_lock().map_err(anyhow::Error::msg)?;
    let mut docs = Vec::new();
    let mut operations = Vec::new();
    let mut pii = runtime_tables::PiiTable::default();
    let mut pins = Vec::new();
    for api in &manifest.api {
        let pinned = paths::read_pinned(spec, &lock, api)?;
        let doc = spotnana_codegen::parse::parse_document(&api.module, &pinned.bytes)?;
        pins.push(pinned.sha256);
        operations.extend(runtime_tables::operations(&api.module, &doc));
        pii.add_document(&doc);
        docs.push((api.module.clone(), doc));
    }
    let set = spotnana_codegen::generate_all_parsed(docs, &spotnana_codegen::Options::default())?;
    let generated = dir.join("generated");
    std::fs::create_dir_all(&generated)?;
    let write = |name: &str, text: &str| {
        let path = generated.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
    };
    write(
        "common.rs",
        &spotnana_codegen::feature_gates::gate_common_by_feature(&set)?,
    )?;
    let mut modules = Vec::new();
    for ((api, (module, code)), sha256) in manifest.api.iter().zip(&set.apis).zip(&pins) {
        write(&format!("{module}.rs"), &code.code)?;
        modules.push(ApiModule { api, sha256 });
    }
    write("apis.rs", &apis_rs(&modules, set.common_types, Gate::ByFeature))?;
    let counts = spotnana_codegen::crate_files::counts(&set);
    write("apis.md", &api_table(&manifest, &counts, Gate::ByFeature))?;
    write("runtime_tables.rs", &runtime_tables::render(&operations, &pii))?;
    let list: String = manifest.api.iter().map(|a| format!("{}\n", a.module)).collect();
    write("apis.txt", &list)?;

    let packaged_build = paths::workspace_root().join("generated-client/packaged/build.rs");
    std::fs::copy(&packaged_build, dir.join("build.rs"))
        .with_context(|| format!("copying {}", packaged_build.display()))?;
    // Files of the first package that the second must not carry over.
    for name in ["Cargo.toml.orig", ".cargo_vcs_info.json", "Cargo.lock"] {
        let _ = std::fs::remove_file(dir.join(name));
    }
    let manifest_path = dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest_path)?;
    let edited = without_build_dependencies(&text)?;
    std::fs::write(&manifest_path, edited)?;
    Ok(())
}

/// Cargo's normalized manifest of the package without its build dependencies and with
/// `generated/` included. Edited as text, keeping the order and comments cargo wrote; the
/// result is checked by parsing it.
fn without_build_dependencies(manifest: &str) -> anyhow::Result<String> {
    let original: toml::Table = toml::from_str(manifest).context("cargo's Cargo.toml does not parse")?;
    let mut include: Vec<String> = original
        .get("package")
        .and_then(|p| p.get("include"))
        .and_then(toml::Value::as_array)
        .map(|list| list.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .context("cargo's Cargo.toml has no package.include")?;
    include.push("/generated/**".into());
    let mut out = String::new();
    let mut skipping = false;
    let mut lines = manifest.lines();
    while let Some(line) = lines.next() {
        if line.starts_with('[') {
            skipping = line.starts_with("[build-dependencies");
        }
        if skipping {
            continue;
        }
        if line.starts_with("include = [") {
            // The list, on this line or over several up to the closing bracket.
            let mut rest = line;
            while !rest.trim_end().ends_with(']') {
                rest = lines.next().context("package.include is not closed")?;
            }
            out.push_str(&format!("include = {}\n", toml::Value::from(include.clone())));
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    let parsed: toml::Table = toml::from_str(&out).context("the edited Cargo.toml does not parse")?;
    let included = parsed.get("package").and_then(|p| p.get("include")) == Some(&toml::Value::from(include));
    if parsed.contains_key("build-dependencies") || !included {
        bail!("could not remove the build dependencies or include generated/ in:\n{manifest}");
    }
    Ok(out)
}

/// Fails naming the files that differ from the last commit.
fn refuse_uncommitted_changes() -> anyhow::Result<()> {
    let output = Command::new("git")
        .args(["status", "--porcelain", "--untracked-files=all", "--", "."])
        .current_dir(paths::workspace_root())
        .output()
        .context("running git status")?;
    if !output.status.success() {
        bail!("git status failed: {}", String::from_utf8_lossy(&output.stderr));
    }
    let changed = String::from_utf8_lossy(&output.stdout);
    if !changed.trim().is_empty() {
        bail!(
            "uncommitted changes would go into the package (commit them, or pass --allow-dirty):\n{}",
            changed.trim_end()
        );
    }
    Ok(())
}

/// The verification builds share the target directory of the downstream tests, kept between
/// runs so that a second packaging rebuilds only the crate.
fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| paths::workspace_root().join("target"), PathBuf::from)
        .join("downstream")
}

/// Runs `cargo package` in `dir` with `args`; returns the `.crate` files it made.
fn cargo_package(dir: &Path, args: &[&str], target: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let package_dir = target.join("package");
    // Only this run's file is looked for below.
    if let Ok(entries) = std::fs::read_dir(&package_dir) {
        for entry in entries.flatten() {
            if entry.path().extension().is_some_and(|e| e == "crate") {
                std::fs::remove_file(entry.path())?;
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(dir)
        .args(["package", "--offline", "--allow-dirty", "--target-dir"])
        .arg(target)
        .args(args)
        // The package is generated from the spec directory checked above, never another.
        .env_remove("SPOTNANA_SPEC_DIR")
        .status()
        .context("running cargo package")?;
    if !status.success() {
        bail!("cargo package failed in {} ({status})", dir.display());
    }
    Ok(std::fs::read_dir(&package_dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "crate"))
        .collect())
}

fn unpack(crate_file: &Path, into: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(crate_file).with_context(|| format!("opening {}", crate_file.display()))?;
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(into)
        .with_context(|| format!("unpacking {}", crate_file.display()))
}

fn move_contents_up(from: &Path, to: &Path) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let path = entry?.path();
        let name = path.file_name().context("file name")?;
        std::fs::rename(&path, to.join(name))?;
    }
    std::fs::remove_dir(from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_build_dependencies_leave_and_generated_comes_in() {
        let manifest = "[package]\nname = \"spotnana\"\nversion = \"0.1.0\"\nbuild = \"build.rs\"\ninclude = [\n    \"/src/**\",\n    \"/build.rs\",\n]\n\n[dependencies.serde]\nversion = \"1\"\n\n[build-dependencies.hex]\nversion = \"0.4\"\n\n[build-dependencies.spotnana-codegen]\nversion = \"0.1.0\"\n\n[features]\nauth = []\n";
        let edited = without_build_dependencies(manifest).unwrap();
        assert_eq!(
            edited,
            "[package]\nname = \"spotnana\"\nversion = \"0.1.0\"\nbuild = \"build.rs\"\ninclude = [\"/src/**\", \"/build.rs\", \"/generated/**\"]\n\n[dependencies.serde]\nversion = \"1\"\n\n[features]\nauth = []\n"
        );
    }

    #[test]
    fn a_manifest_without_an_include_list_is_an_error() {
        let err = without_build_dependencies("[package]\nname = \"spotnana\"\n").unwrap_err();
        assert!(err.to_string().contains("package.include"), "{err}");
    }
}
