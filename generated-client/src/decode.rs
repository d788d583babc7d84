//! Response bodies decoded on a stack of their own.
//!
//! Every generated struct reads its JSON object into a map and each nested object from there
//! ([`crate::json`], which keeps the properties it has no field for), one level at a time: a
//! deeply nested response (a trip's PNR) takes more stack than the 2 MiB of a spawned thread
//! or a test in a debug build. The generated methods therefore decode through
//! [`from_response`], which runs `serde_json` on a fresh stack ([`DECODE_STACK`], mapped for
//! the decode and unmapped after it; the kernel backs only the pages touched) with `stacker`,
//! the crate rustc grows its own stack with. serde_json's recursion limit (128 levels) bounds
//! what one decode can need. Under strict overcommit (`vm.overcommit_memory = 2`) each decode
//! in flight counts the whole mapping against the commit limit.

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// The stack a response is decoded on: enough for serde_json's 128 levels of nesting, each
/// read into a map and then into its type, in a debug build.
pub const DECODE_STACK: usize = 256 << 20;

/// `ResponseValue::from_response`, decoding on its own stack.
pub async fn from_response<T: DeserializeOwned, E>(response: reqwest::Response) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = response.headers().clone();
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner = from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}

/// `serde_json::from_slice` on its own stack: for JSON Spotnana sends outside a call (a
/// webhook's payload), read into the generated types.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> serde_json::Result<T> {
    stacker::grow(DECODE_STACK, || serde_json::from_slice(bytes))
}
