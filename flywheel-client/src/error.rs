//! The one error type of the client, [`Error`], and the server-reported detail of a failed call,
//! [`ApiError`].
//!
//! Every fallible function of the crate returns [`crate::Result`].
//!
//! Privacy: errors never contain the API key, and never the values a call was made with (path
//! parameters such as file names, query values such as filters, upload file names, local file
//! paths), which may carry patient information. They name the operation id (which stands for one
//! method and path template, e.g. `getAllFiles` for `GET /files`) and the parameter names. The
//! server's own message of an error answer is quoted as sent. `Debug` is as concise as
//! `Display`; the full response (headers, body) is reachable through [`ApiError`]'s methods.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};

/// How many bytes of a response body an error message quotes when the body is not JSON.
const BODY_SNIPPET_CHARS: usize = 200;

/// Everything that can go wrong when building, sending or reading a Flywheel API call.
///
/// The variants separate who is at fault:
/// [`InvalidRequest`](Error::InvalidRequest) and [`Config`](Error::Config) are caller mistakes
/// found before anything is sent; [`Transport`](Error::Transport) and
/// [`ReadTimeout`](Error::ReadTimeout) are network trouble; [`Api`](Error::Api) is an error
/// answer from the server; [`Decode`](Error::Decode) is a success answer whose body is not what
/// the operation declares; [`Io`](Error::Io) is a local file problem during an upload or download.
///
/// `Display` names the operation id (for example `getAllProjects`), and for API errors the HTTP
/// status and the server's message. `Debug` shows the variant with the same few facts (status,
/// operation, message, request id), never a whole response; see the module docs for what errors
/// never contain.
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request could not be built: a path parameter was empty, a body failed to serialize,
    /// an upload file name cannot be sent, and similar. Nothing was sent to the server.
    #[error("{operation_id}: invalid request: {message}")]
    InvalidRequest {
        /// The operation id (e.g. `uploadFileToAcquisition`).
        operation_id: &'static str,
        /// What is wrong, naming the offending parameter.
        message: String,
    },

    /// The HTTP exchange failed below the API level: connecting (including DNS and TLS), the
    /// total timeout set with [`ClientBuilder::timeout`](crate::ClientBuilder::timeout) or
    /// [`CallOptions::timeout`](crate::CallOptions::timeout), too many redirects, or a broken
    /// connection while the body was transferred.
    ///
    /// The message never contains the request URL (it may hold file names or filter values):
    /// the HTTP client's error is kept without it.
    #[error("{operation_id}: {kind} error: {}{}", source_chain(.source), kind.hint())]
    Transport {
        /// The operation id.
        operation_id: &'static str,
        /// Which part of the exchange failed.
        kind: TransportKind,
        /// The underlying HTTP client error (its URL removed).
        #[source]
        source: reqwest::Error,
    },

    /// The server redirected (307 or 308) a request whose body is streamed (a multipart upload),
    /// which cannot be sent again to the new location. Nothing was uploaded. Where it was
    /// redirected is given as scheme, host and port only (the path may name files).
    #[error(
        "{operation_id}: the server redirected the upload (HTTP {status}) to {}, but a streamed request body cannot be replayed to a new location; nothing was uploaded. Point the client at the site the redirect leads to",
        .location.as_deref().unwrap_or("an unnamed location")
    )]
    UnreplayableRedirect {
        /// The operation id.
        operation_id: &'static str,
        /// The redirect status, 307 or 308.
        status: StatusCode,
        /// The redirect target's `scheme://host:port`, when the `Location` header is a URL.
        location: Option<String>,
    },

    /// The server sent no data for longer than the read timeout (default 60 s), either while the
    /// client waited for the response to a request whose body was fully sent, or between two
    /// chunks of a response body.
    #[error("{operation_id}: read timeout: the server sent nothing for {idle:?}")]
    ReadTimeout {
        /// The operation id.
        operation_id: &'static str,
        /// The read timeout that expired.
        idle: Duration,
    },

    /// The server answered with a non-success HTTP status (after any retries).
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The server answered with a success status but the body is not the declared type (for
    /// example a JSON shape the model does not describe, or text that is not UTF-8). The raw
    /// body is kept.
    #[error(
        "{operation_id}: HTTP {status}: the response body does not decode: {source}; the body starts {}",
        body_preview(.body)
    )]
    Decode {
        /// The operation id.
        operation_id: &'static str,
        /// The (successful) HTTP status.
        status: StatusCode,
        /// The body as received.
        body: Bytes,
        /// Why decoding failed (a `serde_json::Error` or `std::string::FromUtf8Error`).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// A local file could not be read (upload) or written (download).
    #[error("{operation_id}: {context}: {source}")]
    Io {
        /// The operation id.
        operation_id: &'static str,
        /// What was being done, naming the path when there is one.
        context: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },

    /// A convenience got an answer it cannot use: `find_one` matched no item or several, or a
    /// create answered no id. The message never quotes filter values or labels.
    #[error("{operation_id}: {message}")]
    Unexpected {
        /// The operation id.
        operation_id: &'static str,
        /// What was expected and what came.
        message: String,
    },

    /// The client could not be configured: a malformed API key string, a bad base URL or header
    /// value, or a missing `FLYWHEEL_API_KEY` variable. The message never quotes the key.
    #[error("invalid client configuration: {message}")]
    Config {
        /// What is wrong.
        message: String,
    },
}

