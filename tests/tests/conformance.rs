//! Conformance against an independent reader of the documents: every operation of every API,
//! sent by the generated client to Stoplight Prism mocking the pinned document.
//!
//! Per API, Prism (`prism mock`) serves the cached document; a small recording proxy
//! in front of it keeps each exchange, so that Prism's own violation text (`422` problem
//! bodies, `sl-violations` headers) lands in the report. Arguments are composed from the
//! document (examples first, then defaults, enum values, formats), deserialized into the
//! generated parameter types and sent by the generated method; the runtime authenticates
//! with client credentials against the Auth document's token endpoint, also on Prism.
//!
//! An operation passes when Prism reports no violation of the request and the response
//! deserializes into the generated type (the two things the report records).
//! Where Prism accepts the request but its mock cannot give a response that deserializes (its
//! faker gives up on the documents' recursive schemas), `prism proxy` on the same document
//! judges a response sampled from the document, request and response both (proxied.rs); the
//! report counts those passes apart.
//! Whether Prism's response itself conforms to the document is recorded too: where it does
//! not, the document's examples are at fault, Prism's schema-valid dynamic response is tried
//! first, and the report counts both ways. Then each GET is called 20 more times with Prism's
//! dynamic responses (`Prefer: dynamic=true`: random schema-valid data).
//!
//! `UPDATE_CONFORMANCE=1 cargo test -p spotnana-tests --test conformance -- --nocapture`
//! rewrites `tests/tests/conformance/REPORT.md` and the baseline beside it (`baseline.json`);
//! without it the run fails when an operation that the baseline records as passing (on a
//! static response) fails now, when an operation is missing from it, or when any failure,
//! dynamic rounds included, is attributed to our code. More passes than recorded are printed
//! as notes (update the report).
//!
//! Prism must be installed (never skipped): `npm install --no-save --prefix target/prism
//! @stoplight/prism-cli@5.16.0`, or `PRISM=/path/to/prism`.
// The documents deprecate operations and types; they are exercised all the same.
#![allow(deprecated)]

#[path = "conformance/baseline.rs"]
mod baseline;
#[path = "conformance/calls.rs"]
mod calls;
#[path = "conformance/compose.rs"]
mod compose;
#[path = "conformance/harness.rs"]
mod harness;
#[path = "conformance/judge.rs"]
mod judge;
#[path = "conformance/proxied.rs"]
mod proxied;
#[path = "conformance/report.rs"]
mod report;
#[path = "conformance/run.rs"]
mod run;
mod support;

use baseline::Baseline;
use calls::{CALLS, ITEMS};
use futures_util::future::join_all;
use harness::{Exchange, Prism};
use judge::{Attempt, Decoded, cause, header_violations, violations};
use report::render;
use run::{Streamed, run_api};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

