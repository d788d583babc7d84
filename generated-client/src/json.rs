//! How the generated structs and string enums read JSON: one small generic reader instead of
//! serde's derived visitors.
//!
//! Written by hand because no crate does it: `#[derive(Deserialize)]` expands, for every one
//! of the ~1,500 generated structs, to a field enum with its own visitor, a map visitor with a
//! slot per field and a sequence visitor JSON never calls; with the flattened
//! [`UnknownProperties`] it also buffers every nested object in serde's private content type.
//! Type-checking and borrow-checking that expansion was most of this crate's build time. The
//! generated `Deserialize` impls instead read the object into a `serde_json` map once and take
//! each property out by name ([`Object`]); whatever is left is the struct's unknown
//! properties (in `serde_json`'s map order, see [`UnknownProperties`]). Behaviour matches the derive's where it matters
//! to callers: a missing `Option` is `None`, a missing defaulted field its default, a missing
//! required field an error naming it; a value of the wrong type is an error naming the type and
//! the property. Unlike the derive, a repeated property keeps its last value instead of failing
//! (JSON objects with repeated names are not interoperable, RFC 8259 §4; Spotnana sends none).
//!
//! The cost is at run time: a nested object is read into a map at each level and moved into
//! its field's type from there (`serde_json::from_value` rebuilds the maps below it), so decoding
//! takes time proportional to size × depth rather than size (BENCHMARKS.md has the figures).
//!
//! The generated code reaches this module as `crate::json`; it is not part of the public API.

use crate::UnknownProperties;
use serde::de::{DeserializeOwned, Deserializer, Error as _};
use serde_json::{Map, Value};
use std::fmt::Display;
use std::str::FromStr;

/// The properties of one JSON object, taken out one by one as a struct is built from them.
pub(crate) struct Object {
    /// The Rust type being read, for error messages.
    ty: &'static str,
    map: Map<String, Value>,
    /// The properties taken so far. Taken values are left in `map` (as `null`) until
    /// [`Object::rest`] drops them with `retain`, which keeps the order of what is left in
    /// both of `serde_json`'s map kinds (a consumer may turn on `preserve_order`; `remove`
    /// would then reorder, and `shift_remove` exists only with that feature).
    taken: Vec<&'static str>,
}

impl Object {
    /// Reads a JSON object from `deserializer` and builds a `T` from its properties with
    /// `build`. Errors name `ty`.
    pub(crate) fn read<'de, D, T>(
        deserializer: D,
        ty: &'static str,
        build: fn(&mut Object) -> Result<T, serde_json::Error>,
    ) -> Result<T, D::Error>
    where
        D: Deserializer<'de>,
    {
        // The error of reading the object itself is the deserializer's own (its kind and
        // position kept, as `is_eof`/`is_syntax` callers expect).
        let map = <Map<String, Value> as serde::Deserialize>::deserialize(deserializer)?;
        build(&mut Object {
            ty,
            map,
            taken: Vec::new(),
        })
        .map_err(D::Error::custom)
    }

    /// The property `key`, which must be present.
    pub(crate) fn required<T: DeserializeOwned>(&mut self, key: &'static str) -> Result<T, serde_json::Error> {
        match self.take(key) {
            Some(value) => self.convert(key, value),
            None => Err(serde_json::Error::custom(format_args!(
                "{}: missing field `{key}`",
                self.ty
            ))),
        }
    }

    /// The property `key` of an `Option` field: `None` when absent (or `null`).
    pub(crate) fn optional<T: DeserializeOwned>(&mut self, key: &'static str) -> Result<Option<T>, serde_json::Error> {
        match self.take(key) {
            Some(value) => self.convert(key, value),
            None => Ok(None),
        }
    }

    /// The property `key`, or `default()` when absent.
    #[allow(dead_code, reason = "used by the generated code of some APIs only")]
    pub(crate) fn or_else<T: DeserializeOwned>(
        &mut self,
        key: &'static str,
        default: fn() -> T,
    ) -> Result<T, serde_json::Error> {
        match self.take(key) {
            Some(value) => self.convert(key, value),
            None => Ok(default()),
        }
    }

    /// The properties not taken: the struct's unknown properties, in the map's order.
    pub(crate) fn rest(&mut self) -> UnknownProperties {
        let taken = std::mem::take(&mut self.taken);
        if taken.len() == self.map.len() {
            // Every property was a known one (keys are unique): the common case, no scan.
            return UnknownProperties::default();
        }
        if !taken.is_empty() {
            self.map.retain(|key, _| !taken.contains(&key.as_str()));
        }
        UnknownProperties::from(std::mem::take(&mut self.map))
    }

    fn take(&mut self, key: &'static str) -> Option<Value> {
        debug_assert!(!self.taken.contains(&key), "{}.{key} taken twice", self.ty);
        let value = self.map.get_mut(key).map(Value::take)?;
        self.taken.push(key);
        Some(value)
    }

    fn convert<T: DeserializeOwned>(&self, key: &str, value: Value) -> Result<T, serde_json::Error> {
        serde_json::from_value(value).map_err(|e| serde_json::Error::custom(format_args!("{}.{key}: {e}", self.ty)))
    }
}

