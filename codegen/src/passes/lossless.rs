//! Structs that keep the properties they do not know, and write them back.
//!
//! Spotnana's update operations take the complete object: callers read it, change a field
//! and send it back. typify's structs ignore properties they have no field for, so a client
//! generated before Spotnana added a property would drop it on the way in and erase it on
//! Spotnana's side on the way out. This pass gives every data struct a last field,
//! `#[serde(flatten)] pub unknown_properties: crate::UnknownProperties`, that collects every
//! property the struct has no field for when it is read, and writes them back (after the
//! known ones) when it is serialized, at every nesting level, in requests and responses.
//!
//! `deny_unknown_fields` (typify's rendering of `additionalProperties: false`) is removed on
//! the way: serde cannot combine it with `flatten`, and a property Spotnana adds later must
//! not fail a whole response either. Structs with a container conversion (`transparent`,
//! `from`, `try_from`) are left alone: serde does not read them field by field. A struct that
//! typify already gave a flattened field (its `extra` map for a typed
//! `additionalProperties`, or the members of an `anyOf` it could not tell apart) fails
//! generation: two flattened maps would each collect the other's properties and write them
//! twice, and no Spotnana document needs one today.
//!
//! The field is named `unknown_properties` unless the schema has a property of that name
//! already (then `unknown_properties_`, and so on). Struct literals of the type that typify
//! wrote (its `Default` impls) get the field too, so the output compiles as it did.

use syn::visit_mut::VisitMut;
use syn::{Fields, Item};

/// The Rust path of the map type the field holds (in the `spotnana` crate).
const MAP_TYPE: &str = "crate::UnknownProperties";

/// One struct (or struct-like enum variant) given the field.
#[derive(Debug, Clone)]
pub struct Kept {
    /// The Rust type (`Ticket`, or `Union::Variant0`).
    pub ty: String,
    /// The field's name (`unknown_properties`, unless a property takes that name).
    pub field: String,
    /// Whether `deny_unknown_fields` was removed.
    pub opened: bool,
}

/// Adds the field to every data struct in `file` (recursing into modules). Fails, naming the
/// types, where typify flattens a field of its own.
pub fn keep_unknown_properties(file: &mut syn::File) -> Result<Vec<Kept>, String> {
    let mut kept = Vec::new();
    let mut flattened = Vec::new();
    rewrite_items(&mut file.items, &mut kept, &mut flattened);
    if !flattened.is_empty() {
        return Err(format!(
            "typify flattens a field of its own in {}: unknown properties cannot be kept beside it",
            flattened.join(", ")
        ));
    }
    Ok(kept)
}

fn rewrite_items(items: &mut [Item], kept: &mut Vec<Kept>, flattened: &mut Vec<String>) {
    let mut fields: Vec<(Vec<String>, syn::Ident)> = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite_items(inner, kept, flattened);
                }
            }
            Item::Struct(s) if is_data_type(&s.attrs) && matches!(s.fields, Fields::Named(_)) => {
                let name = s.ident.to_string();
                if flattens(&s.fields) {
                    flattened.push(name);
                } else if let Some(field) = add_field(&mut s.fields) {
                    let opened = remove_deny_unknown_fields(&mut s.attrs);
                    fields.push((vec![name.clone()], ident(&field)));
                    kept.push(Kept {
                        ty: name,
                        field,
                        opened,
                    });
                }
            }
            // typify's unions of inline objects: one struct-like variant per member.
            Item::Enum(e) if is_data_type(&e.attrs) => {
                let name = e.ident.to_string();
                let mut opened = false;
                for variant in &mut e.variants {
                    if !matches!(variant.fields, Fields::Named(_)) {
                        continue;
                    }
                    if flattens(&variant.fields) {
                        flattened.push(format!("{name}::{}", variant.ident));
                    } else if let Some(field) = add_field(&mut variant.fields) {
                        // An internally tagged enum's `deny_unknown_fields` goes too.
                        opened |= remove_deny_unknown_fields(&mut e.attrs);
                        let path = vec![name.clone(), variant.ident.to_string()];
                        fields.push((path, ident(&field)));
                        kept.push(Kept {
                            ty: format!("{name}::{}", variant.ident),
                            field,
                            opened,
                        });
                    }
                }
            }
            _ => {}
        }
    }
    if fields.is_empty() {
        return;
    }
    let mut literals = Literals { fields, current: None };
    for item in items.iter_mut() {
        if let Item::Impl(imp) = item {
            literals.current = match &*imp.self_ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            };
            literals.visit_item_impl_mut(imp);
            literals.current = None;
        }
    }
}

fn ident(name: &str) -> syn::Ident {
    syn::Ident::new(name, proc_macro2::Span::call_site())
}

/// A struct or enum that serde reads and writes field by field (no container conversion).
fn is_data_type(attrs: &[syn::Attribute]) -> bool {
    let serde_derived = crate::passes::serde_attrs::derives(attrs, "Serialize")
        || crate::passes::serde_attrs::derives(attrs, "Deserialize");
    let converted = crate::passes::serde_attrs::args(attrs)
        .iter()
        .any(|a| matches!(a.name.as_str(), "transparent" | "from" | "try_from" | "into"));
    serde_derived && !converted
}

fn flattens(fields: &Fields) -> bool {
    fields.iter().any(|f| {
        crate::passes::serde_attrs::args(&f.attrs)
            .iter()
            .any(|a| a.name == "flatten")
    })
}