/// Which part of an HTTP exchange failed, for [`Error::Transport`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be established (DNS, TCP, TLS handshake, connect timeout).
    /// Retried for every method, since the server cannot have seen the request.
    Connect,
    /// The total timeout of the call expired.
    Timeout,
    /// Redirects looped or exceeded the redirect limit.
    Redirect,
    /// The connection broke while a request or response body was transferred.
    Body,
    /// The server answered a TLS (`https`) connection in plain text: it most likely serves
    /// plain `http`. Not retried.
    NotTls,
    /// Any other failure of the HTTP client.
    Other,
}

impl fmt::Display for TransportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TransportKind::Connect => "connect",
            TransportKind::Timeout => "timeout",
            TransportKind::Redirect => "redirect",
            TransportKind::Body => "body transfer",
            TransportKind::NotTls => "TLS handshake",
            TransportKind::Other => "transport",
        })
    }
}

impl TransportKind {
    fn of(error: &reqwest::Error) -> TransportKind {
        if speaks_plain_http(error) {
            TransportKind::NotTls
        } else if error.is_connect() {
            TransportKind::Connect
        } else if error.is_timeout() {
            TransportKind::Timeout
        } else if error.is_redirect() {
            TransportKind::Redirect
        } else if error.is_body() || error.is_decode() {
            TransportKind::Body
        } else {
            TransportKind::Other
        }
    }

    /// What the caller can do about it, appended to the message.
    fn hint(self) -> &'static str {
        match self {
            TransportKind::NotTls => {
                " (the server answered an https request in plain http: if it serves plain http, add `__force_insecure` to the API key, e.g. `HOST:PORT:__force_insecure:KEY`, or use an `http://` base URL)"
            }
            _ => "",
        }
    }
}

/// Whether a TLS handshake failed because the peer does not speak TLS: rustls reports the first
/// bytes of a plain HTTP answer as a record of an invalid content type.
fn speaks_plain_http(error: &reqwest::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(inner) = cause {
        let text = inner.to_string();
        if text.contains("InvalidContentType") || text.contains("corrupt message") {
            return true;
        }
        cause = inner.source();
    }
    false
}

impl Error {
    pub(crate) fn invalid_request(operation_id: &'static str, message: impl Into<String>) -> Self {
        Error::InvalidRequest {
            operation_id,
            message: message.into(),
        }
    }

