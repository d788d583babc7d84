//! The verdict policy as a table, `xtask/VERDICTS.md`: rendered from `Kind::verdicts` by
//! asking it every case, so that the table cannot say what the code does not do.

use crate::diff::model::{Direction, Facts, Kind, Verdict};
use std::collections::BTreeSet;
use std::fmt::Write as _;
use strum::IntoEnumIterator;

/// What a change is judged on: its direction and its facts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Case {
    direction: Option<Direction>,
    required: bool,
    nullable: bool,
    success: bool,
}

impl Case {
    fn all() -> Vec<Case> {
        let directions = std::iter::once(None).chain(Direction::iter().map(Some));
        let mut cases = Vec::new();
        for direction in directions {
            for bits in 0..8u8 {
                cases.push(Case {
                    direction,
                    required: bits & 1 != 0,
                    nullable: bits & 2 != 0,
                    success: bits & 4 != 0,
                });
            }
        }
        cases
    }
    fn judge(self, kind: Kind) -> Outcome {
        let facts = Facts {
            required: self.required,
            nullable: self.nullable,
            success: self.success,
        };
        kind.verdicts(self.direction, facts)
    }
}

type Outcome = (Verdict, Verdict, Option<&'static str>);

/// The facts a case is described by in the table: the ones whose value changes some verdict
/// or note of the kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Factor {
    Direction,
    Required,
    Nullable,
    Success,
}

impl Factor {
    const ALL: [Factor; 4] = [Factor::Direction, Factor::Required, Factor::Nullable, Factor::Success];

    /// `case` with this factor set as in `other`.
    fn take(self, case: Case, other: Case) -> Case {
        match self {
            Factor::Direction => Case {
                direction: other.direction,
                ..case
            },
            Factor::Required => Case {
                required: other.required,
                ..case
            },
            Factor::Nullable => Case {
                nullable: other.nullable,
                ..case
            },
            Factor::Success => Case {
                success: other.success,
                ..case
            },
        }
    }

    fn describe(self, case: Case) -> Option<&'static str> {
        match self {
            Factor::Direction => None,
            Factor::Required => Some(if case.required { "required" } else { "optional" }),
            Factor::Nullable => Some(if case.nullable {
                "nullable after"
            } else {
                "not nullable after"
            }),
            Factor::Success => Some(if case.success { "2xx status" } else { "other status" }),
        }
    }
}

fn direction_label(direction: Option<Direction>) -> &'static str {
    direction.map_or("operation", Direction::label)
}

/// One row of the table: a kind, the directions and the values of the facts that lead to one
/// outcome (facts the kind's verdicts do not depend on are left out).
struct Row {
    kind: Kind,
    /// The factors the kind's verdicts depend on.
    relevant: Vec<Factor>,
    directions: Vec<Option<Direction>>,
    /// The values of the relevant facts (and of no other).
    case: Case,
    outcome: Outcome,
}

impl Row {
    /// Whether `case` is one this row describes.
    fn covers(&self, case: Case) -> bool {
        let direction = !self.relevant.contains(&Factor::Direction) || self.directions.contains(&case.direction);
        direction
            && self
                .relevant
                .iter()
                .filter(|f| **f != Factor::Direction)
                .all(|f| f.take(self.case, case) == self.case)
    }
}

