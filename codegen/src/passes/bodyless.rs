//! Body-less statuses documented beside typed ones: answered, not left to
//! `UnexpectedResponse`.
//!
//! progenitor gives each response class (success, error) one type, so
//! [`crate::transform::one_body_type_per_response_class`] removes a body-less status from a
//! class that also has bodies (`200` with a body beside `204`, `401` with the error body
//! beside a bare `409`) and lists it under [`BODYLESS`] on the operation. This pass gives
//! those statuses back to the generated method:
//!
//! - success: the method returns `ResponseValue<Option<T>>`, `Some` for the statuses with a
//!   body, `None` for the body-less one;
//! - error: the error type becomes `Option<E>`, and the body-less status is
//!   `Error::ErrorResponse` with `None`, its status and headers, like any documented error.
//!
//! So every status the document lists is answered as documented, and nothing the server
//! sends on a documented success is an error.

use crate::transform::BODYLESS;
use quote::quote;
use serde_json::Value;
use std::collections::BTreeMap;
use syn::visit_mut::VisitMut;
use syn::{GenericArgument, PathArguments, Type};

/// Per Rust method name, the body-less statuses and their class (`success` or `error`).
pub type BodylessPlan = BTreeMap<String, Vec<(u16, String)>>;

/// Reads [`BODYLESS`] off the operations of a fixed-up document.
pub fn plan(doc: &Value) -> BodylessPlan {
    let mut plan = BodylessPlan::new();
    let paths = doc.get("paths").and_then(Value::as_object).into_iter().flatten();
    for op in paths.flat_map(|(_, item)| crate::walk::METHODS.iter().filter_map(|m| item.get(*m))) {
        let (Some(id), Some(Value::Object(statuses))) =
            (op.get("operationId").and_then(Value::as_str), op.get(BODYLESS))
        else {
            continue;
        };
        let list = statuses
            .iter()
            .filter_map(|(status, class)| Some((status.parse().ok()?, class.as_str()?.to_string())))
            .collect();
        plan.insert(crate::method_name(id), list);
    }
    plan
}

/// What [`answer_bodyless_statuses`] did: the (method, status) pairs answered, and the
/// methods it could not rewrite (method, why).
pub type Answered = (Vec<(String, u16)>, Vec<(String, String)>);

/// Rewrites the methods of `Client` named in `plan`.
pub fn answer_bodyless_statuses(file: &mut syn::File, plan: &BodylessPlan) -> Answered {
    let mut done = Vec::new();
    let mut failed = Vec::new();
    let mut seen = Vec::new();
    for f in crate::passes::client_methods_mut(file) {
        let name = f.sig.ident.to_string();
        let Some(statuses) = plan.get(&name) else { continue };
        seen.push(name.clone());
        match rewrite(f, statuses) {
            Ok(()) => done.extend(statuses.iter().map(|(s, _)| (name.clone(), *s))),
            Err(why) => failed.push((name, why)),
        }
    }
    for name in plan.keys().filter(|n| !seen.contains(n)) {
        failed.push((name.clone(), "no generated method of that name".into()));
    }
    (done, failed)
}

