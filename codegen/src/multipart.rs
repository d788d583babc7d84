//! Methods for `multipart/form-data` operations.
//!
//! progenitor 0.15 has no multipart support (it rejects the media type), so
//! [`crate::transform::extract_multipart_operations`] takes these operations out of its
//! input and this module emits their methods on the same `Client`, in progenitor's shape:
//! same hooks (`pre`/`exec`/`post`), same `ResponseValue`/`Error` types, typed success and
//! error bodies. The form itself is a `reqwest::multipart::Form` the caller builds; the
//! method's doc lists the parts the document defines, with their types and content types.

use crate::transform::MultipartOperation;
use crate::walk;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeMap;

/// The `impl Client` block holding one method per multipart operation (empty if none).
/// `shared` maps the components taken from the common module to their Rust paths.
pub fn methods(
    doc: &Value,
    ops: &[MultipartOperation],
    shared: &BTreeMap<String, String>,
) -> Result<TokenStream, String> {
    if ops.is_empty() {
        return Ok(TokenStream::new());
    }
    let methods = ops
        .iter()
        .map(|op| method(doc, op, shared))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(quote! {
        #[allow(clippy::all)]
        impl Client {
            #(#methods)*
        }
    })
}

fn resolve(doc: &Value, v: &Value) -> Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => walk::resolve(doc, r).cloned().unwrap_or(Value::Null),
        None => v.clone(),
    }
}

