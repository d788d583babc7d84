//! Lean `Deserialize` (and, for string enums, `Serialize`) impls in place of serde's derives.
//!
//! serde's derive expands every struct's `Deserialize` to a field enum with its own visitor,
//! a map visitor with one slot per field and a sequence visitor JSON never calls; with the
//! flattened unknown properties ([`crate::passes::lossless`]) it also buffers every nested object.
//! Over ~1,500 structs, type- and borrow-checking that expansion is most of the client's
//! build time. This pass replaces it with one short impl per type over the runtime's reader
//! (`crate::json` in the `spotnana` crate):
//!
//! - a struct reads a JSON object and takes each property out by its wire name
//!   (`required`, `optional`, `or_else` for `#[serde(default)]`); what is left becomes its
//!   unknown properties. Serialization stays derived.
//! - a string enum opened by [`crate::passes::open_enums`] reads through its `FromStr` and writes
//!   its `as_str`; both serde derives go, and with them the `#[serde]` attributes of its
//!   variants (nothing reads them any more).
//!
//! A struct with a serde attribute the reader does not implement keeps its derive and is
//! listed, so the report shows it. It runs last, after every pass that reads or adds serde
//! attributes, and allows `deprecated` in what it adds (the impls name deprecated fields).

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, Item};

/// What [`compact_serde`] did to one generated file.
#[derive(Debug, Clone, Default)]
pub struct Compacted {
    /// Structs now read by name.
    pub structs: Vec<String>,
    /// String enums now read through `FromStr` and written through `as_str`.
    pub enums: Vec<String>,
    /// (type, why) of structs that keep serde's derive.
    pub derived: Vec<(String, String)>,
}

/// Rewrites `file` (recursing into modules). `open_enums` names the string enums
/// [`crate::passes::open_enums`] opened.
pub fn compact_serde(file: &mut syn::File, open_enums: &[String]) -> Compacted {
    let mut out = Compacted::default();
    rewrite_items(&mut file.items, open_enums, &mut out);
    out
}

fn rewrite_items(items: &mut Vec<Item>, open_enums: &[String], out: &mut Compacted) {
    let mut additions: Vec<TokenStream> = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite_items(inner, open_enums, out);
                }
            }
            Item::Struct(s) if crate::passes::serde_attrs::derives(&s.attrs, "Deserialize") => {
                let name = s.ident.to_string();
                match struct_impl(s) {
                    Ok(tokens) => {
                        crate::passes::serde_attrs::remove_derives(&mut s.attrs, &["Deserialize"]);
                        if !crate::passes::serde_attrs::derives(&s.attrs, "Serialize") {
                            // No serde derive left to read the field attributes.
                            s.fields
                                .iter_mut()
                                .for_each(|f| f.attrs.retain(|a| !a.path().is_ident("serde")));
                        }
                        additions.push(tokens);
                        out.structs.push(name);
                    }
                    Err(why) => out.derived.push((name, why)),
                }
            }
            Item::Enum(e)
                if open_enums.contains(&e.ident.to_string())
                    && crate::passes::serde_attrs::derives(&e.attrs, "Deserialize") =>
            {
                if let Err(why) = plain_string_enum(e) {
                    out.derived.push((e.ident.to_string(), why));
                    continue;
                }
                crate::passes::serde_attrs::remove_derives(&mut e.attrs, &["Deserialize", "Serialize"]);
                e.attrs.retain(|a| !a.path().is_ident("serde"));
                for variant in e.variants.iter_mut() {
                    variant.attrs.retain(|a| !a.path().is_ident("serde"));
                }
                additions.push(enum_impls(&e.ident));
                out.enums.push(e.ident.to_string());
            }
            _ => {}
        }
    }
    for tokens in additions {
        let file: syn::File = syn::parse2(tokens).expect("generated serde impls parse");
        items.extend(file.items);
    }
}

