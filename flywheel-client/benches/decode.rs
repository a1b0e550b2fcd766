//! Decode throughput (issue 6, figure 5): the body of a 10,000-session `GET /sessions` answer
//! decoded into the typed model (`sessions_typed_response`: whatever
//! `client.get_all_sessions().send()` returns, a list-or-page union; `sessions_typed_vec`:
//! `Vec<SessionListOutput>`) versus into `serde_json::Value`; also one `get_project` body
//! (`ProjectOutput`) both ways. Divan prints time and bytes per second (decimal units, MB =
//! 10^6 bytes) per sample; the median row is the figure.
//!
//! ```text
//! cargo bench -p flywheel-client --bench decode
//! ```
//!
//! Method and latest figures: BENCHMARKS.md.

#[path = "support/samples.rs"]
mod samples;

use std::sync::LazyLock;

use divan::counter::BytesCount;
use divan::{Bencher, black_box};
use flywheel_client::operations::projects::GetProject;
use flywheel_client::operations::sessions::GetAllSessions;
use flywheel_client::types::{ProjectOutput, SessionListOutput};
use serde_json::Value;

fn main() {
    eprintln!(
        "bodies: {SESSIONS} sessions {} bytes ({:.1} MiB), one project {} bytes",
        SESSION_LIST.len(),
        SESSION_LIST.len() as f64 / 1048576.0,
        PROJECT.len()
    );
    divan::main();
}

const SESSIONS: usize = 10_000;

/// The session listing, checked once to decode fully into the typed model (every session,
/// with its nested subject, files and datetimes), so the benchmark times a real decode.
static SESSION_LIST: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let body = samples::session_list(SESSIONS);
    let sessions: Vec<SessionListOutput> =
        serde_json::from_slice(&body).expect("the sample decodes as Vec<SessionListOutput>");
    assert_eq!(sessions.len(), SESSIONS);
    let last = &sessions[SESSIONS - 1];
    assert!(last.timestamp.is_some() && last.subject.as_ref().is_some_and(|s| s.age.is_some()));
    assert_eq!(last.files.as_ref().map(Vec::len), Some(1));
    assert!(sessions[0].analyses.as_ref().is_some_and(|a| a.len() == 1));
    body
});

static PROJECT: LazyLock<Vec<u8>> = LazyLock::new(|| {
    let body = serde_json::to_vec(&samples::project()).expect("JSON values serialize");
    let project: ProjectOutput = serde_json::from_slice(&body).expect("decodes as ProjectOutput");
    assert_eq!(project.files.as_ref().map(Vec::len), Some(3));
    body
});

fn bench_decode<T: serde::de::DeserializeOwned>(bencher: Bencher, body: &[u8]) {
    bencher
        .counter(BytesCount::new(body.len()))
        .bench_local(|| serde_json::from_slice::<T>(black_box(body)).unwrap());
}

/// Decodes into the type that an operation's `send` yields (given as `Builder::send`), so the
/// benchmark follows the generated code whatever it names its response types.
fn bench_send_output<B, F, T>(bencher: Bencher, body: &[u8], _send: fn(B) -> F)
where
    F: Future<Output = flywheel_client::Result<T>>,
    T: serde::de::DeserializeOwned,
{
    bench_decode::<T>(bencher, body);
}

#[divan::bench(sample_count = 15, sample_size = 1)]
fn sessions_typed_response(bencher: Bencher) {
    bench_send_output(bencher, &SESSION_LIST, GetAllSessions::send);
}

#[divan::bench(sample_count = 15, sample_size = 1)]
fn sessions_typed_vec(bencher: Bencher) {
    bench_decode::<Vec<SessionListOutput>>(bencher, &SESSION_LIST);
}

#[divan::bench(sample_count = 15, sample_size = 1)]
fn sessions_value(bencher: Bencher) {
    bench_decode::<Value>(bencher, &SESSION_LIST);
}

#[divan::bench(sample_count = 100, sample_size = 50)]
fn project_typed(bencher: Bencher) {
    bench_send_output(bencher, &PROJECT, GetProject::send);
}

#[divan::bench(sample_count = 100, sample_size = 50)]
fn project_value(bencher: Bencher) {
    bench_decode::<Value>(bencher, &PROJECT);
}
