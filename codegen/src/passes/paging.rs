//! Paged operations, found by their shapes, each given a `<method>_items` stream.
//!
//! Spotnana pages most of its lists by offset. An operation is paged when its request carries
//! an integer `offset` and `limit` (query parameters; or properties of the request body, at its
//! root or in one of its object properties such as `paginationParams`), or a page number and
//! size in the query (`pageNumber`/`pageSize`, numbered from the number parameter's `minimum`
//! or `default`), and its success response has exactly one array of component objects (the
//! items). The total, when the
//! response has one, is a top-level integer property named `total…`, or a `total…` integer
//! inside one of its object properties (`paginationParams.totalNumResults`). Nothing here
//! knows an operation by name: a paged operation Spotnana adds is found the same way.
//!
//! The emitted method takes the arguments of the operation's method (the optional parameters
//! struct, or the body by value) and returns the runtime's `crate::paging::Paged` over the
//! item type; offset, limit, items and total are reached by the JSON pointers found here.

use crate::walk::escape;
use quote::{format_ident, quote};
use serde_json::Value;
use std::collections::BTreeMap;
use syn::{FnArg, Pat, Type};

/// Where a paged operation's request keeps its window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Window {
    /// `offset` and `limit` query parameters.
    Query,
    /// `offset` and `limit` in the request body, in the object at this JSON pointer (empty:
    /// the body itself).
    Body(String),
    /// A page number and a page size in the query: the parameters' names, and the number of
    /// the first page (the number parameter's `minimum`, else its `default`).
    QueryPage { number: String, size: String, first: u64 },
    /// A page-token request in the request body, in the object at this JSON pointer: the
    /// token's property, and (property, value) of the tag that makes the object a token
    /// request when it is a union of a page-size and a page-token member.
    BodyToken {
        at: String,
        token: String,
        tag: Option<(String, String)>,
    },
}

/// Names of the string property a page-token request carries its token in.
const TOKENS: &[&str] = &["pageToken", "nextPageToken", "continuationToken", "cursor"];

/// Names of the string property of a response holding the next page's token.
const NEXT_TOKENS: &[&str] = &["nextPageToken", "nextToken", "nextCursor"];

/// Names of the query parameters of a page-number window: (number, size).
const PAGE_NUMBERS: &[(&str, &str)] = &[("pageNumber", "pageSize"), ("page", "pageSize"), ("page", "perPage")];

/// Names of an integer property that counts every item of a paged list.
const TOTALS: &[&str] = &[
    "totalNumResults",
    "totalCount",
    "totalResults",
    "totalItems",
    "totalRecords",
    "total",
];

/// One paged operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged {
    pub operation_id: String,
    pub window: Window,
    /// JSON pointer of the items array in the response.
    pub items: String,
    /// The component the items are (its Rust type is `types::<name>`).
    pub item_component: String,
    /// JSON pointer of the total in the response, when it has one.
    pub total: Option<String>,
    /// JSON pointer of the next page's token in the response (token windows).
    pub next: Option<String>,
}

/// The paged operations of a document by Rust method name, and the operations with a
/// window that are not paged, with why (for the report).
#[derive(Debug, Clone, Default)]
pub struct PagingPlan {
    pub paged: BTreeMap<String, Paged>,
    pub not_paged: Vec<(String, String)>,
}

/// Finds the paged operations of a fixed-up document.
pub fn plan(doc: &Value) -> PagingPlan {
    let mut plan = PagingPlan::default();
    for operation in crate::operations(doc) {
        let Some(id) = operation.operation_id() else { continue };
        let (item, op) = (operation.path_item, operation.op);
        let Some(window) = window(doc, item, op) else { continue };
        let found = window.and_then(|window| {
            let (items, item_component, total) = response_items(doc, op)?;
            let next = match &window {
                Window::BodyToken { .. } => {
                    Some(next_token(doc, op).ok_or("a page-token request, but no next page token in the response")?)
                }
                _ => None,
            };
            Ok((window, items, item_component, total, next))
        });
        match found {
            Ok((window, items, item_component, total, next)) => {
                plan.paged.insert(
                    crate::method_name(id),
                    Paged {
                        operation_id: id.to_string(),
                        window,
                        items,
                        item_component,
                        total,
                        next,
                    },
                );
            }
            Err(why) => plan.not_paged.push((operation.pointer(), why)),
        }
    }
    plan
}

