//! Generates the typed Rust client of one Spotnana API from its published OpenAPI document.
//!
//! ```text
//! JSON bytes ─parse─▶ JSON ─transform::PIPELINE─▶ OpenAPI 3.0 JSON
//!   ─progenitor─▶ tokens (+ multipart forms and methods) ─prettyplease─▶ Rust source
//! ```
//!
//! Spotnana publishes OpenAPI 3.1; progenitor reads 3.0 and has shape limits. Each gap is
//! bridged by a named fix-up in [`transform`], recorded per JSON pointer in the [`Report`].
//! The output is deterministic: the same bytes give the same code.

mod additive;
mod bodyless;
mod calls;
pub mod compact_serde;
pub mod crate_files;
mod deep_decode;
pub mod deprecations;
pub mod feature_gates;
mod hidden;
pub mod ledger;
mod lenient;
pub mod lossless;
pub mod manifest;
mod multipart;
pub mod open_enums;
mod paging;
mod parallel;
mod params;
pub mod parse;
mod plain;
pub mod runtime_tables;
mod serde_attrs;
pub mod share;
pub mod transform;
pub mod unions;
pub mod walk;

pub use plain::plain_progenitor;
pub use transform::{Changes, Report};

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Why a document could not be turned into code. Every variant names the document.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{document}: not JSON: {reason}")]
    Parse { document: String, reason: String },
    #[error("{document}: not an OpenAPI 3.x document: {reason}")]
    NotOpenApi { document: String, reason: String },
    #[error("{document}: after the fix-ups, still not a valid OpenAPI 3.0 document: {reason}")]
    Invalid { document: String, reason: String },
    #[error("{document}: progenitor failed: {reason}")]
    Progenitor { document: String, reason: String },
    #[error("{document}: generated code does not parse as Rust: {reason}")]
    Syntax { document: String, reason: String },
    /// A pass over the generated code met a shape it cannot rewrite safely.
    #[error("{document}: {reason}")]
    Pass { document: String, reason: String },
    /// A schema keyword no fix-up translates (see [`transform::audit_unsupported_keywords`]).
    #[error("{document}: {reason}")]
    Unsupported { document: String, reason: String },
    /// Two different schemas would be one Rust type (see [`transform::audit_type_names`]).
    #[error("{document}: {reason}")]
    TypeNames { document: String, reason: String },
}

/// One generated API module.
#[derive(Debug, Clone)]
pub struct Generated {
    /// Formatted Rust source, to be `include!`d inside the API's module.
    pub code: String,
    /// What each fix-up changed in the document.
    pub report: Report,
    /// Number of operations in the document (each is a method of the generated `Client`).
    pub operations: usize,
    /// Component schemas of the document (after the fix-ups).
    pub components: usize,
    /// Components taken from the `common` module instead of generated here.
    pub shared: usize,
    /// String enums opened to unknown values (see [`open_enums`]).
    pub open_enums: usize,
    /// The types of the `common` module this API uses (re-exported in its `types`).
    pub common_used: Vec<String>,
}

/// The generated client of several documents, sharing what they define identically.
#[derive(Debug, Clone)]
pub struct GeneratedSet {
    /// Formatted Rust source of the shared types, to be `include!`d as the module named by
    /// [`Options::common_path`].
    pub common: String,
    /// Number of components in `common`.
    pub common_types: usize,
    /// What the passes over generated code did in `common`.
    pub common_report: Report,
    /// Per document, in input order.
    pub apis: Vec<(String, Generated)>,
}

impl GeneratedSet {
    /// Rust types generated for component schemas: one per shared component in `common`,
    /// plus, per API, one per component it does not take from `common`.
    pub fn component_types(&self) -> usize {
        self.common_types + self.apis.iter().map(|(_, g)| g.components - g.shared).sum::<usize>()
    }
}

/// How generated modules refer to each other.
#[derive(Debug, Clone)]
pub struct Options {
    /// Rust path of the module holding shared types, e.g. `crate::common`.
    pub common_path: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            common_path: "crate::common".into(),
        }
    }
}

/// Generates the client of one document on its own (no shared module). `document` names it
/// in errors (e.g. `air`).
pub fn generate(document: &str, bytes: &[u8]) -> Result<Generated, Error> {
    let set = generate_all(&[(document, bytes)], &Options::default())?;
    Ok(set.apis.into_iter().next().expect("one input, one output").1)
}

