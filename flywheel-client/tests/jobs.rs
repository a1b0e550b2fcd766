//! Running gears and following jobs (`flywheel_client::jobs`) against `wiremock` on loopback.
//! Polling tests run on tokio's paused clock: the pauses between polls take no real time.

#[allow(dead_code)] // its `main` is the example's, not the test's
#[path = "../examples/run_gear.rs"]
mod run_gear_example;

use std::time::Duration;

use flywheel_client::Client;
use flywheel_client::jobs::{ContainerRef, FileLocation, Gear, GearRun, JobError, PollOptions};
use flywheel_client::types::{FileOutput, GearDocument, JobState};
use run_gear_example::mock::in_turn;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A client of `server` that arms no timer while it waits for an answer: with paused time,
/// tokio jumps to the next timer whenever the runtime waits for I/O, so a read timeout, a
/// connect timeout or the connection pool's idle sweep would fire at once. The only timers left
/// are the polling pauses under test.
fn client_for(server: &MockServer) -> Client {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("HTTP client builds");
    Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .api_key("k3y0123456789abcdefg")
        .http_client(http)
        .read_timeout(Duration::MAX)
        .initial_retry_delay(Duration::from_millis(10))
        .build()
        .expect("client builds")
}

/// A gear document: one required file input, one optional, one api-key input; four config keys
/// (three with defaults, one optional without).
fn gear_json(category: &str) -> Value {
    json!({
        "_id": "g1",
        "category": category,
        "gear": {
            "name": "toy-gear",
            "inputs": {
                "dicom": {"base": "file"},
                "extra": {"base": "file", "optional": true},
                "key": {"base": "api-key", "read-only": true}
            },
            "config": {
                "compress": {"type": "boolean", "default": true},
                "mode": {"type": "string", "enum": ["fast", "slow"], "default": "fast"},
                "threshold": {"type": "number", "default": 0.5},
                "comment": {"type": "string", "optional": true}
            }
        }
    })
}

fn gear(client: &Client, category: &str) -> Gear {
    let document: GearDocument = serde_json::from_value(gear_json(category)).expect("gear decodes");
    Gear::new(client.clone(), document)
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("recording on")
}

fn body(request: &wiremock::Request) -> Value {
    serde_json::from_slice(&request.body).expect("JSON body")
}

#[tokio::test]
async fn run_merges_config_over_manifest_defaults_and_adds_a_job() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/gears/toy-gear"))
        .respond_with(ResponseTemplate::new(200).set_body_json(gear_json("converter")))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/jobs/add"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_id": "job1"})))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let gear = client.gear("toy-gear").await.expect("gear");
    assert!(!gear.is_analysis());
    let listed: FileOutput = serde_json::from_value(
        json!({"name": "mask.nii", "parent_ref": {"type": "acquisition", "id": "a2"}}),
    )
    .expect("file decodes");
    let run = gear
        .run()
        .input("dicom", FileLocation::acquisition("a1", "scan 1.dcm"))
        .input_file("extra", &listed)
        .config("compress", false)
        .destination(ContainerRef::session("s1"))
        .tags(["nightly", "nightly", "qa"])
        .send()
        .await
        .expect("run");

    let GearRun::Job(job) = &run else {
        panic!("a converter gear runs as a job, got {run:?}")
    };
    assert_eq!(job.id(), "job1");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        body(&sent[1]),
        json!({
            "gear_id": "g1",
            "inputs": {
                "dicom": {"type": "acquisition", "id": "a1", "name": "scan 1.dcm"},
                "extra": {"type": "acquisition", "id": "a2", "name": "mask.nii"}
            },
            "destination": {"type": "session", "id": "s1"},
            "config": {"compress": false, "mode": "fast", "threshold": 0.5},
            "tags": ["nightly", "qa"],
            "priority": "medium"
        })
    );
}

#[tokio::test]
async fn bad_config_and_missing_inputs_are_rejected_before_sending() {
    let server = MockServer::start().await;
    let client = client_for(&server);
    let gear = gear(&client, "converter");
    let input = || FileLocation::acquisition("a1", "patient-name.dcm");

    let error = gear
        .run()
        .input("dicom", input())
        .config("compresss", true)
        .send()
        .await
        .expect_err("unknown key");
    assert!(
        matches!(&error, JobError::UnknownConfigKey { gear, key } if gear == "toy-gear" && key == "compresss"),
        "{error:?}"
    );
    assert!(error.to_string().contains("`compresss`"), "{error}");

    let error = gear
        .run()
        .config("mode", "slow")
        .send()
        .await
        .expect_err("no dicom");
    assert!(
        matches!(&error, JobError::MissingRequiredInput { input, .. } if input == "dicom"),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        "gear `toy-gear`: required input `dicom` is missing"
    );

    let error = gear
        .run()
        .input("dicom", input())
        .config("threshold", "high")
        .send()
        .await
        .expect_err("wrong type");
    assert_eq!(
        error.to_string(),
        "gear `toy-gear`: config `threshold` must be of type number, got string"
    );

    let error = gear
        .run()
        .input("dicom", input())
        .config("mode", "secret-value")
        .send()
        .await
        .expect_err("not in enum");
    assert!(matches!(&error, JobError::ConfigNotAllowed { key, .. } if key == "mode"));
    assert!(!error.to_string().contains("secret-value"), "{error}");

    let error = gear
        .run()
        .input("dicom", input())
        .input("key", input())
        .send()
        .await
        .expect_err("api-key input takes no file");
    assert!(matches!(&error, JobError::InputNotAFile { base, .. } if base == "api-key"));

    let error = gear
        .run()
        .input("dicom", input())
        .analysis_label("label")
        .send()
        .await
        .expect_err("not an analysis gear");
    assert!(matches!(error, JobError::NotAnalysisGear { .. }));

    let unparented = FileOutput::default();
    let error = gear
        .run()
        .input_file("dicom", &unparented)
        .send()
        .await
        .expect_err("a file object without parent");
    assert!(matches!(&error, JobError::IncompleteFile { input } if input == "dicom"));

    assert!(requests(&server).await.is_empty(), "nothing may be sent");
}

