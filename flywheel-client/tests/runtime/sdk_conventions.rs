//! What the generated operations send the way the Flywheel SDK does: the `Accept` header of each
//! operation, the default `x-accept-feature`, the SDK's default query values, and download
//! tickets redeemed through the download methods.

use flywheel_client::DEFAULT_ACCEPT_FEATURES;
use flywheel_client::types::{DownloadTicketStubOrZipfileInfo, HeaderFeature};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use crate::client_for;

const ACQUISITION: &str = "5f0c1ab2c3d4e5f60718293a";

/// A server answering every request with `{}` as JSON.
async fn json_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    server
}

async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn header(request: &Request, name: &str) -> Vec<String> {
    request
        .headers
        .get_all(name)
        .iter()
        .map(|value| value.to_str().unwrap_or("<not text>").to_owned())
        .collect()
}

fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().into_owned().collect()
}

#[tokio::test]
async fn the_default_feature_is_the_sdks() {
    assert_eq!(
        DEFAULT_ACCEPT_FEATURES,
        ["Safe-Redirect", "multipart_signed_url"]
    );
    let server = json_server().await;
    let client = client_for(&server);
    client.get_acquisition(ACQUISITION).send().await.unwrap();
    // One feature type on every operation: known values and any other string.
    client
        .get_acquisition(ACQUISITION)
        .x_accept_feature([HeaderFeature::Beta, HeaderFeature::from("not-yet-known")])
        .send()
        .await
        .unwrap();
    client
        .get_acquisition_file_zip_info(ACQUISITION, "scan.dcm")
        .x_accept_feature(["join_files", "not-yet-known"])
        .send()
        .await
        .unwrap();
    let requests = received(&server).await;
    let features: Vec<Vec<String>> = requests
        .iter()
        .map(|request| header(request, "x-accept-feature"))
        .collect();
    assert_eq!(
        features,
        [
            vec!["Safe-Redirect,multipart_signed_url".to_owned()],
            vec!["Safe-Redirect,multipart_signed_url,beta,not-yet-known".to_owned()],
            vec!["Safe-Redirect,multipart_signed_url,join_files,not-yet-known".to_owned()],
        ]
    );
}

#[tokio::test]
async fn accept_is_the_media_type_the_operation_produces() {
    let server = MockServer::start().await;
    Mock::given(path("/api/config.js"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("config = {};", "application/javascript"),
        )
        .mount(&server)
        .await;
    Mock::given(path(format!(
        "/api/acquisitions/{ACQUISITION}/files/scan.dcm"
    )))
    .respond_with(
        ResponseTemplate::new(200).set_body_raw(b"DICM".to_vec(), "application/octet-stream"),
    )
    .mount(&server)
    .await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = client_for(&server);
    client.get_config_js().send().await.unwrap();
    let bytes = client
        .download_file_from_acquisition(ACQUISITION, "scan.dcm")
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"DICM");
    client.get_acquisition(ACQUISITION).send().await.unwrap();
    client.delete_acquisition(ACQUISITION).send().await.unwrap();
    // A caller's own `accept` header wins.
    let mut request = client.request("getVersion", flywheel_client::http::Method::GET, "/version");
    request.header("accept", "text/plain".to_owned());
    request.send_empty().await.unwrap();

    let accepts: Vec<Vec<String>> = received(&server)
        .await
        .iter()
        .map(|request| header(request, "accept"))
        .collect();
    assert_eq!(
        accepts,
        [
            ["application/javascript"],
            ["application/octet-stream"],
            ["application/json"],
            ["application/json"],
            ["text/plain"],
        ]
    );
}

#[tokio::test]
async fn the_sdks_default_query_values_are_sent_unless_set() {
    let server = json_server().await;
    let client = client_for(&server);
    let analysis = "5f0c1ab2c3d4e5f60718293b";
    client.get_analysis(analysis).send().await.unwrap();
    client
        .get_analysis(analysis)
        .inflate_job(false)
        .send()
        .await
        .unwrap();
    let queries: Vec<Vec<(String, String)>> = received(&server).await.iter().map(query).collect();
    let pair = |key: &str, value: &str| (key.to_owned(), value.to_owned());
    assert_eq!(
        queries,
        [
            vec![pair("inflate_job", "true")],
            vec![pair("inflate_job", "false")],
        ]
    );
}

/// The server of the ticket exchange: `ticket=` (empty) answers a ticket id; `ticket=ID`
/// answers the bytes, with no `Authorization` needed.
async fn ticket_server() -> MockServer {
    let server = MockServer::start().await;
    let file_path = format!("/api/acquisitions/{ACQUISITION}/files/scan.dcm");
    Mock::given(method("GET"))
        .and(path(file_path.as_str()))
        .and(query_param("ticket", ""))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "ticket": "t-0123", "filename": "scan.dcm", "size": 4
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(file_path.as_str()))
        .and(query_param("ticket", "t-0123"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(b"DICM".to_vec(), "application/octet-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn a_download_ticket_is_redeemed_by_the_download_method() {
    let server = ticket_server().await;
    let client = client_for(&server);
    let answer = client
        .get_acquisition_download_ticket(ACQUISITION, "scan.dcm")
        .send()
        .await
        .unwrap();
    let DownloadTicketStubOrZipfileInfo::DownloadTicketStub(stub) = answer else {
        panic!("a ticket answer decodes as the ticket stub: {answer:?}");
    };
    let ticket = stub.ticket.expect("the answer holds a ticket id");
    let bytes = client
        .download_file_from_acquisition(ACQUISITION, "scan.dcm")
        .ticket(ticket)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&bytes[..], b"DICM");
    let requests = received(&server).await;
    let queries: Vec<Vec<(String, String)>> = requests.iter().map(query).collect();
    assert_eq!(
        queries,
        [
            vec![("ticket".to_owned(), String::new())],
            vec![("ticket".to_owned(), "t-0123".to_owned())],
        ]
    );
}
