//! A property of the decoding policy: take realistic answers of a few response types
//! (`SessionListOutput`, `FileOutput`, `JobOutput`, `ProjectOutput`), change one value at a
//! time (drop it, make it `null`, or replace it with a value of each other JSON kind), and
//! decode. Decoding must never panic, and must either succeed or fail at the changed value,
//! one of its parents or a value inside it (the JSON path in the error), never somewhere
//! unrelated.
//!
//! Every value of every sample is changed in every way (not a random subset), so the test is
//! deterministic; it decodes a few thousand bodies.

#[path = "../benches/support/samples.rs"]
mod samples;

use flywheel_client::types::{FileOutput, JobOutput, ProjectOutput, SessionListOutput};
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

/// The values a changed field takes besides being dropped: one of each JSON kind, and the
/// shapes the policy coerces.
fn replacements() -> Vec<Value> {
    vec![
        Value::Null,
        json!(true),
        json!(17),
        json!(1.0),
        json!(-2.5),
        json!("text"),
        json!("2024-02-29T13:45:30"),
        json!([1, "a"]),
        json!({"k": [1]}),
    ]
}

/// One step of a JSON path, as `serde_path_to_error` prints it.
#[derive(Clone, Debug)]
enum Step {
    Key(String),
    Index(usize),
}

fn render(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Key(key) if text.is_empty() => text.push_str(key),
            Step::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            Step::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    if text.is_empty() { ".".into() } else { text }
}

/// Every path to a value inside `value` (not the root).
fn paths(value: &Value, prefix: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                prefix.push(Step::Key(key.clone()));
                out.push(prefix.clone());
                // Free-form JSON takes anything: changing `info` itself is enough.
                if key != "info" {
                    paths(inner, prefix, out);
                }
                prefix.pop();
            }
        }
        Value::Array(items) => {
            // The first element stands for all of them.
            for (index, inner) in items.iter().enumerate().take(1) {
                prefix.push(Step::Index(index));
                out.push(prefix.clone());
                paths(inner, prefix, out);
                prefix.pop();
            }
        }
        _ => {}
    }
}

/// `value` with the value at `path` replaced (`Some`) or removed (`None`).
fn mutate(value: &Value, path: &[Step], replacement: Option<&Value>) -> Value {
    let mut copy = value.clone();
    let mut parent = &mut copy;
    for step in &path[..path.len() - 1] {
        parent = match step {
            Step::Key(key) => &mut parent[key.as_str()],
            Step::Index(index) => &mut parent[*index],
        };
    }
    match (&path[path.len() - 1], replacement) {
        (Step::Key(key), Some(new)) => parent[key.as_str()] = new.clone(),
        (Step::Key(key), None) => {
            parent.as_object_mut().unwrap().shift_remove(key);
        }
        (Step::Index(index), Some(new)) => parent[*index] = new.clone(),
        (Step::Index(index), None) => {
            parent.as_array_mut().unwrap().remove(*index);
        }
    }
    copy
}

/// Decodes every single-value change of `sample` as `T`; returns how many bodies were decoded
/// and how many failed (each failure checked to name the changed value or a parent).
fn check<T: DeserializeOwned>(sample: Value) -> (usize, usize) {
    let body = serde_json::to_vec(&sample).unwrap();
    serde_json::from_slice::<T>(&body).expect("the unchanged sample decodes");
    let mut all = Vec::new();
    paths(&sample, &mut Vec::new(), &mut all);
    let replacements = replacements();
    let (mut decoded, mut failed) = (0, 0);
    for path in &all {
        let changes = std::iter::once(None).chain(replacements.iter().map(Some));
        for change in changes {
            let body = serde_json::to_vec(&mutate(&sample, path, change)).unwrap();
            let mut json = serde_json::Deserializer::from_slice(&body);
            decoded += 1;
            if let Err(error) = serde_path_to_error::deserialize::<_, T>(&mut json) {
                failed += 1;
                let at = error.path().to_string();
                let changed = render(path);
                // The failing value is the changed one, contains it (a union reports where
                // it starts) or is inside it (an element of a replacement list).
                let within = |outer: &str, inner: &str| {
                    inner == outer
                        || inner.starts_with(&format!("{outer}."))
                        || inner.starts_with(&format!("{outer}["))
                };
                assert!(
                    at != "." && (within(&at, &changed) || within(&changed, &at)),
                    "changing `{changed}` to {change:?} failed at `{at}`: {error}"
                );
            }
        }
    }
    (decoded, failed)
}

fn job() -> Value {
    json!({
        "_id": "5f0c1ab2c3d4e5f607182900", "gear_id": "g1", "state": "complete",
        "attempt": 2, "created": "2024-02-29T13:45:30.123456+00:00",
        "modified": "2024-02-29T13:46:30+00:00", "tags": ["a", "b"],
        "config": {"config": {"threshold": 0.5}, "inputs": {}},
        "inputs": {"t1": {"type": "acquisition", "id": "a1", "name": "scan.nii.gz"}},
        "destination": {"type": "acquisition", "id": "a1"},
        "profile": {"total_time_ms": 1200, "elapsed_time_ms": 1100},
        "origin": {"type": "user", "id": "u@example.org"},
        "priority": "high", "compute_provider_id": "cp1",
        "transitions": {"running": "2024-02-29T13:45:31+00:00"}
    })
}

#[test]
fn single_changes_of_real_answers_never_panic_and_fail_only_where_changed() {
    let session = samples::session(3);
    let file = session["files"][0].clone();
    let checks = [
        ("SessionListOutput", check::<SessionListOutput>(session)),
        ("FileOutput", check::<FileOutput>(file)),
        ("JobOutput", check::<JobOutput>(job())),
        ("ProjectOutput", check::<ProjectOutput>(samples::project())),
    ];
    for (name, (decoded, failed)) in checks {
        eprintln!("{name}: {decoded} bodies decoded, {failed} failed at the changed value");
        // The policy makes most single changes decode; a type where nothing failed or
        // nothing succeeded would mean the check did not exercise it.
        assert!(decoded > 100, "{name}: only {decoded} bodies");
        assert!(
            failed > 0 && failed < decoded,
            "{name}: {failed} of {decoded} failed"
        );
    }
}
