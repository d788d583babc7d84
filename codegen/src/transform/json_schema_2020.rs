//! OpenAPI 3.1 (JSON Schema 2020-12) constructs rewritten into their OpenAPI 3.0 equivalents,
//! because progenitor 0.15 reads documents through `openapiv3`, which only knows 3.0.

use super::Changes;
use crate::walk::{self, escape};
use serde_json::{Value, json};

/// `$ref` with sibling keywords in a schema (`{"$ref": …, "description": …, "deprecated": true}`).
///
/// 3.1 gives the siblings meaning; 3.0 ignores them and `openapiv3` silently drops them, which
/// loses docs, deprecations, `x-pii` markers and defaults. Wrapping the reference as
/// `{"allOf": [{"$ref": …}], <siblings>}` keeps both the type and the siblings in 3.0.
pub fn ref_siblings_to_all_of(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        if schema.len() < 2 {
            return;
        }
        let Some(reference) = schema.shift_remove("$ref") else {
            return;
        };
        let siblings: Vec<_> = schema.keys().cloned().collect();
        schema.insert("allOf".into(), json!([{ "$ref": reference }]));
        changes.record(ptr, format!("siblings kept: {}", siblings.join(", ")));
    });
}

/// Reference Objects (not schemas) with siblings: a referenced parameter, response or
/// request body carrying `summary`/`description` next to `$ref`.
///
/// 3.1 allows those two overrides; 3.0 and `openapiv3` reject any sibling on a Reference
/// Object, so they are dropped (the referenced object keeps its own description).
pub fn strip_reference_object_siblings(doc: &mut Value, changes: &mut Changes) {
    let mut strip = |ptr: String, value: &mut Value| {
        if let Value::Object(map) = value
            && map.contains_key("$ref")
            && map.len() > 1
        {
            let dropped: Vec<_> = map.keys().filter(|k| *k != "$ref").cloned().collect();
            map.retain(|k, _| k == "$ref");
            changes.record(ptr, format!("dropped: {}", dropped.join(", ")));
        }
    };
    let Some(Value::Object(paths)) = doc.get_mut("paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Value::Object(item) = item else { continue };
        for (key, value) in item.iter_mut() {
            let base = format!("/paths/{}/{key}", escape(path));
            if key == "parameters" {
                if let Value::Array(list) = value {
                    for (i, p) in list.iter_mut().enumerate() {
                        strip(format!("{base}/{i}"), p);
                    }
                }
                continue;
            }
            if !walk::METHODS.contains(&key.as_str()) {
                continue;
            }
            let Value::Object(op) = value else { continue };
            if let Some(Value::Array(list)) = op.get_mut("parameters") {
                for (i, p) in list.iter_mut().enumerate() {
                    strip(format!("{base}/parameters/{i}"), p);
                }
            }
            if let Some(body) = op.get_mut("requestBody") {
                strip(format!("{base}/requestBody"), body);
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for (status, r) in responses.iter_mut() {
                    strip(format!("{base}/responses/{}", escape(status)), r);
                }
            }
        }
    }
}

/// `"type": ["string", "null"]` (2020-12 type arrays).
///
/// 3.0 has a single `type` plus `nullable`. One non-null type becomes `type` + `nullable`;
/// several become an `anyOf` of single-typed schemas (keeping the other keywords beside it),
/// or, when the schema has an `anyOf` of its own already, an `allOf` member holding it.
pub fn type_arrays_to_nullable(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        let Some(Value::Array(types)) = schema.get("type").cloned() else {
            return;
        };
        let nullable = types.iter().any(|t| t == "null");
        let rest: Vec<Value> = types.into_iter().filter(|t| t != "null").collect();
        schema.shift_remove("type");
        match rest.len() {
            0 => {}
            1 => {
                schema.insert("type".into(), rest[0].clone());
            }
            _ => {
                let variants: Vec<Value> = rest.iter().map(|t| json!({ "type": t })).collect();
                if schema.contains_key("anyOf") {
                    // Both constrain the value: the type choice joins the schema's `allOf`
                    // instead of replacing its `anyOf`.
                    match schema.entry("allOf").or_insert_with(|| json!([])) {
                        Value::Array(all_of) => all_of.push(json!({ "anyOf": variants })),
                        _ => {
                            schema.insert("type".into(), Value::Array(rest));
                            changes.record(ptr, "type array left: `allOf` is not an array");
                            return;
                        }
                    }
                } else {
                    schema.insert("anyOf".into(), Value::Array(variants));
                }
            }
        }
        if nullable {
            schema.insert("nullable".into(), Value::Bool(true));
        }
        changes.record(ptr, "type array");
    });
}

