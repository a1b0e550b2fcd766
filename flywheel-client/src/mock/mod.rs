//! Testing your code: a loopback mock Flywheel with one typed stub per operation (Cargo feature
//! `mock`, off by default).
//!
//! A crate that depends on `flywheel-client` tests its own logic against [`MockFlywheel`]: a
//! local HTTP server (on `127.0.0.1`, a free port) and a [`Client`] already pointed at it. Each
//! operation of the spec has a stub method of the same name as the client method
//! (`mock.get_project(id)` stubs [`Client::get_project`](crate::Client::get_project)), taking
//! the operation's path parameters and answering with the operation's own response type, so
//! tests write no JSON, paths or field names:
//!
//! - [`Stub::returns`] answers `200` with a typed value; [`Stub::returns_status`] answers an
//!   error status with a `{"message": ..}` body (as the server does), which the client turns
//!   into [`Error::Api`](crate::Error::Api);
//! - [`Stub::returns_items`] (list operations) serves a `Vec` of items in pages the way the
//!   server does: `limit`, `after_id` (the operation's cursor field), `page` (from 1) and
//!   `skip`, so `into_stream()` and the [finders](crate::conveniences) page for real;
//! - [`Stub::query`] and [`Stub::body`] narrow what a stub answers; [`Expectation::times`]
//!   says how often it must be called (by default: at least once);
//! - uploads (`POST /{containers}/{id}/files`) with no stub are stored in memory and served
//!   back by downloads (`GET /{containers}/{id}/files/{name}`); [`MockFlywheel::stored_file`]
//!   reads them, [`MockFlywheel::store_file`] seeds them;
//! - [`sample`] builds typed sample outputs (project, subject, session, acquisition, file, job)
//!   with fresh ids and timestamps;
//! - [`MockFlywheel::verify`] (called again when the mock is dropped) fails the test when a
//!   request matched no stub, naming the operation it looks like (by path template), or when an
//!   expected call count was not met. Failure messages name operations and templates, never
//!   the values of a request.
//!
//! # Example
//!
//! In `Cargo.toml`: `[dev-dependencies] flywheel-client = { path = "…", features = ["mock"] }`.
//!
//! ```
//! use flywheel_client::conveniences::Filter;
//! use flywheel_client::mock::{MockFlywheel, sample};
//! use flywheel_client::types::{ProjectListOutput, SessionListOutput};
//! use flywheel_client::{Error, UploadFile};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> flywheel_client::Result<()> {
//! let mock = MockFlywheel::start().await;
//! let study: ProjectListOutput = sample::project("Study A");
//! let project_id = study.id.clone().unwrap_or_default();
//! mock.get_all_projects().returns_items([study]);
//! mock.get_project_sessions(&project_id)
//!     .returns_items((0..300).map(|i| sample::session::<SessionListOutput>(&format!("ses-{i}"))))
//!     .times(3); // pages of 250, 50 and the empty page that ends the stream
//! mock.get_project("000000000000000000000000").returns_status(404, "Project not found");
//!
//! // The code under test:
//! let client = mock.client();
//! let project = client.projects().find_one(Filter::new().eq("label", "Study A")).await?;
//! let sessions = project.sessions().stream(Filter::new()).try_collect().await?;
//! assert_eq!(sessions.len(), 300);
//! client
//!     .upload_file_to_project(&project_id, UploadFile::from_bytes("notes.txt", "hello"))
//!     .await?;
//! let bytes = client.download_file_from_project(&project_id, "notes.txt").await?.bytes().await?;
//! assert_eq!(&bytes[..], b"hello");
//! let missing = client.get_project("000000000000000000000000").await;
//! assert!(matches!(missing, Err(Error::Api(e)) if e.status().as_u16() == 404));
//! mock.verify(); // also checked when `mock` is dropped
//! # Ok(())
//! # }
//! ```

pub mod sample;
mod server;

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};

use bytes::Bytes;
use serde::Serialize;
use serde_json::Value;

use crate::Client;

pub use crate::generated::mock::OPERATIONS;

/// One operation of the spec as the mock knows it: names, HTTP method, path template and, for
/// list operations, how pages are shaped. The entries of [`OPERATIONS`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationInfo {
    /// `operationId` (`getProject`).
    pub operation_id: &'static str,
    /// Name of the client method and of its stub (`get_project`).
    pub method_name: &'static str,
    /// HTTP method (`GET`).
    pub method: &'static str,
    /// Path template below the API base URL (`/projects/{projectId}`).
    pub path: &'static str,
    /// How the operation's pages look, for list operations that page.
    pub page: Option<PageShape>,
}

