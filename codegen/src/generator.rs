//! Running progenitor (with typify) on the prepared documents: each API's module, and the
//! `common` module of the types several documents share, each then through the passes
//! ([`crate::passes::apply`]).

use crate::emit::{multipart, runtime_tables};
use crate::passes::{self, Dispatched, bodyless, deprecations, paging, unions};
use crate::{Changes, Error, Generated, Options, Report, sanitize_type_name, share, transform, walk};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// A document after parsing and the fix-ups, ready for progenitor.
pub(crate) struct Prepared {
    pub(crate) name: String,
    pub(crate) doc: serde_json::Value,
    pub(crate) report: Report,
    operations: usize,
    multipart: Vec<transform::MultipartOperation>,
    /// The operations as the runtime sees them, read before the fix-ups (which move the
    /// multipart ones out of `paths`).
    runtime_operations: Vec<runtime_tables::OperationRow>,
    /// Components renamed by [`share::unify_renumbered_components`] (from → to).
    pub(crate) renamed: std::collections::BTreeMap<String, String>,
}

pub(crate) fn prepare(document: &str, mut doc: serde_json::Value) -> Result<Prepared, Error> {
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

fn count_operations(doc: &serde_json::Value) -> usize {
    crate::operations(doc).len()
}

/// How long a document takes to generate, roughly: its schemas and paths.
pub(crate) fn weight(doc: &serde_json::Value) -> usize {
    let len = |ptr| {
        doc.pointer(ptr)
            .and_then(serde_json::Value::as_object)
            .map_or(0, |m| m.len())
    };
    len("/components/schemas") + len("/paths")
}

/// What [`generate_all_parsed`] runs on every core: the `common` module or one API.
pub(crate) enum Job {
    Common,
    Api(Prepared),
}

impl Job {
    /// `common` first: every API waits for what it hands over.
    pub(crate) fn weight(&self) -> usize {
        match self {
            Job::Common => usize::MAX,
            Job::Api(p) => weight(&p.doc),
        }
    }
}

pub(crate) enum Done {
    Common(String, Box<Dispatched>),
    Api((String, Generated)),
}

/// What the APIs' generators need of the `common` module.
pub(crate) struct CommonFacts {
    /// The impls each shared type has, which an API's generator must be told of.
    impls: Impls,
    /// For each shared type, the shared types its definition names.
    graph: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
}

pub(crate) type Impls = std::collections::BTreeMap<String, Vec<progenitor::TypeImpl>>;

/// One API's client, from its prepared document and what the documents share.
pub(crate) fn generate_api(
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
    let (code, opened, dispatched) = passes::apply(
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
pub(crate) fn generate_common(
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
    let (code, _, dispatched) = passes::apply(
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

pub(crate) fn to_openapi(document: &str, doc: &serde_json::Value) -> Result<openapiv3::OpenAPI, Error> {
    // Deserialize from the borrowed value: no copy of a document that can be megabytes.
    <openapiv3::OpenAPI as serde::Deserialize>::deserialize(doc).map_err(|e| Error::Invalid {
        document: document.into(),
        reason: e.to_string(),
    })
}

pub(crate) fn run_progenitor(
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

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "panic".into())
}
