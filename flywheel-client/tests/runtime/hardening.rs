//! Runtime hardening (issue 11): no parameter values in errors or traces, uploads that never
//! send other bytes than declared, failures that fail fast or retry visibly, key strings with
//! IPv6 hosts, every `Retry-After` form, unreplayable redirects and a concise `Debug`.

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use flywheel_client::http::Method;
use flywheel_client::{CallOptions, Client, Error, TransportKind, UploadFile};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tracing_subscriber::fmt::MakeWriter;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{KEY, builder_for, client_at, client_for, read_request_head};

/// Values that stand for patient data: none may appear in an error text or a trace.
const FILE_NAME: &str = "PATIENT_NAME_1970.dcm";
const FILTER: &str = "patient=DOE^JOHN";
const SECRETS: [&str; 4] = ["PATIENT_NAME", "DOE", "JOHN", KEY];

/// Collects formatted trace output in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Captures every event and span at TRACE level on this thread until the guard drops.
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let subscriber = tracing_subscriber::fmt()
            .with_writer(self.clone())
            .with_max_level(tracing::Level::TRACE)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::FULL)
            .with_ansi(false)
            .finish();
        let guard = tracing::subscriber::set_default(subscriber);
        // Other tests of this binary run at the same time without a subscriber; a callsite
        // first met there may have cached "never" before this subscriber existed.
        tracing::callsite::rebuild_interest_cache();
        guard
    }
}

/// `Display` and `Debug` of an error and of every error in its source chain.
fn every_text(error: &Error) -> String {
    let mut text = format!("{error}\n{error:?}\n");
    let mut cause = std::error::Error::source(error);
    while let Some(inner) = cause {
        text.push_str(&format!("{inner}\n{inner:?}\n"));
        cause = inner.source();
    }
    text
}

fn assert_no_values(text: &str) {
    for secret in SECRETS {
        assert!(!text.contains(secret), "{secret:?} leaked in:\n{text}");
    }
}

/// A request carrying a file name in the path and a filter in the query.
fn file_request(client: &Client) -> flywheel_client::OperationRequest {
    let mut request = client.request(
        "getAcquisitionFileInfo",
        Method::GET,
        "/acquisitions/{acquisitionId}/files/{fileName}/info",
    );
    request.path_param("acquisitionId", "5f0c1ab2c3d4e5f60718293a");
    request.path_param("fileName", FILE_NAME);
    request.query("filter", FILTER);
    request
}

/// A port that refuses connections (a listener bound, then dropped).
fn refused_address() -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap()
}

#[tokio::test]
async fn no_parameter_value_appears_in_errors_or_traces() {
    let captured = Captured::default();
    let _guard = captured.install();
    let mut texts = String::new();

    // A refused connection, retried once: the transport error once carried the whole URL.
    let client = client_at(refused_address())
        .max_attempts(2)
        .build()
        .unwrap();
    let error = file_request(&client).send_empty().await.unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    texts.push_str(&every_text(&error));

    let server = MockServer::start().await;
    // A redirect loop: reqwest's redirect error names a URL too.
    Mock::given(path("/api/loop"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("/api/loop?file={FILE_NAME}&filter={FILTER}").as_str(),
        ))
        .mount(&server)
        .await;
    // An error answer and a success answer that does not decode.
    Mock::given(path("/api/missing/PATIENT_NAME_1970.dcm"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "not found", "request_id": "r-1"})),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/garbled/PATIENT_NAME_1970.dcm"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>"))
        .mount(&server)
        .await;
    let client = client_for(&server);
    let mut request = client.request("loop", Method::GET, "/loop");
    request.query("filter", FILTER);
    let error = request.send_empty().await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    texts.push_str(&every_text(&error));
    for (operation, template) in [
        ("missing", "/missing/{name}"),
        ("garbled", "/garbled/{name}"),
    ] {
        let mut request = client.request(operation, Method::GET, template);
        request.path_param("name", FILE_NAME);
        request.query("filter", FILTER);
        let error = request.send_json::<Vec<u32>>().await.unwrap_err();
        texts.push_str(&every_text(&error));
    }

    // Upload failures: a missing local file, an unsendable name, a reader longer than declared.
    let dir = tempfile::tempdir().unwrap();
    for file in [
        UploadFile::from_path(dir.path().join(FILE_NAME)),
        UploadFile::from_bytes("PATIENT_NAME\\1970.dcm", "x"),
        UploadFile::from_reader(FILE_NAME, &[7u8; 5000][..], Some(10)),
    ] {
        let mut request = client.request("upload", Method::POST, "/upload/{name}");
        request.path_param("name", FILE_NAME);
        request.multipart_file("file", file);
        let error = request.send_empty().await.unwrap_err();
        texts.push_str(&every_text(&error));
    }

    assert!(texts.contains("getAcquisitionFileInfo"), "{texts}");
    assert_no_values(&texts);
    let trace = captured.text();
    assert!(
        trace.contains("retrying after a transient failure"),
        "{trace}"
    );
    assert!(
        trace.contains("path_template=\"/acquisitions/{acquisitionId}/files/{fileName}/info\""),
        "{trace}"
    );
    assert_no_values(&trace);
}

