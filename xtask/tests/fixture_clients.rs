//! Clients generated from the fixture documents (a release and its successor, and the
//! constructs document), built and run by a crate outside the workspace: the repository's
//! `spotnana` as a path dependency, with `SPOTNANA_SPEC_DIR` naming a spec directory where
//! the fixture stands in for the auth document.

mod common;

use common::{downstream_target, workspace_root};
use std::path::Path;
use std::process::Command;

/// A spec directory at `dir` holding the workspace's manifest, and `release` (a fixture
/// document) as the auth document, pinned in its lock.
fn spec_with_auth(dir: &Path, release: &Path) {
    let root = workspace_root();
    std::fs::create_dir_all(dir.join("cache")).unwrap();
    std::fs::copy(root.join("spec/apis.toml"), dir.join("apis.toml")).unwrap();
    let bytes = std::fs::read(release).unwrap();
    std::fs::write(dir.join("cache/auth.json"), &bytes).unwrap();
    let mut lock = spotnana_codegen::manifest::Lock::load(&root.join("spec/lock.toml")).unwrap();
    let auth = lock.api.iter_mut().find(|a| a.module == "auth").unwrap();
    auth.sha256 = spotnana_codegen::manifest::sha256_hex(&bytes);
    auth.size = bytes.len() as u64;
    std::fs::write(dir.join("lock.toml"), lock.to_toml()).unwrap();
}

/// `cargo <command> --offline` (`build` or `run`) of a throwaway crate in `scratch/app`
/// depending on the repository's `spotnana` with only the `auth` feature, built from `spec`.
fn cargo_downstream(scratch: &Path, spec: &Path, main_rs: &str, command: &str) -> std::process::Output {
    let app = scratch.join("app");
    std::fs::create_dir_all(app.join("src")).unwrap();
    std::fs::write(
        app.join("Cargo.toml"),
        format!(
            r#"[package]
name = "throwaway"
version = "0.0.0"
edition = "2024"

[dependencies]
spotnana = {{ path = "{}", default-features = false, features = ["auth"] }}
serde = "1"
serde_json = "1"

[workspace]
"#,
            workspace_root().join("generated-client").display()
        ),
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), main_rs).unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), app.join("Cargo.lock")).unwrap();
    let target = downstream_target();
    Command::new(env!("CARGO"))
        .args([command, "--offline", "--target-dir"])
        .arg(&target)
        .current_dir(&app)
        .env_remove("SPOTNANA_PORTAL")
        .env("SPOTNANA_SPEC_DIR", spec)
        .output()
        .unwrap()
}

/// Code written against a release of the API (`fixtures/compat/things-v1.json`): the
/// required parameters positionally, the optional ones by name, a body built with `new`.
const CALLER: &str = r#"
use spotnana::auth::{ListThingsParams, types::Thing};

async fn caller(s: &spotnana::Spotnana) -> Result<(), spotnana::Error> {
    let auth = s.auth();
    let all = auth.list_things().await?.into_inner();
    let first = auth.list_things_with(ListThingsParams::new().limit(10)).await?.into_inner();
    let mut thing = Thing::new("lamp".to_string());
    thing.name.push('!');
    let created = auth.create_thing(&thing).await?.into_inner();
    let read = auth.get_thing(&created.name).await?.into_inner();
    let mut search = spotnana::auth::types::ThingSearch::new();
    search.text = Some("lamp".into());
    let found = auth.search_things_items(search).try_collect().await?;
    let _ = (all.things, first.things, read.name, found.len());
    Ok(())
}

fn main() {
    let s = spotnana::Spotnana::new(spotnana::SANDBOX_URL, Default::default());
    let _ = caller(&s);
}
"#;

/// Code that uses what `things-v2.json` adds: it compiles against that release only, which
/// shows the second build is of the second release.
const CALLER_OF_V2: &str = r#"
use spotnana::auth::{CreateThingParams, ListThingsParams, SearchThingsParams, types::{Thing, ThingSearch}};

async fn caller(s: &spotnana::Spotnana) -> Result<(), spotnana::Error> {
    let auth = s.auth();
    let _ = auth.list_things_with(ListThingsParams::new().limit(10).cursor("c")).await?;
    let mut thing = Thing::new("lamp".to_string());
    thing.note = Some("new".into());
    let _ = auth.create_thing_with(&thing, CreateThingParams::new().dry_run(true)).await?;
    let _ = auth.search_things_items_with(ThingSearch::new(), SearchThingsParams::new().region("eu"));
    Ok(())
}

fn main() {
    let s = spotnana::Spotnana::new(spotnana::SANDBOX_URL, Default::default());
    let _ = caller(&s);
}
"#;

