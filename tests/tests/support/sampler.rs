//! A sampler like Redoc's: a JSON value for a schema of the document, from its examples
//! first, then defaults, enum values, formats and patterns. Shared by the fidelity test
//! (one payload per `oneOf` member) and the conformance test (requests for Prism).

use serde_json::{Map, Value, json};
use std::cell::RefCell;
use std::collections::HashMap;

/// Builds values from the document: examples first, then defaults, enum values, formats (like
/// Redoc's sampler). With `examples: false`, only the schemas speak (defaults, enums, formats).
pub struct Sampler<'a> {
    pub doc: &'a Value,
    pub examples: bool,
    /// Only required properties (a minimal request).
    pub required_only: bool,
    /// When given, a `oneOf` takes the first member's value that is valid against the whole
    /// union (exactly one member matches), not merely the first member that can be sampled.
    pub unions: Option<&'a UnionCheck>,
    /// The maximal sample: every property set (examples only for values that are not objects
    /// or arrays, so that an example cannot leave properties out), and [`UNKNOWN_PROPERTY`]
    /// added to every object that has properties, as a later release of Spotnana would send.
    /// The object schemas sampled are recorded in [`Sampler::reached`].
    pub maximal: bool,
    /// With `maximal`: the addresses of the object schemas sampled (the document is not
    /// changed while sampling, so an address names one schema).
    pub reached: RefCell<std::collections::BTreeSet<usize>>,
}

/// The property no schema defines that the maximal sample adds to every object.
pub const UNKNOWN_PROPERTY: &str = "zzAddedLaterBySpotnana";

impl<'a> Sampler<'a> {
    /// A sampler of `doc`; the flags are the fields' (set `maximal` and `unions` as needed).
    pub fn new(doc: &'a Value, examples: bool, required_only: bool) -> Self {
        Sampler {
            doc,
            examples,
            required_only,
            unions: None,
            maximal: false,
            reached: RefCell::default(),
        }
    }
}

/// Judges a sampled value against a `oneOf`/`anyOf` of the document with an independent
/// JSON Schema 2020-12 validator (the `jsonschema` crate, formats checked as Prism's ajv does).
///
/// Redoc's sampler, like ours without this, takes the first member: when the document's
/// members overlap (a filter whose member requires only the discriminator property accepts
/// every other member's value too), that value matches two members and Prism rightly rejects
/// it, although another member's value would match exactly one. Which member's value is
/// valid is the validator's call, not ours.
pub struct UnionCheck {
    components: Value,
    /// Validators by the union's schema text (refs inside point into `components`).
    validators: RefCell<HashMap<String, jsonschema::Validator>>,
}

impl UnionCheck {
    pub fn new(doc: &Value) -> Self {
        UnionCheck {
            components: doc.get("components").cloned().unwrap_or(Value::Null),
            validators: RefCell::default(),
        }
    }

    /// Whether `value` is valid against `union`, a schema of the document given to `new`.
    pub fn accepts(&self, union: &Value, value: &Value) -> bool {
        let key = union.to_string();
        let mut validators = self.validators.borrow_mut();
        if let std::collections::hash_map::Entry::Vacant(slot) = validators.entry(key.clone()) {
            match super::validator(union, &self.components, true) {
                Ok(v) => {
                    slot.insert(v);
                }
                // A union the validator cannot compile is not judged: the first member stands.
                Err(_) => return true,
            }
        }
        validators[&key].is_valid(value)
    }
}

/// Strings tried, in order, for a `pattern` without an example.
const PATTERN_CANDIDATES: &[&str] = &[
    "2026-07-21",
    "2026-07-21T10:00",
    "2026-07-21T10:00:00Z",
    "2026-07-21T10:00:00",
    "10:00",
    "ABC",
    "AB",
    "A",
    "USD",
    "1",
    "123",
    "sample",
    "SAMPLE",
    "+14155550100",
    "traveler@example.com",
    "https://example.com/",
    "f49d00fe-1eda-4304-ba79-a980f565281d",
];

fn matching_pattern(pattern: &str) -> Option<String> {
    let regex = regress::Regex::new(pattern).ok()?;
    PATTERN_CANDIDATES
        .iter()
        .find(|c| regex.find(c).is_some())
        .map(|c| c.to_string())
}

