//! The mock seen from a downstream crate's tests (`flywheel-client` with the `mock` feature):
//! the everyday test in under 40 lines without JSON, and one stub per operation of the spec.

use flywheel_client::UploadFile;
use flywheel_client::conveniences::Filter;
use flywheel_client::mock::{MockFlywheel, OPERATIONS, sample};
use flywheel_client::types::{ProjectListOutput, SessionListOutput};

/// The everyday test: lines 4 to 7 and this function are all it takes.
#[tokio::test]
async fn finds_a_project_streams_600_sessions_uploads_downloads_and_sees_a_404() {
    let mock = MockFlywheel::start().await;
    let study: ProjectListOutput = sample::project("Study A");
    let id = study.id.clone().expect("samples have ids");
    mock.get_all_projects().returns_items([study]);
    let sessions = sample::sessions::<SessionListOutput>(600);
    // Pages of 250: 250, 250, 100 and the empty page that ends the stream.
    mock.get_project_sessions(&id)
        .returns_items(sessions)
        .times(4);
    mock.get_project("0")
        .returns_status(404, "Project not found");

    let client = mock.client();
    let label = Filter::new().eq("label", "Study A");
    let project = client.projects().find_one(label).await.expect("one");
    let found = project.sessions().find(Filter::new()).await.expect("all");
    assert_eq!(found.len(), 600);
    let file = UploadFile::from_bytes("scan 1.dcm", vec![7u8; 1000]);
    client
        .upload_file_to_project(&id, file)
        .await
        .expect("upload");
    let download = client.download_file_from_project(&id, "scan 1.dcm");
    let bytes = download.await.expect("download").bytes().await;
    assert_eq!(bytes.expect("bytes"), vec![7u8; 1000]);
    let missing = client.get_project("0").await.expect_err("a 404");
    assert_eq!(missing.status().map(|s| s.as_u16()), Some(404));
}

#[test]
fn one_stub_per_operation_of_the_spec() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let spec = std::fs::read_to_string(root.join("spec/openapi.yaml")).expect("spec");
    let api = flywheel_generator::lower(
        &flywheel_generator::load(&spec, "spec/openapi.yaml").expect("spec loads"),
        "spec/openapi.yaml",
    )
    .expect("spec lowers");
    let generated = std::fs::read_to_string(root.join("flywheel-client/src/generated/mock.rs"))
        .expect("generated mock");
    let impl_block = &generated[generated
        .find("impl crate::mock::MockFlywheel {")
        .expect("impl")..];
    let stubs: std::collections::BTreeSet<&str> = impl_block
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .filter_map(|rest| rest.split(['(', '<']).next())
        .collect();
    let missing: Vec<&str> = api
        .operations
        .iter()
        .map(|op| op.method_name.as_str())
        .filter(|name| !stubs.contains(name))
        .collect();
    let _ = std::io::Write::write_fmt(
        &mut std::io::stdout().lock(),
        format_args!("mock stubs: {} operations\n", stubs.len()),
    );
    assert!(missing.is_empty(), "operations without a stub: {missing:?}");
    assert_eq!(stubs.len(), api.operations.len(), "one stub per operation");
    assert_eq!(
        OPERATIONS.len(),
        api.operations.len(),
        "one table entry per operation"
    );
    assert!(OPERATIONS.iter().all(|op| stubs.contains(op.method_name)));
    assert_eq!(api.operations.len(), 496, "the spec documents 496 methods");
}

/// The panic message of `verify`, or `None` when it passes.
fn verify_message(mock: &MockFlywheel) -> Option<String> {
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| mock.verify()));
    outcome
        .err()
        .map(|payload| match payload.downcast::<String>() {
            Ok(message) => *message,
            Err(_) => "a panic without a message".to_owned(),
        })
}

#[tokio::test]
async fn an_unmatched_request_fails_verify_naming_its_operation_but_no_values() {
    let mock = MockFlywheel::start().await;
    mock.get_project("p1").returns(sample::project("A"));
    let answer = mock.client().get_session("secret-session-id").await;
    assert_eq!(
        answer.expect_err("unmatched").status().map(|s| s.as_u16()),
        Some(404)
    );
    let message = verify_message(&mock).expect("verify fails");
    assert!(
        message.contains("`getSession` (GET /sessions/{sessionId})"),
        "{message}"
    );
    assert!(
        message.contains("`get_project` (GET /projects/{projectId}) expected at least 1 call"),
        "{message}"
    );
    assert!(
        !message.contains("secret-session-id") && !message.contains("p1"),
        "{message}"
    );
}

