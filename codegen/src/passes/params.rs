//! Optional parameters by name, so that Spotnana adding one breaks no caller.
//!
//! progenitor takes every parameter positionally, the optional query and header ones as
//! `Option<…>` arguments in alphabetical order: `list_companies(None, None, None, None,
//! None, Some(10), None)`. Each optional parameter Spotnana adds without notice would change
//! the method's arity, and could shift the others. This pass gives each method with
//! optional parameters:
//!
//! - `<method>_with(required…, params: <Method>Params)`: progenitor's body, the optional
//!   arguments now read from a `#[non_exhaustive]` struct with `Default`, one `Option` field
//!   and one setter per parameter (`ListCompaniesParams::new().limit(10)`);
//! - `<method>(required…)`: the same call with no optional parameter set.
//!
//! A method without optional parameters keeps its positional shape; when Spotnana adds the
//! first, it gains `<method>_with` and `<Method>Params`, and `<method>` keeps its signature.
//! Required and path parameters and the body stay positional: adding one of those changes
//! the wire contract too.

use quote::{format_ident, quote};
use syn::{FnArg, GenericArgument, Pat, PathArguments, ReturnType, Type};

/// The methods given a parameters struct (method name, number of optional parameters), or
/// the first method whose arguments the pass cannot read.
pub fn gather_optional_parameters(file: &mut syn::File) -> Result<Vec<(String, usize)>, String> {
    let mut items: Vec<syn::Item> = Vec::new();
    let mut shorts: Vec<syn::ImplItemFn> = Vec::new();
    let mut done = Vec::new();
    let taken: Vec<String> = crate::passes::client_methods_mut(file)
        .map(|f| f.sig.ident.to_string())
        .collect();
    for method in crate::passes::client_methods_mut(file) {
        if method.sig.asyncness.is_none() {
            continue;
        }
        let name = method.sig.ident.to_string();
        let optional = optional_arguments(method)?;
        if optional.is_empty() {
            continue;
        }
        let with = format_ident!("{name}_with");
        if taken.contains(&with.to_string()) {
            return Err(format!("Client::{name}: `{with}` is already a method"));
        }
        let params = format_ident!("{}Params", heck::ToUpperCamelCase::to_upper_camel_case(name.as_str()));
        let arguments_doc = doc_text(&method.attrs);

        let mut fields = Vec::new();
        let mut setters = Vec::new();
        let mut bindings: Vec<syn::Stmt> = Vec::new();
        let mut set_names = Vec::new();
        // An optional parameter named `params` becomes a field; a required one would clash.
        let required_params = method
            .sig
            .inputs
            .iter()
            .any(|i| argument_name(i).as_deref() == Some("params"))
            && !optional.iter().any(|a| a.ident == "params");
        if required_params {
            return Err(format!("Client::{name}: a required argument is already named `params`"));
        }
        for arg in &optional {
            let ident = &arg.ident;
            let key = ident.to_string();
            // A setter must not take the name of an associated function callers use.
            let setter = if ["new", "default", "clone"].contains(&key.as_str()) {
                format_ident!("set_{key}")
            } else {
                ident.clone()
            };
            let doc = argument_doc(&arguments_doc, &key).unwrap_or_else(|| format!("The `{key}` parameter."));
            let (field_ty, setter_ty, into, binding) = match &arg.inner {
                Inner::Str => (
                    quote!(::std::string::String),
                    quote!(impl ::std::convert::Into<::std::string::String>),
                    quote!(value.into()),
                    Some(quote!(let #ident = #ident.as_deref();)),
                ),
                Inner::Ref(ty) => (
                    quote!(#ty),
                    quote!(#ty),
                    quote!(value),
                    Some(quote!(let #ident = #ident.as_ref();)),
                ),
                Inner::Owned(ty) => (quote!(#ty), quote!(#ty), quote!(value), None),
            };
            fields.push(quote! { #[doc = #doc] pub #ident: ::std::option::Option<#field_ty>, });
            let setter_doc = format!("Sets `{key}`: {doc}");
            setters.push(quote! {
                #[doc = #setter_doc]
                pub fn #setter(mut self, value: #setter_ty) -> Self {
                    self.#ident = ::std::option::Option::Some(#into);
                    self
                }
            });
            if let Some(binding) = binding {
                bindings.push(syn::parse_quote!(#binding));
            }
            set_names.push(quote! { if self.#ident.is_some() { set.entry(&#key); } });
        }

        let struct_doc = format!(
            "The optional parameters of [`Client::{with}`]: none set by default; set what you need with \
             the setters (`{params}::new().{}(…)`). `#[non_exhaustive]`, so a parameter a later release \
             adds does not break your build. `Debug` shows which are set, not their values (a search \
             parameter can be personal data).",
            optional[0].ident
        );
        items.push(syn::parse_quote! {
            #[doc = #struct_doc]
            #[derive(Clone, Default)]
            #[non_exhaustive]
            pub struct #params { #(#fields)* }
        });
        items.push(syn::parse_quote! {
            impl #params {
                /// No optional parameter set.
                pub fn new() -> Self {
                    <Self as ::std::default::Default>::default()
                }
                #(#setters)*
            }
        });
        items.push(syn::parse_quote! {
            impl ::std::fmt::Debug for #params {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    let mut set = f.debug_set();
                    #(#set_names)*
                    set.finish()
                }
            }
        });

        // `<method>_with`: the optional arguments become one `params` argument.
        let mut short = method.clone();
        method.sig.ident = with.clone();
        let names: Vec<String> = optional.iter().map(|a| a.ident.to_string()).collect();
        method.sig.inputs = method
            .sig
            .inputs
            .iter()
            .filter(|input| !argument_name(input).is_some_and(|n| names.contains(&n)))
            .cloned()
            .collect();
        method.sig.inputs.push(syn::parse_quote!(params: #params));
        let body = &method.block;
        let fields: Vec<&syn::Ident> = optional.iter().map(|a| &a.ident).collect();
        // Destructured first: a parameter may itself be named `params`.
        method.block = syn::parse_quote!({
            let #params { #(#fields),* } = params;
            #(#bindings)*
            #body
        });
        let with_doc = format!(
            "[`Client::{name}`] with optional parameters ([`{params}`]). The same call, the same \
             errors, the same retry safety.\n\n"
        );
        method.attrs.insert(0, syn::parse_quote!(#[doc = #with_doc]));

        // `<method>`: the required arguments only, no optional parameter set.
        short.sig.asyncness = None;
        short.sig.inputs = method
            .sig
            .inputs
            .iter()
            .take(method.sig.inputs.len() - 1)
            .cloned()
            .collect();
        let passed: Vec<syn::Ident> = short
            .sig
            .inputs
            .iter()
            .filter_map(|input| argument_name(input).map(|n| format_ident!("{n}")))
            .collect();
        let ReturnType::Type(_, output) = &short.sig.output else {
            return Err(format!("Client::{name}: no return type"));
        };
        let lifetime = if short.sig.generics.lifetimes().any(|l| l.lifetime.ident == "a") {
            quote!('a)
        } else {
            quote!('_)
        };
        short.sig.output = syn::parse_quote!(-> impl ::std::future::Future<Output = #output> + #lifetime);
        short.block = syn::parse_quote!({ self.#with(#(#passed,)* <#params as ::std::default::Default>::default()) });
        let short_doc =
            format!("\n\nSends none of the optional parameters: [`Client::{with}`] takes them ([`{params}`]).");
        short.attrs.push(syn::parse_quote!(#[doc = #short_doc]));
        shorts.push(short);
        done.push((name, optional.len()));
    }
    if !shorts.is_empty() {
        // `deprecations::mark_deprecated` (a later pass) allows `deprecated` on every item.
        items.push(syn::parse_quote! { impl Client { #(#shorts)* } });
    }
    file.items.extend(items);
    Ok(done)
}

/// What an optional argument's `Option<…>` holds.
enum Inner {
    /// `&str`: the field is a `String`.
    Str,
    /// `&T`: the field is a `T`.
    Ref(Type),
    /// `T` taken by value.
    Owned(Type),
}

struct Optional {
    ident: syn::Ident,
    inner: Inner,
}

/// The `Option<…>` arguments of a method, in order.
fn optional_arguments(method: &syn::ImplItemFn) -> Result<Vec<Optional>, String> {
    let mut out = Vec::new();
    for input in &method.sig.inputs {
        let FnArg::Typed(typed) = input else { continue };
        let Some(inner) = option_inner(&typed.ty) else { continue };
        let Pat::Ident(pat) = &*typed.pat else {
            return Err(format!(
                "Client::{}: an optional argument without a name",
                method.sig.ident
            ));
        };
        let inner = match inner {
            Type::Reference(r) if matches!(&*r.elem, Type::Path(p) if p.path.is_ident("str")) => Inner::Str,
            Type::Reference(r) => Inner::Ref((*r.elem).clone()),
            other => Inner::Owned(other),
        };
        out.push(Optional {
            ident: pat.ident.clone(),
            inner,
        });
    }
    Ok(out)
}

/// `T` of `Option<T>`.
fn option_inner(ty: &Type) -> Option<Type> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    match args.args.first()? {
        GenericArgument::Type(t) => Some(t.clone()),
        _ => None,
    }
}

fn argument_name(input: &FnArg) -> Option<String> {
    let FnArg::Typed(typed) = input else { return None };
    let Pat::Ident(pat) = &*typed.pat else { return None };
    Some(pat.ident.to_string())
}

/// The text of a method's doc attributes, joined.
fn doc_text(attrs: &[syn::Attribute]) -> String {
    let mut text = String::new();
    for attr in attrs.iter().filter(|a| a.path().is_ident("doc")) {
        if let syn::Meta::NameValue(nv) = &attr.meta
            && let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s), ..
            }) = &nv.value
        {
            text.push_str(&s.value());
            text.push('\n');
        }
    }
    text
}

/// progenitor's description of an argument: the `- `name`: …` line of the method's docs.
fn argument_doc(doc: &str, name: &str) -> Option<String> {
    let prefix = format!("- `{name}`: ");
    doc.lines()
        .find_map(|line| line.strip_prefix(&prefix))
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::squash;

    #[test]
    fn optional_arguments_move_into_a_struct_and_the_short_method_sets_none() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                #[doc = "List things\n\nArguments:\n- `company_id`: The company\n- `limit`: Most results\n- `name`: Filter by name\n"]
                pub async fn list_things<'a>(
                    &'a self,
                    company_id: &'a str,
                    ids: Option<&'a ::std::vec::Vec<::uuid::Uuid>>,
                    limit: Option<i64>,
                    name: Option<&'a str>,
                ) -> Result<ResponseValue<types::Things>, crate::Error> {
                    self.inner.call::<_, ()>("t", "list_things", async move { todo!() }).await
                }
                pub async fn get_thing<'a>(&'a self, id: &'a str) -> Result<ResponseValue<()>, crate::Error> {
                    todo!()
                }
            }
        };
        let done = gather_optional_parameters(&mut file).unwrap();
        assert_eq!(done, [("list_things".to_string(), 3)]);
        let code = squash(&prettyplease::unparse(&file));
        for expected in [
            "#[derive(Clone, Default)] #[non_exhaustive] pub struct ListThingsParams {",
            "///Most results pub limit: ::std::option::Option<i64>,",
            "pub ids: ::std::option::Option<::std::vec::Vec<::uuid::Uuid>>,",
            "pub name: ::std::option::Option<::std::string::String>,",
            "pub fn name( mut self, value: impl ::std::convert::Into<::std::string::String>, ) -> Self {",
            "pub fn limit(mut self, value: i64) -> Self {",
            "pub async fn list_things_with<'a>( &'a self, company_id: &'a str, params: ListThingsParams, ) \
             -> Result<ResponseValue<types::Things>, crate::Error> { let ListThingsParams { ids, limit, name } = \
             params; let ids = ids.as_ref(); let name = name.as_deref(); {",
            "pub fn list_things<'a>( &'a self, company_id: &'a str, ) -> impl ::std::future::Future< \
             Output = Result<ResponseValue<types::Things>, crate::Error>, > + 'a { \
             self.list_things_with( company_id, <ListThingsParams as ::std::default::Default>::default(), ) }",
            "if self.limit.is_some() { set.entry(&\"limit\"); }",
            "Sends none of the optional parameters: [`Client::list_things_with`] takes them",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
        }
        assert!(
            code.contains("pub async fn get_thing<'a>( &'a self, id: &'a str, )"),
            "{code}"
        );
        assert!(!code.contains("GetThingParams"), "{code}");
    }

    #[test]
    fn parameters_named_like_associated_functions_get_prefixed_setters() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub async fn odd<'a>(&'a self, new: Option<i64>, params: Option<&'a str>)
                    -> Result<ResponseValue<()>, crate::Error> { todo!() }
            }
        };
        gather_optional_parameters(&mut file).unwrap();
        let code = squash(&prettyplease::unparse(&file));
        assert!(
            code.contains("pub fn set_new(mut self, value: i64) -> Self {"),
            "{code}"
        );
        assert!(
            code.contains("let OddParams { new, params } = params; let params = params.as_deref();"),
            "{code}"
        );
    }

    #[test]
    fn a_name_taken_by_another_method_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub async fn list(&self, limit: Option<i64>) -> Result<ResponseValue<()>, crate::Error> { todo!() }
                pub async fn list_with(&self) -> Result<ResponseValue<()>, crate::Error> { todo!() }
            }
        };
        let error = gather_optional_parameters(&mut file).unwrap_err();
        assert!(error.contains("`list_with` is already a method"), "{error}");
    }
}
