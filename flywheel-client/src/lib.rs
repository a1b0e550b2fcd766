//! Async Rust client for the [Flywheel](https://flywheel.io) medical-imaging data platform.
//!
//! The crate has two layers: generated operation builders (one per API operation, in
//! [`operations`], with request and response models in [`types`]) and the hand-written runtime
//! they call, which this page describes: connecting ([`Client`]), building and sending calls
//! ([`OperationRequest`]), errors ([`Error`]), paging ([`Paginator`]), uploads ([`UploadFile`])
//! and downloads ([`Download`]).
//!
//! # Quick start
//!
//! Every documented Flywheel method is a method of [`Client`] (named in snake case:
//! `getAcquisition` is [`Client::get_acquisition`]) taking the required parameters; optional
//! parameters are setters on the builder it returns, and `.send().await` performs the call.
//!
//! ```no_run
//! use flywheel_client::types::JoinType;
//! use flywheel_client::{Client, UploadFile};
//!
//! # async fn example() -> flywheel_client::Result<()> {
//! // Connect: the API key string from your Flywheel profile, `HOST:KEY` or `HOST:PORT:KEY`
//! // (or `Client::from_env()` to read FLYWHEEL_API_KEY).
//! let client = Client::from_api_key("flywheel.example.org:0123456789abcdef")?;
//!
//! // Call: required parameters in the call, optional ones as setters.
//! let acquisition = client
//!     .get_acquisition("5f0c1ab2c3d4e5f60718293a")
//!     .join(JoinType::Origin)
//!     .send()
//!     .await?;
//! println!("{:?}", acquisition.label);
//!
//! // Stream: every project, fetched 250 at a time as the loop consumes them.
//! let mut projects = client.get_all_projects().into_stream();
//! while let Some(project) = projects.next().await {
//!     println!("{:?}", project?.label);
//! }
//!
//! // Upload: streamed from disk, file name sent exactly as given.
//! let file = UploadFile::from_path("/data/scan é #1.dcm");
//! client.upload_file_to_project("5f0c1ab2c3d4e5f60718293a", file).send().await?;
//!
//! // Download: streamed to a file, memory stays bounded.
//! let bytes = client
//!     .download_file_from_project("5f0c1ab2c3d4e5f60718293a", "scan é #1.dcm")
//!     .send()
//!     .await?
//!     .write_to_path("scan.dcm")
//!     .await?;
//!
//! // Errors keep the status and the server's message.
//! match client.get_project("000000000000000000000000").send().await {
//!     Err(error) if error.is_not_found() => println!("no such project: {error}"),
//!     other => println!("{:?}", other.map(|project| project.label)),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! An endpoint missing from the generated operations can be called through
//! [`Client::request`], which returns the same [`OperationRequest`] the generated builders use:
//!
//! ```no_run
//! use flywheel_client::{Client, http::Method};
//!
//! # async fn example(client: Client) -> flywheel_client::Result<()> {
//! let mut request = client.request("getProject", Method::GET, "/projects/{projectId}");
//! request.path_param("projectId", "5f0c1ab2c3d4e5f60718293a");
//! let project: serde_json::Value = request.send_json().await?;
//! # Ok(())
//! # }
//! ```
//!
//! # Cargo features
//!
//! - One feature per tag (`projects`, `files`, `acquisitions`, …), all on by default: the
//!   operations of that tag and the types only they use. A crate that needs only some tags
//!   turns the rest off (`default-features = false, features = ["projects", "files"]`) and
//!   compiles less.
//! - `serialize-responses` (off): derive `serde::Serialize` on the types only responses contain,
//!   to store or forward decoded answers. Types a request can contain always serialize.
//!
//! # What the runtime does for every call
//!
//! - **Authentication**: `Authorization: scitran-user KEY`, or `Bearer KEY` for a 57-character
//!   session token. The key never appears in `Debug` output, errors or traces, and is not
//!   forwarded when a redirect leads to another host (or port, or scheme).
//! - **Headers**: `User-Agent: flywheel-client/<version>`; one `x-accept-feature` header merging
//!   client defaults and per-call values; `Content-Type` only when there is a body.
//! - **Retries**: 429, 502, 503 and 504 answers and connection failures are retried with
//!   exponential backoff and jitter, honouring `Retry-After`, up to 5 attempts; only idempotent
//!   methods are retried after a status answer unless
//!   [`ClientBuilder::retry_non_idempotent`] is set, and a request whose body cannot be replayed
//!   is never retried.
//! - **Timeouts**: connect (10 s) and read (60 s of silence, not a limit on a whole transfer),
//!   plus an optional total timeout; see [`ClientBuilder`] and [`CallOptions`].
//! - **Redirects**: followed (up to 10), e.g. to signed storage URLs for downloads.
//! - **Tracing**: one `tracing` span `flywheel_request` per attempt with `operation_id`,
//!   `method`, `path_template`, `attempt`, `status` and `duration_ms`. Only path templates are
//!   recorded, never parameter values (file names may carry patient information) or the key.
//! - **Compression**: JSON and text answers are requested with `Accept-Encoding: gzip, deflate`
//!   and decompressed after reading. Downloads ask for no compression and are saved byte for
//!   byte as sent: a `.tar.gz` served with `Content-Encoding: gzip` stays a `.tar.gz`.
//!
//! # Decoding policy
//!
//! One odd value should not sink a whole answer (and with it a page of a stream), so every
//! generated type decodes by these rules, the ones the official Python SDK effectively follows.
//!
//! - **Missing, `null`, unknown**: a missing or `null` field is `None`; unknown fields are
//!   skipped; an enum value this client does not know is kept as `Unknown(text)`.
//! - **Integers** (`i64` fields) also take integral numbers written as floats (`1.0` is `1`)
//!   and strings holding a number (`"12"`, `"12.0"`). A fraction (`1.5`) or a value beyond 64
//!   bits fails.
//! - **Numbers** (`f64` fields) take any number, strings holding a number, and the non-finite
//!   values below.
//! - **Strings** (and string enums) also take numbers and booleans, as their JSON text (`1001`
//!   is `"1001"`, `1.0` is `"1.0"`, `true` is `"true"`). Objects and arrays fail.
//! - **Booleans** take `true`/`false`, `0`/`1` and the strings `"true"`/`"false"`.
//! - **Date-times** (`chrono::DateTime<Utc>`) take RFC 3339 (`2024-02-29T13:45:30.25Z`,
//!   `…+01:00`), the same with a space instead of the `T` or an offset without a colon
//!   (`+0100`), and date-times without an offset (`2024-02-29T13:45:30`, Python's
//!   `isoformat()` of a naive datetime), which are read as **UTC**. Anything else fails
//!   (the value is not guessed at).
//! - **Lists and maps** of the above apply the same rules to each element; a `null` element
//!   fails.
//! - **Non-finite numbers**: Python writes `NaN`, `Infinity` and `-Infinity` into JSON, which
//!   JSON does not allow. When an answer fails to parse, such literals outside strings are read
//!   as the strings `"NaN"`, `"Infinity"` and `"-Infinity"`: that is how they appear in free-form
//!   JSON (`info`), and `f64` fields turn them back into `f64::NAN`, `f64::INFINITY` and
//!   `f64::NEG_INFINITY`. Valid answers never pay for this scan.
//! - **Free-form JSON** (`info` and other `serde_json::Value` fields) is kept as sent: key order
//!   is preserved (this crate enables `serde_json`'s `preserve_order`), and nesting deeper than
//!   `serde_json`'s limit of 128 decodes (a body that hits the limit is decoded again without
//!   it, on a stack that grows as needed). Integers beyond 64 bits become `f64` (exact integers
//!   would need `serde_json`'s `arbitrary_precision`, which changes number handling for every
//!   crate in a build, so it is not enabled).
//! - **Empty answers**: an empty success body (a `204 No Content`, or a `200` with no body) on
//!   an operation that declares a JSON answer decodes as `{}` if the type accepts it (a struct
//!   with every field `None`, e.g. `DeletedResult::default()`), else as `[]`, else as `null`.
//! - **Unions** (`oneOf`) try the variants of the value's JSON kind, the struct that knows most
//!   of an object's keys first.
//! - **What still fails** is a value of a kind no rule above covers, such as an object where a
//!   string is expected. [`Error::Decode`] then names the operation, the JSON path of the
//!   value (`results[17].created`), the line and column, and for a union the variant that
//!   matched best and the path inside it. The policy's own messages never quote string values,
//!   which may be patient data.
#![deny(missing_docs)]

mod client;
mod download;
mod error;
mod pagination;
mod request;
mod retry;
mod timeout;
mod upload;

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask gen --check` guards it
mod generated;
/// Helpers the generated code shares (written by the generator's author, used only by `generated`).
mod support;
pub use generated::{operations, types};

pub use client::{
    API_KEY_ENV_VAR, Client, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_INITIAL_RETRY_DELAY,
    DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_DELAY, DEFAULT_READ_TIMEOUT,
};
pub use download::Download;
pub use error::{ApiError, Error, ErrorDetail, TransportKind, ValidationIssue};
pub use pagination::{DEFAULT_PAGE_LIMIT, PageCursor, Paginator};
pub use request::{CallOptions, OperationRequest, ParamValue, ResponseFuture};
pub use upload::UploadFile;

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Re-exported so callers can name HTTP methods, status codes and headers without adding the
/// `http` crate.
pub use http;
