//! `cargo xtask semver-check OLD NEW`: the spec diff's Rust verdicts against an independent
//! judge. The diff says what a schema change does to the generated code by its own rules;
//! cargo-semver-checks compares the public API of the two generated clients themselves
//! (through rustdoc JSON). A change the diff calls compatible that semver-checks finds
//! breaking would ship a semver-compatible release that breaks users' builds.
//!
//! Each side is built as the `spotnana` crate of a spec directory of its own
//! (`SPOTNANA_SPEC_DIR`: the workspace's manifest and lock, with the side's documents), into
//! its own target directory under `target/semver/`; rustdoc JSON needs
//! `RUSTC_BOOTSTRAP=1` on a stable toolchain, as cargo-semver-checks itself does.
//! `--as module=feature` builds documents of APIs the crate has no feature for (test
//! fixtures) as one of its APIs.
//!
//! The two judges agree when both find a breaking change or neither does; the breaking
//! bump is all that decides the version (release.rs). A disagreement is listed and exits 1.

use crate::diff::{self, Loaded};
use crate::fetch::Patience;
use crate::paths::{self, Spec};
use crate::release::Change;
use anyhow::{Context, bail};
use spotnana_codegen::manifest::{LockedApi, Manifest};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The cargo-semver-checks release CI installs (`cargo install --locked --version`).
pub const SEMVER_CHECKS_VERSION: &str = "0.51.0";

#[derive(clap::Args)]
pub struct Args {
    /// The old documents: a portal base (directory or http(s) URL) or `cache`.
    pub old: String,
    /// The new documents: a portal base (directory or http(s) URL) or `cache`.
    pub new: String,
    /// Build a manifest API's documents as one of the crate's APIs (`things=auth`).
    #[arg(long = "as", value_parser = parse_stand_in)]
    pub stand_in: Vec<(String, String)>,
    /// Write the report (markdown) here as well as to standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub patience: Patience,
}

fn parse_stand_in(text: &str) -> Result<(String, String), String> {
    let (module, feature) = text
        .split_once('=')
        .ok_or_else(|| format!("{text:?}: expected module=feature"))?;
    Ok((module.to_string(), feature.to_string()))
}

/// What cargo-semver-checks found.
#[derive(Debug, Default)]
struct Judgement {
    /// `(lint, places)` of each failed check.
    failures: Vec<(String, Vec<String>)>,
    /// `(lint, places)` of each warning (lints that do not decide the version).
    warnings: Vec<(String, Vec<String>)>,
    /// Its summary line, e.g. `semver requires new major version: 4 major and 0 minor checks failed`.
    summary: String,
}

impl Judgement {
    /// Whether a check that calls for a breaking release failed (cargo-semver-checks calls
    /// it "major" for 0.y versions too, where Cargo's breaking bump is the minor one).
    fn breaking(&self) -> bool {
        self.summary.contains("requires new major version")
    }
}

