//! The next release of `spotnana` from a spec diff: the version its Rust verdicts call for,
//! and the section of the crate's `CHANGELOG.md` (Keep a Changelog) that describes it.
//!
//! The bump follows Cargo's semver rules
//! (<https://doc.rust-lang.org/cargo/reference/semver.html>), where the left-most non-zero
//! component is the breaking one:
//!
//! | the diff has | 1.y.z and later | 0.y.z |
//! | --- | --- | --- |
//! | a finding breaking in Rust, or unclassified (unreviewed must not pass as safe) | major | minor |
//! | other changes to generated items (additions, deprecations, wire-only changes) | minor | patch |
//! | description changes only (the generated docs) | patch | patch |
//! | nothing | none | none |
//!
//! For 0.y.z an addition is a patch: Cargo treats 0.y → 0.(y+1) as breaking, so a minor bump
//! would keep every user on the old release.

use crate::diff::model::{Finding, Kind, Report, Verdict};
use anyhow::Context;
use semver::Version;
use std::fmt::Write as _;
use std::path::Path;

/// What a diff asks of the version, most demanding last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    None,
    Documentation,
    Addition,
    Breaking,
}

impl Change {
    pub fn of(report: &Report) -> Change {
        report.findings().map(finding_change).max().unwrap_or(Change::None)
    }

    fn describe(self) -> &'static str {
        match self {
            Change::None => "nothing changed",
            Change::Documentation => "description changes only",
            Change::Addition => "changes that break no Rust caller",
            Change::Breaking => "changes that break Rust callers",
        }
    }
}

fn finding_change(f: &Finding) -> Change {
    match (f.kind, f.rust) {
        (_, Verdict::Breaking | Verdict::Unknown) => Change::Breaking,
        (Kind::DescriptionChanged, _) => Change::Documentation,
        _ => Change::Addition,
    }
}

/// The version after `current` for `change`.
pub fn next_version(current: &Version, change: Change) -> Version {
    let (major, minor, patch) = (current.major, current.minor, current.patch);
    let (major, minor, patch) = match change {
        Change::None => (major, minor, patch),
        Change::Breaking if major == 0 => (0, minor + 1, 0),
        Change::Breaking => (major + 1, 0, 0),
        Change::Addition if major > 0 => (major, minor + 1, 0),
        Change::Addition | Change::Documentation => (major, minor, patch + 1),
    };
    Version::new(major, minor, patch)
}

/// The next release: versions, why, and its CHANGELOG section.
pub struct Release {
    pub current: Version,
    pub next: Version,
    pub change: Change,
    /// The `## [next] - date` section, ending with a blank line.
    pub section: String,
}

impl Release {
    pub fn plan(report: &Report, current: Version, date: &str) -> Release {
        let change = Change::of(report);
        let next = next_version(&current, change);
        let section = changelog_section(report, &next, date);
        Release {
            current,
            next,
            change,
            section,
        }
    }

    /// Makes the release a breaking one whatever the diff found, saying `why` in its section
    /// (an API whose previous document was not at hand may have changed in any way).
    pub fn assume_breaking(&mut self, why: &str) {
        if self.change == Change::Breaking {
            return;
        }
        self.change = Change::Breaking;
        self.next = next_version(&self.current, Change::Breaking);
        // The section's heading line is `## [version] - date`; what follows it stays.
        let (heading, body) = self.section.split_once('\n').unwrap_or((&self.section, ""));
        let date = heading.split_once("] - ").map_or("", |(_, date)| date);
        self.section = format!(
            "## [{}] - {date}\n\n### Breaking\n\n- Assumed breaking: {why}.\n{body}",
            self.next
        );
    }

    /// One line for reports: the version and why.
    pub fn summary(&self) -> String {
        if self.change == Change::None {
            return format!("`spotnana` stays at {}: {}.", self.current, self.change.describe());
        }
        format!(
            "Next version of `spotnana`: **{}** (from {}: {}).",
            self.next,
            self.current,
            self.change.describe()
        )
    }

    /// The report's section: the version, why, and the CHANGELOG section to be written.
    /// `level` is the level of the report's top heading.
    pub fn markdown(&self, level: usize) -> String {
        let h = "#".repeat(level + 1);
        let mut md = format!("\n{h} Release\n\n{}\n", self.summary());
        if self.change != Change::None {
            let _ = write!(
                md,
                "\nThe section for `generated-client/CHANGELOG.md`:\n\n```markdown\n{}```\n",
                self.section
            );
        }
        md
    }

    /// Writes the version into `crate_dir/Cargo.toml` and the section at the top of
    /// `crate_dir/CHANGELOG.md` (created with its heading if missing). Nothing is written when
    /// nothing changed. Each file is replaced whole (written beside it, then renamed).
    pub fn apply(&self, crate_dir: &Path) -> anyhow::Result<()> {
        if self.change == Change::None {
            return Ok(());
        }
        let manifest = crate_dir.join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).with_context(|| manifest.display().to_string())?;
        let bumped = set_package_version(&text, &self.next).with_context(|| manifest.display().to_string())?;
        let changelog = crate_dir.join("CHANGELOG.md");
        let old = match std::fs::read_to_string(&changelog) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            // Anything else (not UTF-8, no permission) must not start the history anew.
            Err(e) => return Err(e).with_context(|| changelog.display().to_string()),
        };
        let new = prepend_section(&old, &self.section);
        replace(&changelog, &new)?;
        replace(&manifest, &bumped)
    }
}

