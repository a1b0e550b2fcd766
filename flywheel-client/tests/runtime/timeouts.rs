//! Read (idle) timeouts trip on silence, not on long transfers.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use flywheel_client::http::Method;
use flywheel_client::{CallOptions, Error, UploadFile};
use futures_util::StreamExt;
use tokio::io::{AsyncRead, ReadBuf};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::{builder_for, client_at, stalled_server, trickle_server};

#[tokio::test]
async fn a_stalled_server_trips_the_read_timeout() {
    let address = stalled_server().await;
    let client = client_at(address)
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client
        .request("getVersion", Method::GET, "/version")
        .send_empty()
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(error, Error::ReadTimeout { idle, .. } if idle == Duration::from_millis(300)),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(!error.is_retryable());
    assert!(elapsed >= Duration::from_millis(300), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
}

#[tokio::test]
async fn the_read_timeout_can_be_set_per_call() {
    let address = stalled_server().await;
    let client = client_at(address).build().unwrap();
    let mut request = client.request("getVersion", Method::GET, "/version");
    request.options(CallOptions::new().read_timeout(Duration::from_millis(200)));
    let started = Instant::now();
    let error = request.send_empty().await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_slow_body_that_keeps_flowing_is_not_cut_off() {
    // 12 chunks, one every 100 ms: 1.2 s in all, with a 400 ms read timeout.
    let address = trickle_server(12 * 1000, 1000, Duration::from_millis(100)).await;
    let client = client_at(address)
        .read_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = Instant::now();
    let download = client
        .request("downloadFile", Method::GET, "/files/x")
        .send_download()
        .await
        .unwrap();
    assert_eq!(download.content_length(), Some(12_000));
    let bytes = download
        .bytes()
        .await
        .expect("a flowing body is not cut off");
    assert_eq!(bytes.len(), 12_000);
    assert!(started.elapsed() >= Duration::from_millis(1100));
}

#[tokio::test]
async fn a_body_that_stops_flowing_trips_the_read_timeout() {
    // One chunk after 50 ms, the next only after 2 s.
    let address = trickle_server(2 * 1000, 1000, Duration::from_millis(50)).await;
    let client = client_at(address)
        .read_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let slow = trickle_server(2 * 1000, 1000, Duration::from_secs(2)).await;
    let slow_client = client_at(slow)
        .read_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let fine = client
        .request("downloadFile", Method::GET, "/files/x")
        .send_download()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(fine.len(), 2000);
    let mut stream = slow_client
        .request("downloadFile", Method::GET, "/files/x")
        .send_download()
        .await
        .unwrap()
        .bytes_stream();
    let error = stream.next().await.expect("an item").unwrap_err();
    assert!(matches!(error, Error::ReadTimeout { .. }), "{error:?}");
    assert!(
        stream.next().await.is_none(),
        "the stream ends after an error"
    );
}

/// A reader yielding `chunks` chunks of 1 KiB, one every `interval`.
struct SlowReader {
    chunks: usize,
    interval: Duration,
    sleep: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl AsyncRead for SlowReader {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        if self.chunks == 0 {
            return Poll::Ready(Ok(()));
        }
        let interval = self.interval;
        let sleep = self
            .sleep
            .get_or_insert_with(|| Box::pin(tokio::time::sleep(interval)));
        match sleep.as_mut().poll(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(()) => {
                self.sleep = None;
                self.chunks -= 1;
                let n = buf.remaining().min(1024);
                buf.put_slice(&vec![b'u'; n]);
                Poll::Ready(Ok(()))
            }
        }
    }
}

#[tokio::test]
async fn a_slow_upload_that_keeps_flowing_is_not_cut_off() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let client = builder_for(&server)
        .read_timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let reader = SlowReader {
        chunks: 10,
        interval: Duration::from_millis(120),
        sleep: None,
    };
    let mut request = client.request("uploadFile", Method::POST, "/files");
    request.multipart_file("file", UploadFile::from_reader("slow.bin", reader, None));
    let started = Instant::now();
    request
        .send_empty()
        .await
        .expect("an upload that keeps flowing is not cut off");
    assert!(started.elapsed() >= Duration::from_millis(1200));
    let received = &server.received_requests().await.unwrap()[0];
    let uploaded = received.body.iter().filter(|byte| **byte == b'u').count();
    assert_eq!(uploaded, 10 * 1024);
}

#[tokio::test]
async fn a_total_timeout_limits_a_whole_transfer() {
    let address = trickle_server(20 * 1000, 1000, Duration::from_millis(100)).await;
    let client = client_at(address)
        .timeout(Duration::from_millis(500))
        .build()
        .unwrap();
    let started = Instant::now();
    let outcome = match client
        .request("downloadFile", Method::GET, "/files/x")
        .send_download()
        .await
    {
        Ok(download) => download.bytes().await,
        Err(error) => Err(error),
    };
    let error = outcome.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}
