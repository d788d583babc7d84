//! Type names: typify names a type by its name alone and reuses an existing type of the same
//! name without comparing shapes, so two different schemas can land on one Rust type.

use super::Changes;
use crate::walk;
use heck::ToUpperCamelCase;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// Inline schemas whose Rust type name would be a component's or another inline schema's:
/// an inline `TicketStatus` title beside the component `TicketStatus`, an untitled enum at
/// `Ticket.status`, which typify names `Ticket` + `Status` = `TicketStatus` too, or two
/// different inline schemas both titled `ExchangeInfo`.
///
/// typify names a type by its name alone and reuses the existing type without comparing
/// shapes (`TypeSpace::assign_type`): the second schema is silently bound to the first's
/// type, and what only it defines is dropped. An inline schema identical to the component
/// (ignoring annotations) becomes a `$ref` to it; identical inline schemas keep sharing one
/// type; a different one is given a distinct title:
/// `<Owner><Title>` for a titled schema (owner: the enclosing component or operation),
/// `<DerivedName>Inline` for an untitled one, with a numeric suffix if that is taken too.
pub fn retitle_colliding_inline_schemas(doc: &mut Value, changes: &mut Changes) {
    let components: BTreeMap<String, (String, Value)> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (crate::sanitize_type_name(k), (k.clone(), v.clone())))
                .collect()
        })
        .unwrap_or_default();
    let mut ctx = Ctx {
        taken: components.keys().cloned().collect(),
        components,
        inline: BTreeMap::new(),
        changes: Some(changes),
        collisions: Vec::new(),
    };
    ctx.walk(doc);
}

/// Fails, naming both JSON pointers, when two schemas that are not the same type would
/// still get one Rust name from typify (which would bind the second to the first's type):
/// two components whose names typify spells alike, or a named inline schema (by title, or by
/// the name typify derives from where it stands) beside a component or another inline
/// schema of that name. Run on the document as progenitor will read it, after every fix-up.
pub fn audit_type_names(doc: &Value) -> Result<(), String> {
    let mut components: BTreeMap<String, (String, Value)> = BTreeMap::new();
    let mut collisions = Vec::new();
    for (name, schema) in doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let rust = crate::sanitize_type_name(name);
        if let Some((other, other_schema)) = components.get(&rust)
            && !same_schema(schema, other_schema)
        {
            collisions.push(format!(
                "/components/schemas/{} and /components/schemas/{} are both `{rust}`",
                walk::escape(other),
                walk::escape(name)
            ));
        }
        components.insert(rust, (name.clone(), schema.clone()));
    }
    let mut copy = doc.clone();
    let mut ctx = Ctx {
        taken: components.keys().cloned().collect(),
        components,
        inline: BTreeMap::new(),
        changes: None,
        collisions,
    };
    ctx.walk(&mut copy);
    match ctx.collisions.first() {
        None => Ok(()),
        Some(_) => Err(format!(
            "different schemas would share one Rust type: {}",
            ctx.collisions.join("; ")
        )),
    }
}

