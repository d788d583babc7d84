//! `cargo xtask bench`: the speed and size figures of BENCHMARKS.md.
//!
//! Measured on the cached documents: generation time (all fix-ups included), generated
//! lines and types, cold debug build time and peak memory of `spotnana` with all features
//! and with only `auth`, and the no-op rebuild time; and what depending on the crate costs a
//! fresh downstream crate (`downstream.rs`). Peak memory is the largest process's maximum
//! resident set size as GNU time reports it (rustc, in practice).

mod builds;
mod downstream;

use crate::paths;
use builds::{Build, Crate, median};
use spotnana_codegen::manifest::Manifest;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

#[derive(clap::Args)]
pub struct Args {
    /// Only measure generation (skip the builds, which take minutes).
    #[arg(long)]
    generation_only: bool,
    /// Where to write the results.
    #[arg(long, default_value = "BENCHMARKS.md")]
    out: std::path::PathBuf,
    /// Cold builds of each crate, alternating (the figures are medians).
    #[arg(long, default_value_t = 2)]
    samples: usize,
    /// Skip the downstream builds (each compiles every dependency from nothing).
    #[arg(long)]
    no_downstream: bool,
}

/// The heading above which `cargo xtask bench` rewrites BENCHMARKS.md; what follows it is kept.
const NOTES: &str = "\n## Notes\n";

pub fn run(spec: &crate::paths::Spec, args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let docs = manifest
        .api
        .iter()
        .map(|api| Ok((api.module.clone(), paths::read_cached(spec, api)?)))
        .collect::<anyhow::Result<Vec<_>>>()?;

    // Generation: best of 5 runs over every tracked document.
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
        "Written by `cargo xtask bench` on {} ({} cores). Documents: the {} of `spec/lock.toml`.\n",
        chrono::Utc::now().format("%Y-%m-%d"),
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        docs.len()
    );
    let _ = writeln!(md, "| figure | value | target |\n| --- | --- | --- |");
    let _ = writeln!(
        md,
        "| generation, all {} documents (best of 5, {} build of xtask) | {:.2} s | < 2 s |",
        docs.len(),
        if cfg!(debug_assertions) { "debug" } else { "release" },
        best.as_secs_f64()
    );
    let _ = writeln!(md, "| generated lines | {lines} | |");
    let (definitions, component_types, common_types) = components;
    let _ = writeln!(
        md,
        "| Rust types for component schemas ({definitions} definitions; {common_types} shared in `common`) | {component_types} | ≤ one per distinct schema (tested) |"
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
        builds_table(&mut md, &docs, args.samples)?;
        if !args.no_downstream {
            downstream::table(&mut md, spec)?;
        }
    }
    // Notes written by hand below the table are kept.
    if let Ok(old) = std::fs::read_to_string(&args.out)
        && let Some(at) = old.find(NOTES)
    {
        md.push_str(&old[at..]);
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

/// Cold builds of this client and of plain progenitor on the same documents, alternating in
/// one run; then this client's no-op rebuild and two single-API builds.
fn builds_table(md: &mut String, docs: &[(String, Vec<u8>)], samples: usize) -> anyhow::Result<()> {
    let target = paths::workspace_root().join("target/bench");
    let plain = Crate::Plain {
        manifest: builds::write_plain_crate(&target.join("plain-progenitor"), docs)?,
    };
    let all = Crate::Spotnana {
        features: "--features=all-apis,rustls".into(),
    };
    // Dependencies first, so that the cold builds rebuild only the crates themselves.
    all.build(&target)?;
    plain.build(&target)?;
    let mut ours: Vec<Build> = Vec::new();
    let mut theirs: Vec<Build> = Vec::new();
    for sample in 1..=samples.max(1) {
        ours.push(all.cold(&target)?);
        theirs.push(plain.cold(&target)?);
        println!(
            "sample {sample}: this client {:.1} s ({:.2} GB), plain progenitor {:.1} s ({:.2} GB)",
            ours[sample - 1].secs(),
            ours[sample - 1].peak_gb(),
            theirs[sample - 1].secs(),
            theirs[sample - 1].peak_gb()
        );
    }
    let noop = all.build(&target)?;
    let (a, b) = (
        median(ours.iter().map(Build::secs).collect()),
        median(theirs.iter().map(Build::secs).collect()),
    );
    let peak = |builds: &[Build]| builds.iter().map(Build::peak_gb).fold(0.0, f64::max);
    let list = |builds: &[Build]| {
        builds
            .iter()
            .map(|b| format!("{:.1}", b.secs()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let ratios = ours
        .iter()
        .zip(&theirs)
        .map(|(a, b)| format!("{:.0} %", 100.0 * a.secs() / b.secs()))
        .collect::<Vec<_>>()
        .join(", ");
    let _ = writeln!(
        md,
        "| cold debug build, all APIs: this client (median of {}: {} s) | {a:.1} s | |",
        ours.len(),
        list(&ours)
    );
    let _ = writeln!(
        md,
        "| cold debug build, all APIs: plain progenitor, same run (median of {}: {} s) | {b:.1} s | |",
        theirs.len(),
        list(&theirs)
    );
    let _ = writeln!(
        md,
        "| this client / plain progenitor (medians; pair by pair: {ratios}) | {:.0} % | ≤ 70 % |",
        100.0 * a / b
    );
    let _ = writeln!(
        md,
        "| peak memory, all APIs: this client | {:.2} GB | ≤ 3 GB |",
        peak(&ours)
    );
    let _ = writeln!(
        md,
        "| peak memory, all APIs: plain progenitor | {:.2} GB | |",
        peak(&theirs)
    );
    let _ = writeln!(md, "| no-op rebuild, all APIs | {:.2} s | ≤ 1 s |", noop.secs());
    for feature in ["auth", "trip"] {
        let one = Crate::Spotnana {
            features: format!("--features={feature},rustls"),
        };
        one.build(&target)?;
        let cold = one.cold(&target)?;
        let _ = writeln!(
            md,
            "| cold debug build, only `{feature}`: this client | {:.1} s, {:.2} GB | |",
            cold.secs(),
            cold.peak_gb()
        );
    }
    println!(
        "all APIs: this client {a:.1} s, plain progenitor {b:.1} s ({:.0} %)",
        100.0 * a / b
    );
    Ok(())
}
