//! Unions typify would read by first match, made into component `oneOf`s the union pass
//! dispatches by their data (see `unions` at the crate root).

use super::Changes;
use crate::walk;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// `anyOf` as `oneOf`. typify makes an `anyOf` whose members can overlap a struct of one
/// optional flattened field per member, filled by trying each member on the same data, and
/// one whose members cannot overlap an untagged enum; neither is read by a discriminator.
/// As a `oneOf` it is dispatched like every other union: by its discriminator, or by the
/// keys its members own, and a payload with keys of several members, or of none, lands in
/// the `Unrecognized` variant that keeps it whole. (Members sharing a property name fit
/// neither rule: that union stays untagged and is reported, as any such `oneOf`.)
pub fn any_of_to_one_of(doc: &mut Value, changes: &mut Changes) {
    walk::for_each_schema(doc, &mut |ptr, schema| {
        if schema.contains_key("oneOf") {
            return;
        }
        if let Some(members) = schema.remove("anyOf") {
            schema.insert("oneOf".into(), members);
            changes.record(ptr, "anyOf → oneOf");
        }
    });
}

/// A schema with a `discriminator` and no `oneOf` (the base of an `allOf` hierarchy: `Pet`
/// with a mapping to `Cat` and `Dog`, each `allOf: [Pet, …]`) stands, wherever it is
/// referenced, for any of its mapped schemas. typify makes it a struct of the base's
/// properties, so a `Cat` sent where a `Pet` is expected loses what only a cat has. The base
/// moves to `<Name>Base` (the members' `allOf` follow it) and `<Name>` becomes the `oneOf` of
/// the mapping's targets with the same discriminator.
pub fn discriminated_all_of_to_one_of(doc: &mut Value, changes: &mut Changes) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    let bases: Vec<String> = schemas
        .iter()
        .filter(|(_, s)| {
            s.get("discriminator").is_some_and(|d| d.get("mapping").is_some())
                && !s.get("oneOf").is_some_and(Value::is_array)
        })
        .map(|(name, _)| name.clone())
        .collect();
    for name in bases {
        let mut base_name = format!("{name}Base");
        let mut n = 2;
        while schemas.contains_key(&base_name) {
            base_name = format!("{name}Base{n}");
            n += 1;
        }
        let old_ref = format!("#/components/schemas/{}", walk::escape(&name));
        let new_ref = format!("#/components/schemas/{}", walk::escape(&base_name));
        let mut discriminator = schemas[&name]["discriminator"].clone();
        let Some(mapping) = discriminator.get_mut("mapping").and_then(Value::as_object_mut) else {
            continue;
        };
        if mapping
            .values()
            .all(|t| t.as_str().map(walk::mapping_reference).as_deref() == Some(old_ref.as_str()))
        {
            // A mapping of the base to itself only: no other member to choose.
            continue;
        }
        // A tag the mapping gives the base itself now names `<Name>Base`, a member like the rest.
        for target in mapping.values_mut() {
            if target.as_str().map(walk::mapping_reference).as_deref() == Some(old_ref.as_str()) {
                *target = json!(new_ref);
            }
        }
        let targets: Vec<Value> = mapping
            .values()
            .filter_map(Value::as_str)
            .map(walk::mapping_reference)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .map(|target| json!({ "$ref": target }))
            .collect();
        let Some(Value::Object(mut base)) = schemas.remove(&name) else {
            continue;
        };
        base.remove("discriminator");
        // The members that extend the base (at any depth of their `allOf`) now extend
        // `<Name>Base`: extending the union would make each member contain itself.
        for (member, schema) in schemas.iter_mut() {
            if extend_instead(schema, &old_ref, &new_ref) {
                changes.record(
                    format!("/components/schemas/{}/allOf", walk::escape(member)),
                    format!("extends {base_name}"),
                );
            }
        }
        let mut union = Map::new();
        for key in ["description", "title"] {
            if let Some(v) = base.get(key) {
                union.insert(key.into(), v.clone());
            }
        }
        union.insert("oneOf".into(), Value::Array(targets));
        union.insert("discriminator".into(), discriminator);
        base.insert("title".into(), json!(base_name));
        schemas.insert(base_name.clone(), Value::Object(base));
        schemas.insert(name.clone(), Value::Object(union));
        changes.record(
            format!("/components/schemas/{}", walk::escape(&name)),
            format!("oneOf of its mapping; its properties moved to {base_name}"),
        );
    }
}

/// Points the `allOf` parts of `schema` (nested ones too) that reference `from` to `to`.
fn extend_instead(schema: &mut Value, from: &str, to: &str) -> bool {
    let mut changed = false;
    for part in schema
        .get_mut("allOf")
        .and_then(Value::as_array_mut)
        .into_iter()
        .flatten()
    {
        if part.get("$ref").and_then(Value::as_str) == Some(from) {
            part["$ref"] = json!(to);
            changed = true;
        } else {
            changed |= extend_instead(part, from, to);
        }
    }
    changed
}