/// Adds the field to named fields; returns its name.
fn add_field(fields: &mut Fields) -> Option<String> {
    let Fields::Named(named) = fields else {
        return None;
    };
    let taken: Vec<String> = named
        .named
        .iter()
        .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
        .collect();
    let mut field = "unknown_properties".to_string();
    while taken.contains(&field) {
        field.push('_');
    }
    let name = ident(&field);
    let ty: syn::Type = syn::parse_str(MAP_TYPE).expect("a Rust path");
    // Enum variants' fields take no visibility.
    let vis = named
        .named
        .first()
        .map(|f| f.vis.clone())
        .unwrap_or(syn::Visibility::Inherited);
    named.named.push(syn::parse_quote! {
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        #vis #name: #ty
    });
    Some(field)
}

/// Removes `deny_unknown_fields` from the container's `#[serde(…)]` attributes; whether it
/// was there.
fn remove_deny_unknown_fields(attrs: &mut Vec<syn::Attribute>) -> bool {
    let mut removed = false;
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("serde")) {
        let syn::Meta::List(list) = &attr.meta else { continue };
        let Ok(args) = list.parse_args_with(syn::punctuated::Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept: Vec<&syn::Meta> = args
            .iter()
            .filter(|m| !m.path().is_ident("deny_unknown_fields"))
            .collect();
        if kept.len() != args.len() {
            removed = true;
            *attr = syn::parse_quote!(#[serde(#(#kept),*)]);
        }
    }
    // An emptied `#[serde()]` is valid but noise.
    attrs.retain(|a| !(a.path().is_ident("serde") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.is_empty())));
    removed
}

/// Adds the field to struct literals (`Self { … }` in the type's impls, `Type { … }`,
/// `Type::Variant { … }`) that name every field and do not end in `..rest`.
struct Literals {
    /// (type, or enum and variant) → the added field.
    fields: Vec<(Vec<String>, syn::Ident)>,
    current: Option<String>,
}

impl VisitMut for Literals {
    fn visit_expr_struct_mut(&mut self, e: &mut syn::ExprStruct) {
        syn::visit_mut::visit_expr_struct_mut(self, e);
        let mut path: Vec<String> = e.path.segments.iter().map(|s| s.ident.to_string()).collect();
        if let Some(first) = path.first_mut().filter(|f| *f == "Self") {
            match &self.current {
                Some(c) => *first = c.clone(),
                None => return,
            }
        }
        let Some((_, field)) = self.fields.iter().find(|(ty, _)| path.ends_with(ty)) else {
            return;
        };
        let present = e
            .fields
            .iter()
            .any(|f| matches!(&f.member, syn::Member::Named(i) if i == field));
        if e.rest.is_none() && !present {
            e.fields
                .push(syn::parse_quote!(#field: ::std::default::Default::default()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_structs_keep_unknown_properties() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
            #[serde(deny_unknown_fields)]
            pub struct Ticket {
                pub number: String,
                #[serde(default = "defaults::ten")]
                pub count: u64,
            }
            impl ::std::default::Default for Ticket {
                fn default() -> Self {
                    Self { number: Default::default(), count: defaults::ten() }
                }
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Clash {
                pub unknown_properties: Option<String>,
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            #[serde(transparent)]
            pub struct Wrapped {
                pub inner: String,
            }
            #[derive(::serde::Serialize)]
            #[serde(untagged)]
            pub enum Union {
                Variant0 { a: String },
                Variant1(String),
            }
            impl Union {
                fn make() -> Self {
                    Self::Variant0 { a: String::new() }
                }
            }
            pub struct Client {
                baseurl: String,
            }
        };
        let kept = keep_unknown_properties(&mut file).unwrap();
        let names: Vec<(&str, &str, bool)> = kept
            .iter()
            .map(|k| (k.ty.as_str(), k.field.as_str(), k.opened))
            .collect();
        assert_eq!(
            names,
            [
                ("Ticket", "unknown_properties", true),
                ("Clash", "unknown_properties_", false),
                ("Union::Variant0", "unknown_properties", false)
            ]
        );
        let code = prettyplease::unparse(&file);
        assert!(!code.contains("deny_unknown_fields"), "{code}");
        assert!(!code.contains("#[serde()]"), "{code}");
        assert!(
            code.contains("#[serde(flatten)]\n    pub unknown_properties: crate::UnknownProperties,\n}"),
            "{code}"
        );
        assert!(
            code.contains("unknown_properties: ::std::default::Default::default(),"),
            "{code}"
        );
        assert!(
            code.contains("pub unknown_properties_: crate::UnknownProperties"),
            "{code}"
        );
        let squashed: String = code.split_whitespace().collect();
        assert!(
            squashed.contains("#[serde(flatten)]unknown_properties:crate::UnknownProperties,},Variant1(String),"),
            "{code}"
        );
        assert!(
            squashed.contains("Self::Variant0{a:String::new(),unknown_properties:::std::default::Default::default(),}"),
            "{code}"
        );
        assert_eq!(code.matches("UnknownProperties").count(), 3, "{code}");
    }

    #[test]
    fn a_struct_typify_already_flattens_fails_generation() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub struct Open {
                pub a: Option<String>,
                #[serde(flatten)]
                pub extra: ::std::collections::HashMap<String, String>,
            }
        };
        let err = keep_unknown_properties(&mut file).unwrap_err();
        assert!(err.contains("typify flattens a field of its own in Open"), "{err}");
    }
}
