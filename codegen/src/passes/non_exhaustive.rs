//! Structs that a new optional property does not break: `#[non_exhaustive]` plus a `new`
//! taking only the required fields.
//!
//! Spotnana adds optional properties without notice. typify's structs have public fields
//! and no constructor, so callers build requests with struct literals, and the next release's
//! extra field is a compile error in every caller. This pass marks every generated struct
//! with named fields `#[non_exhaustive]` (callers can no longer write a literal, so a new
//! field cannot break one) and gives it
//!
//! - `new(required…)`: the fields without a serde default that are not `Option`, in
//!   document order; every other field starts at its serde default (`None`, empty, or the
//!   schema's `default`);
//! - `Default`, when no field is required and typify did not already derive or write one.
//!
//! Callers set optional fields by assignment (`let mut r = T::new(a); r.b = Some(x);`).
//! A new *required* property changes `new`'s signature, as it should: it is a breaking
//! change on the wire too.

use crate::passes::serde_attrs::derives;
use proc_macro2::TokenStream;
use quote::quote;
use syn::{Fields, Item, ItemStruct, Type};

/// Rewrites every struct with named fields in `file` (recursing into modules); returns
/// their names.
pub fn non_exhaustive_structs(file: &mut syn::File) -> Vec<String> {
    let mut names = Vec::new();
    rewrite_items(&mut file.items, &mut names);
    names
}

fn rewrite_items(items: &mut Vec<Item>, names: &mut Vec<String>) {
    let has_default: Vec<String> = items
        .iter()
        .filter_map(|item| match item {
            Item::Impl(imp) => {
                let is_default = imp
                    .trait_
                    .as_ref()
                    .and_then(|(path, _)| path.segments.last())
                    .is_some_and(|s| s.ident == "Default");
                match (&*imp.self_ty, is_default) {
                    (Type::Path(p), true) => p.path.segments.last().map(|s| s.ident.to_string()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect();
    let mut additions = Vec::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    rewrite_items(inner, names);
                }
            }
            // Data types only (serde derives), not the client.
            Item::Struct(s)
                if matches!(s.fields, Fields::Named(_))
                    && (derives(&s.attrs, "Serialize") || derives(&s.attrs, "Deserialize")) =>
            {
                let name = s.ident.to_string();
                let derives_default = derives(&s.attrs, "Default");
                additions.push(constructors(s, derives_default || has_default.contains(&name)));
                if !s.attrs.iter().any(|a| a.path().is_ident("non_exhaustive")) {
                    s.attrs.push(syn::parse_quote!(#[non_exhaustive]));
                }
                names.push(name);
            }
            _ => {}
        }
    }
    for tokens in additions {
        items.extend(
            syn::parse2::<syn::File>(tokens)
                .expect("generated constructors parse")
                .items,
        );
    }
}

/// How a field starts when the caller does not give it.
enum Start {
    Required,
    Default,
    /// `#[serde(default = "path")]`: the schema's own default.
    Function(syn::ExprPath),
}

fn start(field: &syn::Field) -> Start {
    let args = crate::passes::serde_attrs::args(&field.attrs);
    // A flattened map (unknown properties, typify's `extra`) starts empty.
    if args.iter().any(|a| a.name == "flatten") {
        return Start::Default;
    }
    let start = args
        .into_iter()
        .filter(|a| a.name == "default")
        .map(|a| match a.string() {
            Some(path) => syn::parse_str::<syn::ExprPath>(&path).ok().map(Start::Function),
            None => Some(Start::Default),
        })
        .next_back()
        .flatten();
    start.unwrap_or_else(|| {
        if is_option(&field.ty) {
            Start::Default
        } else {
            Start::Required
        }
    })
}

fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

fn constructors(s: &ItemStruct, has_default: bool) -> TokenStream {
    let Fields::Named(named) = &s.fields else {
        unreachable!("only named fields are passed")
    };
    let name = &s.ident;
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for field in &named.named {
        let ident = field.ident.as_ref().expect("named field");
        let ty = &field.ty;
        match start(field) {
            Start::Required => {
                params.push(quote!(#ident: #ty));
                inits.push(quote!(#ident));
            }
            Start::Default => inits.push(quote!(#ident: ::std::default::Default::default())),
            Start::Function(path) => inits.push(quote!(#ident: #path())),
        }
    }
    let doc = if params.is_empty() {
        format!("A `{name}` with every field at its default; set optional fields by assignment.")
    } else {
        format!("A `{name}` from its required fields; optional fields start at their defaults.")
    };
    let default = (params.is_empty() && !has_default).then(|| {
        quote! {
            impl ::std::default::Default for #name {
                fn default() -> Self {
                    Self::new()
                }
            }
        }
    });
    // Generated code is not linted for argument counts: the document decides them.
    quote! {
        impl #name {
            #[doc = #doc]
            #[allow(clippy::too_many_arguments, clippy::new_without_default)]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits),* }
            }
        }
        #default
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn structs_get_non_exhaustive_new_and_default() {
        let mut file: syn::File = syn::parse_quote! {
            #[derive(Clone, Debug, Serialize)]
            pub struct Request {
                pub id: String,
                pub note: Option<String>,
                #[serde(default)]
                pub tags: Vec<String>,
                #[serde(default = "defaults::default_bool::<true>")]
                pub active: bool,
            }
            #[derive(Deserialize)]
            pub struct Filter {
                pub name: Option<String>,
            }
            #[derive(Default, Deserialize)]
            pub struct AlreadyDefault {
                pub name: Option<String>,
            }
            pub struct Id(pub String);
            pub struct Client {
                baseurl: String,
            }
        };
        let names = non_exhaustive_structs(&mut file);
        assert_eq!(names, ["Request", "Filter", "AlreadyDefault"]);
        let code = prettyplease::unparse(&file);
        assert!(code.contains("#[non_exhaustive]\npub struct Request"), "{code}");
        assert!(code.contains("pub fn new(id: String) -> Self"), "{code}");
        assert!(code.contains("active: defaults::default_bool::<true>()"), "{code}");
        assert!(code.contains("impl ::std::default::Default for Filter"), "{code}");
        assert!(
            !code.contains("impl ::std::default::Default for AlreadyDefault"),
            "{code}"
        );
        assert!(!code.contains("#[non_exhaustive]\npub struct Id"), "{code}");
    }
}
