//! `cargo xtask diff OLD NEW`: what changed between two sets of Spotnana documents, and
//! whether it breaks clients — on the wire, and for Rust code built on the generated crate.
//!
//! OLD and NEW are each a portal base (a directory laid out like the portal, or an
//! `http(s)` URL; documents at the manifest's paths below it) or the literal `cache`: the
//! documents in the spec cache, which must match `spec/lock.toml`. APIs are matched by
//! manifest module.
//!
//! # What is compared
//!
//! - Operations, matched by method and path with path-parameter names erased
//!   (`/v2/users/{userId}` is `/v2/users/{id}`): added, removed, `operationId` renamed;
//!   parameters (path parameters matched by position, others by `in` and name) added,
//!   removed, renamed, required changed, and their schemas; request bodies; status codes and
//!   media types; per-operation security; deprecation.
//! - Component schemas, each once, whether or not anything reaches it: properties added,
//!   removed, required ⇄ optional, type, format, nullability, enum values, deprecation
//!   (`deprecated`, `x-sunset`), recursing into inline schemas (`properties`, `items`,
//!   `additionalProperties`, `allOf`/`oneOf`/`anyOf` members). A change inside a component is
//!   reported there (component name and JSON pointer) with every operation that reaches it,
//!   through any chain of `$ref`s, in either document; its direction is request, response,
//!   or both. A `$ref` whose target changes is a type change at the referring place; a
//!   component removed while another with the identical body appears is a rename, and
//!   references from the old name to the new one are not type changes.
//! - OpenAPI 3.1 puts `deprecated` and `description` beside `$ref`: the property object
//!   itself is compared, not only the schema it references.
//! - Description-only changes (`description`, `summary`, `title`, examples, tags, …) are
//!   findings of their own kind, shown collapsed.
//! - Anything the differ has no rule for (a keyword such as `pattern` or `discriminator`
//!   changing, a `oneOf` member added, an unused shared response changing) is an
//!   *unclassified* finding with its pointers: never dropped.
//!
//! # Verdicts
//!
//! Every finding has a wire verdict (does an existing HTTP client break?) and a Rust verdict
//! (does code compiled against the previous generated crate break?), and names the Rust
//! items affected (`module::types::Type::field`, `module::types::Type::Variant`, `module::Client::method`;
//! names of inline schemas follow typify's `ParentProperty` convention). The rules, with the
//! crate's compatibility policy they rest on, are written once, in `policy.rs`
//! ([`Kind::verdicts`]); `xtask/VERDICTS.md` is the table rendered from them, a row per kind
//! of change and outcome.
//!
//! These verdicts are cross-checked by `cargo xtask semver-check` against cargo-semver-checks
//! on the two generated clients (`xtask/reports/` has the runs). What that showed, per class:
//!
//! - typify's `defaults` modules (functions serde calls for defaults) come and go with the
//!   types that use them (a type moving to `common` takes its defaults along): the generator
//!   hides them (`#[doc(hidden)]`), which puts them outside the API both judges compare;
//! - an `operationId` rename also renames the `<method>_with` method and the
//!   `<Method>Params` struct of an operation with optional parameters: the finding names them
//!   (they were missing);
//! - a new enum value moves `Unrecognized` (and any value after it) down one position, which
//!   cargo-semver-checks reports as the warning `partial_ord_enum_variants_reordered`: the
//!   generated enums derive `PartialOrd`/`Ord` in document order. The diff keeps such values
//!   non-breaking, as Spotnana's compatibility policy makes them: the order of an enum is the
//!   document's, not a contract, and the warning does not decide the version for
//!   cargo-semver-checks either.
//!
//! `--fail-on breaking` exits non-zero exactly when some finding is breaking on the wire
//! *or* in Rust, or is unclassified (an unreviewed change must not pass as safe); the report
//! is written first.
//!
//! # Limits
//!
//! Changes in a component schema that no operation reaches are reported as
//! `unreferenced` (never breaking on the wire). Matching of `oneOf`/`anyOf`/`allOf` members
//! is by `$ref` name, else by position among inline members. Rust names of inline schemas
//! and request/response body types are typify's and progenitor's conventions as far as the
//! differ knows them, not read back from generated code; a type several APIs share lives in
//! the crate's `common` module and is named here by the API's module. A new optional property
//! breaks no Rust caller: generated structs are `#[non_exhaustive]` and built with
//! `new(required…)`, so no caller can write a struct literal.

pub(crate) mod model;
mod operations;
mod policy;
mod reach;
mod render;
mod schemas;

pub use model::{Finding, Kind, Report, Verdict};
pub use render::markdown;