/// How a list operation's answer is shaped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PageShape {
    /// The array field of an envelope object (`results`); empty when the answer is a bare array.
    pub envelope: &'static str,
    /// The item field `after_id` refers to (`_id`, `file_id` for `/files`).
    pub cursor: &'static str,
}

/// The item type of stubs of operations that do not list pages: [`Stub::returns_items`] is not
/// available on them. Has no values.
#[derive(Debug)]
pub enum NoItems {}

/// What one stub answers.
#[derive(Clone, Debug)]
pub(crate) enum Answer {
    /// A status with a body and its content type.
    Body {
        status: u16,
        content_type: &'static str,
        body: Bytes,
    },
    /// Items served in pages.
    Items { items: Vec<Value>, shape: PageShape },
}

/// A registered stub: what it matches, what it answers and how often it was called.
#[derive(Debug)]
pub(crate) struct StubEntry {
    pub(crate) operation: usize,
    pub(crate) path_values: Vec<(&'static str, String)>,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: Option<Value>,
    pub(crate) answer: Answer,
    pub(crate) expected: Expected,
    pub(crate) calls: u64,
}

/// How often a stub must be called.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expected {
    AtLeastOnce,
    Exactly(u64),
    Any,
}

/// The mock's shared state: stubs, stored files, problems seen.
#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) stubs: Vec<StubEntry>,
    /// Uploaded or seeded files by `{containers}/{id}/files/{name}`.
    pub(crate) files: std::collections::BTreeMap<String, Bytes>,
    /// Requests no stub answered, described by operation and template only.
    pub(crate) unmatched: Vec<String>,
    verified: bool,
}

type Shared = Arc<Mutex<State>>;

fn lock(state: &Shared) -> MutexGuard<'_, State> {
    // A panic while holding the lock (a failed assertion elsewhere) leaves the data usable.
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A loopback mock Flywheel: a local HTTP server answering from typed stubs, and a [`Client`]
/// pointed at it. See the [module docs](self) for a complete example.
///
/// Dropping it runs [`verify`](Self::verify) (unless the test called it already or is
/// panicking) and stops the server.
pub struct MockFlywheel {
    server: wiremock::MockServer,
    client: Client,
    state: Shared,
}

impl fmt::Debug for MockFlywheel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockFlywheel")
            .field("base_url", &self.client.base_url())
            .finish_non_exhaustive()
    }
}

impl MockFlywheel {
    /// Starts a server on a free loopback port and a client pointed at it (base URL
    /// `http://127.0.0.1:PORT/api`, a fixed test API key, one attempt per call so that call
    /// counts are exact).
    ///
    /// # Panics
    ///
    /// When the client cannot be built (it always can for a loopback `http` URL).
    pub async fn start() -> MockFlywheel {
        let server = wiremock::MockServer::start().await;
        let client = Client::builder()
            .base_url(format!("{}/api", server.uri()))
            .api_key("flywheel-mock-api-key")
            .max_attempts(1)
            .build()
            .expect("a client for the mock's loopback URL");
        let state: Shared = Arc::default();
        wiremock::Mock::given(wiremock::matchers::any())
            .respond_with(server::Router {
                state: Arc::clone(&state),
            })
            .mount(&server)
            .await;
        let mock = MockFlywheel {
            server,
            client,
            state,
        };
        // Every client asks `/config` before an upload (does the site take signed-URL
        // uploads?). By default the mock answers an empty configuration, so uploads take the
        // direct multipart path and land in the file store; a test's own `get_config` stub
        // (registered later) wins.
        #[cfg(feature = "config")]
        mock.get_config()
            .returns(crate::types::ConfigOut::default())
            .optional();
        mock
    }

    /// The client pointed at the mock.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The API base URL of the mock (`http://127.0.0.1:PORT/api`), for a client built by hand
    /// (`Client::builder().base_url(..)`).
    pub fn base_url(&self) -> String {
        format!("{}/api", self.server.uri())
    }

    /// Stores a file as an upload would, so that downloads of
    /// `GET /{containers}/{id}/files/{name}` serve it (`containers` as in the path:
    /// `projects`, `sessions`, `acquisitions`, …).
    pub fn store_file(&self, containers: &str, id: &str, name: &str, bytes: impl Into<Bytes>) {
        lock(&self.state)
            .files
            .insert(server::file_key(containers, id, name), bytes.into());
    }

