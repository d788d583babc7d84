//! `oneOf` unions that deserialize into the variant the data is, not the first that fits.
//!
//! typify turns every `oneOf` into a `#[serde(untagged)]` enum: serde tries the variants in
//! order and keeps the first that accepts the data. With Spotnana's documents that is often
//! the wrong one, silently: objects accept unknown fields and most properties are optional,
//! so a `TransactionItem` sent as a `RAIL_ITEM` lands in `AirItem` and loses its rail fields,
//! and an `IdentityDocument` given `{"ktn": …}` lands in `PassportWrapper { passport: None }`.
//!
//! This pass replaces the derived `Deserialize` of such enums with one that picks the
//! variant from the data itself:
//!
//! - [`Dispatch::Tag`]: the schema has a `discriminator`; the variant is chosen by the
//!   value of its property, through the `mapping` (and, as OpenAPI specifies, the schema
//!   name of each variant when the mapping does not list it);
//! - [`Dispatch::Keys`]: no discriminator, but the variants' property names are pairwise
//!   disjoint (the "wrapper" unions, a `oneOf` of objects each holding its own property);
//!   the variant is the one owning the non-null keys present.
//!
//! A tag value or a key set the document does not know yet (Spotnana adds variants without
//! notice), or keys of two variants at once, land in a last variant
//! `Unrecognized(serde_json::Value)` that keeps the data and serializes it back unchanged;
//! the enum becomes `#[non_exhaustive]`. A one-member `oneOf`, which typify makes a newtype
//! of its member, is made an enum of one variant first ([`single`]), so its member is checked
//! like any other. A union chosen by its tag also writes, for each variant, the tag the
//! mapping gives it, and its members' constructors fill it in ([`constructors`]). A union
//! that fits neither rule stays untagged and is listed by [`UnionPlan::ambiguous`], so the
//! report shows every place where serde's first-match order still decides. Inline unions,
//! `anyOf` and discriminated `allOf` bases reach this pass as component `oneOf`s (see the
//! `transform` fix-ups `hoist_inline_unions`, `any_of_to_one_of`,
//! `discriminated_all_of_to_one_of`).

mod constructors;
mod impls;
mod single;

pub use constructors::fill_tags_in_constructors;

use crate::walk;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use syn::Item;

/// How a union's variant is chosen from the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dispatch {
    /// By the string value of `property`: (value, variant index) pairs; `missing` is the
    /// variant a payload without the property is, when the members' schemas give the
    /// property a `default` that the mapping names.
    Tag {
        property: String,
        tags: Vec<(String, usize)>,
        missing: Option<usize>,
    },
    /// By which variant owns the keys present: (key, variant index) pairs.
    Keys { keys: Vec<(String, usize)> },
}

/// One component union and its dispatch.
#[derive(Debug, Clone)]
pub struct Union {
    /// JSON pointer of the schema in its document.
    pub pointer: String,
    /// Number of `oneOf` variants (the generated enum must have exactly these).
    pub variants: usize,
    pub dispatch: Dispatch,
}

/// The unions of one document, by the Rust name of their component.
#[derive(Debug, Clone, Default)]
pub struct UnionPlan {
    pub unions: BTreeMap<String, Union>,
    /// Component `oneOf`s with neither a discriminator nor disjoint variants: (pointer, why).
    pub ambiguous: Vec<(String, String)>,
}

/// Finds the dispatch of every component `oneOf` of `doc` (after the fix-ups).
pub fn plan(doc: &Value) -> UnionPlan {
    let mut out = UnionPlan::default();
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
        return out;
    };
    for (name, schema) in schemas {
        let Some(variants) = schema.get("oneOf").and_then(Value::as_array) else {
            continue;
        };
        let pointer = format!("/components/schemas/{}", walk::escape(name));
        let dispatch = match schema.get("discriminator") {
            Some(discriminator) => tag_dispatch(doc, discriminator, variants),
            None => key_dispatch(doc, variants),
        };
        match dispatch {
            Ok(dispatch) => {
                out.unions.insert(
                    crate::sanitize_type_name(name),
                    Union {
                        pointer,
                        variants: variants.len(),
                        dispatch,
                    },
                );
            }
            Err(why) => out.ambiguous.push((pointer, why)),
        }
    }
    out
}

