//! The one error type of this crate.

use crate::config::ConfigError;
use crate::logging;
use crate::retry::RetrySafety;
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

/// What an error knows about the call it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ResponseContext {
    /// Spotnana's operationId, when the runtime saw the call.
    pub operation: Option<&'static str>,
    /// The path template of that operation.
    pub path: Option<&'static str>,
    /// Whether the call could be sent again without effect (see [`RetrySafety`]).
    pub safety: Option<RetrySafety>,
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

/// The token endpoint did not issue a token.
#[derive(Clone, Debug, PartialEq)]
pub struct TokenError {
    status: Option<reqwest::StatusCode>,
    body: Option<ApiErrorBody>,
    reason: String,
    transient: bool,
}

impl TokenError {
    /// A failure without an answer (transport, time, a malformed token response).
    pub(crate) fn new(reason: impl Into<String>, transient: bool) -> Self {
        Self {
            status: None,
            body: None,
            reason: reason.into(),
            transient,
        }
    }

    /// The token endpoint answered `status`: transient when it asks to try later (408, 429,
    /// 5xx).
    pub(crate) fn answered(status: reqwest::StatusCode, body: Option<ApiErrorBody>) -> Self {
        Self {
            status: Some(status),
            body,
            reason: "the token endpoint refused".into(),
            transient: crate::retry::is_unprocessed_status(status) || status.is_server_error(),
        }
    }

    /// The HTTP status of the token endpoint's answer, when it answered.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        self.status
    }

    /// Spotnana's error body of that answer, when it had one.
    pub fn body(&self) -> Option<&ApiErrorBody> {
        self.body.as_ref()
    }

    /// Spotnana's `debugIdentifier` of the failure, when the error body had one.
    pub fn debug_identifier(&self) -> Option<&str> {
        self.body.as_ref().and_then(|b| b.debug_identifier.as_deref())
    }

    /// Whether asking again later may succeed (an outage, a timeout, rate limiting), as
    /// opposed to credentials Spotnana refuses.
    pub fn is_transient(&self) -> bool {
        self.transient
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)?;
        if let Some(status) = self.status {
            write!(f, " (HTTP {status})")?;
        }
        if let Some(body) = &self.body {
            let codes = body.codes();
            if !codes.is_empty() {
                write!(f, " ({codes})")?;
            }
            if let Some(id) = &body.debug_identifier {
                write!(f, ", debugIdentifier {id}")?;
            }
        }
        Ok(())
    }
}

