//! `cargo xtask diff` on the portal fixture (`fixtures/portal`, golden report) and on tiny
//! portals written here (`--fail-on breaking`, the `cache` side). The same report on
//! Spotnana's own releases is checked by `.ci/run` where their snapshots are at hand.

mod common;

use common::{text, workspace_root, xtask};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// The fixture's two releases, relative to the workspace root (as the report names them).
const BEFORE: &str = "xtask/tests/fixtures/portal/before";
const AFTER: &str = "xtask/tests/fixtures/portal/after";
/// A release of our own after `AFTER` that breaks Rust callers: a property removed, a
/// required request property added, an enum value added, an operationId renamed.
const BREAKING: &str = "xtask/tests/fixtures/portal/breaking";

/// The spec directory of the fixture: its manifest.
fn fixture_spec() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/portal"))
}

/// The report of `old` → `new` (the next version computed from `version`) is `golden`.
fn assert_golden(old: &str, new: &str, version: &str, date: &str, golden: &str) {
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("diff.md");
    let run = xtask(
        &fixture_spec(),
        &[
            "diff",
            old,
            new,
            "--version",
            version,
            "--release-date",
            date,
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(run.status.success(), "{}", text(&run.stderr));
    let actual = std::fs::read_to_string(&out).unwrap();
    let golden = workspace_root().join(golden);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden.parent().unwrap()).unwrap();
        std::fs::write(&golden, &actual).unwrap();
    }
    let expected = std::fs::read_to_string(&golden)
        .unwrap_or_else(|e| panic!("{}: {e} (UPDATE_GOLDEN=1 writes it)", golden.display()));
    assert!(
        actual == expected,
        "the report differs from {} (UPDATE_GOLDEN=1 rewrites it):\n{actual}",
        golden.display()
    );
}

/// Findings, verdicts, the next version (a patch: additions to 0.1.0) and its CHANGELOG
/// section.
#[test]
fn the_fixture_release_matches_the_golden_report() {
    assert_golden(
        BEFORE,
        AFTER,
        "0.1.0",
        "2026-07-01",
        "xtask/tests/golden/diff-fixture.md",
    );
}

/// A release that breaks Rust callers: the breaking bump of a 0.y version, every breaking
/// finding first in the CHANGELOG section with what to change in callers' code.
#[test]
fn a_breaking_release_bumps_the_minor_version_and_says_how_to_migrate() {
    assert_golden(
        AFTER,
        BREAKING,
        "0.1.1",
        "2026-08-03",
        "xtask/tests/golden/diff-fixture-breaking.md",
    );
    let run = xtask(&fixture_spec(), &["diff", AFTER, BREAKING, "--version", "0.1.1"]);
    let md = text(&run.stdout);
    assert!(md.contains("Next version of `spotnana`: **0.2.0**"), "{md}");
    let section = &md[md.find("```markdown").unwrap()..];
    let breaking = section.find("### Breaking").unwrap();
    let added = section.find("### Added").unwrap();
    assert!(breaking < added, "breaking changes come first:\n{section}");
    for id in ["`Thing.color`", "`Thing.owner`", "`GET /v2/things`"] {
        let at = section.find(id).unwrap_or_else(|| panic!("{id} missing:\n{section}"));
        assert!(breaking < at && at < added, "{id} is not under Breaking:\n{section}");
    }
    assert!(section.contains("things::types::Color::Yellow"), "{section}");
    assert_eq!(section.matches("Migration: ").count(), 3, "{section}");
}

