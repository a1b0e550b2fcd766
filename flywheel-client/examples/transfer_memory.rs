//! Moves a file (200 MiB unless told) up through each upload protocol of the file conveniences
//! (direct multipart, signed URL in one `PUT`, signed URL in 8 parts) and down once, against a
//! local streaming server, and prints throughput and the peak resident memory, which stays far
//! below the file size.
//!
//! ```text
//! cargo run --release -p flywheel-client --example transfer_memory [MiB]
//! ```

#[path = "../tests/support/streaming_server.rs"]
mod streaming_server;

use std::time::{Duration, Instant};

use flywheel_client::conveniences::{Acquisition, UploadOptions, UploadProtocol};
use flywheel_client::{Client, UploadFile};
use streaming_server::{StreamingServer, peak_rss_bytes, write_test_file};

fn client_of(server: &StreamingServer) -> Result<Client, flywheel_client::Error> {
    Client::builder()
        .base_url(format!("http://{}/api", server.address))
        .api_key("example-key-0123456789")
        .build()
}

fn acquisition(client: &Client) -> Result<Acquisition, serde_json::Error> {
    let data = serde_json::from_value(serde_json::json!({"_id": "5f0c1ab2c3d4e5f60718293a"}))?;
    Ok(Acquisition::new(client.clone(), data))
}

fn throughput(bytes: u64, time: Duration) -> String {
    format!(
        "{:.0} MiB/s ({time:.2?})",
        bytes as f64 / 1048576.0 / time.as_secs_f64()
    )
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mib: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse()?,
        None => 200,
    };
    let size = mib * 1024 * 1024;
    let single = StreamingServer::start(size).await;
    let parted = StreamingServer::start_with_parts(size, 8).await;

    let dir = std::env::temp_dir().join(format!("flywheel-transfer-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let source = dir.join("upload.bin");
    write_test_file(&source, size)?;
    let before = peak_rss_bytes().unwrap_or(0);
    println!("file size:              {mib} MiB");

    let runs = [
        ("multipart (direct)", &single, UploadProtocol::Multipart),
        ("signed URL, 1 PUT", &single, UploadProtocol::SignedUrl),
        ("signed URL, 8 parts", &parted, UploadProtocol::SignedUrl),
    ];
    for (label, server, protocol) in runs {
        let client = client_of(server)?;
        let received_before = server.uploaded_bytes();
        let started = Instant::now();
        acquisition(&client)?
            .upload_file_with(
                UploadFile::from_path(&source),
                UploadOptions::new().protocol(protocol),
            )
            .await?;
        let time = started.elapsed();
        let received = server.uploaded_bytes() - received_before;
        println!(
            "up, {label:<20} {} MiB received, {}",
            received >> 20,
            throughput(size, time)
        );
    }

    let client = client_of(&single)?;
    let started = Instant::now();
    let target = dir.join("download.bin");
    let written = acquisition(&client)?
        .file("download.bin")
        .download_to(&target)
        .await?;
    println!(
        "down, to a path:        {} MiB written, {}",
        written >> 20,
        throughput(written, started.elapsed())
    );
    let after = peak_rss_bytes().unwrap_or(0);
    std::fs::remove_dir_all(&dir)?;

    println!(
        "peak RSS before:        {:.1} MiB",
        before as f64 / 1048576.0
    );
    println!(
        "peak RSS after:         {:.1} MiB",
        after as f64 / 1048576.0
    );
    Ok(())
}
