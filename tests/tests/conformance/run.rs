//! Running one API: each of its operations through Prism, from the fullest request to the most
//! lenient, then its dynamic rounds and, when paged, its stream.

use crate::calls::{Args, CALLS, ITEMS, ItemsCall};
use crate::compose::{Composed, Source, compose, raw, rejected_without_client};
use crate::harness::{Prism, Proxy};
use crate::judge::{Decoded, PROXIED, RESPONSE_VIOLATES, attempt, verdict_of_pass};
use crate::proxied::Proxied;
use crate::report::Row;
use crate::support::sampler::UnionCheck;
use serde_json::Value;

/// Rounds of dynamic (random, schema-valid) responses per GET operation.
pub(crate) const DYNAMIC_ROUNDS: usize = 20;
/// Dynamic responses tried when the static one is at fault, before the operation fails.
const FALLBACK_TRIES: usize = 5;

/// A client sending through `proxy`: one attempt per call, no timeouts; with `dynamic`, asking
/// Prism for random responses (`Prefer: dynamic=true`).
pub(crate) fn client(proxy: &Proxy, dynamic: bool) -> spotnana::Spotnana {
    let mut headers = reqwest::header::HeaderMap::new();
    if dynamic {
        headers.insert("prefer", reqwest::header::HeaderValue::from_static("dynamic=true"));
    }
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .expect("an HTTP client");
    spotnana::Spotnana::builder()
        .base_url(proxy.url())
        .credentials("conformance-client", "conformance-secret")
        .http_client(http)
        .retry(spotnana::RetryPolicy {
            max_attempts: 1,
            ..Default::default()
        })
        .request_timeout(None)
        .deadline(None)
        .build()
        .expect("a client for the proxy")
}

