//! The build figures: this client and plain progenitor, cold, in one run, alternating.
//!
//! "Cold" rebuilds one crate (its build script included) after `cargo clean -p`, with its
//! dependencies already built, in `target/bench`. This client's build script generates its
//! code (about two seconds); plain progenitor's code is generated beforehand, so the
//! comparison counts generation against this client only. The two crates are built in turn, A B A B,
//! so that a machine whose speed drifts during the run slows both alike; the figures are the
//! medians. Peak memory is the largest process's maximum resident set size as GNU time
//! reports it (rustc, in practice).

use crate::paths;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// One cold build: wall time and peak memory.
#[derive(Debug, Clone, Copy)]
pub struct Build {
    pub time: Duration,
    pub peak_kb: u64,
}

impl Build {
    pub fn secs(&self) -> f64 {
        self.time.as_secs_f64()
    }

    pub fn peak_gb(&self) -> f64 {
        self.peak_kb as f64 / 1024.0 / 1024.0
    }
}

/// What to build: `spotnana` with some features, or the plain-progenitor crate.
#[derive(Debug, Clone)]
pub enum Crate {
    Spotnana { features: String },
    Plain { manifest: PathBuf },
}

impl Crate {
    fn build_args(&self) -> Vec<String> {
        match self {
            Crate::Spotnana { features } => vec![
                "-p".into(),
                "spotnana".into(),
                "--no-default-features".into(),
                features.clone(),
            ],
            Crate::Plain { manifest } => vec!["--manifest-path".into(), manifest.display().to_string()],
        }
    }

    fn clean_args(&self) -> Vec<String> {
        match self {
            Crate::Spotnana { .. } => vec!["-p".into(), "spotnana".into()],
            Crate::Plain { manifest } => vec![
                "-p".into(),
                "plain-progenitor".into(),
                "--manifest-path".into(),
                manifest.display().to_string(),
            ],
        }
    }

    /// Builds under GNU time.
    pub fn build(&self, target: &Path) -> anyhow::Result<Build> {
        let args = self.build_args();
        timed_build(&args.iter().map(String::as_str).collect::<Vec<_>>(), target)
    }

    /// Removes the crate's own build outputs (not its dependencies').
    pub fn clean(&self, target: &Path) -> anyhow::Result<()> {
        let status = Command::new("cargo")
            .args(["clean", "--quiet"])
            .args(self.clean_args())
            .arg("--target-dir")
            .arg(target)
            .current_dir(paths::workspace_root())
            .status()?;
        if !status.success() {
            bail!("cargo clean {:?} failed", self.clean_args());
        }
        Ok(())
    }

    /// A cold build: clean, then build.
    pub fn cold(&self, target: &Path) -> anyhow::Result<Build> {
        self.clean(target)?;
        self.build(target)
    }
}

/// `cargo build --quiet <args> --target-dir <target>` in the workspace, under GNU time: the
/// wall time and the largest process's peak resident memory.
pub fn timed_build(args: &[&str], target: &Path) -> anyhow::Result<Build> {
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
        .args(["cargo", "build", "--quiet"])
        .args(args)
        .arg("--target-dir")
        .arg(target)
        .current_dir(paths::workspace_root())
        .status()?;
    let elapsed = start.elapsed();
    if !status.success() {
        bail!("cargo build {args:?} failed");
    }
    let text = std::fs::read_to_string(report.path())?;
    let peak_kb = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .and_then(|v| v.trim().parse().ok())
        .context("GNU time printed no maximum resident set size")?;
    Ok(Build { time: elapsed, peak_kb })
}

/// Writes the plain-progenitor crate for `docs` (module name, document bytes) under `dir`;
/// returns its manifest. Its dependencies are the generated code's, at the versions of this
/// workspace's `Cargo.lock` (copied beside it), so both crates build the same dependencies.
pub fn write_plain_crate(dir: &Path, docs: &[(String, Vec<u8>)]) -> anyhow::Result<PathBuf> {
    let src = dir.join("src");
    std::fs::create_dir_all(&src)?;
    let mut lib = String::from(
        "//! Plain progenitor on the documents of `spec/lock.toml`, written by `cargo xtask bench`.\n\
         #![allow(warnings, clippy::all)]\n",
    );
    for (module, bytes) in docs {
        let code = spotnana_codegen::plain_progenitor(module, bytes)?;
        std::fs::write(src.join(format!("{module}.rs")), code)?;
        lib.push_str(&format!("pub mod {module} {{\n    include!(\"{module}.rs\");\n}}\n"));
    }
    std::fs::write(src.join("lib.rs"), lib)?;
    let manifest = dir.join("Cargo.toml");
    // The workspace's profiles too (the generator crates and build scripts optimised), so
    // that both crates compile their dependencies alike.
    let root = std::fs::read_to_string(paths::workspace_root().join("Cargo.toml"))?;
    let profiles = root.find("\n[profile.").map_or("", |at| &root[at..]);
    std::fs::write(&manifest, format!("{PLAIN_MANIFEST}{profiles}"))?;
    std::fs::copy(paths::workspace_root().join("Cargo.lock"), dir.join("Cargo.lock"))?;
    Ok(manifest)
}

/// What progenitor's generated code uses, with the features this workspace enabled when the
/// comparison was set up (serde_json's `preserve_order`, reqwest's `rustls`).
const PLAIN_MANIFEST: &str = r#"[package]
name = "plain-progenitor"
version = "0.0.0"
edition = "2024"
publish = false

# Not a member of the Spotnana workspace.
[workspace]

[dependencies]
progenitor-client = "0.15.1"
reqwest = { version = "0.13.4", default-features = false, features = ["json", "form", "multipart", "query", "stream", "rustls"] }
serde = { version = "1.0.226", features = ["derive"] }
serde_json = { version = "1.0.150", features = ["preserve_order"] }
chrono = { version = "0.4", default-features = false, features = ["serde", "std", "clock"] }
uuid = { version = "1", features = ["serde"] }
regress = "0.10"
bytes = "1"
futures-core = "0.3"
"#;

/// The median of some durations (the mean of the middle two for an even count).
pub fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => f64::NAN,
        _ if n % 2 == 1 => values[n / 2],
        _ => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn medians() {
        assert_eq!(super::median(vec![3.0, 1.0, 2.0]), 2.0);
        assert_eq!(super::median(vec![4.0, 1.0, 2.0, 3.0]), 2.5);
    }
}
