//! The decoding policy (crate docs, "Decoding policy") seen through real operations: odd values
//! that real sites send decode, empty success bodies succeed, errors name the JSON path, and
//! compressed answers are read while downloads stay byte-exact.

use std::io::{Read, Write};

use flywheel_client::Error;
use flywheel_client::http::StatusCode;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;

/// A server answering `GET path` with `template`.
async fn serving(route: &str, template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(path(route))
        .respond_with(template)
        .expect(1..=3)
        .mount(&server)
        .await;
    server
}

fn json_body(text: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(text.as_bytes().to_vec(), "application/json")
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

#[tokio::test]
async fn non_finite_numbers_in_info_decode_as_documented_strings() {
    let body = r#"{"label": "p", "info": {"score": NaN, "high": Infinity, "low": -Infinity,
        "text": "NaN and Infinity stay text", "list": [1, NaN]}}"#;
    let server = serving("/api/projects/p1", json_body(body)).await;
    let project = client_for(&server).get_project("p1").send().await.unwrap();
    assert_eq!(
        project.info,
        Some(
            json!({"score": "NaN", "high": "Infinity", "low": "-Infinity",
            "text": "NaN and Infinity stay text", "list": [1, "NaN"]})
        )
    );
    assert_eq!(project.label.as_deref(), Some("p"));
}

#[tokio::test]
async fn a_date_time_without_offset_reads_as_utc() {
    let body = r#"{"created": "2024-02-29T13:45:30", "modified": "2024-02-29 13:45:30.250+0100"}"#;
    let server = serving("/api/projects/p1", json_body(body)).await;
    let project = client_for(&server).get_project("p1").send().await.unwrap();
    assert_eq!(
        project.created.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-02-29T13:45:30+00:00")
    );
    assert_eq!(
        project.modified.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-02-29T12:45:30.250+00:00")
    );
}

#[tokio::test]
async fn an_integral_float_decodes_as_an_integer_and_a_number_as_a_string() {
    let body = r#"{"label": 1001, "revision": 3.0, "files": [{"name": 7, "size": 1.0}]}"#;
    let server = serving("/api/projects/p1", json_body(body)).await;
    let project = client_for(&server).get_project("p1").send().await.unwrap();
    assert_eq!(project.label.as_deref(), Some("1001"));
    assert_eq!(project.revision, Some(3));
    let file = &project.files.as_ref().unwrap()[0];
    assert_eq!(file.size, Some(1));
    assert_eq!(file.name.as_deref(), Some("7"));
}

#[tokio::test]
async fn empty_success_bodies_on_delete_project_are_success() {
    for template in [
        ResponseTemplate::new(204),
        ResponseTemplate::new(200),
        ResponseTemplate::new(200).set_body_string(" \n"),
    ] {
        let server = serving("/api/projects/p1", template).await;
        let deleted = client_for(&server).delete_project("p1").send().await;
        assert_eq!(deleted.unwrap(), Default::default());
    }
}

#[tokio::test]
async fn a_decode_error_names_the_operation_the_path_and_the_line() {
    let body = "[{\"label\": \"a\"},\n {\"label\": \"b\", \"created\": {\"when\": 1}}]";
    let server = serving("/api/sessions", json_body(body)).await;
    let error = client_for(&server)
        .get_all_sessions()
        .send()
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Decode {
            status: StatusCode::OK,
            ..
        }
    ));
    let text = error.to_string();
    assert!(text.starts_with("getAllSessions: HTTP 200 OK"), "{text}");
    assert!(text.contains("[1].created: "), "{text}");
    assert!(text.contains("line 2 column"), "{text}");
}

#[tokio::test]
async fn a_decode_error_inside_a_union_names_the_closest_variant_and_field() {
    // `job` as an object only fits the inflated variant, whose job's `attempt` is no integer.
    let body = r#"{"_id": "a1", "job": {"id": "j1", "attempt": {"n": 1}}}"#;
    let server = serving("/api/analyses/a1", json_body(body)).await;
    let error = client_for(&server)
        .get_analysis("a1")
        .send()
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("AnalysisOutputOrAnalysisOutputInflatedJob"),
        "{text}"
    );
    assert!(
        text.contains("the closest, AnalysisOutputInflatedJob, fails at `job.attempt`"),
        "{text}"
    );
}

#[tokio::test]
async fn info_keeps_key_order_and_decodes_300_levels() {
    let nested = format!("{}1{}", "[".repeat(300), "]".repeat(300));
    let body = format!(
        r#"{{"info": {{"zeta": 1, "alpha": 2, "mid": {{"b": 1, "a": 2}}, "deep": {nested}}}}}"#
    );
    let server = serving("/api/projects/p1", json_body(&body)).await;
    let project = client_for(&server).get_project("p1").send().await.unwrap();
    let info = project.info.unwrap();
    let keys: Vec<&str> = info
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, ["zeta", "alpha", "mid", "deep"]);
    assert_eq!(
        serde_json::to_string(&info["mid"]).unwrap(),
        r#"{"b":1,"a":2}"#
    );
    let mut depth = 0;
    let mut value = &info["deep"];
    while let Some(inner) = value.as_array() {
        value = &inner[0];
        depth += 1;
    }
    assert_eq!((depth, value), (300, &json!(1)));
}

#[tokio::test]
async fn a_gzip_json_answer_is_asked_for_and_decoded() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/projects/p1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(gzip(br#"{"label": "compressed"}"#), "application/json")
                .insert_header("content-encoding", "gzip"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let project = client_for(&server).get_project("p1").send().await.unwrap();
    assert_eq!(project.label.as_deref(), Some("compressed"));
    let requests = server.received_requests().await.unwrap();
    let asked = requests[0].headers.get("accept-encoding").unwrap();
    assert_eq!(asked.to_str().unwrap(), "gzip, deflate");
}

#[tokio::test]
async fn a_gzip_download_is_saved_byte_exact() {
    let stored = gzip(&(0..50_000u32).map(|i| (i % 251) as u8).collect::<Vec<_>>());
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/projects/p1/files/scan.tar.gz"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(stored.clone(), "application/gzip")
                .insert_header("content-encoding", "gzip"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("scan.tar.gz");
    client_for(&server)
        .download_file_from_project("p1", "scan.tar.gz")
        .send()
        .await
        .unwrap()
        .write_to_path(&target)
        .await
        .unwrap();
    assert_eq!(std::fs::read(&target).unwrap(), stored);
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("accept-encoding").is_none());
    // And the saved file is the gzip the server stored.
    let mut unpacked = Vec::new();
    flate2::read::GzDecoder::new(&stored[..])
        .read_to_end(&mut unpacked)
        .unwrap();
    assert_eq!(unpacked.len(), 50_000);
}