/// Every operation of one API through its Prism (`prism proxy` on `document` where needed),
/// a row each, in the document's order.
pub(crate) async fn run_api(
    module: &str,
    document: &std::path::Path,
    doc: &Value,
    prism: &Prism,
    auth: &Prism,
) -> Vec<Row> {
    let proxy = Proxy::start(prism.endpoint(), auth.endpoint());
    // Started on first need: most APIs never need it.
    let mut proxied: Option<Proxied> = None;
    let fixed = client(&proxy, false);
    let dynamic = client(&proxy, true);
    let unions = UnionCheck::new(doc);
    let mut rows = Vec::new();
    for operation in spotnana_codegen::operations(doc) {
        let (method, path) = (operation.method.to_string(), operation.path.to_string());
        let operation_id = operation
            .operation_id()
            .map(str::to_string)
            .unwrap_or_else(|| panic!("{module}: {method} {path} has no operationId"));
        let (item, op) = (operation.path_item, operation.op);
        let rust = spotnana_codegen::method_name(&operation_id);
        // Prism's faker can take the process down (out of stack or heap on a recursive
        // schema): the operation runs once more on a fresh Prism, and a second crash is told
        // in its verdict.
        let mut crashes: Vec<String> = Vec::new();
        let row = loop {
            let mut row = Row {
                module: module.into(),
                operation_id: operation_id.clone(),
                method: method.to_uppercase(),
                path: path.clone(),
                verdict: String::new(),
                passed: false,
                on_random_response: false,
                response_conforms: true,
                proxied: false,
                document_note: None,
                dynamic: None,
                dynamic_violations: 0,
                lossless: None,
                paged: None,
            };
            let Some(call) = CALLS.iter().find(|c| c.module == module && c.method == rust) else {
                row.verdict = format!("no generated method `{rust}`");
                break row;
            };
            // Examples first; if the document's example is at fault, its schemas; if the
            // document's response example is at fault, Prism's schema-valid dynamic response.
            let mut chosen: Option<Composed> = None;
            // A request Prism accepted, whose response `prism mock` could not give (see proxied.rs).
            let mut accepted: Option<(String, Composed)> = None;
            let mut tries = Vec::new();
            let mut notes = Vec::new();
            for source in [Source::Examples, Source::Schemas, Source::Required] {
                let label = source.label();
                let composed = match compose(doc, &unions, item, op, call, source) {
                    Ok(c) => c,
                    Err(e) => {
                        tries.push(format!("{label}: compose: {e}"));
                        continue;
                    }
                };
                let first = attempt(&fixed, &proxy, call, &composed.args).await;
                let request_label = match source {
                    Source::Examples => String::new(),
                    other => format!("{} request", other.label()),
                };
                if first.conforms() {
                    row.verdict = verdict_of_pass(&request_label, None);
                    row.lossless = first.lossless.clone();
                    chosen = Some(composed);
                    break;
                }
                if let Decoded::Failed(e) = &first.decoded
                    && e.starts_with("argument")
                {
                    // The value does not fit the generated type: ask Prism about the raw value.
                    let verdict = raw(&proxy, &method, &path, &composed).await;
                    tries.push(format!("{label}: {e}"));
                    match verdict {
                        Some(v) if v.iter().any(|v| !v.starts_with("(response)")) => {
                            notes.push(rejected_without_client(source.values(), v))
                        }
                        Some(_) => tries.push(format!(
                            "{label}: OURS: Prism accepts the value that the generated type refuses"
                        )),
                        None => {}
                    }
                    continue;
                }
                let request_violations = first.request_violations();
                let response_fault = !first.violations.is_empty() || matches!(first.decoded, Decoded::Invalid(_));
                if request_violations.is_empty() && response_fault {
                    // The request is fine; the response Prism assembles from the document's examples
                    // is not valid (or Prism could not assemble one): its schema-valid dynamic
                    // response stands in.
                    if first.prism_failed() {
                        // Prism's limit, not a defect of the document: the verdict tells.
                    } else if first.violations.is_empty() {
                        // Prism found it valid and the client did not: said as it is. (The one case,
                        // trip `getCancellationDetails`: `{"air": …}` with a `Money` lacking its
                        // required `amount`, valid to Prism only because the rail wrapper of that
                        // `oneOf` requires nothing and so matches any object; the client reads `air`
                        // as the air member and refuses the broken `Money`.)
                        notes.push(format!(
                            "Prism accepts its static response (assembled from the document's examples), the client refuses it: {}",
                            first.reason()
                        ));
                    } else {
                        notes.push(format!(
                            "Prism's static response (assembled from the document's examples) violates the document's schema: {}",
                            first.violations.join("; ")
                        ));
                    }
                    // Random responses: a few tries, so that the verdict does not flip between runs
                    // on an unlucky draw (the dynamic rounds below count every draw).
                    let mut deserialized = first.passed();
                    let mut second = attempt(&dynamic, &proxy, call, &composed.args).await;
                    for _ in 1..FALLBACK_TRIES {
                        deserialized |= second.passed();
                        if second.conforms() {
                            break;
                        }
                        second = attempt(&dynamic, &proxy, call, &composed.args).await;
                    }
                    deserialized |= second.passed();
                    if second.conforms() {
                        row.verdict = verdict_of_pass(&request_label, Some("dynamic response"));
                        row.on_random_response = true;
                        row.lossless = second.lossless.clone();
                        row.response_conforms = true;
                        chosen = Some(composed);
                        break;
                    }
                    if deserialized {
                        // Both criteria hold: Prism took the request, the client read the response.
                        // That the response breaks the document is the document's fault (notes).
                        row.verdict = verdict_of_pass(&request_label, Some(RESPONSE_VIOLATES));
                        row.on_random_response = true;
                        row.lossless = [&second, &first]
                            .iter()
                            .find(|a| a.passed())
                            .and_then(|a| a.lossless.clone());
                        row.response_conforms = false;
                        chosen = Some(composed);
                        break;
                    }
                    tries.push(format!("{label}, dynamic response: {}", second.reason()));
                    if second.prism_response_at_fault() && accepted.is_none() {
                        // Should no other request draw a response that deserializes, Prism proxy
                        // judges one sampled from the document, for this (the fullest) request.
                        accepted = Some((request_label, composed));
                    }
                    continue;
                }
                tries.push(format!("{label}: {}", first.reason()));
                if !request_violations.is_empty() {
                    // Rejected: is it the document's value, or what the client made of it?
                    match raw(&proxy, &method, &path, &composed).await {
                        Some(v) if v.iter().any(|v| !v.starts_with("(response)")) => {
                            notes.push(rejected_without_client(source.values(), v))
                        }
                        Some(_) => tries.push(format!(
                            "{label}: OURS: the same values sent without the client pass Prism"
                        )),
                        None => {}
                    }
                }
            }
            if let Some((request_label, composed)) = accepted.filter(|_| chosen.is_none()) {
                if proxied.is_none() {
                    proxied = Some(Proxied::start(module, document, auth).await);
                }
                let proxied = proxied.as_ref().expect("started above");
                match proxied.check(doc, &unions, op, call, &composed.args).await {
                    Ok((response, lossless)) => {
                        row.lossless = lossless;
                        let how = format!("{PROXIED}, {} response", response.label());
                        row.verdict = verdict_of_pass(&request_label, Some(&how));
                        row.proxied = true;
                        row.response_conforms = true;
                        chosen = Some(composed);
                    }
                    Err(why) => tries.push(format!("{PROXIED}: {why}")),
                }
            }
            row.passed = chosen.is_some();
            if let (Some(composed), Some(items)) =
                (&chosen, ITEMS.iter().find(|c| c.module == module && c.method == rust))
            {
                row.paged = Some(stream_through_prism(&fixed, &dynamic, items, &composed.args).await);
            }
            if !row.passed {
                row.verdict = tries.join(" / ");
                if call.params.contains(&"form") && row.verdict.contains("must be object") {
                    row.verdict.push_str(
                        " / Prism reads multipart parts as text: a JSON part (application/json) is never an object to it",
                    );
                }
            }
            if !notes.is_empty() {
                row.document_note = Some(notes.join(" / "));
            }
            if method == "get" {
                let args = match &chosen {
                    Some(c) => Some(c.args.clone()),
                    None => compose(doc, &unions, item, op, call, Source::Examples)
                        .ok()
                        .map(|c| c.args),
                };
                if let Some(args) = args {
                    let mut passed = 0;
                    let mut failure = None;
                    for _ in 0..DYNAMIC_ROUNDS {
                        let attempt = attempt(&dynamic, &proxy, call, &args).await;
                        if attempt.passed() {
                            passed += 1;
                            if !attempt.conforms() {
                                row.dynamic_violations += 1;
                            }
                        } else {
                            failure.get_or_insert(attempt.reason());
                        }
                    }
                    row.dynamic = Some((passed, DYNAMIC_ROUNDS, failure));
                }
            }
            match prism.restart_if_exited().await {
                None => break row,
                Some(why) if crashes.is_empty() => crashes.push(why),
                Some(why) => {
                    crashes.push(why);
                    row.verdict = format!("{} / {}", row.verdict, crashes.join(" / "));
                    if let Some((_, _, failure)) = &mut row.dynamic {
                        *failure = Some(crashes.join(" / "));
                    }
                    break row;
                }
            }
        };
        rows.push(row);
    }
    rows
}

