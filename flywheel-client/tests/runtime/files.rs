//! File conveniences (`conveniences::files`) against a mock Flywheel and a mock storage
//! endpoint: signed-URL uploads (single, multipart, retried part), each fallback to the direct
//! multipart upload, analysis outputs, and downloads (to a path, interrupted, range, zip
//! member, ticket URL), with non-ASCII and `/`-containing names.

use flywheel_client::conveniences::{Acquisition, Analysis, UploadOptions, UploadProtocol};
use flywheel_client::{Client, Error, UploadFile};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpListener;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::{client_at, client_for, read_request_head};

const ACQUISITION: &str = "5f0c1ab2c3d4e5f60718293a";
const ANALYSIS: &str = "5f0c1ab2c3d4e5f60718293c";
/// A name with non-ASCII characters, a space and a `/`.
const NAME: &str = "scans/T1 é #1.nii.gz";

fn acquisition(client: &Client) -> Acquisition {
    Acquisition::new(
        client.clone(),
        serde_json::from_value(json!({"_id": ACQUISITION})).unwrap(),
    )
}

fn analysis(client: &Client) -> Analysis {
    Analysis::new(
        client.clone(),
        serde_json::from_value(json!({"_id": ANALYSIS})).unwrap(),
    )
}

fn contents(size: usize) -> Vec<u8> {
    (0..size).map(|i| (i * 31 % 251) as u8).collect()
}

async fn mount_config(server: &MockServer, signed_url: bool) {
    Mock::given(method("GET"))
        .and(path("/api/config"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"features": {"signed_url": signed_url}})),
        )
        .mount(server)
        .await;
}

/// Mounts the completion of ticket `T1` on the acquisition, answering one file.
async fn mount_completion(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/api/acquisitions/{ACQUISITION}/files")))
        .and(query_param("ticket", "T1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": NAME, "size": 10}])))
        .expect(1)
        .mount(server)
        .await;
}

/// Mounts the direct multipart upload to the acquisition (no `ticket` parameter).
async fn mount_direct(server: &MockServer) {
    Mock::given(method("POST"))
        .and(path(format!("/api/acquisitions/{ACQUISITION}/files")))
        .and(query_param_is_missing("ticket"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": NAME}])))
        .expect(1)
        .mount(server)
        .await;
}

fn body_json_of(request: &Request) -> serde_json::Value {
    serde_json::from_slice(&request.body).unwrap()
}

#[tokio::test]
async fn a_signed_url_upload_puts_the_file_with_the_given_headers_and_completes_the_ticket() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    mount_config(&api, true).await;
    Mock::given(method("POST"))
        .and(path(format!("/api/acquisitions/{ACQUISITION}/files")))
        .and(query_param("ticket", ""))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ticket": "T1",
            "urls": {NAME: format!("{}/bucket/object-1?sig=abc", storage.uri())},
            "headers": {"x-ms-blob-type": "BlockBlob"}
        })))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("PUT"))
        .and(path("/bucket/object-1"))
        .and(header("x-ms-blob-type", "BlockBlob"))
        .and(header("content-length", "10"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&storage)
        .await;
    mount_completion(&api).await;

    let client = client_for(&api);
    let file = UploadFile::from_bytes(NAME, contents(10));
    let options = UploadOptions::new().metadata(json!({"modality": "MR", "info": {"a": 1}}));
    let files = acquisition(&client)
        .upload_file_with(file, options)
        .await
        .unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].name.as_deref(), Some(NAME));

    let api_requests = api.received_requests().await.unwrap();
    let ticket_request = api_requests
        .iter()
        .find(|request| request.url.query() == Some("ticket="))
        .unwrap();
    assert_eq!(
        body_json_of(ticket_request),
        json!({
            "metadata": {"modality": "MR", "info": {"a": 1}, "name": NAME, "size": 10},
            "filenames": [NAME]
        })
    );
    // The storage gets no API key, and exactly the file.
    let put = &storage.received_requests().await.unwrap()[0];
    assert!(put.headers.get("authorization").is_none());
    assert_eq!(put.body, contents(10));
    // A single URL without `uploadId`: the completion has no body.
    let completion = api_requests
        .iter()
        .find(|request| request.url.query() == Some("ticket=T1"))
        .unwrap();
    assert!(completion.body.is_empty());
}