fn replace(path: &Path, text: &str) -> anyhow::Result<()> {
    let dir = path.parent().context("a file without a directory")?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    // The temporary file is private (0600): keep the permissions the file had.
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(file.path(), metadata.permissions())?;
    }
    file.persist(path)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Today, as a CHANGELOG date.
pub fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}

/// The version `generated-client/Cargo.toml` declares.
pub fn workspace_crate_version() -> anyhow::Result<Version> {
    crate_version(&crate::paths::workspace_root().join("generated-client"))
}

/// The version `crate_dir/Cargo.toml` declares.
pub fn crate_version(crate_dir: &Path) -> anyhow::Result<Version> {
    let path = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).with_context(|| path.display().to_string())?;
    package_version(&text).with_context(|| path.display().to_string())
}

/// The `[package] version` in a Cargo.toml's text.
pub fn package_version(manifest: &str) -> anyhow::Result<Version> {
    let value: toml::Table = manifest.parse()?;
    let version = value
        .get("package")
        .and_then(|p| p.get("version"))
        .and_then(toml::Value::as_str)
        .context("no [package] version")?;
    Ok(Version::parse(version)?)
}

/// `manifest` with the `version = "…"` line of its `[package]` table set to `version`; the
/// rest of the text (comments, order) as it was.
fn set_package_version(manifest: &str, version: &Version) -> anyhow::Result<String> {
    let mut in_package = false;
    let mut out = String::with_capacity(manifest.len());
    let mut done = false;
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('[') {
            in_package = trimmed.starts_with("[package]");
        }
        if in_package && !done && trimmed.starts_with("version") && trimmed.contains('=') {
            let end = if line.ends_with('\n') { "\n" } else { "" };
            let _ = write!(out, "version = \"{version}\"{end}");
            done = true;
        } else {
            out.push_str(line);
        }
    }
    anyhow::ensure!(done, "no `version = …` line in [package]");
    Ok(out)
}

/// The heading a new CHANGELOG.md starts with.
const CHANGELOG_HEAD: &str = "# Changelog\n\n\
All notable changes to the `spotnana` crate. The format follows [Keep a Changelog](https://keepachangelog.com/en/1.1.0/);\n\
versions follow [Cargo's semver rules](https://doc.rust-lang.org/cargo/reference/semver.html).\n\
Sections are written by `cargo xtask regenerate` from the spec diff of each release.\n\n";

/// `changelog` with `section` above its first release (after its heading).
fn prepend_section(changelog: &str, section: &str) -> String {
    if changelog.trim().is_empty() {
        return format!("{CHANGELOG_HEAD}{section}");
    }
    match changelog.find("\n## ") {
        Some(at) => format!("{}{section}{}", &changelog[..at + 1], &changelog[at + 1..]),
        None => format!("{}\n{section}", changelog.trim_end()),
    }
}

/// The CHANGELOG section of a release: breaking changes first with what to change in
/// callers' code, then additions, deprecations (with their sunset dates), other changes, and
/// a count of description-only changes.
pub fn changelog_section(report: &Report, version: &Version, date: &str) -> String {
    let mut md = format!("## [{version}] - {date}\n");
    let all: Vec<(&str, &Finding)> = report
        .apis
        .iter()
        .flat_map(|a| a.findings.iter().map(move |f| (a.module.as_str(), f)))
        .collect();
    for title in ["Breaking", "Added", "Deprecated", "Changed"] {
        let members: Vec<&(&str, &Finding)> = all.iter().filter(|(_, f)| section(f) == Some(title)).collect();
        if members.is_empty() {
            continue;
        }
        let _ = writeln!(md, "\n### {title}\n");
        for (module, f) in members {
            let _ = write!(md, "- {module}: **{}** `{}`: {}", f.kind.slug(), f.subject, f.summary);
            if !f.rust_items.is_empty() {
                let items: Vec<String> = f.rust_items.iter().map(|i| format!("`{i}`")).collect();
                let _ = write!(md, " ({})", items.join(", "));
            }
            if f.wire == Verdict::Breaking {
                let _ = write!(md, "; breaks existing HTTP clients too");
            }
            if title == "Breaking" {
                let _ = write!(md, ". Migration: {}", migration(f));
            }
            md.push('\n');
        }
    }
    let docs = all
        .iter()
        .filter(|(_, f)| finding_change(f) == Change::Documentation)
        .count();
    if docs > 0 {
        let _ = writeln!(
            md,
            "\n### Documentation\n\n- {docs} descriptions changed in the generated docs."
        );
    }
    md.push('\n');
    md
}

