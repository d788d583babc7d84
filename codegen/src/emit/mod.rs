//! Code progenitor does not write, generated beside its output: the typed multipart forms
//! and their methods, the runtime's tables of operations and `x-pii` names, and the crate's
//! `apis.rs` and table of APIs.

pub mod crate_files;
pub(crate) mod multipart;
pub mod runtime_tables;
