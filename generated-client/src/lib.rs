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
//!
//! Components that several enabled APIs define identically are generated once in
//! [`common`] and used by every API module, so a value read from one API can be passed to
//! another unchanged.
//!
//! # Compatibility with Spotnana's releases
//!
//! Spotnana ships new response fields and new enum values without notice. This client
//! accepts both:
//! - objects ignore fields they do not know (no type denies unknown fields);
//! - every string enum has a last variant, `Unrecognized(String)`, that keeps a value this
//!   version does not know and sends it back unchanged; enums are `#[non_exhaustive]`, so a
//!   value added in a later release does not break a `match` written against this one.
//!
//! Known gap: request structs are plain structs, so a new *required* request property is a
//! breaking change for code that builds them with struct literals (as it is on the wire).

#![cfg_attr(docsrs, feature(doc_cfg))]

mod entry;
pub use entry::{PRODUCTION_URL, SANDBOX_URL, Spotnana};

include!(concat!(env!("OUT_DIR"), "/apis.rs"));