/// Every change the new changelog entries describe for the tracked APIs, with its
/// verdicts; and nothing else.
#[test]
fn the_fixture_release_lists_each_changelog_change_and_nothing_else() {
    let run = xtask(&fixture_spec(), &["diff", BEFORE, AFTER, "--format", "json"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let report: Value = serde_json::from_slice(&run.stdout).unwrap();
    let findings: Vec<&Value> = report["apis"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["findings"].as_array().unwrap())
        .collect();
    // (id, direction, Rust item)
    let expected = [
        (
            "things/property-added/Thing.note",
            Some("both"),
            "things::types::Thing::note",
        ),
        (
            "things/enum-value-added/Color/BLUE",
            Some("both"),
            "things::types::Color::Blue",
        ),
        (
            "things/operation-added/GET /v2/things/{thingId}",
            None,
            "things::Client::get_thing",
        ),
        (
            "places/deprecated/Place.legacyCode",
            Some("response"),
            "places::types::Place::legacy_code",
        ),
    ];
    for (id, direction, item) in expected {
        let f = findings
            .iter()
            .find(|f| f["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing from {findings:#?}"));
        assert_eq!(f["direction"].as_str(), direction, "{id}");
        assert_eq!(f["wire"], "non-breaking", "{id}");
        assert_eq!(f["rust"], "non-breaking", "{id}");
        assert!(
            f["rust_items"].as_array().unwrap().contains(&json!(item)),
            "{id}: {f:#}"
        );
    }
    let ids: Vec<&str> = findings.iter().map(|f| f["id"].as_str().unwrap()).collect();
    assert_eq!(findings.len(), expected.len(), "unexpected findings: {ids:#?}");
    let sunset = findings
        .iter()
        .find(|f| f["id"] == "places/deprecated/Place.legacyCode")
        .unwrap();
    assert!(
        sunset["summary"].as_str().unwrap().contains("x-sunset 2027-01-01"),
        "{sunset:#}"
    );
    // The unchanged document is listed with equal hashes.
    let people = report["apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["module"] == "people")
        .unwrap();
    assert_eq!(people["old_sha256"], people["new_sha256"]);
    assert_eq!(people["findings"], json!([]));

    // Every Rust item the report names exists in the client generated from the new release.
    let generated = generate(AFTER);
    for f in &findings {
        for item in f["rust_items"].as_array().unwrap() {
            let item = item.as_str().unwrap();
            assert!(
                names_generated_item(&generated, item),
                "{}: {item} is not in the generated code",
                f["id"]
            );
        }
    }
}

/// The client generated from a release of the fixture: module → code, `common` included.
fn generate(release: &str) -> std::collections::BTreeMap<String, String> {
    let manifest = spotnana_codegen::manifest::Manifest::load(&fixture_spec().join("apis.toml")).unwrap();
    let docs: Vec<(String, Vec<u8>)> = manifest
        .api
        .iter()
        .map(|api| {
            let path = workspace_root().join(release).join(&api.path);
            (
                api.module.clone(),
                std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
            )
        })
        .collect();
    let inputs: Vec<(&str, &[u8])> = docs.iter().map(|(m, b)| (m.as_str(), b.as_slice())).collect();
    let set = spotnana_codegen::generate_all(&inputs, &spotnana_codegen::Options::default()).unwrap();
    let mut code: std::collections::BTreeMap<String, String> = set.apis.into_iter().map(|(m, g)| (m, g.code)).collect();
    code.insert("common".into(), set.common);
    code
}

/// Whether `module::types::Type::member` or `module::Client::method` is in the generated
/// code (a type may live in `common`, re-exported by the API's `types`).
fn names_generated_item(code: &std::collections::BTreeMap<String, String>, item: &str) -> bool {
    let parts: Vec<&str> = item.split("::").collect();
    let module = &code[parts[0]];
    match parts.as_slice() {
        [_, "Client", method] => {
            module.contains(&format!("pub async fn {method}<")) || module.contains(&format!("pub async fn {method}("))
        }
        [_, ty] => module.contains(&format!("pub struct {ty} ")) || module.contains(&format!("pub struct {ty}<")),
        [_, "types", ty, member] => {
            let owner = if module.contains(&format!("pub use crate::common::{ty};")) {
                &code["common"]
            } else {
                module
            };
            let Some(start) = owner
                .find(&format!("pub struct {ty} {{"))
                .or_else(|| owner.find(&format!("pub enum {ty} {{")))
            else {
                return false;
            };
            // The item ends at the closing brace indented as its `pub` line.
            let indent = &owner[owner[..start].rfind('\n').map_or(0, |i| i + 1)..start];
            let end = owner[start..]
                .find(&format!("\n{indent}}}"))
                .map_or(owner.len(), |e| start + e);
            let body = &owner[start..end];
            body.contains(&format!("pub {member}:"))
                || body.contains(&format!(" {member},"))
                || body.contains(&format!(" {member} {{"))
        }
        _ => false,
    }
}

#[test]
fn the_fixture_release_has_nothing_breaking() {
    let run = xtask(&fixture_spec(), &["diff", BEFORE, AFTER, "--fail-on", "breaking"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    // And the other way round, the additions vanish: the BLUE value sent in requests is
    // removed.
    let back = xtask(&fixture_spec(), &["diff", AFTER, BEFORE, "--fail-on", "breaking"]);
    assert_eq!(back.status.code(), Some(1), "findings exit 1: {}", text(&back.stdout));
    assert!(
        text(&back.stderr).contains("things/enum-value-removed/Color/BLUE"),
        "{}",
        text(&back.stderr)
    );
}

/// A spec directory whose manifest tracks one API at `_bundle/openapi/thing.json`.
fn tiny_spec() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("apis.toml"),
        "[[api]]\nmodule = \"thing\"\ntitle = \"Thing API\"\npath = \"_bundle/openapi/thing.json\"\n",
    )
    .unwrap();
    dir
}

fn tiny_doc(properties: Value) -> Value {
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Thing API", "version": "v2"},
        "paths": {"/v2/things/{id}": {"get": {
            "operationId": "getThing",
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "OK", "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Thing"}
            }}}}
        }}},
        "components": {"schemas": {"Thing": {"type": "object", "properties": properties}}}
    })
}

