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
