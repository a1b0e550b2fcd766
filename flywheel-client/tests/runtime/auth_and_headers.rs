//! Authentication, base URLs from key strings, and the headers and query every call carries.

use flywheel_client::Client;
use flywheel_client::http::Method;
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{KEY, builder_for, client_for};

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true})))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_id": "new"})))
        .mount(&server)
        .await;
    server
}

async fn last_request(server: &MockServer) -> wiremock::Request {
    let requests = server.received_requests().await.expect("recording is on");
    requests.last().expect("a request arrived").clone()
}

#[tokio::test]
async fn a_20_character_key_is_sent_as_scitran_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/version"))
        .and(header(
            "authorization",
            format!("scitran-user {KEY}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"release": "20.0.0"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let version: serde_json::Value = client
        .request("getVersion", Method::GET, "/version")
        .send_json()
        .await
        .expect("authorized call succeeds");
    assert_eq!(version["release"], "20.0.0");
}

#[tokio::test]
async fn a_57_character_key_is_sent_as_bearer() {
    let server = ok_server().await;
    let token = "t".repeat(57);
    let client = builder_for(&server).api_key(token.clone()).build().unwrap();
    client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap();
    let request = last_request(&server).await;
    assert_eq!(request.headers["authorization"], format!("Bearer {token}"));
}

#[tokio::test]
async fn key_strings_give_the_base_url_and_reach_the_server() {
    let server = ok_server().await;
    let port = server.address().port();
    let client = Client::from_api_key(&format!("127.0.0.1:{port}:__force_insecure:{KEY}")).unwrap();
    assert_eq!(client.base_url(), format!("http://127.0.0.1:{port}/api"));
    client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap();
    let request = last_request(&server).await;
    assert_eq!(request.url.path(), "/api/version");
    assert_eq!(
        request.headers["authorization"],
        format!("scitran-user {KEY}")
    );

    let https = Client::from_api_key("flywheel.example.org:abc").unwrap();
    assert_eq!(https.base_url(), "https://flywheel.example.org:443/api");
    let https = Client::from_api_key("flywheel.example.org:8443:abc").unwrap();
    assert_eq!(https.base_url(), "https://flywheel.example.org:8443/api");
}

#[tokio::test]
async fn malformed_key_strings_name_the_expected_form() {
    let error = Client::from_api_key("no-colon-secret").unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("`HOST:KEY` or `HOST:PORT:KEY`"),
        "{message}"
    );
    assert!(!message.contains("secret"), "{message}");
    assert!(matches!(error, flywheel_client::Error::Config { .. }));
}

#[tokio::test]
async fn debug_output_never_shows_the_key() {
    let secret = "SUPERSECRETKEY0123456";
    let client = Client::from_api_key(&format!("flywheel.example.org:{secret}")).unwrap();
    let builder = Client::builder().api_key_string(&format!("flywheel.example.org:{secret}"));
    let raw_builder = Client::builder().api_key(secret);
    let mut request = client.request("getVersion", Method::GET, "/version");
    request.query("limit", &5);
    for text in [
        format!("{client:?}"),
        format!("{client:#?}"),
        format!("{builder:?}"),
        format!("{raw_builder:?}"),
        format!("{request:?}"),
    ] {
        assert!(!text.contains(secret), "{text}");
        assert!(text.contains("<redacted>"), "{text}");
    }
}

#[tokio::test]
async fn user_agent_and_accept_features_are_merged_into_one_header() {
    let server = ok_server().await;
    let client = builder_for(&server)
        .accept_features(["safe-redirect", "beta"])
        .build()
        .unwrap();
    let mut request = client.request("getAllProjects", Method::GET, "/projects");
    request.accept_features(["pagination", "beta"]);
    request.send_empty().await.unwrap();
    let received = last_request(&server).await;
    assert_eq!(
        received.headers["user-agent"],
        format!("flywheel-client/{}", env!("CARGO_PKG_VERSION"))
    );
    let features: Vec<_> = received
        .headers
        .get_all("x-accept-feature")
        .iter()
        .collect();
    assert_eq!(features, ["safe-redirect,beta,pagination"]);

    let client = builder_for(&server)
        .accept_features(Vec::<String>::new())
        .build()
        .unwrap();
    client
        .request("getAllProjects", Method::GET, "/projects")
        .send_empty()
        .await
        .unwrap();
    assert!(
        last_request(&server)
            .await
            .headers
            .get("x-accept-feature")
            .is_none()
    );
}

#[tokio::test]
async fn content_type_only_with_a_body() {
    let server = ok_server().await;
    let client = client_for(&server);
    client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap();
    assert!(
        last_request(&server)
            .await
            .headers
            .get("content-type")
            .is_none()
    );

    let mut request = client.request("addProject", Method::POST, "/projects");
    request.json_body(&json!({"label": "Study é", "group": "lab"}));
    let created: serde_json::Value = request.send_json().await.unwrap();
    assert_eq!(created["_id"], "new");
    let received = last_request(&server).await;
    assert_eq!(received.headers["content-type"], "application/json");
    assert_eq!(
        received.body_json::<serde_json::Value>().unwrap(),
        json!({"label": "Study é", "group": "lab"})
    );
}

#[tokio::test]
async fn list_query_parameters_repeat_and_booleans_are_words() {
    let server = ok_server().await;
    let client = client_for(&server);
    let mut request = client.request("getAllJobs", Method::GET, "/jobs");
    request.query_list("states", ["pending", "cancelled"]);
    request.query("include_parent_info", &true);
    request.query("exhaustive", &false);
    request.fixed_query("ticket", "");
    request.send_empty().await.unwrap();
    let received = last_request(&server).await;
    assert_eq!(
        received.url.query(),
        Some("states=pending&states=cancelled&include_parent_info=true&exhaustive=false&ticket=")
    );
}

#[tokio::test]
async fn path_parameters_are_encoded_as_one_segment() {
    let server = ok_server().await;
    let client = client_for(&server);
    let mut request = client.request(
        "downloadFileFromProject",
        Method::GET,
        "/projects/{projectId}/files/{fileName}",
    );
    request.path_param("projectId", "5f0c1ab2c3d4e5f60718293a");
    request.path_param("fileName", "dir/scan é #1?.dcm");
    request.send_empty().await.unwrap();
    let received = last_request(&server).await;
    assert_eq!(
        received.url.path(),
        "/api/projects/5f0c1ab2c3d4e5f60718293a/files/dir%2Fscan%20%C3%A9%20%231%3F.dcm"
    );
}

#[tokio::test]
async fn build_errors_are_returned_by_send_without_a_request() {
    let server = ok_server().await;
    let client = client_for(&server);
    let mut request = client.request("getProject", Method::GET, "/projects/{projectId}");
    request.path_param("projectId", "");
    let error = request.send_empty().await.unwrap_err();
    assert!(matches!(
        error,
        flywheel_client::Error::InvalidRequest { .. }
    ));
    assert_eq!(
        error.to_string(),
        "getProject: invalid request: the path parameter `projectId` is empty"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn request_futures_are_send() {
    let server = ok_server().await;
    let client = client_for(&server);
    let request = client.request("getVersion", Method::GET, "/version");
    // Spawning requires `Send + 'static`: generated builders are used from any task.
    let handle = tokio::spawn(request.send_json::<serde_json::Value>());
    let value = handle.await.unwrap().unwrap();
    assert_eq!(value["ok"], true);
}
