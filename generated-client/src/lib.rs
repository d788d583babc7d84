//! Typed client for the Spotnana travel platform APIs.
//!
//! One module and one cargo feature per API of `spec/apis.toml` (`all-apis`, the default,
//! enables them all), generated at build time from the OpenAPI documents pinned in
//! `spec/lock.toml`. [`Spotnana`] hands out the per-API clients over one shared HTTP client
//! and base URL.
//!
#![doc = include_str!(concat!(env!("OUT_DIR"), "/apis.md"))]
//!
//! Every operation is a method named after its `operationId` (`fetchOauth2Token` →
//! `fetch_oauth2_token`), returning `Result<ResponseValue<T>, `[`Error`]`>`: the one error type
//! of this crate, whose `Display` and `Debug` show no URL, header, token or personal value.
//!
//! Components that several enabled APIs define identically are generated once in
//! [`common`] and used by every API module, so a value read from one API can be passed to
//! another unchanged.
//!
//! # Compatibility with Spotnana's releases
//!
//! Spotnana ships new response fields and new enum values without notice, and its update
//! operations take the complete object (read, change a field, send it back). This client
//! keeps both, so an update never erases what it did not know:
//! - every generated struct keeps the properties it has no field for in
//!   `unknown_properties` ([`UnknownProperties`]) and writes them back, at every nesting
//!   level; responses are decoded on a stack of their own ([`decode`]), since nested objects
//!   are read level by level;
//! - every string enum has a last variant, `Unrecognized(String)`, that keeps a value this
//!   version does not know and sends it back unchanged; enums are `#[non_exhaustive]`, so a
//!   value added in a later release does not break a `match` written against this one.
//!
//! Structs are `#[non_exhaustive]` with `new(required…)`: a new optional property does not
//! break callers' builds; a new *required* one changes `new`, as it changes the wire.
//!
//! A status the document lists without a body beside ones with a body is answered as
//! documented: a body-less success makes the method return `ResponseValue<Option<T>>`
//! (`None` for it), a body-less error is `Error::ErrorResponse` with `None`.
//!
//! # Runtime
//!
//! Hand-written around the generated code (which is never edited), in small modules:
//!
//! | module | what |
//! |---|---|
//! | [`config`] | [`Spotnana::from_env`], [`Spotnana::builder`]: server, credentials, timeouts |
//! | `token` | OAuth2 client credentials, cached, refreshed before expiry, one fetch for many callers |
//! | [`retry`] | [`RetryPolicy`], [`RetrySafety`]: what may be sent again, backoff with jitter, `Retry-After` |
//! | `send` | the one attempt loop (API calls and the token request): send, log, retry, within the call's budget |
//! | `options` | [`CallOptions`]: timeout, deadline, retry policy and safety, extra headers of some calls |
//! | [`paging`] | [`Paged`]: the items of a paged operation, page by page |
//! | [`logging`] | one `tracing` event per attempt; the `x-pii` table and redaction |
//! | [`error`] | [`Error`], the one error type every method returns; [`TokenError`] |
//! | [`runtime`] | [`Runtime`]: runs each generated method as one call, and progenitor's hooks |
//! | [`webhook`] | [`WebhookVerifier`]: signature, timestamp and JSON checks of deliveries |
//! | [`secret`] | [`Secret`]: a string `Debug`/`Display` never show |
//! | `multipart` | [`FilePart`] and the part encoding of the generated multipart forms |
//!
//! ## Configure
//!
//! ```no_run
//! # async fn demo() -> Result<(), spotnana::Error> {
//! // SPOTNANA_CLIENT_ID, SPOTNANA_CLIENT_SECRET, SPOTNANA_ENV=sandbox|production|<base URL>
//! let spotnana = spotnana::Spotnana::from_env()?;
//! // or explicitly:
//! let spotnana = spotnana::Spotnana::builder()
//!     .sandbox()
//!     .credentials("client-id", "client-secret")
//!     .retry(spotnana::RetryPolicy { max_attempts: 3, ..Default::default() })
//!     .request_timeout(Some(std::time::Duration::from_secs(20)))
//!     .build()?;
//! # let _ = spotnana; Ok(()) }
//! ```
//!
//! Every request carries `User-Agent: spotnana-rust/<version>` and, when credentials are
//! set, `Authorization: Bearer <token>` (not on the token endpoint itself). The token is
//! fetched on first use, shared by all clones and API clients, and replaced
//! [`refresh_margin`](SpotnanaBuilder::refresh_margin) before it expires; a 401 triggers one
//! replacement and one retry, a second 401 is [`Error::Authentication`]. Inside the refresh
//! margin other callers keep the still-valid token while one refreshes it, and a failed
//! refresh falls back to it. Failed token fetches and 401s are logged and counted:
//! [`Metrics::auth_failures`] via [`Spotnana::metrics`]. The token request follows no
//! redirect; [`Spotnana::rotate_client_secret`] replaces the secret without a rebuild.
//!
//! ## Call
//!
//! The generated methods return `Result<ResponseValue<T>, `[`Error`]`>`. [`Error`] types
//! Spotnana's error body ([`ApiErrorBody`]: `debugIdentifier`, `errorMessages`), says
//! whether the document lists the status, and [`Error::is_retryable`]. A token failure is
//! [`Error::Token`] ([`TokenError`]: status, body, `debugIdentifier`, transient or not).
//!
//! Required and path parameters and the body are positional; optional query and header
//! parameters are set by name: `<method>()` sends none, `<method>_with(…, <Method>Params)`
//! those set on the `#[non_exhaustive]` parameters struct, so a parameter Spotnana adds
//! breaks no caller. A paged list has `<method>_items(…)`, a lazy [`Paged`] stream of every
//! item (see [`paging`]; the table above counts them per API).
//!
//! [`Spotnana::with_options`] gives a handle whose calls apply [`CallOptions`]: a timeout, a
//! deadline, a retry policy ([`RetryPolicy::none`] for none), the retry safety, extra headers
//! (a correlation id).
//!
//! ## Upload
//!
//! A `multipart/form-data` operation takes a generated form (`<OperationId>Form`, next to the
//! client): one field per part, the required parts in `new`, the optional ones through
//! `with_<part>` setters. Files are [`FilePart`]s; JSON parts are the generated types; each
//! part carries the content type the document gives it.
//!
//! ```no_run
//! # #[cfg(feature = "document")]
//! # async fn demo(
//! #     spotnana: spotnana::Spotnana,
//! #     metadata: spotnana::document::types::DocumentMetadata,
//! # ) -> Result<(), spotnana::Error> {
//! use spotnana::{FilePart, document::UploadDocumentForm};
//! let pdf = FilePart::new(b"%PDF-1.4 ...".to_vec()).file_name("boarding-pass.pdf");
//! let form = UploadDocumentForm::new(pdf).with_document_metadata(metadata);
//! let uploaded = spotnana.document().upload_document(form).await?.into_inner();
//! # let _ = uploaded; Ok(()) }
//! ```
//!
//! ## Retries
//!
//! A failure known not to have been processed is retried for every operation: a connection
//! that could not be made, 408, 429 (after `Retry-After` when given). A failure whose outcome
//! is unknown (a timeout, a broken exchange, 502, 503, 504) is retried only for operations
//! safe to send twice ([`RetrySafety`]): each method's docs say which, decided when the
//! client is generated (reads, including searches and lists sent as POST, are safe;
//! creates, bookings, cancellations and payments are not: their timeout is
//! [`Error::OutcomeUnknown`], and a 502, 503 or 504 to them says [`Error::outcome_unknown`]).
//! [`RetryPolicy::with_safety`] and
//! [`CallOptions::retry_safety`] override. Exponential backoff with jitter, up to
//! [`RetryPolicy::max_attempts`], within the per-call deadline, which covers the token step.
//!
//! ## Logging
//!
//! Each attempt is one `tracing` event at `info` (target `spotnana`) with method, path
//! *template*, operationId, status, latency in ms, attempt number and Spotnana's
//! `debugIdentifier`. Never logged: `Authorization`, secrets, tokens, bodies, query strings,
//! concrete paths. Error excerpts of response bodies replace the values of every property
//! the documents mark `x-pii` (see [`logging::pii_names`]).
//!
//! ## Webhooks
//!
//! [`WebhookVerifier::verify`] checks a delivery's headers (`x-spotnana-webhook-id`,
//! `-timestamp`, `-signature`) and raw body against the endpoint's `whsec_` secret: HMAC-SHA256
//! over `{id}.{timestamp}.{body}`, any of several rotated signatures, timestamp within 5
//! minutes both ways, an id already verified refused as a replay ([`ReplayGuard`]); each
//! failure is its own [`WebhookError`] variant.

