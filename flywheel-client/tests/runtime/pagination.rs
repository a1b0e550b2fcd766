//! `Paginator` walks a listing lazily with `after_id`, page numbers (from 1) when sorted, or
//! `skip`; never two of them together; a failing page ends the stream.

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
    for (page, ids) in [("1", vec!["x", "y"]), ("2", vec!["z"]), ("3", vec![])] {
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
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
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
        .and(query_param("page", "2"))
        .and(query_param_is_missing("after_id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"label": "three"}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("page", "3"))
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
async fn an_error_on_page_two_is_yielded_once_and_ends_the_stream() {
    let server = MockServer::start().await;
    page_after(&server, None, sessions(&["a1", "a2"])).await;
    // 400 is not retried by the client itself: one request for page two.
    Mock::given(method("GET"))
        .and(query_param("after_id", "a2"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "try again"})))
        .expect(1)
        .mount(&server)
        .await;

    let request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    let mut stream = Paginator::new(request, session_id, "results");
    assert_eq!(stream.next().await.unwrap().unwrap().label, "session a1");
    assert_eq!(stream.next().await.unwrap().unwrap().label, "session a2");

    let error = stream.next().await.unwrap().unwrap_err();
    assert_eq!(error.status().map(|status| status.as_u16()), Some(400));
    assert!(error.to_string().contains("try again"), "{error}");
    assert!(stream.next().await.is_none());
    assert!(stream.next().await.is_none());
    assert!(stream.has_failed());
    // The cursor still points at page two: enough to resume in a fresh request.
    assert_eq!(stream.cursor().after_id(), Some("a2"));
    assert_eq!(stream.cursor().items_yielded(), 2);
    assert!(!stream.cursor().is_finished());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_caller_skipping_errors_of_a_failing_page_sends_a_bounded_number_of_requests() {
    let server = MockServer::start().await;
    page_after(&server, None, sessions(&["a1", "a2"])).await;
    Mock::given(method("GET"))
        .and(query_param("after_id", "a2"))
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(query_param("after_id", "b1"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let client = crate::builder_for(&server).max_attempts(3).build().unwrap();
    let request = client.request("getAllSessions", Method::GET, "/sessions");
    let stream = Paginator::new(request, session_id, "results");
    // The pattern of the bug report: errors are dropped, the loop runs until the stream ends.
    let work = stream
        .filter_map(|item| async move { item.ok() })
        .collect::<Vec<Session>>();
    let items = tokio::time::timeout(std::time::Duration::from_secs(20), work)
        .await
        .expect("the stream ends");
    assert_eq!(items.len(), 2);
    // Page one, then page two once (500 is not a retried status).
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    // A retried status (503) costs the client's bounded attempts, then the stream ends too.
    let mut request = client.request("getAllSessions", Method::GET, "/sessions");
    request.query("after_id", "b1");
    let mut stream = Paginator::<Session>::new(request, session_id, "results");
    assert!(stream.next().await.unwrap().is_err());
    assert!(stream.next().await.is_none());
    assert_eq!(server.received_requests().await.unwrap().len(), 2 + 3);
}

#[tokio::test]
async fn a_sorted_generated_listing_asks_page_one_first() {
    let server = MockServer::start().await;
    for (page, ids) in [("1", vec!["g1"]), ("2", vec![])] {
        Mock::given(method("GET"))
            .and(path("/api/gears"))
            .and(query_param("sort", "created:asc"))
            .and(query_param("page", page))
            .and(query_param_is_missing("after_id"))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(
                    ids.iter()
                        .map(|id| json!({"_id": id}))
                        .collect::<serde_json::Value>(),
                ),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = client_for(&server);
    let gears: Vec<_> = client
        .get_all_gears()
        .sort("created:asc")
        .into_stream()
        .map(|gear| gear.unwrap().id)
        .collect()
        .await;
    assert_eq!(gears, [Some("g1".to_owned())]);
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
            "sort=created%3Aasc&limit=250&page=1",
            "sort=created%3Aasc&limit=250&page=2"
        ]
    );
}

#[tokio::test]
async fn files_pages_continue_after_the_file_id() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/files"))
        .and(query_param_is_missing("after_id"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "count": 2, "total": 3,
            "results": [{"_id": "z9", "file_id": "f1"}, {"_id": "a1", "file_id": "f2"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/files"))
        .and(query_param("after_id", "f2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"count": 1, "total": 3, "results": [{"_id": "b2", "file_id": "f3"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/files"))
        .and(query_param("after_id", "f3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"results": []})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let mut stream = client.get_all_files().limit(2).into_stream();
    let mut ids = Vec::new();
    while let Some(file) = stream.next().await {
        ids.push(file.unwrap().file_id.unwrap_or_default());
    }
    assert_eq!(ids, ["f1", "f2", "f3"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_listing_started_with_skip_pages_with_skip_never_after_id() {
    let server = MockServer::start().await;
    for (skip, ids) in [("5", vec!["a", "b"]), ("7", vec!["c"]), ("8", vec![])] {
        Mock::given(method("GET"))
            .and(query_param("skip", skip))
            .and(query_param("limit", "2"))
            .and(query_param_is_missing("after_id"))
            .and(query_param_is_missing("page"))
            .respond_with(ResponseTemplate::new(200).set_body_json(sessions(&ids)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let mut request = client_for(&server).request("getAllSessions", Method::GET, "/sessions");
    request.query("skip", &5);
    request.query("limit", &2);
    request.query("page", &4);
    let mut stream = Paginator::new(request, session_id, "results");
    assert_eq!(stream.cursor().skip(), Some(5));
    let mut ids = Vec::new();
    while let Some(session) = stream.next().await {
        ids.push(session.unwrap().id.unwrap());
    }
    assert_eq!(ids, ["a", "b", "c"]);
    assert_eq!(stream.cursor().skip(), Some(8));
    assert_eq!(stream.cursor().after_id(), None);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn after_id_with_skip_or_sort_fails_before_sending() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    for other in ["skip", "sort", "page"] {
        let mut request = client.request("getAllSessions", Method::GET, "/sessions");
        request.query("after_id", "a1");
        request.query(other, "2");
        let mut stream = Paginator::<Session>::new(request, session_id, "results");
        let error = stream.next().await.unwrap().unwrap_err();
        assert!(
            matches!(error, flywheel_client::Error::InvalidRequest { .. }),
            "{error:?}"
        );
        assert!(
            error.to_string().contains("`after_id` together with"),
            "{error}"
        );
        assert!(stream.next().await.is_none());
    }
    assert!(server.received_requests().await.unwrap().is_empty());
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