pub fn run(spec: &Spec, args: Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let old = diff::load(spec, &manifest, &args.old, args.patience.portal(&args.old))?;
    let new = diff::load(spec, &manifest, &args.new, args.patience.portal(&args.new))?;
    let report = diff::diff_sets(
        &old.iter().map(Loaded::document).collect::<Vec<_>>(),
        &new.iter().map(Loaded::document).collect::<Vec<_>>(),
    );
    let ours = Change::of(&report);

    let features: Vec<String> = manifest
        .api
        .iter()
        .map(|api| feature_of(&api.module, &args.stand_in))
        .collect();
    let root = paths::workspace_root().join("target/semver");
    // One target directory for both sides: switching SPOTNANA_SPEC_DIR rebuilds `spotnana`
    // alone, its dependencies stay built.
    let target = root.join("target");
    let mut rustdoc = Vec::new();
    for (side, loaded) in [("old", &old), ("new", &new)] {
        let dir = root.join(side);
        let spec_dir = write_spec(&dir.join("spec"), loaded, &args.stand_in)?;
        let json = build_rustdoc(&spec_dir, &target, &features).with_context(|| format!("{side} side"))?;
        let kept = dir.join("spotnana.json");
        std::fs::copy(&json, &kept).with_context(|| json.display().to_string())?;
        rustdoc.push(kept);
    }
    let judged = judge(&rustdoc[0], &rustdoc[1])?;

    let agree = (ours == Change::Breaking) == judged.breaking();
    let mut md = String::from("# Semver cross-check\n\n");
    let _ = writeln!(
        md,
        "Old: `{}`. New: `{}`. Features: `{}`.\n",
        args.old,
        args.new,
        features.join(",")
    );
    let _ = writeln!(
        md,
        "- spec diff: {} ({} findings, {} breaking in Rust)",
        match ours {
            Change::Breaking => "breaking",
            Change::Addition => "compatible (additions)",
            Change::Documentation => "compatible (descriptions only)",
            Change::None => "no change",
        },
        report.findings().count(),
        report
            .findings()
            .filter(|f| f.rust != diff::Verdict::NonBreaking)
            .count()
    );
    let _ = writeln!(
        md,
        "- cargo-semver-checks {SEMVER_CHECKS_VERSION}: {} ({})",
        if judged.breaking() { "breaking" } else { "compatible" },
        judged.summary
    );
    let _ = writeln!(
        md,
        "- verdict: **{}**",
        if agree { "the two judges agree" } else { "DISAGREEMENT" }
    );
    if !judged.failures.is_empty() {
        let _ = writeln!(md, "\n## Checks that failed\n");
        for (lint, places) in &judged.failures {
            let _ = writeln!(md, "- `{lint}`: {}", places.join("; "));
        }
    }
    if !judged.warnings.is_empty() {
        let _ = writeln!(
            md,
            "\n## Warnings (they do not decide the version; see the diff's docs on each)\n"
        );
        for (lint, places) in &judged.warnings {
            let _ = writeln!(md, "- `{lint}`: {}", places.join("; "));
        }
    }
    let breaking: Vec<&diff::Finding> = report
        .findings()
        .filter(|f| f.rust != diff::Verdict::NonBreaking)
        .collect();
    if !breaking.is_empty() {
        let _ = writeln!(md, "\n## Rust-breaking findings of the spec diff\n");
        for f in breaking {
            let _ = writeln!(md, "- `{}`: {}", f.id, f.rust_items.join(", "));
        }
    }
    let _ = writeln!(md, "\nTook {:.0} s.", started.elapsed().as_secs_f64());
    print!("{md}");
    if let Some(out) = &args.out {
        std::fs::write(out, &md).with_context(|| out.display().to_string())?;
    }
    if !agree {
        return Err(crate::findings::Findings(format!(
            "the spec diff calls the change {}, cargo-semver-checks {}",
            if ours == Change::Breaking {
                "breaking"
            } else {
                "compatible"
            },
            if judged.breaking() { "breaking" } else { "compatible" }
        ))
        .into());
    }
    Ok(())
}

fn feature_of(module: &str, stand_in: &[(String, String)]) -> String {
    stand_in
        .iter()
        .find(|(m, _)| m == module)
        .map_or_else(|| module.to_string(), |(_, f)| f.clone())
}

/// A spec directory for one side: the workspace's manifest and lock, each document of the
/// side written under its module (or the module it stands in for) and pinned in the lock.
fn write_spec(dir: &Path, loaded: &[Loaded], stand_in: &[(String, String)]) -> anyhow::Result<PathBuf> {
    let workspace = paths::spec(None);
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    let side = Spec::new(dir);
    std::fs::create_dir_all(dir)?;
    std::fs::copy(workspace.manifest(), side.manifest())?;
    let manifest = workspace.load_manifest().map_err(anyhow::Error::msg)?;
    let mut lock = workspace.load_lock().map_err(anyhow::Error::msg)?;
    let mut documents = Vec::new();
    for doc in loaded {
        let module = feature_of(&doc.module, stand_in);
        let api = manifest
            .api
            .iter()
            .find(|a| a.module == module)
            .with_context(|| format!("{module}: not an API of the crate (use --as {module}=<api>)"))?;
        documents.push((api, doc.bytes.as_slice()));
        let pinned = LockedApi {
            module: module.clone(),
            url: crate::pull::published_url(&api.path),
            sha256: doc.sha256.clone(),
            size: doc.bytes.len() as u64,
            pulled_at: String::new(),
        };
        match lock.api.iter_mut().find(|l| l.module == module) {
            Some(l) => *l = pinned,
            None => lock.api.push(pinned),
        }
    }
    side.replace(&documents, &lock).map_err(anyhow::Error::msg)?;
    Ok(dir.to_path_buf())
}

/// `spotnana`'s rustdoc JSON, built from `spec_dir` with `features`.
fn build_rustdoc(spec_dir: &Path, target: &Path, features: &[String]) -> anyhow::Result<PathBuf> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args([
            "rustdoc",
            "--quiet",
            "-p",
            "spotnana",
            "--lib",
            "--no-default-features",
            "--features",
        ])
        .arg(features.join(","))
        .arg("--target-dir")
        .arg(target)
        .args(["--", "-Zunstable-options", "--output-format", "json"])
        .env("RUSTC_BOOTSTRAP", "1")
        .env("SPOTNANA_SPEC_DIR", spec_dir)
        .current_dir(paths::workspace_root())
        .status()
        .context("running cargo rustdoc")?;
    if !status.success() {
        bail!(
            "cargo rustdoc of `spotnana` from {} failed ({status})",
            spec_dir.display()
        );
    }
    Ok(target.join("doc/spotnana.json"))
}

