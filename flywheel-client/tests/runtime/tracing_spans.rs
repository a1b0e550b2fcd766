//! Each attempt is traced in a span naming the operation, without the key.

use std::io::Write;
use std::sync::{Arc, Mutex};

use flywheel_client::http::Method;
use tracing_subscriber::fmt::MakeWriter;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{KEY, client_for};

/// Collects formatted trace output in memory.
#[derive(Clone, Default)]
pub struct Captured(pub Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[tokio::test]
async fn attempts_are_traced_with_operation_status_and_attempt_number() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{}"))
        .mount(&server)
        .await;
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(captured.clone())
        .with_max_level(tracing::Level::DEBUG)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    // A callsite first met by another test (no subscriber) may have cached "never".
    tracing::callsite::rebuild_interest_cache();

    let mut request =
        client_for(&server).request("getProject", Method::GET, "/projects/{projectId}");
    request.path_param("projectId", "patient-name-in-path");
    request.send_empty().await.unwrap();

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("flywheel_request"), "{output}");
    assert!(output.contains("operation_id=\"getProject\""), "{output}");
    assert!(
        output.contains("path_template=\"/projects/{projectId}\""),
        "{output}"
    );
    assert!(output.contains("method=GET"), "{output}");
    assert!(output.contains("attempt=1"), "{output}");
    assert!(output.contains("attempt=2"), "{output}");
    assert!(output.contains("status=503"), "{output}");
    assert!(output.contains("status=200"), "{output}");
    assert!(output.contains("duration_ms="), "{output}");
    assert!(
        output.contains("retrying after a transient failure"),
        "{output}"
    );
    assert!(!output.contains(KEY), "{output}");
    assert!(!output.contains("patient-name-in-path"), "{output}");
}
