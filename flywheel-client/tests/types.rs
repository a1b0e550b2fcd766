//! Decoding behaviour of the generated types: unions, date-times, enums, missing and `null`.

use flywheel_client::types::{
    AcquisitionListOutputListOrPage, AnalysisOutputInflatedJobOrAnalysisOutput,
    DownloadTicketStubOrZipfileInfo, FileOutput, GetContainerResponse, JobState, OriginType,
};
use serde_json::json;

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
