//! Settings at the bottom of the crate: the defaults, [`CallSettings`] (what every call of a
//! client starts from) and [`CallOptions`] (per-call overrides). Depends on nothing else in the
//! crate, so the transport (`request`, `retry`, …) and [`Client`](crate::Client) can both use it.

use std::time::Duration;

/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read (idle) timeout.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Default number of attempts per call, the first one included.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 5;
/// Default upper bound of one pause between two attempts.
pub const DEFAULT_MAX_RETRY_DELAY: Duration = Duration::from_secs(30);
/// Default pause before the first retry (later pauses double, plus random jitter).
pub const DEFAULT_INITIAL_RETRY_DELAY: Duration = Duration::from_millis(500);
/// The `x-accept-feature` values every call sends unless
/// [`ClientBuilder::accept_features`](crate::ClientBuilder::accept_features) replaces them, spelled as the Flywheel SDK 20.0.0 sends
/// them.
///
/// `Safe-Redirect`: the client follows redirects to signed storage URLs without leaking
/// credentials. `multipart_signed_url`: an upload ticket may answer several signed URLs, one per
/// part of a multipart upload, which the file conveniences handle
/// ([`conveniences::files`](crate::conveniences::Container::upload_file)).
pub const DEFAULT_ACCEPT_FEATURES: &[&str] = &["Safe-Redirect", "multipart_signed_url"];

/// The settings every call starts from; [`CallOptions`] overrides them per call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallSettings {
    pub(crate) read_timeout: Duration,
    pub(crate) timeout: Option<Duration>,
    pub(crate) max_attempts: u32,
    pub(crate) max_retry_delay: Duration,
    pub(crate) initial_retry_delay: Duration,
    pub(crate) retry_non_idempotent: bool,
}

impl Default for CallSettings {
    fn default() -> Self {
        CallSettings {
            read_timeout: DEFAULT_READ_TIMEOUT,
            timeout: None,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            max_retry_delay: DEFAULT_MAX_RETRY_DELAY,
            initial_retry_delay: DEFAULT_INITIAL_RETRY_DELAY,
            retry_non_idempotent: false,
        }
    }
}

/// Per-call overrides of the client settings, passed with
/// [`OperationRequest::options`](crate::OperationRequest::options) (and the `.options(...)` setter of every generated builder).
/// Unset fields keep the client's value (see [`ClientBuilder`](crate::ClientBuilder) for
/// defaults).
///
/// The connect timeout is client-wide only ([`ClientBuilder::connect_timeout`](crate::ClientBuilder::connect_timeout)):
/// connections are pooled and shared by calls, and `reqwest` sets it per client. A call that
/// must give up sooner sets [`timeout`](Self::timeout), which covers connecting too.
///
/// ```
/// use std::time::Duration;
/// let options = flywheel_client::CallOptions::new()
///     .read_timeout(Duration::from_secs(300))
///     .max_attempts(1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[must_use]
pub struct CallOptions {
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    max_attempts: Option<u32>,
    max_retry_delay: Option<Duration>,
    retry_non_idempotent: Option<bool>,
}

impl CallOptions {
    /// No overrides.
    pub fn new() -> CallOptions {
        CallOptions::default()
    }

    /// A limit on the whole call: all attempts and pauses, up to the last byte of the response
    /// body (for a download, until the [`Download`](crate::Download) is consumed).
    pub fn timeout(mut self, timeout: Duration) -> CallOptions {
        self.timeout = Some(timeout);
        self
    }

    /// The longest silence of the server: waiting for the response after the request was sent,
    /// and between two chunks of a response body.
    pub fn read_timeout(mut self, timeout: Duration) -> CallOptions {
        self.read_timeout = Some(timeout);
        self
    }

    /// Attempts, the first included (`0` counts as 1, i.e. no retries).
    pub fn max_attempts(mut self, attempts: u32) -> CallOptions {
        self.max_attempts = Some(attempts);
        self
    }

    /// The longest pause between two attempts, including a server's `Retry-After`.
    pub fn max_retry_delay(mut self, delay: Duration) -> CallOptions {
        self.max_retry_delay = Some(delay);
        self
    }

    /// Whether a POST or PATCH is retried after a 429/502/503/504 answer.
    pub fn retry_non_idempotent(mut self, retry: bool) -> CallOptions {
        self.retry_non_idempotent = Some(retry);
        self
    }

    pub(crate) fn apply(&self, base: CallSettings) -> CallSettings {
        CallSettings {
            read_timeout: self.read_timeout.unwrap_or(base.read_timeout),
            timeout: self.timeout.or(base.timeout),
            max_attempts: self.max_attempts.unwrap_or(base.max_attempts),
            max_retry_delay: self.max_retry_delay.unwrap_or(base.max_retry_delay),
            initial_retry_delay: base.initial_retry_delay,
            retry_non_idempotent: self
                .retry_non_idempotent
                .unwrap_or(base.retry_non_idempotent),
        }
    }
}
