//! Following a job: [`Job`] with waiting, state and log streams, cancel and retry.

use std::collections::VecDeque;
use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_core::Stream;
use tokio::io::{AsyncWrite, AsyncWriteExt};
use tokio::time::Instant;

use super::{JobError, is_final};
use crate::Client;
use crate::types::{JobLog, JobModify, JobOutput, JobState};

/// Log lines a [`JobFailure`] keeps by default.
pub const DEFAULT_LOG_TAIL_LINES: usize = 20;

/// How a [`Job`] is polled while it runs.
///
/// The first poll happens at once; then the pause starts at [`interval`](Self::interval)
/// (default 1 s) and doubles after each poll that brings nothing new, up to
/// [`max_interval`](Self::max_interval) (default 30 s); it falls back to `interval` whenever
/// the state changes or new log entries arrive. [`timeout`](Self::timeout) (default: none) bounds
/// the whole wait; the last poll happens at the deadline. Time is tokio's, so tests with paused
/// time run without waiting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollOptions {
    interval: Duration,
    max_interval: Duration,
    timeout: Option<Duration>,
}

impl Default for PollOptions {
    fn default() -> Self {
        PollOptions {
            interval: Duration::from_secs(1),
            max_interval: Duration::from_secs(30),
            timeout: None,
        }
    }
}

impl PollOptions {
    /// The defaults: 1 s, doubling up to 30 s, no timeout.
    pub fn new() -> PollOptions {
        PollOptions::default()
    }

    /// First pause between two polls (and the pause after a change); at least 10 ms.
    pub fn interval(mut self, interval: Duration) -> Self {
        let interval = interval.max(Duration::from_millis(10));
        self.interval = interval;
        self.max_interval = self.max_interval.max(interval);
        self
    }

    /// Longest pause between two polls.
    pub fn max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval.max(self.interval);
        self
    }

    /// Gives up with [`JobError::Timeout`] when the job has not reached a final state this long
    /// after the first poll.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// A job on the server: its id, the client and how to poll it. Cheap to clone.
///
/// Get one from [`Client::job`], from a gear run ([`GearRun::job`](super::GearRun::job)) or a
/// batch run.
#[derive(Clone, Debug)]
pub struct Job {
    client: Client,
    id: String,
    poll: PollOptions,
}

impl Client {
    /// A handle on the job `job_id` (no request is sent): wait for it, follow its state and
    /// logs, cancel or retry it. See [`crate::jobs`].
    pub fn job(&self, job_id: impl Into<String>) -> Job {
        Job {
            client: self.clone(),
            id: job_id.into(),
            poll: PollOptions::default(),
        }
    }
}

impl Job {
    /// The job id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// This handle with other polling settings for [`wait`](Self::wait),
    /// [`states`](Self::states) and [`logs`](Self::logs).
    pub fn with_polling(mut self, poll: PollOptions) -> Self {
        self.poll = poll;
        self
    }

    /// The polling settings.
    pub fn polling(&self) -> &PollOptions {
        &self.poll
    }

    /// Fetches the job (`getJob`).
    pub async fn get(&self) -> Result<JobOutput, JobError> {
        Ok(self.client.get_job(&self.id).send().await?)
    }

    /// Waits until the job is `complete`, `failed` or `cancelled` and returns it; polls
    /// `getJob` as [`PollOptions`] says. Await the returned [`Wait`] (after setting
    /// [`timeout`](Wait::timeout) or [`expect_complete`](Wait::expect_complete) if wanted).
    pub fn wait(&self) -> Wait {
        Wait {
            job: self.clone(),
            expect_complete: false,
            tail_lines: DEFAULT_LOG_TAIL_LINES,
        }
    }