#[tokio::test]
async fn stubs_match_path_values_and_count_calls() {
    let mock = MockFlywheel::start().await;
    mock.get_project("p1")
        .returns(sample::project("first"))
        .times(2);
    mock.get_project("p2").returns(sample::project("second"));
    let client = mock.client();
    for _ in 0..2 {
        assert_eq!(
            client.get_project("p1").await.expect("p1").label.as_deref(),
            Some("first")
        );
    }
    assert_eq!(
        client.get_project("p2").await.expect("p2").label.as_deref(),
        Some("second")
    );
    assert_eq!(mock.calls("getProject"), 3);
    assert_eq!(verify_message(&mock), None);

    let counted = MockFlywheel::start().await;
    counted
        .get_project("p1")
        .returns(sample::project("A"))
        .times(2);
    counted.client().get_project("p1").await.expect("one call");
    let message = verify_message(&counted).expect("too few calls");
    assert!(message.contains("expected 2 call(s), got 1"), "{message}");
}

#[tokio::test]
async fn sorted_listings_page_by_page_number() {
    let mock = MockFlywheel::start().await;
    mock.get_all_sessions()
        .query("sort", "label:asc")
        .returns_items(sample::sessions::<SessionListOutput>(30))
        .times(5); // pages 1 to 4 of 8 (the last one partial), then the empty page 5
    let sorted = flywheel_client::conveniences::Sort::asc("label");
    let sessions = mock
        .client()
        .sessions()
        .sort(sorted)
        .page_size(8)
        .find(Filter::new())
        .await;
    let labels: Vec<_> = sessions
        .expect("sessions")
        .iter()
        .map(|s| s.data().label.clone())
        .collect();
    let expected: Vec<_> = (0..30).map(|i| Some(format!("ses-{i}"))).collect();
    assert_eq!(labels, expected);
}

#[tokio::test]
async fn stubs_match_query_and_body_values() {
    let mock = MockFlywheel::start().await;
    mock.add_project_tags("p1")
        .body(&["qc"])
        .returns(())
        .times(1);
    mock.add_project_tags("p1")
        .body(&["qc", "t1"])
        .returns(())
        .times(1);
    // The stub registered last is tried first: the general one goes first.
    mock.get_project("p1").returns(sample::project("default"));
    mock.get_project("p1")
        .query("join_avatars", true)
        .returns(sample::project("all"));
    let client = mock.client();
    let one = client.add_project_tags("p1", vec!["qc".to_owned()]).await;
    one.expect("one tag");
    let two = client
        .add_project_tags("p1", vec!["qc".to_owned(), "t1".to_owned()])
        .await;
    two.expect("two tags");
    let all = client
        .get_project("p1")
        .join_avatars(true)
        .await
        .expect("joined");
    assert_eq!(all.label.as_deref(), Some("all"));
    let default = client.get_project("p1").await.expect("default");
    assert_eq!(default.label.as_deref(), Some("default"));
}

/// The conveniences' own upload and download paths work on the mock without stubs: the mock
/// answers `/config` (no signed URLs, so the direct multipart upload) and serves a stored
/// file under any container path of its id.
#[tokio::test]
async fn convenience_uploads_and_downloads_round_trip_on_the_mock() {
    let mock = MockFlywheel::start().await;
    let data: flywheel_client::types::AcquisitionOutput = sample::acquisition("T1w");
    let acquisition = flywheel_client::conveniences::Container::new(mock.client().clone(), data);
    let file = UploadFile::from_bytes("scan é 1.dcm", vec![9u8; 4096]);
    acquisition.upload_file(file).await.expect("uploaded");
    let bytes = acquisition
        .file("scan é 1.dcm")
        .read()
        .await
        .expect("downloaded");
    assert_eq!(&bytes[..], &[9u8; 4096][..]);
}
