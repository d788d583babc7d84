//! Type fidelity on the real documents: what Spotnana sends parses into the generated type,
//! lands in the right variant, and serializes back to what was sent.
//!
//! The types are looked up through `type_table.rs`, written by this package's build script
//! from the pinned documents (every component schema).
// The table names every such type, the ones Spotnana deprecates included.
#![allow(deprecated)]

mod support;

use support::json::{first_difference, numbers_as_floats, without_empty_members};
use support::sampler::{Sampler, UNKNOWN_PROPERTY, UnionCheck};

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

/// As the client reads a response (on its own stack, see `spotnana::decode`) and writes a
/// request.
fn round_trip<T: DeserializeOwned + Serialize>(value: Value) -> Result<Value, String> {
    let bytes = serde_json::to_vec(&value).map_err(|e| format!("{e}"))?;
    let parsed: T = spotnana::decode::from_slice(&bytes).map_err(|e| format!("deserialize: {e}"))?;
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
            let ours = ours.and_then(|back| support::json::lossless(example, &back));
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

    // Guards against a vacuous pass (an empty cache); the count itself is in the report.
    assert!(examples > 0, "no component example in the tracked documents");
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
    assert!(enums > 0, "no component string enum in the tracked documents");
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

/// Every union of a document: (JSON pointer, schema, where it stands). Components by
/// pointer; inline unions are those the type table lists by pointer (see the build script).
fn unions_of<'a>(module: &str, doc: &'a Value) -> Vec<(String, &'a Value, &'static str)> {
    let mut out = Vec::new();
    for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
        if schema.get("oneOf").is_some() {
            out.push((name.clone(), schema, "component"));
        }
    }
    for e in TYPES.iter().filter(|e| e.module == module && e.schema.starts_with('/')) {
        let schema = doc
            .pointer(e.schema)
            .unwrap_or_else(|| panic!("{module}: the table names {}, not in the document", e.schema));
        out.push((e.schema.to_string(), schema, "inline"));
    }
    out
}

/// What a release adding a union member would send: member `payload` with an unknown tag,
/// or, for a union chosen by keys, an object of none of its members' keys.
fn from_an_unknown_member(union: &Value, payload: &Value) -> Value {
    match union.pointer("/discriminator/propertyName").and_then(Value::as_str) {
        Some(property) => {
            let mut unknown = payload.clone();
            unknown[property] = json!("A_MEMBER_ADDED_LATER");
            unknown
        }
        None => json!({"aMemberAddedLater": {"id": "x", "amount": 1}}),
    }
}

