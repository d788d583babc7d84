//! Schemas repeated across Spotnana's documents, generated once.
//!
//! Spotnana repeats the same components in every document (`UserId`, `CompanyId`, `Money`,
//! the error body…): about a third of the definitions are repeats (BENCHMARKS.md). Generating each
//! per API multiplies compile time and makes a `users::types::UserId` unusable where
//! `trip` wants its own `UserId`. A component is shared when at least two documents define
//! it identically (after the fix-ups) and everything it references is shared too; shared
//! components are generated once in a `common` module and every API module refers to them.
//! A name defined differently in some documents stays per API there. Two different schemas
//! can never map to one Rust type: sharing is by name *and* content.

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Which components are shared, and by which documents.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct SharePlan {
    /// Shared component name → its schema (identical in every document that shares it).
    pub common: BTreeMap<String, Value>,
    /// Document → the component names it takes from `common` instead of generating.
    pub shared_by: BTreeMap<String, BTreeSet<String>>,
}

/// Plans the sharing of identical components among `docs` (module name, transformed document).
pub fn plan(docs: &[(&str, &Value)]) -> SharePlan {
    // name → canonical text → documents defining it so.
    let mut variants: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    let mut refs: BTreeMap<(String, String), BTreeSet<String>> = BTreeMap::new();
    let mut schemas: BTreeMap<(String, String), Value> = BTreeMap::new();
    for (module, doc) in docs {
        let Some(components) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
            continue;
        };
        for (name, schema) in components {
            let text = canonical(schema);
            variants
                .entry(name.clone())
                .or_default()
                .entry(text)
                .or_default()
                .insert(module.to_string());
            let mut r = BTreeSet::new();
            collect_refs(schema, &mut r);
            refs.insert((module.to_string(), name.clone()), r);
            schemas.insert((module.to_string(), name.clone()), schema.clone());
        }
    }
    // For each name, the variant defined by most documents (ties: the first canonical text).
    let mut shared_by: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, by_text) in &variants {
        let Some((_, modules)) = by_text
            .iter()
            .max_by(|a, b| a.1.len().cmp(&b.1.len()).then(b.0.cmp(a.0)))
        else {
            continue;
        };
        if modules.len() >= 2 {
            for m in modules {
                shared_by.entry(m.clone()).or_default().insert(name.clone());
            }
        }
    }
    // Closure: a component is shared only if all it references is shared in that document,
    // and only while at least two documents still share it.
    loop {
        let mut changed = false;
        for (module, names) in shared_by.iter_mut() {
            let drop: Vec<String> = names
                .iter()
                .filter(|n| {
                    refs.get(&(module.clone(), (*n).clone()))
                        .is_some_and(|r| r.iter().any(|x| !names.contains(x)))
                })
                .cloned()
                .collect();
            for n in drop {
                names.remove(&n);
                changed = true;
            }
        }
        let mut count: BTreeMap<&String, usize> = BTreeMap::new();
        for names in shared_by.values() {
            for n in names {
                *count.entry(n).or_default() += 1;
            }
        }
        let lonely: BTreeSet<String> = count
            .iter()
            .filter(|(_, c)| **c < 2)
            .map(|(n, _)| (*n).clone())
            .collect();
        if !lonely.is_empty() {
            for names in shared_by.values_mut() {
                names.retain(|n| !lonely.contains(n));
            }
            changed = true;
        }
        if !changed {
            break;
        }
    }
    shared_by.retain(|_, names| !names.is_empty());
    let mut common = BTreeMap::new();
    for (module, names) in &shared_by {
        for n in names {
            common
                .entry(n.clone())
                .or_insert_with(|| schemas[&(module.clone(), n.clone())].clone());
        }
    }
    SharePlan { common, shared_by }
}