    /// A stream of the job each time its state changes: the first poll's answer, then one item
    /// per change, ending after a final state. A timeout yields [`JobError::Timeout`] and ends
    /// the stream; so does any failed call.
    pub fn states(&self) -> JobStateStream {
        let state = StatesState {
            poller: Poller::new(self.clone()),
            last_state: None,
            yielded_any: false,
            done: false,
        };
        JobStateStream {
            inner: Box::pin(futures_util::stream::unfold(state, next_state)),
        }
    }

    /// A stream of the job's log entries (`getJobLogs`), following the log while the job
    /// runs: each poll fetches the job's state and then its log, and yields the entries not
    /// yielded before, so nothing is repeated or skipped. Ends once the log has been read after
    /// the job reached a final state (at once for a finished job). Polls as [`PollOptions`]
    /// says; a timeout yields [`JobError::Timeout`].
    ///
    /// An entry's `msg` is a chunk of the output stream `fd` (1 stdout, 2 stderr), usually one
    /// line with its newline.
    pub fn logs(&self) -> JobLogStream {
        let state = LogsState {
            poller: Poller::new(self.clone()),
            seen: 0,
            pending: VecDeque::new(),
            last_state: None,
            finished: false,
        };
        JobLogStream {
            inner: Box::pin(futures_util::stream::unfold(state, next_log)),
        }
    }

    /// Follows the log as [`logs`](Self::logs) does and writes each entry's text to `writer`
    /// (then flushes it); returns the number of bytes written.
    ///
    /// # Errors
    /// As [`logs`](Self::logs), plus [`JobError::Write`] when the writer fails.
    pub async fn write_logs_to<W: AsyncWrite + Unpin + ?Sized>(
        &self,
        writer: &mut W,
    ) -> Result<u64, JobError> {
        let mut logs = self.logs();
        let mut written = 0u64;
        while let Some(entry) = std::future::poll_fn(|cx| Pin::new(&mut logs).poll_next(cx)).await {
            let msg = entry?.msg;
            writer
                .write_all(msg.as_bytes())
                .await
                .map_err(JobError::Write)?;
            written += msg.len() as u64;
        }
        writer.flush().await.map_err(JobError::Write)?;
        Ok(written)
    }

    /// The last `lines` lines of the job's log as it is now (one `getJobLogs` call), without
    /// line ends.
    pub async fn last_log_lines(&self, lines: usize) -> Result<Vec<String>, JobError> {
        let record = self.client.get_job_logs(&self.id).send().await?;
        let text: String = record
            .logs
            .unwrap_or_default()
            .into_iter()
            .map(|entry| entry.msg)
            .collect();
        let all: Vec<&str> = text.lines().collect();
        let start = all.len().saturating_sub(lines);
        Ok(all[start..].iter().map(|line| (*line).to_owned()).collect())
    }

    /// Cancels the job: `modifyJob` with state `cancelled` (the SDK's
    /// `change_job_state(id, "cancelled")`). The server refuses jobs that are not `pending` or
    /// `running`.
    pub async fn cancel(&self) -> Result<(), JobError> {
        self.client
            .modify_job(&self.id, cancel_body())
            .send()
            .await?;
        Ok(())
    }

    /// Retries the job (`retryJob`): the server queues a new attempt as a new job, returned
    /// with this handle's polling settings.
    pub async fn retry(&self) -> Result<Job, JobError> {
        let inserted = self.client.retry_job(&self.id).send().await?;
        let id = inserted.id.ok_or(JobError::MissingId {
            operation: "retryJob",
        })?;
        Ok(Job {
            client: self.client.clone(),
            id,
            poll: self.poll.clone(),
        })
    }
}

/// The one place a `JobModify` body is built.
fn cancel_body() -> JobModify {
    JobModify::new(JobState::Cancelled)
}

/// A job that ended without completing: the final job and the end of its log.
#[derive(Debug, Clone)]
pub struct JobFailure {
    /// The job as last fetched: `state` is `failed` or `cancelled`; `failure_reason`,
    /// `transitions` (state change times) and `profile` (timings) tell more.
    pub job: JobOutput,
    /// The last lines of the job's log (up to [`Wait::log_tail_lines`], default 20), without
    /// line ends; empty when the log could not be read. May name patient files, so handle
    /// like the data.
    pub last_log_lines: Vec<String>,
}

