//! `cargo xtask pull / regenerate / check` against an in-process HTTP server on 127.0.0.1
//! serving the portal fixture (`fixtures/portal`: two releases of three small APIs, laid out
//! like the portal, with a changelog), with faults injected.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A release of the portal fixture: `before` or `after`.
fn release(name: &str) -> PathBuf {
    workspace_root().join("xtask/tests/fixtures/portal").join(name)
}

/// Serves every file of a release at its relative path.
async fn serve(name: &str) -> MockServer {
    let server = MockServer::start().await;
    mount_dir(&server, &release(name), &release(name)).await;
    server
}

async fn mount_dir(server: &MockServer, root: &Path, dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            Box::pin(mount_dir(server, root, &p)).await;
        } else {
            let rel = p.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
            Mock::given(method("GET"))
                .and(path(format!("/{rel}")))
                .respond_with(ResponseTemplate::new(200).set_body_bytes(std::fs::read(&p).unwrap()))
                .mount(server)
                .await;
        }
    }
}

/// The manifest of the fixture's APIs.
fn fixture_manifest() -> PathBuf {
    workspace_root().join("xtask/tests/fixtures/portal/apis.toml")
}

fn fixture_api_count() -> usize {
    spotnana_codegen::manifest::Manifest::load(&fixture_manifest())
        .unwrap()
        .api
        .len()
}

/// A spec directory holding only the fixture's manifest.
fn spec_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture_manifest(), dir.path().join("apis.toml")).unwrap();
    dir
}

async fn xtask(spec: &Path, args: &[&str]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_xtask"));
    cmd.arg("--spec-dir").arg(spec).args(args).env_remove("SPOTNANA_PORTAL");
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}
fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Every byte of the lock and the cache.
fn state(spec: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut files = BTreeMap::new();
    files.insert("lock.toml".into(), std::fs::read(spec.join("lock.toml")).unwrap());
    for e in std::fs::read_dir(spec.join("cache")).unwrap() {
        let p = e.unwrap().path();
        files.insert(
            format!("cache/{}", p.file_name().unwrap().to_string_lossy()),
            std::fs::read(&p).unwrap(),
        );
    }
    files
}

/// A spec directory pulled from the first release (as a directory base).
async fn pulled_before() -> tempfile::TempDir {
    let spec = spec_dir();
    let base = release("before");
    let out = xtask(spec.path(), &["pull", "--portal", base.to_str().unwrap()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    spec
}

/// `regenerate` from `server`, its report written into the spec directory and its release into
/// a crate of its own (whose version and CHANGELOG.md the release writes: a manifest at 0.1.0).
async fn regenerate_into_crate(spec: &Path, server: &MockServer) -> (Output, PathBuf, tempfile::TempDir) {
    let report = spec.join("report.md");
    let crate_dir = tempfile::tempdir().unwrap();
    std::fs::write(
        crate_dir.path().join("Cargo.toml"),
        "[package]\nname = \"spotnana\"\nversion = \"0.1.0\"\n",
    )
    .unwrap();
    let out = xtask(
        spec,
        &[
            "regenerate",
            "--portal",
            &server.uri(),
            "--no-build",
            "--report",
            report.to_str().unwrap(),
            "--crate-dir",
            crate_dir.path().to_str().unwrap(),
        ],
    )
    .await;
    (out, report, crate_dir)
}

async fn requests_to(server: &MockServer, suffix: &str) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path().ends_with(suffix))
        .count()
}

