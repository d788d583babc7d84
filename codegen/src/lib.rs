//! Generates the typed Rust client of the Spotnana APIs from their published OpenAPI
//! documents, one module per API and a `common` module of what they share.
//!
//! ```text
//! bytes ─parse─▶ JSON ─transform─▶ OpenAPI 3.0 JSON   (per document, in parallel)
//!   ─share─▶ components several documents define identically, planned once
//!   ─generator─▶ progenitor tokens, per API and for `common` (+ emit: multipart forms)
//!   ─passes─▶ rewritten items ─prettyplease─▶ Rust source
//! ```
//!
//! Spotnana publishes OpenAPI 3.1; progenitor reads 3.0 and has shape limits. Each gap is
//! bridged by a named fix-up in `transform`, each rewrite of the generated items is a named
//! pass in `passes`, and both record every place they changed in the [`Report`]. The output
//! is deterministic: the same bytes give the same code. ARCHITECTURE.md at the repository's
//! root draws the whole pipeline.

mod emit;
mod generator;
pub mod ledger;
pub mod manifest;
mod naming;
mod operations;
mod parallel;
pub mod parse;
mod passes;
mod plain;
pub mod share;
pub mod spec_dir;
mod transform;
pub mod walk;

pub use emit::{crate_files, runtime_tables};
pub use naming::{method_name, sanitize_type_name};
pub use operations::{Operation, operations};
pub use passes::feature_gates;
pub use plain::plain_progenitor;
pub use transform::{Changes, Report};

use generator::{CommonFacts, Done, Job};
use passes::Dispatched;

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
    /// String enums opened to unknown values (the `open_enums` pass).
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
    let mut prepared = parallel::in_parallel(
        documents,
        |(_, doc)| generator::weight(doc),
        |(name, doc)| generator::prepare(&name, doc),
    )
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
            generator::generate_common(&plan, |facts| common_facts.put(Some(std::sync::Arc::new(facts))))
                .map(|(code, dispatched)| Done::Common(code, Box::new(dispatched)))
        }
        Job::Api(p) => {
            let Some(facts) = common_facts.wait() else {
                return Err(Error::Progenitor {
                    document: p.name,
                    reason: "the common module, which it uses, failed".into(),
                });
            };
            generator::generate_api(p, &plan, &facts, options).map(Done::Api)
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