/// Runs cargo-semver-checks on two rustdoc JSON files and reads its findings.
fn judge(old: &Path, new: &Path) -> anyhow::Result<Judgement> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["semver-checks", "--color", "never", "--baseline-rustdoc"])
        .arg(old)
        .arg("--current-rustdoc")
        .arg(new)
        .output()
        .context("running cargo semver-checks")?;
    // A blank line between the two streams ends a list of places at the end of stdout.
    let text = format!(
        "{}\n\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    if text.contains("no such command") || text.contains("no such subcommand") {
        bail!(
            "cargo-semver-checks is not installed: `cargo install cargo-semver-checks --locked --version {SEMVER_CHECKS_VERSION}`"
        );
    }
    let judged = parse(&text);
    if judged.summary.is_empty() {
        bail!("cargo semver-checks gave no summary ({}):\n{text}", output.status);
    }
    Ok(judged)
}

/// Reads cargo-semver-checks' text output: `--- failure <lint>: … ---` and
/// `--- warning <lint>: … ---` blocks with their `Failed in:` places, and the `Summary` line.
/// Places name the generated files by their path in the build directory: only the file name
/// is kept.
fn parse(text: &str) -> Judgement {
    let mut judged = Judgement::default();
    // Which list the block being read goes to.
    let mut current: Option<bool> = None;
    let mut in_places = false;
    for line in text.lines() {
        let trimmed = line.trim();
        let block = |rest: &str| rest.split(':').next().unwrap_or(rest).trim().to_string();
        if let Some(rest) = trimmed.strip_prefix("--- failure ") {
            judged.failures.push((block(rest), Vec::new()));
            (current, in_places) = (Some(true), false);
        } else if let Some(rest) = trimmed.strip_prefix("--- warning ") {
            judged.warnings.push((block(rest), Vec::new()));
            (current, in_places) = (Some(false), false);
        } else if trimmed.starts_with("Failed in:") {
            in_places = true;
        } else if let Some(rest) = trimmed.strip_prefix("Summary ") {
            judged.summary = rest.trim().to_string();
            (current, in_places) = (None, false);
        } else if trimmed.is_empty() {
            in_places = false;
        } else if in_places {
            let list = match current {
                Some(true) => judged.failures.last_mut(),
                Some(false) => judged.warnings.last_mut(),
                None => None,
            };
            if let Some((_, places)) = list {
                // The same place is listed once per way it is reached (a re-export).
                let place = short_paths(trimmed);
                if !places.contains(&place) {
                    places.push(place);
                }
            }
        }
    }
    judged
}

/// `place` with each path shortened to its file name (`…/out/auth.rs:45` → `auth.rs:45`).
fn short_paths(place: &str) -> String {
    place
        .split(' ')
        .map(|word| match word.rfind('/') {
            Some(at) if word.starts_with('/') => &word[at + 1..],
            _ => word,
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text of cargo-semver-checks 0.51.0 on a breaking release (abridged).
    const OUTPUT: &str = "    Checking <unknown> v0.1.0 -> v0.1.0 (no change; assume minor)
     Checked [   0.033s] 202 checks: 197 pass, 2 fail, 1 warn, 58 skip

--- failure inherent_method_missing: pub method removed or renamed ---

Description:
A publicly-visible method or associated fn is no longer available under its prior name.
        ref: https://doc.rust-lang.org/cargo/reference/semver.html#item-remove

Failed in:
  Client::list_things, previously in file /t/debug/build/spotnana-1/out/auth.rs:523

--- failure struct_pub_field_missing: pub struct's pub field removed or renamed ---

Failed in:
  field color of struct Thing, previously in file /t/out/auth.rs:45

--- warning partial_ord_enum_variants_reordered: enum variants reordered in #[derive(PartialOrd)] enum ---

Failed in:
  Color::Unrecognized moved from position 4 to 5, in /t/out/auth.rs:20

     Summary semver requires new major version: 2 major and 0 minor checks failed
     Warning produced 1 major and 0 minor level warnings
";

    #[test]
    fn failures_warnings_and_the_summary_are_read() {
        let judged = parse(OUTPUT);
        assert!(judged.breaking());
        assert_eq!(
            judged.failures,
            [
                (
                    "inherent_method_missing".to_string(),
                    vec!["Client::list_things, previously in file auth.rs:523".to_string()]
                ),
                (
                    "struct_pub_field_missing".to_string(),
                    vec!["field color of struct Thing, previously in file auth.rs:45".to_string()]
                ),
            ]
        );
        assert_eq!(judged.warnings.len(), 1);
        assert_eq!(
            judged.warnings[0].1,
            ["Color::Unrecognized moved from position 4 to 5, in auth.rs:20"]
        );
        let compatible = parse("     Summary no semver update required\n");
        assert!(!compatible.breaking());
        assert!(parse("").summary.is_empty());
    }
}
