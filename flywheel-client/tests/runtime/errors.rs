//! Error answers surface the server's message; bodies of the wrong shape keep their bytes.

use flywheel_client::http::{Method, StatusCode};
use flywheel_client::{Error, ErrorDetail};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn fastapi_validation_errors_show_locations_and_messages() {
    let server = answering(ResponseTemplate::new(422).set_body_json(json!({
        "detail": [
            {"loc": ["query", "limit"], "msg": "value is not a valid integer", "type": "type_error.integer"},
            {"loc": ["body", "label"], "msg": "field required", "type": "value_error.missing"}
        ]
    })))
    .await;
    let error = client_for(&server)
        .request("getAllJobs", Method::GET, "/jobs")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::UNPROCESSABLE_ENTITY));
    assert_eq!(
        error.to_string(),
        "getAllJobs: HTTP 422 Unprocessable Entity: query.limit: value is not a valid integer; body.label: field required"
    );
    let api = error.api_error().expect("an API error");
    let Some(ErrorDetail::Validation(issues)) = api.detail() else {
        panic!("expected validation issues, got {:?}", api.detail());
    };
    assert_eq!(issues.len(), 2);
    assert_eq!(issues[1].kind, "value_error.missing");
}

#[tokio::test]
async fn core_conflicts_show_message_and_request_id() {
    let server = answering(ResponseTemplate::new(409).set_body_json(json!({
        "message": "File 'scan.dcm' already exists",
        "status_code": 409,
        "request_id": "req-42"
    })))
    .await;
    let error = client_for(&server)
        .request("getProject", Method::GET, "/projects/x")
        .send_empty()
        .await
        .unwrap_err();
    assert!(error.is_conflict());
    assert!(!error.is_retryable());
    assert_eq!(
        error.to_string(),
        "getProject: HTTP 409 Conflict: File 'scan.dcm' already exists (request id req-42)"
    );
    let api = error.api_error().unwrap();
    assert_eq!(api.status_code(), Some(409));
    assert_eq!(api.message(), Some("File 'scan.dcm' already exists"));
    assert_eq!(api.request_id(), Some("req-42"));
    assert!(api.headers().contains_key("content-type"));
    assert!(api.body().starts_with(b"{"));
}

#[tokio::test]
async fn plain_detail_and_non_json_bodies() {
    let server = answering(
        ResponseTemplate::new(404)
            .set_body_json(json!({"detail": "Not Found"}))
            .insert_header("x-request-id", "hdr-7"),
    )
    .await;
    let error = client_for(&server)
        .request("getSession", Method::GET, "/sessions/x")
        .send_empty()
        .await
        .unwrap_err();
    assert!(error.is_not_found());
    assert_eq!(
        error.to_string(),
        "getSession: HTTP 404 Not Found: Not Found (request id hdr-7)"
    );

    let server = answering(
        ResponseTemplate::new(500).set_body_string("<html><body>Internal error</body></html>"),
    )
    .await;
    let error = client_for(&server)
        .request("getSession", Method::GET, "/sessions/x")
        .send_empty()
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "getSession: HTTP 500 Internal Server Error: <html><body>Internal error</body></html>"
    );
}

#[tokio::test]
async fn a_body_of_the_wrong_type_is_a_decode_error_keeping_the_bytes() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Project {
        label: String,
    }
    let server = answering(ResponseTemplate::new(200).set_body_string(r#"{"label": 42}"#)).await;
    let error = client_for(&server)
        .request("getProject", Method::GET, "/projects/x")
        .send_json::<Project>()
        .await
        .unwrap_err();
    match &error {
        Error::Decode { status, body, .. } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(body.as_ref(), br#"{"label": 42}"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(
        error
            .to_string()
            .starts_with("getProject: HTTP 200 OK: the response body does not decode")
    );
    assert!(std::error::Error::source(&error).is_some());

    let server = answering(ResponseTemplate::new(200).set_body_bytes(vec![0xff, 0xfe])).await;
    let error = client_for(&server)
        .request("getText", Method::GET, "/x")
        .send_text()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn connection_failures_are_transport_errors() {
    // Bind then drop a listener: its port refuses connections.
    let address = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap()
    };
    let client = crate::client_at(address).max_attempts(2).build().unwrap();
    let error = client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap_err();
    assert!(error.is_connect(), "{error:?}");
    assert!(error.is_retryable());
    assert_eq!(error.status(), None);
    let message = error.to_string();
    assert!(
        message.starts_with("getVersion: connect error"),
        "{message}"
    );
    assert!(message.to_lowercase().contains("refused"), "{message}");
}