/// Mounts a ticket answer with three part URLs of an S3-compatible (non-AWS) store.
async fn mount_multipart_ticket(api: &MockServer, storage: &MockServer) {
    let urls: Vec<String> = (1..=3)
        .map(|part| {
            format!(
                "{}/bucket/obj?uploadId=U%2B1&partNumber={part}",
                storage.uri()
            )
        })
        .collect();
    Mock::given(method("POST"))
        .and(path(format!("/api/acquisitions/{ACQUISITION}/files")))
        .and(query_param("ticket", ""))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ticket": "T1",
            "urls": {NAME: urls},
            "headers": {"x-amz-acl": "private"}
        })))
        .mount(api)
        .await;
}

async fn mount_part(storage: &MockServer, part: u32) {
    Mock::given(method("PUT"))
        .and(path("/bucket/obj"))
        .and(query_param("partNumber", part.to_string()))
        .and(header("x-amz-acl", "private"))
        .respond_with(ResponseTemplate::new(200).insert_header("etag", format!("\"etag-{part}\"")))
        .mount(storage)
        .await;
}

fn part_bodies(requests: &[Request]) -> Vec<(String, Vec<u8>)> {
    requests
        .iter()
        .map(|request| {
            (
                request.url.query().unwrap_or_default().to_owned(),
                request.body.clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_multipart_signed_upload_streams_parts_from_disk_and_completes_with_their_etags() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    mount_config(&api, true).await;
    mount_multipart_ticket(&api, &storage).await;
    for part in 1..=3 {
        mount_part(&storage, part).await;
    }
    Mock::given(method("POST"))
        .and(path(format!("/api/acquisitions/{ACQUISITION}/files")))
        .and(query_param("ticket", "T1"))
        .and(body_json(json!({
            "multipart": {"e_tags": ["etag-1", "etag-2", "etag-3"], "upload_id": "U+1"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": NAME}])))
        .expect(1)
        .mount(&api)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("on disk.bin");
    std::fs::write(&source, contents(10)).unwrap();
    let client = client_for(&api);
    let file = UploadFile::from_path(&source).with_file_name(NAME);
    acquisition(&client).upload_file(file).await.unwrap();

    // ceil(10 / 3) = 4 bytes per part, the last one shorter, in order.
    let parts = part_bodies(&storage.received_requests().await.unwrap());
    let data = contents(10);
    assert_eq!(
        parts,
        vec![
            (
                "uploadId=U%2B1&partNumber=1".to_owned(),
                data[0..4].to_vec()
            ),
            (
                "uploadId=U%2B1&partNumber=2".to_owned(),
                data[4..8].to_vec()
            ),
            (
                "uploadId=U%2B1&partNumber=3".to_owned(),
                data[8..10].to_vec()
            ),
        ]
    );
}

#[tokio::test]
async fn a_storage_put_failing_once_is_retried_without_resending_the_parts_that_succeeded() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    mount_config(&api, true).await;
    mount_multipart_ticket(&api, &storage).await;
    mount_part(&storage, 1).await;
    mount_part(&storage, 3).await;
    // Part 2: one 503, then success.
    Mock::given(method("PUT"))
        .and(query_param("partNumber", "2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&storage)
        .await;
    mount_part(&storage, 2).await;
    Mock::given(method("POST"))
        .and(query_param("ticket", "T1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": NAME}])))
        .expect(1)
        .mount(&api)
        .await;

    let client = client_for(&api);
    let file = UploadFile::from_bytes(NAME, contents(10));
    acquisition(&client).upload_file(file).await.unwrap();

    let parts: Vec<String> = part_bodies(&storage.received_requests().await.unwrap())
        .into_iter()
        .map(|(query, _)| query)
        .collect();
    assert_eq!(
        parts,
        [
            "uploadId=U%2B1&partNumber=1",
            "uploadId=U%2B1&partNumber=2",
            "uploadId=U%2B1&partNumber=2",
            "uploadId=U%2B1&partNumber=3"
        ]
    );
}

#[tokio::test]
async fn a_storage_put_that_keeps_failing_is_an_api_error_keeping_status_and_body() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    mount_config(&api, true).await;
    mount_multipart_ticket(&api, &storage).await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(403).set_body_string("<Error>AccessDenied</Error>"))
        .expect(1)
        .mount(&storage)
        .await;

    let client = client_for(&api);
    let file = UploadFile::from_bytes(NAME, contents(10));
    let error = acquisition(&client).upload_file(file).await.unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(403));
    let api_error = error.api_error().unwrap();
    assert_eq!(&api_error.body()[..], b"<Error>AccessDenied</Error>");
    assert!(!error.to_string().contains("T1 "), "{error}");
    assert!(!format!("{error:?}").contains("scans"), "{error:?}");
}

/// The multipart body of the one direct upload: it carries the file and its name as given.
fn assert_direct_upload(requests: &[Request], data: &[u8]) {
    let direct: Vec<_> = requests
        .iter()
        .filter(|request| request.method.as_str() == "POST" && request.url.query().is_none())
        .collect();
    assert_eq!(direct.len(), 1);
    let body = &direct[0].body;
    let content_type = direct[0]
        .headers
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        content_type.starts_with("multipart/form-data"),
        "{content_type}"
    );
    let needle = format!("filename=\"{NAME}\"");
    assert!(
        body.windows(needle.len())
            .any(|window| window == needle.as_bytes()),
        "the file part names the file"
    );
    assert!(body.windows(data.len()).any(|window| window == data));
}

#[tokio::test]
async fn without_signed_url_support_the_upload_is_a_direct_multipart_post() {
    let api = MockServer::start().await;
    mount_config(&api, false).await;
    mount_direct(&api).await;
    let client = client_for(&api);
    let options = UploadOptions::new().metadata(json!({"modality": "MR"}));
    acquisition(&client)
        .upload_file_with(UploadFile::from_bytes(NAME, contents(10)), options)
        .await
        .unwrap();
    let requests = api.received_requests().await.unwrap();
    assert_direct_upload(&requests, &contents(10));
    let body = &requests.last().unwrap().body;
    let metadata = br#"{"modality":"MR"}"#;
    assert!(
        body.windows(metadata.len())
            .any(|window| window == metadata)
    );
    // No ticket was asked for.
    assert!(
        requests
            .iter()
            .all(|request| request.url.query() != Some("ticket="))
    );
}

#[tokio::test]
async fn ticket_answers_of_null_without_headers_or_409_fall_back_to_the_direct_upload() {
    let answers = [
        ResponseTemplate::new(200).set_body_json(json!(null)),
        ResponseTemplate::new(200).set_body_json(json!({
            "ticket": "T1",
            "urls": {NAME: "http://127.0.0.1:9/never"}
        })),
        ResponseTemplate::new(409)
            .set_body_json(json!({"message": "conflict", "status_code": 409})),
    ];
    for answer in answers {
        let api = MockServer::start().await;
        mount_config(&api, true).await;
        Mock::given(method("POST"))
            .and(query_param("ticket", ""))
            .respond_with(answer)
            .expect(1)
            .mount(&api)
            .await;
        mount_direct(&api).await;
        let client = client_for(&api);
        acquisition(&client)
            .upload_file(UploadFile::from_bytes(NAME, contents(10)))
            .await
            .unwrap();
        assert_direct_upload(&api.received_requests().await.unwrap(), &contents(10));
    }
}

#[tokio::test]
async fn a_forced_protocol_is_used_or_fails() {
    // Multipart: no /config, no ticket.
    let api = MockServer::start().await;
    mount_direct(&api).await;
    let client = client_for(&api);
    let options = UploadOptions::new().protocol(UploadProtocol::Multipart);
    acquisition(&client)
        .upload_file_with(UploadFile::from_bytes(NAME, contents(3)), options)
        .await
        .unwrap();
    assert_eq!(api.received_requests().await.unwrap().len(), 1);

    // Signed URL forced, the server answers `null`: an error, no direct upload.
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(query_param("ticket", ""))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(null)))
        .expect(1)
        .mount(&api)
        .await;
    let client = client_for(&api);
    let options = UploadOptions::new().protocol(UploadProtocol::SignedUrl);
    let error = acquisition(&client)
        .upload_file_with(UploadFile::from_bytes(NAME, contents(3)), options)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Unexpected { .. }), "{error:?}");
}

