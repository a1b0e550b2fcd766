//! Typed sample outputs for stubs: a project, subject, session, acquisition, file or job with a
//! fresh id, the given label or name and fixed timestamps, so tests write no JSON.
//!
//! Each builder returns whichever output type the call site needs (`ProjectOutput` for
//! `get_project`, `ProjectListOutput` for `get_all_projects`, …): the sample is the JSON the
//! server would send, decoded into that type.
//!
//! ```
//! use flywheel_client::mock::sample;
//! use flywheel_client::types::{ProjectOutput, SessionListOutput};
//!
//! let project: ProjectOutput = sample::project("Study A");
//! assert_eq!(project.label.as_deref(), Some("Study A"));
//! let sessions: Vec<SessionListOutput> = sample::sessions(3);
//! assert_ne!(sessions[0].id, sessions[1].id);
//! ```

use std::sync::atomic::{AtomicU64, Ordering};

use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The timestamp every sample carries as `created` and `modified`.
pub const TIMESTAMP: &str = "2026-01-01T12:00:00+00:00";

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A fresh 24-hex-digit id, as the server gives containers (`5ca1ab1e000000000000002a`):
/// unique within the process.
pub fn id() -> String {
    format!("5ca1ab1e{:016x}", NEXT_ID.fetch_add(1, Ordering::Relaxed))
}

fn decode<T: DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value)
        // The error's category only: serde's message may quote the sample's label or name.
        .unwrap_or_else(|e| {
            panic!(
                "flywheel mock: a sample does not decode as this type ({:?} error)",
                e.classify()
            )
        })
}

fn container(kind: &str, label: &str, parents: Value) -> Value {
    json!({
        "_id": id(),
        "label": label,
        "container_type": kind,
        "parents": parents,
        "created": TIMESTAMP,
        "modified": TIMESTAMP,
        "tags": [],
        "notes": [],
        "files": [],
        "info": {},
    })
}

/// A project labelled `label`, in group `sample-group`.
///
/// # Panics
///
/// When `T` cannot hold a project (a type whose required fields a project lacks).
pub fn project<T: DeserializeOwned>(label: &str) -> T {
    let mut value = container("project", label, json!({ "group": "sample-group" }));
    value["group"] = json!("sample-group");
    decode(value)
}

/// A subject labelled `label`.
///
/// # Panics
///
/// When `T` cannot hold a subject.
pub fn subject<T: DeserializeOwned>(label: &str) -> T {
    let mut value = container("subject", label, json!({ "group": "sample-group" }));
    value["code"] = json!(label);
    decode(value)
}

/// A session labelled `label`.
///
/// # Panics
///
/// When `T` cannot hold a session.
pub fn session<T: DeserializeOwned>(label: &str) -> T {
    let mut value = container("session", label, json!({ "group": "sample-group" }));
    value["timestamp"] = json!(TIMESTAMP);
    decode(value)
}

/// `n` sessions labelled `ses-0` … `ses-{n-1}`, each with its own id.
///
/// # Panics
///
/// When `T` cannot hold a session.
pub fn sessions<T: DeserializeOwned>(n: usize) -> Vec<T> {
    (0..n).map(|i| session(&format!("ses-{i}"))).collect()
}

/// An acquisition labelled `label`.
///
/// # Panics
///
/// When `T` cannot hold an acquisition.
pub fn acquisition<T: DeserializeOwned>(label: &str) -> T {
    decode(container(
        "acquisition",
        label,
        json!({ "group": "sample-group" }),
    ))
}

/// A file named `name` of `size` bytes, its MIME type guessed from the name.
///
/// # Panics
///
/// When `T` cannot hold a file.
pub fn file<T: DeserializeOwned>(name: &str, size: u64) -> T {
    let file_id = id();
    decode(json!({
        "_id": file_id,
        "file_id": file_id,
        "name": name,
        "size": size,
        "mimetype": mime_guess::from_path(name).first_or_octet_stream().essence_str(),
        "type": null,
        "version": 1,
        "created": TIMESTAMP,
        "modified": TIMESTAMP,
        "tags": [],
        "info": {},
    }))
}

/// A job of gear `gear_name` in state `complete`.
///
/// # Panics
///
/// When `T` cannot hold a job.
pub fn job<T: DeserializeOwned>(gear_name: &str) -> T {
    let job_id = id();
    decode(json!({
        "id": job_id,
        "_id": job_id,
        "gear_id": id(),
        "gear_info": { "name": gear_name, "version": "1.0.0" },
        "state": "complete",
        "created": TIMESTAMP,
        "modified": TIMESTAMP,
        "inputs": {},
        "config": {},
        "tags": [],
    }))
}