#[tokio::test]
async fn an_analysis_gear_creates_an_analysis_with_its_job() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/sessions/s1/analyses"))
        .and(query_param("job", "true"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_id": "an1"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/analyses/an1"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"_id": "an1", "job": "job9"})),
        )
        .mount(&server)
        .await;
    let client = client_for(&server);
    let gear = gear(&client, "analysis");
    assert!(gear.is_analysis());

    let error = gear
        .run()
        .input("dicom", FileLocation::session("s1", "in.zip"))
        .send()
        .await
        .expect_err("an analysis needs a destination");
    assert!(matches!(error, JobError::MissingDestination { .. }));

    let run = gear
        .run()
        .input("dicom", FileLocation::session("s1", "in.zip"))
        .destination(ContainerRef::session("s1"))
        .analysis_label("my analysis")
        .priority(flywheel_client::types::JobPriority::High)
        .await
        .expect("run");
    assert_eq!(run.analysis_id(), Some("an1"));
    assert_eq!(run.job().await.expect("job").id(), "job9");

    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(
        body(&sent[0]),
        json!({
            "label": "my analysis",
            "job": {
                "gear_id": "g1",
                "inputs": {"dicom": {"type": "session", "id": "s1", "name": "in.zip"}},
                "config": {"compress": true, "mode": "fast", "threshold": 0.5},
                "tags": [],
                "priority": "high"
            }
        })
    );
}

fn job_json(state: &str) -> Value {
    json!({"id": "j1", "state": state})
}

#[tokio::test(start_paused = true)]
async fn wait_follows_pending_running_complete() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1"))
        .respond_with(in_turn(vec![
            job_json("pending"),
            job_json("pending"),
            job_json("running"),
            job_json("running"),
            job_json("running"),
            job_json("complete"),
        ]))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let mut states = client.job("j1").states();
    let mut seen = Vec::new();
    while let Some(job) = states.next().await {
        seen.push(job.expect("state").state.expect("has a state"));
    }
    assert_eq!(
        seen,
        [JobState::Pending, JobState::Running, JobState::Complete]
    );
    assert_eq!(requests(&server).await.len(), 6);

    // The same job again: the answers now repeat `complete`, so `wait` returns at once.
    let finished = client.job("j1").wait().await.expect("wait");
    assert_eq!(finished.state, Some(JobState::Complete));
}

#[tokio::test(start_paused = true)]
async fn wait_gives_up_at_the_timeout() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(job_json("running")))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let polling = PollOptions::new()
        .interval(Duration::from_secs(1))
        .max_interval(Duration::from_secs(8));
    let error = client
        .job("j1")
        .with_polling(polling)
        .wait()
        .timeout(Duration::from_secs(60))
        .await
        .expect_err("times out");
    match &error {
        JobError::Timeout {
            job_id,
            timeout,
            last_state,
        } => {
            assert_eq!(job_id, "j1");
            assert_eq!(*timeout, Duration::from_secs(60));
            assert_eq!(last_state.as_ref(), Some(&JobState::Running));
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // Pauses 1, 2, 4, 8, 8, … s up to 60 s: backoff keeps the polls few.
    let polls = requests(&server).await.len();
    assert!((5..=12).contains(&polls), "{polls} polls");
}

#[tokio::test(start_paused = true)]
async fn logs_are_followed_across_polls_without_duplicates_or_gaps() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1"))
        .respond_with(in_turn(vec![
            job_json("running"),
            job_json("running"),
            job_json("running"),
            job_json("running"),
            job_json("complete"),
        ]))
        .mount(&server)
        .await;
    let entry = |text: &str| json!({"fd": 1, "msg": format!("{text}\n")});
    let log = |lines: &[&str]| json!({"_id": "j1", "logs": lines.iter().map(|l| entry(l)).collect::<Vec<_>>()});
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1/logs"))
        .respond_with(in_turn(vec![
            log(&["a"]),
            log(&["a"]),
            log(&["a", "b", "c"]),
            log(&["a", "b", "c", "d"]),
            log(&["a", "b", "c", "d", "e"]),
        ]))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let mut output = Vec::new();
    let written = client
        .job("j1")
        .write_logs_to(&mut output)
        .await
        .expect("logs");
    assert_eq!(String::from_utf8(output).expect("utf-8"), "a\nb\nc\nd\ne\n");
    assert_eq!(written, 10);
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 10, "five polls of state and log");
}

