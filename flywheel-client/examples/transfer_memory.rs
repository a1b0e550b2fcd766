//! Moves 200 MiB up and 200 MiB down through the client against a local streaming server and
//! prints the peak resident memory, which stays far below the file size.
//!
//! ```text
//! cargo run --release -p flywheel-client --example transfer_memory [MiB]
//! ```

#[path = "../tests/support/streaming_server.rs"]
mod streaming_server;

use std::time::Instant;

use flywheel_client::http::Method;
use flywheel_client::{Client, UploadFile};
use streaming_server::{StreamingServer, peak_rss_bytes, write_test_file};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 200,
    };
    let size = mib * 1024 * 1024;
    let server = StreamingServer::start(size).await;
    let client = Client::builder()
        .base_url(format!("http://{}/api", server.address))
        .api_key("example-key-0123456789")
        .build()?;

    let dir = std::env::temp_dir().join(format!("flywheel-transfer-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let source = dir.join("upload.bin");
    write_test_file(&source, size)?;
    let before = peak_rss_bytes().unwrap_or(0);

    let started = Instant::now();
    let mut upload = client.request("uploadFile", Method::POST, "/files");
    upload.multipart_file("file", UploadFile::from_path(&source));
    upload.send_empty().await?;
    let upload_time = started.elapsed();

    let started = Instant::now();
    let target = dir.join("download.bin");
    let written = client
        .request("downloadFile", Method::GET, "/files/big")
        .send_download()
        .await?
        .write_to_path(&target)
        .await?;
    let download_time = started.elapsed();
    let after = peak_rss_bytes().unwrap_or(0);
    std::fs::remove_dir_all(&dir)?;

    println!("file size:        {mib} MiB");
    println!(
        "upload:           {} MiB received by the server in {upload_time:.2?}",
        server.uploaded_bytes() >> 20
    );
    println!(
        "download:         {} MiB written in {download_time:.2?}",
        written >> 20
    );
    println!("peak RSS before:  {:.1} MiB", before as f64 / 1048576.0);
    println!("peak RSS after:   {:.1} MiB", after as f64 / 1048576.0);
    Ok(())
}
