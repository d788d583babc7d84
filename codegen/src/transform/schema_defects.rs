//! Defects in the documents themselves, repaired so the generated types stay honest.

use super::Changes;
use crate::walk;
use serde_json::Value;

/// `required` names that no property defines (e.g. `required: [reason_code]` beside a
/// `reasonCode` property).
///
/// typify turns such a name into a mandatory `serde_json::Value` field, so every response
/// without that key fails to parse and every request must invent one. The name is removed
/// from `required` and reported as a document defect (the pointer names the schema). Schemas
/// that compose others (`allOf`/`anyOf`/`oneOf`) or have no `properties` are left alone:
/// there the name may be defined by a sibling schema.
pub fn drop_required_without_property(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        if ["allOf", "anyOf", "oneOf"].iter().any(|k| schema.contains_key(*k)) {
            return;
        }
        let Some(Value::Object(properties)) = schema.get("properties") else {
            return;
        };
        let properties: Vec<String> = properties.keys().cloned().collect();
        let Some(Value::Array(required)) = schema.get_mut("required") else {
            return;
        };
        let mut dropped = Vec::new();
        required.retain(|name| {
            let keep = name.as_str().is_some_and(|n| properties.iter().any(|p| p == n));
            if !keep {
                dropped.push(name.as_str().unwrap_or_default().to_string());
            }
            keep
        });
        for name in dropped {
            changes.record(
                format!("{ptr}/required"),
                format!("document defect: `{name}` is required but no property defines it"),
            );
        }
        if required.is_empty() {
            schema.shift_remove("required");
        }
    });
}

/// `format: float` on a number, which typify reads into an `f32`.
///
/// A JSON number carries a double's precision, and Spotnana's servers are free to send one:
/// read into an `f32` it is rounded (`4.774537285093516` becomes `4.774537086486816`), and
/// sending the object back, as updates do, changes the value on Spotnana's side. The format
/// becomes `double`, read into an `f64`, which holds every value an `f32` holds.
pub fn float_format_to_double(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        if schema.get("format").and_then(Value::as_str) == Some("float") {
            schema.insert("format".into(), Value::from("double"));
            changes.record(format!("{ptr}/format"), "float → double");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn float_numbers_are_read_as_doubles() {
        let mut d = json!({"components": {"schemas": {"Rating": {"type": "object", "properties": {
            "stars": {"type": "number", "format": "float"},
            "exact": {"type": "number", "format": "double"}}}}}});
        let mut c = Changes::default();
        float_format_to_double(&mut d, &mut c);
        let props = &d["components"]["schemas"]["Rating"]["properties"];
        assert_eq!(props["stars"]["format"], "double");
        assert_eq!(props["exact"]["format"], "double");
        assert_eq!(c.len(), 1);
    }

    #[test]
    fn required_names_without_property_are_dropped_and_reported() {
        let mut d = json!({"components": {"schemas": {
            "LLFInfo": {"type": "object", "required": ["reason_code", "flight"],
                        "properties": {"reasonCode": {"type": "string"}, "flight": {"type": "string"}}},
            "Only": {"type": "object", "required": ["x"], "properties": {"y": {"type": "string"}}},
            "Composed": {"allOf": [{"$ref": "#/components/schemas/Only"}], "required": ["y"], "properties": {}}}}});
        let mut c = Changes::default();
        drop_required_without_property(&mut d, &mut c);
        assert_eq!(c.len(), 2);
        assert_eq!(c.places[0].0, "/components/schemas/LLFInfo/required");
        assert!(c.places[0].1.contains("reason_code"));
        assert_eq!(d["components"]["schemas"]["LLFInfo"]["required"], json!(["flight"]));
        assert!(d["components"]["schemas"]["Only"].get("required").is_none());
        assert_eq!(d["components"]["schemas"]["Composed"]["required"], json!(["y"]));
    }
}
