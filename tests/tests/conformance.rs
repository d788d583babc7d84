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
//! rewrites `tests/conformance/REPORT.md`; without it the run fails when an operation that
//! the recorded report lists as passing (on a static response) fails now, or when any
//! failure, dynamic rounds included, is attributed to our code. More passes than recorded
//! are printed as notes (update the report).
//!
//! Prism must be installed (never skipped): `npm install --no-save --prefix target/prism
//! @stoplight/prism-cli@5.16.0`, or `PRISM=/path/to/prism`.
// The documents deprecate operations and types; they are exercised all the same.
#![allow(deprecated)]

#[path = "conformance/harness.rs"]
mod harness;
#[path = "conformance/proxied.rs"]
mod proxied;
mod support;

use harness::{Exchange, Prism, Proxy};
use proxied::Proxied;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
use support::sampler::{Sampler, UnionCheck};

/// The verdict's note when the operation passes on a response of Prism's that violates the
/// document (assembled from the document's faulty examples, or a random draw Prism got wrong).
const RESPONSE_VIOLATES: &str = "Prism's response violates the document, deserialized";

/// "pass", with what it took: the request's source, the response's.
fn verdict_of_pass(request: &str, response: Option<&str>) -> String {
    let parts: Vec<&str> = [request, response.unwrap_or_default()]
        .into_iter()
        .filter(|p| !p.is_empty())
        .collect();
    if parts.is_empty() {
        "pass".into()
    } else {
        format!("pass ({})", parts.join("; "))
    }
}

/// The verdict's note when `prism proxy` judged a response sampled from the document, `prism
/// mock` having failed to give one (see conformance/proxied.rs).
const PROXIED: &str = "Prism proxy";

/// Rounds of dynamic (random, schema-valid) responses per GET operation.
const DYNAMIC_ROUNDS: usize = 20;
/// Dynamic responses tried when the static one is at fault, before the operation fails.
const FALLBACK_TRIES: usize = 5;

type Args = Map<String, Value>;
type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Decoded, String>> + 'a>>;

/// One generated method: its parameter names, in order, and a caller over JSON arguments.
struct Call {
    module: &'static str,
    method: &'static str,
    params: &'static [&'static str],
    call: for<'a> fn(&'a spotnana::Spotnana, &'a Args) -> CallFuture<'a>,
}

type ItemsFuture<'a> = Pin<Box<dyn Future<Output = Result<Result<usize, spotnana::Error>, String>> + 'a>>;

/// The stream of a paged operation (`<method>_items`) over JSON arguments.
struct ItemsCall {
    module: &'static str,
    /// The operation's method.
    method: &'static str,
    call: for<'a> fn(&'a spotnana::Spotnana, &'a Args) -> ItemsFuture<'a>,
}

/// Items a stream is read for: enough to cross a page when Prism's pages are small, few
/// enough that a page repeated forever (Prism answers every offset alike) ends quickly.
const ITEMS_READ: usize = 3;

