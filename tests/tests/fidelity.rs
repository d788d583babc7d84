//! Type fidelity on the real documents: what Spotnana sends parses into the generated type,
//! lands in the right variant, and serializes back to what was sent.
//!
//! The types are looked up through `type_table.rs`, written by this package's build script
//! from the pinned documents (every component with an example, every string enum, every
//! `oneOf`).
// The table names every such type, the ones Spotnana deprecates included.
#![allow(deprecated)]

mod support;

use support::sampler::{Sampler, UnionCheck};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};
use std::fmt::{Debug, Write as _};

struct Entry {
    module: &'static str,
    schema: &'static str,
    round_trip: fn(Value) -> Result<Value, String>,
    variant: fn(Value) -> Result<String, String>,
}

fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let parsed: T = serde_json::from_value(value).map_err(|e| format!("deserialize: {e}"))?;
    serde_json::to_value(&parsed).map_err(|e| format!("serialize: {e}"))
}

/// The variant a value lands in, read off `Debug` (`Variant(…)` or `Variant { … }`).
fn variant_of<T: DeserializeOwned + Debug>(value: Value) -> Result<String, String> {
    let parsed: T = serde_json::from_value(value).map_err(|e| format!("deserialize: {e}"))?;
    let debug = format!("{parsed:?}");
    Ok(debug
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .next()
        .unwrap_or_default()
        .to_string())
}

include!(concat!(env!("OUT_DIR"), "/type_table.rs"));

fn entry(module: &str, schema: &str) -> &'static Entry {
    TYPES
        .iter()
        .find(|e| e.module == module && e.schema == schema)
        .unwrap_or_else(|| panic!("{module}: no generated type listed for {schema}"))
}

fn documents() -> Vec<(String, Value)> {
    support::manifest()
        .api
        .iter()
        .map(|api| {
            let doc = serde_json::from_slice(&support::document(api)).expect("pinned document is JSON");
            (api.module.clone(), doc)
        })
        .collect()
}

/// Equal up to null-valued members (an absent optional and an explicit null are the same
/// thing to the generated types), number representation (`1` and `1.0`), and empty arrays
/// and free-form objects in optional members: typify writes an optional array as a `Vec`,
/// and an optional free-form object as a `Map`, skipped when empty, so `"x": []` and
/// `"x": {}` come back absent (a known, documented loss).
fn normalize(value: &Value) -> Value {
    match value {
        // Members normalized first: an object left empty by that is empty too.
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), normalize(v)))
                .filter(|(_, v)| {
                    !v.is_null()
                        && v.as_array().is_none_or(|a| !a.is_empty())
                        && v.as_object().is_none_or(|o| !o.is_empty())
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalize).collect()),
        Value::Number(n) => json!(n.as_f64()),
        other => other.clone(),
    }
}

