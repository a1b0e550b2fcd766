//! Wire conformance of every generated method (issue 5).
//!
//! Each generated call in `flywheel_tests::generated::calls::CALLS` runs against one recording
//! loopback server with every parameter set (but those the client fills with the SDK's default
//! value, which the check then expects: `job=true`, `inflate_job=true`, `simple=true&size=100`),
//! checking also the `Accept` header and the default `x-accept-feature`; the request it sent and the answer it decoded are
//! checked against the API reference (`tests/reference`) by `flywheel_tests::conformance`,
//! or, for an operation the reference does not document yet, against the spec (through the
//! generator's IR). Every mismatch of every method is collected, then the test fails listing them
//! all as `operationId: field: expected X, got Y`.

use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use flywheel_client::Client;
use flywheel_generator::ir;
use flywheel_tests::conformance::{
    API_KEY, CallResult, RecordedRequest, Reference, Source, Values, default_spec_path, lower_spec,
};
use flywheel_tests::generated::calls::CALLS;
use futures_util::FutureExt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn recorded(request: &wiremock::Request) -> RecordedRequest {
    RecordedRequest {
        method: request.method.as_str().to_owned(),
        path: request.url.path().to_owned(),
        query: request.url.query().map(str::to_owned),
        headers: request
            .headers
            .iter()
            .map(|(name, value)| {
                (
                    name.as_str().to_ascii_lowercase(),
                    value.as_bytes().to_vec(),
                )
            })
            .collect(),
        body: request.body.clone(),
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| {
            payload
                .downcast_ref::<&str>()
                .map(|text| (*text).to_owned())
        })
        .unwrap_or_else(|| "a non-text panic".to_owned())
}

/// Where (`path`, `query`, `header`), what, and the test of one argument.
type HardCase = (&'static str, &'static str, fn(&str) -> bool);

