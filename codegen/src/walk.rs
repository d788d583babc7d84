//! Visiting every schema of an OpenAPI document, with its JSON pointer.
//!
//! The transformations only make sense in *schema* positions (`examples` is an array of
//! values in a schema but a map of Example objects in a media type), so this walker knows
//! where schemas live in an OpenAPI 3.x document instead of guessing from key names.

use serde_json::{Map, Value};

/// Escapes one reference token of a JSON pointer (RFC 6901).
pub fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Unescapes one reference token of a JSON pointer (RFC 6901).
pub fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// The HTTP methods an OpenAPI path item may hold operations under.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// The component a schema refers to: its `$ref`, or the `$ref` of the one `allOf` member that
/// [`crate::transform::ref_siblings_to_all_of`] wraps a `$ref` with siblings in.
pub fn reference(schema: &Value) -> Option<&str> {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return Some(r);
    }
    match schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) => only.get("$ref").and_then(Value::as_str),
        _ => None,
    }
}

/// Calls `f` on every schema object of the document, children before parents.
pub fn for_each_schema(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Some(root) = doc.as_object_mut() else { return };
    if let Some(Value::Object(components)) = root.get_mut("components") {
        for (kind, container) in components.iter_mut() {
            let Value::Object(container) = container else { continue };
            for (name, item) in container.iter_mut() {
                let ptr = format!("/components/{}/{}", escape(kind), escape(name));
                match kind.as_str() {
                    "schemas" => visit_schema(&ptr, item, f),
                    "parameters" | "headers" => visit_parameter(&ptr, item, f),
                    "responses" => visit_response(&ptr, item, f),
                    "requestBodies" => visit_content_holder(&ptr, item, f),
                    "pathItems" => visit_path_item(&ptr, item, f),
                    _ => {}
                }
            }
        }
    }
    for section in ["paths", "webhooks"] {
        if let Some(Value::Object(paths)) = root.get_mut(section) {
            for (path, item) in paths.iter_mut() {
                visit_path_item(&format!("/{section}/{}", escape(path)), item, f);
            }
        }
    }
}

fn visit_path_item(ptr: &str, item: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Value::Object(item) = item else { return };
    for (key, value) in item.iter_mut() {
        let p = format!("{ptr}/{}", escape(key));
        if key == "parameters" {
            visit_each(&p, value, &mut |p, v, f| visit_parameter(p, v, f), f);
        } else if METHODS.contains(&key.as_str()) {
            visit_operation(&p, value, f);
        }
    }
}

/// Calls `f` on every schema inside one operation (parameters, body, responses).
pub fn for_each_schema_in(op: &mut Value, ptr: &str, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    visit_operation(ptr, op, f);
}

fn visit_operation(ptr: &str, op: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Value::Object(op) = op else { return };
    if let Some(params) = op.get_mut("parameters") {
        visit_each(
            &format!("{ptr}/parameters"),
            params,
            &mut |p, v, f| visit_parameter(p, v, f),
            f,
        );
    }
    if let Some(body) = op.get_mut("requestBody") {
        visit_content_holder(&format!("{ptr}/requestBody"), body, f);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        for (status, response) in responses.iter_mut() {
            visit_response(&format!("{ptr}/responses/{}", escape(status)), response, f);
        }
    }
}

type Visitor<'a> = dyn FnMut(&str, &mut Value, &mut dyn FnMut(&str, &mut Map<String, Value>)) + 'a;

fn visit_each(ptr: &str, list: &mut Value, visit: &mut Visitor<'_>, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    if let Value::Array(items) = list {
        for (i, item) in items.iter_mut().enumerate() {
            visit(&format!("{ptr}/{i}"), item, f);
        }
    }
}

fn visit_parameter(ptr: &str, param: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Value::Object(param) = param else { return };
    if let Some(schema) = param.get_mut("schema") {
        visit_schema(&format!("{ptr}/schema"), schema, f);
    }
    if let Some(Value::Object(content)) = param.get_mut("content") {
        visit_media_types(&format!("{ptr}/content"), content, f);
    }
}

