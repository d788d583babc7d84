//! The markdown report: a summary table with the documents' hashes, then the findings of
//! each API, breaking first; unclassified findings in their own section, description-only
//! changes collapsed.

use super::model::{ApiDiff, Finding, Kind, Report, Verdict};
use std::fmt::Write as _;

/// Renders `report`; `old` and `new` name the two sides; `level` is the level of the top
/// heading (1 on its own, 2 embedded in another report).
pub fn markdown(report: &Report, old: &str, new: &str, level: usize) -> String {
    let h = "#".repeat(level);
    let mut md = String::new();
    let _ = writeln!(md, "{h} Spec diff\n");
    let _ = writeln!(md, "Old: `{old}`. New: `{new}`.\n");
    let all: Vec<&Finding> = report.findings().collect();
    let _ = writeln!(
        md,
        "{} findings, {} breaking on the wire, {} breaking in Rust, {} unclassified, {} description-only.\n",
        all.iter().filter(|f| classified(f)).count(),
        all.iter().filter(|f| f.wire == Verdict::Breaking).count(),
        all.iter().filter(|f| f.rust == Verdict::Breaking).count(),
        all.iter().filter(|f| f.kind == Kind::Unclassified).count(),
        all.iter().filter(|f| f.kind == Kind::DescriptionChanged).count(),
    );
    let _ = writeln!(
        md,
        "| API | findings | breaking wire | breaking Rust | unclassified | description-only | old sha256 | new sha256 |"
    );
    let _ = writeln!(md, "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |");
    for api in &report.apis {
        let sha = |s: &Option<String>| s.as_deref().map(|s| format!("`{s}`")).unwrap_or_else(|| "—".into());
        let _ = writeln!(
            md,
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            api.module,
            api.count(classified),
            api.count(|f| f.wire == Verdict::Breaking),
            api.count(|f| f.rust == Verdict::Breaking),
            api.count(|f| f.kind == Kind::Unclassified),
            api.count(|f| f.kind == Kind::DescriptionChanged),
            sha(&api.old_sha256),
            sha(&api.new_sha256),
        );
    }
    for api in report.apis.iter().filter(|a| !a.findings.is_empty()) {
        render_api(&mut md, api, &h);
    }
    md
}

fn classified(f: &Finding) -> bool {
    !matches!(f.kind, Kind::Unclassified | Kind::DescriptionChanged)
}

fn render_api(md: &mut String, api: &ApiDiff, h: &str) {
    let _ = writeln!(md, "\n{h}# {}", api.module);
    let sections = [
        (0, "Breaking"),
        (1, "Non-breaking"),
        (2, "Unclassified (no rule: review by hand)"),
    ];
    for (rank, title) in sections {
        let findings: Vec<&Finding> = api.findings.iter().filter(|f| f.section() == rank).collect();
        if findings.is_empty() {
            continue;
        }
        let _ = writeln!(md, "\n{h}## {title} ({})\n", findings.len());
        for f in findings {
            render_finding(md, f);
        }
    }
    let docs: Vec<&Finding> = api.findings.iter().filter(|f| f.section() == 3).collect();
    if !docs.is_empty() {
        let _ = writeln!(
            md,
            "\n<details><summary>Description-only changes ({})</summary>\n",
            docs.len()
        );
        for f in docs {
            render_finding(md, f);
        }
        let _ = writeln!(md, "\n</details>");
    }
}

fn render_finding(md: &mut String, f: &Finding) {
    let _ = writeln!(md, "- **{}** `{}`: {}", f.kind.slug(), f.subject, f.summary);
    let _ = writeln!(md, "  - id: `{}`", f.id);
    let direction = f
        .direction
        .map(|d| format!("direction: {}; ", d.label()))
        .unwrap_or_default();
    let _ = writeln!(md, "  - {direction}wire: {}; Rust: {}", f.wire.label(), f.rust.label());
    let pointer = |p: &Option<String>| p.as_deref().map(|p| format!("`{p}`")).unwrap_or_else(|| "—".into());
    let _ = writeln!(
        md,
        "  - old: {}; new: {}",
        pointer(&f.old_pointer),
        pointer(&f.new_pointer)
    );
    if !f.rust_items.is_empty() {
        let items: Vec<String> = f.rust_items.iter().map(|i| format!("`{i}`")).collect();
        let _ = writeln!(md, "  - Rust: {}", items.join(", "));
    }
    if !f.operations.is_empty() {
        let ops: Vec<String> = f.operations.iter().map(|o| format!("`{o}`")).collect();
        let _ = writeln!(md, "  - operations ({}): {}", ops.len(), ops.join(", "));
    }
    if let Some(note) = &f.note {
        let _ = writeln!(md, "  - note: {note}");
    }
}
