//! `cargo xtask diff` on the shared portal snapshots (golden report) and on tiny portals
//! written here (`--fail-on breaking`, the `cache` side).

mod common;

use common::{text, workspace_root, xtask};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

const JUNE: &str = "../shared/portal/2026-06-25";
const JULY: &str = "../shared/portal/2026-07-21";
const GOLDEN: &str = "xtask/tests/golden/diff-2026-06-25-to-2026-07-21.md";

/// A snapshot (relative to the workspace root, as the report names it); fails if missing.
fn snapshot(rel: &str) -> &str {
    let dir = workspace_root().join(rel);
    assert!(
        dir.join("_bundle/openapi").is_dir(),
        "{} is missing: these tests need the shared portal snapshots",
        dir.display()
    );
    rel
}

/// A spec directory with the manifest of the APIs the portal snapshots hold (frozen: the
/// workspace's own may list an API the snapshots lack).
fn snapshot_spec() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/snapshot-spec"))
}

#[test]
fn june_to_july_matches_the_golden_report() {
    let (june, july) = (snapshot(JUNE), snapshot(JULY));
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("diff.md");
    let run = xtask(&snapshot_spec(), &["diff", june, july, "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    let actual = std::fs::read_to_string(&out).unwrap();
    let golden = workspace_root().join(GOLDEN);
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

/// Every change the July changelog entries describe for the tracked APIs, with its
/// verdicts; and nothing else.
#[test]
fn june_to_july_lists_each_changelog_change_and_nothing_else() {
    let (june, july) = (snapshot(JUNE), snapshot(JULY));
    let run = xtask(&snapshot_spec(), &["diff", june, july, "--format", "json"]);
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
            "air/property-added/AirCancelPnrRequest.manualRemarks",
            Some("request"),
            "air::types::AirCancelPnrRequest::manual_remarks",
        ),
        (
            "company/operation-added/GET /v2/companies/{companyId}/preference-tiers",
            None,
            "company::Client::list_preference_tiers",
        ),
        (
            "company/operation-added/PUT /v2/companies/{companyId}/preference-tiers",
            None,
            "company::Client::store_preference_tiers",
        ),
        (
            "company/operation-added/POST /v2/companies/{companyId}/vendor-preferences",
            None,
            "company::Client::upload_company_preferences",
        ),
        (
            "company/enum-value-added/PaymentMethod/NO_PREPAYMENT",
            Some("both"),
            "company::types::PaymentMethod::NoPrepayment",
        ),
        (
            "company/property-added/PaymentMetadata.customPaymentMethodMetadata.noPrepaymentMetadata",
            Some("response"),
            "company::types::PaymentMetadataCustomPaymentMethodMetadata::no_prepayment_metadata",
        ),
        (
            "payments/property-added/PaymentMetadata.customPaymentMethodMetadata.noPrepaymentMetadata",
            Some("response"),
            "payments::types::PaymentMetadataCustomPaymentMethodMetadata::no_prepayment_metadata",
        ),
        (
            "trip/property-added/PaymentMetadata.customPaymentMethodMetadata.noPrepaymentMetadata",
            Some("both"),
            "trip::types::PaymentMetadataCustomPaymentMethodMetadata::no_prepayment_metadata",
        ),
        (
            "trip/enum-value-added/PaymentMethod/NO_PREPAYMENT",
            Some("both"),
            "trip::types::PaymentMethod::NoPrepayment",
        ),
        (
            "trip/enum-value-added/QcRuleType/EXTERNAL_COMMISSIONS_PROCESSING_RULE",
            Some("both"),
            "trip::types::QcRuleType::ExternalCommissionsProcessingRule",
        ),
        (
            "trip/deprecated/ItemGroup.penalty",
            Some("both"),
            "trip::types::ItemGroup::penalty",
        ),
        (
            "trip/deprecated/ItemGroup.totalAmount",
            Some("both"),
            "trip::types::ItemGroup::total_amount",
        ),
        (
            "trip/deprecated/ItemGroup.transactionFares",
            Some("both"),
            "trip::types::ItemGroup::transaction_fares",
        ),
        (
            "event/property-added/TmcFilter.showToTraveler",
            Some("response"),
            "event::types::TmcFilter::show_to_traveler",
        ),
        (
            "event/property-added/FlightPassPaymentMetadata.flightPassAmounts",
            Some("response"),
            "event::types::FlightPassPaymentMetadata::flight_pass_amounts",
        ),
        // The July 14 and July 20 entries name the Template API too.
        (
            "template/property-added/TmcFilter.showToTraveler",
            Some("response"),
            "template::types::TmcFilter::show_to_traveler",
        ),
        (
            "template/property-added/FlightPassPaymentMetadata.flightPassAmounts",
            Some("response"),
            "template::types::FlightPassPaymentMetadata::flight_pass_amounts",
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
        .find(|f| f["id"] == "trip/deprecated/ItemGroup.penalty")
        .unwrap();
    assert!(
        sunset["summary"].as_str().unwrap().contains("x-sunset 2027-01-01"),
        "{sunset:#}"
    );
    // The unchanged documents are listed with equal hashes.
    let policy = report["apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["module"] == "policy")
        .unwrap();
    assert_eq!(policy["old_sha256"], policy["new_sha256"]);
    assert_eq!(policy["findings"], json!([]));

    // Every Rust item the report names exists in the client generated from July.
    let generated = generate(july);
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

/// The client generated from a snapshot: module → code, `common` included.
fn generate(snapshot: &str) -> std::collections::BTreeMap<String, String> {
    // The snapshots' APIs (frozen: the workspace's manifest may list one they lack).
    let manifest = spotnana_codegen::manifest::Manifest::load(&snapshot_spec().join("apis.toml")).unwrap();
    let docs: Vec<(String, Vec<u8>)> = manifest
        .api
        .iter()
        .map(|api| {
            let path = workspace_root().join(snapshot).join(&api.path);
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
fn june_to_july_has_nothing_breaking() {
    let (june, july) = (snapshot(JUNE), snapshot(JULY));
    let run = xtask(&snapshot_spec(), &["diff", june, july, "--fail-on", "breaking"]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    // And the other way round, the July additions vanish: the NO_PREPAYMENT values sent in
    // requests are removed.
    let back = xtask(&snapshot_spec(), &["diff", july, june, "--fail-on", "breaking"]);
    assert!(!back.status.success(), "{}", text(&back.stdout));
    assert!(
        text(&back.stderr).contains("trip/enum-value-removed/PaymentMethod/NO_PREPAYMENT"),
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
    assert!(!breaking.status.success(), "a removed property must fail the run");
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
    assert!(!run.status.success());
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
    assert!(!stale.status.success());
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
    let (june, july) = (snapshot(JUNE), snapshot(JULY));
    let server = MockServer::start().await;
    let docs = workspace_root().join(july).join("_bundle/openapi");
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
            xtask(&snapshot_spec(), &["diff", june, &uri]),
            xtask(&snapshot_spec(), &["diff", june, july]),
        )
    })
    .await
    .unwrap();
    assert!(by_url.status.success(), "{}", text(&by_url.stderr));
    let (url_text, dir_text) = (text(&by_url.stdout), text(&by_dir.stdout));
    assert!(url_text.contains(&format!("New: `{}`", server.uri())), "{url_text}");
    assert_eq!(url_text.replace(&server.uri(), july), dir_text);
}