#[tokio::test]
async fn analysis_outputs_go_up_as_one_direct_request_or_one_ticket_per_file() {
    // Direct: both files in one multipart request to the analysis.
    let api = MockServer::start().await;
    mount_config(&api, false).await;
    Mock::given(method("POST"))
        .and(path(format!("/api/analyses/{ANALYSIS}/files")))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"name": "a.csv"}, {"name": "b/ü.txt"}])),
        )
        .expect(1)
        .mount(&api)
        .await;
    let client = client_for(&api);
    let files = analysis(&client)
        .upload_output([
            UploadFile::from_bytes("a.csv", b"1,2".to_vec()),
            UploadFile::from_bytes("b/ü.txt", b"x".to_vec()),
        ])
        .await
        .unwrap();
    assert_eq!(files.len(), 2);

    // Signed: the metadata goes as a one-item list, as the SDK sends it for analyses.
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    mount_config(&api, true).await;
    Mock::given(method("POST"))
        .and(path(format!("/api/analyses/{ANALYSIS}/files")))
        .and(query_param("ticket", ""))
        .and(body_json(json!({
            "metadata": [{"name": "a.csv", "size": 3}],
            "filenames": ["a.csv"]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "ticket": "T2", "urls": {"a.csv": format!("{}/o", storage.uri())}, "headers": {}
        })))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&storage)
        .await;
    Mock::given(method("POST"))
        .and(query_param("ticket", "T2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": "a.csv"}])))
        .expect(1)
        .mount(&api)
        .await;
    let client = client_for(&api);
    analysis(&client)
        .upload_output([UploadFile::from_bytes("a.csv", b"1,2".to_vec())])
        .await
        .unwrap();

    // Not an analysis: refused before anything is sent.
    let error = acquisition(&client)
        .upload_output([UploadFile::from_bytes("a.csv", b"1".to_vec())])
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
}

