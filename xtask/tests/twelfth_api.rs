//! Adding an API is one manifest entry plus the cargo feature the check names: shown with a
//! twelfth API of the project's own (a fixture document, not Spotnana's) beside the tracked
//! ones.

mod common;

use common::{text, workspace_root, xtask};

const ENTRY: &str = r#"
[[api]]
module = "loyalty"
title = "Loyalty API"
path = "_bundle/openapi/loyaltyapi.json"
"#;

#[test]
fn a_twelfth_api_needs_its_manifest_entry_and_the_feature_the_check_names() {
    let root = workspace_root();
    // A spec directory: the workspace's manifest plus one entry, and its cache.
    let spec = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(root.join("spec/apis.toml")).unwrap() + ENTRY;
    std::fs::write(spec.path().join("apis.toml"), &manifest).unwrap();
    // A portal: the tracked documents from the workspace's cache, the twelfth from the fixture.
    let portal = tempfile::tempdir().unwrap();
    let fixture = root.join("xtask/tests/fixtures/twelfth");
    std::fs::create_dir_all(portal.path().join("_bundle/openapi")).unwrap();
    std::fs::create_dir_all(portal.path().join("releases")).unwrap();
    std::fs::copy(
        fixture.join("releases/changelog.md"),
        portal.path().join("releases/changelog.md"),
    )
    .unwrap();
    let parsed = spotnana_codegen::manifest::Manifest::load(&spec.path().join("apis.toml")).unwrap();
    for api in &parsed.api {
        let from = if api.module == "loyalty" {
            fixture.join(&api.path)
        } else {
            root.join("spec/cache").join(api.cache_file())
        };
        let to = portal.path().join(&api.path);
        std::fs::copy(&from, &to).unwrap_or_else(|e| {
            panic!(
                "{}: {e} (fill the cache with `cargo xtask pull --frozen`)",
                from.display()
            )
        });
    }

    // Pulling needs nothing but the entry.
    let pull = xtask(spec.path(), &["pull", "--portal", portal.path().to_str().unwrap()]);
    assert!(pull.status.success(), "{}", text(&pull.stderr));
    let lock = std::fs::read_to_string(spec.path().join("lock.toml")).unwrap();
    assert!(lock.contains("module = \"loyalty\""), "{lock}");

    // The check names exactly what else to edit: the crate's feature and `all-apis`.
    let check = xtask(spec.path(), &["check"]);
    assert!(
        !check.status.success(),
        "a listed API without its feature must fail the check"
    );
    let err = text(&check.stderr);
    assert!(
        err.contains(
            "do not match spec/apis.toml: add `loyalty = []` to [features]; \
             add \"loyalty\" to the `all-apis` feature\n"
        ),
        "{err}"
    );
    // Making exactly those edits satisfies it (the build script runs the same check).
    let cargo = std::fs::read_to_string(root.join("generated-client/Cargo.toml")).unwrap();
    let edited = cargo
        .replace("all-apis = [\"air\",", "all-apis = [\"loyalty\", \"air\",")
        .replace("\nair = []\n", "\nair = []\nloyalty = []\n");
    parsed.check_features(&edited).unwrap();

    // And the twelfth document generates beside the others, every operation a method.
    let inputs: Vec<(String, Vec<u8>)> = parsed
        .api
        .iter()
        .map(|api| {
            (
                api.module.clone(),
                std::fs::read(portal.path().join(&api.path)).unwrap(),
            )
        })
        .collect();
    let inputs: Vec<(&str, &[u8])> = inputs.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
    let set = spotnana_codegen::generate_all(&inputs, &Default::default()).unwrap();
    let (_, loyalty) = set.apis.iter().find(|(m, _)| m == "loyalty").unwrap();
    for method in ["get_loyalty_program", "update_loyalty_program"] {
        assert!(
            loyalty.code.contains(&format!("pub async fn {method}")),
            "{method} missing"
        );
    }
    assert!(loyalty.code.contains("pub struct LoyaltyProgram"));
}
