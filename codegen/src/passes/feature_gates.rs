//! The `common` module of a package that holds every API, gated by the APIs' features.
//!
//! The published crate ships the client generated for every API, so that its users need
//! no generator at build time. In a build, `common` holds the types several APIs share;
//! shipped whole, it would cost a user who enables one API the shared types of all the
//! others (a third of the generated lines). Each item of `common` is therefore compiled only
//! when a feature of an API that uses it is on: a type with the APIs that reach it (see
//! [`crate::share::reachable`]), an impl or a function with every type it names in a type
//! position.

use crate::{Error, GeneratedSet};
use quote::ToTokens;
use std::collections::{BTreeMap, BTreeSet};
use syn::visit_mut::VisitMut;

/// `set.common` with each item under `#[cfg(...)]` of the features of the APIs using it.
/// `set` must be generated with every API of the package (the API's module name is its
/// feature's name).
pub fn gate_common_by_feature(set: &GeneratedSet) -> Result<String, Error> {
    let mut file = syn::parse_file(&set.common).map_err(|e| Error::Syntax {
        document: "common".into(),
        reason: e.to_string(),
    })?;
    let mut users: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (api, generated) in &set.apis {
        for name in &generated.common_used {
            users.entry(name.clone()).or_default().insert(api.clone());
        }
    }
    gate_items(&mut file.items, &users).map_err(|reason| Error::Pass {
        document: "common".into(),
        reason,
    })?;
    Ok(prettyplease::unparse(&file))
}