impl Sampler<'_> {
    /// Follows `$ref`s to components.
    pub fn resolve<'v>(&'v self, value: &'v Value) -> &'v Value {
        let mut value = value;
        for _ in 0..8 {
            match value.get("$ref").and_then(Value::as_str) {
                Some(r) => match self.doc.pointer(r.trim_start_matches('#')) {
                    Some(target) => value = target,
                    None => break,
                },
                None => break,
            }
        }
        value
    }

    fn given_example(&self, holder: &Value) -> Option<Value> {
        if !self.examples {
            return None;
        }
        let given = self.any_example(holder)?;
        if !self.maximal {
            return Some(given);
        }
        // The maximal sample sets every property itself, and takes no example of the wrong
        // type (a number given for a string): what it tests is our types, not the examples.
        let fits = match self.resolve(holder).get("type").and_then(Value::as_str) {
            Some("string") => given.is_string(),
            Some("integer") => given.is_i64() || given.is_u64(),
            Some("number") => given.is_number(),
            Some("boolean") => given.is_boolean(),
            Some("object" | "array") => false,
            _ => true,
        };
        (fits && !given.is_object() && !given.is_array()).then_some(given)
    }

    fn any_example(&self, holder: &Value) -> Option<Value> {
        if let Some(example) = holder.get("example") {
            return Some(example.clone());
        }
        let examples = holder.get("examples")?;
        match examples {
            // OpenAPI's map of Example objects.
            Value::Object(map) => map.values().find_map(|e| self.resolve(e).get("value").cloned()),
            // JSON Schema 2020-12's array of examples.
            Value::Array(list) => list.first().cloned(),
            _ => None,
        }
    }

    /// A parameter's value: its example(s), then its schema.
    pub fn parameter(&self, parameter: &Value) -> Option<Value> {
        let schema = parameter.get("schema");
        let value = self.given_example(parameter).or_else(|| self.sample(schema?, 0))?;
        // On the wire a parameter is text: a number given for a string parameter is that text.
        let wants_string = schema.map(|s| self.resolve(s)).and_then(|s| s.get("type")) == Some(&json!("string"));
        Some(match value {
            Value::Number(n) if wants_string => json!(n.to_string()),
            Value::Bool(b) if wants_string => json!(b.to_string()),
            other => other,
        })
    }

    /// A media type's value: its example(s), then its schema.
    pub fn media(&self, media: &Value) -> Option<Value> {
        self.given_example(media)
            .or_else(|| self.sample(media.get("schema")?, 0))
    }

    /// The parts of a multipart body, for `form()` of the test.
    pub fn parts(&self, media: &Value) -> Result<Value, String> {
        let schema = self.resolve(media.get("schema").ok_or("multipart body without schema")?);
        let properties = schema
            .get("properties")
            .and_then(Value::as_object)
            .ok_or("multipart schema without properties")?;
        let mut parts = Vec::new();
        for (name, property) in properties {
            let property = self.resolve(property);
            let content_type = media
                .pointer(&format!("/encoding/{name}/contentType"))
                .and_then(Value::as_str)
                .map(|ct| ct.split(',').next().unwrap_or(ct).trim().to_string());
            let binary = property.get("format").and_then(Value::as_str) == Some("binary")
                || property.get("contentMediaType").is_some();
            if binary {
                parts.push(json!({
                    "name": name,
                    "bytes": "%PDF-1.4 conformance test document",
                    "file_name": "conformance.pdf",
                    "content_type": content_type.unwrap_or_else(|| "application/pdf".into()),
                }));
                continue;
            }
            let value = self
                .sample(property, 0)
                .ok_or_else(|| format!("part `{name}` cannot be sampled"))?;
            let (text, default_type) = match value {
                Value::String(s) => (s, None),
                other => (other.to_string(), Some("application/json".to_string())),
            };
            let mut part = json!({"name": name, "text": text});
            if let Some(ct) = content_type.or(default_type) {
                part["content_type"] = json!(ct);
            }
            parts.push(part);
        }
        Ok(Value::Array(parts))
    }

    pub fn sample(&self, schema: &Value, depth: usize) -> Option<Value> {
        // `example` and `default` may sit beside a `$ref` (OpenAPI 3.1) and win over it.
        if let Some(given) = self.given_example(schema) {
            return Some(given);
        }
        if let Some(given) = schema.get("default").or(schema.get("const")) {
            return Some(given.clone());
        }
        if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
            if depth > 12 {
                return None;
            }
            let target = self.doc.pointer(r.trim_start_matches('#'))?;
            return self.sample(target, depth + 1);
        }
        if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
            return Some(first.clone());
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            let mut merged = Map::new();
            for member in all {
                match self.sample(member, depth + 1)? {
                    Value::Object(m) => merged.extend(m),
                    other if all.len() == 1 => return Some(other),
                    _ => return None,
                }
            }
            if let Some(Value::Object(own)) = self.object(schema, depth) {
                merged.extend(own);
            }
            return Some(Value::Object(merged));
        }
        if let Some(members) = schema.get("oneOf").or(schema.get("anyOf")).and_then(Value::as_array) {
            let mut candidates = members
                .iter()
                .enumerate()
                .filter_map(|(i, member)| self.member(schema, member, i, depth));
            let Some(check) = self.unions else {
                return candidates.next();
            };
            let mut first = None;
            for candidate in candidates {
                if check.accepts(schema, &candidate) {
                    return Some(candidate);
                }
                first.get_or_insert(candidate);
            }
            // No member's value is valid against the union (members that accept each other's
            // values): the first stands, and Prism's verdict names the document's defect.
            return first;
        }
        let ty = match schema.get("type") {
            Some(Value::Array(types)) => types.iter().filter_map(Value::as_str).find(|t| *t != "null"),
            Some(Value::String(t)) => Some(t.as_str()),
            // `items` without `type` (as Redoc reads it, and the generated types): an array.
            None if schema.get("items").is_some() => Some("array"),
            _ => None,
        };
        match ty {
            Some("string") => Some(json!(match schema.get("format").and_then(Value::as_str) {
                Some("date") => "2026-07-21".to_string(),
                Some("date-time") => "2026-07-21T10:00:00Z".to_string(),
                Some("time") => "10:00:00".to_string(),
                Some("uuid") => "f49d00fe-1eda-4304-ba79-a980f565281d".to_string(),
                Some("email") => "traveler@example.com".to_string(),
                Some("uri" | "url") => "https://example.com/".to_string(),
                Some("byte") => "c2FtcGxl".to_string(),
                _ if schema.get("pattern").is_some() => {
                    matching_pattern(schema["pattern"].as_str().unwrap_or_default())?
                }
                _ => {
                    let min = schema.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
                    let max = schema.get("maxLength").and_then(Value::as_u64).map(|m| m as usize);
                    let mut s = "sample".to_string();
                    while s.len() < min {
                        s.push('x');
                    }
                    if let Some(max) = max {
                        s.truncate(max.max(min));
                    }
                    s
                }
            })),
            Some("integer") => {
                let min = schema.get("minimum").and_then(Value::as_i64).unwrap_or(1);
                let max = schema.get("maximum").and_then(Value::as_i64).unwrap_or(i64::MAX);
                Some(json!(min.max(1).min(max)))
            }
            Some("number") => {
                let min = schema.get("minimum").and_then(Value::as_f64).unwrap_or(1.5);
                let max = schema.get("maximum").and_then(Value::as_f64).unwrap_or(f64::MAX);
                Some(json!(min.max(1.5).min(max)))
            }
            Some("boolean") => Some(json!(true)),
            Some("array") => {
                let item = self.sample(schema.get("items")?, depth + 1);
                let min = schema.get("minItems").and_then(Value::as_u64).unwrap_or(0);
                if item.is_none() && min > 0 {
                    return None;
                }
                Some(Value::Array(item.into_iter().collect()))
            }
            _ => self.object(schema, depth),
        }
    }

    /// A value for member `index` of a union: the member, the union's own properties, and
    /// the discriminator value that names the member.
    pub fn member(&self, union: &Value, member: &Value, index: usize, depth: usize) -> Option<Value> {
        let mut payload = self.sample(member, depth + 1)?;
        if payload.as_object().is_some_and(Map::is_empty) {
            // Nothing of the member could be sampled: no value tells its variant apart.
            return None;
        }
        if let Value::Object(object) = &mut payload {
            if let Some(Value::Object(own)) = self.object(union, depth) {
                for (k, v) in own {
                    object.entry(k).or_insert(v);
                }
            }
            if let Some(property) = union.pointer("/discriminator/propertyName").and_then(Value::as_str) {
                object.insert(property.to_string(), json!(tag_of(union, member, index)));
            }
        }
        Some(payload)
    }

    fn object(&self, schema: &Value, depth: usize) -> Option<Value> {
        let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
            return Some(json!({}));
        };
        let required: Vec<&str> = schema
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let mut out = Map::new();
        if self.maximal {
            self.reached.borrow_mut().insert(schema as *const Value as usize);
        }
        for (name, property) in properties {
            // Past some depth, only what is required: recursive schemas end. Defaults stay
            // (a value, no recursion), since the generated types fill them in anyway.
            let defaulted = property.get("default").is_some() || self.resolve(property).get("default").is_some();
            if (self.required_only || (depth > 8 && !defaulted)) && !required.contains(&name.as_str()) {
                continue;
            }
            match self.sample(property, depth + 1) {
                Some(v) => {
                    out.insert(name.clone(), v);
                }
                None if required.contains(&name.as_str()) => return None,
                None => {}
            }
        }
        if self.maximal && !properties.is_empty() {
            out.insert(
                UNKNOWN_PROPERTY.into(),
                json!({"addedIn": "a later release", "values": [1, "two", {"three": 3.5}]}),
            );
        }
        Some(Value::Object(out))
    }
}

/// The discriminator value of member `index`: the mapping's, else the schema name.
fn tag_of(union: &Value, member: &Value, index: usize) -> String {
    let target = member.get("$ref").and_then(Value::as_str).unwrap_or_default();
    union
        .pointer("/discriminator/mapping")
        .and_then(Value::as_object)
        .and_then(|m| m.iter().find(|(_, t)| t.as_str() == Some(target)))
        .map(|(tag, _)| tag.clone())
        .unwrap_or_else(|| match target.rsplit('/').next() {
            Some(schema) if !schema.is_empty() => schema.to_string(),
            _ => format!("member{index}"),
        })
}
