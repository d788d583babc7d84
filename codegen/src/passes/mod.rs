//! Rewrites of the items progenitor generated, each a named function over the parsed file;
//! [`apply`] runs them in their order and formats the result with prettyplease. What each
//! did goes into the document's [`Report`] ([`Dispatched::record`]).

pub(crate) mod bodyless;
mod calls;
pub(crate) mod compact_serde;
mod deep_decode;
pub(crate) mod deprecations;
pub mod feature_gates;
mod hidden;
mod lenient;
pub(crate) mod lossless;
mod non_exhaustive;
pub(crate) mod open_enums;
pub(crate) mod paging;
mod params;
pub(crate) mod serde_attrs;
pub(crate) mod unions;

use crate::emit::runtime_tables;
use crate::{Changes, Error, Report, sanitize_type_name, share, walk};

/// What the passes over generated code ([`unions::dispatch_unions`],
/// [`deprecations::mark_deprecated`]) did to one generated module.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dispatched {
    /// (Rust type, JSON pointer) of each union now deserialized by its data.
    pub unions: Vec<(String, String)>,
    /// (JSON pointer or Rust type, why) of each union serde still reads by first match.
    pub untagged: Vec<(String, String)>,
    /// `Type.property` of each union member whose `new` sets its tag (see
    /// [`unions::fill_tags_in_constructors`]).
    pub tags_filled: Vec<String>,
    /// JSON pointers of the deprecations now `#[deprecated]` (see [`deprecations`]).
    pub deprecated: Vec<String>,
    /// Structs made `#[non_exhaustive]` with a `new` (see [`non_exhaustive`]).
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
    pub(crate) fn record(&self, report: &mut Report) {
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
/// ([`open_enums::open_string_enums`], [`non_exhaustive::non_exhaustive_structs`],
/// [`unions::dispatch_unions`], [`deprecations::mark_deprecated`]) and formats. Returns the
/// code, the enums opened and what the other passes did.
#[allow(clippy::too_many_arguments)]
pub(crate) fn apply(
    document: &str,
    mut file: syn::File,
    operations: &[runtime_tables::OperationRow],
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
    // Before `non_exhaustive`: `new` starts the added field empty.
    let kept = lossless::keep_unknown_properties(&mut file).map_err(|reason| Error::Pass {
        document: document.into(),
        reason,
    })?;
    let constructed = non_exhaustive::non_exhaustive_structs(&mut file);
    let (dispatched, mut untagged) = unions::dispatch_unions(&mut file, unions);
    // After `non_exhaustive`, which writes the `new` it changes.
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
pub(crate) fn squash(code: &str) -> String {
    code.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The methods of every inherent `impl Client` block of a generated file.
pub(crate) fn client_methods_mut(file: &mut syn::File) -> impl Iterator<Item = &mut syn::ImplItemFn> {
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
