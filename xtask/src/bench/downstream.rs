//! What depending on `spotnana` costs a consumer: a fresh crate built cold with every one of
//! its dependencies (an empty target directory), depending on `spotnana` by path with only
//! `auth`, and with every API; beside a crate that depends only on the runtime's own
//! dependencies (reqwest, serde, tokio, …), which any hand-written client would compile too.
//! The difference is the generator (a build dependency: progenitor, typify, syn, …) and the
//! generated code.

use super::builds::{Build, timed_build};
use crate::paths;
use anyhow::Context;
use std::fmt::Write as _;
use std::path::Path;

/// One downstream crate: what the table calls it and its `[dependencies]`.
struct Downstream {
    label: &'static str,
    dependencies: toml::Table,
}

pub fn table(md: &mut String) -> anyhow::Result<()> {
    let root = paths::workspace_root();
    let client = root.join("generated-client");
    let spotnana = |features: &[&str]| -> toml::Table {
        let mut dependency = toml::Table::new();
        dependency.insert("path".into(), client.display().to_string().into());
        dependency.insert("default-features".into(), false.into());
        dependency.insert(
            "features".into(),
            features
                .iter()
                .map(|f| toml::Value::from(*f))
                .collect::<Vec<_>>()
                .into(),
        );
        toml::Table::from_iter([("spotnana".to_string(), dependency.into())])
    };
    let cases = [
        Downstream {
            label: "the runtime's dependencies only (reference)",
            dependencies: runtime_dependencies()?,
        },
        Downstream {
            label: "`spotnana`, only `auth`",
            dependencies: spotnana(&["auth", "rustls"]),
        },
        Downstream {
            label: "`spotnana`, all APIs",
            dependencies: spotnana(&["all-apis", "rustls"]),
        },
    ];
    let dir = root.join("target/bench/downstream");
    let mut reference = None;
    for (i, case) in cases.iter().enumerate() {
        let krate = dir.join(format!("downstream-{i}"));
        let build = cold_build(&krate, &case.dependencies).with_context(|| case.label)?;
        let reference_secs = *reference.get_or_insert(build.secs());
        println!(
            "downstream, {}: {:.1} s, {:.2} GB",
            case.label,
            build.secs(),
            build.peak_gb()
        );
        let _ = writeln!(
            md,
            "| cold downstream build with every dependency, {} | {:.1} s ({:.1}× the reference), {:.2} GB | |",
            case.label,
            build.secs(),
            build.secs() / reference_secs,
            build.peak_gb()
        );
    }
    Ok(())
}

/// Writes the crate and builds it into an empty target directory of its own.
fn cold_build(krate: &Path, dependencies: &toml::Table) -> anyhow::Result<Build> {
    if krate.exists() {
        std::fs::remove_dir_all(krate)?;
    }
    std::fs::create_dir_all(krate.join("src"))?;
    let mut manifest = toml::Table::new();
    manifest.insert(
        "package".into(),
        toml::Table::from_iter([
            ("name".to_string(), "downstream".into()),
            ("version".to_string(), "0.0.0".into()),
            ("edition".to_string(), "2024".into()),
            ("publish".to_string(), false.into()),
        ])
        .into(),
    );
    manifest.insert("dependencies".into(), dependencies.clone().into());
    // Not a member of this workspace.
    manifest.insert("workspace".into(), toml::Table::new().into());
    std::fs::write(krate.join("Cargo.toml"), toml::to_string(&manifest)?)?;
    std::fs::write(krate.join("src/lib.rs"), "")?;
    // The versions this workspace builds and tests.
    std::fs::copy(paths::workspace_root().join("Cargo.lock"), krate.join("Cargo.lock"))?;
    let manifest_path = krate.join("Cargo.toml").display().to_string();
    timed_build(&["--manifest-path", &manifest_path], &krate.join("target"))
}

/// The `[dependencies]` of `spotnana` itself, workspace entries resolved, optional ones left
/// out, with the default TLS stack: what the generated code and the runtime link against.
fn runtime_dependencies() -> anyhow::Result<toml::Table> {
    let root = paths::workspace_root();
    let read = |path: &Path| -> anyhow::Result<toml::Table> {
        let text = std::fs::read_to_string(path).with_context(|| path.display().to_string())?;
        text.parse().with_context(|| path.display().to_string())
    };
    let workspace = read(&root.join("Cargo.toml"))?;
    let client = read(&root.join("generated-client/Cargo.toml"))?;
    let shared = workspace
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table)
        .context("Cargo.toml: no [workspace.dependencies]")?;
    let own = client
        .get("dependencies")
        .and_then(toml::Value::as_table)
        .context("generated-client/Cargo.toml: no [dependencies]")?;
    let mut dependencies = toml::Table::new();
    for (name, spec) in own {
        if spec.get("optional").and_then(toml::Value::as_bool) == Some(true) {
            continue;
        }
        let mut resolved = match spec.get("workspace").and_then(toml::Value::as_bool) {
            Some(true) => shared
                .get(name)
                .cloned()
                .with_context(|| format!("{name}: not in the workspace"))?,
            _ => spec.clone(),
        };
        if let toml::Value::String(version) = resolved {
            resolved = toml::Table::from_iter([("version".to_string(), version.into())]).into();
        }
        let table = resolved.as_table_mut().context("a dependency that is not a table")?;
        table.remove("path");
        table.remove("workspace");
        if name == "reqwest" {
            // The `rustls` feature of `spotnana`, the default TLS stack.
            let features = table
                .entry("features")
                .or_insert_with(|| toml::Value::Array(Vec::new()));
            if let toml::Value::Array(list) = features {
                list.push("rustls".into());
            }
        }
        dependencies.insert(name.clone(), resolved);
    }
    Ok(dependencies)
}
