//! Per-call overhead (issue 6, figure 4): one `get_project` round trip through the generated
//! client (`client.get_project(id).send().await`) versus the same request sent with bare
//! `reqwest` and decoded with `serde_json` into the same `ProjectOutput`, as a ratio (target
//! ≤ 1.10).
//!
//! ```text
//! cargo bench -p flywheel-client --bench per_call
//! PER_CALL_ROUNDS=31 PER_CALL_CALLS=5000 cargo bench -p flywheel-client --bench per_call
//! PER_CALL_SERVER_THREAD=1 cargo bench -p flywheel-client --bench per_call
//! ```
//!
//! Both sides share one `reqwest::Client` (same pool settings, one keep-alive connection) and
//! call the same loopback server: a minimal HTTP/1.1 server that answers every request with
//! one fixed, realistic `ProjectOutput` body (see `support/samples.rs`), so the server costs
//! both sides the same. By default the server is a task on the client's single-threaded
//! runtime: client and server take turns on one thread, so a round trip costs CPU work only
//! and not the wake-up of another thread, which on an idle machine adds some 80 µs of noise
//! per call; `PER_CALL_SERVER_THREAD=1` gives the server a thread of its own instead.
//!
//! After a warm-up, each round times `calls` sequential calls of each side, alternating which
//! side goes first; the figure is the median over rounds of the per-round ratio, which cancels
//! slow drifts of a busy machine. Without `--bench` (as `cargo test --benches` runs it) it
//! makes a few calls and checks that both sides decode the same project. Method and latest
//! figures: BENCHMARKS.md.

#[path = "support/samples.rs"]
mod samples;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use flywheel_client::Client;
use flywheel_client::types::ProjectOutput;
use reqwest::header::{ACCEPT, AUTHORIZATION, USER_AGENT};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const API_KEY: &str = "bench-key-0123456789";
const USER_AGENT_VALUE: &str = "flywheel-bench/1";

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let rounds = setting("PER_CALL_ROUNDS", if full { 21 } else { 1 });
    let calls = setting("PER_CALL_CALLS", if full { 2000 } else { 5 });

    let body = serde_json::to_vec(&samples::project()).expect("JSON values serialize");
    let project_id = samples::object_id(1, 0);
    let server_thread = std::env::var_os("PER_CALL_SERVER_THREAD").is_some();

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let address = start_server(&body, server_thread);
        let http = reqwest::Client::new();
        let client = Client::builder()
            .base_url(format!("http://{address}/api"))
            .api_key(API_KEY)
            .user_agent(USER_AGENT_VALUE)
            .http_client(http.clone())
            .build()
            .expect("client");
        let bare = Bare {
            http,
            url: format!("http://{address}/api/projects/{project_id}"),
            authorization: format!("scitran-user {API_KEY}"),
        };

        let typed = generated_call(&client, &project_id).await;
        assert_eq!(typed, bare.call().await, "both sides decode the same project");
        assert_eq!(typed.files.as_ref().map(Vec::len), Some(3));

        for _ in 0..calls {
            generated_call(&client, &project_id).await;
            bare.call().await;
        }
        let mut generated_times = Vec::with_capacity(rounds);
        let mut bare_times = Vec::with_capacity(rounds);
        let mut ratios = Vec::with_capacity(rounds);
        for round in 0..rounds {
            let (generated, bare_time) = if round.is_multiple_of(2) {
                let generated = time_calls(calls, || generated_call(&client, &project_id)).await;
                (generated, time_calls(calls, || bare.call()).await)
            } else {
                let bare_time = time_calls(calls, || bare.call()).await;
                let generated = time_calls(calls, || generated_call(&client, &project_id)).await;
                (generated, bare_time)
            };
            generated_times.push(generated);
            bare_times.push(bare_time);
            ratios.push(generated.as_secs_f64() / bare_time.as_secs_f64());
        }

        let per_call = |times: &mut Vec<Duration>| median(times).as_secs_f64() * 1e6;
        ratios.sort_by(f64::total_cmp);
        if !full {
            println!("smoke run (no --bench; a debug build, perhaps): the figures mean nothing");
        }
        println!(
            "get_project round trip, {} bytes of ProjectOutput, {rounds} rounds of {calls} calls per side",
            body.len()
        );
        println!(
            "  generated client  median {:8.2} µs/call",
            per_call(&mut generated_times)
        );
        println!(
            "  bare reqwest+serde median {:8.2} µs/call",
            per_call(&mut bare_times)
        );
        println!(
            "  ratio generated/bare: median {:.3} (min {:.3}, max {:.3} over rounds; target <= 1.10)",
            ratios[ratios.len() / 2],
            ratios[0],
            ratios[ratios.len() - 1]
        );
    });
}

/// A positive integer from the environment, or `default`.
fn setting(name: &str, default: usize) -> usize {
    match std::env::var(name) {
        Ok(value) => value
            .parse()
            .ok()
            .filter(|&n| n > 0)
            .unwrap_or_else(|| panic!("{name} must be a positive integer, not {value:?}")),
        Err(_) => default,
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort();
    times[times.len() / 2]
}

async fn time_calls<F, Fut>(calls: usize, mut call: F) -> Duration
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ProjectOutput>,
{
    let started = Instant::now();
    for _ in 0..calls {
        std::hint::black_box(call().await);
    }
    started.elapsed() / u32::try_from(calls).expect("calls fit in u32")
}

async fn generated_call(client: &Client, project_id: &str) -> ProjectOutput {
    client
        .get_project(project_id)
        .send()
        .await
        .expect("get_project")
}

/// The same request with `reqwest` alone: the same headers as the generated client sends
/// (authorization, user agent, its default `x-accept-feature`), status checked, body decoded
/// with `serde_json`.
struct Bare {
    http: reqwest::Client,
    url: String,
    authorization: String,
}

impl Bare {
    async fn call(&self) -> ProjectOutput {
        let response = self
            .http
            .get(&self.url)
            .header(AUTHORIZATION, &self.authorization)
            .header(USER_AGENT, USER_AGENT_VALUE)
            .header(ACCEPT, "application/json")
            .header("x-accept-feature", "Safe-Redirect,multipart_signed_url")
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .expect("bare request");
        let bytes = response.bytes().await.expect("bare body");
        serde_json::from_slice(&bytes).expect("bare decode")
    }
}

/// Starts the loopback server and returns its address. It answers every request on a
/// connection with `200 OK` and `body`, keeping the connection open. With `own_thread` it runs
/// on a thread of its own; otherwise as a task of the caller's runtime, so that client and
/// server take turns on one thread and no call waits for a thread to wake up.
fn start_server(body: &[u8], own_thread: bool) -> SocketAddr {
    let mut response = format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    response.extend_from_slice(body);
    let response: &'static [u8] = response.leak();
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("non-blocking");
    let address = listener.local_addr().expect("address");
    let accept = async move {
        let listener = TcpListener::from_std(listener).expect("tokio listener");
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(serve(stream, response));
        }
    };
    if own_thread {
        std::thread::spawn(move || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime")
                .block_on(accept);
        });
    } else {
        tokio::spawn(accept);
    }
    address
}

/// Answers the requests of one connection (GETs without bodies) until it closes.
async fn serve(mut stream: TcpStream, response: &'static [u8]) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        while let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            buffer.drain(..end + 4);
            if stream.write_all(response).await.is_err() {
                return;
            }
        }
        match stream.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}
