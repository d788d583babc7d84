//! Plain progenitor: the yardstick the build budget is measured against.
//!
//! `cargo xtask bench` builds this client and, in the same run, what progenitor 0.15 makes of
//! the same documents on its own: its default settings (positional methods, no hooks, no
//! runtime) after only the document fix-ups it needs to read, generate and compile at all
//! (the [`crate::transform::PIPELINE`]: 3.1 → 3.0, mixed body/no-body responses, required
//! names without a property, inline names colliding with components), with
//! `multipart/form-data` bodies sent as `application/octet-stream`, and none of the passes
//! over the generated code (no shared `common` module, no dispatched unions, no open enums,
//! no unknown properties kept, no constructors, no deprecations). One module per document.

use serde_json::{Value, json};

/// Plain progenitor's code for one document (to be put in a module of its own).
pub fn plain_progenitor(document: &str, bytes: &[u8]) -> Result<String, crate::Error> {
    let mut doc = crate::parse::parse_document(document, bytes)?;
    crate::transform::apply_all(&mut doc);
    multipart_as_octet_stream(&mut doc);
    let spec = crate::generator::to_openapi(document, &doc)?;
    let settings = progenitor::GenerationSettings::default();
    let (tokens, _) = crate::generator::run_progenitor(document, &settings, &spec)?;
    let file: syn::File = syn::parse2(tokens).map_err(|e| crate::Error::Syntax {
        document: document.into(),
        reason: e.to_string(),
    })?;
    Ok(prettyplease::unparse(&file))
}

/// progenitor 0.15 has no multipart bodies (it calls `todo!`): plain progenitor takes them as
/// raw bytes.
fn multipart_as_octet_stream(doc: &mut Value) {
    crate::walk::for_each_operation(doc, &mut |_, _, _, op| {
        let Some(Value::Object(content)) = op.get_mut("requestBody").and_then(|b| b.get_mut("content")) else {
            return;
        };
        if content.keys().any(|k| k.starts_with("multipart/")) {
            content.clear();
            content.insert(
                "application/octet-stream".into(),
                json!({"schema": {"type": "string", "format": "binary"}}),
            );
        }
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_progenitor_generates_a_small_document_without_the_passes() {
        let doc = br##"{"openapi": "3.1.0", "info": {"title": "t", "version": "v2"},
            "paths": {"/things": {"post": {"operationId": "makeThing",
                "requestBody": {"content": {"multipart/form-data": {"schema": {"type": "object"}}}},
                "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}}}}}},
            "components": {"schemas": {"Thing": {"type": "object", "properties": {"name": {"type": ["string", "null"]}}}}}}"##;
        let code = super::plain_progenitor("things", doc).unwrap();
        assert!(code.contains("pub struct Thing"), "{code}");
        assert!(code.contains("pub async fn make_thing"), "{code}");
        assert!(code.contains("application/octet-stream"), "{code}");
        assert!(!code.contains("non_exhaustive"), "{code}");
        assert!(!code.contains("UnknownProperties"), "{code}");
    }
}
