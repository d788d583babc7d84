//! The committed fix-up ledger (`spec/ledger.md`) is what the bridge does to the pinned
//! documents: a change in what a fix-up or pass touches shows in a pull request's diff.

mod support;

#[test]
fn the_committed_ledger_matches_the_pinned_documents() {
    let set = support::generate_tracked();
    let actual = spotnana_codegen::ledger::ledger(&set);
    let path = support::workspace_root().join("spec/ledger.md");
    if std::env::var_os("UPDATE_LEDGER").is_some() {
        std::fs::write(&path, &actual).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (`UPDATE_LEDGER=1` or `cargo xtask regenerate` writes it)",
            path.display()
        )
    });
    assert!(
        committed == actual,
        "{} is not what the generator does to the pinned documents (`cargo xtask regenerate` writes it \
         with the lock; `UPDATE_LEDGER=1` rewrites it):\n{actual}",
        path.display()
    );
}