/// Reads up to [`ITEMS_READ`] items: how many there were, or the error that ended the
/// stream.
async fn read_items<T>(mut paged: spotnana::Paged<'_, T>) -> Result<usize, spotnana::Error> {
    let mut read = 0;
    while read < ITEMS_READ {
        match paged.next().await {
            Some(Ok(_)) => read += 1,
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    Ok(read)
}

/// How a paged operation's stream fared through Prism.
#[derive(Debug, Clone)]
enum Streamed {
    /// Items read (up to [`ITEMS_READ`]).
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

/// What the generated method made of the response.
#[derive(Debug, Clone)]
enum Decoded {
    /// A documented success status, deserialized into the generated type; what that type
    /// serializes back to (`None` for a body-less status), or why it could not.
    Typed(u16, Option<Result<Value, String>>),
    /// A documented error status, deserialized into the documented error type.
    DocumentedError(u16),
    /// A documented status whose body does not deserialize into the generated type.
    Invalid(String),
    /// A status the document does not list.
    Unexpected(u16),
    /// No response (transport, request building, hooks).
    Failed(String),
}

fn arg<T: DeserializeOwned>(a: &Args, name: &str) -> Result<T, String> {
    let value = a.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| format!("argument `{name}` does not deserialize into its type: {e}"))
}

/// The parts of a multipart form argument, `[{"name", "text" | "bytes", "content_type",
/// "file_name"}]`, keyed by the form's field name (the part name in snake case); the calls
/// build the typed form from them.
fn form(a: &Args, name: &str) -> Result<BTreeMap<String, Value>, String> {
    let parts = a
        .get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("no parts for `{name}`"))?;
    Ok(parts
        .iter()
        .map(|part| {
            let field = spotnana_codegen::method_name(part["name"].as_str().unwrap_or_default());
            (field, part.clone())
        })
        .collect())
}

fn outcome<T: serde::Serialize>(result: Result<spotnana::air::ResponseValue<T>, spotnana::Error>) -> Decoded {
    use spotnana::Error;
    match result {
        Ok(value) => {
            let status = value.status().as_u16();
            // `()` (a body-less status) serializes as null: nothing to compare.
            let back = match serde_json::to_value(value.into_inner()) {
                Ok(Value::Null) => None,
                Ok(v) => Some(Ok(v)),
                Err(e) => Some(Err(format!("does not serialize: {e}"))),
            };
            Decoded::Typed(status, back)
        }
        Err(Error::Status { status, documented, .. }) if documented => Decoded::DocumentedError(status.as_u16()),
        Err(Error::Status { status, .. }) => Decoded::Unexpected(status.as_u16()),
        Err(Error::Decode { reason, .. }) => Decoded::Invalid(reason),
        Err(e) => Decoded::Failed(e.to_string()),
    }
}

include!(concat!(env!("OUT_DIR"), "/conformance_calls.rs"));

/// Where the values of a request come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The document's examples first (Redoc's order), then schemas.
    Examples,
    /// The schemas only (defaults, enum values, formats): used when an example is at fault.
    Schemas,
    /// The schemas, required properties and parameters only: a minimal request, used when
    /// the full one is rejected for a fault of the document.
    Required,
}

impl Source {
    /// What the values are, for the notes.
    fn values(self) -> &'static str {
        match self {
            Source::Examples => "the document's examples",
            Source::Schemas => "values sampled from the document's schemas",
            Source::Required => "required values sampled from the document's schemas",
        }
    }

    /// The sampler that draws values from this source.
    fn sampler<'a>(self, doc: &'a Value, unions: &'a UnionCheck) -> Sampler<'a> {
        Sampler {
            unions: Some(unions),
            ..Sampler::new(doc, self == Source::Examples, self == Source::Required)
        }
    }

    fn label(self) -> &'static str {
        match self {
            Source::Examples => "examples",
            Source::Schemas => "schemas",
            Source::Required => "required-only",
        }
    }
}

/// One operation's arguments, keyed by the generated method's parameter names, and the same
/// values as the document names them (to send them without the client, see [`raw`]).
#[derive(Debug, Clone)]
struct Composed {
    args: Args,
    /// (`in`, name, value) of each parameter.
    parameters: Vec<(String, String, Value)>,
    /// The JSON or form body.
    body: Option<(String, Value)>,
}

fn compose(
    doc: &Value,
    unions: &UnionCheck,
    item: &Value,
    op: &Value,
    call: &Call,
    source: Source,
) -> Result<Composed, String> {
    let sampler = source.sampler(doc, unions);
    // The operation's parameters, then those of its path item that it does not override.
    let mut parameters: Vec<Value> = Vec::new();
    for p in op.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        parameters.push(sampler.resolve(p).clone());
    }
    for p in item.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        let p = sampler.resolve(p);
        if !parameters.iter().any(|q| q["name"] == p["name"] && q["in"] == p["in"]) {
            parameters.push(p.clone());
        }
    }
    let mut args = Args::new();
    let mut raw_parameters = Vec::new();
    let mut raw_body = None;
    for &name in call.params {
        if name == "body" || name == "form" {
            let body = op.get("requestBody").map(|b| sampler.resolve(b).clone());
            let content = body
                .as_ref()
                .and_then(|b| b.get("content"))
                .ok_or_else(|| format!("`{name}`: the operation has no request body"))?;
            if name == "body" {
                // JSON, or a form (`application/x-www-form-urlencoded`, the token endpoint).
                let (media_type, media) = content
                    .as_object()
                    .and_then(|c| {
                        c.iter()
                            .find(|(k, _)| k.contains("json"))
                            .or_else(|| c.iter().find(|(k, _)| k.contains("x-www-form-urlencoded")))
                    })
                    .ok_or("`body`: no JSON or form request body")?;
                let value = sampler
                    .media(media)
                    .ok_or("`body`: the request body schema cannot be sampled")?;
                raw_body = Some((media_type.clone(), value.clone()));
                args.insert(name.into(), value);
            } else {
                let media = content
                    .get("multipart/form-data")
                    .ok_or("`form`: no multipart/form-data request body")?;
                args.insert(name.into(), sampler.parts(media)?);
            }
            continue;
        }
        let parameter = parameters
            .iter()
            .find(|p| {
                let doc_name = spotnana_codegen::method_name(p["name"].as_str().unwrap_or_default());
                doc_name == name || format!("{doc_name}_") == name
            })
            .ok_or_else(|| format!("method parameter `{name}` matches no parameter of the document"))?;
        let required = parameter["required"] == json!(true);
        if source == Source::Required && !required {
            continue;
        }
        match sampler.parameter(parameter) {
            Some(value) => {
                raw_parameters.push((
                    parameter["in"].as_str().unwrap_or_default().to_string(),
                    parameter["name"].as_str().unwrap_or_default().to_string(),
                    value.clone(),
                ));
                args.insert(name.into(), value);
            }
            None if required => {
                return Err(format!(
                    "required parameter `{}` cannot be sampled",
                    parameter["name"].as_str().unwrap_or_default()
                ));
            }
            None => {}
        }
    }
    Ok(Composed {
        args,
        parameters: raw_parameters,
        body: raw_body,
    })
}

