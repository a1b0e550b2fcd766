//! `cargo xtask gen` as a user runs it: a broken spec is reported and nothing is written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn snapshot_dir(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d)
            .expect("generated folder is readable")
            .flatten()
        {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("generated file is readable");
                out.insert(path, bytes);
            }
        }
    }
    out
}

#[test]
fn broken_ref_names_file_and_pointer_and_writes_nothing() {
    let root = xtask::workspace_root();
    let spec = std::fs::read_to_string(root.join(xtask::SPEC)).expect("spec is readable");
    // Break one reference the way a hand edit might.
    let needle = "schema: {$ref: '#/components/schemas/AcquisitionInput'}";
    assert!(
        spec.contains(needle),
        "the spec no longer has the line this test breaks"
    );
    let broken = spec.replacen(
        needle,
        "schema: {$ref: '#/components/schemas/AcquisitionInptu'}",
        1,
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let broken_path = dir.path().join("broken.yaml");
    std::fs::write(&broken_path, broken).expect("write broken spec");

    let generated = root.join(xtask::GENERATED_DIR);
    let before = snapshot_dir(&generated);
    let manifest_before = std::fs::read(root.join(xtask::CLIENT_MANIFEST)).expect("manifest");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec"])
        .arg(&broken_path)
        .output()
        .expect("xtask runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "xtask must fail on a broken spec");
    assert!(
        stderr.contains(&broken_path.display().to_string()),
        "names the file: {stderr}"
    );
    assert!(
        stderr.contains(
            "#/paths/~1acquisitions/post/requestBody/content/application~1json/schema/$ref"
        ),
        "names the pointer: {stderr}"
    );
    assert!(
        stderr.contains("AcquisitionInptu") && stderr.contains("does not resolve"),
        "says why: {stderr}"
    );
    assert_eq!(
        snapshot_dir(&generated),
        before,
        "the generated folder must be untouched"
    );
    assert_eq!(
        std::fs::read(root.join(xtask::CLIENT_MANIFEST)).expect("manifest"),
        manifest_before
    );
}

#[test]
fn unknown_arguments_are_refused() {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--frobnicate"])
        .output()
        .expect("xtask runs");
    assert_eq!(output.status.code(), Some(2));
}

/// Runs `xtask gen --spec` on a generator fixture; returns (exit code, stderr) after checking
/// that neither the generated folders nor the client manifest changed.
fn gen_fixture_changes_nothing(fixture: &str) -> (Option<i32>, String) {
    let root = xtask::workspace_root();
    let spec = root
        .join("generator/tests/fixtures/hardening")
        .join(fixture);
    let before: Vec<_> = xtask::OUTPUT_DIRS
        .iter()
        .map(|dir| snapshot_dir(&root.join(dir)))
        .collect();
    let manifest_before = std::fs::read(root.join(xtask::CLIENT_MANIFEST)).expect("manifest");
    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["gen", "--spec"])
        .arg(&spec)
        .output()
        .expect("xtask runs");
    let after: Vec<_> = xtask::OUTPUT_DIRS
        .iter()
        .map(|dir| snapshot_dir(&root.join(dir)))
        .collect();
    assert!(
        after == before,
        "{fixture}: the generated folders must be untouched"
    );
    assert_eq!(
        std::fs::read(root.join(xtask::CLIENT_MANIFEST)).expect("manifest"),
        manifest_before,
        "{fixture}: the client manifest must be untouched"
    );
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn clashing_tag_features_exit_1_and_leave_the_manifest_alone() {
    let (code, stderr) = gen_fixture_changes_nothing("tags_differ_by_case.yaml");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("tags_differ_by_case.yaml: #/tags/1/name: tag \"Things\" gives the Cargo feature `things`"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was written"), "{stderr}");
}

#[test]
fn invalid_utf8_exits_1_with_its_position() {
    let (code, stderr) = gen_fixture_changes_nothing("invalid_utf8.yaml");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("invalid_utf8.yaml: #: line 4 column 4 (byte 65): not valid UTF-8"),
        "{stderr}"
    );
}

#[test]
fn an_alias_cycle_exits_1_without_overflowing_the_stack() {
    let (code, stderr) = gen_fixture_changes_nothing("alias_cycle_through_one_of.yaml");
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("#/components/schemas/A: alias cycle A → B → A"),
        "{stderr}"
    );
}
