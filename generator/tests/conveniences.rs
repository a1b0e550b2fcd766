//! The `x-flywheel-containers` extension: what it generates, and the problems it reports.

use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn container_kinds_generate_finders_and_data_impls() {
    let out = flywheel_generator::generate(&fixture("containers.yaml"), "fixtures/containers.yaml")
        .unwrap_or_else(|e| panic!("{e}"));
    let conveniences = out
        .files
        .get("conveniences.rs")
        .map(String::as_str)
        .unwrap_or("(no conveniences.rs)");
    insta::assert_snapshot!(conveniences);
}

#[test]
fn a_spec_without_the_extension_generates_no_conveniences() {
    let spec = fixture("pagination.yaml");
    let out = flywheel_generator::generate(&spec, "x.yaml").unwrap_or_else(|e| panic!("{e}"));
    assert!(!out.files.contains_key("conveniences.rs"));
}

#[test]
fn unknown_operations_and_lists_that_do_not_page_are_reported_with_pointers() {
    let spec = fixture("containers.yaml")
        .replace("get: getSession", "get: getNothing")
        .replace("jobs: getAllJobs", "jobs: getProject");
    let err = flywheel_generator::generate(&spec, "c.yaml").expect_err("must fail");
    let text = err.to_string();
    assert!(
        text.contains("c.yaml: #/x-flywheel-containers/kinds/1/get: no operation `getNothing`"),
        "{text}"
    );
    assert!(
        text.contains("#/x-flywheel-containers/finders/jobs: `getProject` does not page"),
        "{text}"
    );
    assert_eq!(err.problems.len(), 2, "{text}");
}

#[test]
fn a_child_list_must_take_the_parent_id() {
    let spec = fixture("containers.yaml")
        .replace("sessions: getProjectSessions", "sessions: getAllSessions");
    let err = flywheel_generator::generate(&spec, "c.yaml").expect_err("must fail");
    assert!(
        err.to_string()
            .contains("#/x-flywheel-containers/kinds/0/children/sessions: `getAllSessions` must take exactly the parent's id"),
        "{err}"
    );
}

#[test]
fn unknown_keys_in_the_extension_are_errors() {
    let spec = fixture("containers.yaml").replace(
        "plural: sessions",
        "plural: sessions\n      parent: project",
    );
    let err = flywheel_generator::generate(&spec, "c.yaml").expect_err("must fail");
    assert!(err.to_string().contains("unknown field `parent`"), "{err}");
}
