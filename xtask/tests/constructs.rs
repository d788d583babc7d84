//! The 3.1 constructs Spotnana does not use yet (type arrays with `null`, `const`,
//! `examples`, numeric `exclusive*`, `anyOf`, an inline discriminated `oneOf`, `allOf` with a
//! discriminator, a one-member union, integer enums, names starting with a digit or equal
//! to a keyword), in a document of the project's own: what each fix-up and pass does to it,
//! and the code it generates, are golden files (progenitor's `tests/output` discipline), so a
//! change to the bridge shows in review. Compiling that code and round-tripping the
//! document's examples through it is `fixture_clients.rs`'s
//! `the_constructs_document_compiles_and_round_trips_its_examples`.
//!
//! `UPDATE_GOLDEN=1 cargo test -p xtask --test constructs` rewrites the golden files.

use std::fmt::Write as _;
use std::path::PathBuf;

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn check_golden(name: &str, actual: &str) {
    let path = fixtures().join("golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (write it with UPDATE_GOLDEN=1)", path.display()));
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(a, b)| a != b)
            .map_or(expected.lines().count().min(actual.lines().count()), |i| i);
        panic!(
            "{} differs from what is generated now, from line {} (UPDATE_GOLDEN=1 rewrites it after review):\n  golden: {:?}\n  now:    {:?}",
            path.display(),
            line + 1,
            expected.lines().nth(line),
            actual.lines().nth(line)
        );
    }
}

#[test]
fn each_fix_up_and_pass_does_what_its_golden_file_says_on_the_constructs_document() {
    let bytes = std::fs::read(fixtures().join("fixtures/constructs/constructs.json")).unwrap();
    let doc = serde_json::from_slice(&bytes).unwrap();
    let set = spotnana_codegen::generate_all_parsed(vec![("auth".into(), doc)], &Default::default())
        .unwrap_or_else(|e| panic!("the constructs document does not generate: {e}"));
    let (_, generated) = &set.apis[0];
    let mut places = String::from(
        "# What each fix-up and pass changed in constructs.json\n\nWritten by `xtask/tests/constructs.rs`.\n",
    );
    for (rule, changes) in &generated.report {
        if changes.places.is_empty() {
            continue;
        }
        writeln!(places, "\n## `{rule}`\n").unwrap();
        for (place, note) in &changes.places {
            writeln!(places, "- `{place}`: {note}").unwrap();
        }
    }
    check_golden("constructs-passes.md", &places);
    check_golden("constructs.rs", &generated.code);
    // Every construct of the document is bridged by a named fix-up or pass.
    for rule in [
        "type_arrays_to_nullable",
        "const_to_enum",
        "examples_to_example",
        "exclusive_bounds_to_booleans",
        "any_of_to_one_of",
        "discriminated_all_of_to_one_of",
        "hoist_inline_unions",
        "dispatch_unions",
        "fill_tags_in_constructors",
    ] {
        assert!(
            generated.report.get(rule).is_some_and(|c| !c.places.is_empty()),
            "{rule} changed nothing in the constructs document"
        );
    }
    assert!(
        generated.report["untagged_unions_left"].places.is_empty(),
        "unions still read by first match: {:?}",
        generated.report["untagged_unions_left"].places
    );
}