/// An upload request for `file` at `server`.
fn upload(client: &Client, file: UploadFile) -> flywheel_client::OperationRequest {
    let mut request = client.request(
        "uploadFileToAcquisition",
        Method::POST,
        "/acquisitions/{containerId}/files",
    );
    request.path_param("containerId", "5f0c1ab2c3d4e5f60718293a");
    request.multipart_file("file", file);
    request
}

async fn accepting_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_reader_longer_or_shorter_than_declared_fails_and_nothing_is_accepted() {
    let server = accepting_server().await;
    let client = client_for(&server);
    let long = UploadFile::from_reader(
        "scan.dcm",
        std::io::Cursor::new(vec![1u8; 100_000]),
        Some(1_000),
    );
    let error = upload(&client, long).send_empty().await.unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("more bytes than the 1000 declared"),
        "{error}"
    );
    let short = UploadFile::from_reader(
        "scan.dcm",
        std::io::Cursor::new(vec![1u8; 100]),
        Some(1_000),
    );
    let error = upload(&client, short).send_empty().await.unwrap_err();
    assert!(
        error
            .to_string()
            .contains("ended after 100 of the 1000 declared"),
        "{error}"
    );
    // Neither body was complete, so the server never saw a whole request.
    assert!(server.received_requests().await.unwrap().is_empty());
    // The exact length still uploads.
    let exact = UploadFile::from_reader(
        "scan.dcm",
        std::io::Cursor::new(vec![1u8; 1_000]),
        Some(1_000),
    );
    upload(&client, exact).send_empty().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_file_that_grows_while_it_uploads_fails_without_sending_extra_bytes() {
    const SIZE: usize = 16 * 1024 * 1024;
    let dir = tempfile::tempdir().unwrap();
    let file_path = dir.path().join("growing.dcm");
    std::fs::write(&file_path, vec![0xAA; SIZE]).unwrap();

    // The server reads the head, makes the file grow, then reads the body slowly to its end.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let growing = file_path.clone();
    let server = tokio::spawn(async move {
        let (mut stream, _) = listener.accept().await.unwrap();
        let head = read_request_head(&mut stream).await;
        let declared: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length: "))
            .and_then(|value| value.trim().parse().ok())
            .expect("a content-length");
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&growing)
            .unwrap();
        file.write_all(&vec![0xBB; 1024 * 1024]).unwrap();
        let mut body = Vec::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => body.extend_from_slice(&buffer[..n]),
            }
            if body.len() >= declared {
                // A complete body would be answered; this one must never get here.
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n[]")
                    .await;
                break;
            }
        }
        (declared, body)
    });
    let client = client_at(address).build().unwrap();
    let outcome = tokio::time::timeout(
        Duration::from_secs(60),
        upload(&client, UploadFile::from_path(&file_path)).send_empty(),
    )
    .await
    .expect("the upload ends");
    let error = outcome.unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    assert!(error.to_string().contains("more bytes than"), "{error}");
    let (declared, body) = server.await.unwrap();
    assert!(body.len() < declared, "{} of {declared}", body.len());
    assert!(
        !body.contains(&0xBB),
        "bytes beyond the declared length were sent"
    );
}

#[tokio::test]
async fn file_names_with_quotes_and_line_breaks_are_encoded_on_the_wire() {
    let server = accepting_server().await;
    let client = client_for(&server);
    let file = UploadFile::from_bytes("scan \"1\"\r\né.dcm", "DICM");
    upload(&client, file).send_empty().await.unwrap();
    let requests = server.received_requests().await.unwrap();
    let body = &requests[0].body;
    let wanted = "filename=\"scan %221%22%0D%0Aé.dcm\"".as_bytes();
    assert!(
        body.windows(wanted.len()).any(|window| window == wanted),
        "{}",
        String::from_utf8_lossy(body)
    );
}

/// A plain-text HTTP server counting its connections: what an https client meets when the key
/// lacks `__force_insecure`.
async fn plain_http_server() -> (SocketAddr, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&connections);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counter.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let mut buffer = [0u8; 1024];
                let _ = stream.read(&mut buffer).await;
                let _ = stream
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                    .await;
            });
        }
    });
    (address, connections)
}

