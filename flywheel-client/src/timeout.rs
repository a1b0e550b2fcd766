//! The read (idle) timeout: how long the server may stay silent.
//!
//! `reqwest` has a client-wide read timeout, but it starts counting when a request is sent and is
//! not reset while a request body is uploaded, so it would cut off any upload longer than the
//! timeout; it cannot be set per call either. This module measures silence itself: before the
//! response arrives, from the last chunk of request body handed to the connection; afterwards,
//! between two chunks of response body.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use futures_core::Stream;
// tokio's clock (not std's), so the timeout follows the runtime's time, paused time included.
use tokio::time::{Instant, Sleep};

use crate::error::Error;

/// When a request last made progress: created when an attempt starts, touched each time a chunk
/// of the request body is taken by the connection.
#[derive(Debug)]
pub(crate) struct Activity {
    start: Instant,
    /// Nanoseconds from `start` to the last progress.
    last_nanos: AtomicU64,
}

impl Activity {
    pub(crate) fn new() -> Arc<Activity> {
        Arc::new(Activity {
            start: Instant::now(),
            last_nanos: AtomicU64::new(0),
        })
    }

    /// Records progress now.
    pub(crate) fn touch(&self) {
        let nanos = u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.last_nanos.fetch_max(nanos, Ordering::Relaxed);
    }

    fn last(&self) -> Instant {
        self.start + Duration::from_nanos(self.last_nanos.load(Ordering::Relaxed))
    }
}

/// `from + after`, or `None` when that cannot be represented (e.g. `Duration::MAX`): no timeout
/// then, and no timer either (a far-away timer would still be reached at once by a runtime with
/// paused time, which jumps to the next timer whenever it waits for I/O).
fn deadline_after(from: Instant, after: Duration) -> Option<Instant> {
    from.checked_add(after)
}

/// Runs `future` until it completes, or until `activity` has seen no progress for `idle`
/// (`None`).
pub(crate) async fn until_idle<F: Future>(
    future: F,
    idle: Duration,
    activity: &Activity,
) -> Option<F::Output> {
    let future = std::pin::pin!(future);
    let mut future = future;
    loop {
        let Some(deadline) = deadline_after(activity.last(), idle) else {
            return Some(future.await);
        };
        tokio::select! {
            biased;
            output = &mut future => return Some(output),
            () = tokio::time::sleep_until(deadline) => {
                if deadline_after(activity.last(), idle).is_some_and(|d| d <= Instant::now()) {
                    return None;
                }
            }
        }
    }
}

/// A boxed stream of response body chunks, as `reqwest` yields them.
pub(crate) type ChunkStream = Pin<Box<dyn Stream<Item = reqwest::Result<Bytes>> + Send>>;

/// A response body stream that fails with [`Error::ReadTimeout`] when no chunk arrives for the
/// read timeout, and maps transport errors to [`Error`]. Ends after the first error.
pub(crate) struct IdleTimeoutStream {
    inner: ChunkStream,
    idle: Duration,
    /// `None` when the timeout is too long to represent.
    sleep: Option<Pin<Box<Sleep>>>,
    operation_id: &'static str,
    finished: bool,
}

impl IdleTimeoutStream {
    pub(crate) fn new(inner: ChunkStream, idle: Duration, operation_id: &'static str) -> Self {
        IdleTimeoutStream {
            inner,
            idle,
            sleep: deadline_after(Instant::now(), idle)
                .map(|deadline| Box::pin(tokio::time::sleep_until(deadline))),
            operation_id,
            finished: false,
        }
    }

    /// The body of `response`, with the idle timeout.
    pub(crate) fn of_response(
        response: reqwest::Response,
        idle: Duration,
        operation_id: &'static str,
    ) -> Self {
        IdleTimeoutStream::new(Box::pin(response.bytes_stream()), idle, operation_id)
    }
}

impl Stream for IdleTimeoutStream {
    type Item = crate::Result<Bytes>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.finished {
            return Poll::Ready(None);
        }
        // The body first: data that is ready wins over a timer that fired at the same time.
        match this.inner.as_mut().poll_next(cx) {
            Poll::Ready(Some(Ok(chunk))) => {
                if let (Some(sleep), Some(next)) = (
                    this.sleep.as_mut(),
                    deadline_after(Instant::now(), this.idle),
                ) {
                    sleep.as_mut().reset(next);
                }
                Poll::Ready(Some(Ok(chunk)))
            }
            Poll::Ready(Some(Err(error))) => {
                this.finished = true;
                Poll::Ready(Some(Err(Error::transport(this.operation_id, error))))
            }
            Poll::Ready(None) => {
                this.finished = true;
                Poll::Ready(None)
            }
            Poll::Pending => match this.sleep.as_mut().map(|sleep| sleep.as_mut().poll(cx)) {
                Some(Poll::Ready(())) => {
                    this.finished = true;
                    Poll::Ready(Some(Err(Error::ReadTimeout {
                        operation_id: this.operation_id,
                        idle: this.idle,
                    })))
                }
                Some(Poll::Pending) | None => Poll::Pending,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn progress_postpones_the_idle_timeout() {
        let activity = Activity::new();
        let toucher = {
            let activity = Arc::clone(&activity);
            async move {
                for _ in 0..6 {
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    activity.touch();
                }
            }
        };
        let work = async {
            toucher.await;
            "done"
        };
        // 300 ms of work with progress every 50 ms passes a 200 ms idle timeout.
        let output = until_idle(work, Duration::from_millis(200), &activity).await;
        assert_eq!(output, Some("done"));

        let silent = Activity::new();
        let stalled = until_idle(
            tokio::time::sleep(Duration::from_secs(5)),
            Duration::from_millis(50),
            &silent,
        )
        .await;
        assert_eq!(stalled, None);
    }

    #[tokio::test]
    async fn huge_timeouts_do_not_overflow() {
        let activity = Activity::new();
        let output = until_idle(async { 7 }, Duration::MAX, &activity).await;
        assert_eq!(output, Some(7));
    }
}
