//! Writes `type_table.rs`: for every component schema of the pinned documents that the
//! fidelity tests exercise (those with an `example`, every string enum, every `oneOf`), an
//! entry pointing at its generated Rust type, so the tests can feed JSON to the type named
//! by the document. Generated because the list is the documents' (hundreds of types), not
//! ours to keep by hand.

use spotnana_codegen::manifest::Manifest;
use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("..");
    let manifest_path = root.join("spec/apis.toml");
    println!("cargo::rerun-if-changed={}", manifest_path.display());
    let manifest = Manifest::load(&manifest_path).unwrap_or_else(|e| panic!("{e}"));
    let mut table = String::from("static TYPES: &[Entry] = &[\n");
    let mut documents = Vec::new();
    for api in &manifest.api {
        let path = root.join("spec/cache").join(api.cache_file());
        println!("cargo::rerun-if-changed={}", path.display());
        let bytes = std::fs::read(&path).unwrap_or_else(|e| {
            panic!(
                "{} is missing ({e}): run `SPOTNANA_PORTAL=../shared/portal/2026-07-21 cargo xtask pull` first",
                path.display()
            )
        });
        let doc: serde_json::Value =
            serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        documents.push((api.module.clone(), bytes.clone()));
        let schemas = doc
            .pointer("/components/schemas")
            .and_then(|s| s.as_object())
            .unwrap_or_else(|| panic!("{}: no components/schemas", path.display()));
        for (name, schema) in schemas {
            let exercised = schema.get("example").is_some()
                || schema.get("enum").is_some() && schema.get("type").and_then(|t| t.as_str()) == Some("string")
                || schema.get("oneOf").is_some();
            if !exercised {
                continue;
            }
            let ty = format!(
                "spotnana::{}::types::{}",
                api.module,
                spotnana_codegen::sanitize_type_name(name)
            );
            writeln!(
                table,
                "    Entry {{ module: {:?}, schema: {name:?}, round_trip: round_trip::<{ty}>, variant: variant_of::<{ty}> }},",
                api.module
            )
            .unwrap();
        }
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("type_table.rs");
    std::fs::write(out, table).unwrap();
    conformance_calls(&documents);
}

/// Writes `conformance_calls.rs` for tests/tests/conformance.rs: per generated method of every
/// API's `Client`, a function that reads each argument from a JSON map (keyed by the method's
/// parameter name), deserializes it into the parameter's owned type (inferred from the call),
/// and calls the method. Generated from the same code generator as the `spotnana` crate, so the
/// list is the client's, not ours to keep by hand.
fn conformance_calls(documents: &[(String, Vec<u8>)]) {
    let inputs: Vec<(&str, &[u8])> = documents.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
    let set = spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let mut table = String::from("static CALLS: &[Call] = &[\n");
    let mut functions = String::new();
    for (module, generated) in &set.apis {
        let file = syn::parse_file(&generated.code).unwrap_or_else(|e| panic!("{module}: {e}"));
        for item in &file.items {
            let syn::Item::Impl(block) = item else { continue };
            let is_client =
                block.trait_.is_none() && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
            if !is_client {
                continue;
            }
            for member in &block.items {
                let syn::ImplItem::Fn(f) = member else { continue };
                if f.sig.asyncness.is_none() || !matches!(f.vis, syn::Visibility::Public(_)) {
                    continue;
                }
                let method = f.sig.ident.to_string();
                let mut names = Vec::new();
                let mut lets = String::new();
                let mut args = Vec::new();
                for (i, input) in f.sig.inputs.iter().enumerate() {
                    let syn::FnArg::Typed(pat) = input else { continue };
                    let syn::Pat::Ident(ident) = &*pat.pat else {
                        panic!("{module}::{method}: unnamed parameter")
                    };
                    let name = ident.ident.to_string();
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
                        Shape::Form => (format!("let p{i} = form(a, {name:?})?;"), format!("p{i}")),
                        Shape::Value => (format!("let p{i} = arg(a, {name:?})?;"), format!("p{i}")),
                    };
                    lets.push_str(&binding);
                    args.push(arg);
                    names.push(name);
                }
                if names.is_empty() {
                    lets.push_str("let _ = a;");
                }
                let function = format!("call_{module}_{method}");
                writeln!(
                    functions,
                    "fn {function}<'a>(s: &'a spotnana::Spotnana, a: &'a Args) -> CallFuture<'a> {{ \
                     Box::pin(async move {{ {lets} let client = s.{module}(); \
                     Ok(outcome(client.{method}({}).await)) }}) }}",
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
    /// `reqwest::multipart::Form`
    Form,
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
            if last.ident == "Form" {
                return Shape::Form;
            }
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
