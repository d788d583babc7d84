//! `cargo xtask package` gives crates a downstream project builds offline, outside this
//! workspace, with only the `auth` feature and without the xtask or the spec cache.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn unpack(crate_file: &Path, into: &Path) {
    let file = std::fs::File::open(crate_file).unwrap();
    tar::Archive::new(flate2::read::GzDecoder::new(file))
        .unpack(into)
        .unwrap();
}

/// Runs `cargo xtask package` into `scratch` and unpacks both crates; returns the folder
/// holding `spotnana-codegen-0.1.0/` and `spotnana-0.1.0/`.
fn package_and_unpack(scratch: &Path) -> PathBuf {
    // Packaging stages `generated-client/bundled-spec` in the workspace: one at a time.
    static PACKAGING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one = PACKAGING.lock().unwrap_or_else(|e| e.into_inner());
    let root = workspace_root();
    let cache = root.join("spec/cache/auth.json");
    assert!(
        cache.exists(),
        "{} is missing: run `cargo xtask pull` first",
        cache.display()
    );
    let out = scratch.join("crates");
    // The tests edit the working tree as they run (reports, goldens): package it as it is.
    let status = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["package", "--allow-dirty"])
        .arg("--out")
        .arg(&out)
        .status()
        .unwrap();
    assert!(status.success(), "cargo xtask package failed");
    assert!(
        !root.join("generated-client/bundled-spec").exists(),
        "the bundle must be removed after packaging"
    );
    let unpacked = scratch.join("unpacked");
    for name in ["spotnana-codegen-0.1.0", "spotnana-0.1.0"] {
        unpack(&out.join(format!("{name}.crate")), &unpacked);
    }
    unpacked
}

/// Builds a throwaway downstream crate, far from the workspace (no ../spec to fall back on),
/// depending on the unpacked `spotnana` with only the `auth` feature; `main_rs` is its code.
fn build_downstream(scratch: &Path, unpacked: &Path, main_rs: &str) -> std::process::Output {
    cargo_downstream(scratch, unpacked, main_rs, "build")
}

/// As [`build_downstream`], running `cargo <command>` (`build` or `run`).
fn cargo_downstream(scratch: &Path, unpacked: &Path, main_rs: &str, command: &str) -> std::process::Output {
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

[patch.crates-io]
spotnana-codegen = {{ path = "{}" }}

[workspace]
"#,
            unpacked.join("spotnana-0.1.0").display(),
            unpacked.join("spotnana-codegen-0.1.0").display()
        ),
    )
    .unwrap();
    std::fs::write(app.join("src/main.rs"), main_rs).unwrap();
    // Reuse a persistent target dir so reruns only rebuild the two crates.
    // Under CARGO_TARGET_DIR when it is set (CI caches it), else the workspace's target.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("downstream");
    Command::new(env!("CARGO"))
        .args([command, "--offline", "--target-dir"])
        .arg(&target)
        .current_dir(&app)
        .env_remove("SPOTNANA_PORTAL")
        .output()
        .unwrap()
}

#[test]
fn packaged_spotnana_builds_offline_outside_the_workspace() {
    let scratch = tempfile::tempdir().unwrap();
    let unpacked = package_and_unpack(scratch.path());
    let spotnana = unpacked.join("spotnana-0.1.0");
    assert!(
        spotnana.join("bundled-spec/auth.json").exists(),
        "the documents travel inside the package"
    );
    assert!(spotnana.join("bundled-spec/lock.toml").exists());
    let output = build_downstream(
        scratch.path(),
        &unpacked,
        "fn main() {\n    let s = spotnana::Spotnana::new(spotnana::SANDBOX_URL, Default::default());\n    let _auth: spotnana::auth::Client = s.auth();\n}\n",
    );
    assert!(
        output.status.success(),
        "downstream build failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
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

/// Stands `release` (a fixture document) in for the auth document of the unpacked bundle.
fn bundle_as_auth(unpacked: &Path, release: &Path) {
    let bundle = unpacked.join("spotnana-0.1.0/bundled-spec");
    let bytes = std::fs::read(release).unwrap();
    std::fs::write(bundle.join("auth.json"), &bytes).unwrap();
    let mut lock = spotnana_codegen::manifest::Lock::load(&bundle.join("lock.toml")).unwrap();
    let auth = lock.api.iter_mut().find(|a| a.module == "auth").unwrap();
    auth.sha256 = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
    auth.size = bytes.len() as u64;
    std::fs::write(bundle.join("lock.toml"), lock.to_toml()).unwrap();
}

/// The constructs document (`fixtures/constructs`, see `constructs.rs`) generates a client
/// that compiles, and its example lands each union in its member and goes back unchanged.
#[test]
fn the_constructs_document_compiles_and_round_trips_its_examples() {
    let scratch = tempfile::tempdir().unwrap();
    let unpacked = package_and_unpack(scratch.path());
    let document = workspace_root().join("xtask/tests/fixtures/constructs/constructs.json");
    bundle_as_auth(&unpacked, &document);
    // The program reads the document's example from beside its manifest.
    std::fs::create_dir_all(scratch.path().join("app")).unwrap();
    std::fs::copy(&document, scratch.path().join("app/constructs.json")).unwrap();
    let output = cargo_downstream(scratch.path(), &unpacked, CONSTRUCTS, "run");
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
    let unpacked = package_and_unpack(scratch.path());
    let fixtures = workspace_root().join("xtask/tests/fixtures/compat");
    for release in ["things-v1.json", "things-v2.json"] {
        // The release stands in for the auth document: the bundle pins it in the lock.
        bundle_as_auth(&unpacked, &fixtures.join(release));
        let output = build_downstream(scratch.path(), &unpacked, CALLER);
        assert!(
            output.status.success(),
            "the caller does not compile against {release}:\n{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = build_downstream(scratch.path(), &unpacked, CALLER_OF_V2);
    assert!(
        output.status.success(),
        "the build is not of the second release:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
