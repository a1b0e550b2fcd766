//! How a successful answer reaches the caller: `.await` directly on a generated builder
//! (`IntoFuture`), and `send_with_response()`, which keeps the status and headers beside the
//! decoded value.

use flywheel_client::ResponseValue;
use flywheel_client::http::StatusCode;
use flywheel_client::types::ProjectOutput;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;

const PROJECT_ID: &str = "5f0c1ab2c3d4e5f60718293a";

/// A server answering `GET /api/projects/{PROJECT_ID}` once with `template`.
async fn project_server(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("/api/projects/{PROJECT_ID}")))
        .respond_with(template)
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn awaiting_a_builder_sends_it() {
    let server = project_server(
        ResponseTemplate::new(200).set_body_json(json!({"_id": PROJECT_ID, "label": "Study A"})),
    )
    .await;
    let project: ProjectOutput = client_for(&server)
        .get_project(PROJECT_ID)
        .await
        .expect("the answer decodes");
    assert_eq!(project.id.as_deref(), Some(PROJECT_ID));
    assert_eq!(project.label.as_deref(), Some("Study A"));
}

#[tokio::test]
async fn send_with_response_keeps_status_and_headers() {
    let server = project_server(
        ResponseTemplate::new(203)
            .insert_header("x-request-id", "req-7f3a")
            .insert_header("x-flywheel-release", "20.0.0")
            .set_body_json(json!({"_id": PROJECT_ID, "label": "Study A"})),
    )
    .await;
    let response: ResponseValue<ProjectOutput> = client_for(&server)
        .get_project(PROJECT_ID)
        .send_with_response()
        .await
        .expect("the answer decodes");
    assert_eq!(response.status(), StatusCode::NON_AUTHORITATIVE_INFORMATION);
    assert_eq!(response.request_id(), Some("req-7f3a"));
    assert_eq!(
        response
            .headers()
            .get("x-flywheel-release")
            .map(|v| v.as_bytes()),
        Some(&b"20.0.0"[..])
    );
    assert_eq!(
        response.label.as_deref(),
        Some("Study A"),
        "the value is reachable through Deref"
    );
    let (project, status, headers) = response.into_parts();
    assert_eq!(project.id.as_deref(), Some(PROJECT_ID));
    assert_eq!(status, StatusCode::NON_AUTHORITATIVE_INFORMATION);
    assert!(headers.contains_key("content-type"));
}

#[tokio::test]
async fn send_with_response_reports_errors_as_send_does() {
    let server = project_server(
        ResponseTemplate::new(404)
            .set_body_json(json!({"message": "not found", "status_code": 404})),
    )
    .await;
    let error = client_for(&server)
        .get_project(PROJECT_ID)
        .send_with_response()
        .await
        .expect_err("a 404 is an error");
    assert!(error.is_not_found(), "{error:?}");
}
