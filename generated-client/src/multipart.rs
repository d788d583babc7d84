//! The parts of `multipart/form-data` requests.
//!
//! Each multipart operation takes a generated form struct (`document::UploadDocumentForm`,
//! …) with one field per part the document defines. File parts are a [`FilePart`]; the
//! other parts are the generated types, turned into text here. The functions below are what
//! the generated `into_form` calls: the encoding rules live in one tested place instead of
//! being repeated in every generated form.

use reqwest::multipart::Part;
use serde::Serialize;
use serde_json::Value;
use std::fmt;

/// The content of a file part: bytes, and optionally the file name and content type to send
/// with them.
///
/// Without a content type the part goes out with the one the document gives the part, else
/// `application/octet-stream`. Without a file name the part has none: many servers then
/// read it as a plain field rather than a file upload, so set one when the API expects a
/// file.
///
/// `Debug` shows the length of the bytes, never the bytes: uploaded documents (passports,
/// visas, boarding passes) are personal data and must not reach logs.
#[derive(Clone)]
pub struct FilePart {
    bytes: Vec<u8>,
    file_name: Option<String>,
    content_type: Option<String>,
}

impl FilePart {
    /// A file part with these bytes, no file name and no content type of its own.
    pub fn new(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            bytes: bytes.into(),
            file_name: None,
            content_type: None,
        }
    }

    /// Sends `filename="<name>"` with the part.
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Sends this `Content-Type` with the part, instead of the document's or the default.
    /// An invalid media type fails the call with `Error::InvalidRequest`, before sending.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("len", &self.bytes.len())
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

// Called by the generated forms only. Which APIs have multipart operations is the documents'
// business, so a build without those API features leaves these unused.

/// A file part: the file's own content type, else `content_type` (the document's, or
/// `application/octet-stream` when the document gives none).
#[allow(dead_code, reason = "called by generated code of the APIs with multipart operations")]
pub(crate) fn file(name: &str, file: FilePart, content_type: &str) -> Result<Part, String> {
    let content_type = file.content_type.as_deref().unwrap_or(content_type);
    let part = Part::bytes(file.bytes)
        .mime_str(content_type)
        .map_err(|e| invalid(name, content_type, e))?;
    Ok(match file.file_name {
        Some(file_name) => part.file_name(file_name),
        None => part,
    })
}

/// A part holding `value` serialized as JSON, with `content_type` (`application/json`
/// unless the document says otherwise).
#[allow(dead_code, reason = "called by generated code of the APIs with multipart operations")]
pub(crate) fn json<T: Serialize>(name: &str, value: &T, content_type: &str) -> Result<Part, String> {
    let text = serde_json::to_string(value).map_err(|e| format!("multipart part `{name}`: {e}"))?;
    text_part(name, text, Some(content_type))
}

/// A text part holding a string, a number or a boolean as it reads (a string enum as its
/// serde value: `"HOTEL"` goes out as `HOTEL`), with the document's content type if any.
#[allow(dead_code, reason = "called by generated code of the APIs with multipart operations")]
pub(crate) fn text<T: Serialize>(name: &str, value: &T, content_type: Option<&str>) -> Result<Part, String> {
    let text = scalar_text(value).map_err(|e| format!("multipart part `{name}`: {e}"))?;
    text_part(name, text, content_type)
}

fn scalar_text<T: Serialize>(value: &T) -> Result<String, String> {
    match serde_json::to_value(value).map_err(|e| e.to_string())? {
        Value::String(s) => Ok(s),
        scalar @ (Value::Number(_) | Value::Bool(_)) => Ok(scalar.to_string()),
        other => Err(format!("expected a string, number or boolean, got {other}")),
    }
}

fn text_part(name: &str, text: String, content_type: Option<&str>) -> Result<Part, String> {
    let part = Part::text(text);
    match content_type {
        Some(content_type) => part.mime_str(content_type).map_err(|e| invalid(name, content_type, e)),
        None => Ok(part),
    }
}

fn invalid(name: &str, content_type: &str, e: reqwest::Error) -> String {
    format!("multipart part `{name}`: content type `{content_type}`: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_the_length_not_the_bytes() {
        let file = FilePart::new(b"passport no. X1234567".to_vec())
            .file_name("passport.pdf")
            .content_type("application/pdf");
        let shown = format!("{file:?}");
        assert_eq!(
            shown,
            r#"FilePart { len: 21, file_name: Some("passport.pdf"), content_type: Some("application/pdf") }"#
        );
        assert!(!shown.contains("X1234567"));
    }

    #[test]
    fn text_parts_carry_the_serde_value_of_scalars() {
        #[derive(Serialize)]
        enum Vendor {
            #[serde(rename = "HOTEL_CHAIN")]
            HotelChain,
        }
        assert_eq!(scalar_text(&Vendor::HotelChain).unwrap(), "HOTEL_CHAIN");
        assert_eq!(scalar_text(&"plain").unwrap(), "plain");
        assert_eq!(scalar_text(&42).unwrap(), "42");
        assert_eq!(scalar_text(&true).unwrap(), "true");
        let err = text("o", &serde_json::json!({"a": 1}), None).unwrap_err();
        assert!(err.contains("multipart part `o`"), "{err}");
    }

    #[test]
    fn invalid_content_types_are_errors_not_panics() {
        let err = file(
            "file",
            FilePart::new(vec![1]).content_type("not a type"),
            "application/pdf",
        )
        .unwrap_err();
        assert!(err.contains("`not a type`"), "{err}");
        assert!(json("meta", &serde_json::json!({}), "bad type").is_err());
    }
}
