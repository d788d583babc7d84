//! The Rust names the generators give: a schema's type, an operation's method.

/// The Rust type name typify gives a schema named `name` (a component, or the name an
/// inline schema is hoisted under).
///
/// typify's rule (case, leading digits, keywords, characters no identifier holds) is private
/// to it, so typify is asked: a one-value enum is added under `name` and the name it got is
/// read back. A re-implementation would drift from typify's, and the passes that find a type
/// by its name would then skip it without a word. Answers are kept per thread: the same
/// names are asked for thousands of times per generation.
pub fn sanitize_type_name(name: &str) -> String {
    thread_local! {
        static NAMES: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
    }
    if let Some(known) = NAMES.with(|names| names.borrow().get(name).cloned()) {
        return known;
    }
    let mut space = typify::TypeSpace::new(&typify::TypeSpaceSettings::default());
    let schema = schemars::schema::Schema::Object(schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        enum_values: Some(vec![serde_json::Value::from("a")]),
        ..Default::default()
    });
    let named = space
        .add_ref_types([(name, schema)])
        .ok()
        .and_then(|()| space.iter_types().next().map(|ty| ty.name()));
    // typify names every one-value enum it accepts; the name as given is the fallback for
    // one it would not, which the type-name audit then reports.
    let rust = named.unwrap_or_else(|| name.to_string());
    NAMES.with(|names| names.borrow_mut().insert(name.to_string(), rust.clone()));
    rust
}

/// The Rust method name progenitor gives an operationId.
pub fn method_name(operation_id: &str) -> String {
    heck::ToSnakeCase::to_snake_case(operation_id)
}

#[cfg(test)]
mod naming_tests {
    #[test]
    fn type_names_are_typify_s() {
        for (name, rust) in [
            ("HotelSearchParams_search_by", "HotelSearchParamsSearchBy"),
            ("money", "Money"),
            ("1stClass", "X1stClass"),
            ("type", "Type"),
            ("Self", "Self_"),
            ("a.b c", "ABC"),
            ("PNR", "Pnr"),
        ] {
            assert_eq!(super::sanitize_type_name(name), rust, "{name}");
        }
    }
}
