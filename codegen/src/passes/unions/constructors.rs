//! Constructors of discriminated variants that fill the tag themselves.
//!
//! A member of a union chosen by its discriminator carries the tag as a required property,
//! so its `new` (see `non_exhaustive`) asks the caller for it: a free string a typo turns into a
//! body the server misroutes. Where the unions generated in the member's own module map
//! exactly one tag to it, `new` no longer takes it and sets it from the mapping; the field
//! stays public. (A union of another module may map the member differently; when every
//! variant of a union is a newtype, the union's `Serialize` writes its own tag anyway.)

use super::{Dispatch, UnionPlan};
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use syn::{Fields, Item};

/// Fills the tag in the `new` of every member of `plan`'s tagged unions that one tag maps
/// to and whose tag field is a `String`. Returns the members changed as `Type.property`.
pub fn fill_tags_in_constructors(file: &mut syn::File, plan: &UnionPlan, dispatched: &super::Places) -> Vec<String> {
    let mut enums = BTreeMap::new();
    member_types(&file.items, &mut enums);
    // Member type → every (property, tag) the unions map to it.
    let mut wanted: BTreeMap<String, BTreeSet<(String, String)>> = BTreeMap::new();
    for (name, union) in &plan.unions {
        // Only the unions the pass rewrote: their variants are the `oneOf` members, in order.
        if !dispatched.iter().any(|(ty, _)| ty == name) {
            continue;
        }
        let Dispatch::Tag { property, tags, .. } = &union.dispatch else {
            continue;
        };
        let Some(members) = enums.get(name) else { continue };
        for (tag, index) in tags {
            if let Some(Some(member)) = members.get(*index) {
                wanted
                    .entry(member.clone())
                    .or_default()
                    .insert((property.clone(), tag.clone()));
            }
        }
    }
    let mut done = Vec::new();
    fill(&mut file.items, &wanted, &mut done);
    done
}

/// Per enum of `items`, the type each variant holds (`None` for a variant of another shape).
fn member_types(items: &[Item], out: &mut BTreeMap<String, Vec<Option<String>>>) {
    for item in items {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    member_types(inner, out);
                }
            }
            Item::Enum(e) => {
                let members = e
                    .variants
                    .iter()
                    .map(|v| match &v.fields {
                        Fields::Unnamed(f) if f.unnamed.len() == 1 => match &f.unnamed[0].ty {
                            syn::Type::Path(p) => p.path.get_ident().map(ToString::to_string),
                            _ => None,
                        },
                        _ => None,
                    })
                    .collect();
                out.insert(e.ident.to_string(), members);
            }
            _ => {}
        }
    }
}

fn fill(items: &mut [Item], wanted: &BTreeMap<String, BTreeSet<(String, String)>>, done: &mut Vec<String>) {
    // The field holding each wanted member's tag, if it is a `String`.
    let mut fields = BTreeMap::new();
    for item in items.iter_mut() {
        match item {
            Item::Mod(m) => {
                if let Some((_, inner)) = &mut m.content {
                    fill(inner, wanted, done);
                }
            }
            Item::Struct(s) => {
                // One tag, by one property: several leave it to the caller.
                let Some(tags) = wanted.get(&s.ident.to_string()) else {
                    continue;
                };
                let Some((property, tag)) = tags.first().filter(|_| tags.len() == 1) else {
                    continue;
                };
                let Fields::Named(named) = &s.fields else { continue };
                let field = named.named.iter().find(|f| {
                    crate::passes::serde_attrs::wire_name(&f.attrs, f.ident.as_ref()) == *property
                        && matches!(&f.ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == "String"))
                });
                if let Some(ident) = field.and_then(|f| f.ident.clone()) {
                    fields.insert(s.ident.to_string(), (ident, property.clone(), tag.clone()));
                }
            }
            _ => {}
        }
    }
    for item in items.iter_mut() {
        let Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        let syn::Type::Path(ty) = &*imp.self_ty else { continue };
        let Some((field, property, tag)) = ty.path.get_ident().and_then(|i| fields.get(&i.to_string())) else {
            continue;
        };
        for member in &mut imp.items {
            let syn::ImplItem::Fn(f) = member else { continue };
            if f.sig.ident != "new" || !remove_parameter(&mut f.sig, field) {
                continue;
            }
            let init = quote!(#field: ::std::string::String::from(#tag));
            syn::visit_mut::VisitMut::visit_block_mut(&mut SetField { field, init: &init }, &mut f.block);
            let doc = format!("`{property}` is set to `{tag}`, the tag its union maps to this type.");
            f.attrs.push(syn::parse_quote!(#[doc = ""]));
            f.attrs.push(syn::parse_quote!(#[doc = #doc]));
            done.push(format!("{}.{property}", quote!(#ty)));
        }
    }
}

fn remove_parameter(sig: &mut syn::Signature, name: &syn::Ident) -> bool {
    let before = sig.inputs.len();
    sig.inputs = std::mem::take(&mut sig.inputs)
        .into_iter()
        .filter(
            |input| !matches!(input, syn::FnArg::Typed(t) if matches!(&*t.pat, syn::Pat::Ident(p) if p.ident == *name)),
        )
        .collect();
    sig.inputs.len() != before
}

/// Replaces the shorthand `field` of the struct expression `Self { … }` with `init`.
struct SetField<'a> {
    field: &'a syn::Ident,
    init: &'a proc_macro2::TokenStream,
}

impl syn::visit_mut::VisitMut for SetField<'_> {
    fn visit_expr_struct_mut(&mut self, expr: &mut syn::ExprStruct) {
        for value in expr.fields.iter_mut() {
            if matches!(&value.member, syn::Member::Named(i) if i == self.field) {
                *value = syn::parse2(self.init.clone()).expect("field initialiser parses");
            }
        }
    }
}
