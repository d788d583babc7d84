//! Reading the `#[serde(…)]` attributes of generated items.
//!
//! The passes over generated code need a field's or variant's wire name (`rename`) and a few
//! flags (`default`, `untagged`). syn's `parse_nested_meta` stops at the first argument whose
//! value it is not made to read (`skip_serializing_if = "…"`, `rename(serialize = …)`), so
//! every reader has to consume the arguments it does not want; this module does it once.

use syn::Attribute;

/// One argument of a `#[serde(…)]` attribute.
#[derive(Clone)]
pub struct SerdeArg {
    /// `rename`, `default`, `untagged` …
    pub name: String,
    /// The value of `name = value`; `None` for a bare word or a list (`rename(…)`).
    pub value: Option<syn::Expr>,
}

impl SerdeArg {
    /// The value when it is a string literal (`rename = "…"`, `default = "path"`).
    pub fn string(&self) -> Option<String> {
        match &self.value {
            Some(syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s), ..
            })) => Some(s.value()),
            _ => None,
        }
    }
}

/// The last segment of every path in the item's `#[derive(…)]` attributes (`Serialize`,
/// `Clone`, …).
pub fn derive_names(attrs: &[Attribute]) -> Vec<String> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("derive")) {
        let _ = attr.parse_nested_meta(|meta| {
            if let Some(last) = meta.path.segments.last() {
                out.push(last.ident.to_string());
            }
            Ok(())
        });
    }
    out
}

/// Whether the item derives `which` (by the path's last segment).
pub fn derives(attrs: &[Attribute], which: &str) -> bool {
    derive_names(attrs).iter().any(|d| d == which)
}

/// Removes the derives named `which` (by the path's last segment) from the item's
/// `#[derive(…)]` attributes, and a `#[derive()]` left empty.
pub fn remove_derives(attrs: &mut Vec<syn::Attribute>, which: &[&str]) {
    for attr in attrs.iter_mut().filter(|a| a.path().is_ident("derive")) {
        let Ok(list) = attr.parse_args_with(syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated)
        else {
            continue;
        };
        let kept = list
            .iter()
            .filter(|p| p.segments.last().is_none_or(|s| !which.iter().any(|w| s.ident == w)));
        *attr = syn::parse_quote!(#[derive(#(#kept),*)]);
    }
    attrs.retain(|a| !(a.path().is_ident("derive") && matches!(&a.meta, syn::Meta::List(l) if l.tokens.is_empty())));
}

/// The arguments of every `#[serde(…)]` attribute in `attrs`, in order.
pub fn args(attrs: &[Attribute]) -> Vec<SerdeArg> {
    let mut out = Vec::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        let _ = attr.parse_nested_meta(|meta| {
            let name = meta.path.get_ident().map(ToString::to_string).unwrap_or_default();
            let value = if meta.input.peek(syn::Token![=]) {
                Some(meta.value()?.parse::<syn::Expr>()?)
            } else {
                if meta.input.peek(syn::token::Paren) {
                    meta.parse_nested_meta(|nested| {
                        if nested.input.peek(syn::Token![=]) {
                            let _: syn::Expr = nested.value()?.parse()?;
                        }
                        Ok(())
                    })?;
                }
                None
            };
            out.push(SerdeArg { name, value });
            Ok(())
        });
    }
    out
}

/// The string value of argument `name` (`rename` → the wire name), if given as one.
pub fn string_value(attrs: &[Attribute], name: &str) -> Option<String> {
    args(attrs)
        .into_iter()
        .filter(|a| a.name == name)
        .find_map(|a| a.string())
}

/// The name on the wire of a field or variant: its `rename`, else its identifier (without
/// a raw identifier's `r#`).
pub fn wire_name(attrs: &[Attribute], ident: Option<&syn::Ident>) -> String {
    string_value(attrs, "rename").unwrap_or_else(|| {
        ident
            .map(|i| i.to_string().trim_start_matches("r#").to_string())
            .unwrap_or_default()
    })
}

/// Whether argument `name` is present (`untagged`, `default`, `flatten` …).
pub fn has(attrs: &[Attribute], name: &str) -> bool {
    args(attrs).iter().any(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(item: syn::ItemStruct) -> Vec<Attribute> {
        item.attrs
    }

    #[test]
    fn reads_values_words_and_lists_past_each_other() {
        let attrs = attrs(syn::parse_quote! {
            #[derive(Debug)]
            #[serde(skip_serializing_if = "Option::is_none", rename(serialize = "a", deserialize = "b"))]
            #[serde(default = "defaults::limit", untagged, rename = "legIndex")]
            struct S;
        });
        let names: Vec<String> = args(&attrs).into_iter().map(|a| a.name).collect();
        assert_eq!(
            names,
            ["skip_serializing_if", "rename", "default", "untagged", "rename"]
        );
        assert_eq!(string_value(&attrs, "rename").as_deref(), Some("legIndex"));
        assert_eq!(string_value(&attrs, "default").as_deref(), Some("defaults::limit"));
        assert!(has(&attrs, "untagged"));
        let ident: syn::Ident = syn::parse_quote!(r#type);
        assert_eq!(wire_name(&attrs, Some(&ident)), "legIndex");
        assert_eq!(wire_name(&[], Some(&ident)), "type");
        assert!(!has(&attrs, "flatten"));
    }
}