/// Sends the composed values as they are, without the client (and its types): Prism's verdict
/// on the document's own values. `None` for multipart bodies.
async fn raw(proxy: &Proxy, method: &str, path: &str, composed: &Composed) -> Option<Vec<String>> {
    fn text(value: &Value) -> String {
        value.as_str().map_or_else(|| value.to_string(), str::to_string)
    }
    let mut url_path = path.to_string();
    let mut query = Vec::new();
    let mut headers = reqwest::header::HeaderMap::new();
    for (place, name, value) in &composed.parameters {
        match place.as_str() {
            "path" => url_path = url_path.replace(&format!("{{{name}}}"), &text(value)),
            "query" => match value {
                Value::Array(items) => query.extend(items.iter().map(|v| (name.clone(), text(v)))),
                other => query.push((name.clone(), text(other))),
            },
            "header" => {
                headers.insert(
                    reqwest::header::HeaderName::from_bytes(name.as_bytes()).ok()?,
                    reqwest::header::HeaderValue::from_str(&text(value)).ok()?,
                );
            }
            _ => {}
        }
    }
    let url = format!("{}{url_path}", proxy.url());
    let mut request = reqwest::Client::new()
        .request(method.to_uppercase().parse().ok()?, url)
        .query(&query)
        .headers(headers)
        .bearer_auth("conformance-token");
    match &composed.body {
        Some((media_type, body)) if media_type.contains("json") => request = request.json(body),
        Some((_, body)) => request = request.form(body),
        None if composed.args.contains_key("form") => return None,
        None => {}
    }
    proxy.clear();
    request.send().await.ok()?.bytes().await.ok()?;
    proxy.last().map(|e| violations(&e))
}

/// The result of one call, judged from the client's outcome and the recorded exchange.
#[derive(Debug, Clone)]
struct Attempt {
    /// Prism's violations of the request, and of its own response (`sl-violations`); or
    /// Prism's own failure to build a response.
    violations: Vec<String>,
    /// The status Prism sent, when the request reached it.
    status: Option<u16>,
    decoded: Decoded,
    /// For a typed response with a JSON body: whether the generated type wrote back what it
    /// read (see `support::json::lossless`).
    lossless: Option<Result<(), String>>,
}

impl Attempt {
    /// Prism accepted the request and failed to build its response: its own `500` (a schema
    /// its faker cannot follow), with no violation listed.
    fn prism_failed(&self) -> bool {
        self.status == Some(500) && !self.violations.is_empty() && self.violations.iter().all(|v| v.starts_with("500 "))
    }

    /// Prism accepted the request, and the response it sent is its own fault or the
    /// document's: it failed to build one, or flagged the one it built.
    fn prism_response_at_fault(&self) -> bool {
        self.request_violations().is_empty()
            && (self.prism_failed() || self.violations.iter().any(|v| v.starts_with("(response)")))
    }

    fn request_violations(&self) -> Vec<&String> {
        if self.prism_failed() {
            return Vec::new();
        }
        self.violations
            .iter()
            .filter(|v| !v.starts_with("(response)"))
            .collect()
    }