/// The CHANGELOG heading a finding goes under; description changes are only counted.
fn section(f: &Finding) -> Option<&'static str> {
    match finding_change(f) {
        Change::Breaking => Some("Breaking"),
        Change::Documentation | Change::None => None,
        Change::Addition if f.kind == Kind::Deprecated => Some("Deprecated"),
        Change::Addition if f.wire == Verdict::NonBreaking && is_addition(f.kind) => Some("Added"),
        Change::Addition => Some("Changed"),
    }
}

fn is_addition(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::ApiAdded
            | Kind::OperationAdded
            | Kind::ParameterAdded
            | Kind::RequestBodyAdded
            | Kind::SchemaAdded
            | Kind::PropertyAdded
            | Kind::EnumValueAdded
            | Kind::StatusCodeAdded
            | Kind::MediaTypeAdded
    )
}

/// What a caller changes in their code for a breaking finding.
fn migration(f: &Finding) -> String {
    let hint = match f.kind {
        Kind::PropertyRemoved => "stop reading or setting the field; the server no longer sends or reads it",
        Kind::PropertyAdded => "set the new field where the struct is built (its `new` takes it)",
        Kind::PropertyRequiredChanged => "the field switches between `T` and `Option<T>`: wrap or unwrap it",
        Kind::EnumValueRemoved => "remove the variant from `match` arms and constructions",
        Kind::OperationIdRenamed => "call the method by its new name",
        Kind::OperationRemoved => "the method is gone; the operation is no longer served",
        Kind::ParameterAdded | Kind::ParameterRemoved | Kind::ParameterRenamed | Kind::ParameterRequiredChanged => {
            "update the method's arguments or its parameters struct"
        }
        Kind::TypeChanged | Kind::FormatChanged | Kind::NullableChanged => "adapt to the field's new Rust type",
        Kind::SchemaRemoved | Kind::SchemaRenamed => "use the type's new name or the type that replaces it",
        Kind::RequestBodyAdded | Kind::RequestBodyRemoved | Kind::RequestBodyRequiredChanged => {
            "update the body argument of the method"
        }
        Kind::StatusCodeRemoved | Kind::MediaTypeRemoved => "adapt to the method's new return type",
        Kind::Unclassified => "no rule for this change: review the generated code by hand",
        _ => "see the spec diff",
    };
    match &f.note {
        Some(note) if f.kind != Kind::Unclassified => format!("{hint} ({note})"),
        _ => hint.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bumps_follow_cargos_rules() {
        let v = |s| Version::parse(s).unwrap();
        assert_eq!(next_version(&v("0.1.0"), Change::Breaking), v("0.2.0"));
        assert_eq!(next_version(&v("0.1.3"), Change::Addition), v("0.1.4"));
        assert_eq!(next_version(&v("0.1.3"), Change::Documentation), v("0.1.4"));
        assert_eq!(next_version(&v("1.4.2"), Change::Breaking), v("2.0.0"));
        assert_eq!(next_version(&v("1.4.2"), Change::Addition), v("1.5.0"));
        assert_eq!(next_version(&v("1.4.2"), Change::Documentation), v("1.4.3"));
        assert_eq!(next_version(&v("1.4.2"), Change::None), v("1.4.2"));
    }

    #[test]
    fn the_package_version_line_is_replaced_and_nothing_else() {
        let text = "[package]\nname = \"spotnana\"\nversion = \"0.1.0\" # x\n\n[dependencies]\nversion = 1\n";
        let out = set_package_version(text, &Version::new(0, 2, 0)).unwrap();
        assert_eq!(
            out,
            "[package]\nname = \"spotnana\"\nversion = \"0.2.0\"\n\n[dependencies]\nversion = 1\n"
        );
        assert_eq!(package_version(&out).unwrap(), Version::new(0, 2, 0));
        assert!(set_package_version("[dependencies]\nversion = 1\n", &Version::new(1, 0, 0)).is_err());
    }

    #[test]
    fn an_unknown_change_is_assumed_breaking() {
        let report = Report { apis: Vec::new() };
        let mut release = Release::plan(&report, Version::new(0, 1, 0), "2026-08-03");
        assert_eq!(release.change, Change::None);
        release.assume_breaking("the previous documents of trip were not at hand to compare");
        assert_eq!(release.next, Version::new(0, 2, 0));
        assert!(
            release.section.starts_with(
                "## [0.2.0] - 2026-08-03\n\n### Breaking\n\n- Assumed breaking: the previous documents of trip"
            ),
            "{}",
            release.section
        );
        assert_eq!(
            release.section.matches("### Breaking").count(),
            1,
            "{}",
            release.section
        );
    }

    #[test]
    fn sections_go_above_the_previous_release() {
        let first = prepend_section("", "## [0.1.1] - d\n\nx\n\n");
        assert!(first.starts_with("# Changelog\n"), "{first}");
        let second = prepend_section(&first, "## [0.2.0] - e\n\ny\n\n");
        let (a, b) = (second.find("## [0.2.0]").unwrap(), second.find("## [0.1.1]").unwrap());
        assert!(a < b, "{second}");
        assert!(second.starts_with("# Changelog\n"));
    }
}
