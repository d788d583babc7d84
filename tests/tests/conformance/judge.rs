//! What an attempt's outcome means: Prism's violations, read from the recorded exchange; what
//! the client made of the response; whether the operation passed; and, when it did not, why.

use crate::calls::{Args, Call};
use crate::harness::{Exchange, Proxy};
use serde_json::Value;

/// The verdict's note when the operation passes on a response of Prism's that violates the
/// document (assembled from the document's faulty examples, or a random draw Prism got wrong).
pub(crate) const RESPONSE_VIOLATES: &str = "Prism's response violates the document, deserialized";

/// "pass", with what it took: the request's source, the response's.
pub(crate) fn verdict_of_pass(request: &str, response: Option<&str>) -> String {
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
pub(crate) const PROXIED: &str = "Prism proxy";

/// What the generated method made of the response.
#[derive(Debug, Clone)]
pub(crate) enum Decoded {
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

pub(crate) fn outcome<T: serde::Serialize>(
    result: Result<spotnana::air::ResponseValue<T>, spotnana::Error>,
) -> Decoded {
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

/// The result of one call, judged from the client's outcome and the recorded exchange.
#[derive(Debug, Clone)]
pub(crate) struct Attempt {
    /// Prism's violations of the request, and of its own response (`sl-violations`); or
    /// Prism's own failure to build a response.
    pub(crate) violations: Vec<String>,
    /// The status Prism sent, when the request reached it.
    pub(crate) status: Option<u16>,
    pub(crate) decoded: Decoded,
    /// For a typed response with a JSON body: whether the generated type wrote back what it
    /// read (see `support::json::lossless`).
    pub(crate) lossless: Option<Result<(), String>>,
}

impl Attempt {
    /// Prism accepted the request and failed to build its response: its own `500` (a schema
    /// its faker cannot follow), with no violation listed.
    pub(crate) fn prism_failed(&self) -> bool {
        self.status == Some(500) && !self.violations.is_empty() && self.violations.iter().all(|v| v.starts_with("500 "))
    }

    /// Prism accepted the request, and the response it sent is its own fault or the
    /// document's: it failed to build one, or flagged the one it built.
    pub(crate) fn prism_response_at_fault(&self) -> bool {
        self.request_violations().is_empty()
            && (self.prism_failed() || self.violations.iter().any(|v| v.starts_with("(response)")))
    }

    pub(crate) fn request_violations(&self) -> Vec<&String> {
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
    pub(crate) fn passed(&self) -> bool {
        self.request_violations().is_empty() && matches!(self.decoded, Decoded::Typed(s, _) if (200..300).contains(&s))
    }

    /// Passed, and the response Prism sent conforms to the document as well.
    pub(crate) fn conforms(&self) -> bool {
        self.passed() && self.violations.is_empty()
    }

    pub(crate) fn reason(&self) -> String {
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
    pub(crate) fn outcome(&self) -> String {
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
pub(crate) fn violations(exchange: &Exchange) -> Vec<String> {
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
pub(crate) fn header_violations(header: &str) -> Vec<Value> {
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

pub(crate) async fn attempt(client: &spotnana::Spotnana, proxy: &Proxy, call: &Call, args: &Args) -> Attempt {
    proxy.clear();
    let decoded = match (call.call)(client, args).await {
        Ok(decoded) => decoded,
        Err(e) => Decoded::Failed(e),
    };
    // The operation's own request is the last: a token, when fetched, comes before it.
    let exchange = proxy.last();
    let lossless = match (&decoded, &exchange) {
        (Decoded::Typed(_, Some(back)), Some(e)) => {
            serde_json::from_slice::<Value>(&e.response_body).ok().map(|sent| {
                back.clone()
                    .and_then(|back| crate::support::json::lossless(&sent, &back))
            })
        }
        _ => None,
    };
    Attempt {
        violations: exchange.as_ref().map(violations).unwrap_or_default(),
        status: exchange.map(|e| e.status),
        decoded,
        lossless,
    }
}

/// Why an operation fails, from its verdict and notes: the document's fault (with Prism's text
/// in the notes), Prism's own limits, or ours.
pub(crate) fn cause(verdict: &str, document_note: Option<&str>) -> &'static str {
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
