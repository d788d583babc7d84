//! The one error type of this crate.

use crate::config::ConfigError;
use crate::logging;
use std::fmt;

/// Spotnana's error body (`ErrorResponse` in every document), parsed independently of which
/// API features are on. Only what helps a caller act on the error is kept: any other
/// property the body carries (it can echo personal data) is dropped.
#[derive(Clone, Debug, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorBody {
    /// Spotnana's id of this failure in their logs: quote it in a support request.
    #[serde(default)]
    pub debug_identifier: Option<String>,
    /// What went wrong, one entry per problem.
    #[serde(default)]
    pub error_messages: Vec<ApiErrorMessage>,
}

/// One entry of [`ApiErrorBody::error_messages`]. `Debug` shows the code and only the length
/// of `message` and `error_detail`: they can quote request data (personal data included).
#[derive(Clone, Default, PartialEq, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiErrorMessage {
    /// Machine-readable code (e.g. `INVALID_ARGUMENT`).
    #[serde(default)]
    pub error_code: Option<String>,
    /// Human-readable message.
    #[serde(default)]
    pub message: Option<String>,
    /// More details.
    #[serde(default)]
    pub error_detail: Option<String>,
}

impl fmt::Debug for ApiErrorMessage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |text: &Option<String>| text.as_ref().map(|t| format!("[redacted, {} bytes]", t.len()));
        f.debug_struct("ApiErrorMessage")
            .field("error_code", &self.error_code)
            .field("message", &redacted(&self.message))
            .field("error_detail", &redacted(&self.error_detail))
            .finish()
    }
}

impl ApiErrorBody {
    /// Parses a body that may or may not be Spotnana's error shape.
    pub fn from_slice(body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }

    fn from_typed<E: serde::Serialize>(value: &E) -> Option<Self> {
        serde_json::to_value(value)
            .ok()
            .and_then(|v| serde_json::from_value(v).ok())
    }

    /// The error codes, comma-separated (what the log and `Display` show: codes come from
    /// Spotnana's catalogue, unlike messages, which can quote request data).
    pub fn codes(&self) -> String {
        let codes: Vec<&str> = self
            .error_messages
            .iter()
            .filter_map(|m| m.error_code.as_deref())
            .collect();
        codes.join(", ")
    }
}

/// What a response-producing error knows about where it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseContext {
    /// Spotnana's operationId, when the runtime saw the call.
    pub operation: Option<&'static str>,
    /// The path template of that operation.
    pub path: Option<&'static str>,
}

impl fmt::Display for ResponseContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.operation, self.path) {
            (Some(op), Some(path)) => write!(f, "{op} ({path})"),
            (Some(op), None) => f.write_str(op),
            _ => f.write_str("the request"),
        }
    }
}

/// Every failure of a call, of configuration, or of the runtime around the calls.
///
/// `Display` and `Debug` never show credentials, tokens, or values of `x-pii` properties;
/// bodies appear only as redacted, truncated excerpts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is missing or malformed (names the variable or setting).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request could not be built (e.g. a parameter that is not a valid header value).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The connection failed, or the response could not be read.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// No answer within the per-request timeout or the overall deadline.
    #[error("timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// Spotnana did not accept the credentials or the token (token endpoint failure, or a
    /// 401 that a fresh token did not fix).
    #[error("authentication failed for {context}{}: {reason}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
    Authentication {
        /// Where.
        context: ResponseContext,
        /// The status, when a response came.
        status: Option<reqwest::StatusCode>,
        /// Why, in words (no secret in it).
        reason: String,
        /// Spotnana's error body, when there was one.
        body: Option<ApiErrorBody>,
    },
    /// Spotnana answered with an error status.
    #[error(
        "{context} failed with HTTP {status}{}{}",
        body.as_ref().map(|b| b.codes()).filter(|c| !c.is_empty()).map(|c| format!(" ({c})")).unwrap_or_default(),
        body.as_ref().and_then(|b| b.debug_identifier.clone()).map(|d| format!(", debugIdentifier {d}")).unwrap_or_default()
    )]
    Status {
        /// Where.
        context: ResponseContext,
        /// The HTTP status.
        status: reqwest::StatusCode,
        /// Spotnana's error body, when the response carried one.
        body: Option<ApiErrorBody>,
    },
    /// A response did not match the document's type for it.
    #[error("the response did not decode: {reason}; body (x-pii redacted): {excerpt}")]
    Decode {
        /// serde's message, with quoted values redacted.
        reason: String,
        /// The start of the body with `x-pii` values redacted.
        excerpt: String,
    },
    /// Anything else a hook reported.
    #[error("{0}")]
    Other(String),
}