#![cfg_attr(docsrs, feature(doc_cfg))]
// With no API feature on, the runtime's hooks have no generated client to serve (the build
// script sets the cfg).
#![cfg_attr(spotnana_no_api, allow(dead_code, unused_macros, unused_imports))]

pub mod config;
pub mod decode;
mod entry;
pub mod error;
mod json;
pub mod logging;
mod multipart;
mod options;
pub mod paging;
pub mod retry;
pub mod runtime;
pub mod secret;
mod send;
mod token;
mod unknown;
pub mod webhook;

pub use config::{ConfigError, PRODUCTION_URL, SANDBOX_URL, SpotnanaBuilder, USER_AGENT};
pub use entry::{Spotnana, install_tls_provider};
pub use error::{ApiErrorBody, ApiErrorMessage, Error, TokenError};
pub use multipart::FilePart;
pub use options::CallOptions;
pub use paging::Paged;
pub use retry::{RetryPolicy, RetrySafety};
pub use runtime::{Metrics, Runtime};
pub use secret::Secret;
pub use unknown::UnknownProperties;
pub use webhook::{InMemoryReplayGuard, ReplayGuard, WebhookDelivery, WebhookError, WebhookVerifier};

include!(concat!(env!("OUT_DIR"), "/apis.rs"));