fn rewrite(f: &mut syn::ImplItemFn, statuses: &[(u16, String)]) -> Result<(), String> {
    let success = statuses.iter().any(|(_, c)| c == "success");
    let error = statuses.iter().any(|(_, c)| c == "error");
    let syn::ReturnType::Type(_, output) = &mut f.sig.output else {
        return Err("the method returns nothing".into());
    };
    let [ok, err] = result_args(output)?;
    let value_type = if success {
        let inner = &mut single_arg(ok, "ResponseValue")?;
        let old = inner.clone();
        **inner = syn::parse_quote!(::std::option::Option<#old>);
        Some(old)
    } else {
        None
    };
    if error {
        let inner = single_arg(err, "Error")?;
        let old = inner.clone();
        *inner = syn::parse_quote!(::std::option::Option<#old>);
    }
    let mut arms = Arms {
        value_type,
        statuses,
        found: false,
    };
    arms.visit_block_mut(&mut f.block);
    if !arms.found {
        return Err("no `match` on the response status".into());
    }
    let note = statuses
        .iter()
        .map(|(status, class)| match class.as_str() {
            "success" => format!("A `{status}` response (no body) is `Ok` with `None`."),
            _ => format!("A `{status}` response (no body) is `Error::ErrorResponse` with `None`."),
        })
        .collect::<Vec<_>>()
        .join(" ");
    f.attrs.push(syn::parse_quote!(#[doc = #note]));
    Ok(())
}

/// `Result<A, B>` → `[&mut A, &mut B]`.
fn result_args(ty: &mut Type) -> Result<[&mut Type; 2], String> {
    let Type::Path(p) = ty else {
        return Err("the return type is not a Result".into());
    };
    let Some(last) = p.path.segments.last_mut().filter(|s| s.ident == "Result") else {
        return Err("the return type is not a Result".into());
    };
    let PathArguments::AngleBracketed(args) = &mut last.arguments else {
        return Err("Result without arguments".into());
    };
    let mut types = args.args.iter_mut().filter_map(|a| match a {
        GenericArgument::Type(t) => Some(t),
        _ => None,
    });
    match (types.next(), types.next()) {
        (Some(a), Some(b)) => Ok([a, b]),
        _ => Err("Result without two type arguments".into()),
    }
}

/// `Name<T>` → `&mut T`.
fn single_arg<'a>(ty: &'a mut Type, name: &str) -> Result<&'a mut Type, String> {
    let found = match ty {
        Type::Path(p) => p.path.segments.last_mut().filter(|s| s.ident == name),
        _ => None,
    };
    let Some(segment) = found else {
        return Err(format!("expected {name}<…>"));
    };
    match &mut segment.arguments {
        PathArguments::AngleBracketed(args) => args
            .args
            .iter_mut()
            .find_map(|a| match a {
                GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .ok_or_else(|| format!("{name} without a type argument")),
        _ => Err(format!("{name} without a type argument")),
    }
}

/// Rewrites the `match response.status().as_u16() { … }` of one method.
struct Arms<'a> {
    /// The success body type, when the success class gained a body-less status.
    value_type: Option<Type>,
    statuses: &'a [(u16, String)],
    found: bool,
}

fn arm_status(arm: &syn::Arm) -> Option<u16> {
    match &arm.pat {
        syn::Pat::Lit(syn::PatLit {
            lit: syn::Lit::Int(i), ..
        }) => i.base10_parse().ok(),
        _ => None,
    }
}

impl VisitMut for Arms<'_> {
    fn visit_expr_match_mut(&mut self, m: &mut syn::ExprMatch) {
        let on_status = matches!(&*m.expr, syn::Expr::MethodCall(c) if c.method == "as_u16");
        if !on_status {
            return syn::visit_mut::visit_expr_match_mut(self, m);
        }
        self.found = true;
        if let Some(ty) = &self.value_type {
            // The statuses with a body: their value, wrapped in `Some`.
            for arm in &mut m.arms {
                if arm_status(arm).is_some_and(|s| (100..300).contains(&s)) {
                    let body = &arm.body;
                    *arm.body = syn::parse_quote!({
                        let value: ResponseValue<#ty> = #body?;
                        value.map(::std::option::Option::Some)
                    });
                }
            }
        }
        // First: a range arm progenitor writes (`400u16..=499u16`) must not shadow them.
        let added: Vec<syn::Arm> = self
            .statuses
            .iter()
            .map(|(status, class)| {
                let lit = syn::LitInt::new(&format!("{status}u16"), proc_macro2::Span::call_site());
                let none = quote! {
                    ResponseValue::new(::std::option::Option::None, response.status(), response.headers().clone())
                };
                match class.as_str() {
                    "success" => syn::parse_quote!(#lit => Ok(#none),),
                    _ => syn::parse_quote!(#lit => Err(Error::ErrorResponse(#none)),),
                }
            })
            .collect();
        m.arms.splice(0..0, added);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodyless_statuses_are_answered() {
        let mut file: syn::File = syn::parse_quote! {
            impl Client {
                pub async fn fetch_rules<'a>(&'a self) -> Result<ResponseValue<types::Rules>, Error<types::ErrorResponse>> {
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => ResponseValue::from_response(response).await,
                        401u16 => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)),
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                }
                pub async fn other(&self) -> Result<ResponseValue<()>, Error<()>> {
                    todo!()
                }
            }
        };
        let plan = BodylessPlan::from([(
            "fetch_rules".to_string(),
            vec![(204, "success".to_string()), (409, "error".to_string())],
        )]);
        let (done, failed) = answer_bodyless_statuses(&mut file, &plan);
        assert_eq!(
            done,
            [("fetch_rules".to_string(), 204), ("fetch_rules".to_string(), 409)]
        );
        assert!(failed.is_empty(), "{failed:?}");
        let code = prettyplease::unparse(&file);
        let squashed: String = code.split_whitespace().collect();
        for want in [
            "Result<ResponseValue<::std::option::Option<types::Rules>>,Error<::std::option::Option<types::ErrorResponse>>,>",
            "200u16=>{letvalue:ResponseValue<types::Rules>=ResponseValue::from_response(response,).await?;value.map(::std::option::Option::Some)}",
            "204u16=>{Ok(ResponseValue::new(::std::option::Option::None,response.status(),response.headers().clone(),),)}",
            "409u16=>{Err(Error::ErrorResponse(ResponseValue::new(::std::option::Option::None,response.status(),response.headers().clone(),),),)}200u16=>",
            "_=>Err(Error::UnexpectedResponse(response)),",
        ] {
            assert!(squashed.contains(want), "missing {want}:\n{code}");
        }
        assert!(
            code.contains("pub async fn other(&self) -> Result<ResponseValue<()>, Error<()>>"),
            "{code}"
        );

        let missing = BodylessPlan::from([("gone".to_string(), vec![(204, "success".to_string())])]);
        let (_, failed) = answer_bodyless_statuses(&mut file, &missing);
        assert_eq!(
            failed,
            [("gone".to_string(), "no generated method of that name".to_string())]
        );
    }
}