fn tag_dispatch(doc: &Value, discriminator: &Value, variants: &[Value]) -> Result<Dispatch, String> {
    let property = discriminator
        .get("propertyName")
        .and_then(Value::as_str)
        .ok_or("discriminator without propertyName")?
        .to_string();
    let refs: Vec<Option<&str>> = variants.iter().map(walk::reference).collect();
    let index_of = |reference: &str| refs.iter().position(|r| *r == Some(reference));
    let mut tags = Vec::new();
    let mut mapped = BTreeSet::new();
    if let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) {
        for (value, target) in mapping {
            let target = target.as_str().ok_or("discriminator mapping value is not a string")?;
            let reference = walk::mapping_reference(target);
            let index = index_of(&reference)
                .ok_or_else(|| format!("discriminator mapping {value:?} names {target}, which is not a variant"))?;
            tags.push((value.clone(), index));
            mapped.insert(index);
        }
    }
    // OpenAPI: without a mapping entry, a variant's tag is its schema name.
    for (index, reference) in refs.iter().enumerate() {
        if let (false, Some(reference)) = (mapped.contains(&index), reference) {
            let name = walk::unescape(reference.rsplit('/').next().unwrap_or_default());
            tags.push((name, index));
        }
    }
    if tags.is_empty() {
        return Err("discriminator maps no variant".into());
    }
    // A member may leave its tag out and default it: a payload without the tag is that
    // member, as its own schema says.
    let missing = variants.iter().find_map(|variant| {
        let default = property_default(doc, variant, &property, 0)?;
        tags.iter().find(|(tag, _)| *tag == default).map(|(_, index)| *index)
    });
    Ok(Dispatch::Tag {
        property,
        tags,
        missing,
    })
}

fn key_dispatch(doc: &Value, variants: &[Value]) -> Result<Dispatch, String> {
    let mut keys = Vec::new();
    let mut owner: BTreeMap<String, usize> = BTreeMap::new();
    for (index, variant) in variants.iter().enumerate() {
        let mut names = BTreeSet::new();
        property_names(doc, variant, &mut names, 0);
        if names.is_empty() {
            return Err(format!("variant {index} declares no properties"));
        }
        for name in names {
            if let Some(other) = owner.insert(name.clone(), index) {
                return Err(format!("variants {other} and {index} both declare `{name}`"));
            }
            keys.push((name, index));
        }
    }
    Ok(Dispatch::Keys { keys })
}

/// The string `default` of property `name` of an object schema, through `$ref` and `allOf`
/// (the property's own schema too: a `$ref` wrapped with its `default`, see
/// `ref_siblings_to_all_of`).
fn property_default(doc: &Value, schema: &Value, name: &str, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return property_default(doc, walk::resolve(doc, reference)?, name, depth + 1);
    }
    schema
        .pointer(&format!("/properties/{}", walk::escape(name)))
        .and_then(|own| first_default(doc, own, depth))
        .or_else(|| {
            schema
                .get("allOf")?
                .as_array()?
                .iter()
                .find_map(|member| property_default(doc, member, name, depth + 1))
        })
}

/// The first string `default` of a schema, its own or through `$ref` and `allOf`.
fn first_default(doc: &Value, schema: &Value, depth: usize) -> Option<String> {
    if depth > 16 {
        return None;
    }
    if let Some(default) = schema.get("default").and_then(Value::as_str) {
        return Some(default.to_string());
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return first_default(doc, walk::resolve(doc, reference)?, depth + 1);
    }
    schema
        .get("allOf")?
        .as_array()?
        .iter()
        .find_map(|member| first_default(doc, member, depth + 1))
}

/// Property names of an object schema, through `$ref` and `allOf`.
fn property_names(doc: &Value, schema: &Value, out: &mut BTreeSet<String>, depth: usize) {
    if depth > 16 {
        return;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        if let Some(target) = walk::resolve(doc, reference) {
            property_names(doc, target, out, depth + 1);
        }
        return;
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.extend(properties.keys().cloned());
    }
    for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        property_names(doc, member, out, depth + 1);
    }
}

/// Rewrites the untagged enums of `file` that `plan` knows; returns (type, pointer) of
/// each enum rewritten, and (pointer, why) of each union of the plan found but left alone.
pub fn dispatch_unions(file: &mut syn::File, plan: &UnionPlan) -> (Places, Places) {
    let mut done = Vec::new();
    let mut skipped = Vec::new();
    let single: BTreeSet<String> = plan
        .unions
        .iter()
        .filter(|(_, union)| union.variants == 1)
        .map(|(name, _)| name.clone())
        .collect();
    let (_, left) = single::newtypes_to_enums(&mut file.items, &single);
    for (name, why) in left {
        skipped.push((plan.unions[&name].pointer.clone(), format!("one-member union: {why}")));
    }
    rewrite_items(&mut file.items, plan, &mut done, &mut skipped);
    for union in plan.unions.values() {
        if !done.iter().any(|(_, p)| *p == union.pointer) && !skipped.iter().any(|(p, _)| *p == union.pointer) {
            skipped.push((union.pointer.clone(), "not generated as an enum".into()));
        }
    }
    (done, skipped)
}

/// (Rust type or JSON pointer, note) pairs.
pub type Places = Vec<(String, String)>;

