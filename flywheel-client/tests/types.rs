//! Decoding behaviour of the generated types: unions, discriminated unions, typed pages,
//! date-times, enums, required fields, missing and `null`.

use flywheel_client::types::{
    AcquisitionListOutputListOrPage, AnalysisOutputInflatedJobOrAnalysisOutput,
    DownloadTicketStubOrZipfileInfo, FileOutput, GetContainerResponse, JobState, OriginType,
};
use flywheel_client::types::{ResolveInput, ResolverNode, SearchParentResponse};
use serde_json::json;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[test]
fn unions_pick_the_variant_that_knows_the_keys() {
    let zip: DownloadTicketStubOrZipfileInfo =
        serde_json::from_value(json!({"comment": "c", "members": [{"path": "a.dcm", "size": 3}]}))
            .unwrap();
    assert!(
        matches!(&zip, DownloadTicketStubOrZipfileInfo::ZipfileInfo(z) if z.members.as_ref().unwrap().len() == 1)
    );

    let ticket: DownloadTicketStubOrZipfileInfo =
        serde_json::from_value(json!({"ticket": "t", "filename": "f.zip", "size": 12})).unwrap();
    assert!(
        matches!(&ticket, DownloadTicketStubOrZipfileInfo::DownloadTicketStub(t) if t.ticket.as_deref() == Some("t"))
    );

    // An acquisition is not decoded as the first listed container (a group).
    let container: GetContainerResponse = serde_json::from_value(json!({
        "_id": "a1", "label": "T1", "session": "s1", "container_type": "acquisition",
        "parents": {"group": "g", "project": "p", "subject": "sub", "session": "s1"}
    }))
    .unwrap();
    assert!(
        matches!(
            container,
            GetContainerResponse::AcquisitionContainerOutput(_)
        ),
        "{container:?}"
    );

    // A field of another type (a job object, not an id) moves decoding to the variant that fits.
    let inflated: AnalysisOutputInflatedJobOrAnalysisOutput =
        serde_json::from_value(json!({"_id": "x", "job": {"_id": "j", "state": "complete"}}))
            .unwrap();
    assert!(matches!(
        inflated,
        AnalysisOutputInflatedJobOrAnalysisOutput::AnalysisOutputInflatedJob(_)
    ));
    let plain: AnalysisOutputInflatedJobOrAnalysisOutput = serde_json::from_value(
        json!({"_id": "x", "job": "j", "timestamp": "2020-01-01T00:00:00Z"}),
    )
    .unwrap();
    assert!(
        matches!(
            plain,
            AnalysisOutputInflatedJobOrAnalysisOutput::AnalysisOutput(_)
        ),
        "{plain:?}"
    );
}

