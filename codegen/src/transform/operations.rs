//! Operation shapes progenitor 0.15 cannot generate (it asserts or calls `todo!`), rewritten
//! into ones it can, without losing an operation.

use super::Changes;
use crate::walk::{self, escape};
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Media types in order of preference when a body offers several.
const PREFERRED: [&str; 5] = [
    "application/json",
    "application/x-www-form-urlencoded",
    "multipart/form-data",
    "application/octet-stream",
    "text/plain",
];

fn rank(media_type: &str) -> usize {
    let base = media_type.split(';').next().unwrap_or_default().trim();
    PREFERRED
        .iter()
        .position(|p| *p == base)
        .unwrap_or(if base.ends_with("+json") { 0 } else { PREFERRED.len() })
}

/// Request bodies and responses that offer several media types.
///
/// progenitor panics (`todo!`) on a request body with more than one media type and only
/// reads the JSON one of a response. The body keeps the most useful one (JSON first, then
/// form, multipart, octet-stream, text); the dropped ones are recorded.
pub fn one_media_type_per_body(doc: &mut Value, changes: &mut Changes) {
    let mut keep_best = |ptr: String, holder: &mut Value| {
        let Some(Value::Object(content)) = holder.get_mut("content") else {
            return;
        };
        if content.len() < 2 {
            return;
        }
        let best = content.keys().min_by_key(|k| rank(k)).cloned().unwrap_or_default();
        let dropped: Vec<_> = content.keys().filter(|k| **k != best).cloned().collect();
        content.retain(|k, _| *k == best);
        changes.record(ptr, format!("kept {best}, dropped {}", dropped.join(", ")));
    };
    if let Some(Value::Object(components)) = doc.get_mut("components") {
        for kind in ["requestBodies", "responses"] {
            if let Some(Value::Object(items)) = components.get_mut(kind) {
                for (name, item) in items.iter_mut() {
                    keep_best(format!("/components/{kind}/{}", escape(name)), item);
                }
            }
        }
    }
    walk::for_each_operation(doc, &mut |ptr, _, _, op| {
        if let Some(body) = op.get_mut("requestBody") {
            keep_best(format!("{ptr}/requestBody"), body);
        }
        if let Some(Value::Object(responses)) = op.get_mut("responses") {
            for (status, response) in responses.iter_mut() {
                keep_best(format!("{ptr}/responses/{}", escape(status)), response);
            }
        }
    });
}

/// The class progenitor puts a response status in: success (1xx, 2xx), error (4xx, 5xx);
/// `default` counts for both, as in progenitor.
fn classes(status: &str) -> &'static [&'static str] {
    match status.chars().next() {
        Some('1' | '2') => &["success"],
        Some('4' | '5') => &["error"],
        _ if status == "default" => &["success", "error"],
        _ => &[],
    }
}

/// The operation extension listing the body-less statuses removed by
/// [`one_body_type_per_response_class`]: `{"204": "success", "409": "error"}`.
pub const BODYLESS: &str = "x-spotnana-rs-bodyless";

/// What a response carries, as progenitor sees it: a JSON schema, other content, or nothing.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Body {
    None,
    Json(String),
    Raw,
}

fn body_of(response: &Value) -> Body {
    let Some(Value::Object(content)) = response.get("content") else {
        return Body::None;
    };
    if content.is_empty() {
        return Body::None;
    }
    match content.iter().find(|(k, _)| rank(k) == 0) {
        Some((_, mt)) => Body::Json(mt.get("schema").map(Value::to_string).unwrap_or_default()),
        None => Body::Raw,
    }
}