    /// A transport error, its URL removed (it may hold file names and filter values).
    pub(crate) fn transport(operation_id: &'static str, source: reqwest::Error) -> Self {
        Error::Transport {
            operation_id,
            kind: TransportKind::of(&source),
            source: source.without_url(),
        }
    }

    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn io(
        operation_id: &'static str,
        context: impl Into<String>,
        source: std::io::Error,
    ) -> Self {
        Error::Io {
            operation_id,
            context: context.into(),
            source,
        }
    }

    /// The HTTP status of the response, for [`Error::Api`] and [`Error::Decode`]; `None` when no
    /// response was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(api) => Some(api.status()),
            Error::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's error answer, when this is an [`Error::Api`].
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Error::Api(api) => Some(api),
            _ => None,
        }
    }

    /// `true` for an API error with status 404 Not Found.
    pub fn is_not_found(&self) -> bool {
        self.api_status() == Some(StatusCode::NOT_FOUND)
    }

    /// `true` for an API error with status 409 Conflict (e.g. a container or file that already
    /// exists).
    pub fn is_conflict(&self) -> bool {
        self.api_status() == Some(StatusCode::CONFLICT)
    }

    /// `true` when the failure is transient and the same request may succeed later: an API error
    /// with status 429, 502, 503 or 504, or a connection failure. These are the errors the client
    /// retries by itself (for idempotent requests), so seeing one means the retries ran out.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => is_retryable_status(api.status()),
            Error::Transport { kind, .. } => *kind == TransportKind::Connect,
            _ => false,
        }
    }

    /// `true` when a timeout expired: the read timeout ([`Error::ReadTimeout`]), the total
    /// timeout, or the connect timeout.
    pub fn is_timeout(&self) -> bool {
        match self {
            Error::ReadTimeout { .. } => true,
            Error::Transport { source, .. } => source.is_timeout(),
            _ => false,
        }
    }

    /// `true` when the connection to the server could not be established.
    pub fn is_connect(&self) -> bool {
        matches!(
            self,
            Error::Transport {
                kind: TransportKind::Connect,
                ..
            }
        )
    }

    /// The operation id the error belongs to; `None` for [`Error::Config`].
    pub fn operation_id(&self) -> Option<&'static str> {
        match self {
            Error::InvalidRequest { operation_id, .. }
            | Error::Transport { operation_id, .. }
            | Error::ReadTimeout { operation_id, .. }
            | Error::Decode { operation_id, .. }
            | Error::Io { operation_id, .. }
            | Error::UnreplayableRedirect { operation_id, .. } => Some(operation_id),
            Error::Unexpected { operation_id, .. } => Some(operation_id),
            Error::Api(api) => Some(api.operation_id()),
            Error::Config { .. } => None,
        }
    }

    fn api_status(&self) -> Option<StatusCode> {
        self.api_error().map(ApiError::status)
    }
}

impl fmt::Debug for Error {
    /// Concise: the variant and its few facts, never a whole response body or header map.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::InvalidRequest {
                operation_id,
                message,
            } => f
                .debug_struct("InvalidRequest")
                .field("operation_id", operation_id)
                .field("message", message)
                .finish(),
            Error::Transport {
                operation_id,
                kind,
                source,
            } => f
                .debug_struct("Transport")
                .field("operation_id", operation_id)
                .field("kind", kind)
                .field("message", &source_chain(source))
                .finish(),
            Error::UnreplayableRedirect {
                operation_id,
                status,
                location,
            } => f
                .debug_struct("UnreplayableRedirect")
                .field("operation_id", operation_id)
                .field("status", &status.as_u16())
                .field("location", location)
                .finish(),
            Error::ReadTimeout { operation_id, idle } => f
                .debug_struct("ReadTimeout")
                .field("operation_id", operation_id)
                .field("idle", idle)
                .finish(),
            Error::Api(api) => fmt::Debug::fmt(api, f),
            Error::Decode {
                operation_id,
                status,
                body,
                source,
            } => f
                .debug_struct("Decode")
                .field("operation_id", operation_id)
                .field("status", &status.as_u16())
                .field("message", &source.to_string())
                .field("body_bytes", &body.len())
                .finish(),
            Error::Io {
                operation_id,
                context,
                source,
            } => f
                .debug_struct("Io")
                .field("operation_id", operation_id)
                .field("message", &format_args!("{context}: {source}"))
                .finish(),
            Error::Unexpected {
                operation_id,
                message,
            } => f
                .debug_struct("Unexpected")
                .field("operation_id", operation_id)
                .field("message", message)
                .finish(),
            Error::Config { message } => {
                f.debug_struct("Config").field("message", message).finish()
            }
        }
    }
}

