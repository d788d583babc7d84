//! Typed client for the Spotnana travel platform APIs.
//!
//! One module and one cargo feature per API (`air`, `auth`, `company`, `document`, `event`,
//! `payments`, `policy`, `trip`, `users`), generated at build time from the OpenAPI documents
//! pinned in `spec/lock.toml`. [`Spotnana`] hands out the per-API clients over one shared
//! HTTP client and base URL.
//!
//! Every operation is a method named after its `operationId` (`fetchOauth2Token` →
//! `fetch_oauth2_token`). Errors are `Error<types::ErrorResponse>`: Spotnana's documented
//! error body (`debugIdentifier`, `errorMessages`) comes back typed for 4xx/5xx statuses the
//! document lists; any other status is `Error::UnexpectedResponse` with the response.

#![cfg_attr(docsrs, feature(doc_cfg))]

mod entry;
pub use entry::{PRODUCTION_URL, SANDBOX_URL, Spotnana};

include!(concat!(env!("OUT_DIR"), "/apis.rs"));
