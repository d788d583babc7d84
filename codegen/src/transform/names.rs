//! Type names: typify names a type by its name alone and reuses an existing type of the same
//! name without comparing shapes, so two different schemas can land on one Rust type.

use super::Changes;
use crate::walk;
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Inline schemas whose Rust type name would be a component's: an inline `TicketStatus`
/// title beside the component `TicketStatus`, or an untitled enum at `Ticket.status`, which
/// typify names `Ticket` + `Status` = `TicketStatus` too.
///
/// typify names a type by its name alone and reuses or redefines the existing type without
/// comparing shapes: a compile error (two definitions) or, worse, the inline schema silently
/// bound to the component's type. An inline schema identical to the component (ignoring
/// annotations) becomes a `$ref` to it; a different one is given a distinct title:
/// `<Owner><Title>` for a titled schema (owner: the enclosing component or operation),
/// `<DerivedName>Inline` for an untitled one, with a numeric suffix if that is taken too.
pub fn retitle_colliding_inline_schemas(doc: &mut Value, changes: &mut Changes) {
    let components: BTreeMap<String, (String, Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.to_upper_camel_case(), (k.clone(), v.clone())))
                .collect()
        })
        .unwrap_or_default();
    let mut ctx = Ctx {
        taken: components.keys().cloned().collect(),
        components,
        changes,
    };
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            let ptr = format!("/components/schemas/{}", walk::escape(name));
            let owner = name.to_upper_camel_case();
            ctx.children(schema, Some(owner.clone()), &owner, &ptr);
        }
    }
    // Operation-level inline schemas: typify names these from the operation id, which does
    // not collide with components in practice, but their titles can.
    let mut inline = Vec::new();
    walk::for_each_operation(doc, &mut |ptr, path, method, _| {
        inline.push((ptr.to_string(), format!("{method}{path}").to_upper_camel_case()))
    });
    for (op_ptr, owner) in inline {
        let Some(op) = doc.pointer_mut(&op_ptr) else { continue };
        walk::for_each_schema_in(op, &op_ptr, &mut |ptr, schema| {
            ctx.check(schema, None, &owner, ptr);
        });
    }
}

struct Ctx<'a> {
    components: BTreeMap<String, (String, Value)>,
    taken: BTreeSet<String>,
    changes: &'a mut Changes,
}

impl Ctx<'_> {
    /// Checks one inline schema, then its children with the names typify would suggest.
    fn visit(&mut self, schema: &mut Value, suggested: Option<String>, owner: &str, ptr: &str) {
        let Value::Object(map) = schema else { return };
        let name = match self.check(map, suggested, owner, ptr) {
            Checked::Referenced => return,
            Checked::Named(name) => name,
        };
        self.children(schema, name, owner, ptr);
    }

    fn children(&mut self, schema: &mut Value, name: Option<String>, owner: &str, ptr: &str) {
        let Value::Object(map) = schema else { return };
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (prop, child) in props.iter_mut() {
                let suggested = name.as_ref().map(|n| format!("{n}{}", prop.to_upper_camel_case()));
                self.visit(
                    child,
                    suggested,
                    owner,
                    &format!("{ptr}/properties/{}", walk::escape(prop)),
                );
            }
        }
        if let Some(items @ Value::Object(_)) = map.get_mut("items") {
            let suggested = name.as_ref().map(|n| format!("{n}Item"));
            self.visit(items, suggested, owner, &format!("{ptr}/items"));
        }
        for key in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(list)) = map.get_mut(key) {
                for (i, child) in list.iter_mut().enumerate() {
                    self.visit(child, None, owner, &format!("{ptr}/{key}/{i}"));
                }
            }
        }
        if let Some(child @ Value::Object(_)) = map.get_mut("additionalProperties") {
            self.visit(child, None, owner, &format!("{ptr}/additionalProperties"));
        }
    }

    fn check(&mut self, map: &mut Map<String, Value>, suggested: Option<String>, owner: &str, ptr: &str) -> Checked {
        let title = map.get("title").and_then(Value::as_str).map(str::to_string);
        let name = title.as_ref().map(|t| t.to_upper_camel_case()).or(suggested);
        let Some(name) = name else { return Checked::Named(None) };
        if !names_a_type(map) {
            // An array or a plain value: no type of its own, but its items are named after it.
            return Checked::Named(Some(name));
        }
        let Some((component, component_schema)) = self.components.get(&name) else {
            return Checked::Named(Some(name));
        };
        if same_schema(&Value::Object(map.clone()), component_schema) {
            map.clear();
            map.insert("$ref".into(), json!(format!("#/components/schemas/{component}")));
            self.changes
                .record(ptr, format!("identical to component {component}: now a $ref"));
            return Checked::Referenced;
        }
        let base = match &title {
            Some(_) => format!("{owner}{name}"),
            None => format!("{name}Inline"),
        };
        let mut unique = base.clone();
        let mut n = 2;
        while self.taken.contains(&unique) {
            unique = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(unique.clone());
        map.insert("title".into(), json!(unique));
        let why = match &title {
            Some(t) => format!("title {t}"),
            None => format!("derived name {name}"),
        };
        self.changes.record(
            ptr,
            format!("{why} collides with component {component}: retitled {unique}"),
        );
        Checked::Named(Some(unique))
    }
}

enum Checked {
    Referenced,
    Named(Option<String>),
}

/// Whether typify gives this schema a named Rust type (enum, struct or union of its own).
fn names_a_type(map: &Map<String, Value>) -> bool {
    map.contains_key("enum")
        || map
            .get("properties")
            .is_some_and(|p| p.as_object().is_some_and(|p| !p.is_empty()))
        || ["oneOf", "anyOf"]
            .iter()
            .any(|k| map.get(*k).and_then(Value::as_array).is_some_and(|l| l.len() > 1))
        || map.get("allOf").and_then(Value::as_array).is_some_and(|l| l.len() > 1)
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
        assert_eq!(
            s["Ticket"]["properties"]["same"],
            json!({"$ref": "#/components/schemas/TicketStatus"})
        );
        assert_eq!(s["Other"]["properties"]["status"]["title"], "OtherTicketStatus2");
    }

    #[test]
    fn derived_names_that_collide_are_retitled() {
        // typify would name Ticket.status `TicketStatus`, the name of another component.
        let mut d = json!({"components": {"schemas": {
            "TicketStatus": {"type": "string", "enum": ["ISSUED", "REFUNDED_EXCHANGED"]},
            "Ticket": {"type": "object", "properties": {
                "status": {"type": "string", "enum": ["ISSUED", "REFUNDED"]},
                "coupons": {"type": "array", "items": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["FLOWN"]}}}},
                "plain": {"type": "string"}}},
            "TicketCouponsItemStatus": {"type": "string"}}}});
        let mut c = Changes::default();
        retitle_colliding_inline_schemas(&mut d, &mut c);
        let t = &d["components"]["schemas"]["Ticket"]["properties"];
        assert_eq!(t["status"]["title"], "TicketStatusInline");
        assert_eq!(
            t["coupons"]["items"]["properties"]["status"]["title"],
            "TicketCouponsItemStatusInline"
        );
        assert!(t["plain"].get("title").is_none());
        assert_eq!(c.len(), 2);
    }
}
