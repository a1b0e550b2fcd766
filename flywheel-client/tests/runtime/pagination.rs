//! `Paginator` walks a listing lazily with `after_id`, or page numbers when sorted.

use flywheel_client::Paginator;
use flywheel_client::http::Method;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;

#[derive(Debug, Deserialize)]
struct Session {
    #[serde(rename = "_id")]
    id: Option<String>,
    label: String,
}

fn session_id(session: &Session) -> Option<&str> {
    session.id.as_deref()
}

fn sessions(ids: &[&str]) -> serde_json::Value {
    ids.iter()
        .map(|id| json!({"_id": id, "label": format!("session {id}")}))
        .collect()
}

async fn page_after(server: &MockServer, after_id: Option<&str>, body: serde_json::Value) {
    let mock = Mock::given(method("GET"))
        .and(path("/api/sessions"))
        .and(query_param("limit", "250"));
    let mock = match after_id {
        Some(after_id) => mock.and(query_param("after_id", after_id)),
        None => mock.and(query_param_is_missing("after_id")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(1)
        .mount(server)
        .await;
}

fn query_of(request: &wiremock::Request) -> String {
    request.url.query().unwrap_or_default().to_owned()
}

#[tokio::test]
async fn a_three_page_listing_streams_every_item_with_after_ids() {
    let server = MockServer::start().await;
    page_after(&server, None, sessions(&["a1", "a2"])).await;
    // The second page comes in the `pagination` feature's envelope.
    page_after(
        &server,
        Some("a2"),
        json!({"count": 2, "total": 5, "results": sessions(&["b1", "b2"])}),
    )
    .await;
    page_after(&server, Some("b2"), sessions(&["c1"])).await;
    page_after(&server, Some("c1"), json!([])).await;

    let request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    let mut stream = Paginator::new(request, session_id, "results");
    let mut labels = Vec::new();
    while let Some(session) = stream.next().await {
        labels.push(session.unwrap().label);
    }
    assert_eq!(
        labels,
        [
            "session a1",
            "session a2",
            "session b1",
            "session b2",
            "session c1"
        ]
    );
    let cursor = stream.cursor();
    assert!(cursor.is_finished());
    assert_eq!(cursor.items_yielded(), 5);
    assert_eq!(cursor.pages_fetched(), 4);
    assert_eq!(cursor.after_id(), Some("c1"));

    let queries: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(query_of)
        .collect();
    assert_eq!(
        queries,
        [
            "limit=250",
            "limit=250&after_id=a2",
            "limit=250&after_id=b2",
            "limit=250&after_id=c1"
        ]
    );
    // Polling after the end stays at the end without new requests.
    assert!(stream.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[tokio::test]
async fn nothing_is_fetched_before_the_stream_is_polled() {
    let server = MockServer::start().await;
    page_after(&server, None, sessions(&["a1"])).await;
    let request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    let mut stream = Paginator::new(request, session_id, "results");
    assert!(server.received_requests().await.unwrap().is_empty());
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("a1"));
    assert_eq!(stream.buffered_count(), 0);
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_sorted_listing_uses_page_numbers() {
    let server = MockServer::start().await;
    for (page, ids) in [("0", vec!["x", "y"]), ("1", vec!["z"]), ("2", vec![])] {
        Mock::given(method("GET"))
            .and(path("/api/sessions"))
            .and(query_param("sort", "label:asc"))
            .and(query_param("limit", "2"))
            .and(query_param("page", page))
            .and(query_param_is_missing("after_id"))
            .respond_with(ResponseTemplate::new(200).set_body_json(sessions(&ids)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    request.query("sort", "label:asc");
    request.query("limit", &2);
    let stream = Paginator::new(request, session_id, "results");
    let ids: Vec<String> = stream
        .map(|session| session.unwrap().id.unwrap())
        .collect()
        .await;
    assert_eq!(ids, ["x", "y", "z"]);
}

#[tokio::test]
async fn page_numbers_start_at_the_callers_page() {
    let server = MockServer::start().await;
    for (page, ids) in [("3", vec!["p"]), ("4", vec![])] {
        Mock::given(method("GET"))
            .and(query_param("page", page))
            .respond_with(ResponseTemplate::new(200).set_body_json(sessions(&ids)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    request.query("page", &3);
    let mut stream = Paginator::new(request, session_id, "results");
    assert_eq!(stream.cursor().page(), Some(3));
    assert_eq!(stream.next().await.unwrap().unwrap().label, "session p");
    assert!(stream.next().await.is_none());
    assert_eq!(stream.cursor().page(), Some(4));
}

#[tokio::test]
async fn items_without_ids_switch_to_page_numbers() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"label": "one"}, {"label": "two"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "1"))
        .and(query_param_is_missing("after_id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"label": "three"}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;
    let request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    let labels: Vec<String> = Paginator::new(request, session_id, "results")
        .map(|session| session.unwrap().label)
        .collect()
        .await;
    assert_eq!(labels, ["one", "two", "three"]);
}

#[tokio::test]
async fn an_error_on_page_two_is_yielded_and_polling_again_retries_it() {
    let server = MockServer::start().await;
    page_after(&server, None, sessions(&["a1", "a2"])).await;
    // The first request for page two fails (400 is not retried by the client itself).
    Mock::given(method("GET"))
        .and(query_param("after_id", "a2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "try again"})))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    page_after(&server, Some("a2"), sessions(&["b1"])).await;
    page_after(&server, Some("b1"), json!([])).await;

    let request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    let mut stream = Paginator::new(request, session_id, "results");
    assert_eq!(stream.next().await.unwrap().unwrap().label, "session a1");
    assert_eq!(stream.next().await.unwrap().unwrap().label, "session a2");

    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));
    assert!(error.to_string().contains("try again"), "{error}");
    // The cursor still points at page two: enough to resume, here or in a fresh request.
    assert_eq!(stream.cursor().after_id(), Some("a2"));
    assert_eq!(stream.cursor().items_yielded(), 2);
    assert!(!stream.cursor().is_finished());

    assert_eq!(stream.next().await.unwrap().unwrap().label, "session b1");
    assert!(stream.next().await.is_none());
    assert_eq!(stream.cursor().items_yielded(), 3);
}

#[tokio::test]
async fn a_page_of_the_wrong_shape_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"jobs": []})))
        .mount(&server)
        .await;
    let request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    let mut stream = Paginator::new(request, session_id, "results");
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(error, flywheel_client::Error::Decode { .. }),
        "{error:?}"
    );
    assert!(
        std::error::Error::source(&error)
            .unwrap()
            .to_string()
            .contains("no `results` array")
    );
}

#[tokio::test]
async fn a_generated_list_operation_streams_typed_items_through_every_page() {
    let server = MockServer::start().await;
    page_after(&server, None, sessions(&["a1", "a2"])).await;
    page_after(
        &server,
        Some("a2"),
        json!({"count": 1, "total": 3, "results": sessions(&["b1"])}),
    )
    .await;
    page_after(&server, Some("b1"), json!([])).await;

    let client = client_for(&server);
    // `get_all_sessions` answers a list or a page envelope; the stream yields the sessions.
    let mut stream = client.get_all_sessions().filter("label=x").into_stream();
    let mut labels = Vec::new();
    while let Some(session) = stream.next().await {
        let session: flywheel_client::types::SessionListOutput = session.unwrap();
        labels.push(session.label.unwrap_or_default());
    }
    assert_eq!(labels, ["session a1", "session a2", "session b1"]);
    assert_eq!(stream.cursor().after_id(), Some("b1"));
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert!(
        requests
            .iter()
            .all(|r| query_of(r).contains("filter=label%3Dx")),
        "filters are kept on every page"
    );
}
