//! Retrying transient failures: which ones, how often, how long to wait.
//!
//! A failed attempt is retried when all of these hold:
//! - the failure is transient: an answer with status 429, 502, 503 or 504, or a connection that
//!   could not be established ([`Error::is_retryable`]);
//! - for a status answer, the method is idempotent (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) or
//!   `retry_non_idempotent` is on; a connection failure is retried for every method, since the
//!   server never saw the request;
//! - the request body can be sent again (no [`UploadFile::from_reader`](crate::UploadFile::from_reader) part);
//! - attempts remain (`max_attempts`, default 5) and the pause ends before the call's total
//!   timeout, if one is set.
//!
//! The pause is exponential backoff with jitter (via `backon`): `initial_retry_delay` (500 ms),
//! doubling per retry, plus up to 100 % random jitter. A `Retry-After` header replaces the
//! computed pause, in every form RFC 9110 asks recipients to accept: delay-seconds or an HTTP
//! date (IMF-fixdate, or the obsolete RFC 850 and asctime forms). Every pause is capped by
//! `max_retry_delay` (30 s).
//!
//! Each retry is logged as a `tracing` warning naming the operation id and path template (never
//! the URL or parameter values), the attempt and the pause.

use std::future::Future;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant, SystemTime};

use backon::{ExponentialBuilder, Retryable};
use http::{HeaderMap, Method};

use crate::error::{Error, TransportKind};
use crate::settings::CallSettings;

/// Whether a method may be repeated without changing the outcome (RFC 9110 §9.2.2).
pub(crate) fn is_idempotent(method: &Method) -> bool {
    matches!(
        *method,
        Method::GET | Method::HEAD | Method::PUT | Method::DELETE | Method::OPTIONS | Method::TRACE
    )
}

/// The pause a `Retry-After` header asks for: delay-seconds (a number too large for `u64` is
/// the longest pause) or an HTTP date in any of the three RFC 9110 forms (a date in the past
/// gives zero). `None` when absent or unparsable.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = headers
        .get(http::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return Some(
            text.parse::<u64>()
                .map_or(Duration::MAX, Duration::from_secs),
        );
    }
    let date = httpdate::parse_http_date(text).ok()?;
    Some(date.duration_since(now).unwrap_or(Duration::ZERO))
}

/// What one call allows.
#[derive(Debug)]
pub(crate) struct RetryPolicy {
    pub(crate) operation_id: &'static str,
    pub(crate) path_template: &'static str,
    pub(crate) settings: CallSettings,
    /// The method is idempotent, or the caller allowed retrying it.
    pub(crate) status_retry_allowed: bool,
    /// The body can be sent again.
    pub(crate) replayable: bool,
    /// The end of the call's total timeout.
    pub(crate) deadline: Option<Instant>,
}

impl RetryPolicy {
    pub(crate) fn new(
        operation_id: &'static str,
        path_template: &'static str,
        method: &Method,
        settings: CallSettings,
        replayable: bool,
        deadline: Option<Instant>,
    ) -> RetryPolicy {
        RetryPolicy {
            operation_id,
            path_template,
            settings,
            status_retry_allowed: is_idempotent(method) || settings.retry_non_idempotent,
            replayable,
            deadline,
        }
    }

    /// What [`run`](Self::run) decides for a failure: retried when the body is replayable and
    /// the failure is one an API call may retry.
    #[cfg(test)]
    fn should_retry(&self, error: &Error) -> bool {
        self.replayable && self.api_call_retryable(error)
    }

    /// Whether an API call's failure is worth another attempt (the body being replayable
    /// aside): a retryable status where the method allows it, or a failed connection.
    fn api_call_retryable(&self, error: &Error) -> bool {
        match error {
            Error::Api(api) => {
                self.status_retry_allowed && crate::error::is_retryable_status(api.status())
            }
            Error::Transport { kind, .. } => *kind == TransportKind::Connect,
            _ => false,
        }
    }

    /// The pause before the next attempt: the server's `Retry-After` or the backoff, capped;
    /// `None` (give up) when backoff is exhausted or the pause would outlast the deadline.
    fn pause(&self, error: &Error, backoff: Option<Duration>) -> Option<Duration> {
        let backoff = backoff?;
        let wanted = error
            .api_error()
            .and_then(|api| retry_after(api.headers(), SystemTime::now()))
            .unwrap_or(backoff);
        let pause = wanted.min(self.settings.max_retry_delay);
        if let Some(deadline) = self.deadline {
            match Instant::now().checked_add(pause) {
                Some(resume) if resume < deadline => {}
                _ => return None,
            }
        }
        Some(pause)
    }