/// A schema with `$ref`s (and single-member `allOf`s, what the fix-ups make of a `$ref` with
/// siblings) followed.
fn resolve<'a>(doc: &'a Value, mut schema: &'a Value) -> &'a Value {
    for _ in 0..16 {
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            match reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                Some(target) => schema = target,
                None => return schema,
            }
        } else if let Some([only]) = schema.get("allOf").and_then(Value::as_array).map(Vec::as_slice) {
            schema = only;
        } else {
            return schema;
        }
    }
    schema
}

fn is_integer(doc: &Value, schema: &Value) -> bool {
    resolve(doc, schema).get("type").and_then(Value::as_str) == Some("integer")
}

/// Whether an object schema has integer `offset` and `limit` properties.
fn has_window(doc: &Value, schema: &Value) -> bool {
    let props = resolve(doc, schema).get("properties");
    ["offset", "limit"]
        .iter()
        .all(|k| props.and_then(|p| p.get(*k)).is_some_and(|s| is_integer(doc, s)))
}

/// The window of an operation's request, if it has one; an error when it has one this module
/// cannot step through.
fn window(doc: &Value, path_item: &Value, op: &Value) -> Option<Result<Window, String>> {
    let params: Vec<&Value> = [path_item.get("parameters"), op.get("parameters")]
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
        .map(|p| resolve(doc, p))
        .collect();
    // Optional ones: they are fields of the method's parameters struct.
    let query = |name: &str| {
        params.iter().copied().find(|p| {
            p.get("in").and_then(Value::as_str) == Some("query")
                && p.get("name").and_then(Value::as_str) == Some(name)
                && p.get("required") != Some(&Value::Bool(true))
                && p.get("schema").is_some_and(|s| is_integer(doc, s))
        })
    };
    if query("offset").is_some() && query("limit").is_some() {
        return Some(Ok(Window::Query));
    }
    for (number, size) in PAGE_NUMBERS {
        let (Some(page), Some(_)) = (query(number), query(size)) else {
            continue;
        };
        let schema = page.get("schema").map(|s| resolve(doc, s));
        let first = ["minimum", "default"]
            .iter()
            .find_map(|k| schema.and_then(|s| s.get(*k)).and_then(Value::as_u64));
        return Some(match first {
            Some(first) => Ok(Window::QueryPage {
                number: number.to_string(),
                size: size.to_string(),
                first,
            }),
            None => Err(format!(
                "`{number}` and `{size}`, but the document gives neither a minimum nor a default for \
                 `{number}`: whether pages count from 0 or 1 is not said"
            )),
        });
    }
    let body = resolve(doc, op.pointer("/requestBody/content/application~1json/schema")?);
    if has_window(doc, body) {
        return Some(Ok(Window::Body(String::new())));
    }
    let props = body.get("properties")?.as_object()?;
    if let Some((name, _)) = props.iter().find(|(_, s)| has_window(doc, s)) {
        return Some(Ok(Window::Body(format!("/{}", escape(name)))));
    }
    props.iter().find_map(|(name, s)| {
        let (token, tag) = token_request(doc, s)?;
        Some(Ok(Window::BodyToken {
            at: format!("/{}", escape(name)),
            token,
            tag,
        }))
    })
}

/// The string property of an object that holds a page token, if it has one.
fn token_property(doc: &Value, schema: &Value) -> Option<String> {
    let props = resolve(doc, schema).get("properties")?.as_object()?;
    TOKENS
        .iter()
        .find(|name| {
            props
                .get(**name)
                .is_some_and(|s| resolve(doc, s).get("type").and_then(Value::as_str) == Some("string"))
        })
        .map(|name| name.to_string())
}

