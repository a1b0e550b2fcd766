//! [`OperationRequest`], one API call being built and sent; [`ParamValue`], how parameter values
//! are written; [`CallOptions`], per-call settings.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use bytes::{Bytes, BytesMut};
use futures_util::StreamExt;
use http::header::{
    ACCEPT, ACCEPT_ENCODING, AUTHORIZATION, CONTENT_ENCODING, CONTENT_TYPE, USER_AGENT,
};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
use tracing::Instrument;

use crate::download::Download;
use crate::error::{ApiError, Error};
use crate::response::ResponseValue;
use crate::retry::RetryPolicy;
use crate::settings::CallOptions;
use crate::timeout::{Activity, IdleTimeoutStream};
use crate::transport::Transport;
use crate::upload::{MultipartField, UploadFault, UploadFile, build_form};

/// Everything but the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is percent-encoded
/// in a path segment, so `/`, `?`, `#`, `%` and spaces in file names stay inside one segment.
pub(crate) const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The most bytes of an error response body kept in an [`ApiError`].
const ERROR_BODY_LIMIT: usize = 1024 * 1024;

/// The content codings a JSON (or text) answer may come in; see [`decompress`].
const ACCEPTED_ENCODINGS: &str = "gzip, deflate";

/// The header carrying opt-in server features.
const ACCEPT_FEATURE: &str = "x-accept-feature";

/// The `Accept` header of a request unless [`OperationRequest::accept`] sets another: what
/// every operation producing JSON (and every operation producing nothing) asks for, as the
/// Flywheel SDK does.
pub const DEFAULT_ACCEPT: &str = "application/json";

