//! Specs a maintainer may get wrong by hand, one fixture each (`tests/fixtures/hardening`):
//! the generator answers with the exact error, naming file, JSON pointer and fix, or with
//! code (which `xtask/tests/hardening.rs` compiles). Never a panic, a stack overflow or a hang.

use flywheel_generator::{Generated, generate};
use std::path::Path;

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/hardening")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture(name: &str) -> String {
    String::from_utf8(fixture_bytes(name)).expect("fixture is UTF-8")
}

fn error(name: &str) -> String {
    generate(&fixture(name), name)
        .expect_err("the fixture must be refused")
        .to_string()
}

fn output(name: &str) -> Generated {
    generate(&fixture(name), name).unwrap_or_else(|e| panic!("{e}"))
}

fn types_file(out: &Generated) -> String {
    out.files
        .iter()
        .filter(|(path, _)| path.starts_with("types/"))
        .map(|(_, text)| text.as_str())
        .collect()
}

#[test]
fn tags_differing_only_by_case_are_refused_before_the_manifest_breaks() {
    assert_eq!(
        error("tags_differ_by_case.yaml"),
        "tags_differ_by_case.yaml: #/tags/1/name: tag \"Things\" gives the Cargo feature \
         `things`, as tag \"things\" (#/tags/0) does; tag names must differ in more than case \
         and punctuation: rename or merge one of them"
    );
}

#[test]
fn a_tag_without_letters_is_refused() {
    assert_eq!(
        error("tag_without_letters.yaml"),
        "tag_without_letters.yaml: #/tags/0/name: tag \"😀\" has no ASCII letter or digit, so \
         it gives no Cargo feature name; name the tag with letters (`projects`, `audit-trail`)"
    );
}

#[test]
fn names_rust_refuses_become_ascii_identifiers() {
    // `x²`, an operationId starting with `٣`, enum values `m²` and `٣`, `self`/`Self` twice
    // and a repeated enum value: code, with deterministic names (compiled by xtask's test).
    let out = output("non_rust_names.yaml");
    let types = types_file(&out);
    for expected in [
        "pub struct SelfValue",
        "pub x_2: ::std::option::Option<f64>",
        "pub self_2: ::std::option::Option<::std::string::String>",
        "Self::M => \"m²\"",
        "Self::M2 => \"m\"",
        "Self::SelfValue2 => \"Self\"",
        "Self::Empty => \"٣\"",
    ] {
        assert!(types.contains(expected), "{expected} in:\n{types}");
    }
    // The value `m` listed twice is one variant (no unreachable match arm).
    assert_eq!(types.matches("=> \"m\"").count(), 1, "{types}");
    assert_eq!(types.matches("\"m\" =>").count(), 1, "{types}");
    let operations = &out.files["operations/things.rs"];
    assert!(
        operations.contains("pub fn get_things(&self)"),
        "{operations}"
    );
    assert!(operations.contains("pub fn self_2("), "{operations}");
}

#[test]
fn an_alias_cycle_through_a_one_of_is_an_error_not_a_stack_overflow() {
    assert_eq!(
        error("alias_cycle_through_one_of.yaml"),
        "alias_cycle_through_one_of.yaml: #/components/schemas/A: alias cycle A → B → A: each \
         of these schemas is only a $ref (or an array or map of one), so none of them is ever \
         defined; make one of them an object or a oneOf, or point it at a schema that is"
    );
}

#[test]
fn an_alias_of_itself_is_an_error() {
    let text = error("alias_to_itself.yaml");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].starts_with(
            "alias_to_itself.yaml: #/components/schemas/Loop: alias cycle Loop → Loop: "
        ),
        "{text}"
    );
    assert!(
        lines[1].starts_with(
            "alias_to_itself.yaml: #/components/schemas/Nested: alias cycle Nested → Nested: "
        ),
        "{text}"
    );
    assert_eq!(lines[2], "(2 problems)");
}

#[test]
fn unions_containing_each_other_are_boxed() {
    let types = types_file(&output("unions_contain_each_other.yaml"));
    for expected in [
        "Term(::std::boxed::Box<crate::types::Term>)",
        "ExprAlias(::std::boxed::Box<crate::types::ExprAlias>)",
        "pub left: ::std::option::Option<::std::boxed::Box<crate::types::Expr>>",
        // Behind a `Vec`, no box is needed.
        "pub items: ::std::option::Option<::std::vec::Vec<crate::types::Term>>",
    ] {
        assert!(types.contains(expected), "{expected} in:\n{types}");
    }
}