impl Ctx<'_> {
    fn walk(&mut self, doc: &mut Value) {
        if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
            for (name, schema) in schemas.iter_mut() {
                let ptr = format!("/components/schemas/{}", walk::escape(name));
                let owner = crate::sanitize_type_name(name);
                self.children(schema, Some(owner.clone()), &owner, &ptr);
            }
        }
        // Operation-level inline schemas: progenitor names a body `<OperationId>Body` and a
        // response `<OperationId>Response`; typify names what they hold after them.
        let mut inline = Vec::new();
        walk::for_each_operation(doc, &mut |ptr, path, method, op| {
            let id = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_upper_camel_case);
            inline.push((ptr.to_string(), format!("{method}{path}").to_upper_camel_case(), id))
        });
        for (op_ptr, owner, id) in inline {
            let Some(op) = doc.pointer_mut(&op_ptr) else { continue };
            let mut bodies = Vec::new();
            if let Some(Value::Object(content)) = op.pointer_mut("/requestBody/content") {
                for (mt, media) in content.iter_mut() {
                    if let Some(schema) = media.get_mut("schema") {
                        let ptr = format!("{op_ptr}/requestBody/content/{}/schema", walk::escape(mt));
                        bodies.push((ptr, id.as_ref().map(|i| format!("{i}Body")), schema.take()));
                    }
                }
            }
            if let Some(Value::Object(responses)) = op.get_mut("responses") {
                for (status, response) in responses.iter_mut() {
                    let Some(Value::Object(content)) = response.get_mut("content") else {
                        continue;
                    };
                    for (mt, media) in content.iter_mut() {
                        if let Some(schema) = media.get_mut("schema") {
                            let ptr = format!(
                                "{op_ptr}/responses/{}/content/{}/schema",
                                walk::escape(status),
                                walk::escape(mt)
                            );
                            bodies.push((ptr, id.as_ref().map(|i| format!("{i}Response")), schema.take()));
                        }
                    }
                }
            }
            // Parameters: titled schemas only (typify names an untitled one after the
            // operation and parameter, which no component is named like).
            walk::for_each_schema_in(op, &op_ptr, &mut |ptr, schema| {
                self.check(schema, None, &owner, ptr);
            });
            for (ptr, suggested, mut schema) in bodies {
                self.visit(&mut schema, suggested, &owner, &ptr);
                if let Some(slot) = doc.pointer_mut(&ptr) {
                    *slot = schema;
                }
            }
        }
    }
}

struct Ctx<'a> {
    components: BTreeMap<String, (String, Value)>,
    /// Named inline schemas seen so far: Rust name → (JSON pointer, schema).
    inline: BTreeMap<String, (String, Value)>,
    taken: BTreeSet<String>,
    /// Where the fix-up records what it changed; `None` when only auditing.
    changes: Option<&'a mut Changes>,
    /// What the audit found: one line per collision.
    collisions: Vec<String>,
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
                let suggested = name.as_ref().map(|n| property_type_name(n, prop));
                self.visit(
                    child,
                    suggested,
                    owner,
                    &format!("{ptr}/properties/{}", walk::escape(prop)),
                );
            }
        }
        if let Some(items @ Value::Object(_)) = map.get_mut("items") {
            let suggested = name.as_ref().map(|n| crate::sanitize_type_name(&format!("{n}_item")));
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
        let name = title.as_deref().map(crate::sanitize_type_name).or(suggested);
        let Some(name) = name else { return Checked::Named(None) };
        if !names_a_type(map) {
            // An array or a plain value: no type of its own, but its items are named after it.
            return Checked::Named(Some(name));
        }
        let schema = Value::Object(map.clone());
        let collides_with = match self.components.get(&name) {
            Some((component, component_schema)) if same_schema(&schema, component_schema) => {
                let component = component.clone();
                let Some(changes) = self.changes.as_deref_mut() else {
                    return Checked::Named(Some(name));
                };
                map.clear();
                map.insert("$ref".into(), json!(format!("#/components/schemas/{component}")));
                changes.record(ptr, format!("identical to component {component}: now a $ref"));
                return Checked::Referenced;
            }
            Some((component, _)) => format!("component {component}"),
            None => match self.inline.get(&name) {
                // The same type twice: typify's reuse is right.
                Some((_, first)) if same_schema(&schema, first) => return Checked::Named(Some(name)),
                Some((first, _)) => format!("the inline schema at {first}"),
                None => {
                    self.inline.insert(name.clone(), (ptr.to_string(), schema));
                    return Checked::Named(Some(name));
                }
            },
        };
        let Some(changes) = self.changes.as_deref_mut() else {
            let first = self
                .components
                .get(&name)
                .map(|(c, _)| format!("/components/schemas/{}", walk::escape(c)))
                .or_else(|| self.inline.get(&name).map(|(p, _)| p.clone()))
                .unwrap_or_default();
            self.collisions.push(format!("{first} and {ptr} are both `{name}`"));
            return Checked::Named(Some(name));
        };
        let base = match &title {
            Some(_) => format!("{owner}{name}"),
            None => format!("{name}Inline"),
        };
        let mut unique = base.clone();
        let mut n = 2;
        while self.taken.contains(&unique) || self.inline.contains_key(&unique) {
            unique = format!("{base}{n}");
            n += 1;
        }
        self.taken.insert(unique.clone());
        map.insert("title".into(), json!(unique));
        self.inline
            .insert(unique.clone(), (ptr.to_string(), Value::Object(map.clone())));
        let why = match &title {
            Some(t) => format!("title {t}"),
            None => format!("derived name {name}"),
        };
        changes.record(ptr, format!("{why} collides with {collides_with}: retitled {unique}"));
        Checked::Named(Some(unique))
    }
}

