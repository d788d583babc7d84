//! `deprecated: true` (and Spotnana's `x-sunset` date) as `#[deprecated]` on the Rust items.
//!
//! typify and progenitor keep a deprecation only as prose, if at all; callers then learn of a
//! sunset when the field stops arriving. This pass marks the generated struct, enum, field or
//! method so the compiler warns at every use in the caller's code, with the sunset date in
//! the note. Deprecations sit on component schemas, on their properties (in 3.1 beside a
//! `$ref`; [`crate::transform`] keeps them on the `allOf` wrapper) and on operations.
//!
//! The generated code itself uses what it deprecates (serde impls, builders, the client's
//! own methods), so every generated item also gets `#[allow(deprecated)]`: the warning is
//! for the caller's uses, not ours.

use crate::walk;
use serde_json::Value;
use std::collections::BTreeMap;
use syn::{Fields, ImplItem, Item};

/// What a document deprecates, keyed by Rust names.
#[derive(Debug, Clone, Default)]
pub struct DeprecationPlan {
    /// Rust type → (JSON pointer, note).
    pub types: BTreeMap<String, (String, String)>,
    /// Rust type → JSON property name → (JSON pointer, note).
    pub fields: BTreeMap<String, BTreeMap<String, (String, String)>>,
    /// Method name → (JSON pointer, note).
    pub methods: BTreeMap<String, (String, String)>,
    /// Rust enum → wire value → (JSON pointer, note): Spotnana's `x-enumDeprecated`.
    pub variants: BTreeMap<String, BTreeMap<String, (String, String)>>,
}

fn note(node: &Value) -> String {
    sunset_note(node.get("x-sunset").and_then(Value::as_str))
}

fn sunset_note(date: Option<&str>) -> String {
    match date {
        Some(date) => format!("deprecated by Spotnana; sunset {date}"),
        None => "deprecated by Spotnana".to_string(),
    }
}

fn deprecated(node: &Value) -> bool {
    node.get("deprecated").and_then(Value::as_bool) == Some(true)
}

/// Collects the deprecations of `doc` (after the fix-ups).
pub fn plan(doc: &Value) -> DeprecationPlan {
    let mut out = DeprecationPlan::default();
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let pointer = format!("/components/schemas/{}", walk::escape(name));
            let rust = crate::sanitize_type_name(name);
            if deprecated(schema) {
                out.types.insert(rust.clone(), (pointer.clone(), note(schema)));
            }
            enum_values(&mut out, &rust, &pointer, schema);
            properties(&mut out, &rust, &pointer, schema, 0);
        }
    }
    for operation in crate::operations(doc) {
        let Some(id) = operation.operation_id() else { continue };
        let op = operation.op;
        if deprecated(op) {
            out.methods
                .insert(crate::method_name(id), (operation.pointer(), note(op)));
        }
    }
    out
}

/// The values of a string enum that Spotnana deprecates one by one, in its extension
/// `"x-enumDeprecated": {"VALUE": {"deprecated": true, "sunset": "…"}}`.
fn enum_values(out: &mut DeprecationPlan, rust: &str, pointer: &str, schema: &Value) {
    let Some(values) = schema.get("x-enumDeprecated").and_then(Value::as_object) else {
        return;
    };
    for (value, how) in values {
        if deprecated(how) {
            let note = sunset_note(how.get("sunset").or(how.get("x-sunset")).and_then(Value::as_str));
            out.variants.entry(rust.to_string()).or_default().insert(
                value.clone(),
                (format!("{pointer}/x-enumDeprecated/{}", walk::escape(value)), note),
            );
        }
    }
}

/// The deprecated properties of `schema` (generated as the Rust type `rust`), and those of the
/// inline object schemas nested in it. typify names an inline object by its `title`, else by
/// its parent type and property (`Cost.refundInfo` → `CostRefundInfo`, the items of
/// `Booking.otherAncillaries` → `BookingOtherAncillariesItem`); a name guessed wrong leaves
/// the deprecation unmarked, which the workspace's deprecation test reports.
fn properties(out: &mut DeprecationPlan, rust: &str, pointer: &str, schema: &Value, depth: usize) {
    for (property, node) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = format!("{pointer}/properties/{}", walk::escape(property));
        if deprecated(node) {
            out.fields
                .entry(rust.to_string())
                .or_default()
                .insert(property.clone(), (at.clone(), note(node)));
        }
        if depth > 8 {
            continue;
        }
        let derived = format!("{rust}{}", crate::sanitize_type_name(property));
        if node.get("enum").is_some() {
            enum_values(out, &inline_type_name(node, &derived), &at, node);
        }
        let (inline, at, derived) = match node.get("items") {
            Some(items) if items.get("properties").is_some() => {
                (items, format!("{at}/items"), format!("{derived}Item"))
            }
            _ => (node, at, derived),
        };
        if inline.get("properties").is_some() && inline.get("$ref").is_none() {
            properties(out, &inline_type_name(inline, &derived), &at, inline, depth + 1);
        }
    }
}

/// typify's name for an inline schema: its `title`, else the name derived from its place.
fn inline_type_name(schema: &Value, derived: &str) -> String {
    match schema.get("title").and_then(Value::as_str) {
        Some(title) => crate::sanitize_type_name(title),
        None => derived.to_string(),
    }
}

/// Marks the items of `file` that `plan` names; returns the JSON pointers marked.
pub fn mark_deprecated(file: &mut syn::File, plan: &DeprecationPlan) -> Vec<String> {
    let mut marked = Vec::new();
    mark_items(&mut file.items, plan, &mut marked);
    marked.sort();
    marked
}

