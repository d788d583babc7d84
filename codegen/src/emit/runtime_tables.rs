//! Tables the hand-written client runtime needs at run time, read from the raw documents.
//!
//! - **Operations**: the generated hooks only learn the (snake-case) `operation_id` of a
//!   request. Logs must show the path *template* (`/v2/users/{userId}`), never the concrete
//!   path, whose segments can be ids; so the runtime looks the template up here.
//! - **x-pii**: Spotnana marks personal properties with `"x-pii": "IDENTIFIER" | "SENSITIVE"`
//!   on the property object (often beside a `$ref`), and a few whole schemas (`Gender`,
//!   `UserTitle`). The runtime redacts the values of these property names wherever it shows
//!   a body excerpt (decode errors), so the table keeps, per component schema, the marked
//!   property names, plus their union.
//!
//! Both work on the raw `serde_json` documents: the fix-ups in [`crate::transform`] neither
//! rename operations nor touch `x-pii`.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

/// One operation of one API, as the runtime sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationRow {
    /// The API's module (`auth`, `users`, …): operationIds are unique per document only.
    pub module: String,
    /// The `operation_id` progenitor puts in `OperationInfo` (the method name).
    pub rust_name: String,
    /// The document's `operationId`, as Spotnana spells it.
    pub operation_id: String,
    /// Upper-case HTTP method.
    pub method: String,
    /// The path template, e.g. `/v2/users/{userId}`.
    pub path: String,
}

/// The runtime's rows of the operations of one document ([`crate::operations`]), in
/// document order.
pub fn operations(module: &str, doc: &Value) -> Vec<OperationRow> {
    crate::operations(doc)
        .into_iter()
        .filter_map(|o| {
            // progenitor rejects operations without an id, so none reaches the client.
            let id = o.operation_id()?;
            Some(OperationRow {
                module: module.into(),
                rust_name: crate::method_name(id),
                operation_id: id.to_string(),
                method: o.method.to_uppercase(),
                path: o.path.to_string(),
            })
        })
        .collect()
}

/// Words of an operationId that name a change of state: an operation with one of them is
/// never sent again after an unknown outcome, whatever else its name says
/// (`hotelModifyDetails`, `getOrCreate…`).
const WRITE_WORDS: &[&str] = &[
    "activate",
    "add",
    "apply",
    "approve",
    "assign",
    "book",
    "booking",
    "cancel",
    "charge",
    "checkout",
    "claim",
    "confirm",
    "create",
    "deactivate",
    "delete",
    "disable",
    "edit",
    "enable",
    "exchange",
    "finalize",
    "hold",
    "import",
    "initiate",
    "invite",
    "issue",
    "lock",
    "merge",
    "migrate",
    "modify",
    "move",
    "order",
    "pay",
    "process",
    "provision",
    "publish",
    "purchase",
    "refund",
    "register",
    "reject",
    "remove",
    "reserve",
    "reset",
    "revoke",
    "rotate",
    "send",
    "set",
    "split",
    "submit",
    "suspend",
    "sync",
    "ticket",
    "toggle",
    "transfer",
    "unassign",
    "unlock",
    "update",
    "upload",
    "upsert",
    "void",
];

/// Words of an operationId that name a read: a POST or PATCH with one of them (and none of
/// [`WRITE_WORDS`]) reads, as Spotnana's searches and lists sent as POST do.
const READ_WORDS: &[&str] = &[
    "check",
    "count",
    "details",
    "download",
    "fetch",
    "filter",
    "find",
    "get",
    "list",
    "lookup",
    "query",
    "read",
    "retrieve",
    "revalidate",
    "search",
    "validate",
];

/// Whether an operation may be sent again after an unknown outcome (a timeout, a 502), and
/// why, in words for its docs. GET, HEAD, OPTIONS, PUT and DELETE are idempotent by HTTP's
/// definition; a POST or PATCH is safe only when its operationId reads as a read (see
/// [`READ_WORDS`], [`WRITE_WORDS`]). Anything else is unsafe: the cost of a read taken for a
/// write is a retry not made, the cost of the reverse a double booking.
pub fn retry_safety(method: &str, operation_id: &str) -> (bool, String) {
    let method = method.to_uppercase();
    if ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"].contains(&method.as_str()) {
        return (true, format!("{method} is idempotent"));
    }
    let snake = crate::method_name(operation_id);
    let words: Vec<&str> = snake.split('_').collect();
    if let Some(word) = words.iter().find(|w| WRITE_WORDS.contains(w)) {
        return (false, format!("`{word}` in its name: a {method} that changes state"));
    }
    if let Some(word) = words.iter().find(|w| READ_WORDS.contains(w)) {
        return (true, format!("reads: `{word}`"));
    }
    (false, format!("a {method} not recognisably a read"))
}

