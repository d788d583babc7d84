//! A crate outside this workspace depends on `spotnana` by path and by git (a local
//! `file://` repository), and gets the TLS stack its features ask for and no `serde_json`
//! feature it did not ask for. (The packaged crate is in `package.rs`.)

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The documents a build of `spotnana` reads; a test that needs them says how to get them.
fn pinned_spec() -> PathBuf {
    let spec = workspace_root().join("spec");
    assert!(
        spec.join("cache/auth.json").exists(),
        "{} is missing: run `cargo xtask pull --frozen` first",
        spec.join("cache").display()
    );
    spec
}

/// Writes a downstream crate at `dir` depending on `spotnana` as `dependency` (a TOML inline
/// table), with the workspace's `Cargo.lock` so it resolves to the versions already tested.
fn downstream(dir: &Path, dependency: &str) {
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"downstream\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n\
             [dependencies]\nspotnana = {dependency}\n             reqwest = {{ version = \"0.13\", default-features = false }}\n\n[workspace]\n"
        ),
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), MAIN).unwrap();
    std::fs::copy(workspace_root().join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
}

/// Builds a client both ways: a `reqwest::Client` of the caller's own after
/// `install_tls_provider` (with `rustls-ring`, building one before would panic: reqwest then
/// has no crypto provider), then through `build()`, which readies the TLS stack itself.
const MAIN: &str = r#"fn main() {
    spotnana::install_tls_provider();
    let own = spotnana::Spotnana::new(spotnana::SANDBOX_URL, reqwest::Client::new());
    let _auth: spotnana::auth::Client = own.auth();
    let built = spotnana::Spotnana::builder().sandbox().build().expect("builds");
    let _auth: spotnana::auth::Client = built.auth();
    println!("clients built");
}
"#;

/// `cargo <args>` in `dir`, with `env` set.
fn cargo(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(dir)
        .env_remove("SPOTNANA_SPEC_DIR")
        .env_remove("SPOTNANA_PORTAL");
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().unwrap()
}

/// `cargo <command> --offline` in `dir` (`build` or `run`), into the target directory the
/// downstream builds share (with `package.rs`), so that only the two crates of this workspace
/// are built again.
fn cargo_offline(dir: &Path, command: &str, env: &[(&str, &Path)]) -> Output {
    // Under CARGO_TARGET_DIR when it is set (CI caches it), else the workspace's target.
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| workspace_root().join("target"), PathBuf::from)
        .join("downstream");
    cargo(
        dir,
        &[command, "--offline", "--target-dir", target.to_str().unwrap()],
        env,
    )
}

fn build(dir: &Path, env: &[(&str, &Path)]) -> Output {
    cargo_offline(dir, "build", env)
}

fn path_dependency(features: &str) -> String {
    format!(
        "{{ path = \"{}\", default-features = false, features = [{features}] }}",
        workspace_root().join("generated-client").display()
    )
}

/// By path, with the ring-based TLS stack: the program runs, its clients built both ways.
#[test]
fn a_path_dependency_builds_and_runs_with_rustls_ring() {
    pinned_spec();
    let app = tempfile::tempdir().unwrap();
    downstream(app.path(), &path_dependency("\"auth\", \"rustls-ring\""));
    let run = cargo_offline(app.path(), "run", &[]);
    assert!(run.status.success(), "{}", text(&run.stderr));
    assert!(text(&run.stdout).contains("clients built"), "{}", text(&run.stdout));
}

/// A git repository of this working tree as it is (tracked and new files, nothing ignored:
/// no spec cache), committed, as cargo would check it out.
fn git_repository(at: &Path) {
    let root = workspace_root();
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--cached", "--others", "--exclude-standard"])
        .current_dir(&root)
        .output()
        .unwrap();
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    for file in text(&listed.stdout).split('\0').filter(|f| !f.is_empty()) {
        let from = root.join(file);
        if !from.is_file() {
            continue; // deleted in the working tree
        }
        let to = at.join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    for args in [
        &["init", "-q"][..],
        &["add", "-A"],
        &["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "snapshot"],
    ] {
        let git = Command::new("git").args(args).current_dir(at).output().unwrap();
        assert!(git.status.success(), "git {args:?}: {}", text(&git.stderr));
    }
}

#[test]
fn a_git_dependency_builds_from_the_pinned_documents_it_is_pointed_at() {
    let spec = pinned_spec();
    let scratch = tempfile::tempdir().unwrap();
    let repo = scratch.path().join("repo");
    git_repository(&repo);
    assert!(!repo.join("spec/cache").exists(), "the cache is not in git");
    let app = scratch.path().join("app");
    downstream(
        &app,
        &format!(
            "{{ git = \"file://{}\", default-features = false, features = [\"auth\"] }}",
            repo.display()
        ),
    );
    let fetch = cargo(&app, &["fetch"], &[]);
    assert!(fetch.status.success(), "{}", text(&fetch.stderr));

    // The checkout has no documents: the error says where they go and how to get them.
    let bare = build(&app, &[]);
    assert!(!bare.status.success(), "built without documents?");
    let err = text(&bare.stderr);
    assert!(
        err.contains("SPOTNANA_SPEC_DIR") && err.contains("cargo xtask pull --frozen"),
        "{err}"
    );

    let built = build(&app, &[("SPOTNANA_SPEC_DIR", &spec)]);
    assert!(built.status.success(), "{}", text(&built.stderr));
}

/// `cargo tree` of a downstream crate with `features`; `args` selects what to show.
fn tree(features: &str, args: &[&str]) -> String {
    let app = tempfile::tempdir().unwrap();
    downstream(app.path(), &path_dependency(features));
    // Not `--offline`: `native-tls` may need crates this machine has not downloaded yet.
    let mut all = vec!["tree", "--edges", "normal,build,features", "--prefix", "none"];
    all.extend_from_slice(args);
    let out = cargo(app.path(), &all, &[]);
    // `-i` of a package not in the graph is an error: report it as "absent".
    if !out.status.success() && text(&out.stderr).contains("did not match any packages") {
        return String::new();
    }
    assert!(out.status.success(), "cargo {all:?}: {}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn each_tls_feature_brings_its_own_stack_and_no_other() {
    for (feature, present, absent) in [
        ("rustls", &["aws-lc-sys"][..], &["ring", "openssl-sys"][..]),
        ("rustls-ring", &["ring"], &["aws-lc-sys", "openssl-sys"]),
        ("native-tls", &["openssl-sys"], &["aws-lc-sys", "ring"]),
    ] {
        let features = format!("\"auth\", \"{feature}\"");
        for package in present {
            let shown = tree(&features, &["-i", package]);
            assert!(!shown.is_empty(), "{feature}: {package} missing");
        }
        for package in absent {
            let shown = tree(&features, &["-i", package]);
            assert!(shown.is_empty(), "{feature}: {package} is in the graph:\n{shown}");
        }
    }
}

/// Ordered maps are the generator's need (a build dependency, resolved apart); the client
/// keeps unknown properties either way, so a consumer's `serde_json` is left as it chose.
#[test]
fn the_consumers_serde_json_gets_no_preserve_order() {
    let app = tempfile::tempdir().unwrap();
    downstream(app.path(), &path_dependency("\"auth\""));
    let out = cargo(
        app.path(),
        &["tree", "--edges", "normal,features", "-i", "serde_json", "--offline"],
        &[],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(shown.contains("serde_json"), "{shown}");
    assert!(!shown.contains("preserve_order"), "{shown}");
}
