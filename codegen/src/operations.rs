//! The operations of a document, enumerated once: the generator's passes, the runtime's
//! tables, the diff and the tests all read them as [`Operation`]s from [`operations`].

use crate::walk;
use serde_json::Value;

/// One operation of a document, borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct Operation<'v> {
    /// The lower-case HTTP method, the path item's key (`get`, `post`, …).
    pub method: &'static str,
    /// The path template, e.g. `/v2/users/{userId}`.
    pub path: &'v str,
    /// The path item holding the operation (with the parameters shared by its operations).
    pub path_item: &'v Value,
    /// The operation object.
    pub op: &'v Value,
}

impl<'v> Operation<'v> {
    /// The document's `operationId`, as Spotnana spells it.
    pub fn operation_id(&self) -> Option<&'v str> {
        self.op.get("operationId").and_then(Value::as_str)
    }

    /// The JSON pointer of the operation object, e.g. `/paths/~1v2~1users/get`.
    pub fn pointer(&self) -> String {
        format!("/paths/{}/{}", walk::escape(self.path), self.method)
    }
}

/// The operations of a document, in document order (paths, then [`walk::METHODS`]).
pub fn operations(doc: &Value) -> Vec<Operation<'_>> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, path_item) in paths {
            for method in walk::METHODS {
                if let Some(op) = path_item.get(method) {
                    out.push(Operation {
                        method,
                        path,
                        path_item,
                        op,
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operations_come_in_document_order_with_their_pointers() {
        let doc = serde_json::json!({"paths": {
            "/v2/b/{id}": {"post": {"operationId": "makeB"}, "get": {"operationId": "getB"}},
            "/v2/a": {"get": {}},
        }});
        let found: Vec<(String, Option<&str>)> = operations(&doc)
            .iter()
            .map(|o| (o.pointer(), o.operation_id()))
            .collect();
        assert_eq!(
            found,
            [
                ("/paths/~1v2~1b~1{id}/get".to_string(), Some("getB")),
                ("/paths/~1v2~1b~1{id}/post".to_string(), Some("makeB")),
                ("/paths/~1v2~1a/get".to_string(), None),
            ]
        );
    }
}
