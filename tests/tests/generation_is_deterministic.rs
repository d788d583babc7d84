//! The same documents give byte-identical code, shared module included.

mod support;

fn generate_nine() -> spotnana_codegen::GeneratedSet {
    let docs: Vec<(String, Vec<u8>)> = support::manifest()
        .api
        .iter()
        .map(|api| (api.module.clone(), support::document(api)))
        .collect();
    let inputs: Vec<(&str, &[u8])> = docs.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
    spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default()).unwrap()
}

#[test]
fn generating_twice_gives_identical_bytes() {
    let first = generate_nine();
    let second = generate_nine();
    assert!(
        first.common == second.common,
        "the common module differs between two generations"
    );
    assert_eq!(first.apis.len(), 9);
    for ((module, a), (_, b)) in first.apis.iter().zip(&second.apis) {
        assert!(a.code == b.code, "{module}: two generations differ");
        assert!(a.code.len() > 1000, "{module}: suspiciously small output");
    }
}

#[test]
fn identical_components_are_generated_once() {
    let set = generate_nine();
    let shared_uses: usize = set.apis.iter().map(|(_, g)| g.shared).sum();
    println!(
        "{} shared types replace {shared_uses} per-API definitions",
        set.common_types
    );
    assert!(set.common_types > 400, "only {} shared types", set.common_types);
    assert!(
        shared_uses >= 2 * set.common_types,
        "each shared type is used by at least two APIs"
    );
    for name in ["ErrorResponse", "UserId", "CompanyId"] {
        assert!(
            set.common.contains(&format!("pub struct {name} ")),
            "{name} is not in the common module"
        );
    }
}