    /// The bytes of a file uploaded to (or stored in) `/{containers}/{id}/files`; `None` when
    /// there is none of that name.
    pub fn stored_file(&self, containers: &str, id: &str, name: &str) -> Option<Bytes> {
        lock(&self.state)
            .files
            .get(&server::file_key(containers, id, name))
            .cloned()
    }

    /// How many requests the stubs of an operation answered (by `operationId` or method name).
    pub fn calls(&self, operation: &str) -> u64 {
        lock(&self.state)
            .stubs
            .iter()
            .filter(|s| {
                let info = &OPERATIONS[s.operation];
                info.operation_id == operation || info.method_name == operation
            })
            .map(|s| s.calls)
            .sum()
    }

    /// Checks that every request was answered by a stub (or the file store) and every stub was
    /// called as often as expected.
    ///
    /// # Panics
    ///
    /// With one line per problem: each unmatched request named by the operation its path looks
    /// like, each stub called too often or too rarely.
    pub fn verify(&self) {
        let mut state = lock(&self.state);
        state.verified = true;
        let mut problems = state.unmatched.clone();
        for stub in &state.stubs {
            let info = &OPERATIONS[stub.operation];
            let wanted = match stub.expected {
                Expected::AtLeastOnce if stub.calls == 0 => "at least 1 call".to_owned(),
                Expected::Exactly(n) if stub.calls != n => format!("{n} call(s)"),
                _ => continue,
            };
            problems.push(format!(
                "stub `{}` ({} {}) expected {wanted}, got {}",
                info.method_name, info.method, info.path, stub.calls
            ));
        }
        drop(state);
        if !problems.is_empty() {
            panic!(
                "flywheel mock: {} problem(s):\n  {}",
                problems.len(),
                problems.join("\n  ")
            );
        }
    }

    fn register(&self, entry: StubEntry) -> Expectation {
        let mut state = lock(&self.state);
        state.stubs.push(entry);
        Expectation {
            state: Arc::clone(&self.state),
            index: state.stubs.len() - 1,
        }
    }
}

impl Drop for MockFlywheel {
    fn drop(&mut self) {
        // A test that called `verify` (or is failing already) is not failed twice.
        if !std::thread::panicking() && !lock(&self.state).verified {
            self.verify();
        }
    }
}

/// What every stub kind shares: the operation, its path values and the narrowing matchers.
#[derive(Debug)]
struct StubSpec<'a> {
    mock: &'a MockFlywheel,
    operation: usize,
    path_values: Vec<(&'static str, String)>,
    query: Vec<(String, String)>,
    body: Option<Value>,
}

impl StubSpec<'_> {
    fn register(self, answer: Answer) -> Expectation {
        self.mock.register(StubEntry {
            operation: self.operation,
            path_values: self.path_values,
            query: self.query,
            body: self.body,
            answer,
            expected: Expected::AtLeastOnce,
            calls: 0,
        })
    }

    fn status(self, status: u16, message: &str) -> Expectation {
        let body = serde_json::json!({ "message": message, "status_code": status });
        self.register(Answer::Body {
            status,
            content_type: "application/json",
            body: Bytes::from(body.to_string()),
        })
    }
}

/// A stub of an operation with a JSON (or empty) answer, from a generated stub method such as
/// [`MockFlywheel::get_project`]. `T` is the operation's response type; `I` is the item type of
/// a list operation ([`NoItems`] for others). Nothing is registered until an answer is given
/// ([`returns`](Self::returns), [`returns_items`](Self::returns_items),
/// [`returns_status`](Self::returns_status)).
#[must_use = "a stub answers nothing until `returns`, `returns_items` or `returns_status` is called"]
#[derive(Debug)]
pub struct Stub<'a, T, I = NoItems> {
    spec: StubSpec<'a>,
    types: PhantomData<fn() -> (T, I)>,
}