/// Inline unions (a `oneOf` in a property or in the items of an array, through the nested
/// properties and items of a component) moved to components under the name typify gives
/// them where they stand (`HotelSearchParams.searchBy` → `HotelSearchParamsSearchBy`), so the
/// Rust type keeps its name and the union pass, which plans component unions, dispatches
/// them too. typify would otherwise make an inline union untagged (read by first match), or,
/// with one member, that member itself: a member Spotnana adds later would be read as the
/// known one. Unions elsewhere (inside a union's members, in operations) are not moved; if
/// serde would read them by first match, `untagged_unions_left` lists them.
pub fn hoist_inline_unions(doc: &mut Value, changes: &mut Changes) {
    let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") else {
        return;
    };
    // A hoisted union must take neither a component's key nor its Rust name.
    let mut taken: BTreeMap<String, (String, Value)> = schemas
        .iter()
        .flat_map(|(name, schema)| {
            let entry = (name.clone(), schema.clone());
            [(crate::sanitize_type_name(name), entry.clone()), (name.clone(), entry)]
        })
        .collect();
    let mut ctx = Hoist {
        taken: &mut taken,
        hoisted: Vec::new(),
        changes,
    };
    for (name, schema) in schemas.iter_mut() {
        let ptr = format!("/components/schemas/{}", walk::escape(name));
        ctx.children(schema, &crate::sanitize_type_name(name), &ptr);
    }
    for (name, schema) in ctx.hoisted {
        schemas.insert(name, schema);
    }
}

struct Hoist<'a> {
    /// Keys and Rust names of the components and of the unions hoisted so far, each with
    /// the key and schema it stands for.
    taken: &'a mut BTreeMap<String, (String, Value)>,
    hoisted: Vec<(String, Value)>,
    changes: &'a mut Changes,
}