/// A document after parsing and the fix-ups, ready for progenitor.
struct Prepared {
    name: String,
    doc: serde_json::Value,
    report: Report,
    operations: usize,
    multipart: Vec<transform::MultipartOperation>,
    /// The operations as the runtime sees them, read before the fix-ups (which move the
    /// multipart ones out of `paths`).
    runtime_operations: Vec<runtime_tables::Operation>,
    /// Components renamed by [`share::unify_renumbered_components`] (from → to).
    renamed: std::collections::BTreeMap<String, String>,
}

fn prepare(document: &str, mut doc: serde_json::Value) -> Result<Prepared, Error> {
    let operations = count_operations(&doc);
    let runtime_operations = runtime_tables::operations(document, &doc);
    let mut report = transform::apply_all(&mut doc);
    // After the fix-ups: what they remove (webhooks, 3.1-only parts) is never generated.
    transform::audit_unsupported_keywords(&mut doc).map_err(|reason| Error::Unsupported {
        document: document.into(),
        reason,
    })?;
    let mut multipart_changes = Changes::default();
    let multipart = transform::extract_multipart_operations(&mut doc, &mut multipart_changes);
    report.insert("extract_multipart_operations", multipart_changes);
    Ok(Prepared {
        name: document.into(),
        doc,
        report,
        operations,
        multipart,
        runtime_operations,
        renamed: Default::default(),
    })
}

/// Generates every document, with the components they define identically generated once
/// (see [`share`]). The output is deterministic for the same inputs in the same order.
pub fn generate_all(inputs: &[(&str, &[u8])], options: &Options) -> Result<GeneratedSet, Error> {
    let documents = parallel::in_parallel(
        inputs.to_vec(),
        |(_, bytes)| bytes.len(),
        |(name, bytes)| Ok((name.to_string(), parse::parse_document(name, bytes)?)),
    )
    .into_iter()
    .collect::<Result<Vec<_>, Error>>()?;
    generate_all_parsed(documents, options)
}

/// [`generate_all`] over documents already parsed with [`parse::parse_document`] (module
/// name, raw document), for callers that read the raw documents too (the build script's
/// runtime tables) and should not parse them twice.
pub fn generate_all_parsed(
    documents: Vec<(String, serde_json::Value)>,
    options: &Options,
) -> Result<GeneratedSet, Error> {
    let mut prepared = parallel::in_parallel(documents, |(_, doc)| weight(doc), |(name, doc)| prepare(&name, doc))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    if prepared.len() > 1 {
        let mut docs: Vec<(&str, &mut serde_json::Value)> =
            prepared.iter_mut().map(|p| (p.name.as_str(), &mut p.doc)).collect();
        let mut renamed = share::unify_renumbered_components(&mut docs);
        for p in &mut prepared {
            p.renamed = renamed.remove(&p.name).unwrap_or_default();
            let places = p
                .renamed
                .iter()
                .map(|(from, to)| {
                    (
                        format!("/components/schemas/{}", walk::escape(from)),
                        format!("renamed {to}: the same schema as {to} in another document"),
                    )
                })
                .collect();
            p.report.insert("unify_renumbered_components", Changes { places });
        }
    }
    let docs: Vec<(&str, &serde_json::Value)> = prepared.iter().map(|p| (p.name.as_str(), &p.doc)).collect();
    let plan = if prepared.len() > 1 {
        share::plan(&docs)
    } else {
        share::SharePlan::default()
    };

    // The APIs need two things of `common`: the impls of its types and the graph of their
    // definitions. The `common` job hands them over as soon as progenitor has run, and then
    // formats the module (the passes and prettyplease, its longer part) beside the APIs.
    let common_facts = parallel::Handoff::<Option<std::sync::Arc<CommonFacts>>>::new();
    let jobs = std::iter::once(Job::Common)
        .chain(prepared.into_iter().map(Job::Api))
        .collect();
    let mut done = parallel::in_parallel(jobs, Job::weight, |job| match job {
        Job::Common => {
            let _unblock = parallel::PutOnDrop(&common_facts);
            generate_common(&plan, |facts| common_facts.put(Some(std::sync::Arc::new(facts))))
                .map(|(code, dispatched)| Done::Common(code, Box::new(dispatched)))
        }
        Job::Api(p) => {
            let Some(facts) = common_facts.wait() else {
                return Err(Error::Progenitor {
                    document: p.name,
                    reason: "the common module, which it uses, failed".into(),
                });
            };
            generate_api(p, &plan, &facts, options).map(Done::Api)
        }
    })
    .into_iter()
    .collect::<Result<Vec<_>, _>>()?
    .into_iter()
    .peekable();
    let (common, common_dispatched) = match done.next_if(|d| matches!(d, Done::Common(..))) {
        Some(Done::Common(code, dispatched)) => (code, *dispatched),
        _ => (String::new(), Dispatched::default()),
    };
    let apis = done
        .filter_map(|d| match d {
            Done::Api(api) => Some(api),
            Done::Common(..) => None,
        })
        .collect();
    Ok(GeneratedSet {
        common,
        common_types: plan.common.len(),
        common_report: {
            let mut report = Report::default();
            common_dispatched.record(&mut report);
            report
        },
        apis,
    })
}