/// Gives back its plain name to a component that a document's bundler renumbered.
///
/// Spotnana's bundler appends a number to a component name it already saw under another
/// definition while bundling (trip's `CancellationPolicy2`), even when the bundled document
/// ends up without the plain name. The same schema is `CancellationPolicy` in another
/// document; under two names it cannot be shared, and neither can what refers to it
/// (`FareRules`, and through it `AirItin`, `AirLegInfo` … stay per API in air and trip).
///
/// A component `<Name><digits>` is renamed `<Name>` (and every `$ref` to it rewritten) when
/// its document has no `<Name>` and another document defines `<Name>` with the identical
/// schema; the Rust type takes the plain name, and [`alias_renamed_in_types`] keeps the
/// document's name as an alias. Returns, per document, the renames (from → to).
pub fn unify_renumbered_components(docs: &mut [(&str, &mut Value)]) -> BTreeMap<String, BTreeMap<String, String>> {
    // Plain name → canonical texts it has in the documents defining it.
    let mut plain: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (_, doc) in docs.iter() {
        for (name, schema) in doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            plain.entry(name.clone()).or_default().insert(canonical(schema));
        }
    }
    let mut out = BTreeMap::new();
    for (module, doc) in docs.iter_mut() {
        let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
            continue;
        };
        let candidates: Vec<(String, String)> = schemas
            .iter()
            .filter_map(|(name, schema)| {
                let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
                let renumbered = base.len() < name.len() && base.ends_with(|c: char| c.is_ascii_alphabetic());
                (renumbered
                    && !schemas.contains_key(base)
                    && plain.get(base).is_some_and(|texts| texts.contains(&canonical(schema))))
                .then(|| (name.clone(), base.to_string()))
            })
            .collect();
        // Two renumberings that both match a plain definition cannot both take its name.
        let renames: BTreeMap<String, String> = candidates
            .iter()
            .filter(|(_, base)| candidates.iter().filter(|(_, b)| b == base).count() == 1)
            .cloned()
            .collect();
        if renames.is_empty() {
            continue;
        }
        let schemas = doc
            .pointer_mut("/components/schemas")
            .and_then(Value::as_object_mut)
            .expect("checked above");
        for (from, to) in &renames {
            if let Some(schema) = schemas.remove(from) {
                schemas.insert(to.clone(), schema);
            }
        }
        let refs: BTreeMap<String, String> = renames
            .iter()
            .map(|(from, to)| {
                (
                    format!("#/components/schemas/{}", crate::walk::escape(from)),
                    format!("#/components/schemas/{}", crate::walk::escape(to)),
                )
            })
            .collect();
        rewrite_refs(doc, &refs);
        out.insert(module.to_string(), renames);
    }
    out
}

fn rewrite_refs(v: &mut Value, refs: &BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get_mut("$ref")
                && let Some(to) = refs.get(r.as_str())
            {
                *r = to.clone();
            }
            m.values_mut().for_each(|c| rewrite_refs(c, refs));
        }
        Value::Array(a) => a.iter_mut().for_each(|c| rewrite_refs(c, refs)),
        _ => {}
    }
}

/// Order-independent text of a schema: object keys sorted, so documents that list the same
/// keys in another order still share.
pub fn canonical(v: &Value) -> String {
    fn sorted(v: &Value) -> Value {
        match v {
            Value::Object(m) => {
                let mut keys: Vec<_> = m.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&m[k]))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    sorted(v).to_string()
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(name) = m
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                out.insert(crate::walk::unescape(name));
            }
            m.values().for_each(|c| collect_refs(c, out));
        }
        Value::Array(a) => a.iter().for_each(|c| collect_refs(c, out)),
        _ => {}
    }
}

