//! Redirects are followed; `Authorization` goes to the API host only.

use flywheel_client::http::Method;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{KEY, client_for};

#[tokio::test]
async fn a_redirect_to_another_host_does_not_carry_authorization() {
    let storage = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/bucket/scan.dcm"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(b"signed contents".to_vec()))
        .expect(1)
        .mount(&storage)
        .await;
    let api = MockServer::start().await;
    // Another port on the same address is another origin; use `localhost` as well to differ in
    // host name too.
    let signed_url = format!(
        "http://localhost:{}/bucket/scan.dcm?signature=abc",
        storage.address().port()
    );
    Mock::given(method("GET"))
        .and(path("/api/projects/p/files/scan.dcm"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", signed_url.as_str()))
        .mount(&api)
        .await;

    let mut request = client_for(&api).request(
        "downloadFileFromProject",
        Method::GET,
        "/projects/{projectId}/files/{fileName}",
    );
    request.path_param("projectId", "p");
    request.path_param("fileName", "scan.dcm");
    let body = request
        .send_download()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.as_ref(), b"signed contents");

    let at_api = &api.received_requests().await.unwrap()[0];
    assert_eq!(
        at_api.headers["authorization"],
        format!("scitran-user {KEY}")
    );
    let at_storage = &storage.received_requests().await.unwrap()[0];
    assert!(
        at_storage.headers.get("authorization").is_none(),
        "{:?}",
        at_storage.headers
    );
    assert_eq!(at_storage.url.query(), Some("signature=abc"));
}

#[tokio::test]
async fn a_redirect_within_the_api_host_keeps_authorization() {
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/old"))
        .respond_with(ResponseTemplate::new(301).insert_header("location", "/api/new"))
        .mount(&api)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/new"))
        .respond_with(ResponseTemplate::new(200).set_body_string("\"moved\""))
        .mount(&api)
        .await;
    let moved: String = client_for(&api)
        .request("getOld", Method::GET, "/old")
        .send_json()
        .await
        .unwrap();
    assert_eq!(moved, "moved");
    let requests = api.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    assert_eq!(
        requests[1].headers["authorization"],
        format!("scitran-user {KEY}")
    );
}