/// How a parameter value is written in a query string or header.
///
/// Implemented for strings, `bool` (`true` / `false`), integers, `f64`,
/// `chrono::DateTime<Utc>` (RFC 3339, e.g. `2024-05-01T12:00:00Z`), `serde_json::Value` (its JSON
/// text) and references to any of these. The generated string enums implement it with their
/// wire value.
pub trait ParamValue {
    /// The text sent on the wire (before URL encoding, which the request applies).
    fn to_param(&self) -> String;
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! display_param {
    ($($ty:ty),*) => {$(
        impl ParamValue for $ty {
            fn to_param(&self) -> String {
                self.to_string()
            }
        }
    )*};
}

display_param!(i32, i64, u32, u64, f64);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for serde_json::Value {
    fn to_param(&self) -> String {
        self.to_string()
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

/// The request body.
enum RequestBody {
    Empty,
    /// Serialized JSON.
    Json(Bytes),
    Multipart(Vec<MultipartField>),
}

/// One API call being built: path parameters, query, headers, body and options, then sent with
/// one of the `send_*` methods.
///
/// Setters take `&mut self` and never fail: a problem found while building (an empty path
/// parameter, a body that does not serialize, an upload file name that cannot be sent) is kept
/// and returned as [`Error::InvalidRequest`] by the `send_*` method, before anything is sent.
///
/// Created by [`Client::request`](crate::Client::request); the generated operation builders wrap one.
///
/// ```no_run
/// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
/// let mut request = client.request("getAllJobs", http::Method::GET, "/jobs");
/// request.query_list("states", ["pending", "running"]);
/// request.query("limit", &10);
/// let jobs: serde_json::Value = request.send_json().await?;
/// # Ok(())
/// # }
/// ```
pub struct OperationRequest {
    transport: Arc<Transport>,
    operation_id: &'static str,
    method: Method,
    path_template: &'static str,
    /// Name and already-encoded value.
    path_params: Vec<(&'static str, String)>,
    /// In first-set order; a key with several values is sent repeated.
    query: Vec<(&'static str, Vec<String>)>,
    headers: Vec<(&'static str, String)>,
    accept: &'static str,
    accept_features: Vec<String>,
    body: RequestBody,
    options: CallOptions,
    /// The first problem found while building.
    error: Option<Error>,
}

/// A fully read successful response.
#[derive(Debug)]
pub(crate) struct RawResponse {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
}

type BufferedFuture = Pin<Box<dyn Future<Output = crate::Result<RawResponse>> + Send>>;

/// The future of one call, returned by every generated `send()` and by
/// [`OperationRequest::send_json`] and its siblings: `.await` it to get the answer
/// (`Result<T>`). It is `Send`, `Unpin` and `'static`, so it can be spawned or stored.
///
/// The request is sent when the future is first polled, not when it is created.
#[must_use = "a request does nothing until it is awaited"]
pub struct ResponseFuture<T> {
    state: Exchange<T>,
}

/// The exchange is one boxed future that does not depend on `T`; only the finishing step (the
/// decoding) does. So each generated operation adds a small decoder, not a whole future.
enum Exchange<T> {
    /// The whole body is read, then `finish` turns it into a `T`.
    Buffered {
        operation_id: &'static str,
        exchange: BufferedFuture,
        finish: fn(&'static str, RawResponse) -> crate::Result<T>,
    },
    /// The future yields the `T` itself (a streamed download).
    Direct(Pin<Box<dyn Future<Output = crate::Result<T>> + Send>>),
}

impl<T> Future for ResponseFuture<T> {
    type Output = crate::Result<T>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match &mut self.state {
            Exchange::Buffered {
                operation_id,
                exchange,
                finish,
            } => match exchange.as_mut().poll(cx) {
                Poll::Pending => Poll::Pending,
                Poll::Ready(response) => {
                    Poll::Ready(response.and_then(|r| finish(operation_id, r)))
                }
            },
            Exchange::Direct(future) => future.as_mut().poll(cx),
        }
    }
}

impl<T> fmt::Debug for ResponseFuture<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let operation_id = match &self.state {
            Exchange::Buffered { operation_id, .. } => Some(*operation_id),
            Exchange::Direct(_) => None,
        };
        f.debug_struct("ResponseFuture")
            .field("operation_id", &operation_id)
            .finish_non_exhaustive()
    }
}

fn decode_json<T: serde::de::DeserializeOwned>(
    operation_id: &'static str,
    response: RawResponse,
) -> crate::Result<T> {
    crate::support::decode(&response.body).map_err(|error| Error::Decode {
        operation_id,
        status: response.status,
        body: response.body,
        source: Box::new(error),
    })
}

/// `decode` applied to the body, keeping the status and headers beside the value.
fn with_response<T>(
    decode: fn(&'static str, RawResponse) -> crate::Result<T>,
    operation_id: &'static str,
    mut response: RawResponse,
) -> crate::Result<ResponseValue<T>> {
    let status = response.status;
    let headers = std::mem::take(&mut response.headers);
    decode(operation_id, response).map(|value| ResponseValue::new(value, status, headers))
}

fn decode_json_with_response<T: serde::de::DeserializeOwned>(
    operation_id: &'static str,
    response: RawResponse,
) -> crate::Result<ResponseValue<T>> {
    with_response(decode_json::<T>, operation_id, response)
}

fn decode_text(operation_id: &'static str, response: RawResponse) -> crate::Result<String> {
    String::from_utf8(response.body.to_vec()).map_err(|error| Error::Decode {
        operation_id,
        status: response.status,
        body: response.body,
        source: Box::new(error),
    })
}

impl RequestBody {
    /// Shape and size, without contents (labels and file names may carry patient information).
    fn summary(&self) -> String {
        match self {
            RequestBody::Empty => "empty".to_owned(),
            RequestBody::Json(bytes) => format!("JSON of {} bytes", bytes.len()),
            RequestBody::Multipart(fields) => format!("multipart with {} fields", fields.len()),
        }
    }
}

impl OperationRequest {
    pub(crate) fn new(
        transport: Arc<Transport>,
        operation_id: &'static str,
        method: Method,
        path_template: &'static str,
    ) -> OperationRequest {
        OperationRequest {
            transport,
            operation_id,
            method,
            path_template,
            path_params: Vec::new(),
            query: Vec::new(),
            headers: Vec::new(),
            accept: DEFAULT_ACCEPT,
            accept_features: Vec::new(),
            body: RequestBody::Empty,
            options: CallOptions::default(),
            error: None,
        }
    }

    /// The operation id this request was created with.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    fn fail(&mut self, message: impl Into<String>) {
        if self.error.is_none() {
            self.error = Some(Error::invalid_request(self.operation_id, message));
        }
    }

    /// Fills the `{name}` placeholder of the path template with `value`, percent-encoded as one
    /// path segment: everything except `A-Z a-z 0-9 - . _ ~` is encoded, so
    /// `a/b c.dcm` becomes `a%2Fb%20c.dcm`.
    ///
    /// An empty value, `.` or `..` (which URLs treat as directory steps) makes the send fail with
    /// [`Error::InvalidRequest`] naming the parameter.
    pub fn path_param(&mut self, name: &'static str, value: &str) {
        if value.is_empty() {
            self.fail(format!("the path parameter `{name}` is empty"));
            return;
        }
        if value == "." || value == ".." {
            self.fail(format!(
                "the path parameter `{name}` is `{value}`, which cannot be sent as a path segment"
            ));
            return;
        }
        let encoded = utf8_percent_encode(value, PATH_SEGMENT).to_string();
        match self.path_params.iter_mut().find(|(key, _)| *key == name) {
            Some(entry) => entry.1 = encoded,
            None => self.path_params.push((name, encoded)),
        }
    }

    fn set_query(&mut self, name: &'static str, values: Vec<String>) {
        match self.query.iter_mut().find(|(key, _)| *key == name) {
            Some(entry) => entry.1 = values,
            None => self.query.push((name, values)),
        }
    }

    /// Sets the query parameter `name` to one value, replacing earlier values. An empty string
    /// is still sent (`name=`). Values are form-URL-encoded.
    pub fn query<V: ParamValue + ?Sized>(&mut self, name: &'static str, value: &V) {
        self.set_query(name, vec![value.to_param()]);
    }

    /// Sets the query parameter `name` to a list, sent as repeated keys
    /// (`states=pending&states=running`), replacing earlier values. An empty list sends nothing.
    pub fn query_list<V: ParamValue>(
        &mut self,
        name: &'static str,
        values: impl IntoIterator<Item = V>,
    ) {
        let values = values.into_iter().map(|value| value.to_param()).collect();
        self.set_query(name, values);
    }

    /// Sets a query parameter the operation always sends with a fixed value (e.g. `info=true`,
    /// `ticket=`), like [`query`](Self::query).
    pub fn fixed_query(&mut self, name: &'static str, value: &'static str) {
        self.set_query(name, vec![value.to_owned()]);
    }

    /// Whether the query parameter `name` has been set.
    pub fn has_query(&self, name: &str) -> bool {
        self.query.iter().any(|(key, _)| *key == name)
    }

    /// The first value of the query parameter `name`, if set.
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| *key == name)
            .and_then(|(_, values)| values.first())
            .map(String::as_str)
    }

    /// Removes the query parameter `name`, if set.
    pub(crate) fn remove_query(&mut self, name: &str) {
        self.query.retain(|(key, _)| *key != name);
    }

    /// Sets a request header (e.g. `range: bytes=0-1023`), replacing an earlier value of the
    /// same name. A value that cannot be sent in a header (CR, LF, …) makes the send fail with
    /// [`Error::InvalidRequest`].
    ///
    /// `content-type` is ignored: the body determines it (`application/json`, or
    /// `multipart/form-data` with its boundary), and a request without a body sends none. Use
    /// [`accept_features`](Self::accept_features) for `x-accept-feature`.
    pub fn header(&mut self, name: &'static str, value: String) {
        match self
            .headers
            .iter_mut()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
        {
            Some(entry) => entry.1 = value,
            None => self.headers.push((name, value)),
        }
    }

    /// Sets the `Accept` header: the media type the operation produces. Without it a request
    /// asks for [`DEFAULT_ACCEPT`] (`application/json`); the generated downloads ask for
    /// `application/octet-stream` and `getConfigJs` for `application/javascript`, as the Flywheel
    /// SDK does. A [`header`](Self::header) named `accept` replaces it.
    pub fn accept(&mut self, media_type: &'static str) {
        self.accept = media_type;
    }

    /// Adds `x-accept-feature` values for this call. At send they are merged with the client's
    /// defaults (defaults first, duplicates dropped) into one comma-separated header, which is
    /// omitted when there are no values.
    pub fn accept_features<S: Into<String>>(&mut self, values: impl IntoIterator<Item = S>) {
        self.accept_features
            .extend(values.into_iter().map(Into::into));
    }

    /// Sends `body` as JSON (`Content-Type: application/json`), replacing any earlier body. A
    /// value that fails to serialize makes the send fail with [`Error::InvalidRequest`].
    pub fn json_body<T: serde::Serialize + ?Sized>(&mut self, body: &T) {
        match serde_json::to_vec(body) {
            Ok(bytes) => self.body = RequestBody::Json(Bytes::from(bytes)),
            Err(error) => self.fail(format!("the request body does not serialize: {error}")),
        }
    }

    fn push_multipart(&mut self, field: MultipartField) {
        match &mut self.body {
            RequestBody::Multipart(fields) => fields.push(field),
            _ => self.body = RequestBody::Multipart(vec![field]),
        }
    }

    /// Adds a file part named `name` to a `multipart/form-data` body (call again for several
    /// files). The contents are streamed at send.
    ///
    /// The file name is sent as given, with `"`, CR and LF encoded as `%22`, `%0D` and `%0A`
    /// (as browsers and the Python SDK do). A file name containing `\`, or no file name, makes
    /// the send fail with [`Error::InvalidRequest`].
    pub fn multipart_file(&mut self, name: &'static str, file: UploadFile) {
        if let Err(Error::InvalidRequest { message, .. }) = file.validate(self.operation_id) {
            self.fail(message);
        }
        self.push_multipart(MultipartField::File { name, file });
    }

    /// Adds a text field to a `multipart/form-data` body.
    pub fn multipart_text(&mut self, name: &'static str, value: String) {
        self.push_multipart(MultipartField::Text { name, value });
    }

    /// Adds a text field holding `value` as JSON text (e.g. the `metadata` field of uploads).
    pub fn multipart_json<T: serde::Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        match serde_json::to_string(value) {
            Ok(text) => self.multipart_text(name, text),
            Err(error) => self.fail(format!(
                "the multipart field `{name}` does not serialize: {error}"
            )),
        }
    }

    /// Overrides client settings for this call (replacing options set earlier).
    pub fn options(&mut self, options: CallOptions) {
        self.options = options;
    }

    /// Sends the request and decodes a JSON success body as `T`.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for problems found while building; [`Error::Transport`] or
    /// [`Error::ReadTimeout`] for network failures; [`Error::Api`] for a non-2xx answer (after
    /// retries); [`Error::Decode`], keeping the body, when the body is not a `T`.
    pub fn send_json<T: serde::de::DeserializeOwned>(self) -> ResponseFuture<T> {
        self.buffered(decode_json::<T>)
    }

    /// Sends the request; the success body is read and ignored.
    ///
    /// # Errors
    /// As [`send_json`](Self::send_json), except [`Error::Decode`].
    pub fn send_empty(self) -> ResponseFuture<()> {
        self.buffered(|_, _| Ok(()))
    }

    /// Sends the request and returns the success body as text.
    ///
    /// # Errors
    /// As [`send_json`](Self::send_json); [`Error::Decode`] when the body is not UTF-8.
    pub fn send_text(self) -> ResponseFuture<String> {
        self.buffered(decode_text)
    }

    /// As [`send_json`](Self::send_json), keeping the status and headers beside the value.
    ///
    /// # Errors
    /// As [`send_json`](Self::send_json).
    pub fn send_json_with_response<T: serde::de::DeserializeOwned>(
        self,
    ) -> ResponseFuture<ResponseValue<T>> {
        self.buffered(decode_json_with_response::<T>)
    }

    /// As [`send_empty`](Self::send_empty), keeping the status and headers.
    ///
    /// # Errors
    /// As [`send_empty`](Self::send_empty).
    pub fn send_empty_with_response(self) -> ResponseFuture<ResponseValue<()>> {
        self.buffered(|operation_id, response| with_response(|_, _| Ok(()), operation_id, response))
    }

    /// As [`send_text`](Self::send_text), keeping the status and headers beside the text.
    ///
    /// # Errors
    /// As [`send_text`](Self::send_text).
    pub fn send_text_with_response(self) -> ResponseFuture<ResponseValue<String>> {
        self.buffered(|operation_id, response| with_response(decode_text, operation_id, response))
    }

    /// Sends the request and returns the success body unread, as a [`Download`] to stream.
    /// Retries cover the request up to the response headers; the body is not retried.
    ///
    /// # Errors
    /// As [`send_json`](Self::send_json) for everything up to the response headers.
    pub fn send_download(self) -> ResponseFuture<Download> {
        let operation_id = self.operation_id;
        let exchange = Box::pin(async move {
            let (response, read_timeout) = self.send().await?;
            let status = response.status();
            let content_length = response.content_length();
            let headers = response.headers().clone();
            let body = IdleTimeoutStream::of_response(response, read_timeout, operation_id);
            Ok(Download::new(
                operation_id,
                status,
                headers,
                content_length,
                body,
            ))
        });
        ResponseFuture {
            state: Exchange::Direct(exchange),
        }
    }

    /// A call whose whole body is read by a boxed, non-generic future, then finished by
    /// `finish`.
    fn buffered<T>(
        self,
        finish: fn(&'static str, RawResponse) -> crate::Result<T>,
    ) -> ResponseFuture<T> {
        let operation_id = self.operation_id;
        ResponseFuture {
            state: Exchange::Buffered {
                operation_id,
                exchange: Box::pin(self.execute()),
                finish,
            },
        }
    }

    /// Sends the request (with retries) and reads the whole success body. Not generic, so the
    /// generic `send_*` methods stay small in every generated operation.
    ///
    /// It asks for a compressed answer (`Accept-Encoding: gzip, deflate`, unless the request
    /// sets the header) and decompresses one after reading it. Downloads do neither: they go
    /// through [`send`](Self::send) directly and keep the bytes as the server sent them.
    pub(crate) async fn execute(mut self) -> crate::Result<RawResponse> {
        let operation_id = self.operation_id;
        if !self
            .headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(ACCEPT_ENCODING.as_str()))
        {
            self.headers
                .push((ACCEPT_ENCODING.as_str(), ACCEPTED_ENCODINGS.to_owned()));
        }
        let (mut response, read_timeout) = self.send().await?;
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let encoding = headers.get(CONTENT_ENCODING).cloned();
        let capacity = response
            .content_length()
            .and_then(|length| usize::try_from(length).ok())
            .unwrap_or(0)
            .min(64 * 1024 * 1024);
        let mut stream = IdleTimeoutStream::of_response(response, read_timeout, operation_id);
        let mut body = BytesMut::with_capacity(capacity);
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk?);
        }
        let body = match encoding {
            Some(encoding) => decompress(operation_id, status, &encoding, body.freeze())?,
            None => body.freeze(),
        };
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }

    /// A copy for sending the same call again (pagination). A reader upload is shared, so only
    /// one of the copies can send it.
    pub(crate) fn duplicate(&self) -> OperationRequest {
        OperationRequest {
            transport: Arc::clone(&self.transport),
            operation_id: self.operation_id,
            method: self.method.clone(),
            path_template: self.path_template,
            path_params: self.path_params.clone(),
            query: self.query.clone(),
            headers: self.headers.clone(),
            accept: self.accept,
            accept_features: self.accept_features.clone(),
            body: match &self.body {
                RequestBody::Empty => RequestBody::Empty,
                RequestBody::Json(bytes) => RequestBody::Json(bytes.clone()),
                RequestBody::Multipart(fields) => {
                    RequestBody::Multipart(fields.iter().map(MultipartField::duplicate).collect())
                }
            },
            options: self.options,
            error: self.error.as_ref().map(|error| match error {
                Error::InvalidRequest {
                    operation_id,
                    message,
                } => Error::invalid_request(operation_id, message.clone()),
                other => Error::invalid_request(self.operation_id, other.to_string()),
            }),
        }
    }

    /// Sends with retries; returns the successful response (body unread) and the read timeout
    /// that applies to its body.
    async fn send(self) -> crate::Result<(reqwest::Response, Duration)> {
        if let Some(error) = self.error {
            return Err(error);
        }
        let started = Instant::now();
        let settings = self.options.apply(self.transport.settings);
        let url = self.url()?;
        let headers = self.headers()?;
        let replayable = match &self.body {
            RequestBody::Multipart(fields) => fields.iter().all(MultipartField::is_replayable),
            _ => true,
        };
        let deadline = settings
            .timeout
            .and_then(|timeout| started.checked_add(timeout));
        let attempt = Attempt {
            transport: &self.transport,
            operation_id: self.operation_id,
            method: &self.method,
            path_template: self.path_template,
            url: &url,
            headers: &headers,
            body: &self.body,
            read_timeout: settings.read_timeout,
            deadline,
        };
        let policy = RetryPolicy::new(
            self.operation_id,
            self.path_template,
            &self.method,
            settings,
            replayable,
            deadline,
        );
        let response = policy.run(|number| attempt.run(number)).await?;
        Ok((response, settings.read_timeout))
    }

    /// The base URL, the path with its parameters filled in, and the query.
    fn url(&self) -> crate::Result<reqwest::Url> {
        let mut path = String::with_capacity(self.path_template.len() + 32);
        let mut rest = self.path_template;
        while let Some(open) = rest.find('{') {
            path.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}') else {
                return Err(Error::invalid_request(
                    self.operation_id,
                    format!(
                        "the path template `{}` has an unclosed `{{`",
                        self.path_template
                    ),
                ));
            };
            let name = &rest[open + 1..open + close];
            let Some((_, value)) = self.path_params.iter().find(|(key, _)| *key == name) else {
                return Err(Error::invalid_request(
                    self.operation_id,
                    format!("the path parameter `{name}` was not set"),
                ));
            };
            path.push_str(value);
            rest = &rest[open + close + 1..];
        }
        path.push_str(rest);
        let base = &self.transport.base_url;
        let separator = if path.starts_with('/') { "" } else { "/" };
        let mut url =
            reqwest::Url::parse(&format!("{base}{separator}{path}")).map_err(|error| {
                Error::invalid_request(
                    self.operation_id,
                    format!("the request URL is invalid: {error}"),
                )
            })?;
        if self.query.iter().any(|(_, values)| !values.is_empty()) {
            let mut pairs = url.query_pairs_mut();
            for (name, values) in &self.query {
                for value in values {
                    pairs.append_pair(name, value);
                }
            }
        }
        Ok(url)
    }

    /// Accept, authorization, user agent, accept features and the caller's headers.
    fn headers(&self) -> crate::Result<HeaderMap> {
        let inner = &*self.transport;
        let mut headers = HeaderMap::new();
        // First, so that a caller's `accept` header replaces it.
        let accept = HeaderValue::from_str(self.accept).map_err(|_| {
            Error::invalid_request(
                self.operation_id,
                "the accept media type contains characters not allowed in a header",
            )
        })?;
        headers.insert(ACCEPT, accept);
        for (name, value) in &self.headers {
            if name.eq_ignore_ascii_case(CONTENT_TYPE.as_str()) {
                continue;
            }
            let header_name = HeaderName::from_bytes(name.as_bytes()).map_err(|_| {
                Error::invalid_request(
                    self.operation_id,
                    format!("`{name}` is not a valid header name"),
                )
            })?;
            let header_value = HeaderValue::from_str(value).map_err(|_| {
                Error::invalid_request(
                    self.operation_id,
                    format!(
                        "the value of header `{name}` contains characters not allowed in a header"
                    ),
                )
            })?;
            headers.insert(header_name, header_value);
        }
        let mut features: Vec<&str> = Vec::new();
        for feature in inner.accept_features.iter().chain(&self.accept_features) {
            let feature = feature.trim();
            if !feature.is_empty() && !features.contains(&feature) {
                features.push(feature);
            }
        }
        if !features.is_empty() {
            let value = HeaderValue::from_str(&features.join(",")).map_err(|_| {
                Error::invalid_request(
                    self.operation_id,
                    "an x-accept-feature value contains characters not allowed in a header",
                )
            })?;
            headers.insert(ACCEPT_FEATURE, value);
        }
        headers.insert(USER_AGENT, inner.user_agent.clone());
        if let Some(authorization) = &inner.authorization {
            headers.insert(AUTHORIZATION, authorization.clone());
        }
        Ok(headers)
    }
}