/// The rows of the table, by asking `Kind::verdicts` every case.
fn rows() -> Vec<Row> {
    let cases = Case::all();
    let mut all = Vec::new();
    for kind in Kind::iter() {
        let relevant: Vec<Factor> = Factor::ALL
            .into_iter()
            .filter(|factor| {
                cases.iter().any(|a| {
                    cases
                        .iter()
                        .any(|b| differs_only_in(*a, *b, *factor) && a.judge(kind) != b.judge(kind))
                })
            })
            .collect();
        // The cases that differ in a relevant factor, each once, in order.
        let mut seen = BTreeSet::new();
        let mut rows: Vec<Row> = Vec::new();
        for case in &cases {
            let key = relevant.iter().fold(Case::all()[0], |acc, f| f.take(acc, *case));
            if !seen.insert(key) {
                continue;
            }
            let outcome = case.judge(kind);
            // Directions with the same outcome and the same facts share a row.
            match rows.iter_mut().find(|row| {
                row.outcome == outcome
                    && relevant
                        .iter()
                        .filter(|f| **f != Factor::Direction)
                        .all(|f| f.take(row.case, key) == row.case)
            }) {
                Some(row) => row.directions.push(key.direction),
                None => rows.push(Row {
                    kind,
                    relevant: relevant.clone(),
                    directions: vec![key.direction],
                    case: key,
                    outcome,
                }),
            }
        }
        all.extend(rows);
    }
    all
}

/// The policy as a Markdown table: a row per kind and distinct outcome, with the directions and
/// facts that lead to it.
fn table() -> String {
    let mut out = String::from(
        "# Verdicts of the spec diff\n\n\
         Generated from `Kind::verdicts` (xtask/src/diff/policy.rs), where the rules and their \
         reasons are written; do not edit by hand (`UPDATE_GOLDEN=1 cargo test -p xtask \
         verdict_table` rewrites it). *Direction* is the way the changed data travels \
         (`operation`: a change of the operation itself, judged as both ways; `unreferenced`: a \
         component no operation reaches); *when* names the facts the verdicts depend on \
         (whether the property, parameter or body is required or optional after the change, or \
         before it for a removal; whether the type is nullable after the change; whether a status \
         is a success). The rows answer every direction and fact, including some the differ \
         never gives a kind (a parameter's change travels in requests or is the operation's \
         own).\n\n\
         | change | direction | when | wire | Rust | note |\n|---|---|---|---|---|---|\n",
    );
    for row in rows() {
        let (wire, rust, note) = row.outcome;
        let direction =
            if row.relevant.contains(&Factor::Direction) && row.directions.len() < Direction::iter().count() + 1 {
                row.directions
                    .iter()
                    .map(|d| direction_label(*d))
                    .collect::<Vec<_>>()
                    .join(", ")
            } else {
                "any".to_string()
            };
        let when: Vec<&str> = row.relevant.iter().filter_map(|f| f.describe(row.case)).collect();
        let when = if when.is_empty() {
            "any".to_string()
        } else {
            when.join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | {direction} | {when} | {} | {} | {} |",
            row.kind.slug(),
            wire.label(),
            rust.label(),
            note.unwrap_or("")
        );
    }
    out
}

fn differs_only_in(a: Case, b: Case, factor: Factor) -> bool {
    Factor::ALL
        .into_iter()
        .filter(|f| *f != factor)
        .all(|f| f.take(a, b) == a)
}

/// Every case of every kind is described by exactly one row, and that row says what
/// `Kind::verdicts` does for it: the grouping loses and invents nothing.
#[test]
fn every_case_has_one_row_with_its_verdicts() {
    let rows = rows();
    for kind in Kind::iter() {
        for case in Case::all() {
            let describing: Vec<&Row> = rows.iter().filter(|r| r.kind == kind && r.covers(case)).collect();
            assert_eq!(
                describing.len(),
                1,
                "{} {case:?}: {} rows",
                kind.slug(),
                describing.len()
            );
            assert_eq!(describing[0].outcome, case.judge(kind), "{} {case:?}", kind.slug());
        }
    }
}

/// `xtask/VERDICTS.md` is the table `table` renders now.
#[test]
fn verdict_table_is_current() {
    let table = table();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("VERDICTS.md");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, &table).unwrap();
    }
    let recorded = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", path.display()));
    assert!(
        recorded == table,
        "{} differs from the policy in policy.rs (UPDATE_GOLDEN=1 rewrites it):\n{table}",
        path.display()
    );
}