/// An error and its causes, joined by `: ` (reqwest's own message omits the cause, e.g.
/// "connection refused").
fn source_chain(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        let inner_text = inner.to_string();
        if !text.contains(&inner_text) {
            text.push_str(": ");
            text.push_str(&inner_text);
        }
        cause = inner.source();
    }
    text
}

/// The statuses that are worth retrying: rate limiting and gateway trouble.
pub(crate) fn is_retryable_status(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 502 | 503 | 504)
}

/// An error answer from the Flywheel API: the HTTP status, headers and raw body, plus the fields
/// Flywheel error bodies carry when the body is JSON of that shape.
///
/// Two body shapes are understood:
/// - Flywheel core: `{"message": "...", "status_code": 409, "request_id": "..."}`;
/// - FastAPI services: `{"detail": "..."}` or `{"detail": [{"loc": [...], "msg": "...",
///   "type": "..."}]}` (422 validation errors).
///
/// Any other body (HTML from a proxy, plain text, unexpected JSON) is kept as is in
/// [`body`](ApiError::body) and quoted, shortened, in `Display`.
#[derive(Clone)]
pub struct ApiError {
    operation_id: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    message: Option<String>,
    status_code: Option<u16>,
    request_id: Option<String>,
    detail: Option<ErrorDetail>,
}

/// The `detail` member of a FastAPI-style error body.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `{"detail": "Not found"}`.
    Message(String),
    /// `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`, a request validation failure.
    Validation(Vec<ValidationIssue>),
    /// Any other JSON value.
    Other(serde_json::Value),
}

/// One entry of a FastAPI validation error list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationIssue {
    /// Where the problem is, outermost first, e.g. `["body", "label"]` or `["query", "limit"]`.
    /// Integer positions are given as decimal strings.
    pub loc: Vec<String>,
    /// The human-readable message, e.g. `field required`.
    pub msg: String,
    /// The machine-readable error type, e.g. `value_error.missing` (`type` in the body).
    pub kind: String,
}

impl ApiError {
    /// Builds the error from a received response. Never panics, whatever the body holds.
    pub(crate) fn new(
        operation_id: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Bytes,
    ) -> Self {
        let mut error = ApiError {
            operation_id,
            status,
            headers,
            body,
            message: None,
            status_code: None,
            request_id: None,
            detail: None,
        };
        if let Ok(serde_json::Value::Object(fields)) =
            serde_json::from_slice::<serde_json::Value>(&error.body)
        {
            error.message = fields.get("message").and_then(json_text);
            error.status_code = fields
                .get("status_code")
                .and_then(serde_json::Value::as_u64)
                .and_then(|code| u16::try_from(code).ok());
            error.request_id = fields.get("request_id").and_then(json_text);
            error.detail = fields.get("detail").map(ErrorDetail::from_json);
        }
        if error.request_id.is_none() {
            error.request_id = error
                .headers
                .get("x-request-id")
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
        }
        error
    }

