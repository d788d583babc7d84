//! The same documents give byte-identical code, shared module included.

mod support;

#[test]
fn generating_twice_gives_identical_bytes() {
    let first = support::generate_tracked();
    let second = support::generate_tracked();
    assert!(
        first.common == second.common,
        "the common module differs between two generations"
    );
    assert_eq!(
        first.apis.len(),
        support::manifest().api.len(),
        "one module per tracked API"
    );
    for ((module, a), (_, b)) in first.apis.iter().zip(&second.apis) {
        assert!(a.code == b.code, "{module}: two generations differ");
        assert!(a.code.len() > 1000, "{module}: suspiciously small output");
    }
}

#[test]
fn identical_components_are_generated_once() {
    let set = support::generate_tracked();
    let shared_uses: usize = set.apis.iter().map(|(_, g)| g.shared).sum();
    println!(
        "{} shared types replace {shared_uses} per-API definitions",
        set.common_types
    );
    assert!(set.common_types > 0, "no shared type");
    assert!(
        shared_uses >= 2 * set.common_types,
        "each shared type is used by at least two APIs"
    );
    for name in ["ErrorResponse", "UserId", "CompanyId"] {
        assert!(
            set.common.contains(&format!("pub struct {name} ")),
            "{name} is not in the common module"
        );
    }
}

/// One Rust type per distinct component schema at most: the documents' definitions counted
/// by name and content, the content including every component it reaches (a schema defined
/// alike in two documents that reaches one defined differently is two types, rightly), against
/// what the generator made of them.
#[test]
fn component_schemas_make_at_most_one_type_each_distinct() {
    use std::collections::{BTreeMap, BTreeSet};
    let mut definitions = 0;
    let mut distinct = BTreeSet::new();
    for api in support::manifest().api {
        let doc: serde_json::Value = serde_json::from_slice(&support::document(&api)).unwrap();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in schemas.keys() {
            definitions += 1;
            // The schema and everything it reaches, by name and content.
            let mut reached = BTreeMap::new();
            let mut next = vec![name.clone()];
            while let Some(n) = next.pop() {
                let Some(schema) = schemas.get(&n) else { continue };
                if reached.insert(n, spotnana_codegen::share::canonical(schema)).is_none() {
                    refs(schema, &mut next);
                }
            }
            distinct.insert((name.clone(), format!("{reached:?}")));
        }
    }
    let set = support::generate_tracked();
    let types = set.component_types();
    println!(
        "{definitions} component definitions, {} distinct; {types} Rust types ({} in common)",
        distinct.len(),
        set.common_types
    );
    assert!(
        types <= distinct.len(),
        "{types} Rust types for {} distinct component schemas",
        distinct.len()
    );
}

/// The component names `value` refers to (`#/components/schemas/<name>`).
fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            if let Some(r) = map.get("$ref").and_then(|r| r.as_str())
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.push(name.replace("~1", "/").replace("~0", "~"));
            }
            map.values().for_each(|v| refs(v, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// Every deprecation a document declares on a component schema, a component property (nested
/// inline objects included) or an operation ends up `#[deprecated]` on its Rust item, in the
/// API module or in `common`.
#[test]
fn every_deprecation_is_marked() {
    use std::collections::BTreeSet;
    let escape = |s: &str| s.replace('~', "~0").replace('/', "~1");
    let mut declared = BTreeSet::new();
    for api in support::manifest().api {
        let doc: serde_json::Value = serde_json::from_slice(&support::document(&api)).unwrap();
        let is_deprecated = |v: &serde_json::Value| v.get("deprecated") == Some(&serde_json::json!(true));
        for (name, schema) in doc["components"]["schemas"].as_object().unwrap() {
            let at = format!("/components/schemas/{}", escape(name));
            if is_deprecated(schema) {
                declared.insert(at.clone());
            }
            // Properties, and those of the inline objects nested in them (and in array items);
            // enum values deprecated one by one (Spotnana's `x-enumDeprecated`).
            let mut stack = vec![(at, schema)];
            while let Some((at, schema)) = stack.pop() {
                for (value, how) in schema
                    .get("x-enumDeprecated")
                    .and_then(|v| v.as_object())
                    .into_iter()
                    .flatten()
                {
                    if is_deprecated(how) {
                        declared.insert(format!("{at}/x-enumDeprecated/{}", escape(value)));
                    }
                }
                for (property, node) in schema
                    .get("properties")
                    .and_then(|p| p.as_object())
                    .into_iter()
                    .flatten()
                {
                    let at = format!("{at}/properties/{}", escape(property));
                    if is_deprecated(node) {
                        declared.insert(at.clone());
                    }
                    match node.get("items") {
                        Some(items) if items.get("properties").is_some() => stack.push((format!("{at}/items"), items)),
                        _ => stack.push((at, node)),
                    }
                }
            }
        }
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                if is_deprecated(op) {
                    declared.insert(format!("/paths/{}/{method}", escape(path)));
                }
            }
        }
    }
    let set = support::generate_tracked();
    let marked: BTreeSet<String> = set
        .apis
        .iter()
        .map(|(_, g)| &g.report)
        .chain([&set.common_report])
        .filter_map(|report| report.get("mark_deprecated"))
        .flat_map(|changes| changes.places.iter().map(|(ptr, _)| ptr.clone()))
        .collect();
    println!("{} deprecations declared, {} marked", declared.len(), marked.len());
    assert!(!declared.is_empty(), "no deprecation in the tracked documents");
    let missing: Vec<_> = declared.difference(&marked).collect();
    let extra: Vec<_> = marked.difference(&declared).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "not marked: {missing:?}; marked but not declared: {extra:?}"
    );
}
