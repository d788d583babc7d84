//! Every operationId of every pinned document is a method of the generated client.

mod support;

use std::collections::BTreeSet;

/// Names of the methods in the `impl Client` blocks of generated code, but its constructors.
fn client_methods(code: &str) -> BTreeSet<String> {
    let file = syn::parse_file(code).expect("generated code parses");
    let mut methods = BTreeSet::new();
    for item in file.items {
        if let syn::Item::Impl(imp) = item
            && imp.trait_.is_none()
            && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"))
        {
            for it in imp.items {
                if let syn::ImplItem::Fn(f) = it
                    && !f.sig.ident.to_string().starts_with("new")
                {
                    methods.insert(f.sig.ident.to_string());
                }
            }
        }
    }
    methods
}

#[test]
fn every_operation_id_has_its_method() {
    let mut total = 0;
    let mut found = 0;
    let mut missing = Vec::new();
    for api in support::manifest().api {
        let bytes = support::document(&api);
        let doc: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        let generated = spotnana_codegen::generate(&api.module, &bytes).unwrap();
        let methods = client_methods(&generated.code);
        let mut names = BTreeSet::new();
        for operation in spotnana_codegen::operations(&doc) {
            total += 1;
            let (method, path) = (operation.method, operation.path);
            let id = operation
                .operation_id()
                .unwrap_or_else(|| panic!("{}: {method} {path} has no operationId", api.module));
            let name = spotnana_codegen::method_name(id);
            names.insert(name.clone());
            if methods.contains(&name) {
                found += 1;
            } else {
                missing.push(format!("{}::Client::{name} ({method} {path})", api.module));
            }
        }
        // Besides one method per operation, only the optional-parameters and paged forms of
        // an operation's method.
        let extra: Vec<&String> = methods
            .iter()
            .filter(|m| {
                let base = m
                    .strip_suffix("_with")
                    .or_else(|| m.strip_suffix("_items"))
                    .unwrap_or(m);
                !names.contains(base)
            })
            .collect();
        assert!(extra.is_empty(), "{}: methods of no operation: {extra:?}", api.module);
    }
    println!("{found}/{total} operations have their method");
    assert!(missing.is_empty(), "missing methods: {missing:#?}");
    assert!(total > 0, "no operation in the tracked documents");
}
