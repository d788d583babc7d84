//! `cargo xtask regenerate`: the changelog says *when* to look, content hashes say *what*
//! changed (every document's `info.version` is `v2`, forever).

use crate::changelog::{self, Entry};
use crate::diff;
use crate::paths::{self, Spec};
use crate::pull::{self, PortalArgs};
use crate::release;
use anyhow::{Context, bail};
use spotnana_codegen::manifest::{Lock, Manifest};
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub portal: PortalArgs,
    /// Pull and regenerate even if the changelog has nothing new.
    #[arg(long)]
    pub force: bool,
    /// Change nothing; exit non-zero if the portal has a changelog entry or a document newer
    /// than the lock (for a scheduled CI job).
    #[arg(long)]
    pub check: bool,
    /// Where to write the change report (markdown).
    #[arg(long)]
    pub report: Option<PathBuf>,
    /// Skip compiling the regenerated client (`cargo check -p spotnana`).
    #[arg(long)]
    pub no_build: bool,
    /// The crate whose version is bumped and whose CHANGELOG.md gets the release's section;
    /// default: `generated-client/` when the spec directory is the workspace's, else none
    /// (the report still says what the next version would be).
    #[arg(long)]
    pub crate_dir: Option<PathBuf>,
}

pub fn run(spec: &Spec, args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let lock = Lock::load(&spec.lock()).map_err(anyhow::Error::msg)?;
    let portal = args.portal.portal();
    let changelog_url = portal.url(crate::pull::CHANGELOG_PATH);
    let text = portal
        .fetch(crate::pull::CHANGELOG_PATH)
        .with_context(|| format!("changelog: fetching {changelog_url}"))?;
    let text = String::from_utf8(text).with_context(|| format!("changelog: {changelog_url} is not UTF-8"))?;
    let entries = changelog::parse(&text).with_context(|| format!("changelog: {changelog_url}"))?;
    let new = changelog::newer_than(&entries, lock.changelog_cursor.as_deref())?;
    let since = lock.changelog_cursor.clone().unwrap_or_else(|| "the beginning".into());

    println!("{} new changelog entries since {since}", new.len());
    for entry in &new {
        let (tracked, untracked) = split_apis(&manifest, entry);
        println!(
            "  {}: tracked {}; untracked {}",
            entry.heading,
            if tracked.is_empty() {
                "none".into()
            } else {
                tracked.join(", ")
            },
            if untracked.is_empty() {
                "none".into()
            } else {
                untracked.join(", ")
            }
        );
    }

    if args.check {
        if !new.is_empty() {
            return Err(crate::findings::Findings(format!(
                "{} changelog entries are newer than the lock (cursor: {since}): run `cargo xtask regenerate`",
                new.len()
            ))
            .into());
        }
        let pulled = pull::download_all(&manifest, &portal)?;
        let changed: Vec<&str> = pulled
            .iter()
            .filter(|p| lock.get(&p.api.module).is_none_or(|l| l.sha256 != p.sha256))
            .map(|p| p.api.module.as_str())
            .collect();
        if !changed.is_empty() {
            return Err(crate::findings::Findings(format!(
                "documents newer than the lock: {}: run `cargo xtask regenerate --force`",
                changed.join(", ")
            ))
            .into());
        }
        println!("up to date with the portal");
        return Ok(());
    }

    if new.is_empty() && !args.force {
        println!("nothing new since {since}: no document downloaded (use --force to pull anyway)");
        return Ok(());
    }

    let pulled = pull::download_all(&manifest, &portal)?;
    // Prove the new documents still generate before anything is written.
    let inputs: Vec<(&str, &[u8])> = pulled
        .iter()
        .map(|p| (p.api.module.as_str(), p.bytes.as_slice()))
        .collect();
    let generated = spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default())
        .context("the new documents do not generate; nothing was changed")?;

    let mut new_lock = pull::updated_lock(&lock, &pulled);
    if let Some(newest) = entries.first() {
        new_lock.changelog_cursor = Some(newest.heading.clone());
    }
    let changes: Vec<Change> = pulled
        .iter()
        .map(|p| Change {
            module: p.api.module.clone(),
            title: p.api.title.clone(),
            old: lock.get(&p.api.module).map(|l| l.sha256.clone()),
            new: p.sha256.clone(),
        })
        .collect();
    let findings = cross_check(&manifest, &new, &changes);
    // The old cache is still in place until the commit: diff it against the new bytes.
    let (diff_report, spec_diff, unseen) = spec_diff(spec, &manifest, &lock, &pulled, &portal.base)?;
    let crate_dir = args
        .crate_dir
        .clone()
        .or_else(|| paths::is_workspace(spec).then(|| paths::workspace_root().join("generated-client")));
    let current = match &crate_dir {
        Some(dir) => release::crate_version(dir)?,
        None => release::workspace_crate_version()?,
    };
    let mut release = release::Release::plan(&diff_report, current, &release::today());
    if !unseen.is_empty() {
        // What changed in these APIs is unknown: it may break callers.
        release.assume_breaking(&format!(
            "the previous documents of {} were not at hand to compare",
            unseen.join(", ")
        ));
    }
    pull::commit(spec, &pulled, &new_lock)?;
    // Derived from the documents just pinned; `tests/tests/ledger.rs` checks it against them.
    std::fs::write(spec.ledger(), spotnana_codegen::ledger::ledger(&generated))?;

    if let Some(dir) = &crate_dir {
        release.apply(dir)?;
    }

    let mut report = render_report(&since, &new, &manifest, &changes, &findings);
    let _ = write!(report, "\n{spec_diff}");
    report.push_str(&release.markdown(1));
    let _ = writeln!(report, "\n## Generated code\n");
    let _ = writeln!(report, "| module | operations | lines |\n| --- | --- | --- |");
    let _ = writeln!(report, "| common | | {} |", generated.common.lines().count());
    for (module, g) in &generated.apis {
        let _ = writeln!(report, "| {module} | {} | {} |", g.operations, g.code.lines().count());
    }
    let report_path = args
        .report
        .clone()
        .unwrap_or_else(|| paths::workspace_root().join("target/spec-update.md"));
    if let Some(dir) = report_path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&report_path, &report)?;

    let changed: Vec<&Change> = changes.iter().filter(|c| c.changed()).collect();
    println!(
        "changed: {}",
        if changed.is_empty() {
            "none".into()
        } else {
            changed.iter().map(|c| c.module.as_str()).collect::<Vec<_>>().join(", ")
        }
    );
    for f in &findings {
        println!("warning: {f}");
    }
    println!(
        "cursor advanced to {}",
        new_lock.changelog_cursor.as_deref().unwrap_or("-")
    );
    println!("{}", release.summary().replace("**", ""));
    if let Some(dir) = crate_dir.as_ref().filter(|_| release.next != release.current) {
        println!("version and CHANGELOG.md written in {}", dir.display());
    }
    println!("report: {}", report_path.display());

    if !args.no_build && !changed.is_empty() {
        let features: Vec<&str> = changed.iter().map(|c| c.module.as_str()).collect();
        let status = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "-p", "spotnana", "--no-default-features", "--features"])
            .arg(features.join(","))
            .current_dir(paths::workspace_root())
            .status()?;
        if !status.success() {
            bail!(
                "the regenerated client does not compile (features {}); see the report at {}",
                features.join(","),
                report_path.display()
            );
        }
    }
    Ok(())
}