    /// Runs `attempt(1)`, `attempt(2)`, … until one succeeds, a failure is not retryable, or the
    /// policy gives up; returns the last outcome.
    pub(crate) async fn run<T, F, Fut>(&self, attempt: F) -> crate::Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = crate::Result<T>>,
    {
        self.run_when(|error| self.api_call_retryable(error), attempt)
            .await
    }

    /// As [`run`](Self::run), with `retryable` deciding which failures are tried again (when
    /// the body is replayable): for exchanges that are not API calls, such as `PUT`s to
    /// storage.
    pub(crate) async fn run_when<T, F, Fut, W>(
        &self,
        retryable: W,
        mut attempt: F,
    ) -> crate::Result<T>
    where
        F: FnMut(u32) -> Fut,
        Fut: Future<Output = crate::Result<T>>,
        W: Fn(&Error) -> bool,
    {
        let retries = self.settings.max_attempts.max(1) - 1;
        let backoff = ExponentialBuilder::new()
            .with_jitter()
            .with_factor(2.0)
            .with_min_delay(self.settings.initial_retry_delay)
            .with_max_delay(self.settings.max_retry_delay)
            .with_max_times(retries as usize);
        let attempts = AtomicU32::new(0);
        (|| attempt(attempts.fetch_add(1, Ordering::Relaxed) + 1))
            .retry(backoff)
            .when(|error| self.replayable && retryable(error))
            .adjust(|error, backoff| self.pause(error, backoff))
            .notify(|error, pause| {
                tracing::warn!(
                    operation_id = self.operation_id,
                    path_template = self.path_template,
                    attempt = attempts.load(Ordering::Relaxed),
                    pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
                    error = %error,
                    "retrying after a transient failure"
                );
            })
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            http::header::RETRY_AFTER,
            HeaderValue::from_str(value).unwrap(),
        );
        headers
    }

    #[test]
    fn retry_after_seconds_and_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_470); // 07:27:50 GMT
        assert_eq!(
            retry_after(&headers(" 3 "), now),
            Some(Duration::from_secs(3))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:28:00 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("Wed, 21 Oct 2015 07:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        // The obsolete forms RFC 9110 still asks recipients to accept.
        assert_eq!(
            retry_after(&headers("Wednesday, 21-Oct-15 07:28:00 GMT"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("Wed Oct 21 07:28:00 2015"), now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            retry_after(&headers("99999999999999999999999"), now),
            Some(Duration::MAX)
        );
        assert_eq!(retry_after(&headers("-3"), now), None);
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn idempotent_methods() {
        for method in [Method::GET, Method::PUT, Method::DELETE, Method::HEAD] {
            assert!(is_idempotent(&method));
        }
        assert!(!is_idempotent(&Method::POST));
        assert!(!is_idempotent(&Method::PATCH));
    }

    #[test]
    fn pauses_are_capped_and_respect_the_deadline() {
        let settings = CallSettings {
            read_timeout: Duration::from_secs(60),
            timeout: None,
            max_attempts: 5,
            max_retry_delay: Duration::from_secs(2),
            initial_retry_delay: Duration::from_millis(10),
            retry_non_idempotent: false,
        };
        let error = Error::Api(Box::new(crate::error::ApiError::new(
            "op",
            http::StatusCode::TOO_MANY_REQUESTS,
            headers("120"),
            bytes::Bytes::new(),
        )));
        let policy = RetryPolicy::new("op", "/x", &Method::GET, settings, true, None);
        assert!(policy.should_retry(&error));
        assert_eq!(
            policy.pause(&error, Some(Duration::from_millis(10))),
            Some(Duration::from_secs(2))
        );
        assert_eq!(policy.pause(&error, None), None);
        let soon = Some(Instant::now() + Duration::from_secs(1));
        let policy = RetryPolicy::new("op", "/x", &Method::GET, settings, true, soon);
        assert_eq!(policy.pause(&error, Some(Duration::from_millis(10))), None);
        let unbounded = CallSettings {
            max_retry_delay: Duration::MAX,
            ..settings
        };
        let huge = Error::Api(Box::new(crate::error::ApiError::new(
            "op",
            http::StatusCode::SERVICE_UNAVAILABLE,
            headers(&u64::MAX.to_string()),
            bytes::Bytes::new(),
        )));
        let policy = RetryPolicy::new("op", "/x", &Method::GET, unbounded, true, soon);
        assert_eq!(policy.pause(&huge, Some(Duration::from_millis(10))), None);
        let post = RetryPolicy::new("op", "/x", &Method::POST, settings, true, None);
        assert!(!post.should_retry(&error));
        let reader = RetryPolicy::new("op", "/x", &Method::GET, settings, false, None);
        assert!(!reader.should_retry(&error));
    }
}