/// The name typify gives the inline schema of property `prop` of type `owner`: the owner's
/// name and the property's, joined as typify joins them (`<owner>_<prop in snake case>`),
/// then named by typify's rule.
pub fn property_type_name(owner: &str, prop: &str) -> String {
    crate::sanitize_type_name(&format!("{owner}_{}", heck::ToSnakeCase::to_snake_case(prop)))
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
                .map(|(k, v)| match (k.as_str(), v) {
                    // Property names are data, not annotations: a property named `title` stays.
                    ("properties", Value::Object(props)) => (
                        k.clone(),
                        Value::Object(props.iter().map(|(p, s)| (p.clone(), strip_annotations(s))).collect()),
                    ),
                    _ => (k.clone(), strip_annotations(v)),
                })
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
    fn inline_schemas_of_one_title_but_different_shapes_get_their_own_types() {
        let exchange = |props: Value| json!({"title": "ExchangeInfo", "type": "object", "properties": props});
        let mut d = json!({"components": {"schemas": {
            "Automated": {"type": "object", "properties": {"supported": {"type": "array",
                "items": exchange(json!({"legInfos": {"type": "array", "items": {"type": "string"}}}))}}},
            "Ticket": {"type": "object", "properties": {
                "exchangeInfo": exchange(json!({"originalTicketNumber": {"type": "string"}})),
                "again": exchange(json!({"legInfos": {"type": "array", "items": {"type": "string"}}}))}}}},
            "paths": {"/t": {"post": {"operationId": "makeTicket",
                "requestBody": {"content": {"application/json": {"schema": exchange(json!({"penalty": {"type": "string"}}))}}},
                "responses": {}}}}});
        assert!(audit_type_names(&d).unwrap_err().contains(
            "/components/schemas/Automated/properties/supported/items and /components/schemas/Ticket/properties/exchangeInfo are both `ExchangeInfo`"
        ));
        let mut c = Changes::default();
        retitle_colliding_inline_schemas(&mut d, &mut c);
        let t = &d["components"]["schemas"]["Ticket"]["properties"];
        assert_eq!(t["exchangeInfo"]["title"], "TicketExchangeInfo");
        // Identical to the first ExchangeInfo: the same type is right.
        assert_eq!(t["again"]["title"], "ExchangeInfo");
        assert_eq!(
            d.pointer("/paths/~1t/post/requestBody/content/application~1json/schema/title"),
            Some(&json!("PostTExchangeInfo"))
        );
        assert_eq!(c.len(), 2, "{c:?}");
        audit_type_names(&d).unwrap();
    }

    #[test]
    fn a_property_named_like_an_annotation_is_part_of_the_shape() {
        let titled = |prop: &str| json!({"title": "Note", "type": "object", "properties": {prop: {"type": "string"}}});
        let mut d = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"note": titled("title")}},
            "B": {"type": "object", "properties": {"note": titled("description")}}}}});
        let mut c = Changes::default();
        retitle_colliding_inline_schemas(&mut d, &mut c);
        assert_eq!(d["components"]["schemas"]["B"]["properties"]["note"]["title"], "BNote");
        audit_type_names(&d).unwrap();
    }

    #[test]
    fn the_audit_names_components_typify_spells_alike() {
        let d = json!({"components": {"schemas": {
            "ticket_status": {"type": "string", "enum": ["A"]},
            "TicketStatus": {"type": "string", "enum": ["B"]}}}});
        let err = audit_type_names(&d).unwrap_err();
        assert!(
            err.contains(
                "/components/schemas/ticket_status and /components/schemas/TicketStatus are both `TicketStatus`"
            ),
            "{err}"
        );
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
