//! What the runtime logs, and what it must never log.
//!
//! Every attempt of every call is one `tracing` event at `info` (target `spotnana`):
//! `method`, `path` (the *template*, e.g. `/v2/users/{userId}`: a concrete path carries
//! ids), `operation` (Spotnana's operationId), `status`, `latency_ms`, `attempt`,
//! `debug_identifier` when Spotnana's error body has one, and `correlation_id` when the
//! client sends one ([`crate::SpotnanaBuilder::correlation_id`]). Never logged: the
//! `Authorization` header, client secrets, tokens, request or response bodies, query
//! strings, and the values of properties the documents mark `x-pii`.

mod tables {
    include!(concat!(env!("OUT_DIR"), "/runtime_tables.rs"));
}

/// Number of `x-pii` markers on properties in the documents read at build time (a schema
/// repeated in several documents counts once per document).
pub const PII_MARKERS: usize = tables::PII_MARKERS;

/// The property names marked `x-pii` in Spotnana's documents (all APIs, sorted). Their values
/// are replaced by `"[redacted]"` in every body excerpt this crate shows.
pub fn pii_names() -> &'static [&'static str] {
    tables::PII_NAMES
}

/// Per component schema, the property names marked `x-pii`.
pub fn pii_by_schema() -> &'static [(&'static str, &'static [&'static str])] {
    tables::PII_BY_SCHEMA
}

/// The document's view of one operation: its operationId, HTTP method, path template, and
/// whether it is safe to send twice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationMeta {
    /// `operationId` as Spotnana spells it (`getApiUsers`).
    pub operation_id: &'static str,
    /// Upper-case HTTP method.
    pub method: &'static str,
    /// Path template (`/v2/api-users`).
    pub path: &'static str,
    /// The generated classification (see [`crate::retry`]).
    pub safety: crate::RetrySafety,
}

/// Looks up an operation by the API module and the `operation_id` progenitor passes to the
/// hooks (the method name).
pub fn operation(module: &str, rust_name: &str) -> Option<OperationMeta> {
    let ops = tables::OPERATIONS;
    ops.binary_search_by(|(m, r, ..)| (*m, *r).cmp(&(module, rust_name)))
        .ok()
        .map(|i| {
            let (_, _, operation_id, method, path, safe) = ops[i];
            OperationMeta {
                operation_id,
                method,
                path,
                safety: crate::RetrySafety::from_flag(safe),
            }
        })
}

/// Number of operations in the runtime's table: those of the enabled APIs when the crate is
/// built in its repository, those of every API in the published package (whose table does
/// not depend on features).
pub fn operation_count() -> usize {
    tables::OPERATIONS.len()
}

fn is_pii(name: &str) -> bool {
    tables::PII_NAMES.binary_search(&name).is_ok()
}

/// Longest body excerpt kept in an error, in characters (after redaction).
pub(crate) const EXCERPT_CHARS: usize = 512;

/// A body excerpt safe to show: every value of an `x-pii` property replaced by
/// `"[redacted]"`, then cut to [`EXCERPT_CHARS`].
///
/// Works on the text, not on a parsed value, because the bodies that need an excerpt are
/// the ones that failed to decode: possibly truncated or not JSON at all. A string key is
/// recognised by the `:` after it; the value that follows (string, number, literal, or a
/// whole object or array) is skipped.
pub fn redact_excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let redacted = redact_json_text(&text);
    let mut out: String = redacted.chars().take(EXCERPT_CHARS).collect();
    if redacted.chars().count() > EXCERPT_CHARS {
        out.push('…');
    }
    out
}

fn redact_json_text(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'"' {
            let end = string_end(bytes, i);
            let literal = &text[i..end];
            out.push_str(literal);
            i = end;
            // Is this string a key (followed by `:`) naming an x-pii property?
            let key = literal.trim_start_matches('"').trim_end_matches('"');
            let mut j = i;
            while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                j += 1;
            }
            if j < bytes.len() && bytes[j] == b':' && is_pii(key) {
                out.push_str(&text[i..=j]);
                j += 1;
                while j < bytes.len() && bytes[j].is_ascii_whitespace() {
                    j += 1;
                }
                out.push_str("\"[redacted]\"");
                i = value_end(bytes, j);
            }
        } else {
            // Copy up to the next quote (char boundaries: '"' is ASCII, so this is safe).
            let next = text[i..].find('"').map_or(bytes.len(), |n| i + n);
            out.push_str(&text[i..next]);
            i = next;
        }
    }
    out
}

/// Index just past the string literal starting at `start` (or the end of the text).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// Index just past the JSON value starting at `start`, tolerating truncation.
fn value_end(bytes: &[u8], start: usize) -> usize {
    match bytes.get(start) {
        None => start,
        Some(b'"') => string_end(bytes, start),
        Some(b'{' | b'[') => {
            let mut depth = 0usize;
            let mut i = start;
            while i < bytes.len() {
                match bytes[i] {
                    b'"' => {
                        i = string_end(bytes, i);
                        continue;
                    }
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            return i + 1;
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
            bytes.len()
        }
        Some(_) => {
            let mut i = start;
            while i < bytes.len() && !matches!(bytes[i], b',' | b'}' | b']') && !bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            i
        }
    }
}

/// A serde_json error message without the values it may quote: `invalid type: string
/// "jane@example.com"` keeps its shape but not the address. Field names (`missing field
/// \`x\``) come from the schema, not the data, and stay.
/// Where the quoted text that starts `text` ends: the first `quote` not escaped by a
/// backslash (serde quotes strings with `{:?}`, which escapes `"` and `\\`).
fn closing_quote(text: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in text.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            c if c == quote => return Some(i),
            _ => {}
        }
    }
    None
}