impl fmt::Debug for OperationRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parameter names only: values (file names, filters) may carry patient information.
        let path_params: Vec<&str> = self.path_params.iter().map(|(name, _)| *name).collect();
        let query: Vec<&str> = self.query.iter().map(|(name, _)| *name).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| *name).collect();
        f.debug_struct("OperationRequest")
            .field("operation_id", &self.operation_id)
            .field("method", &self.method)
            .field("path_template", &self.path_template)
            .field("path_params", &path_params)
            .field("query", &query)
            .field("headers", &headers)
            .field("accept", &self.accept)
            .field("accept_features", &self.accept_features)
            .field("body", &format_args!("{}", self.body.summary()))
            .field("options", &self.options)
            .field("error", &self.error)
            .field("client", &self.transport)
            .finish()
    }
}

/// What every attempt of one call shares.
struct Attempt<'a> {
    transport: &'a Transport,
    operation_id: &'static str,
    method: &'a Method,
    path_template: &'static str,
    url: &'a reqwest::Url,
    headers: &'a HeaderMap,
    body: &'a RequestBody,
    read_timeout: Duration,
    deadline: Option<Instant>,
}

impl Attempt<'_> {
    /// One HTTP exchange up to the response headers, traced in its own span. A non-2xx answer
    /// is read (up to [`ERROR_BODY_LIMIT`]) into an [`Error::Api`].
    async fn run(&self, number: u32) -> crate::Result<reqwest::Response> {
        let span = tracing::info_span!(
            "flywheel_request",
            operation_id = self.operation_id,
            method = %self.method,
            path_template = self.path_template,
            attempt = number,
            status = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        let started = Instant::now();
        let outcome = self.exchange().instrument(span.clone()).await;
        let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("duration_ms", duration_ms);
        let status = match &outcome {
            Ok(response) => Some(response.status()),
            Err(error) => error.status(),
        };
        if let Some(status) = status {
            span.record("status", status.as_u16());
        }
        span.in_scope(|| match &outcome {
            Ok(_) => tracing::debug!("response received"),
            Err(error) => tracing::debug!(error = %error, "attempt failed"),
        });
        outcome
    }

    async fn exchange(&self) -> crate::Result<reqwest::Response> {
        let operation_id = self.operation_id;
        let activity = Activity::new();
        let fault = UploadFault::default();
        let http = &self.transport.http;
        let mut builder = http
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        if let Some(deadline) = self.deadline {
            builder = builder.timeout(deadline.saturating_duration_since(Instant::now()));
        }
        builder = match self.body {
            RequestBody::Empty => builder,
            RequestBody::Json(bytes) => builder
                .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
                .body(bytes.clone()),
            RequestBody::Multipart(fields) => {
                builder.multipart(build_form(fields, operation_id, &activity, &fault).await?)
            }
        };
        let request = builder
            .build()
            .map_err(|error| Error::transport(operation_id, error))?;
        activity.touch();
        let outcome =
            crate::timeout::until_idle(http.execute(request), self.read_timeout, &activity).await;
        // An upload source that did not match its declared length aborted the body: that is
        // the cause, whatever the connection reported (and even if the server answered).
        if let Some(error) = fault.take_error(operation_id) {
            return Err(error);
        }
        let response = match outcome {
            None => {
                return Err(Error::ReadTimeout {
                    operation_id,
                    idle: self.read_timeout,
                });
            }
            Some(Err(error)) => return Err(Error::transport(operation_id, error)),
            Some(Ok(response)) => response,
        };
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        if matches!(status.as_u16(), 307 | 308) && matches!(self.body, RequestBody::Multipart(_)) {
            // reqwest follows 307/308 only with a body it can clone; a streamed one is not.
            let location = response
                .headers()
                .get(http::header::LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| self.url.join(location).ok())
                .map(|target| redirect_origin(&target));
            return Err(Error::UnreplayableRedirect {
                operation_id,
                status,
                location,
            });
        }
        let headers = response.headers().clone();
        let body = read_error_body(response, self.read_timeout, operation_id).await;
        // An error answer to a request that asked for compression may be compressed; one that
        // does not decompress is kept as received.
        let body = match headers.get(CONTENT_ENCODING) {
            Some(encoding) => {
                decompress(operation_id, status, encoding, body.clone()).unwrap_or(body)
            }
            None => body,
        };
        Err(Error::Api(Box::new(ApiError::new(
            operation_id,
            status,
            headers,
            body,
        ))))
    }
}

