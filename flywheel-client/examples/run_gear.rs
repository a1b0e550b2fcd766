//! Run a gear on a file, wait for its job and print the job's log.
//!
//! Against a Flywheel site:
//!
//! ```text
//! FLYWHEEL_API_KEY=flywheel.example.org:KEY \
//!   cargo run -p flywheel-client --example run_gear -- GEAR_NAME INPUT_NAME ACQUISITION_ID FILE_NAME
//! ```
//!
//! Without arguments it starts a local mock of the few endpoints it calls (a converter gear
//! whose job goes `pending → running → complete` and logs three lines) and runs against that;
//! `tests/jobs.rs` runs it so in CI.

use std::time::Duration;

use flywheel_client::Client;
use flywheel_client::jobs::{ContainerRef, FileLocation, JobError, PollOptions};
use flywheel_client::types::JobOutput;
use tokio::io::AsyncWrite;

/// Finds the gear, runs it on one acquisition file (outputs to the same acquisition), waits for
/// the job to complete and writes its log to `log`.
pub async fn run_gear<W: AsyncWrite + Unpin>(
    client: &Client,
    gear_name: &str,
    input_name: &str,
    acquisition_id: &str,
    file_name: &str,
    polling: PollOptions,
    log: &mut W,
) -> Result<JobOutput, JobError> {
    let gear = client.find_gear(gear_name).await?;
    let run = gear
        .run()
        .input(
            input_name,
            FileLocation::acquisition(acquisition_id, file_name),
        )
        .destination(ContainerRef::acquisition(acquisition_id))
        .tag("run_gear-example")
        .send()
        .await?;
    let job = run.job().await?.with_polling(polling);
    let finished = match job.wait().expect_complete().await {
        Ok(finished) => finished,
        Err(JobError::NotComplete(failure)) => {
            eprintln!("job {} did not complete", failure.job_id());
            for line in &failure.last_log_lines {
                eprintln!("  | {line}");
            }
            return Err(JobError::NotComplete(failure));
        }
        Err(other) => return Err(other),
    };
    job.write_logs_to(log).await?;
    Ok(finished)
}

/// A mock Flywheel for the example: gear `dcm2niix`, one job `pending → running → complete`.
pub mod mock {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use serde_json::json;
    use wiremock::matchers::{method, path, query_param};
    use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

    /// Acquisition the example runs on.
    pub const ACQUISITION_ID: &str = "5f0c1ab2c3d4e5f60718293a";
    /// Job id the mock creates.
    pub const JOB_ID: &str = "6a0c1ab2c3d4e5f607182900";

    /// A responder answering 200 with the given JSON bodies in turn, repeating the last.
    pub struct InTurn {
        bodies: Vec<serde_json::Value>,
        next: AtomicUsize,
    }

    impl Respond for InTurn {
        fn respond(&self, _request: &Request) -> ResponseTemplate {
            let index = self.next.fetch_add(1, Ordering::SeqCst);
            let body = &self.bodies[index.min(self.bodies.len() - 1)];
            ResponseTemplate::new(200).set_body_json(body)
        }
    }

    /// Answers with `bodies` in turn (at least one), repeating the last.
    pub fn in_turn(bodies: Vec<serde_json::Value>) -> InTurn {
        InTurn {
            bodies,
            next: AtomicUsize::new(0),
        }
    }

    /// Starts the mock.
    pub async fn start() -> MockServer {
        let server = MockServer::start().await;
        let gear = json!({
            "_id": "6a0c1ab2c3d4e5f607189999",
            "category": "converter",
            "gear": {
                "name": "dcm2niix",
                "inputs": {"dcm2niix_input": {"base": "file"}, "key": {"base": "api-key"}},
                "config": {"compress_nifti": {"type": "boolean", "default": true}}
            }
        });
        Mock::given(method("GET"))
            .and(path("/api/gears"))
            .and(query_param("filter", "gear.name=dcm2niix"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!([gear])))
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/api/jobs/add"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_id": JOB_ID})))
            .mount(&server)
            .await;
        let job = |state: &str| json!({"id": JOB_ID, "state": state});
        Mock::given(method("GET"))
            .and(path(format!("/api/jobs/{JOB_ID}")))
            .respond_with(in_turn(vec![
                job("pending"),
                job("running"),
                job("running"),
                job("complete"),
            ]))
            .mount(&server)
            .await;
        let log = json!({"_id": JOB_ID, "logs": [
            {"fd": 1, "msg": "Converting 1 series\n"},
            {"fd": 1, "msg": "Wrote scan.nii.gz\n"},
            {"fd": 1, "msg": "Done\n"}
        ]});
        Mock::given(method("GET"))
            .and(path(format!("/api/jobs/{JOB_ID}/logs")))
            .respond_with(ResponseTemplate::new(200).set_body_json(log))
            .mount(&server)
            .await;
        server
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut stdout = tokio::io::stdout();
    let finished = if let [gear, input, acquisition, file] = args.as_slice() {
        let client = Client::from_env()?;
        run_gear(
            &client,
            gear,
            input,
            acquisition,
            file,
            PollOptions::new().timeout(Duration::from_secs(24 * 3600)),
            &mut stdout,
        )
        .await?
    } else {
        let server = mock::start().await;
        let client = Client::builder()
            .base_url(format!("{}/api", server.uri()))
            .api_key("mock-key-0123456789")
            .build()?;
        println!(
            "(no arguments: running against a local mock at {})",
            server.uri()
        );
        run_gear(
            &client,
            "dcm2niix",
            "dcm2niix_input",
            mock::ACQUISITION_ID,
            "scan.dicom.zip",
            PollOptions::new().interval(Duration::from_millis(50)),
            &mut stdout,
        )
        .await?
    };
    println!(
        "job {} ended {}",
        finished.id.as_deref().unwrap_or("?"),
        finished.state.as_ref().map_or("?", |state| state.as_str())
    );
    Ok(())
}