/// The Rust type of a JSON response schema: the component's type, or raw JSON if inline.
fn schema_type(schema: &Value, shared: &BTreeMap<String, String>) -> TokenStream {
    match schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
    {
        Some(name) if shared.contains_key(name) => shared[name].parse().expect("a Rust path"),
        Some(name) => {
            let ident = format_ident!("{}", name.to_upper_camel_case());
            quote! { types::#ident }
        }
        None => quote! { ::serde_json::Value },
    }
}

fn json_schema_of(response: &Value) -> Option<&Value> {
    response
        .get("content")?
        .as_object()?
        .iter()
        .find(|(k, _)| k.starts_with("application/json"))?
        .1
        .get("schema")
}

fn method(doc: &Value, op: &MultipartOperation, shared: &BTreeMap<String, String>) -> Result<TokenStream, String> {
    let id = op.operation.get("operationId").and_then(Value::as_str).ok_or_else(|| {
        format!(
            "{} {}: a multipart operation without operationId",
            op.method.to_uppercase(),
            op.path
        )
    })?;
    let name = format_ident!("{}", id.to_snake_case());

    let mut params = Vec::new();
    let mut path_args = Vec::new();
    let mut query = Vec::new();
    let declared = op.path_parameters.iter().chain(
        op.operation
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten(),
    );
    for p in declared {
        let p = resolve(doc, p);
        let pname = p.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
        let ident = format_ident!("{}", pname.to_snake_case());
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        match p.get("in").and_then(Value::as_str) {
            Some("path") => {
                params.push(quote! { #ident: &'a str });
                path_args.push((pname, ident));
            }
            Some("query") if required => {
                params.push(quote! { #ident: &'a str });
                query.push(quote! { .query(&[(#pname, #ident)]) });
            }
            Some("query") => {
                params.push(quote! { #ident: Option<&'a str> });
                query.push(quote! { .query(&#ident.map(|v| [(#pname, v)]).unwrap_or_default()) });
            }
            other => {
                return Err(format!(
                    "{id}: parameter {pname} in {other:?} is not supported for multipart operations"
                ));
            }
        }
    }

    // "/v2/companies/{companyId}/x" → format!("{}/v2/companies/{}/x", baseurl, encode_path(..))
    let mut template = String::from("{}");
    let mut args = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| format!("{id}: unbalanced path {}", op.path))?;
        template.push_str(&rest[..start]);
        template.push_str("{}");
        let pname = &rest[start + 1..end];
        let (_, ident) = path_args
            .iter()
            .find(|(n, _)| n == pname)
            .ok_or_else(|| format!("{id}: path parameter {pname} is not declared"))?;
        args.push(quote! { encode_path(&#ident.to_string()) });
        rest = &rest[end + 1..];
    }
    template.push_str(rest);

    let responses = op
        .operation
        .get("responses")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut success_type = quote! { () };
    let mut error_type = quote! { () };
    let mut arms = Vec::new();
    let mut have_success = false;
    let mut have_error = false;
    for (status, response) in &responses {
        let Ok(code) = status.parse::<u16>() else { continue };
        let response = resolve(doc, response);
        let schema = json_schema_of(&response);
        if (200..300).contains(&code) && !have_success {
            have_success = true;
            match schema {
                Some(s) => {
                    success_type = schema_type(s, shared);
                    arms.push(quote! { #code => ResponseValue::from_response(response).await, });
                }
                None => arms.push(quote! { #code => Ok(ResponseValue::empty(response)), }),
            }
        } else if code >= 400
            && let Some(s) = schema
        {
            let t = schema_type(s, shared);
            if have_error && t.to_string() != error_type.to_string() {
                continue; // a second error type: left to UnexpectedResponse, as in progenitor's input
            }
            have_error = true;
            error_type = t;
            arms.push(quote! { #code => Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)), });
        }
    }

    let method_const = format_ident!("{}", op.method.to_lowercase());
    let doc_text = doc_comment(doc, id, op);
    let op_id = id.to_snake_case();
    Ok(quote! {
        #[doc = #doc_text]
        pub async fn #name<'a>(
            &'a self,
            #(#params,)*
            form: ::reqwest::multipart::Form,
        ) -> Result<ResponseValue<#success_type>, Error<#error_type>> {
            let url = format!(#template, self.baseurl, #(#args,)*);
            #[allow(unused_mut)]
            let mut request = self
                .client
                .#method_const(url)
                .header(
                    ::reqwest::header::ACCEPT,
                    ::reqwest::header::HeaderValue::from_static("application/json"),
                )
                #(#query)*
                .multipart(form)
                .build()?;
            let info = OperationInfo { operation_id: #op_id };
            self.pre(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post(&result, &info).await?;
            let response = result?;
            match response.status().as_u16() {
                #(#arms)*
                _ => Err(Error::UnexpectedResponse(response)),
            }
        }
    })
}

fn doc_comment(doc: &Value, id: &str, op: &MultipartOperation) -> String {
    let mut text = String::new();
    for key in ["summary", "description"] {
        if let Some(s) = op.operation.get(key).and_then(Value::as_str) {
            text.push_str(s.trim());
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!(
        "Sends `{} {}` (`{id}`) as `multipart/form-data`.",
        op.method.to_uppercase(),
        op.path
    ));
    let body = resolve(doc, op.operation.get("requestBody").unwrap_or(&Value::Null));
    let Some(media) = body.pointer("/content/multipart~1form-data") else {
        return text;
    };
    let schema = resolve(doc, media.get("schema").unwrap_or(&Value::Null));
    let required: Vec<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        text.push_str(" The form's parts:\n");
        for (part, part_schema) in props {
            let part_schema = resolve(doc, part_schema);
            let kind = match (
                part_schema.get("type").and_then(Value::as_str),
                part_schema.get("format").and_then(Value::as_str),
            ) {
                (Some("string"), Some("binary")) => "file bytes".to_string(),
                (Some(t), _) => t.to_string(),
                (None, _) => "JSON object".to_string(),
            };
            let content_type = media
                .pointer(&format!("/encoding/{}/contentType", walk::escape(part)))
                .and_then(Value::as_str)
                .map(|c| format!(", content type `{c}`"))
                .unwrap_or_default();
            let req = if required.contains(&part.as_str()) {
                "required"
            } else {
                "optional"
            };
            text.push_str(&format!("- `{part}` ({req}): {kind}{content_type}\n"));
        }
    }
    text
}
