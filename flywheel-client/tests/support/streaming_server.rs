//! A minimal HTTP/1.1 server on loopback for transfer-size tests: it counts and discards request
//! bodies, and answers GET with a body of a given size streamed from one small buffer. Unlike
//! `wiremock`, it never holds a body in memory, so the process's peak memory reflects the client.
//! It also plays the signed-URL upload protocol: a ticket request (`POST …/files?ticket=`)
//! answers `parts` signed URLs on the same server (`PUT /storage/…`), each `PUT` answers an
//! `ETag`, and the completion (`POST …/files?ticket=T`) answers an empty file list.
//! Shared by `tests/memory.rs` and `examples/transfer_memory.rs`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Size of the buffer download bodies are written from.
const WRITE_CHUNK: usize = 64 * 1024;

/// The running server.
pub struct StreamingServer {
    /// Where it listens.
    pub address: SocketAddr,
    uploaded: Arc<AtomicU64>,
}

impl StreamingServer {
    /// Starts a server whose GET answers carry `download_size` bytes; upload tickets answer
    /// one signed URL.
    pub async fn start(download_size: u64) -> StreamingServer {
        StreamingServer::start_with_parts(download_size, 1).await
    }

    /// As [`start`](Self::start), with upload tickets answering `parts` signed URLs (an
    /// S3-style multipart upload when more than one).
    pub async fn start_with_parts(download_size: u64, parts: u32) -> StreamingServer {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let uploaded = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&uploaded);
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let counter = Arc::clone(&counter);
                tokio::spawn(serve(stream, download_size, parts, address, counter));
            }
        });
        StreamingServer { address, uploaded }
    }

    /// Request body bytes received so far (multipart framing included).
    pub fn uploaded_bytes(&self) -> u64 {
        self.uploaded.load(Ordering::Relaxed)
    }
}

/// Serves the requests of one connection until it closes.
async fn serve(
    stream: TcpStream,
    download_size: u64,
    parts: u32,
    address: SocketAddr,
    uploaded: Arc<AtomicU64>,
) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut method = String::new();
        let mut target = String::new();
        let mut content_length: u64 = 0;
        let mut line = String::new();
        let mut first = true;
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => return,
                Ok(_) => {}
            }
            let trimmed = line.trim_end();
            if trimmed.is_empty() {
                break;
            }
            if first {
                let mut words = trimmed.split(' ');
                method = words.next().unwrap_or_default().to_owned();
                target = words.next().unwrap_or_default().to_owned();
                first = false;
            } else if let Some((name, value)) = trimmed.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                content_length = value.trim().parse().unwrap_or(0);
            }
        }
        let ticket_request = method == "POST" && target.ends_with("/files?ticket=");
        let mut ticket_body = Vec::new();
        if ticket_request {
            // A small JSON body: kept, to answer a URL for the file name it names.
            if (&mut reader)
                .take(content_length)
                .read_to_end(&mut ticket_body)
                .await
                .is_err()
            {
                return;
            }
        } else if content_length > 0 {
            let mut body = (&mut reader).take(content_length);
            match tokio::io::copy(&mut body, &mut tokio::io::sink()).await {
                Ok(n) => {
                    uploaded.fetch_add(n, Ordering::Relaxed);
                }
                Err(_) => return,
            }
        }
        let stream = reader.get_mut();
        if method == "GET" {
            let head = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: {download_size}\r\n\r\n"
            );
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![0xA5u8; WRITE_CHUNK];
            let mut left = download_size;
            while left > 0 {
                let n = left.min(WRITE_CHUNK as u64) as usize;
                if stream.write_all(&chunk[..n]).await.is_err() {
                    return;
                }
                left -= n as u64;
            }
        } else {
            let body = if ticket_request {
                ticket_answer(&ticket_body, parts, address)
            } else if method == "POST" && target.contains("/files") {
                "[]".to_owned()
            } else {
                "{}".to_owned()
            };
            let etag = if method == "PUT" {
                "etag: \"part\"\r\n"
            } else {
                ""
            };
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n{etag}content-length: {}\r\n\r\n{body}",
                body.len()
            );
            if stream.write_all(answer.as_bytes()).await.is_err() {
                return;
            }
        }
    }
}

/// The answer to an upload ticket request: `parts` URLs for the file the request names.
fn ticket_answer(request_body: &[u8], parts: u32, address: SocketAddr) -> String {
    let request: serde_json::Value = serde_json::from_slice(request_body).unwrap_or_default();
    let name = request["filenames"][0]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let urls: Vec<String> = (1..=parts)
        .map(|part| format!("http://{address}/storage/object?uploadId=U&partNumber={part}"))
        .collect();
    let urls = if parts == 1 {
        serde_json::json!(format!("http://{address}/storage/object"))
    } else {
        serde_json::json!(urls)
    };
    serde_json::json!({"ticket": "T", "urls": {name: urls}, "headers": {}}).to_string()
}

/// The process's peak resident set size in bytes (`VmHWM` of `/proc/self/status`), on Linux.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Writes a file of `size` bytes in 1 MiB pieces (so writing it does not raise peak memory).
pub fn write_test_file(path: &std::path::Path, size: u64) -> std::io::Result<()> {
    use std::io::Write;
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let piece = vec![0x5Au8; 1024 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(piece.len() as u64) as usize;
        file.write_all(&piece[..n])?;
        left -= n as u64;
    }
    file.flush()
}