#[test]
fn every_one_of_variant_lands_in_its_variant_and_round_trips() {
    let mut payloads = 0;
    let mut unsampled = Vec::new();
    let mut failures = Vec::new();
    let mut invalid = Vec::new();
    // Per kind of union: (unions, member payloads, unknown-member payloads).
    let mut kinds: std::collections::BTreeMap<String, (usize, usize, usize)> = Default::default();
    for (module, doc) in documents() {
        let unions = UnionCheck::new(&doc);
        // Optional members included, so that a wrong variant would lose them on the way back.
        let sampler = Sampler {
            unions: Some(&unions),
            ..Sampler::new(&doc, true, false)
        };
        let components = doc["components"].clone();
        for (name, schema, stands) in unions_of(&module, &doc) {
            let members = schema["oneOf"].as_array().unwrap();
            let kind = format!(
                "{stands}, {}, by {}",
                if members.len() == 1 {
                    "one member"
                } else {
                    "several members"
                },
                if schema.get("discriminator").is_some() {
                    "tag"
                } else {
                    "keys"
                }
            );
            let count = kinds.entry(kind).or_default();
            count.0 += 1;
            let e = entry(&module, &name);
            let mut first = None;
            for (index, member) in members.iter().enumerate() {
                let Some(payload) = sampler.member(schema, member, index, 0) else {
                    unsampled.push(format!("{module}: {name} member {index}"));
                    continue;
                };
                payloads += 1;
                count.1 += 1;
                first.get_or_insert_with(|| payload.clone());
                // The sampler takes the document's examples as they are; one that breaks its
                // own schema is the document's defect, reported rather than counted against us.
                let validator = support::validator(member, &components, false)
                    .unwrap_or_else(|e| panic!("{module}: {name} member {index}: schema does not compile: {e}"));
                let invalid_because = validator
                    .iter_errors(&payload)
                    .next()
                    .map(|error| format!("{error} at {:?}", error.instance_path().to_string()));
                let mut ours = Vec::new();
                // typify names a member after its type (less a prefix all members share), or
                // `Variant<i>`.
                let want = expected_variant(member, index);
                match (e.variant)(payload.clone()) {
                    Ok(got) if want.ends_with(&got) || got == format!("Variant{index}") => {}
                    other => ours.push(format!("should land in {want}: {other:?}")),
                }
                if let Err(e) =
                    (e.round_trip)(payload.clone()).and_then(|back| support::json::lossless(&payload, &back))
                {
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
            // A member Spotnana adds later lands in `Unrecognized` and goes back as it came.
            let unknown = from_an_unknown_member(schema, first.as_ref().unwrap_or(&json!({})));
            count.2 += 1;
            let place = format!("{module}: {name}, a member added later");
            match (e.variant)(unknown.clone()) {
                Ok(got) if got == "Unrecognized" => {}
                other => failures.push(format!("{place}: should land in Unrecognized: {other:?}")),
            }
            match (e.round_trip)(unknown.clone()) {
                Ok(back) if back == unknown => {}
                other => failures.push(format!("{place}: should round-trip unchanged: {other:?}")),
            }
        }
    }
    let mut report = format!(
        "# oneOf payloads\n\n{payloads} payloads, one per member; {} not sampled; {} invalid against the \
         member's schema per the `jsonschema` crate (document examples, or a nested oneOf whose members \
         overlap).\n\n| union | unions | member payloads | unknown-member payloads |\n| --- | ---: | ---: | ---: |\n",
        unsampled.len(),
        invalid.len()
    );
    for (kind, (unions, members, unknown)) in &kinds {
        writeln!(report, "| {kind} | {unions} | {members} | {unknown} |").unwrap();
    }
    writeln!(report, "\nInvalid against the member's schema:\n").unwrap();
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
        "{payloads} payloads, {} invalid, {} not sampled; by kind {kinds:?} (see {})",
        invalid.len(),
        unsampled.len(),
        path.display()
    );
    assert!(payloads > 0, "no oneOf payload made from the tracked documents");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// `value` without the property the maximal sample adds, at every level.
fn without_unknown(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| *k != UNKNOWN_PROPERTY)
                .map(|(k, v)| (k.clone(), without_unknown(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_unknown).collect()),
        other => other.clone(),
    }
}

fn count_unknown(value: &Value) -> usize {
    match value {
        Value::Object(map) => {
            usize::from(map.contains_key(UNKNOWN_PROPERTY)) + map.values().map(count_unknown).sum::<usize>()
        }
        Value::Array(items) => items.iter().map(count_unknown).sum(),
        _ => 0,
    }
}

/// The inline object schemas (with properties, below a component, not the component itself)
/// of a document: (address, JSON pointer).
fn inline_objects(value: &Value, at: String, top: bool, out: &mut Vec<(usize, String)>) {
    match value {
        Value::Object(map) => {
            if !top
                && map
                    .get("properties")
                    .and_then(Value::as_object)
                    .is_some_and(|p| !p.is_empty())
            {
                out.push((value as *const Value as usize, at.clone()));
            }
            for (k, v) in map {
                if k != "example" && k != "examples" && k != "default" {
                    inline_objects(v, format!("{at}/{k}"), false, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                inline_objects(v, format!("{at}/{i}"), false, out);
            }
        }
        _ => {}
    }
}

/// Every component schema, with every property set (nested inline objects included, to the
/// sampler's depth) and a property no schema defines added to every object, parses into its
/// generated type and serializes back to the same JSON: nothing is dropped, so a
/// read-modify-write through the client erases nothing on Spotnana's side.
#[test]
fn every_schema_keeps_every_property_and_unknown_ones_through_a_round_trip() {
    let mut report = String::from(
        "# Maximal samples: every property set, an unknown property at every object level\n\n\
         Each component schema is sampled with every property set (examples for scalar values, \
         the first valid member at a union, formats honoured; below depth 8 only required and \
         defaulted properties) and the property `zzAddedLaterBySpotnana` added to every object \
         that has properties. The payload must deserialize into the generated type and \
         serialize back to equal JSON (numbers compared as numbers: `510` = `510.0`).\n\n\
         | API | component schemas | payloads | inline object schemas reached | unknown properties kept | failures | document defects |\n\
         | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    let mut failures = Vec::new();
    let mut defects = Vec::new();
    let mut unsampled = Vec::new();
    let mut unreached = Vec::new();
    let mut totals = [0usize; 6];
    let mut empties = 0;
    for (module, doc) in documents() {
        let unions = UnionCheck::new(&doc);
        let sampler = Sampler {
            unions: Some(&unions),
            maximal: true,
            ..Sampler::new(&doc, true, false)
        };
        let components = doc["components"].clone();
        let (mut schemas, mut payloads, mut kept, mut failed, mut defective) = (0, 0, 0, 0, 0);
        let schemas_of_doc = doc["components"]["schemas"].as_object().unwrap();
        for (name, schema) in schemas_of_doc {
            schemas += 1;
            let pointer = format!("/components/schemas/{name}");
            let Some(payload) = sampler.sample(schema, 0) else {
                unsampled.push(format!("{module}{pointer}"));
                continue;
            };
            payloads += 1;
            let back = (entry(&module, name).round_trip)(payload.clone());
            let outcome = back.and_then(|back| {
                let mut empty_sent = 0;
                let sent = numbers_as_floats(&without_empty_members(&payload, &mut empty_sent));
                let got = numbers_as_floats(&without_empty_members(&back, &mut 0));
                empties += empty_sent;
                match first_difference(&sent, &got, String::new()) {
                    None => Ok(count_unknown(&back)),
                    Some((at, sent, got)) => Err(format!("changed {at:?}: sent {sent}, got back {got}")),
                }
            });
            match outcome {
                Ok(n) => kept += n,
                Err(e) => {
                    // The document's defect if its own schema rejects the payload (without the
                    // unknown property, which a closed schema rightly rejects).
                    let reference = json!({"$ref": format!("#/components/schemas/{name}")});
                    let validator = support::validator(&reference, &components, false)
                        .unwrap_or_else(|e| panic!("{module}{pointer}: schema does not compile: {e}"));
                    let reasons: Vec<String> = validator
                        .iter_errors(&without_unknown(&payload))
                        .map(|e| format!("{e} at {}", e.instance_path()))
                        .take(3)
                        .collect();
                    // Only a payload the type refuses can be the document's fault: one it reads
                    // and writes back differently is our loss, whatever else the schema says.
                    if reasons.is_empty() || !e.starts_with("deserialize:") {
                        failed += 1;
                        failures.push(format!("{module}{pointer}: {e}"));
                    } else {
                        defective += 1;
                        defects.push(format!(
                            "{module}{pointer}: {e}; the schema rejects the payload: {}",
                            reasons.join("; ")
                        ));
                    }
                }
            }
        }
        let mut inline = Vec::new();
        for (name, schema) in schemas_of_doc {
            inline_objects(schema, format!("/components/schemas/{name}"), true, &mut inline);
        }
        let reached = sampler.reached.borrow();
        let hit = inline.iter().filter(|(address, _)| reached.contains(address)).count();
        unreached.extend(
            inline
                .iter()
                .filter(|(address, _)| !reached.contains(address))
                .map(|(_, ptr)| format!("{module}{ptr}")),
        );
        writeln!(
            report,
            "| {module} | {schemas} | {payloads} | {hit} of {} | {kept} | {failed} | {defective} |",
            inline.len()
        )
        .unwrap();
        for (total, n) in totals
            .iter_mut()
            .zip([schemas, payloads, hit, inline.len(), kept, failed])
        {
            *total += n;
        }
    }
    writeln!(
        report,
        "| all | {} | {} | {} of {} | {} | {} | {} |\n",
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        totals[4],
        totals[5],
        defects.len()
    )
    .unwrap();
    writeln!(
        report,
        "Empty arrays and objects sent as optional members: {empties}; the generated types \
         write them back absent (typify's optional `Vec` and free-form `Map` fields skip empty \
         values), which an update reads as the same empty member, so they are compared as \
         absent.\n"
    )
    .unwrap();
    for (title, lines) in [
        ("Failures", &failures),
        (
            "Document defects (the payload breaks the schema it was sampled from)",
            &defects,
        ),
        ("Not sampled", &unsampled),
        (
            "Inline object schemas not reached (below the depth cut or behind a union member not taken)",
            &unreached,
        ),
    ] {
        writeln!(report, "## {title}: {}\n", lines.len()).unwrap();
        for line in lines {
            writeln!(report, "- {line}").unwrap();
        }
        report.push('\n');
    }
    let path = report_path("lossless.md");
    std::fs::write(&path, &report).unwrap();
    println!(
        "{} schemas, {} payloads, {} of {} inline objects reached, {} unknown properties kept, {} failures, {} defects (see {})",
        totals[0],
        totals[1],
        totals[2],
        totals[3],
        totals[4],
        failures.len(),
        defects.len(),
        path.display()
    );
    assert!(totals[4] > 0, "no payload carried an unknown property");
    assert!(
        failures.is_empty(),
        "{} schemas lose data in a round trip:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