/// How a paged operation's stream fared through Prism.
#[derive(Debug, Clone)]
pub(crate) enum Streamed {
    /// Items read (up to [`ITEMS_READ`](crate::calls::ITEMS_READ)).
    Read(usize),
    /// Prism's limit: it answered 500 (its faker could not build the response), or it
    /// answered every offset with the same page (a mock does not page).
    PrismFailed(String),
    /// Anything else: ours to explain.
    Failed(String),
}

/// A paged operation's stream, on the arguments its operation passed with: Prism's static
/// response first, then (when the document's examples are at fault) dynamic ones.
async fn stream_through_prism(
    fixed: &spotnana::Spotnana,
    dynamic: &spotnana::Spotnana,
    items: &ItemsCall,
    args: &Args,
) -> Streamed {
    let judge = |outcome: Result<Result<usize, spotnana::Error>, String>| match outcome {
        Ok(Ok(read)) => Streamed::Read(read),
        Ok(Err(e)) if e.status().is_some_and(|s| s.as_u16() == 500) => Streamed::PrismFailed(e.to_string()),
        Ok(Err(e)) if e.to_string().contains("repeats the one before") => Streamed::PrismFailed(e.to_string()),
        Ok(Err(e)) => Streamed::Failed(e.to_string()),
        Err(e) => Streamed::Failed(e),
    };
    let mut outcome = judge((items.call)(fixed, args).await);
    for _ in 0..FALLBACK_TRIES {
        if matches!(outcome, Streamed::Read(_)) {
            break;
        }
        outcome = judge((items.call)(dynamic, args).await);
    }
    outcome
}