/// The x-pii markers of a set of documents.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PiiTable {
    /// Component schema name → JSON property names whose values are personal data.
    pub by_schema: BTreeMap<String, BTreeSet<String>>,
    /// Number of `x-pii` markers on properties seen (a schema repeated across documents counts
    /// once per document).
    pub markers: usize,
}

impl PiiTable {
    /// Every marked property name, over all schemas.
    pub fn names(&self) -> BTreeSet<&str> {
        self.by_schema.values().flatten().map(String::as_str).collect()
    }

    /// Adds the markers of one document.
    pub fn add_document(&mut self, doc: &Value) {
        let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
            return;
        };
        // Schemas marked as a whole (e.g. `Gender`): a property referring to one is personal
        // even without its own marker.
        let whole: BTreeSet<String> = schemas
            .iter()
            .filter(|(_, s)| s.get("x-pii").is_some())
            .map(|(name, _)| format!("#/components/schemas/{name}"))
            .collect();
        for (name, schema) in schemas {
            let mut found = BTreeSet::new();
            collect(schema, &whole, &mut found, &mut self.markers);
            if !found.is_empty() {
                self.by_schema.entry(name.clone()).or_default().extend(found);
            }
        }
    }
}

/// Walks a schema: every `properties` entry carrying `x-pii` (or referring to a schema that
/// does) adds its name; nested inline schemas are walked too.
fn collect(schema: &Value, whole: &BTreeSet<String>, found: &mut BTreeSet<String>, markers: &mut usize) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Object(props)) = map.get("properties") {
                for (prop, sub) in props {
                    if sub.get("x-pii").is_some() {
                        *markers += 1;
                        found.insert(prop.clone());
                    } else if refers_to(sub, whole) {
                        found.insert(prop.clone());
                    }
                }
            }
            for value in map.values() {
                collect(value, whole, found, markers);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| collect(v, whole, found, markers)),
        _ => {}
    }
}

/// Whether a property schema is (an array of, or an allOf/oneOf/anyOf over) a `$ref` to one
/// of `targets`.
fn refers_to(schema: &Value, targets: &BTreeSet<String>) -> bool {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return targets.contains(r);
    }
    if let Some(items) = schema.get("items") {
        return refers_to(items, targets);
    }
    ["allOf", "oneOf", "anyOf"].iter().any(|k| {
        schema
            .get(*k)
            .and_then(Value::as_array)
            .is_some_and(|list| list.iter().any(|s| refers_to(s, targets)))
    })
}