/// A page-token request: an object with a token property, or a union with a member that is
/// one (the member's tag, from the discriminator's mapping or the member's name, is what
/// makes the object a token request). The token's property and the tag.
fn token_request(doc: &Value, schema: &Value) -> Option<(String, Option<(String, String)>)> {
    let schema = resolve(doc, schema);
    let Some(members) = schema.get("oneOf").and_then(Value::as_array) else {
        return token_property(doc, schema).map(|token| (token, None));
    };
    let property = schema.pointer("/discriminator/propertyName").and_then(Value::as_str)?;
    members.iter().find_map(|member| {
        let token = token_property(doc, member)?;
        let reference = member.get("$ref").and_then(Value::as_str)?;
        let mapping = schema.pointer("/discriminator/mapping").and_then(Value::as_object);
        let tag = mapping
            .and_then(|m| m.iter().find(|(_, target)| target.as_str() == Some(reference)))
            .map(|(tag, _)| tag.clone())
            .unwrap_or_else(|| crate::walk::unescape(reference.rsplit('/').next().unwrap_or_default()));
        Some((token, Some((property.to_string(), tag))))
    })
}

/// JSON pointer of the next page's token in the success response: a string property at its
/// root or in one of its object properties (`paginationParams.nextPageToken`).
fn next_token(doc: &Value, op: &Value) -> Option<String> {
    let props = success_schema(doc, op)?.get("properties")?.as_object()?;
    let in_object = |props: &serde_json::Map<String, Value>| {
        NEXT_TOKENS
            .iter()
            .find(|name| {
                props
                    .get(**name)
                    .is_some_and(|s| resolve(doc, s).get("type").and_then(Value::as_str) == Some("string"))
            })
            .map(|name| escape(name))
    };
    in_object(props).map(|k| format!("/{k}")).or_else(|| {
        props.iter().find_map(|(name, s)| {
            let inner = resolve(doc, s).get("properties").and_then(Value::as_object)?;
            in_object(inner).map(|k| format!("/{}/{k}", escape(name)))
        })
    })
}

/// The JSON schema of an operation's first success response, resolved.
fn success_schema<'a>(doc: &'a Value, op: &'a Value) -> Option<&'a Value> {
    let schema = op
        .get("responses")?
        .as_object()?
        .iter()
        .filter(|(status, _)| status.starts_with('2'))
        .find_map(|(_, r)| resolve(doc, r).pointer("/content/application~1json/schema"))?;
    Some(resolve(doc, schema))
}

/// (items pointer, item component, total pointer) of the success response.
fn response_items(doc: &Value, op: &Value) -> Result<(String, String, Option<String>), String> {
    let props = success_schema(doc, op)
        .ok_or("no JSON success response")?
        .get("properties")
        .and_then(Value::as_object)
        .ok_or("the success response is not an object")?;
    let arrays: Vec<(&String, String)> = props
        .iter()
        .filter_map(|(name, s)| {
            let s = resolve(doc, s);
            if s.get("type").and_then(Value::as_str) != Some("array") {
                return None;
            }
            let reference = s.pointer("/items/$ref").and_then(Value::as_str)?;
            let component = reference.strip_prefix("#/components/schemas/")?;
            Some((name, crate::walk::unescape(component)))
        })
        .collect();
    let [(name, component)] = arrays.as_slice() else {
        let names: Vec<&str> = arrays.iter().map(|(n, _)| n.as_str()).collect();
        return Err(format!(
            "a window, but {} arrays of objects in the response ({}): which holds the items is not clear",
            names.len(),
            names.join(", ")
        ));
    };
    // A total of items, by the names Spotnana uses for one (not `totalPages`).
    let total_in = |props: &serde_json::Map<String, Value>| {
        TOTALS
            .iter()
            .find(|name| props.get(**name).is_some_and(|s| is_integer(doc, s)))
            .map(|name| escape(name))
    };
    let total = total_in(props).map(|k| format!("/{k}")).or_else(|| {
        props.iter().find_map(|(name, s)| {
            let inner = resolve(doc, s).get("properties").and_then(Value::as_object)?;
            total_in(inner).map(|k| format!("/{}/{k}", escape(name)))
        })
    });
    Ok((format!("/{}", escape(name)), component.clone(), total))
}