/// The spec diff (markdown) of the pinned documents against the pulled ones. The old side of
/// an API is its cached document when the lock pins it; else (a fresh clone, a cache altered
/// by hand) the pulled document when the lock pins that one. Otherwise its old document is not
/// at hand: it counts as added, and as unseen when the lock pins it (its changes are unknown).
fn spec_diff(
    spec: &Spec,
    manifest: &Manifest,
    lock: &Lock,
    pulled: &[pull::Pulled<'_>],
    portal: &str,
) -> anyhow::Result<(diff::Report, String, Vec<String>)> {
    let mut old = Vec::new();
    // APIs pinned in the lock whose old document is not at hand: their changes are unknown.
    let mut unseen = Vec::new();
    for api in &manifest.api {
        let path = spec.document(api);
        // The old release is what the lock pins: a cached document that is not is no record of it.
        let bytes = match spec.read_pinned(lock, api) {
            Ok(pinned) => pinned.bytes,
            Err(error) => match pulled.iter().find(|p| p.api.module == api.module) {
                // The lock proves the pinned document had exactly these bytes.
                Some(p) if lock.get(&api.module).is_some_and(|l| l.sha256 == p.sha256) => p.bytes.clone(),
                _ => {
                    eprintln!(
                        "warning: {error}, and the portal does not serve the pinned version either: the spec diff counts {} as added",
                        api.module
                    );
                    if lock.get(&api.module).is_some() {
                        unseen.push(api.module.clone());
                    }
                    continue;
                }
            },
        };
        // Pinned bytes that are not JSON (an old release the parser refuses): the update
        // replaces them, so they must not block it.
        match diff::Loaded::parse(&api.module, &path.display().to_string(), &bytes) {
            Ok(loaded) => old.push(loaded),
            Err(e) => {
                eprintln!("warning: {e:#}; the spec diff counts {} as added", api.module);
                unseen.push(api.module.clone());
            }
        }
    }
    let new = pulled
        .iter()
        .map(|p| diff::Loaded::parse(&p.api.module, &p.url, &p.bytes))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let old_docs: Vec<diff::Document> = old.iter().map(diff::Loaded::document).collect();
    let new_docs: Vec<diff::Document> = new.iter().map(diff::Loaded::document).collect();
    let report = diff::diff_sets(&old_docs, &new_docs);
    let markdown = diff::markdown(&report, "cache", portal, 2);
    Ok((report, markdown, unseen))
}

/// One tracked API's document before and after.
pub struct Change {
    pub module: String,
    pub title: String,
    pub old: Option<String>,
    pub new: String,
}

impl Change {
    pub fn changed(&self) -> bool {
        self.old.as_deref() != Some(self.new.as_str())
    }
}

/// (tracked modules, untracked API names) an entry names.
fn split_apis(manifest: &Manifest, entry: &Entry) -> (Vec<String>, Vec<String>) {
    let mut tracked = Vec::new();
    let mut untracked = Vec::new();
    for name in &entry.apis {
        match manifest.api.iter().find(|a| a.title.eq_ignore_ascii_case(name)) {
            Some(api) => tracked.push(api.module.clone()),
            None => untracked.push(name.clone()),
        }
    }
    (tracked, untracked)
}

/// Documents that changed with no entry naming their API, and entries naming a tracked API
/// whose document did not change.
fn cross_check(manifest: &Manifest, new: &[&Entry], changes: &[Change]) -> Vec<String> {
    let mut findings = Vec::new();
    for c in changes.iter().filter(|c| c.changed() && c.old.is_some()) {
        if !new
            .iter()
            .any(|e| e.apis.iter().any(|a| a.eq_ignore_ascii_case(&c.title)))
        {
            findings.push(format!(
                "{} ({}) changed but no new changelog entry names it",
                c.module, c.title
            ));
        }
    }
    for entry in new {
        let (tracked, _) = split_apis(manifest, entry);
        for module in tracked {
            if changes.iter().any(|c| c.module == module && !c.changed()) {
                findings.push(format!(
                    "the {} entry names {module}, whose document did not change",
                    entry.heading
                ));
            }
        }
    }
    findings
}

fn render_report(since: &str, new: &[&Entry], manifest: &Manifest, changes: &[Change], findings: &[String]) -> String {
    let mut md = String::new();
    let _ = writeln!(md, "# Spotnana API update\n");
    let changed: Vec<&Change> = changes.iter().filter(|c| c.changed()).collect();
    let _ = writeln!(
        md,
        "{} of {} tracked documents changed; {} new changelog entries since {since}.\n",
        changed.len(),
        changes.len(),
        new.len()
    );
    let _ = writeln!(
        md,
        "| API | old sha256 | new sha256 | changed |\n| --- | --- | --- | --- |"
    );
    for c in changes {
        let old = c
            .old
            .as_deref()
            .map(|s| format!("`{}`", &s[..12.min(s.len())]))
            .unwrap_or_else(|| "—".into());
        let _ = writeln!(
            md,
            "| {} | {old} | `{}` | {} |",
            c.module,
            &c.new[..12],
            if c.changed() { "**yes**" } else { "no" }
        );
    }
    if !findings.is_empty() {
        let _ = writeln!(md, "\n## To look at\n");
        for f in findings {
            let _ = writeln!(md, "- {f}");
        }
    }
    let _ = writeln!(md, "\n## Changelog entries\n");
    for entry in new {
        let (tracked, untracked) = split_apis(manifest, entry);
        let _ = writeln!(md, "### {}\n", entry.heading);
        let _ = writeln!(md, "Tracked: {}. Untracked: {}.\n", list(&tracked), list(&untracked));
        for change in &entry.changes {
            let _ = writeln!(md, "- {change}");
        }
        let _ = writeln!(md);
    }
    md
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