/// How long a document takes to generate, roughly: its schemas and paths.
fn weight(doc: &serde_json::Value) -> usize {
    let len = |ptr| {
        doc.pointer(ptr)
            .and_then(serde_json::Value::as_object)
            .map_or(0, |m| m.len())
    };
    len("/components/schemas") + len("/paths")
}

/// What [`generate_all_parsed`] runs on every core: the `common` module or one API.
enum Job {
    Common,
    Api(Prepared),
}

impl Job {
    /// `common` first: every API waits for what it hands over.
    fn weight(&self) -> usize {
        match self {
            Job::Common => usize::MAX,
            Job::Api(p) => weight(&p.doc),
        }
    }
}

enum Done {
    Common(String, Box<Dispatched>),
    Api((String, Generated)),
}

/// What the APIs' generators need of the `common` module.
struct CommonFacts {
    /// The impls each shared type has, which an API's generator must be told of.
    impls: Impls,
    /// For each shared type, the shared types its definition names.
    graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

type Impls = std::collections::BTreeMap<String, Vec<progenitor::TypeImpl>>;

/// One API's client, from its prepared document and what the documents share.
fn generate_api(
    p: Prepared,
    plan: &share::SharePlan,
    common: &CommonFacts,
    options: &Options,
) -> Result<(String, Generated), Error> {
    let shared = plan.shared_by.get(&p.name).cloned().unwrap_or_default();
    let mut settings = base_settings();
    for name in &shared {
        let rust = sanitize_type_name(name);
        let path = format!("{}::{rust}", options.common_path);
        settings.with_replacement(
            &rust,
            path,
            common.impls.get(&rust).cloned().unwrap_or_default().into_iter(),
        );
    }
    transform::audit_type_names(&p.doc).map_err(|reason| Error::TypeNames {
        document: p.name.clone(),
        reason,
    })?;
    let spec = to_openapi(&p.name, &p.doc)?;
    let tokens = run_progenitor(&p.name, &settings, &spec)?.0;
    let shared_rust: std::collections::BTreeMap<String, String> = shared
        .iter()
        .map(|n| (n.clone(), format!("{}::{}", options.common_path, sanitize_type_name(n))))
        .collect();
    let extra = multipart::items(&p.doc, &p.multipart, &shared_rust).map_err(|reason| Error::Progenitor {
        document: p.name.clone(),
        reason,
    })?;
    let mut unions = unions::plan(&p.doc);
    // Shared unions are generated (and reported) in the common module.
    let is_shared = |ptr: &str| shared.contains(&walk::unescape(ptr.rsplit('/').next().unwrap_or_default()));
    unions.ambiguous.retain(|(ptr, _)| !is_shared(ptr));
    unions.unions.retain(|_, union| !is_shared(&union.pointer));
    let common_used: Vec<String> = share::reachable(&common.graph, shared.iter().map(|n| sanitize_type_name(n)))
        .into_iter()
        .collect();
    let reexports: Vec<String> = common_used
        .iter()
        .map(|name| format!("{}::{name}", options.common_path))
        .collect();
    let (code, opened, dispatched) = format_tokens(
        &p.name,
        parse_tokens(&p.name, quote::quote! { #tokens #extra })?,
        &p.runtime_operations,
        &paging::plan(&p.doc),
        &bodyless::plan(&p.doc),
        &unions,
        &deprecations::plan(&p.doc),
        &reexports,
        &p.renamed,
    )?;
    let mut report = p.report;
    dispatched.record(&mut report);
    let generated = Generated {
        code,
        report,
        operations: p.operations,
        components: p
            .doc
            .pointer("/components/schemas")
            .and_then(serde_json::Value::as_object)
            .map_or(0, |m| m.len()),
        shared: shared.len(),
        open_enums: opened.len(),
        common_used,
    };
    Ok((p.name, generated))
}

/// The `common` module, generated from a document holding only the shared types; what the
/// APIs need of it is handed to `hand_over` before it is formatted.
fn generate_common(
    plan: &share::SharePlan,
    hand_over: impl FnOnce(CommonFacts),
) -> Result<(String, Dispatched), Error> {
    if plan.common.is_empty() {
        hand_over(CommonFacts {
            impls: Impls::new(),
            graph: Default::default(),
        });
        return Ok((String::new(), Dispatched::default()));
    }
    let doc = serde_json::json!({
        "openapi": "3.0.3",
        "info": {"title": "Types shared by the Spotnana APIs", "version": "v2"},
        "paths": {},
        "components": {"schemas": plan.common},
    });
    transform::audit_type_names(&doc).map_err(|reason| Error::TypeNames {
        document: "common".into(),
        reason,
    })?;
    let spec = to_openapi("common", &doc)?;
    let (_, generator) = run_progenitor("common", &base_settings(), &spec)?;
    let space = generator.get_type_space();
    let mut impls = Impls::new();
    for ty in space.iter_types() {
        let list = [
            progenitor::TypeImpl::Default,
            progenitor::TypeImpl::Display,
            progenitor::TypeImpl::FromStr,
        ]
        .into_iter()
        .filter(|i| ty.has_impl(*i))
        .collect();
        impls.insert(ty.name(), list);
    }
    let file = parse_tokens("common", space.to_stream())?;
    // The passes change attributes, fields of serde_json types and impls, never which
    // shared types a definition names: the graph of progenitor's output is the module's.
    hand_over(CommonFacts {
        impls,
        graph: share::common_type_graph(&file),
    });
    let (code, _, dispatched) = format_tokens(
        "common",
        file,
        &[],
        &Default::default(),
        &Default::default(),
        &unions::plan(&doc),
        &deprecations::plan(&doc),
        &[],
        &Default::default(),
    )?;
    Ok((code, dispatched))
}

fn parse_tokens(document: &str, tokens: proc_macro2::TokenStream) -> Result<syn::File, Error> {
    syn::parse2(tokens).map_err(|e| Error::Syntax {
        document: document.into(),
        reason: e.to_string(),
    })
}

fn base_settings() -> progenitor::GenerationSettings {
    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        // Each client carries the hand-written runtime (auth, retries, logging), and the crate
        // must implement the hooks for it: `Expected` makes a forgotten API a compile error
        // instead of a client that silently sends unauthenticated, unlogged requests.
        .with_inner_type(quote::quote!(crate::runtime::Runtime))
        .with_hooks(progenitor::HooksMode::Expected);
    settings
}

fn to_openapi(document: &str, doc: &serde_json::Value) -> Result<openapiv3::OpenAPI, Error> {
    // Deserialize from the borrowed value: no copy of a document that can be megabytes.
    <openapiv3::OpenAPI as serde::Deserialize>::deserialize(doc).map_err(|e| Error::Invalid {
        document: document.into(),
        reason: e.to_string(),
    })
}

fn run_progenitor(
    document: &str,
    settings: &progenitor::GenerationSettings,
    spec: &openapiv3::OpenAPI,
) -> Result<(proc_macro2::TokenStream, progenitor::Generator), Error> {
    let mut generator = progenitor::Generator::new(settings);
    // progenitor reports some unsupported shapes by panicking; turn that into an error
    // that names the document instead of aborting the build script with a bare backtrace.
    let tokens = catch_unwind(AssertUnwindSafe(|| generator.generate_tokens(spec)))
        .map_err(|panic| Error::Progenitor {
            document: document.into(),
            reason: panic_message(&panic),
        })?
        .map_err(|e| Error::Progenitor {
            document: document.into(),
            reason: e.to_string(),
        })?;
    Ok((tokens, generator))
}

/// What the passes over generated code ([`unions::dispatch_unions`],
/// [`deprecations::mark_deprecated`]) did to one generated module.
#[derive(Debug, Clone, Default)]
pub struct Dispatched {
    /// (Rust type, JSON pointer) of each union now deserialized by its data.
    pub unions: Vec<(String, String)>,
    /// (JSON pointer or Rust type, why) of each union serde still reads by first match.
    pub untagged: Vec<(String, String)>,
    /// `Type.property` of each union member whose `new` sets its tag (see
    /// [`unions::fill_tags_in_constructors`]).
    pub tags_filled: Vec<String>,
    /// JSON pointers of the deprecations now `#[deprecated]` (see [`deprecations`]).
    pub deprecated: Vec<String>,
    /// Structs made `#[non_exhaustive]` with a `new` (see [`additive`]).
    pub non_exhaustive: Vec<String>,
    /// Structs (and struct-like variants) that keep unknown properties (see [`lossless`]).
    pub lossless: Vec<lossless::Kept>,
    /// Body-less statuses given back to their method: (method, status) (see [`bodyless`]).
    pub bodyless: Vec<(String, u16)>,
    /// Methods run as calls of the runtime: (method, retry classification) (see [`calls`]).
    pub calls: Vec<(String, String)>,
    /// Methods whose optional parameters moved into a struct: (method, how many) (see
    /// [`params`]).
    pub named: Vec<(String, usize)>,
    /// Paged operations given an `_items` stream (see [`paging`]).
    pub streamed: Vec<String>,
    /// Operations with an offset window that are not paged, and why (see [`paging`]).
    pub not_paged: Vec<(String, String)>,
    /// Response decodes moved to the runtime's own stack (see [`deep_decode`]).
    pub decoded: usize,
    /// Structs and string enums read without serde's derive (see [`compact_serde`]).
    pub compacted: compact_serde::Compacted,
    /// Constrained string newtypes read as sent (see [`lenient`]).
    pub unchecked: Vec<String>,
    /// String enums opened to unknown values (see [`open_enums`]).
    pub opened: Vec<String>,
}

impl Dispatched {
    fn record(&self, report: &mut Report) {
        let dispatched = self
            .unions
            .iter()
            .map(|(ty, ptr)| (ptr.clone(), format!("{ty}: dispatch by data")))
            .collect();
        report.insert("dispatch_unions", Changes { places: dispatched });
        let left = self
            .untagged
            .iter()
            .map(|(ptr, why)| (ptr.clone(), why.clone()))
            .collect();
        report.insert("untagged_unions_left", Changes { places: left });
        report.insert(
            "fill_tags_in_constructors",
            Changes {
                places: self
                    .tags_filled
                    .iter()
                    .map(|place| (format!("types::{place}"), "set by `new` from the mapping".to_string()))
                    .collect(),
            },
        );
        let marked = self
            .deprecated
            .iter()
            .map(|ptr| (ptr.clone(), "#[deprecated]".to_string()))
            .collect();
        report.insert("mark_deprecated", Changes { places: marked });
        report.insert(
            "non_exhaustive_structs",
            types(&self.non_exhaustive, "non_exhaustive, new"),
        );
        let kept = self
            .lossless
            .iter()
            .map(|k| {
                let opened = if k.opened { " (deny_unknown_fields removed)" } else { "" };
                (
                    format!("types::{}", k.ty),
                    format!("unknown properties kept in `{}`{opened}", k.field),
                )
            })
            .collect();
        report.insert("keep_unknown_properties", Changes { places: kept });
        let answered = self
            .bodyless
            .iter()
            .map(|(method, status)| (format!("Client::{method}"), format!("{status}: answered as None")))
            .collect();
        report.insert("answer_bodyless_statuses", Changes { places: answered });
        let calls = self
            .calls
            .iter()
            .map(|(method, safety)| (format!("Client::{method}"), safety.clone()))
            .collect();
        report.insert("run_methods_as_calls", Changes { places: calls });
        let named = self
            .named
            .iter()
            .map(|(method, n)| {
                (
                    format!("Client::{method}"),
                    format!("{n} optional parameters by name in `{method}_with`"),
                )
            })
            .collect();
        report.insert("gather_optional_parameters", Changes { places: named });
        let streamed = self
            .streamed
            .iter()
            .map(|method| {
                (
                    format!("Client::{method}"),
                    format!("`{method}_items` streams every page"),
                )
            })
            .collect();
        report.insert("page_paged_operations", Changes { places: streamed });
        report.insert(
            "paged_operations_left",
            Changes {
                places: self.not_paged.clone(),
            },
        );
        let decoded = (self.decoded > 0)
            .then(|| {
                (
                    "Client".to_string(),
                    format!("{} response decodes on their own stack", self.decoded),
                )
            })
            .into_iter()
            .collect();
        report.insert("decode_on_own_stack", Changes { places: decoded });
        let compacted = &self.compacted;
        let mut read = types(&compacted.structs, "read by property name");
        read.places
            .extend(types(&compacted.enums, "read through FromStr").places);
        report.insert("compact_serde", read);
        report.insert(
            "read_constrained_strings_unchecked",
            types(&self.unchecked, "read as sent; checked when built"),
        );
        report.insert("open_string_enums", types(&self.opened, "catch-all variant"));
        let derived = compacted
            .derived
            .iter()
            .filter(|(_, why)| !why.contains("container serde attributes"))
            .map(|(ty, why)| (format!("types::{ty}"), why.clone()))
            .collect();
        report.insert("serde_derive_left", Changes { places: derived });
    }
}

/// The places `types::<name>` of generated types, each with the same note.
fn types(names: &[String], note: &str) -> Changes {
    Changes {
        places: names
            .iter()
            .map(|name| (format!("types::{name}"), note.to_string()))
            .collect(),
    }
}

/// Parses the generated tokens, applies the passes over generated code
/// ([`open_enums::open_string_enums`], [`additive::non_exhaustive_structs`],
/// [`unions::dispatch_unions`], [`deprecations::mark_deprecated`]) and formats. Returns the
/// code, the enums opened and what the other passes did.
#[allow(clippy::too_many_arguments)]
fn format_tokens(
    document: &str,
    mut file: syn::File,
    operations: &[runtime_tables::Operation],
    paging: &paging::PagingPlan,
    bodyless: &bodyless::BodylessPlan,
    unions: &unions::UnionPlan,
    deprecated: &deprecations::DeprecationPlan,
    reexports: &[String],
    renamed: &std::collections::BTreeMap<String, String>,
) -> Result<(String, Vec<String>, Dispatched), Error> {
    share::reexport_in_types(&mut file, reexports)
        .and_then(|()| share::alias_renamed_in_types(&mut file, renamed))
        .map_err(|reason| Error::Syntax {
            document: document.into(),
            reason,
        })?;
    let (answered, unanswered) = bodyless::answer_bodyless_statuses(&mut file, bodyless);
    if let Some((method, why)) = unanswered.first() {
        return Err(Error::Pass {
            document: document.into(),
            reason: format!("{method}: body-less statuses not answered: {why}"),
        });
    }
    let decoded = deep_decode::decode_on_own_stack(&mut file);
    // After the passes that rewrite method signatures and bodies.
    let by_method = operations.iter().map(|op| (op.rust_name.clone(), op)).collect();
    let calls = calls::run_methods_as_calls(&mut file, document, &by_method).map_err(|reason| Error::Pass {
        document: document.into(),
        reason,
    })?;
    // After `calls`: the short methods it adds return what the wrapped ones return.
    let named = params::gather_optional_parameters(&mut file).map_err(|reason| Error::Pass {
        document: document.into(),
        reason,
    })?;
    // After `params`: a paged operation's stream takes its parameters struct.
    let streamed = paging::page_paged_operations(&mut file, paging).map_err(|reason| Error::Pass {
        document: document.into(),
        reason,
    })?;
    let opened = open_enums::open_string_enums(&mut file);
    // Before `additive`: `new` starts the added field empty.
    let kept = lossless::keep_unknown_properties(&mut file).map_err(|reason| Error::Pass {
        document: document.into(),
        reason,
    })?;
    let constructed = additive::non_exhaustive_structs(&mut file);
    let (dispatched, mut untagged) = unions::dispatch_unions(&mut file, unions);
    // After `additive`, which writes the `new` it changes.
    let tags_filled = unions::fill_tags_in_constructors(&mut file, unions, &dispatched);
    // After the passes that add items: it allows `deprecated` on every item.
    let marked = deprecations::mark_deprecated(&mut file, deprecated);
    let unchecked = lenient::read_constrained_strings_unchecked(&mut file);
    hidden::hide_default_functions(&mut file);
    // After every pass that reads or adds serde attributes.
    let compacted = compact_serde::compact_serde(&mut file, &opened);
    untagged.extend(unions.ambiguous.iter().cloned());
    // Every other enum serde still reads by first match (inline `oneOf`, `anyOf`, …).
    let listed: Vec<String> = untagged
        .iter()
        .filter_map(|(ptr, _)| ptr.strip_prefix("/components/schemas/"))
        .map(|name| sanitize_type_name(&walk::unescape(name)))
        .collect();
    for name in unions::untagged_enums_left(&file) {
        if !listed.contains(&name) {
            untagged.push((
                format!("types::{name}"),
                "untagged enum (an inline or anyOf union): serde's first match decides".into(),
            ));
        }
    }
    let dispatched = Dispatched {
        unions: dispatched,
        untagged,
        tags_filled,
        deprecated: marked,
        non_exhaustive: constructed,
        lossless: kept,
        bodyless: answered,
        calls,
        named,
        streamed,
        not_paged: paging.not_paged.clone(),
        decoded,
        compacted,
        unchecked,
        opened: opened.clone(),
    };
    Ok((prettyplease::unparse(&file), opened, dispatched))
}

/// Generated code with its whitespace runs made single spaces, for tests to search.
#[cfg(test)]
fn squash(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The methods of every inherent `impl Client` block of a generated file.
fn client_methods_mut(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ImplItemFn> {
    file.items
        .iter_mut()
        .filter_map(|item| match item {
            syn::Item::Impl(imp)
                if imp.trait_.is_none() && matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) =>
            {
                Some(imp.items.iter_mut())
            }
            _ => None,
        })
        .flatten()
        .filter_map(|member| match member {
            syn::ImplItem::Fn(f) => Some(f),
            _ => None,
        })
}

/// The Rust type name typify gives a schema named `name` (a component, or the name an
/// inline schema is hoisted under).
///
/// typify's rule (case, leading digits, keywords, characters no identifier holds) is private
/// to it, so typify is asked: a one-value enum is added under `name` and the name it got is
/// read back. A re-implementation would drift from typify's, and the passes that find a type
/// by its name would then skip it without a word. Answers are kept per thread: the same
/// names are asked for thousands of times per generation.
pub fn sanitize_type_name(name: &str) -> String {
    thread_local! {
        static NAMES: std::cell::RefCell<std::collections::HashMap<String, String>> = Default::default();
    }
    if let Some(known) = NAMES.with(|names| names.borrow().get(name).cloned()) {
        return known;
    }
    let mut space = typify::TypeSpace::new(&typify::TypeSpaceSettings::default());
    let schema = schemars::schema::Schema::Object(schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        enum_values: Some(vec![serde_json::Value::from("a")]),
        ..Default::default()
    });
    let named = space
        .add_ref_types([(name, schema)])
        .ok()
        .and_then(|()| space.iter_types().next().map(|ty| ty.name()));
    // typify names every one-value enum it accepts; the name as given is the fallback for
    // one it would not, which the type-name audit then reports.
    let rust = named.unwrap_or_else(|| name.to_string());
    NAMES.with(|names| names.borrow_mut().insert(name.to_string(), rust.clone()));
    rust
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}

/// The operations of a document: (method, path, operationId).
pub fn operations(doc: &serde_json::Value) -> Vec<(String, String, Option<String>)> {
    let mut out = Vec::new();
    if let Some(paths) = doc.get("paths").and_then(|p| p.as_object()) {
        for (path, item) in paths {
            for method in walk::METHODS {
                if let Some(op) = item.get(method) {
                    let id = op.get("operationId").and_then(|v| v.as_str()).map(str::to_string);
                    out.push((method.to_string(), path.clone(), id));
                }
            }
        }
    }
    out
}

fn count_operations(doc: &serde_json::Value) -> usize {
    operations(doc).len()
}

/// The Rust method name progenitor gives an operationId.
pub fn method_name(operation_id: &str) -> String {
    heck::ToSnakeCase::to_snake_case(operation_id)
}

#[cfg(test)]
mod naming_tests {
    #[test]
    fn type_names_are_typify_s() {
        for (name, rust) in [
            ("HotelSearchParams_search_by", "HotelSearchParamsSearchBy"),
            ("money", "Money"),
            ("1stClass", "X1stClass"),
            ("type", "Type"),
            ("Self", "Self_"),
            ("a.b c", "ABC"),
            ("PNR", "Pnr"),
        ] {
            assert_eq!(super::sanitize_type_name(name), rust, "{name}");
        }
    }
}