/// Rust source defining `OPERATIONS`, `PII_BY_SCHEMA`, `PII_NAMES` and `PII_MARKERS`, to be
/// `include!`d into the runtime. Sorted, so lookups can binary-search and the output is
/// deterministic.
pub fn render(operations: &[OperationRow], pii: &PiiTable) -> String {
    let mut ops: Vec<&OperationRow> = operations.iter().collect();
    ops.sort_by(|a, b| (&a.module, &a.rust_name).cmp(&(&b.module, &b.rust_name)));
    let mut out = String::from("// Generated by spotnana-codegen's runtime_tables from the enabled documents.\n\n");
    out.push_str(
        "/// (module, operation_id in `OperationInfo`, operationId, HTTP method, path template, safe \
         to send again), sorted by (module, operation_id).\n",
    );
    out.push_str("pub(crate) static OPERATIONS: &[(&str, &str, &str, &str, &str, bool)] = &[\n");
    for op in ops {
        let (safe, _) = retry_safety(&op.method, &op.operation_id);
        let _ = writeln!(
            out,
            "    ({:?}, {:?}, {:?}, {:?}, {:?}, {safe}),",
            op.module, op.rust_name, op.operation_id, op.method, op.path
        );
    }
    out.push_str("];\n\n/// Component schema → property names marked `x-pii`, sorted by schema.\n");
    out.push_str("pub(crate) static PII_BY_SCHEMA: &[(&str, &[&str])] = &[\n");
    for (schema, names) in &pii.by_schema {
        let list: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
        let _ = writeln!(out, "    ({schema:?}, &[{}]),", list.join(", "));
    }
    out.push_str("];\n\n/// Every property name marked `x-pii`, sorted.\n");
    out.push_str("pub(crate) static PII_NAMES: &[&str] = &[\n");
    for name in pii.names() {
        let _ = writeln!(out, "    {name:?},");
    }
    out.push_str("];\n\n/// Number of `x-pii` property markers in the documents read.\n");
    let _ = writeln!(out, "pub(crate) const PII_MARKERS: usize = {};", pii.markers);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.1.0",
            "paths": {
                "/v2/users/{userId}": {
                    "get": {"operationId": "getUser", "responses": {}},
                    "delete": {"operationId": "deleteUser", "responses": {}}
                },
                "/v2/users": {"post": {"operationId": "createUser", "responses": {}}}
            },
            "components": {"schemas": {
                "Gender": {"type": "string", "enum": ["M", "F"], "x-pii": "SENSITIVE"},
                "Name": {"type": "object", "properties": {
                    "given": {"type": "string", "x-pii": "SENSITIVE"},
                    "family1": {"type": "string", "x-pii": "SENSITIVE"},
                    "suffix": {"type": "string"}
                }},
                "User": {"type": "object", "properties": {
                    "name": {"$ref": "#/components/schemas/Name", "x-pii": "IDENTIFIER"},
                    "gender": {"$ref": "#/components/schemas/Gender"},
                    "titles": {"type": "array", "items": {"$ref": "#/components/schemas/Gender"}},
                    "id": {"type": "string"},
                    "contact": {"type": "object", "properties": {
                        "email": {"type": "string", "x-pii": "IDENTIFIER"}
                    }}
                }},
                "Plain": {"type": "object", "properties": {"id": {"type": "string"}}}
            }}
        })
    }

    #[test]
    fn operations_keep_the_template_and_the_method_name() {
        let ops = operations("users", &doc());
        let get = ops.iter().find(|o| o.operation_id == "getUser").unwrap();
        assert_eq!(get.rust_name, "get_user");
        assert_eq!(get.method, "GET");
        assert_eq!(get.path, "/v2/users/{userId}");
        assert_eq!(ops.len(), 3);
    }

    #[test]
    fn pii_markers_on_properties_refs_and_nested_objects() {
        let mut table = PiiTable::default();
        table.add_document(&doc());
        assert_eq!(table.markers, 4, "given, family1, name, contact.email");
        assert_eq!(
            table.by_schema["User"].iter().map(String::as_str).collect::<Vec<_>>(),
            ["email", "gender", "name", "titles"]
        );
        assert_eq!(
            table.by_schema["Name"].iter().map(String::as_str).collect::<Vec<_>>(),
            ["family1", "given"]
        );
        assert!(!table.by_schema.contains_key("Plain"));
        assert!(!table.names().contains("id"));
    }

    #[test]
    fn render_is_sorted_rust() {
        let mut table = PiiTable::default();
        table.add_document(&doc());
        let code = render(&operations("users", &doc()), &table);
        syn::parse_file(&code).expect("valid Rust");
        let create = code.find("\"create_user\"").unwrap();
        let get = code.find("\"get_user\"").unwrap();
        assert!(create < get);
        assert!(code.contains("(\"users\", \"get_user\", \"getUser\", \"GET\", \"/v2/users/{userId}\", true)"));
        assert!(code.contains("(\"users\", \"create_user\", \"createUser\", \"POST\", \"/v2/users\", false)"));
        assert!(code.contains("pub(crate) const PII_MARKERS: usize = 4;"));
    }

    #[test]
    fn reads_sent_as_post_are_safe_and_writes_never() {
        let safe = |method, id| retry_safety(method, id).0;
        for id in [
            "airSearch",
            "listCompanies",
            "hotelPriceCheck",
            "fetchOauth2Token",
            "getTripSummaries",
        ] {
            assert!(safe("POST", id), "{id}");
        }
        for id in [
            "airCreatePnr",
            "hotelModifyDetails",
            "airInitiateBooking",
            "cancelPnrV3",
            "airFlightCheckout",
            "getOrCreateUser",
            "fetchAndHoldFare",
            "airSeatMap",
        ] {
            assert!(!safe("POST", id), "{id}");
        }
        assert!(safe("DELETE", "deleteUser") && safe("PUT", "updateUser") && safe("GET", "createReport"));
        assert!(!safe("PATCH", "updateCompanyFeaturesPatch"));
    }
}
