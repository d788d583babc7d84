//! Every operationId of every pinned document is a method of the generated client.

mod support;

use std::collections::BTreeSet;

/// Names of the `async fn`s in the `impl Client` blocks of generated code.
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
                    && f.sig.asyncness.is_some()
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
        for (method, path, id) in spotnana_codegen::operations(&doc) {
            total += 1;
            let id = id.unwrap_or_else(|| panic!("{}: {method} {path} has no operationId", api.module));
            let name = spotnana_codegen::method_name(&id);
            if methods.contains(&name) {
                found += 1;
            } else {
                missing.push(format!("{}::Client::{name} ({method} {path})", api.module));
            }
        }
        assert_eq!(
            generated.operations,
            methods.len(),
            "{}: one method per operation, no extra",
            api.module
        );
    }
    println!("{found}/{total} operations have their method");
    assert!(missing.is_empty(), "missing methods: {missing:#?}");
    assert!(total > 0, "no operation in the tracked documents");
}