impl Error {
    /// Whether trying the same call later may succeed (transport failures, timeouts, 408,
    /// 429, 502, 503, 504). The runtime has already retried these as its policy allows.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) => true,
            Error::Status { status, .. } => crate::retry::is_retryable_status(*status),
            _ => false,
        }
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Status { status, .. } => Some(*status),
            Error::Authentication { status, .. } => *status,
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            _ => None,
        }
    }

    /// Spotnana's `debugIdentifier` of this failure, when the error body had one.
    pub fn debug_identifier(&self) -> Option<&str> {
        match self {
            Error::Status { body, .. } | Error::Authentication { body, .. } => {
                body.as_ref().and_then(|b| b.debug_identifier.as_deref())
            }
            _ => None,
        }
    }

    /// Spotnana's error body, when the response carried one.
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Status { body, .. } | Error::Authentication { body, .. } => body.as_ref(),
            _ => None,
        }
    }

    fn from_transport(e: reqwest::Error) -> Self {
        // The URL is dropped: its path and query can carry ids; the log line of the attempt
        // names the operation and path template instead.
        let e = e.without_url();
        if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport(e)
        }
    }

    fn from_status(status: reqwest::StatusCode, context: ResponseContext, body: Option<ApiErrorBody>) -> Self {
        if status == reqwest::StatusCode::UNAUTHORIZED {
            Error::Authentication {
                context,
                status: Some(status),
                reason: "the access token was rejected, also after a refresh".into(),
                body,
            }
        } else {
            Error::Status { context, status, body }
        }
    }
}

/// Marker the runtime's hooks put in front of `progenitor_client::Error::Custom` messages, so
/// the conversion below can tell an authentication failure from other hook errors.
pub(crate) const AUTH_TAG: &str = "spotnana-authentication: ";

/// Response extension the runtime attaches to error responses it buffered.
#[derive(Clone, Debug)]
pub(crate) struct Buffered {
    pub context: ResponseContext,
    pub body: Option<ApiErrorBody>,
}

/// Response header the runtime adds to responses so that a typed error response (whose
/// extensions progenitor drops) still says which operation it came from.
pub(crate) const OPERATION_HEADER: &str = "x-spotnana-rs-operation";

fn context_from_headers(headers: &reqwest::header::HeaderMap) -> ResponseContext {
    let Some(value) = headers.get(OPERATION_HEADER).and_then(|v| v.to_str().ok()) else {
        return ResponseContext::default();
    };
    let Some((module, name)) = value.split_once(' ') else {
        return ResponseContext::default();
    };
    match logging::operation(module, name) {
        Some(meta) => ResponseContext {
            operation: Some(meta.operation_id),
            path: Some(meta.path),
        },
        None => ResponseContext::default(),
    }
}

impl<E: serde::Serialize> From<progenitor_client::Error<E>> for Error {
    fn from(error: progenitor_client::Error<E>) -> Self {
        use progenitor_client::Error as P;
        match error {
            P::InvalidRequest(s) => Error::InvalidRequest(s),
            P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => Error::from_transport(e),
            P::ErrorResponse(value) => {
                let status = value.status();
                let context = context_from_headers(value.headers());
                let body = ApiErrorBody::from_typed(value.as_ref());
                Error::from_status(status, context, body)
            }
            P::InvalidResponsePayload(bytes, e) => Error::Decode {
                reason: logging::redact_decode_message(&e.to_string()),
                excerpt: logging::redact_excerpt(&bytes),
            },
            P::UnexpectedResponse(response) => {
                let status = response.status();
                let (context, body) = match response.extensions().get::<Buffered>() {
                    Some(b) => (b.context.clone(), b.body.clone()),
                    None => (context_from_headers(response.headers()), None),
                };
                Error::from_status(status, context, body)
            }
            P::Custom(message) => match message.strip_prefix(AUTH_TAG) {
                Some(reason) => Error::Authentication {
                    context: ResponseContext::default(),
                    status: None,
                    reason: reason.to_string(),
                    body: None,
                },
                None => Error::Other(message),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_parse_without_any_api_feature() {
        let body = ApiErrorBody::from_slice(
            br#"{"debugIdentifier":"dbg-1","errorMessages":[{"errorCode":"NOT_FOUND","message":"no"}],"email":"x@y"}"#,
        )
        .unwrap();
        assert_eq!(body.debug_identifier.as_deref(), Some("dbg-1"));
        assert_eq!(body.codes(), "NOT_FOUND");
    }

    #[test]
    fn debug_of_an_error_shows_codes_never_messages() {
        let body = ApiErrorBody::from_slice(
            br#"{"debugIdentifier":"dbg-9","errorMessages":[{"errorCode":"INVALID_ARGUMENT","message":"email jane.darcy@example.com is taken","errorDetail":"D'Arcy"}]}"#,
        )
        .unwrap();
        let error = Error::Status {
            context: ResponseContext::default(),
            status: reqwest::StatusCode::CONFLICT,
            body: Some(body),
        };
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("INVALID_ARGUMENT") && shown.contains("dbg-9"), "{shown}");
        assert!(!shown.contains("jane") && !shown.contains("Arcy"), "{shown}");
    }

    #[test]
    fn decode_errors_are_redacted() {
        let bytes = bytes::Bytes::from_static(br#"{"email": 12, "given": "Jane"}"#);
        let serde_error = serde_json::from_slice::<u8>(b"\"Jane\"").unwrap_err();
        let error: Error = progenitor_client::Error::<()>::InvalidResponsePayload(bytes, serde_error).into();
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("Jane"), "{shown}");
        assert!(matches!(error, Error::Decode { .. }));
    }
}