/// The enums of `file` (recursing into modules) that serde still reads untagged, by first
/// match: every union [`dispatch_unions`] did not rewrite, wherever it stands (an inline
/// `oneOf`, an `anyOf`, a component it could not plan).
pub fn untagged_enums_left(file: &syn::File) -> Vec<String> {
    fn walk(items: &[Item], out: &mut Vec<String>) {
        for item in items {
            match item {
                Item::Mod(m) => {
                    if let Some((_, inner)) = &m.content {
                        walk(inner, out);
                    }
                }
                Item::Enum(e)
                    if crate::passes::serde_attrs::has(&e.attrs, "untagged")
                        && crate::passes::serde_attrs::derives(&e.attrs, "Deserialize") =>
                {
                    out.push(e.ident.to_string());
                }
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&file.items, &mut out);
    out
}

fn rewrite_items(items: &mut Vec<Item>, plan: &UnionPlan, done: &mut Places, skipped: &mut Places) {
    let mut additions = Vec::new();
    for item in items.iter_mut() {
        if let Item::Mod(m) = item {
            if let Some((_, inner)) = &mut m.content {
                rewrite_items(inner, plan, done, skipped);
            }
            continue;
        }
        let Item::Enum(e) = item else { continue };
        let Some(union) = plan.unions.get(&e.ident.to_string()) else {
            continue;
        };
        match impls::rewrite(e, union) {
            Ok(deserialize) => {
                additions.push(deserialize);
                done.push((e.ident.to_string(), union.pointer.clone()));
            }
            Err(why) => skipped.push((union.pointer.clone(), why)),
        }
    }
    for tokens in additions {
        let file: syn::File = syn::parse2(tokens).expect("generated serde impls parse");
        items.extend(file.items);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc() -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "v"},
            "paths": {},
            "components": {"schemas": {
                "Item": {
                    "oneOf": [{"$ref": "#/components/schemas/Air"}, {"$ref": "#/components/schemas/Rail"}],
                    "discriminator": {"propertyName": "itemType", "mapping": {"AIR_ITEM": "#/components/schemas/Air"}}
                },
                "Air": {"type": "object", "required": ["itemType"], "properties": {"itemType": {"type": "string"}, "legs": {"type": "integer"}}},
                "Rail": {"type": "object", "required": ["itemType"], "properties": {"itemType": {"type": "string"}, "railLegs": {"type": "integer"}}},
                "Identity": {"oneOf": [
                    {"type": "object", "properties": {"passport": {"type": "string"}}},
                    {"allOf": [{"$ref": "#/components/schemas/KtnWrapper"}], "description": "known traveler"}
                ]},
                "KtnWrapper": {"type": "object", "properties": {"ktn": {"type": "string"}}},
                "Overlap": {"oneOf": [
                    {"type": "object", "properties": {"a": {"type": "string"}}},
                    {"type": "object", "properties": {"a": {"type": "integer"}}}
                ]}
            }}
        })
    }

    #[test]
    fn plans_tags_keys_and_reports_the_rest() {
        let plan = plan(&doc());
        assert_eq!(
            plan.unions["Item"].dispatch,
            Dispatch::Tag {
                property: "itemType".into(),
                tags: vec![("AIR_ITEM".into(), 0), ("Rail".into(), 1)],
                missing: None
            }
        );
        assert_eq!(
            plan.unions["Identity"].dispatch,
            Dispatch::Keys {
                keys: vec![("passport".into(), 0), ("ktn".into(), 1)]
            }
        );
        assert_eq!(plan.ambiguous.len(), 1);
        assert_eq!(plan.ambiguous[0].0, "/components/schemas/Overlap");
        assert!(plan.ambiguous[0].1.contains("`a`"), "{:?}", plan.ambiguous);
    }

    #[test]
    fn untagged_enums_left_are_listed_wherever_they_stand() {
        let file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(untagged)]
                pub enum HotelSearchParamsSearchBy { A(String), B(u32) }
                #[derive(::serde::Serialize)]
                #[serde(untagged)]
                pub enum Dispatched { A(String) }
                #[derive(::serde::Deserialize)]
                pub enum Plain { A }
            }
        };
        assert_eq!(untagged_enums_left(&file), ["HotelSearchParamsSearchBy"]);
    }

    #[test]
    fn rewrites_the_generated_enums() {
        let doc = doc();
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).unwrap();
        let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
        let tokens = generator.generate_tokens(&spec).unwrap();
        let mut types: syn::File = syn::parse2(tokens).unwrap();
        let (done, skipped) = dispatch_unions(&mut types, &plan(&doc));
        let names: Vec<_> = done.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["Identity", "Item"], "skipped: {skipped:?}");
        assert!(skipped.is_empty(), "{skipped:?}");
        let code = prettyplease::unparse(&types);
        let squashed = crate::passes::squash(&code);
        assert!(squashed.contains("if tag == \"AIR_ITEM\" =>"), "{code}");
        // The tag the mapping gives each variant is what it writes.
        assert!(
            squashed.contains("crate::json::tagged(member, \"itemType\", \"AIR_ITEM\", serializer)"),
            "{code}"
        );
        assert!(code.contains("Unrecognized(::serde_json::Value)"), "{code}");
        assert!(code.contains("\"ktn\" => 1"), "{code}");
        assert!(!code.contains("Deserialize, ::serde::Serialize, Clone, Debug)]\n#[serde(untagged)]\npub enum Item"));
    }
}
