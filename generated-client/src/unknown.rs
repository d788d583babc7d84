//! [`UnknownProperties`]: what a generated struct keeps of the properties it has no field for.

use serde_json::{Map, Value};

/// The properties of an object that this version of the client has no field for: in the
/// order they were read when `serde_json`'s `preserve_order` feature is on (turn it on in your
/// own `Cargo.toml` to keep it), sorted by name otherwise. Either way none is lost.
///
/// Every generated struct has one, `unknown_properties`, flattened into the object: reading
/// fills it, serializing writes it back after the known properties. Spotnana adds properties
/// without notice and its update operations take the complete object, so a struct that
/// dropped them would erase them on Spotnana's side when sent back.
///
/// `Debug` shows the property names only: a property this client does not know may hold
/// personal data that the documents would mark `x-pii`.
///
/// ```
/// let mut extra = spotnana::UnknownProperties::default();
/// extra.insert("addedLater".into(), serde_json::json!("kept"));
/// assert_eq!(format!("{extra:?}"), r#"UnknownProperties(["addedLater"])"#);
/// ```
#[derive(Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(transparent)]
pub struct UnknownProperties(Map<String, Value>);

impl UnknownProperties {
    /// The properties as a JSON map.
    pub fn as_map(&self) -> &Map<String, Value> {
        &self.0
    }

    /// The properties as a JSON map, to change.
    pub fn as_map_mut(&mut self) -> &mut Map<String, Value> {
        &mut self.0
    }

    /// The map.
    pub fn into_map(self) -> Map<String, Value> {
        self.0
    }
}

impl std::ops::Deref for UnknownProperties {
    type Target = Map<String, Value>;

    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for UnknownProperties {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Map<String, Value>> for UnknownProperties {
    fn from(map: Map<String, Value>) -> Self {
        Self(map)
    }
}

impl std::fmt::Debug for UnknownProperties {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("UnknownProperties")
            .field(&self.0.keys().collect::<Vec<_>>())
            .finish()
    }
}