impl<'a, T, I> Stub<'a, T, I> {
    #[doc(hidden)]
    pub fn new(
        mock: &'a MockFlywheel,
        operation: usize,
        path_values: Vec<(&'static str, String)>,
    ) -> Self {
        Stub {
            spec: StubSpec {
                mock,
                operation,
                path_values,
                query: Vec::new(),
                body: None,
            },
            types: PhantomData,
        }
    }

    /// Answers only requests whose query string has `name=value` (among others).
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.spec.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Answers only requests whose JSON body contains `body`: every field given here must be
    /// present with an equal value (objects compared field by field, recursively).
    ///
    /// # Panics
    ///
    /// When `body` cannot be serialized as JSON.
    pub fn body(mut self, body: &impl Serialize) -> Self {
        self.spec.body = Some(serde_json::to_value(body).expect("a stub body serializes to JSON"));
        self
    }

    /// Answers with an error `status` (e.g. `404`) and a `{"message": message}` body, as the
    /// server does; the client returns [`Error::Api`](crate::Error::Api) with both.
    pub fn returns_status(self, status: u16, message: &str) -> Expectation {
        self.spec.status(status, message)
    }
}

impl<T: Serialize, I> Stub<'_, T, I> {
    /// Answers `200 OK` with `value` as JSON.
    ///
    /// # Panics
    ///
    /// When `value` cannot be serialized as JSON.
    pub fn returns(self, value: T) -> Expectation {
        let body = serde_json::to_vec(&value).expect("a stub answer serializes to JSON");
        self.spec.register(Answer::Body {
            status: 200,
            content_type: "application/json",
            body: Bytes::from(body),
        })
    }
}

impl<T, I: Serialize> Stub<'_, T, I> {
    /// Serves `items` in pages as the server does: `limit` items (all when the request sets no
    /// `limit`), starting after the item whose cursor field equals `after_id`, or at
    /// `limit * (page - 1)`, plus `skip`; an empty page past the end. Envelope operations
    /// answer `{"results": [...], "count": n, "total": n}`.
    ///
    /// # Panics
    ///
    /// When an item cannot be serialized as JSON.
    pub fn returns_items(self, items: impl IntoIterator<Item = I>) -> Expectation {
        let items: Vec<Value> = items
            .into_iter()
            .map(|item| serde_json::to_value(item).expect("a stub item serializes to JSON"))
            .collect();
        let shape = OPERATIONS[self.spec.operation].page.unwrap_or(PageShape {
            envelope: "",
            cursor: "_id",
        });
        self.spec.register(Answer::Items { items, shape })
    }
}

/// A stub of an operation whose answer is bytes or text (downloads, exports), from a generated
/// stub method such as [`MockFlywheel::download_file_from_project`].
#[must_use = "a stub answers nothing until `returns`, `returns_text` or `returns_status` is called"]
#[derive(Debug)]
pub struct RawStub<'a> {
    spec: StubSpec<'a>,
}

impl<'a> RawStub<'a> {
    #[doc(hidden)]
    pub fn new(
        mock: &'a MockFlywheel,
        operation: usize,
        path_values: Vec<(&'static str, String)>,
    ) -> Self {
        RawStub {
            spec: StubSpec {
                mock,
                operation,
                path_values,
                query: Vec::new(),
                body: None,
            },
        }
    }

    /// Answers only requests whose query string has `name=value` (among others).
    pub fn query(mut self, name: &str, value: impl fmt::Display) -> Self {
        self.spec.query.push((name.to_owned(), value.to_string()));
        self
    }

    /// Answers `200 OK` with these bytes (`application/octet-stream`).
    pub fn returns(self, bytes: impl Into<Bytes>) -> Expectation {
        self.spec.register(Answer::Body {
            status: 200,
            content_type: "application/octet-stream",
            body: bytes.into(),
        })
    }

    /// Answers `200 OK` with this text (`text/plain; charset=utf-8`).
    pub fn returns_text(self, text: impl Into<String>) -> Expectation {
        self.spec.register(Answer::Body {
            status: 200,
            content_type: "text/plain; charset=utf-8",
            body: Bytes::from(text.into()),
        })
    }

    /// Answers with an error `status` and a `{"message": message}` body.
    pub fn returns_status(self, status: u16, message: &str) -> Expectation {
        self.spec.status(status, message)
    }
}

/// A registered stub: sets how often it must be called, checked by
/// [`MockFlywheel::verify`]. By default a stub must be called at least once.
#[derive(Debug)]
pub struct Expectation {
    state: Shared,
    index: usize,
}

impl Expectation {
    /// The stub must be called exactly `n` times (a list stub: once per page fetched).
    pub fn times(self, n: u64) -> Self {
        self.set(Expected::Exactly(n))
    }

    /// The stub may be called any number of times, also never.
    pub fn optional(self) -> Self {
        self.set(Expected::Any)
    }

    fn set(self, expected: Expected) -> Self {
        if let Some(stub) = lock(&self.state).stubs.get_mut(self.index) {
            stub.expected = expected;
        }
        self
    }
}
