//! What a run is held to, `tests/tests/conformance/baseline.json`: for each operation of each
//! API, whether it passed on Prism's static response (the next run must pass it the same way),
//! through `prism proxy` (the next run must pass it), only on a response drawn at random, or
//! failed; and for a GET whether every dynamic round deserialized. It is written with
//! REPORT.md from the same rows (`UPDATE_CONFORMANCE=1`), one operation a line so that a
//! change reads as a one-line diff; REPORT.md is for people.

use crate::report::Row;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(crate) enum Outcome {
    /// Passed on the static response of `prism mock` (from the document's examples): the same
    /// request gets the same response, so the next run must pass the same way.
    Pass,
    /// Passed through `prism proxy` on a response sampled from the document, after the random
    /// responses of `prism mock` failed: the next run must pass, if by a random response.
    PassThroughProxy,
    /// Passed only on a response drawn at random: not held (the document's fault that forced
    /// the draw may strike again).
    PassOnRandomResponse,
    Fail,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Recorded {
    pub(crate) outcome: Outcome,
    /// GETs only: every dynamic round deserialized.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) every_dynamic_round: Option<bool>,
}

impl Recorded {
    pub(crate) fn of(row: &Row) -> Recorded {
        let outcome = match (row.passed, row.proxied, row.on_random_response) {
            (false, _, _) => Outcome::Fail,
            (true, true, _) => Outcome::PassThroughProxy,
            (true, false, true) => Outcome::PassOnRandomResponse,
            (true, false, false) => Outcome::Pass,
        };
        Recorded {
            outcome,
            every_dynamic_round: row
                .dynamic
                .as_ref()
                .map(|(passed, total, why)| passed == total && why.is_none()),
        }
    }
}

/// API module → operationId → what was recorded.
#[derive(Debug, Default, PartialEq)]
pub(crate) struct Baseline(pub(crate) BTreeMap<String, BTreeMap<String, Recorded>>);

impl Baseline {
    pub(crate) fn of(rows: &[Row]) -> Baseline {
        let mut apis: BTreeMap<String, BTreeMap<String, Recorded>> = BTreeMap::new();
        for row in rows {
            apis.entry(row.module.clone())
                .or_default()
                .insert(row.operation_id.clone(), Recorded::of(row));
        }
        Baseline(apis)
    }

    pub(crate) fn get(&self, module: &str, operation_id: &str) -> Option<Recorded> {
        self.0.get(module)?.get(operation_id).copied()
    }

    /// JSON, an operation a line.
    pub(crate) fn to_json(&self) -> String {
        let mut out = String::from("{\n");
        for (i, (module, operations)) in self.0.iter().enumerate() {
            out.push_str(&format!("  {}: {{\n", serde_json::to_string(module).unwrap()));
            for (j, (operation_id, recorded)) in operations.iter().enumerate() {
                let comma = if j + 1 < operations.len() { "," } else { "" };
                out.push_str(&format!(
                    "    {}: {}{comma}\n",
                    serde_json::to_string(operation_id).unwrap(),
                    serde_json::to_string(recorded).unwrap()
                ));
            }
            out.push_str(if i + 1 < self.0.len() { "  },\n" } else { "  }\n" });
        }
        out.push_str("}\n");
        out
    }

    /// What `rows` break of this baseline (problems), and what they do better or differently
    /// without breaking it (notes).
    pub(crate) fn compare(&self, rows: &[Row]) -> (Vec<String>, Vec<String>) {
        let mut problems = Vec::new();
        let mut notes = Vec::new();
        for (module, operations) in &self.0 {
            for (operation_id, recorded) in operations {
                let row = rows
                    .iter()
                    .find(|r| (&r.module, &r.operation_id) == (module, operation_id));
                let held = match recorded.outcome {
                    Outcome::Pass => row.is_some_and(|r| Recorded::of(r).outcome == Outcome::Pass),
                    Outcome::PassThroughProxy => row.is_some_and(|r| r.passed),
                    Outcome::PassOnRandomResponse | Outcome::Fail => true,
                };
                if !held {
                    let how = if recorded.outcome == Outcome::Pass {
                        " on Prism's static response"
                    } else {
                        ""
                    };
                    problems.push(format!(
                        "regression: {module} {operation_id} passed{how}, now: {}",
                        row.map_or("missing".into(), |r| r.verdict.clone())
                    ));
                }
            }
        }
        for r in rows {
            let Some(recorded) = self.get(&r.module, &r.operation_id) else {
                // An operation the baseline does not record (a newly tracked API, a new
                // operation) would otherwise pass unjudged whenever its failure is blamed on
                // the document.
                problems.push(format!(
                    "not in the recorded baseline: {} {} ({})",
                    r.module, r.operation_id, r.verdict
                ));
                continue;
            };
            if recorded.outcome == Outcome::Fail && r.passed {
                notes.push(format!(
                    "{} {} passes now but the baseline says it fails: update the report",
                    r.module, r.operation_id
                ));
            }
            // Dynamic responses are random: a round that fails for a fault of the document (an
            // ambiguous `oneOf`) may pass in the next run. What must never happen is a failure
            // of ours, which the test judges by cause.
            if recorded.every_dynamic_round == Some(true) && Recorded::of(r).every_dynamic_round != Some(true) {
                notes.push(format!(
                    "{} {} deserialized every dynamic round in the baseline, now: {:?}",
                    r.module, r.operation_id, r.dynamic
                ));
            }
        }
        (problems, notes)
    }

    pub(crate) fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map(Baseline)
            .map_err(|e| format!("{}: {e}", path.display()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row of `air`: passed or not, on a random response, through the proxy, dynamic rounds.
    fn row(
        id: &str,
        passed: bool,
        random: bool,
        proxied: bool,
        dynamic: Option<(usize, usize, Option<String>)>,
    ) -> Row {
        Row {
            module: "air".into(),
            operation_id: id.into(),
            method: "GET".into(),
            path: "/v2/x".into(),
            verdict: if passed { "pass".into() } else { "refused".into() },
            passed,
            on_random_response: random,
            response_conforms: true,
            proxied,
            document_note: None,
            dynamic,
            dynamic_violations: 0,
            lossless: None,
            paged: None,
        }
    }

    fn recorded() -> Vec<Row> {
        vec![
            row("held", true, false, false, Some((20, 20, None))),
            row(
                "drawn",
                true,
                true,
                false,
                Some((19, 20, Some("the document's oneOf".into()))),
            ),
            row("failed", false, false, false, None),
            row("proxied", true, false, true, None),
        ]
    }

    #[test]
    fn reads_back_as_written() {
        let baseline = Baseline::of(&recorded());
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), baseline.to_json()).unwrap();
        let read = Baseline::read(file.path()).unwrap();
        assert_eq!(read, baseline);
        assert_eq!(
            read.get("air", "held"),
            Some(Recorded {
                outcome: Outcome::Pass,
                every_dynamic_round: Some(true)
            })
        );
        assert_eq!(read.get("air", "drawn").unwrap().outcome, Outcome::PassOnRandomResponse);
        assert_eq!(read.get("air", "drawn").unwrap().every_dynamic_round, Some(false));
        assert_eq!(read.get("air", "failed").unwrap().every_dynamic_round, None);
        assert_eq!(read.get("air", "proxied").unwrap().outcome, Outcome::PassThroughProxy);
        assert_eq!(read.get("air", "missing"), None);
        assert_eq!(baseline.to_json().lines().count(), 8, "one operation a line");
        std::fs::write(file.path(), r#"{"air": {"x": {"outcome": "passed"}}}"#).unwrap();
        let error = Baseline::read(file.path()).unwrap_err();
        assert!(error.contains(&file.path().display().to_string()), "{error}");
    }

    #[test]
    fn a_run_is_held_to_its_static_passes_and_to_passing_through_the_proxy() {
        let baseline = Baseline::of(&recorded());
        assert_eq!(baseline.compare(&recorded()), (vec![], vec![]));

        // The static pass fails now; the random one too; the failure passes; the pass through
        // the proxy comes by a random response (allowed: the proxy is tried only after the
        // random ones failed).
        let now = vec![
            row("held", false, false, false, None),
            row("drawn", false, false, false, None),
            row("failed", true, false, false, None),
            row("proxied", true, true, false, None),
        ];
        let (problems, notes) = baseline.compare(&now);
        assert_eq!(
            problems,
            vec!["regression: air held passed on Prism's static response, now: refused"]
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("held deserialized every dynamic round"), "{notes:?}");
        assert!(notes[1].contains("failed passes now"), "{notes:?}");

        // A static pass that now passes only on a random response is lost too; the proxied one
        // fails.
        let now = vec![
            row("held", true, true, false, Some((20, 20, None))),
            row("drawn", true, true, false, None),
            row("failed", false, false, false, None),
            row("proxied", false, false, false, None),
        ];
        let (problems, _) = baseline.compare(&now);
        assert_eq!(
            problems,
            vec![
                "regression: air held passed on Prism's static response, now: pass",
                "regression: air proxied passed, now: refused"
            ]
        );

        // An operation gone, and one the baseline does not know.
        let now = vec![
            row("drawn", true, true, false, None),
            row("proxied", true, false, true, None),
            row("new", true, false, false, None),
        ];
        let (problems, _) = baseline.compare(&now);
        assert_eq!(
            problems,
            vec![
                "regression: air held passed on Prism's static response, now: missing",
                "not in the recorded baseline: air new (pass)"
            ]
        );
    }
}