fn gate_items(items: &mut [syn::Item], users: &BTreeMap<String, BTreeSet<String>>) -> Result<(), String> {
    for item in items {
        if let syn::Item::Mod(syn::ItemMod {
            content: Some((_, inner)),
            ..
        }) = item
        {
            gate_items(inner, users)?;
            continue;
        }
        let mut named = TypesNamed {
            known: users,
            found: BTreeSet::new(),
        };
        // Types no API uses (`error::ConversionError`) are compiled always.
        if let Some(own) = crate::share::item_name(item).filter(|own| users.contains_key(own)) {
            named.found.insert(own);
        }
        named.visit_item_mut(item);
        if let Some(cfg) = cfg_for(&named.found, users) {
            if attrs_mut(item).is_none() {
                let shown = item.to_token_stream();
                return Err(format!(
                    "an item naming {:?} cannot be gated by feature: {shown}",
                    named.found
                ));
            }
            let Some(attrs) = attrs_mut(item) else { continue };
            attrs.insert(0, syn::parse_quote!(#[cfg(#cfg)]));
        }
    }
    Ok(())
}

/// The `cfg` predicate under which every type in `types` exists (none when `types` names no
/// type of `common`): for each type, any of the features of its users. A type whose users
/// include all of another's is implied by it and left out.
fn cfg_for(types: &BTreeSet<String>, users: &BTreeMap<String, BTreeSet<String>>) -> Option<proc_macro2::TokenStream> {
    let empty = BTreeSet::new();
    let mut sets: Vec<&BTreeSet<String>> = types.iter().map(|t| users.get(t).unwrap_or(&empty)).collect();
    sets.sort_by_key(|s| s.len());
    sets.dedup();
    let mut needed: Vec<&BTreeSet<String>> = Vec::new();
    for set in sets {
        if !needed.iter().any(|smaller| smaller.is_subset(set)) {
            needed.push(set);
        }
    }
    let any = needed.iter().map(|apis| {
        let features = apis.iter().map(|api| quote::quote!(feature = #api));
        quote::quote!(any(#(#features),*))
    });
    match needed.len() {
        0 => None,
        1 => any.into_iter().next(),
        _ => Some(quote::quote!(all(#(#any),*))),
    }
}

fn attrs_mut(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    match item {
        syn::Item::Const(i) => Some(&mut i.attrs),
        syn::Item::Enum(i) => Some(&mut i.attrs),
        syn::Item::Fn(i) => Some(&mut i.attrs),
        syn::Item::Impl(i) => Some(&mut i.attrs),
        syn::Item::Mod(i) => Some(&mut i.attrs),
        syn::Item::Static(i) => Some(&mut i.attrs),
        syn::Item::Struct(i) => Some(&mut i.attrs),
        syn::Item::Trait(i) => Some(&mut i.attrs),
        syn::Item::Type(i) => Some(&mut i.attrs),
        syn::Item::Use(i) => Some(&mut i.attrs),
        syn::Item::Macro(i) => Some(&mut i.attrs),
        _ => None,
    }
}

/// The types of `common` named in type positions: field types, an impl's self type and
/// trait arguments, signatures. Names in expressions are variants, functions or values as
/// often as types (`TripType::Hotel`), and a type an item uses there is one its definition
/// names already.
struct TypesNamed<'a> {
    known: &'a BTreeMap<String, BTreeSet<String>>,
    found: BTreeSet<String>,
}

impl VisitMut for TypesNamed<'_> {
    fn visit_type_mut(&mut self, ty: &mut syn::Type) {
        let syn::Type::Path(syn::TypePath { qself: None, path, .. }) = ty else {
            // References, tuples, slices, trait objects: the types inside them.
            return syn::visit_mut::visit_type_mut(self, ty);
        };
        // A path from outside the crate (`::std::option::Option`, `std::…`, `serde_json::…`)
        // names no type of `common`, even where a component shares its last name (`Option`).
        let outside = path.leading_colon.is_some()
            || path.segments.first().is_some_and(|s| {
                ["std", "core", "alloc", "serde", "serde_json"].contains(&s.ident.to_string().as_str())
            });
        if !outside && let Some(last) = path.segments.last() {
            let name = last.ident.to_string();
            if self.known.contains_key(&name) {
                self.found.insert(name);
            }
        }
        // The type arguments may name some (`::std::vec::Vec<super::Traveler>`).
        for segment in &mut path.segments {
            if let syn::PathArguments::AngleBracketed(args) = &mut segment.arguments {
                for arg in &mut args.args {
                    if let syn::GenericArgument::Type(inner) = arg {
                        self.visit_type_mut(inner);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Generated, Report};

    fn api(name: &str, used: &[&str]) -> (String, Generated) {
        let generated = Generated {
            code: String::new(),
            report: Report::default(),
            operations: 0,
            components: 0,
            shared: 0,
            open_enums: 0,
            common_used: used.iter().map(|s| s.to_string()).collect(),
        };
        (name.to_string(), generated)
    }

    #[test]
    fn each_item_is_compiled_with_the_features_of_the_apis_using_what_it_names() {
        let set = GeneratedSet {
            common: r#"
                pub struct Trip { pub traveler: Traveler, pub kind: Kind }
                pub struct Traveler { pub name: String }
                pub enum Kind { Traveler, Other }
                impl From<Traveler> for Trip { fn from(t: Traveler) -> Self { todo!() } }
                impl Kind { pub fn is(&self) -> bool { matches!(self, Kind::Traveler) } }
                pub mod defaults { pub(super) fn kind() -> super::Kind { super::Kind::Other } }
                pub mod error { pub struct ConversionError; }
            "#
            .into(),
            common_types: 3,
            common_report: Report::default(),
            apis: vec![
                api("trip", &["Trip", "Traveler", "Kind"]),
                api("users", &["Traveler"]),
                api("air", &["Kind"]),
            ],
        };
        let gated = gate_common_by_feature(&set).unwrap();
        let compact: String = gated.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            r#"#[cfg(any(feature = "trip"))] pub struct Trip"#,
            r#"#[cfg(any(feature = "trip", feature = "users"))] pub struct Traveler"#,
            // A variant named like a type does not narrow its enum.
            r#"#[cfg(any(feature = "air", feature = "trip"))] pub enum Kind"#,
            r#"#[cfg(any(feature = "trip"))] impl From<Traveler> for Trip"#,
            r#"#[cfg(any(feature = "air", feature = "trip"))] impl Kind"#,
            r#"#[cfg(any(feature = "air", feature = "trip"))] pub(super) fn kind()"#,
            // What no API names is always there.
            "pub mod error { pub struct ConversionError; }",
        ] {
            assert!(compact.contains(expected), "{expected}\nin\n{gated}");
        }
    }

    #[test]
    fn a_path_from_outside_the_crate_names_no_shared_type_of_the_same_name() {
        let set = GeneratedSet {
            common: r#"
                pub struct Option { pub x: String }
                pub struct Seat { pub row: ::std::option::Option<super::Row> }
                pub struct Row { pub n: i64 }
                impl Seat { pub fn row(&self) -> ::std::option::Option<&Row> { self.row.as_ref() } }
            "#
            .into(),
            common_types: 3,
            common_report: Report::default(),
            apis: vec![api("air", &["Seat", "Row"]), api("trip", &["Option", "Row"])],
        };
        let gated = gate_common_by_feature(&set).unwrap();
        let compact: String = gated.split_whitespace().collect::<Vec<_>>().join(" ");
        for expected in [
            r#"#[cfg(any(feature = "air"))] pub struct Seat"#,
            r#"#[cfg(any(feature = "air"))] impl Seat"#,
            r#"#[cfg(any(feature = "trip"))] pub struct Option"#,
        ] {
            assert!(compact.contains(expected), "{expected}\nin\n{gated}");
        }
    }

    #[test]
    fn an_item_naming_types_of_disjoint_apis_needs_both() {
        let users = BTreeMap::from([
            ("A".to_string(), BTreeSet::from(["air".to_string()])),
            ("B".to_string(), BTreeSet::from(["trip".to_string()])),
        ]);
        let cfg = cfg_for(&BTreeSet::from(["A".to_string(), "B".to_string()]), &users).unwrap();
        assert_eq!(
            cfg.to_string(),
            quote::quote!(all(any(feature = "air"), any(feature = "trip"))).to_string()
        );
    }
}
