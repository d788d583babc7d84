//! String enums that accept values they have not seen.
//!
//! Spotnana's compatibility policy: new enum values ship without notice and clients must
//! accept them. typify generates closed enums (`Copy`, unit variants, `FromStr` failing on
//! anything else), so one new value fails a whole response. This pass rewrites every
//! generated string enum (all variants unit) after generation:
//!
//! - a last variant `Unrecognized(String)`, `#[serde(untagged)]`: serde tries the named
//!   values first, and anything else lands there verbatim and serializes back unchanged;
//! - `#[non_exhaustive]`, so a value added in a later release is not a breaking change for
//!   callers' `match`es;
//! - `as_str`, `Display` and an infallible `FromStr` that know the catch-all (enums stay
//!   usable as path and query parameters); `Copy` is dropped (a `String` is not `Copy`).
//!
//! It works on the generated syntax tree because typify offers no hook for it; it is still
//! generation, never an edit of generated files.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use syn::{Fields, Item, ItemEnum};

/// Rewrites every string enum in `file` (recursing into modules); returns their names.
pub fn open_string_enums(file: &mut syn::File) -> Vec<String> {
    let mut names = Vec::new();
    rewrite_items(&mut file.items, &mut names);
    names
}

fn rewrite_items(items: &mut Vec<Item>, names: &mut Vec<String>) {
    let mut count = 0;
    let mut replaced_impls: Vec<(String, &'static str)> = Vec::new();
    let mut additions: Vec<Item> = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite_items(inner, names);
                }
            }
            Item::Enum(e) if is_string_enum(e) => {
                let values: Vec<(syn::Ident, String)> = e
                    .variants
                    .iter()
                    .map(|v| {
                        (
                            v.ident.clone(),
                            crate::passes::serde_attrs::wire_name(&v.attrs, Some(&v.ident)),
                        )
                    })
                    .collect();
                let catch_all = catch_all_name(e);
                open_enum(e, &catch_all);
                additions.extend(impls(&e.ident, &catch_all, &values));
                replaced_impls.push((e.ident.to_string(), "Display"));
                replaced_impls.push((e.ident.to_string(), "FromStr"));
                names.push(e.ident.to_string());
                count += 1;
            }
            _ => {}
        }
    }
    if count > 0 {
        items.retain(|item| match item {
            Item::Impl(imp) => !replaced_impls.iter().any(|(ty, tr)| implements(imp, ty, tr)),
            _ => true,
        });
        items.extend(additions);
    }
}

/// An enum whose variants are all unit variants: typify's shape for `type: string, enum: […]`.
fn is_string_enum(e: &ItemEnum) -> bool {
    e.generics.params.is_empty()
        && !e.variants.is_empty()
        && e.variants.iter().all(|v| matches!(v.fields, Fields::Unit))
}

fn catch_all_name(e: &ItemEnum) -> syn::Ident {
    let mut name = String::from("Unrecognized");
    while e.variants.iter().any(|v| v.ident == name) {
        name.push_str("Value");
    }
    format_ident!("{}", name)
}

fn open_enum(e: &mut ItemEnum, catch_all: &syn::Ident) {
    for attr in e.attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        if let Ok(list) =
            attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        {
            let kept: Vec<&syn::Path> = list.iter().filter(|p| !p.is_ident("Copy")).collect();
            *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
        }
    }
    e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    e.variants.push(syn::parse_quote! {
        /// A value this version of the client does not know (Spotnana adds enum values
        /// without notice), kept verbatim and sent back unchanged.
        #[serde(untagged)]
        #catch_all(::std::string::String)
    });
}

fn implements(imp: &syn::ItemImpl, ty: &str, trait_name: &str) -> bool {
    let self_is = matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident(ty));
    let trait_is = imp
        .trait_
        .as_ref()
        .and_then(|t| t.0.segments.last())
        .is_some_and(|s| s.ident == trait_name);
    self_is && trait_is
}

fn impls(name: &syn::Ident, catch_all: &syn::Ident, values: &[(syn::Ident, String)]) -> Vec<Item> {
    let idents: Vec<&syn::Ident> = values.iter().map(|(i, _)| i).collect();
    let wires: Vec<&String> = values.iter().map(|(_, w)| w).collect();
    let tokens: TokenStream = quote! {
        impl #name {
            /// The value as Spotnana spells it.
            pub fn as_str(&self) -> &str {
                match self {
                    #(Self::#idents => #wires,)*
                    Self::#catch_all(value) => value.as_str(),
                }
            }
        }
        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl ::std::str::FromStr for #name {
            type Err = self::error::ConversionError;
            fn from_str(value: &str) -> ::std::result::Result<Self, self::error::ConversionError> {
                Ok(match value {
                    #(#wires => Self::#idents,)*
                    other => Self::#catch_all(other.to_string()),
                })
            }
        }
    };
    let file: syn::File = syn::parse2(tokens).expect("generated impls parse");
    file.items
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn string_enums_get_a_catch_all_and_lose_copy() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Deserialize, ::serde::Serialize, Clone, Copy, Debug)]
                pub enum Status {
                    #[serde(rename = "UNKNOWN")]
                    Unknown,
                    #[serde(rename = "ISSUED")]
                    Issued,
                    Unrecognized,
                }
                impl ::std::fmt::Display for Status {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result { todo!() }
                }
                impl ::std::str::FromStr for Status {
                    type Err = self::error::ConversionError;
                    fn from_str(value: &str) -> Result<Self, Self::Err> { todo!() }
                }
                pub enum Shape { Circle(f64) }
            }
        };
        assert_eq!(open_string_enums(&mut file), ["Status"]);
        let code = prettyplease::unparse(&file);
        assert!(
            code.contains("#[derive(::serde::Deserialize, ::serde::Serialize, Clone, Debug)]"),
            "{code}"
        );
        assert!(code.contains("#[non_exhaustive]"));
        assert!(
            code.contains("#[serde(untagged)]\n        UnrecognizedValue(::std::string::String)"),
            "{code}"
        );
        assert!(code.contains("\"ISSUED\" => Self::Issued"));
        assert!(code.contains("\"Unrecognized\" => Self::Unrecognized"));
        assert!(!code.contains("todo!()"), "the old impls are replaced: {code}");
        assert!(code.contains("pub enum Shape"), "non-string enums are left alone");
    }
}
