//! The serde impls of a union chosen by its data: a `Deserialize` that picks the variant by
//! tag or keys, with the `Unrecognized` fallback, and (for a tagged union of newtypes) a
//! `Serialize` that writes each variant's tag.

use super::{Dispatch, Union};
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, ItemEnum};

pub(super) fn rewrite(e: &mut ItemEnum, union: &Union) -> Result<TokenStream, String> {
    if !crate::passes::serde_attrs::has(&e.attrs, "untagged") {
        return Err("typify did not make it an untagged enum".into());
    }
    if e.variants.len() != union.variants {
        return Err(format!(
            "typify made {} variants of {} oneOf members",
            e.variants.len(),
            union.variants
        ));
    }
    if e.variants.iter().any(|v| v.ident == "Unrecognized") {
        return Err("a variant is already named Unrecognized".into());
    }
    let derives = crate::passes::serde_attrs::derive_names(&e.attrs);
    if !derives.iter().any(|d| d == "Deserialize") {
        return Err("enum does not derive Deserialize".into());
    }
    if let Some(d) = derives
        .iter()
        .find(|d| ["Hash", "PartialOrd", "Ord", "Copy"].contains(&d.as_str()))
    {
        return Err(format!("enum derives {d}, which serde_json::Value lacks"));
    }

    let name = e.ident.clone();
    let label = name.to_string();
    let arms: Vec<TokenStream> = e
        .variants
        .iter()
        .map(|v| variant_from_value(&name, v))
        .collect::<Result<_, _>>()?;
    let choose = match &union.dispatch {
        Dispatch::Tag {
            property,
            tags,
            missing,
        } => {
            let values = tags.iter().map(|(v, _)| v);
            let bodies = tags.iter().map(|(_, i)| &arms[*i]);
            // No tag, or not a string: the member whose schema defaults it, else kept whole.
            let untagged = match missing {
                Some(index) => arms[*index].clone(),
                None => quote! { ::std::result::Result::Ok(Self::Unrecognized(value)) },
            };
            quote! {
                match value.get(#property) {
                    #( ::std::option::Option::Some(::serde_json::Value::String(tag)) if tag == #values => { #bodies } )*
                    ::std::option::Option::Some(::serde_json::Value::String(_)) => ::std::result::Result::Ok(Self::Unrecognized(value)),
                    _ => { #untagged }
                }
            }
        }
        Dispatch::Keys { keys } => {
            let names = keys.iter().map(|(k, _)| k);
            let indices = keys.iter().map(|(_, i)| *i);
            let chosen_arms = arms
                .iter()
                .enumerate()
                .map(|(i, body)| quote! { ::std::option::Option::Some(#i) => { #body } });
            let not_object = format!("{label}: expected an object");
            // Keys of two members (an `anyOf` allows it) choose none: kept whole.
            quote! {
                let object = value.as_object().ok_or_else(|| <D::Error as ::serde::de::Error>::custom(#not_object))?;
                let mut chosen: ::std::option::Option<usize> = ::std::option::Option::None;
                for (key, member) in object {
                    if member.is_null() {
                        continue;
                    }
                    let index = match key.as_str() {
                        #( #names => #indices, )*
                        _ => continue,
                    };
                    if chosen.is_some_and(|c| c != index) {
                        chosen = ::std::option::Option::None;
                        break;
                    }
                    chosen = ::std::option::Option::Some(index);
                }
                match chosen {
                    #( #chosen_arms )*
                    _ => ::std::result::Result::Ok(Self::Unrecognized(value)),
                }
            }
        }
    };

    let serialize = tag_writing_serialize(e, &union.dispatch);
    // Deserialize is now hand-built; Serialize too when it writes the tags, else it stays
    // derived and untagged (each variant writes its own object).
    let hand_built: &[&str] = if serialize.is_some() {
        &["Deserialize", "Serialize"]
    } else {
        &["Deserialize"]
    };
    crate::passes::serde_attrs::remove_derives(&mut e.attrs, hand_built);
    if serialize.is_some() {
        // No serde derive is left to read `#[serde(untagged)]`.
        e.attrs.retain(|a| !a.path().is_ident("serde"));
    }
    e.variants.push(syn::parse_quote! {
        /// A variant this version of the client does not know, kept as sent.
        Unrecognized(::serde_json::Value)
    });
    if !e.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
        e.attrs.push(syn::parse_quote!(#[non_exhaustive]));
    }
    Ok(quote! {
        #serialize
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #choose
            }
        }
    })
}

/// For a union chosen by its discriminator whose variants are all newtypes of their member,
/// a `Serialize` that writes each variant with the tag the mapping gives it (see
/// `json::tagged` in the runtime); a variant several tags map to keeps the one it holds.
fn tag_writing_serialize(e: &ItemEnum, dispatch: &Dispatch) -> Option<TokenStream> {
    let Dispatch::Tag { property, tags, .. } = dispatch else {
        return None;
    };
    let newtypes = e
        .variants
        .iter()
        .all(|v| matches!(&v.fields, Fields::Unnamed(f) if f.unnamed.len() == 1));
    if !newtypes {
        return None;
    }
    let name = &e.ident;
    let arms = e.variants.iter().enumerate().map(|(index, v)| {
        let ident = &v.ident;
        let mut own = tags.iter().filter(|(_, i)| *i == index).map(|(tag, _)| tag);
        match (own.next(), own.next()) {
            (Some(tag), None) => quote! {
                Self::#ident(member) => crate::json::tagged(member, #property, #tag, serializer),
            },
            _ => quote! {
                Self::#ident(member) => ::serde::Serialize::serialize(member, serializer),
            },
        }
    });
    Some(quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                match self {
                    #( #arms )*
                    Self::Unrecognized(value) => ::serde::Serialize::serialize(value, serializer),
                }
            }
        }
    })
}

/// The expression that deserializes `value` as variant `v` of enum `name`.
fn variant_from_value(name: &syn::Ident, v: &syn::Variant) -> Result<TokenStream, String> {
    let ident = &v.ident;
    let context = format!("{name}::{ident}: ");
    let err = quote! { |e| <D::Error as ::serde::de::Error>::custom(::std::format!("{}{}", #context, e)) };
    match &v.fields {
        Fields::Unnamed(f) if f.unnamed.len() == 1 => {
            let ty = &f.unnamed[0].ty;
            Ok(quote! { ::serde_json::from_value::<#ty>(value).map(Self::#ident).map_err(#err) })
        }
        Fields::Named(f) => {
            // Read by property name like the generated structs (see `compact_serde`).
            let inits =
                crate::passes::compact_serde::field_inits(f).map_err(|why| format!("variant {ident}: {why}"))?;
            let label = format!("{name}::{ident}");
            Ok(quote! {
                crate::json::Object::read(value, #label, |o| ::std::result::Result::Ok(Self::#ident { #inits }))
                    .map_err(#err)
            })
        }
        _ => Err(format!("variant {ident} has a shape this pass does not handle")),
    }
}
