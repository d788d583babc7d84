//! Schemas: the components (each diffed once, where the change is) and any schema met on the
//! way (parameter, body, or nested inline schema).

use super::model::{Direction, Facts, Kind};
use super::reach::schema_ref_name;
use super::{At, Differ, union_keys};
use serde_json::{Map, Value};
use spotnana_codegen::sanitize_type_name;
use spotnana_codegen::walk::escape;
use std::collections::{BTreeMap, BTreeSet};

/// Old component name → new name, for components that disappeared while a component with an
/// identical body appeared (and no other candidate matches either of them).
pub fn renames(old: &Value, new: &Value) -> BTreeMap<String, String> {
    let (Some(o), Some(n)) = (components(old), components(new)) else {
        return BTreeMap::new();
    };
    let removed: Vec<(&String, &Value)> = o.iter().filter(|(k, _)| !n.contains_key(*k)).collect();
    let added: Vec<(&String, &Value)> = n.iter().filter(|(k, _)| !o.contains_key(*k)).collect();
    let mut out = BTreeMap::new();
    for (name, body) in &removed {
        let same: Vec<&&String> = added.iter().filter(|(_, b)| b == body).map(|(k, _)| k).collect();
        let ambiguous = removed.iter().filter(|(_, b)| b == body).count() > 1;
        if let [target] = same.as_slice()
            && !ambiguous
        {
            out.insert(name.to_string(), target.to_string());
        }
    }
    out
}

fn components(doc: &Value) -> Option<&Map<String, Value>> {
    doc.pointer("/components/schemas").and_then(Value::as_object)
}

/// The Rust name of a struct field typify generates for a JSON property.
pub fn field_name(property: &str) -> String {
    let snake = heck::ToSnakeCase::to_snake_case(property);
    let keyword = matches!(
        snake.as_str(),
        "as" | "async"
            | "await"
            | "break"
            | "const"
            | "continue"
            | "crate"
            | "dyn"
            | "else"
            | "enum"
            | "extern"
            | "false"
            | "fn"
            | "for"
            | "if"
            | "impl"
            | "in"
            | "let"
            | "loop"
            | "match"
            | "mod"
            | "move"
            | "mut"
            | "pub"
            | "ref"
            | "return"
            | "self"
            | "static"
            | "struct"
            | "super"
            | "trait"
            | "true"
            | "type"
            | "unsafe"
            | "use"
            | "where"
            | "while"
    );
    if keyword { format!("{snake}_") } else { snake }
}

/// A short description of a schema's type, for summaries.
fn describe(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return format!("`{}`", schema_ref_name(r).unwrap_or(r));
    }
    let (types, _) = types(schema);
    let mut s = if types.is_empty() {
        "untyped".to_string()
    } else {
        types.into_iter().collect::<Vec<_>>().join(" | ")
    };
    if let Some(f) = schema.get("format").and_then(Value::as_str) {
        s = format!("{s} ({f})");
    }
    if let Some(items) = schema.get("items") {
        s = format!("{s} of {}", describe(items));
    }
    s
}

/// The non-null types of a schema, and whether it admits null (3.1 `type: [.., "null"]` or
/// 3.0 `nullable`).
fn types(schema: &Value) -> (BTreeSet<String>, bool) {
    let mut set = BTreeSet::new();
    match schema.get("type") {
        Some(Value::String(t)) => {
            set.insert(t.clone());
        }
        Some(Value::Array(ts)) => set.extend(ts.iter().filter_map(Value::as_str).map(str::to_string)),
        _ => {}
    }
    let null = set.remove("null") || schema.get("nullable").and_then(Value::as_bool) == Some(true);
    (set, null)
}

fn string_set(v: Option<&Value>) -> BTreeSet<&str> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn display(value: &Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())
}

