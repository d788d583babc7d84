//! Operations: matched by method and path (parameter names erased), then their parameters,
//! request body, responses, security and deprecation; and the shared components they use.

use super::model::{Direction, Facts, Kind};
use super::reach::{Op, normalize_path, operations};
use super::{At, Differ, union_keys};
use serde_json::Value;
use spotnana_codegen::walk::{METHODS, escape};
use spotnana_codegen::{method_name, sanitize_type_name};
use std::collections::BTreeMap;

static NULL: Value = Value::Null;

/// The names of a path template's parameters, in order.
fn template_names(path: &str) -> Vec<&str> {
    path.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}'))
        .map(|(name, _)| name)
        .collect()
}

impl<'a> Differ<'a> {
    fn method_item(&self, op: &Op) -> String {
        match op.operation_id() {
            Some(id) => format!("{}::Client::{}", self.module, method_name(id)),
            None => format!("{}::Client (no operationId for {})", self.module, op.label),
        }
    }

    /// The items named after an operation that takes optional parameters by name: the
    /// `<method>_with` method and its `<Method>Params` struct (a rename renames them too).
    fn by_name_items(&mut self, doc: &'a Value, op: &Op<'a>) -> Vec<String> {
        let Some(id) = op.operation_id() else {
            return Vec::new();
        };
        let optional = self.parameters(doc, op).values().any(|(p, _)| {
            let place = p.get("in").and_then(Value::as_str);
            matches!(place, Some("query" | "header")) && p.get("required").and_then(Value::as_bool) != Some(true)
        });
        if !optional {
            return Vec::new();
        }
        let method = method_name(id);
        vec![
            format!("{}::Client::{method}_with", self.module),
            format!(
                "{}::{}Params",
                self.module,
                heck::ToUpperCamelCase::to_upper_camel_case(id)
            ),
        ]
    }

    /// The place of an operation; `old` and `new` may be the same operation when it exists
    /// on one side only.
    fn operation_at(&self, old: &Op, new: &Op) -> At {
        At {
            subject: new.label.clone(),
            old_ptr: old.pointer(),
            new_ptr: new.pointer(),
            rust_type: sanitize_type_name(new.operation_id().unwrap_or_default()),
            item: self.method_item(new),
            direction: None,
            operations: vec![new.label.clone()],
        }
    }

    /// Follows `$ref`s to shared components (parameters, request bodies, responses),
    /// remembering them as reached.
    fn resolve(&mut self, doc: &'a Value, value: &'a Value, pointer: String) -> (&'a Value, String) {
        let (mut value, mut pointer) = (value, pointer);
        for _ in 0..8 {
            let Some(target) = value
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            else {
                break;
            };
            let Some(resolved) = doc.pointer(target) else { break };
            self.visited.insert(target.to_string());
            (value, pointer) = (resolved, target.to_string());
        }
        (value, pointer)
    }

    pub(super) fn diff_operations(&mut self) {
        let (old, new) = (self.old, self.new);
        let old_ops: BTreeMap<String, Op> = operations(old).into_iter().map(|o| (o.key.clone(), o)).collect();
        let new_ops: BTreeMap<String, Op> = operations(new).into_iter().map(|o| (o.key.clone(), o)).collect();
        for (key, o) in &old_ops {
            match new_ops.get(key) {
                Some(n) => self.diff_operation(o, n),
                None => {
                    let at = self.operation_at(o, o);
                    self.push(
                        &at,
                        Kind::OperationRemoved,
                        None,
                        "operation removed".into(),
                        Facts::default(),
                    );
                }
            }
        }
        for (key, n) in &new_ops {
            if !old_ops.contains_key(key) {
                let at = self.operation_at(n, n);
                self.push(
                    &at,
                    Kind::OperationAdded,
                    None,
                    "operation added".into(),
                    Facts::default(),
                );
            }
        }
        self.diff_path_items();
    }