impl Hoist<'_> {
    fn children(&mut self, schema: &mut Value, name: &str, ptr: &str) {
        let Value::Object(map) = schema else { return };
        if let Some(Value::Object(props)) = map.get_mut("properties") {
            for (prop, child) in props.iter_mut() {
                let suggested = super::property_type_name(name, prop);
                self.visit(child, suggested, &format!("{ptr}/properties/{}", walk::escape(prop)));
            }
        }
        if let Some(items @ Value::Object(_)) = map.get_mut("items") {
            let suggested = crate::sanitize_type_name(&format!("{name}_item"));
            self.visit(items, suggested, &format!("{ptr}/items"));
        }
    }

    fn visit(&mut self, schema: &mut Value, suggested: String, ptr: &str) {
        let Value::Object(map) = schema else { return };
        let name = match map.get("title").and_then(Value::as_str) {
            Some(title) => crate::sanitize_type_name(title),
            None => suggested,
        };
        let is_union = map
            .get("oneOf")
            .and_then(Value::as_array)
            .is_some_and(|m| !m.is_empty());
        if !is_union {
            return self.children(schema, &name, ptr);
        }
        let mut union = std::mem::take(map);
        let nullable = union.remove("nullable");
        let union = Value::Object(union);
        let mut unique = name.clone();
        let mut n = 2;
        // The key to reference, and whether the union is new (an identical one is shared).
        let (key, fresh) = loop {
            let rust = crate::sanitize_type_name(&unique);
            match self.taken.get(&unique).or_else(|| self.taken.get(&rust)) {
                None => break (unique.clone(), true),
                Some((key, existing)) if *existing == union => break (key.clone(), false),
                Some(_) => {
                    unique = format!("{name}{n}");
                    n += 1;
                }
            }
        };
        let reference = json!(format!("#/components/schemas/{}", walk::escape(&key)));
        match nullable {
            Some(Value::Bool(true)) => {
                map.insert("allOf".into(), json!([{ "$ref": reference }]));
                map.insert("nullable".into(), json!(true));
            }
            _ => {
                map.insert("$ref".into(), reference);
            }
        }
        if fresh {
            let entry = (key.clone(), union.clone());
            self.taken.insert(crate::sanitize_type_name(&key), entry.clone());
            self.taken.insert(key.clone(), entry);
            self.hoisted.push((key.clone(), union));
        }
        self.changes
            .record(ptr, format!("hoisted to /components/schemas/{key}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(fixup: super::super::Fixup, mut doc: Value) -> (Value, Changes) {
        let mut changes = Changes::default();
        fixup(&mut doc, &mut changes);
        (doc, changes)
    }

    #[test]
    fn inline_unions_move_to_components_under_typify_s_name() {
        let union = json!({
            "oneOf": [{"$ref": "#/components/schemas/Airport"}, {"$ref": "#/components/schemas/Code"}],
            "discriminator": {"propertyName": "searchType"}
        });
        let doc = json!({"components": {"schemas": {
            "HotelSearchParams": {"type": "object", "properties": {
                "searchBy": union,
                "list": {"type": "array", "title": "Other", "items": {"type": "object", "properties": {
                    "meta": {"oneOf": [{"$ref": "#/components/schemas/Code"}], "nullable": true}
                }}}
            }},
            "Airport": {"type": "object"}, "Code": {"type": "object"}
        }}});
        let (doc, changes) = run(hoist_inline_unions, doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(schemas["HotelSearchParamsSearchBy"], union);
        assert_eq!(
            schemas["HotelSearchParams"]["properties"]["searchBy"],
            json!({"$ref": "#/components/schemas/HotelSearchParamsSearchBy"})
        );
        assert_eq!(
            schemas["HotelSearchParams"]["properties"]["list"]["items"]["properties"]["meta"],
            json!({"allOf": [{"$ref": "#/components/schemas/OtherItemMeta"}], "nullable": true})
        );
        assert_eq!(
            schemas["OtherItemMeta"],
            json!({"oneOf": [{"$ref": "#/components/schemas/Code"}]})
        );
        assert_eq!(changes.len(), 2);
    }

    #[test]
    fn a_hoisted_name_taken_by_another_schema_gets_a_suffix() {
        let doc = json!({"components": {"schemas": {
            "A": {"type": "object", "properties": {"b": {"oneOf": [{"type": "string"}, {"type": "integer"}]}}},
            "AB": {"type": "object"}
        }}});
        let (doc, _) = run(hoist_inline_unions, doc);
        assert_eq!(
            doc["components"]["schemas"]["A"]["properties"]["b"]["$ref"],
            "#/components/schemas/AB2"
        );
        assert!(doc["components"]["schemas"]["AB2"]["oneOf"].is_array());
    }

    #[test]
    fn any_of_becomes_one_of() {
        let doc = json!({"components": {"schemas": {"U": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}}});
        let (doc, changes) = run(any_of_to_one_of, doc);
        assert_eq!(
            doc["components"]["schemas"]["U"],
            json!({"oneOf": [{"type": "string"}, {"type": "integer"}]})
        );
        assert_eq!(changes.len(), 1);
    }

    #[test]
    fn a_discriminated_base_becomes_the_union_of_its_mapping() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "required": ["petType"], "properties": {"petType": {"type": "string"}},
                    "discriminator": {"propertyName": "petType", "mapping": {"CAT": "#/components/schemas/Cat", "DOG": "Dog"}}},
            "Cat": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "object", "properties": {"lives": {"type": "integer"}}}]},
            "Dog": {"allOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "object", "properties": {"bark": {"type": "string"}}}]}
        }}});
        let (doc, changes) = run(discriminated_all_of_to_one_of, doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Pet"]["oneOf"],
            json!([{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}])
        );
        assert_eq!(schemas["Pet"]["discriminator"]["propertyName"], "petType");
        assert_eq!(schemas["PetBase"]["properties"]["petType"]["type"], "string");
        assert!(schemas["PetBase"].get("discriminator").is_none());
        assert_eq!(schemas["Cat"]["allOf"][0]["$ref"], "#/components/schemas/PetBase");
        assert_eq!(changes.len(), 3);
    }

    #[test]
    fn a_base_its_mapping_names_is_a_member_and_a_self_only_mapping_is_left() {
        let doc = json!({"components": {"schemas": {
            "Pet": {"type": "object", "properties": {"petType": {"type": "string"}},
                    "discriminator": {"propertyName": "petType", "mapping": {"PET": "Pet", "CAT": "Cat"}}},
            "Cat": {"allOf": [{"allOf": [{"$ref": "#/components/schemas/Pet"}]}, {"type": "object"}]},
            "Lone": {"type": "object", "discriminator": {"propertyName": "t", "mapping": {"LONE": "Lone"}}}
        }}});
        let (doc, _) = run(discriminated_all_of_to_one_of, doc);
        let schemas = &doc["components"]["schemas"];
        assert_eq!(
            schemas["Pet"]["oneOf"],
            json!([{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/PetBase"}])
        );
        assert_eq!(
            schemas["Pet"]["discriminator"]["mapping"]["PET"],
            "#/components/schemas/PetBase"
        );
        assert_eq!(
            schemas["Cat"]["allOf"][0]["allOf"][0]["$ref"],
            "#/components/schemas/PetBase"
        );
        assert!(schemas["Lone"].get("oneOf").is_none(), "{}", schemas["Lone"]);
    }
}