fn mark_items(items: &mut [Item], plan: &DeprecationPlan, marked: &mut Vec<String>) {
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    mark_items(inner, plan, marked);
                }
            }
            Item::Struct(s) => {
                let name = s.ident.to_string();
                if let Some((pointer, note)) = plan.types.get(&name) {
                    s.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                    marked.push(pointer.clone());
                }
                if let (Some(fields), Fields::Named(named)) = (plan.fields.get(&name), &mut s.fields) {
                    for field in named.named.iter_mut() {
                        let json = crate::passes::serde_attrs::wire_name(&field.attrs, field.ident.as_ref());
                        if let Some((pointer, note)) = fields.get(&json) {
                            field.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                            marked.push(pointer.clone());
                        }
                    }
                }
            }
            Item::Enum(e) => {
                let name = e.ident.to_string();
                if let Some((pointer, note)) = plan.types.get(&name) {
                    e.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                    marked.push(pointer.clone());
                }
                if let Some(values) = plan.variants.get(&name) {
                    for variant in e.variants.iter_mut() {
                        let wire = crate::passes::serde_attrs::wire_name(&variant.attrs, Some(&variant.ident));
                        if let Some((pointer, note)) = values.get(&wire) {
                            variant.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                            marked.push(pointer.clone());
                        }
                    }
                }
            }
            Item::Impl(imp) if imp.trait_.is_none() => {
                for member in imp.items.iter_mut() {
                    if let ImplItem::Fn(f) = member
                        && let Some((pointer, note)) = plan.methods.get(&f.sig.ident.to_string())
                    {
                        f.attrs.push(syn::parse_quote!(#[deprecated(note = #note)]));
                        marked.push(pointer.clone());
                    }
                }
            }
            _ => {}
        }
        allow_deprecated(item);
    }
}

/// The generated code may use what it deprecates; only callers' uses should warn.
fn allow_deprecated(item: &mut Item) {
    let attr: syn::Attribute = syn::parse_quote!(#[allow(deprecated)]);
    match item {
        Item::Mod(i) => i.attrs.push(attr),
        Item::Struct(i) => i.attrs.push(attr),
        Item::Enum(i) => i.attrs.push(attr),
        Item::Impl(i) => i.attrs.push(attr),
        Item::Fn(i) => i.attrs.push(attr),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Plans `doc`'s deprecations, generates it with plain progenitor and marks the result.
    fn generate_and_mark(doc: Value) -> (Vec<String>, syn::File) {
        let plan = plan(&doc);
        let spec: openapiv3::OpenAPI = serde_json::from_value(doc).unwrap();
        let mut generator = progenitor::Generator::new(&progenitor::GenerationSettings::default());
        let mut file: syn::File = syn::parse2(generator.generate_tokens(&spec).unwrap()).unwrap();
        let marked = mark_deprecated(&mut file, &plan);
        (marked, file)
    }

    #[test]
    fn marks_schemas_properties_and_operations_with_the_sunset_date() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "v"},
            "paths": {"/v2/old": {"get": {
                "operationId": "getOld", "deprecated": true, "x-sunset": "2026-12-31",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Policy"}}}}}
            }}},
            "components": {"schemas": {
                "Policy": {"type": "object", "properties": {
                    "inPolicyApprovalInfo": {"allOf": [{"$ref": "#/components/schemas/Legacy"}], "deprecated": true, "x-sunset": "2026-10-01"},
                    "name": {"type": "string"}
                }},
                "Legacy": {"type": "object", "deprecated": true, "properties": {"x": {"type": "string"}}}
            }}
        });
        let (marked, file) = generate_and_mark(doc);
        assert_eq!(
            marked,
            [
                "/components/schemas/Legacy",
                "/components/schemas/Policy/properties/inPolicyApprovalInfo",
                "/paths/~1v2~1old/get",
            ]
        );
        let code = prettyplease::unparse(&file);
        assert!(code.contains("#[deprecated(note = \"deprecated by Spotnana; sunset 2026-10-01\")]\n        pub in_policy_approval_info"), "{code}");
        assert!(
            code.contains(
                "#[deprecated(note = \"deprecated by Spotnana; sunset 2026-12-31\")]\n    pub async fn get_old"
            ),
            "{code}"
        );
        assert!(!code.contains("pub name: ::std::option::Option<::std::string::String>,\n        #[deprecated"));
    }

    #[test]
    fn marks_properties_of_inline_objects_and_enum_values_by_typify_s_names_for_them() {
        let doc = json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "v"},
            "paths": {"/v2/cost": {"get": {
                "operationId": "getCost",
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Cost"}}}}}
            }}},
            "components": {"schemas": {
                "Cost": {"type": "object", "properties": {
                    "refundInfo": {"type": "object", "properties": {"tax": {"type": "number", "deprecated": true}}},
                    "extras": {"type": "array", "items": {"type": "object", "properties": {"legIndex": {"type": "integer", "deprecated": true}}}},
                    "limo": {"type": "object", "title": "LimoDetails", "properties": {"vendorName": {"type": "string", "deprecated": true}}},
                    "kind": {"type": "string", "enum": ["OLD", "NEW"], "x-enumDeprecated": {"OLD": {"deprecated": true, "sunset": "2025-12-12"}}}
                }}
            }}
        });
        let (marked, _) = generate_and_mark(doc);
        assert_eq!(
            marked,
            [
                "/components/schemas/Cost/properties/extras/items/properties/legIndex",
                "/components/schemas/Cost/properties/kind/x-enumDeprecated/OLD",
                "/components/schemas/Cost/properties/limo/properties/vendorName",
                "/components/schemas/Cost/properties/refundInfo/properties/tax",
            ]
        );
    }
}