/// Every failure of a call, of configuration, or of the runtime around the calls.
///
/// `Display` and `Debug` never show credentials, tokens, URLs, or values of `x-pii`
/// properties; bodies appear only as redacted, truncated excerpts.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is missing or malformed (names the variable or setting).
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The request could not be built (e.g. a parameter that is not a valid header value).
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The connection failed, or (for a call safe to send again) the response could not be
    /// read.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// No answer within the per-request timeout or the deadline, for a call that was safe
    /// to send again (it was, as often as the policy allows), or a connection that timed out
    /// before anything was sent.
    #[error("timed out: {0}")]
    Timeout(#[source] reqwest::Error),
    /// An operation that is not safe to send twice (a booking, a cancellation, a payment)
    /// got no answer after it went out: it may or may not have been processed, so it was
    /// not sent again. Look the result up (e.g. list the trip's bookings) before retrying.
    #[error(
        "{context}: no answer ({}); the request may have been processed, so it was not sent again",
        crate::logging::failure_kind(source)
    )]
    OutcomeUnknown {
        /// Where.
        context: ResponseContext,
        /// The transport failure.
        #[source]
        source: reqwest::Error,
    },
    /// The call was not sent: too little of its deadline was left for an attempt (after the
    /// token step, or after a wait between attempts).
    #[error("{context} was not sent: its deadline leaves no time for an attempt")]
    NotSent {
        /// Where.
        context: ResponseContext,
    },
    /// No access token could be obtained for the call.
    #[error("could not obtain an access token for {context}: {error}")]
    Token {
        /// Where.
        context: ResponseContext,
        /// What the token endpoint said, typed.
        error: TokenError,
    },
    /// Spotnana rejected the access token, also a freshly fetched one (HTTP 401).
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
        /// Whether the document lists this status for the operation.
        documented: bool,
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
    /// Whether trying the same call later may succeed, and is safe: transport failures and
    /// timeouts (only calls safe to send again, or that never connected, end as these), a
    /// call not sent for lack of time, a transient token failure, 408 and 429, and 502, 503,
    /// 504 for calls safe to send again. The runtime has already retried these as its
    /// policy allows. Never when [`Error::outcome_unknown`].
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Transport(_) | Error::Timeout(_) | Error::NotSent { .. } => true,
            Error::Token { error, .. } => error.is_transient(),
            Error::Status { status, context, .. } => {
                crate::retry::may_resend_status(*status, context.safety.unwrap_or(RetrySafety::Unsafe))
            }
            _ => false,
        }
    }

    /// Whether a call that is not safe to send twice may have been processed although it
    /// failed: [`Error::OutcomeUnknown`], or a 502, 503 or 504 (a gateway may answer so after
    /// the service acted). Look the result up before trying again.
    pub fn outcome_unknown(&self) -> bool {
        match self {
            Error::OutcomeUnknown { .. } => true,
            Error::Status { status, context, .. } => {
                context.safety != Some(RetrySafety::Safe) && matches!(status.as_u16(), 502..=504)
            }
            _ => false,
        }
    }

    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<reqwest::StatusCode> {
        match self {
            Error::Status { status, .. } => Some(*status),
            Error::Authentication { status, .. } => *status,
            Error::Token { error, .. } => error.status(),
            Error::Transport(e) | Error::Timeout(e) => e.status(),
            _ => None,
        }
    }

    /// Spotnana's `debugIdentifier` of this failure, when the error body had one.
    pub fn debug_identifier(&self) -> Option<&str> {
        self.api_error().and_then(|b| b.debug_identifier.as_deref())
    }

    /// Spotnana's error body, when the response carried one.
    pub fn api_error(&self) -> Option<&ApiErrorBody> {
        match self {
            Error::Status { body, .. } | Error::Authentication { body, .. } => body.as_ref(),
            Error::Token { error, .. } => error.body(),
            _ => None,
        }
    }

    /// A transport failure of a call: [`Error::OutcomeUnknown`] when an unsafe request may
    /// have been processed, else a timeout or transport error. The URL is dropped: its path
    /// and query can carry ids (the log line of the attempt names the path template).
    pub(crate) fn from_transport(e: reqwest::Error, context: &ResponseContext) -> Self {
        let e = e.without_url();
        if e.is_builder() {
            Error::InvalidRequest(format!("the request could not be built ({e})"))
        } else if context.safety != Some(RetrySafety::Safe) && crate::retry::outcome_unknown(&e) {
            Error::OutcomeUnknown {
                context: context.clone(),
                source: e,
            }
        } else if e.is_timeout() {
            Error::Timeout(e)
        } else {
            Error::Transport(e)
        }
    }

    /// A response body that did not decode, with quoted values and x-pii values redacted.
    pub(crate) fn decode(bytes: &[u8], error: &serde_json::Error) -> Self {
        Error::Decode {
            reason: logging::redact_decode_message(&error.to_string()),
            excerpt: logging::redact_excerpt(bytes),
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
            documented: true,
        };
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("INVALID_ARGUMENT") && shown.contains("dbg-9"), "{shown}");
        assert!(!shown.contains("jane") && !shown.contains("Arcy"), "{shown}");
    }

    #[test]
    fn decode_errors_are_redacted() {
        let bytes = br#"{"email": 12, "given": "Jane"}"#;
        let serde_error = serde_json::from_slice::<u8>(b"\"Jane\"").unwrap_err();
        let error = Error::decode(bytes, &serde_error);
        let shown = format!("{error} {error:?}");
        assert!(!shown.contains("Jane"), "{shown}");
        assert!(matches!(error, Error::Decode { .. }));
    }

    #[test]
    fn gateway_errors_are_retryable_only_for_safe_calls() {
        let error = |safety| Error::Status {
            context: ResponseContext {
                safety,
                ..Default::default()
            },
            status: reqwest::StatusCode::BAD_GATEWAY,
            body: None,
            documented: false,
        };
        assert!(error(Some(RetrySafety::Safe)).is_retryable());
        assert!(!error(Some(RetrySafety::Unsafe)).is_retryable());
        assert!(!error(None).is_retryable(), "unknown safety counts as unsafe");
    }

    #[test]
    fn token_errors_say_status_codes_identifier_and_whether_transient() {
        let body = ApiErrorBody::from_slice(
            br#"{"debugIdentifier":"dbg-t","errorMessages":[{"errorCode":"INVALID_CLIENT","message":"client jane@x.com"}]}"#,
        );
        let refused = TokenError::answered(reqwest::StatusCode::FORBIDDEN, body.clone());
        assert!(!refused.is_transient());
        assert_eq!(refused.debug_identifier(), Some("dbg-t"));
        let outage = TokenError::answered(reqwest::StatusCode::SERVICE_UNAVAILABLE, body);
        assert!(outage.is_transient());
        let error = Error::Token {
            context: ResponseContext::default(),
            error: outage,
        };
        assert!(error.is_retryable());
        assert_eq!(error.status(), Some(reqwest::StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(error.debug_identifier(), Some("dbg-t"));
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("503") && shown.contains("INVALID_CLIENT"), "{shown}");
        assert!(!shown.contains("jane"), "{shown}");
    }
}