#[tokio::test(start_paused = true)]
async fn a_failed_job_reports_its_reason_and_last_log_lines() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1"))
        .respond_with(in_turn(vec![
            job_json("running"),
            json!({"id": "j1", "state": "failed", "failure_reason": "gear_failure"}),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1/logs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"logs": [
            {"fd": 1, "msg": "line 1\nline 2\n"},
            {"fd": 2, "msg": "Traceback\n"},
            {"fd": 2, "msg": "ValueError: bad input\n"}
        ]})))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let error = client
        .job("j1")
        .wait()
        .expect_complete()
        .log_tail_lines(2)
        .await
        .expect_err("failed");
    assert_eq!(error.to_string(), "job j1 ended failed");
    let failure = error.failure().expect("a failure");
    assert_eq!(failure.failure_reason(), Some("gear_failure"));
    assert_eq!(failure.state(), Some(&JobState::Failed));
    assert_eq!(
        failure.last_log_lines,
        ["Traceback", "ValueError: bad input"]
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_job_is_reported_even_when_its_log_cannot_be_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"id": "j1", "state": "failed", "failure_reason": "gear_failure"}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/jobs/j1/logs"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"message": "no logs"})))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let error = client
        .job("j1")
        .wait()
        .expect_complete()
        .await
        .expect_err("failed");
    let failure = error
        .failure()
        .expect("the job's failure, not the log's 404");
    assert_eq!(failure.failure_reason(), Some("gear_failure"));
    assert!(failure.last_log_lines.is_empty());
}

#[tokio::test]
async fn cancel_and_retry_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/jobs/j1"))
        .and(body_json(json!({"state": "cancelled"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"modified": 1})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/jobs/j1/retry"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_id": "j2"})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client_for(&server);
    let job = client.job("j1");

    job.cancel().await.expect("cancel");
    let retried = job.retry().await.expect("retry");
    assert_eq!(retried.id(), "j2");
    server.verify().await;
}

#[tokio::test]
async fn batch_is_proposed_then_run() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/batch"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_id": "b1", "gear_id": "g1", "state": "pending", "config": {}
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/batch/b1/run"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!([{"id": "j1", "state": "pending"}, {"id": "j2", "state": "pending"}]),
        ))
        .mount(&server)
        .await;
    let client = client_for(&server);

    let error = gear(&client, "converter")
        .propose_batch([ContainerRef::session("s1")])
        .config("nope", 1)
        .send()
        .await
        .expect_err("unknown key");
    assert!(matches!(error, JobError::UnknownConfigKey { .. }));

    let proposal = gear(&client, "analysis")
        .propose_batch([ContainerRef::session("s1"), ContainerRef::session("s2")])
        .config("mode", "slow")
        .tag("batch")
        .analysis_label("batch analysis")
        .send()
        .await
        .expect("proposal");
    assert_eq!(proposal.id(), Some("b1"));
    let jobs = proposal.run().await.expect("run");
    let ids: Vec<&str> = jobs.iter().map(|job| job.id()).collect();
    assert_eq!(ids, ["j1", "j2"]);

    let sent = requests(&server).await;
    assert_eq!(
        body(&sent[0]),
        json!({
            "gear_id": "g1",
            "targets": [{"type": "session", "id": "s1"}, {"type": "session", "id": "s2"}],
            "config": {"compress": true, "mode": "slow", "threshold": 0.5},
            "tags": ["batch"],
            "analysis": {"label": "batch analysis"},
            "optional_input_policy": "ignored",
            "priority": "medium"
        })
    );
}

#[tokio::test(start_paused = true)]
async fn the_run_gear_example_runs_against_its_mock() {
    let server = run_gear_example::mock::start().await;
    let client = client_for(&server);
    let mut log = Vec::new();
    let finished = run_gear_example::run_gear(
        &client,
        "dcm2niix",
        "dcm2niix_input",
        run_gear_example::mock::ACQUISITION_ID,
        "scan.dicom.zip",
        PollOptions::new(),
        &mut log,
    )
    .await
    .expect("the example's run");
    assert_eq!(finished.state, Some(JobState::Complete));
    assert_eq!(
        String::from_utf8(log).expect("utf-8"),
        "Converting 1 series\nWrote scan.nii.gz\nDone\n"
    );
    let added = requests(&server)
        .await
        .into_iter()
        .find(|request| request.url.path() == "/api/jobs/add")
        .expect("addJob sent");
    assert_eq!(body(&added)["config"], json!({"compress_nifti": true}));
    assert_eq!(body(&added)["tags"], json!(["run_gear-example"]));
}