    /// The two pass criteria: Prism accepted the request without violations, and the
    /// response deserialized into the generated type.
    fn passed(&self) -> bool {
        self.request_violations().is_empty() && matches!(self.decoded, Decoded::Typed(s, _) if (200..300).contains(&s))
    }

    /// Passed, and the response Prism sent conforms to the document as well.
    fn conforms(&self) -> bool {
        self.passed() && self.violations.is_empty()
    }

    fn reason(&self) -> String {
        if !self.violations.is_empty() && !self.passed() {
            let client = match &self.decoded {
                Decoded::Typed(..) => String::new(),
                _ => format!(" (the client: {})", self.outcome()),
            };
            return format!("Prism: {}{client}", self.violations.join("; "));
        }
        self.outcome()
    }

    /// What the client made of the response.
    fn outcome(&self) -> String {
        match &self.decoded {
            Decoded::Typed(s, _) if (200..300).contains(s) => "pass".into(),
            Decoded::Typed(s, _) => format!("status {s}"),
            Decoded::DocumentedError(s) => format!("documented error status {s}"),
            Decoded::Invalid(e) => format!("response does not deserialize: {e}"),
            Decoded::Unexpected(s) => format!("undocumented status {s}"),
            Decoded::Failed(e) => format!("no response: {e}"),
        }
    }
}

