//! [`ResponseValue`], a decoded success answer together with its status and headers.

use std::fmt;
use std::ops::{Deref, DerefMut};

use http::{HeaderMap, StatusCode};

/// A decoded success answer with the status and headers it came with, from the generated
/// builders' `send_with_response()` (or [`OperationRequest::send_json_with_response`] and its
/// siblings).
///
/// It dereferences to the decoded value, so `response.label` reads a field directly;
/// [`into_inner`](ResponseValue::into_inner) takes the value out.
///
/// ```no_run
/// # async fn example(client: flywheel_client::Client) -> flywheel_client::Result<()> {
/// let response = client.get_project("5f0c1ab2c3d4e5f60718293a").send_with_response().await?;
/// println!("{} {:?}", response.status(), response.request_id());
/// let project = response.into_inner();
/// # Ok(())
/// # }
/// ```
///
/// [`OperationRequest::send_json_with_response`]: crate::OperationRequest::send_json_with_response
pub struct ResponseValue<T> {
    value: T,
    status: StatusCode,
    headers: HeaderMap,
}

impl<T> ResponseValue<T> {
    pub(crate) fn new(value: T, status: StatusCode, headers: HeaderMap) -> ResponseValue<T> {
        ResponseValue {
            value,
            status,
            headers,
        }
    }

    /// The HTTP status of the answer (a 2xx: error statuses are [`Error::Api`](crate::Error::Api)).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (`content-type`, `x-request-id`, …), after redirects.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The `x-request-id` header the Flywheel server sets on every answer, when it is present and
    /// text: quote it when reporting a problem to the site's administrators.
    pub fn request_id(&self) -> Option<&str> {
        self.headers
            .get("x-request-id")
            .and_then(|value| value.to_str().ok())
    }

    /// The decoded value, without status and headers.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The decoded value, status and headers, as parts.
    pub fn into_parts(self) -> (T, StatusCode, HeaderMap) {
        (self.value, self.status, self.headers)
    }
}

impl<T> Deref for ResponseValue<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for ResponseValue<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

/// Shows status, headers (values hidden except `content-type` and `x-request-id`, as a header
/// may carry anything) and the value.
impl<T: fmt::Debug> fmt::Debug for ResponseValue<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResponseValue")
            .field("status", &self.status)
            .field("request_id", &self.request_id())
            .field("header_count", &self.headers.len())
            .field("value", &self.value)
            .finish()
    }
}
