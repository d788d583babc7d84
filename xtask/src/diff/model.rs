//! What the differ reports: findings, their verdicts, and the per-API and overall report.
//!
//! The verdict policy is [`Kind::verdicts`], in `policy.rs`.

use serde::Serialize;

/// Whether a change breaks a client: on the wire (an existing HTTP client) or in Rust (code
/// compiled against the previous version of the generated crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Breaking,
    NonBreaking,
    /// The differ has no rule for the change (unclassified findings).
    Unknown,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::NonBreaking => "non-breaking",
            Verdict::Unknown => "unknown",
        }
    }
}

/// Which way the data that changed travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, strum::EnumIter)]
#[serde(rename_all = "kebab-case")]
pub enum Direction {
    Request,
    Response,
    Both,
    /// A component schema no operation reaches (in either document): Rust types are still
    /// generated for it, nothing on the wire uses it.
    Unreferenced,
}

impl Direction {
    pub fn union(self, other: Direction) -> Direction {
        use Direction::*;
        match (self, other) {
            (Unreferenced, d) | (d, Unreferenced) => d,
            (a, b) if a == b => a,
            _ => Both,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "both",
            Direction::Unreferenced => "unreferenced",
        }
    }
    /// Data a client sends (unreferenced counts: a Rust caller may build the type).
    pub(super) fn sent(self) -> bool {
        !matches!(self, Direction::Response)
    }
    /// Data a client receives.
    pub(super) fn received(self) -> bool {
        !matches!(self, Direction::Request)
    }
    pub(super) fn on_wire(self) -> bool {
        !matches!(self, Direction::Unreferenced)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, strum::EnumIter)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    ApiAdded,
    ApiRemoved,
    OperationAdded,
    OperationRemoved,
    OperationIdRenamed,
    ParameterAdded,
    ParameterRemoved,
    ParameterRenamed,
    ParameterRequiredChanged,
    RequestBodyAdded,
    RequestBodyRemoved,
    RequestBodyRequiredChanged,
    SchemaAdded,
    SchemaRemoved,
    SchemaRenamed,
    PropertyAdded,
    PropertyRemoved,
    PropertyRequiredChanged,
    TypeChanged,
    FormatChanged,
    NullableChanged,
    EnumValueAdded,
    EnumValueRemoved,
    Deprecated,
    Undeprecated,
    StatusCodeAdded,
    StatusCodeRemoved,
    MediaTypeAdded,
    MediaTypeRemoved,
    SecurityChanged,
    DescriptionChanged,
    Unclassified,
}

/// Facts a verdict depends on beyond kind and direction.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// Property, parameter or body: required after the change (before it, for removals).
    pub required: bool,
    /// Nullable after the change.
    pub nullable: bool,
    /// Status code in 2xx.
    pub success: bool,
}

impl Kind {
    pub fn slug(self) -> &'static str {
        use Kind::*;
        match self {
            ApiAdded => "api-added",
            ApiRemoved => "api-removed",
            OperationAdded => "operation-added",
            OperationRemoved => "operation-removed",
            OperationIdRenamed => "operation-id-renamed",
            ParameterAdded => "parameter-added",
            ParameterRemoved => "parameter-removed",
            ParameterRenamed => "parameter-renamed",
            ParameterRequiredChanged => "parameter-required-changed",
            RequestBodyAdded => "request-body-added",
            RequestBodyRemoved => "request-body-removed",
            RequestBodyRequiredChanged => "request-body-required-changed",
            SchemaAdded => "schema-added",
            SchemaRemoved => "schema-removed",
            SchemaRenamed => "schema-renamed",
            PropertyAdded => "property-added",
            PropertyRemoved => "property-removed",
            PropertyRequiredChanged => "property-required-changed",
            TypeChanged => "type-changed",
            FormatChanged => "format-changed",
            NullableChanged => "nullable-changed",
            EnumValueAdded => "enum-value-added",
            EnumValueRemoved => "enum-value-removed",
            Deprecated => "deprecated",
            Undeprecated => "undeprecated",
            StatusCodeAdded => "status-code-added",
            StatusCodeRemoved => "status-code-removed",
            MediaTypeAdded => "media-type-added",
            MediaTypeRemoved => "media-type-removed",
            SecurityChanged => "security-changed",
            DescriptionChanged => "description-changed",
            Unclassified => "unclassified",
        }
    }
}

/// One change between two documents of an API.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Derived from content (API, kind, subject, detail): stable across runs and orderings.
    pub id: String,
    pub kind: Kind,
    /// Where: a component schema (`ItemGroup.penalty`), an operation (`POST /v2/x`), …
    pub subject: String,
    /// What, within the subject: the enum value, the keyword, …
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub summary: String,
    pub direction: Option<Direction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_pointer: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_pointer: Option<String>,
    /// `METHOD /path` of every operation that reaches the changed place.
    pub operations: Vec<String>,
    pub wire: Verdict,
    pub rust: Verdict,
    pub rust_items: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Finding {
    /// Breaking in either sense, or not understood (an unreviewed change must not pass as
    /// safe).
    pub fn is_breaking(&self) -> bool {
        self.wire != Verdict::NonBreaking || self.rust != Verdict::NonBreaking
    }
    /// Sorting rank in the report: breaking, non-breaking, unclassified, documentation.
    pub fn section(&self) -> u8 {
        match self.kind {
            Kind::Unclassified => 2,
            Kind::DescriptionChanged => 3,
            _ if self.is_breaking() => 0,
            _ => 1,
        }
    }
}

/// The findings of one API (matched by manifest module).
#[derive(Debug, Clone, Serialize)]
pub struct ApiDiff {
    pub module: String,
    pub old_sha256: Option<String>,
    pub new_sha256: Option<String>,
    /// Sorted: breaking first, then non-breaking, unclassified, description-only; by id.
    pub findings: Vec<Finding>,
}

impl ApiDiff {
    pub fn count(&self, pred: impl Fn(&Finding) -> bool) -> usize {
        self.findings.iter().filter(|f| pred(f)).count()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub apis: Vec<ApiDiff>,
}

impl Report {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.apis.iter().flat_map(|a| a.findings.iter())
    }
    pub fn has_breaking(&self) -> bool {
        self.findings().any(Finding::is_breaking)
    }
}
