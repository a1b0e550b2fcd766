//! Downloads stream to files, readers and chunk streams.

use flywheel_client::Error;
use flywheel_client::http::{Method, StatusCode};
use futures_util::StreamExt;
use tokio::io::AsyncReadExt;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;

fn payload() -> Vec<u8> {
    (0..1_000_000u32).map(|i| (i * 7 % 256) as u8).collect()
}

async fn download_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/files/scan.dcm"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(payload(), "application/dicom")
                .insert_header("content-disposition", "attachment; filename=\"scan.dcm\""),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/files/partial.dcm"))
        .and(header("range", "bytes=0-3"))
        .respond_with(ResponseTemplate::new(206).set_body_bytes(b"DICM".to_vec()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/files/missing.dcm"))
        .respond_with(ResponseTemplate::new(404).set_body_json(serde_json::json!({
            "message": "File missing.dcm not found", "status_code": 404
        })))
        .mount(&server)
        .await;
    server
}

fn download(server: &MockServer, name: &str) -> flywheel_client::OperationRequest {
    let mut request = client_for(server).request("downloadFile", Method::GET, "/files/{name}");
    request.path_param("name", name);
    request
}

#[tokio::test]
async fn write_to_path_writes_the_whole_body_and_no_temporary_file() {
    let server = download_server().await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.dcm");
    std::fs::write(&target, b"old contents").unwrap();
    let download = download(&server, "scan.dcm").send_download().await.unwrap();
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.content_length(), Some(1_000_000));
    assert_eq!(download.headers()["content-type"], "application/dicom");
    let written = download.write_to_path(&target).await.unwrap();
    assert_eq!(written, 1_000_000);
    assert_eq!(std::fs::read(&target).unwrap(), payload());
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["out.dcm"]);
}

#[tokio::test]
async fn a_failed_write_leaves_no_partial_file() {
    let server = download_server().await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("no such dir").join("out.dcm");
    let error = download(&server, "scan.dcm")
        .send_download()
        .await
        .unwrap()
        .write_to_path(&target)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    assert!(!target.exists());

    // The rename fails when the target is a directory: the temporary file is removed.
    let occupied = dir.path().join("occupied");
    std::fs::create_dir(&occupied).unwrap();
    std::fs::write(occupied.join("inside"), b"x").unwrap();
    let error = download(&server, "scan.dcm")
        .send_download()
        .await
        .unwrap()
        .write_to_path(&occupied)
        .await
        .unwrap_err();
    assert!(error.to_string().contains("cannot rename"), "{error}");
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["occupied"]);
}

#[tokio::test]
async fn the_body_reads_as_async_read_and_as_chunks() {
    let server = download_server().await;
    let mut reader = download(&server, "scan.dcm")
        .send_download()
        .await
        .unwrap()
        .into_async_read();
    let mut contents = Vec::new();
    reader.read_to_end(&mut contents).await.unwrap();
    assert_eq!(contents, payload());

    let mut chunks = download(&server, "scan.dcm")
        .send_download()
        .await
        .unwrap()
        .bytes_stream();
    let mut total = 0;
    while let Some(chunk) = chunks.next().await {
        total += chunk.unwrap().len();
    }
    assert_eq!(total, 1_000_000);
}

#[tokio::test]
async fn range_requests_and_error_answers() {
    let server = download_server().await;
    let mut request = download(&server, "partial.dcm");
    request.header("range", "bytes=0-3".to_owned());
    let partial = request.send_download().await.unwrap();
    assert_eq!(partial.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(partial.bytes().await.unwrap().as_ref(), b"DICM");

    let error = download(&server, "missing.dcm")
        .send_download()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(
        error.to_string(),
        "downloadFile: HTTP 404 Not Found: File missing.dcm not found"
    );
}