/// Prism's violations in an exchange: a `422`/`500` problem body's `validation`, or the
/// `sl-violations` header. Warnings are left out (they do not make Prism reject).
fn violations(exchange: &Exchange) -> Vec<String> {
    let mut out = Vec::new();
    let mut collect = |list: &Value| {
        for v in list.as_array().into_iter().flatten() {
            let prefix = if v["location"][0] == "response" {
                "(response) "
            } else {
                ""
            };
            if v["severity"].as_str().is_some_and(|s| !s.eq_ignore_ascii_case("error")) {
                continue;
            }
            let location = v["location"]
                .as_array()
                .map(|l| {
                    l.iter()
                        .map(|s| s.as_str().map_or(s.to_string(), str::to_string))
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            out.push(format!(
                "{prefix}{location}: {}",
                v["message"].as_str().unwrap_or_default()
            ));
        }
    };
    if let Some(header) = exchange.header("sl-violations") {
        collect(&Value::Array(header_violations(header)));
    }
    let problem = exchange
        .header("content-type")
        .is_some_and(|ct| ct.contains("problem+json"));
    if problem && let Ok(body) = serde_json::from_slice::<Value>(&exchange.response_body) {
        collect(&body["validation"]);
        if body["validation"].as_array().is_none_or(Vec::is_empty) {
            let text = format!(
                "{} {}: {}",
                exchange.status,
                body["title"].as_str().unwrap_or_default(),
                // The first line: Prism's stack traces name this machine's paths.
                body["detail"]
                    .as_str()
                    .unwrap_or_default()
                    .lines()
                    .next()
                    .unwrap_or_default()
            );
            // Up to the stack trace, which names this machine's paths.
            out.push(text.split("    at ").next().unwrap_or_default().trim_end().to_string());
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The entries of an `sl-violations` header. Prism sends a long list as "Too many violations!
/// [..." cut at about 8 KB, mid-entry: the complete entries are kept.
fn header_violations(header: &str) -> Vec<Value> {
    let Some(start) = header.find('[') else {
        return Vec::new();
    };
    let mut rest = &header[start + 1..];
    let mut entries = Vec::new();
    loop {
        rest = rest.trim_start_matches([',', ' ']);
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(entry)) => {
                entries.push(entry);
                rest = &rest[stream.byte_offset()..];
            }
            _ => break,
        }
    }
    entries
}

async fn attempt(client: &spotnana::Spotnana, proxy: &Proxy, call: &Call, args: &Args) -> Attempt {
    proxy.clear();
    let decoded = match (call.call)(client, args).await {
        Ok(decoded) => decoded,
        Err(e) => Decoded::Failed(e),
    };
    // The operation's own request is the last: a token, when fetched, comes before it.
    let exchange = proxy.last();
    let lossless = match (&decoded, &exchange) {
        (Decoded::Typed(_, Some(back)), Some(e)) => serde_json::from_slice::<Value>(&e.response_body)
            .ok()
            .map(|sent| back.clone().and_then(|back| support::json::lossless(&sent, &back))),
        _ => None,
    };
    Attempt {
        violations: exchange.as_ref().map(violations).unwrap_or_default(),
        status: exchange.map(|e| e.status),
        decoded,
        lossless,
    }
}

/// One operation's row of the report.
#[derive(Debug, Clone)]
struct Row {
    module: String,
    operation_id: String,
    method: String,
    path: String,
    /// Pass, or why not.
    verdict: String,
    /// Prism accepted the request and the response deserialized (the pass criteria).
    passed: bool,
    /// When passed: the response deserialized was one that conforms to the document.
    response_conforms: bool,
    /// Passed through `prism proxy` on a response sampled from the document, `prism mock`
    /// having failed to build one.
    proxied: bool,
    /// The document's own fault, when an example of it was rejected and the schemas pass.
    document_note: Option<String>,
    /// Dynamic rounds (GET only): passed, total, first failure.
    dynamic: Option<(usize, usize, Option<String>)>,
    /// Dynamic rounds that deserialized a response of Prism's that violates the document.
    dynamic_violations: usize,
    /// When passed on a JSON body: whether the generated type wrote it back unchanged.
    lossless: Option<Result<(), String>>,
    /// When passed and paged: how its stream fared through Prism.
    paged: Option<Streamed>,
}

fn client(proxy: &Proxy, dynamic: bool) -> spotnana::Spotnana {
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

async fn run_api(module: &str, document: &std::path::Path, doc: &Value, prism: &Prism, auth: &Prism) -> Vec<Row> {
    let proxy = Proxy::start(prism.addr(), auth.addr());
    // Started on first need: most APIs never need it.
    let mut proxied: Option<Proxied> = None;
    let fixed = client(&proxy, false);
    let dynamic = client(&proxy, true);
    let unions = UnionCheck::new(doc);
    let mut rows = Vec::new();
    for (method, path, operation_id) in spotnana_codegen::operations(doc) {
        let operation_id = operation_id.unwrap_or_else(|| panic!("{module}: {method} {path} has no operationId"));
        let item = &doc["paths"][&path];
        let op = &item[&method];
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
                        row.lossless = second.lossless.clone();
                        row.response_conforms = true;
                        chosen = Some(composed);
                        break;
                    }
                    if deserialized {
                        // Both criteria hold: Prism took the request, the client read the response.
                        // That the response breaks the document is the document's fault (notes).
                        row.verdict = verdict_of_pass(&request_label, Some(RESPONSE_VIOLATES));
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

/// A verdict of several tries (" / "): each try cut short on its own, so the last one (the
/// most lenient request) stays readable.
fn escape_tries(verdict: &str) -> String {
    verdict
        .split(" / ")
        .map(|attempt| shorten(escape(attempt), 320))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn escape(text: &str) -> String {
    shorten(text.replace('|', "\\|").replace('\n', " "), 600)
}

/// `text` cut to `max` characters, with "…" where it was cut.
fn shorten(text: String, max: usize) -> String {
    if text.chars().count() > max {
        format!("{}…", text.chars().take(max).collect::<String>())
    } else {
        text
    }
}

/// Why an operation fails, from its verdict and notes: the document's fault (with Prism's text
/// in the notes), Prism's own limits, or ours.
fn cause(verdict: &str, document_note: Option<&str>) -> &'static str {
    // A response the client refuses is ours, unless Prism itself found it against the
    // document (a recursive schema its faker cut short, an example breaking its schema).
    let ours = verdict.split(" / ").any(|attempt| {
        attempt.contains("OURS")
            || (attempt.contains("response does not deserialize") && !attempt.contains("(response)"))
    });
    if ours {
        "ours"
    } else if prism_limit(
        verdict
            .rsplit(" / ")
            .find(|attempt| !attempt.starts_with(PROXIED))
            .unwrap_or_default(),
    ) {
        // The most lenient request passed Prism's checks; Prism could not answer it.
        "Prism's limits (json-schema-faker cannot generate the response; multipart parts read as text)"
    } else if document_note.is_some()
        || verdict.contains("(response)")
        || verdict.contains("exactly one schema in oneOf")
    {
        "document (Prism's text in the table and the notes)"
    } else if prism_limit(verdict) {
        "Prism's limits (json-schema-faker cannot generate the response; multipart parts read as text)"
    } else {
        "undetermined"
    }
}

fn prism_limit(text: &str) -> bool {
    [
        "Prop not found",
        "Schema too complex",
        "Maximum call stack size",
        "Prism exited",
        "multipart parts as text",
    ]
    .iter()
    .any(|m| text.contains(m))
}

fn render(rows: &[Row], modules: &[String]) -> String {
    let mut out = String::new();
    let total = rows.len();
    let passed = rows.iter().filter(|r| r.passed).count();
    let gets: Vec<&Row> = rows.iter().filter(|r| r.dynamic.is_some()).collect();
    let dynamic_ok = gets
        .iter()
        .filter(|r| matches!(r.dynamic, Some((p, t, _)) if p == t))
        .count();
    writeln!(out, "# Conformance against Stoplight Prism\n").unwrap();
    writeln!(
        out,
        "Generated by `UPDATE_CONFORMANCE=1 cargo test -p spotnana-tests --test conformance -- --nocapture` \
         (tests/tests/conformance.rs); do not edit by hand. Every operation of every pinned document is \
         sent by the generated client to `prism mock` on that document. An operation passes \
         when Prism accepts the request without violations and the response deserializes into the \
         generated type; it also conforms when Prism's response itself has no violation of the document. \
         \"pass (schemas request)\": the request composed from the document's own examples was rejected \
         (a defect of the document, see the notes), the one composed from its schemas passed; \
         \"pass (required-only request)\": so was the full request from the schemas, the minimal one \
         (required properties and parameters only) passed. \
         \"pass (dynamic response)\": the request passed, the response Prism assembles from the document's \
         examples violates the document's schema (Prism's text in the notes), Prism's schema-valid dynamic \
         response deserializes. \
         \"pass (Prism's response violates the document, deserialized)\": the request passed, no response of \
         Prism's conformed to the document (its examples break their schema, and the dynamic ones drew an \
         ambiguous `oneOf`), and the client deserialized one all the same (Prism's text in the notes). \
         \"pass (…; {PROXIED}, examples/schemas/required-only response)\": Prism accepted the request, \
         `prism mock` could not give a response that deserializes (its faker gives up on the documents' \
         recursive schemas, or drops a required property and flags its own response), so the request \
         went again through `prism proxy` on the same document to an upstream answering with a response \
         sampled from the document (from its examples, its schemas, or required properties only: the \
         first that Prism validates); Prism found request and response valid and the client \
         deserialized the response.\n"
    )
    .unwrap();
    let conforming = rows.iter().filter(|r| r.passed && r.response_conforms).count();
    let proxied = rows.iter().filter(|r| r.passed && r.proxied).count();
    writeln!(
        out,
        "**Total: {passed}/{total} operations pass** ({:.1} %); {conforming}/{total} ({:.1} %) on a response \
         that conforms to the document; {} ({:.1} %) on a response of `prism mock`, {proxied} through \
         `prism proxy` on a response sampled from the document.\n",
        100.0 * passed as f64 / total.max(1) as f64,
        100.0 * conforming as f64 / total.max(1) as f64,
        passed - proxied,
        100.0 * (passed - proxied) as f64 / total.max(1) as f64,
    )
    .unwrap();
    let with_body = rows.iter().filter(|r| r.passed && r.lossless.is_some()).count();
    let lossless = rows
        .iter()
        .filter(|r| r.passed && matches!(r.lossless, Some(Ok(()))))
        .count();
    writeln!(
        out,
        "**Lossless: {lossless}/{with_body} passing operations whose response had a JSON body wrote it \
         back unchanged** (the deserialized value serialized again and compared with what Prism sent: \
         equal up to number representation, null members and empty optional arrays or objects, which \
         the generated types write as absent); {} passed on a response without a JSON body to compare. Differences, if any, \
         are listed under \"Responses not written back unchanged\".\n",
        passed - with_body
    )
    .unwrap();
    writeln!(
        out,
        "Dynamic responses (`Prefer: dynamic=true`), {DYNAMIC_ROUNDS} rounds per GET: {dynamic_ok}/{} GET operations deserialize every round.\n",
        gets.len()
    )
    .unwrap();
    writeln!(
        out,
        "| API | pass | on a conforming response | through prism proxy | operations | GET dynamic all rounds |\n|---|---|---|---|---|---|"
    )
    .unwrap();
    for module in modules {
        let of: Vec<&Row> = rows.iter().filter(|r| &r.module == module).collect();
        let gets: Vec<&&Row> = of.iter().filter(|r| r.dynamic.is_some()).collect();
        writeln!(
            out,
            "| {module} | {} | {} | {} | {} | {}/{} |",
            of.iter().filter(|r| r.passed).count(),
            of.iter().filter(|r| r.passed && r.response_conforms).count(),
            of.iter().filter(|r| r.passed && r.proxied).count(),
            of.len(),
            gets.iter()
                .filter(|r| matches!(r.dynamic, Some((p, t, _)) if p == t))
                .count(),
            gets.len()
        )
        .unwrap();
    }
    let differ: Vec<&Row> = rows
        .iter()
        .filter(|r| r.passed && matches!(r.lossless, Some(Err(_))))
        .collect();
    writeln!(out, "\n## Responses not written back unchanged: {}\n", differ.len()).unwrap();
    for r in differ {
        if let Some(Err(why)) = &r.lossless {
            writeln!(
                out,
                "- {} `{}`: {}",
                r.module,
                r.operation_id,
                shorten(escape(why), 320)
            )
            .unwrap();
        }
    }
    writeln!(out, "\n## Operations\n").unwrap();
    writeln!(
        out,
        "| API | operationId | request | result | dynamic GET rounds |\n|---|---|---|---|---|"
    )
    .unwrap();
    for r in rows {
        let violated = match r.dynamic_violations {
            0 => String::new(),
            n => format!(" ({n} of Prism's responses violate the document)"),
        };
        let dynamic = match &r.dynamic {
            Some((p, t, None)) => format!("{p}/{t}{violated}"),
            Some((p, t, Some(why))) => format!("{p}/{t}{violated}: {}", escape(why)),
            None => String::new(),
        };
        writeln!(
            out,
            "| {} | {} | `{} {}` | {} | {} |",
            r.module,
            r.operation_id,
            r.method,
            r.path,
            escape_tries(&r.verdict),
            dynamic
        )
        .unwrap();
    }
    writeln!(out, "\n## Failures by cause\n").unwrap();
    let mut by_cause: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for r in rows.iter().filter(|r| !r.passed) {
        by_cause
            .entry(cause(&r.verdict, r.document_note.as_deref()))
            .or_default()
            .push(format!("{} `{}`", r.module, r.operation_id));
    }
    for r in rows {
        if let Some((p, t, Some(why))) = &r.dynamic
            && p != t
        {
            by_cause
                .entry(cause(why, None))
                .or_default()
                .push(format!("{} `{}` (dynamic rounds {p}/{t})", r.module, r.operation_id));
        }
    }
    if by_cause.is_empty() {
        writeln!(out, "None.").unwrap();
    }
    for (cause, list) in &by_cause {
        writeln!(out, "- {cause} ({}): {}", list.len(), list.join(", ")).unwrap();
    }
    let notes: Vec<&Row> = rows.iter().filter(|r| r.document_note.is_some()).collect();
    writeln!(out, "\n## Defects of the documents (Prism's text)\n").unwrap();
    if notes.is_empty() {
        writeln!(out, "None found.").unwrap();
    }
    for r in notes {
        writeln!(
            out,
            "- {} `{}`: {}",
            r.module,
            r.operation_id,
            escape(r.document_note.as_deref().unwrap_or_default())
        )
        .unwrap();
    }
    out
}

/// (API, operationId) pairs.
type Operations = BTreeSet<(String, String)>;

/// (API, operationId) of the operations a report lists as passing on a static response, as
/// passing at all, and of the GETs whose dynamic rounds all passed.
fn recorded(report: &str) -> (Operations, Operations, Operations) {
    let mut pass = BTreeSet::new();
    let mut any_pass = BTreeSet::new();
    let mut dynamic = BTreeSet::new();
    for line in report.lines() {
        let cells: Vec<&str> = line
            .split(" | ")
            .map(|c| c.trim_matches(|c| c == '|' || c == ' '))
            .collect();
        if cells.len() != 5 || !cells[2].starts_with('`') {
            continue;
        }
        let key = (cells[0].to_string(), cells[1].to_string());
        // A pass on a random (dynamic) response is not held against the next run: the
        // document's fault that forced it may strike again on another draw.
        if cells[3].starts_with("pass")
            && !cells[3].contains("dynamic response")
            && !cells[3].contains(RESPONSE_VIOLATES)
        {
            pass.insert(key.clone());
        }
        if cells[3].starts_with("pass") {
            any_pass.insert(key.clone());
        }
        if let Some((p, t)) = cells[4].split([' ', ':']).next().and_then(|r| r.split_once('/'))
            && p == t
            && !cells[4].contains(':')
        {
            dynamic.insert(key);
        }
    }
    (pass, any_pass, dynamic)
}

type ApiRun<'a> = Pin<Box<dyn Future<Output = Vec<Row>> + 'a>>;

/// Runs futures concurrently on this task, results in input order.
async fn join_all<T>(mut futures: Vec<Pin<Box<dyn Future<Output = T> + '_>>>) -> Vec<T> {
    let mut results: Vec<Option<T>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, result) in futures.iter_mut().zip(results.iter_mut()) {
            if result.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *result = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    results
        .into_iter()
        .map(|r| r.expect("every future completed"))
        .collect()
}

#[tokio::test]
async fn every_operation_through_prism() {
    let started = std::time::Instant::now();
    let manifest = support::manifest();
    let documents: Vec<(String, std::path::PathBuf, Value)> = manifest
        .api
        .iter()
        .map(|api| {
            let doc: Value = serde_json::from_slice(&support::document(api)).expect("pinned document is JSON");
            let path = support::workspace_root().join("spec/cache").join(api.cache_file());
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
    // The APIs run side by side (each has its Prism and proxy); operations of one API in turn.
    let runs = documents
        .iter()
        .map(|(module, path, doc)| Box::pin(run_api(module, path, doc, &servers[module], auth)) as ApiRun<'_>)
        .collect();
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
    let path = support::workspace_root().join("tests/conformance/REPORT.md");
    println!(
        "{}/{} operations pass; {:.0} s",
        rows.iter().filter(|r| r.passed).count(),
        rows.len(),
        started.elapsed().as_secs_f64()
    );
    if std::env::var_os("UPDATE_CONFORMANCE").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &report).unwrap();
        println!("wrote {}", path.display());
        return;
    }
    let recorded_report = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{} is missing ({e}): run `UPDATE_CONFORMANCE=1 cargo test -p spotnana-tests --test conformance -- --nocapture`",
            path.display()
        )
    });
    let (was_pass, was_any_pass, was_dynamic) = recorded(&recorded_report);
    let (_, _, now_dynamic) = recorded(&report);
    let now_pass: Operations = rows
        .iter()
        .filter(|r| r.passed)
        .map(|r| (r.module.clone(), r.operation_id.clone()))
        .collect();
    let mut problems = Vec::new();
    for key in was_pass.difference(&now_pass) {
        let row = rows.iter().find(|r| (&r.module, &r.operation_id) == (&key.0, &key.1));
        problems.push(format!(
            "regression: {} {} passed, now: {}",
            key.0,
            key.1,
            row.map_or("missing".into(), |r| r.verdict.clone())
        ));
    }
    // Dynamic responses are random: a round that fails for a fault of the document (an
    // ambiguous `oneOf`) may pass in the next run. What must never happen is a failure of ours.
    for key in was_dynamic.difference(&now_dynamic) {
        let row = rows.iter().find(|r| (&r.module, &r.operation_id) == (&key.0, &key.1));
        println!(
            "note: {} {} deserialized every dynamic round in the report, now: {:?}",
            key.0,
            key.1,
            row.and_then(|r| r.dynamic.clone())
        );
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
    // An operation the report does not record (a newly tracked API, a new operation) would
    // otherwise pass unjudged whenever its failure is blamed on the document.
    for r in &rows {
        if !recorded_report.contains(&format!("| {} | {} |", r.module, r.operation_id)) {
            problems.push(format!(
                "not in the recorded report: {} {} ({})",
                r.module, r.operation_id, r.verdict
            ));
        }
    }
    for key in now_pass.difference(&was_any_pass) {
        println!(
            "note: {} {} passes now but the report says it fails: update the report",
            key.0, key.1
        );
    }
    assert!(
        problems.is_empty(),
        "{}\n(rewrite the report with UPDATE_CONFORMANCE=1 once the change is intended)",
        problems.join("\n")
    );
}

/// The note for values that Prism rejects even when sent without the client: the document's
/// fault, with Prism's request violations (response ones are judged elsewhere).
fn rejected_without_client(values: &str, violations: Vec<String>) -> String {
    let request: Vec<String> = violations
        .into_iter()
        .filter(|v| !v.starts_with("(response)"))
        .collect();
    format!(
        "{values}, sent without the client, are rejected by Prism too: {}",
        request.join("; ")
    )
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

#[tokio::test]
async fn a_prism_that_exits_is_restarted_on_its_port() {
    let api = support::manifest()
        .api
        .into_iter()
        .find(|a| a.module == "auth")
        .expect("the Auth API is mirrored");
    support::document(&api);
    let prism = Prism::mock(
        "auth",
        &support::workspace_root().join("spec/cache").join(api.cache_file()),
    );
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
