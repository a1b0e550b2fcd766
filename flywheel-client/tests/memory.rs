//! Uploads and downloads keep memory bounded: moving 64 MiB each way raises the process's peak
//! resident memory by far less than that. (Its own test binary, so no other test's allocations
//! count; `examples/transfer_memory.rs` does the same with 200 MiB and prints the figures.)

#[path = "support/streaming_server.rs"]
mod streaming_server;

use flywheel_client::http::Method;
use flywheel_client::{Client, UploadFile};
use streaming_server::{StreamingServer, peak_rss_bytes, write_test_file};

const SIZE: u64 = 64 * 1024 * 1024;
/// Allowed growth of peak memory: a quarter of the transfer size.
const BOUND: u64 = SIZE / 4;

#[tokio::test]
async fn a_64_mib_upload_and_download_keep_memory_bounded() {
    let server = StreamingServer::start(SIZE).await;
    let client = Client::builder()
        .base_url(format!("http://{}/api", server.address))
        .api_key("memory-test-key-0123")
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("big upload.bin");
    write_test_file(&source, SIZE).unwrap();

    // Warm up the connection pool and lazy statics before taking the baseline.
    client
        .request("warmUp", Method::POST, "/warm-up")
        .send_empty()
        .await
        .unwrap();
    let baseline = peak_rss_bytes().expect("Linux /proc/self/status");

    let mut upload = client.request("uploadFile", Method::POST, "/files");
    upload.multipart_file("file", UploadFile::from_path(&source));
    upload.send_empty().await.unwrap();
    assert!(
        server.uploaded_bytes() > SIZE,
        "{}",
        server.uploaded_bytes()
    );

    let target = dir.path().join("big download.bin");
    let written = client
        .request("downloadFile", Method::GET, "/files/big")
        .send_download()
        .await
        .unwrap()
        .write_to_path(&target)
        .await
        .unwrap();
    assert_eq!(written, SIZE);
    assert_eq!(std::fs::metadata(&target).unwrap().len(), SIZE);

    let peak = peak_rss_bytes().unwrap();
    let growth = peak.saturating_sub(baseline);
    println!(
        "moved {} MiB up and down; peak RSS {} MiB (+{} KiB)",
        SIZE >> 20,
        peak >> 20,
        growth >> 10
    );
    assert!(
        growth < BOUND,
        "peak memory grew by {growth} bytes while moving {SIZE} bytes"
    );
}