fn visit_response(ptr: &str, response: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Value::Object(response) = response else { return };
    if let Some(Value::Object(headers)) = response.get_mut("headers") {
        for (name, header) in headers.iter_mut() {
            visit_parameter(&format!("{ptr}/headers/{}", escape(name)), header, f);
        }
    }
    if let Some(Value::Object(content)) = response.get_mut("content") {
        visit_media_types(&format!("{ptr}/content"), content, f);
    }
}

fn visit_content_holder(ptr: &str, holder: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    if let Some(Value::Object(content)) = holder.get_mut("content") {
        visit_media_types(&format!("{ptr}/content"), content, f);
    }
}

fn visit_media_types(ptr: &str, content: &mut Map<String, Value>, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    for (media_type, mt) in content.iter_mut() {
        if let Some(schema) = mt.get_mut("schema") {
            visit_schema(&format!("{ptr}/{}/schema", escape(media_type)), schema, f);
        }
    }
}

/// Keywords whose value is one subschema.
const SINGLE: [&str; 9] = [
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
];
/// Keywords whose value is an array of subschemas.
const LISTS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];
/// Keywords whose value is a map of subschemas.
const MAPS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// Visits a schema and all its subschemas, children first.
pub fn visit_schema(ptr: &str, schema: &mut Value, f: &mut dyn FnMut(&str, &mut Map<String, Value>)) {
    let Value::Object(map) = schema else { return };
    for (key, value) in map.iter_mut() {
        let p = format!("{ptr}/{}", escape(key));
        if SINGLE.contains(&key.as_str()) {
            if key == "items" && value.is_array() {
                visit_each(&p, value, &mut |p, v, f| visit_schema(p, v, f), f);
            } else {
                visit_schema(&p, value, f);
            }
        } else if LISTS.contains(&key.as_str()) {
            visit_each(&p, value, &mut |p, v, f| visit_schema(p, v, f), f);
        } else if MAPS.contains(&key.as_str())
            && let Value::Object(children) = value
        {
            for (name, child) in children.iter_mut() {
                visit_schema(&format!("{p}/{}", escape(name)), child, f);
            }
        }
    }
    f(ptr, map);
}

/// A callback on one operation: (JSON pointer, path, method, operation object).
pub type OperationVisitor<'a> = dyn FnMut(&str, &str, &str, &mut Map<String, Value>) + 'a;

/// Calls `f` on every operation: (pointer, path, method, operation).
pub fn for_each_operation(doc: &mut Value, f: &mut OperationVisitor<'_>) {
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (method, op) in item.iter_mut() {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            if let Value::Object(op) = op {
                f(&format!("/paths/{}/{method}", escape(path)), path, method, op);
            }
        }
    }
}

/// Resolves a local `$ref` (`#/...`) against the document.
/// The reference a discriminator's mapping value stands for: a mapping may name a schema by
/// reference or by its plain component name.
pub fn mapping_reference(target: &str) -> String {
    if target.starts_with('#') {
        target.to_string()
    } else {
        format!("#/components/schemas/{target}")
    }
}

pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    doc.pointer(reference.strip_prefix('#')?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn visits_schemas_in_every_position_children_first() {
        let mut doc = json!({
            "paths": {"/a/{id}": {
                "parameters": [{"name": "id", "in": "path", "schema": {"type": "string"}}],
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": {"properties": {"x": {"type": "integer"}}}}}},
                    "responses": {"200": {"content": {"application/json": {"schema": {"items": {"type": "string"}}}}}}
                }
            }},
            "components": {"schemas": {"A": {"oneOf": [{"type": "string"}]}}}
        });
        let mut seen = Vec::new();
        for_each_schema(&mut doc, &mut |p, _| seen.push(p.to_string()));
        assert_eq!(
            seen,
            [
                "/components/schemas/A/oneOf/0",
                "/components/schemas/A",
                "/paths/~1a~1{id}/parameters/0/schema",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema/properties/x",
                "/paths/~1a~1{id}/post/requestBody/content/application~1json/schema",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema/items",
                "/paths/~1a~1{id}/post/responses/200/content/application~1json/schema",
            ]
        );
    }
}
