//! The typed form of a `multipart/form-data` operation: one field per part of the body schema.
//!
//! A `reqwest::multipart::Form` built by hand leaves every detail to the caller: part names,
//! which parts are required, which are JSON, which content type each needs. The struct
//! emitted here takes those from the document, the way progenitor's bodies do for JSON:
//!
//! - a file part (`format: binary`, or 3.1's `contentMediaType`) is a `crate::FilePart`
//!   (bytes, optional file name and content type);
//! - a component `$ref` to an object, array or union, and any inline object or array, is
//!   sent as JSON text: the component's generated type (inline: `serde_json::Value`);
//! - a string, number, boolean, or a component of one of those types (a string enum), is
//!   sent as its text (an enum as its serde value);
//! - the content type is the document's `encoding.<part>.contentType` (the first of a
//!   list), else `application/json` for JSON parts, none for text parts, and for files the
//!   `FilePart`'s own, else the document's, else `application/octet-stream`.
//!
//! The struct is `#[non_exhaustive]` with `new(required parts…)` and `with_<part>` setters
//! for the optional ones, so a part added in a later release does not break callers (the
//! same promise [`crate::passes::non_exhaustive`] makes for the data types). Its private `into_form` builds
//! the reqwest form through `crate::multipart` of the client crate; a part that does not
//! serialize is an error the method returns as `Error::InvalidRequest`, never a panic.

use super::{resolve, schema_type};
use crate::walk;
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// One generated form: its type name and its items (struct and impl).
pub struct Form {
    pub ident: Ident,
    pub tokens: TokenStream,
}

/// How a part goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Bytes from a `crate::FilePart`.
    File,
    /// The value's JSON serialization.
    Json,
    /// The value as it reads: a string, number, boolean or string enum.
    Text,
}

/// One part of the body schema, resolved.
struct Part {
    /// The name on the wire (the schema's property name).
    name: String,
    field: Ident,
    ty: TokenStream,
    kind: Kind,
    required: bool,
    /// The document's `encoding.<part>.contentType`, first of the list.
    content_type: Option<String>,
    description: Option<String>,
}