#[tokio::test(flavor = "multi_thread")]
async fn regenerate_finds_the_new_entries_then_nothing_new() {
    let spec = pulled_before().await;
    let lock = std::fs::read_to_string(spec.path().join("lock.toml")).unwrap();
    assert!(lock.contains("changelog_cursor = \"June 25, 2026\""), "{lock}");
    // Pulled from a directory, pinned by the address Spotnana publishes at.
    assert!(
        lock.contains("url = \"https://developer.spotnana.com/_bundle/openapi/thingsapi.json\""),
        "{lock}"
    );
    assert!(!lock.contains("fixtures"), "a local directory in the lock:\n{lock}");

    let server = serve("after").await;
    let (out, report, crate_dir) = regenerate_into_crate(spec.path(), &server).await;
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    // The new entries of the changelog, each listed.
    let headings = ["July 9, 2026", "July 1, 2026"];
    assert!(
        text.contains(&format!("{} new changelog entries since June 25, 2026", headings.len())),
        "{text}"
    );
    for heading in headings {
        assert!(text.contains(&format!("  {heading}:")), "{heading} not listed:\n{text}");
    }
    assert!(text.contains("untracked Car API"), "{text}");
    // The APIs the new entries name, among the tracked ones.
    let changed = ["things", "places"];
    assert!(text.contains(&format!("changed: {}\n", changed.join(", "))), "{text}");
    assert!(text.contains("cursor advanced to July 9, 2026"), "{text}");
    let lock = std::fs::read_to_string(spec.path().join("lock.toml")).unwrap();
    assert!(lock.contains("changelog_cursor = \"July 9, 2026\""), "{lock}");
    let md = std::fs::read_to_string(&report).unwrap();
    let tracked = fixture_api_count();
    assert!(
        md.contains(&format!("{} of {tracked} tracked documents changed", changed.len())),
        "{md}"
    );
    // The spec diff of the old cache against the pulled documents is embedded.
    assert!(md.contains("\n## Spec diff\n"), "{md}");
    for id in [
        "things/enum-value-added/Color/BLUE",
        "things/property-added/Thing.note",
        "things/operation-added/GET /v2/things/{thingId}",
        "places/deprecated/Place.legacyCode",
    ] {
        assert!(md.contains(&format!("id: `{id}`")), "{id} not in the report:\n{md}");
    }
    assert!(
        md.contains(" findings, 0 breaking on the wire, 0 breaking in Rust"),
        "{md}"
    );
    // Additions only: the next patch release, written into the crate with its CHANGELOG.
    assert!(md.contains("Next version of `spotnana`: **0.1.1** (from 0.1.0"), "{md}");
    let manifest = std::fs::read_to_string(crate_dir.path().join("Cargo.toml")).unwrap();
    assert!(manifest.contains("version = \"0.1.1\""), "{manifest}");
    let changelog = std::fs::read_to_string(crate_dir.path().join("CHANGELOG.md")).unwrap();
    assert!(changelog.starts_with("# Changelog"), "{changelog}");
    assert!(changelog.contains("## [0.1.1] - "), "{changelog}");
    assert!(changelog.contains("things::types::Thing::note"), "{changelog}");
    assert!(changelog.contains("### Deprecated"), "{changelog}");
    assert_eq!(
        requests_to(&server, ".json").await,
        tracked,
        "one download per tracked API"
    );
    // The ledger is written with the lock: counts per pinned document.
    let ledger = std::fs::read_to_string(spec.path().join("ledger.md")).unwrap();
    assert!(ledger.contains("| `ref_siblings_to_all_of` |"), "{ledger}");
    // The new cache is exactly the new release's documents.
    let after = release("after");
    for (name, bytes) in state(spec.path()).iter().filter(|(n, _)| n.starts_with("cache/")) {
        let module = name.trim_start_matches("cache/").trim_end_matches(".json");
        let published = std::fs::read(after.join(format!("_bundle/openapi/{module}api.json"))).unwrap();
        assert!(*bytes == published, "{name} is not the new document");
    }

    // Second run: nothing new, and no document is downloaded.
    server.reset().await;
    mount_dir(&server, &after, &after).await;
    let out = xtask(spec.path(), &["regenerate", "--portal", &server.uri(), "--no-build"]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("nothing new since July 9, 2026"),
        "{}",
        stdout(&out)
    );
    assert_eq!(requests_to(&server, ".json").await, 0, "no document may be downloaded");
    assert_eq!(requests_to(&server, "changelog.md").await, 1);

    // --check: up to date now; a newer changelog makes it fail.
    let out = xtask(spec.path(), &["regenerate", "--check", "--portal", &server.uri()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let old = spec_dir();
    let out = xtask(old.path(), &["pull", "--portal", release("before").to_str().unwrap()]).await;
    assert!(out.status.success());
    let out = xtask(old.path(), &["regenerate", "--check", "--portal", &server.uri()]).await;
    assert_eq!(out.status.code(), Some(1), "stale is exit 1: {}", stderr(&out));
    assert!(
        stderr(&out).contains("2 changelog entries are newer than the lock"),
        "{}",
        stderr(&out)
    );
}

/// A fresh clone has the lock but no cache: regenerating against the portal the lock pins
/// changes nothing, and the spec diff reports no findings (not every API added).
#[tokio::test(flavor = "multi_thread")]
async fn a_fresh_clone_regenerating_the_pinned_portal_reports_no_findings() {
    let spec = pulled_before().await;
    std::fs::remove_dir_all(spec.path().join("cache")).unwrap();
    let report = spec.path().join("report.md");
    let before = release("before");
    let out = xtask(
        spec.path(),
        &[
            "regenerate",
            "--force",
            "--portal",
            before.to_str().unwrap(),
            "--no-build",
            "--report",
            report.to_str().unwrap(),
        ],
    )
    .await;
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let md = std::fs::read_to_string(&report).unwrap();
    let tracked = fixture_api_count();
    assert!(
        md.contains(&format!("\n0 of {tracked} tracked documents changed")),
        "{md}"
    );
    assert!(!md.contains("**yes**"), "no document changed: {md}");
    assert!(md.contains("\n0 findings"), "{md}");
    assert!(!md.contains("api-added"), "{md}");
}

/// Runs a failing pull against `server` and checks the error and that nothing changed.
async fn assert_pull_fails_cleanly(server_uri: &str, extra: &[&str], expected: &[&str]) {
    let spec = pulled_before().await;
    let before = state(spec.path());
    let mut args = vec!["pull", "--portal", server_uri];
    args.extend_from_slice(extra);
    let out = xtask(spec.path(), &args).await;
    let err = stderr(&out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the pull should fail with 2:\n{}",
        stdout(&out)
    );
    for e in expected {
        assert!(err.contains(e), "error lacks {e:?}:\n{err}");
    }
    assert!(
        state(spec.path()) == before,
        "cache or lock changed after a failed pull"
    );
    let leftovers: Vec<_> = std::fs::read_dir(spec.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left behind: {leftovers:?}");
}

async fn after_with_things(response: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/_bundle/openapi/thingsapi.json"))
        .respond_with(response)
        .with_priority(1)
        .mount(&server)
        .await;
    let after = release("after");
    mount_dir(&server, &after, &after).await;
    server
}

#[tokio::test(flavor = "multi_thread")]
async fn a_500_then_200_is_retried_and_succeeds() {
    let after = release("after");
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/_bundle/openapi/thingsapi.json"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_dir(&server, &after, &after).await;
    let spec = pulled_before().await;
    let out = xtask(spec.path(), &["pull", "--portal", &server.uri()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP status 500; retrying"), "{}", stderr(&out));
    assert_eq!(requests_to(&server, "thingsapi.json").await, 2);
    let cached = std::fs::read(spec.path().join("cache/things.json")).unwrap();
    assert!(cached == std::fs::read(after.join("_bundle/openapi/thingsapi.json")).unwrap());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_429_with_retry_after_is_honoured() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/_bundle/openapi/thingsapi.json"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let after = release("after");
    mount_dir(&server, &after, &after).await;
    let spec = pulled_before().await;
    let out = xtask(spec.path(), &["pull", "--portal", &server.uri()]).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("HTTP status 429; retrying in 1.0 s"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn persistent_5xx_fails_naming_api_url_and_status() {
    let server = after_with_things(ResponseTemplate::new(503)).await;
    let url = format!("{}/_bundle/openapi/thingsapi.json", server.uri());
    assert_pull_fails_cleanly(
        &server.uri(),
        &["--retries", "1"],
        &["things: fetching", &url, "HTTP status 503"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_timeout_fails_cleanly() {
    let server = after_with_things(
        ResponseTemplate::new(200)
            .set_body_string("{}")
            .set_delay(std::time::Duration::from_secs(5)),
    )
    .await;
    assert_pull_fails_cleanly(
        &server.uri(),
        &["--timeout", "1", "--retries", "0"],
        &["things: fetching", "timeout"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_body_that_is_not_json_fails_cleanly() {
    let server = after_with_things(ResponseTemplate::new(200).set_body_string("\t{{ [not: json")).await;
    assert_pull_fails_cleanly(&server.uri(), &[], &["things", "not JSON"]).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn json_that_is_not_openapi_fails_cleanly() {
    let server =
        after_with_things(ResponseTemplate::new(200).set_body_string(r#"{"swagger": "2.0", "paths": {}}"#)).await;
    assert_pull_fails_cleanly(
        &server.uri(),
        &[],
        &["things", "not an OpenAPI 3.x document: /openapi is missing"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_truncated_body_fails_cleanly() {
    // wiremock always sends whole bodies; a raw socket announces 400000 bytes and sends 20.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 400000\r\n\r\n{\"openapi\": \"3.1.0\",");
        }
    });
    assert_pull_fails_cleanly(
        &format!("http://{addr}"),
        &["--retries", "0"],
        &["things: fetching", "reading the body"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_cache_file_altered_by_hand_fails_check_naming_it() {
    let spec = pulled_before().await;
    // The fixture's APIs are not features of the crate, which the check reports as well; the
    // cache itself matches the lock.
    let out = xtask(spec.path(), &["check"]).await;
    assert!(!stderr(&out).contains("has sha256"), "{}", stderr(&out));
    let file = spec.path().join("cache/places.json");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.push(b'\n');
    std::fs::write(&file, bytes).unwrap();
    let out = xtask(spec.path(), &["check"]).await;
    assert_eq!(out.status.code(), Some(1), "a stale cache is exit 1");
    assert!(stderr(&out).contains("places: "), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("cache/places.json has sha256"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_changelog_without_entries_is_an_error() {
    let spec = pulled_before().await;
    let before = state(spec.path());
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/releases/changelog.md"))
        .respond_with(ResponseTemplate::new(200).set_body_string("# API changelog\n\nWe are redesigning this page.\n"))
        .mount(&server)
        .await;
    let out = xtask(spec.path(), &["regenerate", "--portal", &server.uri(), "--no-build"]).await;
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert!(
        stderr(&out).contains("no entry with a date heading"),
        "{}",
        stderr(&out)
    );
    assert!(state(spec.path()) == before);
}

/// The old side of the spec diff is what the lock pins: a cache file altered by hand is no
/// record of it, so its API's changes are unknown and the release is assumed breaking.
#[tokio::test(flavor = "multi_thread")]
async fn a_cache_altered_by_hand_is_not_diffed_as_the_old_release() {
    let spec = pulled_before().await;
    let file = spec.path().join("cache/places.json");
    let mut bytes = std::fs::read(&file).unwrap();
    bytes.push(b'\n');
    std::fs::write(&file, bytes).unwrap();
    let server = serve("after").await;
    let (out, report, _crate_dir) = regenerate_into_crate(spec.path(), &server).await;
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert!(
        stderr(&out).contains("places: ") && stderr(&out).contains("cache/places.json has sha256"),
        "{}",
        stderr(&out)
    );
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(
        md.contains("the previous documents of places were not at hand to compare"),
        "{md}"
    );
    assert!(md.contains("Next version of `spotnana`: **0.2.0**"), "{md}");
}