    /// What a path item holds besides its operations and parameters.
    fn diff_path_items(&mut self) {
        let (old, new) = (self.old, self.new);
        let by_key = |doc: &'a Value| -> BTreeMap<String, (&'a String, &'a Value)> {
            doc.get("paths")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(p, item)| (normalize_path(p), (p, item)))
                .collect()
        };
        let (o, n) = (by_key(old), by_key(new));
        for (key, (op, oi)) in &o {
            let Some((np, ni)) = n.get(key) else { continue };
            let at = At {
                subject: np.to_string(),
                old_ptr: format!("/paths/{}", escape(op)),
                new_ptr: format!("/paths/{}", escape(np)),
                rust_type: String::new(),
                item: format!("{}::Client", self.module),
                direction: None,
                operations: Vec::new(),
            };
            let mut docs = Vec::new();
            for k in union_keys(oi, ni) {
                if oi.get(k) == ni.get(k) || METHODS.contains(&k) || k == "parameters" {
                    continue;
                }
                match k {
                    "summary" | "description" => docs.push(k),
                    _ => self.unclassified(&at.down(k, k), k),
                }
            }
            self.descriptions(&at, &docs);
        }
    }

    fn diff_operation(&mut self, o: &Op<'a>, n: &Op<'a>) {
        let at = self.operation_at(o, n);
        if o.operation_id() != n.operation_id() {
            let summary = format!(
                "operationId `{}` → `{}`",
                o.operation_id().unwrap_or("none"),
                n.operation_id().unwrap_or("none")
            );
            let mut items = vec![self.method_item(o), self.method_item(n)];
            let (old, new) = (self.old, self.new);
            items.extend(self.by_name_items(old, o));
            items.extend(self.by_name_items(new, n));
            self.push_at(
                &at.down("operationId", "operationId"),
                Kind::OperationIdRenamed,
                None,
                summary,
                Facts::default(),
                items,
            );
        }
        self.diff_parameters(o, n, &at);
        self.diff_request_body(o, n, &at);
        self.diff_responses(o, n, &at);
        let mut docs = Vec::new();
        let mut deprecation = false;
        for key in union_keys(o.op, n.op) {
            if o.op.get(key) == n.op.get(key) {
                continue;
            }
            match key {
                "operationId" | "parameters" | "requestBody" | "responses" => {}
                "security" => self.push(
                    &at.down(key, key),
                    Kind::SecurityChanged,
                    None,
                    "operation security requirements changed".into(),
                    Facts::default(),
                ),
                "deprecated" | "x-sunset" if !deprecation => {
                    deprecation = true;
                    self.deprecation(&at, o.op, n.op);
                }
                "deprecated" | "x-sunset" => {}
                "summary" | "description" | "tags" | "externalDocs" => docs.push(key),
                _ => self.unclassified(&at.down(key, key), key),
            }
        }
        self.descriptions(&at, &docs);
    }

    /// Path-item and operation parameters (the operation's override the path item's), keyed
    /// by position for path parameters and by `in` and name for the others.
    fn parameters(&mut self, doc: &'a Value, op: &Op<'a>) -> BTreeMap<String, (&'a Value, String)> {
        let template = template_names(op.path);
        let lists = [
            (
                op.path_item.get("parameters"),
                format!("/paths/{}/parameters", escape(op.path)),
            ),
            (op.op.get("parameters"), format!("{}/parameters", op.pointer())),
        ];
        let mut out = BTreeMap::new();
        for (list, base) in lists {
            for (i, p) in list.and_then(Value::as_array).into_iter().flatten().enumerate() {
                let (p, pointer) = self.resolve(doc, p, format!("{base}/{i}"));
                let place = p.get("in").and_then(Value::as_str).unwrap_or("?");
                let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
                let key = match template.iter().position(|t| *t == name) {
                    Some(i) if place == "path" => format!("path#{i}"),
                    _ => format!("{place}.{name}"),
                };
                out.insert(key, (p, pointer));
            }
        }
        out
    }

    fn diff_parameters(&mut self, o: &Op<'a>, n: &Op<'a>, at: &At) {
        let (old, new) = (self.old, self.new);
        let op_params = self.parameters(old, o);
        let np_params = self.parameters(new, n);
        let describe = |p: &Value| {
            format!(
                "{}.{}",
                p.get("in").and_then(Value::as_str).unwrap_or("?"),
                p.get("name").and_then(Value::as_str).unwrap_or("?")
            )
        };
        let required = |p: &Value| p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let param_at = |p: &Value, old_ptr: &str, new_ptr: &str| At {
            subject: format!("{} {}", at.subject, describe(p)),
            old_ptr: old_ptr.to_string(),
            new_ptr: new_ptr.to_string(),
            rust_type: sanitize_type_name(&format!(
                "{}_{}",
                n.operation_id().unwrap_or_default(),
                p.get("name").and_then(Value::as_str).unwrap_or_default()
            )),
            direction: Some(Direction::Request),
            ..at.clone()
        };
        for (key, (p, ptr)) in &op_params {
            if !np_params.contains_key(key) {
                let facts = Facts {
                    required: required(p),
                    ..Facts::default()
                };
                let summary = format!("parameter `{}` removed", describe(p));
                self.push(&param_at(p, ptr, ptr), Kind::ParameterRemoved, None, summary, facts);
            }
        }
        for (key, (p, ptr)) in &np_params {
            let Some((op, optr)) = op_params.get(key) else {
                let facts = Facts {
                    required: required(p),
                    ..Facts::default()
                };
                let word = if facts.required { "required" } else { "optional" };
                let summary = format!("{word} parameter `{}` added", describe(p));
                self.push(&param_at(p, ptr, ptr), Kind::ParameterAdded, None, summary, facts);
                continue;
            };
            if op == p {
                continue;
            }
            let pat = param_at(p, optr, ptr);
            let mut docs = Vec::new();
            let mut deprecation = false;
            for k in union_keys(op, p) {
                if op.get(k) == p.get(k) {
                    continue;
                }
                match k {
                    "name" => {
                        let summary = format!("path parameter `{}` renamed to `{}`", describe(op), describe(p));
                        self.push(&pat.down(k, k), Kind::ParameterRenamed, None, summary, Facts::default());
                    }
                    "required" if required(op) != required(p) => {
                        let facts = Facts {
                            required: required(p),
                            ..Facts::default()
                        };
                        let summary = if facts.required { "now required" } else { "now optional" };
                        self.push(
                            &pat.down(k, k),
                            Kind::ParameterRequiredChanged,
                            None,
                            summary.into(),
                            facts,
                        );
                    }
                    // `required: false` spelled out or left out: the same.
                    "required" => {}
                    "schema" => match (op.get(k), p.get(k)) {
                        (Some(a), Some(b)) => self.diff_schema(a, b, &pat.down(k, k)),
                        _ => self.unclassified(&pat, k),
                    },
                    "deprecated" | "x-sunset" if !deprecation => {
                        deprecation = true;
                        self.deprecation(&pat, op, p);
                    }
                    "deprecated" | "x-sunset" => {}
                    "description" | "example" | "examples" => docs.push(k),
                    _ => self.unclassified(&pat.down(k, k), k),
                }
            }
            self.descriptions(&pat, &docs);
        }
    }

    fn diff_request_body(&mut self, o: &Op<'a>, n: &Op<'a>, at: &At) {
        let (old, new) = (self.old, self.new);
        let ob =
            o.op.get("requestBody")
                .map(|b| self.resolve(old, b, format!("{}/requestBody", at.old_ptr)));
        let nb =
            n.op.get("requestBody")
                .map(|b| self.resolve(new, b, format!("{}/requestBody", at.new_ptr)));
        let required = |b: &Value| b.get("required").and_then(Value::as_bool).unwrap_or(false);
        let body_at = |old_ptr: String, new_ptr: String| At {
            subject: format!("{} request", at.subject),
            old_ptr,
            new_ptr,
            rust_type: format!("{}Body", at.rust_type),
            direction: Some(Direction::Request),
            ..at.clone()
        };
        match (ob, nb) {
            (None, None) => {}
            (None, Some((b, ptr))) => {
                let facts = Facts {
                    required: required(b),
                    ..Facts::default()
                };
                let bat = body_at(ptr.clone(), ptr);
                self.push(&bat, Kind::RequestBodyAdded, None, "request body added".into(), facts);
            }
            (Some((b, ptr)), None) => {
                let facts = Facts {
                    required: required(b),
                    ..Facts::default()
                };
                let bat = body_at(ptr.clone(), ptr);
                self.push(
                    &bat,
                    Kind::RequestBodyRemoved,
                    None,
                    "request body removed".into(),
                    facts,
                );
            }
            (Some((a, aptr)), Some((b, bptr))) => {
                if a == b {
                    return;
                }
                let bat = body_at(aptr, bptr);
                let mut docs = Vec::new();
                for k in union_keys(a, b) {
                    if a.get(k) == b.get(k) {
                        continue;
                    }
                    match k {
                        "required" if required(a) != required(b) => {
                            let facts = Facts {
                                required: required(b),
                                ..Facts::default()
                            };
                            let summary = if facts.required {
                                "body now required"
                            } else {
                                "body now optional"
                            };
                            self.push(
                                &bat.down(k, k),
                                Kind::RequestBodyRequiredChanged,
                                None,
                                summary.into(),
                                facts,
                            );
                        }
                        "required" => {}
                        "content" => self.diff_content(&bat, a.get(k), b.get(k)),
                        "description" => docs.push(k),
                        _ => self.unclassified(&bat.down(k, k), k),
                    }
                }
                self.descriptions(&bat, &docs);
            }
        }
    }

    fn diff_responses(&mut self, o: &Op<'a>, n: &Op<'a>, at: &At) {
        let (old, new) = (self.old, self.new);
        let or = o.op.get("responses").unwrap_or(&NULL);
        let nr = n.op.get("responses").unwrap_or(&NULL);
        for code in union_keys(or, nr) {
            let segment = format!("responses/{}", escape(code));
            let facts = Facts {
                success: code.starts_with('2'),
                ..Facts::default()
            };
            let status_at = At {
                subject: format!("{} {code}", at.subject),
                direction: Some(Direction::Response),
                rust_type: format!("{}Response", at.rust_type),
                ..at.down(&segment, &segment)
            };
            match (or.get(code), nr.get(code)) {
                (Some(_), None) => {
                    let summary = format!("status {code} removed");
                    self.push(&status_at, Kind::StatusCodeRemoved, None, summary, facts);
                }
                (None, Some(_)) => {
                    let summary = format!("status {code} added");
                    self.push(&status_at, Kind::StatusCodeAdded, None, summary, facts);
                }
                (Some(a), Some(b)) => {
                    let (a, aptr) = self.resolve(old, a, status_at.old_ptr.clone());
                    let (b, bptr) = self.resolve(new, b, status_at.new_ptr.clone());
                    if a == b {
                        continue;
                    }
                    let rat = At {
                        old_ptr: aptr,
                        new_ptr: bptr,
                        ..status_at
                    };
                    let mut docs = Vec::new();
                    for k in union_keys(a, b) {
                        if a.get(k) == b.get(k) {
                            continue;
                        }
                        match k {
                            "content" => self.diff_content(&rat, a.get(k), b.get(k)),
                            "description" => docs.push(k),
                            _ => self.unclassified(&rat.down(k, k), k),
                        }
                    }
                    self.descriptions(&rat, &docs);
                }
                (None, None) => unreachable!("codes come from the two maps"),
            }
        }
    }

    /// The `content` of a request body or response: media types, and their schemas.
    fn diff_content(&mut self, at: &At, old: Option<&'a Value>, new: Option<&'a Value>) {
        let (null_o, null_n) = (Value::Null, Value::Null);
        let o = old.unwrap_or(&null_o);
        let n = new.unwrap_or(&null_n);
        let several = union_keys(o, n).len() > 1;
        for mt in union_keys(o, n) {
            let segment = format!("content/{}", escape(mt));
            let mat = At {
                subject: if several {
                    format!("{}[{mt}]", at.subject)
                } else {
                    at.subject.clone()
                },
                ..at.down(&segment, &segment)
            };
            // Media types added or removed belong to the body or response itself.
            let body_at = At {
                subject: at.subject.clone(),
                ..mat.clone()
            };
            match (o.get(mt), n.get(mt)) {
                (Some(_), None) => {
                    let summary = format!("media type `{mt}` removed");
                    self.push(
                        &body_at,
                        Kind::MediaTypeRemoved,
                        Some(mt.to_string()),
                        summary,
                        Facts::default(),
                    );
                }
                (None, Some(_)) => {
                    let summary = format!("media type `{mt}` added");
                    self.push(
                        &body_at,
                        Kind::MediaTypeAdded,
                        Some(mt.to_string()),
                        summary,
                        Facts::default(),
                    );
                }
                (Some(a), Some(b)) if a != b => {
                    let mut docs = Vec::new();
                    for k in union_keys(a, b) {
                        if a.get(k) == b.get(k) {
                            continue;
                        }
                        match (k, a.get(k), b.get(k)) {
                            ("schema", Some(x), Some(y)) => self.diff_schema(x, y, &mat.down(k, k)),
                            ("example" | "examples", _, _) => docs.push(k),
                            _ => self.unclassified(&mat.down(k, k), k),
                        }
                    }
                    self.descriptions(&mat, &docs);
                }
                _ => {}
            }
        }
    }

    /// Components other than schemas: security schemes are compared here; the shared
    /// parameters, bodies and responses were compared through the operations using them, and
    /// a change in one no operation reached is reported as unclassified.
    pub(super) fn diff_components(&mut self) {
        let null = Value::Null;
        let o = self.old.get("components").unwrap_or(&null);
        let n = self.new.get("components").unwrap_or(&null);
        for section in union_keys(o, n) {
            let (os, ns) = (o.get(section).unwrap_or(&null), n.get(section).unwrap_or(&null));
            if os == ns {
                continue;
            }
            if section == "schemas" {
                self.diff_component_schemas();
                continue;
            }
            for name in union_keys(os, ns) {
                if os.get(name) == ns.get(name) {
                    continue;
                }
                let pointer = format!("/components/{section}/{}", escape(name));
                let at = At {
                    subject: format!("components.{section}.{name}"),
                    old_ptr: pointer.clone(),
                    new_ptr: pointer.clone(),
                    rust_type: String::new(),
                    item: format!("{}::Client", self.module),
                    direction: None,
                    operations: Vec::new(),
                };
                match section {
                    "securitySchemes" => self.push(
                        &at,
                        Kind::SecurityChanged,
                        None,
                        format!("security scheme `{name}` changed"),
                        Facts::default(),
                    ),
                    "examples" => self.descriptions(&at, &["examples"]),
                    _ if self.visited.contains(&pointer) => {}
                    _ => self.unclassified(&at, section),
                }
            }
        }
    }
}
