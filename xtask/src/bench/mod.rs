//! `cargo xtask bench`: the speed and size figures of BENCHMARKS.md.
//!
//! Measured on the cached documents: generation time (all fix-ups included), generated
//! lines and types, cold debug build time and peak memory of `spotnana` with all features
//! and with only `auth`, and the no-op rebuild time. Peak memory is the largest process's
//! maximum resident set size as GNU time reports it (rustc, in practice).

use crate::paths;
use anyhow::{Context, bail};
use spotnana_codegen::manifest::Manifest;
use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Only measure generation (skip the builds, which take minutes).
    #[arg(long)]
    generation_only: bool,
    /// Where to write the results.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: std::path::PathBuf,
}

/// The plain-progenitor figures this workspace is measured against (issue: codegen core).
const BASELINE_BUILD_SECS: f64 = 105.0;
const BASELINE_PEAK_GB: f64 = 3.75;

pub fn run(spec: &crate::paths::Spec, args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let docs = manifest
        .api
        .iter()
        .map(|api| Ok((api.module.clone(), spec.read_cached(api)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;

    // Generation: best of 5 runs over all nine documents.
    let mut best = Duration::MAX;
    let mut lines = 0;
    let mut types = 0;
    let mut components = (0, 0, 0);
    let mut inline = 0;
    // Rust names of every component schema (a renumbered one is also known by its plain name).
    let mut component_names = std::collections::BTreeSet::new();
    for (_, bytes) in &docs {
        let doc: serde_json::Value = serde_json::from_slice(bytes)?;
        for name in doc["components"]["schemas"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(n, _)| n)
        {
            component_names.insert(spotnana_codegen::sanitize_type_name(name));
            let plain = name.trim_end_matches(|c: char| c.is_ascii_digit());
            component_names.insert(spotnana_codegen::sanitize_type_name(plain));
        }
    }
    for _ in 0..5 {
        let start = Instant::now();
        let mut l = 0;
        let mut t = 0;
        let inputs: Vec<(&str, &[u8])> = docs.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
        let set = spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default())?;
        let mut i = 0;
        for code in std::iter::once(&set.common).chain(set.apis.iter().map(|(_, g)| &g.code)) {
            l += code.lines().count();
            t += code.lines().filter_map(type_definition_name).count();
            // Types typify derived from inline schemas: named after no component.
            i += code
                .lines()
                .filter_map(type_definition_name)
                .filter(|name| !component_names.contains(name))
                .count();
        }
        inline = i;
        best = best.min(start.elapsed());
        components = (
            set.apis.iter().map(|(_, g)| g.components).sum::<usize>(),
            set.component_types(),
            set.common_types,
        );
        lines = l;
        types = t;
    }
    let mut md = String::new();
    let _ = writeln!(md, "# Benchmarks\n");
    let _ = writeln!(
        md,
        "Written by `cargo xtask bench` on {} ({} cores). Documents: the nine of `spec/lock.toml`.\n",
        chrono::Utc::now().format("%Y-%m-%d"),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    );
    let _ = writeln!(md, "| figure | value | target |\n| --- | --- | --- |");
    let _ = writeln!(
        md,
        "| generation, all nine documents (best of 5, {} build of xtask) | {:.2} s | < 2 s |",
        if cfg!(debug_assertions) { "debug" } else { "release" },
        best.as_secs_f64()
    );
    let _ = writeln!(md, "| generated lines | {lines} | |");
    let (definitions, component_types, common_types) = components;
    let _ = writeln!(
        md,
        "| Rust types for component schemas ({definitions} definitions; {common_types} shared in `common`) | {component_types} | ≤ 1,675 (distinct schemas) |"
    );
    let _ = writeln!(
        md,
        "| generated types (struct + enum, inline schemas included) | {types} | |"
    );
    let _ = writeln!(
        md,
        "| of which derived from inline schemas (named after no component) | {inline} | |"
    );
    println!(
        "generation: {:.2} s; {lines} lines; {types} types ({inline} from inline schemas); {} component types",
        best.as_secs_f64(),
        components.1
    );

    if !args.generation_only {
        let target = paths::workspace_root().join("target/bench");
        for (label, features) in [("all features", "--all-features"), ("only `auth`", "--features=auth")] {
            // Warm the dependencies, then rebuild only the crate itself.
            cargo_build(&target, features)?;
            clean_crate(&target)?;
            let (cold, peak_kb) = cargo_build(&target, features)?;
            let (noop, _) = cargo_build(&target, features)?;
            let peak_gb = peak_kb as f64 / 1024.0 / 1024.0;
            println!(
                "{label}: cold {:.1} s, peak {peak_gb:.2} GB, no-op {:.2} s",
                cold.as_secs_f64(),
                noop.as_secs_f64()
            );
            let ratio = cold.as_secs_f64() / BASELINE_BUILD_SECS * 100.0;
            let _ = writeln!(
                md,
                "| cold debug build of `spotnana`, {label} | {:.1} s ({ratio:.0} % of plain progenitor's {BASELINE_BUILD_SECS:.0} s) | ≤ 70 % |",
                cold.as_secs_f64()
            );
            let _ = writeln!(
                md,
                "| peak memory of that build, {label} | {peak_gb:.2} GB (plain progenitor: {BASELINE_PEAK_GB} GB) | < 4 GB |"
            );
            let _ = writeln!(md, "| no-op rebuild, {label} | {:.2} s | < 1 s |", noop.as_secs_f64());
        }
    }
    std::fs::write(&args.out, md)?;
    println!("written to {}", args.out.display());
    Ok(())
}

/// The name in a `pub struct X` / `pub enum X` line.
fn type_definition_name(line: &str) -> Option<String> {
    let l = line.trim_start();
    let rest = l.strip_prefix("pub struct ").or_else(|| l.strip_prefix("pub enum "))?;
    Some(
        rest.split(|c: char| !c.is_alphanumeric() && c != '_')
            .next()?
            .to_string(),
    )
}

/// Builds `spotnana` (with `features`) under GNU time; returns wall time and peak RSS in kB.
fn cargo_build(target: &Path, features: &str) -> anyhow::Result<(Duration, u64)> {
    let time = Path::new("/usr/bin/time");
    if !time.exists() {
        bail!("/usr/bin/time (GNU time) is needed to measure peak memory: apt-get install time");
    }
    let report = tempfile::NamedTempFile::new()?;
    let start = Instant::now();
    let status = Command::new(time)
        .arg("-v")
        .arg("-o")
        .arg(report.path())
        .args([
            "cargo",
            "build",
            "--quiet",
            "-p",
            "spotnana",
            "--no-default-features",
            features,
            "--target-dir",
        ])
        .arg(target)
        .current_dir(paths::workspace_root())
        .status()?;
    let elapsed = start.elapsed();
    if !status.success() {
        bail!("cargo build {features} failed");
    }
    let text = std::fs::read_to_string(report.path())?;
    let peak = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok())
        .context("GNU time printed no maximum resident set size")?;
    Ok((elapsed, peak))
}

fn clean_crate(target: &Path) -> anyhow::Result<()> {
    let status = Command::new("cargo")
        .args(["clean", "--quiet", "-p", "spotnana", "--target-dir"])
        .arg(target)
        .current_dir(paths::workspace_root())
        .status()?;
    if !status.success() {
        bail!("cargo clean -p spotnana failed");
    }
    Ok(())
}
