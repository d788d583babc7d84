//! Generates the typed Rust client of one Spotnana API from its published OpenAPI document.
//!
//! ```text
//! bytes (JSON or YAML) ─parse─▶ JSON ─transform::PIPELINE─▶ OpenAPI 3.0 JSON
//!   ─progenitor─▶ tokens (+ multipart methods) ─prettyplease─▶ Rust source
//! ```
//!
//! Spotnana publishes OpenAPI 3.1; progenitor reads 3.0 and has shape limits. Each gap is
//! bridged by a named fix-up in [`transform`], recorded per JSON pointer in the [`Report`].
//! The output is deterministic: the same bytes give the same code.

pub mod manifest;
mod multipart;
pub mod parse;
pub mod transform;
pub mod walk;

pub use transform::{Changes, Report};

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a document could not be turned into code. Every variant names the document.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{document}: not JSON or YAML: {reason}")]
    Parse { document: String, reason: String },
    #[error("{document}: not an OpenAPI 3.x document: {reason}")]
    NotOpenApi { document: String, reason: String },
    #[error("{document}: after the fix-ups, still not a valid OpenAPI 3.0 document: {reason}")]
    Invalid { document: String, reason: String },
    #[error("{document}: progenitor failed: {reason}")]
    Progenitor { document: String, reason: String },
    #[error("{document}: generated code does not parse as Rust: {reason}")]
    Syntax { document: String, reason: String },
}

/// One generated API module.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source, to be `include!`d inside the API's module.
    pub code: String,
    /// What each fix-up changed in the document.
    pub report: Report,
    /// Number of operations in the document (each is a method of the generated `Client`).
    pub operations: usize,
}

/// Generates the client of one document. `document` names it in errors (e.g. `air`).
pub fn generate(document: &str, bytes: &[u8]) -> Result<Generated, Error> {
    let mut doc = parse::parse_document(document, bytes)?;
    let operations = count_operations(&doc);
    let mut report = transform::apply_all(&mut doc);
    let mut multipart_changes = Changes::default();
    let multipart_ops = transform::extract_multipart_operations(&mut doc, &mut multipart_changes);
    report.insert("extract_multipart_operations", multipart_changes);

    let spec: openapiv3::OpenAPI = serde_json::from_value(doc.clone()).map_err(|e| Error::Invalid {
        document: document.into(),
        reason: e.to_string(),
    })?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged);
    let mut generator = progenitor::Generator::new(&settings);
    // progenitor reports some unsupported shapes by panicking; turn that into an error
    // that names the document instead of aborting the build script with a bare backtrace.
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(&spec)))
        .map_err(|panic| Error::Progenitor {
            document: document.into(),
            reason: panic_message(&panic),
        })?
        .map_err(|e| Error::Progenitor {
            document: document.into(),
            reason: e.to_string(),
        })?;
    let extra = multipart::methods(&doc, &multipart_ops).map_err(|reason| Error::Progenitor {
        document: document.into(),
        reason,
    })?;

    let file: syn::File = syn::parse2(quote::quote! { #tokens #extra }).map_err(|e| Error::Syntax {
        document: document.into(),
        reason: e.to_string(),
    })?;
    let code = prettyplease::unparse(&file);
    Ok(Generated {
        code,
        report,
        operations,
    })
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}

/// The operations of a document: (method, path, operationId).
pub fn operations(doc: &serde_json::Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            for method in walk::METHODS {
                if let Some(op) = item.get(method) {
                    let id = op.get("operationId").and_then(|v| v.as_str()).map(str::to_string);
                    out.push((method.to_string(), path.clone(), id));
                }
            }
        }
    }
    out
}

fn count_operations(doc: &serde_json::Value) -> usize {
    operations(doc).len()
}

/// The Rust method name progenitor gives an operationId.
pub fn method_name(operation_id: &str) -> String {
    heck::ToSnakeCase::to_snake_case(operation_id)
}