/// `{"oneOf"|"anyOf": [X, {"type": "null"}]}`: the 3.1 way to say "X or null".
///
/// 3.0 has no `null` type; the null variant is removed and the schema marked `nullable`.
/// A single remaining variant keeps its `oneOf`/`anyOf` of one, which typify reads as X.
pub fn null_variants_to_nullable(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        for key in ["oneOf", "anyOf"] {
            let Some(Value::Array(variants)) = schema.get_mut(key) else {
                continue;
            };
            let before = variants.len();
            variants.retain(|v| !is_null_schema(v));
            if variants.len() != before {
                schema.insert("nullable".into(), Value::Bool(true));
                changes.record(format!("{ptr}/{key}"), "null variant");
            }
        }
    });
}

fn is_null_schema(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.get("type") == Some(&json!("null")) && m.len() == 1)
}

/// `const: X` (JSON Schema 2019+): 3.0 only has `enum`, so it becomes `enum: [X]`.
///
/// Beside an `enum` of its own, both hold: `enum: [X]` when the enum lists X; when it does not,
/// no value is valid, and the `enum` is kept (reading stays lenient) and reported.
pub fn const_to_enum(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        let Some(value) = schema.shift_remove("const") else {
            return;
        };
        match schema.get("enum") {
            Some(Value::Array(values)) if !values.iter().any(|v| same_value(v, &value)) => {
                changes.record(ptr, "const outside its enum: enum kept");
            }
            _ => {
                schema.insert("enum".into(), Value::Array(vec![value]));
                changes.record(ptr, "const");
            }
        }
    });
}

/// JSON equality with numbers compared as numbers (`1` = `1.0`).
fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

/// `examples: [a, b]` on a schema (2020-12): 3.0 schemas have a single `example`, so the
/// first one is kept there. (Media-type `examples` maps are valid 3.0 and left alone.)
pub fn examples_to_example(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        if let Some(Value::Array(examples)) = schema.get("examples").cloned() {
            schema.shift_remove("examples");
            if let Some(first) = examples.into_iter().next() {
                schema.entry("example").or_insert(first);
            }
            changes.record(ptr, "examples array");
        }
    });
}

/// Numeric `exclusiveMinimum: 5` / `exclusiveMaximum: 5` (2020-12).
///
/// In 3.0 these keywords are booleans modifying `minimum`/`maximum`; a number there fails
/// `openapiv3` deserialization, so `exclusiveMinimum: 5` becomes `minimum: 5, exclusiveMinimum: true`.
/// Beside an inclusive bound of its own, the stricter of the two is kept (`minimum: 10,
/// exclusiveMinimum: 5` stays `minimum: 10`).
pub fn exclusive_bounds_to_booleans(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        for (exclusive, bound, sign) in [
            ("exclusiveMinimum", "minimum", 1.0),
            ("exclusiveMaximum", "maximum", -1.0),
        ] {
            let Some(n @ Value::Number(_)) = schema.get(exclusive).cloned() else {
                continue;
            };
            let stricter_inclusive = schema
                .get(bound)
                .and_then(Value::as_f64)
                .zip(n.as_f64())
                .is_some_and(|(inclusive, excl)| sign * inclusive > sign * excl);
            if stricter_inclusive {
                schema.shift_remove(exclusive);
                changes.record(
                    format!("{ptr}/{exclusive}"),
                    "numeric bound: the stricter inclusive bound kept",
                );
            } else {
                schema.insert(bound.into(), n);
                schema.insert(exclusive.into(), Value::Bool(true));
                changes.record(format!("{ptr}/{exclusive}"), "numeric bound");
            }
        }
    });
}

/// Where [`content_keywords_to_format`] keeps the `contentMediaType` of a string it leaves
/// without a format.
pub const CONTENT_MEDIA_TYPE: &str = "x-spotnana-rs-content-media-type";

