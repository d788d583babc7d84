//! Every generated method runs as one call of the runtime and fails with the crate's error.
//!
//! progenitor's methods return its own `Error<E>`, whose `Display` and `Debug` print the raw
//! response (body, headers, URL with its query string): a caller's `{err:?}` would log
//! personal data, and redaction would depend on every caller converting first. This pass
//! wraps each method body of `Client`, unchanged, in the runtime's `call`, and makes the
//! method return `crate::Error`:
//!
//! ```text
//! pub async fn get_user<'a>(&'a self, …) -> Result<ResponseValue<T>, crate::Error> {
//!     self.inner.call::<_, E>("users", "get_user", async move { <progenitor's body> }).await
//! }
//! ```
//!
//! `call` also gives the hooks a per-call context (clock, retry safety, typed failures). The
//! method's docs gain a line saying whether the runtime may send it again after an unknown
//! outcome, and why (see [`crate::emit::runtime_tables::retry_safety`]).

use crate::emit::runtime_tables::OperationRow;
use std::collections::BTreeMap;
use syn::{GenericArgument, PathArguments, ReturnType, Type};

/// Wraps the methods of every inherent `impl Client` of the API `module`; `operations` (by
/// Rust method name) gives each one's retry classification. Returns the methods wrapped
/// with that classification in words, or the first method whose return type is not
/// progenitor's `Result<ResponseValue<T>, Error<E>>`.
pub fn run_methods_as_calls(
    file: &mut syn::File,
    module: &str,
    operations: &BTreeMap<String, &OperationRow>,
) -> Result<Vec<(String, String)>, String> {
    let mut wrapped = Vec::new();
    for method in crate::passes::client_methods_mut(file) {
        if method.sig.asyncness.is_none() {
            continue; // `new`, `baseurl`, …
        }
        let name = method.sig.ident.to_string();
        let (ok, err) = result_types(&method.sig.output)
            .ok_or_else(|| format!("Client::{name}: does not return Result<ResponseValue<T>, Error<E>>"))?;
        let error = error_body_type(&err).ok_or_else(|| format!("Client::{name}: error type is not Error<E>"))?;
        let body = &method.block;
        method.block = syn::parse_quote!({
            self.inner.call::<_, #error>(#module, #name, async move #body).await
        });
        method.sig.output = syn::parse_quote!(-> Result<#ok, crate::Error>);
        let (safe, why) = match operations.get(&name) {
            Some(op) => crate::emit::runtime_tables::retry_safety(&op.method, &op.operation_id),
            None => (false, "not an operation of the document".into()),
        };
        let line = if safe {
            format!("\n\n**Retries:** safe to send again after an unknown outcome ({why}).")
        } else {
            format!(
                "\n\n**Retries:** sent again only when it was not processed ({why}); a timeout is \
                     `Error::OutcomeUnknown`. `CallOptions::retry_safety` overrides."
            )
        };
        method.attrs.push(syn::parse_quote!(#[doc = #line]));
        let safety = if safe { "safe" } else { "unsafe" };
        wrapped.push((name, format!("{safety} to send again: {why}")));
    }
    Ok(wrapped)
}

/// `(T, E)` of `-> Result<T, E>`.
fn result_types(output: &ReturnType) -> Option<(Type, Type)> {
    let ReturnType::Type(_, ty) = output else { return None };
    let [ok, err] = generic_args(ty, "Result")?;
    Some((ok, err))
}

/// `E` of `Error<E>`.
fn error_body_type(ty: &Type) -> Option<Type> {
    let [e] = generic_args(ty, "Error")?;
    Some(e)
}

/// The `N` type arguments of a path type whose last segment is `name`.
fn generic_args<const N: usize>(ty: &Type, name: &str) -> Option<[Type; N]> {
    let Type::Path(p) = ty else { return None };
    let last = p.path.segments.last()?;
    if last.ident != name {
        return None;
    }
    let PathArguments::AngleBracketed(args) = &last.arguments else {
        return None;
    };
    let types: Vec<Type> = args
        .args
        .iter()
        .filter_map(|a| match a {
            GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect();
    types.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(method: &str, id: &str) -> OperationRow {
        OperationRow {
            module: "air".into(),
            rust_name: crate::method_name(id),
            operation_id: id.into(),
            method: method.into(),
            path: "/v2/x".into(),
        }
    }

    #[test]
    fn bodies_run_as_calls_returning_the_crate_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub fn new(baseurl: &str) -> Self { todo!() }
                pub async fn air_search<'a>(&'a self, body: &'a types::AirSearchRequest)
                    -> Result<ResponseValue<types::AirSearchResponse>, Error<types::ErrorResponse>> {
                    let request = self.client.post(url).json(&body).build()?;
                    Err(Error::UnexpectedResponse(response))
                }
                pub async fn air_create_pnr<'a>(&'a self) -> Result<ResponseValue<()>, Error<()>> {
                    todo!()
                }
            }
        };
        let search = op("POST", "airSearch");
        let create = op("POST", "airCreatePnr");
        let ops = BTreeMap::from([
            ("air_search".to_string(), &search),
            ("air_create_pnr".to_string(), &create),
        ]);
        let wrapped = run_methods_as_calls(&mut file, "air", &ops).unwrap();
        let names: Vec<&str> = wrapped.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["air_search", "air_create_pnr"]);
        assert_eq!(wrapped[0].1, "safe to send again: reads: `search`");
        let code = prettyplease::unparse(&file);
        let compact: String = code.split_whitespace().collect();
        assert!(
            compact.contains("->Result<ResponseValue<types::AirSearchResponse>,crate::Error>"),
            "{code}"
        );
        assert!(
            compact.contains("self.inner.call::<_,types::ErrorResponse,>(\"air\",\"air_search\",asyncmove{letrequest"),
            "{code}"
        );
        assert!(
            code.contains("safe to send again after an unknown outcome (reads: `search`)"),
            "{code}"
        );
        assert!(
            code.contains("sent again only when it was not processed (`create`"),
            "{code}"
        );
        assert!(compact.contains("pubfnnew(baseurl:&str)->Self{todo!()}"), "{code}");
    }

    #[test]
    fn a_method_of_another_shape_is_an_error() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub async fn odd(&self) -> Option<u8> { None }
            }
        };
        let error = run_methods_as_calls(&mut file, "air", &BTreeMap::new()).unwrap_err();
        assert!(error.contains("Client::odd"), "{error}");
    }
}
