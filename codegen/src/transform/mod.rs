//! The named fix-ups between Spotnana's OpenAPI 3.1 documents and what progenitor 0.15
//! (OpenAPI 3.0, one body type per response class, one media type per body) accepts.
//!
//! Each fix-up is a function `fn(&mut Value, &mut Changes)` over the JSON document, with a
//! doc comment naming the construct it handles and why, and unit tests on small documents.
//! They run in the order of [`PIPELINE`]; every place a fix-up changed is recorded with its
//! JSON pointer, so `--verbose` can print counts and a reviewer can see what was touched.

mod json_schema_2020;
mod names;
mod operations;
mod schema_defects;
mod unions;

pub use json_schema_2020::*;
pub use names::*;
pub use operations::*;
pub use schema_defects::*;
pub use unions::*;

use serde_json::Value;
use std::collections::BTreeMap;

/// What one fix-up did: the JSON pointers it changed, each with a short note.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    pub places: Vec<(String, String)>,
}

impl Changes {
    pub fn record(&mut self, pointer: impl Into<String>, note: impl Into<String>) {
        self.places.push((pointer.into(), note.into()));
    }
    pub fn len(&self) -> usize {
        self.places.len()
    }
    pub fn is_empty(&self) -> bool {
        self.places.is_empty()
    }
}

/// Per fix-up name, what it changed in one document.
pub type Report = BTreeMap<&'static str, Changes>;

/// A fix-up: rewrites the document in place and records where.
pub type Fixup = fn(&mut Value, &mut Changes);

/// The fix-ups in the order they run. Order matters: the 3.1 → 3.0 rewrites come first so
/// the later ones only see 3.0 shapes.
pub const PIPELINE: &[(&str, Fixup)] = &[
    ("strip_reference_object_siblings", strip_reference_object_siblings),
    ("ref_siblings_to_all_of", ref_siblings_to_all_of),
    ("type_arrays_to_nullable", type_arrays_to_nullable),
    ("null_variants_to_nullable", null_variants_to_nullable),
    ("const_to_enum", const_to_enum),
    ("examples_to_example", examples_to_example),
    ("exclusive_bounds_to_booleans", exclusive_bounds_to_booleans),
    ("content_keywords_to_format", content_keywords_to_format),
    ("downgrade_version_to_3_0", downgrade_version_to_3_0),
    ("drop_required_without_property", drop_required_without_property),
    ("float_format_to_double", float_format_to_double),
    ("one_media_type_per_body", one_media_type_per_body),
    ("one_body_type_per_response_class", one_body_type_per_response_class),
    ("retitle_colliding_inline_schemas", retitle_colliding_inline_schemas),
    // After the retitling: an inline union is hoisted under the name typify would give it.
    ("any_of_to_one_of", any_of_to_one_of),
    ("discriminated_all_of_to_one_of", discriminated_all_of_to_one_of),
    ("hoist_inline_unions", hoist_inline_unions),
];

/// Runs every fix-up of [`PIPELINE`] on the document.
pub fn apply_all(doc: &mut Value) -> Report {
    let mut report = Report::new();
    for (name, fixup) in PIPELINE {
        let mut changes = Changes::default();
        fixup(doc, &mut changes);
        report.insert(name, changes);
    }
    report
}