/// The first place two values differ: (JSON pointer, left, right), for readable failures.
fn first_difference(left: &Value, right: &Value, at: String) -> Option<(String, Value, Value)> {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            for key in l.keys().chain(r.keys()) {
                let (a, b) = (l.get(key).unwrap_or(&Value::Null), r.get(key).unwrap_or(&Value::Null));
                if let Some(d) = first_difference(a, b, format!("{at}/{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => l
            .iter()
            .zip(r)
            .enumerate()
            .find_map(|(i, (a, b))| first_difference(a, b, format!("{at}/{i}"))),
        _ if left == right => None,
        _ => Some((at, left.clone(), right.clone())),
    }
}

fn same(sent: &Value, back: &Value) -> Result<(), String> {
    match first_difference(&normalize(sent), &normalize(back), String::new()) {
        None => Ok(()),
        Some((at, a, b)) => Err(format!("round trip changed {at:?}: sent {a}, got back {b}")),
    }
}

fn report_path(name: &str) -> std::path::PathBuf {
    let dir = support::workspace_root().join("target/fidelity");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn every_component_example_round_trips_or_is_reported_invalid() {
    let mut examples = 0;
    let mut invalid = Vec::new();
    let mut failures = Vec::new();
    for (module, doc) in documents() {
        let components = doc["components"].clone();
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            let Some(example) = schema.get("example") else { continue };
            examples += 1;
            let pointer = format!("/components/schemas/{name}/example");
            // An independent reader: the example against its own schema, JSON Schema 2020-12.
            let reference = json!({"$ref": format!("#/components/schemas/{name}")});
            let validator = support::validator(&reference, &components, false)
                .unwrap_or_else(|e| panic!("{module}{pointer}: schema does not compile: {e}"));
            let reasons: Vec<String> = validator
                .iter_errors(example)
                .map(|e| format!("{} at {}", e, e.instance_path()))
                .collect();
            let ours = (entry(&module, name).round_trip)(example.clone());
            let ours = ours.and_then(|back| same(example, &back));
            if reasons.is_empty() {
                if let Err(e) = ours {
                    failures.push(format!("{module}{pointer}: {e}"));
                }
            } else {
                invalid.push((module.clone(), pointer, reasons, ours));
            }
        }
    }

    let mut report = String::from("# Component examples invalid against their own schema\n\n");
    writeln!(
        report,
        "{examples} examples; {} invalid per the `jsonschema` crate (draft 2020-12).\n",
        invalid.len()
    )
    .unwrap();
    for (module, pointer, reasons, ours) in &invalid {
        let outcome = match ours {
            Ok(()) => "still round-trips through the generated type".to_string(),
            Err(e) => format!("generated type rejects it: {e}"),
        };
        writeln!(report, "- `{module}{pointer}`: {}; {outcome}", reasons.join("; ")).unwrap();
    }
    let path = report_path("invalid-examples.md");
    std::fs::write(&path, &report).unwrap();
    println!(
        "{examples} examples, {} invalid (see {})",
        invalid.len(),
        path.display()
    );

    assert_eq!(examples, 313, "the nine documents hold 313 component examples");
    assert!(
        failures.is_empty(),
        "{} of {} valid examples do not round-trip:\n{}",
        failures.len(),
        examples - invalid.len(),
        failures.join("\n")
    );
}

#[test]
fn every_string_enum_keeps_a_value_it_does_not_know() {
    let mut enums = 0;
    let mut failures = Vec::new();
    for (module, doc) in documents() {
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            if schema.get("enum").is_none() || schema.get("type") != Some(&json!("string")) {
                continue;
            }
            enums += 1;
            let unknown = json!("SPOTNANA_VALUE_ADDED_LATER");
            let e = entry(&module, name);
            match ((e.round_trip)(unknown.clone()), (e.variant)(unknown.clone())) {
                (Ok(back), Ok(variant)) if back == unknown && variant == "Unrecognized" => {}
                other => failures.push(format!("{module}: {name}: {other:?}")),
            }
            // Every known value keeps a named variant.
            for value in schema["enum"].as_array().unwrap() {
                match (e.variant)(value.clone()) {
                    Ok(variant) if variant != "Unrecognized" => {}
                    other => failures.push(format!("{module}: {name}: known {value} → {other:?}")),
                }
            }
        }
    }
    println!("{enums} component string enums");
    assert!(enums > 100, "expected the documents' string enums, found {enums}");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The variant name typify gives a `oneOf` member: the referenced type, or `Variant<i>`.
fn expected_variant(member: &Value, index: usize) -> String {
    let reference = member.get("$ref").or_else(|| member.pointer("/allOf/0/$ref"));
    match reference.and_then(Value::as_str) {
        Some(r) => spotnana_codegen::sanitize_type_name(r.rsplit('/').next().unwrap()),
        None => format!("Variant{index}"),
    }
}

#[test]
fn every_one_of_variant_lands_in_its_variant_and_round_trips() {
    let mut payloads = 0;
    let mut unsampled = Vec::new();
    let mut failures = Vec::new();
    let mut single = 0;
    let mut invalid = Vec::new();
    for (module, doc) in documents() {
        let unions = UnionCheck::new(&doc);
        // Optional members included, so that a wrong variant would lose them on the way back.
        let sampler = Sampler {
            doc: &doc,
            examples: true,
            required_only: false,
            unions: Some(&unions),
        };
        let components = doc["components"].clone();
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            let Some(members) = schema.get("oneOf").and_then(Value::as_array) else {
                continue;
            };
            let e = entry(&module, name);
            for (index, member) in members.iter().enumerate() {
                let Some(payload) = sampler.member(schema, member, index, 0) else {
                    unsampled.push(format!("{module}: {name} member {index}"));
                    continue;
                };
                payloads += 1;
                // The sampler takes the document's examples as they are; one that breaks its
                // own schema is the document's defect, reported rather than counted against us.
                let validator = support::validator(member, &components, false)
                    .unwrap_or_else(|e| panic!("{module}: {name} member {index}: schema does not compile: {e}"));
                let invalid_because = validator
                    .iter_errors(&payload)
                    .next()
                    .map(|error| format!("{error} at {:?}", error.instance_path().to_string()));
                let mut ours = Vec::new();
                let want = expected_variant(member, index);
                if members.len() == 1 {
                    // typify makes a one-member oneOf a newtype: no variant to land in.
                    single += 1;
                } else {
                    // typify names a member after its type (less a prefix all members
                    // share), or `Variant<i>`.
                    match (e.variant)(payload.clone()) {
                        Ok(got) if want.ends_with(&got) || got == format!("Variant{index}") => {}
                        other => ours.push(format!("should land in {want}: {other:?}")),
                    }
                }
                if let Err(e) = (e.round_trip)(payload.clone()).and_then(|back| same(&payload, &back)) {
                    ours.push(e);
                }
                let place = format!("{module}: {name} member {index}");
                match invalid_because {
                    None => failures.extend(ours.into_iter().map(|e| format!("{place}: {e}"))),
                    Some(why) => invalid.push(format!(
                        "{place}: payload invalid against the member's schema ({why}); ours: {}",
                        if ours.is_empty() {
                            "lands and round-trips".to_string()
                        } else {
                            ours.join("; ")
                        }
                    )),
                }
            }
        }
    }
    let mut report = format!(
        "# oneOf payloads\n\n{payloads} payloads, one per member ({single} of one-member unions); \
         {} not sampled; {} invalid against the member's schema per the `jsonschema` crate \
         (document examples, or a nested oneOf whose members overlap):\n\n",
        unsampled.len(),
        invalid.len()
    );
    for line in &invalid {
        writeln!(report, "- {line}").unwrap();
    }
    writeln!(report, "\nNot sampled (no property of the member could be sampled: a string with a pattern and no example, or nesting deeper than the sampler goes):\n").unwrap();
    for line in &unsampled {
        writeln!(report, "- {line}").unwrap();
    }
    let path = report_path("one-of-payloads.md");
    std::fs::write(&path, &report).unwrap();
    println!(
        "{payloads} payloads, {} invalid, {} not sampled (see {})",
        invalid.len(),
        unsampled.len(),
        path.display()
    );
    assert!(payloads > 250, "expected a payload per oneOf member, made {payloads}");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
