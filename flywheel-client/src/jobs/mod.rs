//! Running gears and following their jobs: the everyday pipeline loop in a few lines.
//!
//! ```no_run
//! use flywheel_client::Client;
//! use flywheel_client::jobs::{ContainerRef, FileLocation};
//!
//! # async fn example(client: Client) -> Result<(), flywheel_client::jobs::JobError> {
//! let gear = client.gear("dcm2niix").await?;
//! let run = gear
//!     .run()
//!     .input("dcm2niix_input", FileLocation::acquisition("5f0c1ab2c3d4e5f60718293a", "scan.dicom.zip"))
//!     .config("compress_nifti", true)
//!     .destination(ContainerRef::acquisition("5f0c1ab2c3d4e5f60718293a"))
//!     .send()
//!     .await?;
//! let job = run.job().await?;
//! let finished = job.wait().expect_complete().await?;
//! job.write_logs_to(&mut tokio::io::stdout()).await?;
//! # let _ = finished;
//! # Ok(())
//! # }
//! ```
//!
//! - [`Gear`]: a gear document with its client; [`Client::gear`](crate::Client::gear) fetches
//!   one by id or name (`getGear`), [`Client::find_gear`](crate::Client::find_gear) finds the
//!   latest version by name (`getAllGears`).
//! - [`RunBuilder`] (`gear.run()`): inputs, config merged over the manifest's defaults and
//!   checked against its types before anything is sent, destination, tags, analysis label.
//!   Like the Python SDK's `gear.run`, an `analysis` gear creates an analysis with its job
//!   (`add<Container>Analysis?job=true`), any other gear a job (`addJob`).
//! - [`BatchBuilder`] (`gear.propose_batch(targets)`): a batch proposal (`proposeBatch`) that
//!   [`BatchProposal::run`] starts (`startBatch`).
//! - [`Job`]: a job id with its client; [`Job::wait`] polls (`getJob`) until a final state,
//!   [`Job::states`] streams state changes, [`Job::logs`] streams log entries (`getJobLogs`)
//!   while the job runs, [`Job::cancel`] and [`Job::retry`] act on it.
//!
//! Errors are [`JobError`]: validation errors name the gear and the input or config key (never
//! values: config values and file names may carry patient data); API errors wrap
//! [`crate::Error`]; a job that did not complete is [`JobError::NotComplete`], whose
//! [`JobFailure`] holds the final job and the last lines of its log.

mod follow;
mod run;

pub use follow::{
    DEFAULT_LOG_TAIL_LINES, Job, JobFailure, JobLogStream, JobStateStream, PollOptions, Wait,
};
pub use run::{AnalysisRun, ContainerRef, FileLocation, Gear, GearRun, RunBuilder};
#[cfg(feature = "batch")]
pub use run::{BatchBuilder, BatchProposal};

use std::time::Duration;

use crate::types::JobState;