impl JobFailure {
    /// The job id.
    pub fn job_id(&self) -> &str {
        self.job.id.as_deref().unwrap_or("?")
    }

    /// The final state (`failed` or `cancelled`).
    pub fn state(&self) -> Option<&JobState> {
        self.job.state.as_ref()
    }

    /// The server's failure reason, if it gave one (e.g. `gear_failure`, `timeout`).
    pub fn failure_reason(&self) -> Option<&str> {
        self.job.failure_reason.as_deref()
    }
}

/// Waiting for a job ([`Job::wait`]): await it for the final [`JobOutput`].
#[must_use = "a wait does nothing until awaited"]
#[derive(Debug)]
pub struct Wait {
    job: Job,
    expect_complete: bool,
    tail_lines: usize,
}

impl Wait {
    /// Gives up with [`JobError::Timeout`] after this long (overrides [`PollOptions::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.job.poll.timeout = Some(timeout);
        self
    }

    /// Polling settings for this wait.
    pub fn polling(mut self, poll: PollOptions) -> Self {
        self.job.poll = poll;
        self
    }

    /// Fails with [`JobError::NotComplete`] unless the job ends `complete`; the error's
    /// [`JobFailure`] holds the final job and the end of its log (one more `getJobLogs` call).
    pub fn expect_complete(mut self) -> Self {
        self.expect_complete = true;
        self
    }

    /// How many log lines a [`JobFailure`] keeps (default [`DEFAULT_LOG_TAIL_LINES`]).
    pub fn log_tail_lines(mut self, lines: usize) -> Self {
        self.tail_lines = lines;
        self
    }

    async fn run(self) -> Result<JobOutput, JobError> {
        let mut states = self.job.states();
        let mut last = None;
        while let Some(item) = std::future::poll_fn(|cx| Pin::new(&mut states).poll_next(cx)).await
        {
            last = Some(item?);
        }
        // The stream ends only after a final state or an error, both handled above.
        let job = last.ok_or(JobError::MissingId {
            operation: "getJob",
        })?;
        if self.expect_complete && job.state != Some(JobState::Complete) {
            // The failure is the news: a log that cannot be read (none kept, a 404) leaves the
            // tail empty rather than hiding the job's state behind the log's error.
            let last_log_lines = self
                .job
                .last_log_lines(self.tail_lines)
                .await
                .unwrap_or_default();
            return Err(JobError::NotComplete(Box::new(JobFailure {
                job,
                last_log_lines,
            })));
        }
        Ok(job)
    }
}

impl IntoFuture for Wait {
    type Output = Result<JobOutput, JobError>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.run())
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, JobError>> + Send>>;

/// The stream of [`Job::states`]: the job at each state change, ending after a final state.
#[must_use = "streams do nothing unless polled"]
pub struct JobStateStream {
    inner: BoxStream<JobOutput>,
}

impl Stream for JobStateStream {
    type Item = Result<JobOutput, JobError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl JobStateStream {
    /// The next item; `None` after the final state.
    pub async fn next(&mut self) -> Option<Result<JobOutput, JobError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl fmt::Debug for JobStateStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobStateStream").finish_non_exhaustive()
    }
}

/// The stream of [`Job::logs`]: log entries in order, each once.
#[must_use = "streams do nothing unless polled"]
pub struct JobLogStream {
    inner: BoxStream<JobLog>,
}

impl Stream for JobLogStream {
    type Item = Result<JobLog, JobError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl JobLogStream {
    /// The next entry; `None` once the log of the finished job has been read.
    pub async fn next(&mut self) -> Option<Result<JobLog, JobError>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }
}

