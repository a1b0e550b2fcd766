//! The everyday example's tasks (`examples/everyday.rs`) against the generated mock instead of
//! the example's hand-written wiremock answers: typed stubs and samples, no JSON. Runs with the
//! `mock` feature (on under `cargo test --workspace`, where the `flywheel-tests` crate enables
//! it).

#[path = "../examples/everyday.rs"]
mod everyday;

use flywheel_client::mock::{MockFlywheel, sample};
use flywheel_client::types::{InsertedId, ProjectListOutput, SessionListOutput};

fn inserted(id: &str) -> InsertedId {
    InsertedId {
        id: Some(id.to_owned()),
    }
}

#[tokio::test]
async fn the_everyday_tasks_run_against_the_generated_mock() {
    let mock = MockFlywheel::start().await;
    let project: ProjectListOutput = sample::project("Study A");
    let project_id = project.id.clone().unwrap_or_default();
    mock.get_all_projects().returns_items([project]);
    mock.get_project_sessions(&project_id)
        .returns_items(sample::sessions::<SessionListOutput>(3));
    mock.lookup_path().returns(sample::project("Study A"));
    let subject: flywheel_client::types::SubjectOutput = sample::subject("sub-01");
    let subject_id = subject.id.clone().unwrap_or_default();
    mock.add_subject().returns(inserted(&subject_id));
    mock.get_subject(&subject_id).returns(subject);
    let session: flywheel_client::types::SessionOutput = sample::session("ses-01");
    let session_id = session.id.clone().unwrap_or_default();
    mock.add_session().returns(inserted(&session_id));
    mock.get_session(&session_id).returns(session);
    let acquisition: flywheel_client::types::AcquisitionOutput = sample::acquisition("T1w");
    let acquisition_id = acquisition.id.clone().unwrap_or_default();
    mock.add_acquisition().returns(inserted(&acquisition_id));
    mock.get_acquisition(&acquisition_id).returns(acquisition);
    mock.modify_container_file_classification(&acquisition_id, "t1.nii.gz")
        .returns(Default::default());
    mock.add_container_tag(&acquisition_id)
        .returns(Default::default())
        .times(1);

    let result = everyday::tasks(mock.client())
        .await
        .map_err(|e| e.to_string());
    assert_eq!(result, Ok(()));
    // `find_one` reads pages until the empty one that proves no second match; the sessions
    // (3, in one page of 250) take one page and the empty one.
    assert_eq!(mock.calls("getAllProjects"), 2);
    assert_eq!(mock.calls("getProjectSessions"), 2);
}