/// Writes `member`, a variant of a discriminated union, with its discriminator `property`
/// set to `tag`, the value the document maps to that variant: whatever the caller put in the
/// member's own field (a typo, another variant's tag, nothing), the server gets the tag that
/// routes the body to the variant it was built as, and reads back what it was sent.
///
/// Buffered through a `serde_json::Value` because the field to override is the member's
/// own, written by its own `Serialize`; unions are a small part of any request.
#[allow(dead_code, reason = "used by the generated code of some APIs only")]
pub(crate) fn tagged<T, S>(member: &T, property: &str, tag: &str, serializer: S) -> Result<S::Ok, S::Error>
where
    T: serde::Serialize,
    S: serde::Serializer,
{
    let mut value = serde_json::to_value(member).map_err(serde::ser::Error::custom)?;
    if let Value::Object(map) = &mut value {
        map.insert(property.to_string(), Value::String(tag.to_string()));
    }
    serde::Serialize::serialize(&value, serializer)
}

/// Reads a string enum from its wire value through the enum's (infallible) `FromStr`.
#[allow(dead_code, reason = "used by the generated code of some APIs only")]
pub(crate) fn string_enum<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: FromStr,
    T::Err: Display,
{
    let value = <String as serde::Deserialize>::deserialize(deserializer)?;
    value.parse().map_err(D::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[derive(Debug, PartialEq)]
    struct Pair {
        a: String,
        b: Option<u32>,
        c: Vec<u32>,
        rest: UnknownProperties,
    }

    impl<'de> serde::Deserialize<'de> for Pair {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            Object::read(deserializer, "Pair", |o| {
                Ok(Self {
                    a: o.required("a")?,
                    b: o.optional("b")?,
                    c: o.or_else("c", Default::default)?,
                    rest: o.rest(),
                })
            })
        }
    }

    #[test]
    fn takes_known_properties_and_keeps_the_rest_in_order() {
        let pair: Pair = serde_json::from_str(r#"{"z":1,"a":"x","y":[2],"b":null,"x":{}}"#).unwrap();
        assert_eq!(pair.a, "x");
        assert_eq!(pair.b, None);
        assert!(pair.c.is_empty());
        // The order of the map `serde_json` builds: as read with `preserve_order` (which a
        // consumer may turn on), sorted without it.
        let keys: Vec<&String> = pair.rest.keys().collect();
        let native: Map<String, Value> = serde_json::from_str(r#"{"z":1,"y":[2],"x":{}}"#).unwrap();
        assert_eq!(keys, native.keys().collect::<Vec<_>>());
        assert_eq!(pair.rest["y"], json!([2]));
    }

    #[test]
    fn errors_name_the_type_and_the_property() {
        let missing = serde_json::from_str::<Pair>(r#"{"b":1}"#).unwrap_err().to_string();
        assert!(missing.starts_with("Pair: missing field `a`"), "{missing}");
        let wrong = serde_json::from_str::<Pair>(r#"{"a":"x","b":"seven"}"#)
            .unwrap_err()
            .to_string();
        assert!(wrong.starts_with("Pair.b: invalid type: string \"seven\""), "{wrong}");
        let not_object = serde_json::from_str::<Pair>("[1]").unwrap_err().to_string();
        assert!(
            not_object.starts_with("invalid type: sequence, expected a map"),
            "{not_object}"
        );
        let cut = serde_json::from_str::<Pair>(r#"{"a":"x""#).unwrap_err();
        assert!(cut.is_eof(), "a truncated body stays an EOF error: {cut}");
    }

    #[test]
    fn string_enums_read_through_from_str() {
        #[derive(Debug, PartialEq)]
        enum Tri {
            One,
            Other(String),
        }
        impl FromStr for Tri {
            type Err = std::convert::Infallible;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Ok(if s == "ONE" { Tri::One } else { Tri::Other(s.into()) })
            }
        }
        let mut de = serde_json::Deserializer::from_str(r#""ONE""#);
        assert_eq!(string_enum::<_, Tri>(&mut de).unwrap(), Tri::One);
        let mut de = serde_json::Deserializer::from_str(r#""TWO\n""#);
        assert_eq!(string_enum::<_, Tri>(&mut de).unwrap(), Tri::Other("TWO\n".into()));
        let mut de = serde_json::Deserializer::from_str("3");
        assert!(string_enum::<_, Tri>(&mut de).is_err());
    }
}