/// The hard cases the suite must exercise somewhere (values are chosen by hash, so this guards
/// against a pool or hash change that silently drops one).
fn missing_hard_cases(arguments: &[(&'static str, String)]) -> Vec<String> {
    let is_id = |v: &str| v.len() == 24 && v.bytes().all(|b| b.is_ascii_hexdigit());
    let checks: [HardCase; 18] = [
        ("path", "a space", |v| v.contains(' ')),
        ("path", "`#`", |v| v.contains('#')),
        ("path", "`?`", |v| v.contains('?')),
        ("path", "`%`", |v| v.contains('%')),
        ("path", "`+`", |v| v.contains('+')),
        ("path", "`&`", |v| v.contains('&')),
        ("path", "`/`", |v| v.contains('/')),
        ("path", "non-ASCII text", |v| !v.is_ascii()),
        ("path", "an emoji", |v| {
            v.chars().any(|c| u32::from(c) > 0xFFFF)
        }),
        ("query", "an empty string", str::is_empty),
        ("query", "`+`", |v| v.contains('+')),
        ("query", "`&`", |v| v.contains('&')),
        ("query", "`#`, `?` or `%`", |v| v.contains(['#', '?', '%'])),
        ("query", "an emoji", |v| {
            v.chars().any(|c| u32::from(c) > 0xFFFF)
        }),
        ("query", "the integer 0", |v| v == "0"),
        ("query", "`true`", |v| v == "true"),
        ("query", "`false`", |v| v == "false"),
        ("header", "a range", |v| v.starts_with("bytes=")),
    ];
    let mut missing = Vec::new();
    for (place, what, check) in checks {
        if !arguments.iter().any(|(p, v)| *p == place && check(v)) {
            missing.push(format!("hard cases: no {place} argument holds {what}"));
        }
    }
    if !arguments.iter().any(|(p, v)| *p == "path" && is_id(v)) {
        missing.push("hard cases: no path argument is a 24-hex id".to_owned());
    }
    missing
}

/// The spec of the workspace, lowered to the generator's IR.
fn spec_api() -> ir::Api {
    let path = default_spec_path();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    lower_spec(&text, "spec/openapi.yaml").unwrap_or_else(|error| panic!("{error}"))
}

/// What one run of every call found.
struct Run {
    problems: Vec<String>,
    /// Methods checked against the reference.
    from_reference: usize,
    /// Methods checked against the spec only.
    from_spec: usize,
}

/// Runs every generated call against a recording server and checks it against `reference`.
async fn run_calls(reference: Arc<Reference>) -> Run {
    let mut problems = reference.coverage(CALLS);

    let server = MockServer::start().await;
    let port = server.address().port();
    // The client's default `x-accept-feature` is left as is: the checks expect what the SDK sends.
    let client = Client::builder()
        .api_key_string(&format!("127.0.0.1:{port}:__force_insecure:{API_KEY}"))
        .max_attempts(1)
        .build()
        .expect("the test client builds");

    let (mut from_reference, mut from_spec) = (0, 0);
    let mut arguments: Vec<(&'static str, String)> = Vec::new();
    for call in CALLS {
        let Some(values) = Values::new(Arc::clone(&reference), call.operation_id) else {
            // Reported by the coverage check.
            continue;
        };
        arguments.extend(values.chosen_arguments());
        let served = values.response();
        let guard = Mock::given(any())
            .respond_with(
                ResponseTemplate::new(200).set_body_raw(served.body.clone(), served.content_type),
            )
            .mount_as_scoped(&server)
            .await;
        let result = match AssertUnwindSafe((call.run)(&client, &values))
            .catch_unwind()
            .await
        {
            Ok(result) => CallResult::Done(result),
            Err(payload) => CallResult::Panicked(panic_message(payload.as_ref())),
        };
        let requests: Vec<RecordedRequest> = guard
            .received_requests()
            .await
            .iter()
            .map(recorded)
            .collect();
        drop(guard);
        problems.extend(
            values
                .check(&requests, result)
                .iter()
                .map(ToString::to_string),
        );
        match values.source() {
            Source::Reference => from_reference += 1,
            Source::Spec => from_spec += 1,
        }
    }

    problems.extend(missing_hard_cases(&arguments));
    Run {
        problems,
        from_reference,
        from_spec,
    }
}

#[tokio::test]
async fn every_generated_method_sends_what_the_reference_or_the_spec_says() {
    let mut reference =
        Reference::load(&Reference::default_dir()).unwrap_or_else(|error| panic!("{error}"));
    // Operations the reference does not document are checked against the spec.
    reference.add_spec(&spec_api());
    let run = run_calls(Arc::new(reference)).await;
    let exercised = run.from_reference + run.from_spec;

    // Written past the test harness's output capture, so every run shows it.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "conformance: exercised {exercised} methods ({} against the API reference, {} against the spec only)",
        run.from_reference, run.from_spec
    );
    let _ = stdout.flush();
    assert!(
        run.problems.is_empty(),
        "conformance: {} mismatches over {exercised} methods:\n{}",
        run.problems.len(),
        run.problems.join("\n")
    );
}

/// The fallback for undocumented operations, exercised on every shape the generator emits: with
/// an empty reference, every method's expectations come from the spec, and the generated client
/// (made from that spec) must meet all of them.
#[tokio::test]
async fn every_generated_method_meets_expectations_taken_from_the_spec_alone() {
    let mut reference = Reference::parse("[]", r#"{"models": {}, "aliases": {}}"#)
        .unwrap_or_else(|error| panic!("{error}"));
    let added = reference.add_spec(&spec_api());
    let run = run_calls(Arc::new(reference)).await;

    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "conformance (spec only): exercised {} methods against expectations from the spec alone",
        run.from_spec
    );
    let _ = stdout.flush();
    assert_eq!(added, CALLS.len());
    assert_eq!((run.from_reference, run.from_spec), (0, CALLS.len()));
    assert!(
        run.problems.is_empty(),
        "conformance (spec only): {} mismatches over {} methods:\n{}",
        run.problems.len(),
        run.from_spec,
        run.problems.join("\n")
    );
}

/// The spec records what the Flywheel SDK 20.0.0 sends that the reference does not say: the
/// values it sends when the caller sets none, the `Accept` of each method, and one type for every
/// `x-accept-feature` parameter. (The SDK's generated methods fall back to exactly these values;
/// its downloads ask for `application/octet-stream`, `getConfigJs` for `application/javascript`.)
#[test]
fn the_spec_records_the_sdks_defaults_accept_headers_and_one_feature_type() {
    let api = spec_api();
    let mut defaults: Vec<(String, String, String)> = Vec::new();
    let mut feature_types = std::collections::BTreeSet::new();
    let mut accepts: std::collections::BTreeMap<String, usize> = Default::default();
    let mut downloads_without_ticket = Vec::new();
    for operation in &api.operations {
        *accepts.entry(operation.accept.clone()).or_default() += 1;
        for param in &operation.params {
            if let Some(value) = &param.client_default {
                defaults.push((
                    operation.operation_id.clone(),
                    param.name.clone(),
                    value.clone(),
                ));
            }
            if param.accept_feature {
                feature_types.insert(param.ty.clone());
            }
        }
        let redeems = operation
            .params
            .iter()
            .any(|param| param.name == "ticket" && param.not_in_sdk && !param.required);
        if operation.response == ir::Response::Binary && !redeems {
            downloads_without_ticket.push(operation.operation_id.clone());
        }
    }
    let row =
        |op: &str, name: &str, value: &str| (op.to_owned(), name.to_owned(), value.to_owned());
    defaults.sort();
    assert_eq!(
        defaults,
        [
            row("addAcquisitionAnalysis", "job", "true"),
            row("addContainerAnalysis", "job", "true"),
            row("addProjectAnalysis", "job", "true"),
            row("addSessionAnalysis", "job", "true"),
            row("addSubjectAnalysis", "job", "true"),
            row("getAnalysis", "inflate_job", "true"),
            row("search", "simple", "true"),
            row("search", "size", "100"),
        ]
    );
    assert_eq!(
        feature_types.into_iter().collect::<Vec<_>>(),
        [ir::TypeRef::Array(Box::new(ir::TypeRef::Named(
            "HeaderFeature".to_owned()
        )))]
    );
    assert_eq!(
        accepts.into_iter().collect::<Vec<_>>(),
        [
            ("application/javascript".to_owned(), 1),
            ("application/json".to_owned(), CALLS.len() - 19),
            ("application/octet-stream".to_owned(), 18),
        ]
    );
    assert_eq!(downloads_without_ticket, Vec::<String>::new());
}