pub(crate) fn redact_decode_message(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(pos) = rest.find(['"', '`']) {
        let quote = rest.as_bytes()[pos] as char;
        let (before, after) = rest.split_at(pos);
        out.push_str(before);
        let after = &after[1..];
        let Some(close) = closing_quote(after, quote) else {
            out.push(quote);
            out.push_str("[redacted]");
            return out;
        };
        let inner = &after[..close];
        let keep = quote == '`' && out.ends_with("field ");
        out.push(quote);
        out.push_str(if keep { inner } else { "[redacted]" });
        out.push(quote);
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// A short, secret-free name for a transport failure (what the log shows).
pub(crate) fn failure_kind(e: &reqwest::Error) -> &'static str {
    if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else if e.is_request() {
        "request"
    } else {
        "transport"
    }
}

/// Logs one attempt of one call.
#[allow(clippy::too_many_arguments)]
pub(crate) fn attempt(
    meta: &OperationMeta,
    correlation_id: Option<&str>,
    attempt: u32,
    status: Option<u16>,
    latency: std::time::Duration,
    debug_identifier: Option<&str>,
    failure: Option<&'static str>,
) {
    let latency_ms = u64::try_from(latency.as_millis()).unwrap_or(u64::MAX);
    let status = status.unwrap_or(0);
    tracing::info!(
        target: "spotnana",
        method = meta.method,
        path = meta.path,
        operation = meta.operation_id,
        status,
        latency_ms,
        attempt,
        debug_identifier = debug_identifier.unwrap_or(""),
        correlation_id = correlation_id.unwrap_or(""),
        failure = failure.unwrap_or(""),
        "spotnana request"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sorted_for_binary_search() {
        assert!(
            tables::OPERATIONS
                .windows(2)
                .all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1))
        );
        assert!(tables::PII_NAMES.windows(2).all(|w| w[0] < w[1]));
        assert!(
            pii_names().contains(&"email"),
            "x-pii of the users API: {:?}",
            pii_names()
        );
    }

    #[test]
    fn excerpts_hide_pii_values_even_when_truncated_or_nested() {
        let body = br#"{"email": "jane@example.com", "count": 3, "name": {"given": "Jane", "family1": "Doe"}, "dob":"1990-01-01", "gender": FEMALE, "email":"cut"#;
        let excerpt = redact_excerpt(body);
        for value in ["jane@example.com", "Jane", "Doe", "1990-01-01", "FEMALE", "cut"] {
            assert!(!excerpt.contains(value), "{value} in {excerpt}");
        }
        assert!(excerpt.contains(r#""count": 3"#), "{excerpt}");
        assert!(excerpt.contains(r#""email":"[redacted]""#), "{excerpt}");
    }

    #[test]
    fn escaped_quotes_do_not_end_a_string() {
        let excerpt = redact_excerpt(br#"{"note": "a \"email\": x", "email": "j\"ane@x.com"}"#);
        assert!(!excerpt.contains("ane@x.com"), "{excerpt}");
        assert!(excerpt.contains(r#""note": "a \"email\": x""#), "{excerpt}");
    }

    #[test]
    fn long_excerpts_are_cut() {
        let body = format!("{{\"k\": \"{}\"}}", "x".repeat(5000));
        assert_eq!(redact_excerpt(body.as_bytes()).chars().count(), EXCERPT_CHARS + 1);
    }

    #[test]
    fn decode_messages_redact_values_with_escaped_quotes() {
        // serde quotes with `{:?}`: `"` inside the value comes escaped.
        let message = format!(
            "invalid value: string {:?}, expected a short name at line 1 column 40",
            "D\"Arcy jane.darcy@example.com \\\" more"
        );
        let redacted = redact_decode_message(&message);
        assert_eq!(
            redacted,
            "invalid value: string \"[redacted]\", expected a short name at line 1 column 40"
        );
    }

    #[test]
    fn decode_messages_keep_field_names_only() {
        assert_eq!(
            redact_decode_message("invalid type: string \"jane@x.com\", expected u64 at line 1 column 9"),
            "invalid type: string \"[redacted]\", expected u64 at line 1 column 9"
        );
        assert_eq!(
            redact_decode_message("missing field `userId` at line 1 column 2"),
            "missing field `userId` at line 1 column 2"
        );
        assert_eq!(
            redact_decode_message("invalid value: integer `1234`, expected a date"),
            "invalid value: integer `[redacted]`, expected a date"
        );
    }

    /// 10,000 generated cases each: whatever a value holds (quotes, escapes, any Unicode), the
    /// redacted message keeps none of it, and no text makes the redactor panic.
    mod properties {
        use super::redact_decode_message;
        use proptest::prelude::*;

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(10_000))]

            #[test]
            fn a_quoted_value_never_survives(value in "\\PC{0,60}", expected in "[a-z ]{0,20}") {
                // serde_json quotes a string value with `{:?}`.
                let message = format!("invalid type: string {value:?}, expected {expected}");
                prop_assert_eq!(
                    redact_decode_message(&message),
                    format!("invalid type: string \"[redacted]\", expected {expected}")
                );
            }

            #[test]
            fn a_backticked_value_never_survives(value in "[^`\\\\]{0,60}") {
                let message = format!("unknown variant `{value}`, expected `A` or `B`");
                prop_assert_eq!(
                    redact_decode_message(&message),
                    "unknown variant `[redacted]`, expected `[redacted]` or `[redacted]`"
                );
            }

            #[test]
            fn any_text_is_answered_without_panic(text in "\\PC{0,200}") {
                let _ = redact_decode_message(&text);
            }
        }
    }
}