/// The form of operation `id` whose `multipart/form-data` media type object is `media`.
/// `method` is the Rust name of the operation's method, for the docs.
pub fn form(
    doc: &Value,
    id: &str,
    method: &Ident,
    media: &Value,
    shared: &BTreeMap<String, String>,
) -> Result<Form, String> {
    let ident = format_ident!("{}Form", id.to_upper_camel_case());
    let schema = resolve(doc, media.get("schema").unwrap_or(&Value::Null));
    let parts = parts(doc, id, &schema, media, shared)?;

    let fields = parts.iter().map(|p| {
        let Part { field, ty, .. } = p;
        let doc_text = field_doc(p);
        let ty = if p.required {
            quote! { #ty }
        } else {
            // Paths in full, as progenitor writes them: a component may be named `Option`.
            quote! { ::std::option::Option<#ty> }
        };
        quote! {
            #[doc = #doc_text]
            pub #field: #ty,
        }
    });
    let required: Vec<&Part> = parts.iter().filter(|p| p.required).collect();
    let new_params = required.iter().map(|p| {
        let Part { field, ty, .. } = p;
        quote! { #field: #ty }
    });
    let new_fields = parts.iter().map(|p| {
        let field = &p.field;
        if p.required {
            quote! { #field }
        } else {
            quote! { #field: None }
        }
    });
    let setters = parts.iter().filter(|p| !p.required).map(|p| {
        let Part { name, field, ty, .. } = p;
        let setter = format_ident!("with_{field}");
        let doc_text = format!("Sets the optional part `{name}`.");
        quote! {
            #[doc = #doc_text]
            pub fn #setter(mut self, value: #ty) -> Self {
                self.#field = Some(value);
                self
            }
        }
    });
    let appends = parts.iter().map(append);

    let struct_doc = struct_doc(id, method, &ident, &schema);
    let new_doc = if required.is_empty() {
        "An empty form: every part is optional.".to_string()
    } else {
        let names: Vec<String> = required.iter().map(|p| format!("`{}`", p.name)).collect();
        format!(
            "A form with the required parts ({}); the optional ones unset.",
            names.join(", ")
        )
    };
    let tokens = quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct #ident {
            #(#fields)*
        }

        #[allow(clippy::all)]
        impl #ident {
            #[doc = #new_doc]
            pub fn new(#(#new_params),*) -> Self {
                Self { #(#new_fields,)* }
            }

            #(#setters)*

            /// The request body: one part per field that is set, in the document's order.
            fn into_form(self) -> Result<::reqwest::multipart::Form, String> {
                let form = ::reqwest::multipart::Form::new();
                #(#appends)*
                Ok(form)
            }
        }
    };
    Ok(Form { ident, tokens })
}

/// The statement adding one part to `form` (if set, for an optional part).
fn append(p: &Part) -> TokenStream {
    let name = &p.name;
    let field = &p.field;
    let value = quote! { value };
    let part = match p.kind {
        Kind::File => {
            let content_type = p.content_type.as_deref().unwrap_or("application/octet-stream");
            quote! { crate::multipart::file(#name, #value, #content_type)? }
        }
        Kind::Json => {
            let content_type = p.content_type.as_deref().unwrap_or("application/json");
            quote! { crate::multipart::json(#name, &#value, #content_type)? }
        }
        Kind::Text => {
            let content_type = match &p.content_type {
                Some(c) => quote! { Some(#c) },
                None => quote! { None },
            };
            quote! { crate::multipart::text(#name, &#value, #content_type)? }
        }
    };
    if p.required {
        quote! {
            let value = self.#field;
            let form = form.part(#name, #part);
        }
    } else {
        quote! {
            let form = match self.#field {
                Some(value) => form.part(#name, #part),
                None => form,
            };
        }
    }
}

/// The parts of the body schema, in the document's order; `allOf` members contribute theirs.
fn parts(
    doc: &Value,
    id: &str,
    schema: &Value,
    media: &Value,
    shared: &BTreeMap<String, String>,
) -> Result<Vec<Part>, String> {
    let mut properties = Vec::new();
    let mut required = Vec::new();
    collect_properties(doc, schema, &mut properties, &mut required, 0);
    let mut out: Vec<Part> = Vec::new();
    for (name, property) in properties {
        let field = field_ident(&name).ok_or_else(|| format!("{id}: multipart part `{name}` has no Rust name"))?;
        if let Some(other) = out.iter().find(|p| p.field == field) {
            return Err(format!(
                "{id}: multipart parts `{}` and `{name}` have the same Rust name `{field}`",
                other.name
            ));
        }
        let (ty, kind) = part_type(doc, &property, shared);
        let target = walk::reference(&property).map(|r| resolve(doc, &json!({ "$ref": r })));
        let description = [Some(&property), target.as_ref()]
            .into_iter()
            .flatten()
            .find_map(|s| s.get("description").and_then(Value::as_str))
            .map(|d| d.trim().to_string());
        let content_type = media
            .pointer(&format!("/encoding/{}/contentType", walk::escape(&name)))
            .and_then(Value::as_str)
            .and_then(|c| c.split(',').next())
            .map(|c| c.trim().to_string())
            .filter(|c| !c.is_empty());
        out.push(Part {
            required: required.contains(&name),
            name,
            field,
            ty,
            kind,
            content_type,
            description,
        });
    }
    Ok(out)
}

/// Properties (name, schema) and required names of an object schema and its `allOf` members.
fn collect_properties(
    doc: &Value,
    schema: &Value,
    properties: &mut Vec<(String, Value)>,
    required: &mut Vec<String>,
    depth: usize,
) {
    if depth > 16 {
        return; // a cyclic allOf; nothing sensible to send
    }
    for member in schema.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        collect_properties(doc, &resolve(doc, member), properties, required, depth + 1);
    }
    for (name, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        match properties.iter_mut().find(|(n, _)| n == name) {
            Some(existing) => existing.1 = property.clone(),
            None => properties.push((name.clone(), property.clone())),
        }
    }
    required.extend(
        schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string),
    );
}

fn is_binary(schema: &Value) -> bool {
    schema.get("format").and_then(Value::as_str) == Some("binary")
        || schema.get("contentMediaType").is_some()
        || schema.get(crate::transform::CONTENT_MEDIA_TYPE).is_some()
}

/// The Rust type of a part and how it is sent.
fn part_type(doc: &Value, property: &Value, shared: &BTreeMap<String, String>) -> (TokenStream, Kind) {
    let file = quote! { crate::FilePart };
    if is_binary(property) {
        return (file, Kind::File);
    }
    if let Some(reference) = walk::reference(property) {
        let target = resolve(doc, &json!({ "$ref": reference }));
        if is_binary(&target) {
            return (file, Kind::File);
        }
        let kind = match target.get("type").and_then(Value::as_str) {
            Some("string" | "integer" | "number" | "boolean") => Kind::Text,
            _ => Kind::Json,
        };
        return (schema_type(&json!({ "$ref": reference }), shared), kind);
    }
    match property.get("type").and_then(Value::as_str) {
        Some("string") => (quote! { ::std::string::String }, Kind::Text),
        Some("integer") => (quote! { i64 }, Kind::Text),
        Some("number") => (quote! { f64 }, Kind::Text),
        Some("boolean") => (quote! { bool }, Kind::Text),
        _ => (quote! { ::serde_json::Value }, Kind::Json),
    }
}

/// The field name of a part: snake case, with `_` appended to a Rust keyword (as typify and
/// progenitor do).
fn field_ident(name: &str) -> Option<Ident> {
    let snake = name.to_snake_case();
    if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    syn::parse_str::<Ident>(&snake)
        .or_else(|_| syn::parse_str::<Ident>(&format!("{snake}_")))
        .ok()
}

fn field_doc(p: &Part) -> String {
    let mut text = p.description.clone().map(|d| format!("{d}\n\n")).unwrap_or_default();
    let name = &p.name;
    text.push_str(&match (p.kind, &p.content_type) {
        (Kind::File, Some(c)) => format!("Part `{name}`: file bytes, content type the file's own, else `{c}`."),
        (Kind::File, None) => {
            format!("Part `{name}`: file bytes, content type the file's own, else `application/octet-stream`.")
        }
        (Kind::Json, c) => format!(
            "Part `{name}`: sent as JSON, content type `{}`.",
            c.as_deref().unwrap_or("application/json")
        ),
        (Kind::Text, Some(c)) => format!("Part `{name}`: sent as text, content type `{c}`."),
        (Kind::Text, None) => format!("Part `{name}`: sent as text."),
    });
    text
}

fn struct_doc(id: &str, method: &Ident, ident: &Ident, schema: &Value) -> String {
    let mut text = format!("The `multipart/form-data` body of [`Client::{method}`] (`{id}`): one field per part.\n\n");
    if let Some(d) = schema.get("description").and_then(Value::as_str) {
        text.push_str(d.trim());
        text.push_str("\n\n");
    }
    text.push_str(&format!(
        "Build it with [`{ident}::new`] (the required parts) and the `with_…` setters (the optional \
         ones). It is `#[non_exhaustive]`, so a part a later release adds does not break your build."
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        json!({"components": {"schemas": {
            "Kind": {"type": "string", "enum": ["A", "B"]},
            "Meta": {"type": "object", "description": "Metadata.", "properties": {"x": {"type": "string"}}},
            "Blob": {"type": "string", "contentMediaType": "image/png"}
        }}})
    }

    #[test]
    fn parts_are_typed_by_their_schema() {
        let doc = doc();
        let shared = BTreeMap::from([("Meta".to_string(), "crate::common::Meta".to_string())]);
        let case = |property: Value| {
            let (ty, kind) = part_type(&doc, &property, &shared);
            (ty.to_string(), kind)
        };
        assert_eq!(
            case(json!({"type": "string", "format": "binary"})),
            ("crate :: FilePart".into(), Kind::File)
        );
        assert_eq!(
            case(json!({"type": "string", "contentMediaType": "application/pdf"})).1,
            Kind::File
        );
        assert_eq!(case(json!({"$ref": "#/components/schemas/Blob"})).1, Kind::File);
        assert_eq!(
            case(json!({"$ref": "#/components/schemas/Kind"})),
            ("types :: Kind".into(), Kind::Text)
        );
        assert_eq!(
            case(json!({"allOf": [{"$ref": "#/components/schemas/Meta"}], "x-optionalFrom": "2026-01-14"})),
            ("crate :: common :: Meta".into(), Kind::Json)
        );
        assert_eq!(
            case(json!({"type": "string", "enum": ["X"]})),
            (":: std :: string :: String".into(), Kind::Text)
        );
        assert_eq!(case(json!({"type": "integer"})), ("i64".into(), Kind::Text));
        assert_eq!(
            case(json!({"type": "object"})),
            (":: serde_json :: Value".into(), Kind::Json)
        );
        assert_eq!(
            case(json!({"type": "array", "items": {"type": "string"}})).1,
            Kind::Json
        );
    }

    #[test]
    fn field_names_are_snake_case_and_never_keywords() {
        assert_eq!(field_ident("documentMetadataStr").unwrap(), "document_metadata_str");
        assert_eq!(field_ident("type").unwrap(), "type_");
        assert!(field_ident("1st").is_none());
    }

    #[test]
    fn content_types_come_from_the_encoding_and_descriptions_from_the_component() {
        let doc = doc();
        let schema = json!({"required": ["meta"], "allOf": [{"properties": {"count": {"type": "integer"}}}], "properties": {
            "meta": {"$ref": "#/components/schemas/Meta"},
            "notes": {"type": "string", "description": " Free text. "}
        }});
        let media = json!({"encoding": {"meta": {"contentType": "application/vnd.meta+json, application/json"}}});
        let parts = parts(&doc, "op", &schema, &media, &BTreeMap::new()).unwrap();
        let summary: Vec<_> = parts
            .iter()
            .map(|p| {
                (
                    p.name.as_str(),
                    p.required,
                    p.content_type.as_deref(),
                    p.description.as_deref(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("count", false, None, None),
                ("meta", true, Some("application/vnd.meta+json"), Some("Metadata.")),
                ("notes", false, None, Some("Free text.")),
            ]
        );
    }

    #[test]
    fn parts_with_the_same_rust_name_are_an_error() {
        let schema = json!({"properties": {"fooBar": {"type": "string"}, "foo_bar": {"type": "string"}}});
        let err = parts(&doc(), "op", &schema, &json!({}), &BTreeMap::new())
            .err()
            .unwrap();
        assert!(err.contains("`fooBar` and `foo_bar`"), "{err}");
    }
}