#[test]
fn list_or_page_is_told_apart_by_its_first_token() {
    let list: AcquisitionListOutputListOrPage =
        serde_json::from_str(r#"[{"_id": "a"}, {"_id": "b"}]"#).unwrap();
    assert!(
        matches!(&list, AcquisitionListOutputListOrPage::AcquisitionListOutputList(v) if v.len() == 2)
    );
    let page: AcquisitionListOutputListOrPage =
        serde_json::from_str(r#"{"count": 1, "total": 9, "results": [{"_id": "a"}]}"#).unwrap();
    assert!(matches!(&page, AcquisitionListOutputListOrPage::Page(p) if p.total == Some(9)));
    assert!(serde_json::from_str::<AcquisitionListOutputListOrPage>("7").is_err());
}

#[test]
fn datetimes_in_the_forms_flywheel_sends() {
    for text in [
        "2016-09-21T14:56:10.026000+00:00",
        "2016-09-21T14:56:10+00:00",
        "2016-09-21T14:56:10.026Z",
    ] {
        let file: FileOutput = serde_json::from_value(json!({"created": text})).unwrap();
        let created = file.created.unwrap();
        assert_eq!(created.timestamp(), 1_474_469_770, "{text}");
    }
}

#[test]
fn enums_keep_unknown_values_and_fields_tolerate_null_and_absence() {
    let file: FileOutput = serde_json::from_value(json!({
        "name": null,
        "origin": {"type": "quantum-scanner", "id": "q"},
        "not_in_the_spec": true
    }))
    .unwrap();
    assert_eq!(file.name, None);
    assert_eq!(file.size, None);
    let origin = file.origin.clone().unwrap();
    // `Origin` is also a request type, so its required `type` is a plain value.
    assert_eq!(origin.r#type, OriginType::Unknown("quantum-scanner".into()));
    let back = serde_json::to_value(&origin.r#type).unwrap();
    assert_eq!(
        back,
        json!("quantum-scanner"),
        "unknown values encode back unchanged"
    );
    // A required field of a request type that a response omits or sends as null decodes as
    // its empty value instead of failing.
    let file: FileOutput =
        serde_json::from_value(json!({"origin": {"id": "q"}, "parents": null})).unwrap();
    let origin = file.origin.unwrap();
    assert_eq!(origin.r#type, OriginType::Unknown(String::new()));
    assert_eq!(origin.id.as_deref(), Some("q"));
    let note: flywheel_client::types::NoteInput =
        serde_json::from_value(json!({"text": null})).unwrap();
    assert_eq!(note.text, "");
    // Request types serialize their required fields always, their unset optional ones never.
    let note = flywheel_client::types::NoteInput::new("hello");
    assert_eq!(
        serde_json::to_value(&note).unwrap(),
        json!({"text": "hello"})
    );
    let session = flywheel_client::types::SessionInput::new("p1", "Baseline", "s1");
    assert_eq!(
        serde_json::to_value(&session).unwrap(),
        json!({"project": "p1", "label": "Baseline", "subject": "s1"}),
        "None fields are not sent"
    );
    assert_eq!(OriginType::from("unknown"), OriginType::UnknownValue);
    assert_eq!("running".parse::<JobState>().unwrap(), JobState::Running);
    assert_eq!(JobState::Running.to_string(), "running");
}

/// What `POST /lookup` answers for `group/project`: the project with `container_type`.
fn project_node() -> serde_json::Value {
    json!({
        "_id": "5f0c1ab2c3d4e5f60718293a",
        "label": "Neuro Study",
        "group": "neuro",
        "container_type": "project",
        "parents": {"group": "neuro"},
        "permissions": []
    })
}

#[tokio::test(flavor = "current_thread")]
async fn lookup_path_answers_the_project_variant_with_id_and_label() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/lookup"))
        .and(body_json(json!({"path": ["neuro", "Neuro Study"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(project_node()))
        .expect(1)
        .mount(&server)
        .await;
    let client = flywheel_client::Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .api_key("k3y0123456789abcdefg")
        .build()
        .unwrap();
    let found = client
        .lookup_path(ResolveInput::new(vec![
            "neuro".to_owned(),
            "Neuro Study".to_owned(),
        ]))
        .send()
        .await
        .unwrap();
    let ResolverNode::Project(project) = &found else {
        panic!("not the project variant: {found:?}");
    };
    assert_eq!(project.id(), "5f0c1ab2c3d4e5f60718293a");
    assert_eq!(project.label.as_deref(), Some("Neuro Study"));
    assert_eq!(project.group.as_deref(), Some("neuro"));
    assert_eq!(found.tag(), Some("project"));
}

#[test]
fn resolver_nodes_pick_their_variant_by_container_type_or_node_type() {
    // A file node: `container_type` names the variant.
    let file: ResolverNode = serde_json::from_value(json!({
        "container_type": "file", "_id": "f1", "name": "scan.dcm", "size": 5_000_000_000_i64,
        "type": "dicom"
    }))
    .unwrap();
    let ResolverNode::File(node) = &file else {
        panic!("not the file variant: {file:?}");
    };
    assert_eq!(node.name.as_deref(), Some("scan.dcm"));
    assert_eq!(node.size, Some(5_000_000_000), "sizes are 64-bit");

    // Without `container_type`, `node_type` picks it (x-flywheel-discriminator-fallback).
    let gear: ResolverNode =
        serde_json::from_value(json!({"node_type": "gear", "_id": "g1", "category": "converter"}))
            .unwrap();
    assert!(
        matches!(&gear, ResolverNode::Gear(g) if g.id.as_deref() == Some("g1")),
        "{gear:?}"
    );

    // A value this client does not map is kept whole, as is an object without either property.
    let unknown = json!({"container_type": "reader_task", "_id": "r1", "extra": [1, 2]});
    let node: ResolverNode = serde_json::from_value(unknown.clone()).unwrap();
    assert_eq!(node, ResolverNode::Unknown(unknown));
    assert_eq!(node.tag(), None);
    let bare = json!({"_id": "x"});
    assert_eq!(
        serde_json::from_value::<ResolverNode>(bare.clone()).unwrap(),
        ResolverNode::Unknown(bare)
    );

    // A mapped value whose object does not fit its type (even by the tolerant decoding
    // policy) is an error, not a silent `Unknown`.
    assert!(
        serde_json::from_value::<ResolverNode>(
            json!({"container_type": "project", "label": {"not": "a string"}})
        )
        .is_err()
    );
}

#[test]
fn search_parents_pick_their_variant_by_type() {
    let parent: SearchParentResponse =
        serde_json::from_value(json!({"type": "session", "_id": "s1", "label": "Baseline"}))
            .unwrap();
    assert!(
        matches!(&parent, SearchParentResponse::Session(value) if value["_id"] == "s1"),
        "{parent:?}"
    );
    let other: SearchParentResponse =
        serde_json::from_value(json!({"type": "group", "_id": "g"})).unwrap();
    assert!(matches!(other, SearchParentResponse::Unknown(_)));
}

#[test]
fn pages_are_typed_by_their_item_and_required_fields_read_without_unwrap() {
    let page: AcquisitionListOutputListOrPage = serde_json::from_value(json!({
        "count": 1, "total": 9,
        "results": [{"_id": "a1", "label": "T1", "session": "s1"}]
    }))
    .unwrap();
    let AcquisitionListOutputListOrPage::Page(page) = page else {
        panic!("not a page");
    };
    let first = &page.results()[0];
    assert_eq!((first.id(), first.session()), ("a1", "s1"));
    assert_eq!(first.label.as_deref(), Some("T1"));
    assert_eq!(page.total(), 9);
    // A page without `results` or `total` still decodes; the accessors read empty values.
    let sparse: AcquisitionListOutputListOrPage = serde_json::from_value(json!({})).unwrap();
    let AcquisitionListOutputListOrPage::Page(sparse) = sparse else {
        panic!("not a page");
    };
    assert!(sparse.results().is_empty());
    assert_eq!(sparse.total(), 0);
}
