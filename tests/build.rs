//! Writes `type_table.rs`: for every component schema of the pinned documents, an entry
//! pointing at its generated Rust type, so the tests can feed JSON to the type named
//! by the document. Generated because the list is the documents' (hundreds of types), not
//! ours to keep by hand.

use spotnana_codegen::spec_dir::SpecDir;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let spec = SpecDir::new(root.join("spec"));
    println!("cargo::rerun-if-changed={}", spec.manifest().display());
    println!("cargo::rerun-if-changed={}", spec.lock().display());
    let manifest = spec.load_manifest().unwrap_or_else(|e| panic!("{e}"));
    let lock = spec.load_lock().unwrap_or_else(|e| panic!("{e}"));
    let mut table = String::from("static TYPES: &[Entry] = &[\n");
    let mut documents = Vec::new();
    // The component names of each document, in manifest order.
    let mut components = Vec::new();
    for api in &manifest.api {
        let path = spec.document(api);
        println!("cargo::rerun-if-changed={}", path.display());
        let bytes = spec
            .read_pinned(&lock, api)
            .map(|p| p.bytes)
            .unwrap_or_else(|e| panic!("{e}: run `cargo xtask pull --frozen` first (SPOTNANA_PORTAL sets where from)"));
        let doc = spotnana_codegen::parse::parse_document(&api.module, &bytes)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(|s| s.as_object())
            .unwrap_or_else(|| panic!("{}: no components/schemas", path.display()));
        components.push(schemas.keys().cloned().collect::<Vec<_>>());
        documents.push((api.module.clone(), doc));
    }
    let set = spotnana_codegen::generate_all_parsed(documents, &spotnana_codegen::Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    for ((module, generated), names) in set.apis.iter().zip(&components) {
        // A table entry: where the schema is (a component's name, or an inline union's JSON
        // pointer), and the component name its type is generated under.
        let mut entry = |schema: &str, component: &str| {
            let ty = format!(
                "spotnana::{module}::types::{}",
                spotnana_codegen::sanitize_type_name(component)
            );
            writeln!(
                table,
                "    Entry {{ module: {module:?}, schema: {schema:?}, round_trip: round_trip::<{ty}>, variant: variant_of::<{ty}> }},"
            )
            .unwrap();
        };
        for name in names {
            entry(name, name);
        }
        // Inline unions, generated under the component name they are hoisted to.
        for (pointer, note) in generated
            .report
            .get("hoist_inline_unions")
            .map(|c| c.places.as_slice())
            .unwrap_or_default()
        {
            let name = note
                .rsplit('/')
                .next()
                .unwrap_or_else(|| panic!("{pointer}: hoisted without a name: {note}"));
            entry(pointer, name);
        }
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("type_table.rs");
    std::fs::write(out, table).unwrap();
    conformance_calls(&set);
}

/// Writes `conformance_calls.rs` for tests/tests/conformance/calls.rs: per generated method of every
/// API's `Client`, a function that reads each argument from a JSON map (keyed by the method's
/// parameter name), deserializes it into the parameter's owned type (inferred from the call),
/// and calls the method. A multipart form is built through its `new` and `with_…` setters from
/// the parts the test composes (see [`FORM_PARTS`]). Generated from the same code generator as
/// the `spotnana` crate, so the list is the client's, not ours to keep by hand.
fn conformance_calls(set: &spotnana_codegen::GeneratedSet) {
    let mut table = String::from("pub(crate) static CALLS: &[Call] = &[\n");
    let mut items_table = String::from("pub(crate) static ITEMS: &[ItemsCall] = &[\n");
    let mut functions = String::from(FORM_PARTS);
    for (module, generated) in &set.apis {
        let file = syn::parse_file(&generated.code).unwrap_or_else(|e| panic!("{module}: {e}"));
        let forms = forms(&file);
        let params = params_structs(&file);
        for item in &file.items {
            let syn::Item::Impl(block) = item else { continue };
            let is_client =
                block.trait_.is_none() && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if !is_client {
                continue;
            }
            for member in &block.items {
                let syn::ImplItem::Fn(f) = member else { continue };
                let mut method = f.sig.ident.to_string();
                // A paged operation's stream (see codegen's `paging`): read a few items.
                let items_of = method.strip_suffix("_items").map(str::to_string);
                let callable = f.sig.asyncness.is_some() || items_of.is_some();
                if !callable || !matches!(f.vis, syn::Visibility::Public(_)) {
                    continue;
                }
                let mut names = Vec::new();
                let mut lets = String::new();
                let mut args = Vec::new();
                for (i, input) in f.sig.inputs.iter().enumerate() {
                    let syn::FnArg::Typed(pat) = input else { continue };
                    let syn::Pat::Ident(ident) = &*pat.pat else {
                        panic!("{module}::{method}: unnamed parameter")
                    };
                    let name = ident.ident.to_string();
                    // `<method>_with(…, params)`: the optional parameters are the struct's fields,
                    // and the call is the operation's (`<method>`).
                    if let Some((ty, fields)) = type_name(&pat.ty).and_then(|t| params.get_key_value(&t)) {
                        lets.push_str(&format!("let mut p{i} = spotnana::{module}::{ty}::default();"));
                        for field in fields {
                            lets.push_str(&format!("p{i}.{field} = arg(a, {field:?})?;"));
                            names.push(field.clone());
                        }
                        args.push(format!("p{i}"));
                        if items_of.is_none() {
                            let call = method
                                .strip_suffix("_with")
                                .unwrap_or_else(|| panic!("{module}::{method}: takes {ty}"));
                            method = call.to_string();
                        }
                        continue;
                    }
                    if let Some(form) = type_name(&pat.ty).and_then(|t| forms.get(&t)) {
                        lets.push_str(&form.build(module, &format!("p{i}"), &name));
                        args.push(format!("p{i}"));
                        names.push(name);
                        continue;
                    }
                    let (binding, arg) = match shape(&pat.ty) {
                        Shape::RefStr => (format!("let p{i}: String = arg(a, {name:?})?;"), format!("&p{i}")),
                        Shape::Ref => (format!("let p{i} = arg(a, {name:?})?;"), format!("&p{i}")),
                        Shape::OptionStr => (
                            format!("let p{i}: Option<String> = arg(a, {name:?})?;"),
                            format!("p{i}.as_deref()"),
                        ),
                        Shape::OptionRef => (
                            format!("let p{i}: Option<_> = arg(a, {name:?})?;"),
                            format!("p{i}.as_ref()"),
                        ),
                        Shape::Value => (format!("let p{i} = arg(a, {name:?})?;"), format!("p{i}")),
                    };
                    lets.push_str(&binding);
                    args.push(arg);
                    names.push(name);
                }
                if names.is_empty() {
                    lets.push_str("let _ = a;");
                }
                if let Some(base) = items_of {
                    let function = format!("items_{module}_{base}");
                    writeln!(
                        functions,
                        "fn {function}<'a>(s: &'a spotnana::Spotnana, a: &'a Args) -> ItemsFuture<'a> {{ \
                         Box::pin(async move {{ {lets} let client = s.{module}(); \
                         let paged = client.{}({}); Ok(read_items(paged).await) }}) }}",
                        f.sig.ident,
                        args.join(", ")
                    )
                    .unwrap();
                    writeln!(
                        items_table,
                        "    ItemsCall {{ module: {module:?}, method: {base:?}, call: {function} }},"
                    )
                    .unwrap();
                    continue;
                }
                let function = format!("call_{module}_{method}");
                writeln!(
                    functions,
                    "fn {function}<'a>(s: &'a spotnana::Spotnana, a: &'a Args) -> CallFuture<'a> {{ \
                     Box::pin(async move {{ {lets} let client = s.{module}(); \
                     Ok(outcome(client.{}({}).await)) }}) }}",
                    f.sig.ident,
                    args.join(", ")
                )
                .unwrap();
                writeln!(
                    table,
                    "    Call {{ module: {module:?}, method: {method:?}, params: &{names:?}, call: {function} }},"
                )
                .unwrap();
            }
        }
    }
    table.push_str("];\n");
    items_table.push_str("];\n");
    table.push_str(&items_table);
    table.push_str(&functions);
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("conformance_calls.rs");
    std::fs::write(out, table).unwrap();
}

/// How a generated method takes a parameter, which decides how the test passes the owned value.
enum Shape {
    /// `&'a str`
    RefStr,
    /// `&'a T`
    Ref,
    /// `Option<&'a str>`
    OptionStr,
    /// `Option<&'a T>`
    OptionRef,
    /// `T` or `Option<T>` by value
    Value,
}

fn shape(ty: &syn::Type) -> Shape {
    fn is_str(ty: &syn::Type) -> bool {
        matches!(ty, syn::Type::Path(p) if p.path.is_ident("str"))
    }
    match ty {
        syn::Type::Reference(r) if is_str(&r.elem) => Shape::RefStr,
        syn::Type::Reference(_) => Shape::Ref,
        syn::Type::Path(p) => {
            let last = p.path.segments.last().expect("a type path has a segment");
            if last.ident == "Option"
                && let syn::PathArguments::AngleBracketed(generic) = &last.arguments
                && let Some(syn::GenericArgument::Type(syn::Type::Reference(r))) = generic.args.first()
            {
                return if is_str(&r.elem) {
                    Shape::OptionStr
                } else {
                    Shape::OptionRef
                };
            }
            Shape::Value
        }
        _ => Shape::Value,
    }
}

/// Helpers of the generated calls that build multipart forms, over the parts `form()` of
/// conformance/calls.rs returns by field name: a file part is `{"bytes", "file_name",
/// "content_type"}`, any other `{"text"}`, read as JSON into the field's type when it is JSON
/// (a component object), else as the string itself (a string, a string enum).
const FORM_PARTS: &str = r#"
fn form_file(parts: &std::collections::BTreeMap<String, serde_json::Value>, field: &str) -> Option<spotnana::FilePart> {
    let part = parts.get(field)?;
    let mut file = spotnana::FilePart::new(part["bytes"].as_str().unwrap_or_default().as_bytes().to_vec());
    if let Some(name) = part.get("file_name").and_then(serde_json::Value::as_str) {
        file = file.file_name(name);
    }
    if let Some(content_type) = part.get("content_type").and_then(serde_json::Value::as_str) {
        file = file.content_type(content_type);
    }
    Some(file)
}

fn form_value<T: serde::de::DeserializeOwned>(
    parts: &std::collections::BTreeMap<String, serde_json::Value>,
    field: &str,
) -> Result<Option<T>, String> {
    let Some(part) = parts.get(field) else { return Ok(None) };
    let text = part["text"].as_str().unwrap_or_default();
    serde_json::from_str(text)
        .or_else(|_| serde_json::from_value(serde_json::Value::String(text.to_string())))
        .map(Some)
        .map_err(|e| format!("part `{field}` does not deserialize into its type: {e}"))
}
"#;

/// A generated multipart form: how to build it.
struct Form {
    /// `new`'s parameters: (field, is a file).
    required: Vec<(String, bool)>,
    /// The optional parts: (field, setter, is a file).
    optional: Vec<(String, String, bool)>,
    ty: String,
}

impl Form {
    /// Statements binding `var` to the form built from argument `arg`'s parts.
    fn build(&self, module: &str, var: &str, arg: &str) -> String {
        let read = |field: &str, file: bool| {
            // A keyword field (`type_`) is the part `type`.
            let key = field.strip_suffix('_').unwrap_or(field);
            if file {
                format!("form_file(&{var}_parts, {key:?})")
            } else {
                format!("form_value(&{var}_parts, {key:?})?")
            }
        };
        let mut out = format!("let {var}_parts = form(a, {arg:?})?;");
        let required: Vec<String> = self
            .required
            .iter()
            .map(|(field, file)| format!("{}.ok_or(\"multipart part `{field}` is missing\")?", read(field, *file)))
            .collect();
        out.push_str(&format!(
            "let {var} = spotnana::{module}::{}::new({});",
            self.ty,
            required.join(", ")
        ));
        for (field, setter, file) in &self.optional {
            out.push_str(&format!(
                "let {var} = match {} {{ Some(v) => {var}.{setter}(v), None => {var} }};",
                read(field, *file)
            ));
        }
        out
    }
}

/// The multipart forms of a generated module, by type name: the structs whose `impl` has a
/// `new` and `with_…` setters and a name ending in `Form`.
fn forms(file: &syn::File) -> std::collections::BTreeMap<String, Form> {
    let mut out = std::collections::BTreeMap::new();
    for item in &file.items {
        let syn::Item::Impl(block) = item else { continue };
        let Some(ty) = type_name(&block.self_ty).filter(|t| t.ends_with("Form")) else {
            continue;
        };
        if block.trait_.is_some() {
            continue;
        }
        let mut form = Form {
            required: Vec::new(),
            optional: Vec::new(),
            ty: ty.clone(),
        };
        for member in &block.items {
            let syn::ImplItem::Fn(f) = member else { continue };
            let method = f.sig.ident.to_string();
            let params = f.sig.inputs.iter().filter_map(|input| match input {
                syn::FnArg::Typed(pat) => match &*pat.pat {
                    syn::Pat::Ident(ident) => Some((ident.ident.to_string(), is_file(&pat.ty))),
                    _ => None,
                },
                syn::FnArg::Receiver(_) => None,
            });
            if method == "new" {
                form.required = params.collect();
            } else if let Some(field) = method.strip_prefix("with_") {
                let file = params.map(|(_, file)| file).next().unwrap_or(false);
                form.optional.push((field.to_string(), method.clone(), file));
            }
        }
        out.insert(ty, form);
    }
    out
}

/// The parameters structs of a generated file (see codegen's `params`): name → field names.
fn params_structs(file: &syn::File) -> std::collections::BTreeMap<String, Vec<String>> {
    file.items
        .iter()
        .filter_map(|item| match item {
            syn::Item::Struct(s) if s.ident.to_string().ends_with("Params") => Some((
                s.ident.to_string(),
                s.fields
                    .iter()
                    .filter_map(|f| f.ident.as_ref().map(ToString::to_string))
                    .collect(),
            )),
            _ => None,
        })
        .collect()
}

/// The last identifier of a type path (`UploadDocumentForm`, `crate::FilePart` → `FilePart`).
fn type_name(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

fn is_file(ty: &syn::Type) -> bool {
    type_name(ty).as_deref() == Some("FilePart")
}
