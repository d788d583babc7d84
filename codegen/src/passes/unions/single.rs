//! One-member unions as enums, so their single member is checked like any other.
//!
//! typify turns a `oneOf` of one member into a transparent newtype of that member
//! (`struct FeeInfo(pub AgentFeeInfo)`). Spotnana adds union members without notice
//! (`x-oneOfValidFrom`), and a member whose only required property is its tag, or none,
//! accepts whatever the new member sends: the payload would be read as the known member and
//! its own properties kept only as unknown ones, under the wrong type. As an enum of one
//! variant the union goes through the same dispatch as the others ([`super::dispatch_unions`]):
//! a tag or key set it does not know lands in `Unrecognized`.

use std::collections::BTreeSet;
use syn::{Fields, Item};

/// Rewrites the transparent newtypes named in `names` (recursing into modules) into untagged
/// enums of one variant named after the member type, with a `From` of the member. Returns
/// the names rewritten; (name, why) of those left as they are.
pub fn newtypes_to_enums(items: &mut Vec<Item>, names: &BTreeSet<String>) -> (Vec<String>, Vec<(String, String)>) {
    let mut done = Vec::new();
    let mut left = Vec::new();
    rewrite(items, names, &mut done, &mut left);
    (done, left)
}

fn rewrite(items: &mut Vec<Item>, names: &BTreeSet<String>, done: &mut Vec<String>, left: &mut Vec<(String, String)>) {
    // Newtype name → (its variant, the member type).
    let mut converted: Vec<(syn::Ident, syn::Ident, syn::Type)> = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite(inner, names, done, left);
                }
            }
            Item::Struct(s) if names.contains(&s.ident.to_string()) => match as_enum(s) {
                Ok((e, variant, ty)) => {
                    converted.push((e.ident.clone(), variant, ty));
                    *item = Item::Enum(e);
                }
                Err(why) => left.push((s.ident.to_string(), why)),
            },
            _ => {}
        }
    }
    if converted.is_empty() {
        return;
    }
    let is_converted = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.get_ident().is_some_and(|i| converted.iter().any(|(n, ..)| n == i)));
    // Whether `newtype` is a rewritten newtype and `member` its member type.
    let member_of = |newtype: &syn::Type, member: &syn::Type| {
        converted
            .iter()
            .any(|(n, _, ty)| matches!(newtype, syn::Type::Path(p) if p.path.is_ident(n)) && same_type(ty, member))
    };
    // typify's `Deref` to the member and its `From`s both ways go; the enum gets its own
    // `From` of the member.
    items.retain(|item| {
        let Item::Impl(imp) = item else { return true };
        let Some((path, _)) = &imp.trait_ else { return true };
        let Some(last) = path.segments.last() else { return true };
        let argument = match &last.arguments {
            syn::PathArguments::AngleBracketed(args) => args.args.iter().find_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            }),
            _ => None,
        };
        let drop = match last.ident.to_string().as_str() {
            "Deref" => is_converted(&imp.self_ty),
            // `From<Newtype> for Member` and `From<Member> for Newtype`; a `From` of the
            // newtype into another type (a union it is a variant of) stays.
            "From" => argument.is_some_and(|a| member_of(a, &imp.self_ty) || member_of(&imp.self_ty, a)),
            _ => false,
        };
        !drop
    });
    for (name, variant, ty) in &converted {
        items.push(syn::parse_quote! {
            #[allow(deprecated)]
            impl ::std::convert::From<#ty> for #name {
                fn from(value: #ty) -> Self {
                    Self::#variant(value)
                }
            }
        });
        done.push(name.to_string());
    }
}

fn same_type(a: &syn::Type, b: &syn::Type) -> bool {
    quote::quote!(#a).to_string() == quote::quote!(#b).to_string()
}

/// The enum of one variant for a transparent newtype, its variant and member type.
fn as_enum(s: &syn::ItemStruct) -> Result<(syn::ItemEnum, syn::Ident, syn::Type), String> {
    let Fields::Unnamed(fields) = &s.fields else {
        return Err("not a newtype".into());
    };
    if fields.unnamed.len() != 1 || !crate::passes::serde_attrs::has(&s.attrs, "transparent") {
        return Err("not a transparent newtype".into());
    }
    if crate::passes::serde_attrs::derives(&s.attrs, "Default") {
        return Err("derives Default, which an enum with a fallback cannot".into());
    }
    let ty = fields.unnamed[0].ty.clone();
    let syn::Type::Path(path) = &ty else {
        return Err("its member is not a named type".into());
    };
    let variant = path
        .path
        .segments
        .last()
        .map(|s| s.ident.clone())
        .ok_or("empty type path")?;
    let attrs = s.attrs.iter().filter(|a| !a.path().is_ident("serde"));
    let (name, vis) = (&s.ident, &s.vis);
    let e: syn::ItemEnum = syn::parse_quote! {
        #(#attrs)*
        #[serde(untagged)]
        #vis enum #name {
            #variant(#ty),
        }
    };
    Ok((e, variant, ty))
}
