//! Multipart uploads: streamed parts, file names sent byte-for-byte, metadata as JSON text.

use flywheel_client::http::Method;
use flywheel_client::{Error, UploadFile};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;

async fn upload_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": "ok"}])))
        .mount(&server)
        .await;
    server
}

fn upload_request(server: &MockServer) -> flywheel_client::OperationRequest {
    let mut request = client_for(server).request(
        "uploadFileToAcquisition",
        Method::POST,
        "/acquisitions/{containerId}/files",
    );
    request.path_param("containerId", "5f0c1ab2c3d4e5f60718293a");
    request
}

async fn single_body(server: &MockServer) -> (wiremock::Request, Vec<u8>) {
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    let request = requests[0].clone();
    let body = request.body.clone();
    (request, body)
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

#[tokio::test]
async fn a_unicode_file_name_survives_the_multipart_header_byte_for_byte() {
    let server = upload_server().await;
    let mut request = upload_request(&server);
    request.multipart_file(
        "file",
        UploadFile::from_bytes("scan é #1.dcm", b"DICM-bytes".to_vec()),
    );
    request.multipart_json("metadata", &json!({"modality": "MR", "info": {"é": 1}}));
    let answer: serde_json::Value = request.send_json().await.unwrap();
    assert_eq!(answer[0]["name"], "ok");

    let (received, body) = single_body(&server).await;
    let content_type = received.headers["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let expected_header =
        "Content-Disposition: form-data; name=\"file\"; filename=\"scan é #1.dcm\"";
    assert!(
        contains(&body, expected_header.as_bytes()),
        "{}",
        String::from_utf8_lossy(&body)
    );
    assert!(contains(&body, "scan \u{e9} #1.dcm".as_bytes()));
    assert!(
        !contains(&body, b"%C3%A9"),
        "the name must not be percent-encoded"
    );
    assert!(contains(
        &body,
        b"Content-Type: application/dicom\r\n\r\nDICM-bytes\r\n"
    ));
    // Keys in the order written (the client enables serde_json's `preserve_order`).
    let metadata = "Content-Disposition: form-data; name=\"metadata\"\r\n\r\n{\"modality\":\"MR\",\"info\":{\"é\":1}}\r\n";
    assert!(
        contains(&body, metadata.as_bytes()),
        "{}",
        String::from_utf8_lossy(&body)
    );
}

#[tokio::test]
async fn text_fields_go_before_file_parts_whatever_the_call_order() {
    let server = upload_server().await;
    let mut request = upload_request(&server);
    request.multipart_file("file", UploadFile::from_bytes("a.txt", b"bytes".to_vec()));
    request.multipart_text("metadata", "{}".to_owned());
    let _: serde_json::Value = request.send_json().await.unwrap();
    let (_, body) = single_body(&server).await;
    let position = |needle: &[u8]| body.windows(needle.len()).position(|w| w == needle);
    let metadata = position(b"name=\"metadata\"").expect("metadata part");
    let file = position(b"name=\"file\"").expect("file part");
    assert!(metadata < file, "{}", String::from_utf8_lossy(&body));
}

#[tokio::test]
async fn a_file_from_a_path_is_streamed_with_a_content_length() {
    let server = upload_server().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("T1 weighted.nii.gz");
    let contents: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&path, &contents).unwrap();

    let mut request = upload_request(&server);
    request.multipart_file("file", UploadFile::from_path(&path));
    request.multipart_file(
        "file",
        UploadFile::from_bytes("notes.txt", "second file").with_content_type("text/x-notes"),
    );
    request.send_empty().await.unwrap();

    let (received, body) = single_body(&server).await;
    let length: usize = received.headers["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(length, body.len());
    assert!(contains(
        &body,
        b"filename=\"T1 weighted.nii.gz\"\r\nContent-Type: application/gzip"
    ));
    assert!(contains(&body, &contents));
    assert!(contains(
        &body,
        b"name=\"file\"; filename=\"notes.txt\"\r\nContent-Type: text/x-notes\r\n\r\nsecond file"
    ));
}

#[tokio::test]
async fn a_reader_is_streamed_chunked_when_its_length_is_unknown() {
    let server = upload_server().await;
    let mut request = upload_request(&server);
    let reader = std::io::Cursor::new(vec![7u8; 70_000]);
    request.multipart_file(
        "file",
        UploadFile::from_reader("blob.unknownext", reader, None),
    );
    request.multipart_text("label", "plain text".to_owned());
    request.send_empty().await.unwrap();
    let (received, body) = single_body(&server).await;
    assert!(received.headers.get("content-length").is_none());
    assert!(contains(
        &body,
        b"Content-Type: application/octet-stream\r\n\r\n"
    ));
    assert!(contains(&body, &[7u8; 70_000]));
    assert!(contains(&body, b"name=\"label\"\r\n\r\nplain text\r\n"));
}

#[tokio::test]
async fn file_names_that_cannot_be_sent_are_rejected() {
    let server = upload_server().await;
    for name in ["a\\b.dcm", ""] {
        let mut request = upload_request(&server);
        request.multipart_file("file", UploadFile::from_bytes(name, "x"));
        let error = request.send_empty().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest { .. }),
            "{name:?}: {error:?}"
        );
        assert!(
            error
                .to_string()
                .starts_with("uploadFileToAcquisition: invalid request")
        );
    }
    let mut request = upload_request(&server);
    request.multipart_file(
        "file",
        UploadFile::from_bytes("x.dcm", "x").with_content_type("not a media type"),
    );
    let error = request.send_empty().await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_missing_file_is_an_io_error() {
    let server = upload_server().await;
    let dir = tempfile::tempdir().unwrap();
    let mut request = upload_request(&server);
    request.multipart_file("file", UploadFile::from_path(dir.path().join("absent.dcm")));
    let error = request.send_empty().await.unwrap_err();
    assert!(matches!(error, Error::Io { .. }), "{error:?}");
    // The path is not named: file names may carry patient information.
    assert!(!error.to_string().contains("absent.dcm"), "{error}");
    assert!(
        error.to_string().contains("cannot open the file to upload"),
        "{error}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}