#[test]
fn a_misspelt_type_says_what_was_meant() {
    assert_eq!(
        error("unknown_type.yaml"),
        "unknown_type.yaml: #/components/schemas/Thing/properties/name/type: unknown type \
         `strin`; did you mean `string`?\n\
         unknown_type.yaml: #/components/schemas/Thing/properties/size/formt: `formt` is not a \
         schema keyword of OpenAPI 3.0; did you mean `format`?\n\
         (2 problems)"
    );
}

#[test]
fn an_unquoted_version_is_explained() {
    assert_eq!(
        error("unquoted_version.yaml"),
        "unquoted_version.yaml: #/openapi: `openapi: 3.0` is read as a number; write the \
         version as a string with its patch number: `openapi: 3.0.3`"
    );
}

#[test]
fn references_decode_json_pointer_escapes() {
    // `#/components/schemas/things~1list~0v2` names the schema `things/list~v2`.
    let out = output("ref_with_escapes.yaml");
    assert!(types_file(&out).contains("pub struct ThingsListV2"));
    assert!(
        out.files["operations/things.rs"].contains("crate::types::ThingsListV2"),
        "the operation answers the escaped schema"
    );
}

#[test]
fn invalid_utf8_names_line_column_and_byte() {
    let bytes = fixture_bytes("invalid_utf8.yaml");
    let error = flywheel_generator::load::decode(&bytes, "invalid_utf8.yaml")
        .expect_err("Latin-1 is not UTF-8");
    assert_eq!(
        error.to_string(),
        "invalid_utf8.yaml: #: line 4 column 4 (byte 65): not valid UTF-8 (byte 0xe9); save the \
         spec as UTF-8"
    );
}

#[test]
fn a_missing_components_section_is_one_error_with_a_count() {
    assert_eq!(
        error("no_components.yaml"),
        "no_components.yaml: #/components: missing: 3 $refs point into #/components (at \
         #/paths/~1things/get/responses/200/content/application~1json/schema/$ref, \
         #/paths/~1things/post/requestBody/content/application~1json/schema/$ref, \
         #/paths/~1things/post/responses/200/content/application~1json/schema/$ref); add a \
         `components` section that defines what they name"
    );
}

#[test]
fn repeated_problems_are_grouped() {
    let spec = fixture("no_components.yaml").replace(
        "paths:",
        "components: {schemas: {Unrelated: {type: string}}}\npaths:",
    );
    let text = generate(&spec, "x.yaml").unwrap_err().to_string();
    assert_eq!(
        text,
        "x.yaml: #/paths/~1things/get/responses/200/content/application~1json/schema/$ref: $ref \
         \"#/components/schemas/Thing\" does not resolve: no schema named \"Thing\" (and 1 more \
         place: #/paths/~1things/post/requestBody/content/application~1json/schema/$ref)\n\
         x.yaml: #/paths/~1things/post/responses/200/content/application~1json/schema/$ref: \
         $ref \"#/components/schemas/Other\" does not resolve: no schema named \"Other\"\n\
         (2 problems)"
    );
}

#[test]
fn deep_nesting_is_refused_in_linear_time() {
    // 100,000 levels took the YAML parser 74 s before it reached its recursion limit.
    let header = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\nx: ";
    let levels = 100_000;
    for (open, close) in [("[", "]"), ("{a: ", "}")] {
        let spec = format!("{header}{}1{}\n", open.repeat(levels), close.repeat(levels));
        let error = generate(&spec, "deep.yaml").unwrap_err();
        assert!(
            error.problems[0]
                .message
                .starts_with("line 4 column 132: nested more than 128 levels deep")
                || error.problems[0]
                    .message
                    .starts_with("line 4 column 516: nested more than 128 levels deep"),
            "{error}"
        );
    }
    let spec = format!("{header}\n  {}a\n", "- ".repeat(levels));
    let error = generate(&spec, "deep.yaml").unwrap_err();
    assert!(
        error.problems[0]
            .message
            .starts_with("line 5 column 259: nested more than 128 levels deep"),
        "{error}"
    );
    // Brackets inside plain and quoted scalars are text, not nesting; `#` after a non-ASCII
    // letter inside a flow collection is no comment.
    let spec = format!(
        "{header}{{a: '{}', b: \"[[\", c: ü#x, d: [é, '²#']}}\ny: see [1] and {}\n",
        "[".repeat(500),
        "{".repeat(500)
    );
    assert!(
        generate(&spec, "ok.yaml").is_ok(),
        "{:?}",
        generate(&spec, "ok.yaml").err()
    );
}
