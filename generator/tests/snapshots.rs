//! Snapshot tests of the generator on small fixture specs, one per feature.
//!
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test` and read
//! the diff) after an intended change to the generated code.

use std::path::Path;

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// All generated files of a fixture, each under a `==> path <==` line.
fn generated(name: &str) -> String {
    let out = flywheel_generator::generate(&fixture(name), &format!("fixtures/{name}"))
        .unwrap_or_else(|e| panic!("{e}"));
    let mut text = String::new();
    for (path, contents) in &out.files {
        text.push_str(&format!("==> {path} <==\n{contents}\n"));
    }
    text.push_str(&format!("==> [features] <==\n{}", out.cargo_features));
    text
}

macro_rules! snapshot_tests {
    ($($test:ident => $file:literal,)*) => {$(
        #[test]
        fn $test() {
            insta::assert_snapshot!(generated($file));
        }
    )*};
}

snapshot_tests! {
    enums_keep_unknown_values => "enums.yaml",
    one_of_becomes_enums => "one_of.yaml",
    maps_datetimes_aliases_and_recursion => "maps_and_datetimes.yaml",
    multipart_octet_stream_and_text => "multipart_and_download.yaml",
    header_arrays_and_keyword_names => "headers_and_keywords.yaml",
    variants_of_one_path => "variants.yaml",
    list_operations_paginate => "pagination.yaml",
    path_parameters_fill_their_templates => "path_templates.yaml",
    sdk_defaults_accept_and_tickets => "sdk_conventions.yaml",
    required_fields_construct_requests_and_read_responses => "required_fields.yaml",
    discriminator_picks_the_variant => "discriminator.yaml",
    generic_pages_are_typed_by_their_item => "typed_pages.yaml",
}

#[test]
fn broken_spec_reports_every_problem_with_its_pointer() {
    let err = flywheel_generator::generate(&fixture("broken_ref.yaml"), "fixtures/broken_ref.yaml")
        .expect_err("a broken spec must not generate");
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn unusable_client_defaults_and_not_in_sdk_marks_are_reported() {
    let err = flywheel_generator::generate(
        &fixture("sdk_conventions_broken.yaml"),
        "fixtures/sdk_conventions_broken.yaml",
    )
    .expect_err("unusable extensions must not generate");
    insta::assert_snapshot!(err.to_string());
}

#[test]
fn a_page_cursor_that_is_not_a_field_name_is_a_problem() {
    let spec = fixture("pagination.yaml").replace(
        "x-flywheel-page-cursor: file_id",
        "x-flywheel-page-cursor: 5",
    );
    let err = flywheel_generator::generate(&spec, "pagination.yaml")
        .expect_err("a bad cursor field must not generate");
    let message = err.to_string();
    assert!(
        message.contains("/paths/~1files/get/x-flywheel-page-cursor"),
        "{message}"
    );
    assert!(message.contains("wire name of an item field"), "{message}");
}

#[test]
fn output_is_deterministic() {
    let spec = fixture("one_of.yaml");
    let a = flywheel_generator::generate(&spec, "x.yaml").unwrap();
    let b = flywheel_generator::generate(&spec, "x.yaml").unwrap();
    assert_eq!(a, b);
}
