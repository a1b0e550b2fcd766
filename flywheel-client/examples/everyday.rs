//! Everyday Flywheel tasks with the conveniences, against a mock server this example starts on
//! loopback (so it needs no site and changes nothing):
//!
//! 1. find a project by group and label and walk its sessions;
//! 2. look a project up by its path;
//! 3. create a subject, a session and an acquisition, with `info`;
//! 4. set a file's classification and add a tag.
//!
//! ```text
//! cargo run -p flywheel-client --example everyday
//! ```
//!
//! `tests/runtime/conveniences.rs` runs [`tasks`] too, so CI runs this code. The line counts in
//! the `flywheel_client::conveniences` docs are those of [`tasks`], beside the Python SDK's.

use flywheel_client::Client;
use flywheel_client::conveniences::{AnyContainer, Filter};
use flywheel_client::types::{
    AcquisitionInput, FileClassificationDelta, SessionInput, SubjectInput,
};
use serde_json::json;

#[allow(dead_code)] // the test calls `tasks` only
#[tokio::main(flavor = "current_thread")]
async fn main() -> flywheel_client::Result<()> {
    let server = mock::start().await;
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .api_key("example-key-0123456789")
        .build()?;
    tasks(&client).await
}

/// The four tasks; each `// Task` block is what the docs count.
pub async fn tasks(client: &Client) -> flywheel_client::Result<()> {
    // Task 1: find a project by group and label and walk its sessions.
    let project = client
        .projects()
        .find_one(Filter::new().eq("group", "neuro").eq("label", "Study A"))
        .await?;
    let mut sessions = project.sessions().stream(Filter::new());
    while let Some(session) = sessions.next().await {
        println!("session {:?}", session?.label);
    }

    // Task 2: look a project up by its path.
    let node = client.lookup("neuro/Study A").await?;
    if let AnyContainer::Project(found) = &node {
        println!("looked up project {:?}", found.label);
    }

    // Task 3: create a subject, a session and an acquisition, with `info`.
    let subject = project
        .add_subject(SubjectInput {
            label: Some("sub-01".into()),
            info: Some(json!({"cohort_year": 2024})),
            ..SubjectInput::new(project.id())
        })
        .await?;
    let session = subject
        .add_session(SessionInput::new(project.id(), "ses-01", subject.id()))
        .await?;
    let acquisition = session
        .add_acquisition(AcquisitionInput::new("T1w", session.id()))
        .await?;
    println!(
        "created acquisition {:?} in session {:?}",
        acquisition.label, session.label
    );

    // Task 4: set a file's classification and add a tag.
    let intent = [("Intent".to_owned(), vec!["Structural".to_owned()])].into();
    acquisition
        .update_file_classification(
            "t1.nii.gz",
            FileClassificationDelta {
                replace: Some(intent),
                ..Default::default()
            },
        )
        .await?;
    acquisition.add_tag("reviewed").await?;
    Ok(())
}

/// The mock Flywheel site: the answers the tasks need, on loopback.
pub mod mock {
    use serde_json::json;
    use wiremock::matchers::{method, path, query_param_is_missing};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    /// Ids of the mock's containers.
    pub const PROJECT: &str = "5f0c1ab2c3d4e5f60718293a";
    /// The created subject.
    pub const SUBJECT: &str = "5f0c1ab2c3d4e5f60718293b";
    /// The created session.
    pub const SESSION: &str = "5f0c1ab2c3d4e5f60718293c";
    /// The created acquisition.
    pub const ACQUISITION: &str = "5f0c1ab2c3d4e5f60718293d";

    fn ok(body: serde_json::Value) -> ResponseTemplate {
        ResponseTemplate::new(200).set_body_json(body)
    }

    async fn answer(server: &MockServer, verb: &str, at: &str, body: serde_json::Value) {
        Mock::given(method(verb))
            .and(path(at))
            .respond_with(ok(body))
            .mount(server)
            .await;
    }

    /// Starts the mock with every answer mounted.
    pub async fn start() -> MockServer {
        let server = MockServer::start().await;
        let project = json!({"_id": PROJECT, "label": "Study A", "group": "neuro"});
        // Lists: one page, then an empty page after its last id.
        for (at, items) in [
            ("/api/projects", json!([project])),
            (
                "/api/projects/5f0c1ab2c3d4e5f60718293a/sessions",
                json!([{"_id": "5f0c1ab2c3d4e5f607182901", "label": "baseline"}]),
            ),
        ] {
            Mock::given(method("GET"))
                .and(path(at))
                .and(query_param_is_missing("after_id"))
                .respond_with(ok(items))
                .mount(&server)
                .await;
            // Mounted later, so matched only by the next page's request (with `after_id`).
            Mock::given(method("GET"))
                .and(path(at))
                .respond_with(ok(json!([])))
                .mount(&server)
                .await;
        }
        let mut node = project.clone();
        node["container_type"] = json!("project");
        answer(&server, "POST", "/api/lookup", node).await;
        answer(&server, "POST", "/api/subjects", json!({"_id": SUBJECT})).await;
        answer(
            &server,
            "GET",
            &format!("/api/subjects/{SUBJECT}"),
            json!({"_id": SUBJECT, "label": "sub-01", "project": PROJECT}),
        )
        .await;
        answer(&server, "POST", "/api/sessions", json!({"_id": SESSION})).await;
        answer(
            &server,
            "GET",
            &format!("/api/sessions/{SESSION}"),
            json!({"_id": SESSION, "label": "ses-01", "project": PROJECT}),
        )
        .await;
        answer(
            &server,
            "POST",
            "/api/acquisitions",
            json!({"_id": ACQUISITION}),
        )
        .await;
        answer(
            &server,
            "GET",
            &format!("/api/acquisitions/{ACQUISITION}"),
            json!({"_id": ACQUISITION, "label": "T1w", "session": SESSION}),
        )
        .await;
        answer(
            &server,
            "PATCH",
            &format!("/api/containers/{ACQUISITION}/files/t1.nii.gz/classification"),
            json!({"modified": 1}),
        )
        .await;
        answer(
            &server,
            "POST",
            &format!("/api/containers/{ACQUISITION}/tags"),
            json!({"modified": 1}),
        )
        .await;
        server
    }
}