/// Makes the shared types reachable from each API's `types` module as well
/// (`spotnana::trip::types::UserId` is `spotnana::common::UserId`), so callers find every
/// type of an API where its documentation says, whether or not another API shares it.
/// `paths` are full paths (`crate::common::UserId`); a name the module defines itself is
/// left alone.
pub fn reexport_in_types(file: &mut syn::File, paths: &[String]) -> Result<(), String> {
    if paths.is_empty() {
        return Ok(());
    }
    let types = types_module(file).ok_or("no `types` module to re-export shared types in")?;
    let local: BTreeSet<String> = types.1.iter().filter_map(item_name).collect();
    for path in paths {
        let path: syn::Path = syn::parse_str(path).map_err(|e| format!("shared type path {path}: {e}"))?;
        let name = path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default();
        if !local.contains(&name) {
            types.1.push(syn::parse_quote!(pub use #path;));
        }
    }
    Ok(())
}

/// Keeps the names [`unify_renumbered_components`] replaced as aliases in `types`
/// (`trip::types::CancellationPolicy2` is `CancellationPolicy`), since the document and its
/// reference pages still use them.
pub fn alias_renamed_in_types(file: &mut syn::File, renames: &BTreeMap<String, String>) -> Result<(), String> {
    if renames.is_empty() {
        return Ok(());
    }
    let types = types_module(file).ok_or("no `types` module for the aliases of renamed components")?;
    for (from, to) in renames {
        let alias = syn::Ident::new(&crate::sanitize_type_name(from), proc_macro2::Span::call_site());
        let target = syn::Ident::new(&crate::sanitize_type_name(to), proc_macro2::Span::call_site());
        let doc = format!("`{from}` of the document: the same schema as `{to}` in the other documents.");
        types
            .1
            .push(syn::parse_quote!(#[doc = #doc] pub type #alias = #target;));
    }
    Ok(())
}

/// The items of the generated `types` module.
fn types_module(file: &mut syn::File) -> Option<&mut (syn::token::Brace, Vec<syn::Item>)> {
    file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    })
}

/// The type an item defines: a struct, an enum or a type alias.
pub(crate) fn item_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        _ => None,
    }
}

/// For each type of the generated common module, the common types its definition names.
/// A shared component brings along the types typify derived from its inline schemas
/// (`PaymentMetadataCustomPaymentMethodMetadata`), which an API must re-export too.
pub fn common_type_graph(common: &syn::File) -> BTreeMap<String, BTreeSet<String>> {
    let names: BTreeSet<String> = common.items.iter().filter_map(item_name).collect();
    let mut graph = BTreeMap::new();
    for item in &common.items {
        let Some(name) = item_name(item) else { continue };
        let mut used = BTreeSet::new();
        collect_idents(
            quote::ToTokens::to_token_stream(item),
            &|n| names.contains(n),
            &mut used,
        );
        used.remove(&name);
        graph.insert(name, used);
    }
    graph
}

/// The identifiers in `tokens`, at any depth, that `is_name` accepts.
pub(crate) fn collect_idents(
    tokens: proc_macro2::TokenStream,
    is_name: &dyn Fn(&str) -> bool,
    out: &mut BTreeSet<String>,
) {
    for token in tokens {
        match token {
            proc_macro2::TokenTree::Ident(ident) => {
                let ident = ident.to_string();
                if is_name(&ident) {
                    out.insert(ident);
                }
            }
            proc_macro2::TokenTree::Group(group) => collect_idents(group.stream(), is_name, out),
            _ => {}
        }
    }
}