/// A directory laid out like the portal, serving `doc`.
fn tiny_portal(root: &Path, name: &str, doc: &Value) -> String {
    let dir = root.join(name).join("_bundle/openapi");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("thing.json"), serde_json::to_vec_pretty(doc).unwrap()).unwrap();
    // `pull` also reads the changelog (for the lock's cursor).
    let releases = root.join(name).join("releases");
    std::fs::create_dir_all(&releases).unwrap();
    std::fs::write(
        releases.join("changelog.md"),
        "# API changelog\n\n## July 20, 2026\n\n**APIs:** Thing API\n\n- A change.\n",
    )
    .unwrap();
    root.join(name).to_str().unwrap().to_string()
}

#[test]
fn fail_on_breaking_exits_non_zero_exactly_when_a_finding_breaks() {
    let spec = tiny_spec();
    let root = tempfile::tempdir().unwrap();
    let old = tiny_portal(
        root.path(),
        "old",
        &tiny_doc(json!({"id": {"type": "string"}, "name": {"type": "string"}})),
    );
    let added = tiny_portal(
        root.path(),
        "added",
        &tiny_doc(json!({"id": {"type": "string"}, "name": {"type": "string"}, "size": {"type": "integer"}})),
    );
    let removed = tiny_portal(root.path(), "removed", &tiny_doc(json!({"id": {"type": "string"}})));

    let safe = xtask(spec.path(), &["diff", &old, &added, "--fail-on", "breaking"]);
    assert!(safe.status.success(), "{}", text(&safe.stderr));
    assert!(
        text(&safe.stdout).contains("thing/property-added/Thing.size"),
        "{}",
        text(&safe.stdout)
    );

    let report = root.path().join("report.json");
    let breaking = xtask(
        spec.path(),
        &[
            "diff",
            &old,
            &removed,
            "--fail-on",
            "breaking",
            "--format",
            "json",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    assert_eq!(
        breaking.status.code(),
        Some(1),
        "a removed property is a finding: exit 1"
    );
    assert!(
        text(&breaking.stderr).contains("thing/property-removed/Thing.name"),
        "{}",
        text(&breaking.stderr)
    );
    // The report is written before the run fails.
    let json: Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(
        json["apis"][0]["findings"][0]["id"],
        "thing/property-removed/Thing.name"
    );
    assert_eq!(json["apis"][0]["findings"][0]["rust"], "breaking");

    let unasked = xtask(spec.path(), &["diff", &old, &removed]);
    assert!(
        unasked.status.success(),
        "without --fail-on a breaking change only reports"
    );
}

#[test]
fn cache_side_reads_the_pinned_cache() {
    let spec = tiny_spec();
    let root = tempfile::tempdir().unwrap();
    let old = tiny_portal(root.path(), "old", &tiny_doc(json!({"id": {"type": "string"}})));
    let new = tiny_portal(root.path(), "new", &tiny_doc(json!({"id": {"type": "integer"}})));
    let pull = xtask(spec.path(), &["pull", "--portal", &old]);
    assert!(pull.status.success(), "{}", text(&pull.stderr));

    let run = xtask(spec.path(), &["diff", "cache", &new, "--fail-on", "breaking"]);
    assert_eq!(run.status.code(), Some(1), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("Old: `cache`"), "{}", text(&run.stdout));
    assert!(
        text(&run.stdout).contains("thing/type-changed/Thing.id"),
        "{}",
        text(&run.stdout)
    );
    let same = xtask(spec.path(), &["diff", "cache", &old, "--fail-on", "breaking"]);
    assert!(same.status.success(), "{}", text(&same.stderr));

    // A cache that no longer matches the lock is refused, naming the file.
    std::fs::write(spec.path().join("cache/thing.json"), b"{}").unwrap();
    let stale = xtask(spec.path(), &["diff", "cache", &new]);
    assert_eq!(
        stale.status.code(),
        Some(2),
        "an unreadable side is an error, not a finding"
    );
    assert!(
        text(&stale.stderr).contains("thing.json has sha256"),
        "{}",
        text(&stale.stderr)
    );
}

/// A URL base reads the same documents as the directory it serves.
#[tokio::test(flavor = "multi_thread")]
async fn a_url_base_gives_the_same_report_as_the_directory() {
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let server = MockServer::start().await;
    let docs = workspace_root().join(AFTER).join("_bundle/openapi");
    for entry in std::fs::read_dir(&docs).unwrap() {
        let file = entry.unwrap().path();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        Mock::given(method("GET"))
            .and(path(format!("/_bundle/openapi/{name}")))
            .respond_with(ResponseTemplate::new(200).set_body_bytes(std::fs::read(&file).unwrap()))
            .mount(&server)
            .await;
    }
    let uri = server.uri();
    let (by_url, by_dir) = tokio::task::spawn_blocking(move || {
        (
            xtask(&fixture_spec(), &["diff", BEFORE, &uri]),
            xtask(&fixture_spec(), &["diff", BEFORE, AFTER]),
        )
    })
    .await
    .unwrap();
    assert!(by_url.status.success(), "{}", text(&by_url.stderr));
    let (url_text, dir_text) = (text(&by_url.stdout), text(&by_dir.stdout));
    assert!(url_text.contains(&format!("New: `{}`", server.uri())), "{url_text}");
    assert_eq!(url_text.replace(&server.uri(), AFTER), dir_text);
}
