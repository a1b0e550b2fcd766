//! Transient failures are retried for idempotent calls, honouring `Retry-After`.

use std::time::{Duration, Instant};

use flywheel_client::http::{Method, StatusCode};
use flywheel_client::{CallOptions, UploadFile};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{builder_for, client_for};

/// A server answering `first` once, then 200 `{"ok": true}`.
async fn failing_once(http_method: &str, first: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(http_method))
        .respond_with(first)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method(http_method))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    server
}

async fn request_count(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_503_then_200_get_succeeds_after_one_retry() {
    let server = failing_once("GET", ResponseTemplate::new(503)).await;
    let value: serde_json::Value = client_for(&server)
        .request("getAllProjects", Method::GET, "/projects")
        .send_json()
        .await
        .expect("the retry succeeds");
    assert_eq!(value["ok"], true);
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_429_is_retried_too() {
    let server = failing_once("DELETE", ResponseTemplate::new(429)).await;
    client_for(&server)
        .request("deleteProject", Method::DELETE, "/projects/x")
        .send_empty()
        .await
        .expect("the retry succeeds");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_post_gets_exactly_one_attempt() {
    let server = failing_once("POST", ResponseTemplate::new(503)).await;
    let mut request = server_request(&server, Method::POST);
    request.json_body(&json!({"label": "x"}));
    let error = request.send_empty().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert!(error.is_retryable());
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_post_is_retried_when_the_call_allows_it() {
    let server = failing_once("POST", ResponseTemplate::new(502)).await;
    let mut request = server_request(&server, Method::POST);
    request.json_body(&json!({"label": "x"}));
    request.options(CallOptions::new().retry_non_idempotent(true));
    request.send_empty().await.expect("the retry succeeds");
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn a_reader_upload_is_never_retried() {
    let server = failing_once("POST", ResponseTemplate::new(503)).await;
    let mut request = server_request(&server, Method::POST);
    request.options(CallOptions::new().retry_non_idempotent(true));
    let reader = std::io::Cursor::new(b"dicom bytes".to_vec());
    request.multipart_file(
        "file",
        UploadFile::from_reader("scan.dcm", reader, Some(11)),
    );
    let error = request.send_empty().await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(request_count(&server).await, 1);
}

#[tokio::test]
async fn a_path_upload_is_replayed_on_retry() {
    let server = failing_once("POST", ResponseTemplate::new(503)).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("scan.dcm");
    std::fs::write(&file, b"replayable contents").unwrap();
    let mut request = server_request(&server, Method::POST);
    request.options(CallOptions::new().retry_non_idempotent(true));
    request.multipart_file("file", UploadFile::from_path(&file));
    request.send_empty().await.expect("the retry succeeds");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for received in requests {
        let body = String::from_utf8_lossy(&received.body).into_owned();
        assert!(body.contains("replayable contents"), "{body}");
    }
}

#[tokio::test]
async fn retry_after_seconds_are_respected() {
    let server = failing_once(
        "GET",
        ResponseTemplate::new(503).insert_header("retry-after", "1"),
    )
    .await;
    let started = Instant::now();
    server_request(&server, Method::GET)
        .send_empty()
        .await
        .expect("the retry succeeds");
    let elapsed = started.elapsed();
    assert!(
        elapsed >= Duration::from_secs(1),
        "retried after {elapsed:?}"
    );
    assert!(
        elapsed < Duration::from_secs(3),
        "retried after {elapsed:?}"
    );
    assert_eq!(request_count(&server).await, 2);
}

#[tokio::test]
async fn retry_after_dates_are_respected() {
    let in_two_seconds = chrono::Utc::now() + chrono::Duration::seconds(2);
    let date = in_two_seconds
        .format("%a, %d %b %Y %H:%M:%S GMT")
        .to_string();
    let server = failing_once(
        "GET",
        ResponseTemplate::new(429).insert_header("retry-after", date.as_str()),
    )
    .await;
    let started = Instant::now();
    server_request(&server, Method::GET)
        .send_empty()
        .await
        .expect("the retry succeeds");
    // The date has one-second resolution: at least one second must have passed.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn retry_after_is_capped_by_the_max_retry_delay() {
    let server = failing_once(
        "GET",
        ResponseTemplate::new(503).insert_header("retry-after", "120"),
    )
    .await;
    let client = builder_for(&server)
        .max_retry_delay(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .expect("the retry succeeds");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn attempts_are_limited() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(504))
        .mount(&server)
        .await;
    let client = builder_for(&server).max_attempts(3).build().unwrap();
    let error = client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::GATEWAY_TIMEOUT));
    assert_eq!(request_count(&server).await, 3);

    let mut request = client.request("getVersion", Method::GET, "/version");
    request.options(CallOptions::new().max_attempts(1));
    request.send_empty().await.unwrap_err();
    assert_eq!(request_count(&server).await, 4);
}

#[tokio::test]
async fn a_total_timeout_stops_retrying() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let mut request = server_request(&server, Method::GET);
    request.options(CallOptions::new().timeout(Duration::from_millis(500)));
    let started = Instant::now();
    let error = request.send_empty().await.unwrap_err();
    // The 1 s pause would outlast the 500 ms budget: the 503 is returned at once.
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    assert_eq!(request_count(&server).await, 1);
}

fn server_request(server: &MockServer, http_method: Method) -> flywheel_client::OperationRequest {
    client_for(server).request("testOperation", http_method, "/things")
}

#[tokio::test]
async fn connection_failures_are_retried_even_for_a_post() {
    use tokio::io::AsyncWriteExt;
    // A port that refuses connections until a server starts on it 300 ms later.
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(300)).await;
        let listener = tokio::net::TcpListener::bind(address).await.unwrap();
        while let Ok((mut stream, _)) = listener.accept().await {
            let _head = crate::read_request_head(&mut stream).await;
            let answer = "HTTP/1.1 200 OK\r\ncontent-length: 11\r\n\r\n{\"ok\":true}";
            let _ = stream.write_all(answer.as_bytes()).await;
        }
    });
    let client = crate::client_at(address)
        .initial_retry_delay(Duration::from_millis(100))
        .max_retry_delay(Duration::from_millis(200))
        .max_attempts(10)
        .build()
        .unwrap();
    let request = client.request("addProject", Method::POST, "/projects");
    let started = Instant::now();
    let value: serde_json::Value = request.send_json().await.expect("a later attempt connects");
    assert_eq!(value["ok"], true);
    assert!(started.elapsed() >= Duration::from_millis(300));
}
