//! Methods for `multipart/form-data` operations.
//!
//! progenitor 0.15 has no multipart support (it rejects the media type), so
//! [`crate::transform::extract_multipart_operations`] takes these operations out of its
//! input and this module emits their methods on the same `Client`, in progenitor's shape:
//! same hooks (`pre`/`exec`/`post`), same `ResponseValue`/`Error` types, typed success and
//! error bodies. The body is a typed form struct next to the method ([`form`]: one field
//! per part, `UploadDocumentForm` for `uploadDocument`), turned into the request's
//! `reqwest::multipart::Form` by the method.

mod form;

use crate::transform::MultipartOperation;
use crate::walk;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeMap;

/// The form struct of each multipart operation and the `impl Client` block holding their
/// methods (empty if none). `shared` maps the components taken from the common module to
/// their Rust paths.
pub fn items(
    doc: &Value,
    ops: &[MultipartOperation],
    shared: &BTreeMap<String, String>,
) -> Result<TokenStream, String> {
    if ops.is_empty() {
        return Ok(TokenStream::new());
    }
    let mut forms = Vec::new();
    let mut methods = Vec::new();
    for op in ops {
        let (form, method) = method(doc, op, shared)?;
        forms.push(form);
        methods.push(method);
    }
    Ok(quote! {
        #(#forms)*

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

/// The form struct of one operation and its method.
fn method(
    doc: &Value,
    op: &MultipartOperation,
    shared: &BTreeMap<String, String>,
) -> Result<(TokenStream, TokenStream), String> {
    let id = op.operation.get("operationId").and_then(Value::as_str).ok_or_else(|| {
        format!(
            "{} {}: a multipart operation without operationId",
            op.method.to_uppercase(),
            op.path
        )
    })?;
    let name = format_ident!("{}", id.to_snake_case());
    let body = resolve(doc, op.operation.get("requestBody").unwrap_or(&Value::Null));
    let media = body
        .get("content")
        .and_then(Value::as_object)
        .and_then(|c| c.iter().find(|(k, _)| k.starts_with("multipart/form-data")))
        .map(|(_, media)| media)
        .ok_or_else(|| format!("{id}: no multipart/form-data request body"))?;
    let form::Form {
        ident: form_type,
        tokens: form_items,
    } = form::form(doc, id, &name, media, shared)?;

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
                params.push(quote! { #ident: ::std::option::Option<&'a str> });
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
    let doc_text = doc_comment(id, op, &form_type);
    let op_id = id.to_snake_case();
    let method = quote! {
        #[doc = #doc_text]
        pub async fn #name<'a>(
            &'a self,
            #(#params,)*
            form: #form_type,
        ) -> Result<ResponseValue<#success_type>, Error<#error_type>> {
            let url = format!(#template, self.baseurl, #(#args,)*);
            let form = form.into_form().map_err(Error::InvalidRequest)?;
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
    };
    Ok((form_items, method))
}

fn doc_comment(id: &str, op: &MultipartOperation, form_type: &proc_macro2::Ident) -> String {
    let mut text = String::new();
    for key in ["summary", "description"] {
        if let Some(s) = op.operation.get(key).and_then(Value::as_str) {
            text.push_str(s.trim());
            text.push_str("\n\n");
        }
    }
    text.push_str(&format!(
        "Sends `{} {}` (`{id}`) as `multipart/form-data`: one part per field of `form` \
         ([`{form_type}`]) that is set, with the content types the document gives.",
        op.method.to_uppercase(),
        op.path
    ));
    text
}

#[cfg(test)]
mod tests {
    use crate::passes::squash;
    use serde_json::json;

    /// A 3.1 document with one multipart operation: a file, a component sent as JSON (its
    /// `$ref` with a sibling, as Spotnana writes them) and a string, plus a path parameter.
    fn document() -> Vec<u8> {
        serde_json::to_vec(&json!({
            "openapi": "3.1.0",
            "info": {"title": "Things", "version": "v2"},
            "paths": {"/v2/things/{thingId}/files": {"post": {
                "operationId": "uploadThing",
                "summary": "Upload a thing",
                "parameters": [{"name": "thingId", "in": "path", "required": true, "schema": {"type": "string"}}],
                "requestBody": {"content": {"multipart/form-data": {
                    "schema": {"$ref": "#/components/schemas/UploadThingRequest"},
                    "encoding": {"file": {"contentType": "application/pdf, application/octet-stream"}}
                }}},
                "responses": {
                    "200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                    "400": {"description": "bad", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
                }
            }}},
            "components": {"schemas": {
                "UploadThingRequest": {"type": "object", "required": ["file"], "properties": {
                    "file": {"type": "string", "contentMediaType": "application/pdf", "description": "The document."},
                    "meta": {"$ref": "#/components/schemas/Thing", "x-optionalFrom": "2026-01-14"},
                    "note": {"type": ["string", "null"]}
                }},
                "Thing": {"type": "object", "description": "A thing.", "required": ["name"], "properties": {"name": {"type": "string"}}},
                "Problem": {"type": "object", "properties": {"message": {"type": "string"}}}
            }}
        }))
        .unwrap()
    }

    #[test]
    fn the_form_is_a_struct_with_one_typed_field_per_part() {
        let code = squash(&crate::generate("things", &document()).unwrap().code);
        for expected in [
            "#[derive(Debug, Clone)] #[non_exhaustive]",
            "pub struct UploadThingForm {",
            "pub file: crate::FilePart,",
            "pub meta: ::std::option::Option<types::Thing>,",
            "pub note: ::std::option::Option<::std::string::String>,",
            "pub fn new(file: crate::FilePart) -> Self { Self { file, meta: None, note: None, } }",
            "pub fn with_meta(mut self, value: types::Thing) -> Self {",
            "pub fn with_note(mut self, value: ::std::string::String) -> Self {",
            "fn into_form(self) -> Result<::reqwest::multipart::Form, String> {",
            r#"crate::multipart::file("file", value, "application/pdf")?"#,
            r#"crate::multipart::json("meta", &value, "application/json")?"#,
            r#"crate::multipart::text("note", &value, None)?"#,
            "/**The document. Part `file`: file bytes, content type the file's own, else `application/pdf`.*/",
            "/**A thing. Part `meta`: sent as JSON, content type `application/json`.*/",
            "///Part `note`: sent as text.",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
        }
    }

    #[test]
    fn the_method_takes_the_form_and_reports_its_failures_as_invalid_requests() {
        let code = squash(&crate::generate("things", &document()).unwrap().code);
        for expected in [
            "pub async fn upload_thing<'a>( &'a self, thing_id: &'a str, form: UploadThingForm, ) \
             -> Result<ResponseValue<types::Thing>, crate::Error> {",
            "let form = form.into_form().map_err(Error::InvalidRequest)?;",
            ".multipart(form)",
            "Sends `POST /v2/things/{thingId}/files` (`uploadThing`) as `multipart/form-data`: one part per \
             field of `form` ([`UploadThingForm`]) that is set",
        ] {
            assert!(code.contains(expected), "missing `{expected}` in:\n{code}");
        }
    }
}