/// Everything that can go wrong running a gear or following a job.
///
/// Messages name gears, input and config keys, container types and job ids, never config
/// values, file names or labels.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum JobError {
    /// A call failed: the server's answer (status and body kept) or the transport.
    #[error(transparent)]
    Api(#[from] crate::Error),
    /// The run sets an input the gear's manifest does not declare.
    #[error("gear `{gear}` has no input named `{input}`")]
    UnknownInput {
        /// Gear name.
        gear: String,
        /// Input name as given.
        input: String,
    },
    /// The run sets an input that Flywheel fills itself (a `context` or `api-key` input).
    #[error(
        "gear `{gear}`: input `{input}` is a `{base}` input, which Flywheel fills; it takes no file"
    )]
    InputNotAFile {
        /// Gear name.
        gear: String,
        /// Input name.
        input: String,
        /// The input's `base` in the manifest.
        base: String,
    },
    /// A file input the manifest requires (not `optional`) was not given.
    #[error("gear `{gear}`: required input `{input}` is missing")]
    MissingRequiredInput {
        /// Gear name.
        gear: String,
        /// Input name.
        input: String,
    },
    /// The run sets a config key the manifest does not declare.
    #[error("gear `{gear}` has no config key `{key}`")]
    UnknownConfigKey {
        /// Gear name.
        gear: String,
        /// Config key as given.
        key: String,
    },
    /// A config value has another JSON type than the manifest declares.
    #[error("gear `{gear}`: config `{key}` must be of type {expected}, got {found}")]
    ConfigType {
        /// Gear name.
        gear: String,
        /// Config key.
        key: String,
        /// The manifest's `type` (`string`, `integer`, `number`, `boolean`, `array`, `object`).
        expected: String,
        /// The JSON type of the value given.
        found: &'static str,
    },
    /// A config value is not among the manifest's `enum` values.
    #[error("gear `{gear}`: config `{key}` is not one of the values the manifest allows")]
    ConfigNotAllowed {
        /// Gear name.
        gear: String,
        /// Config key.
        key: String,
    },
    /// A config key without default and not `optional` was not given.
    #[error("gear `{gear}`: required config `{key}` has no default and was not given")]
    MissingRequiredConfig {
        /// Gear name.
        gear: String,
        /// Config key.
        key: String,
    },
    /// An analysis label was set for a gear whose category is not `analysis`.
    #[error("gear `{gear}` is not an analysis gear: an analysis label does not apply")]
    NotAnalysisGear {
        /// Gear name.
        gear: String,
    },
    /// An analysis gear was run without a destination container to hold the analysis.
    #[error("gear `{gear}` is an analysis gear: the run needs a destination container")]
    MissingDestination {
        /// Gear name.
        gear: String,
    },
    /// Analyses cannot be created on this container type (or its Cargo feature is off).
    #[error("cannot create an analysis on a `{container_type}` container")]
    UnsupportedDestination {
        /// The destination's container type.
        container_type: String,
    },
    /// A file object given as input lacks its name or parent container.
    #[error("the file given for input `{input}` has no name or no parent container reference")]
    IncompleteFile {
        /// Input name.
        input: String,
    },
    /// The gear document lacks a field the run needs (its `_id` or manifest).
    #[error("the gear document has no {field}")]
    IncompleteGear {
        /// The missing field.
        field: &'static str,
    },
    /// No gear has this name (`getAllGears` filtered by `gear.name`).
    #[error("no gear named `{name}`")]
    GearNotFound {
        /// The name searched.
        name: String,
    },
    /// The server answered a creating call without the new object's id.
    #[error("{operation}: the answer has no id")]
    MissingId {
        /// Operation id.
        operation: &'static str,
    },
    /// The job reached no final state within the timeout.
    #[error("job {job_id} reached no final state within {timeout:?} (last state: {})", state_name(last_state.as_ref()))]
    Timeout {
        /// Job id.
        job_id: String,
        /// The timeout.
        timeout: Duration,
        /// The state seen last, if any.
        last_state: Option<JobState>,
    },
    /// The job ended `failed` or `cancelled` (from [`Wait::expect_complete`]). The failure
    /// reason and log lines are in the [`JobFailure`], not in the message.
    #[error("job {} ended {}", .0.job_id(), state_name(.0.state()))]
    NotComplete(Box<JobFailure>),
    /// Writing log text to the caller's writer failed.
    #[error("writing the job log failed")]
    Write(#[source] std::io::Error),
}

impl JobError {
    /// The failed job's details when this is [`JobError::NotComplete`].
    pub fn failure(&self) -> Option<&JobFailure> {
        match self {
            JobError::NotComplete(failure) => Some(failure),
            _ => None,
        }
    }
}

fn state_name(state: Option<&JobState>) -> &str {
    state.map_or("unknown", JobState::as_str)
}

/// Whether `state` is final: `complete`, `failed` or `cancelled`.
pub fn is_final(state: &JobState) -> bool {
    matches!(
        state,
        JobState::Complete | JobState::Failed | JobState::Cancelled
    )
}
