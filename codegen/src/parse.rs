//! Reading a published document: JSON or YAML bytes into a JSON value, checked to be OpenAPI 3.x.

use crate::Error;
use serde_json::Value;

/// Parses JSON, or YAML when the bytes are not JSON, and checks the `openapi: 3.x` marker.
pub fn parse_document(document: &str, bytes: &[u8]) -> Result<Value, Error> {
    let value: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(json_err) => serde_norway::from_slice(bytes).map_err(|yaml_err| Error::Parse {
            document: document.into(),
            reason: format!("as JSON: {json_err}; as YAML: {yaml_err}"),
        })?,
    };
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
    fn json_and_yaml_parse_to_the_same_value() {
        let json = br#"{"openapi": "3.1.0", "info": {"title": "t", "version": "v2"}, "paths": {}}"#;
        let yaml = b"openapi: 3.1.0\ninfo:\n  title: t\n  version: v2\npaths: {}\n";
        assert_eq!(parse_document("x", json).unwrap(), parse_document("x", yaml).unwrap());
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
        assert!(e.starts_with("air: not JSON or YAML"), "{e}");
    }
}
