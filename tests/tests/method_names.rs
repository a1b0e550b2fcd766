//! Every documented method of the API reference is a method of `flywheel_client::Client`.
//!
//! Compile-time proof is in the conformance calls (`tests/src/generated/calls.rs`), which call
//! each one; this test lists the names against `operations.json` and says which are missing.

use std::collections::BTreeSet;
use std::path::Path;

fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[test]
fn all_documented_methods_are_client_methods() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let reference = root.join("tests/reference/operations.json");
    let text = std::fs::read_to_string(&reference).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the reference copy in tests/reference)",
            reference.display()
        )
    });
    let operations: Vec<serde_json::Value> =
        serde_json::from_str(&text).expect("operations.json is JSON");

    let mut generated = String::new();
    let dir = root.join("flywheel-client/src/generated/operations");
    for entry in std::fs::read_dir(&dir).expect("generated operations folder") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("readable");
        // Only the `impl crate::Client { ... }` block: builders' setters do not count.
        if let Some(start) = text.find("impl crate::Client {") {
            let block = &text[start..];
            let end = block.find("\n}\n").unwrap_or(block.len());
            generated.push_str(&block[..end]);
        }
    }
    let defined: BTreeSet<&str> = generated
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub fn "))
        .filter_map(|rest| rest.split_once('(').map(|(name, _)| name))
        .collect();

    let mut missing = Vec::new();
    for op in &operations {
        let name = op["operation"].as_str().expect("operation name");
        let method = snake_case(name);
        if !defined.contains(method.as_str()) {
            missing.push(format!("{name} (expected `Client::{method}`)"));
        }
    }
    // Written past the test harness's output capture, so every run shows it.
    let _ = std::io::Write::write_fmt(
        &mut std::io::stdout().lock(),
        format_args!(
            "method_names: checked {} documented methods against the generated client\n",
            operations.len()
        ),
    );
    assert_eq!(operations.len(), 496, "the reference documents 496 methods");
    assert!(
        missing.is_empty(),
        "missing methods:\n{}",
        missing.join("\n")
    );
}