/// The `Deserialize` impl of a struct with named fields, or why it keeps the derive.
fn struct_impl(s: &syn::ItemStruct) -> Result<TokenStream, String> {
    if !s.generics.params.is_empty() {
        return Err("generic".into());
    }
    if s.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return Err("container serde attributes".into());
    }
    let Fields::Named(named) = &s.fields else {
        return Err("not a struct with named fields".into());
    };
    let name = &s.ident;
    let inits = field_inits(named)?;
    let label = name.to_string();
    Ok(quote! {
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                crate::json::Object::read(deserializer, #label, |o| ::std::result::Result::Ok(Self { #inits }))
            }
        }
    })
}

/// `field: o.required("wire")?, …, unknown: o.rest()`: the fields of a struct literal built
/// from a `crate::json::Object` named `o`. The flattened unknown properties come last, after
/// every known property has been taken out.
pub(crate) fn field_inits(named: &syn::FieldsNamed) -> Result<TokenStream, String> {
    let mut known = Vec::new();
    let mut rest = None;
    for field in &named.named {
        let ident = field.ident.as_ref().ok_or("a field without a name")?;
        let mut default: Option<TokenStream> = None;
        let mut flatten = false;
        for arg in crate::passes::serde_attrs::args(&field.attrs) {
            match arg.name.as_str() {
                "rename" if arg.string().is_none() => return Err(format!("field {ident}: rename(…)")),
                "rename" | "skip_serializing_if" => {}
                "flatten" => flatten = true,
                "default" => {
                    default = Some(match arg.string() {
                        Some(path) => {
                            let path: syn::ExprPath =
                                syn::parse_str(&path).map_err(|e| format!("field {ident}: default = {path:?}: {e}"))?;
                            quote!(#path)
                        }
                        None => quote!(::std::default::Default::default),
                    })
                }
                other => return Err(format!("field {ident}: #[serde({other})]")),
            }
        }
        if flatten {
            if !is_unknown_properties(&field.ty) || rest.is_some() {
                return Err(format!("field {ident}: flattened"));
            }
            rest = Some(quote!(#ident: o.rest()));
            continue;
        }
        let wire = crate::passes::serde_attrs::wire_name(&field.attrs, Some(ident));
        known.push(match default {
            Some(default) => quote!(#ident: o.or_else(#wire, #default)?),
            None if is_option(&field.ty) => quote!(#ident: o.optional(#wire)?),
            None => quote!(#ident: o.required(#wire)?),
        });
    }
    Ok(quote!(#(#known,)* #rest))
}

fn last_segment(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) if p.qself.is_none() => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `Option<T>`, `::std::option::Option<T>` or `::core::option::Option<T>`: not a generated
/// type that happens to be named `Option` (the documents have one).
fn is_option(ty: &syn::Type) -> bool {
    let syn::Type::Path(p) = ty else { return false };
    let names: Vec<String> = p.path.segments.iter().map(|s| s.ident.to_string()).collect();
    let prelude = matches!(
        names.iter().map(String::as_str).collect::<Vec<_>>().as_slice(),
        ["Option"] | ["std", "option", "Option"] | ["core", "option", "Option"]
    ) && (names.len() > 1) == p.path.leading_colon.is_some();
    let one_type_argument = matches!(
        &p.path.segments.last().map(|s| &s.arguments),
        Some(syn::PathArguments::AngleBracketed(a)) if a.args.len() == 1
    );
    p.qself.is_none() && prelude && one_type_argument
}

/// An opened string enum whose serde attributes are only wire names (`rename`) and the
/// catch-all's `untagged`: what `FromStr` and `as_str` reproduce exactly.
fn plain_string_enum(e: &syn::ItemEnum) -> Result<(), String> {
    if e.attrs.iter().any(|a| a.path().is_ident("serde")) {
        return Err("container serde attributes".into());
    }
    for variant in &e.variants {
        for arg in crate::passes::serde_attrs::args(&variant.attrs) {
            match arg.name.as_str() {
                "rename" if arg.string().is_some() => {}
                "untagged" => {}
                other => return Err(format!("variant {}: #[serde({other})]", variant.ident)),
            }
        }
    }
    Ok(())
}

fn is_unknown_properties(ty: &syn::Type) -> bool {
    last_segment(ty).as_deref() == Some("UnknownProperties")
}

fn enum_impls(name: &syn::Ident) -> TokenStream {
    quote! {
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                crate::json::string_enum(deserializer)
            }
        }
        #[allow(deprecated)]
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn squash(code: &str) -> String {
        code.split_whitespace().collect()
    }

    #[test]
    fn structs_read_each_property_by_its_wire_name() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]
                pub struct Ticket {
                    #[serde(rename = "ticketNumber")]
                    pub ticket_number: ::std::string::String,
                    #[serde(rename = "isVoid", default, skip_serializing_if = "Option::is_none")]
                    pub is_void: ::std::option::Option<bool>,
                    #[serde(default = "defaults::ten")]
                    pub count: u64,
                    #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                    pub r#type: ::std::option::Option<::std::string::String>,
                    #[serde(flatten)]
                    pub unknown_properties: crate::UnknownProperties,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                #[serde(transparent)]
                pub struct Wrapped(pub ::std::string::String);
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Odd {
                    #[serde(with = "something")]
                    pub a: u8,
                }
                #[derive(::serde::Deserialize, ::serde::Serialize)]
                pub struct Choice {
                    pub pick: Option,
                    pub maybe: ::std::option::Option<Option>,
                }
            }
        };
        let done = compact_serde(&mut file, &[]);
        assert_eq!(done.structs, ["Ticket", "Choice"]);
        let derived: Vec<&str> = done.derived.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(derived, ["Wrapped", "Odd"]);
        assert!(done.derived[1].1.contains("#[serde(with)]"), "{:?}", done.derived);
        let code = squash(&prettyplease::unparse(&file));
        assert!(
            code.contains("#[derive(::serde::Serialize,Clone,Debug)]pubstructTicket"),
            "{code}"
        );
        assert!(
            code.contains(
                "crate::json::Object::read(deserializer,\"Ticket\",|o|::std::result::Result::Ok(Self{\
                 ticket_number:o.required(\"ticketNumber\")?,\
                 is_void:o.or_else(\"isVoid\",::std::default::Default::default)?,\
                 count:o.or_else(\"count\",defaults::ten)?,\
                 r#type:o.optional(\"type\")?,\
                 unknown_properties:o.rest(),}),)"
            ),
            "{code}"
        );
        assert!(
            code.contains("#[serde(with=\"something\")]"),
            "Odd keeps its derive: {code}"
        );
        assert!(
            code.contains("pick:o.required(\"pick\")?,maybe:o.optional(\"maybe\")?,"),
            "a generated type named Option is not std's: {code}"
        );
    }

    #[test]
    fn open_string_enums_read_through_from_str_and_write_as_str() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug, PartialEq)]
            #[non_exhaustive]
            pub enum Cabin {
                #[serde(rename = "ECONOMY")]
                Economy,
                #[serde(untagged)]
                Unrecognized(::std::string::String),
            }
            #[derive(::serde::Deserialize, ::serde::Serialize)]
            pub enum Other {
                #[serde(rename = "A")]
                A,
            }
        };
        let done = compact_serde(&mut file, &["Cabin".to_string()]);
        assert_eq!(done.enums, ["Cabin"]);
        let code = squash(&prettyplease::unparse(&file));
        assert!(code.contains("#[derive(Clone,Debug,PartialEq)]#[non_exhaustive]pubenumCabin{Economy,Unrecognized(::std::string::String),}"), "{code}");
        assert!(code.contains("crate::json::string_enum(deserializer)"), "{code}");
        assert!(code.contains("serializer.serialize_str(self.as_str())"), "{code}");
        assert!(
            code.contains("#[serde(rename=\"A\")]A"),
            "enums not opened are left alone: {code}"
        );
    }
}