use crate::fetch::{Patience, Portal};
use crate::paths::Spec;
use anyhow::Context;
use model::{ApiDiff, Direction, Facts};
use serde_json::Value;
use spotnana_codegen::manifest::{Manifest, sha256_hex};
use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum Format {
    Markdown,
    Json,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum FailOn {
    /// Any finding breaking on the wire or in Rust, or unclassified.
    Breaking,
}

#[derive(clap::Args)]
pub struct Args {
    /// The old documents: a portal base (directory or http(s) URL) or `cache`.
    pub old: String,
    /// The new documents: a portal base (directory or http(s) URL) or `cache`.
    pub new: String,
    #[arg(long, value_enum, default_value = "markdown")]
    pub format: Format,
    /// Exit non-zero when a finding of this class exists (after writing the report).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Write the report here instead of standard output.
    #[arg(long)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub patience: Patience,
    /// The version of `spotnana` the old documents were released as (the next one is
    /// computed from it); default: `generated-client/Cargo.toml`'s.
    #[arg(long)]
    pub version: Option<semver::Version>,
    /// The date of the CHANGELOG section (default: today).
    #[arg(long)]
    pub release_date: Option<String>,
}

/// One API's document, parsed, with the SHA-256 of its bytes.
pub struct Document<'a> {
    pub module: &'a str,
    pub value: &'a Value,
    pub sha256: &'a str,
}

pub struct Loaded {
    pub module: String,
    pub value: Value,
    pub sha256: String,
    pub bytes: Vec<u8>,
}

impl Loaded {
    pub fn parse(module: &str, source: &str, bytes: &[u8]) -> anyhow::Result<Self> {
        let value = serde_json::from_slice(bytes).with_context(|| format!("{module}: {source} is not JSON"))?;
        Ok(Self {
            module: module.to_string(),
            value,
            sha256: sha256_hex(bytes),
            bytes: bytes.to_vec(),
        })
    }
    pub fn document(&self) -> Document<'_> {
        Document {
            module: &self.module,
            value: &self.value,
            sha256: &self.sha256,
        }
    }
}

pub fn run(spec: &Spec, args: Args) -> anyhow::Result<()> {
    let manifest = Manifest::load(&spec.manifest()).map_err(anyhow::Error::msg)?;
    let old = load(spec, &manifest, &args.old, args.patience.portal(&args.old))?;
    let new = load(spec, &manifest, &args.new, args.patience.portal(&args.new))?;
    let old_docs: Vec<Document> = old.iter().map(Loaded::document).collect();
    let new_docs: Vec<Document> = new.iter().map(Loaded::document).collect();
    let report = diff_sets(&old_docs, &new_docs);
    let text = match args.format {
        Format::Markdown => {
            let current = match args.version {
                Some(v) => v,
                None => crate::release::workspace_crate_version()?,
            };
            let date = args.release_date.clone().unwrap_or_else(crate::release::today);
            let release = crate::release::Release::plan(&report, current, &date);
            markdown(&report, &args.old, &args.new, 1) + &release.markdown(1)
        }
        Format::Json => serde_json::to_string_pretty(&report)? + "\n",
    };
    match &args.out {
        Some(path) => std::fs::write(path, &text).with_context(|| format!("writing {}", path.display()))?,
        None => print!("{text}"),
    }
    if matches!(args.fail_on, Some(FailOn::Breaking)) && report.has_breaking() {
        let ids: Vec<&str> = report
            .findings()
            .filter(|f| f.is_breaking())
            .map(|f| f.id.as_str())
            .collect();
        return Err(crate::findings::Findings(format!(
            "{} breaking or unclassified findings: {}",
            ids.len(),
            ids.join(", ")
        ))
        .into());
    }
    Ok(())
}

/// The documents of every manifest API from `base` (`cache`: the spec cache, checked
/// against the lock).
pub fn load(spec: &Spec, manifest: &Manifest, base: &str, portal: Portal) -> anyhow::Result<Vec<Loaded>> {
    let lock = (base == "cache")
        .then(|| spec.load_lock().map_err(anyhow::Error::msg))
        .transpose()?;
    manifest
        .api
        .iter()
        .map(|api| match &lock {
            Some(lock) => {
                let pinned = crate::paths::read_pinned(spec, lock, api)?;
                Loaded::parse(&api.module, &spec.document(api).display().to_string(), &pinned.bytes)
            }
            None => {
                let url = portal.url(&api.path);
                let bytes = portal
                    .fetch(&api.path)
                    .with_context(|| format!("{}: fetching {url}", api.module))?;
                Loaded::parse(&api.module, &url, &bytes)
            }
        })
        .collect()
}

