//! Constraints hold for what callers build, not for what Spotnana sends.
//!
//! typify turns a string with a `pattern` or length limits into a newtype whose `FromStr`
//! checks them, and reads it from JSON through that `FromStr`: one value Spotnana sends outside
//! the pattern (a looser format after a release, a legacy record) fails the whole response,
//! the same failure open enums avoid for enum values. This pass makes reading such a newtype
//! take the string as sent (and send it back unchanged); `FromStr`, `TryFrom` and so every
//! value a caller builds through them keep the check, so a request with a value outside the
//! pattern fails in the caller's code, before it is sent (a value the caller reads from JSON of
//! their own is taken as it is, like one Spotnana sends). A newtype that is a variant of an
//! untagged union keeps its check: its pattern may be what tells the variants apart.

use quote::quote;
use syn::{Fields, Item};

/// Rewrites the `Deserialize` impls of constrained string newtypes in `file` (recursing into
/// modules); returns the types.
pub fn read_constrained_strings_unchecked(file: &mut syn::File) -> Vec<String> {
    let mut done = Vec::new();
    rewrite_items(&mut file.items, &mut done);
    done
}

fn rewrite_items(items: &mut [Item], done: &mut Vec<String>) {
    // A newtype that is a variant of an untagged union stays checked: its pattern may be what
    // tells the variants apart when serde tries them in order.
    let variants: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Enum(e) if crate::passes::serde_attrs::has(&e.attrs, "untagged") => Some(e),
            _ => None,
        })
        .flat_map(|e| e.variants.iter())
        .filter_map(|v| match &v.fields {
            Fields::Unnamed(f) if f.unnamed.len() == 1 => match &f.unnamed[0].ty {
                syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    let newtypes: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Struct(s) if is_string_newtype(&s.fields) => Some(s.ident.to_string()),
            _ => None,
        })
        .filter(|name| !variants.contains(name))
        .collect();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite_items(inner, done);
                }
            }
            Item::Impl(imp) => {
                let Some(name) = self_name(imp) else { continue };
                let is_deserialize = imp
                    .trait_
                    .as_ref()
                    .and_then(|t| t.0.segments.last())
                    .is_some_and(|s| s.ident == "Deserialize");
                if !is_deserialize || !newtypes.contains(&name) || !calls_parse(imp) {
                    continue;
                }
                let ident = syn::Ident::new(&name, proc_macro2::Span::call_site());
                let attrs = std::mem::take(&mut imp.attrs);
                *imp = syn::parse2(quote! {
                    #(#attrs)*
                    impl<'de> ::serde::Deserialize<'de> for #ident {
                        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                        where
                            D: ::serde::Deserializer<'de>,
                        {
                            // As sent: the constraints are checked on what callers build.
                            <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self)
                        }
                    }
                })
                .expect("a Deserialize impl parses");
                done.push(name);
            }
            _ => {}
        }
    }
}

/// `struct X(String)` (any path ending in `String`).
fn is_string_newtype(fields: &Fields) -> bool {
    match fields {
        Fields::Unnamed(f) if f.unnamed.len() == 1 => matches!(
            &f.unnamed[0].ty,
            syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String")
        ),
        _ => false,
    }
}

fn self_name(imp: &syn::ItemImpl) -> Option<String> {
    match &*imp.self_ty {
        syn::Type::Path(p) => p.path.get_ident().map(ToString::to_string),
        _ => None,
    }
}

/// Whether the impl reads through `parse` (typify's checked read).
fn calls_parse(imp: &syn::ItemImpl) -> bool {
    quote!(#imp).to_string().contains(". parse ()")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constrained_string_newtypes_read_as_sent() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                #[derive(::serde::Serialize, Clone, Debug)]
                #[serde(transparent)]
                pub struct DateModel(::std::string::String);
                impl ::std::str::FromStr for DateModel {
                    type Err = self::error::ConversionError;
                    fn from_str(value: &str) -> Result<Self, Self::Err> { todo!() }
                }
                impl<'de> ::serde::Deserialize<'de> for DateModel {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        ::std::string::String::deserialize(deserializer)?
                            .parse()
                            .map_err(|e: self::error::ConversionError| <D::Error as ::serde::de::Error>::custom(e.to_string()))
                    }
                }
                #[derive(::serde::Serialize)]
                #[serde(untagged)]
                pub enum Either { Code(Code), Text(::std::string::String) }
                pub struct Code(::std::string::String);
                impl<'de> ::serde::Deserialize<'de> for Code {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        ::std::string::String::deserialize(deserializer)?.parse().map_err(|_| todo!())
                    }
                }
                pub struct Count(u32);
                impl<'de> ::serde::Deserialize<'de> for Count {
                    fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        u32::deserialize(deserializer)?.to_string().parse().map_err(|_| todo!())
                    }
                }
            }
        };
        assert_eq!(read_constrained_strings_unchecked(&mut file), ["DateModel"]);
        let code: String = prettyplease::unparse(&file).split_whitespace().collect();
        assert!(
            code.contains("<::std::string::Stringas::serde::Deserialize>::deserialize(deserializer).map(Self)"),
            "{code}"
        );
        assert!(
            code.contains("fnfrom_str(value:&str)"),
            "FromStr keeps its check: {code}"
        );
        assert_eq!(
            code.matches(".parse()").count(),
            2,
            "Count is no string newtype; Code tells an untagged union's variants apart: {code}"
        );
    }
}