#[tokio::test]
async fn every_operation_through_prism() {
    let started = std::time::Instant::now();
    let manifest = support::manifest();
    let documents: Vec<(String, std::path::PathBuf, Value)> = manifest
        .api
        .iter()
        .map(|api| {
            let doc: Value = serde_json::from_slice(&support::document(api)).expect("pinned document is JSON");
            let path = support::spec().document(api);
            (api.module.clone(), path, doc)
        })
        .collect();
    // All Prism servers start together (each takes seconds to read its document).
    let servers: BTreeMap<String, Prism> = documents
        .iter()
        .map(|(module, path, _)| (module.clone(), Prism::mock(module, path)))
        .collect();
    for prism in servers.values() {
        prism.ready().await;
    }
    let auth = servers.get("auth").expect("the Auth API is mirrored (token endpoint)");
    // The APIs run side by side on this task (each has its Prism and proxy), their rows in the
    // documents' order; operations of one API in turn.
    let runs = documents
        .iter()
        .map(|(module, path, doc)| run_api(module, path, doc, &servers[module], auth));
    let mut rows = Vec::new();
    for found in join_all(runs).await {
        println!(
            "{}: {}/{} pass",
            found.first().map_or("?", |r| r.module.as_str()),
            found.iter().filter(|r| r.passed).count(),
            found.len()
        );
        rows.extend(found);
    }
    drop(servers);

    // Every operation of the documents, and every generated method, was exercised.
    let total: usize = documents
        .iter()
        .map(|(_, _, d)| spotnana_codegen::operations(d).len())
        .sum();
    assert_eq!(rows.len(), total);
    let documented: BTreeSet<(String, String)> = rows
        .iter()
        .map(|r| (r.module.clone(), spotnana_codegen::method_name(&r.operation_id)))
        .collect();
    let generated: BTreeSet<(String, String)> = CALLS
        .iter()
        .map(|c| (c.module.to_string(), c.method.to_string()))
        .collect();
    assert_eq!(
        documented, generated,
        "generated methods and documented operations differ"
    );

    let modules: Vec<String> = documents.iter().map(|(m, _, _)| m.clone()).collect();
    let report = render(&rows, &modules);
    let now = Baseline::of(&rows);
    let dir = support::workspace_root().join("tests/tests/conformance");
    let (report_path, baseline_path) = (dir.join("REPORT.md"), dir.join("baseline.json"));
    println!(
        "{}/{} operations pass; {:.0} s",
        rows.iter().filter(|r| r.passed).count(),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    if std::env::var_os("UPDATE_CONFORMANCE").is_some() {
        std::fs::write(&report_path, &report).unwrap();
        std::fs::write(&baseline_path, now.to_json()).unwrap();
        println!("wrote {} and {}", report_path.display(), baseline_path.display());
        return;
    }
    let was = Baseline::read(&baseline_path).unwrap_or_else(|e| {
        panic!("{e}: run `UPDATE_CONFORMANCE=1 cargo test -p spotnana-tests --test conformance -- --nocapture`")
    });
    let (mut problems, notes) = was.compare(&rows);
    for note in notes {
        println!("note: {note}");
    }
    for r in &rows {
        if let Some((_, _, Some(why))) = &r.dynamic
            && cause(why, None) == "ours"
        {
            problems.push(format!("ours (dynamic): {} {}: {why}", r.module, r.operation_id));
        }
        if let (true, Some(Err(why))) = (r.passed, &r.lossless) {
            problems.push(format!(
                "ours (not written back unchanged): {} {}: {why}",
                r.module, r.operation_id
            ));
        }
        if !r.passed && cause(&r.verdict, r.document_note.as_deref()) == "ours" {
            problems.push(format!("ours: {} {}: {}", r.module, r.operation_id, r.verdict));
        }
    }
    // Every paged operation's stream, through Prism, on the arguments its operation passed with.
    // Prism answers 500 when its faker cannot build a response (as in some operations' own
    // dynamic rounds), and the same page whatever the offset: Prism's limits. Any other
    // failure (a 422 for a request that breaks the document included) is ours.
    for r in &rows {
        match &r.paged {
            Some(Streamed::PrismFailed(why)) => {
                println!(
                    "note: {} {}: the stream's page: {why} (Prism's limit)",
                    r.module, r.operation_id
                )
            }
            Some(Streamed::Failed(why)) => {
                problems.push(format!("ours (paged stream): {} {}: {why}", r.module, r.operation_id))
            }
            _ => {}
        }
    }
    for items in ITEMS {
        let streamed = rows.iter().any(|r| {
            r.module == items.module
                && spotnana_codegen::method_name(&r.operation_id) == items.method
                && r.paged.is_some()
        });
        if !streamed {
            problems.push(format!(
                "paged {}::{}_items was not streamed: its operation did not pass",
                items.module, items.method
            ));
        }
    }
    let read: Vec<usize> = rows
        .iter()
        .filter_map(|r| match r.paged {
            Some(Streamed::Read(n)) => Some(n),
            _ => None,
        })
        .collect();
    println!(
        "{} paged operations streamed through Prism ({} items read)",
        read.len(),
        read.iter().sum::<usize>()
    );
    assert!(
        problems.is_empty(),
        "{}\n(rewrite the report with UPDATE_CONFORMANCE=1 once the change is intended)",
        problems.join("\n")
    );
}

#[test]
fn a_cut_violations_header_keeps_its_complete_entries() {
    let whole = r#"[{"message":"a"},{"message":"b"}]"#;
    assert_eq!(header_violations(whole).len(), 2);
    let cut = r#"Too many violations! [{"message":"a"},{"message":"b"},{"location":["resp"#;
    assert_eq!(
        header_violations(cut),
        vec![json!({"message": "a"}), json!({"message": "b"})]
    );
    assert!(header_violations("no list").is_empty());
}

#[test]
fn prism_failing_to_build_a_response_is_no_request_violation() {
    let exchange = |status: u16, body: Value| Exchange {
        status,
        response_headers: vec![("content-type".into(), "application/problem+json".into())],
        response_body: body.to_string().into_bytes(),
    };
    let judged = |e: Exchange| Attempt {
        violations: violations(&e),
        status: Some(e.status),
        decoded: Decoded::Unexpected(e.status),
        lossless: None,
    };
    let too_complex = judged(exchange(
        500,
        json!({"title": "Schema too complex", "detail": "Unable to generate body for response.\n    at x"}),
    ));
    assert!(too_complex.prism_failed());
    assert!(too_complex.request_violations().is_empty());
    assert!(too_complex.prism_response_at_fault());
    let rejected = judged(exchange(
        422,
        json!({"title": "Invalid request", "validation": [
            {"location": ["body", "legs", "0"], "severity": "Error", "message": "must match exactly one schema in oneOf"}
        ]}),
    ));
    assert!(!rejected.prism_failed());
    assert_eq!(rejected.request_violations().len(), 1);
    assert!(!rejected.prism_response_at_fault());
}

/// The Auth document in the cache, the smallest: for the tests of the Prism harness.
fn auth_document() -> std::path::PathBuf {
    let api = support::manifest()
        .api
        .into_iter()
        .find(|a| a.module == "auth")
        .expect("the Auth API is mirrored");
    support::document(&api);
    support::spec().document(&api)
}

#[tokio::test]
async fn a_prism_that_exits_is_restarted_on_its_port() {
    let prism = Prism::mock("auth", &auth_document());
    prism.ready().await;
    assert_eq!(prism.restart_if_exited().await, None, "a running Prism is left alone");
    prism.kill();
    let why = prism.restart_if_exited().await.expect("an exited Prism is restarted");
    assert!(why.starts_with("Prism exited"), "{why}");
    assert!(
        std::net::TcpStream::connect(prism.addr()).is_ok(),
        "listening again on its port"
    );
}

#[tokio::test]
async fn a_prism_whose_port_was_taken_listens_on_another() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let prism = Prism::mock_on("auth", &auth_document(), port);
    prism.ready().await;
    assert_ne!(prism.addr().port(), port, "moved off the taken port");
    assert!(std::net::TcpStream::connect(prism.addr()).is_ok(), "listening");
}