/// Diffs two sets of documents, matched by module (in the order of `new`, then modules only
/// in `old`).
pub fn diff_sets(old: &[Document], new: &[Document]) -> Report {
    let mut modules: Vec<&str> = new.iter().map(|d| d.module).collect();
    modules.extend(
        old.iter()
            .map(|d| d.module)
            .filter(|m| !new.iter().any(|d| d.module == *m)),
    );
    let apis = modules
        .into_iter()
        .map(|module| {
            let o = old.iter().find(|d| d.module == module);
            let n = new.iter().find(|d| d.module == module);
            let findings = match (o, n) {
                (Some(o), Some(n)) => diff_documents(module, o.value, n.value),
                (o, _) => {
                    let (kind, verb) = match o {
                        Some(_) => (Kind::ApiRemoved, "removed"),
                        None => (Kind::ApiAdded, "added"),
                    };
                    let mut differ = Differ::new(module, &Value::Null, &Value::Null);
                    let at = differ.document_at();
                    differ.push(&at, kind, None, format!("API `{module}` {verb}"), Facts::default());
                    differ.finish()
                }
            };
            ApiDiff {
                module: module.to_string(),
                old_sha256: o.map(|d| d.sha256.to_string()),
                new_sha256: n.map(|d| d.sha256.to_string()),
                findings,
            }
        })
        .collect();
    Report { apis }
}

/// The findings between two documents of one API, sorted (breaking first, then by id).
pub fn diff_documents(module: &str, old: &Value, new: &Value) -> Vec<Finding> {
    let mut differ = Differ::new(module, old, new);
    if old != new {
        differ.diff_top_level();
    }
    differ.finish()
}

/// Where in the two documents the differ is, and what it reports findings against.
#[derive(Clone)]
pub(crate) struct At {
    /// `ItemGroup.penalty`, `POST /v2/x`, `POST /v2/x query.limit`.
    subject: String,
    old_ptr: String,
    new_ptr: String,
    /// The Rust type generated for this place, were it an object or enum.
    rust_type: String,
    /// The Rust item this place is (`trip::types::ItemGroup::penalty`, `air::Client::cancel_pnr`).
    item: String,
    direction: Option<Direction>,
    operations: Vec<String>,
}

impl At {
    fn down(&self, old: &str, new: &str) -> At {
        At {
            old_ptr: format!("{}/{old}", self.old_ptr),
            new_ptr: format!("{}/{new}", self.new_ptr),
            ..self.clone()
        }
    }
}

pub(crate) struct Differ<'a> {
    module: &'a str,
    old: &'a Value,
    new: &'a Value,
    reach_old: reach::Reach,
    reach_new: reach::Reach,
    /// Operation key → label (the new document's spelling when both have it).
    labels: BTreeMap<String, String>,
    /// Old component schema name → new name, for components renamed unchanged.
    renamed: BTreeMap<String, String>,
    /// Pointers of shared components (`/components/responses/X`, …) reached while diffing
    /// operations: changes in the others are reported as unclassified.
    visited: HashSet<String>,
    findings: BTreeMap<String, Finding>,
}

impl<'a> Differ<'a> {
    fn new(module: &'a str, old: &'a Value, new: &'a Value) -> Self {
        let mut labels = BTreeMap::new();
        for op in reach::operations(old).into_iter().chain(reach::operations(new)) {
            labels.insert(op.key, op.label);
        }
        Self {
            module,
            old,
            new,
            reach_old: reach::reach(old),
            reach_new: reach::reach(new),
            labels,
            renamed: schemas::renames(old, new),
            visited: HashSet::new(),
            findings: BTreeMap::new(),
        }
    }

    fn document_at(&self) -> At {
        At {
            subject: "document".into(),
            old_ptr: String::new(),
            new_ptr: String::new(),
            rust_type: String::new(),
            item: self.module.to_string(),
            direction: None,
            operations: Vec::new(),
        }
    }

    fn diff_top_level(&mut self) {
        let at = self.document_at();
        let (old, new) = (self.old, self.new);
        let mut docs = Vec::new();
        // Always both, operations first: an operation whose own text is unchanged may use a
        // shared response or parameter that changed, and the operations mark the shared
        // components they reach (see `visited`) before the components are compared.
        self.diff_operations();
        self.diff_components();
        for key in union_keys(old, new) {
            if old.get(key) == new.get(key) {
                continue;
            }
            match key {
                "paths" | "components" => {}
                "info" | "tags" | "externalDocs" => docs.push(key),
                "security" => self.push_at(
                    &at.down(key, key),
                    Kind::SecurityChanged,
                    None,
                    "document-wide security requirements changed".into(),
                    Facts::default(),
                    vec![],
                ),
                _ => self.unclassified(&at.down(key, key), key),
            }
        }
        self.descriptions(&at, &docs);
    }