/// `scheme://host:port` of a URL: where a redirect leads, without the path and query (which
/// may name files).
fn redirect_origin(url: &reqwest::Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{}://{host}:{port}", url.scheme()),
        (Some(host), None) => format!("{}://{host}", url.scheme()),
        _ => url.scheme().to_owned(),
    }
}

/// Undoes the `Content-Encoding` of a buffered answer: `gzip` (or `x-gzip`) and `deflate`
/// (zlib, or raw deflate as some servers send it); `identity` or none leaves it as is.
///
/// # Errors
/// [`Error::Decode`], keeping the body as received, for another coding or corrupt data.
fn decompress(
    operation_id: &'static str,
    status: StatusCode,
    encoding: &HeaderValue,
    body: Bytes,
) -> crate::Result<Bytes> {
    use std::io::Read;
    let coding = encoding.to_str().unwrap_or("").trim().to_ascii_lowercase();
    let mut out = Vec::with_capacity(body.len().saturating_mul(4));
    let read = match coding.as_str() {
        "" | "identity" => return Ok(body),
        "gzip" | "x-gzip" => flate2::read::MultiGzDecoder::new(&body[..]).read_to_end(&mut out),
        "deflate" => match flate2::read::ZlibDecoder::new(&body[..]).read_to_end(&mut out) {
            Ok(read) => Ok(read),
            Err(_) => {
                out.clear();
                flate2::read::DeflateDecoder::new(&body[..]).read_to_end(&mut out)
            }
        },
        _ => Err(std::io::Error::other(format!(
            "the answer has a content coding this client does not read: `{coding}`"
        ))),
    };
    match read {
        Ok(_) => Ok(Bytes::from(out)),
        Err(error) => Err(Error::Decode {
            operation_id,
            status,
            body,
            source: Box::new(error),
        }),
    }
}

