#![doc = include_str!("../README.md")]
//!
//! # The APIs
//!
#![doc = include_str!(concat!(env!("OUT_DIR"), "/apis.md"))]
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