/// The common types reachable from `roots` through `graph`, roots included.
pub fn reachable(
    graph: &BTreeMap<String, BTreeSet<String>>,
    roots: impl IntoIterator<Item = String>,
) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut stack: Vec<String> = roots.into_iter().collect();
    while let Some(name) = stack.pop() {
        if seen.insert(name.clone()) {
            stack.extend(graph.get(&name).into_iter().flatten().cloned());
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(schemas: Value) -> Value {
        json!({"components": {"schemas": schemas}})
    }

    #[test]
    fn identical_components_are_shared_and_different_ones_stay_per_api() {
        let user_id = json!({"type": "object", "properties": {"id": {"type": "string"}}});
        let a = doc(
            json!({"UserId": user_id, "Money": {"type": "number"}, "Trip": {"properties": {"u": {"$ref": "#/components/schemas/UserId"}}}}),
        );
        let b = doc(
            json!({"UserId": user_id, "Money": {"type": "string"}, "Trip": {"properties": {"u": {"$ref": "#/components/schemas/UserId"}}}}),
        );
        let c = doc(json!({"UserId": user_id, "Money": {"type": "string"}}));
        let plan = plan(&[("a", &a), ("b", &b), ("c", &c)]);
        assert_eq!(plan.common.keys().collect::<Vec<_>>(), ["Money", "Trip", "UserId"]);
        assert_eq!(
            plan.common["Money"],
            json!({"type": "string"}),
            "the variant most documents define"
        );
        assert_eq!(plan.shared_by["a"].iter().collect::<Vec<_>>(), ["Trip", "UserId"]);
        assert_eq!(plan.shared_by["c"].iter().collect::<Vec<_>>(), ["Money", "UserId"]);
    }

    #[test]
    fn a_component_is_shared_only_with_everything_it_references() {
        let holder = json!({"properties": {"m": {"$ref": "#/components/schemas/Money"}}});
        let a = doc(json!({"Holder": holder, "Money": {"type": "number"}}));
        let b = doc(json!({"Holder": holder, "Money": {"type": "string"}}));
        let plan = plan(&[("a", &a), ("b", &b)]);
        // Same text for Holder, but its Money differs: sharing it would bind the wrong type.
        assert!(plan.common.is_empty(), "{plan:?}");
    }

    #[test]
    fn key_order_does_not_prevent_sharing() {
        let a = doc(json!({"X": {"type": "string", "enum": ["A"]}}));
        let b = doc(json!({"X": {"enum": ["A"], "type": "string"}}));
        assert_eq!(plan(&[("a", &a), ("b", &b)]).common.len(), 1);
    }

    #[test]
    fn a_renumbered_component_gets_its_plain_name_back_and_shares() {
        let policy = json!({"properties": {"fee": {"type": "number"}}});
        let rules_a = json!({"properties": {"p": {"$ref": "#/components/schemas/CancellationPolicy"}}});
        let rules_b = json!({"properties": {"p": {"$ref": "#/components/schemas/CancellationPolicy2"}}});
        let mut a = doc(json!({"CancellationPolicy": policy, "FareRules": rules_a}));
        // Another renumbering of the name, a different schema: it does not stand in the way.
        let other = json!({"properties": {"cancellationPolicy": {"type": "string"}}});
        let mut b = doc(json!({"CancellationPolicy1": other, "CancellationPolicy2": policy, "FareRules": rules_b}));
        // Renumbered, but a different schema from the plain one elsewhere: left alone.
        let mut c = doc(json!({"CancellationPolicy2": {"type": "string"}}));
        let renamed = unify_renumbered_components(&mut [("a", &mut a), ("b", &mut b), ("c", &mut c)]);
        assert_eq!(renamed.keys().collect::<Vec<_>>(), ["b"]);
        assert_eq!(renamed["b"]["CancellationPolicy2"], "CancellationPolicy");
        b["components"]["schemas"]
            .as_object_mut()
            .unwrap()
            .remove("CancellationPolicy1");
        assert_eq!(b, a, "same names, same references");
        assert!(c.pointer("/components/schemas/CancellationPolicy2").is_some());
        let plan = plan(&[("a", &a), ("b", &b)]);
        assert_eq!(
            plan.common.keys().collect::<Vec<_>>(),
            ["CancellationPolicy", "FareRules"]
        );
    }

    #[test]
    fn a_document_defining_the_plain_name_keeps_its_renumbered_one() {
        let x = json!({"type": "integer"});
        let mut a = doc(json!({"Tax": x}));
        let mut b = doc(json!({"Tax": {"type": "string"}, "Tax2": x}));
        // Two renumberings of one name cannot both take it.
        let mut c = doc(json!({"Tax2": x, "Tax3": x}));
        let renamed = unify_renumbered_components(&mut [("a", &mut a), ("b", &mut b), ("c", &mut c)]);
        assert!(renamed.is_empty(), "{renamed:?}");
    }

    #[test]
    fn a_renamed_component_keeps_its_document_name_as_an_alias() {
        let mut file: syn::File = syn::parse_quote! { pub mod types { pub struct CancellationPolicy; } };
        let renames = BTreeMap::from([("CancellationPolicy2".to_string(), "CancellationPolicy".to_string())]);
        alias_renamed_in_types(&mut file, &renames).unwrap();
        let code = quote::ToTokens::to_token_stream(&file).to_string();
        assert!(
            code.contains("pub type CancellationPolicy2 = CancellationPolicy ;"),
            "{code}"
        );
    }
}