impl Differ<'_> {
    /// The place of component schema `name` (its name in the new document), reached by the
    /// operations that reach it in either document.
    pub(super) fn component_at(&self, old_name: &str, new_name: &str) -> At {
        let mut reached: BTreeMap<&str, Direction> = BTreeMap::new();
        for (reach, name) in [(&self.reach_old, old_name), (&self.reach_new, new_name)] {
            for (op, d) in reach.get(name).into_iter().flatten() {
                reached
                    .entry(op.as_str())
                    .and_modify(|e| *e = e.union(*d))
                    .or_insert(*d);
            }
        }
        let direction = reached
            .values()
            .copied()
            .fold(Direction::Unreferenced, Direction::union);
        let rust_type = sanitize_type_name(new_name);
        At {
            subject: new_name.to_string(),
            old_ptr: format!("/components/schemas/{}", escape(old_name)),
            new_ptr: format!("/components/schemas/{}", escape(new_name)),
            item: format!("{}::types::{rust_type}", self.module),
            rust_type,
            direction: Some(direction),
            operations: reached.keys().map(|k| self.labels[*k].clone()).collect(),
        }
    }

    pub(super) fn diff_component_schemas(&mut self) {
        let empty = Map::new();
        let old = components(self.old).unwrap_or(&empty);
        let new = components(self.new).unwrap_or(&empty);
        let renamed_to: BTreeSet<String> = self.renamed.values().cloned().collect();
        for (name, o) in old {
            match (new.get(name), self.renamed.get(name)) {
                (Some(n), _) => {
                    if o != n {
                        let at = self.component_at(name, name);
                        self.diff_schema(o, n, &at);
                    }
                }
                (None, Some(to)) => {
                    let at = self.component_at(name, to);
                    let items = vec![
                        format!("{}::types::{}", self.module, sanitize_type_name(name)),
                        at.item.clone(),
                    ];
                    self.push_at(
                        &at,
                        Kind::SchemaRenamed,
                        None,
                        format!("schema `{name}` renamed to `{to}`"),
                        Facts::default(),
                        items,
                    );
                }
                (None, None) => {
                    let at = self.component_at(name, name);
                    self.push(
                        &at,
                        Kind::SchemaRemoved,
                        None,
                        format!("schema `{name}` removed"),
                        Facts::default(),
                    );
                }
            }
        }
        for name in new.keys() {
            if !old.contains_key(name) && !renamed_to.contains(name) {
                let at = self.component_at(name, name);
                self.push(
                    &at,
                    Kind::SchemaAdded,
                    None,
                    format!("schema `{name}` added"),
                    Facts::default(),
                );
            }
        }
    }

    /// Whether two `$ref`s name the same schema (allowing for components renamed unchanged).
    fn same_ref(&self, old: &str, new: &str) -> bool {
        match (schema_ref_name(old), schema_ref_name(new)) {
            (Some(o), Some(n)) => o == n || self.renamed.get(o).is_some_and(|to| to == n),
            _ => old == new,
        }
    }

    /// Compares two schemas at `at` without following `$ref`s: referenced components are
    /// diffed on their own, so each change is reported once, where it is.
    pub(super) fn diff_schema(&mut self, old: &Value, new: &Value, at: &At) {
        if old == new {
            return;
        }
        let (Some(om), Some(nm)) = (old.as_object(), new.as_object()) else {
            self.unclassified(at, "schema");
            return;
        };
        let (old_ref, new_ref) = (
            om.get("$ref").and_then(Value::as_str),
            nm.get("$ref").and_then(Value::as_str),
        );
        let replaced = match (old_ref, new_ref) {
            (Some(a), Some(b)) => !self.same_ref(a, b),
            (None, None) => false,
            _ => true,
        };
        if replaced {
            let summary = format!("type {} → {}", describe(old), describe(new));
            self.push(at, Kind::TypeChanged, None, summary, Facts::default());
            return;
        }
        let mut docs = Vec::new();
        let (mut typed, mut props, mut deprecation) = (false, false, false);
        for key in union_keys(old, new) {
            if om.get(key) == nm.get(key) {
                continue;
            }
            match key {
                "$ref" => {}
                "type" | "nullable" if !typed => {
                    typed = true;
                    self.diff_type(old, new, at, key);
                }
                "type" | "nullable" => {}
                "format" => {
                    let summary = format!(
                        "format {} → {}",
                        om.get(key).map(display).unwrap_or_else(|| "none".into()),
                        nm.get(key).map(display).unwrap_or_else(|| "none".into())
                    );
                    self.push(&at.down(key, key), Kind::FormatChanged, None, summary, Facts::default());
                }
                "enum" => self.diff_enum(om.get(key), nm.get(key), at),
                "properties" | "required" if !props => {
                    props = true;
                    self.diff_properties(om, nm, at);
                }
                "properties" | "required" => {}
                "items" | "additionalProperties" => match (om.get(key), nm.get(key)) {
                    (Some(o @ Value::Object(_)), Some(n @ Value::Object(_))) => {
                        let suffix = if key == "items" { "[]" } else { "{}" };
                        let child = At {
                            subject: format!("{}{suffix}", at.subject),
                            rust_type: format!("{}{}", at.rust_type, if key == "items" { "Item" } else { "Value" }),
                            ..at.down(key, key)
                        };
                        self.diff_schema(o, n, &child);
                    }
                    _ => self.unclassified(at, key),
                },
                "allOf" | "oneOf" | "anyOf" => self.diff_members(key, om.get(key), nm.get(key), at),
                "deprecated" | "x-sunset" if !deprecation => {
                    deprecation = true;
                    self.deprecation(at, old, new);
                }
                "deprecated" | "x-sunset" => {}
                "description" | "title" | "example" | "examples" | "externalDocs" | "$comment" => docs.push(key),
                _ => self.unclassified(at, key),
            }
        }
        self.descriptions(at, &docs);
    }

    /// `type` and `nullable` together (3.1 spells null as a type); `key` is the first of them
    /// that differs.
    fn diff_type(&mut self, old: &Value, new: &Value, at: &At, key: &str) {
        let ((old_types, old_null), (new_types, new_null)) = (types(old), types(new));
        if old_types != new_types {
            let summary = format!("type {} → {}", describe(old), describe(new));
            self.push(
                &at.down("type", "type"),
                Kind::TypeChanged,
                None,
                summary,
                Facts::default(),
            );
        }
        if old_null != new_null {
            let summary = if new_null { "now nullable" } else { "no longer nullable" };
            let facts = Facts {
                nullable: new_null,
                ..Facts::default()
            };
            self.push(
                &at.down("type", "type"),
                Kind::NullableChanged,
                None,
                summary.into(),
                facts,
            );
        }
        if old_types == new_types && old_null == new_null {
            // Spelled differently, meaning the same (`"string"` vs `["string"]`): still shown.
            self.unclassified(at, key);
        }
    }

    fn diff_enum(&mut self, old: Option<&Value>, new: Option<&Value>, at: &At) {
        let empty = Vec::new();
        let o = old.and_then(Value::as_array).unwrap_or(&empty);
        let n = new.and_then(Value::as_array).unwrap_or(&empty);
        let mut changed = false;
        for (i, value) in n.iter().enumerate() {
            if !o.contains(value) {
                changed = true;
                self.enum_value(at, Kind::EnumValueAdded, value, ("enum".into(), format!("enum/{i}")));
            }
        }
        for (i, value) in o.iter().enumerate() {
            if !n.contains(value) {
                changed = true;
                self.enum_value(at, Kind::EnumValueRemoved, value, (format!("enum/{i}"), "enum".into()));
            }
        }
        if !changed {
            // Same values, another order (or duplicates): no rule for it.
            self.unclassified(at, "enum");
        }
    }

    fn enum_value(&mut self, at: &At, kind: Kind, value: &Value, (old, new): (String, String)) {
        let text = display(value);
        let variant = format!(
            "{}::types::{}::{}",
            self.module,
            at.rust_type,
            sanitize_type_name(&text)
        );
        let verb = if kind == Kind::EnumValueAdded {
            "added"
        } else {
            "removed"
        };
        self.push_at(
            &at.down(&old, &new),
            kind,
            Some(text.clone()),
            format!("enum value `{text}` {verb}"),
            Facts::default(),
            vec![variant],
        );
    }

    fn diff_properties(&mut self, old: &Map<String, Value>, new: &Map<String, Value>, at: &At) {
        let empty = Map::new();
        let po = old.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let pn = new.get("properties").and_then(Value::as_object).unwrap_or(&empty);
        let (ro, rn) = (string_set(old.get("required")), string_set(new.get("required")));
        let module = self.module;
        let field = |p: &str| format!("{module}::types::{}::{}", at.rust_type, field_name(p));
        let property_at = |p: &str| {
            let segment = format!("properties/{}", escape(p));
            At {
                subject: format!("{}.{p}", at.subject),
                rust_type: sanitize_type_name(&format!("{}_{p}", at.rust_type)),
                item: field(p),
                ..at.down(&segment, &segment)
            }
        };
        let required_word = |r: bool| if r { "required" } else { "optional" };
        for (p, schema) in pn {
            if !po.contains_key(p) {
                let required = rn.contains(p.as_str());
                let summary = format!(
                    "{} property `{p}` added ({})",
                    required_word(required),
                    describe(schema)
                );
                let facts = Facts {
                    required,
                    ..Facts::default()
                };
                self.push(&property_at(p), Kind::PropertyAdded, None, summary, facts);
            }
        }
        for (p, schema) in po {
            match pn.get(p) {
                None => {
                    let required = ro.contains(p.as_str());
                    let summary = format!(
                        "{} property `{p}` removed ({})",
                        required_word(required),
                        describe(schema)
                    );
                    let facts = Facts {
                        required,
                        ..Facts::default()
                    };
                    self.push(&property_at(p), Kind::PropertyRemoved, None, summary, facts);
                }
                Some(n) => {
                    let (was, is) = (ro.contains(p.as_str()), rn.contains(p.as_str()));
                    let child = property_at(p);
                    if was != is {
                        let summary = format!("property `{p}`: {} → {}", required_word(was), required_word(is));
                        let facts = Facts {
                            required: is,
                            ..Facts::default()
                        };
                        let req_at = At {
                            old_ptr: format!("{}/required", at.old_ptr),
                            new_ptr: format!("{}/required", at.new_ptr),
                            ..child.clone()
                        };
                        self.push(&req_at, Kind::PropertyRequiredChanged, None, summary, facts);
                    }
                    self.diff_schema(schema, n, &child);
                }
            }
        }
        // `required` naming properties declared elsewhere (e.g. in an `allOf` member).
        let stray: Vec<&str> = ro
            .symmetric_difference(&rn)
            .filter(|p| !po.contains_key(**p) && !pn.contains_key(**p))
            .copied()
            .collect();
        if !stray.is_empty() {
            self.push(
                &at.down("required", "required"),
                Kind::Unclassified,
                Some(format!("required:{}", stray.join(","))),
                format!("`required` changed for undeclared properties {}", stray.join(", ")),
                Facts::default(),
            );
        }
    }

    /// `allOf` / `oneOf` / `anyOf`: members matched by `$ref` name, inline members by position
    /// among the inline ones.
    fn diff_members(&mut self, keyword: &str, old: Option<&Value>, new: Option<&Value>, at: &At) {
        let empty = Vec::new();
        let o = old.and_then(Value::as_array).unwrap_or(&empty);
        let n = new.and_then(Value::as_array).unwrap_or(&empty);
        let keys = |list: &[Value], map: bool| -> Vec<String> {
            let mut inline = 0;
            list.iter()
                .map(|m| match m.get("$ref").and_then(Value::as_str) {
                    Some(r) => {
                        let name = schema_ref_name(r).unwrap_or(r);
                        match self.renamed.get(name).filter(|_| map) {
                            Some(to) => to.clone(),
                            None => name.to_string(),
                        }
                    }
                    None => {
                        inline += 1;
                        format!("#{}", inline - 1)
                    }
                })
                .collect()
        };
        let (ko, kn) = (keys(o, true), keys(n, false));
        for (i, key) in ko.iter().enumerate() {
            match kn.iter().position(|k| k == key) {
                Some(j) => {
                    let child = At {
                        // allOf members merge into one struct; the others are variants.
                        subject: if keyword == "allOf" {
                            at.subject.clone()
                        } else {
                            format!("{}.{keyword}[{key}]", at.subject)
                        },
                        rust_type: if keyword == "allOf" {
                            at.rust_type.clone()
                        } else {
                            format!("{}Variant{j}", at.rust_type)
                        },
                        ..at.down(&format!("{keyword}/{i}"), &format!("{keyword}/{j}"))
                    };
                    self.diff_schema(&o[i], &n[j], &child);
                }
                None => self.push(
                    &at.down(&format!("{keyword}/{i}"), keyword),
                    Kind::Unclassified,
                    Some(format!("{keyword}-member-removed:{key}")),
                    format!("`{keyword}` member {key} removed"),
                    Facts::default(),
                ),
            }
        }
        for (j, key) in kn.iter().enumerate() {
            if !ko.contains(key) {
                self.push(
                    &at.down(keyword, &format!("{keyword}/{j}")),
                    Kind::Unclassified,
                    Some(format!("{keyword}-member-added:{key}")),
                    format!("`{keyword}` member {key} added"),
                    Facts::default(),
                );
            }
        }
    }
}