/// `contentEncoding: base64` / `contentMediaType` on strings: how 3.1 spells what 3.0 wrote
/// as `format: byte` / `format: binary`, which is what progenitor understands.
///
/// A string whose content is JSON or text (`application/json`, `…+json`, `text/…`) without an
/// encoding is text in the document, not bytes: it stays a plain string.
pub fn content_keywords_to_format(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        let encoding = schema.shift_remove("contentEncoding");
        let media = schema.shift_remove("contentMediaType");
        if encoding.is_none() && media.is_none() {
            return;
        }
        let textual = media.as_ref().and_then(Value::as_str).is_some_and(|m| {
            let m = m.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
            m == "application/json" || m.ends_with("+json") || m.starts_with("text/")
        });
        let format = match encoding.as_ref().and_then(Value::as_str) {
            Some("base64") => Some("byte"),
            None if textual => None,
            _ => Some("binary"),
        };
        if let Some(format) = format
            && !schema.contains_key("format")
        {
            schema.insert("format".into(), json!(format));
        }
        if format.is_none()
            && let Some(media) = media
        {
            // Kept as an extension (3.0 has no keyword for it): a multipart part with a
            // media type is still a file (`multipart::form`).
            schema.insert(CONTENT_MEDIA_TYPE.into(), media);
        }
        changes.record(
            ptr,
            if format.is_some() {
                "content keywords"
            } else {
                "content keywords: text content, a plain string"
            },
        );
    });
}

/// JSON Schema 2020-12 keywords no fix-up translates and `openapiv3` would drop without a
/// word, changing what the generated type accepts or keeps. Checked after the fix-ups.
pub const UNSUPPORTED_KEYWORDS: &[&str] = &[
    "prefixItems",
    "patternProperties",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "dependentRequired",
    "dependentSchemas",
    "if",
    "then",
    "else",
    "contains",
    "$dynamicRef",
];

/// Fails, naming each JSON pointer, where a schema uses one of [`UNSUPPORTED_KEYWORDS`]: the
/// generator must not silently build a type that ignores it. Runs after the fix-ups (the
/// walk only reads), so parts they remove (webhooks) do not count.
pub fn audit_unsupported_keywords(doc: &mut Value) -> Result<(), String> {
    let mut found = Vec::new();
    walk::for_each_schema(doc, &mut |ptr, schema| {
        for key in UNSUPPORTED_KEYWORDS.iter().filter(|k| schema.contains_key(**k)) {
            found.push(format!("{ptr}/{}", escape(key)));
        }
    });
    if found.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "JSON Schema keywords the generator does not translate (it would drop them): {}",
            found.join(", ")
        ))
    }
}

