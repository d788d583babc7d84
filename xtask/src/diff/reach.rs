//! Which operations reach which component schemas, and in which direction: a change inside a
//! component is reported once, at the component, with the operations that reach it.

use super::model::Direction;
use serde_json::Value;
use spotnana_codegen::Operation;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// One operation of a document ([`spotnana_codegen::Operation`]) with what the diff matches
/// it by.
pub struct Op<'v> {
    /// Method and path with path-parameter names erased (`GET /v2/users/{}`): how operations
    /// are matched across documents.
    pub key: String,
    /// `GET /v2/users/{userId}`, as the document spells it.
    pub label: String,
    pub operation: Operation<'v>,
}

/// An `Op` reads as its operation: `op.path`, `op.op`, `op.pointer()`, …
impl<'v> std::ops::Deref for Op<'v> {
    type Target = Operation<'v>;
    fn deref(&self) -> &Operation<'v> {
        &self.operation
    }
}

/// `/v2/users/{userId}` → `/v2/users/{}`.
pub fn normalize_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push('{');
            }
            '}' => {
                in_param = false;
                out.push('}');
            }
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}

/// The operations of a document, in document order.
pub fn operations(doc: &Value) -> Vec<Op<'_>> {
    spotnana_codegen::operations(doc)
        .into_iter()
        .map(|operation| {
            let upper = operation.method.to_ascii_uppercase();
            Op {
                key: format!("{upper} {}", normalize_path(operation.path)),
                label: format!("{upper} {}", operation.path),
                operation,
            }
        })
        .collect()
}

pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix("#/components/schemas/")
}

/// Component schemas referenced anywhere below `value`, following references to other
/// components (parameters, responses, …) into their targets.
fn collect_refs<'v>(value: &'v Value, doc: &'v Value, schemas: &mut BTreeSet<&'v str>, seen: &mut HashSet<&'v str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                if let Some(name) = schema_ref_name(r) {
                    schemas.insert(name);
                } else if let Some(target) = r.strip_prefix('#').filter(|_| seen.insert(r.as_str()))
                    && let Some(t) = doc.pointer(target)
                {
                    collect_refs(t, doc, schemas, seen);
                }
            }
            for v in map.values() {
                collect_refs(v, doc, schemas, seen);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect_refs(v, doc, schemas, seen)),
        _ => {}
    }
}

/// Component schema name → (operation key → direction).
pub type Reach = HashMap<String, BTreeMap<String, Direction>>;

pub fn reach(doc: &Value) -> Reach {
    let empty = serde_json::Map::new();
    let components = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let direct: HashMap<&str, BTreeSet<&str>> = components
        .iter()
        .map(|(name, schema)| {
            let mut refs = BTreeSet::new();
            collect_refs(schema, doc, &mut refs, &mut HashSet::new());
            (name.as_str(), refs)
        })
        .collect();
    let mut reach = Reach::new();
    for op in operations(doc) {
        let mut request = BTreeSet::new();
        let mut seen = HashSet::new();
        for v in [
            op.path_item.get("parameters"),
            op.op.get("parameters"),
            op.op.get("requestBody"),
        ]
        .into_iter()
        .flatten()
        {
            collect_refs(v, doc, &mut request, &mut seen);
        }
        let mut response = BTreeSet::new();
        if let Some(v) = op.op.get("responses") {
            collect_refs(v, doc, &mut response, &mut HashSet::new());
        }
        for (roots, direction) in [(request, Direction::Request), (response, Direction::Response)] {
            let mut stack: Vec<&str> = roots.into_iter().collect();
            let mut visited = HashSet::new();
            while let Some(name) = stack.pop() {
                if !visited.insert(name) {
                    continue;
                }
                reach
                    .entry(name.to_string())
                    .or_default()
                    .entry(op.key.clone())
                    .and_modify(|d| *d = d.union(direction))
                    .or_insert(direction);
                if let Some(next) = direct.get(name) {
                    stack.extend(next.iter().copied());
                }
            }
        }
    }
    reach
}