    /// The operation id of the failed call.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response body as received (at most the first 1 MiB; error bodies are not expected to
    /// be larger).
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The `message` member of a Flywheel core error body.
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The `status_code` member of a Flywheel core error body (usually equal to
    /// [`status`](ApiError::status)).
    pub fn status_code(&self) -> Option<u16> {
        self.status_code
    }

    /// The `request_id` member of the body, or else the `x-request-id` response header: quote it
    /// when asking Flywheel support about a failure.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The `detail` member of a FastAPI-style error body.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        self.detail.as_ref()
    }

    /// The best human-readable explanation the body offers: `message`, else `detail` (validation
    /// issues joined as `loc: msg; loc: msg`), else a shortened copy of a non-JSON body.
    pub fn server_message(&self) -> Option<String> {
        if let Some(message) = self.message.as_deref().filter(|m| !m.is_empty()) {
            return Some(message.to_owned());
        }
        match &self.detail {
            Some(ErrorDetail::Message(text)) => return Some(text.clone()),
            Some(ErrorDetail::Validation(issues)) if !issues.is_empty() => {
                let joined = issues
                    .iter()
                    .map(|issue| {
                        if issue.loc.is_empty() {
                            issue.msg.clone()
                        } else {
                            format!("{}: {}", issue.loc.join("."), issue.msg)
                        }
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                return Some(joined);
            }
            Some(ErrorDetail::Other(value)) => return Some(value.to_string()),
            _ => {}
        }
        let text = String::from_utf8_lossy(&self.body);
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let mut snippet: String = text
            .chars()
            .take(BODY_SNIPPET_CHARS)
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        if text.chars().count() > BODY_SNIPPET_CHARS {
            snippet.push('…');
        }
        Some(snippet)
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: HTTP {}", self.operation_id, self.status)?;
        if let Some(message) = self.server_message() {
            write!(f, ": {message}")?;
        }
        if let Some(request_id) = &self.request_id {
            write!(f, " (request id {request_id})")?;
        }
        Ok(())
    }
}

impl fmt::Debug for ApiError {
    /// Concise: operation, status, the server's message and the request id. Headers and body
    /// are reachable through [`headers`](ApiError::headers) and [`body`](ApiError::body).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation_id", &self.operation_id)
            .field("status", &self.status.as_u16())
            .field("message", &self.server_message())
            .field("request_id", &self.request_id)
            .finish()
    }
}

impl std::error::Error for ApiError {}

impl ErrorDetail {
    fn from_json(value: &serde_json::Value) -> ErrorDetail {
        match value {
            serde_json::Value::String(text) => ErrorDetail::Message(text.clone()),
            serde_json::Value::Array(items) => {
                let issues: Option<Vec<ValidationIssue>> =
                    items.iter().map(ValidationIssue::from_json).collect();
                match issues {
                    Some(issues) => ErrorDetail::Validation(issues),
                    None => ErrorDetail::Other(value.clone()),
                }
            }
            other => ErrorDetail::Other(other.clone()),
        }
    }
}

impl ValidationIssue {
    fn from_json(value: &serde_json::Value) -> Option<ValidationIssue> {
        let fields = value.as_object()?;
        let msg = fields.get("msg").and_then(json_text)?;
        let loc = match fields.get("loc") {
            Some(serde_json::Value::Array(parts)) => parts
                .iter()
                .map(|part| json_text(part).unwrap_or_else(|| part.to_string()))
                .collect(),
            Some(other) => vec![json_text(other).unwrap_or_else(|| other.to_string())],
            None => Vec::new(),
        };
        let kind = fields.get("type").and_then(json_text).unwrap_or_default();
        Some(ValidationIssue { loc, msg, kind })
    }
}

/// A JSON string as is, or a number as its decimal text; other values give `None`.
fn json_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The first bytes of a body, for an error message: `"<!DOCTYPE html>…"` (quoted and escaped).
fn body_preview(body: &Bytes) -> String {
    const LIMIT: usize = 120;
    let text = String::from_utf8_lossy(&body[..body.len().min(LIMIT)]);
    let ellipsis = if body.len() > LIMIT { "…" } else { "" };
    if body.is_empty() {
        "empty (0 bytes)".to_owned()
    } else {
        format!("{text:?}{ellipsis}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(status: u16, body: &str) -> ApiError {
        ApiError::new(
            "testOperation",
            StatusCode::from_u16(status).unwrap(),
            HeaderMap::new(),
            Bytes::copy_from_slice(body.as_bytes()),
        )
    }

    #[test]
    fn core_error_body_is_parsed() {
        let error = api(
            409,
            r#"{"message": "File exists", "status_code": 409, "request_id": "abc"}"#,
        );
        assert_eq!(error.message(), Some("File exists"));
        assert_eq!(error.status_code(), Some(409));
        assert_eq!(error.request_id(), Some("abc"));
        assert_eq!(
            error.to_string(),
            "testOperation: HTTP 409 Conflict: File exists (request id abc)"
        );
    }

    #[test]
    fn validation_detail_is_joined_with_locations() {
        let error = api(
            422,
            r#"{"detail": [{"loc": ["body", "label"], "msg": "field required", "type": "value_error.missing"},
                           {"loc": ["query", "limit", 0], "msg": "not an integer", "type": "type_error"}]}"#,
        );
        let Some(ErrorDetail::Validation(issues)) = error.detail() else {
            panic!("expected validation detail, got {:?}", error.detail());
        };
        assert_eq!(issues[1].loc, ["query", "limit", "0"]);
        assert_eq!(issues[0].kind, "value_error.missing");
        assert!(
            error
                .to_string()
                .contains("body.label: field required; query.limit.0: not an integer")
        );
    }

