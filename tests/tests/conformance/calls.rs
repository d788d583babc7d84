//! Every generated method as a call over JSON arguments: the calls that the build script writes
//! (`conformance_calls.rs`, see tests/build.rs), and what they are built on.

use crate::judge::{Decoded, outcome};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;

pub(crate) type Args = Map<String, Value>;
type CallFuture<'a> = Pin<Box<dyn Future<Output = Result<Decoded, String>> + 'a>>;

/// One generated method: its parameter names, in order, and a caller over JSON arguments.
pub(crate) struct Call {
    pub(crate) module: &'static str,
    pub(crate) method: &'static str,
    pub(crate) params: &'static [&'static str],
    pub(crate) call: for<'a> fn(&'a spotnana::Spotnana, &'a Args) -> CallFuture<'a>,
}

type ItemsFuture<'a> = Pin<Box<dyn Future<Output = Result<Result<usize, spotnana::Error>, String>> + 'a>>;

/// The stream of a paged operation (`<method>_items`) over JSON arguments.
pub(crate) struct ItemsCall {
    pub(crate) module: &'static str,
    /// The operation's method.
    pub(crate) method: &'static str,
    pub(crate) call: for<'a> fn(&'a spotnana::Spotnana, &'a Args) -> ItemsFuture<'a>,
}

/// Items a stream is read for: enough to cross a page when Prism's pages are small, few
/// enough that a page repeated forever (Prism answers every offset alike) ends quickly.
pub(crate) const ITEMS_READ: usize = 3;

/// Reads up to [`ITEMS_READ`] items: how many there were, or the error that ended the
/// stream.
async fn read_items<T>(mut paged: spotnana::Paged<'_, T>) -> Result<usize, spotnana::Error> {
    let mut read = 0;
    while read < ITEMS_READ {
        match paged.next().await {
            Some(Ok(_)) => read += 1,
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    Ok(read)
}

fn arg<T: DeserializeOwned>(a: &Args, name: &str) -> Result<T, String> {
    let value = a.get(name).cloned().unwrap_or(Value::Null);
    serde_json::from_value(value).map_err(|e| format!("argument `{name}` does not deserialize into its type: {e}"))
}

/// The parts of a multipart form argument, `[{"name", "text" | "bytes", "content_type",
/// "file_name"}]`, keyed by the form's field name (the part name in snake case); the calls
/// build the typed form from them.
fn form(a: &Args, name: &str) -> Result<BTreeMap<String, Value>, String> {
    let parts = a
        .get(name)
        .and_then(Value::as_array)
        .ok_or_else(|| format!("no parts for `{name}`"))?;
    Ok(parts
        .iter()
        .map(|part| {
            let field = spotnana_codegen::method_name(part["name"].as_str().unwrap_or_default());
            (field, part.clone())
        })
        .collect())
}

include!(concat!(env!("OUT_DIR"), "/conformance_calls.rs"));
