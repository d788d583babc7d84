//! Comparing what was sent with what came back, as JSON.

use serde_json::{Value, json};

/// The first place two values differ: (JSON pointer, left, right), for readable failures.
pub fn first_difference(left: &Value, right: &Value, at: String) -> Option<(String, Value, Value)> {
    match (left, right) {
        (Value::Object(l), Value::Object(r)) => {
            // Each key once: a key of both visited twice would double the work at every
            // level of nesting.
            for key in l.keys().chain(r.keys().filter(|k| !l.contains_key(*k))) {
                let (a, b) = (l.get(key).unwrap_or(&Value::Null), r.get(key).unwrap_or(&Value::Null));
                if let Some(d) = first_difference(a, b, format!("{at}/{key}")) {
                    return Some(d);
                }
            }
            None
        }
        (Value::Array(l), Value::Array(r)) if l.len() == r.len() => l
            .iter()
            .zip(r)
            .enumerate()
            .find_map(|(i, (a, b))| first_difference(a, b, format!("{at}/{i}"))),
        _ if left == right => None,
        _ => Some((at, left.clone(), right.clone())),
    }
}

/// Numbers as `f64` (`510` and `510.0` are one value); nothing else changes.
pub fn numbers_as_floats(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), numbers_as_floats(v))).collect()),
        Value::Array(items) => Value::Array(items.iter().map(numbers_as_floats).collect()),
        Value::Number(n) => json!(n.as_f64()),
        other => other.clone(),
    }
}

/// `value` without the object members that `drop` picks (judged after their own members are
/// dropped likewise); counts them.
fn without_members(value: &Value, drop: fn(&Value) -> bool, dropped: &mut usize) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = serde_json::Map::new();
            for (k, v) in map {
                let v = without_members(v, drop, dropped);
                if drop(&v) {
                    *dropped += 1;
                } else {
                    out.insert(k.clone(), v);
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(|v| without_members(v, drop, dropped)).collect()),
        other => other.clone(),
    }
}

/// `value` without members that are empty arrays or empty objects; counts them. typify types
/// an optional array as a `Vec` and a free-form object as a `Map`, skipped when empty: absent
/// and empty are one value to the generated types, and so to an update that sends the object
/// back (the member is empty either way). Null members stay.
pub fn without_empty_members(value: &Value, dropped: &mut usize) -> Value {
    without_members(
        value,
        |v| v.as_array().is_some_and(Vec::is_empty) || v.as_object().is_some_and(|o| o.is_empty()),
        dropped,
    )
}

/// `value` without null members (an absent optional and an explicit null are one value to
/// the generated types, which write neither); counts them.
pub fn without_null_members(value: &Value, dropped: &mut usize) -> Value {
    without_members(value, Value::is_null, dropped)
}

/// Whether `back` (what the generated type wrote) says what `sent` (what it read) said: equal
/// up to number representation, empty optional collections and null members (see
/// [`without_empty_members`], [`without_null_members`]). The difference, if any, as a sentence
/// with its JSON pointer.
pub fn lossless(sent: &Value, back: &Value) -> Result<(), String> {
    let normal = |v: &Value| numbers_as_floats(&without_empty_members(&without_null_members(v, &mut 0), &mut 0));
    match first_difference(&normal(sent), &normal(back), String::new()) {
        None => Ok(()),
        Some((at, a, b)) => Err(format!("{at:?}: sent {a}, written back {b}")),
    }
}