    #[test]
    fn odd_bodies_never_panic_and_are_quoted() {
        let cases = [
            "",
            "null",
            "[1,2]",
            r#"{"message": 5, "status_code": 99999999999, "detail": {"x": 1}}"#,
            r#"{"detail": [1, "two"]}"#,
            "<html>\n<body>Bad Gateway</body></html>",
        ];
        for body in cases {
            let text = api(502, body).to_string();
            assert!(
                text.starts_with("testOperation: HTTP 502 Bad Gateway"),
                "{text}"
            );
        }
        assert!(
            api(502, "<html>\n<body>Bad Gateway</body></html>")
                .to_string()
                .contains("<html> <body>Bad Gateway")
        );
        let long = api(500, &"x".repeat(1000)).to_string();
        assert!(long.ends_with("x…"), "{long}");
        assert_eq!(long.matches('x').count(), BODY_SNIPPET_CHARS);
    }

    #[test]
    fn helpers_classify_statuses() {
        let not_found = Error::Api(Box::new(api(404, "{}")));
        assert!(not_found.is_not_found());
        assert!(!not_found.is_retryable());
        assert_eq!(not_found.status(), Some(StatusCode::NOT_FOUND));
        let busy = Error::Api(Box::new(api(503, "{}")));
        assert!(busy.is_retryable());
        assert!(!busy.is_conflict());
        assert_eq!(busy.operation_id(), Some("testOperation"));
    }

    #[test]
    fn decode_errors_quote_the_start_of_the_body() {
        let source = serde_json::from_slice::<serde_json::Value>(b"<html>").unwrap_err();
        let error = Error::Decode {
            operation_id: "getProject",
            status: StatusCode::OK,
            body: Bytes::from_static(b"<!DOCTYPE html><p>maintenance</p>"),
            source: Box::new(source),
        };
        let text = error.to_string();
        assert!(
            text.starts_with("getProject: HTTP 200 OK: the response body does not decode"),
            "{text}"
        );
        assert!(
            text.ends_with("the body starts \"<!DOCTYPE html><p>maintenance</p>\""),
            "{text}"
        );
    }
}