/// The `openapi: 3.1.x` marker and the 3.1-only parts of the document around the schemas:
/// `webhooks`, `jsonSchemaDialect`, `components.pathItems`, `info.summary`,
/// `info.license.identifier`, and the schema keywords `$schema`, `$id`, `$comment`.
///
/// Everything else is rewritten by the fix-ups before this one; these carry nothing a client
/// needs, and `openapiv3` rejects the version string and would ignore the rest.
pub fn downgrade_version_to_3_0(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        for key in ["$schema", "$id", "$comment"] {
            if schema.shift_remove(key).is_some() {
                changes.record(format!("{ptr}/{}", escape(key)), "3.1-only schema keyword");
            }
        }
    });
    let Some(root) = doc.as_object_mut() else { return };
    if let Some(Value::String(version)) = root.get("openapi")
        && version.starts_with("3.1")
    {
        root.insert("openapi".into(), json!("3.0.3"));
        changes.record("/openapi", "3.1 → 3.0.3");
    }
    for key in ["webhooks", "jsonSchemaDialect"] {
        if root.shift_remove(key).is_some() {
            changes.record(format!("/{key}"), "3.1-only");
        }
    }
    if let Some(Value::Object(c)) = root.get_mut("components")
        && c.shift_remove("pathItems").is_some()
    {
        changes.record("/components/pathItems", "3.1-only");
    }
    if let Some(Value::Object(info)) = root.get_mut("info") {
        if info.shift_remove("summary").is_some() {
            changes.record("/info/summary", "3.1-only");
        }
        if let Some(Value::Object(license)) = info.get_mut("license")
            && license.shift_remove("identifier").is_some()
        {
            changes.record("/info/license/identifier", "3.1-only");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schema: Value) -> Value {
        json!({"openapi": "3.1.0", "info": {"title": "t", "version": "v2"}, "paths": {},
               "components": {"schemas": {"S": schema}}})
    }
    fn run(f: fn(&mut Value, &mut Changes), mut d: Value) -> (Value, usize) {
        let mut c = Changes::default();
        f(&mut d, &mut c);
        (d, c.len())
    }

    #[test]
    fn ref_siblings_become_all_of() {
        let (d, n) = run(
            ref_siblings_to_all_of,
            doc(json!({"properties": {
                "a": {"$ref": "#/components/schemas/T", "description": "docs", "deprecated": true, "x-pii": true},
                "b": {"$ref": "#/components/schemas/T"}}})),
        );
        assert_eq!(n, 1);
        assert_eq!(
            d["components"]["schemas"]["S"]["properties"]["a"],
            json!({"allOf": [{"$ref": "#/components/schemas/T"}], "description": "docs", "deprecated": true, "x-pii": true})
        );
        assert_eq!(
            d["components"]["schemas"]["S"]["properties"]["b"],
            json!({"$ref": "#/components/schemas/T"})
        );
    }

    #[test]
    fn reference_object_siblings_are_dropped() {
        let mut d = json!({"paths": {"/x": {"get": {
            "parameters": [{"$ref": "#/components/parameters/P", "description": "d"}],
            "responses": {"200": {"$ref": "#/components/responses/R", "summary": "s"}}}}}});
        let mut c = Changes::default();
        strip_reference_object_siblings(&mut d, &mut c);
        assert_eq!(c.len(), 2);
        assert_eq!(
            d["paths"]["/x"]["get"]["parameters"][0],
            json!({"$ref": "#/components/parameters/P"})
        );
        assert_eq!(
            d["paths"]["/x"]["get"]["responses"]["200"],
            json!({"$ref": "#/components/responses/R"})
        );
    }

    #[test]
    fn type_arrays_become_nullable_or_any_of() {
        let (d, n) = run(
            type_arrays_to_nullable,
            doc(
                json!({"properties": {"a": {"type": ["string", "null"]}, "b": {"type": ["integer", "string"]}, "c": {"type": "string"}}}),
            ),
        );
        assert_eq!(n, 2);
        let p = &d["components"]["schemas"]["S"]["properties"];
        assert_eq!(p["a"], json!({"type": "string", "nullable": true}));
        assert_eq!(p["b"], json!({"anyOf": [{"type": "integer"}, {"type": "string"}]}));
        assert_eq!(p["c"], json!({"type": "string"}));
    }

    #[test]
    fn null_variants_become_nullable() {
        let (d, n) = run(
            null_variants_to_nullable,
            doc(json!({"oneOf": [{"$ref": "#/components/schemas/T"}, {"type": "null"}]})),
        );
        assert_eq!(n, 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"oneOf": [{"$ref": "#/components/schemas/T"}], "nullable": true})
        );
    }

    #[test]
    fn a_type_array_beside_an_any_of_joins_it_instead_of_replacing_it() {
        let member = json!([{"$ref": "#/components/schemas/A"}, {"$ref": "#/components/schemas/B"}]);
        let (d, n) = run(
            type_arrays_to_nullable,
            doc(json!({"type": ["object", "string"], "anyOf": member})),
        );
        assert_eq!(n, 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"anyOf": member, "allOf": [{"anyOf": [{"type": "object"}, {"type": "string"}]}]})
        );
    }

    #[test]
    fn const_beside_an_enum_keeps_both_constraints() {
        let (d, _) = run(
            const_to_enum,
            doc(json!({"type": "string", "enum": ["AIR", "RAIL"], "const": "AIR"})),
        );
        assert_eq!(d["components"]["schemas"]["S"]["enum"], json!(["AIR"]));
        let mut c = Changes::default();
        let mut d = doc(json!({"type": "string", "enum": ["AIR", "RAIL"], "const": "CAR"}));
        const_to_enum(&mut d, &mut c);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["AIR", "RAIL"]})
        );
        assert!(format!("{c:?}").contains("const outside its enum"), "{c:?}");
    }

    #[test]
    fn an_exclusive_bound_never_loosens_a_stricter_inclusive_one() {
        let (d, n) = run(
            exclusive_bounds_to_booleans,
            doc(json!({"type": "number", "minimum": 10, "exclusiveMinimum": 5, "maximum": 3, "exclusiveMaximum": 3})),
        );
        assert_eq!(n, 2);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "number", "minimum": 10, "maximum": 3, "exclusiveMaximum": true})
        );
    }

    #[test]
    fn json_and_text_content_stays_a_plain_string() {
        let (d, n) = run(
            content_keywords_to_format,
            doc(json!({"properties": {
                "j": {"type": "string", "contentMediaType": "application/json"},
                "t": {"type": "string", "contentMediaType": "text/csv; charset=utf-8"},
                "b": {"type": "string", "contentMediaType": "application/json", "contentEncoding": "base64"},
                "p": {"type": "string", "contentMediaType": "image/png"}}})),
        );
        assert_eq!(n, 4);
        let p = &d["components"]["schemas"]["S"]["properties"];
        assert_eq!(
            p["j"],
            json!({"type": "string", CONTENT_MEDIA_TYPE: "application/json"})
        );
        assert_eq!(
            p["t"],
            json!({"type": "string", CONTENT_MEDIA_TYPE: "text/csv; charset=utf-8"})
        );
        assert_eq!(p["b"], json!({"type": "string", "format": "byte"}));
        assert_eq!(p["p"], json!({"type": "string", "format": "binary"}));
    }

    #[test]
    fn keywords_without_a_fixup_fail_naming_their_pointer() {
        let mut d = doc(json!({"properties": {
            "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}]},
            "if": {"type": "string"}}}));
        let err = audit_unsupported_keywords(&mut d).unwrap_err();
        assert!(
            err.ends_with(": /components/schemas/S/properties/pair/prefixItems"),
            "only the keyword, not the property named `if`: {err}"
        );
        let mut d = doc(json!({"type": "string", "const": "AIR"}));
        assert_eq!(audit_unsupported_keywords(&mut d), Ok(()));
    }

    #[test]
    fn const_becomes_single_enum() {
        let (d, n) = run(const_to_enum, doc(json!({"type": "string", "const": "AIR"})));
        assert_eq!(n, 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "string", "enum": ["AIR"]})
        );
    }

    #[test]
    fn schema_examples_become_example_but_media_type_examples_stay() {
        let mut d = doc(json!({"type": "string", "examples": ["a", "b"]}));
        d["paths"] = json!({"/x": {"get": {"responses": {"200": {"content": {"application/json": {
            "schema": {"type": "integer"}, "examples": {"one": {"value": 1}}}}}}}}});
        let (d, n) = run(examples_to_example, d);
        assert_eq!(n, 1);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "string", "example": "a"})
        );
        assert_eq!(
            d["paths"]["/x"]["get"]["responses"]["200"]["content"]["application/json"]["examples"]["one"]["value"],
            1
        );
    }

    #[test]
    fn numeric_exclusive_bounds_become_booleans() {
        let (d, n) = run(
            exclusive_bounds_to_booleans,
            doc(json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 10.5})),
        );
        assert_eq!(n, 2);
        assert_eq!(
            d["components"]["schemas"]["S"],
            json!({"type": "number", "exclusiveMinimum": true, "exclusiveMaximum": true, "minimum": 0, "maximum": 10.5})
        );
    }

    #[test]
    fn content_keywords_become_format() {
        let (d, n) = run(
            content_keywords_to_format,
            doc(
                json!({"properties": {"f": {"type": "string", "contentMediaType": "application/pdf"},
                                       "g": {"type": "string", "contentEncoding": "base64"}}}),
            ),
        );
        assert_eq!(n, 2);
        let p = &d["components"]["schemas"]["S"]["properties"];
        assert_eq!(p["f"], json!({"type": "string", "format": "binary"}));
        assert_eq!(p["g"], json!({"type": "string", "format": "byte"}));
    }

    #[test]
    fn version_and_3_1_only_parts_are_downgraded() {
        let mut d = doc(json!({"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}));
        d["webhooks"] = json!({});
        d["info"]["summary"] = json!("s");
        let (d, n) = run(downgrade_version_to_3_0, d);
        assert_eq!(n, 4);
        assert_eq!(d["openapi"], "3.0.3");
        assert!(d.get("webhooks").is_none());
        assert_eq!(d["components"]["schemas"]["S"], json!({"type": "string"}));
        let _: openapiv3::OpenAPI = serde_json::from_value(d).expect("3.0 document");
    }
}