/// Adds `<method>_items` to `Client` for each paged operation of `plan` (and, when the window
/// is in the body and the operation has optional parameters, `<method>_items_with`); returns
/// the operations paged, or why one could not be.
pub fn page_paged_operations(file: &mut syn::File, plan: &PagingPlan) -> Result<Vec<String>, String> {
    let methods: BTreeMap<String, syn::ImplItemFn> = crate::passes::client_methods_mut(file)
        .map(|f| (f.sig.ident.to_string(), f.clone()))
        .collect();
    let mut added = Vec::new();
    let mut items = Vec::new();
    for (name, paged) in &plan.paged {
        let with = methods.get(&format!("{name}_with"));
        // The stream of the method without optional parameters keeps its signature when the
        // operation gains its first one: that one comes as `_items_with`.
        let bases = match (&paged.window, with) {
            (Window::Query | Window::QueryPage { .. }, Some(with)) => vec![(format!("{name}_items"), with)],
            (Window::Query | Window::QueryPage { .. }, None) => {
                return Err(format!(
                    "{}: paged by query parameters, but no `{name}_with`",
                    paged.operation_id
                ));
            }
            (Window::Body(_) | Window::BodyToken { .. }, with) => {
                let plain = methods
                    .get(name)
                    .ok_or_else(|| format!("{}: no method `{name}`", paged.operation_id))?;
                let mut bases = vec![(format!("{name}_items"), plain)];
                bases.extend(with.map(|w| (format!("{name}_items_with"), w)));
                bases
            }
        };
        for (stream, base) in bases {
            if methods.contains_key(&stream) {
                return Err(format!("{}: `{stream}` is already a method", paged.operation_id));
            }
            items.push(items_method(&format_ident!("{stream}"), name, base, paged)?);
        }
        added.push(name.clone());
    }
    if !items.is_empty() {
        file.items.push(syn::parse_quote! { impl Client { #(#items)* } });
    }
    Ok(added)
}

fn items_method(
    stream: &syn::Ident,
    name: &str,
    base: &syn::ImplItemFn,
    paged: &Paged,
) -> Result<syn::ImplItemFn, String> {
    let method = &base.sig.ident;
    let operation = &paged.operation_id;
    let item = syn::parse_str::<Type>(&format!("types::{}", crate::sanitize_type_name(&paged.item_component)))
        .map_err(|e| format!("{operation}: item type: {e}"))?;
    let generics = &base.sig.generics;
    let mut inputs = Vec::new();
    let mut args = Vec::new();
    // Owned arguments other than the body: one copy per page.
    let mut copies = Vec::new();
    let mut has_body = false;
    let mut has_params = false;
    for input in base.sig.inputs.iter().skip(1) {
        let FnArg::Typed(typed) = input else { continue };
        let Pat::Ident(pat) = &*typed.pat else {
            return Err(format!("{operation}: an argument without a name"));
        };
        let ident = &pat.ident;
        match (&paged.window, &*typed.ty) {
            (Window::Body(_) | Window::BodyToken { .. }, Type::Reference(r)) if ident == "body" => {
                let owned = &r.elem;
                inputs.push(quote!(body: #owned));
                has_body = true;
            }
            (_, ty @ Type::Reference(_)) => inputs.push(quote!(#ident: #ty)),
            (_, ty) => {
                inputs.push(quote!(#ident: #ty));
                copies.push(quote!(let #ident = ::std::clone::Clone::clone(&#ident);));
                has_params |= ident == "params";
            }
        }
        args.push(if ident == "body" && has_body {
            quote!(&body)
        } else {
            quote!(#ident)
        });
    }
    let items_at = &paged.items;
    let total = match &paged.total {
        Some(t) => quote!(::std::option::Option::Some(#t)),
        None => quote!(::std::option::Option::None),
    };
    let lifetime = if generics.lifetimes().any(|l| l.lifetime.ident == "a") {
        quote!('a)
    } else {
        quote!('_)
    };
    let from = match &paged.window {
        Window::QueryPage { number, size, first } => format!(
            "from the `{number}` given on (else {first}, the first), the `{size}` given as the page \
             size, up to the total"
        ),
        Window::BodyToken { .. } => "from the page the body asks for on, each next one by the token \
                                     the page before returns, until a page names no next one"
            .to_string(),
        _ => "from the offset given on, the limit given as the page size, up to the total".to_string(),
    };
    let doc = format!(
        "Every item of [`Client::{name}`] (`{operation}`), fetched a page at a time as the stream \
         is read (see [`crate::paging`]): {from}. Each page is a call of [`Client::{method}`], \
         with its own correlation id when the client sends them."
    );
    // One page: the call, and its items and total. A body window first takes the paged body.
    let take_body = has_body.then(|| quote!(let body = paged?;));
    let fetch = quote! {
        async move {
            #take_body
            let page = self.#method(#(#args),*).await?.into_inner();
            crate::paging::page(#operation, &page, #items_at, #total)
        }
    };
    let body = match &paged.window {
        Window::Query if has_params => quote! {
            let start = params.offset.map(crate::paging::as_count);
            let limit = params.limit.map(crate::paging::as_count);
            crate::paging::offset_items(start, limit, move |offset, limit| {
                #(#copies)*
                let mut params = params;
                params.offset = ::std::option::Option::Some(crate::paging::count(offset));
                if let ::std::option::Option::Some(limit) = limit {
                    params.limit = ::std::option::Option::Some(crate::paging::count(limit));
                }
                #fetch
            })
        },
        Window::QueryPage { number, size, first } if has_params => {
            let number = format_ident!("{}", heck::ToSnakeCase::to_snake_case(number.as_str()));
            let size = format_ident!("{}", heck::ToSnakeCase::to_snake_case(size.as_str()));
            quote! {
                let start = params.#number.map(crate::paging::as_count);
                let size = params.#size.map(crate::paging::as_count);
                crate::paging::page_number_items(#first, start, size, move |page, size| {
                    #(#copies)*
                    let mut params = params;
                    params.#number = ::std::option::Option::Some(crate::paging::count(page));
                    if let ::std::option::Option::Some(size) = size {
                        params.#size = ::std::option::Option::Some(crate::paging::count(size));
                    }
                    #fetch
                })
            }
        }
        Window::BodyToken { at, token, tag } if has_body => {
            let tag = match tag {
                Some((property, value)) => quote!(::std::option::Option::Some((#property, #value))),
                None => quote!(::std::option::Option::None),
            };
            let next = paged.next.as_deref().unwrap_or_default();
            quote! {
                crate::paging::token_items(move |token: ::std::option::Option<::std::string::String>| {
                    #(#copies)*
                    let paged = match &token {
                        ::std::option::Option::None => ::std::result::Result::Ok(::std::clone::Clone::clone(&body)),
                        ::std::option::Option::Some(token) => crate::paging::body_with_token(&body, #at, #tag, #token, token),
                    };
                    async move {
                        let body = paged?;
                        let page = self.#method(#(#args),*).await?.into_inner();
                        crate::paging::token_page(#operation, &page, #items_at, #total, ::std::option::Option::Some(#next))
                    }
                })
            }
        }
        Window::Body(at) if has_body => quote! {
            let (start, limit) = crate::paging::body_window(&body, #at);
            crate::paging::offset_items(start, limit, move |offset, limit| {
                #(#copies)*
                let paged = crate::paging::body_at(&body, #at, offset, limit);
                #fetch
            })
        },
        window => {
            return Err(format!(
                "{operation}: the method `{method}` does not take the window ({window:?})"
            ));
        }
    };
    Ok(syn::parse_quote! {
        #[doc = #doc]
        pub fn #stream #generics(&#lifetime self, #(#inputs),*) -> crate::paging::Paged<#lifetime, #item> {
            #body
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(number: Value) -> Value {
        json!({"paths": {"/things": {"get": {
            "operationId": "listThings",
            "parameters": [
                {"name": "pageNumber", "in": "query", "schema": number},
                {"name": "pageSize", "in": "query", "schema": {"type": "integer"}}
            ],
            "responses": {"200": {"content": {"application/json": {"schema": {"type": "object", "properties": {
                "elements": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                "totalNumResults": {"type": "integer"}
            }}}}}}
        }}}, "components": {"schemas": {"Thing": {"type": "object"}}}})
    }

    #[test]
    fn a_page_number_window_counts_from_the_documented_first_page() {
        let plan = plan(&doc(json!({"type": "integer", "minimum": 1, "default": 1})));
        let paged = &plan.paged["list_things"];
        assert_eq!(
            paged.window,
            Window::QueryPage {
                number: "pageNumber".into(),
                size: "pageSize".into(),
                first: 1
            }
        );
        assert_eq!(paged.items, "/elements");
        assert_eq!(paged.total.as_deref(), Some("/totalNumResults"));
    }

    #[test]
    fn a_page_number_without_a_first_page_is_reported_not_guessed() {
        let plan = plan(&doc(json!({"type": "integer"})));
        assert!(plan.paged.is_empty());
        assert!(plan.not_paged[0].1.contains("0 or 1"), "{:?}", plan.not_paged);
    }
}
