//! Type names: typify names a type by its name alone and reuses an existing type of the same
//! name without comparing shapes, so two different schemas can land on one Rust type.

use super::Changes;
use crate::walk;
use heck::ToUpperCamelCase;
use serde_json::{Value, json};
use std::collections::BTreeSet;

/// Inline schemas whose `title` names a component schema (an inline `TicketStatus` enum
/// inside `Ticket` beside the component `TicketStatus`).
///
/// typify names an inline type by its title, so both would become one Rust type: either a
/// compile error (two definitions) or, worse, the inline schema silently bound to the
/// component's type. An inline schema identical to the component becomes a `$ref` to it;
/// a different one is retitled `<Owner><Title>` (owner: the enclosing component or
/// operation), with a numeric suffix if that is taken too.
pub fn retitle_colliding_inline_schemas(doc: &mut Value, changes: &mut Changes) {
    let components: Vec<(String, Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let mut taken: BTreeSet<String> = components.iter().map(|(k, _)| k.to_upper_camel_case()).collect();
    walk::for_each_schema(doc, &mut |ptr, schema| {
        let Some(title) = schema.get("title").and_then(Value::as_str).map(str::to_string) else { return };
        let tokens: Vec<String> = ptr.split('/').skip(1).map(walk::unescape).collect();
        if tokens.len() == 3 && tokens[0] == "components" && tokens[1] == "schemas" {
            return; // a component's own title
        }
        let rust_name = title.to_upper_camel_case();
        let Some((component, component_schema)) = components.iter().find(|(k, _)| k.to_upper_camel_case() == rust_name) else {
            return;
        };
        if same_schema(&Value::Object(schema.clone()), component_schema) {
            schema.clear();
            schema.insert("$ref".into(), json!(format!("#/components/schemas/{component}")));
            changes.record(ptr, format!("identical to component {component}: now a $ref"));
            return;
        }
        let owner = owner_name(&tokens);
        let base = format!("{owner}{rust_name}");
        let mut name = base.clone();
        let mut n = 2;
        while taken.contains(&name) {
            name = format!("{base}{n}");
            n += 1;
        }
        taken.insert(name.clone());
        schema.insert("title".into(), json!(name));
        changes.record(ptr, format!("title {title} collides with component {component}: retitled {name}"));
    });
}

/// Two schemas are the same type if they are equal once annotations are ignored.
fn same_schema(a: &Value, b: &Value) -> bool {
    strip_annotations(a) == strip_annotations(b)
}

fn strip_annotations(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| !matches!(k.as_str(), "title" | "description" | "example" | "examples"))
                .map(|(k, v)| (k.clone(), strip_annotations(v)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(strip_annotations).collect()),
        other => other.clone(),
    }
}

/// A readable owner for an inline schema: its component, or its operation's id.
fn owner_name(tokens: &[String]) -> String {
    match tokens {
        [c, s, name, ..] if c == "components" && s == "schemas" => name.to_upper_camel_case(),
        [p, path, method, ..] if p == "paths" => format!("{}{}", method, path).to_upper_camel_case(),
        _ => "Inline".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_titles_are_retitled_or_referenced() {
        let mut d = json!({"components": {"schemas": {
            "TicketStatus": {"type": "string", "enum": ["ISSUED", "VOIDED"]},
            "Ticket": {"type": "object", "properties": {
                "status": {"title": "TicketStatus", "type": "string", "enum": ["OPEN"]},
                "same": {"title": "TicketStatus", "type": "string", "enum": ["ISSUED", "VOIDED"], "description": "d"}}},
            "Other": {"type": "object", "properties": {"status": {"title": "TicketStatus", "type": "string", "enum": ["X"]}}},
            "OtherTicketStatus": {"type": "string"}}}});
        let mut c = Changes::default();
        retitle_colliding_inline_schemas(&mut d, &mut c);
        assert_eq!(c.len(), 3);
        let s = &d["components"]["schemas"];
        assert_eq!(s["Ticket"]["properties"]["status"]["title"], "TicketTicketStatus");
        assert_eq!(s["Ticket"]["properties"]["same"], json!({"$ref": "#/components/schemas/TicketStatus"}));
        assert_eq!(s["Other"]["properties"]["status"]["title"], "OtherTicketStatus2");
    }
}
