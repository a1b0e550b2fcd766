//! The conveniences (`flywheel_client::conveniences`) against loopback mocks: filter text,
//! finders, `get`/`lookup`, child creation, `info` warnings, child finders paging, and the
//! `everyday` example.

use flywheel_client::Error;
use flywheel_client::conveniences::{AnyContainer, Filter, Sort};
use flywheel_client::types::SubjectInput;
use serde_json::json;
use wiremock::matchers::{
    body_json, body_partial_json, method, path, query_param, query_param_is_missing,
};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::client_for;
use crate::tracing_spans::Captured;

#[path = "../../examples/everyday.rs"]
mod everyday;

const PROJECT: &str = "5f0c1ab2c3d4e5f60718293a";
const SUBJECT: &str = "5f0c1ab2c3d4e5f60718293b";

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

#[test]
fn the_filter_builder_quotes_strings_and_escapes_commas() {
    // Strings are quoted: unquoted `label=1001` would compare with the number 1001.
    assert_eq!(
        Filter::new().eq("label", "1001").as_str(),
        r#"label="1001""#
    );
    // Commas (which end a condition), quotes and backslashes are escaped.
    assert_eq!(Filter::new().eq("label", "a,b").as_str(), r#"label="a\,b""#);
    assert_eq!(
        Filter::new().eq("label", r#"say "hi" \o/"#).as_str(),
        r#"label="say \"hi\" \\o/""#
    );
    // Every operator; numbers and booleans unquoted; several conditions joined by commas.
    let filter = Filter::new()
        .ne("label", "x")
        .lt("age", 10)
        .le("age", 20)
        .gt("weight", 1.5)
        .ge(
            "created",
            chrono::NaiveDate::from_ymd_opt(2024, 1, 31).unwrap_or_default(),
        )
        .eq("archived", false);
    assert_eq!(
        filter.to_string(),
        r#"label!="x",age<10,age<=20,weight>1.5,created>=2024-01-31,archived=false"#
    );
    // Regular expressions go unquoted, commas escaped; `null` for a missing value.
    assert_eq!(
        Filter::new().matches("label", "^sub-0{1,2}").as_str(),
        r"label=~^sub-0{1\,2}"
    );
    assert_eq!(
        Filter::new().is_null("info.qc").not_null("label").as_str(),
        "info.qc=null,label!=null"
    );
    assert_eq!(
        Filter::new().eq("subject.code", None::<&str>).as_str(),
        "subject.code=null"
    );
    // Raw strings are still accepted as written.
    assert_eq!(
        Filter::from("label=x,created>2024-01-01").as_str(),
        "label=x,created>2024-01-01"
    );
    assert_eq!(
        Filter::new().eq("group", "neuro").raw("label=~^A").as_str(),
        r#"group="neuro",label=~^A"#
    );
    assert_eq!(
        Sort::asc("label").then_desc("created").to_string(),
        "label:asc,created:desc"
    );
}

async fn projects_page(
    server: &MockServer,
    filter: &str,
    limit: &str,
    after_id: Option<&str>,
    items: serde_json::Value,
) {
    let mock = Mock::given(method("GET"))
        .and(path("/api/projects"))
        .and(query_param("filter", filter))
        .and(query_param("limit", limit));
    let mock = match after_id {
        Some(after_id) => mock.and(query_param("after_id", after_id)),
        None => mock.and(query_param_is_missing("after_id")),
    };
    mock.respond_with(ok(items)).expect(1).mount(server).await;
}

fn project(id: &str, label: &str) -> serde_json::Value {
    json!({"_id": id, "label": label, "group": "neuro"})
}

#[tokio::test]
async fn find_one_errors_unless_exactly_one_matches() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let wire = r#"label="1001""#;
    // 0 matches: one empty page.
    projects_page(&server, wire, "2", None, json!([])).await;
    let none = client
        .projects()
        .find_one(Filter::new().eq("label", "1001"))
        .await;
    match none {
        Err(Error::Unexpected {
            operation_id,
            message,
        }) => {
            assert_eq!(operation_id, "getAllProjects");
            assert!(message.contains("no item"), "{message}");
            assert!(
                !message.contains("1001"),
                "the filter value stays out: {message}"
            );
        }
        other => panic!("expected Unexpected, got {other:?}"),
    }
    server.reset().await;

    // 1 match: the page of two holds one, the next page is empty.
    projects_page(&server, wire, "2", None, json!([project(PROJECT, "1001")])).await;
    projects_page(&server, wire, "2", Some(PROJECT), json!([])).await;
    let one = client
        .projects()
        .find_one(Filter::new().eq("label", "1001"))
        .await;
    let one = one.map_err(|e| e.to_string());
    assert_eq!(
        one.as_ref().map(|p| p.label.clone()),
        Ok(Some("1001".to_owned()))
    );
    assert_eq!(
        one.as_ref().map(|p| p.id.clone()),
        Ok(Some(PROJECT.to_owned()))
    );
    server.verify().await;
    server.reset().await;

    // 2 matches: an error after one page.
    projects_page(
        &server,
        wire,
        "2",
        None,
        json!([project(PROJECT, "1001"), project(SUBJECT, "1001")]),
    )
    .await;
    let two = client
        .projects()
        .find_one(Filter::new().eq("label", "1001"))
        .await;
    match two {
        Err(Error::Unexpected { message, .. }) => {
            assert!(message.contains("more than one"), "{message}")
        }
        other => panic!("expected Unexpected, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn find_first_asks_for_one_item_and_find_collects_every_page() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    projects_page(
        &server,
        "group=neuro",
        "1",
        None,
        json!([project(PROJECT, "A")]),
    )
    .await;
    let first = client
        .projects()
        .find_first("group=neuro")
        .await
        .map_err(|e| e.to_string());
    assert_eq!(
        first.map(|p| p.and_then(|p| p.id.clone())),
        Ok(Some(PROJECT.to_owned()))
    );

    projects_page(
        &server,
        "group=neuro",
        "250",
        None,
        json!([project(PROJECT, "A")]),
    )
    .await;
    projects_page(
        &server,
        "group=neuro",
        "250",
        Some(PROJECT),
        json!([project(SUBJECT, "B")]),
    )
    .await;
    projects_page(&server, "group=neuro", "250", Some(SUBJECT), json!([])).await;
    let all = client
        .projects()
        .find("group=neuro")
        .await
        .map_err(|e| e.to_string());
    let labels: Result<Vec<_>, _> = all.map(|all| all.iter().map(|p| p.label.clone()).collect());
    assert_eq!(labels, Ok(vec![Some("A".to_owned()), Some("B".to_owned())]));
    server.verify().await;
}

async fn lookup_answers(server: &MockServer, segments: serde_json::Value, node: serde_json::Value) {
    Mock::given(method("POST"))
        .and(path("/api/lookup"))
        .and(body_json(json!({ "path": segments })))
        .respond_with(ok(node))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn lookup_types_groups_projects_and_subjects_and_keeps_slashes_in_labels() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    lookup_answers(
        &server,
        json!(["neuro"]),
        json!({"container_type": "group", "_id": "neuro", "label": "Neuro"}),
    )
    .await;
    lookup_answers(
        &server,
        json!(["neuro", "Study A"]),
        json!({"container_type": "project", "_id": PROJECT, "label": "Study A"}),
    )
    .await;
    lookup_answers(
        &server,
        json!(["neuro", "Study A", "sub-01"]),
        json!({"container_type": "subject", "_id": SUBJECT, "label": "sub-01", "project": PROJECT}),
    )
    .await;
    lookup_answers(
        &server,
        json!(["neuro", "A/B"]),
        json!({"container_type": "project", "_id": PROJECT, "label": "A/B"}),
    )
    .await;
    lookup_answers(
        &server,
        json!(["neuro", "Study A", "files", "t1.nii.gz"]),
        json!({"container_type": "file", "name": "t1.nii.gz"}),
    )
    .await;

    match client.lookup("neuro").await {
        Ok(AnyContainer::Group(group)) => assert_eq!(group.label.as_deref(), Some("Neuro")),
        other => panic!("expected a group, got {other:?}"),
    }
    match client.lookup("neuro/Study A").await {
        Ok(AnyContainer::Project(project)) => assert_eq!(project.id.as_deref(), Some(PROJECT)),
        other => panic!("expected a project, got {other:?}"),
    }
    match client.lookup("neuro/Study A/sub-01").await {
        Ok(AnyContainer::Subject(subject)) => {
            assert_eq!(subject.label.as_deref(), Some("sub-01"));
            assert_eq!(subject.project.as_deref(), Some(PROJECT));
        }
        other => panic!("expected a subject, got {other:?}"),
    }
    // A label holding `/`: segments, not one string.
    match client.lookup(["neuro", "A/B"]).await {
        Ok(AnyContainer::Project(project)) => assert_eq!(project.label.as_deref(), Some("A/B")),
        other => panic!("expected a project, got {other:?}"),
    }
    match client
        .lookup(["neuro", "Study A", "files", "t1.nii.gz"])
        .await
    {
        Ok(AnyContainer::Other {
            container_type,
            value,
        }) => {
            assert_eq!(container_type, "file");
            assert_eq!(value["name"], "t1.nii.gz");
        }
        other => panic!("expected a file node, got {other:?}"),
    }
    server.verify().await;
}

#[tokio::test]
async fn get_and_resolve_are_typed_by_container_type() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    Mock::given(method("GET"))
        .and(path(format!("/api/containers/{SUBJECT}")))
        .respond_with(ok(
            json!({"container_type": "subject", "_id": SUBJECT, "label": "sub-01"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/resolve"))
        .and(body_json(json!({"path": ["neuro", "<id:5f0c1ab2c3d4e5f60718293a>"]})))
        .respond_with(ok(json!({
            "path": [{"container_type": "group", "_id": "neuro"}, {"container_type": "project", "_id": PROJECT}],
            "children": [{"container_type": "subject", "_id": SUBJECT}],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let any = client.get(SUBJECT).await.map_err(|e| e.to_string());
    // Any kind tells its id and kind without a match.
    assert_eq!(
        any.as_ref().map(|c| (c.id(), c.kind())),
        Ok((
            SUBJECT,
            Some(flywheel_client::conveniences::ContainerKind::Subject)
        ))
    );
    match any {
        Ok(AnyContainer::Subject(subject)) => assert_eq!(subject.label.as_deref(), Some("sub-01")),
        other => panic!("expected a subject, got {other:?}"),
    }
    let resolved = client
        .resolve(["neuro", "<id:5f0c1ab2c3d4e5f60718293a>"])
        .await
        .map_err(|e| e.to_string());
    let kinds = resolved.map(|r| {
        (
            r.path
                .iter()
                .map(|n| matches!(n, AnyContainer::Group(_) | AnyContainer::Project(_)))
                .collect::<Vec<_>>(),
            r.children
                .iter()
                .map(|n| matches!(n, AnyContainer::Subject(_)))
                .collect::<Vec<_>>(),
        )
    });
    assert_eq!(kinds, Ok((vec![true, true], vec![true])));
    server.verify().await;
}

#[tokio::test]
async fn add_subject_returns_the_created_subject_with_its_id_and_label() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    Mock::given(method("GET"))
        .and(path(format!("/api/projects/{PROJECT}")))
        .respond_with(ok(json!({"_id": PROJECT, "label": "Study A"})))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/subjects"))
        .and(body_partial_json(
            json!({"project": PROJECT, "label": "sub-01", "info": {"a": 1}}),
        ))
        .respond_with(ok(json!({"_id": SUBJECT})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/api/subjects/{SUBJECT}")))
        .respond_with(ok(
            json!({"_id": SUBJECT, "label": "sub-01", "project": PROJECT}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let project = client
        .get_project(PROJECT)
        .send()
        .await
        .map_err(|e| e.to_string());
    let project =
        flywheel_client::conveniences::Project::new(client.clone(), project.unwrap_or_default());
    let input = SubjectInput {
        label: Some("sub-01".into()),
        info: Some(json!({"a": 1})),
        ..SubjectInput::new(project.id())
    };
    let subject = project.add_subject(input).await.map_err(|e| e.to_string());
    let subject = subject.map(|s| (s.id.clone(), s.label.clone()));
    assert_eq!(
        subject,
        Ok((Some(SUBJECT.to_owned()), Some("sub-01".to_owned())))
    );
    // `reload` on a fetched project goes through `getProject`.
    assert!(project.reload().await.is_ok());
    server.verify().await;
}

#[tokio::test]
async fn update_info_warns_about_dotted_keys_without_naming_them() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    Mock::given(method("PATCH"))
        .and(path(format!("/api/containers/{SUBJECT}/info")))
        .and(body_json(
            json!({"set": {"scan.date": "2024-01-31", "nested": {"a$b": 1}}}),
        ))
        .respond_with(ok(json!({"modified": 1})))
        .expect(1)
        .mount(&server)
        .await;
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::WARN)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A callsite first met by another test (no subscriber) may have cached "never".
    tracing::callsite::rebuild_interest_cache();
    let subject = flywheel_client::conveniences::Subject::new(
        client.clone(),
        serde_json::from_value(json!({"_id": SUBJECT})).unwrap_or_default(),
    );
    let info = json!({"scan.date": "2024-01-31", "nested": {"a$b": 1}});
    let info = info.as_object().cloned().unwrap_or_default();
    let result = subject.update_info(info).await.map_err(|e| e.to_string());
    assert_eq!(result, Ok(()));
    let text = String::from_utf8_lossy(&captured.0.lock().map(|b| b.clone()).unwrap_or_default())
        .into_owned();
    assert!(text.contains("WARN"), "{text}");
    assert!(
        text.contains("keys_with_dot=1") && text.contains("keys_with_dollar=1"),
        "{text}"
    );
    assert!(
        !text.contains("scan.date") && !text.contains("a$b"),
        "keys stay out: {text}"
    );
    server.verify().await;
}

#[tokio::test]
async fn child_finders_page_through_a_projects_sessions() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let at = format!("/api/projects/{PROJECT}/sessions");
    let pages = [
        (
            None,
            json!([{"_id": "5f0c1ab2c3d4e5f607182901", "label": "s1"}, {"_id": "5f0c1ab2c3d4e5f607182902", "label": "s2"}]),
        ),
        (
            Some("5f0c1ab2c3d4e5f607182902"),
            json!([{"_id": "5f0c1ab2c3d4e5f607182903", "label": "s3"}]),
        ),
        (Some("5f0c1ab2c3d4e5f607182903"), json!([])),
    ];
    for (after_id, items) in pages {
        let mock = Mock::given(method("GET"))
            .and(path(at.as_str()))
            .and(query_param("limit", "2"));
        let mock = match after_id {
            Some(after_id) => mock.and(query_param("after_id", after_id)),
            None => mock.and(query_param_is_missing("after_id")),
        };
        mock.respond_with(ok(items)).expect(1).mount(&server).await;
    }
    let project = flywheel_client::conveniences::Project::new(
        client.clone(),
        serde_json::from_value(json!({"_id": PROJECT})).unwrap_or_default(),
    );
    let mut sessions = project.sessions().page_size(2).stream(Filter::new());
    let mut labels = Vec::new();
    while let Some(session) = sessions.next().await {
        match session {
            Ok(session) => labels.push(session.label.clone().unwrap_or_default()),
            Err(error) => panic!("page failed: {error}"),
        }
    }
    assert_eq!(labels, ["s1", "s2", "s3"]);
    assert_eq!(sessions.cursor().pages_fetched(), 3);
    server.verify().await;
}

#[tokio::test]
async fn the_everyday_example_runs_against_its_mock() {
    let server = everyday::mock::start().await;
    let client = client_for(&server);
    let result = everyday::tasks(&client).await.map_err(|e| e.to_string());
    assert_eq!(result, Ok(()));
    let requests = server.received_requests().await.unwrap_or_default();
    let tagged = requests
        .iter()
        .any(|r| r.url.path().ends_with("/tags") && r.method.as_str() == "POST");
    assert!(tagged, "the tag was added");
}