fn file_path(name_encoded: &str) -> String {
    format!("/api/containers/{ACQUISITION}/files/{name_encoded}")
}

/// `NAME` as one percent-encoded path segment.
const NAME_ENCODED: &str = "scans%2FT1%20%C3%A9%20%231.nii.gz";

#[tokio::test]
async fn a_file_downloads_to_a_path_reads_into_memory_and_by_range() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(file_path(NAME_ENCODED)))
        .and(header("range", "bytes=2-5"))
        .and(query_param("view", "true"))
        .respond_with(ResponseTemplate::new(206).set_body_bytes(contents(10)[2..6].to_vec()))
        .with_priority(1)
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path(NAME_ENCODED)))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(contents(10)))
        .mount(&api)
        .await;
    let client = client_for(&api);
    let file = acquisition(&client).file(NAME);
    assert_eq!(file.read().await.unwrap(), contents(10));
    assert_eq!(file.read_range(2..6).await.unwrap(), contents(10)[2..6]);
    assert!(file.read_range(4..4).await.unwrap().is_empty());
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out é.bin");
    assert_eq!(file.download_to(&target).await.unwrap(), 10);
    assert_eq!(std::fs::read(&target).unwrap(), contents(10));
}

#[tokio::test]
async fn an_interrupted_download_leaves_no_partial_file() {
    // Announces 1000 bytes, sends 10, closes.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        if let Ok((mut stream, _)) = listener.accept().await {
            let _head = read_request_head(&mut stream).await;
            let head = "HTTP/1.1 200 OK\r\ncontent-length: 1000\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(&[7u8; 10]).await;
        }
    });
    let client = client_at(address).max_attempts(1).build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.bin");
    let error = acquisition(&client)
        .file(NAME)
        .download_to(&target)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn zip_members_list_and_read_and_a_ticket_url_is_shareable() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(file_path(NAME_ENCODED)))
        .and(query_param("info", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "comment": "", "members": [{"path": "dir/ä.dcm", "size": 4, "timestamp": "2024-01-01T00:00:00Z"}]
        })))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path(NAME_ENCODED)))
        .and(query_param("member", "dir/ä.dcm"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"DICM".to_vec()))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path(NAME_ENCODED)))
        .and(query_param("ticket", ""))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"ticket": "tk1", "filename": NAME})),
        )
        .mount(&api)
        .await;
    let client = client_for(&api);
    let file = acquisition(&client).file(NAME);
    let info = file.zip_info().await.unwrap();
    let members = info.members.unwrap();
    assert_eq!(members[0].path.as_deref(), Some("dir/ä.dcm"));
    assert_eq!(
        &file.read_zip_member("dir/ä.dcm").await.unwrap()[..],
        b"DICM"
    );
    assert_eq!(
        file.download_url().await.unwrap(),
        format!(
            "{}/api{}?ticket=tk1",
            api.uri(),
            file_path(NAME_ENCODED).trim_start_matches("/api")
        )
    );
}