/// Operations whose success (or error) responses do not all carry the same body type, e.g.
/// `200` with a JSON body beside `204` with none, or `401` with the error schema beside
/// `409` with no body.
///
/// progenitor returns one type per class and asserts (`response_types.len() <= 1`) otherwise.
/// Within a class that mixes bodies and no body, the body-less statuses are removed from the
/// document given to progenitor and listed on the operation under [`BODYLESS`] (status →
/// class); [`crate::passes::bodyless::answer_bodyless_statuses`] then gives them back to the
/// generated method, which returns `Option<T>` for that class (`None` for the body-less
/// status) instead of failing to parse an empty body as JSON or leaving the status
/// undocumented. Several different JSON schemas in one class are merged into one `oneOf`
/// component named `<OperationId><Class>Body`, so every documented body stays typed.
pub fn one_body_type_per_response_class(doc: &mut Value, changes: &mut Changes) {
    let snapshot = doc.clone();
    let mut new_components: Vec<(String, Value)> = Vec::new();
    walk::for_each_operation(doc, &mut |ptr, _, _, op| {
        let op_id = op
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let mut bodyless = Map::new();
        let Some(Value::Object(responses)) = op.get_mut("responses") else {
            return;
        };
        for class in ["success", "error"] {
            let mut bodies: BTreeMap<String, Body> = BTreeMap::new();
            for (status, response) in responses.iter() {
                if !classes(status).contains(&class) {
                    continue;
                }
                let resolved = resolve_response(&snapshot, response);
                bodies.insert(status.clone(), body_of(&resolved));
            }
            let mut kinds: Vec<&Body> = bodies.values().collect();
            kinds.sort();
            kinds.dedup();
            if kinds.len() < 2 {
                continue;
            }
            let has_body = kinds.iter().any(|b| **b != Body::None);
            if has_body {
                for (status, body) in &bodies {
                    // Numeric statuses only: a range (`4XX`) or `default` stays with progenitor.
                    if *body == Body::None && status.parse::<u16>().is_ok() {
                        responses.shift_remove(status);
                        bodyless.insert(status.clone(), json!(class));
                        changes.record(
                            format!("{ptr}/responses/{}", escape(status)),
                            format!("{class} response without body beside typed ones: answered as None"),
                        );
                    }
                }
            }
            let json: Vec<(&String, &String)> = bodies
                .iter()
                .filter_map(|(s, b)| {
                    if let Body::Json(schema) = b {
                        Some((s, schema))
                    } else {
                        None
                    }
                })
                .collect();
            let mut distinct: Vec<&String> = json.iter().map(|(_, s)| *s).collect();
            distinct.sort();
            distinct.dedup();
            if distinct.len() > 1 {
                let name = format!("{}{}Body", op_id.to_upper_camel_case(), class.to_upper_camel_case());
                let variants: Vec<Value> = distinct
                    .iter()
                    .map(|s| serde_json::from_str(s).unwrap_or(Value::Null))
                    .collect();
                new_components.push((name.clone(), json!({ "oneOf": variants })));
                for (status, _) in json {
                    let mut response = resolve_response(&snapshot, &responses[status.as_str()]);
                    if let Some(Value::Object(content)) = response.get_mut("content") {
                        for (mt, media) in content.iter_mut() {
                            if rank(mt) == 0 {
                                media["schema"] = json!({ "$ref": format!("#/components/schemas/{name}") });
                            }
                        }
                    }
                    if let Some(slot) = responses.get_mut(status.as_str()) {
                        *slot = response;
                    }
                    changes.record(
                        format!("{ptr}/responses/{}", escape(status)),
                        format!("{class} body merged into {name}"),
                    );
                }
            }
        }
        if !bodyless.is_empty() {
            op.insert(BODYLESS.into(), Value::Object(bodyless));
        }
    });
    if !new_components.is_empty() {
        let schemas = doc
            .as_object_mut()
            .map(|root| root.entry("components").or_insert_with(|| json!({})))
            .and_then(|c| c.as_object_mut())
            .map(|c| c.entry("schemas").or_insert_with(|| json!({})));
        if let Some(Value::Object(schemas)) = schemas {
            for (name, schema) in new_components {
                schemas.insert(name, schema);
            }
        }
    }
}

fn resolve_response(doc: &Value, response: &Value) -> Value {
    match response.get("$ref").and_then(Value::as_str) {
        Some(r) => walk::resolve(doc, r).cloned().unwrap_or(Value::Null),
        None => response.clone(),
    }
}

/// A `multipart/form-data` operation, which progenitor cannot generate: taken out of the
/// document given to progenitor and emitted by [`crate::emit::multipart`] instead.
#[derive(Debug, Clone, PartialEq)]
pub struct MultipartOperation {
    pub operation: Map<String, Value>,
    pub path: String,
    pub method: String,
    /// Parameters declared on the path item, shared by its operations.
    pub path_parameters: Vec<Value>,
}