/// Reads up to [`ERROR_BODY_LIMIT`] bytes of an error answer; a read failure keeps what arrived.
async fn read_error_body(
    response: reqwest::Response,
    read_timeout: Duration,
    operation_id: &'static str,
) -> Bytes {
    let mut stream = IdleTimeoutStream::of_response(response, read_timeout, operation_id);
    let mut body = BytesMut::new();
    while let Some(Ok(chunk)) = stream.next().await {
        let room = ERROR_BODY_LIMIT - body.len();
        body.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if body.len() >= ERROR_BODY_LIMIT {
            break;
        }
    }
    body.freeze()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Client;

    fn request(template: &'static str) -> OperationRequest {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9/api/")
            .api_key("secret-key")
            .build()
            .unwrap();
        client.request("testOperation", Method::GET, template)
    }

    #[test]
    fn path_parameters_are_one_encoded_segment() {
        let mut req = request("/projects/{projectId}/files/{fileName}");
        req.path_param("projectId", "abc");
        req.path_param("fileName", "a/b c.dcm");
        assert_eq!(
            req.url().unwrap().as_str(),
            "http://127.0.0.1:9/api/projects/abc/files/a%2Fb%20c.dcm"
        );
        let mut req = request("/files/{name}");
        req.path_param("name", "scan é #1?%.dcm");
        assert_eq!(
            req.url().unwrap().path(),
            "/api/files/scan%20%C3%A9%20%231%3F%25.dcm"
        );
    }

    #[test]
    fn empty_and_missing_path_parameters_are_errors() {
        let mut req = request("/projects/{projectId}");
        req.path_param("projectId", "");
        let error = req.error.unwrap();
        assert!(error.to_string().contains("testOperation"));
        assert!(error.to_string().contains("`projectId` is empty"));
        let req = request("/projects/{projectId}");
        assert!(
            req.url()
                .unwrap_err()
                .to_string()
                .contains("`projectId` was not set")
        );
        let mut req = request("/files/{name}");
        req.path_param("name", "..");
        assert!(req.error.is_some());
    }

    #[test]
    fn query_values_and_lists() {
        let mut req = request("/jobs");
        req.query("limit", &10);
        req.query("limit", &20);
        req.query_list("states", ["pending", "cancelled"]);
        req.query("exhaustive", &true);
        req.fixed_query("ticket", "");
        req.query("filter", "label=a b&c");
        let when = chrono::DateTime::parse_from_rfc3339("2024-05-01T12:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        req.query("after", &when);
        assert_eq!(
            req.url().unwrap().query(),
            Some(
                "limit=20&states=pending&states=cancelled&exhaustive=true&ticket=&filter=label%3Da+b%26c&after=2024-05-01T12%3A00%3A00Z"
            )
        );
        assert!(req.has_query("ticket"));
        assert!(!req.has_query("page"));
    }

    #[test]
    fn param_values() {
        assert_eq!(false.to_param(), "false");
        assert_eq!((-3i64).to_param(), "-3");
        assert_eq!(2.5f64.to_param(), "2.5");
        assert_eq!(serde_json::json!({"a": 1}).to_param(), r#"{"a":1}"#);
        assert_eq!((&&"x").to_param(), "x");
    }

    #[test]
    fn accept_features_merge_and_headers_replace() {
        let client = Client::builder()
            .base_url("http://127.0.0.1:9/api")
            .accept_features(["safe-redirect", "beta"])
            .build()
            .unwrap();
        let mut req = client.request("op", Method::GET, "/x");
        req.accept_features(["pagination", "beta"]);
        req.header("range", "bytes=0-1".to_owned());
        req.header("Range", "bytes=0-9".to_owned());
        req.header("content-type", "text/plain".to_owned());
        let headers = req.headers().unwrap();
        assert_eq!(headers[ACCEPT_FEATURE], "safe-redirect,beta,pagination");
        assert_eq!(headers["range"], "bytes=0-9");
        assert!(headers.get(CONTENT_TYPE).is_none());
        assert!(headers.get(AUTHORIZATION).is_none());
    }

    #[test]
    fn debug_hides_the_key_and_parameter_values() {
        let mut req = request("/files/{name}");
        req.json_body(&serde_json::json!({"label": "PATIENT"}));
        req.path_param("name", "PATIENT_1970.dcm");
        req.query("filter", "patient=DOE");
        let text = format!("{req:?}");
        assert!(!text.contains("secret-key"), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
        assert!(!text.contains("PATIENT") && !text.contains("DOE"), "{text}");
        assert!(text.contains("\"filter\""), "{text}");
    }
}
