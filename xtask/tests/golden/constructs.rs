#[allow(unused_imports)]
pub use progenitor_client::{ByteStream, ClientInfo, Error, ResponseValue};
#[allow(unused_imports)]
use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
/// Types used as operation parameters and responses.
#[allow(clippy::all)]
#[allow(deprecated)]
pub mod types {
    ///`AgentFee`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct AgentFee {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub amount: ::std::option::Option<f64>,
        #[serde(rename = "feeType")]
        pub fee_type: ::std::string::String,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Bike`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Bike {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub gears: ::std::option::Option<i32>,
        #[serde(rename = "vehicleType")]
        pub vehicle_type: ::std::string::String,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Car`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Car {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub doors: ::std::option::Option<i32>,
        #[serde(rename = "vehicleType")]
        pub vehicle_type: ::std::string::String,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Cat`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Cat {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub lives: ::std::option::Option<i32>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub name: ::std::option::Option<::std::string::String>,
        #[serde(rename = "petType")]
        pub pet_type: ::std::string::String,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Circle`
    #[derive(::serde::Serialize, Clone, Debug, Default)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Circle {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub radius: ::std::option::Option<f64>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Dog`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Dog {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub barks: ::std::option::Option<bool>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub name: ::std::option::Option<::std::string::String>,
        #[serde(rename = "petType")]
        pub pet_type: ::std::string::String,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Fee`
    #[derive(Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub enum Fee {
        AgentFee(AgentFee),
        /// A variant this version of the client does not know, kept as sent.
        Unrecognized(::serde_json::Value),
    }
    ///`Owner`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Owner {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub age: ::std::option::Option<::std::num::NonZeroU32>,
        #[serde(default, skip_serializing_if = "::std::vec::Vec::is_empty")]
        pub badges: ::std::vec::Vec<OwnerBadgesItem>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub fee: ::std::option::Option<Fee>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub kind: ::std::option::Option<OwnerKind>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub level: ::std::option::Option<OwnerLevel>,
        pub name: OwnerName,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub nickname: ::std::option::Option<::std::string::String>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub pet: ::std::option::Option<Pet>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub seat: ::std::option::Option<X1stClass>,
        #[serde(rename = "self", skip_serializing_if = "::std::option::Option::is_none")]
        pub self_: ::std::option::Option<Self_>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub shape: ::std::option::Option<Shape>,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub vehicle: ::std::option::Option<OwnerVehicle>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`OwnerBadgesItem`
    #[derive(::serde::Serialize, Clone, Debug, Default)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct OwnerBadgesItem {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub badge: ::std::option::Option<OwnerBadgesItemBadge>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`OwnerBadgesItemBadge`
    #[derive(Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub enum OwnerBadgesItemBadge {
        StarBadge(StarBadge),
        /// A variant this version of the client does not know, kept as sent.
        Unrecognized(::serde_json::Value),
    }
    ///`OwnerKind`
    #[derive(Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub enum OwnerKind {
        Person,
        /// A value this version of the client does not know (Spotnana adds enum values
        /// without notice), kept verbatim and sent back unchanged.
        Unrecognized(::std::string::String),
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<&str> for OwnerKind {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<::std::string::String> for OwnerKind {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    ///`OwnerLevel`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[serde(transparent)]
    #[allow(deprecated)]
    pub struct OwnerLevel(i32);
    #[allow(deprecated)]
    impl ::std::ops::Deref for OwnerLevel {
        type Target = i32;
        fn deref(&self) -> &i32 {
            &self.0
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::From<OwnerLevel> for i32 {
        fn from(value: OwnerLevel) -> Self {
            value.0
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<i32> for OwnerLevel {
        type Error = self::error::ConversionError;
        fn try_from(
            value: i32,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if ![1_i32, 2_i32, 3_i32].contains(&value) {
                Err("invalid value".into())
            } else {
                Ok(Self(value))
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for OwnerLevel {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            Self::try_from(<i32>::deserialize(deserializer)?)
                .map_err(|e| { <D::Error as ::serde::de::Error>::custom(e.to_string()) })
        }
    }
    ///`OwnerName`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    #[allow(deprecated)]
    pub struct OwnerName(::std::string::String);
    #[allow(deprecated)]
    impl ::std::ops::Deref for OwnerName {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::From<OwnerName> for ::std::string::String {
        fn from(value: OwnerName) -> Self {
            value.0
        }
    }
    #[allow(deprecated)]
    impl ::std::str::FromStr for OwnerName {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            if value.chars().count() > 40usize {
                return Err("longer than 40 characters".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<&str> for OwnerName {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<::std::string::String> for OwnerName {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for OwnerName {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                .map(Self)
        }
    }
    ///An inline union chosen by its tag.
    #[derive(Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub enum OwnerVehicle {
        Car(Car),
        Bike(Bike),
        /// A variant this version of the client does not know, kept as sent.
        Unrecognized(::serde_json::Value),
    }
    #[allow(deprecated)]
    impl ::std::convert::From<Car> for OwnerVehicle {
        fn from(value: Car) -> Self {
            Self::Car(value)
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::From<Bike> for OwnerVehicle {
        fn from(value: Bike) -> Self {
            Self::Bike(value)
        }
    }
    ///`Pet`
    #[derive(Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub enum Pet {
        Cat(Cat),
        Dog(Dog),
        /// A variant this version of the client does not know, kept as sent.
        Unrecognized(::serde_json::Value),
    }
    #[allow(deprecated)]
    impl ::std::convert::From<Cat> for Pet {
        fn from(value: Cat) -> Self {
            Self::Cat(value)
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::From<Dog> for Pet {
        fn from(value: Dog) -> Self {
            Self::Dog(value)
        }
    }
    ///`PetBase`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct PetBase {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub name: ::std::option::Option<::std::string::String>,
        #[serde(rename = "petType")]
        pub pet_type: ::std::string::String,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Self_`
    #[derive(::serde::Serialize, Clone, Debug, Default)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Self_ {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub name: ::std::option::Option<::std::string::String>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`Shape`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[serde(untagged)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub enum Shape {
        Circle(Circle),
        Square(Square),
        /// A variant this version of the client does not know, kept as sent.
        Unrecognized(::serde_json::Value),
    }
    #[allow(deprecated)]
    impl ::std::convert::From<Circle> for Shape {
        fn from(value: Circle) -> Self {
            Self::Circle(value)
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::From<Square> for Shape {
        fn from(value: Square) -> Self {
            Self::Square(value)
        }
    }
    ///`Square`
    #[derive(::serde::Serialize, Clone, Debug, Default)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct Square {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub side: ::std::option::Option<f64>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`StarBadge`
    #[derive(::serde::Serialize, Clone, Debug)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct StarBadge {
        #[serde(rename = "badgeType", default = "defaults::star_badge_badge_type")]
        pub badge_type: ::std::string::String,
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub stars: ::std::option::Option<i32>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    #[allow(deprecated)]
    impl ::std::default::Default for StarBadge {
        fn default() -> Self {
            Self {
                badge_type: defaults::star_badge_badge_type(),
                stars: Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    ///`X1stClass`
    #[derive(::serde::Serialize, Clone, Debug, Default)]
    #[non_exhaustive]
    #[allow(deprecated)]
    pub struct X1stClass {
        #[serde(skip_serializing_if = "::std::option::Option::is_none")]
        pub seat: ::std::option::Option<X1stClassSeat>,
        /// Properties this version of the client has no field for (Spotnana adds properties
        /// without notice): kept as they were read and written back after the known ones,
        /// so sending the object back does not erase them.
        #[serde(flatten)]
        pub unknown_properties: crate::UnknownProperties,
    }
    ///`X1stClassSeat`
    #[derive(::serde::Serialize, Clone, Debug, Eq, Hash, Ord, PartialEq, PartialOrd)]
    #[serde(transparent)]
    #[allow(deprecated)]
    pub struct X1stClassSeat(::std::string::String);
    #[allow(deprecated)]
    impl ::std::ops::Deref for X1stClassSeat {
        type Target = ::std::string::String;
        fn deref(&self) -> &::std::string::String {
            &self.0
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::From<X1stClassSeat> for ::std::string::String {
        fn from(value: X1stClassSeat) -> Self {
            value.0
        }
    }
    #[allow(deprecated)]
    impl ::std::str::FromStr for X1stClassSeat {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            static PATTERN: ::std::sync::LazyLock<::regress::Regex> = ::std::sync::LazyLock::new(||
            { ::regress::Regex::new("^[0-9]+[A-K]$").unwrap() });
            if PATTERN.find(value).is_none() {
                return Err("doesn't match pattern \"^[0-9]+[A-K]$\"".into());
            }
            Ok(Self(value.to_string()))
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<&str> for X1stClassSeat {
        type Error = self::error::ConversionError;
        fn try_from(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    #[allow(deprecated)]
    impl ::std::convert::TryFrom<::std::string::String> for X1stClassSeat {
        type Error = self::error::ConversionError;
        fn try_from(
            value: ::std::string::String,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            value.parse()
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for X1stClassSeat {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            <::std::string::String as ::serde::Deserialize>::deserialize(deserializer)
                .map(Self)
        }
    }
    /// Generation of default values for serde.
    #[allow(deprecated)]
    #[doc(hidden)]
    pub mod defaults {
        #[allow(deprecated)]
        pub(super) fn star_badge_badge_type() -> ::std::string::String {
            "STAR".to_string()
        }
    }
    /// Error types.
    #[allow(deprecated)]
    pub mod error {
        /// Error from a `TryFrom` or `FromStr` implementation.
        #[allow(deprecated)]
        pub struct ConversionError(::std::borrow::Cow<'static, str>);
        #[allow(deprecated)]
        impl ::std::error::Error for ConversionError {}
        #[allow(deprecated)]
        impl ::std::fmt::Display for ConversionError {
            fn fmt(
                &self,
                f: &mut ::std::fmt::Formatter<'_>,
            ) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Display::fmt(&self.0, f)
            }
        }
        #[allow(deprecated)]
        impl ::std::fmt::Debug for ConversionError {
            fn fmt(
                &self,
                f: &mut ::std::fmt::Formatter<'_>,
            ) -> Result<(), ::std::fmt::Error> {
                ::std::fmt::Debug::fmt(&self.0, f)
            }
        }
        #[allow(deprecated)]
        impl From<&'static str> for ConversionError {
            fn from(value: &'static str) -> Self {
                Self(value.into())
            }
        }
        #[allow(deprecated)]
        impl From<String> for ConversionError {
            fn from(value: String) -> Self {
                Self(value.into())
            }
        }
    }
    #[allow(deprecated)]
    impl OwnerKind {
        /// The value as Spotnana spells it.
        pub fn as_str(&self) -> &str {
            match self {
                Self::Person => "PERSON",
                Self::Unrecognized(value) => value.as_str(),
            }
        }
    }
    #[allow(deprecated)]
    impl ::std::fmt::Display for OwnerKind {
        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
            f.write_str(self.as_str())
        }
    }
    #[allow(deprecated)]
    impl ::std::str::FromStr for OwnerKind {
        type Err = self::error::ConversionError;
        fn from_str(
            value: &str,
        ) -> ::std::result::Result<Self, self::error::ConversionError> {
            Ok(
                match value {
                    "PERSON" => Self::Person,
                    other => Self::Unrecognized(other.to_string()),
                },
            )
        }
    }
    #[allow(deprecated)]
    impl AgentFee {
        ///A `AgentFee` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        ///
        ///`feeType` is set to `AGENT`, the tag its union maps to this type.
        pub fn new() -> Self {
            Self {
                amount: ::std::default::Default::default(),
                fee_type: ::std::string::String::from("AGENT"),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Bike {
        ///A `Bike` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        ///
        ///`vehicleType` is set to `BIKE`, the tag its union maps to this type.
        pub fn new() -> Self {
            Self {
                gears: ::std::default::Default::default(),
                vehicle_type: ::std::string::String::from("BIKE"),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Car {
        ///A `Car` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        ///
        ///`vehicleType` is set to `CAR`, the tag its union maps to this type.
        pub fn new() -> Self {
            Self {
                doors: ::std::default::Default::default(),
                vehicle_type: ::std::string::String::from("CAR"),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Cat {
        ///A `Cat` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        ///
        ///`petType` is set to `CAT`, the tag its union maps to this type.
        pub fn new() -> Self {
            Self {
                lives: ::std::default::Default::default(),
                name: ::std::default::Default::default(),
                pet_type: ::std::string::String::from("CAT"),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Circle {
        ///A `Circle` with every field at its default; set optional fields by assignment.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new() -> Self {
            Self {
                radius: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Dog {
        ///A `Dog` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        ///
        ///`petType` is set to `DOG`, the tag its union maps to this type.
        pub fn new() -> Self {
            Self {
                barks: ::std::default::Default::default(),
                name: ::std::default::Default::default(),
                pet_type: ::std::string::String::from("DOG"),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Owner {
        ///A `Owner` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new(name: OwnerName) -> Self {
            Self {
                age: ::std::default::Default::default(),
                badges: ::std::default::Default::default(),
                fee: ::std::default::Default::default(),
                kind: ::std::default::Default::default(),
                level: ::std::default::Default::default(),
                name,
                nickname: ::std::default::Default::default(),
                pet: ::std::default::Default::default(),
                seat: ::std::default::Default::default(),
                self_: ::std::default::Default::default(),
                shape: ::std::default::Default::default(),
                vehicle: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl OwnerBadgesItem {
        ///A `OwnerBadgesItem` with every field at its default; set optional fields by assignment.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new() -> Self {
            Self {
                badge: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl PetBase {
        ///A `PetBase` from its required fields; optional fields start at their defaults.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new(pet_type: ::std::string::String) -> Self {
            Self {
                name: ::std::default::Default::default(),
                pet_type,
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Self_ {
        ///A `Self_` with every field at its default; set optional fields by assignment.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new() -> Self {
            Self {
                name: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl Square {
        ///A `Square` with every field at its default; set optional fields by assignment.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new() -> Self {
            Self {
                side: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl StarBadge {
        ///A `StarBadge` with every field at its default; set optional fields by assignment.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new() -> Self {
            Self {
                badge_type: defaults::star_badge_badge_type(),
                stars: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    impl X1stClass {
        ///A `X1stClass` with every field at its default; set optional fields by assignment.
        #[allow(clippy::too_many_arguments, clippy::new_without_default)]
        pub fn new() -> Self {
            Self {
                seat: ::std::default::Default::default(),
                unknown_properties: ::std::default::Default::default(),
            }
        }
    }
    #[allow(deprecated)]
    #[allow(deprecated)]
    impl ::std::convert::From<AgentFee> for Fee {
        fn from(value: AgentFee) -> Self {
            Self::AgentFee(value)
        }
    }
    #[allow(deprecated)]
    #[allow(deprecated)]
    impl ::std::convert::From<StarBadge> for OwnerBadgesItemBadge {
        fn from(value: StarBadge) -> Self {
            Self::StarBadge(value)
        }
    }
    #[allow(deprecated)]
    impl ::serde::Serialize for Fee {
        fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
        where
            S: ::serde::Serializer,
        {
            match self {
                Self::AgentFee(member) => {
                    crate::json::tagged(member, "feeType", "AGENT", serializer)
                }
                Self::Unrecognized(value) => {
                    ::serde::Serialize::serialize(value, serializer)
                }
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Fee {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(
                deserializer,
            )?;
            match value.get("feeType") {
                ::std::option::Option::Some(
                    ::serde_json::Value::String(tag),
                ) if tag == "AGENT" => {
                    ::serde_json::from_value::<AgentFee>(value)
                        .map(Self::AgentFee)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "Fee::AgentFee: ", e),
                        ))
                }
                ::std::option::Option::Some(::serde_json::Value::String(_)) => {
                    ::std::result::Result::Ok(Self::Unrecognized(value))
                }
                _ => ::std::result::Result::Ok(Self::Unrecognized(value)),
            }
        }
    }
    #[allow(deprecated)]
    impl ::serde::Serialize for OwnerBadgesItemBadge {
        fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
        where
            S: ::serde::Serializer,
        {
            match self {
                Self::StarBadge(member) => {
                    crate::json::tagged(member, "badgeType", "STAR", serializer)
                }
                Self::Unrecognized(value) => {
                    ::serde::Serialize::serialize(value, serializer)
                }
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for OwnerBadgesItemBadge {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(
                deserializer,
            )?;
            match value.get("badgeType") {
                ::std::option::Option::Some(
                    ::serde_json::Value::String(tag),
                ) if tag == "STAR" => {
                    ::serde_json::from_value::<StarBadge>(value)
                        .map(Self::StarBadge)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!(
                                "{}{}", "OwnerBadgesItemBadge::StarBadge: ", e
                            ),
                        ))
                }
                ::std::option::Option::Some(::serde_json::Value::String(_)) => {
                    ::std::result::Result::Ok(Self::Unrecognized(value))
                }
                _ => {
                    ::serde_json::from_value::<StarBadge>(value)
                        .map(Self::StarBadge)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!(
                                "{}{}", "OwnerBadgesItemBadge::StarBadge: ", e
                            ),
                        ))
                }
            }
        }
    }
    #[allow(deprecated)]
    impl ::serde::Serialize for OwnerVehicle {
        fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
        where
            S: ::serde::Serializer,
        {
            match self {
                Self::Car(member) => {
                    crate::json::tagged(member, "vehicleType", "CAR", serializer)
                }
                Self::Bike(member) => {
                    crate::json::tagged(member, "vehicleType", "BIKE", serializer)
                }
                Self::Unrecognized(value) => {
                    ::serde::Serialize::serialize(value, serializer)
                }
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for OwnerVehicle {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(
                deserializer,
            )?;
            match value.get("vehicleType") {
                ::std::option::Option::Some(
                    ::serde_json::Value::String(tag),
                ) if tag == "CAR" => {
                    ::serde_json::from_value::<Car>(value)
                        .map(Self::Car)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "OwnerVehicle::Car: ", e),
                        ))
                }
                ::std::option::Option::Some(
                    ::serde_json::Value::String(tag),
                ) if tag == "BIKE" => {
                    ::serde_json::from_value::<Bike>(value)
                        .map(Self::Bike)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "OwnerVehicle::Bike: ", e),
                        ))
                }
                ::std::option::Option::Some(::serde_json::Value::String(_)) => {
                    ::std::result::Result::Ok(Self::Unrecognized(value))
                }
                _ => ::std::result::Result::Ok(Self::Unrecognized(value)),
            }
        }
    }
    #[allow(deprecated)]
    impl ::serde::Serialize for Pet {
        fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
        where
            S: ::serde::Serializer,
        {
            match self {
                Self::Cat(member) => {
                    crate::json::tagged(member, "petType", "CAT", serializer)
                }
                Self::Dog(member) => {
                    crate::json::tagged(member, "petType", "DOG", serializer)
                }
                Self::Unrecognized(value) => {
                    ::serde::Serialize::serialize(value, serializer)
                }
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Pet {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(
                deserializer,
            )?;
            match value.get("petType") {
                ::std::option::Option::Some(
                    ::serde_json::Value::String(tag),
                ) if tag == "CAT" => {
                    ::serde_json::from_value::<Cat>(value)
                        .map(Self::Cat)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "Pet::Cat: ", e),
                        ))
                }
                ::std::option::Option::Some(
                    ::serde_json::Value::String(tag),
                ) if tag == "DOG" => {
                    ::serde_json::from_value::<Dog>(value)
                        .map(Self::Dog)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "Pet::Dog: ", e),
                        ))
                }
                ::std::option::Option::Some(::serde_json::Value::String(_)) => {
                    ::std::result::Result::Ok(Self::Unrecognized(value))
                }
                _ => ::std::result::Result::Ok(Self::Unrecognized(value)),
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Shape {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(
                deserializer,
            )?;
            let object = value
                .as_object()
                .ok_or_else(|| <D::Error as ::serde::de::Error>::custom(
                    "Shape: expected an object",
                ))?;
            let mut chosen: ::std::option::Option<usize> = ::std::option::Option::None;
            for (key, member) in object {
                if member.is_null() {
                    continue;
                }
                let index = match key.as_str() {
                    "radius" => 0usize,
                    "side" => 1usize,
                    _ => continue,
                };
                if chosen.is_some_and(|c| c != index) {
                    chosen = ::std::option::Option::None;
                    break;
                }
                chosen = ::std::option::Option::Some(index);
            }
            match chosen {
                ::std::option::Option::Some(0usize) => {
                    ::serde_json::from_value::<Circle>(value)
                        .map(Self::Circle)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "Shape::Circle: ", e),
                        ))
                }
                ::std::option::Option::Some(1usize) => {
                    ::serde_json::from_value::<Square>(value)
                        .map(Self::Square)
                        .map_err(|e| <D::Error as ::serde::de::Error>::custom(
                            ::std::format!("{}{}", "Shape::Square: ", e),
                        ))
                }
                _ => ::std::result::Result::Ok(Self::Unrecognized(value)),
            }
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for AgentFee {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "AgentFee",
                |o| ::std::result::Result::Ok(Self {
                    amount: o.optional("amount")?,
                    fee_type: o.required("feeType")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Bike {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Bike",
                |o| ::std::result::Result::Ok(Self {
                    gears: o.optional("gears")?,
                    vehicle_type: o.required("vehicleType")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Car {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Car",
                |o| ::std::result::Result::Ok(Self {
                    doors: o.optional("doors")?,
                    vehicle_type: o.required("vehicleType")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Cat {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Cat",
                |o| ::std::result::Result::Ok(Self {
                    lives: o.optional("lives")?,
                    name: o.optional("name")?,
                    pet_type: o.required("petType")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Circle {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Circle",
                |o| ::std::result::Result::Ok(Self {
                    radius: o.optional("radius")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Dog {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Dog",
                |o| ::std::result::Result::Ok(Self {
                    barks: o.optional("barks")?,
                    name: o.optional("name")?,
                    pet_type: o.required("petType")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Owner {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Owner",
                |o| ::std::result::Result::Ok(Self {
                    age: o.optional("age")?,
                    badges: o.or_else("badges", ::std::default::Default::default)?,
                    fee: o.optional("fee")?,
                    kind: o.optional("kind")?,
                    level: o.optional("level")?,
                    name: o.required("name")?,
                    nickname: o.optional("nickname")?,
                    pet: o.optional("pet")?,
                    seat: o.optional("seat")?,
                    self_: o.optional("self")?,
                    shape: o.optional("shape")?,
                    vehicle: o.optional("vehicle")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for OwnerBadgesItem {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "OwnerBadgesItem",
                |o| ::std::result::Result::Ok(Self {
                    badge: o.optional("badge")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for OwnerKind {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::string_enum(deserializer)
        }
    }
    #[allow(deprecated)]
    impl ::serde::Serialize for OwnerKind {
        fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
        where
            S: ::serde::Serializer,
        {
            serializer.serialize_str(self.as_str())
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for PetBase {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "PetBase",
                |o| ::std::result::Result::Ok(Self {
                    name: o.optional("name")?,
                    pet_type: o.required("petType")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Self_ {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Self_",
                |o| ::std::result::Result::Ok(Self {
                    name: o.optional("name")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for Square {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "Square",
                |o| ::std::result::Result::Ok(Self {
                    side: o.optional("side")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for StarBadge {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "StarBadge",
                |o| ::std::result::Result::Ok(Self {
                    badge_type: o.or_else("badgeType", defaults::star_badge_badge_type)?,
                    stars: o.optional("stars")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
    #[allow(deprecated)]
    impl<'de> ::serde::Deserialize<'de> for X1stClass {
        fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
        where
            D: ::serde::Deserializer<'de>,
        {
            crate::json::Object::read(
                deserializer,
                "X1stClass",
                |o| ::std::result::Result::Ok(Self {
                    seat: o.optional("seat")?,
                    unknown_properties: o.rest(),
                }),
            )
        }
    }
}
#[derive(Clone, Debug)]
/**Client for Constructs API (a document of the project's own: 3.1 constructs Spotnana does not use yet)

Version: v2*/
#[allow(deprecated)]
pub struct Client {
    pub(crate) baseurl: String,
    pub(crate) client: reqwest::Client,
    pub(crate) inner: crate::runtime::Runtime,
}
#[allow(deprecated)]
impl Client {
    /// Create a new client.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new(baseurl: &str, inner: crate::runtime::Runtime) -> Self {
        #[cfg(not(target_arch = "wasm32"))]
        let client = {
            let dur = ::std::time::Duration::from_secs(15u64);
            reqwest::ClientBuilder::new().connect_timeout(dur).timeout(dur)
        };
        #[cfg(target_arch = "wasm32")]
        let client = reqwest::ClientBuilder::new();
        Self::new_with_client(baseurl, client.build().unwrap(), inner)
    }
    /// Construct a new client with an existing `reqwest::Client`,
    /// allowing more control over its configuration.
    ///
    /// `baseurl` is the base URL provided to the internal
    /// `reqwest::Client`, and should include a scheme and hostname,
    /// as well as port and a path stem if applicable.
    pub fn new_with_client(
        baseurl: &str,
        client: reqwest::Client,
        inner: crate::runtime::Runtime,
    ) -> Self {
        Self {
            baseurl: baseurl.to_string(),
            client,
            inner,
        }
    }
}
#[allow(deprecated)]
impl ClientInfo<crate::runtime::Runtime> for Client {
    fn api_version() -> &'static str {
        "v2"
    }
    fn baseurl(&self) -> &str {
        self.baseurl.as_str()
    }
    fn client(&self) -> &reqwest::Client {
        &self.client
    }
    fn inner(&self) -> &crate::runtime::Runtime {
        &self.inner
    }
}
const _: () = {
    #[allow(dead_code)]
    fn assert_client_hooks()
    where
        Client: ClientHooks<crate::runtime::Runtime>,
    {}
};
#[allow(clippy::all)]
#[allow(deprecated)]
impl Client {
    /**Sends a `GET` request to `/v2/owners/{ownerId}`

*/
    /**

**Retries:** safe to send again after an unknown outcome (GET is idempotent).*/
    pub async fn get_owner<'a>(
        &'a self,
        owner_id: &'a str,
    ) -> Result<ResponseValue<types::Owner>, crate::Error> {
        self.inner
            .call::<
                _,
                (),
            >(
                "auth",
                "get_owner",
                async move {
                    let url = format!(
                        "{}/v2/owners/{}", self.baseurl, encode_path(& owner_id
                        .to_string()),
                    );
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(
                        1usize,
                    );
                    header_map
                        .append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(
                                Self::api_version(),
                            ),
                        );
                    #[allow(unused_mut)]
                    let mut request = self
                        .client
                        .get(url)
                        .header(
                            ::reqwest::header::ACCEPT,
                            ::reqwest::header::HeaderValue::from_static(
                                "application/json",
                            ),
                        )
                        .headers(header_map)
                        .build()?;
                    let info = OperationInfo {
                        operation_id: "get_owner",
                    };
                    self.pre(&mut request, &info).await?;
                    let result = self.exec(request, &info).await;
                    self.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => crate::decode::from_response(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                },
            )
            .await
    }
    /**Sends a `PUT` request to `/v2/owners/{ownerId}`

*/
    /**

**Retries:** safe to send again after an unknown outcome (PUT is idempotent).*/
    pub async fn update_owner<'a>(
        &'a self,
        owner_id: &'a str,
        body: &'a types::Owner,
    ) -> Result<ResponseValue<types::Owner>, crate::Error> {
        self.inner
            .call::<
                _,
                (),
            >(
                "auth",
                "update_owner",
                async move {
                    let url = format!(
                        "{}/v2/owners/{}", self.baseurl, encode_path(& owner_id
                        .to_string()),
                    );
                    let mut header_map = ::reqwest::header::HeaderMap::with_capacity(
                        1usize,
                    );
                    header_map
                        .append(
                            ::reqwest::header::HeaderName::from_static("api-version"),
                            ::reqwest::header::HeaderValue::from_static(
                                Self::api_version(),
                            ),
                        );
                    #[allow(unused_mut)]
                    let mut request = self
                        .client
                        .put(url)
                        .header(
                            ::reqwest::header::ACCEPT,
                            ::reqwest::header::HeaderValue::from_static(
                                "application/json",
                            ),
                        )
                        .json(&body)
                        .headers(header_map)
                        .build()?;
                    let info = OperationInfo {
                        operation_id: "update_owner",
                    };
                    self.pre(&mut request, &info).await?;
                    let result = self.exec(request, &info).await;
                    self.post(&result, &info).await?;
                    let response = result?;
                    match response.status().as_u16() {
                        200u16 => crate::decode::from_response(response).await,
                        _ => Err(Error::UnexpectedResponse(response)),
                    }
                },
            )
            .await
    }
}
/// Items consumers will typically use such as the Client.
#[allow(deprecated)]
pub mod prelude {
    #[allow(unused_imports)]
    pub use super::Client;
}