#[tokio::test]
async fn an_https_client_at_a_plain_http_server_fails_fast_with_a_hint() {
    let (address, connections) = plain_http_server().await;
    let client = Client::builder()
        .base_url(format!("https://{address}/api"))
        .api_key(KEY)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap_err();
    // Default retry settings would pause 0.5 + 1 + 2 + 4 s; a generous bound shows none ran.
    assert!(started.elapsed() < Duration::from_secs(5), "{error}");
    assert_eq!(connections.load(Ordering::SeqCst), 1);
    assert!(
        matches!(
            error,
            Error::Transport {
                kind: TransportKind::NotTls,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(message.contains("plain http"), "{message}");
    assert!(message.contains("__force_insecure"), "{message}");
}

#[tokio::test]
async fn refused_connections_are_retried_visibly_and_bounded() {
    let captured = Captured::default();
    let _guard = captured.install();
    let client = client_at(refused_address())
        .max_attempts(3)
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10), "{error}");
    assert!(error.is_connect(), "{error:?}");
    let trace = captured.text();
    let warnings: Vec<&str> = trace
        .lines()
        .filter(|line| line.contains("WARN") && line.contains("retrying after a transient failure"))
        .collect();
    assert_eq!(warnings.len(), 2, "{trace}");
    assert!(
        warnings[0].contains("operation_id=\"getVersion\""),
        "{trace}"
    );
}

#[tokio::test]
async fn key_strings_with_ipv6_hosts_reach_the_server_and_a_missing_key_is_refused() {
    let listener = std::net::TcpListener::bind("[::1]:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(path("/api/version"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::from_api_key(&format!("[::1]:{port}:__force_insecure:{KEY}")).unwrap();
    assert_eq!(client.base_url(), format!("http://[::1]:{port}/api"));
    client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].headers["authorization"],
        format!("scitran-user {KEY}").as_str()
    );

    let client = Client::from_api_key(&format!("[2001:db8::1]:{KEY}")).unwrap();
    assert_eq!(client.base_url(), "https://[2001:db8::1]:443/api");
    let error = Client::from_api_key("127.0.0.1:8080").unwrap_err();
    let message = error.to_string();
    assert!(message.contains("not a key"), "{message}");
    assert!(message.contains("`HOST:PORT:KEY`"), "{message}");
}

#[tokio::test]
async fn retry_after_in_every_rfc_9110_form_is_honoured() {
    for value in [
        "0",
        "Sun, 06 Nov 1994 08:49:37 GMT",
        "Sunday, 06-Nov-94 08:49:37 GMT",
        "Sun Nov  6 08:49:37 1994",
    ] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(503).insert_header("retry-after", value))
            .up_to_n_times(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
            .mount(&server)
            .await;
        // The computed backoff (60 s) would outlast the call's 20 s total timeout, so the retry
        // happens only if the header (a date in the past: no pause) replaces it.
        let client = builder_for(&server)
            .initial_retry_delay(Duration::from_secs(60))
            .max_retry_delay(Duration::from_secs(60))
            .build()
            .unwrap();
        let mut request = client.request("getVersion", Method::GET, "/version");
        request.options(CallOptions::new().timeout(Duration::from_secs(20)));
        request
            .send_empty()
            .await
            .unwrap_or_else(|error| panic!("{value}: {error}"));
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            2,
            "{value}"
        );
    }
}

#[tokio::test]
async fn a_redirected_streamed_upload_says_it_could_not_be_replayed_and_where() {
    let cases = [
        (307, UploadFile::from_bytes(FILE_NAME, "DICM")),
        (
            308,
            UploadFile::from_reader(FILE_NAME, &b"DICM"[..], Some(4)),
        ),
    ];
    for (status, file) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(status).insert_header(
                "location",
                format!("https://storage.example.org:9000/bucket/{FILE_NAME}?sig=abc").as_str(),
            ))
            .expect(1)
            .mount(&server)
            .await;
        let error = upload(&client_for(&server), file)
            .send_empty()
            .await
            .unwrap_err();
        let Error::UnreplayableRedirect {
            status: answered,
            location,
            ..
        } = &error
        else {
            panic!("{error:?}");
        };
        assert_eq!(answered.as_u16(), status);
        assert_eq!(
            location.as_deref(),
            Some("https://storage.example.org:9000")
        );
        let message = error.to_string();
        assert!(message.contains("cannot be replayed"), "{message}");
        assert!(
            message.contains("https://storage.example.org:9000"),
            "{message}"
        );
        assert_no_values(&every_text(&error));
    }
}

#[tokio::test]
async fn debug_of_an_api_error_is_concise_and_details_stay_reachable() {
    let server = MockServer::start().await;
    let long_body = json!({
        "message": "project not found",
        "request_id": "req-42",
        "trace": "x".repeat(5000),
    });
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(long_body)
                .insert_header("x-internal-header", "some-value"),
        )
        .mount(&server)
        .await;
    let error = client_for(&server)
        .request("getProject", Method::GET, "/projects/x")
        .send_empty()
        .await
        .unwrap_err();
    let debug = format!("{error:?}");
    assert_eq!(
        debug,
        "ApiError { operation_id: \"getProject\", status: 404, message: Some(\"project not found\"), request_id: Some(\"req-42\") }"
    );
    let api = error.api_error().unwrap();
    assert_eq!(api.headers()["x-internal-header"], "some-value");
    assert!(api.body().len() > 5000);
    // What `fn main() -> Result<()>` prints stays one short line.
    let main_output = format!("Error: {error:?}");
    assert!(main_output.len() < 200, "{main_output}");
}
