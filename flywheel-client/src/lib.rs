//! Async Rust client for the [Flywheel](https://flywheel.io) medical-imaging data platform.
//!
//! The crate has two layers: generated operation builders (one per API operation, in
//! [`operations`], with request and response models in [`types`]) and the hand-written runtime
//! they call, which this page describes: connecting ([`Client`]), building and sending calls
//! ([`OperationRequest`]), errors ([`Error`]), paging ([`Paginator`]), uploads ([`UploadFile`])
//! and downloads ([`Download`]). On top of the operations, [`jobs`] runs gears and follows
//! their jobs and logs.
//!
//! # Quick start
//!
//! Every documented Flywheel method is a method of [`Client`] (named in snake case:
//! `getAcquisition` is [`Client::get_acquisition`]) taking the required parameters; optional
//! parameters are setters on the builder it returns, and `.send().await` (or just `.await` on
//! the builder) performs the call. `.send_with_response().await` gives the decoded value together
//! with the status and headers ([`ResponseValue`]).
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
//! # Conveniences
//!
//! For everyday work the [`conveniences`] module adds what the Python SDK users reach for
//! first: finders (`client.projects().find_one(Filter::new().eq("label", "Study A"))`,
//! `project.sessions().stream(..)`), a [`Filter`](conveniences::Filter) builder that quotes
//! and escapes values, [`Client::get`], [`Client::lookup`] and [`Client::resolve`] typed by
//! container kind, and containers you can act on (tags, notes, `info`, children that come back
//! as objects). Its page maps the SDK's conveniences to this crate's.
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
//! # Request and response types
//!
//! The types in [`types`] come from the spec's schemas, and the spec marks the fields the
//! Flywheel SDK treats as required. The rule differs by direction:
//!
//! - **Request types** (those a request body or parameter can contain): required fields are
//!   plain values, not `Option`, and the type has a constructor `new` taking them and no
//!   `Default`, so a body without one does not compile. Optional fields are public `Option`s to
//!   set after construction.
//! - **Response types** stay tolerant: every field is an `Option`, and a response never fails to
//!   decode because a field is missing or `null` (old servers and projections omit fields). The
//!   fields a response normally carries (required in the reference) of string, number, boolean
//!   or list type also have a method of the same name that returns the value, or its empty
//!   value (`""`, `0`, `false`, `[]`) when the server left it out: `project.id()` reads the id
//!   of a fetched or created container without an `unwrap`. (A type that is both, like
//!   `Origin`, follows the request rule and decodes a missing required field as empty.)
//! - **Polymorphic answers** are enums chosen by a property of the object: `lookup_path` and
//!   `resolve_path` answer [`ResolverNode`](types::ResolverNode) (`Project`, `Session`, `File`,
//!   …, picked by `container_type`, or `node_type` when that is absent), and any other value is
//!   kept whole in its `Unknown` variant.
//! - **Pages** of a list operation are typed by their item: the page variant of
//!   [`AcquisitionListOutputListOrPage`](types::AcquisitionListOutputListOrPage) holds
//!   `results: Option<Vec<AcquisitionListOutput>>` (read with `.results()`).
//!
//! ```no_run
//! use flywheel_client::Client;
//! use flywheel_client::types::{ResolveInput, ResolverNode, SessionInput};
//!
//! # async fn example(client: Client) -> flywheel_client::Result<()> {
//! // project, label and subject are required to create a session; `age` is optional.
//! let mut session = SessionInput::new("5f0c1ab2c3d4e5f60718293a", "Baseline", "5f0c1ab2c3d4e5f60718293b");
//! session.age = Some(31_536_000);
//! let created = client.add_session(session).send().await?;
//! println!("new session {}", created.id());
//!
//! // A path lookup answers the container it found, as its own type.
//! let found = client
//!     .lookup_path(ResolveInput::new(vec!["my-group".to_owned(), "My Project".to_owned()]))
//!     .send()
//!     .await?;
//! if let ResolverNode::Project(project) = &found {
//!     println!("project {} ({:?})", project.id(), project.label);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! A request body missing a required field does not compile (here `SessionInput` without its
//! `project`, which has no `Default` to fill it in):
//!
//! ```compile_fail
//! use flywheel_client::types::SessionInput;
//! let session = SessionInput {
//!     label: "Baseline".to_owned(),
//!     subject: "5f0c1ab2c3d4e5f60718293b".into(),
//!     ..Default::default()
//! };
//! ```
//!
//! ```compile_fail
//! use flywheel_client::types::SessionInput;
//! let session = SessionInput::new("Baseline", "5f0c1ab2c3d4e5f60718293b");
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
//! - **Headers**: `User-Agent: flywheel-client/<version>`; `Accept` with the media type the
//!   operation produces (`application/json`, `application/octet-stream` for the downloads,
//!   `application/javascript` for `getConfigJs`); one `x-accept-feature` header merging client
//!   defaults ([`DEFAULT_ACCEPT_FEATURES`]: `Safe-Redirect,multipart_signed_url`, as the
//!   Flywheel SDK sends them) and per-call values (`x_accept_feature` setters take
//!   [`types::HeaderFeature`] or any string); `Content-Type` only when there is a body.
//! - **The SDK's defaults**: where the Flywheel SDK sends a parameter the caller did not set,
//!   the generated method does too, and the setter replaces it: `job=true` on the five
//!   `add*Analysis` methods, `inflate_job=true` on `get_analysis`, `simple=true` and
//!   `size=100` on `search` (the spec's `x-flywheel-client-default`).
//! - **Download tickets**: a `get*DownloadTicket` method answers a ticket id; the matching
//!   `download*` method's `.ticket(id)` setter redeems it (`?ticket=ID` on the same path), as
//!   the SDK's signed download URL does.
//! - **Retries**: 429, 502, 503 and 504 answers and connection failures are retried with
//!   exponential backoff and jitter, honouring `Retry-After` (seconds or an HTTP date in any
//!   RFC 9110 form), up to 5 attempts, each retry logged as a `tracing` warning; only idempotent
//!   methods are retried after a status answer unless
//!   [`ClientBuilder::retry_non_idempotent`] is set, and a request whose body cannot be replayed
//!   is never retried. Failures that cannot heal are not retried: an `https` client meeting a
//!   plain-`http` server fails at once with a hint (the key's `__force_insecure` part).
//! - **Timeouts**: connect (10 s) and read (60 s of silence, not a limit on a whole transfer),
//!   plus an optional total timeout; see [`ClientBuilder`] and [`CallOptions`].
//! - **Redirects**: followed (up to 10), e.g. to signed storage URLs for downloads. A 307/308
//!   answer to an upload (whose streamed body cannot be sent again) fails with
//!   [`Error::UnreplayableRedirect`], naming where it led (scheme, host and port).
//! - **Uploads**: exactly the declared bytes or an error: a file that changes size while it is
//!   sent, or a reader longer or shorter than its declared length, aborts the request
//!   ([`Error::Io`]) before anything beyond the declared length is sent.
//! - **Tracing**: one `tracing` span `flywheel_request` per attempt with `operation_id`,
//!   `method`, `path_template`, `attempt`, `status` and `duration_ms`.
//! - **Compression**: JSON and text answers are requested with `Accept-Encoding: gzip, deflate`
//!   and decompressed after reading. Downloads ask for no compression and are saved byte for
//!   byte as sent: a `.tar.gz` served with `Content-Encoding: gzip` stays a `.tar.gz`.
//!
//! # Privacy: no parameter values in errors or traces
//!
//! File names, labels and filter values may carry patient information. Errors (their `Display`
//! and `Debug`, and the HTTP client errors they keep as their source) and the crate's `tracing`
//! events and spans name the operation id and the path template (`/projects/{projectId}/files/{fileName}`),
//! and parameter names, never the request URL, parameter values, upload file names or local
//! paths. The API key never appears in them either. What the server itself writes in an error
//! answer is kept as sent ([`ApiError::server_message`], [`ApiError::body`]).
//!
//! # Paging
//!
//! List operations stream every item with `.into_stream()` (a [`Paginator`]), one page of
//! `limit` (default 250) items at a time:
//! - pages continue after the last item's `_id` (`after_id`), or after the field the spec names
//!   for that operation (`x-flywheel-page-cursor`: `file_id` for `getAllFiles`, whose pages are
//!   sorted by it);
//! - a request with `sort` or `page` is paged by page number, from 1 (or its own `page`); one
//!   with `skip` is paged by `skip`, advancing by the items received; `after_id` is never sent
//!   together with `sort`, `page` or `skip` (the server rejects those pairs), and a request that
//!   sets such a pair fails before anything is sent;
//! - the stream ends at the first empty page;
//! - a failed page (after the client's bounded retries) is yielded as an error and ends the
//!   stream: nothing more is requested, so a caller that skips errors cannot cause a request
//!   storm; [`Paginator::cursor`] tells where to resume.
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
pub mod conveniences;
mod download;
mod error;
// Running gears and following their jobs: needs the `gears` and `jobs` features.
#[cfg(all(feature = "gears", feature = "jobs"))]
pub mod jobs;
#[cfg(feature = "mock")]
pub mod mock;
mod pagination;
mod request;
mod response;
mod retry;
mod settings;
mod timeout;
mod transport;
mod upload;

#[rustfmt::skip] // formatted by the generator (prettyplease); `cargo xtask gen --check` guards it
mod generated;
/// Helpers the generated code shares (written by the generator's author, used only by `generated`).
mod support;
pub use generated::{operations, types};

pub use client::{API_KEY_ENV_VAR, Client, ClientBuilder};
pub use download::Download;
pub use error::{ApiError, Error, ErrorDetail, TransportKind, ValidationIssue};
pub use pagination::{DEFAULT_PAGE_LIMIT, PageCursor, Paginator};
pub use request::{DEFAULT_ACCEPT, OperationRequest, ParamValue, ResponseFuture};
pub use response::ResponseValue;
pub use settings::{
    CallOptions, DEFAULT_ACCEPT_FEATURES, DEFAULT_CONNECT_TIMEOUT, DEFAULT_INITIAL_RETRY_DELAY,
    DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_RETRY_DELAY, DEFAULT_READ_TIMEOUT,
};
pub use upload::UploadFile;

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Re-exported so callers can name HTTP methods, status codes and headers without adding the
/// `http` crate.
pub use http;
