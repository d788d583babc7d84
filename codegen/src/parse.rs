//! Reading a published document: JSON bytes into a JSON value, checked to be OpenAPI 3.x.
//!
//! Spotnana publishes every document as JSON; YAML is not read, which spares every build of
//! the client a YAML parser.

use crate::Error;
use serde_json::Value;

/// Parses JSON and checks the `openapi: 3.x` marker.
pub fn parse_document(document: &str, bytes: &[u8]) -> Result<Value, Error> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| Error::Parse {
        document: document.into(),
        reason: e.to_string(),
    })?;
    check_openapi(document, &value)?;
    Ok(value)
}

/// Checks that a parsed value is an OpenAPI 3.x document (an object with `openapi: "3.…"`,
/// `info` and `paths`), naming the first missing piece as a JSON pointer.
pub fn check_openapi(document: &str, value: &Value) -> Result<(), Error> {
    let fail = |reason: String| {
        Err(Error::NotOpenApi {
            document: document.into(),
            reason,
        })
    };
    let Some(root) = value.as_object() else {
        return fail("the top level is not an object".into());
    };
    match root.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.") => {}
        Some(v) => return fail(format!("/openapi is {v:?}, expected 3.x")),
        None => return fail("/openapi is missing".into()),
    }
    for key in ["info", "paths"] {
        if !root.get(key).is_some_and(Value::is_object) {
            return fail(format!("/{key} is missing or not an object"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_is_refused_naming_the_document() {
        let yaml = b"openapi: 3.1.0\ninfo:\n  title: t\n  version: v2\npaths: {}\n";
        let e = parse_document("x", yaml).unwrap_err().to_string();
        assert!(e.starts_with("x: not JSON"), "{e}");
    }

    #[test]
    fn errors_name_the_document_and_the_pointer() {
        let e = parse_document("air", b"{\"swagger\": \"2.0\"}")
            .unwrap_err()
            .to_string();
        assert_eq!(e, "air: not an OpenAPI 3.x document: /openapi is missing");
        let e = parse_document("air", b"{\"openapi\": \"3.1.0\", \"info\": {}}")
            .unwrap_err()
            .to_string();
        assert!(e.contains("/paths is missing"), "{e}");
        let e = parse_document("air", b"{ not json: [").unwrap_err().to_string();
        assert!(e.starts_with("air: not JSON"), "{e}");
    }
}
