//! `hide_default_functions`: typify's `defaults` modules (the functions serde calls for a
//! property's default, `defaults::default_bool::<true>`) are hidden from the crate's
//! documented API.
//!
//! They are public only because the generated serde attributes must reach them; which ones
//! exist follows the documents (a type moved to `common` takes its defaults along), so a
//! release of Spotnana's that changes nothing a caller uses could remove a module callers
//! never meant to name. Hidden, they are outside the API that semver promises cover (and that
//! cargo-semver-checks judges), as the diff already treats them.

use syn::visit_mut::VisitMut;

/// Marks every `mod defaults` `#[doc(hidden)]`; returns how many.
pub fn hide_default_functions(file: &mut syn::File) -> usize {
    struct Hide(usize);
    impl VisitMut for Hide {
        fn visit_item_mod_mut(&mut self, module: &mut syn::ItemMod) {
            if module.ident == "defaults" && !module.attrs.iter().any(|a| a.path().is_ident("doc") && is_hidden(a)) {
                module.attrs.push(syn::parse_quote!(#[doc(hidden)]));
                self.0 += 1;
            }
            syn::visit_mut::visit_item_mod_mut(self, module);
        }
    }
    let mut hide = Hide(0);
    hide.visit_file_mut(file);
    hide.0
}

fn is_hidden(attr: &syn::Attribute) -> bool {
    attr.parse_args::<syn::Ident>().is_ok_and(|i| i == "hidden")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_modules_are_hidden_at_any_depth_once() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub mod defaults { pub fn ten() -> i64 { 10 } }
                pub struct Thing;
            }
            pub mod defaults {}
        };
        assert_eq!(hide_default_functions(&mut file), 2);
        assert_eq!(hide_default_functions(&mut file), 0, "already hidden");
        let code = prettyplease::unparse(&file);
        assert_eq!(code.matches("#[doc(hidden)]").count(), 2, "{code}");
    }
}