impl fmt::Debug for JobLogStream {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JobLogStream").finish_non_exhaustive()
    }
}

/// The pacing shared by the state and log streams.
struct Poller {
    job: Job,
    started: Option<Instant>,
    pause: Duration,
}

impl Poller {
    fn new(job: Job) -> Poller {
        let pause = job.poll.interval;
        Poller {
            job,
            started: None,
            pause,
        }
    }

    /// Waits before the next poll (not before the first). `Err` with the timeout error when
    /// the deadline has passed.
    async fn pace(&mut self, last_state: Option<&JobState>) -> Result<(), JobError> {
        let Some(started) = self.started else {
            self.started = Some(Instant::now());
            return Ok(());
        };
        let mut pause = self.pause;
        let timeout = self.job.poll.timeout;
        // A timeout too long to represent is none.
        if let Some((timeout, deadline)) =
            timeout.and_then(|timeout| Some((timeout, started.checked_add(timeout)?)))
        {
            let remaining = deadline.saturating_duration_since(Instant::now());
            if remaining.is_zero() {
                return Err(JobError::Timeout {
                    job_id: self.job.id.clone(),
                    timeout,
                    last_state: last_state.cloned(),
                });
            }
            pause = pause.min(remaining);
        }
        tokio::time::sleep(pause).await;
        self.pause = self.pause.saturating_mul(2).min(self.job.poll.max_interval);
        Ok(())
    }

    /// Something changed: poll again soon.
    fn changed(&mut self) {
        self.pause = self.job.poll.interval;
    }
}

struct StatesState {
    poller: Poller,
    last_state: Option<JobState>,
    /// The first poll always yields.
    yielded_any: bool,
    done: bool,
}

async fn next_state(mut s: StatesState) -> Option<(Result<JobOutput, JobError>, StatesState)> {
    if s.done {
        return None;
    }
    loop {
        if let Err(error) = s.poller.pace(s.last_state.as_ref()).await {
            s.done = true;
            return Some((Err(error), s));
        }
        let job = match s.poller.job.get().await {
            Ok(job) => job,
            Err(error) => {
                s.done = true;
                return Some((Err(error), s));
            }
        };
        let finished = job.state.as_ref().is_some_and(is_final);
        if finished || !s.yielded_any || job.state != s.last_state {
            s.poller.changed();
            s.yielded_any = true;
            s.last_state = job.state.clone();
            s.done = finished;
            return Some((Ok(job), s));
        }
    }
}

struct LogsState {
    poller: Poller,
    /// Entries yielded (or queued) so far: the log endpoint returns the whole log each time.
    seen: usize,
    pending: VecDeque<JobLog>,
    last_state: Option<JobState>,
    finished: bool,
}

async fn next_log(mut s: LogsState) -> Option<(Result<JobLog, JobError>, LogsState)> {
    loop {
        if let Some(entry) = s.pending.pop_front() {
            return Some((Ok(entry), s));
        }
        if s.finished {
            return None;
        }
        if let Err(error) = s.poller.pace(s.last_state.as_ref()).await {
            s.finished = true;
            return Some((Err(error), s));
        }
        // State first, log second: a log read after a final state was seen is complete.
        let state = match s.poller.job.get().await {
            Ok(job) => job.state,
            Err(error) => {
                s.finished = true;
                return Some((Err(error), s));
            }
        };
        let record = match s
            .poller
            .job
            .client
            .get_job_logs(&s.poller.job.id)
            .send()
            .await
        {
            Ok(record) => record,
            Err(error) => {
                s.finished = true;
                return Some((Err(error.into()), s));
            }
        };
        let entries = record.logs.unwrap_or_default();
        if entries.len() > s.seen {
            let count = entries.len();
            s.pending.extend(entries.into_iter().skip(s.seen));
            s.seen = count;
            s.poller.changed();
        }
        s.finished = state.as_ref().is_some_and(is_final);
        s.last_state = state;
    }
}
