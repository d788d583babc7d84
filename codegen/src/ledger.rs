//! The fix-up ledger: per document, how many places each fix-up and each pass changed.
//!
//! k8s-openapi's discipline: every bridge between the upstream documents and the generator is
//! accounted for, and a bridge that no longer applies is seen. The ledger holds counts and rule
//! names only (no document text); it is committed beside the lock (`spec/ledger.md`), written
//! when the documents change, and a test regenerates it and compares, so a release that changes
//! what the bridge does shows in the pull request's diff.

use crate::GeneratedSet;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// The ledger of `set` as markdown: one row per rule, one column per document (`common` last).
pub fn ledger(set: &GeneratedSet) -> String {
    let mut columns: Vec<(&str, &crate::Report)> = set.apis.iter().map(|(m, g)| (m.as_str(), &g.report)).collect();
    columns.push(("common", &set.common_report));
    let rules: BTreeSet<&str> = crate::transform::PIPELINE
        .iter()
        .map(|(name, _)| *name)
        .chain(columns.iter().flat_map(|(_, r)| r.keys().copied()))
        .collect();
    let mut md = String::from(
        "# Fix-up ledger\n\nWritten by `cargo xtask regenerate` (checked by `tests/tests/ledger.rs`): per document of \
         `lock.toml`, how many places each fix-up of the documents and each pass over the generated code changed. \
         Counts and rule names only.\n\n",
    );
    let _ = writeln!(
        md,
        "| rule | {} |\n| --- |{}",
        columns.iter().map(|(m, _)| *m).collect::<Vec<_>>().join(" | "),
        " ---: |".repeat(columns.len())
    );
    let mut idle = Vec::new();
    for rule in &rules {
        let counts: Vec<usize> = columns
            .iter()
            .map(|(_, report)| report.get(rule).map_or(0, |c| c.len()))
            .collect();
        if counts.iter().all(|n| *n == 0) {
            idle.push(*rule);
        }
        let cells: Vec<String> = counts.iter().map(ToString::to_string).collect();
        let _ = writeln!(md, "| `{rule}` | {} |", cells.join(" | "));
    }
    let _ = writeln!(
        md,
        "\nApplies to no document ({}): {}.",
        idle.len(),
        if idle.is_empty() {
            "none".to_string()
        } else {
            idle.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
        }
    );
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"{"openapi": "3.1.0", "info": {"title": "t", "version": "v2"},
        "paths": {"/a": {"get": {"operationId": "getA", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}}}}}},
        "components": {"schemas": {"A": {"type": "object", "properties": {
            "n": {"type": ["integer", "null"]}, "kind": {"type": "string", "enum": ["X", "Y"]}}}}}}"##;

    #[test]
    fn counts_every_rule_per_document_and_names_the_idle_ones() {
        let set = crate::generate_all(&[("one", DOC.as_bytes())], &Default::default()).unwrap();
        let md = ledger(&set);
        assert!(md.contains("| rule | one | common |"), "{md}");
        assert!(md.contains("| `type_arrays_to_nullable` | 1 | 0 |"), "{md}");
        assert!(md.contains("| `const_to_enum` | 0 | 0 |"), "{md}");
        let idle = md.lines().last().unwrap();
        assert!(
            idle.contains("`const_to_enum`") && !idle.contains("`type_arrays_to_nullable`"),
            "{idle}"
        );
        // One more place for one rule changes the ledger.
        let other = DOC.replace(r#""kind""#, r#""m": {"type": ["string", "null"]}, "kind""#);
        let set = crate::generate_all(&[("one", other.as_bytes())], &Default::default()).unwrap();
        assert!(ledger(&set).contains("| `type_arrays_to_nullable` | 2 | 0 |"));
    }
}