/// The constructs document (`fixtures/constructs`, see `constructs.rs`) generates a client
/// that compiles, and its example lands each union in its member and goes back unchanged.
#[test]
fn the_constructs_document_compiles_and_round_trips_its_examples() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = scratch.path().join("spec");
    let document = workspace_root().join("xtask/tests/fixtures/constructs/constructs.json");
    spec_with_auth(&spec, &document);
    // The program reads the document's example from beside its manifest.
    std::fs::create_dir_all(scratch.path().join("app")).unwrap();
    std::fs::copy(&document, scratch.path().join("app/constructs.json")).unwrap();
    let output = cargo_downstream(scratch.path(), &spec, CONSTRUCTS, "run");
    assert!(
        output.status.success(),
        "the constructs client does not compile or its checks fail:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Checks on the client generated from the constructs document, run as a program.
const CONSTRUCTS: &str = r#"
use serde_json::{json, Value};
use spotnana::auth::types::*;

fn back<T: serde::de::DeserializeOwned + serde::Serialize>(value: &Value) -> (T, Value) {
    let parsed: T = serde_json::from_value(value.clone()).expect("parses");
    let again = serde_json::to_value(&parsed).expect("serializes");
    (parsed, again)
}

fn main() {
    let doc: Value = serde_json::from_str(include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/constructs.json"))).unwrap();
    let example = doc.pointer("/components/schemas/Owner/examples/0").unwrap().clone();
    let (owner, again) = back::<Owner>(&example);
    assert_eq!(again, example, "the example round-trips");
    assert!(matches!(owner.pet, Some(Pet::Cat(_))), "allOf + discriminator: {:?}", owner.pet);
    assert!(matches!(owner.shape, Some(Shape::Circle(_))), "anyOf: {:?}", owner.shape);
    assert!(matches!(owner.fee, Some(Fee::AgentFee(_))), "one member: {:?}", owner.fee);
    assert!(matches!(owner.vehicle, Some(OwnerVehicle::Bike(_))), "inline oneOf: {:?}", owner.vehicle);
    assert!(matches!(owner.badges[0].badge, Some(OwnerBadgesItemBadge::StarBadge(_))));
    let _: Option<X1stClass> = owner.seat;
    let _: Option<Self_> = owner.self_;
    assert_eq!(owner.level.map(|l| *l), Some(2));

    // Members added later, by tag or by keys, are kept whole.
    for (unknown, what) in [
        (json!({"petType": "BIRD", "wings": 2}), "pet"),
        (json!({"vehicleType": "BOAT", "sails": 1}), "vehicle"),
        (json!({"feeType": "BOOKING", "amount": 1.0}), "fee"),
        (json!({"triangle": {"side": 1.0}}), "shape"),
    ] {
        let mut with = example.clone();
        with[what] = unknown.clone();
        let (_, again) = back::<Owner>(&with);
        assert_eq!(again[what], unknown, "{what}: a member added later is kept");
    }
    let (pet, _) = back::<Pet>(&json!({"petType": "BIRD"}));
    assert!(matches!(pet, Pet::Unrecognized(_)));
    // No tag: the member whose schema defaults it, else kept whole; never an error.
    let (badge, again) = back::<OwnerBadgesItemBadge>(&json!({"stars": 3}));
    assert!(matches!(badge, OwnerBadgesItemBadge::StarBadge(_)), "{badge:?}");
    assert_eq!(again["stars"], 3);
    let (pet, again) = back::<Pet>(&json!({"name": "Rex"}));
    assert!(matches!(pet, Pet::Unrecognized(_)), "{pet:?}");
    assert_eq!(again, json!({"name": "Rex"}));

    // Constructors fill the tag; serializing writes the mapping's tag whatever the field holds.
    let mut car = Car::new();
    assert_eq!(car.vehicle_type, "CAR");
    car.vehicle_type = "CRA".into();
    let sent = serde_json::to_value(OwnerVehicle::Car(car)).unwrap();
    assert_eq!(sent["vehicleType"], "CAR");

    // A value outside a pattern is read as sent, refused when built.
    let (seat, again) = back::<X1stClass>(&json!({"seat": "window"}));
    assert_eq!(again["seat"], "window");
    assert!("window".parse::<X1stClassSeat>().is_err());
    let _ = seat;
    println!("constructs: every check holds");
}
"#;

/// Spotnana adds optional parameters and properties without notice: the next release of
/// the document (`things-v2.json`: an optional query parameter on an operation that had
/// one, the first on three that had none, one of them paged, and an optional body property)
/// regenerates a client the same caller compiles against unchanged.
#[test]
fn a_caller_compiles_unchanged_when_optional_parameters_and_properties_are_added() {
    let scratch = tempfile::tempdir().unwrap();
    let spec = scratch.path().join("spec");
    let fixtures = workspace_root().join("xtask/tests/fixtures/compat");
    for release in ["things-v1.json", "things-v2.json"] {
        // The release stands in for the auth document, pinned in the lock.
        spec_with_auth(&spec, &fixtures.join(release));
        let output = cargo_downstream(scratch.path(), &spec, CALLER, "build");
        assert!(
            output.status.success(),
            "the caller does not compile against {release}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = cargo_downstream(scratch.path(), &spec, CALLER_OF_V2, "build");
    assert!(
        output.status.success(),
        "the build is not of the second release:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