    /// Records a finding about `at` itself, naming `at.item`.
    fn push(&mut self, at: &At, kind: Kind, detail: Option<String>, summary: String, facts: Facts) {
        let items = vec![at.item.clone()];
        self.push_at(at, kind, detail, summary, facts, items);
    }

    fn push_at(
        &mut self,
        at: &At,
        kind: Kind,
        detail: Option<String>,
        summary: String,
        facts: Facts,
        rust_items: Vec<String>,
    ) {
        let mut id = format!("{}/{}/{}", self.module, kind.slug(), at.subject);
        if let Some(d) = &detail {
            id = format!("{id}/{d}");
        }
        let (wire, rust, note) = kind.verdicts(at.direction, facts);
        let pointer = |p: &str, doc: &Value| (doc.pointer(p).is_some()).then(|| p.to_string());
        let finding = Finding {
            id: id.clone(),
            kind,
            subject: at.subject.clone(),
            detail,
            summary,
            direction: at.direction,
            old_pointer: pointer(&at.old_ptr, self.old).or_else(|| parent_pointer(&at.old_ptr, self.old)),
            new_pointer: pointer(&at.new_ptr, self.new).or_else(|| parent_pointer(&at.new_ptr, self.new)),
            operations: at.operations.clone(),
            wire,
            rust,
            rust_items,
            note: note.map(str::to_string),
        };
        match self.findings.get_mut(&id) {
            // The same place reached twice (e.g. a shared response under two status codes).
            Some(existing) => {
                for op in finding.operations {
                    if !existing.operations.contains(&op) {
                        existing.operations.push(op);
                    }
                }
            }
            None => {
                self.findings.insert(id, finding);
            }
        }
    }

    fn unclassified(&mut self, at: &At, keyword: &str) {
        self.push(
            at,
            Kind::Unclassified,
            Some(keyword.to_string()),
            format!("`{keyword}` changed"),
            Facts::default(),
        );
    }

    fn descriptions(&mut self, at: &At, keys: &[&str]) {
        if !keys.is_empty() {
            let list: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
            self.push(
                at,
                Kind::DescriptionChanged,
                None,
                format!("{} changed", list.join(", ")),
                Facts::default(),
            );
        }
    }

    /// `deprecated` / `x-sunset` of any object (schema, property, parameter, operation).
    fn deprecation(&mut self, at: &At, old: &Value, new: &Value) {
        let state = |v: &Value| {
            (
                v.get("deprecated").and_then(Value::as_bool).unwrap_or(false),
                v.get("x-sunset")
                    .map(|s| s.as_str().map(str::to_string).unwrap_or_else(|| s.to_string())),
            )
        };
        let ((was, old_sunset), (is, new_sunset)) = (state(old), state(new));
        if (was, &old_sunset) == (is, &new_sunset) {
            return;
        }
        let sunset = |s: &Option<String>| s.as_deref().map(|s| format!(" (x-sunset {s})")).unwrap_or_default();
        let (kind, summary) = match (was, is) {
            (false, true) => (Kind::Deprecated, format!("deprecated{}", sunset(&new_sunset))),
            (true, false) => (Kind::Undeprecated, "no longer deprecated".to_string()),
            _ => (
                Kind::Deprecated,
                format!(
                    "x-sunset changed from {} to {}",
                    old_sunset.as_deref().unwrap_or("none"),
                    new_sunset.as_deref().unwrap_or("none")
                ),
            ),
        };
        let key = if was != is { "deprecated" } else { "x-sunset" };
        self.push(&at.down(key, key), kind, None, summary, Facts::default());
    }

    fn finish(self) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self.findings.into_values().collect();
        findings.sort_by(|a, b| a.section().cmp(&b.section()).then_with(|| a.id.cmp(&b.id)));
        findings
    }
}

/// The pointer of the nearest existing parent (for a place that exists in one document
/// only, e.g. where a property was added).
fn parent_pointer(pointer: &str, doc: &Value) -> Option<String> {
    if doc.is_null() {
        return None;
    }
    let mut p = pointer;
    while let Some(i) = p.rfind('/') {
        p = &p[..i];
        if !p.is_empty() && doc.pointer(p).is_some() {
            return Some(p.to_string());
        }
    }
    None
}

/// The keys of two objects (either may be absent), sorted and deduplicated.
fn union_keys<'v>(old: &'v Value, new: &'v Value) -> Vec<&'v str> {
    let mut keys: Vec<&str> = [old, new]
        .iter()
        .filter_map(|v| v.as_object())
        .flat_map(|m| m.keys().map(String::as_str))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

#[cfg(test)]
mod tests;