#[tokio::test]
async fn file_metadata_changes_go_to_the_file_operations() {
    let api = MockServer::start().await;
    for (verb, suffix, body) in [
        ("PATCH", "/info", json!({"set": {"a": 1}})),
        ("PATCH", "/info", json!({"delete": ["b"]})),
        (
            "PATCH",
            "/classification",
            json!({"add": {"Intent": ["Structural"]}}),
        ),
        ("PUT", "", json!({"modality": "MR"})),
    ] {
        Mock::given(method(verb))
            .and(path(format!("{}{suffix}", file_path(NAME_ENCODED))))
            .and(body_json(body))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"modified": 1})))
            .expect(1)
            .mount(&api)
            .await;
    }
    let client = client_for(&api);
    let file = acquisition(&client).file(NAME);
    let info = json!({"a": 1}).as_object().cloned().unwrap();
    file.update_info(info).await.unwrap();
    file.delete_info(["b"]).await.unwrap();
    let delta: flywheel_client::types::FileClassificationDelta =
        serde_json::from_value(json!({"add": {"Intent": ["Structural"]}})).unwrap();
    file.update_classification(&delta).await.unwrap();
    file.set_modality("MR").await.unwrap();

    // A file from a listing answer acts on its parent.
    let output: flywheel_client::types::FileOutput = serde_json::from_value(
        json!({"name": NAME, "parent_ref": {"type": "acquisition", "id": ACQUISITION}}),
    )
    .unwrap();
    let file = flywheel_client::conveniences::FileRef::from_output(&client, &output).unwrap();
    assert_eq!(file.name(), NAME);
    // Without a `file_id`, tags cannot be sent.
    let error = file.add_tags(["qc"]).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");

    // With one, tags go to the file's own tag operations.
    Mock::given(method("PATCH"))
        .and(path("/api/files/f1/tags"))
        .and(body_json(json!(["qc", "é"])))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"modified": 1})))
        .expect(1)
        .mount(&api)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/api/files/f1/tags"))
        .and(body_json(json!(["qc"])))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&api)
        .await;
    let output: flywheel_client::types::FileOutput = serde_json::from_value(json!({
        "name": NAME, "file_id": "f1", "parent_ref": {"type": "acquisition", "id": ACQUISITION}
    }))
    .unwrap();
    let file = flywheel_client::conveniences::FileRef::from_output(&client, &output).unwrap();
    file.add_tags(["qc", "é"]).await.unwrap();
    file.delete_tags(["qc"]).await.unwrap();
}

#[tokio::test]
async fn a_bulk_tar_streams_to_a_path_through_a_download_ticket() {
    let api = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/download"))
        .and(body_json(json!({
            "nodes": [{"level": "acquisition", "_id": ACQUISITION}, {"level": "session", "_id": "s1"}],
            "optional": true,
            "filters": [{"types": {"plus": ["nifti"], "minus": ["dicom"]}}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ticket": "dl1", "file_cnt": 2, "size": 2048})))
        .expect(1)
        .mount(&api)
        .await;
    let tar = contents(2048);
    Mock::given(method("GET"))
        .and(path("/api/download"))
        .and(query_param("ticket", "dl1"))
        .and(query_param("format", "tar"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(tar.clone(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&api)
        .await;
    let client = client_for(&api);
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("bündel.tar");
    let written = flywheel_client::conveniences::Archive::new()
        .container(&acquisition(&client))
        .node(flywheel_client::conveniences::ContainerKind::Session, "s1")
        .include_types(["nifti"])
        .exclude_types(["dicom"])
        .download_to(&client, &target)
        .await
        .unwrap();
    assert_eq!(written, 2048);
    assert_eq!(std::fs::read(&target).unwrap(), tar);

    let error = flywheel_client::conveniences::Archive::new()
        .download_to(&client, &target)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
}

#[tokio::test]
async fn a_reader_goes_up_in_parts_read_in_order_and_needs_a_length_for_signed_urls() {
    let api = MockServer::start().await;
    let storage = MockServer::start().await;
    mount_config(&api, true).await;
    mount_multipart_ticket(&api, &storage).await;
    for part in 1..=3 {
        mount_part(&storage, part).await;
    }
    Mock::given(method("POST"))
        .and(query_param("ticket", "T1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"name": NAME}])))
        .expect(1)
        .mount(&api)
        .await;
    let client = client_for(&api);
    let reader = std::io::Cursor::new(contents(10));
    acquisition(&client)
        .upload_file(UploadFile::from_reader(NAME, reader, Some(10)))
        .await
        .unwrap();
    let parts = part_bodies(&storage.received_requests().await.unwrap());
    let joined: Vec<u8> = parts.into_iter().flat_map(|(_, body)| body).collect();
    assert_eq!(joined, contents(10));

    // Without a length, signed URLs cannot be forced (nothing is sent).
    let api = MockServer::start().await;
    let client = client_for(&api);
    let options = UploadOptions::new().protocol(UploadProtocol::SignedUrl);
    let reader = std::io::Cursor::new(contents(10));
    let error = acquisition(&client)
        .upload_file_with(UploadFile::from_reader(NAME, reader, None), options)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(api.received_requests().await.unwrap().is_empty());
}
