//! The same documents give byte-identical code.

mod support;

#[test]
fn generating_twice_gives_identical_bytes() {
    for api in support::manifest().api {
        let bytes = support::document(&api);
        let first = spotnana_codegen::generate(&api.module, &bytes).unwrap().code;
        let second = spotnana_codegen::generate(&api.module, &bytes).unwrap().code;
        assert!(first == second, "{}: two generations differ", api.module);
        assert!(first.len() > 1000, "{}: suspiciously small output", api.module);
    }
}