/// Removes `multipart/form-data` operations from the document (progenitor has no multipart
/// support) and returns them, so the emitter can generate their methods by hand.
pub fn extract_multipart_operations(doc: &mut Value, changes: &mut Changes) -> Vec<MultipartOperation> {
    let mut found = Vec::new();
    let snapshot = doc.clone();
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return found;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        let path_parameters = item
            .get("parameters")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let methods: Vec<String> = item
            .keys()
            .filter(|k| walk::METHODS.contains(&k.as_str()))
            .cloned()
            .collect();
        for method in methods {
            let body = item[&method].get("requestBody").cloned().unwrap_or(Value::Null);
            let body = match body.get("$ref").and_then(Value::as_str) {
                Some(r) => walk::resolve(&snapshot, r).cloned().unwrap_or(Value::Null),
                None => body,
            };
            let is_multipart = body
                .get("content")
                .and_then(Value::as_object)
                .is_some_and(|c| c.keys().any(|k| k.starts_with("multipart/form-data")));
            if !is_multipart {
                continue;
            }
            let Some(Value::Object(op)) = item.shift_remove(&method) else {
                continue;
            };
            changes.record(
                format!("/paths/{}/{method}", escape(path)),
                "multipart operation emitted by hand",
            );
            found.push(MultipartOperation {
                operation: op,
                path: path.clone(),
                method,
                path_parameters: path_parameters.clone(),
            });
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn several_media_types_keep_the_preferred_one() {
        let mut d = json!({"paths": {"/x": {"post": {
            "requestBody": {"content": {"application/xml": {}, "application/json": {"schema": {"type": "string"}}}},
            "responses": {"200": {"content": {"text/plain": {}, "application/problem+json": {}}}}}}}});
        let mut c = Changes::default();
        one_media_type_per_body(&mut d, &mut c);
        assert_eq!(c.len(), 2);
        let op = &d["paths"]["/x"]["post"];
        assert_eq!(
            op["requestBody"]["content"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["application/json"]
        );
        assert_eq!(
            op["responses"]["200"]["content"]
                .as_object()
                .unwrap()
                .keys()
                .collect::<Vec<_>>(),
            ["application/problem+json"]
        );
    }

    #[test]
    fn mixed_success_and_error_classes_are_made_uniform() {
        let mut d = json!({
            "paths": {"/x": {"post": {"operationId": "fetchRules", "responses": {
                "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/A"}}}},
                "204": {"description": "empty"},
                "401": {"$ref": "#/components/responses/Unauthorized"},
                "409": {"description": "conflict"},
                "500": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Other"}}}}}}}},
            "components": {"responses": {"Unauthorized": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Err"}}}}}}
        });
        let mut c = Changes::default();
        one_body_type_per_response_class(&mut d, &mut c);
        let responses = d["paths"]["/x"]["post"]["responses"].as_object().unwrap();
        assert_eq!(responses.keys().collect::<Vec<_>>(), ["200", "401", "500"]);
        assert_eq!(
            d["components"]["schemas"]["FetchRulesErrorBody"],
            json!({"oneOf": [{"$ref": "#/components/schemas/Err"}, {"$ref": "#/components/schemas/Other"}]})
        );
        assert_eq!(
            responses["401"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/FetchRulesErrorBody"
        );
        assert_eq!(
            d["paths"]["/x"]["post"][BODYLESS],
            json!({"204": "success", "409": "error"})
        );
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn multipart_operations_are_extracted() {
        let mut d = json!({"paths": {"/docs/{id}": {
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "post": {"operationId": "upload", "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}}, "responses": {}},
            "get": {"operationId": "list", "responses": {}}}}});
        let mut c = Changes::default();
        let ops = extract_multipart_operations(&mut d, &mut c);
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0].operation["operationId"], "upload");
        assert_eq!(ops[0].path_parameters.len(), 1);
        assert!(d["paths"]["/docs/{id}"].get("post").is_none());
        assert!(d["paths"]["/docs/{id}"].get("get").is_some());
    }
}
